"""Run errors end with exit code 3 and one line that says why; tracebacks only with --debug."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.conftest import cxaudit
from tests.e2e.reliability_helpers import write_journeys

JOURNEY = {"one.yaml": "journey: One\nstages:\n  purchase:\n    - goto: /\n"}


def _first_line(stderr: str) -> str:
    return stderr.strip().splitlines()[0]


def test_browser_that_will_not_start(tmp_path: Path) -> None:
    folder = write_journeys(tmp_path / "journeys", JOURNEY)
    done = cxaudit(
        "run",
        str(folder),
        "--base-url",
        "http://127.0.0.1:9",
        "--executable-path",
        "/bin/false",  # an executable that is not a browser
        "--quiet",
        "--output",
        str(tmp_path / "out"),
    )
    assert done.returncode == 3, done.stderr
    assert _first_line(done.stderr).startswith("cxaudit: could not start Chromium: ")
    assert "Traceback" not in done.stderr + done.stdout


def test_report_folder_that_cannot_be_written(tmp_path: Path) -> None:
    folder = write_journeys(tmp_path / "journeys", JOURNEY)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = cxaudit(
        "run", str(folder), "--base-url", "http://127.0.0.1:9", "--output", str(blocker / "out")
    )
    assert done.returncode == 3, done.stderr
    assert _first_line(done.stderr) == (
        f"cxaudit: cannot write the report to {blocker / 'out'}: Not a directory"
    )
    assert "Traceback" not in done.stderr


def test_missing_or_foreign_results_file(tmp_path: Path) -> None:
    done = cxaudit("report", str(tmp_path / "nothing.json"))
    assert done.returncode == 2
    assert done.stderr.strip() == f"cxaudit: {tmp_path / 'nothing.json'}: no such file"
    (tmp_path / "other.json").write_text('{"hello": 1}')
    done = cxaudit("report", str(tmp_path / "other.json"))
    assert done.returncode == 2
    assert "not a cxaudit results file" in done.stderr and "Traceback" not in done.stderr


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = cxaudit("--debug", "report", str(tmp_path / "nothing.json"))
    assert done.returncode != 0
    assert "Traceback" in done.stderr and "ResultsFileError" in done.stderr


def test_report_over_a_file_is_one_line(tmp_path: Path) -> None:
    """An OSError while writing pages (here: the output is a file) is named, not traced."""
    results = tmp_path / "results.json"
    results.write_text('{"schema_version": "1.0", "run_id": "r", "started_at": "t"}')
    (tmp_path / "taken").write_text("a file")
    done = cxaudit("report", str(results), "--output", str(tmp_path / "taken"))
    assert done.returncode == 3, done.stderr
    assert "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert str(tmp_path / "taken") in done.stderr
