"""Default step names, as a person would say what the step does.

A report reads "Fill in Password" and "Click Add to cart", not the journey
syntax ("fill placeholder: Password, value: ${secret:...}"). The name comes
from what the customer sees of the element (a role's name, a label, a text,
a placeholder, a test id made readable) and never shows a value typed into a
field, a secret or a ``${...}`` expression: a variable appears as its name in
brackets (``[price]``), the environment and secrets as an ellipsis.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from cxaudit.spec.locators import Locator
from cxaudit.spec.variables import Ref, RefError, render, unescape

#: Longest default name; the rest is cut with an ellipsis.
MAX_NAME = 80

#: The readable part of a CSS selector, last first: an attribute value, an id, a class.
_CSS_WORDS = (
    re.compile(r"\[[\w:-]+\s*[~|^$*]?=\s*['\"]?([^'\"\]]+)['\"]?\s*\]"),
    re.compile(r"#([\w-]+)"),
    re.compile(r"\.([\w-]+)"),
    re.compile(r"^\s*([a-z][a-z0-9]*)\b", re.I),
)


def shown(text: Any) -> str:
    """Text for a name: variables as ``[name]``, the environment and secrets as ``…``."""

    def resolve(ref: Ref) -> str:
        return f"[{ref.name}]" if ref.kind == "var" else "…"

    try:
        out = render(str(text), resolve)
    except RefError:
        out = re.sub(r"\$\{[^}]*\}?", "…", str(text))
    return " ".join(unescape(out).split())


def _words(token: str) -> str:
    """``add-to-cart`` -> ``add to cart``: a test id or class as words."""
    return " ".join(re.split(r"[-_\s]+", token)).strip()


def target(loc: Locator) -> str:
    """What a customer would call the element ``loc`` finds."""
    kind = loc.kind
    value = getattr(loc, kind)
    if kind == "role":
        return shown(loc.name) if loc.name else f"the {value}"
    if kind == "test_id":
        return _words(shown(value))
    if kind == "css":
        for pattern in _CSS_WORDS:
            found = pattern.findall(str(value))
            if found:
                return _words(shown(found[-1]))
        return "the element"
    return shown(value)


def _quote(text: Any) -> str:
    return f"'{shown(text)}'"


def _wait_name(args: Any) -> str:
    for state, word in (
        ("visible", "to show"),
        ("hidden", "to go"),
        ("attached", "to be on the page"),
        ("detached", "to leave the page"),
    ):
        loc = getattr(args, state)
        if loc is not None:
            return f"Wait for {target(loc)} {word}"
    if args.url is not None:
        return f"Wait for the address to contain {_quote(args.url)}"
    if args.load is not None:
        return "Wait for the page to load" + ("" if args.load == "load" else f" ({args.load})")
    return f"Wait {args.ms:g} ms"


def _expect_name(args: Any) -> str:
    if args.text is not None:
        where = f" in {target(args.within)}" if args.within is not None else ""
        return f"Check that the page shows {_quote(args.text)}{where}"
    if args.url is not None:
        return f"Check that the address contains {_quote(args.url)}"
    if args.title is not None:
        return f"Check that the title contains {_quote(args.title)}"
    for state in ("visible", "hidden", "enabled", "disabled"):
        loc = getattr(args, state)
        if loc is not None:
            return f"Check that {target(loc)} is {state}"
    of = target(args.of)
    if args.count is not None:
        return f"Check that {of} appears {args.count} time{'' if args.count == 1 else 's'}"
    if args.value is not None:
        return f"Check the value of {of}"
    return f"Check the {shown(args.attribute)} attribute of {of}"


def _press_name(args: Any) -> str:
    on = f" in {target(args.on)}" if args.on is not None else ""
    return f"Press {shown(args.key)}{on}"


def _scroll_name(args: Any) -> str:
    if isinstance(args.to, Locator):
        return f"Scroll to {target(args.to)}"
    return f"Scroll to the {args.to}"


def _upload_name(args: Any) -> str:
    files = args.files[0] if len(args.files) == 1 else f"{len(args.files)} files"
    return f"Upload {shown(files)} to {target(args)}"


def _email_name(args: Any) -> str:
    about = f" about {_quote(args.subject)}" if args.subject else ""
    return f"Wait for the email{about}"


def _screenshot_name(args: Any) -> str:
    what = f" of {target(args.of)}" if args.of is not None else ""
    label = f" ({shown(args.label)})" if args.label else ""
    return f"Take a screenshot{what}{label}"


#: Action -> how to name one of its steps from its validated arguments.
_NAMERS: dict[str, Any] = {
    "goto": lambda a: f"Open {shown(a.url)}",
    "click": lambda a: f"Click {target(a)}",
    "dblclick": lambda a: f"Double-click {target(a)}",
    "hover": lambda a: f"Hover over {target(a)}",
    "scroll": _scroll_name,
    "fill": lambda a: f"Fill in {target(a)}",
    "type": lambda a: f"Type in {target(a)}",
    "clear": lambda a: f"Clear {target(a)}",
    "select": lambda a: f"Choose {_quote(a.option)} in {target(a)}",
    "check": lambda a: f"Tick {target(a)}",
    "uncheck": lambda a: f"Untick {target(a)}",
    "press": _press_name,
    "upload": _upload_name,
    "wait": _wait_name,
    "expect": _expect_name,
    "capture": lambda a: "Capture " + ", ".join(_words(str(k)) for k in a.root),
    "set": lambda a: "Set " + ", ".join(_words(str(k)) for k in a.root),
    "screenshot": _screenshot_name,
    "wait_for_email": _email_name,
}


def step_name(action: str, args: BaseModel) -> str:
    """The name reports give a step its author did not name."""
    namer = _NAMERS.get(action)
    text = namer(args) if namer is not None else action.capitalize()
    return text if len(text) <= MAX_NAME else text[: MAX_NAME - 1].rstrip() + "…"
