"""``cxaudit validate`` as a user types it: no browser, positions, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxaudit", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def test_validate_bundled_journeys() -> None:
    done = run("validate", "journeys")
    assert done.returncode == 0, done.stderr
    assert "journey(s)" in done.stdout and "valid" in done.stdout


def test_validate_broken_file_gives_position_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "checkout.yaml").write_text(
        "journey: Broken\nstages:\n  purchase:\n    - goto: /\n    - clik: {role: button, name: Pay}\n",
        encoding="utf-8",
    )
    done = run("validate", "checkout.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        "checkout.yaml:5:7: stages.purchase[1].clik: unknown action 'clik' (did you mean 'click'?)"
        in done.stderr
    )
    assert "Traceback" not in done.stderr


def test_validate_missing_path(tmp_path: Path) -> None:
    done = run("validate", "nope/", cwd=tmp_path)
    assert done.returncode == 2
    assert "nope/:1:1: no such file or directory" in done.stderr
