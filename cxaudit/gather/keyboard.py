"""Tab through the page as a keyboard user does, and leave it as it was.

Real Tab key presses, one at a time, and the page read after each one once
its own handlers have run: focus, blur, focusin and focusout reach the page as
they do for a customer (widgets such as comboboxes and focus traps are built
on them, and focus indicators drawn by a focus handler are real indicators).
After each press the walk waits for the short timers and animation frames the
press's handlers set (a blur handler that moves focus back "a moment later"
is how many traps are built), within a budget per walk. Afterwards focus and
scroll position are put back.

A cycle (focus coming back to a stop without leaving the page in between) is
only a candidate trap: the walk then goes on pressing Tab, and tries
Shift+Tab, and records where focus went (``confirm``), so the check reports a
trap only when focus stayed in the cycle throughout. A walk the page
disturbed (it navigated, reloaded, or the script failed) raises
:class:`KeyboardWalkDisturbed`: the keyboard checks are then not measured.

The ``keyboard`` snapshot field:

- ``expected``: focusable elements the page has (an estimate) and
  ``presses``: Tab presses sent in the first pass.
- ``sequence``: the stop focused before the first press and after each one,
  as indexes into ``stops``; ``-1`` means focus was outside the page (it went
  to the browser, or was lost to the body), ``-2`` the starting point. A press
  during which focus left the page and came back records ``-1`` before the
  stop it came back to.
- ``confirm`` (only when the first pass saw a cycle): ``cycle`` (the stops),
  ``tab`` and ``shift_tab`` (where focus was after each further Tab and
  Shift+Tab press, as in ``sequence``), ``tab_ends`` and ``shift_tab_ends``
  (where focus was once each of those presses was over: one entry a press,
  so that focus the page pulled back from the browser during a press is told
  from focus that stayed out); when focus stayed in the cycle after every
  press, ``advice`` (present when the page says how to leave: visible
  text such as "Press Ctrl+M to exit", or text a help control inside the
  cycle shows when Enter is pressed on it): its ``text``, the ``keys`` as
  pressed (``Control+m``), ``via`` (``text`` or ``help control``), ``after``
  (where focus was after pressing them, as in ``sequence``) and ``left``
  (focus left the cycle). Pressing the advised keys and the help control is
  the one thing the walk does that a page may not undo (the help it shows
  stays shown).
- ``unreached``: focusable elements (as counted for ``expected``) focus never
  reached.
- ``stops``: each element focus reached, once: ``selector``, ``tag``,
  ``name``, ``box`` while focused, ``visible`` while focused, ``indicator``
  (its look changed when focused) with the ``changed`` properties
  (``parent``: its parent's look, ``beside``: an element's next to it),
  ``measured`` (false when its focused or unfocused look could not be read),
  ``in_main``, ``in_modal``, ``controls_nav`` (present, true, when its
  ``aria-controls`` names the navigation or header), and for same-page
  links ``skip_target``
  (``exists``, ``is_main``: the target is or holds the main content,
  ``after_link``: it comes after the link, ``in_nav``: it is inside the
  navigation or page header, ``in_side``: it lands among the content of an
  aside or footer, text in it or after it there).
- ``has_main``: the page has a ``main`` landmark not hidden by ``aria-hidden``.
- ``content_heading``: the page has a visible heading outside its
  navigation, header, asides and footer.
- ``words_before_stops``: words of visible text before the first stop,
  outside the navigation, header, asides and footer (content that comes
  before any Tab stop).
- ``document``: ``"not html"`` for a document without an HTML body (an SVG
  or other XML document), which has no stops and is not walked.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from cxaudit.checks.focus_order import kept_in, trap_cycle
from cxaudit.gather.dom import page_function
from cxaudit.gather.session import forget_session, page_session
from cxaudit.gather.snapshot import SnapshotOptions, gatherer

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

#: The walk never sends more Tab presses than this in its first pass.
MAX_STOPS = 60

#: Longest the whole walk waits, in milliseconds, for timers and frames the
#: page's handlers set; past it each read follows the press at once.
WAIT_BUDGET_MS = 1500


class KeyboardWalkDisturbed(RuntimeError):
    """The page changed under the walk: what it saw is not a measurement."""


START_JS = page_function(
    r"""
