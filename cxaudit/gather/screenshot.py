"""Audit screenshots, stored small: a report of a large suite must stay small.

Screenshots are taken through the DevTools protocol, which (unlike
Playwright's own call) can encode WebP: about half the bytes of a JPEG of the
same quality. They are taken at CSS pixels by default, not device pixels (a
phone's 2.6x density makes a picture 7x the pixels and tells a reader
nothing more), and the page is cut at ``max_height`` CSS pixels. Fields that
hold what customers type into card, password and secret fields are blanked
with a style sheet before the picture is taken and restored after it.

A page may also show a journey's secret itself: echoed as text, pre-filled
into a field, in a placeholder or a ``content:`` of its style sheet. Before
the picture, every text node, field value, placeholder, alt text and
pseudo-element content of the page is read (the secrets are never sent into
the page: the text comes out and is matched here, in every form
:class:`~cxaudit.redact.Redactor` knows); the elements that show a secret
are covered like sensitive fields, and their boxes recorded. When the page
still shows a secret after that (the page changed meanwhile, a frame shows
it, the page undid the mask), no screenshot is kept: :class:`Withheld`.

Encoding a WebP picture takes the browser longer than drawing it (about
three times as long as a PNG encoded for speed), and the journey waits for
it. With ``beside=True`` (:func:`capture`) the browser gives the picture as
such a PNG and it is encoded to its format on a thread of this process
while the journey goes on: the same pixels, the same codec (libwebp) and
about the same size. :func:`written` waits for those pictures; the runner
calls it when a journey run's page closes, before anything reads them.
"""

from __future__ import annotations

import base64
import bisect
import contextlib
import io
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cxaudit.gather.deadline import page_call
from cxaudit.gather.session import forget_session, page_session

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

    from cxaudit.redact import Redactor
    from cxaudit.spec.locators import Locator

ImageFormat = Literal["webp", "jpeg", "png"]
SUFFIXES: dict[str, str] = {"webp": ".webp", "jpeg": ".jpg", "png": ".png"}
MASK_COLOUR = "#ff00ff"
#: A screenshot that has not come back by then is given up (the page is stuck).
CAPTURE_TIMEOUT_S = 30
#: Elements that show a secret, marked for the mask while the picture is taken.
ECHO_MARK = "data-cxaudit-echo"
ECHO_SELECTOR = f"[{ECHO_MARK}]"
#: Elements of the config's ``visual.mask``, marked to be painted over while the picture is taken.
PAINT_MARK = "data-cxaudit-paint"
PAINT_SELECTOR = f"[{PAINT_MARK}]"
WITHHELD = "withheld"


#: libwebp's effort (0-6) for pictures encoded here: about the browser's own size, in less time.
WEBP_METHOD = 2


class Withheld(Exception):
    """The page shows a secret that could not be covered: no screenshot is kept."""

    def __init__(self, why: str) -> None:
        super().__init__(f"{WITHHELD}: {why}, so no screenshot was kept")


@dataclass(frozen=True)
class ScreenshotOptions:
    """How audit screenshots are encoded and cut."""

    format: ImageFormat = "webp"
    quality: int = 70  # webp and jpeg, 1-100
    #: Full-page screenshots stop here (CSS pixels): a report needs the page, not an endless feed.
    max_height: int = 4000
    #: "css": one image pixel per CSS pixel; "device": the channel's device pixels.
    scale: Literal["css", "device"] = "css"
    #: Elements painted over in every picture (locators, config ``visual.mask``):
    #: parts of a page that change by design, so runs compare (:mod:`cxaudit.analysis.visual`).
    mask: tuple[Locator, ...] = ()

    @property
    def suffix(self) -> str:
        return SUFFIXES[self.format]


