"""The accessibility standards profile: config file -> axe-core options."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.errors import SpecError
from cxaudit.gather.axe import AxeProfile
from cxaudit.project.config import load_settings


def test_default_profile_is_wcag_22_aa_with_best_practices(tmp_path: Path) -> None:
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert profile == AxeProfile()
    assert profile.selection() == {
        "tags": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
        "bestPractices": True,
        "experimental": False,
        "include": [],
        "disabled": [],
    }
    assert profile.context() is None
    assert profile.engine.version == "4.14.1"


def test_profile_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "accessibility:\n"
        "  standard: wcag21a\n"
        "  best_practices: false\n"
        "  disabled_rules: [region, color-contrast]\n"
        '  exclude: ["#chat-widget", ".ad"]\n'
        "  experimental: true\n"
        "  include_rules: [color-contrast-enhanced]\n",
        encoding="utf-8",
    )
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert profile.selection() == {
        "tags": ["wcag2a", "wcag21a"],
        "bestPractices": False,
        "experimental": True,
        "include": ["color-contrast-enhanced"],
        "disabled": ["region", "color-contrast"],
    }
    assert profile.context() == {"exclude": [["#chat-widget"], [".ad"]]}


def test_all_and_aaa_name_their_tags(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text("accessibility: {standard: all}\n", encoding="utf-8")
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert profile.selection()["tags"] is None  # every rule but the deprecated
    (tmp_path / "cxaudit.yaml").write_text("accessibility: {standard: aaa}\n", encoding="utf-8")
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert {"wcag2aaa", "wcag2aa", "wcag22aa"} <= set(profile.selection()["tags"])


def test_unknown_standard_is_reported_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text("accessibility:\n  standard: wcag3\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_settings(cwd=tmp_path, environ={})
    text = str(caught.value)
    assert "cxaudit.yaml:2:" in text
    assert "wcag22aa" in text and "all" in text


def test_doctor_says_which_axe_core_a_run_here_injects(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    import cxaudit.cli.main
    import cxaudit.cli.tools
    from cxaudit.gather.axe import VENDORED_SCRIPT
    from cxaudit.gather.vendor_axe import VERSION

    monkeypatch.setattr(
        cxaudit.cli.tools, "browser_candidates", lambda path: []
    )  # no browser asked
    monkeypatch.chdir(tmp_path)
    vendored = CliRunner().invoke(cxaudit.cli.main.main, ["doctor"]).output.splitlines()[1]
    assert vendored == f"axe-core {VERSION} (vendored: {VENDORED_SCRIPT})"
    custom = tmp_path / "axe.min.js"
    custom.write_text("/*! axe v9.9.9 */\nwindow.axe = {};\n", encoding="utf-8")
    (tmp_path / "cxaudit.yaml").write_text("accessibility:\n  axe_path: axe.min.js\n")
    pointed = CliRunner().invoke(cxaudit.cli.main.main, ["doctor"]).output.splitlines()[1]
    assert pointed.startswith("axe-core 9.9.9 (accessibility.axe_path: ")
    assert pointed.endswith("axe.min.js)")
