"""The check registry documents itself: docs/checks.md, list-checks, and what every check declares."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxaudit.checks import all_checks
from cxaudit.checks.docs import REGENERATE, render_markdown
from cxaudit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^CX-(A11Y|USE|MSG|PERF|TRUST)-\d{3}$")


def test_committed_checks_reference_is_the_generated_one() -> None:
    committed = (ROOT / "docs" / "checks.md").read_text(encoding="utf-8")
    assert committed == render_markdown(all_checks()), f"docs/checks.md is stale: run {REGENERATE}"


@pytest.mark.parametrize("check", all_checks(), ids=lambda c: c.code)
def test_every_check_declares_what_its_documentation_needs(check: object) -> None:
    from cxaudit.checks import Check

    assert isinstance(check, Check)
    assert CODE.match(check.code), check.code
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", check.slug)
    doc = check.doc()
    assert len(doc.splitlines()) >= 3, "the docstring says why it matters to a customer"
    if check.weight > 0:
        assert check.title != check.failure_title
    for name, info in check.Options.model_fields.items():
        assert info.description, f"{check.code} option {name} needs a description"
    check.Options()  # every option has a working default


def test_list_checks_prints_every_check() -> None:
    result = CliRunner().invoke(main, ["list-checks"])
    assert result.exit_code == 0
    for check in all_checks():
        assert check.code in result.output and check.slug in result.output


def test_list_checks_shows_one_check_by_code_or_slug() -> None:
    by_slug = CliRunner().invoke(main, ["list-checks", "tap-target-size"])
    by_code = CliRunner().invoke(main, ["list-checks", "cx-use-002"])
    assert by_slug.exit_code == 0 and by_slug.output == by_code.output
    assert "WCAG 2.5.8" in by_slug.output
    assert "| `touch_min_px` | `44` |" in by_slug.output


def test_list_checks_formats_and_filters() -> None:
    data = json.loads(
        CliRunner()
        .invoke(main, ["list-checks", "--format", "json", "--category", "usability"])
        .output
    )
    assert data and {c["category"] for c in data} == {"usability"}
    effort = next(c for c in data if c["slug"] == "journey-effort")
    assert effort["scope"] == "journey" and effort["weight"] == 0
    markdown = CliRunner().invoke(main, ["list-checks", "--format", "markdown"]).output
    assert markdown == render_markdown(all_checks())


def test_list_checks_unknown_names_are_usage_errors() -> None:
    result = CliRunner().invoke(main, ["list-checks", "tap-target"])
    assert result.exit_code == 2
    assert "no check 'tap-target'" in result.output
    result = CliRunner().invoke(main, ["list-checks", "--category", "speed"])
    assert result.exit_code == 2
    assert "unknown category 'speed'" in result.output