// An SVG or other XML document has no HTML body to walk.
if (!document.body || !(document.body instanceof HTMLElement)) return {expected: 0, html: false};
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
const NEAR = new Set(['parent', 'prev', 'next']);
const group = (p) => p.replace(/^(outline|border|text-decoration|background)-.*/, '$1');
const finish = (el) => {
  try { for (const a of el.getAnimations()) if (a instanceof CSSTransition) a.finish(); } catch (e) {}
};
const look = (el) => {
  if (!el || el.nodeType !== 1) return {};
  const parts = {};
  // An indicator may be drawn on a wrapper (react-select's control around its
  // input, :focus-within rules: the parent and two more levels up, as far as the
  // body) or beside the element (ACT oj04fd), not on the element itself.
  const wrappers = [];
  for (let a = el.parentElement, n = 0; a && a !== document.body && n < 3; a = a.parentElement, n++) {
    wrappers.push(['parent' + (n ? n + 1 : ''), a, null]);
  }
  for (const [key, node, pseudo] of [['', el, null], ['::before', el, '::before'],
                                     ['::after', el, '::after'], ...wrappers,
                                     ['prev', el.previousElementSibling, null],
                                     ['next', el.nextElementSibling, null]]) {
    if (!node) continue;
    finish(node);
    const s = getComputedStyle(node, pseudo);
    if (pseudo && (s.content === 'none' || s.content === 'normal')) { parts[key + 'content'] = 'none'; continue; }
    for (const p of PROPS) {
      let v = s.getPropertyValue(p);
      if (p.startsWith('outline') && (s.outlineStyle === 'none' || parseFloat(s.outlineWidth) === 0)) v = 'none';
      if (NEAR.has(key.replace(/\d+$/, '')) && !/^(outline|box-shadow|background-color|border-.*-color)/.test(p)) continue;
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
const candidates = () => Array.from(document.querySelectorAll(FOCUSABLE)).filter((el) =>
  el.tabIndex >= 0 && !el.disabled && !el.closest('[inert]') && cx.rendered(el));
const st = {stops: [], index: new Map(), prev: deep(), x: scrollX, y: scrollY, active: true,
            left: false, timers: new Set(), frames: new Set(), budget: %(budget)d,
            look, deep, finish, candidates};
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
// Focus leaving the document (to the browser) blurs the window: seen even
// when the next press brings focus straight back.
st.onBlur = (e) => { if (st.active && e.target === window) st.left = true; };
// The short timers and frames the page sets while the walk runs, so that a
// read waits for what a press's handlers started. The page's own functions
// run unchanged; only their completion is noted.
const native = {setTimeout: window.setTimeout, clearTimeout: window.clearTimeout,
                raf: window.requestAnimationFrame, caf: window.cancelAnimationFrame};
st.native = native;
const wrapped = {
  setTimeout: function (fn, delay, ...rest) {
    if (!st.active || typeof fn !== 'function' || (Number(delay) || 0) > 100) {
      return native.setTimeout.apply(window, arguments);
    }
    const id = native.setTimeout.call(window, function () {
      st.timers.delete(id);
      return fn.apply(this, arguments);
    }, delay, ...rest);
    st.timers.add(id);
    return id;
  },
  clearTimeout: function (id) { st.timers.delete(id); return native.clearTimeout.call(window, id); },
  raf: function (fn) {
    if (!st.active || typeof fn !== 'function') return native.raf.call(window, fn);
    const id = native.raf.call(window, function () {
      st.frames.delete(id);
      return fn.apply(this, arguments);
    });
    st.frames.add(id);
    return id;
  },
  caf: function (id) { st.frames.delete(id); return native.caf.call(window, id); },
};
window.setTimeout = wrapped.setTimeout;
window.clearTimeout = wrapped.clearTimeout;
window.requestAnimationFrame = wrapped.raf;
window.cancelAnimationFrame = wrapped.caf;
st.cleanup = () => {
  st.active = false;
  removeEventListener('blur', st.onBlur, true);
  if (window.setTimeout === wrapped.setTimeout) window.setTimeout = native.setTimeout;
  if (window.clearTimeout === wrapped.clearTimeout) window.clearTimeout = native.clearTimeout;
  if (window.requestAnimationFrame === wrapped.raf) window.requestAnimationFrame = native.raf;
  if (window.cancelAnimationFrame === wrapped.caf) window.cancelAnimationFrame = native.caf;
  if (st.start) st.start.remove();
  if (window.__cxauditKeys === st) delete window.__cxauditKeys;
};
// Where focus is now: [-1] first when it left the page since the last read.
st.read = () => {
  const el = deep();
  const out = st.left ? [-1] : [];
  st.left = false;
  const i = st.idOf(el);
  if (i !== -1 || !out.length) out.push(i);
  const stop = i >= 0 ? st.stops[i] : null;
  if (stop && !stop.focused) {
    // Read now, after the page's own focus handlers ran (an indicator a
    // script draws on focus is a real one).
    stop.focused = look(el);
    const r = el.getBoundingClientRect();
    stop.box = cx.box(el);
    stop.visible = cx.rendered(el) && r.right > 0 && r.bottom + scrollY > 0 && r.width > 1 && r.height > 1;
  }
  return out;
};
window.__cxauditKeys = st;
addEventListener('blur', st.onBlur, true);
const expected = candidates().length;
// Start where a fresh page starts: before the first element of the body. In
// the XHTML namespace, so that it is an HTML element in XML documents too.
const start = document.createElementNS('http://www.w3.org/1999/xhtml', 'span');
start.tabIndex = -1;
start.setAttribute('aria-hidden', 'true');
start.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;overflow:hidden';
document.body.prepend(start);
st.start = start;
start.focus({preventScroll: true});
st.left = false;
return {expected, html: true, at: st.idOf(deep())};
""".replace("%(budget)d", str(WAIT_BUDGET_MS)),
    params="",
)

#: Small and without the helpers (the walk keeps them): it runs after every press.
STEP_JS = r"""async () => {
const st = window.__cxauditKeys;
if (!st || !st.active) return null;
// What the press's handlers started (a refocus a moment later, a menu that
// opens on the next frame) runs before focus is read.
const timers = Array.from(st.timers), frames = Array.from(st.frames);
if (timers.length || frames.length) {
  const began = performance.now();
  const sleep = (ms) => new Promise((resolve) => st.native.setTimeout.call(window, resolve, ms));
  while (st.budget > performance.now() - began &&
         (timers.some((t) => st.timers.has(t)) || frames.some((f) => st.frames.has(f)))) {
    await sleep(4);
  }
  await sleep(0);
  st.budget -= performance.now() - began;
}
return st.read();
}"""

FINISH_JS = page_function(
    r"""
const st = window.__cxauditKeys;
if (!st) return null;
let stops = [], main = null, unreached = 0, heading = false, wordsFirst = 0;
try {
  // Nothing focused while the unfocused look is read (blur handlers have run).
  st.start.focus({preventScroll: true});
  const still = st.deep();
  // A main landmark hidden from assistive technology is no landmark (ACT b40fd1).
  main = Array.from(document.querySelectorAll('main, [role="main"]'))
    .find((m) => !m.closest('[aria-hidden="true"]')) || null;
  unreached = st.candidates().filter((el) => !st.index.has(el)).length;
  const NAV = 'nav, header, [role="navigation"], [role="banner"]';
  const SIDE = 'aside, footer, [role="complementary"], [role="contentinfo"]';
  // A target inside a side block lands among its content when that content is
  // not all behind it (ACT ye5d6e): text in the target or after it in the block.
  const inSide = (target) => {
    const side = target.closest(SIDE);
    if (!side) return false;
    const rest = document.createRange();
    rest.setStartBefore(target);
    rest.setEndAfter(side);
    return rest.toString().trim() !== '';
  };
  // A heading outside the navigation and side blocks: where the content can be
  // jumped to by heading (WCAG technique H69, ACT 047fe0).
  heading = Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]')).some(
    (h) => !h.closest(NAV) && !h.closest(SIDE) && !h.closest('[aria-hidden="true"]')
      && h.getClientRects().length > 0 && (h.textContent || '').trim() !== '');
  // Words of content (outside the navigation and side blocks) before the first
  // Tab stop: content that comes first has no block before it to bypass (ACT g0m9ub).
  const first = st.stops.length ? st.stops[0].el : null;
  if (first) {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      if (first.contains(t) || (first.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING)) break;
      const parent = t.parentElement;
      if (!parent || parent.closest('script, style, noscript, template, [aria-hidden="true"]')
          || parent.closest(NAV) || parent.closest(SIDE) || parent.getClientRects().length === 0
          || getComputedStyle(parent).visibility !== 'visible') continue;
      wordsFirst += (t.data.match(/\S+/g) || []).length;
    }
  }
  stops = st.stops.map((s) => {
    const el = s.el;
    // An element that keeps focus while the others are read has no unfocused look.
    const blurred = el === still ? null : st.look(el);
    const changed = s.focused && blurred ? Object.keys(s.focused).filter((k) => s.focused[k] !== blurred[k]) : [];
    const stop = {
      selector: cx.selector(el), tag: el.localName, name: cx.text(cx.name(el)[0], 60),
      box: s.box, visible: s.visible, measured: !!s.focused && !!blurred, indicator: changed.length > 0,
      changed: Array.from(new Set(changed.map((k) => k.replace(/^parent\d* .*/, 'parent').replace(/^(prev|next) .*/, 'beside')))),
      in_main: !!el.closest('main, [role="main"]'),
      in_modal: !!el.closest('[aria-modal="true"], dialog[open]'),
    };
    // A control that shows or hides the navigation (WCAG SCR28, ACT 3e12e1).
    const controlled = (el.getAttribute('aria-controls') || '').split(/\s+/)
      .map((id) => id && document.getElementById(id)).filter(Boolean);
    if (controlled.some((c) => c.closest(NAV) || c.querySelector(NAV))) stop.controls_nav = true;
    const href = el.localName === 'a' ? (el.getAttribute('href') || '') : '';
    if (href.startsWith('#') && href.length > 1) {
      let target = null;
      try { target = document.getElementById(decodeURIComponent(href.slice(1))); } catch (e) {}
      target = target || document.getElementsByName(href.slice(1))[0] || null;
      stop.skip_target = {href: cx.text(href, 100), exists: !!target,
                          is_main: !!target && !!main && (target === main || main.contains(target) || target.contains(main)),
                          after_link: !!target && !!(el.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING),
                          in_nav: !!target && !!target.closest(NAV),
                          in_side: !!target && inSide(target)};
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
return {stops, has_main: !!main, content_heading: heading, words_before_stops: wordsFirst, unreached};
""",
    params="",
)


#: Where the page tells a keyboard user how to leave a trap (WCAG G21, ACT
#: ebe86a): visible text, and help controls inside the trap that show it.
ADVICE_JS = page_function(
    r"""
const st = window.__cxauditKeys;
if (!st) return null;
const {cycle} = arg;
const ADVICE = /\b(?:press|use|hit|type|push)\s+(?:the\s+)?((?:(?:ctrl|control|alt|option|shift|meta|cmd|command)\s*[+-]\s*)*(?:escape|esc|enter|f\d{1,2}|[a-z0-9])(?![\w+-]))/i;
const EXIT = /\b(?:exit|leave|escape|quit|get out|move (?:focus )?out|close)\b/i;
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let t = walker.nextNode(); t; t = walker.nextNode()) {
  const parent = t.parentElement;
  if (!parent || parent.closest('script, style, noscript, template, [aria-hidden="true"]')) continue;
  // Only advice about leaving: "press Enter to search" or "use a valid card" is no way out,
  // and pressing its key would type into the page or submit it.
  const found = EXIT.test(t.data) && ADVICE.exec(t.data);
  if (found && cx.rendered(parent)) return {text: cx.text(parent.textContent, 120), combo: found[1]};
}
// A help control inside the trap, whose activation stays on the page.
const HELP = /\bhelp\b|\bhow to\b|\binstructions?\b|\bkeyboard shortcuts?\b/i;
for (const i of cycle) {
  const el = st.stops[i] && st.stops[i].el;
  if (!el || !HELP.test(cx.name(el)[0] || '')) continue;
  const href = el.localName === 'a' ? (el.getAttribute('href') || '').trim() : null;
  // Activated with Enter: never a submit button, a reload or a script address.
  if (href === null ? (el.localName === 'button' ? el.type === 'button' : el.getAttribute('role') === 'button' && !el.closest('form'))
                    : href.startsWith('#')) {
    return {control: i};
  }
}
return {};
""",
)

#: The names of modifier and named keys in advice, as Playwright presses them.
_KEY_NAMES = {
    "ctrl": "Control",
    "control": "Control",
    "alt": "Alt",
    "option": "Alt",
    "shift": "Shift",
    "meta": "Meta",
    "cmd": "Meta",
    "command": "Meta",
    "esc": "Escape",
    "escape": "Escape",
    "enter": "Enter",
}


def advised_keys(combo: str) -> str:
    """The keys a page's advice names ("Ctrl+M", "ctrl - m", "Esc"), as Playwright presses them."""
    parts = [p.strip().lower() for p in re.split(r"\s*[+-]\s*", combo.strip()) if p.strip()]
    keys = [_KEY_NAMES.get(p, p.upper() if re.fullmatch(r"f\d{1,2}", p) else p) for p in parts]
    return "+".join(keys)


async def _read_focus(page: Page) -> list[int]:
    read = await page.evaluate(STEP_JS)
    if read is None:
        raise KeyboardWalkDisturbed(NAVIGATED)
    return [int(i) for i in read]


async def _follow_advice(
    page: Page, cycle: list[int], session: CDPSession | None
) -> dict[str, Any] | None:
    """Press what the page advises to leave the trap; where focus went after it."""
    found = await page.evaluate(ADVICE_JS, {"cycle": cycle})
    via = "text"
    if found and "control" in found:
        # Tab round the cycle to the help control, as a user does, and press Enter on it.
        for _ in range(len(cycle) + 1):
            if (await _press(page, "Tab", session))[-1] == found["control"]:
                await page.keyboard.press("Enter")
                await _read_focus(page)
                found = await page.evaluate(ADVICE_JS, {"cycle": []})
                via = "help control"
                break
        else:
            found = None
    if not found or "combo" not in found:
        return None
    keys = advised_keys(found["combo"])
    await page.keyboard.press(keys)
    after = await _read_focus(page)
    return {
        "text": found["text"],
        "keys": keys,
        "via": via,
        "after": after,
        "left": after[-1] == -1 or after[-1] not in cycle,
    }


NAVIGATED = "the page navigated or reloaded during the keyboard walk"
#: What Playwright says when the page the walk reads has gone (a navigation, a reload).
_LEFT_THE_PAGE = re.compile(r"context was destroyed|navigat|Target (page|closed)", re.I)


#: The keys the walk presses, as the DevTools protocol's key events (those Playwright sends).
_KEYS: dict[str, dict[str, Any]] = {
    "Tab": {
        "key": "Tab",
        "code": "Tab",
        "windowsVirtualKeyCode": 9,
        "location": 0,
        "isKeypad": False,
    },
    "Shift": {
        "key": "Shift",
        "code": "ShiftLeft",
        "windowsVirtualKeyCode": 16,
        "location": 1,
        "isKeypad": False,
    },
}
_SHIFT = 8  # the protocol's modifier bit


def key_events(key: str) -> list[dict[str, Any]]:
    """The key events of one press of ``key`` ("Tab" or "Shift+Tab"), in order."""
    *held, main = key.split("+")
    shift = _SHIFT if held == ["Shift"] else 0
    if main not in _KEYS or held not in ([], ["Shift"]):
        raise ValueError(f"the keyboard walk does not press {key!r}")
    press = [
        {"type": "rawKeyDown", "modifiers": shift, **_KEYS[main]},
        {"type": "keyUp", "modifiers": shift, **_KEYS[main]},
    ]
    if shift:
        press.insert(0, {"type": "rawKeyDown", "modifiers": shift, **_KEYS["Shift"]})
        press.append({"type": "keyUp", "modifiers": 0, **_KEYS["Shift"]})
    return press


async def _send_key(page: Page, key: str, session: CDPSession | None) -> None:
    """Press ``key``: through ``session`` its key events are sent at once, not one by one.

    Playwright sends a press as a key down, waits for the page to have
    handled it, then sends the key up. The browser hands key events to the
    page in the order they came and the page handles each in turn, so the
    events need not wait for one another: sent together, a press costs one
    wait for the browser instead of two. The call returns once the page has
    handled the last one, as Playwright's does.
    """
    if session is None:  # a synchronous page's view: no event loop to send them together on
        await page.keyboard.press(key)
        return
    try:
        await asyncio.gather(
            *(session.send("Input.dispatchKeyEvent", event) for event in key_events(key))
        )
    except Exception:
        forget_session(page)  # it may have gone with the renderer: the next walk opens another
        raise


async def _press(page: Page, key: str, session: CDPSession | None = None) -> list[int]:
    """One key press, and where focus is once the page's handlers have run."""
    try:
        await _send_key(page, key, session)
        read = await page.evaluate(STEP_JS)
    except Exception as exc:
        if _LEFT_THE_PAGE.search(str(exc)):
            # The reload raced the read: the same disturbance, said the same way.
            raise KeyboardWalkDisturbed(NAVIGATED) from exc
        raise KeyboardWalkDisturbed(
            f"the page changed during the keyboard walk ({exc})".splitlines()[0]
        ) from exc
    if read is None:
        raise KeyboardWalkDisturbed(NAVIGATED)
    return [int(i) for i in read]


async def _presses(
    page: Page,
    key: str,
    count: int,
    session: CDPSession | None = None,
    ends: list[int] | None = None,
) -> list[int]:
    """``count`` presses of ``key``; ``ends`` (when given) gets where focus was after each."""
    out: list[int] = []
    for _ in range(count):
        read = await _press(page, key, session)
        out.extend(read)
        if ends is not None:
            ends.append(read[-1])
    return out


@gatherer("keyboard", exclusive=True)
async def walk_keyboard(page: Page, options: SnapshotOptions) -> dict[str, Any] | None:
    """Tab through the page (bounded), confirm any cycle, record every stop and its look."""
    started = await page.evaluate(START_JS)
    if not started["html"]:
        return {
            "expected": 0,
            "presses": 0,
            "sequence": [],
            "stops": [],
            "has_main": False,
            "unreached": 0,
            "document": "not html",
        }
    presses = min(int(started["expected"]) + 2, MAX_STOPS)
    # Key events through the page's DevTools session (see _send_key); a
    # synchronous page's view presses through Playwright.
    session = await page_session(page) if options.gather_timeout_s is not None else None
    sequence = [int(started["at"])]
    confirm: dict[str, Any] | None = None
    walked: dict[str, Any] | None = None
    try:
        sequence += await _presses(page, "Tab", presses, session)
        cycle = trap_cycle(sequence)
        if cycle is not None:
            # Once is no proof: go on round the cycle twice, then try the way back.
            tab_ends: list[int] = []
            back_ends: list[int] = []
            confirm = {
                "cycle": cycle,
                "tab": await _presses(page, "Tab", 2 * len(cycle) + 1, session, tab_ends),
                "shift_tab": await _presses(page, "Shift+Tab", len(cycle) + 1, session, back_ends),
                "tab_ends": tab_ends,
                "shift_tab_ends": back_ends,
            }
            if kept_in(tab_ends, cycle) and kept_in(back_ends, cycle):
                # Trapped: does the page say how to leave, and does that work?
                advice = await _follow_advice(page, cycle, session)
                if advice is not None:
                    confirm["advice"] = advice
    finally:
        try:
            walked = await page.evaluate(FINISH_JS)
        except Exception:
            walked = None  # the walk's own error (raised above) says why
    if walked is None:
        raise KeyboardWalkDisturbed(NAVIGATED)
    out: dict[str, Any] = {
        "expected": started["expected"],
        "presses": presses,
        "sequence": sequence,
    }
    if confirm is not None:
        out["confirm"] = confirm
    return {**out, **walked}
