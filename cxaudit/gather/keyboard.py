"""Tab through the page as a keyboard user does, and leave it as it was.

Real Tab key presses (so the page's own key handlers, and any trap they set,
take part), sent in one pipelined batch of at most :data:`MAX_STOPS`. While
the walk runs, focus and blur events are kept from the page's scripts: a
walk that fired them would mark every field "touched" and show validation
errors, or open menus, that the next step does not expect. Afterwards focus
and scroll position are put back.

The ``keyboard`` snapshot field:

- ``expected``: focusable elements the page has (an estimate) and
  ``presses``: Tab presses sent.
- ``sequence``: the stop focused before each press and after the last one,
  as indexes into ``stops``; ``-1`` means focus was outside the page (after
  the last element, before it wraps around), ``-2`` the starting point.
- ``stops``: each element focus reached, once: ``selector``, ``tag``,
  ``name``, ``box`` while focused, ``visible`` while focused, ``indicator``
  (its look changed when focused) with the ``changed`` properties,
  ``measured`` (false when its focused look could not be read), ``in_main``,
  ``in_modal``, and for same-page links ``skip_target`` (``exists``,
  ``is_main``: the target is or holds the main content).
- ``has_main``: the page has a ``main`` landmark.

Known limit: focus styles that scripts set in focus event handlers are not
seen (the events are held back); styles from CSS (``:focus``,
``:focus-visible``, ``:focus-within``) are.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from cxaudit.gather.dom import page_function
from cxaudit.gather.snapshot import SnapshotOptions, gatherer

if TYPE_CHECKING:
    from playwright.async_api import Page

#: The walk never sends more Tab presses than this.
MAX_STOPS = 60

START_JS = page_function(
    r"""
if (!document.body) return null;
// A walk that broke off must not leave its listeners behind.
if (window.__cxauditKeys) window.__cxauditKeys.cleanup();
const FOCUSABLE = 'a[href], area[href], button, input:not([type="hidden"]), select, textarea, ' +
  'summary, iframe, [tabindex], [contenteditable=""], [contenteditable="true"], ' +
  'audio[controls], video[controls]';
const PROPS = ['outline-style', 'outline-width', 'outline-color', 'box-shadow',
  'border-top-color', 'border-right-color', 'border-bottom-color', 'border-left-color',
  'border-top-width', 'border-right-width', 'border-bottom-width', 'border-left-width',
  'background-color', 'background-image', 'color', 'text-decoration-line',
  'text-decoration-color', 'opacity', 'transform', 'filter', 'clip', 'clip-path'];
const group = (p) => p.replace(/^(outline|border|text-decoration|background)-.*/, '$1');
const finish = (el) => {
  try { for (const a of el.getAnimations()) if (a instanceof CSSTransition) a.finish(); } catch (e) {}
};
const look = (el) => {
  if (!el || el.nodeType !== 1) return {};
  const parts = {};
  for (const [key, node, pseudo] of [['', el, null], ['::before', el, '::before'],
                                     ['::after', el, '::after'], ['parent', el.parentElement, null]]) {
    if (!node) continue;
    finish(node);
    const s = getComputedStyle(node, pseudo);
    if (pseudo && (s.content === 'none' || s.content === 'normal')) { parts[key + 'content'] = 'none'; continue; }
    for (const p of PROPS) {
      let v = s.getPropertyValue(p);
      if (p.startsWith('outline') && (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0)) v = 'none';
      if (key === 'parent' && !/^(outline|box-shadow|background-color|border-.*-color)/.test(p)) continue;
      parts[(key ? key + ' ' : '') + group(p)] = (parts[(key ? key + ' ' : '') + group(p)] || '') + '|' + v;
    }
  }
  // Size and whether it is on the page at all (a skip link parked off-screen
  // shows itself on focus); not its position, which scrolling changes.
  const r = el.getBoundingClientRect();
  parts.box = [Math.round(r.width), Math.round(r.height),
               r.right + scrollX > 0 && r.bottom + scrollY > 0 && r.width > 1 && r.height > 1].join(',');
  return parts;
};
const deep = () => {
  let a = document.activeElement;
  while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
  return a;
};
const st = {stops: [], index: new Map(), sequence: [], prev: deep(), x: scrollX, y: scrollY,
            active: true, look, deep, finish};
