"""``cxaudit init``: a project that validates at once, and nothing overwritten by surprise."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from cxaudit.errors import UsageError
from cxaudit.project.config import load_settings
from cxaudit.project.init import init_project
from cxaudit.spec.loader import load_all


def test_scaffold_validates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    written = init_project(tmp_path)
    assert {p.relative_to(tmp_path).as_posix() for p in written} >= {
        "cxaudit.yaml",
        "journeys/1-find-a-product.yaml",
        "journeys/2-buy.yaml",
        "journeys/3-after-the-order.yaml",
        "journeys/fragments/checkout.yaml",
        ".github/workflows/cxaudit.yml",
    }
    monkeypatch.chdir(tmp_path)
    settings = load_settings(environ={})
    assert settings.thresholds.fail_under == 50 and "slow-phone" in settings.known_channels()
    loaded = load_all(settings.journeys, settings.known_channels())
    assert loaded.issues == []
    stages = {stage.name for journey in loaded.journeys for stage in journey.stages}
    assert {"pre-purchase", "purchase", "post-purchase"} <= stages
    # Each journey points editors at the schema written beside it.
    schema = yaml.safe_load((tmp_path / ".cxaudit" / "journey.schema.json").read_text())
    for path in (tmp_path / "journeys").rglob("*.yaml"):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        target = first.split("$schema=")[1]
        assert (path.parent / target).resolve() == (tmp_path / ".cxaudit/journey.schema.json")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert list(jsonschema.Draft202012Validator(schema).iter_errors(data)) == []


def test_workflow_runs_the_audit_and_keeps_the_report(tmp_path: Path) -> None:
    init_project(tmp_path)
    workflow = yaml.safe_load((tmp_path / ".github/workflows/cxaudit.yml").read_text())
    steps = workflow["jobs"]["audit"]["steps"]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert "cxaudit validate" in runs and "cxaudit run" in runs
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact"))
    assert upload["if"] == "always()"  # the report is kept when the audit fails


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    init_project(tmp_path)
    mine = tmp_path / "journeys" / "2-buy.yaml"
    mine.write_text("journey: mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="nothing was written") as info:
        init_project(tmp_path)
    assert "2-buy.yaml" in str(info.value)
    assert mine.read_text(encoding="utf-8") == "journey: mine\n"
    init_project(tmp_path, force=True)
    assert mine.read_text(encoding="utf-8").startswith("# yaml-language-server")


def test_init_command(tmp_path: Path) -> None:
    def init(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cxaudit", "init", str(tmp_path / "audit"), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )

    first = init("--base-url", "https://shop.example.com")
    assert first.returncode == 0, first.stderr
    assert "cxaudit validate" in first.stdout
    config = (tmp_path / "audit" / "cxaudit.yaml").read_text(encoding="utf-8")
    assert "base_url: https://shop.example.com" in config
    again = init()
    assert again.returncode == 2 and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    assert init("--force").returncode == 0
