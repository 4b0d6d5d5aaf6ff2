"""What is known already: the comparison with a baseline run, and the accept list.

A finding's fingerprint (:mod:`cxaudit.analysis.analyse`) does not change between
runs while the problem stays the same, so two results files compare finding by
finding: *new* (only in this run), *fixed* (only in the baseline) and
*persisting* (in both). Scores compare as deltas.

The accept list (config ``accept:``) mutes findings a team knows about, each
with a reason and an expiry date: a muted finding still costs its points (the
site still has the problem) but no longer fails ``--fail-on`` or
``--fail-on-new``. When the date passes, the finding counts again.

Timings need statistics, not a delta of two numbers: :func:`compare_timings`
takes per-metric samples and a test (``cxaudit.analysis.stats.compare_timings`` when it
is there) and says faster, slower or inconclusive.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from cxaudit.analysis.stats import compare_timings as stats_compare
from cxaudit.analysis.visual import VisualOptions
from cxaudit.results import BaselineSummary, Finding, JourneyRun, RunResult

# ---------------------------------------------------------------------------
# Accept list


@dataclass(frozen=True)
class AcceptEntry:
    """One known finding (or pattern of findings), muted until ``expires``.

    ``pattern`` is matched against the finding's readable key
    (``CX-A11Y-001:color-contrast [mobile] Guest buys ... / ...``) and its
    code: ``*`` stands for any text, ``?`` for one character, everything else
    (brackets included) for itself. ``fingerprint`` must equal the finding's.
    """

    reason: str
    expires: date
    fingerprint: str | None = None
    pattern: str | None = None

    @property
    def label(self) -> str:
        return self.fingerprint or self.pattern or ""

    def matches(self, finding: Finding) -> bool:
        if self.fingerprint:
            return finding.fingerprint == self.fingerprint
        if self.pattern:
            rule = _glob(self.pattern)
            return bool(rule.fullmatch(finding.key) or rule.fullmatch(finding.code))
        return False

    def expired(self, today: date) -> bool:
        return today > self.expires


@lru_cache(maxsize=256)
def _glob(pattern: str) -> re.Pattern[str]:
    """``*`` and ``?`` as wildcards; every other character literally."""
    parts = (".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile("".join(parts), re.S)


def expired_entries(entries: Iterable[AcceptEntry], today: date) -> list[AcceptEntry]:
    """Entries whose date has passed: the CLI warns about each."""
    return [e for e in entries if e.expired(today)]


def _mute(finding: Finding, entries: Sequence[AcceptEntry], today: date) -> Finding:
    entry = next(
        (e for e in entries if not e.expired(today) and e.matches(finding)),
        None,
    )
    accepted = (
        None
        if entry is None
        else {"reason": entry.reason, "expires": entry.expires.isoformat(), "entry": entry.label}
    )
    if accepted == finding.accepted:
        return finding
    return finding.model_copy(update={"accepted": accepted})


def apply_accept(
    result: RunResult, entries: Sequence[AcceptEntry], today: date | None = None
) -> RunResult:
    """Mark the findings that an unexpired entry accepts (and unmark the others)."""
    today = today or date.today()
    runs = [
        run.model_copy(update={"findings": [_mute(f, entries, today) for f in run.findings]})
        for run in result.runs
    ]
    findings = [_mute(f, entries, today) for f in result.findings]
    return result.model_copy(update={"runs": runs, "findings": findings})


# ---------------------------------------------------------------------------
# Scores and findings against a baseline


def _delta(current: float | None, baseline: float | None) -> dict[str, float | None]:
    delta = None if current is None or baseline is None else round(current - baseline, 1)
    return {"current": current, "baseline": baseline, "delta": delta}


def _run_label(run: JourneyRun) -> str:
    return f"{run.journey} [{run.channel}]"


def score_deltas(current: RunResult, baseline: RunResult) -> dict[str, Any]:
    """Every score of the current run next to the baseline's, with the difference."""
    now, then = current.scores, baseline.scores
    categories = sorted(set(now.categories) | set(then.categories))
    channels: dict[str, Any] = {}
    for name, mine in now.channels.items():
        theirs = then.channel(name)
        channels[name] = {
            "overall": _delta(mine.overall, theirs.overall),
            "categories": {
                c: _delta(mine.categories.get(c), theirs.categories.get(c))
                for c in sorted(set(mine.categories) | set(theirs.categories))
            },
        }
    before = {_run_label(r): r.scores.overall for r in baseline.runs}
    return {
        "overall": _delta(now.overall, then.overall),
        # How many check results could not measure: a ratchet fails when it grows.
        "not_measured": _delta(
            float(sum(now.not_measured.values())),
            float(sum(then.not_measured.values())),
        ),
        "categories": {
            c: _delta(now.categories.get(c), then.categories.get(c)) for c in categories
        },
        "channels": channels,
        "journeys": {
            _run_label(r): _delta(r.scores.overall, before.get(_run_label(r))) for r in current.runs
        },
    }