# The page's size and density; when sensitive fields are on the page, a style
# sheet that blanks them: their text (and a field's value) is drawn
# transparent on a flat colour box, selected text too (a selection paints
# its own colours over the text's). Elements matching ``painted`` (the
# visual masks) get the same box, and what is inside them is hidden too
# (pictures, canvases, videos). Only the ``secrets`` are checked after: a
# page's own style winning over a visual mask withholds nothing.
PREPARE_JS = """
([selectors, colour, painted, secrets]) => {
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
    :is(${selectors})::before, :is(${selectors})::after,
    :is(${selectors}) *::before, :is(${selectors}) *::after {
      color: transparent !important; -webkit-text-fill-color: transparent !important;
      text-shadow: none !important; }
    :is(${selectors})::selection, :is(${selectors}) *::selection {
      color: transparent !important; -webkit-text-fill-color: transparent !important;
      background: transparent !important; }
    :is(${selectors}) { background: ${colour} !important; }`;
    if (painted) style.textContent += `
    :is(${painted}) * { visibility: hidden !important; }
    :is(${painted}) { box-shadow: none !important; object-position: -100000px -100000px !important; }`;
    (document.head || root).appendChild(style);
    // A page's own rules (more specific, !important) may win over the mask.
    const clear = (c) => c === 'transparent' || /^rgba\\(.*,\\s*0\\)$/.test(c);
    size.unmasked = [...document.querySelectorAll(secrets)].filter((el) => {
      const css = getComputedStyle(el);
      return !clear(css.color) || !clear(css.webkitTextFillColor);
    }).length;
  }
  return size;
}
"""
#: Undoes the mask; says whether it was still in place (a page may remove it).
CLEANUP_JS = """
(marks) => {
  const styles = document.querySelectorAll('style[data-cxaudit-mask]');
  const intact = styles.length > 0 && [...styles].every((s) => s.isConnected);
  for (const el of styles) el.remove();
  for (const mark of marks)
    for (const el of document.querySelectorAll(`[${mark}]`)) el.removeAttribute(mark);
  return intact;
}
"""
MARKS = [ECHO_MARK, PAINT_MARK]
#: Marks the elements a locator found (``evaluate_all``); how many.
PAINT_JS = """
(els, mark) => { for (const el of els) el.setAttribute(mark, ''); return els.length; }
"""
#: Everything the page draws as text, in document order, as [target, text]:
#: text nodes (a <select>'s options count for the select, a shadow tree's for
#: its outermost host, which the document's style sheet reaches), field
#: values, placeholders, alt texts, ::before/::after content. ``indices``
#: given: marks those items' targets (when their text is still ``expected``)
#: and returns their boxes, the marks that failed, and the text of every item
#: the mask (``covered``) does not reach.
ECHO_JS = """
([mark, indices, expected, covered]) => {
  const items = [];
  const target = (el) => {
    let t = el.closest('select') || el;
    while (t.getRootNode() instanceof ShadowRoot) t = t.getRootNode().host;
    return t;
  };
  const push = (el, text) => {
    if (typeof text === 'string' && text.trim()) items.push([target(el), text]);
  };
  const hidden = 'script, style, noscript, template, head';
  const walk = (root) => {
    const tw = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = tw.nextNode(); n; n = tw.nextNode()) {
      if (n.nodeType === Node.TEXT_NODE) {
        const parent = n.parentElement;
        if (parent && !parent.closest(hidden)) push(parent, n.data);
        continue;
      }
      if (n.matches(hidden)) continue;
      if (n.tagName === 'INPUT' || n.tagName === 'TEXTAREA') push(n, n.value);
      for (const name of ['placeholder', 'alt']) push(n, n.getAttribute(name));
      for (const pseudo of ['::before', '::after']) {
        const content = getComputedStyle(n, pseudo).content;
        if (content && content !== 'none' && content !== 'normal') push(n, content);
      }
      if (n.shadowRoot) walk(n.shadowRoot);
    }
  };
  walk(document.documentElement);
  if (indices === null) return items.map((item) => item[1]);
  const boxes = [];
  let failed = 0;
  indices.forEach((index, k) => {
    const item = items[index];
    if (!item || item[1] !== expected[k]) { failed += 1; return; }
    const el = item[0];
    if (!el.hasAttribute(mark)) {
      el.setAttribute(mark, '');
      const r = el.getBoundingClientRect();
      boxes.push({tag: el.tagName.toLowerCase().replace(/[^a-z0-9-]/g, '').slice(0, 40),
        x: Math.round(r.left + scrollX), y: Math.round(r.top + scrollY),
        width: Math.round(r.width), height: Math.round(r.height)});
    }
  });
  const rest = items.filter((item) => !item[0].closest(covered)).map((item) => item[1]);
  return {boxes, failed, rest};
}
"""
#: A frame's text, field values and placeholders (checked, not masked: a frame
#: that shows a secret withholds the screenshot).
FRAME_TEXT_JS = """
() => {
  const parts = [document.body ? document.body.innerText : ''];
  for (const el of document.querySelectorAll('input, textarea')) parts.push(el.value);
  for (const el of document.querySelectorAll('[placeholder]')) parts.push(el.placeholder);
  return parts.join('\\n');
}
"""


