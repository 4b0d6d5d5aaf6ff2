"""Visual changes against the baseline run: the pixel comparison on small generated
pictures, the pairing of steps with the baseline's, the check and the step card."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from cxaudit.analysis.analyse import analyse
from cxaudit.analysis.visual import (
    BASELINE_DIR,
    SizeMismatch,
    VisualOptions,
    compare_screenshots,
    diff_files,
    diff_images,
)
from cxaudit.gather.screenshot import MASK_COLOUR
from cxaudit.project.config import Settings
from cxaudit.report.view import Assets, visual_card
from cxaudit.results import RunResult, Snapshot, VisualDiff, VisualRegion
from tests.unit.checks.builders import evaluate, result_of, run, step

WIDTH, HEIGHT = 120, 80


def page_picture(seed: int = 1) -> Image.Image:
    """A picture with some structure: bands and lines of 'text' (dark dashes)."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH - 1, 11), fill=(30, 60, 120))
    rng = random.Random(seed)
    for y in range(20, HEIGHT - 6, 8):
        x = 4
        while x < WIDTH - 10:
            length = rng.randint(3, 9)
            draw.line((x, y, x + length, y), fill=(20, 20, 20), width=2)
            x += length + 3
    return image


def test_identical_pictures_have_no_change() -> None:
    diff = diff_images(page_picture(), page_picture(), 0.1)
    assert (diff.changed, diff.ratio, diff.regions) == (0, 0.0, ())


def test_one_changed_block_is_one_region_with_its_box() -> None:
    after = page_picture()
    ImageDraw.Draw(after).rectangle((30, 40, 49, 49), fill=(220, 0, 0))  # 20 x 10 px
    diff = diff_images(page_picture(), after, 0.1)
    assert len(diff.regions) == 1
    box = diff.regions[0]
    # The block's own pixels, tightened to what changed (the dashes it covers are
    # dark already where the red is dark too, so the box may be a pixel tighter).
    assert 29 <= box.x <= 31 and 39 <= box.y <= 41
    assert 18 <= box.width <= 21 and 8 <= box.height <= 11
    assert 0 < diff.ratio <= 200 / (WIDTH * HEIGHT)


def test_far_apart_changes_are_separate_regions_largest_first() -> None:
    after = page_picture()
    draw = ImageDraw.Draw(after)
    draw.rectangle((2, 2, 11, 9), fill=(255, 200, 0))  # 10 x 8
    draw.rectangle((70, 50, 109, 69), fill=(0, 160, 0))  # 40 x 20
    diff = diff_images(page_picture(), after, 0.1)
    assert [(b.x, b.y) for b in diff.regions] == [(70, 50), (2, 2)]


def test_noise_under_the_tolerance_is_no_change() -> None:
    before = page_picture()
    after = before.copy()
    rng = random.Random(7)
    pixels = after.load()
    for x in range(WIDTH):
        for y in range(HEIGHT):
            r, g, b = pixels[x, y]
            shift = rng.randint(-20, 20)  # under 0.1 x 255 = 25.5 in each channel
            pixels[x, y] = tuple(max(0, min(255, c + shift)) for c in (r, g, b))
    assert diff_images(before, after, 0.1).changed == 0
    # The same noise is a change for a tolerance under it: the tolerance is what holds it.
    assert diff_images(before, after, 0.02).changed > 0


def test_an_isolated_changed_pixel_is_noise_but_a_thin_line_is_not() -> None:
    after = page_picture()
    after.putpixel((60, 15), (255, 0, 0))
    assert diff_images(page_picture(), after, 0.1).changed == 0
    ImageDraw.Draw(after).line((10, 76, 60, 76), fill=(255, 0, 0), width=1)
    diff = diff_images(page_picture(), after, 0.1)
    assert [(b.x, b.y, b.width, b.height) for b in diff.regions] == [(10, 76, 51, 1)]


