"""Thresholds: when a run fails a CI job, and why, in words.

``--fail-under`` (overall score), per-category minimums (config
``thresholds.categories``), ``--fail-on SEVERITY`` (any failing finding at or
above it) and ``--fail-on-new`` (only findings that are new since
``--baseline``). Accepted findings (config ``accept:``) fail nothing until
their entry expires. Results that could not be measured fail an active
threshold unless ``thresholds.not_measured_fails`` is false: "no data" is not
green. A timing within the noise band of its limit is "inconclusive" and
fails nothing unless ``thresholds.inconclusive_fails`` is true.

Next to a baseline, ``--fail-on-new`` makes the whole verdict a ratchet:
it fails only on what got worse. A score under its minimum (``--fail-under``,
a category minimum) then fails only when it is also lower than the
baseline's, and not-measured results only when there are more of them than in
the baseline. A team with a backlog (score 66, minimum 80) passes while
nothing gets worse and fails on the first step back; without a baseline, or
without ``--fail-on-new``, the minimums are absolute.

The verdict names each failure, for the console, the JUnit file and the
Markdown summary alike; the exit code comes from it (see :func:`exit_code`).
The CLI and the pytest plugin both take it from :func:`evaluate`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cxaudit.ci.baseline import is_new
from cxaudit.results import Finding, RunResult
from cxaudit.spec.journey_file import SEVERITIES

FAIL_ON = SEVERITIES
EXIT_OK, EXIT_THRESHOLD, EXIT_USAGE, EXIT_RUN_ERROR = 0, 1, 2, 3


@dataclass(frozen=True)
class Thresholds:
    """What a run must meet; nothing is required by default."""

    fail_under: float | None = None
    categories: Mapping[str, float] = field(default_factory=dict)
    fail_on: str | None = None
    fail_on_new: bool = False
    not_measured_fails: bool = True
    #: Timings within the noise band of their limit fail the run (see performance checks).
    inconclusive_fails: bool = False

    def __post_init__(self) -> None:
        if self.fail_on is not None and self.fail_on not in FAIL_ON:
            raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}, not {self.fail_on!r}")

    @property
    def active(self) -> bool:
        return bool(
            self.fail_under is not None or self.categories or self.fail_on or self.fail_on_new
        )


@dataclass(frozen=True)
class Verdict:
    """The failures of a run against its thresholds, in words and per journey run."""

    #: Scores below their minimum, and not-measured results.
    score_failures: tuple[str, ...] = ()
    #: Findings that fail ``--fail-on`` / ``--fail-on-new``, and what they are.
    gating: tuple[Finding, ...] = ()
    gating_label: str = "finding(s)"
    #: journey-run key (``JourneyRun.key``) -> its gating findings; run-wide
    #: findings (on every channel or journey) are under "".
    failing_findings: Mapping[str, tuple[Finding, ...]] = field(default_factory=dict)

    @property
    def failures(self) -> tuple[str, ...]:
        extra = (f"{len(self.gating)} {self.gating_label}",) if self.gating else ()
        return self.score_failures + extra

    @property
    def passed(self) -> bool:
        return not self.failures


def _at_or_above(severity: str, floor: str) -> bool:
    order = {s: i for i, s in enumerate(FAIL_ON)}
    return order.get(severity, len(order)) <= order[floor]


def gating_findings(result: RunResult, thresholds: Thresholds) -> list[Finding]:
    """Failing, unaccepted findings that ``--fail-on`` / ``--fail-on-new`` count."""
    if not (thresholds.fail_on or thresholds.fail_on_new):
        return []
    out = []
    for finding in result.all_findings():
        if finding.status != "fail" or finding.accepted:
            continue
        if thresholds.fail_on and not _at_or_above(finding.severity, thresholds.fail_on):
            continue
        if thresholds.fail_on_new and not is_new(finding, result):
            continue
        out.append(finding)
    return out


def is_inconclusive(finding: Finding) -> bool:
    """A timing the performance checks could not call failed or passed (within the noise band)."""
    return finding.status == "informative" and any(
        e.values.get("inconclusive") is True for e in finding.evidence
    )


def _shown(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1f}"


def _not_worse(value: float | None, before: float | None) -> bool:
    """Whether a score is at least the baseline's (both not measured counts as the same)."""
    if value is None or before is None:
        return value is None and before is None
    return round(value, 1) >= round(before, 1)


