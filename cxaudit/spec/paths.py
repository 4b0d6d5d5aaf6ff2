"""Looking up the files a journey names, without letting a strange path end the run.

A journey file may name anything: a 5,000-character fragment path, a name
with a NUL byte, a folder where a file was meant. ``Path.is_file()`` raises
for a name the operating system refuses to look up ("File name too long");
these answer False instead, so the caller reports "no such file" at the
step's line and column, as for any other missing file.
"""

from __future__ import annotations

from pathlib import Path


def is_file(path: Path) -> bool:
    """Whether ``path`` is a regular file; False for a name the system cannot look up."""
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def is_dir(path: Path) -> bool:
    """Whether ``path`` is a folder; False for a name the system cannot look up."""
    try:
        return path.is_dir()
    except (OSError, ValueError):
        return False


def exists(path: Path) -> bool:
    """Whether anything is at ``path``; False for a name the system cannot look up."""
    try:
        return path.exists()
    except (OSError, ValueError):
        return False


def display(path: Path) -> str:
    """A path as the user knows it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
