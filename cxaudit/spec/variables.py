"""The ``${...}`` references of the journey language, parsed in one place.

Four forms exist, and the loader, the runner and the docs all read them
through this module so they agree on what a reference is:

- ``${name}``: a journey variable (set by ``set``, ``capture``, a data row or
  a fragment parameter);
- ``${env:NAME}`` and ``${env:NAME:-default}``: the environment;
- ``${secret:NAME}``: the environment too, but the value is a secret that the
  runner redacts from everything it records;
- ``${mail.address}``: a built-in variable the runner sets for every journey
  run (the plus-address its mail is read at, :mod:`cxaudit.mail.session`).

``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_TOKEN = re.compile(r"\$\$\{|\$\{([^{}]*)\}")
KINDS = ("env", "secret")
#: Variables every journey run has from its first step (set by the runner).
BUILTIN_VARS = ("mail.address",)


@dataclass(frozen=True)
class Ref:
    """One ``${...}`` reference."""

    kind: str  # "var", "env" or "secret"
    name: str
    default: str | None = None

    def __str__(self) -> str:
        if self.kind == "var":
            return f"${{{self.name}}}"
        tail = f":-{self.default}" if self.default is not None else ""
        return f"${{{self.kind}:{self.name}{tail}}}"


class RefError(ValueError):
    """A reference that cannot mean anything; the message says how to write it."""


def parse_ref(body: str) -> Ref:
    """The text between ``${`` and ``}`` as a :class:`Ref`."""
    body = body.strip()
    if not body:
        raise RefError("empty reference '${}': write ${name}, ${env:NAME} or ${secret:NAME}")
    if ":" not in body:
        if not NAME.match(body) and body not in BUILTIN_VARS:
            raise RefError(
                f"'${{{body}}}' is not a variable name (letters, digits and _, not starting with a digit)"
            )
        return Ref("var", body)
    kind, _, rest = body.partition(":")
    if kind not in KINDS:
        close = difflib.get_close_matches(kind, KINDS, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise RefError(f"unknown reference kind '{kind}' in '${{{body}}}'{hint}: use env or secret")
    name, has_default, default = rest.partition(":-")
    if not NAME.match(name):
        raise RefError(f"'{name}' in '${{{body}}}' is not an environment variable name")
    if kind == "secret" and has_default:
        raise RefError(f"'${{{body}}}': a secret has no default; set {name} in the environment")
    return Ref(kind, name, default if has_default else None)


def refs(text: str) -> Iterator[Ref]:
    """Every reference in ``text``, in order. Raises :class:`RefError` for a bad one."""
    for match in _TOKEN.finditer(text):
        if match.group(1) is not None:
            yield parse_ref(match.group(1))


def refs_in(value: Any) -> Iterator[Ref]:
    """Every reference in the strings of a nested value (mappings, lists)."""
    if isinstance(value, str):
        yield from refs(value)
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from refs_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from refs_in(item)


def render(text: str, resolve: Callable[[Ref], str | None]) -> str:
    """``text`` with each reference replaced by ``resolve(ref)``.

    A ``None`` from ``resolve`` leaves the reference as written, so a caller
    can fill some kinds (fragment parameters) and keep the others for later.
    """

    def repl(match: re.Match[str]) -> str:
        if match.group(1) is None:
            return match.group(0)  # "$${": kept until the final rendering
        ref = parse_ref(match.group(1))
        value = resolve(ref)
        return match.group(0) if value is None else value

    return _TOKEN.sub(repl, text)


def unescape(text: str) -> str:
    """``$${`` -> ``${``: the last step before a value reaches the page."""
    return text.replace("$${", "${")


def render_in(value: Any, resolve: Callable[[Ref], str | None]) -> Any:
    """:func:`render` applied to every string of a nested value."""
    if isinstance(value, str):
        return render(value, resolve)
    if isinstance(value, Mapping):
        return {k: render_in(v, resolve) for k, v in value.items()}
    if isinstance(value, list):
        return [render_in(v, resolve) for v in value]
    return value


def scalar_text(value: str | int | float | bool) -> str:
    """A YAML scalar as the text a variable holds (``true``, not ``True``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
