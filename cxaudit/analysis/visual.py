"""Visual changes: each audited step's screenshot against the baseline run's.

With ``--baseline``, every audited step of this run is paired with the same
step of the baseline run: the same journey (its name, and its file when two
journeys share a name), the same channel, the same step number and action.
The two screenshots are compared pixel by pixel; what changed is kept in the
step's result (:class:`~cxaudit.results.VisualDiff`): the share of the
picture's pixels that changed and the boxes of the changed areas, in CSS
pixels of the page like every other box in the results. The check
``visual-change`` (CX-MSG-011) reads it; the report outlines the areas.

Two knobs (config ``visual:``): a pixel counts as changed when one of its
colour channels moved by more than ``tolerance`` of the full range (so
antialiasing and compression noise do not count), and a step counts as
changed when more than ``threshold`` of its pixels did. Parts of a page that
change by design (a clock, a date, a carousel) are listed under
``visual.mask``; they are painted over in every screenshot, in both runs, at
the moment it is taken (:mod:`cxaudit.gather.screenshot`).

A pair that cannot be compared says why ("not compared"): the baseline has
no such step, no screenshot of it, or a picture of another width (another
viewport). A page that grew or shrank is compared over the height both
pictures have, the change of height said (``size_change``), and the rows
only one of them has count as changed pixels, so a page that grew past the
threshold is a change. A mask that covered nothing (a selector the page
rejects, or one that matches nothing there) is said too (``masks_not_applied``).

Fast enough to run on every step: the changed pixels are found with Pillow's
C loops (difference, per-pixel maximum, a lookup table, a 3 x 3 mean that
drops lone changed pixels), only inside the box of what changed, and the
areas by labelling 8 x 8 blocks of the change mask a row run at a time.
Comparing a decoded 1280 x 800 pair takes about 8 ms of CPU, decoding its
two WebP files about 30 ms more; byte-identical files are not decoded
(bench/visual_diff.py, bench/README.md).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from cxaudit.results import (
    ChannelInfo,
    JourneyRun,
    RunResult,
    StepResult,
    VisualDiff,
    VisualRegion,
)

if TYPE_CHECKING:
    from PIL.Image import Image

#: Side of the square blocks changed pixels are gathered in to find areas (pixels).
BLOCK = 8
#: Blocks of no change that still join two changed areas into one (per side).
JOIN = 1
#: A 3 x 3 mean of the change mask at or above this: the pixel and one neighbour changed.
NEIGHBOURED = 2 * 255 // 9
#: Changed areas kept per step, largest first; the rest are only counted.
MAX_REGIONS = 20
#: Steps of a journey run compared at once.
THREADS = max(1, min(4, os.cpu_count() or 1))
#: Where copies of the baseline's screenshots go in this run's report folder.
BASELINE_DIR = "baseline"


@dataclass(frozen=True)
class VisualOptions:
    """How screenshots are compared (config ``visual:``)."""

    #: Share of a picture's pixels that must change for the step to count as changed.
    threshold: float = 0.001
    #: How far a colour channel may move (share of 0-255) and the pixel still be the same.
    tolerance: float = 0.2


@dataclass(frozen=True)
class Box:
    """A box in image pixels."""

    x: int
    y: int
    width: int
    height: int

    @property
    def area(self) -> int:
        return self.width * self.height


@dataclass(frozen=True)
class PixelDiff:
    """What changed between two pictures of one size."""

    width: int
    height: int
    changed: int
    regions: tuple[Box, ...]
    more_regions: int = 0
    #: The baseline picture's height, when it differs from this one's.
    baseline_height: int | None = None

    @property
    def ratio(self) -> float:
        tallest = max(self.height, self.baseline_height or 0)
        return self.changed / max(1, self.width * tallest)


class SizeMismatch(ValueError):
    """The two pictures differ in width: they cannot be compared pixel by pixel."""


def _open(path: Path) -> Image:
    from PIL import Image

    with Image.open(path) as image:
        image.load()
        return image if image.mode == "RGB" else image.convert("RGB")


def diff_images(baseline: Image, current: Image, tolerance: float) -> PixelDiff:
    """The changed pixels of ``current`` against ``baseline`` (two PIL images) and their areas.

    Two heights (the page grew or shrank) are compared over their common
    height; the rows only one picture has count as changed (an area, when
    they are this picture's). Raises :class:`SizeMismatch` when the widths differ.
    """
    from PIL import ImageChops, ImageFilter

    if baseline.width != current.width:
        raise SizeMismatch(
            f"the screenshots differ in width ({current.width}x{current.height} px here, "
            f"{baseline.width}x{baseline.height} px in the baseline)"
        )
    width, height = current.size
    common = min(height, baseline.height)
    a = baseline if baseline.mode == "RGB" else baseline.convert("RGB")
    b = current if current.mode == "RGB" else current.convert("RGB")
    if baseline.height != height:
        a, b = a.crop((0, 0, width, common)), b.crop((0, 0, width, common))
        diff = diff_images(a, b, tolerance)
        strip = [Box(0, common, width, height - common)] if height > common else []
        boxes = sorted((*diff.regions, *strip), key=lambda box: (-box.area, box.y, box.x))
        return PixelDiff(
            width,
            height,
            diff.changed + width * abs(height - baseline.height),
            tuple(boxes[:MAX_REGIONS]),
            more_regions=diff.more_regions + max(0, len(boxes) - MAX_REGIONS),
            baseline_height=baseline.height,
        )
    red, green, blue = ImageChops.difference(a, b).split()
    largest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    level = max(0, min(255, round(tolerance * 255)))
    mask = largest.point([0] * (level + 1) + [255] * (255 - level))
    found = mask.getbbox()
    if found is None:
        return PixelDiff(width, height, 0, ())
    # Only the part of the picture where pixels changed is looked at further
    # (with a pixel around it, for the neighbours); nothing outside changed.
    left, top = max(0, found[0] - 1), max(0, found[1] - 1)
    part = mask.crop((left, top, min(width, found[2] + 1), min(height, found[3] + 1)))
    # A changed pixel none of whose 8 neighbours changed is noise (an edge
    # antialiased or compressed a little otherwise), not a change: even a
    # line one pixel wide has two changed neighbours per pixel.
    around = part.filter(ImageFilter.Kernel((3, 3), [1] * 9, 9))
    part = ImageChops.darker(part, around.point([0] * NEIGHBOURED + [255] * (256 - NEIGHBOURED)))
    changed = part.histogram()[255]
    if not changed:
        return PixelDiff(width, height, 0, ())
    boxes = [Box(b.x + left, b.y + top, b.width, b.height) for b in _areas(part)]
    boxes.sort(key=lambda box: (-box.area, box.y, box.x))
    return PixelDiff(
        width,
        height,
        changed,
        tuple(boxes[:MAX_REGIONS]),
        more_regions=max(0, len(boxes) - MAX_REGIONS),
    )


def diff_files(baseline: Path, current: Path, tolerance: float) -> PixelDiff:
    """:func:`diff_images` of two picture files; the same bytes are no change, unread."""
    from cxaudit.report.evidence import image_size

    size = image_size(current)
    if baseline.read_bytes() == current.read_bytes() and size is not None:
        return PixelDiff(size[0], size[1], 0, ())
    return diff_images(_open(baseline), _open(current), tolerance)


_RUN = re.compile(rb"[^\x00]+")


def _areas(mask: Image) -> list[Box]:
    """Bounding boxes of the clusters of changed pixels in ``mask`` (255 = changed).

    The mask is reduced to blocks (a block with any changed pixel is set),
    blocks within :data:`JOIN` of each other are joined, and the set blocks
    are labelled by runs along each row (a run touching one of the row
    above, diagonals included, is the same area): far fewer steps than
    pixels or blocks, whatever the picture shows.
    """
    from PIL import ImageFilter

    grid = mask.reduce(BLOCK).point([0] + [255] * 255)
    joined = grid.filter(ImageFilter.MaxFilter(2 * JOIN + 1)) if JOIN else grid
    gw, gh = joined.size
    data = joined.tobytes()
    parent: list[int] = []

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    runs: list[tuple[int, int, int]] = []  # (row, start, end) of set blocks
    previous: list[int] = []  # indices in ``runs`` of the row above
    for row in range(gh):
        line = data[row * gw : (row + 1) * gw]
        current: list[int] = []
        for found in _RUN.finditer(line):
            start, end = found.start(), found.end()
            index = len(runs)
            runs.append((row, start, end))
            parent.append(index)
            for other in previous:
                _, o_start, o_end = runs[other]
                if o_start <= end and start <= o_end:  # touching, diagonals too
                    ra, rb = find(index), find(other)
                    if ra != rb:
                        parent[ra] = rb
            current.append(index)
        previous = current
    spans: dict[int, list[int]] = {}
    for index, (row, start, end) in enumerate(runs):
        root = find(index)
        box = spans.get(root)
        if box is None:
            spans[root] = [start, row, end, row + 1]
        else:
            box[0], box[1] = min(box[0], start), min(box[1], row)
            box[2], box[3] = max(box[2], end), max(box[3], row + 1)
    boxes = []
    for x0, y0, x1, y1 in spans.values():
        # The joined area, back in pixels, tightened to the pixels that changed in it.
        left, top = x0 * BLOCK, y0 * BLOCK
        window = (left, top, min(mask.width, x1 * BLOCK), min(mask.height, y1 * BLOCK))
        tight = mask.crop(window).getbbox()
        if tight is None:
            continue
        boxes.append(Box(left + tight[0], top + tight[1], tight[2] - tight[0], tight[3] - tight[1]))
    return boxes


# ---------------------------------------------------------------------------
# Steps of this run against the baseline's


def _index(runs: Sequence[JourneyRun]) -> dict[tuple[str, ...], JourneyRun]:
    """Baseline runs by (file, journey, channel), and by (journey, channel) when unique."""
    out: dict[tuple[str, ...], JourneyRun] = {}
    named: dict[tuple[str, str], list[JourneyRun]] = {}
    for run in runs:
        out.setdefault((run.file, run.journey, run.channel), run)
        named.setdefault((run.journey, run.channel), []).append(run)
    for key, found in named.items():
        if len(found) == 1:
            out[key] = found[0]
    return out


def _not_compared(reason: str, options: VisualOptions, run_id: str) -> VisualDiff:
    return VisualDiff(
        status="not_compared",
        reason=reason,
        threshold=options.threshold,
        tolerance=options.tolerance,
        baseline_run=run_id,
    )


def _inside(folder: Path, relative: str) -> Path | None:
    """``folder / relative`` when it stays inside ``folder`` (paths come from a file on disk)."""
    if not relative or "\\" in relative or PurePosixPath(relative).is_absolute():
        return None
    root = folder.resolve()
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) else None


@dataclass(frozen=True)
class _Where:
    """The two report folders, and the baseline run's identity."""

    current: Path
    baseline: Path
    run_id: str
    options: VisualOptions


def compare_step(
    step: StepResult,
    before: StepResult | None,
    channel: ChannelInfo | None,
    where: _Where,
) -> VisualDiff | None:
    """The comparison of one step's screenshot with its baseline's; None for a step
    that is not audited (no snapshot was read after it)."""
    snapshot = step.snapshot
    if snapshot is None or not snapshot.audited:
        return None
    options, run_id = where.options, where.run_id
    if not snapshot.screenshot:
        return _not_compared("this run has no screenshot of the step", options, run_id)
    if before is None:
        return _not_compared("the baseline run has no such step", options, run_id)
    if before.action != step.action:
        return _not_compared(
            f"step {step.index + 1} of the baseline is a '{before.action}' step, "
            f"not '{step.action}'",
            options,
            run_id,
        )
    old = before.snapshot.screenshot if before.snapshot is not None else None
    old_path = _inside(where.baseline, old or "")
    new_path = _inside(where.current, snapshot.screenshot)
    if old_path is None or not old_path.is_file():
        return _not_compared("the baseline run has no screenshot of the step", options, run_id)
    if new_path is None or not new_path.is_file():
        return _not_compared("this run's screenshot of the step is missing", options, run_id)
    try:
        diff = diff_files(old_path, new_path, options.tolerance)
    except SizeMismatch as exc:
        return _not_compared(str(exc), options, run_id)
    except OSError as exc:  # an unreadable or foreign file: said, never a crashed run
        return _not_compared(f"a screenshot could not be read ({exc})", options, run_id)
    from cxaudit.report.evidence import screenshot_scale

    scale = screenshot_scale(channel, step, (diff.width, diff.height))
    changed = diff.ratio > options.threshold
    copy = _copy_baseline(old_path, old or "", where.current) if changed else ""
    masks = [*snapshot.masks_not_applied]
    if before.snapshot is not None:
        masks += [f"{m} (baseline)" for m in before.snapshot.masks_not_applied if m not in masks]
    return VisualDiff(
        status="changed" if changed else "unchanged",
        ratio=round(diff.ratio, 6),
        threshold=options.threshold,
        tolerance=options.tolerance,
        size_change=_size_change(diff, scale),
        masks_not_applied=masks,
        regions=[
            VisualRegion(
                x=round(box.x / scale, 1),
                y=round(box.y / scale, 1),
                width=round(box.width / scale, 1),
                height=round(box.height / scale, 1),
            )
            for box in diff.regions
        ],
        more_regions=diff.more_regions,
        baseline_screenshot=copy,
        baseline_run=run_id,
    )


def _size_change(diff: PixelDiff, scale: float) -> str:
    """What a change of the page's height is said as ("" when it kept its height)."""
    if diff.baseline_height is None or diff.baseline_height == diff.height:
        return ""
    now, was = round(diff.height / scale), round(diff.baseline_height / scale)
    grew = now > was
    return (
        f"the page is {abs(now - was)} px {'taller' if grew else 'shorter'} than in the "
        f"baseline ({now} px, was {was} px): the top {min(now, was)} px were compared, "
        f"the rows {'added' if grew else 'gone'} count as changed"
    )


def _copy_baseline(source: Path, relative: str, out_dir: Path) -> str:
    """The baseline's picture copied into this report (it must open from disk on its own)."""
    name = PurePosixPath(BASELINE_DIR, relative).as_posix()
    target = _inside(out_dir, name)
    if target is None:
        return ""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    except OSError:
        return ""
    return name


def compare_run(
    run: JourneyRun,
    baseline: JourneyRun | None,
    channel: ChannelInfo | None,
    where: _Where,
) -> JourneyRun:
    """``run`` with each audited step's comparison with ``baseline``'s same step.

    The steps are compared in a few threads: decoding the pictures, most of
    the time, runs in Pillow's C code, which lets other threads run.
    """

    def one(step: StepResult) -> VisualDiff | None:
        if baseline is None:
            if step.snapshot is None or not step.snapshot.audited:
                return None
            return _not_compared(
                f"the baseline run has no run of '{run.journey}' on {run.channel}",
                where.options,
                where.run_id,
            )
        before = baseline.steps[step.index] if step.index < len(baseline.steps) else None
        return compare_step(step, before, channel, where)

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        visuals = list(pool.map(one, run.steps))
    steps = [
        step if visual is None else step.model_copy(update={"visual": visual})
        for step, visual in zip(run.steps, visuals, strict=True)
    ]
    return run.model_copy(update={"steps": steps})


def compare_journey_run(
    run: JourneyRun,
    baseline: RunResult,
    out_dir: Path,
    baseline_dir: Path,
    options: VisualOptions | None = None,
    channel: ChannelInfo | None = None,
) -> JourneyRun:
    """One journey run of this run compared with its run in ``baseline`` (see the module).

    ``out_dir`` is this run's report folder, ``baseline_dir`` the baseline's
    (where its results.json is). When they are one folder, this run has
    written over the baseline's pictures: nothing is compared, and each step
    says so.
    """
    options = options or VisualOptions()
    where = _Where(out_dir, baseline_dir, baseline.run_id, options)
    if out_dir.resolve() == baseline_dir.resolve():
        reason = "the baseline's screenshots are in this run's folder, and were replaced"
        steps = [
            s.model_copy(update={"visual": _not_compared(reason, options, baseline.run_id)})
            if s.snapshot is not None and s.snapshot.audited
            else s
            for s in run.steps
        ]
        return run.model_copy(update={"steps": steps})
    index = _index(baseline.runs)
    before = index.get((run.file, run.journey, run.channel)) or index.get(
        (run.journey, run.channel)
    )
    return compare_run(run, before, channel, where)


def compare_screenshots(
    result: RunResult,
    baseline: RunResult,
    out_dir: Path,
    baseline_dir: Path,
    options: VisualOptions | None = None,
) -> RunResult:
    """``result`` with every audited step compared with the baseline's
    (:func:`compare_journey_run` for each journey run)."""
    channels = {c.name: c for c in result.channels}
    runs = [
        compare_journey_run(
            run, baseline, out_dir, baseline_dir, options, channels.get(run.channel)
        )
        for run in result.runs
    ]
    return result.model_copy(update={"runs": runs})
