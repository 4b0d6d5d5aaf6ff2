"""Around a step: when its page counts as ready (its load state, a ``wait_for`` element),
and a cookie banner accepted by the journey's own locator."""

from __future__ import annotations

from cxaudit.run.actions.base import ActionContext, StepFailed, first_line, on_element
from cxaudit.spec.locators import Locator

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
            f"consent banner: could not click {accept.describe()}: {first_line(exc)}"
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
    await on_element(ctx, loc, lambda el: el.wait_for(state="visible", timeout=ctx.timeout_ms))