async def _send(session: CDPSession, method: str, params: dict[str, Any]) -> dict[str, Any]:
    # A stuck page must not hang the run.
    return await page_call(session.send(method, params), CAPTURE_TIMEOUT_S)


async def cover_secrets(page: Page, redactor: Redactor, covered: str) -> list[dict[str, Any]]:
    """Mark the elements of ``page`` that show a secret for the mask; their boxes.

    Raises :class:`Withheld` when a secret shows where no mark can cover it.
    The secrets stay here: the page's text is read out and matched in Python.
    """
    texts: list[str] = await page.evaluate(ECHO_JS, [ECHO_MARK, None, None, covered])
    # Joined as the page reads (a <br> is a line break), so a secret split
    # across elements is found too; every item a match touches is covered.
    starts, pos = [], 0
    for text in texts:
        starts.append(pos)
        pos += len(text) + 1
    indices: set[int] = set()
    for start, end in redactor.spans("\n".join(texts)):
        first = bisect.bisect_right(starts, start) - 1
        last = bisect.bisect_left(starts, end) - 1
        indices.update(range(max(first, 0), max(last, first) + 1))
    indices.update(i for i, text in enumerate(texts) if i not in indices and redactor.shows(text))
    boxes: list[dict[str, Any]] = []
    if indices:
        chosen = sorted(indices)
        marked = await page.evaluate(
            ECHO_JS, [ECHO_MARK, chosen, [texts[i] for i in chosen], covered]
        )
        boxes = marked["boxes"]
        if marked["failed"]:
            raise Withheld("the page shows a secret and changed while it was being covered")
        if redactor.shows("\n".join(marked["rest"])):
            raise Withheld("the page shows a secret where no mask reaches")
    for frame in page.frames:
        if frame is page.main_frame:
            continue
        try:
            shown = await frame.evaluate(FRAME_TEXT_JS)
        except Exception:
            continue  # a frame gone meanwhile shows nothing
        if redactor.shows(str(shown)):
            raise Withheld("a frame on the page shows a secret")
    return boxes


async def mark_painted(page: Page, masks: tuple[Locator, ...], notes: list[str]) -> int:
    """Mark the elements of the ``masks`` for the mask; how many were found.

    A locator that finds nothing, or that the page cannot read (a CSS selector
    it does not know), covers nothing: the picture is still taken, and
    ``notes`` gets a line saying so ("mask css='#clock' not applied: ...").
    """
    found = 0
    for mask in masks:
        try:
            count = await page_call(
                mask.resolve(page).evaluate_all(PAINT_JS, PAINT_MARK), CAPTURE_TIMEOUT_S
            )
        except TimeoutError:
            raise
        except Exception as exc:
            why = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            why = why.split(": ", 1)[1] if why.startswith("Locator.") and ": " in why else why
            notes.append(f"mask {mask.describe()} not applied: the page rejects it ({why[:200]})")
            continue
        if not count:
            notes.append(f"mask {mask.describe()} not applied: it matches nothing on this page")
        found += count
    return found


