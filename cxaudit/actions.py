"""The step vocabulary: one registry of actions, used by YAML journeys and BDD steps.

An action is declared once with :func:`action`: its name, a pydantic model of
its arguments (which is also its JSON Schema and its documentation), the
argument a plain scalar fills (``goto: /cart`` means ``goto: {url: /cart}``),
and whether it may change what the customer sees (then the runner audits the
page after it). The function receives an :class:`ActionContext` and the
validated arguments, with variables already substituted.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

from cxaudit.locators import Locator
from cxaudit.results import Capture
from cxaudit.values import parse_number

if TYPE_CHECKING:
    from playwright.async_api import Page


class StepFailed(Exception):
    """A step could not do what it says; the message is for the journey author."""


class SiteUnreachable(StepFailed):
    """The site did not answer at all (refused, DNS, TLS): a run error, not a CX finding."""


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


@dataclass
class ActionContext:
    """What an action may use: the page, the journey's variables, its limits."""

    page: Page
    base_url: str
    variables: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)
    timeout_ms: float = 10_000
    captures: list[Capture] = field(default_factory=list)

    def url(self, target: str) -> str:
        """``target`` resolved against the journey's base URL."""
        resolved = urljoin(self.base_url.rstrip("/") + "/", target) if self.base_url else target
        scheme = urlsplit(resolved).scheme
        if scheme not in ("http", "https"):
            raise StepFailed(
                f"cannot open {target!r}: only http and https addresses are allowed "
                "(set base_url, or --base-url, for relative paths)"
            )
        return resolved


ActionFn = Callable[[ActionContext, Any], Awaitable[None]]


@dataclass(frozen=True)
class ActionSpec:
    """An action as the registry knows it."""

    name: str
    args: type[BaseModel]
    run: ActionFn
    doc: str
    shorthand: str | None = None
    changes_page: bool = False


REGISTRY: dict[str, ActionSpec] = {}


def action(
    name: str, args: type[BaseModel], *, shorthand: str | None = None, changes_page: bool = False
) -> Callable[[ActionFn], ActionFn]:
    """Register an action; its docstring is its documentation."""

    def register(fn: ActionFn) -> ActionFn:
        if name in REGISTRY:
            raise ValueError(f"action {name!r} is registered twice")
        REGISTRY[name] = ActionSpec(
            name=name,
            args=args,
            run=fn,
            doc=(fn.__doc__ or "").strip(),
            shorthand=shorthand,
            changes_page=changes_page,
        )
        return fn

    return register


# ---------------------------------------------------------------------------
# Argument models


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GotoArgs(_Args):
    url: str = Field(description="Address to open; relative paths join the journey's base_url.")


class ClickArgs(Locator):
    """Locator of the element to click."""


class FillArgs(Locator):
    value: str = Field(description="Text to put in the field (replaces what is there).")


class SelectArgs(Locator):
    option: str = Field(description="Visible label (or value) of the option to choose.")


class PressArgs(_Args):
    key: str = Field(
        description="Key to press, as Playwright names it: Enter, Tab, Escape, ArrowDown..."
    )
    on: Locator | None = Field(
        default=None, description="Element to focus first (default: the focused one)."
    )


