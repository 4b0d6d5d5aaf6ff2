"""How each action of the journey language is carried out in a browser.

The actions are declared in :mod:`cxaudit.spec.actions` (arguments,
documentation, examples, static checks); here each gets the function that
does it, registered with ``@runs(name)``. The function receives an
:class:`ActionContext` and the validated arguments, with variables already
substituted.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from cxaudit.checks.values import parse_number
from cxaudit.results import Capture
from cxaudit.spec.actions import (
    REGISTRY,
    CaptureArgs,
    CaptureTarget,
    ClickArgs,
    ExpectArgs,
    FillArgs,
    GotoArgs,
    PressArgs,
    ScreenshotArgs,
    ScrollArgs,
    SelectArgs,
    SetArgs,
    TypeArgs,
    UploadArgs,
    UseArgs,
    WaitArgs,
)
from cxaudit.spec.locators import DEFAULT_TEST_ID_ATTRIBUTE, Locator, suggestions
from cxaudit.spec.paths import is_file
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
    #: The run's axe-core profile (a ``cxaudit.gather.axe.AxeProfile``) when it audits, so
    #: what a step draws of its own (an email's renderings) is audited too; None: not.
    axe_profile: Any = None

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
    if _timed_out(exc):
        return StepFailed(
            f"{what}: gave up after {seconds(ctx.timeout_ms)}, the step timeout ({first_line})"
        )
    return StepFailed(f"{what}: {first_line}")


def seconds(ms: float) -> str:
    """A timeout as a failure message says it: ``10 s``, ``0.8 s``."""
    return f"{ms / 1000:g} s"


def _timed_out(exc: BaseException) -> bool:
    """Whether Playwright gave up waiting (an ``expect`` that never came true counts)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeoutError

    return isinstance(exc, (PlaywrightTimeoutError, AssertionError))


async def _on_element(
    ctx: ActionContext, loc: Locator, op: Callable[[Any], Awaitable[Any]]
) -> None:
    from playwright.async_api import Error as PlaywrightError

    target = loc.resolve(ctx.page)
    try:
        await op(target)
    except PlaywrightError as exc:
        raise await explain_locator_failure(ctx, loc, exc) from None


async def _mark_secret(el: Any, ctx: ActionContext, value: str) -> None:
    """Mark a field that now holds a secret, so screenshots mask it."""
    if ctx.is_secret(value):
        await el.evaluate(f"e => e.setAttribute('{SECRET_MARK}', '')")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------------------
# Actions: going places


@runs("goto")
async def goto(ctx: ActionContext, args: GotoArgs) -> None:
    from playwright.async_api import Error as PlaywrightError

    from cxaudit.run.resilience import DroppedMidBody, unless_dropped

    url = ctx.url(args.url)
    try:
        response = await unless_dropped(
            ctx.page,
            ctx.page.goto(
                url, timeout=ctx.timeout_ms, wait_until=args.wait_until or ctx.wait_until or "load"
            ),
        )
    except DroppedMidBody as exc:  # transient: retried (cxaudit.run.resilience.is_transient)
        raise SiteUnreachable(f"could not open {url}: {exc}") from None
    except PlaywrightError as exc:
        message = re.sub(r"^Page\.goto:\s*", "", _first_line(exc))
        kind = SiteUnreachable if any(code in message for code in _UNREACHABLE) else StepFailed
        if _timed_out(exc):
            message = f"no page within {seconds(ctx.timeout_ms)}, the step timeout ({message})"
        raise kind(f"could not open {url}: {message}") from None
    if response is not None and response.status >= 400:
        kind = TransientResponse if response.status in TRANSIENT_STATUSES else StepFailed
        raise kind(f"{url} answered HTTP {response.status}")


def _element_method(action: str) -> ActionFn:
    """An action that is one call of the Playwright element method of its own name."""

    async def carry_out(ctx: ActionContext, args: ClickArgs) -> None:
        await _on_element(ctx, args, lambda el: getattr(el, action)(timeout=ctx.timeout_ms))

    carry_out.__name__ = carry_out.__qualname__ = action
    return carry_out


# click, dblclick and hover here; clear, check and uncheck are actions on form fields.
for _action in ("click", "dblclick", "hover", "clear", "check", "uncheck"):
    runs(_action)(_element_method(_action))


@runs("scroll")
async def scroll(ctx: ActionContext, args: ScrollArgs) -> None:
    from playwright.async_api import Error as PlaywrightError

    if isinstance(args.to, Locator):
        loc = args.to
        await _on_element(
            ctx, loc, lambda el: el.scroll_into_view_if_needed(timeout=ctx.timeout_ms)
        )
        return
    script = (
        "() => window.scrollTo(0, 0)"
        if args.to == "top"
        else "() => window.scrollTo(0, document.documentElement.scrollHeight)"
    )
    try:
        await ctx.page.evaluate(script)
    except PlaywrightError as exc:
        raise StepFailed(f"cannot scroll: {_first_line(exc)}") from None


