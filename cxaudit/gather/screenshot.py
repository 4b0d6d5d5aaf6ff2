"""Audit screenshots, stored small: a report of a large suite must stay small.

Screenshots are taken through the DevTools protocol, which (unlike
Playwright's own call) can encode WebP: about half the bytes of a JPEG of the
same quality. They are taken at CSS pixels by default, not device pixels (a
phone's 2.6x density makes a picture 7x the pixels and tells a reader
nothing more), and the page is cut at ``max_height`` CSS pixels. Fields that
hold what customers type into card, password and secret fields are blanked
with a style sheet before the picture is taken and restored after it.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

ImageFormat = Literal["webp", "jpeg", "png"]
SUFFIXES: dict[str, str] = {"webp": ".webp", "jpeg": ".jpg", "png": ".png"}
MASK_COLOUR = "#ff00ff"
#: A screenshot that has not come back by then is given up (the page is stuck).
CAPTURE_TIMEOUT_S = 30


@dataclass(frozen=True)
class ScreenshotOptions:
    """How audit screenshots are encoded and cut."""

    format: ImageFormat = "webp"
    quality: int = 70  # webp and jpeg, 1-100
    #: Full-page screenshots stop here (CSS pixels): a report needs the page, not an endless feed.
    max_height: int = 4000
    #: "css": one image pixel per CSS pixel; "device": the channel's device pixels.
    scale: Literal["css", "device"] = "css"

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.format]


# The page's size and density; when sensitive fields are on the page, a style
# sheet that blanks them: their text (and a field's value) is drawn
# transparent on a flat colour box, selected text too (a selection paints
# its own colours over the text's).
PREPARE_JS = """
([selectors, colour]) => {
  const root = document.documentElement;
  const size = {
    width: Math.max(innerWidth, Math.min(root.scrollWidth, innerWidth * 2)),
    height: Math.max(root.scrollHeight, document.body ? document.body.scrollHeight : 0, 1),
    dpr: devicePixelRatio || 1,
    masked: document.querySelector(selectors) !== null,
  };
  if (size.masked) {
    const style = document.createElement('style');
    style.setAttribute('data-cxaudit-mask', '');
    style.textContent = `:is(${selectors}), :is(${selectors}) * {
      color: transparent !important; -webkit-text-fill-color: transparent !important;
      text-shadow: none !important; caret-color: transparent !important; }
    :is(${selectors})::selection, :is(${selectors}) *::selection {
      color: transparent !important; -webkit-text-fill-color: transparent !important;
      background: transparent !important; }
    :is(${selectors}) { background: ${colour} !important; }`;
    (document.head || root).appendChild(style);
  }
  return size;
}
"""
CLEANUP_JS = """
() => { for (const el of document.querySelectorAll('style[data-cxaudit-mask]')) el.remove(); }
"""

#: One DevTools session per page, kept for the page's life: opening one per
#: screenshot costs two round trips to the browser.
_SESSIONS: WeakKeyDictionary[Any, CDPSession] = WeakKeyDictionary()


async def _session(page: Page) -> CDPSession:
    session = _SESSIONS.get(page)
    if session is None:
        session = _SESSIONS[page] = await page.context.new_cdp_session(page)
    return session


async def _send(session: CDPSession, method: str, params: dict[str, Any]) -> dict[str, Any]:
    call = session.send(method, params)
    if asyncio.iscoroutine(call):  # the async API: a stuck page must not hang the run
        return await asyncio.wait_for(call, CAPTURE_TIMEOUT_S)
    return await call  # a synchronous page's view: the call has already finished


async def capture(
    page: Page, path: Path, options: ScreenshotOptions, masked: tuple[str, ...]
) -> None:
    """Write a full-page screenshot of ``page`` to ``path``, as ``options`` say."""
    path.parent.mkdir(parents=True, exist_ok=True)
    size = await page.evaluate(PREPARE_JS, [", ".join(masked), MASK_COLOUR])
    params: dict[str, object] = {
        "format": options.format,
        "captureBeyondViewport": True,
        "clip": {
            "x": 0,
            "y": 0,
            "width": size["width"],
            "height": min(size["height"], options.max_height),
            "scale": 1 if options.scale == "css" else size["dpr"],
        },
    }
    if options.format != "png":
        params["quality"] = max(1, min(100, options.quality))
    try:
        try:
            shot = await _send(await _session(page), "Page.captureScreenshot", params)
        except TimeoutError:
            # Not a TimeoutError: the snapshot reads that as the whole page being stuck.
            raise ScreenshotTimeout(too_slow(size, options)) from None
        except Exception:
            # A session can go with a renderer that was swapped: open a new one, once.
            _SESSIONS.pop(page, None)
            shot = await _send(await _session(page), "Page.captureScreenshot", params)
    finally:
        if size["masked"]:
            await page.evaluate(CLEANUP_JS)
    path.write_bytes(base64.b64decode(shot["data"]))


class ScreenshotTimeout(Exception):
    """The browser did not draw the picture in time; the page itself may be fine."""


def too_slow(size: dict[str, Any], options: ScreenshotOptions) -> str:
    """What a screenshot that did not come back says: how long, and how large the page is.

    A page does not need a script to be too much to draw: a 50 MB page of
    text is hundreds of thousands of pixels tall. The message says what was
    measured, not a guess at the cause.
    """
    height = int(size.get("height") or 0)
    cut = f", cut at {options.max_height:,} px" if height > options.max_height else ""
    return (
        f"the screenshot did not come back within {CAPTURE_TIMEOUT_S:g} s: the page is "
        f"{height:,} px tall and {int(size.get('width') or 0):,} px wide{cut}; "
        "no screenshot of this step"
    )
