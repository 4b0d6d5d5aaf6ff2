"""The ``cxaudit`` command: run, validate, report, demo, doctor, list-checks, init, import, schema.

Thin: parses options, calls the library, prints, and maps outcomes to exit
codes (0 passed, 1 findings or failed journeys over the thresholds, 2 usage
or journey-file error, 3 run error such as an unreachable site or no
browser; 130 / 143 when SIGINT / SIGTERM stopped a run, whose finished
journeys are written). User errors print one clear message, never a
traceback (unless ``--debug``).
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

from cxaudit import __version__, startup
from cxaudit.ci.shard import Shard
from cxaudit.ci.thresholds import EXIT_OK, EXIT_RUN_ERROR, EXIT_USAGE
from cxaudit.errors import CxauditError, SpecError, SpecIssue, UsageError
from cxaudit.results import RunResult, read_results
from cxaudit.run.browser import browser_candidates, install_browser
from cxaudit.run.runner import (
    DEFAULT_STEP_TIMEOUT_MS,
    new_run_id,
)
from cxaudit.sanitize import terminal_text
from cxaudit.spec.channels import BUILTIN_CHANNELS
from cxaudit.spec.journey_file import SEVERITIES

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
        startup.command_started()  # a Ctrl-C from here on is answered below
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
        except OSError as exc:  # a file or folder the run needs: say which, no traceback
            if os.environ.get("CXAUDIT_DEBUG"):
                raise
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"cxaudit: {where}{exc.strerror or exc}", err=True)
            sys.exit(EXIT_RUN_ERROR)
        except Exception as exc:  # a bug: one line, and how to get the traceback
            if os.environ.get("CXAUDIT_DEBUG"):
                raise
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            click.echo(
                f"cxaudit: internal error: {type(exc).__name__}: {text} "
                "(run `cxaudit --debug ...` for the traceback, and please report it)",
                err=True,
            )
            sys.exit(EXIT_RUN_ERROR)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cxaudit")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors (for bug reports).")
def main(debug: bool) -> None:
    """Customer-experience audits and journey tests in real Chromium."""
    if debug:
        os.environ["CXAUDIT_DEBUG"] = "1"


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
    tags: tuple[str, ...] = (),
    strict: bool = False,
    repeat: int = 1,
    fail_on: str | None = None,
    baseline: str | None = None,
    fail_on_new: bool = False,
    tracing: str = "off",
    shard: str | None = None,
    connect: str | None = None,
    cdp: str | None = None,
    retries: int | None = None,
    block_third_party: bool = False,
    force: bool = False,
) -> int:
    from cxaudit.analysis.analyse import AnalysisSettings
    from cxaudit.cli.progress import progress_listener
    from cxaudit.project.config import load_settings
    from cxaudit.report import console_summary
    from cxaudit.run.pipeline import run_audit, run_options
    from cxaudit.run.resilience import SignalStop
    from cxaudit.spec import load_journeys

    settings = load_settings(
        {
            "base_url": base_url,
            "channels": list(channels) or None,
            "workers": workers,
            "executable_path": executable_path,
            "headless": False if headed else None,
            "timeout_ms": timeout,
            "connect": connect,
            "cdp": cdp,
            "retries": retries,
            "third_party": {"block": True} if block_third_party else None,
        },
        config_path=Path(config) if config else None,
    )
    chosen_shard = Shard.parse(shard) if shard else None
    if settings.connect and settings.cdp:
        raise UsageError(
            "--connect and --cdp (or CXAUDIT_CONNECT and CXAUDIT_CDP) name two browsers: give one"
        )
    journeys, warnings = load_journeys(
        paths or tuple(settings.journeys), known_channels=settings.known_channels()
    )
    for warning in warnings:
        click.echo(str(warning), err=True)
    if strict and warnings:
        raise UsageError(f"{len(warnings)} warning(s) in journey files, and --strict was given")
    if tags:
        journeys = _with_tags(journeys, tags)
    run_id = new_run_id()
    out_dir = Path(output) if output else Path(settings.output_dir) / run_id
    options = run_options(
        settings, output_dir=out_dir, run_id=run_id, repeat=repeat, tracing=tracing
    )
    thresholds = _thresholds(settings, fail_under, fail_on, fail_on_new, baseline)
    known = _known(settings, baseline)
    report_options = _report_options(settings, thresholds)
    stop = SignalStop()
    with progress_listener(quiet) as progress:
        result = run_audit(
            journeys,
            options,
            explicit_channels=bool(channels),
            settings=AnalysisSettings.from_settings(settings),
            listener=progress,
            report=report_options,
            known=known,
            shard=chosen_shard,
            stop=stop,
            replace=force,
        )
    click.echo(terminal_text(console_summary(result)))
    click.echo(f"\nreport: {(out_dir / 'index.html').resolve()}")
    if stop.signum is not None:
        click.echo(
            f"cxaudit: interrupted: {len(result.runs)} finished journey run(s) written "
            f"(exit {stop.exit_code})",
            err=True,
        )
        return stop.exit_code
    return _verdict(result, thresholds)


def _thresholds(
    settings: Any,
    fail_under: float | None,
    fail_on: str | None,
    fail_on_new: bool,
    baseline: str | None,
) -> Any:
    """Thresholds from the command line over the config's ``thresholds:``."""
    from cxaudit.run.pipeline import thresholds_from

    return thresholds_from(
        settings, fail_under=fail_under, fail_on=fail_on, fail_on_new=fail_on_new, baseline=baseline
    )