st.idOf = (el) => {
  if (el === st.start) return -2;
  if (!el || el === document.body || el === document.documentElement) return -1;
  let i = st.index.get(el);
  if (i === undefined) {
    i = st.stops.length;
    st.index.set(el, i);
    st.stops.push({el, focused: null, visible: false, box: null});
  }
  return i;
};
st.onFocus = (e) => {
  const el = e.composedPath()[0];
  if (!st.active || el === st.start || !(el instanceof Element)) return;
  const stop = st.stops[st.idOf(el)];
  if (stop.focused) return;
  stop.focused = look(el);
  const r = el.getBoundingClientRect();
  stop.box = cx.box(el);
  stop.visible = cx.rendered(el) && r.right > 0 && r.bottom + scrollY > 0 && r.width > 1 && r.height > 1;
};
st.block = (e) => { if (st.active) e.stopImmediatePropagation(); };
st.onKey = (e) => { if (st.active && e.key === 'Tab') st.sequence.push(st.idOf(deep())); };
st.cleanup = () => {
  st.active = false;
  removeEventListener('focusin', st.onFocus, true);
  for (const t of ['focus', 'blur', 'focusin', 'focusout']) removeEventListener(t, st.block, true);
  removeEventListener('keydown', st.onKey, true);
  if (st.start) st.start.remove();
  if (window.__cxauditKeys === st) delete window.__cxauditKeys;
};
window.__cxauditKeys = st;
// The recorder first: listeners on one target run in the order they were added.
addEventListener('focusin', st.onFocus, true);
for (const t of ['focus', 'blur', 'focusin', 'focusout']) addEventListener(t, st.block, true);
addEventListener('keydown', st.onKey, true);
const expected = Array.from(document.querySelectorAll(FOCUSABLE)).filter((el) =>
  el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && cx.rendered(el)).length;
// Start where a fresh page starts: before the first element of the body.
const start = document.createElement('span');
start.tabIndex = -1;
start.setAttribute('aria-hidden', 'true');
start.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;overflow:hidden';
document.body.prepend(start);
st.start = start;
start.focus({preventScroll: true});
return {expected};
""",
    params="",
)

FINISH_JS = page_function(
    r"""
const st = window.__cxauditKeys;
if (!st) return null;
let stops = [], main = null;
try {
  st.sequence.push(st.idOf(st.deep()));
  // Nothing focused while the unfocused look is read; the page's handlers still see nothing.
  st.start.focus({preventScroll: true});
  main = document.querySelector('main, [role="main"]');
  stops = st.stops.map((s) => {
    const el = s.el;
    const blurred = st.look(el);
    const changed = s.focused ? Object.keys(s.focused).filter((k) => s.focused[k] !== blurred[k]) : [];
    const stop = {
      selector: cx.selector(el), tag: el.localName, name: cx.text(cx.name(el)[0], 60),
      box: s.box, visible: s.visible, measured: !!s.focused, indicator: changed.length > 0,
      changed: Array.from(new Set(changed.map((k) => k.replace(/^parent .*/, 'parent')))),
      in_main: !!el.closest('main, [role="main"]'),
      in_modal: !!el.closest('[aria-modal="true"], dialog[open]'),
    };
    const href = el.localName === 'a' ? (el.getAttribute('href') || '') : '';
    if (href.startsWith('#') && href.length > 1) {
      let target = null;
      try { target = document.getElementById(decodeURIComponent(href.slice(1))); } catch (e) {}
      target = target || document.getElementsByName(href.slice(1))[0] || null;
      stop.skip_target = {href: cx.text(href, 100), exists: !!target,
                          is_main: !!target && !!main && (target === main || main.contains(target) || target.contains(main))};
    }
    return stop;
  });
} finally {
  try {
    const prev = st.prev;
    if (prev && prev !== document.body && prev.isConnected && typeof prev.focus === 'function') {
      prev.focus({preventScroll: true});
    } else {
      st.start.blur();
    }
  } catch (e) {}
  st.cleanup();
  for (const s of st.stops) st.finish(s.el);
  scrollTo(st.x, st.y);
}
return {sequence: st.sequence, stops, has_main: !!main};
""",
    params="",
)


@gatherer("keyboard", "keyboard")
async def walk_keyboard(page: Page, options: SnapshotOptions) -> dict[str, Any] | None:
    """Tab through the page (bounded) and record every stop and how it looks focused."""
    started = await page.evaluate(START_JS)
    if started is None:
        return None
    presses = min(int(started["expected"]) + 2, MAX_STOPS)
    try:
        # Pipelined: the presses are identical, so only their number matters,
        # and the page's handlers still see every one of them in order.
        await asyncio.gather(
            *(
                key
                for _ in range(presses)
                for key in (page.keyboard.down("Tab"), page.keyboard.up("Tab"))
            )
        )
    finally:
        walked = await page.evaluate(FINISH_JS)
    if walked is None:
        return None
    return {"expected": started["expected"], "presses": presses, **walked}
