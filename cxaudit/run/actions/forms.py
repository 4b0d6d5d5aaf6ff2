"""Actions on form fields: fill, type, choose, press a key, upload."""

from __future__ import annotations

from typing import Any

from cxaudit.run.actions.base import (
    ActionContext,
    StepFailed,
    first_line,
    mark_secret,
    on_element,
    runs,
)
from cxaudit.spec.actions import (
    FillArgs,
    PressArgs,
    SelectArgs,
    TypeArgs,
    UploadArgs,
)
from cxaudit.spec.paths import is_file

# ---------------------------------------------------------------------------
# Actions: forms


@runs("fill")
async def fill(ctx: ActionContext, args: FillArgs) -> None:
    async def op(el: Any) -> None:
        await el.fill(args.value, timeout=ctx.timeout_ms)
        await mark_secret(el, ctx, args.value)

    await on_element(ctx, args, op)


@runs("type")
async def type_text(ctx: ActionContext, args: TypeArgs) -> None:
    async def op(el: Any) -> None:
        await el.press_sequentially(args.value, delay=args.delay, timeout=ctx.timeout_ms)
        await mark_secret(el, ctx, args.value)

    await on_element(ctx, args, op)


@runs("select")
async def select(ctx: ActionContext, args: SelectArgs) -> None:
    async def choose(el: Any) -> None:
        from playwright.async_api import Error as PlaywrightError

        try:
            await el.select_option(label=args.option, timeout=ctx.timeout_ms)
        except PlaywrightError:
            await el.select_option(value=args.option, timeout=ctx.timeout_ms)

    await on_element(ctx, args, choose)


@runs("press")
async def press(ctx: ActionContext, args: PressArgs) -> None:
    from playwright.async_api import Error as PlaywrightError

    if args.on is not None:
        await on_element(ctx, args.on, lambda el: el.press(args.key, timeout=ctx.timeout_ms))
        return
    try:
        await ctx.page.keyboard.press(args.key)
    except PlaywrightError as exc:
        raise StepFailed(f"cannot press {args.key!r}: {first_line(exc)}") from None


@runs("upload")
async def upload(ctx: ActionContext, args: UploadArgs) -> None:
    paths = [ctx.source_dir / name for name in args.files]
    missing = [str(p) for p in paths if not is_file(p)]
    if missing:
        raise StepFailed(f"no such file: {', '.join(missing)}")
    await on_element(
        ctx, args, lambda el: el.set_input_files([str(p) for p in paths], timeout=ctx.timeout_ms)
    )
