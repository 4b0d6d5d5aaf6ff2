"""How the ``cxaudit`` command ends: a user error is one clear line and its exit code.

Exit codes: 0 passed, 1 findings or failed journeys over the thresholds, 2
usage or journey-file error, 3 run error such as an unreachable site or no
browser; 130 / 143 when SIGINT / SIGTERM stopped a run. Tracebacks only with
``--debug`` (``CXAUDIT_DEBUG``).
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any

import click

from cxaudit import startup
from cxaudit.ci.thresholds import EXIT_RUN_ERROR, EXIT_USAGE
from cxaudit.errors import CxauditError, SpecError


def fail(message: str, code: int) -> None:
    """Print ``message`` (prefixed with ``cxaudit:`` unless it names its own place) and exit."""
    click.echo(
        f"cxaudit: {message}"
        if not message.startswith(("cxaudit", "journeys", "/")) and "\n" not in message
        else message,
        err=True,
    )
    sys.exit(code)


def handle_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """User errors -> message and exit code; tracebacks only with --debug."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        startup.command_started()  # a Ctrl-C from here on is answered below
        try:
            return _answered(fn, *args, **kwargs)
        finally:
            startup.command_finished()

    return wrapper


def _answered(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``fn``'s result, or its error said as one line and an exit code."""
    try:
        return fn(*args, **kwargs)
    except SpecError as exc:
        click.echo(str(exc), err=True)
        n = len(exc.errors)
        click.echo(f"{n} error{'s' if n != 1 else ''} in journey files", err=True)
        sys.exit(EXIT_USAGE)
    except CxauditError as exc:
        if os.environ.get("CXAUDIT_DEBUG"):
            raise
        click.echo(f"cxaudit: {exc}", err=True)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("cxaudit: interrupted", err=True)
        sys.exit(130)
    except OSError as exc:  # a file or folder the run needs: say which, no traceback
        if os.environ.get("CXAUDIT_DEBUG"):
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        click.echo(f"cxaudit: {where}{exc.strerror or exc}", err=True)
        sys.exit(EXIT_RUN_ERROR)
    except Exception as exc:  # a bug: one line, and how to get the traceback
        if os.environ.get("CXAUDIT_DEBUG"):
            raise
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        click.echo(
            f"cxaudit: internal error: {type(exc).__name__}: {text} "
            "(run `cxaudit --debug ...` for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_RUN_ERROR)
