"""The ``cxaudit`` command: run, validate, report, demo, doctor, list-checks.

Thin: parses options, calls the library, prints, and maps outcomes to exit
codes (0 passed, 1 findings or failed journeys over the thresholds, 2 usage
or journey-file error, 3 run error such as an unreachable site or no
browser). User errors print one clear message, never a traceback (unless
``--debug``).
"""

from __future__ import annotations

import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from cxaudit import __version__
from cxaudit.browser import (
    BUILTIN_CHANNELS,
    BrowserOptions,
    browser_candidates,
    install_browser,
)
from cxaudit.errors import CxauditError, SpecError
from cxaudit.results import RunResult, read_results
from cxaudit.runner import DEFAULT_STEP_TIMEOUT_MS, Event, RunOptions, new_run_id
from cxaudit.thresholds import EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE

DEFAULT_CHANNELS = ("desktop", "mobile")


def _fail(message: str, code: int) -> None:
    click.echo(
        f"cxaudit: {message}"
        if not message.startswith(("cxaudit", "journeys", "/")) and "\n" not in message
        else message,
        err=True,
    )
    sys.exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors -> message and exit code; tracebacks only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except SpecError as exc:
            click.echo(str(exc), err=True)
            n = len(exc.errors)
            click.echo(f"{n} error{'s' if n != 1 else ''} in journey files", err=True)
            sys.exit(EXIT_USAGE)
        except CxauditError as exc:
            if os.environ.get("CXAUDIT_DEBUG"):
                raise
            click.echo(f"cxaudit: {exc}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("cxaudit: interrupted", err=True)
            sys.exit(130)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cxaudit")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors (for bug reports).")
def main(debug: bool) -> None:
    """Customer-experience audits and journey tests in real Chromium."""
    if debug:
        os.environ["CXAUDIT_DEBUG"] = "1"


def _progress(quiet: bool) -> Callable[[Event], None]:
    start = time.perf_counter()

    def listener(event: Event) -> None:
        if quiet:
            return
        if event.kind == "run-started":
            click.echo(f"cxaudit: {event.total} journey run(s)", err=True)
        elif event.kind == "journey-finished" and event.run is not None:
            run = event.run
            fails = sum(1 for s in run.steps if s.status in ("failed", "error"))
            extra = (
                f" at step {next(s.index + 1 for s in run.steps if s.status in ('failed', 'error'))}"
                if fails
                else ""
            )
            click.echo(
                f"[{event.done}/{event.total}] {run.channel:<8} {run.journey}: {run.status}{extra} "
                f"({run.duration_ms / 1000:.1f} s, {time.perf_counter() - start:.0f} s elapsed)",
                err=True,
            )

    return listener


def _run(
    paths: tuple[str, ...],
    base_url: str | None,
    channels: tuple[str, ...],
    output: str | None,
    workers: int | None,
    executable_path: str | None,
    headed: bool,
    timeout: float | None,
    fail_under: float | None,
    quiet: bool,
    config: str | None = None,
    fail_on: str | None = None,
    baseline: str | None = None,
    fail_on_new: bool = False,
    tracing: str = "off",
) -> int:
    from cxaudit.analysis import AnalysisSettings
    from cxaudit.config import load_settings
    from cxaudit.pipeline import run_audit
    from cxaudit.report import console_summary
    from cxaudit.spec import load_journeys

    settings = load_settings(
        {
            "base_url": base_url,
            "channels": list(channels) or None,
            "workers": workers,
            "executable_path": executable_path,
            "headless": False if headed else None,
            "timeout_ms": timeout,
        },
        config_path=Path(config) if config else None,
    )
    channel_profiles = [settings.channel(name) for name in settings.channels]
    journeys, warnings = load_journeys(
        paths or tuple(settings.journeys), known_channels=settings.known_channels()
    )
    for warning in warnings:
        click.echo(str(warning), err=True)
    run_id = new_run_id()
    out_dir = Path(output) if output else Path(settings.output_dir) / run_id
    options = RunOptions(
        channels=channel_profiles,
        output_dir=out_dir,
        base_url=settings.base_url,
        workers=settings.workers,
        step_timeout_ms=settings.timeout_ms,
        browser=BrowserOptions(
            executable_path=settings.executable_path, headless=settings.headless
        ),
        run_id=run_id,
        tracing=tracing,
    )
    thresholds = _thresholds(settings, fail_under, fail_on, fail_on_new, baseline)
    known = _known(settings, baseline)
    report_options = _report_options(settings, thresholds)
    analysis = AnalysisSettings(
        check_options=settings.checks,
        disabled_checks=frozenset(settings.disable_checks),
        category_weights=settings.weights,
    )
    result = run_audit(
        journeys,
        options,
        explicit_channels=bool(channels),
        settings=analysis,
        listener=_progress(quiet),
        report=report_options,
        known=known,
    )
    click.echo(console_summary(result))
    click.echo(f"\nreport: {(out_dir / 'index.html').resolve()}")
    return _verdict(result, thresholds)


