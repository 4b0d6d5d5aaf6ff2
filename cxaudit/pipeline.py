"""Run, analyse, write: the audit as the CLI and the pytest plugin both use it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from cxaudit.analysis import AnalysisSettings, analyse
from cxaudit.baseline import Known
from cxaudit.browser import Channel
from cxaudit.report import ReportOptions, write_report
from cxaudit.results import RunResult, write_results
from cxaudit.runner import Listener, RunOptions, plan, run_journeys
from cxaudit.spec.model import Journey

RESULTS_FILE = "results.json"


def write_outputs(
    result: RunResult, out_dir: Path, report: ReportOptions | None = None
) -> list[Path]:
    """results.json first (the source of everything), then the report and CI files."""
    write_results(result, out_dir / RESULTS_FILE)
    return [out_dir / RESULTS_FILE, *write_report(result, out_dir, report)]


def run_audit(
    journeys: Sequence[Journey],
    options: RunOptions,
    *,
    explicit_channels: bool = False,
    settings: AnalysisSettings | None = None,
    listener: Listener | None = None,
    channels: Sequence[Channel] | None = None,
    report: ReportOptions | None = None,
    known: Known | None = None,
) -> RunResult:
    """Run every journey on its channels, check and score, and write the outputs.

    ``known`` mutes accepted findings and compares with a baseline before
    anything is written; ``report`` brands the report and sets the thresholds
    whose verdict the JUnit file and the summary carry.
    """
    pairs = plan(journeys, channels or options.channels, explicit_channels)
    raw = asyncio.run(run_journeys(pairs, options, listener))
    result = analyse(raw, settings)
    if known is not None:
        result = known.apply(result)
    write_outputs(result, options.output_dir, report)
    return result
