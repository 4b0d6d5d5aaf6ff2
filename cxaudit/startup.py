"""Ctrl-C while ``cxaudit`` starts: one line and exit 130, never a traceback.

Loading click, pydantic and Playwright takes a second or two. A
KeyboardInterrupt raised in the middle of an import comes out as a Python
traceback, or wrapped by a library as another error (pydantic's model
classes turn it into a RuntimeError: "internal error", exit 3); one raised
while click parses the command line is "Aborted!", exit 1. Nothing is there
to save yet, so the process ends at once.

Installed by :mod:`cxaudit` itself, first thing, and only when cxaudit is
the program (``cxaudit ...`` or ``python -m cxaudit ...``): a library user
or the pytest plugin keeps Python's own Ctrl-C. Once a command runs
(:func:`command_started`, from ``cxaudit.cli.handle_errors``), a Ctrl-C
outside an import is the usual KeyboardInterrupt, which the command answers
(one line, exit 130), and ``cxaudit run`` replaces the handler with its own
graceful stop (:class:`cxaudit.run.resilience.SignalStop`) while journeys run.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path
from types import FrameType

INTERRUPTED = b"cxaudit: interrupted\n"
_state = {"command": False}


def is_the_program(argv: list[str] | None = None) -> bool:
    """Whether this process is ``cxaudit ...`` or ``python -m cxaudit ...``.

    ``sys.orig_argv`` is read: while ``python -m`` imports the package,
    ``sys.argv[0]`` is still ``-m`` and ``__main__`` is not cxaudit's yet.
    """
    args = list(getattr(sys, "orig_argv", sys.argv) if argv is None else argv)
    rest = iter(args[1:])
    for arg in rest:
        if arg in ("-X", "-W"):  # Python's options that take a value
            next(rest, None)
        elif arg == "-m":
            return next(rest, None) == "cxaudit"
        elif arg.startswith("-m"):
            return arg[2:] == "cxaudit"
        elif arg in ("-c", "-"):
            return False
        elif not arg.startswith("-"):
            return Path(arg).name in ("cxaudit", "cxaudit.exe")
    return False


def _importing(frame: FrameType | None) -> bool:
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


def _on_interrupt(signum: int, frame: FrameType | None) -> None:
    if _state["command"] and not _importing(frame):
        raise KeyboardInterrupt
    os.write(2, INTERRUPTED)
    os._exit(128 + signum)


def install() -> None:
    """Ctrl-C exits 130 with one line until a command runs (the program only)."""
    if is_the_program() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)


def command_started() -> None:
    """From here a Ctrl-C outside an import is a KeyboardInterrupt the command handles."""
    _state["command"] = True


def command_finished() -> None:
    """The command is done (what it writes is written): a Ctrl-C from here, while the
    process shuts down (its browser gone, its threads joined), ends it at once with one
    line and exit 130, as at start-up. An ignored Ctrl-C (a background job) stays ignored.
    """
    _state["command"] = False
    if is_the_program() and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_interrupt)
