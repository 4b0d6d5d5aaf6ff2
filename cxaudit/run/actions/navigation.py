"""Actions that go places: open an address, click, hover, scroll."""

from __future__ import annotations

import re

from cxaudit.run.actions.base import (
    _UNREACHABLE,
    TRANSIENT_STATUSES,
    ActionContext,
    ActionFn,
    SiteUnreachable,
    StepFailed,
    TransientResponse,
    first_line,
    on_element,
    runs,
    seconds,
    timed_out,
)
from cxaudit.spec.actions import (
    ClickArgs,
    GotoArgs,
    ScrollArgs,
)
from cxaudit.spec.locators import Locator

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
        message = re.sub(r"^Page\.goto:\s*", "", first_line(exc))
        kind = SiteUnreachable if any(code in message for code in _UNREACHABLE) else StepFailed
        if timed_out(exc):
            message = f"no page within {seconds(ctx.timeout_ms)}, the step timeout ({message})"
        raise kind(f"could not open {url}: {message}") from None
    if response is not None and response.status >= 400:
        kind = TransientResponse if response.status in TRANSIENT_STATUSES else StepFailed
        raise kind(f"{url} answered HTTP {response.status}")


def _element_method(action: str) -> ActionFn:
    """An action that is one call of the Playwright element method of its own name."""

    async def carry_out(ctx: ActionContext, args: ClickArgs) -> None:
        await on_element(ctx, args, lambda el: getattr(el, action)(timeout=ctx.timeout_ms))

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
        await on_element(ctx, loc, lambda el: el.scroll_into_view_if_needed(timeout=ctx.timeout_ms))
        return
    script = (
        "() => window.scrollTo(0, 0)"
        if args.to == "top"
        else "() => window.scrollTo(0, document.documentElement.scrollHeight)"
    )
    try:
        await ctx.page.evaluate(script)
    except PlaywrightError as exc:
        raise StepFailed(f"cannot scroll: {first_line(exc)}") from None