# ---------------------------------------------------------------------------
# Actions: forms


@runs("fill")
async def fill(ctx: ActionContext, args: FillArgs) -> None:
    async def op(el: Any) -> None:
        await el.fill(args.value, timeout=ctx.timeout_ms)
        await _mark_secret(el, ctx, args.value)

    await _on_element(ctx, args, op)


@runs("type")
async def type_text(ctx: ActionContext, args: TypeArgs) -> None:
    async def op(el: Any) -> None:
        await el.press_sequentially(args.value, delay=args.delay, timeout=ctx.timeout_ms)
        await _mark_secret(el, ctx, args.value)

    await _on_element(ctx, args, op)


@runs("select")
async def select(ctx: ActionContext, args: SelectArgs) -> None:
    async def choose(el: Any) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await el.select_option(label=args.option, timeout=ctx.timeout_ms)
        except PlaywrightError:
            await el.select_option(value=args.option, timeout=ctx.timeout_ms)

    await _on_element(ctx, args, choose)


@runs("press")
async def press(ctx: ActionContext, args: PressArgs) -> None:
    from playwright.async_api import Error as PlaywrightError

    if args.on is not None:
        await _on_element(ctx, args.on, lambda el: el.press(args.key, timeout=ctx.timeout_ms))
        return
    try:
        await ctx.page.keyboard.press(args.key)
    except PlaywrightError as exc:
        raise StepFailed(f"cannot press {args.key!r}: {_first_line(exc)}") from None


@runs("upload")
async def upload(ctx: ActionContext, args: UploadArgs) -> None:
    paths = [ctx.source_dir / name for name in args.files]
    missing = [str(p) for p in paths if not is_file(p)]
    if missing:
        raise StepFailed(f"no such file: {', '.join(missing)}")
    await _on_element(
        ctx, args, lambda el: el.set_input_files([str(p) for p in paths], timeout=ctx.timeout_ms)
    )


# ---------------------------------------------------------------------------
# Actions: waiting and checking


@runs("wait")
async def wait(ctx: ActionContext, args: WaitArgs) -> None:
    import asyncio

    from playwright.async_api import Error as PlaywrightError

    page = ctx.page
    try:
        if args.ms is not None:
            await asyncio.sleep(args.ms / 1000)
        elif args.url is not None:
            pattern = re.compile(re.escape(args.url))
            try:
                await page.wait_for_url(pattern, timeout=ctx.timeout_ms)
            except PlaywrightError:
                raise StepFailed(
                    f"waited {seconds(ctx.timeout_ms)} for an address containing {args.url!r}, "
                    f"still at {page.url!r}"
                ) from None
        elif args.load is not None:
            await page.wait_for_load_state(args.load, timeout=ctx.timeout_ms)
        else:
            state = next(
                k for k in ("visible", "hidden", "attached", "detached") if getattr(args, k)
            )
            loc: Locator = getattr(args, state)
            try:
                await loc.resolve(page).wait_for(state=state, timeout=ctx.timeout_ms)
            except PlaywrightError as exc:
                if state in ("visible", "attached"):
                    raise await explain_locator_failure(ctx, loc, exc) from None
                count = await loc.resolve(page).count()
                raise StepFailed(
                    f"waited {seconds(ctx.timeout_ms)} for {loc.describe()} to be {state}; "
                    f"it is still there ({count} matching)"
                ) from None
    except PlaywrightError as exc:
        raise StepFailed(f"wait failed: {_first_line(exc)}") from None


async def _closest_text(page: Page, wanted: str) -> str:
    try:
        body = await page.locator("body").inner_text(timeout=1000)
    except Exception:
        return ""
    lines = sorted({" ".join(line.split()) for line in body.splitlines() if line.strip()})
    import difflib

    close = difflib.get_close_matches(wanted, lines, n=1, cutoff=0.6)
    return f"; closest text on the page: {close[0]!r}" if close else ""


