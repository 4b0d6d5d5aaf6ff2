"""The few lines printed at the end of a run."""

from __future__ import annotations

from cxaudit.report.view import needs_review
from cxaudit.results import RunResult


def _fmt(value: float | None) -> str:
    return " n/a" if value is None else f"{value:4.0f}"


def _overall(value: float | None) -> str:
    """The overall score, or "not measured": never "n/a/100", which reads as a score."""
    return "not measured" if value is None else f"{value:.0f}/100"


def console_summary(result: RunResult) -> str:
    """Score per journey and channel, findings count, and the overall score."""
    channels = [c.name for c in result.channels] or sorted({r.channel for r in result.runs})
    journeys: list[str] = []
    for run in result.runs:
        if run.journey not in journeys:
            journeys.append(run.journey)
    width = max([len("journey"), *(len(j) for j in journeys)]) + 2
    lines = ["journey".ljust(width) + "".join(f"{c:>14}" for c in channels)]
    by_key = {(r.journey, r.channel): r for r in result.runs}
    for journey in journeys:
        cells = []
        for channel in channels:
            run = by_key.get((journey, channel))
            if run is None:
                cells.append(f"{'-':>14}")
                continue
            mark = {"passed": "", "failed": " FAILED", "error": " ERROR"}[run.status]
            cells.append(f"{_fmt(run.scores.overall) + mark:>14}")
        lines.append(journey.ljust(width) + "".join(cells))
    findings = [f for f in result.all_findings() if f.status == "fail"]
    review = [f for f in result.all_findings() if needs_review(f)]
    not_measured = sum(result.scores.not_measured.values())
    failed = sum(r.status != "passed" for r in result.runs)
    lines.append("")
    lines.append(
        f"overall score {_overall(result.scores.overall)} · "
        f"{len(findings)} finding(s), {len(review)} to review"
        + (f", {not_measured} not measured" if not_measured else "")
        + f" · {len(result.runs) - failed}/{len(result.runs)} journey runs completed"
    )
    for run in result.runs:
        if run.status != "passed":
            lines.append(f"  {run.journey} [{run.channel}]: {run.error}")
    flaky = [(r, s) for r in result.runs for s in r.steps if s.flaky]
    if flaky:
        lines.append(f"{len(flaky)} flaky step(s): passed only on a retry")
        for run, step in flaky:
            lines.append(
                f"  {run.journey} [{run.channel}] step {step.index + 1} ({step.name}): "
                f"attempt {step.attempts}, first: {step.retried[0] if step.retried else '?'}"
            )
    if result.interrupted:
        lines.append("interrupted: the journey runs that had not finished are not in this report")
    return "\n".join(lines)
