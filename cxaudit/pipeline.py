"""Run, analyse, write: the audit as the CLI and the pytest plugin both use it."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from cxaudit.analysis import AnalysisSettings, analyse
from cxaudit.browser import Channel
from cxaudit.report import write_html
from cxaudit.resilience import Checkpoint, SignalStop, ensure_writable
from cxaudit.results import RunResult, write_results
from cxaudit.runner import Listener, Runner, RunOptions, plan
from cxaudit.spec.model import Journey

RESULTS_FILE = "results.json"


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
    stop: SignalStop | None = None,
) -> RunResult:
    """Run every journey on its channels, check and score, and write the outputs.

    results.json is rewritten after every finished journey run (a crash
    loses only the runs in flight); with ``stop``, SIGINT/SIGTERM end the
    run early and what finished is written, marked ``interrupted``.
    """
    pairs = plan(journeys, channels or options.channels, explicit_channels)
    ensure_writable(options.output_dir)
    checkpoint = Checkpoint(
        options.output_dir / RESULTS_FILE, lambda partial: analyse(partial, settings)
    )
    runner = Runner(options, listener, checkpoint=checkpoint)

    async def go() -> RunResult:
        if stop is None:
            return await runner.run(pairs)
        with stop.installed(runner.interrupt):
            return await runner.run(pairs)

    raw = asyncio.run(go())
    result = analyse(raw, settings)
    write_outputs(result, options.output_dir)
    return result
