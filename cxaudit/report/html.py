"""The HTML report: an index plus one page per channel, from results.json alone.

Jinja2 with autoescape on: everything an audited site wrote (titles, text,
HTML snippets, console messages) is untrusted and reaches the page as text.
The pages carry a restrictive Content-Security-Policy and load nothing from
the network.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cxaudit.results import JourneyRun, RunResult
from cxaudit.sanitize import safe_name
from cxaudit.scoring import band

CSP = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


def channel_file_name(channel: str) -> str:
    """The report page of a channel: ``desktop.html``, sanitised for any name.

    Never ``index.html`` (the overview) nor a path: a channel is named by the user's config.
    """
    return f"{safe_name(channel, fallback='channel')}.html"


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(
        loader=PackageLoader("cxaudit.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["score"] = _score
    env.filters["band"] = band
    env.filters["channel_page"] = channel_file_name
    env.filters["ms"] = lambda v: "–" if v is None else f"{v:,.0f} ms"
    return env


def _stats(runs: list[JourneyRun]) -> dict[str, int]:
    findings = [f for r in runs for f in r.findings]
    return {
        "runs": len(runs),
        "passed": sum(r.status == "passed" for r in runs),
        "failed": sum(r.status == "failed" for r in runs),
        "errors": sum(r.status == "error" for r in runs),
        "findings": sum(f.status == "fail" for f in findings),
        "review": sum(f.status == "informative" for f in findings),
        "not_measured": sum(f.status == "error" for f in findings),
    }


def render_html(result: RunResult) -> dict[str, str]:
    """File name -> HTML for the index and every channel page."""
    env = _env()
    channels = [c.name for c in result.channels] or sorted({r.channel for r in result.runs})
    journeys = sorted({(r.file, r.journey) for r in result.runs})
    grid: dict[tuple[str, str], JourneyRun] = {(r.journey, r.channel): r for r in result.runs}
    common: dict[str, Any] = {"result": result, "csp": CSP, "channels": channels}
    pages = {
        "index.html": env.get_template("index.html.j2").render(
            **common,
            journeys=journeys,
            grid=grid,
            stats=_stats(list(result.runs)),
        )
    }
    for channel in channels:
        runs = [r for r in result.runs if r.channel == channel]
        info = next((c for c in result.channels if c.name == channel), None)
        pages[channel_file_name(channel)] = env.get_template("channel.html.j2").render(
            **common,
            channel=channel,
            info=info,
            runs=runs,
            stats=_stats(runs),
            channel_scores=result.scores.get("channels", {}).get(channel, {}),
        )
    return pages


def write_html(result: RunResult, out_dir: Path) -> list[Path]:
    """Render the HTML pages into ``out_dir`` (atomically, page by page)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_html(result).items():
        target = out_dir / name
        fd, tmp = tempfile.mkstemp(prefix=".page-", suffix=".tmp", dir=out_dir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
        written.append(target)
    return written
