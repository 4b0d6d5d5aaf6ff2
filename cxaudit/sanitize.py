"""Names and text from journeys and sites, made safe for file paths and terminals.

Journey names, channel names and step labels end up in file names
(screenshots, traces, report pages), and site text ends up in the console.
None of them is trusted: a journey called ``../../etc/passwd`` or a channel
called ``index`` must not write outside the report folder or over the index
page, and a page title holding terminal escape codes must not rewrite a CI
log. Every file name built from such a name goes through :func:`safe_name`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

#: Names Windows refuses as files whatever the extension (and ``index``,
#: which is the report's own overview page).
RESERVED_NAMES = frozenset(
    {"con", "prn", "aux", "nul", "index"}
    | {f"com{i}" for i in range(10)}
    | {f"lpt{i}" for i in range(10)}
)

_UNSAFE = re.compile(r"[^A-Za-z0-9]+")
# C0 and C1 control characters except tab and newline; ESC starts terminal codes.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def safe_name(
    text: str, limit: int = 60, fallback: str = "journey", reserved: Iterable[str] = ()
) -> str:
    """A file-name-safe form of ``text``: letters, digits and dashes only.

    No separators, no dots (so no ``..``), never empty, never a reserved
    device name or ``index``; at most ``limit`` characters.
    """
    cleaned = _UNSAFE.sub("-", text).strip("-").lower()[:limit].strip("-")
    cleaned = cleaned or fallback
    if cleaned in RESERVED_NAMES or cleaned in set(reserved):
        cleaned = f"{cleaned}-"
    return cleaned


def inside(root: Path, relative: str | Path) -> Path:
    """``root / relative``, refusing anything that would land outside ``root``.

    The last line of defence for paths made of names: :func:`safe_name` already
    keeps them tame, this makes sure no future caller forgets.
    """
    base = root.resolve()
    target = (base / relative).resolve()
    if target != base and base not in target.parents:
        raise ValueError(f"{relative!s} is outside {root}")
    return target


def terminal_text(text: str) -> str:
    """``text`` without control characters, for printing to a terminal or CI log.

    Site text (titles, messages) may carry escape sequences that recolour,
    hide or rewrite lines of a log; they are shown as ``?`` instead.
    """
    return _CONTROL.sub("?", text)
