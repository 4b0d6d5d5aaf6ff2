"""The project's files without a browser: ``validate``, ``schema``, ``init``, ``import``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cxaudit.ci.thresholds import EXIT_OK, EXIT_USAGE
from cxaudit.cli.errors import handle_errors
from cxaudit.cli.options import config_option
from cxaudit.errors import SpecError, SpecIssue, UsageError
from cxaudit.spec.channels import BUILTIN_CHANNELS


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--strict", is_flag=True, help="Warnings fail too.")
@config_option("Config file to check (default: the project's, searched upwards).")
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


@click.command()
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


@click.command()
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


@click.command("import")
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
