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


def test_once_a_command_is_done_a_ctrl_c_ends_the_process_with_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # After the run's own handler is gone, the process still shuts down (browser, threads):
    # a Ctrl-C then was Python's (killed by the signal, no line) before this.
    import signal

    from cxaudit import startup

    monkeypatch.setattr(startup, "is_the_program", lambda argv=None: True)
    before = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        startup.command_started()
        startup.command_finished()
        assert signal.getsignal(signal.SIGINT) is startup._on_interrupt
        assert startup._state["command"] is False
        # A Ctrl-C the process was started to ignore (a background job) stays ignored.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        startup.command_finished()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)
        startup._state["command"] = False
