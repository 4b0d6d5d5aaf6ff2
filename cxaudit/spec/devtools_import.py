"""``cxaudit import``: a Chrome DevTools Recorder export -> a journey file.

An author records a path in Chrome (DevTools > Recorder), exports it as
JSON, and gets a journey to audit without writing YAML by hand. The
recording's steps map to actions (navigate -> goto, click -> click,
change -> fill or select, keyDown -> press, waitForElement -> wait or
expect count, hover, doubleClick, scroll to an element); each step's
alternative selectors are ranked so the journey uses the locator a person
would write (role and name, test id, label, text) before brittle CSS or
XPath. What cannot be carried over is kept as a comment, never dropped
silently. Typed passwords and card numbers become ``${secret:...}``, and so
do the values of secret-looking query parameters (``password=``, ``token=``,
``card=``...) in the addresses it writes: nothing the importer took for a
secret appears anywhere in its output, comments and notes included.

The recording is untrusted input: it is validated at the boundary and any
value it holds is written as a quoted YAML scalar, never as YAML structure.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cxaudit.errors import SpecError, SpecIssue
from cxaudit.redact import SHORT_SECRET, secret_forms
from cxaudit.spec.yamlpos import Document

#: Keys that only add or release a modifier; a journey presses whole keys.
_MODIFIERS = {"Shift", "Control", "Alt", "Meta", "CapsLock"}
_ARIA = re.compile(r'^(?P<name>.*?)(?:\[role="(?P<role>[^"]+)"\])?$', re.S)
_TEST_ID = re.compile(r"""^\[data-testid=["']?(?P<id>[^"'\]]+)["']?\]$""")
_SIMPLE_ID = re.compile(r"^#[A-Za-z][\w-]*$")
_SECRET_HINTS = (
    ("password", "PASSWORD"),
    ("card", "CARD_NUMBER"),
    ("cvc", "CARD_CVC"),
    ("cvv", "CARD_CVC"),
    ("iban", "IBAN"),
)
#: Words of a query parameter's name that make its value a secret (``access_token``,
#: ``apiKey``, ``pwd``); the secret is named after the parameter.
_SECRET_PARAM_WORDS = frozenset(
    {
        "apikey",
        "auth",
        "card",
        "cardnumber",
        "cc",
        "ccnumber",
        "cvc",
        "cvv",
        "iban",
        "key",
        "otp",
        "pass",
        "passcode",
        "passwd",
        "password",
        "pin",
        "pwd",
        "secret",
        "signature",
        "token",
    }
)
_SECRET_PARAM_NAMES = {
    "pass": "PASSWORD",
    "passwd": "PASSWORD",
    "password": "PASSWORD",
    "pwd": "PASSWORD",
    "card": "CARD_NUMBER",
    "cardnumber": "CARD_NUMBER",
    "cc": "CARD_NUMBER",
    "ccnumber": "CARD_NUMBER",
    "cvc": "CARD_CVC",
    "cvv": "CARD_CVC",
}
_REF = re.compile(r"\$\{secret:[A-Za-z_][A-Za-z0-9_]*\}")


class RecordedStep(BaseModel):
    """One step of a recording; unknown keys are ignored (the format grows)."""

    model_config = ConfigDict(extra="allow")

    type: str
    url: str | None = None
    selectors: list[str | list[str]] = Field(default_factory=list)
    value: str | None = None
    key: str | None = None
    target: str = "main"
    frame: list[int] = Field(default_factory=list)
    visible: bool | None = None
    count: int | None = None
    operator: str | None = None
    width: int | None = None
    height: int | None = None
    # camelCase: the recording's own key names.
    isMobile: bool | None = None
    x: float | None = None
    y: float | None = None
    expression: str | None = None
    assertedEvents: list[dict[str, Any]] = Field(default_factory=list)


class Recording(BaseModel):
    model_config = ConfigDict(extra="allow")

    title: str = "Imported recording"
    steps: list[RecordedStep] = Field(min_length=1)


@dataclass
class Imported:
    """The journey text, and what the author should look at."""

    text: str
    notes: list[str] = field(default_factory=list)
    steps: int = 0


def _chains(selectors: list[str | list[str]]) -> list[str]:
    """The innermost selector of each alternative (shadow-root chains end in the element)."""
    out = []
    for item in selectors:
        chain = [item] if isinstance(item, str) else item
        if chain:
            out.append(chain[-1])
    return out


def pick_locator(selectors: list[str | list[str]], for_input: bool) -> tuple[dict[str, Any], str]:
    """The most human of the recorded selectors, as a locator, and a note if it is brittle.

    Order: ARIA with a role (role + name), a test id, ARIA without a role
    (a control's text), a plain #id, recorded text, other CSS, XPath last.
    For form fields a plain #id comes before a role-less ARIA name: that
    name may come from a placeholder or a title, which a label locator does
    not match, while an id on a field is usually stable.
    """
    chains = _chains(selectors)
    ranked: list[tuple[int, dict[str, Any], str]] = []
    for raw in chains:
        if raw.startswith("aria/"):
            match = _ARIA.match(raw[5:])
            assert match is not None
            name, role = match.group("name"), match.group("role")
            if not name:
                continue
            if role:
                ranked.append((0, {"role": role, "name": name, "exact": True}, ""))
            elif for_input:
                ranked.append((3, {"label": name, "exact": True}, ""))
            else:
                ranked.append((2, {"text": name, "exact": True}, ""))
        elif raw.startswith("text/"):
            ranked.append((4, {"text": raw[5:]}, ""))
        elif raw.startswith("xpath/"):
            ranked.append(
                (
                    6,
                    {"css": "xpath=" + raw[6:]},
                    "XPath locator: replace it with a role, label or text",
                )
            )
        else:
            css = raw.removeprefix("pierce/")
            test_id = _TEST_ID.match(css)
            if test_id:
                ranked.append((1, {"test_id": test_id.group("id")}, ""))
            elif _SIMPLE_ID.match(css):
                ranked.append((2 if for_input else 3, {"css": css}, ""))
            else:
                ranked.append(
                    (
                        5,
                        {"css": css},
                        "CSS locator from the page structure: it breaks when the markup changes",
                    )
                )
    if not ranked:
        raise ValueError("no usable selector")
    ranked.sort(key=lambda item: item[0])
    _, locator, note = ranked[0]
    return locator, note


def _is_select(selectors: list[str | list[str]]) -> bool:
    for raw in _chains(selectors):
        if raw.startswith("aria/") and re.search(r'\[role="(combobox|listbox)"\]$', raw):
            return True
        if not raw.startswith(("aria/", "text/", "xpath/")) and re.search(
            r"(^|[\s>+~])select([#.\[:]|$)", raw.removeprefix("pierce/")
        ):
            return True
    return False


def _secret_for(locator: dict[str, Any], selectors: list[str | list[str]]) -> str | None:
    haystack = " ".join([*(str(v) for v in locator.values()), *_chains(selectors)]).lower()
    if "type=password" in haystack.replace('"', "").replace("'", ""):
        return "PASSWORD"
    for hint, name in _SECRET_HINTS:
        if hint in haystack:
            return name
    return None


def _flow(value: Any) -> str:
    """A value as one line of flow-style YAML, quoted wherever YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10_000, sort_keys=False)
    return text.strip().removesuffix("...").strip()


