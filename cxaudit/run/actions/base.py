"""The registry of the actions' implementations, the context they run in, and what they share:
errors, locating an element, secrets kept out of screenshots, variables substituted.

The actions themselves are in the modules beside this one, by kind.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from cxaudit.results import Capture
from cxaudit.spec.actions import (
    REGISTRY,
)
from cxaudit.spec.locators import DEFAULT_TEST_ID_ATTRIBUTE, Locator, suggestions
from cxaudit.spec.variables import Ref, RefError, render_in, unescape

if TYPE_CHECKING:
    from playwright.async_api import Page


class StepFailed(Exception):
    """A step could not do what it says; the message is for the journey author."""


class SiteUnreachable(StepFailed):
    """The site did not answer at all (refused, DNS, TLS): a run error, not a CX finding."""


class TransientResponse(StepFailed):
    """An answer that says "try again" (429, 502, 503, 504): retried before it fails a step."""


#: HTTP statuses a server sends when it is busy or restarting, not broken.
TRANSIENT_STATUSES = frozenset({429, 502, 503, 504})


_UNREACHABLE = (
    "ERR_CONNECTION_REFUSED",
    "ERR_NAME_NOT_RESOLVED",
    "ERR_CONNECTION_RESET",
    "ERR_ADDRESS_UNREACHABLE",
    "ERR_CERT_",
    "ERR_SSL_",
    "ERR_INTERNET_DISCONNECTED",
    "ERR_CONNECTION_TIMED_OUT",
    "ERR_EMPTY_RESPONSE",
)

#: Elements whose content must not appear in a screenshot: the gatherers'
#: screenshots and the ``screenshot`` action mask them.
SECRET_MARK = "data-cxaudit-secret"


@dataclass
class ActionContext:
    """What an action may use: the page, the journey's variables, its limits."""

    page: Page
    base_url: str
    variables: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    timeout_ms: float = 10_000
    captures: list[Capture] = field(default_factory=list)
    #: Directory of the file the step is written in (relative upload paths).
    source_dir: Path = field(default_factory=Path.cwd)
    #: Where the run writes its files, and this step's screenshots inside it.
    output_dir: Path | None = None
    screenshot_stem: str = "screenshots/step"
    #: Files this step wrote, relative to ``output_dir`` (listed in the step result).
    artifacts: list[str] = field(default_factory=list)
    #: Why an address may not be opened (the journey's allowed origins), or None.
    #: Without it only http and https are allowed.
    refuse_url: Callable[[str], str | None] | None = None
    #: The message this step received (``wait_for_email``), for the step result.
    email: Any = None
    #: When a page counts as loaded (the step's or journey's ``wait_until``), or None: load.
    wait_until: str | None = None
    #: The attribute ``test_id`` locators match (data-testid, data-qa...).
    test_id_attribute: str = DEFAULT_TEST_ID_ATTRIBUTE

    def url(self, target: str) -> str:
        """``target`` resolved against the journey's base URL."""
        resolved = urljoin(self.base_url.rstrip("/") + "/", target) if self.base_url else target
        scheme = urlsplit(resolved).scheme
        if self.refuse_url is not None and scheme:
            why = self.refuse_url(resolved)
            if why:
                raise StepFailed(why)
            return resolved
        if scheme not in ("http", "https"):
            raise StepFailed(
                f"cannot open {target!r}: only http and https addresses are allowed "
                "(set base_url, or --base-url, for relative paths)"
            )
        return resolved

    def is_secret(self, text: str) -> bool:
        """Whether ``text`` holds one of the journey's secrets."""
        return any(secret and secret in text for secret in self.secrets)


ActionFn = Callable[[ActionContext, Any], Awaitable[None]]


#: The function that carries out each declared action, by name.
RUNS: dict[str, ActionFn] = {}