def _known(settings: Any, baseline: str | None) -> Any:
    """The accept list of the config and the baseline run, warning about expired entries."""
    from datetime import date

    from cxaudit.ci.baseline import expired_entries
    from cxaudit.run.pipeline import known_from

    known = known_from(settings, Path(baseline) if baseline else None, baseline or "")
    for entry in expired_entries(known.accept, date.today()):
        click.echo(
            f"cxaudit: warning: accept entry {entry.label!r} expired on {entry.expires} "
            f"({entry.reason}); its findings count again",
            err=True,
        )
    return known


def _report_options(settings: Any, thresholds: Any) -> Any:
    from cxaudit.run.pipeline import report_options

    return report_options(settings, thresholds, Path.cwd())


def _verdict(result: RunResult, thresholds: Any) -> int:
    """Print why the thresholds failed, if they did, and return the exit code."""
    from cxaudit.ci.thresholds import evaluate, exit_code

    verdict = evaluate(result, thresholds)
    for line in verdict.failures:
        click.echo(f"threshold not met: {line}", err=True)
    return exit_code(result, verdict)


def _with_tags(journeys: list[Any], tags: tuple[str, ...]) -> list[Any]:
    """Journeys that carry at least one of ``tags``; none is a usage error."""
    chosen = [j for j in journeys if set(j.tags) & set(tags)]
    if not chosen:
        known = sorted({t for j in journeys for t in j.tags})
        raise UsageError(
            f"no journey has the tag {' or '.join(tags)}; tags in these journeys: "
            + (", ".join(known) or "none")
        )
    return chosen


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
                "--force",
                is_flag=True,
                help="Replace an earlier run's results in --output (a run still writing there "
                "is never replaced).",
            ),
            click.option(
                "--workers",
                "-w",
                type=click.IntRange(1, 64),
                help="Journey runs at once, as contexts of one browser "
                "(default: one per CPU core, at least 2, at most 8).",
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
            click.option("--quiet", "-q", is_flag=True, help="Only the summary."),
            click.option(
                "--repeat",
                type=click.IntRange(1, 50),
                default=1,
                metavar="N",
                help="Run each journey N times; timings are reported as median and spread, budgets judge the median.",
            ),
            click.option(
                "--config",
                "-c",
                metavar="FILE",
                type=click.Path(dir_okay=False),
                help="Config file (default: cxaudit.yaml or [tool.cxaudit] in pyproject.toml, searched upwards).",
            ),
            click.option(
                "--tag",
                "tags",
                multiple=True,
                metavar="TAG",
                help="Run only journeys with this tag (repeatable: any of them).",
            ),
            click.option("--strict", is_flag=True, help="Warnings in journey files stop the run."),
            click.option(
                "--tracing",
                type=click.Choice(["on", "off", "retain-on-failure"]),
                default="off",
                show_default=True,
                help="Record a Playwright trace per journey run (keep all, none, or those that did not pass).",
            ),
            click.option(
                "--shard",
                metavar="K/N",
                help="Run only part K of N of the journey runs (a stable split for CI "
                "matrices); join the parts with `cxaudit merge`.",
            ),
            click.option(
                "--connect",
                metavar="WS_URL",
                help="Use a remote Playwright browser server instead of a local Chromium "
                "(or CXAUDIT_CONNECT).",
            ),
            click.option(
                "--cdp",
                metavar="URL",
                help="Use a Chromium reachable over the DevTools protocol, http:// or ws:// "
                "(or CXAUDIT_CDP).",
            ),
            click.option(
                "--retries",
                type=click.IntRange(0, 10),
                help="Extra tries for a page that failed to open transiently "
                "(dropped connection, HTTP 503); default 1. Steps that needed one are reported as flaky.",
            ),
            click.option(
                "--block-third-party",
                is_flag=True,
                help="Abort requests to hosts outside the site under test "
                "(third_party.allow in the config lists exceptions).",
            ),
            *_threshold_options(),
        ]
    ):
        fn = decorator(fn)
    return fn


