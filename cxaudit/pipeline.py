"""Run, analyse, write: the audit as the CLI and the pytest plugin both use it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cxaudit.analysis import AnalysisSettings, analyse
from cxaudit.browser import Channel
from cxaudit.report import write_html
from cxaudit.results import RunResult, write_results
from cxaudit.runner import Listener, RunOptions, plan, run_journeys
from cxaudit.shard import Shard
from cxaudit.spec.model import Journey

if TYPE_CHECKING:
    from cxaudit.config import Settings

RESULTS_FILE = "results.json"


def analysis_settings(settings: Settings) -> AnalysisSettings:
    """How the project config tunes checks and scores (``run``, ``merge`` and pytest alike)."""
    return AnalysisSettings(
        check_options=settings.checks,
        disabled_checks=frozenset(settings.disable_checks),
        category_weights=settings.weights,
    )


def write_outputs(result: RunResult, out_dir: Path) -> list[Path]:
    """results.json first (the source of everything), then the HTML pages."""
    write_results(result, out_dir / RESULTS_FILE)
    return [out_dir / RESULTS_FILE, *write_html(result, out_dir)]


def run_audit(
    journeys: Sequence[Journey],
    options: RunOptions,
    *,
    explicit_channels: bool = False,
    settings: AnalysisSettings | None = None,
    listener: Listener | None = None,
    channels: Sequence[Channel] | None = None,
    shard: Shard | None = None,
) -> RunResult:
    """Run every journey on its channels, check and score, and write the outputs.

    With ``shard``, only that part of the journey runs (``cxaudit merge`` joins the parts).
    """
    pairs = plan(journeys, channels or options.channels, explicit_channels)
    if shard is not None:
        pairs = shard.select(pairs)
    raw = asyncio.run(run_journeys(pairs, options, listener))
    result = analyse(raw, settings)
    write_outputs(result, options.output_dir)
    return result
