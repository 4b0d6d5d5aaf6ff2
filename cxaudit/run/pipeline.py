"""Run, analyse, write: the audit as the CLI and the pytest plugin both use it.

One gate and one output path for both: :func:`gate_from` (the thresholds of
the settings, whose layers already hold the command line's or pytest's
options; the accept list and baseline, :func:`known_from`; the report's
branding, :func:`report_options`) and :func:`publish` (mute, compare, write).
``cxaudit run``, ``report``, ``merge`` and a pytest session (items and BDD
scenarios alike) call the same functions, so their results.json, report and
verdict agree.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxaudit.analysis.analyse import AnalysisSettings, analyse
from cxaudit.ci.baseline import AcceptEntry, Known, expired_entries
from cxaudit.ci.shard import Shard
from cxaudit.ci.thresholds import Thresholds, Verdict, evaluate
from cxaudit.errors import UsageError
from cxaudit.mail.session import configure as configure_mail
from cxaudit.project.options import Surface, option_name
from cxaudit.report import ReportOptions, write_report
from cxaudit.results import RunResult, read_results, write_results
from cxaudit.run.browser import BrowserOptions
from cxaudit.run.policy import PagePolicy
from cxaudit.run.resilience import Checkpoint, SignalStop, ensure_writable, output_lock
from cxaudit.run.runner import Listener, Runner, RunOptions, default_workers, plan
from cxaudit.sanitize import valid_model
from cxaudit.spec.channels import Channel
from cxaudit.spec.model import Journey

if TYPE_CHECKING:
    from cxaudit.project.config import Settings

RESULTS_FILE = "results.json"


def run_options(
    settings: Settings,
    *,
    output_dir: Path,
    run_id: str,
    browser_channel: str | None = None,
    **extra: Any,
) -> RunOptions:
    """How to run, as the project config says (``run``, ``demo`` and pytest alike).

    ``extra`` are the options of one command (``repeat``, ``tracing``...).
    """
    configure_mail(settings.mail)
    return RunOptions(
        channels=[settings.channel(name) for name in settings.channels],
        output_dir=output_dir,
        base_url=settings.base_url,
        workers=settings.workers or default_workers(),
        step_timeout_ms=settings.timeout_ms,
        page_timeout_s=settings.page_timeout_ms / 1000,
        browser=BrowserOptions(
            executable_path=settings.executable_path,
            headless=settings.headless,
            channel=browser_channel,
            connect=settings.connect,
            cdp=settings.cdp,
        ),
        run_id=run_id,
        budgets=settings.budgets.as_rules(),
        axe_profile=settings.accessibility.profile(),
        screenshot_options=replace(settings.screenshots.options(), mask=settings.visual.masks()),
        retries=settings.retries,
        policy=PagePolicy.from_settings(settings),
        test_id_attribute=settings.test_id_attribute,
        **extra,
    )


def thresholds_from(
    settings: Settings,
    *,
    fail_on_new: bool = False,
    baseline: str | None = None,
    surface: Surface = "cli",
) -> Thresholds:
    """The config's ``thresholds:`` (options already in ``settings``), and ``--fail-on-new``."""
    if fail_on_new and not baseline:
        raise UsageError(
            f"{option_name('fail_on_new', surface)} needs {option_name('baseline', surface)} "
            "PATH (the results.json to compare with)"
        )
    config = settings.thresholds
    try:
        return Thresholds(
            fail_under=config.fail_under,
            categories=dict(config.categories),
            fail_on=config.fail_on,
            fail_on_new=fail_on_new,
            not_measured_fails=config.not_measured_fails,
            inconclusive_fails=config.inconclusive_fails,
        )
    except ValueError as exc:
        raise UsageError(f"thresholds: {exc}") from None


@dataclass(frozen=True)
class Gate:
    """What a run is judged by and how its outputs present it, on every surface.

    ``cxaudit run``, ``report`` and ``merge``, a pytest session, its journey
    items and its BDD scenarios all take theirs from :func:`gate_from`, so a
    run gets the same verdict wherever it is judged.
    """

    thresholds: Thresholds
    #: The accept list and the baseline run.
    known: Known
    #: The report's branding and the thresholds its JUnit file and summary carry.
    report: ReportOptions

    def expired(self, today: date | None = None) -> list[AcceptEntry]:
        """Accept entries past their date: their findings count again (worth a warning)."""
        return expired_entries(self.known.accept, today or date.today())

    def warnings(self, today: date | None = None) -> list[str]:
        """What the user should hear before the verdict: accept entries that expired."""
        return [
            f"accept entry {entry.label!r} expired on {entry.expires} ({entry.reason}); "
            "its findings count again"
            for entry in self.expired(today)
        ]

    def verdict(self, result: RunResult) -> Verdict:
        return evaluate(result, self.thresholds)