class ExpectArgs(_Args):
    text: str | None = Field(default=None, description="Text visible on the page.")
    url: str | None = Field(default=None, description="The page address contains this text.")
    title: str | None = Field(default=None, description="The page title contains this text.")
    visible: Locator | None = Field(default=None, description="An element that is visible.")
    within: Locator | None = Field(
        default=None, description="Look for `text` only inside this element."
    )

    @model_validator(mode="after")
    def _one(self) -> ExpectArgs:
        given = [k for k in ("text", "url", "title", "visible") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("expect takes exactly one of: text, url, title, visible")
        return self


class CaptureTarget(Locator):
    attribute: str | None = Field(
        default=None, description="Read this attribute instead of the text."
    )
    secret: bool = Field(default=False, description="Never write the value to results or reports.")


class CaptureArgs(RootModel[dict[str, CaptureTarget]]):
    """Variable name -> where to read its value."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="after")
    def _names(self) -> CaptureArgs:
        for name in self.root:
            if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
                raise ValueError(
                    f"capture name {name!r} must be a variable name (letters, digits, _)"
                )
        if not self.root:
            raise ValueError("capture needs at least one name: {price: {test_id: price}}")
        return self


# ---------------------------------------------------------------------------
# Actions


async def explain_locator_failure(ctx: ActionContext, loc: Locator, exc: Exception) -> StepFailed:
    """Turn a Playwright timeout or strictness error into an author's message."""
    try:
        count = await loc.resolve(ctx.page).count()
    except Exception:  # page gone: say what we know
        count = -1
    what = loc.describe()
    if count == 0:
        hint = "check the spelling and the step before it (is the element on this page yet?)"
        if loc.kind in ("text", "label", "placeholder", "alt", "title") and loc.exact:
            hint += ", or drop 'exact: true'"
        return StepFailed(f"no element matches {what} (waited {ctx.timeout_ms:.0f} ms): {hint}")
    if count > 1 and loc.nth is None:
        return StepFailed(
            f"{what} matches {count} elements; make it specific: add 'exact: true', "
            "'within: {...}' or 'nth: 0'"
        )
    first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StepFailed(f"{what}: {first_line}")


async def _on_element(
    ctx: ActionContext, loc: Locator, op: Callable[[Any], Awaitable[Any]]
) -> None:
    from playwright.async_api import Error as PlaywrightError

    target = loc.resolve(ctx.page)
    try:
        await op(target)
    except PlaywrightError as exc:
        raise await explain_locator_failure(ctx, loc, exc) from None


@action("goto", GotoArgs, shorthand="url", changes_page=True)
async def goto(ctx: ActionContext, args: GotoArgs) -> None:
    """Open a page, as a customer typing an address or following a bookmark."""
    from playwright.async_api import Error as PlaywrightError

    url = ctx.url(args.url)
    try:
        response = await ctx.page.goto(url, timeout=ctx.timeout_ms, wait_until="load")
    except PlaywrightError as exc:
        message = str(exc).strip().splitlines()[0]
        message = re.sub(r"^Page\.goto:\s*", "", message)
        kind = SiteUnreachable if any(code in message for code in _UNREACHABLE) else StepFailed
        raise kind(f"could not open {url}: {message}") from None
    if response is not None and response.status >= 400:
        raise StepFailed(f"{url} answered HTTP {response.status}")


@action("click", ClickArgs, shorthand="text", changes_page=True)
async def click(ctx: ActionContext, args: ClickArgs) -> None:
    """Click (or tap, on touch channels) an element."""
    await _on_element(ctx, args, lambda el: el.click(timeout=ctx.timeout_ms))


@action("fill", FillArgs)
async def fill(ctx: ActionContext, args: FillArgs) -> None:
    """Put text in a form field, replacing what it held."""
    await _on_element(ctx, args, lambda el: el.fill(args.value, timeout=ctx.timeout_ms))


@action("select", SelectArgs, changes_page=True)
async def select(ctx: ActionContext, args: SelectArgs) -> None:
    """Choose an option of a drop-down list by its label (or value)."""

    async def choose(el: Any) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await el.select_option(label=args.option, timeout=ctx.timeout_ms)
        except PlaywrightError:
            await el.select_option(value=args.option, timeout=ctx.timeout_ms)

    await _on_element(ctx, args, choose)


@action("press", PressArgs, shorthand="key", changes_page=True)
async def press(ctx: ActionContext, args: PressArgs) -> None:
    """Press a key, in the focused element or in the one given with `on`."""
    from playwright.async_api import Error as PlaywrightError

    if args.on is not None:
        await _on_element(ctx, args.on, lambda el: el.press(args.key, timeout=ctx.timeout_ms))
        return
    try:
        await ctx.page.keyboard.press(args.key)
    except PlaywrightError as exc:
        raise StepFailed(f"cannot press {args.key!r}: {str(exc).splitlines()[0]}") from None


@action("expect", ExpectArgs, shorthand="text")
async def expect(ctx: ActionContext, args: ExpectArgs) -> None:
    """Check what the customer should see; a false expectation fails the step."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import expect as pw_expect

    page = ctx.page
    try:
        if args.text is not None:
            scope: Any = args.within.resolve(page) if args.within else page.locator("body")
            target = scope.get_by_text(args.text).first
            try:
                await pw_expect(target).to_be_visible(timeout=ctx.timeout_ms)
            except AssertionError:
                where = f" inside {args.within.describe()}" if args.within else ""
                raise StepFailed(
                    f"expected text {args.text!r}{where} on the page, not found "
                    f"(page: {page.url}, title {await page.title()!r})"
                ) from None
        elif args.url is not None:
            try:
                await pw_expect(page).to_have_url(
                    re.compile(re.escape(args.url)), timeout=ctx.timeout_ms
                )
            except AssertionError:
                raise StepFailed(
                    f"expected the address to contain {args.url!r}, actual {page.url!r}"
                ) from None
        elif args.title is not None:
            try:
                await pw_expect(page).to_have_title(
                    re.compile(re.escape(args.title)), timeout=ctx.timeout_ms
                )
            except AssertionError:
                raise StepFailed(
                    f"expected the title to contain {args.title!r}, actual {await page.title()!r}"
                ) from None
        elif args.visible is not None:
            loc = args.visible
            try:
                await pw_expect(loc.resolve(page)).to_be_visible(timeout=ctx.timeout_ms)
            except AssertionError:
                raise await explain_locator_failure(
                    ctx, loc, AssertionError("not visible")
                ) from None
    except PlaywrightError as exc:
        raise StepFailed(f"expectation could not be checked: {str(exc).splitlines()[0]}") from None


@action("capture", CaptureArgs)
async def capture(ctx: ActionContext, args: CaptureArgs) -> None:
    """Read values from the page into variables (a price, an order number).

    The text is kept as read; a number is parsed from it as a customer reads a
    price (currency symbols and separators understood), for comparisons.
    """
    for name, target in args.root.items():
        holder: dict[str, str] = {}

        async def read(
            el: Any, holder: dict[str, str] = holder, target: CaptureTarget = target
        ) -> None:
            if target.attribute:
                holder["v"] = await el.get_attribute(target.attribute, timeout=ctx.timeout_ms) or ""
            else:
                holder["v"] = await el.inner_text(timeout=ctx.timeout_ms)

        await _on_element(ctx, target, read)
        text = " ".join(holder["v"].split())
        ctx.variables[name] = text
        if target.secret:
            ctx.secrets.add(text)
        ctx.captures.append(
            Capture(name=name, text=text, number=parse_number(text), secret=target.secret)
        )


# ---------------------------------------------------------------------------
# Variables

_VAR = re.compile(r"\$\{([^{}]+)\}")


def substitute(value: Any, variables: dict[str, str], environ: dict[str, str]) -> Any:
    """Replace ``${name}``, ``${env:NAME}`` and ``${env:NAME:-default}`` in strings."""
    if isinstance(value, str):

        def repl(match: re.Match[str]) -> str:
            ref = match.group(1).strip()
            if ref.startswith("env:"):
                name, _, default = ref[4:].partition(":-")
                if name in environ:
                    return environ[name]
                if ":-" in ref:
                    return default
                raise StepFailed(
                    f"environment variable {name!r} is not set (use ${{env:{name}:-default}})"
                )
            if ref in variables:
                return variables[ref]
            raise StepFailed(
                f"variable {ref!r} has no value yet (capture or set it in an earlier step)"
            )

        return _VAR.sub(repl, value)
    if isinstance(value, dict):
        return {k: substitute(v, variables, environ) for k, v in value.items()}
    if isinstance(value, list):
        return [substitute(v, variables, environ) for v in value]
    return value