def _thresholds(
    settings: Any,
    fail_under: float | None,
    fail_on: str | None,
    fail_on_new: bool,
    baseline: str | None,
) -> Any:
    """Thresholds from the command line over the config's ``thresholds:``."""
    from cxaudit.errors import UsageError
    from cxaudit.thresholds import Thresholds

    if fail_on_new and not baseline:
        raise UsageError("--fail-on-new needs --baseline PATH (the results.json to compare with)")
    config = settings.thresholds
    try:
        return Thresholds(
            fail_under=fail_under if fail_under is not None else config.fail_under,
            categories=dict(config.categories),
            fail_on=fail_on or config.fail_on,
            fail_on_new=fail_on_new,
            not_measured_fails=config.not_measured_fails,
        )
    except ValueError as exc:
        raise UsageError(f"thresholds: {exc}") from None


def _known(settings: Any, baseline: str | None) -> Any:
    """The accept list of the config and the baseline run, warning about expired entries."""
    from datetime import date

    from cxaudit.baseline import Known, expired_entries

    entries = tuple(item.entry() for item in settings.accept)
    for entry in expired_entries(entries, date.today()):
        click.echo(
            f"cxaudit: warning: accept entry {entry.label!r} expired on {entry.expires} "
            f"({entry.reason}); its findings count again",
            err=True,
        )
    base = read_results(Path(baseline)) if baseline else None
    return Known(accept=entries, baseline=base, baseline_source=baseline or "")


def _report_options(settings: Any, thresholds: Any) -> Any:
    from cxaudit.config import find_config
    from cxaudit.report import ReportOptions

    logo = Path(settings.report.logo) if settings.report.logo else None
    if logo is not None and not logo.is_absolute() and not logo.exists():
        config = find_config(Path.cwd())
        if config is not None and (config.parent / logo).exists():
            logo = config.parent / logo
    return ReportOptions(
        title=settings.report.title,
        client=settings.report.client,
        logo=logo,
        thresholds=thresholds,
    )


def _verdict(result: RunResult, thresholds: Any) -> int:
    """Print why the thresholds failed, if they did, and return the exit code."""
    from cxaudit.thresholds import evaluate, exit_code

    verdict = evaluate(result, thresholds)
    for line in verdict.failures:
        click.echo(f"threshold not met: {line}", err=True)
    return exit_code(result, verdict)


