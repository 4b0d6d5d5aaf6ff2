"""A base URL without a scheme is a usage error, found before any browser starts.

``--executable-path`` names a Chromium that does not exist: a run that got as
far as the browser would exit 3 (no browser), not 2, so exit 2 with the
message proves the settings stopped it first.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxaudit.cli.main import main
from cxaudit.errors import SpecError, UsageError
from cxaudit.project.config import load_settings

NO_BROWSER = "/nonexistent/chromium"


@pytest.fixture()
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CXAUDIT_BASE_URL", raising=False)
    monkeypatch.delenv("CXAUDIT_CHROMIUM", raising=False)
    (tmp_path / "journeys").mkdir()
    (tmp_path / "journeys" / "home.yaml").write_text(
        "journey: Shopper opens the home page\nstages:\n  pre-purchase:\n    - goto: /\n"
    )
    return tmp_path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        main,
        ["run", "journeys", "--executable-path", NO_BROWSER, "-q", *args],
        env=env,
        catch_exceptions=False,
    )


def test_cli_option_without_scheme_is_a_usage_error(project: Path) -> None:
    outcome = run("--base-url", "127.0.0.1:41041")
    assert outcome.exit_code == 2, outcome.output
    assert "--base-url: needs a scheme: http://127.0.0.1:41041" in outcome.output
    assert not (project / "reports").exists()  # nothing ran, nothing written


def test_env_variable_without_scheme_is_a_usage_error(project: Path) -> None:
    outcome = run(env={"CXAUDIT_BASE_URL": "localhost:8000"})
    assert outcome.exit_code == 2, outcome.output
    assert "CXAUDIT_BASE_URL: needs a scheme: http://localhost:8000" in outcome.output


def test_config_key_without_scheme_is_reported_at_its_line(project: Path) -> None:
    (project / "cxaudit.yaml").write_text("channels: [desktop]\nbase_url: shop.example:8080\n")
    outcome = run()
    assert outcome.exit_code == 2, outcome.output
    assert "cxaudit.yaml:2:" in outcome.output
    assert "needs a scheme: http://shop.example:8080" in outcome.output


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:41041", "https://shop.example/", "file:///srv/site/", ""]
)
def test_addresses_with_a_scheme_are_accepted(url: str, tmp_path: Path) -> None:
    settings = load_settings({"base_url": url}, cwd=tmp_path, environ={})
    assert settings.base_url == url


def test_every_layer_refuses_a_missing_scheme(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="--base-url: needs a scheme"):
        load_settings({"base_url": "127.0.0.1:1"}, cwd=tmp_path, environ={})
    with pytest.raises(UsageError, match="CXAUDIT_BASE_URL: needs a scheme"):
        load_settings(cwd=tmp_path, environ={"CXAUDIT_BASE_URL": "127.0.0.1:1"})
    (tmp_path / "cxaudit.yaml").write_text("base_url: 127.0.0.1:1\n")
    with pytest.raises(SpecError, match="needs a scheme"):
        load_settings(cwd=tmp_path, environ={})