@runs("expect")
async def expect(ctx: ActionContext, args: ExpectArgs) -> None:
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import expect as pw_expect

    page = ctx.page
    timeout = ctx.timeout_ms
    try:
        if args.text is not None:
            scope: Any = args.within.resolve(page) if args.within else page.locator("body")
            target = scope.get_by_text(args.text).first
            try:
                await pw_expect(target).to_be_visible(timeout=timeout)
            except AssertionError:
                where = f" inside {args.within.describe()}" if args.within else ""
                raise StepFailed(
                    f"expected text {args.text!r}{where}, not found within {seconds(timeout)} "
                    f"(page: {page.url}, title {await page.title()!r}"
                    f"{await _closest_text(page, args.text)})"
                ) from None
        elif args.url is not None:
            try:
                await pw_expect(page).to_have_url(re.compile(re.escape(args.url)), timeout=timeout)
            except AssertionError:
                raise StepFailed(
                    f"expected the address to contain {args.url!r}, actual {page.url!r}"
                ) from None
        elif args.title is not None:
            try:
                await pw_expect(page).to_have_title(
                    re.compile(re.escape(args.title)), timeout=timeout
                )
            except AssertionError:
                raise StepFailed(
                    f"expected the title to contain {args.title!r}, actual {await page.title()!r}"
                ) from None
        elif args.visible is not None:
            try:
                await pw_expect(args.visible.resolve(page)).to_be_visible(timeout=timeout)
            except AssertionError:
                raise await explain_locator_failure(
                    ctx, args.visible, AssertionError("not visible")
                ) from None
        elif args.hidden is not None:
            try:
                await pw_expect(args.hidden.resolve(page)).to_be_hidden(timeout=timeout)
            except AssertionError:
                raise StepFailed(
                    f"expected {args.hidden.describe()} hidden, it is visible"
                ) from None
        elif args.enabled is not None or args.disabled is not None:
            loc = args.enabled or args.disabled
            assert loc is not None
            want = "enabled" if args.enabled is not None else "disabled"
            target = loc.resolve(page)
            try:
                if want == "enabled":
                    await pw_expect(target).to_be_enabled(timeout=timeout)
                else:
                    await pw_expect(target).to_be_disabled(timeout=timeout)
            except AssertionError:
                if await target.count() != 1:
                    raise await explain_locator_failure(ctx, loc, AssertionError(want)) from None
                other = "disabled" if want == "enabled" else "enabled"
                raise StepFailed(f"expected {loc.describe()} {want}, it is {other}") from None
        elif args.count is not None:
            assert args.of is not None
            target = args.of.resolve(page)
            try:
                await pw_expect(target).to_have_count(args.count, timeout=timeout)
            except AssertionError:
                raise StepFailed(
                    f"expected {args.count} element(s) matching {args.of.describe()}, "
                    f"actual {await target.count()}"
                ) from None
        elif args.value is not None:
            assert args.of is not None
            await _expect_value(ctx, args.of, args.value)
        elif args.attribute is not None:
            assert args.of is not None
            await _expect_attribute(ctx, args.of, args.attribute, args.equals)
    except PlaywrightError as exc:
        waited = f" within {seconds(timeout)}" if _timed_out(exc) else ""
        raise StepFailed(f"expectation could not be checked{waited}: {_first_line(exc)}") from None


async def _expect_value(ctx: ActionContext, of: Locator, wanted: str) -> None:
    from playwright.async_api import expect as pw_expect

    target = of.resolve(ctx.page)
    try:
        await pw_expect(target).to_have_value(wanted, timeout=ctx.timeout_ms)
    except AssertionError:
        if await target.count() != 1:
            raise await explain_locator_failure(ctx, of, AssertionError("value")) from None
        actual = await target.input_value(timeout=1000)
        raise StepFailed(
            f"expected value {wanted!r} in {of.describe()}, actual {actual!r}"
        ) from None


async def _expect_attribute(ctx: ActionContext, of: Locator, name: str, wanted: str | None) -> None:
    from playwright.async_api import expect as pw_expect

    target = of.resolve(ctx.page)
    pattern = re.compile(".*", re.S) if wanted is None else wanted
    try:
        await pw_expect(target).to_have_attribute(name, pattern, timeout=ctx.timeout_ms)
    except AssertionError:
        if await target.count() != 1:
            raise await explain_locator_failure(ctx, of, AssertionError("attribute")) from None
        actual = await target.get_attribute(name, timeout=1000)
        expected = "present" if wanted is None else repr(wanted)
        shown = "not set" if actual is None else repr(actual)
        raise StepFailed(
            f"expected attribute {name!r} of {of.describe()} {expected}, actual {shown}"
        ) from None


# ---------------------------------------------------------------------------
# Actions: variables and evidence

_READ_JS = """e => ['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName) ? e.value : e.innerText"""


def format_number(number: float) -> str:
    """A number as a variable holds it: ``89.0`` -> ``"89"``, ``1234.5`` -> ``"1234.5"``."""
    text = f"{number:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@runs("capture")
