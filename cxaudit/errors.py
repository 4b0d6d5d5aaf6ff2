"""The errors a user sees.

Every error a user can act on is one of these types. The CLI and the pytest
plugin print them as they are, without a traceback, so the text must say
where the problem is and what to do about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


class CxauditError(Exception):
    """Base class of errors that are the user's to fix (exit code 2)."""

    exit_code = 2


@dataclass(frozen=True)
class SpecIssue:
    """One problem in a journey, fragment or config file, with its position.

    ``path`` is the place inside the document (``stages.purchase[2]``),
    ``line`` and ``column`` are 1-based, as editors count them.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        prefix = "warning: " if self.severity == "warning" else ""
        inside = f"{self.path}: " if self.path else ""
        return f"{where}: {prefix}{inside}{self.message}"


class SpecError(CxauditError):
    """One or more problems in journey files, reported all at once."""

    def __init__(self, issues: Iterable[SpecIssue]) -> None:
        self.issues = sorted(issues, key=lambda i: (i.file, i.line, i.column, i.message))
        super().__init__("\n".join(str(i) for i in self.issues))

    @property
    def errors(self) -> list[SpecIssue]:
        return [i for i in self.issues if i.severity == "error"]


class BrowserNotFoundError(CxauditError):
    """No Chromium could be found or started; the message says how to get one."""

    exit_code = 3


class RunError(CxauditError):
    """The run itself could not proceed (browser failure, output not writable)."""

    exit_code = 3


class UsageError(CxauditError):
    """A command-line or configuration value that makes no sense."""

    exit_code = 2
