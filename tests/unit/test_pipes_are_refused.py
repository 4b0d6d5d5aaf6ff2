"""A FIFO given where a file is read is refused at once (exit 2), never read (issue 18, point 8).

Opening a FIFO for reading waits for a writer, and reading it waits for an
end that never comes: each command is run as a child process with a timeout,
so a regression fails here instead of hanging the suite.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

from tests.unit.test_cli_validate import run as cxaudit  # ``python -m cxaudit``, 60 s at most

JOURNEY = """
journey: Fine
stages:
  purchase:
    - goto: /ok/fine
"""


@pytest.fixture()
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "results.json"
    os.mkfifo(path)
    return path


@pytest.mark.timeout(120)
@pytest.mark.parametrize("command", ["report", "merge", "run --baseline", "run --config"])
def test_a_fifo_is_refused_with_exit_2_not_read(tmp_path: Path, fifo: Path, command: str) -> None:
    journey = tmp_path / "fine.yaml"
    journey.write_text(textwrap.dedent(JOURNEY).lstrip(), encoding="utf-8")
    run = ["run", str(journey), "--base-url", "http://127.0.0.1:9", "--output", "out"]
    args = {
        "report": ["report", str(fifo)],
        "merge": ["merge", str(fifo), "--output", "merged"],
        "run --baseline": [*run, "--baseline", str(fifo)],
        "run --config": [*run, "--config", str(fifo)],
    }[command]
    if command == "run --config":
        config = tmp_path / "cxaudit.yaml"
        os.mkfifo(config)
        args[-1] = str(config)
        fifo = config
    done = cxaudit(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{fifo} is not a regular file (a pipe?)" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_pyproject_fifo_is_refused(tmp_path: Path) -> None:
    from cxaudit.errors import SpecError
    from cxaudit.project.config import load_settings

    pyproject = tmp_path / "pyproject.toml"
    os.mkfifo(pyproject)
    with pytest.raises(SpecError, match=r"is not a regular file \(a pipe\?\)"):
        load_settings(config_path=pyproject)


def test_a_device_is_named_as_one() -> None:
    from cxaudit.results import ResultsFileError, read_results

    # /dev/null, not /dev/zero: without the check, /dev/zero is read until memory runs out.
    with pytest.raises(ResultsFileError, match=r"/dev/null is not a regular file \(a device\?\)"):
        read_results(Path("/dev/null"))