async def capture(ctx: ActionContext, args: CaptureArgs) -> None:
    for name, target in args.root.items():
        holder: dict[str, str] = {}

        async def read(
            el: Any, holder: dict[str, str] = holder, target: CaptureTarget = target
        ) -> None:
            if target.attribute:
                holder["v"] = await el.get_attribute(target.attribute, timeout=ctx.timeout_ms) or ""
            else:
                await el.wait_for(state="attached", timeout=ctx.timeout_ms)
                holder["v"] = await el.evaluate(_READ_JS)

        await _on_element(ctx, target.locator_only(), read)
        text = " ".join(str(holder["v"]).split())
        number = parse_number(text)
        value = text
        if target.number:
            if number is None:
                raise StepFailed(f"no number in {text!r} read from {target.describe()}")
            value = format_number(number)
        ctx.variables[name] = value
        if target.secret and value:
            ctx.secrets.update({text, value})
        ctx.captures.append(
            Capture(
                name=name,
                text=text,
                number=None if target.secret else number,
                secret=target.secret,
            )
        )


@runs("set")
async def set_variables(ctx: ActionContext, args: SetArgs) -> None:
    for name, (value, secret) in args.values().items():
        ctx.variables[name] = value
        if secret and value:
            ctx.secrets.add(value)


@runs("use")
async def use(ctx: ActionContext, args: UseArgs) -> None:
    raise StepFailed("'use' steps are expanded when the journey loads")


def _screenshot_file(ctx: ActionContext, label: str | None) -> tuple[Path, str]:
    suffix = re.sub(r"[^A-Za-z0-9]+", "-", label or "screenshot").strip("-").lower()[:40]
    rel = f"{ctx.screenshot_stem}-{suffix or 'screenshot'}.png"
    n = 2
    while rel in ctx.artifacts:
        rel = f"{ctx.screenshot_stem}-{suffix}-{n}.png"
        n += 1
    return (ctx.output_dir or Path.cwd()) / rel, rel


@runs("screenshot")
async def screenshot(ctx: ActionContext, args: ScreenshotArgs) -> None:
    from playwright.async_api import Error as PlaywrightError

    from cxaudit.gather.snapshot import SENSITIVE_FIELDS

    path, rel = _screenshot_file(ctx, args.label)
    path.parent.mkdir(parents=True, exist_ok=True)
    mask = [ctx.page.locator(", ".join((*SENSITIVE_FIELDS, f"[{SECRET_MARK}]")))]
    if args.of is not None:
        await _on_element(
            ctx,
            args.of,
            lambda el: el.screenshot(path=str(path), mask=mask, timeout=ctx.timeout_ms),
        )
    else:
        try:
            await ctx.page.screenshot(
                path=str(path), full_page=args.full_page, mask=mask, timeout=ctx.timeout_ms
            )
        except PlaywrightError as exc:
            raise StepFailed(f"screenshot failed: {_first_line(exc)}") from None
    ctx.artifacts.append(rel)


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


# ---------------------------------------------------------------------------
# Consent banners


async def dismiss_consent(
    ctx: ActionContext, accept: Locator, banner: Locator | None, wait_ms: float
) -> str:
    """Accept a cookie banner if one shows within ``wait_ms``, then check it is gone.

    Returns what happened, for the step's message. A banner that does not
    show at all is fine (a returning visitor, another region); one that
    stays after the click fails the step.
    """
    from playwright.async_api import Error as PlaywrightError

    button = accept.resolve(ctx.page).first
    try:
        await button.wait_for(state="visible", timeout=wait_ms)
    except PlaywrightError:
        return "no consent banner showed"
    try:
        await button.click(timeout=ctx.timeout_ms)
    except PlaywrightError as exc:
        raise StepFailed(
            f"consent banner: could not click {accept.describe()}: {_first_line(exc)}"
        ) from None
    gone = (banner or accept).resolve(ctx.page).first
    try:
        await gone.wait_for(state="hidden", timeout=ctx.timeout_ms)
    except PlaywrightError:
        raise StepFailed(
            f"consent banner still visible after clicking {accept.describe()}: "
            "check the consent settings of the journey"
        ) from None
    return f"consent banner accepted ({accept.describe()})"


# ---------------------------------------------------------------------------
# After a step: when its page counts as ready


async def page_loaded(ctx: ActionContext) -> None:
    """Wait (at most the step's timeout) for the load state the journey asks for.

    ``commit`` waits for nothing more; a page still loading when the timeout
    comes is measured as it is (the step does not fail here).
    """
    state = ctx.wait_until or "load"
    if state == "commit":
        return
    try:
        await ctx.page.wait_for_load_state(state, timeout=ctx.timeout_ms)
    except Exception:
        pass  # a page still loading is measured as it is


async def wait_for_element(ctx: ActionContext, loc: Locator) -> None:
    """A step's ``wait_for``: the element must become visible within the step's timeout."""
    await _on_element(ctx, loc, lambda el: el.wait_for(state="visible", timeout=ctx.timeout_ms))


# Actions in their own modules register when the registry is imported.
from cxaudit.mail import action as _mail_action  # noqa: E402, F401
