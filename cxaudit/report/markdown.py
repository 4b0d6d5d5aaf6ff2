"""summary.md: the run in a few lines of Markdown, for CI job summaries and PR comments.

GitHub-flavoured Markdown (``$GITHUB_STEP_SUMMARY``, a sticky PR comment,
GitLab's Markdown). Everything an audited site or a journey file wrote is
escaped: no HTML, no links, no @mentions reach the comment from a page.
"""

from __future__ import annotations

import re

from cxaudit.analysis.scoring import BAND_LABELS, band
from cxaudit.ci.thresholds import Verdict
from cxaudit.report.view import (
    channel_matrix,
    channel_names,
    delta_text,
    findings_of_run,
    fix_first,
    visual_counts,
)
from cxaudit.results import Finding, RunResult

BAND_MARK = {"good": "🟢", "needs-work": "🟠", "poor": "🔴", "not-measured": "⚪"}
STATUS = {"passed": "✅ completed", "failed": "❌ not completed", "error": "⚠️ broke"}
MAX_LISTED = 10

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#~!|{}])")
#: What GitHub turns into a link or a mention by itself, with no brackets:
#: ``scheme://``, ``www.`` and the ``@`` of an address or a mention. A word
#: joiner (U+2060, invisible) inside each keeps the text readable and inert.
_AUTOLINK = re.compile(r"(?i)(?<=[a-z0-9+.-])(:)(?=//)|(?<![a-z0-9])(www)(?=\.)")
_WORD_JOINER = "\u2060"


def escape(text: str, limit: int = 200) -> str:
    """Plain text safe inside Markdown (tables included), on one line."""
    one_line = " ".join(str(text).split())
    if len(one_line) > limit:
        one_line = one_line[: limit - 1] + "…"
    escaped = _MD_SPECIAL.sub(r"\\\1", one_line)
    escaped = _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + _WORD_JOINER, escaped)
    escaped = escaped.replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("@", "&#64;" + _WORD_JOINER)


def _score(value: float | None, change: float | None = None) -> str:
    text = "n/a" if value is None else f"{value:.0f}"
    if change is not None and abs(change) >= 0.05:
        text += f" ({delta_text(change)})"
    return f"{BAND_MARK[band(value)]} {text}"


def _finding_item(f: Finding) -> str:
    where = ", ".join(p for p in (f.channel or "all channels", f.journey) if p)
    return f"**{escape(f.title)}** ({f.severity}, `{f.code}`): {escape(where)}"


def render_summary(result: RunResult, verdict: Verdict | None = None) -> str:
    """The Markdown summary of a run (with its baseline comparison, when there is one)."""
    channels = channel_names(result)
    overall = result.scores.overall
    base = result.baseline
    change = base.scores.get("overall", {}).get("delta") if base else None
    findings = [f for f in result.all_findings() if f.status == "fail"]
    completed = sum(r.status == "passed" for r in result.runs)
    lines = [
        f"## CX audit: {_score(overall)}/100, {BAND_LABELS[band(overall)].lower()}"
        + (f" ({delta_text(change)} since the baseline)" if change is not None else ""),
        "",
        f"**{completed}/{len(result.runs)} journey runs completed** · "
        f"{sum(not f.accepted for f in findings)} finding(s)"
        + (
            f", {sum(bool(f.accepted) for f in findings)} accepted"
            if any(f.accepted for f in findings)
            else ""
        )
        + (f" · {len(base.new)} new, {len(base.fixed)} fixed since the baseline" if base else "")
        + f" · {sum(result.scores.not_measured.values())} not measured",
    ]
    if verdict is not None:
        lines += [
            "",
            "Thresholds: ✅ met"
            if verdict.passed
            else "Thresholds: ❌ not met: " + "; ".join(escape(x) for x in verdict.failures),
        ]
    lines += ["", "| Score | " + " | ".join(escape(c) for c in channels) + " |"]
    lines.append("|---|" + "---|" * len(channels))
    for row in channel_matrix(result, channels):
        label = f"**{row.label}**" if row.kind == "overall" else escape(row.label)
        lines.append(
            f"| {label} | " + " | ".join(_score(g.score, g.delta) for g in row.cells) + " |"
        )
    lines += [
        "",
        "### Journeys",
        "",
        "| Journey | " + " | ".join(escape(c) for c in channels) + " |",
    ]
    lines.append("|---|" + "---|" * len(channels))
    grid = {(r.journey, r.channel): r for r in result.runs}
    for journey in dict.fromkeys(r.journey for r in result.runs):
        cells = []
        for channel in channels:
            run = grid.get((journey, channel))
            if run is None:
                cells.append("–")
                continue
            failing = sum(f.status == "fail" for f in findings_of_run(result, run))
            cells.append(f"{_score(run.scores.overall)} {STATUS[run.status]}, {failing} finding(s)")
        lines.append(f"| {escape(journey)} | " + " | ".join(cells) + " |")
    problems = fix_first(result, limit=5)
    if problems:
        lines += ["", "### What to fix first", ""]
        for i, p in enumerate(problems, 1):
            where = escape(", ".join(p.channels)) + "; " + escape("; ".join(p.journeys))
            flags = (" 🆕" if p.new else "") + (" (accepted)" if p.accepted else "")
            lines.append(
                f"{i}. **{escape(p.first.title)}** ({p.severity}, `{p.first.code}`){flags}: "
                f"{p.points:.1f} points · {where}"
            )
    if base is not None:
        by_fp = {f.fingerprint: f for f in result.all_findings()}
        lines += ["", f"### Since the baseline (run {escape(base.run_id)})", ""]
        lines.append(
            f"New: **{len(base.new)}** · fixed: **{len(base.fixed)}** · still there: {len(base.persisting)}"
        )
        shots = visual_counts(result)
        if shots.compared or shots.not_compared:
            lines += [
                "",
                f"Screenshots changed: **{shots.changed}** of {shots.compared} compared"
                + (f" ({shots.not_compared} not compared)" if shots.not_compared else ""),
            ]
        new = [by_fp[fp] for fp in base.new if fp in by_fp]
        if new:
            lines += ["", "<details><summary>New findings</summary>", ""]
            lines += [f"- 🆕 {_finding_item(f)}" for f in new[:MAX_LISTED]]
            if len(new) > MAX_LISTED:
                lines.append(f"- and {len(new) - MAX_LISTED} more")
            lines += ["", "</details>"]
        if base.fixed:
            lines += ["", "<details><summary>Fixed findings</summary>", ""]
            lines += [f"- ✔️ {_finding_item(f)}" for f in base.fixed[:MAX_LISTED]]
            if len(base.fixed) > MAX_LISTED:
                lines.append(f"- and {len(base.fixed) - MAX_LISTED} more")
            lines += ["", "</details>"]
        moved = [t for t in base.timings if t.get("verdict") in ("faster", "slower")]
        if moved:
            lines += [
                "",
                "Timings that changed (rank test): "
                + "; ".join(f"{escape(t['metric'])} {t['verdict']}" for t in moved[:5]),
            ]
    lines += [
        "",
        f"<sub>cxaudit {escape(result.tool_version)} · run {escape(result.run_id)} · "
        f"{escape(result.browser)}</sub>",
        "",
    ]
    return "\n".join(lines)