def _below(
    name: str,
    value: float | None,
    minimum: float,
    thresholds: Thresholds,
    baseline: Mapping[str, Any] | None,
) -> str | None:
    """Why a score fails its minimum, or None; ``baseline`` is its delta entry (a ratchet)."""
    if value is not None and value >= minimum:
        return None
    if value is None and not thresholds.not_measured_fails:
        return None
    if baseline is not None:
        before = baseline.get("baseline")
        if _not_worse(value, before):
            return None
        return f"{name} score {_shown(value)} is below {minimum:g} and below the baseline's {_shown(before)}"
    if value is None:
        return f"{name} score not measured (minimum {minimum:g})"
    return f"{name} score {value:.1f} is below {minimum:g}"


def ratchet(result: RunResult, thresholds: Thresholds) -> Mapping[str, Any] | None:
    """The baseline's score deltas when the verdict is a ratchet (``--fail-on-new``), else None."""
    if not thresholds.fail_on_new or result.baseline is None:
        return None
    return result.baseline.scores


def _not_measured(result: RunResult, thresholds: Thresholds) -> str | None:
    if not (thresholds.active and thresholds.not_measured_fails):
        return None
    missing = sum(result.scores.not_measured.values())
    if not missing:
        return None
    line = f"{missing} check result(s) not measured"
    deltas = ratchet(result, thresholds)
    if deltas is not None:
        before = deltas.get("not_measured", {}).get("baseline")
        if before is not None and missing <= before:
            return None
        if before is not None:
            line += f", {missing - before:g} more than the baseline"
    return line + " (set thresholds.not_measured_fails: false to allow)"


def evaluate(result: RunResult, thresholds: Thresholds) -> Verdict:
    """Check ``result`` against ``thresholds``; an empty verdict means it passed.

    The one verdict of a run: ``cxaudit run``, ``report``, ``merge`` and the
    pytest session all call it.
    """
    failures: list[str] = []
    scores = result.scores
    deltas = ratchet(result, thresholds)
    if thresholds.fail_under is not None:
        line = _below(
            "overall",
            scores.overall,
            thresholds.fail_under,
            thresholds,
            None if deltas is None else deltas.get("overall", {}),
        )
        if line:
            failures.append(line)
    for category, minimum in sorted(thresholds.categories.items()):
        value = scores.categories.get(category)
        before = None if deltas is None else deltas.get("categories", {}).get(category, {})
        line = _below(category, value, minimum, thresholds, before)
        if line:
            failures.append(line)
    line = _not_measured(result, thresholds)
    if line:
        failures.append(line)
    if thresholds.inconclusive_fails:
        unsure = sum(1 for f in result.all_findings() if is_inconclusive(f) and not f.accepted)
        if unsure:
            failures.append(
                f"{unsure} timing result(s) inconclusive, within the noise band of their limit "
                "(thresholds.inconclusive_fails is set)"
            )
    gating = gating_findings(result, thresholds)
    what = "new finding(s)" if thresholds.fail_on_new else "finding(s)"
    floor = f" at or above {thresholds.fail_on}" if thresholds.fail_on else ""
    by_run: dict[str, list[Finding]] = {}
    keys = {(r.journey, r.channel): r.key for r in result.runs}
    for finding in gating:
        key = keys.get((finding.journey, finding.channel), "")
        by_run.setdefault(key, []).append(finding)
    return Verdict(
        tuple(failures), tuple(gating), what + floor, {k: tuple(v) for k, v in by_run.items()}
    )


def exit_code(result: RunResult, verdict: Verdict) -> int:
    """3 when a run broke, 1 when a journey failed or a threshold was missed, else 0."""
    if any(r.status == "error" for r in result.runs):
        return EXIT_RUN_ERROR
    if any(r.status == "failed" for r in result.runs) or not verdict.passed:
        return EXIT_THRESHOLD
    return EXIT_OK
