"""What the report pages show, worked out from results.json before templating.

The templates only lay things out; every number, grouping and ordering they
show is computed here, from the :class:`RunResult` alone (plus the check
registry for the customer-impact text), so the HTML, the Markdown summary and
the tests agree on them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from cxaudit.analysis.analyse import SEVERITY_ORDER, problem_identity
from cxaudit.analysis.scoring import (
    BAND_LABELS,
    Profile,
    band,
    capped_band,
    ordered_categories,
    scorecard,
)
from cxaudit.checks.pages import match_groups, runs_by_journey
from cxaudit.checks.values import comparable
from cxaudit.checks.visual_change import pixel_share
from cxaudit.ci.baseline import is_new
from cxaudit.report.evidence import Crop, crop, image_size, screenshot_scale
from cxaudit.results import (
    CardScores,
    ChannelInfo,
    ChannelScores,
    Finding,
    JourneyRun,
    RunResult,
    RunTotals,
    StepResult,
)

CANONICAL_STAGES = ("pre-purchase", "purchase", "post-purchase")


def channel_names(result: RunResult) -> list[str]:
    names = [c.name for c in result.channels]
    return names + sorted({r.channel for r in result.runs} - set(names))


def safe_asset(path: str | None) -> str | None:
    """A relative path inside the report folder, or None (never a URL or ``..``)."""
    if not path or "\\" in path or ":" in path:
        return None
    parts = PurePosixPath(path).parts
    if not parts or parts[0] == "/" or ".." in parts:
        return None
    return path


def safe_url(url: str | None) -> str | None:
    return url if url and url.startswith(("https://", "http://")) else None


def pct(part: float, whole: float) -> float:
    return 0.0 if whole <= 0 else max(0.0, min(100.0, 100.0 * part / whole))


# ---------------------------------------------------------------------------
# Findings


def findings_of_run(result: RunResult, run: JourneyRun) -> list[Finding]:
    """A run's own findings and the run-wide ones that concern it."""
    extra = [
        f
        for f in result.findings
        if f.journey in ("", run.journey) and f.channel in ("", run.channel)
    ]
    return [*run.findings, *extra]


def steps_of(finding: Finding) -> list[int]:
    return finding.seen_on_steps or ([finding.step] if finding.step is not None else [])


def check_impact(result: RunResult, code: str) -> str:
    """Why a check matters to a customer, as the run wrote it into its results."""
    text = result.checks.get(code)
    return text.impact if text is not None else ""


def problem_key(finding: Finding) -> tuple[str, ...]:
    """What makes findings on several journeys and channels one problem to fix: the
    finding's identity without its channel and journey (the rule, the element or
    the value it is about), else its elements or message."""
    identity = problem_identity(finding)
    if identity is not None:
        return (identity,)
    selectors = sorted({e.selector for e in finding.evidence if e.selector})
    return (finding.code, finding.title, *(selectors or [finding.message]))


