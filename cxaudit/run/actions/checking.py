"""Actions that wait and check: wait for an element, text or address; expect."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cxaudit.spec.actions import (
    ExpectArgs,
    WaitArgs,
)
from cxaudit.spec.locators import Locator

if TYPE_CHECKING:
    from playwright.async_api import Page

from cxaudit.run.actions.base import (
    ActionContext,
    StepFailed,
    explain_locator_failure,
    first_line,
    runs,
    seconds,
    timed_out,
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
        raise StepFailed(f"wait failed: {first_line(exc)}") from None


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
        waited = f" within {seconds(timeout)}" if timed_out(exc) else ""
        raise StepFailed(f"expectation could not be checked{waited}: {first_line(exc)}") from None


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
