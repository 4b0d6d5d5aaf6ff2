"""One snapshot after a step: every gatherer, each allowed to fail on its own."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cxaudit.gather.axe import run_axe
from cxaudit.gather.page_info import read_page_info
from cxaudit.results import Snapshot, Timing

if TYPE_CHECKING:
    from playwright.async_api import Page

    from cxaudit.browser import Channel, Throttle
    from cxaudit.gather.recorder import PageRecorder

#: Fields whose values customers type and must never appear in a screenshot.
SENSITIVE_FIELDS = (
    "input[type=password]",
    "input[autocomplete^='cc-']",
    "input[name*='card' i]",
    "input[id*='card' i]",
    "input[name*='cvc' i]",
    "input[name*='cvv' i]",
    # Fields a journey filled with a secret (cxaudit.actions.SECRET_MARK).
    "[data-cxaudit-secret]",
)
#: Full-page screenshots stop here: a report needs the page, not an endless feed.
MAX_SCREENSHOT_HEIGHT = 6000
#: Longest any one gatherer may take. ``page.evaluate`` has no timeout of its
#: own: a page stuck in a script loop would hold the journey forever.
GATHER_TIMEOUT_S = 90.0
SCREENSHOT_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class SnapshotOptions:
    """What to gather; the runner sets these per step."""

    output_dir: Path
    screenshot_name: str
    audit: bool = True
    screenshot: bool = True
    channel: Channel | None = None
    axe_options: dict[str, Any] | None = None
    quality: int = 70
    #: Longest one gatherer may take; ``None`` for a synchronous page, which
    #: cannot be interrupted anyway (see :mod:`cxaudit.gather.sync_page`).
    gather_timeout_s: float | None = GATHER_TIMEOUT_S


GatherFn = Callable[["Page", SnapshotOptions], Awaitable[Any]]


@dataclass(frozen=True)
class Gatherer:
    """One artifact read from the page into one :class:`Snapshot` field.

    ``when="audit"`` gatherers run only after steps that are audited (those
    that may change the page); ``"always"`` ones after every step.
    """

    name: str
    field: str
    run: GatherFn
    when: Literal["always", "audit"] = "audit"


GATHERERS: dict[str, Gatherer] = {}


def gatherer(
    name: str, field: str, when: Literal["always", "audit"] = "audit"
) -> Callable[[GatherFn], GatherFn]:
    """Register a gatherer; its failures are recorded under ``name`` in ``errors``."""

    def register(fn: GatherFn) -> GatherFn:
        if name in GATHERERS:
            raise ValueError(f"gatherer {name!r} is registered twice")
        GATHERERS[name] = Gatherer(name=name, field=field, run=fn, when=when)
        return fn

    return register


@gatherer("axe", "axe")
async def _axe(page: Page, options: SnapshotOptions) -> dict[str, Any]:
    return await run_axe(page, options.axe_options)


def _short(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError) and not str(exc):
        return f"gave up after {GATHER_TIMEOUT_S:.0f} s (the page's script kept it busy)"
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


async def _bounded(work: Awaitable[Any], timeout_s: float | None) -> Any:
    if timeout_s is None:
        return await work
    return await asyncio.wait_for(work, timeout_s)


async def screenshot(page: Page, path: Path, quality: int) -> None:
    """A JPEG of the page with sensitive fields masked, capped in height."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = await page.evaluate("() => document.documentElement.scrollHeight")
    width = page.viewport_size["width"] if page.viewport_size else 1280
    options: dict[str, Any] = {
        "path": str(path),
        "type": "jpeg",
        "quality": quality,
        "full_page": True,
        "mask": [page.locator(", ".join(SENSITIVE_FIELDS))],
        "animations": "disabled",
        "caret": "hide",
        # Its own limit, not the step's: a large page takes a while to paint.
        "timeout": SCREENSHOT_TIMEOUT_MS,
    }
    if height and height > MAX_SCREENSHOT_HEIGHT:
        options["clip"] = {"x": 0, "y": 0, "width": width, "height": MAX_SCREENSHOT_HEIGHT}
    await page.screenshot(**options)


async def take_snapshot(
    page: Page,
    recorder: PageRecorder,
    throttle: Throttle,
    options: SnapshotOptions,
    previous_time_origin: float | None,
) -> tuple[Snapshot, float | None]:
    """Read the page after a step. Never raises; failures land in ``errors``."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"url": page.url}
    time_origin = previous_time_origin
    async with throttle.paused():
        try:
            info = await _bounded(read_page_info(page), options.gather_timeout_s)
            time_origin = info["timeOrigin"]
            navigated = previous_time_origin is None or time_origin != previous_time_origin
            data.update(
                url=info["url"],
                title=info["title"],
                viewport=info["viewport"],
                visible_text=info["text"],
            )
            if info["timing"] is not None:
                data["timing"] = Timing(navigated=navigated, **info["timing"])
        except Exception as exc:
            errors["page"] = _short(exc)
        for item in GATHERERS.values():
            if item.when == "audit" and not options.audit:
                continue
            try:
                data[item.field] = await _bounded(item.run(page, options), options.gather_timeout_s)
            except Exception as exc:
                errors[item.name] = _short(exc)
        if options.screenshot:
            shot = options.output_dir / options.screenshot_name
            try:
                await screenshot(page, shot, options.quality)
                data["screenshot"] = options.screenshot_name
            except Exception as exc:
                errors["screenshot"] = _short(exc)
    console, failed, status = recorder.drain()
    data.update(
        console=console, failed_requests=failed, status=status, audited=options.audit, errors=errors
    )
    return Snapshot(**data), time_origin
