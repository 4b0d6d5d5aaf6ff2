"""The HTML report: an index plus one page per channel, from results.json alone.

Jinja2 with autoescape on: everything an audited site wrote (titles, text,
HTML snippets, console messages) is untrusted and reaches the page as text.
The pages carry a restrictive Content-Security-Policy, load nothing from the
network and run no script; screenshots sit beside them in the report folder.
``report.html`` is every page in one document, for printing to PDF.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import (
    BytecodeCache,
    Environment,
    FileSystemBytecodeCache,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from cxaudit.analysis.scoring import BAND_LABELS, band, ordered_categories
from cxaudit.ci.baseline import is_new
from cxaudit.ci.thresholds import evaluate
from cxaudit.report import view
from cxaudit.report.options import ReportOptions
from cxaudit.results import Finding, RunResult, collector_paused
from cxaudit.sanitize import safe_name

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "base-uri 'none'; form-action 'none'"
)
PRINT_FILE = "report.html"


def channel_file_name(channel: str) -> str:
    """The report page of a channel: ``desktop.html``, sanitised for any name.

    Never ``index.html`` (the overview) nor a path: a channel is named by the user's config.
    """
    return f"{safe_name(channel, fallback='channel')}.html"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def _limit(value: float) -> str:
    """A time limit as it was set: "60 s", "1.5 s", "800 ms" (not a measurement's 60.00 s)."""
    return f"{round(value / 1000, 2):g} s" if value >= 1000 else f"{value:.0f} ms"


#: Where compiled templates are kept between runs; None: Jinja2's own folder for
#: this user under the system's temporary directory (made private to the user).
TEMPLATE_CACHE_DIR: str | None = None


def _template_cache() -> BytecodeCache | None:
    """Compiled templates kept between runs.

    Compiling the report's templates takes longer than rendering them: on a
    small run, most of the time spent writing the report. A template whose
    text changed is compiled afresh (the cache is keyed by its source).
    """
    try:
        return FileSystemBytecodeCache(TEMPLATE_CACHE_DIR)
    except Exception:  # no private folder to be had: compile as before
        return None


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("cxaudit.report", "templates"),
        bytecode_cache=_template_cache(),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = _score
    env.filters["band"] = band
    env.filters["band_label"] = lambda v: BAND_LABELS[band(v)]
    env.filters["delta"] = view.delta_text
    env.filters["ms"] = _ms
    env.filters["limit"] = _limit
    env.filters["pct"] = lambda v: f"{v * 100:.0f} %"
    env.filters["channel_page"] = channel_file_name
    return env


def _channel_findings(result: RunResult, channel: str) -> list[Finding]:
    findings = [f for r in result.runs if r.channel == channel for f in r.findings]
    findings += [f for f in result.findings if f.channel in ("", channel)]
    return findings


def run_anchors(result: RunResult) -> dict[str, str]:
    """The id of each journey run's section on its channel page."""
    out: dict[str, str] = {}
    counts: dict[str, int] = defaultdict(int)
    for run in result.runs:
        out[run.key] = f"{safe_name(run.channel)}-r{counts[run.channel]}"
        counts[run.channel] += 1
    return out


def _by_category(
    problems: list[view.Problem],
) -> list[tuple[str, float, list[view.Problem]]]:
    """Problems per category; categories and problems costliest first."""
    groups: dict[str, list[view.Problem]] = defaultdict(list)
    for problem in problems:
        groups[problem.first.category].append(problem)
    out = [(c, sum(p.points for p in groups[c]), groups[c]) for c in ordered_categories(groups)]
    out.sort(key=lambda g: -g[1])
    return out


def _channel_context(
    result: RunResult, channel: str, assets: view.Assets, profile: Any
) -> dict[str, Any]:
    info = next((c for c in result.channels if c.name == channel), None)
    runs = [r for r in result.runs if r.channel == channel]
    scores = result.scores.channel(channel)
    findings = _channel_findings(result, channel)
    ids = run_anchors(result)
    problems = view.channel_problems(findings, result, info, assets, ids)
    run_views = []
    for run in runs:
        mine = view.findings_of_run(result, run)
        run_views.append(
            {
                "run": run,
                "id": ids[run.key],
                "lanes": view.journey_map(run, mine, assets, info),
                "explain": view.explain_run(run, mine, profile),
                "timings": view.timing_rows(run),
                "failing": sum(f.status == "fail" for f in mine),
                "trace": assets.href(run.trace),
                "delta": view.delta_of(result, "journeys", f"{run.journey} [{run.channel}]"),
            }
        )
    return {
        "channel": channel,
        "slug": safe_name(channel),
        "info": info,
        "scores": scores,
        "overall_gauge": view.Gauge(
            f"{channel} score",
            scores.overall,
            view.delta_of(result, "channels", channel, "overall"),
        ),
        "gauges": view.category_gauges(scores, result, "channels", channel),
        "runs": run_views,
        "groups": _by_category(problems),
        "not_measured": [f for f in findings if f.status == "error"],
        "review": [f for f in findings if view.needs_review(f)],
        "notes": [f for f in findings if view.is_note(f)],
        "stats": view.stats(runs, findings),
    }


def _index_context(result: RunResult, channels: list[str], assets: view.Assets) -> dict[str, Any]:
    everything = result.all_findings()
    grid = {(r.journey, r.channel): r for r in result.runs}
    journeys = list(dict.fromkeys((r.file, r.journey) for r in result.runs))
    failing_per_run = {
        r.key: sum(f.status == "fail" for f in view.findings_of_run(result, r)) for r in result.runs
    }
    baseline = result.baseline
    new = [f for f in everything if is_new(f, result)] if baseline else []
    consistency = [f for f in everything if f.category == "consistency" and f.status == "fail"]
    return {
        "overall_gauge": view.Gauge(
            "Overall score", result.scores.overall, view.delta_of(result, "overall")
        ),
        "category_gauges": view.category_gauges(result.scores, result),
        "matrix": view.channel_matrix(result, channels),
        "email_column": view.email_column(result),
        "email_cells": view.email_cells(result),
        "consistency": consistency,
        "journeys": journeys,
        "grid": grid,
        "failing_per_run": failing_per_run,
        "run_anchors": run_anchors(result),
        "journey_deltas": {
            r.key: view.delta_of(result, "journeys", f"{r.journey} [{r.channel}]")
            for r in result.runs
        },
        "problems": view.fix_first(result),
        "stats": view.stats(list(result.runs), everything),
        "new_findings": new,
        "visual": view.visual_counts(result),
        "channel_weights": [(c, result.scores.channel(c).overall) for c in channels],
    }


def render_html(
    result: RunResult,
    options: ReportOptions | None = None,
    assets: view.Assets | None = None,
) -> dict[str, str]:
    """File name -> HTML for the index, every channel page and the print version."""
    with collector_paused():
        return _render_html(result, options, assets)


def _render_html(
    result: RunResult, options: ReportOptions | None, assets: view.Assets | None
) -> dict[str, str]:
    options = options or ReportOptions()
    assets = assets or view.Assets(None)
    env = _env()
    channels = view.channel_names(result)
    profile = view.profile_of(result)

    verdict = evaluate(result, options.thresholds) if options.thresholds.active else None
    common: dict[str, Any] = {
        "result": result,
        "csp": CSP,
        "channels": channels,
        "options": options,
        "logo": options.logo_data_uri(),
        "profile": profile,
        "verdict": verdict,
        "captures": view.capture_rows(result),
    }
    index = _index_context(result, channels, assets)
    per_channel = {c: _channel_context(result, c, assets, profile) for c in channels}
    pages = {
        "index.html": env.get_template("index.html.j2").render(
            **common, **index, **_links(False), current="index"
        )
    }
    for channel in channels:
        pages[channel_file_name(channel)] = env.get_template("channel.html.j2").render(
            **common, **per_channel[channel], **_links(False), current=channel
        )
    pages[PRINT_FILE] = env.get_template("print.html.j2").render(
        **common, **index, per_channel=per_channel, **_links(True), current="print"
    )
    return pages


def _links(one_document: bool) -> dict[str, Callable[[str], str]]:
    """How pages link to a channel: its page, or its section in the print document.

    ``page_of`` prefixes an anchor on the channel's page; ``channel_href``
    links to the channel itself.
    """
    if one_document:
        return {"page_of": lambda c: "", "channel_href": lambda c: f"#ch-{safe_name(c)}"}
    return {"page_of": channel_file_name, "channel_href": channel_file_name}


def write_pages(pages: dict[str, str], out_dir: Path) -> list[Path]:
    """Write pages atomically (a reader never sees half a page), readable by others."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in pages.items():
        target = out_dir / name
        fd, tmp = tempfile.mkstemp(prefix=".page-", suffix=".tmp", dir=out_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def write_html(
    result: RunResult,
    out_dir: Path,
    options: ReportOptions | None = None,
    source_dir: Path | None = None,
) -> list[Path]:
    """Render the HTML pages into ``out_dir``.

    ``source_dir`` is where the results file and its screenshots are (default:
    ``out_dir``); pages written elsewhere link back to them.
    """
    source = (source_dir or out_dir).resolve()
    out = out_dir.resolve()
    prefix = "" if source == out else Path(os.path.relpath(source, out)).as_posix() + "/"
    return write_pages(render_html(result, options, view.Assets(source, prefix)), out_dir)
