"""A received message rendered at a phone width and at a desktop width, in a context of its own.

The journey's page shows the message at its channel's width, with the
channel's cookies (a click leads back into the web journey). How a customer
reads it is another question: on a phone, in a mail app, or on a desktop, in
a web mail. So each message is also drawn in a fresh browser context (no
cookies, no session, nothing shared with the journey), one page per width,
under the same policy as in the journey's page (no script, no remote content
unless the step loads it), and measured: does it scroll sideways, and how
much of its text is smaller than a phone can show legibly. A screenshot of
each is kept. The ``email-fits-screen`` check (CX-USE-050) judges the measures.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from cxaudit.results import EmailRendering

#: The widths a message is drawn at: a phone's (as a mail app shows it) and a desktop's.
WIDTHS: tuple[tuple[str, int, int], ...] = (("phone", 375, 740), ("desktop", 1280, 800))
#: Text smaller than this, in CSS px as drawn, is hard to read on a phone.
LEGIBLE_PX = 12
#: A screenshot shows at most this much of a long message (its top: the order, the total).
MAX_SHOT_HEIGHT = 2000
RENDER_TIMEOUT_MS = 15_000

_MEASURE = """(limit) => {
  const root = document.documentElement;
  let small = 0, total = 0, smallest = null;
  const walker = document.createTreeWalker(document.body || root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const text = node.textContent.trim();
    const element = node.parentElement;
    if (!text || !element) continue;
    const style = getComputedStyle(element);
    if (style.display === "none" || style.visibility === "hidden") continue;
    if (!element.getClientRects().length) continue;
    const size = parseFloat(style.fontSize);
    total += text.length;
    if (size < limit) small += text.length;
    smallest = smallest === null ? size : Math.min(smallest, size);
  }
  const body = document.body;
  return {
    width: window.innerWidth,
    scroll_width: Math.max(root.scrollWidth, body ? body.scrollWidth : 0),
    height: Math.max(root.scrollHeight, body ? body.scrollHeight : 0),
    smallest_px: smallest,
    small_text_share: total ? small / total : 0,
  };
}"""


async def _one(
    context: Any, address: str, name: str, size: tuple[int, int], shot: Path | None
) -> EmailRendering:
    # Not a mobile browser's 980 px layout viewport: a mail app lays the message out in
    # the screen's own width, so a message wider than that scrolls sideways (or shrinks).
    page = await context.new_page()
    try:
        await page.set_viewport_size({"width": size[0], "height": size[1]})
        await page.goto(address, wait_until="load", timeout=RENDER_TIMEOUT_MS)
        measured = await page.evaluate(_MEASURE, LEGIBLE_PX)
        screenshot = ""
        if shot is not None:
            height = min(int(measured["height"] or size[1]), MAX_SHOT_HEIGHT)
            clip = {"x": 0, "y": 0, "width": size[0], "height": max(height, 1)}
            await page.screenshot(
                path=str(shot), type="jpeg", quality=70, clip=clip, full_page=True
            )
            screenshot = shot.name
        return EmailRendering(
            name=name,
            width=int(measured["width"]),
            scroll_width=int(measured["scroll_width"]),
            height=int(measured["height"]),
            smallest_px=measured["smallest_px"],
            small_text_share=round(float(measured["small_text_share"]), 3),
            screenshot=screenshot,
        )
    finally:
        await page.close()


async def render_widths(
    browser: Any, address: str, body: str, csp: str, shots: Path | None, stem: str
) -> tuple[list[EmailRendering], list[str]]:
    """The message drawn at each of :data:`WIDTHS` at once; what could not be drawn is said.

    ``shots`` is the folder the screenshots go to (``<stem>-email-<width>.jpg``), or None.
    """
    if browser is None:
        return [], ["not rendered at other widths: no browser to open a context in"]
    try:
        # One context of its own for both widths (a page each): nothing of the journey's.
        context = await browser.new_context()
    except Exception as exc:
        return [], [f"not rendered at other widths: {type(exc).__name__}: {exc}"[:300]]
    try:

        async def answer(route: Any) -> None:
            headers = {"content-type": "text/html; charset=utf-8", "content-security-policy": csp}
            await route.fulfill(status=200, headers=headers, body=body)

        await context.route(address, answer)
        jobs = [
            _one(
                context,
                address,
                name,
                (width, height),
                None if shots is None else shots / f"{stem}-email-{name}.jpg",
            )
            for name, width, height in WIDTHS
        ]
        done = await asyncio.gather(*jobs, return_exceptions=True)
    finally:
        with contextlib.suppress(Exception):
            await context.close()
    renderings = [r for r in done if isinstance(r, EmailRendering)]
    problems = [
        f"not rendered at the {name} width: {type(r).__name__}: {str(r).splitlines()[0][:200]}"
        for (name, *_), r in zip(WIDTHS, done, strict=True)
        if isinstance(r, BaseException)
    ]
    return renderings, problems
