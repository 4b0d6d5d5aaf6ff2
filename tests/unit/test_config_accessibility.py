"""The accessibility standards profile: config file -> axe-core options."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.config import load_settings
from cxaudit.errors import SpecError
from cxaudit.gather.axe import AxeProfile


def test_default_profile_is_wcag_22_aa_with_best_practices(tmp_path: Path) -> None:
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert profile == AxeProfile()
    options = profile.run_options()
    assert options == {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
        }
    }
    assert profile.context() is None


def test_profile_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "accessibility:\n"
        "  standard: wcag21a\n"
        "  best_practices: false\n"
        "  disabled_rules: [region, color-contrast]\n"
        '  exclude: ["#chat-widget", ".ad"]\n',
        encoding="utf-8",
    )
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert profile.run_options() == {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag21a"]},
        "rules": {"region": {"enabled": False}, "color-contrast": {"enabled": False}},
    }
    assert profile.context() == {"exclude": [["#chat-widget"], [".ad"]]}


def test_all_runs_every_rule_axe_enables(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text("accessibility: {standard: all}\n", encoding="utf-8")
    profile = load_settings(cwd=tmp_path, environ={}).accessibility.profile()
    assert "runOnly" not in profile.run_options()


def test_unknown_standard_is_reported_with_its_position(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text("accessibility:\n  standard: wcag3\n", encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_settings(cwd=tmp_path, environ={})
    text = str(caught.value)
    assert "cxaudit.yaml:2:" in text
    assert "wcag22aa" in text and "all" in text