def _failing(findings: Iterable[Finding]) -> dict[str, Finding]:
    return {f.fingerprint: f for f in findings if f.status == "fail"}


def compare(
    current: RunResult,
    baseline: RunResult,
    *,
    source: str = "",
    timing_test: TimingTest | None = None,
) -> BaselineSummary:
    """The comparison of ``current`` with ``baseline``, as results.json keeps it."""
    now = _failing(current.all_findings())
    then = _failing(baseline.all_findings())
    timings = compare_timings(timing_samples(baseline), timing_samples(current), timing_test)
    return BaselineSummary(
        run_id=baseline.run_id,
        started_at=baseline.started_at,
        source=source,
        scores=score_deltas(current, baseline),
        new=[fp for fp in now if fp not in then],
        persisting=[fp for fp in now if fp in then],
        fixed=[f for fp, f in then.items() if fp not in now],
        timings=[t for t in timings if t.get("verdict") != "inconclusive"]
        or timings[:MAX_TIMINGS_KEPT],
    )


def with_baseline(current: RunResult, baseline: RunResult | None, source: str = "") -> RunResult:
    """``current`` with its comparison to ``baseline`` attached (or removed when None)."""
    summary = None if baseline is None else compare(current, baseline, source=source)
    return current.model_copy(update={"baseline": summary})


@dataclass(frozen=True)
class Known:
    """What the run is compared with: the accept list and, optionally, a baseline."""

    accept: tuple[AcceptEntry, ...] = ()
    baseline: RunResult | None = None
    baseline_source: str = ""
    today: date | None = None
    #: The folder of the baseline's results.json, where its screenshots are.
    baseline_dir: Path | None = None
    #: How screenshots are compared with the baseline's (config ``visual:``).
    visual: VisualOptions = field(default_factory=VisualOptions)

    def apply(self, result: RunResult) -> RunResult:
        """Mute accepted findings, then compare with the baseline (when there is one)."""
        result = apply_accept(result, self.accept, self.today)
        if self.baseline is not None:
            result = with_baseline(result, self.baseline, self.baseline_source)
        return result


def is_new(finding: Finding, result: RunResult) -> bool:
    """Whether a finding is new since the baseline (False when there is no baseline)."""
    return result.baseline is not None and finding.fingerprint in set(result.baseline.new)


# ---------------------------------------------------------------------------
# Timings: the hook for a statistical test

#: A test of two samples (baseline, current) of one metric. It returns a
#: mapping, or an object with ``as_dict()``, holding at least ``verdict``
#: (``faster``, ``slower`` or ``inconclusive``) and optionally ``change``
#: (relative change of the median), ``p_value`` and ``reason``.
TimingTest = Callable[[Sequence[float], Sequence[float]], Any]

#: Metrics compared per step; lower is better for each.
TIMING_METRICS = ("step_ms", "ttfb_ms", "fcp_ms", "lcp_ms")
MAX_TIMINGS_KEPT = 20


def timing_samples(result: RunResult) -> dict[str, list[float]]:
    """Per metric (``journey [channel] #step name: metric``) the values measured.

    One value per run today; repeated runs (``--repeat``) give more samples
    per metric, which is what a rank test needs to say anything.
    """
    samples: dict[str, list[float]] = {}
    for run in result.runs:
        for step in run.steps:
            if step.status != "passed":
                continue
            where = f"{_run_label(run)} #{step.index + 1} {step.name}"
            values: dict[str, float | None] = {"step_ms": step.duration_ms}
            timing = step.snapshot.timing if step.snapshot else None
            if timing is not None and timing.navigated:
                values.update(ttfb_ms=timing.ttfb_ms, fcp_ms=timing.fcp_ms, lcp_ms=timing.lcp_ms)
            for metric in TIMING_METRICS:
                value = values.get(metric)
                if value is not None:
                    samples.setdefault(f"{where}: {metric}", []).append(float(value))
    return samples


def compare_timings(
    baseline: Mapping[str, Sequence[float]],
    current: Mapping[str, Sequence[float]],
    test: TimingTest | None = None,
) -> list[dict[str, Any]]:
    """A verdict per metric measured in both runs, biggest relative change first."""
    test = test or stats_compare
    out = []
    for metric in sorted(set(baseline) & set(current)):
        if not baseline[metric] or not current[metric]:
            continue
        answer = test(baseline[metric], current[metric])
        data = dict(answer.as_dict() if hasattr(answer, "as_dict") else answer)
        out.append(
            {
                "metric": metric,
                "verdict": data.get("verdict", "inconclusive"),
                "change": data.get("change"),
                "p_value": data.get("p_value"),
                "reason": data.get("reason", ""),
                "baseline_median": statistics.median(baseline[metric]),
                "current_median": statistics.median(current[metric]),
            }
        )
    out.sort(key=lambda t: -abs(t["change"] or 0.0))
    return out
