"""Which processes get cxaudit's start-up Ctrl-C handler: the program only, never a library user."""

from __future__ import annotations

import pytest

from cxaudit.startup import is_the_program


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["/venv/bin/python", "/venv/bin/cxaudit", "run"], True),
        (["python", "-m", "cxaudit", "run"], True),
        (["python", "-mcxaudit", "report", "x"], True),
        (["python", "-X", "utf8", "-W", "ignore", "-m", "cxaudit"], True),
        (["python", "-m", "pytest", "tests"], False),
        (["/venv/bin/python", "/venv/bin/pytest", "-k", "cxaudit"], False),
        (["python", "-c", "import cxaudit"], False),
        (["python"], False),
    ],
)
def test_only_the_cxaudit_program_is_the_program(argv: list[str], expected: bool) -> None:
    assert is_the_program(argv) is expected