def run_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by ``run`` and ``demo``."""
    for decorator in reversed(
        [
            click.option(
                "--channel",
                "channels",
                multiple=True,
                metavar="NAME",
                help=f"Channel to run on (repeatable). Built in: {', '.join(BUILTIN_CHANNELS)}. Default: desktop and mobile.",
            ),
            click.option(
                "--output",
                "-o",
                metavar="DIR",
                help="Report directory (default: reports/<run-id>).",
            ),
            click.option(
                "--workers",
                "-w",
                type=click.IntRange(1, 64),
                help="Journey runs at once, as contexts of one browser (default 2).",
            ),
            click.option(
                "--executable-path", metavar="PATH", help="Chromium to use (or CXAUDIT_CHROMIUM)."
            ),
            click.option("--headed", is_flag=True, help="Show the browser window."),
            click.option(
                "--timeout",
                type=click.FloatRange(min=100),
                help=f"Milliseconds a step may wait for its element (default {DEFAULT_STEP_TIMEOUT_MS:.0f}).",
            ),
            click.option(
                "--fail-under",
                type=click.FloatRange(0, 100),
                metavar="SCORE",
                help="Exit 1 when the overall score is below SCORE.",
            ),
            click.option("--quiet", "-q", is_flag=True, help="Only the summary."),
            click.option(
                "--config",
                "-c",
                metavar="FILE",
                type=click.Path(dir_okay=False),
                help="Config file (default: cxaudit.yaml or [tool.cxaudit] in pyproject.toml, searched upwards).",
            ),
            click.option(
                "--tracing",
                type=click.Choice(["on", "off", "retain-on-failure"]),
                default="off",
                show_default=True,
                help="Record a Playwright trace per journey run (keep all, none, or those that did not pass).",
            ),
            *_threshold_options(),
        ]
    ):
        fn = decorator(fn)
    return fn


def _threshold_options() -> list[Callable[..., Any]]:
    """Options that gate on the results: shared by ``run``, ``demo`` and ``report``."""
    return [
        click.option(
            "--fail-on",
            type=click.Choice(["critical", "serious", "moderate", "minor"]),
            help="Exit 1 on any finding at or above this severity.",
        ),
        click.option(
            "--baseline",
            metavar="PATH",
            type=click.Path(dir_okay=False),
            help="results.json of an earlier run: score deltas and new, fixed and persisting findings.",
        ),
        click.option(
            "--fail-on-new",
            is_flag=True,
            help="Fail only on findings that are new since --baseline (with --fail-on: new ones at or above it).",
        ),
    ]


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--base-url",
    metavar="URL",
    help="Site to audit; relative goto steps join it (or CXAUDIT_BASE_URL).",
)
@run_options
@handle_errors
def run(paths: tuple[str, ...], base_url: str | None, **kwargs: Any) -> None:
    """Run the journeys in PATHS (files or directories; default: journeys/)."""
    sys.exit(_run(paths, base_url, **kwargs))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@handle_errors
def validate(paths: tuple[str, ...], strict: bool) -> None:
    """Check journey files without a browser: every error, with file:line:col."""
    from cxaudit.spec import load_journeys

    journeys, warnings = load_journeys(
        paths or ("journeys",), known_channels=list(BUILTIN_CHANNELS)
    )
    for warning in warnings:
        click.echo(str(warning), err=True)
    steps = sum(len(j.steps) for j in journeys)
    click.echo(
        f"{len(journeys)} journey(s), {steps} step(s): valid"
        + (f", {len(warnings)} warning(s)" if warnings else "")
    )
    sys.exit(EXIT_USAGE if strict and warnings else EXIT_OK)


def _apply(decorators: list[Callable[..., Any]]) -> Callable[..., Any]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return wrap


@main.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option(
    "--output", "-o", metavar="DIR", help="Where to write the pages (default: beside RESULTS)."
)
@click.option(
    "--pdf", is_flag=True, help="Also print the whole report to report.pdf with Chromium."
)
@click.option(
    "--fail-under",
    type=click.FloatRange(0, 100),
    metavar="SCORE",
    help="Exit 1 when the overall score is below SCORE.",
)
@click.option(
    "--config",
    "-c",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Config file (report title, client and logo, thresholds, accept list).",
)
@_apply(_threshold_options())
@handle_errors
def report(
    results: str,
    output: str | None,
    pdf: bool,
    fail_under: float | None,
    config: str | None,
    fail_on: str | None,
    baseline: str | None,
    fail_on_new: bool,
) -> None:
    """Render every output again from a results.json, without running a browser.

    Writes the HTML report, junit.xml, summary.md and results.sarif (results.json
    itself is left as it is); applies the config's accept list and, with
    --baseline, compares with an earlier run. Exits with the thresholds' verdict
    (0 or 1) when any threshold is set.
    """
    from cxaudit.config import load_settings
    from cxaudit.report import PRINT_FILE, write_report

    settings = load_settings(config_path=Path(config) if config else None)
    thresholds = _thresholds(settings, fail_under, fail_on, fail_on_new, baseline)
    result = _known(settings, baseline).apply(read_results(Path(results)))
    source = Path(results).parent
    out_dir = Path(output) if output else source
    started = time.perf_counter()
    pages = write_report(result, out_dir, _report_options(settings, thresholds), source)
    click.echo(f"report: {pages[0].resolve()} ({time.perf_counter() - started:.2f} s)")
    if pdf:
        from cxaudit.browser import BrowserOptions
        from cxaudit.report.pdf import print_pdf

        target = print_pdf(
            out_dir / PRINT_FILE,
            out_dir / "report.pdf",
            BrowserOptions(executable_path=settings.executable_path),
        )
        click.echo(f"pdf: {target.resolve()}")
    sys.exit(_verdict(result, thresholds) if thresholds.active else EXIT_OK)


@main.group(invoke_without_command=True)
@click.option("--fixed", is_flag=True, help="Audit the shop with every deliberate flaw removed.")
@click.option(
    "--journeys",
    "journeys_dir",
    default="journeys",
    show_default=True,
    type=click.Path(),
    help="Journeys to run against the demo shop.",
)
@run_options
@click.pass_context
@handle_errors
def demo(ctx: click.Context, fixed: bool, journeys_dir: str, **kwargs: Any) -> None:
    """Audit the bundled demo shop: start it, run the journeys, write the report."""
    if ctx.invoked_subcommand is not None:
        return
    from cxaudit.demo import DemoShop

    with DemoShop(fixed=fixed) as shop:
        click.echo(
            f"cxaudit: demo shop ({'fixed' if fixed else 'with its deliberate flaws'}) at {shop.url}",
            err=True,
        )
        code = _run((journeys_dir,), shop.url, **kwargs)
    click.echo("cxaudit: demo shop stopped", err=True)
    # The demo shop has deliberate flaws: findings are the point, not a failure.
    sys.exit(EXIT_RUN_ERROR if code == EXIT_RUN_ERROR else EXIT_OK)


@demo.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option("--fixed", is_flag=True, help="Serve the shop with every deliberate flaw removed.")
def demo_serve(port: int, fixed: bool) -> None:
    """Serve the demo shop on 127.0.0.1 until Ctrl-C."""
    from cxaudit.demo.server import serve_forever

    serve_forever(port=port, fixed=fixed)


@main.command()
@click.option("--install", is_flag=True, help="Install a Chromium when none is found.")
@click.option("--executable-path", metavar="PATH", help="Check this Chromium too.")
@handle_errors
def doctor(install: bool, executable_path: str | None) -> None:
    """Show what cxaudit found: Python, Playwright, and each place it looks for Chromium."""
    from importlib import metadata

    click.echo(
        f"cxaudit {__version__} · Python {sys.version.split()[0]} · Playwright {metadata.version('playwright')}"
    )
    if install:
        path = install_browser()
        click.echo(f"browser: {path}")
        return
    usable = None
    for c in browser_candidates(executable_path):
        mark = "ok " if c.ok else "-- "
        click.echo(f"  {mark}{c.source}: {c.path or ''} {c.note}".rstrip())
        usable = usable or (c.path if c.ok else None)
    if usable is None:
        from cxaudit.browser import install_hint

        _fail(install_hint(), EXIT_RUN_ERROR)
    click.echo(f"browser: {usable}")


@main.command("list-checks")
def list_checks() -> None:
    """Every check with its code, category, weight and title."""
    from cxaudit.checks import all_checks

    for check in all_checks():
        click.echo(
            f"{check.code:<12} {check.category:<14} {check.slug:<26} w={check.weight:<4g} {check.title}"
        )


if __name__ == "__main__":  # pragma: no cover
    main()