def group_problems(findings: Iterable[Finding], points: str) -> list[list[Finding]]:
    """Failing findings grouped into problems, each group costliest first by ``points``."""
    groups: dict[tuple[str, ...], list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.status == "fail":
            groups[problem_key(finding)].append(finding)
    for items in groups.values():
        items.sort(key=lambda f: -f.points.get(points, 0.0))
    return list(groups.values())


@dataclass(frozen=True)
class Occurrence:
    """One finding of a problem: the journey it is on and the steps it was seen on."""

    finding: Finding
    run_anchor: str
    steps: list[tuple[int, str]]
    new: bool


@dataclass(frozen=True)
class EvidenceView:
    selector: str | None
    html: str | None
    values: list[tuple[str, str]]
    crop: Crop | None
    background: str | None  # the screenshot as the crop's CSS background
    alt: str


@dataclass(frozen=True)
class Problem:
    """Findings that are one thing to fix, with the points they cost together."""

    first: Finding
    occurrences: list[Occurrence]
    points: float
    channels: tuple[str, ...]
    journeys: tuple[str, ...]
    new: bool
    accepted: bool
    impact: str = ""
    evidence: tuple[EvidenceView, ...] = ()
    more_evidence: int = 0
    help_url: str | None = None
    #: The worst severity of its findings.
    severity: str = "info"
    #: The name of the one step it is met on, when all its findings are on one step.
    step_name: str = ""

    @property
    def anchor(self) -> str:
        return anchor(self.first)


def _one_step_name(findings: list[Finding], result: RunResult) -> str:
    names = {(r.journey, r.channel): {s.index: s.name for s in r.steps} for r in result.runs}
    seen = {names.get((f.journey, f.channel), {}).get(i, "") for f in findings for i in steps_of(f)}
    return next(iter(seen)) if len(seen) == 1 else ""


def _problem(findings: list[Finding], result: RunResult, points: str) -> Problem:
    first = findings[0]
    return Problem(
        first=first,
        occurrences=[Occurrence(f, "", [], is_new(f, result)) for f in findings],
        points=sum(f.points.get(points, 0.0) for f in findings),
        channels=tuple(sorted({f.channel or "all channels" for f in findings})),
        journeys=tuple(sorted({f.journey or "all journeys" for f in findings})),
        new=any(is_new(f, result) for f in findings),
        accepted=all(f.accepted for f in findings),
        help_url=safe_url(first.help_url),
        severity=min((f.severity for f in findings), key=_severity_rank),
        step_name=_one_step_name(findings, result),
    )


#: Severities that come after every worse problem in a ranking, whatever their points.
MINOR_SEVERITIES = frozenset({"minor", "info"})


def _problem_order(p: Problem) -> tuple[Any, ...]:
    """Costliest first: muted problems last, then minor ones after every worse problem,
    then by the points they cost, then by severity (docs/scoring.md, "What to fix first")."""
    return (
        p.accepted,
        p.severity in MINOR_SEVERITIES,
        -round(p.points, 2),
        _severity_rank(p.severity),
        p.first.code,
        p.first.title,
    )


def _severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


def fix_first(result: RunResult, limit: int = 10) -> list[Problem]:
    """One row per problem, across categories, channels and journeys: what fixing it
    everywhere would add to the overall score, most first, a minor problem never
    above a worse one."""
    problems = [
        _problem(g, result, "overall") for g in group_problems(result.all_findings(), "overall")
    ]
    return sorted(problems, key=_problem_order)[:limit]


MAX_EVIDENCE = 5


def _value_text(value: Any) -> str:
    """An evidence value as a reader reads it: ``Delivery 6.95, Tax 1.2``, never a repr."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict):
        return ", ".join(f"{k} {_value_text(v)}".strip() for k, v in value.items())
    if isinstance(value, (list, tuple, set)):
        return ", ".join(_value_text(v) for v in value)
    return "" if value is None else str(value)


def _value_row(key: str, value: Any) -> tuple[str, str]:
    """One evidence value as shown; the steps an element was seen on are kept 0-based in
    results (as ``Finding.step``) and shown 1-based, as the step links beside them."""
    if key == "steps" and isinstance(value, list) and all(isinstance(i, int) for i in value):
        return ("step" if len(value) == 1 else "steps"), ", ".join(str(i + 1) for i in value)
    return key, _value_text(value)


def _value_row(key: str, value: Any) -> tuple[str, str]:
    """One evidence value as shown; the steps an element was seen on are kept 0-based in
    results (as ``Finding.step``) and shown 1-based, as the step links beside them."""
    if key == "steps" and isinstance(value, list) and all(isinstance(i, int) for i in value):
        return ("step" if len(value) == 1 else "steps"), ", ".join(str(i + 1) for i in value)
    return key, _value_text(value)


class Assets:
    """Where screenshots are, for reading their size, and how pages link to them."""

    def __init__(self, source_dir: Path | None, prefix: str = "") -> None:
        self.source_dir = source_dir
        self.prefix = prefix

    def href(self, path: str | None) -> str | None:
        safe = safe_asset(path)
        return None if safe is None else self.prefix + safe

    def css_url(self, path: str | None) -> str | None:
        """The asset as a CSS ``url()`` that no character of its name can break out of."""
        href = self.href(path)
        return None if href is None else f"url('{quote(href, safe='/.-_')}')"

    def size(self, path: str | None) -> tuple[int, int] | None:
        safe = safe_asset(path)
        if safe is None or self.source_dir is None:
            return None
        return image_size(self.source_dir / safe)


def evidence_views(
    finding: Finding,
    run: JourneyRun | None,
    info: ChannelInfo | None,
    assets: Assets,
) -> list[EvidenceView]:
    """The finding's evidence, each element on a window of its step's screenshot."""
    step = None
    if run is not None and finding.step is not None and finding.step < len(run.steps):
        step = run.steps[finding.step]
    shot = step.snapshot.screenshot if step and step.snapshot else None
    background = assets.css_url(shot)
    size = assets.size(shot) if background else None
    out = []
    for item in finding.evidence[:MAX_EVIDENCE]:
        box_crop = None
        if item.box and size and step is not None:
            box_crop = crop(item.box, size, screenshot_scale(info, step, size))
        out.append(
            EvidenceView(
                selector=item.selector,
                html=item.html,
                values=[
                    _value_row(str(k), v) for k, v in item.values.items() if v not in (None, "")
                ],
                crop=box_crop,
                background=background,
                alt=f"Screenshot after step {(finding.step or 0) + 1} on "
                f"{finding.channel or 'this channel'}, with {item.selector or 'the area it is about'} "
                "outlined in red",
            )
        )
    return out


def anchor(finding: Finding) -> str:
    return f"f-{finding.fingerprint}"


def _has_screenshot(
    finding: Finding, runs: dict[tuple[str, str], JourneyRun], assets: Assets
) -> bool:
    run = runs.get((finding.journey, finding.channel))
    if run is None or finding.step is None or finding.step >= len(run.steps):
        return False
    snapshot = run.steps[finding.step].snapshot
    return snapshot is not None and assets.size(snapshot.screenshot) is not None


def channel_problems(
    findings: Iterable[Finding],
    result: RunResult,
    info: ChannelInfo | None,
    assets: Assets,
    run_anchors: dict[str, str],
) -> list[Problem]:
    """A channel's failing findings as problems, with the evidence of the costliest
    one whose screenshot is there."""
    runs = {(r.journey, r.channel): r for r in result.runs}
    problems = []
    for group in group_problems(findings, "channel"):
        base = _problem(group, result, "channel")
        occurrences = []
        for f in group:
            run = runs.get((f.journey, f.channel))
            names = {s.index: s.name for s in run.steps} if run else {}
            ref = run_anchors.get(run.key, "") if run else ""
            steps = [(i, names.get(i, "")) for i in steps_of(f)] if ref else []
            occurrences.append(Occurrence(f, ref, steps, is_new(f, result)))
        shown = next((f for f in group if _has_screenshot(f, runs, assets)), group[0])
        evidence = evidence_views(shown, runs.get((shown.journey, shown.channel)), info, assets)
        problems.append(
            replace(
                base,
                occurrences=occurrences,
                impact=check_impact(result, base.first.code),
                evidence=tuple(evidence),
                more_evidence=max(0, len(base.first.evidence) - len(evidence)),
            )
        )
    return sorted(problems, key=_problem_order)


# ---------------------------------------------------------------------------
# Scores, gauges and their explanation


@dataclass(frozen=True)
class Gauge:
    label: str
    score: float | None
    delta: float | None = None

    @property
    def band(self) -> str:
        return band(self.score)

    @property
    def band_label(self) -> str:
        return BAND_LABELS[self.band]

    @property
    def text(self) -> str:
        return "–" if self.score is None else f"{self.score:.0f}"

    @property
    def dash(self) -> str:
        """stroke-dasharray of the ring (circumference 100)."""
        value = 0.0 if self.score is None else max(0.0, min(100.0, self.score))
        return f"{value:.1f} {100 - value:.1f}"


def delta_text(value: float | None) -> str:
    """A score change as shown everywhere: ``+3.2``, ``−1.0``, ``±0``; "" for none."""
    if value is None:
        return ""
    if abs(value) < 0.05:
        return "±0"
    return f"{'+' if value > 0 else '−'}{abs(value):.1f}"


def delta_of(result: RunResult, *path: str) -> float | None:
    if result.baseline is None:
        return None
    node: Any = result.baseline.scores
    for part in path:
        node = node.get(part, {}) if isinstance(node, dict) else {}
    return node.get("delta") if isinstance(node, dict) else None


def shown_categories(scores: RunTotals | ChannelScores) -> list[str]:
    """Categories with a score, and those whose checks could not measure (shown as such)."""
    return ordered_categories([*scores.categories, *scores.not_measured])


def category_gauges(
    scores: RunTotals | ChannelScores, result: RunResult, *path: str
) -> list[Gauge]:
    return [
        Gauge(
            c.capitalize(),
            scores.categories.get(c),
            delta_of(result, *path, "categories", c),
        )
        for c in shown_categories(scores)
    ]


@dataclass(frozen=True)
class LossRow:
    title: str
    anchor: str | None
    deduction: float
    points: float
    status: str


@dataclass(frozen=True)
class CategoryExplanation:
    category: str
    weight: float
    score: float | None
    measured: int
    not_measured: int
    losses: list[LossRow]


def explain_run(
    run: JourneyRun, findings: Sequence[Finding], profile: Profile
) -> list[CategoryExplanation]:
    """Per category: its weight, score, how many results measured it, and its losses."""
    by_key = {f.fingerprint: f for f in findings}
    scores = run.scores
    names = ordered_categories([*scores.categories, *scores.not_measured, *scores.losses])
    out = []
    for category in names:
        rows = []
        for loss in scores.losses.get(category, []):
            finding = by_key.get(loss.key)
            title = finding.title if finding else f"{loss.code} {loss.detail}".strip()
            rows.append(
                LossRow(
                    title=title,
                    anchor=anchor(finding) if finding else None,
                    deduction=loss.deduction,
                    points=loss.points,
                    status=loss.status,
                )
            )
        out.append(
            CategoryExplanation(
                category=category,
                weight=profile.category_weight(category),
                score=scores.categories.get(category),
                measured=scores.measured.get(category, 0),
                not_measured=scores.not_measured.get(category, 0),
                losses=rows,
            )
        )
    return out


def profile_of(result: RunResult) -> Profile:
    data = result.scores.profile
    defaults = Profile()
    if data is None:
        return defaults
    return Profile(
        category_weights=data.categories or defaults.category_weights,
        check_weights=data.checks,
        channel_weights=data.channels,
        full_weight=data.full_weight or defaults.full_weight,
    )


# ---------------------------------------------------------------------------
# Journey maps and timings


@dataclass(frozen=True)
class VisualCard:
    """A step's screenshot against the baseline's, as its card shows it."""

    status: str  # changed | unchanged | not_compared
    text: str
    #: The changed areas outlined on a window of the screenshot (None: nothing to outline).
    crop: Crop | None = None
    background: str | None = None
    baseline: str | None = None  # the baseline's picture, copied into the report
    alt: str = ""


#: Above this height (CSS px) the changed areas are shown around the largest one only.
MAX_VISUAL_WINDOW = 1000.0


def visual_card(step: StepResult, info: ChannelInfo | None, assets: Assets) -> VisualCard | None:
    """What the step card says of the comparison with the baseline (None: no baseline)."""
    visual = step.visual
    if visual is None:
        return None
    if visual.status == "not_compared":
        return VisualCard("not_compared", f"Not compared with the baseline: {visual.reason}")
    share = pixel_share(visual.ratio)
    said = "".join(f" · {note}" for note in (visual.size_change, *visual.masks_not_applied) if note)
    if visual.status == "unchanged":
        return VisualCard("unchanged", f"Looks as in the baseline ({share} changed){said}")
    areas = len(visual.regions) + visual.more_regions
    text = f"Changed since the baseline: {share} of the picture, {areas} area{'s' if areas != 1 else ''}{said}"
    shot = step.snapshot.screenshot if step.snapshot else None
    background = assets.css_url(shot)
    size = assets.size(shot) if background else None
    boxes = [r.model_dump() for r in visual.regions]
    window = None
    if boxes and size:
        union = {
            "x": min(b["x"] for b in boxes),
            "y": min(b["y"] for b in boxes),
        }
        union["width"] = max(b["x"] + b["width"] for b in boxes) - union["x"]
        union["height"] = max(b["y"] + b["height"] for b in boxes) - union["y"]
        around = union if union["height"] <= MAX_VISUAL_WINDOW else boxes[0]
        scale = screenshot_scale(info, step, size)
        window = crop(around, size, scale, tuple(boxes))
    return VisualCard(
        "changed",
        text,
        crop=window,
        background=background,
        baseline=assets.href(visual.baseline_screenshot),
        alt=f"Screenshot after step {step.index + 1}, with the {areas} changed "
        f"area{'s' if areas != 1 else ''} outlined in red",
    )


@dataclass(frozen=True)
class VisualCounts:
    """How the run's screenshots compared with the baseline's, in numbers."""

    changed: int = 0
    unchanged: int = 0
    not_compared: int = 0

    @property
    def compared(self) -> int:
        return self.changed + self.unchanged


def visual_counts(result: RunResult) -> VisualCounts:
    """Steps whose screenshot changed, did not, or could not be compared."""
    seen = [s.visual.status for r in result.runs for s in r.steps if s.visual is not None]
    return VisualCounts(seen.count("changed"), seen.count("unchanged"), seen.count("not_compared"))


@dataclass(frozen=True)
class StepCard:
    step: StepResult
    health: str  # good | needs-work | poor | failed | skipped | unchecked
    health_label: str
    score: float | None
    findings: int
    thumbnail: str | None
    #: The worst severity of the step's failing findings, when it lowered the label.
    capped_by: str = ""
    #: The screenshot compared with the baseline's (``--baseline``).
    visual: VisualCard | None = None
    #: Where the customer met the step: "web", or "email" (waiting for it, reading it).
    touchpoint: str = "web"
    #: The received email as drawn at a phone and a desktop width (its wait step only).
    drawings: tuple[Drawing, ...] = ()


@dataclass(frozen=True)
class Drawing:
    """A picture of a received email drawn at one width, as its step card shows it."""

    href: str
    label: str  # "phone, 375 px"
    alt: str


def drawings(step: StepResult, assets: Assets) -> tuple[Drawing, ...]:
    """The pictures of the step's email at each width it was drawn at (those still there)."""
    if step.email is None:
        return ()
    out = []
    for drawn in step.email.renderings:
        href = assets.href(drawn.screenshot)
        if href is None:
            continue
        label = f"{drawn.name}, {drawn.width} px"
        alt = f"The email “{step.email.subject}” drawn at the {drawn.name} width ({drawn.width} px)"
        out.append(Drawing(href, label, alt))
    return tuple(out)


@dataclass(frozen=True)
class Lane:
    stage: str
    canonical: bool
    score: float | None
    cards: list[StepCard]
    #: The category scores the stage score is the weighted mean of.
    categories: dict[str, float]


def journey_map(
    run: JourneyRun,
    findings: Sequence[Finding],
    assets: Assets,
    info: ChannelInfo | None = None,
) -> list[Lane]:
    counts: dict[int, int] = defaultdict(int)
    worst: dict[int, str] = {}
    for f in findings:
        if f.status == "fail":
            for i in steps_of(f):
                counts[i] += 1
                if not f.accepted and _severity_rank(f.severity) < _severity_rank(worst.get(i, "")):
                    worst[i] = f.severity
    step_scores = run.scores.steps
    lanes = []
    stages = list(run.stages) or list(dict.fromkeys(s.stage for s in run.steps))
    for stage in stages:
        cards = []
        for step in run.steps:
            if step.stage != stage:
                continue
            card = step_scores.get(str(step.index))
            score = None if card is None else card.overall
            if step.status in ("failed", "error"):
                health, label = "failed", "Step failed"
            elif step.status == "skipped":
                health, label = "skipped", "Not run"
            elif score is None:
                health, label = "unchecked", "No checks on this step"
            else:
                health = capped_band(score, worst.get(step.index))
                label = BAND_LABELS[health]
            capped = health != band(score) and step.status not in ("failed", "error", "skipped")
            shot = step.snapshot.screenshot if step.snapshot else None
            cards.append(
                StepCard(
                    step=step,
                    health=health,
                    health_label=label,
                    score=score,
                    findings=counts.get(step.index, 0),
                    thumbnail=assets.href(shot),
                    capped_by=worst.get(step.index, "") if capped and score is not None else "",
                    visual=visual_card(step, info, assets),
                    touchpoint=step.touchpoint,
                    drawings=drawings(step, assets),
                )
            )
        stage_card = run.scores.stages.get(stage) or CardScores()
        lanes.append(
            Lane(
                stage,
                stage in CANONICAL_STAGES,
                stage_card.overall,
                cards,
                dict(stage_card.categories),
            )
        )
    return lanes


@dataclass(frozen=True)
class TimingRow:
    step: StepResult
    duration_ms: float
    ttfb_ms: float | None
    lcp_ms: float | None
    bar: float  # % of the widest bar
    ttfb_bar: float


def timing_rows(run: JourneyRun) -> list[TimingRow]:
    """One bar per step that ran: its duration, with the server's first byte marked."""
    ran = [s for s in run.steps if s.status != "skipped"]
    longest = max([s.duration_ms for s in ran] + [1.0])
    rows = []
    for step in ran:
        timing = step.snapshot.timing if step.snapshot else None
        navigated = timing is not None and timing.navigated
        ttfb = timing.ttfb_ms if navigated and timing else None
        rows.append(
            TimingRow(
                step=step,
                duration_ms=step.duration_ms,
                ttfb_ms=ttfb,
                lcp_ms=timing.lcp_ms if navigated and timing else None,
                bar=pct(step.duration_ms, longest),
                ttfb_bar=pct(min(ttfb or 0.0, step.duration_ms), longest),
            )
        )
    return rows


# ---------------------------------------------------------------------------
# Captured values across channels


#: Capture names that name one order or session (``order``, ``order_number``,
#: ``ticket_id``...): they differ between runs by nature, so a difference
#: between channels is not a message that drifted.
IDENTIFIER_NAME = re.compile(r"(^order$|(^|[_-])(id|number|no|ref|reference|token|session)$)")


@dataclass(frozen=True)
class CaptureRow:
    journey: str
    step: int
    step_name: str
    name: str
    values: dict[str, str]  # channel -> text
    must_match: bool

    @property
    def identifier(self) -> bool:
        return not self.must_match and bool(IDENTIFIER_NAME.search(self.name.casefold()))

    @property
    def differs(self) -> bool:
        if self.identifier:
            return False
        return len({comparable(v) for v in self.values.values()}) > 1


def capture_rows(result: RunResult) -> list[CaptureRow]:
    """Each value captured, per journey step, side by side for every channel."""
    table: dict[tuple[str, int, str], dict[str, str]] = defaultdict(dict)
    names: dict[tuple[str, int], str] = {}
    must: dict[str, set[str]] = defaultdict(set)
    order: list[tuple[str, int, str]] = []
    for journey, runs in runs_by_journey(result).items():
        try:  # the rules as CX-MSG-001 reads them: a group's names each must match
            must[journey].update(name for group in match_groups(runs) for name in group)
        except ValueError:
            pass  # broken rules: CX-MSG-001 reports them as not measured
    for run in result.runs:
        for step in run.steps:
            names[(run.journey, step.index)] = step.name
            for capture in step.captures:
                if capture.secret:
                    continue
                key = (run.journey, step.index, capture.name)
                if key not in table:
                    order.append(key)
                table[key][run.channel] = capture.text
    return [
        CaptureRow(j, i, names.get((j, i), ""), n, table[(j, i, n)], n in must[j])
        for j, i, n in order
    ]


# ---------------------------------------------------------------------------
# Channels side by side


@dataclass(frozen=True)
class MatrixRow:
    label: str
    kind: str  # overall | category | stage
    cells: list[Gauge]
    #: The email touchpoint's score in this row (None: no journey met an email, or nothing
    #: of the row was measured on one).
    email: Gauge | None = None


def email_steps(run: JourneyRun) -> set[int]:
    """The steps of ``run`` at the email touchpoint (waiting for a message, reading it)."""
    return {s.index for s in run.steps if s.touchpoint == "email"}


def email_scorecard(run: JourneyRun, profile: Profile) -> dict[str, Any] | None:
    """The score card of ``run``'s steps at the email touchpoint, as a journey run's
    (categories, overall, stages), from their outcomes; None when it met no email."""
    steps = email_steps(run)
    if not steps:
        return None
    mine = [o for o in run.outcomes if o.step in steps]
    card = scorecard(mine, profile).as_dict()
    card["stages"] = {
        stage: scorecard([o for o in mine if o.stage == stage], profile).overall
        for stage in dict.fromkeys(o.stage for o in mine if o.stage)
    }
    return card


def _mean(values: Iterable[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def email_column(result: RunResult) -> dict[str, Any] | None:
    """The email touchpoint across every channel: the mean of the journey runs' email
    score cards (overall, per category, per stage), as a channel's is of its runs'.

    Shown beside the channels; not a channel of its own, so not counted again in the
    overall score (its steps count in their channel's journey runs).
    """
    profile = profile_of(result)
    cards = [c for c in (email_scorecard(r, profile) for r in result.runs) if c is not None]
    if not cards:
        return None
    categories = ordered_categories(k for c in cards for k in c.get("categories", {}))
    stages = list(dict.fromkeys(k for c in cards for k in c.get("stages", {})))
    return {
        "overall": _mean(c.get("overall") for c in cards),
        "categories": {k: _mean(c["categories"].get(k) for c in cards) for k in categories},
        "stages": {k: _mean(c["stages"].get(k) for c in cards) for k in stages},
        "runs": len(cards),
    }


def channel_matrix(result: RunResult, channels: Sequence[str]) -> list[MatrixRow]:
    per = result.scores.channels
    email = email_column(result)
    of = result.scores.channel

    def at_email(kind: str, key: str = "") -> Gauge | None:
        if email is None:
            return None
        value = email["overall"] if kind == "overall" else email[kind].get(key)
        # A stage no journey met an email in has no email score (not "not measured").
        return Gauge("email", value) if value is not None or kind == "overall" else None

    rows = [
        MatrixRow(
            "Overall",
            "overall",
            [Gauge(c, of(c).overall, delta_of(result, "channels", c, "overall")) for c in channels],
            at_email("overall"),
        )
    ]
    for category in ordered_categories(c for ch in per.values() for c in shown_categories(ch)):
        rows.append(
            MatrixRow(
                category.capitalize(),
                "category",
                [
                    Gauge(
                        c,
                        of(c).categories.get(category),
                        delta_of(result, "channels", c, "categories", category),
                    )
                    for c in channels
                ],
                at_email("categories", category),
            )
        )
    stages: list[str] = []
    for ch in per.values():
        stages += [s for s in ch.stages if s not in stages]
    for stage in stages:
        rows.append(
            MatrixRow(
                f"Stage: {stage}",
                "stage",
                [Gauge(c, of(c).stages.get(stage)) for c in channels],
                at_email("stages", stage),
            )
        )
    return rows


@dataclass(frozen=True)
class EmailCell:
    """One journey's email touchpoint, over its channels, for the journeys table."""

    score: float | None
    #: Messages received (wait steps that read one), over every channel.
    messages: int
    #: The slowest arrival measured, in ms (None: none measured).
    slowest_ms: float | None
    #: Failing findings met on its email steps.
    findings: int


def email_cells(result: RunResult) -> dict[str, EmailCell]:
    """Per journey (by name) that met an email: its email touchpoint's cell."""
    profile = profile_of(result)
    out: dict[str, EmailCell] = {}
    for journey in dict.fromkeys(r.journey for r in result.runs):
        runs = [r for r in result.runs if r.journey == journey]
        cards = [(r, email_scorecard(r, profile)) for r in runs]
        cards = [(r, c) for r, c in cards if c is not None]
        if not cards:
            continue
        emails = [s.email for r, _ in cards for s in r.steps if s.email is not None]
        delays = [e.delay_ms for e in emails if e.delay_ms is not None]
        out[journey] = EmailCell(
            score=_mean(c.get("overall") for _, c in cards),
            messages=len(emails),
            slowest_ms=max(delays) if delays else None,
            findings=sum(
                1
                for r, _ in cards
                for f in findings_of_run(result, r)
                if f.status == "fail" and set(steps_of(f)) & email_steps(r)
            ),
        )
    return out


@dataclass(frozen=True)
class Stats:
    runs: int = 0
    completed: int = 0
    failed: int = 0
    errors: int = 0
    findings: int = 0
    review: int = 0
    not_measured: int = 0
    accepted: int = 0


#: Checks whose informative results are questions for a person: axe-core's
#: "incomplete" rules (it could not decide). Other informative results are notes
#: (effort, time per stage, readability): measured, nothing to decide.
REVIEW_CHECKS = frozenset({"axe-needs-review"})


def needs_review(finding: Finding) -> bool:
    """A result left for a person to decide, not a note."""
    return finding.status == "informative" and finding.slug in REVIEW_CHECKS


def is_note(finding: Finding) -> bool:
    """An informative result that asks nothing of anyone (effort, timings, readability)."""
    return finding.status == "informative" and not needs_review(finding)


def stats(runs: Sequence[JourneyRun], findings: Iterable[Finding]) -> Stats:
    items = list(findings)
    return Stats(
        runs=len(runs),
        completed=sum(r.status == "passed" for r in runs),
        failed=sum(r.status == "failed" for r in runs),
        errors=sum(r.status == "error" for r in runs),
        findings=sum(f.status == "fail" and not f.accepted for f in items),
        review=sum(needs_review(f) for f in items),
        not_measured=sum(f.status == "error" for f in items),
        accepted=sum(f.status == "fail" and bool(f.accepted) for f in items),
    )
