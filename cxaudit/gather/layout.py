"""What the page looks like to a thumb and an eye, read in one round trip.

The ``layout`` snapshot field (plain data, every size in CSS pixels):

- ``viewport``: ``width``/``height`` (layout viewport), ``client_width``,
  ``scale`` (the zoom the browser chose: below 1 when a phone shrinks a page
  that has no viewport meta tag) and ``screen_width``.
- ``touch``: whether the channel has a coarse pointer (a finger).
- ``viewport_meta``: the ``content`` of ``<meta name=viewport>``, or None.
- ``document``: ``scroll_width``, ``client_width``, ``overflow_x`` (of html
  and body) and ``offenders``: the outermost elements reaching past the
  right edge of the viewport (selector, box, html).
- ``targets``: things a customer taps (links, buttons, fields, widgets),
  each with selector, name, box, ``inline`` (a link inside a sentence) and
  ``labelled`` (a visible label activates it too); ``targets_total`` counts
  them all when the list is capped.
- ``text``: ``total_chars``, ``histogram`` (``[font size, characters]``) and
  ``small``: the elements with the smallest text (selector, size, chars, text).
- ``images``: ``total`` and ``broken`` (loaded but not decodable: selector,
  src, alt, box).
- ``overlays``: fixed or sticky layers on top of the viewport, with the
  ``share`` of the viewport each covers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxaudit.gather.dom import page_function
from cxaudit.gather.snapshot import SnapshotOptions, gatherer

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_TARGETS = 400
MAX_TEXT_NODES = 20_000
MAX_SMALL_TEXT = 20
#: Text at this size or larger is never listed as a sample of small text.
SAMPLE_BELOW_PX = 16

LAYOUT_JS = page_function(
    r"""
const {maxTargets, maxTextNodes, maxSmall, sampleBelow} = arg;
const se = document.scrollingElement || document.documentElement;
const vw = se.clientWidth || innerWidth, vh = innerHeight;
const out = {};
out.viewport = {width: innerWidth, height: innerHeight, client_width: se.clientWidth,
                scale: window.visualViewport ? cx.round(visualViewport.scale * 1000) / 1000 : 1,
                screen_width: screen.width};
out.touch = navigator.maxTouchPoints > 0 || matchMedia('(pointer: coarse)').matches;
const meta = document.querySelector('meta[name="viewport" i]');
out.viewport_meta = meta ? (meta.getAttribute('content') || '') : null;

// Content wider than the viewport.
const style = (el) => getComputedStyle(el);
const overflowX = [style(document.documentElement).overflowX,
                   document.body ? style(document.body).overflowX : 'visible'];
const doc = {scroll_width: se.scrollWidth, client_width: se.clientWidth,
             overflow_x: overflowX, offenders: []};
if (document.body && se.scrollWidth > se.clientWidth + 1) {
  const edge = se.clientWidth + 1;
  const clipped = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (style(a).overflowX !== 'visible') return true;
    }
    return false;
  };
  const all = document.body.getElementsByTagName('*');
  for (let i = 0; i < all.length && i < 20000 && doc.offenders.length < 5; i++) {
    const el = all[i];
    const r = el.getBoundingClientRect();
    if (r.right + scrollX <= edge || r.width === 0) continue;
    const p = el.parentElement;
    if (p && p !== document.body && p.getBoundingClientRect().right + scrollX > edge) continue;
    if (style(el).position === 'fixed' || clipped(el)) continue;
    doc.offenders.push({selector: cx.selector(el), box: cx.box(el), html: cx.html(el, 200)});
  }
}
out.document = doc;

// Tap targets.
const TARGETS = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, ' +
  'summary, [role="button"], [role="link"], [role="checkbox"], [role="radio"], [role="switch"], ' +
  '[role="tab"], [role="menuitem"], [role="option"], [onclick], [tabindex]:not([tabindex="-1"])';
const BLOCKS = new Set(['block', 'list-item', 'table-cell', 'flex', 'grid', 'table', 'flow-root']);
const blockText = new Map();
const inSentence = (el) => {
  if (style(el).display !== 'inline') return false;
  let block = el.parentElement;
  while (block && !BLOCKS.has(style(block).display)) block = block.parentElement;
  if (!block) return false;
  if (!blockText.has(block)) blockText.set(block, cx.text(block.textContent, 10000).length);
  return blockText.get(block) > cx.text(el.textContent, 10000).length + 1;
};
const targets = [];
let total = 0;
for (const el of document.querySelectorAll(TARGETS)) {
  if (el.disabled || el.closest('[inert]') || !cx.rendered(el)) continue;
  const r = el.getBoundingClientRect();
  if (r.width <= 1 || r.height <= 1 || cx.clippedAway(el)) continue;  // visually hidden
  if (r.right + scrollX <= 0 || r.bottom + scrollY <= 0) continue;  // parked off-screen
  total++;
  if (targets.length >= maxTargets) continue;
  targets.push({
    selector: cx.selector(el), tag: el.localName, name: cx.text(cx.name(el)[0], 60),
    box: cx.box(el), inline: inSentence(el),
    labelled: !!(el.labels && Array.from(el.labels).some((l) => cx.rendered(l))),
  });
}
out.targets = targets;
out.targets_total = total;

