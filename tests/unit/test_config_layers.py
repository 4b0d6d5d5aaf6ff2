"""Project config: the layers, their precedence, and errors that name their source."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.errors import SpecError, UsageError
from cxaudit.project.config import load_settings


def test_defaults_without_a_file(tmp_path: Path) -> None:
    settings = load_settings(cwd=tmp_path, environ={})
    assert settings.channels == ["desktop", "mobile"]
    assert settings.output_dir == "reports" and settings.budgets.as_rules() == {}


def test_command_line_beats_environment_beats_file(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "workers: 3\nreport: {title: Audit, client: ACME}\nthresholds: {fail_under: 60}\n"
        "budgets: {lcp_ms: 2500}\n",
        encoding="utf-8",
    )
    env = {"CXAUDIT_WORKERS": "5", "CXAUDIT_FAIL_UNDER": "75", "CXAUDIT_REPORT_TITLE": "Env"}
    assert load_settings(cwd=tmp_path, environ={}).workers == 3
    from_env = load_settings(cwd=tmp_path, environ=env)
    assert from_env.workers == 5
    assert from_env.thresholds.fail_under == 75
    # Sections merge key by key: the file's client stays.
    assert (from_env.report.title, from_env.report.client) == ("Env", "ACME")
    assert from_env.budgets.as_rules() == {"lcp_ms": 2500}
    cli = load_settings({"workers": 7, "base_url": None}, cwd=tmp_path, environ=env)
    assert cli.workers == 7


def test_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "journeys: [journeys]\noutput_dir: out\nreport: {logo: logo.png}\n", encoding="utf-8"
    )
    sub = tmp_path / "journeys" / "deep"
    sub.mkdir(parents=True)
    settings = load_settings(cwd=sub, environ={})
    assert settings.journeys == [".."]  # tmp/journeys, seen from tmp/journeys/deep
    assert settings.output_dir == "../../out" and settings.report.logo == "../../logo.png"


def test_user_defined_channels(tmp_path: Path) -> None:
    (tmp_path / "cxaudit.yaml").write_text(
        "channels: [desktop, kiosk]\nchannel_profiles:\n  kiosk:\n    extends: tablet\n"
        "    viewport: {width: 1080, height: 1920}\n",
        encoding="utf-8",
    )
    settings = load_settings(cwd=tmp_path, environ={})
    assert settings.known_channels() == ["desktop", "mobile", "tablet", "kiosk"]
    assert settings.channel("kiosk").viewport == {"width": 1080, "height": 1920}
    assert settings.channel("kiosk").has_touch


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^CXAUDIT_WORKERS: "):
        load_settings(cwd=tmp_path, environ={"CXAUDIT_WORKERS": "lots"})


def test_a_bad_option_is_named(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="unknown channel 'phablet'"):
        load_settings({"channels": ["phablet"]}, cwd=tmp_path, environ={})


def test_pyproject_table(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        "[tool.cxaudit]\nworkers = 4\nworker = 2\n", encoding="utf-8"
    )
    with pytest.raises(SpecError) as info:
        load_settings(cwd=tmp_path, environ={})
    assert [str(i) for i in info.value.issues] == [
        "pyproject.toml:1:1: tool.cxaudit.worker: unknown key 'worker' (did you mean 'workers'?)"
    ]


def test_environment_channels_are_named_when_unknown(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"^CXAUDIT_CHANNELS: unknown channel 'phone'"):
        load_settings(cwd=tmp_path, environ={"CXAUDIT_CHANNELS": "desktop,phone"})
    # An empty list from the environment means "not set", not "no channels".
    assert load_settings(cwd=tmp_path, environ={"CXAUDIT_CHANNELS": ","}).channels == [
        "desktop",
        "mobile",
    ]
