"""Names and text from journeys and sites, made safe for file paths and terminals.

Journey names, channel names and step labels end up in file names
(screenshots, traces, report pages), and site text ends up in the console.
None of them is trusted: a journey called ``../../etc/passwd`` or a channel
called ``index`` must not write outside the report folder or over the index
page, and a page title holding terminal escape codes must not rewrite a CI
log. Every file name built from such a name goes through :func:`safe_name`.

Site text is not even sure to be text: JavaScript strings are UTF-16 and may
hold a lone surrogate (``document.title = 't \\uDFFF'``), which no UTF-8
file can hold. :func:`valid_text` and :func:`valid_value` make it valid
(U+FFFD in its place) before it enters the results, so one string can never
stop a run from writing what it found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

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
_SURROGATE = re.compile("[\ud800-\udfff]")
#: What a lone surrogate becomes: the Unicode replacement character.
REPLACEMENT = "\ufffd"

M = TypeVar("M", bound=BaseModel)


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


def valid_text(text: str) -> str:
    """``text`` as valid Unicode: each lone UTF-16 surrogate replaced with U+FFFD.

    A pair of surrogates (an emoji a page split in two) is joined back into
    its character; only halves without their partner are replaced. Text that
    is valid already (almost all) is returned as it is, at the cost of a search.
    """
    if not _SURROGATE.search(text):
        return text
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return _SURROGATE.sub(REPLACEMENT, joined)


def valid_value(value: Any) -> Any:
    """``value`` with every string inside it (dict keys included) made :func:`valid_text`."""
    if isinstance(value, str):
        return valid_text(value)
    if isinstance(value, dict):
        return {valid_value(k): valid_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [valid_value(v) for v in value]
    if isinstance(value, BaseModel):
        return valid_model(value)
    return value


def valid_model(model: M) -> M:
    """``model`` with all its text valid: the same object when it is valid already.

    The check is a JSON dump, which fails on exactly what cannot be written.
    """
    try:
        model.model_dump_json()
        return model
    except ValueError:  # PydanticSerializationError: a string UTF-8 cannot encode
        return type(model).model_validate(valid_value(model.model_dump()))