def test_a_masked_area_is_the_same_in_both_runs_whatever_it_covers() -> None:
    # A clock's element painted over with the mask colour in both pictures: what it
    # showed (another time) is under the paint, so nothing changed.
    before, after = page_picture(), page_picture()
    ImageDraw.Draw(before).text((70, 2), "10:41", fill="white")
    ImageDraw.Draw(after).text((70, 2), "10:42", fill="white")
    assert diff_images(before, after, 0.1).changed > 0
    for image in (before, after):
        ImageDraw.Draw(image).rectangle((68, 0, 110, 11), fill=MASK_COLOUR)
    assert diff_images(before, after, 0.1).changed == 0


def test_pictures_of_two_widths_are_not_compared() -> None:
    wider = Image.new("RGB", (WIDTH + 20, HEIGHT), "white")
    with pytest.raises(SizeMismatch, match=r"140x80 px here, 120x80 px in the baseline"):
        diff_images(page_picture(), wider, 0.1)


def test_a_page_that_grew_is_compared_over_the_common_height() -> None:
    # The same page with 20 rows more at the bottom and one block changed above them.
    taller = Image.new("RGB", (WIDTH, HEIGHT + 20), "white")
    taller.paste(page_picture(), (0, 0))
    ImageDraw.Draw(taller).rectangle((30, 40, 49, 49), fill=(220, 0, 0))
    common = diff_images(page_picture(), taller.crop((0, 0, WIDTH, HEIGHT)), 0.1)
    diff = diff_images(page_picture(), taller, 0.1)
    assert (diff.height, diff.baseline_height) == (HEIGHT + 20, HEIGHT)
    assert diff.changed == common.changed + 20 * WIDTH  # the new rows count as changed
    assert diff.ratio == pytest.approx(diff.changed / (WIDTH * (HEIGHT + 20)))
    first = diff.regions[0]
    assert (first.x, first.y, first.width, first.height) == (0, HEIGHT, WIDTH, 20)
    assert len(diff.regions) == 2  # the block, and the rows added
    # Shrunk: the rows gone count too, over the taller (the baseline's) height.
    shorter = diff_images(taller, page_picture(), 0.1)
    assert (shorter.height, shorter.baseline_height) == (HEIGHT, HEIGHT + 20)
    assert shorter.ratio == pytest.approx(diff.ratio)
    assert len(shorter.regions) == 1  # the rows gone are not in this picture


def test_files_with_the_same_bytes_are_not_decoded(tmp_path: Path) -> None:
    a, b = tmp_path / "a.webp", tmp_path / "b.webp"
    page_picture().save(a, quality=70)
    b.write_bytes(a.read_bytes())
    diff = diff_files(a, b, 0.1)
    assert (diff.width, diff.height, diff.changed) == (WIDTH, HEIGHT, 0)


# ---------------------------------------------------------------------------
# Steps paired with the baseline's


def shot(name: str, scale: int = 1) -> Snapshot:
    return Snapshot(
        url="http://127.0.0.1/",
        audited=True,
        screenshot=f"screenshots/{name}.png",
        viewport={"width": WIDTH, "height": HEIGHT},
        layout={"document": {"scroll_width": WIDTH}},
    )


def write(folder: Path, name: str, image: Image.Image) -> None:
    (folder / "screenshots").mkdir(parents=True, exist_ok=True)
    image.save(folder / "screenshots" / f"{name}.png")


