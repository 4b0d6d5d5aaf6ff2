"""Actions on variables and evidence: capture a value, set variables, use a fragment, screenshot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from cxaudit.checks.values import parse_number
from cxaudit.results import Capture
from cxaudit.run.actions.base import (
    SECRET_MARK,
    ActionContext,
    StepFailed,
    first_line,
    on_element,
    runs,
)
from cxaudit.spec.actions import (
    CaptureArgs,
    CaptureTarget,
    ScreenshotArgs,
    SetArgs,
    UseArgs,
)

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

        await on_element(ctx, target.locator_only(), read)
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
        await on_element(
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
            raise StepFailed(f"screenshot failed: {first_line(exc)}") from None
    ctx.artifacts.append(rel)