def runs(name: str) -> Callable[[ActionFn], ActionFn]:
    """Register the function that carries out the action ``name``.

    The action is declared (arguments, documentation, examples) in
    :mod:`cxaudit.spec.actions`; this is only how it is done in a browser.
    """

    def register(fn: ActionFn) -> ActionFn:
        if name not in REGISTRY:
            raise ValueError(f"action {name!r} is not declared in cxaudit.spec.actions")
        if name in RUNS:
            raise ValueError(f"action {name!r} has two implementations")
        RUNS[name] = fn
        return fn

    return register


# ---------------------------------------------------------------------------
# Shared behaviour


async def explain_locator_failure(ctx: ActionContext, loc: Locator, exc: Exception) -> StepFailed:
    """Turn a Playwright timeout or strictness error into an author's message."""
    try:
        count = await loc.resolve(ctx.page).count()
    except Exception:  # page gone: say what we know
        count = -1
    what = loc.describe()
    if count == 0:
        close = await suggestions(ctx.page, loc)
        if close:
            hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            hint = "check the spelling and the step before it (is the element on this page yet?)"
        if loc.kind in ("text", "label", "placeholder", "alt", "title", "role") and loc.exact:
            hint += " (or drop 'exact: true')"
        return StepFailed(f"no element matches {what} (waited {seconds(ctx.timeout_ms)}): {hint}")
    if count > 1 and loc.nth is None:
        return StepFailed(
            f"{what} matches {count} elements; make it specific: add 'exact: true', "
            "'within: {...}' or 'nth: 0'"
        )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if timed_out(exc):
        return StepFailed(
            f"{what}: gave up after {seconds(ctx.timeout_ms)}, the step timeout ({first_line})"
        )
    return StepFailed(f"{what}: {first_line}")


def seconds(ms: float) -> str:
    """A timeout as a failure message says it: ``10 s``, ``0.8 s``."""
    return f"{ms / 1000:g} s"


def timed_out(exc: BaseException) -> bool:
    """Whether Playwright gave up waiting (an ``expect`` that never came true counts)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    return isinstance(exc, (PlaywrightTimeoutError, AssertionError))


async def on_element(ctx: ActionContext, loc: Locator, op: Callable[[Any], Awaitable[Any]]) -> None:
    from playwright.async_api import Error as PlaywrightError

    target = loc.resolve(ctx.page)
    try:
        await op(target)
    except PlaywrightError as exc:
        raise await explain_locator_failure(ctx, loc, exc) from None


async def mark_secret(el: Any, ctx: ActionContext, value: str) -> None:
    """Mark a field that now holds a secret, so screenshots mask it."""
    if ctx.is_secret(value):
        await el.evaluate(f"e => e.setAttribute('{SECRET_MARK}', '')")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------------------
# Variables


def substitute(
    value: Any,
    variables: Mapping[str, str],
    environ: Mapping[str, str],
    secrets: set[str] | None = None,
) -> Any:
    """Replace ``${name}``, ``${env:NAME[:-default]}`` and ``${secret:NAME}`` in strings.

    Values read with ``${secret:...}`` are added to ``secrets``, so the
    runner can redact them from everything it records.
    """

    def resolve(ref: Ref) -> str:
        if ref.kind == "var":
            if ref.name in variables:
                return variables[ref.name]
            raise StepFailed(
                f"variable {ref.name!r} has no value yet (capture or set it in an earlier step)"
            )
        if ref.name in environ:
            found = environ[ref.name]
            if ref.kind == "secret" and secrets is not None and found:
                secrets.add(found)
            return found
        if ref.default is not None:
            return ref.default
        what = "secret" if ref.kind == "secret" else "environment variable"
        raise StepFailed(f"{what} {ref.name!r} is not set: export {ref.name}=... before the run")

    try:
        rendered = render_in(value, resolve)
    except RefError as exc:
        raise StepFailed(str(exc)) from None
    return _unescape_in(rendered)


def _unescape_in(value: Any) -> Any:
    if isinstance(value, str):
        return unescape(value)
    if isinstance(value, dict):
        return {k: _unescape_in(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape_in(v) for v in value]
    return value
