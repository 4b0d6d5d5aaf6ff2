"""A received message rendered at a phone width and at a desktop width, in a context of its own.

The journey's page shows the message at its channel's width, with the
channel's cookies (a click leads back into the web journey). How a customer
reads it is another question: on a phone, in a mail app, or on a desktop, in
a web mail. So each message is also drawn in a fresh browser context (no
cookies, no session, nothing shared with the journey), under the same policy
as in the journey's page (no script, no remote content unless the step loads
it), in one page loaded once and resized from the phone width to the desktop
width (a page per width cost twice as much). At each width it is measured
(does it scroll sideways, how much of its text is smaller than a phone shows
legibly), audited with axe-core as the journey's pages are, and pictured; at
the phone width the layout gatherer also reads its tap targets and text
sizes. The ``email-fits-screen`` (CX-USE-050), ``email-accessibility``
(CX-A11Y-052) and ``email-tap-targets`` (CX-USE-051) checks judge them.
"""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import Any

from cxaudit.gather.axe import AxeProfile, run_axe
from cxaudit.gather.layout import layout_of
from cxaudit.results import EmailRendering
from cxaudit.sanitize import valid_value

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


#: Longest the audits of one width (axe-core, the layout) may take.
AUDIT_TIMEOUT_S = 60.0


async def _audit(page: Any, name: str, profile: AxeProfile, errors: dict[str, str]) -> Any:
    """axe-core on the page as drawn now, and at the phone width the layout (both at once,
    as a snapshot's readers run); failures are said in ``errors`` (``axe``, ``layout``),
    never raised."""
    jobs = {"axe": run_axe(page, profile=profile)}
    if name == "phone":
        jobs["layout"] = layout_of(page)
    answers = await asyncio.gather(
        *(asyncio.wait_for(job, AUDIT_TIMEOUT_S) for job in jobs.values()),
        return_exceptions=True,
    )
    found: dict[str, Any] = {}
    for key, answer in zip(jobs, answers, strict=True):
        if isinstance(answer, Exception):
            errors[key] = _said(answer)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            found[key] = answer
    return found


async def _draw(
    page: Any,
    name: str,
    size: tuple[int, int],
    shot: Path | None,
    profile: AxeProfile | None,
) -> EmailRendering:
    """The page as drawn at ``size``: measured, audited when ``profile`` is given, and pictured."""
    # Not a mobile browser's 980 px layout viewport: a mail app lays the message out in
    # the screen's own width, so a message wider than that scrolls sideways (or shrinks).
    await page.set_viewport_size({"width": size[0], "height": size[1]})
    measured = await page.evaluate(_MEASURE, LEGIBLE_PX)
    errors: dict[str, str] = {}
    audited = await _audit(page, name, profile, errors) if profile is not None else {}
    screenshot = ""
    if shot is not None:
        height = min(int(measured["height"] or size[1]), MAX_SHOT_HEIGHT)
        clip = {"x": 0, "y": 0, "width": size[0], "height": max(height, 1)}
        await page.screenshot(path=str(shot), type="jpeg", quality=70, clip=clip, full_page=True)
        screenshot = shot.name
    return EmailRendering(
        name=name,
        width=int(measured["width"]),
        scroll_width=int(measured["scroll_width"]),
        height=int(measured["height"]),
        smallest_px=measured["smallest_px"],
        small_text_share=round(float(measured["small_text_share"]), 3),
        screenshot=screenshot,
        audited=profile is not None,
        **valid_value(audited),
        errors=errors,
    )


async def render_widths(
    browser: Any,
    address: str,
    body: str,
    csp: str,
    shots: Path | None,
    stem: str,
    profile: AxeProfile | None = None,
) -> tuple[list[EmailRendering], list[str]]:
    """The message drawn at each of :data:`WIDTHS`, one after the other in one page (resized:
    the message is loaded once); what could not be drawn is said.

    ``shots`` is the folder the screenshots go to (``<stem>-email-<width>.jpg``), or None.
    With ``profile`` each width is also audited with axe-core (that profile's rules), and
    the phone width's layout read (tap targets, text sizes), for the email-accessibility
    and email-tap-targets checks.
    """
    if browser is None:
        return [], ["not rendered at other widths: no browser to open a context in"]
    try:
        # A context of its own: nothing of the journey's (cookies, session, scripts).
        context = await browser.new_context()
    except Exception as exc:
        return [], [f"not rendered at other widths: {type(exc).__name__}: {exc}"[:300]]
    renderings: list[EmailRendering] = []
    problems: list[str] = []
    try:

        async def answer(route: Any) -> None:
            headers = {"content-type": "text/html; charset=utf-8", "content-security-policy": csp}
            await route.fulfill(status=200, headers=headers, body=body)

        await context.route(address, answer)
        page = await context.new_page()
        _, width, height = WIDTHS[0]
        await page.set_viewport_size({"width": width, "height": height})
        try:
            await page.goto(address, wait_until="load", timeout=RENDER_TIMEOUT_MS)
        except Exception as exc:
            return [], [f"not rendered at other widths: {_said(exc)}"]
        for name, width, height in WIDTHS:
            try:
                shot = None if shots is None else shots / f"{stem}-email-{name}.jpg"
                renderings.append(await _draw(page, name, (width, height), shot, profile))
            except Exception as exc:
                problems.append(f"not rendered at the {name} width: {_said(exc)}")
    finally:
        with contextlib.suppress(Exception):
            await context.close()
    return renderings, problems


def _said(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"
