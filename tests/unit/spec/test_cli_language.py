"""The language's commands as a user types them: validate, schema, import (no browser)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

RECORDINGS = Path(__file__).resolve().parents[2] / "data" / "recordings"


def cxaudit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxaudit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)},
    )


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_config_and_journey_errors_in_one_run(tmp_path: Path) -> None:
    write(tmp_path / "cxaudit.yaml", "channels: [desktop, kiosk]\nworker: 3\n")
    write(tmp_path / "journeys" / "a.yaml", "journey: a\nstages: {p: [{goto: /}, {clik: x}]}\n")
    done = cxaudit("validate", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "cxaudit.yaml:2:1: worker: unknown key 'worker' (did you mean 'workers'?)",
        "journeys/a.yaml:2:26: stages.p[1].clik: unknown action 'clik' (did you mean 'click'?)",
        "2 errors in journey files",
    ]


def test_channels_defined_in_config_are_known(tmp_path: Path) -> None:
    write(
        tmp_path / "cxaudit.yaml",
        "channel_profiles:\n  kiosk: {extends: tablet}\njourneys: [flows]\n",
    )
    write(
        tmp_path / "flows" / "a.yaml", "journey: a\nchannels: [kiosk]\nstages: {p: [{goto: /}]}\n"
    )
    write(tmp_path / "flows" / "fragments" / "f.yaml", "fragment: f\nsteps: [{click: OK}]\n")
    done = cxaudit("validate", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout.strip() == "1 journey(s), 1 fragment(s), 1 step(s), config cxaudit.yaml: valid"
    )


def test_warnings_fail_only_when_strict(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "journey: a\nstages: {p: [{goto: /}, {wait: 500}]}\n")
    relaxed = cxaudit("validate", "a.yaml", cwd=tmp_path)
    assert relaxed.returncode == 0
    assert "a.yaml:2:32: warning: stages.p[1].wait.ms: a fixed wait" in relaxed.stderr
    assert relaxed.stdout.strip().endswith("valid, 1 warning(s)")
    assert cxaudit("validate", "--strict", "a.yaml", cwd=tmp_path).returncode == 2


def test_a_fragment_or_the_config_alone(tmp_path: Path) -> None:
    write(tmp_path / "login.yaml", "fragment: Log in\nsteps: [{fill: {label: Email}}]\n")
    done = cxaudit("validate", "login.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert "login.yaml:2:16: steps[0].fill: missing 'value'" in done.stderr
    write(tmp_path / "cxaudit.yaml", "workers: 0\n")
    done = cxaudit("validate", "cxaudit.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == "cxaudit.yaml:1:10: workers: must be at least 1, got 0"


def test_schema_for_the_config(tmp_path: Path) -> None:
    done = cxaudit("schema", "--config", "-o", "schemas/config.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert '"channel_profiles"' in (tmp_path / "schemas" / "config.json").read_text()


def test_import_writes_a_valid_journey_and_refuses_to_overwrite(tmp_path: Path) -> None:
    source = str(RECORDINGS / "order-status-and-support.json")
    done = cxaudit(
        "import", source, "-o", "journeys/support.yaml", "--stage", "post-purchase", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "13 step(s) imported into journeys/support.yaml" in done.stderr
    assert "note: step 6 (waitForExpression): not imported" in done.stderr
    assert cxaudit("validate", "journeys", cwd=tmp_path).returncode == 0
    again = cxaudit("import", source, "-o", "journeys/support.yaml", cwd=tmp_path)
    assert again.returncode == 2 and "--force" in again.stderr
    missing = cxaudit("import", "nope.json", cwd=tmp_path)
    assert missing.returncode == 2 and "nope.json: no such file" in missing.stderr


ROOT = Path(__file__).resolve().parents[3]


def test_run_with_a_tag_no_journey_has(tmp_path: Path) -> None:
    done = cxaudit("run", str(ROOT / "journeys"), "--tag", "nope", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "no journey has the tag nope; tags in these journeys: post-purchase, pre-purchase, "
        "purchase, smoke" in done.stderr
    )


def test_run_strict_stops_on_warnings_before_the_browser(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "journey: a\nstages: {p: [{goto: /}, {wait: 500}]}\n")
    done = cxaudit("run", "a.yaml", "--strict", "--base-url", "http://127.0.0.1:9", cwd=tmp_path)
    assert done.returncode == 2
    assert "1 warning(s) in journey files, and --strict was given" in done.stderr


def test_tags_pick_journeys() -> None:
    from cxaudit.cli.run import with_tags
    from cxaudit.spec.loader import load_all

    journeys = load_all([ROOT / "journeys"]).journeys
    assert {j.name for j in with_tags(journeys, ("smoke",))} == {
        "Shopper finds and compares trail shoes",
        "Guest buys trail shoes",
    }
    assert [j.name for j in with_tags(journeys, ("post-purchase", "nope"))] == [
        "Customer tracks an order and contacts support"
    ]