def gate_from(
    settings: Settings,
    *,
    cwd: Path,
    baseline: str | None = None,
    fail_on_new: bool = False,
    surface: Surface = "cli",
) -> Gate:
    """The thresholds, accept list, baseline (relative to ``cwd``) and report options of a run."""
    thresholds = thresholds_from(
        settings, fail_on_new=fail_on_new, baseline=baseline, surface=surface
    )
    path = Path(baseline) if baseline else None
    if path is not None and not path.is_absolute():
        path = cwd / path
    known = known_from(settings, path, baseline or "")
    return Gate(thresholds, known, report_options(settings, thresholds, cwd))


def accept_entries(settings: Settings) -> tuple[AcceptEntry, ...]:
    return tuple(item.entry() for item in settings.accept)


def baseline_file(path: Path) -> Path:
    """The results.json a ``--baseline`` names: the file, or the report folder holding it."""
    return path / RESULTS_FILE if path.is_dir() else path


def known_from(settings: Settings, baseline: Path | None, source: str = "") -> Known:
    """The config's accept list and the baseline run (read now: a bad file fails early)."""
    found = baseline_file(baseline) if baseline is not None else None
    base = read_results(found) if found is not None else None
    return Known(
        accept=accept_entries(settings),
        baseline=base,
        baseline_source=source or str(baseline or ""),
        baseline_dir=found.parent if found is not None else None,
        visual=settings.visual.options(),
    )


def compare_visual(result: RunResult, known: Known | None, out_dir: Path) -> RunResult:
    """Each audited step's screenshot compared with the baseline's (:mod:`cxaudit.analysis.visual`)."""
    if known is None or known.baseline is None or known.baseline_dir is None:
        return result
    from cxaudit.analysis.visual import compare_screenshots

    return compare_screenshots(result, known.baseline, out_dir, known.baseline_dir, known.visual)


def report_options(settings: Settings, thresholds: Thresholds, cwd: Path) -> ReportOptions:
    """The report's branding (a logo relative to the config file is found) and thresholds."""
    from cxaudit.project.config import find_config

    logo = Path(settings.report.logo) if settings.report.logo else None
    if logo is not None and not logo.is_absolute() and not (cwd / logo).exists():
        config = find_config(cwd)
        if config is not None and (config.parent / logo).exists():
            logo = config.parent / logo
    elif logo is not None and not logo.is_absolute():
        logo = cwd / logo
    return ReportOptions(
        title=settings.report.title,
        client=settings.report.client,
        logo=logo,
        thresholds=thresholds,
    )


def publish(
    result: RunResult, out_dir: Path, known: Known | None, report: ReportOptions | None
) -> RunResult:
    """Mute accepted findings, compare with the baseline, write every output; the result."""
    if known is not None:
        result = known.apply(result)
    write_outputs(result, out_dir, report)
    return result


def write_outputs(
    result: RunResult, out_dir: Path, report: ReportOptions | None = None
) -> list[Path]:
    """results.json first (the source of everything), then the report and CI files.

    Every writer gets text that UTF-8 can hold (see :func:`cxaudit.sanitize.valid_text`).
    """
    result = valid_model(result)
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
    shard: Shard | None = None,
    stop: SignalStop | None = None,
    replace: bool = False,
) -> RunResult:
    """Run every journey on its channels, check and score, and write the outputs.

    ``known`` mutes accepted findings and compares with a baseline before
    anything is written; ``report`` brands the report and sets the thresholds
    whose verdict the JUnit file and the summary carry. With ``shard``, only
    that part of the journey runs (``cxaudit merge`` joins the parts).

    results.json is rewritten after every finished journey run (a crash
    loses only the runs in flight); with ``stop``, SIGINT/SIGTERM end the
    run early and what finished is written, marked ``interrupted``.
    """
    pairs = plan(journeys, channels or options.channels, explicit_channels)
    if shard is not None:
        pairs = shard.select(pairs)
    ensure_writable(options.output_dir, RESULTS_FILE)
    with output_lock(options.output_dir, options.run_id, RESULTS_FILE, replace=replace):
        return _run_and_write(pairs, options, settings, listener, report, known, stop)


def _run_and_write(
    pairs: list[tuple[Journey, Channel]],
    options: RunOptions,
    settings: AnalysisSettings | None,
    listener: Listener | None,
    report: ReportOptions | None,
    known: Known | None,
    stop: SignalStop | None,
) -> RunResult:
    """The run itself, with the output folder held (see :func:`run_audit`)."""
    checkpoint = Checkpoint(
        options.output_dir / RESULTS_FILE, lambda partial: analyse(partial, settings)
    )
    runner = Runner(options, listener, checkpoint=checkpoint)

    async def go() -> RunResult:
        if stop is None:
            return await runner.run(pairs)
        with stop.installed(runner.interrupt):
            return await runner.run(pairs)

    raw = compare_visual(asyncio.run(go()), known, options.output_dir)
    return publish(analyse(raw, settings), options.output_dir, known, report)