def _threshold_options() -> list[Callable[..., Any]]:
    """Options that gate on the results: shared by ``run``, ``demo``, ``report`` and ``merge``."""
    return [
        click.option(
            "--fail-under",
            type=click.FloatRange(0, 100),
            metavar="SCORE",
            help="Exit 1 when the overall score is below SCORE.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES),
            help="Exit 1 on any finding at or above this severity.",
        ),
        click.option(
            "--baseline",
            metavar="PATH",
            type=click.Path(),
            help="results.json of an earlier run (or its report folder): score deltas, new, "
            "fixed and persisting findings, and each step's screenshot compared with its own.",
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
@click.option(
    "--config",
    "-c",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Config file to check (default: the project's, searched upwards).",
)
@handle_errors
def validate(paths: tuple[str, ...], strict: bool, config: str | None) -> None:
    """Check journeys, fragments and the config without a browser.

    PATHS are journey files, folders (fragments/ inside are checked too) or
    the config file; default: the config's journeys. Every problem of every
    file is listed with file:line:col. Exit 2 on errors (or warnings with
    --strict), 0 otherwise.
    """
    from cxaudit.project.config import CONFIG_FILES, load_settings
    from cxaudit.spec.loader import display, load_all

    config_names = (*CONFIG_FILES, "pyproject.toml")
    config_paths = [p for p in paths if Path(p).name in config_names]
    journey_paths = [p for p in paths if p not in config_paths]
    config_path = Path(config) if config else (Path(config_paths[0]) if config_paths else None)
    issues: list[SpecIssue] = []
    settings = None
    try:
        settings = load_settings(config_path=config_path)
    except SpecError as exc:
        issues.extend(exc.issues)
    except UsageError as exc:
        issues.append(SpecIssue("environment", 1, 1, "", str(exc)))
    known = settings.known_channels() if settings else list(BUILTIN_CHANNELS)
    summary = []
    if journey_paths or not config_paths:
        targets = journey_paths or (settings.journeys if settings else ["journeys"])
        loaded = load_all(targets, known)
        issues.extend(loaded.issues)
        steps = sum(len(j.steps) for j in loaded.journeys)
        summary.append(
            f"{len(loaded.journeys)} journey(s), {loaded.fragments} fragment(s), {steps} step(s)"
        )
    if config_path is not None or settings is not None:
        from cxaudit.project.config import find_config

        found = config_path or find_config(Path.cwd())
        if found is not None:
            summary.append(f"config {display(found)}")
    ordered = SpecError(issues).issues
    for issue in ordered:
        click.echo(str(issue), err=True)
    errors = sum(1 for i in ordered if i.severity == "error")
    warnings = len(ordered) - errors
    if errors:
        click.echo(f"{errors} error{'s' if errors != 1 else ''} in journey files", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(", ".join(summary) + ": valid" + (f", {warnings} warning(s)" if warnings else ""))
    sys.exit(EXIT_USAGE if strict and warnings else EXIT_OK)


def _apply(decorators: list[Callable[..., Any]]) -> Callable[..., Any]:
    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for decorator in reversed(decorators):
            fn = decorator(fn)
        return fn

    return wrap


@main.command()
@click.option("--config", "config_schema", is_flag=True, help="The schema of cxaudit.yaml instead.")
@click.option(
    "--output", "-o", metavar="FILE", type=click.Path(dir_okay=False), help="Write it here."
)
@handle_errors
def schema(config_schema: bool, output: str | None) -> None:
    """Print the JSON Schema of journey and fragment files (or of cxaudit.yaml).

    Point an editor at it for completion and inline errors: put
    `# yaml-language-server: $schema=PATH` on the first line of a journey.
    """
    from cxaudit.project.schema import schema_text

    text = schema_text("config" if config_schema else "journey")
    if output:
        Path(output).parent.mkdir(parents=True, exist_ok=True)
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"schema: {output}", err=True)
    else:
        click.echo(text, nl=False)


@main.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False))
@click.option(
    "--base-url",
    metavar="URL",
    default=None,
    help="Site to audit (default: the demo shop of `cxaudit demo serve`).",
)
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@handle_errors
def init(folder: str, base_url: str | None, force: bool) -> None:
    """Start an audit project in FOLDER: config, one journey per stage, a CI workflow."""
    from cxaudit.project.init import DEMO_URL, init_project

    written = init_project(Path(folder), base_url=base_url or DEMO_URL, force=force)
    for path in written:
        click.echo(f"  wrote {path}")
    demo_hint = (
        ""
        if base_url
        else "cxaudit demo serve &   # the demo shop the journeys are written for\n  "
    )
    click.echo(
        "\nNext:\n"
        f"  cd {folder}\n"
        f"  {demo_hint}cxaudit validate\n"
        "  cxaudit run\n"
        "Then change the journeys for your site; docs/journeys.md in cxaudit is the reference."
    )


@main.command("import")
@click.argument("recording", type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Journey file to write (default: print it).",
)
@click.option("--stage", default="purchase", show_default=True, help="Stage to put the steps in.")
@click.option("--name", metavar="TEXT", help="Journey name (default: the recording's title).")
@click.option("--force", is_flag=True, help="Overwrite the output file.")
@handle_errors
def import_recording(
    recording: str, output: str | None, stage: str, name: str | None, force: bool
) -> None:
    """Turn a Chrome DevTools Recorder export (JSON) into a journey file."""
    from cxaudit.spec.devtools_import import import_recording as convert
    from cxaudit.spec.loader import Loader, display

    source = Path(recording)
    try:
        text = source.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{recording}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{recording}: cannot read: {exc}") from None
    imported = convert(text, display(source), stage=stage, name=name)
    target = Path(output) if output else Path.cwd() / "imported.yaml"
    if output and target.exists() and not force:
        raise UsageError(f"{output} exists already: use --force to overwrite it")
    loader = Loader(list(BUILTIN_CHANNELS))
    loader.journey_text(imported.text, target)
    errors = [i for i in loader.issues if i.severity == "error"]
    if errors:  # a bug of the importer, not of the recording: say so plainly
        raise SpecError(errors)
    if output:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(imported.text, encoding="utf-8")
    else:
        click.echo(imported.text, nl=False)
    for note in imported.notes:
        click.echo(f"note: {note}", err=True)
    where = f" into {output}" if output else ""
    click.echo(f"cxaudit: {imported.steps} step(s) imported{where}", err=True)


@main.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option(
    "--output", "-o", metavar="DIR", help="Where to write the pages (default: beside RESULTS)."
)
@click.option(
    "--pdf", is_flag=True, help="Also print the whole report to report.pdf with Chromium."
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
    from cxaudit.project.config import load_settings
    from cxaudit.report import PRINT_FILE, write_report

    settings = load_settings(config_path=Path(config) if config else None)
    thresholds = _thresholds(settings, fail_under, fail_on, fail_on_new, baseline)
    from cxaudit.analysis.analyse import with_check_texts

    result = _known(settings, baseline).apply(with_check_texts(read_results(Path(results))))
    source = Path(results).parent
    out_dir = Path(output) if output else source
    started = time.perf_counter()
    pages = write_report(result, out_dir, _report_options(settings, thresholds), source)
    click.echo(f"report: {pages[0].resolve()} ({time.perf_counter() - started:.2f} s)")
    if pdf:
        from cxaudit.run.browser import BrowserOptions
        from cxaudit.run.pdf import print_pdf

        target = print_pdf(
            out_dir / PRINT_FILE,
            out_dir / "report.pdf",
            BrowserOptions(executable_path=settings.executable_path),
        )
        click.echo(f"pdf: {target.resolve()}")
    sys.exit(_verdict(result, thresholds) if thresholds.active else EXIT_OK)


@main.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    metavar="DIR",
    help="Where to write the merged results.json and report (default: <output_dir>/merged).",
)
@click.option(
    "--config",
    "-c",
    metavar="FILE",
    type=click.Path(dir_okay=False),
    help="Config file whose check options and weights score the merged runs.",
)
@_apply(_threshold_options())
@handle_errors
def merge(
    results: tuple[str, ...],
    output: str | None,
    config: str | None,
    fail_under: float | None,
    fail_on: str | None,
    baseline: str | None,
    fail_on_new: bool,
) -> None:
    """Join the results.json of several shards (or re-runs) into one results.json and report.

    Each journey run is kept once (a run met twice keeps the latest attempt);
    cross-channel checks and every score are worked out again on the whole;
    screenshots and traces are copied beside the merged report. The exit code
    is that of `cxaudit run` on the whole suite, with the same thresholds.
    """
    from cxaudit.analysis.analyse import AnalysisSettings
    from cxaudit.ci.merge import copy_artifacts, merge_results
    from cxaudit.project.config import load_settings
    from cxaudit.report import console_summary
    from cxaudit.run.pipeline import RESULTS_FILE, write_outputs

    settings = load_settings(config_path=Path(config) if config else None)
    out_dir = Path(output) if output else Path(settings.output_dir) / "merged"
    for path in results:
        if Path(path).resolve() == (out_dir / RESULTS_FILE).resolve():
            raise UsageError(f"{path} is the output too: give another --output")
    sources = [
        (read_results(Path(path), need_evidence=True), Path(path).parent) for path in results
    ]
    thresholds = _thresholds(settings, fail_under, fail_on, fail_on_new, baseline)
    merged = merge_results([r for r, _ in sources], AnalysisSettings.from_settings(settings))
    merged = _known(settings, baseline).apply(merged)
    copy_artifacts(sources, merged, out_dir)
    write_outputs(merged, out_dir, _report_options(settings, thresholds))
    runs = sum(len(r.runs) for r, _ in sources)
    click.echo(
        f"cxaudit: merged {len(sources)} results file(s), {runs} journey run(s) -> "
        f"{len(merged.runs)}",
        err=True,
    )
    click.echo(console_summary(merged))
    click.echo(f"\nreport: {(out_dir / 'index.html').resolve()}")
    sys.exit(_verdict(merged, thresholds))


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
    from cxaudit.mail.session import shared_sink

    # The shop mails its order confirmations to the SMTP sink the journeys read.
    with DemoShop(fixed=fixed, smtp=shared_sink().address) as shop:
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


def _axe_line() -> str:
    """Which axe-core a run here injects: the project's ``accessibility.axe_path`` or the vendored one."""
    from cxaudit.gather.axe import axe_engine
    from cxaudit.project.config import load_settings

    try:
        path = load_settings().accessibility.axe_path
    except Exception:
        path = None  # a broken config is `cxaudit validate`'s to report; doctor still answers
    engine = axe_engine(path)
    return f"axe-core {engine.version} ({'accessibility.axe_path' if path else 'vendored'}: {engine.path})"


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
    click.echo(_axe_line())
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
        from cxaudit.run.browser import install_hint

        _fail(install_hint(), EXIT_RUN_ERROR)
    click.echo(f"browser: {usable}")


@main.command("list-checks")
@click.argument("check", required=False, metavar="[CODE|SLUG]")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="markdown is docs/checks.md; json is for tools.",
)
@click.option("--category", help="Only the checks of this category.")
def list_checks(check: str | None, fmt: str, category: str | None) -> None:
    """Every check with its code, category, weight and title; or all about one CHECK."""
    from cxaudit.checks import CATEGORIES, all_checks, docs

    checks = all_checks()
    if category is not None:
        if category not in CATEGORIES:
            _fail(f"unknown category '{category}'; one of {', '.join(CATEGORIES)}", EXIT_USAGE)
        checks = [c for c in checks if c.category == category]
    if check is not None:
        wanted = check.lower()
        checks = [c for c in checks if wanted in (c.code.lower(), c.slug)]
        if not checks:
            _fail(f"no check '{check}'; run 'cxaudit list-checks' to see them all", EXIT_USAGE)
        if fmt == "text":
            click.echo(docs.render_one(checks[0]))
            return
    render = {"text": docs.render_text, "markdown": docs.render_markdown, "json": docs.render_json}
    click.echo(render[fmt](checks).rstrip("\n"))


if __name__ == "__main__":  # pragma: no cover
    main()