def two_runs(tmp_path: Path) -> tuple[RunResult, RunResult, Path, Path]:
    """A baseline and a current run of one journey: step 1 unchanged, step 2 changed,
    step 3 a different action, step 4 with a taller page, step 5 not in the baseline."""
    old, new = tmp_path / "old", tmp_path / "new"
    changed = page_picture()
    ImageDraw.Draw(changed).rectangle((30, 40, 69, 59), fill=(220, 0, 0))
    for folder, second in ((old, page_picture()), (new, changed)):
        write(folder, "s1", page_picture())
        write(folder, "s2", second)
        write(folder, "s3", page_picture())
    write(old, "s4", page_picture())
    write(new, "s4", Image.new("RGB", (WIDTH, HEIGHT + 40), "white"))
    write(new, "s5", page_picture())
    baseline = result_of(
        run(
            [
                step(0, shot("s1"), action="goto"),
                step(1, shot("s2")),
                step(2, shot("s3"), action="fill"),
                step(3, shot("s4")),
            ]
        )
    ).model_copy(update={"run_id": "base-1"})
    current = result_of(
        run(
            [
                step(0, shot("s1"), action="goto"),
                step(1, shot("s2")),
                step(2, shot("s3")),
                step(3, shot("s4")),
                step(4, shot("s5")),
                step(5, None, action="wait"),
            ]
        ),
        run([step(0, shot("s1"), action="goto")], channel="mobile"),
    )
    return current, baseline, new, old


def test_each_audited_step_is_compared_with_the_same_step_of_the_baseline(
    tmp_path: Path,
) -> None:
    current, baseline, new, old = two_runs(tmp_path)
    compared = compare_screenshots(current, baseline, new, old, VisualOptions())
    desktop, mobile = compared.runs
    visuals = [s.visual for s in desktop.steps]
    assert [v.status if v else None for v in visuals] == [
        "unchanged",
        "changed",
        "not_compared",
        "changed",  # the page grew by half: the common area and the new rows
        "not_compared",
        None,  # not audited: nothing was read after it
    ]
    assert visuals[2].reason == "step 3 of the baseline is a 'fill' step, not 'click'"
    assert visuals[3].size_change == (
        "the page is 40 px taller than in the baseline (120 px, was 80 px): "
        "the top 80 px were compared, the rows added count as changed"
    )
    assert visuals[1].size_change == ""
    assert visuals[4].reason == "the baseline run has no such step"
    assert mobile.steps[0].visual.reason == "the baseline run has no run of 'Journey' on mobile"
    change = visuals[1]
    assert change.baseline_run == "base-1"
    assert change.ratio == pytest.approx(800 / (WIDTH * HEIGHT), rel=0.05)
    [region] = change.regions
    assert (region.x, region.y, region.width, region.height) == (30, 40, 40, 20)
    # The baseline's picture is copied into this report, which opens on its own.
    assert change.baseline_screenshot == f"{BASELINE_DIR}/screenshots/s2.png"
    assert (new / change.baseline_screenshot).read_bytes() == (
        old / "screenshots/s2.png"
    ).read_bytes()