def _escape(text: str) -> str:
    return text.replace("${", "$${")


def _param_secret(key: str) -> str | None:
    """The secret a query parameter holds, by its name (``pwd`` -> PASSWORD), or None."""
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z])(?=[A-Z])", key) if w]
    joined = "".join(words)
    if not any(w in _SECRET_PARAM_WORDS for w in [*words, joined]):
        return None
    for word in [joined, *words]:
        if word in _SECRET_PARAM_NAMES:
            return _SECRET_PARAM_NAMES[word]
    name = "_".join(words).upper()
    return name if re.match(r"[A-Z_]", name) else f"_{name}"


class _Builder:
    """The journey's lines, kept as values until the end, when every secret the
    recording revealed (wherever it was met) is known and replaced."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, Any, str]] = []  # (action or "#", value, comment)
        self.notes: list[str] = []
        self.steps = 0
        self.base_url: str | None = None
        #: Secret value -> the environment variable the journey reads it from.
        self.secrets: dict[str, str] = {}

    def step(self, action: str, value: Any, comment: str = "") -> None:
        self.steps += 1
        self.entries.append((action, value, comment))

    def comment(self, text: str, note: bool = False) -> None:
        self.entries.append(("#", text, ""))
        if note:
            self.notes.append(text)

    def secret(self, value: str, name: str) -> str:
        """Remember ``value`` as the secret ``name``; the reference that replaces it."""
        if value.strip():
            self.secrets.setdefault(value, name)
        return f"${{secret:{self.secrets.get(value, name)}}}"

    def url(self, url: str) -> str:
        parts = urlsplit(url)
        if parts.password:
            self.secret(parts.password, "URL_PASSWORD")
        for pair in parts.query.split("&"):
            key, has_value, value = pair.partition("=")
            name = _param_secret(unquote_plus(key)) if has_value and value else None
            if name is not None:
                self.secret(unquote_plus(value), name)
                self.secret(value, name)
        origin = f"{parts.scheme}://{parts.netloc}"
        if self.base_url is None and parts.scheme in ("http", "https"):
            self.base_url = origin
        if origin == self.base_url:
            path = parts.path or "/"
            return path + (f"?{parts.query}" if parts.query else "")
        return url

    def hide(self, value: Any) -> Any:
        """``value`` with every known secret, as typed or URL-encoded, replaced by its
        ``${secret:NAME}``: text and the values of mappings and lists (keys stay)."""
        if isinstance(value, dict):
            return {k: self.hide(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.hide(v) for v in value]
        if not isinstance(value, str) or not self.secrets:
            return value
        forms: dict[str, str] = {}
        for secret, name in self.secrets.items():
            for form in secret_forms(secret):
                forms.setdefault(form, name)
                forms.setdefault(_escape(form), name)
        pattern = re.compile(
            "|".join(
                [_REF.pattern, *(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f)))]
            )
        )

        def repl(match: re.Match[str]) -> str:
            found = match.group(0)
            return found if found not in forms else f"${{secret:{forms[found]}}}"

        return pattern.sub(repl, value)

    def render(self) -> list[str]:
        lines = []
        for action, value, comment in self.entries:
            if action == "#":
                lines.append(f"    # {self.hide(value)}")
                continue
            tail = f"  # {self.hide(comment)}" if comment else ""
            lines.append(f"    - {action}: {_flow(self.hide(value))}{tail}")
        self.notes = [self.hide(note) for note in self.notes]
        for secret, name in self.secrets.items():
            if len(secret) < SHORT_SECRET:
                self.notes.append(
                    f"the recorded value of {name} is shorter than {SHORT_SECRET} characters: "
                    "wherever it appeared in the recording it now reads "
                    f"${{secret:{name}}}; check those places"
                )
        return lines


def _convert(builder: _Builder, index: int, step: RecordedStep) -> None:
    where = f"step {index + 1} ({step.type})"
    if step.frame or step.target != "main":
        builder.comment(
            f"{where}: not imported: steps inside frames or pop-ups are not supported", True
        )
        return
    kind = step.type
    if kind == "setViewport":
        device = "a phone" if step.isMobile else "a desktop"
        builder.comment(
            f"recorded at {step.width}x{step.height} ({device}); cxaudit runs every channel you choose"
        )
        return
    if kind == "navigate":
        if not step.url:
            builder.comment(f"{where}: no url, not imported", True)
            return
        builder.step("goto", _escape(builder.url(step.url)))
        return
    if kind in ("keyUp",) or (kind == "keyDown" and step.key in _MODIFIERS):
        return
    if kind == "keyDown":
        if step.key:
            builder.step("press", _escape(step.key))
        return
    if kind in ("waitForExpression", "close", "customStep", "emulateNetworkConditions"):
        builder.comment(f"{where}: not imported (cxaudit has no such action)", True)
        return
    if kind == "scroll" and not step.selectors:
        builder.comment(
            f"{where}: scrolled the window to ({step.x or 0:g}, {step.y or 0:g}); not imported: "
            "add 'scroll: bottom' or 'scroll: {to: ...}' if it matters"
        )
        return
    if kind not in ("click", "doubleClick", "hover", "change", "waitForElement", "scroll"):
        builder.comment(f"{where}: unknown step type, not imported", True)
        return
    try:
        locator, brittle = pick_locator(step.selectors, for_input=kind == "change")
    except ValueError:
        builder.comment(f"{where}: no selector, not imported", True)
        return
    locator = {k: _escape(v) if isinstance(v, str) else v for k, v in locator.items()}
    if brittle:
        builder.notes.append(f"{where}: {brittle}")
    if kind == "click":
        builder.step("click", locator, brittle)
    elif kind == "doubleClick":
        builder.step("dblclick", locator, brittle)
    elif kind == "hover":
        builder.step("hover", locator, brittle)
    elif kind == "scroll":
        builder.step("scroll", {"to": locator}, brittle)
    elif kind == "change":
        value = _escape(step.value or "")
        secret = _secret_for(locator, step.selectors)
        if secret:
            value = builder.secret(step.value or "", secret)
            secret = value[len("${secret:") : -1]
            builder.notes.append(
                f"{where}: the typed value looks secret; it reads ${{secret:{secret}}} from the "
                f"environment instead: export {secret}=..."
            )
        if _is_select(step.selectors):
            builder.step("select", {**locator, "option": value}, brittle)
        else:
            builder.step("fill", {**locator, "value": value}, brittle)
    elif kind == "waitForElement":
        if step.count is not None and step.operator in (None, "=="):
            builder.step("expect", {"count": step.count, "of": locator}, brittle)
        elif step.visible is False:
            builder.step("wait", {"hidden": locator}, brittle)
        else:
            builder.step("wait", {"visible": locator}, brittle)
    for event in step.assertedEvents:
        if event.get("type") == "navigation" and event.get("url"):
            builder.comment(f"the page went to {builder.url(str(event['url']))}")


def _positioned(text: str, source: str) -> Document:
    """The recording as a document with positions (JSON is YAML), for error messages."""
    from cxaudit.spec.yamlpos import load_document

    doc, _ = load_document(text, source)
    return doc if doc is not None else Document(file=source, data=None)


def import_recording(
    text: str, source: str, *, stage: str = "purchase", name: str | None = None
) -> Imported:
    """The journey YAML for a recording. Raises :class:`SpecError` for a broken file."""
    from cxaudit.spec.issues import pydantic_issues

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SpecError(
            [SpecIssue(source, exc.lineno, exc.colno, "", f"not valid JSON: {exc.msg}")]
        ) from None
    try:
        recording = Recording.model_validate(data)
    except ValidationError as exc:
        raise SpecError(pydantic_issues(_positioned(text, source), (), exc, Recording)) from None
    builder = _Builder()
    for index, step in enumerate(recording.steps):
        _convert(builder, index, step)
    if builder.steps == 0:
        raise SpecError(
            [SpecIssue(source, 1, 1, "steps", "no step of this recording could be imported")]
        )
    lines = builder.render()
    title = builder.hide(name or recording.title or "Imported recording")
    header = [
        f"# Imported by 'cxaudit import' from {source}",
        "# (a Chrome DevTools Recorder export). Before auditing with it:",
        "# - split the steps into pre-purchase / purchase / post-purchase stages;",
        "# - check every locator, preferring role + name, label or text over CSS;",
        "# - add 'expect' steps for what the customer should see, and capture prices.",
        f"journey: {_flow(_escape(title))}",
    ]
    if builder.base_url:
        header.append(f"base_url: {_flow(builder.hide(builder.base_url))}")
    header += ["stages:", f"  {_flow(stage)}:"]
    return Imported("\n".join([*header, *lines]) + "\n", builder.notes, builder.steps)
