"""Outputs rendered from a :class:`~cxaudit.results.RunResult` and nothing else.

:func:`write_report` writes them all beside results.json: the HTML pages
(``index.html``, one page per channel, ``report.html`` for printing),
``junit.xml``, ``summary.md`` and ``results.sarif``.
"""

from __future__ import annotations

from pathlib import Path

from cxaudit.ci.thresholds import evaluate
from cxaudit.report.html import PRINT_FILE, channel_file_name, render_html, write_html, write_pages
from cxaudit.report.junit import render_junit
from cxaudit.report.markdown import render_summary
from cxaudit.report.options import ReportOptions
from cxaudit.report.sarif import render_sarif
from cxaudit.report.summary import console_summary
from cxaudit.results import RunResult

JUNIT_FILE = "junit.xml"
SUMMARY_FILE = "summary.md"
SARIF_FILE = "results.sarif"


def write_report(
    result: RunResult,
    out_dir: Path,
    options: ReportOptions | None = None,
    source_dir: Path | None = None,
) -> list[Path]:
    """Every output but results.json, into ``out_dir``; the index page first."""
    options = options or ReportOptions()
    verdict = evaluate(result, options.thresholds)
    pages = write_html(result, out_dir, options, source_dir)
    others = write_pages(
        {
            JUNIT_FILE: render_junit(result, verdict),
            SUMMARY_FILE: render_summary(result, verdict if options.thresholds.active else None),
            SARIF_FILE: render_sarif(result),
        },
        out_dir,
    )
    return [*pages, *others]


__all__ = [
    "JUNIT_FILE",
    "PRINT_FILE",
    "SARIF_FILE",
    "SUMMARY_FILE",
    "ReportOptions",
    "channel_file_name",
    "console_summary",
    "render_html",
    "render_junit",
    "render_sarif",
    "render_summary",
    "write_html",
    "write_report",
]