def test_regions_are_in_css_pixels_of_the_page(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    big = page_picture().resize((WIDTH * 2, HEIGHT * 2))
    changed = big.copy()
    ImageDraw.Draw(changed).rectangle((60, 80, 139, 119), fill=(220, 0, 0))
    write(old, "s1", big)
    write(new, "s1", changed)
    base = result_of(run([step(0, shot("s1"))]))
    now = result_of(run([step(0, shot("s1"))]))
    [region] = compare_screenshots(now, base, new, old).runs[0].steps[0].visual.regions
    assert (region.x, region.y, region.width, region.height) == (30, 40, 40, 20)


def test_a_baseline_in_this_runs_own_folder_is_not_compared(tmp_path: Path) -> None:
    current, baseline, new, _ = two_runs(tmp_path)
    compared = compare_screenshots(current, baseline, new, new)
    assert {s.visual.status for s in compared.runs[0].steps if s.visual} == {"not_compared"}


def test_threshold_and_tolerance_come_from_the_config() -> None:
    settings = Settings.model_validate(
        {"visual": {"threshold": 0.05, "tolerance": 0.2, "mask": ["#clock", {"test_id": "ads"}]}}
    )
    assert settings.visual.options() == VisualOptions(threshold=0.05, tolerance=0.2)
    assert [m.describe() for m in settings.visual.masks()] == ["css='#clock'", "test_id='ads'"]


def test_a_change_under_the_threshold_is_unchanged(tmp_path: Path) -> None:
    current, baseline, new, old = two_runs(tmp_path)
    compared = compare_screenshots(current, baseline, new, old, VisualOptions(threshold=0.5))
    change = compared.runs[0].steps[1].visual
    assert (change.status, change.baseline_screenshot) == ("unchanged", "")


# ---------------------------------------------------------------------------
# The check and the step card


def changed(ratio: float, regions: int = 2) -> VisualDiff:
    return VisualDiff(
        status="changed",
        ratio=ratio,
        threshold=0.001,
        tolerance=0.1,
        regions=[VisualRegion(x=10 + 50 * i, y=20, width=30, height=10) for i in range(regions)],
        baseline_screenshot="baseline/screenshots/s1.png",
        baseline_run="base-1",
    )


def test_the_check_fails_a_changed_step_with_its_areas_as_evidence() -> None:
    journey = run([step(0, shot("s1")).model_copy(update={"visual": changed(0.02)})])
    [result] = evaluate("CX-MSG-011", (journey, 0))
    assert result.status.value == "fail"
    assert result.severity == "minor"
    assert result.message.startswith("2 % of the screenshot of step 1 'click 1' (/) on desktop")
    assert "since the baseline run base-1 (threshold 0.1 %), in 2 areas" in result.message
    assert [e.box for e in result.evidence] == [
        {"x": 10, "y": 20, "width": 30, "height": 10},
        {"x": 60, "y": 20, "width": 30, "height": 10},
    ]
    [big] = evaluate("CX-MSG-011", (run([step(0).model_copy(update={"visual": changed(0.4)})]), 0))
    assert big.severity == "moderate"


NOT_APPLIED = "mask css='#clok' not applied: it matches nothing on this page"


def test_the_check_says_a_change_of_height_and_masks_not_applied(tmp_path: Path) -> None:
    current, baseline, new, old = two_runs(tmp_path)
    # Step 2's mask covered nothing in this run, step 1's in the baseline's.
    current.runs[0].steps[1].snapshot.masks_not_applied.append(NOT_APPLIED)
    baseline.runs[0].steps[0].snapshot.masks_not_applied.append(NOT_APPLIED)
    compared = compare_screenshots(current, baseline, new, old, VisualOptions()).runs[0]
    assert compared.steps[1].visual.masks_not_applied == [NOT_APPLIED]
    assert compared.steps[0].visual.masks_not_applied == [f"{NOT_APPLIED} (baseline)"]
    [unchanged] = evaluate("CX-MSG-011", (compared, 0))
    assert unchanged.status.value == "pass"
    assert unchanged.message.endswith(f"(threshold 0.1 %); {NOT_APPLIED} (baseline)")
    [grown] = evaluate("CX-MSG-011", (compared, 3))
    assert grown.status.value == "fail" and grown.severity == "moderate"  # a third of it is new
    assert "; the page is 40 px taller than in the baseline (120 px, was 80 px)" in grown.message
    assert {"x": 0, "y": 80, "width": 120, "height": 40} in [e.box for e in grown.evidence]


def test_the_check_passes_unchanged_steps_and_says_not_compared() -> None:
    steps = [
        step(0).model_copy(update={"visual": VisualDiff(status="unchanged", ratio=0.0002)}),
        step(1).model_copy(
            update={"visual": VisualDiff(status="not_compared", reason="no such step")}
        ),
        step(2),
    ]
    journey = run(steps)
    assert [r.status.value for r in evaluate("CX-MSG-011", (journey, 0))] == ["pass"]
    [skipped] = evaluate("CX-MSG-011", (journey, 1))
    assert (skipped.status.value, skipped.message) == (
        "not_applicable",
        "not compared: no such step",
    )
    assert evaluate("CX-MSG-011", (journey, 2)) == []


def test_a_visual_finding_keeps_its_fingerprint_from_run_to_run() -> None:
    def once(ratio: float) -> str:
        journey = run([step(0, shot("s1")).model_copy(update={"visual": changed(ratio)})])
        [finding] = [
            f for f in analyse(result_of(journey)).runs[0].findings if f.code == "CX-MSG-011"
        ]
        return finding.fingerprint

    assert once(0.02) == once(0.3)


def test_the_step_card_outlines_the_areas_and_links_the_baseline(tmp_path: Path) -> None:
    write(tmp_path, "s1", page_picture())
    card_step = step(0, shot("s1")).model_copy(update={"visual": changed(0.02)})
    card = visual_card(card_step, None, Assets(tmp_path))
    assert card is not None and card.crop is not None
    assert len(card.crop.others) == 2
    assert card.baseline == "baseline/screenshots/s1.png"
    assert card.text == "Changed since the baseline: 2 % of the picture, 2 areas"
    unchanged = step(0, shot("s1")).model_copy(
        update={"visual": VisualDiff(status="unchanged", ratio=0.0)}
    )
    assert visual_card(unchanged, None, Assets(tmp_path)).crop is None
    # A change of height and a mask that covered nothing are said on the card.
    grown = changed(0.02).model_copy(
        update={"size_change": "the page is 40 px taller", "masks_not_applied": [NOT_APPLIED]}
    )
    said = visual_card(
        step(0, shot("s1")).model_copy(update={"visual": grown}), None, Assets(tmp_path)
    )
    assert said.text == (
        "Changed since the baseline: 2 % of the picture, 2 areas"
        f" · the page is 40 px taller · {NOT_APPLIED}"
    )
    assert visual_card(step(0, shot("s1")), None, Assets(tmp_path)) is None


def test_a_baseline_path_out_of_its_folder_is_never_read(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    write(new, "s1", page_picture())
    page_picture().save(tmp_path / "outside.png")  # beside the baseline's folder, not in it
    old.mkdir()
    hostile = Snapshot(audited=True, screenshot="../outside.png")
    base = result_of(run([step(0, hostile)]))
    now = result_of(run([step(0, shot("s1"))]))
    visual = compare_screenshots(now, base, new, old).runs[0].steps[0].visual
    assert (visual.status, visual.reason) == (
        "not_compared",
        "the baseline run has no screenshot of the step",
    )


def test_merge_copies_the_baseline_pictures_a_run_links(tmp_path: Path) -> None:
    from cxaudit.ci.merge import artifact_paths

    journey = run([step(0, shot("s1")).model_copy(update={"visual": changed(0.02)})])
    assert artifact_paths(journey) == ["screenshots/s1.png", "baseline/screenshots/s1.png"]


def test_pytest_sessions_compare_each_journey_run_as_it_is_checked(tmp_path: Path) -> None:
    from cxaudit.pytest.suite import Suite, SuiteOptions
    from cxaudit.results import write_results
    from cxaudit.spec.channels import BUILTIN_CHANNELS

    current, baseline, _, old = two_runs(tmp_path)
    write_results(baseline, old / "results.json")
    (tmp_path / "cxaudit.yaml").write_text("visual: {threshold: 0.01}\n", encoding="utf-8")
    suite = Suite.from_options(
        SuiteOptions(invocation_dir=tmp_path, output="new", baseline="old")  # a report folder
    )
    checked = suite.checked(current.runs[0], BUILTIN_CHANNELS["desktop"])
    assert [s.visual.status for s in checked.steps[:2]] == ["unchanged", "changed"]
    assert checked.steps[1].visual.threshold == 0.01
    # Step 2 changed; step 4 grew by half (its new rows count as changed).
    assert sorted(f.step for f in checked.findings if f.code == "CX-MSG-011") == [1, 3]