// Text sizes: characters per font size.
const SKIP = new Set(['script', 'style', 'noscript', 'template', 'svg', 'title']);
const perElement = new Map();
const histogram = new Map();
let chars = 0, nodes = 0;
if (document.body) {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode()) && nodes < maxTextNodes) {
    const t = node.nodeValue.replace(/\s+/g, ' ').trim();
    if (!t) continue;
    nodes++;
    const el = node.parentElement;
    if (!el) continue;
    let info = perElement.get(el);
    if (info === undefined) {
      info = null;
      if (!SKIP.has(el.localName) && !el.closest('svg') && cx.rendered(el)) {
        const r = el.getBoundingClientRect();
        if (r.width > 1 && r.height > 1 && !cx.clippedAway(el)) info = {el, size: parseFloat(style(el).fontSize), chars: 0, text: ''};
      }
      perElement.set(el, info);
    }
    if (!info) continue;
    info.chars += t.length;
    if (info.text.length < 60) info.text += (info.text ? ' ' : '') + t;
    chars += t.length;
    const key = Math.round(info.size * 2) / 2;
    histogram.set(key, (histogram.get(key) || 0) + t.length);
  }
}
const small = Array.from(perElement.values()).filter((i) => i && i.size < sampleBelow)
  .sort((a, b) => a.size - b.size || b.chars - a.chars).slice(0, maxSmall)
  .map((i) => ({selector: cx.selector(i.el), size: i.size, chars: i.chars, text: cx.text(i.text, 60),
                box: cx.box(i.el)}));
out.text = {total_chars: chars, histogram: Array.from(histogram.entries()).sort((a, b) => a[0] - b[0]),
            small};

// Broken images: the request ended but there is no picture to show.
const broken = [];
let images = 0;
for (const img of document.images) {
  if (!img.getAttribute('src') && !img.getAttribute('srcset')) continue;
  if (!img.getClientRects().length) continue;
  images++;
  if (img.complete && img.naturalWidth === 0 && img.naturalHeight === 0 && broken.length < 50) {
    broken.push({selector: cx.selector(img), src: cx.text(img.currentSrc || img.src, 300),
                 alt: img.getAttribute('alt'), box: cx.box(img)});
  }
}
out.images = {total: images, broken};

// Overlays: the outermost fixed or sticky layer under a grid of points.
const layers = new Set();
for (let i = 0; i < 5; i++) {
  for (let j = 0; j < 5; j++) {
    let el = document.elementFromPoint(vw * (i + 0.5) / 5, vh * (j + 0.5) / 5);
    let found = null;
    for (; el && el !== document.body && el !== document.documentElement; el = el.parentElement) {
      const p = style(el).position;
      if (p === 'fixed' || p === 'sticky') found = el;
    }
    if (found) layers.add(found);
  }
}
out.overlays = Array.from(layers).map((el) => {
  const r = el.getBoundingClientRect();
  const w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
  const h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
  return {selector: cx.selector(el), position: style(el).position,
          share: Math.round(w * h / (vw * vh) * 1000) / 1000,
          box: {x: cx.round(r.left), y: cx.round(r.top), width: cx.round(r.width), height: cx.round(r.height)},
          role: el.getAttribute('role') || el.localName, modal: el.getAttribute('aria-modal') === 'true',
          text: cx.text(el.innerText, 80), html: cx.html(el, 200)};
}).filter((o) => o.share >= 0.05).sort((a, b) => b.share - a.share);
return out;
"""
)


@gatherer("layout")
async def read_layout(page: Page, options: SnapshotOptions) -> dict[str, Any]:
    """Tap targets, text sizes, page width, viewport meta, images and overlays."""
    return await page.evaluate(
        LAYOUT_JS,
        {
            "maxTargets": MAX_TARGETS,
            "maxTextNodes": MAX_TEXT_NODES,
            "maxSmall": MAX_SMALL_TEXT,
            "sampleBelow": SAMPLE_BELOW_PX,
        },
    )