async def capture(
    page: Page,
    path: Path,
    options: ScreenshotOptions,
    masked: tuple[str, ...],
    redactor: Redactor | None = None,
    notes: list[str] | None = None,
    beside: bool = False,
) -> list[dict[str, Any]]:
    """Write a full-page screenshot of ``page`` to ``path``, as ``options`` say.

    A ``visual.mask`` locator that covered nothing is said in ``notes``.

    With a ``redactor`` holding the journey's secrets, the elements that show
    one are covered too; their boxes (page coordinates, CSS pixels) are
    returned. Raises :class:`Withheld`, writing nothing, when a secret
    shows and cannot be covered, or when the page undid the mask.

    ``beside``: a WebP picture is encoded on a thread, after this returns
    (see the module's notes and :func:`written`).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    boxes: list[dict[str, Any]] = []
    painted = ""
    try:
        if redactor:
            masked = (*masked, ECHO_SELECTOR)
            boxes = await cover_secrets(page, redactor, ", ".join(masked))
        secrets = ", ".join(masked)
        if options.mask and await mark_painted(
            page, options.mask, notes if notes is not None else []
        ):
            painted = PAINT_SELECTOR
            masked = (*masked, PAINT_SELECTOR)
        size = await page.evaluate(
            PREPARE_JS, [", ".join(masked), MASK_COLOUR, painted, secrets or ":not(*)"]
        )
    except BaseException:
        if redactor or options.mask:
            await page.evaluate(CLEANUP_JS, MARKS)
        raise
    later = beside and options.format == "webp"  # JPEG and PNG: the browser is quick
    params: dict[str, object] = {
        "format": "png" if later else options.format,
        "captureBeyondViewport": True,
        "clip": {
            "x": 0,
            "y": 0,
            "width": size["width"],
            "height": min(size["height"], options.max_height),
            "scale": 1 if options.scale == "css" else size["dpr"],
        },
    }
    if later:
        params["optimizeForSpeed"] = True  # a fast PNG: only this process reads it
    elif options.format != "png":
        params["quality"] = max(1, min(100, options.quality))
    intact = True
    try:
        if size.get("unmasked"):
            raise Withheld("the page's own style sheet shows a masked field")
        try:
            shot = await _send(await page_session(page), "Page.captureScreenshot", params)
        except TimeoutError:
            # Not a TimeoutError: the snapshot reads that as the whole page being stuck.
            raise ScreenshotTimeout(too_slow(size, options)) from None
        except Exception:
            # A session can go with a renderer that was swapped: open a new one, once.
            forget_session(page)
            shot = await _send(await page_session(page), "Page.captureScreenshot", params)
    finally:
        if size["masked"] or boxes:
            intact = await page.evaluate(CLEANUP_JS, MARKS)
    if size["masked"] and not intact:
        raise Withheld("the page removed the mask before the picture was taken")
    data = base64.b64decode(shot["data"])
    if later:
        _encode_beside(data, path, options)
    else:
        path.write_bytes(data)
    return boxes


_POOL: ThreadPoolExecutor | None = None
_PENDING: dict[Path, Future[None]] = {}
_LOCK = threading.Lock()


def encode(png: bytes, path: Path, options: ScreenshotOptions) -> None:
    """Write the PNG picture ``png`` to ``path`` as WebP, at the quality ``options`` say.

    Written under another name first and then renamed, so that a reader
    never sees half a picture. A picture that cannot be encoded is kept as
    the PNG it is (browsers and the image library read it by its content).
    """
    from PIL import Image

    quality = max(1, min(100, options.quality))
    part = path.with_name(path.name + ".part")
    try:
        with Image.open(io.BytesIO(png)) as image:
            picture = image.convert("RGB")
        picture.save(part, "WEBP", quality=quality, method=WEBP_METHOD)
    except Exception:
        part.write_bytes(png)
    part.replace(path)


def _encode_beside(png: bytes, path: Path, options: ScreenshotOptions) -> None:
    global _POOL
    with _LOCK:
        if _POOL is None:
            # One thread: the browser and the journey need the other core.
            _POOL = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cxaudit-screenshot")
        _PENDING[path] = _POOL.submit(encode, png, path, options)


def written(path: Path | None = None) -> None:
    """Wait until the pictures encoded beside the journey (or only ``path``) are written.

    Never raises: a picture that could not be written (a full disk) is
    missing, and the report and the visual comparison say so as for any
    missing screenshot.
    """
    with _LOCK:
        if path is None:
            pending = list(_PENDING.values())
            _PENDING.clear()
        else:
            pending = [f] if (f := _PENDING.pop(path, None)) is not None else []
    for future in pending:
        with contextlib.suppress(Exception):
            future.result()


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
