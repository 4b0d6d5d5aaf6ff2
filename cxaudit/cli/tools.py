"""What cxaudit has and finds: ``doctor`` (Python, Playwright, axe-core, Chromium) and ``list-checks``."""

from __future__ import annotations

import sys

import click

from cxaudit import __version__
from cxaudit.ci.thresholds import EXIT_RUN_ERROR, EXIT_USAGE
from cxaudit.cli.errors import fail, handle_errors
from cxaudit.run.browser import browser_candidates, install_browser


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


@click.command()
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

        fail(install_hint(), EXIT_RUN_ERROR)
    click.echo(f"browser: {usable}")


@click.command("list-checks")
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
            fail(f"unknown category '{category}'; one of {', '.join(CATEGORIES)}", EXIT_USAGE)
        checks = [c for c in checks if c.category == category]
    if check is not None:
        wanted = check.lower()
        checks = [c for c in checks if wanted in (c.code.lower(), c.slug)]
        if not checks:
            fail(f"no check '{check}'; run 'cxaudit list-checks' to see them all", EXIT_USAGE)
        if fmt == "text":
            click.echo(docs.render_one(checks[0]))
            return
    render = {"text": docs.render_text, "markdown": docs.render_markdown, "json": docs.render_json}
    click.echo(render[fmt](checks).rstrip("\n"))
