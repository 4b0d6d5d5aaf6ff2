"""``cxaudit run`` and ``cxaudit demo``: journeys in Chromium, the report, the verdict."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from cxaudit.ci.shard import Shard
from cxaudit.ci.thresholds import EXIT_OK, EXIT_RUN_ERROR
from cxaudit.cli.errors import handle_errors
from cxaudit.cli.options import gate_from, options, settings_from, verdict
from cxaudit.errors import UsageError
from cxaudit.run.runner import new_run_id
from cxaudit.sanitize import terminal_text


def run_journeys(paths: tuple[str, ...], values: Mapping[str, Any]) -> int:
    """Run the journeys in ``paths`` with the command's option ``values``; the exit code."""
    from cxaudit.analysis.analyse import AnalysisSettings
    from cxaudit.cli.progress import progress_listener
    from cxaudit.report import console_summary
    from cxaudit.run.pipeline import run_audit, run_options
    from cxaudit.run.resilience import SignalStop
    from cxaudit.spec import load_journeys

    settings = settings_from(values, values.get("config"))
    chosen_shard = Shard.parse(values["shard"]) if values.get("shard") else None
    if settings.connect and settings.cdp:
        raise UsageError(
            "--connect and --cdp (or CXAUDIT_CONNECT and CXAUDIT_CDP) name two browsers: give one"
        )
    journeys, warnings = load_journeys(
        paths or tuple(settings.journeys), known_channels=settings.known_channels()
    )
    for warning in warnings:
        click.echo(str(warning), err=True)
    if values.get("strict") and warnings:
        raise UsageError(f"{len(warnings)} warning(s) in journey files, and --strict was given")
    if values.get("tags"):
        journeys = with_tags(journeys, tuple(values["tags"]))
    run_id = new_run_id()
    output = values.get("output")
    out_dir = Path(output) if output else Path(settings.output_dir) / run_id
    run = run_options(
        settings,
        output_dir=out_dir,
        run_id=run_id,
        repeat=values.get("repeat") or 1,
        tracing=values.get("tracing") or "off",
    )
    gate = gate_from(settings, values)
    stop = SignalStop()
    with progress_listener(bool(values.get("quiet"))) as progress:
        result = run_audit(
            journeys,
            run,
            explicit_channels=bool(values.get("channel")),
            settings=AnalysisSettings.from_settings(settings),
            listener=progress,
            report=gate.report,
            known=gate.known,
            shard=chosen_shard,
            stop=stop,
            replace=bool(values.get("force")),
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
    return verdict(result, gate)


def with_tags(journeys: list[Any], tags: tuple[str, ...]) -> list[Any]:
    """Journeys that carry at least one of ``tags``; none is a usage error."""
    chosen = [j for j in journeys if set(j.tags) & set(tags)]
    if not chosen:
        known = sorted({t for j in journeys for t in j.tags})
        raise UsageError(
            f"no journey has the tag {' or '.join(tags)}; tags in these journeys: "
            + (", ".join(known) or "none")
        )
    return chosen


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@options("site", "run", "gate")
@handle_errors
def run(paths: tuple[str, ...], **values: Any) -> None:
    """Run the journeys in PATHS (files or directories; default: journeys/)."""
    sys.exit(run_journeys(paths, values))


@click.group(invoke_without_command=True)
@click.option("--fixed", is_flag=True, help="Audit the shop with every deliberate flaw removed.")
@click.option(
    "--journeys",
    "journeys_dir",
    default="journeys",
    show_default=True,
    type=click.Path(),
    help="Journeys to run against the demo shop.",
)
@options("run", "gate")
@click.pass_context
@handle_errors
def demo(ctx: click.Context, fixed: bool, journeys_dir: str, **values: Any) -> None:
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
        code = run_journeys((journeys_dir,), {**values, "base_url": shop.url})
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
