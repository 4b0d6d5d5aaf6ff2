"""JavaScript helpers shared by the gatherers that read the DOM.

Each gatherer sends one function to the page; these helpers are pasted at the
top of its body, so every gatherer names elements, measures boxes and decides
visibility the same way (and a finding from one gatherer points at the same
selector as a finding from another).
"""

from __future__ import annotations

HELPERS_JS = r"""
const cx = (() => {
  const esc = (s) => (window.CSS && CSS.escape) ? CSS.escape(s) : String(s).replace(/[^\w-]/g, '\\$&');
  const uniqueId = (el) => {
    if (!el.id) return false;
    try { return document.querySelectorAll('#' + esc(el.id)).length === 1; } catch (e) { return false; }
  };
  // A readable selector that stays the same on every page sharing a layout:
  // anchored at the nearest unique id, tag plus first class, nth-of-type when needed.
  const selector = (el) => {
    if (!el || el.nodeType !== 1) return '';
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1 && parts.length < 12) {
      if (uniqueId(node)) { parts.unshift('#' + esc(node.id)); break; }
      let part = node.localName;
      const parent = node.parentElement;
      if (!parent) { parts.unshift(part); break; }
      const cls = (node.getAttribute('class') || '').trim().split(/\s+/)[0];
      if (cls) part += '.' + esc(cls);
      const same = Array.from(parent.children).filter((c) => c.localName === node.localName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
      parts.unshift(part);
      if (parent === document.body || parent === document.documentElement) {
        parts.unshift(parent.localName);
        break;
      }
      node = parent;
    }
    return parts.join(' > ');
  };
  const round = (n) => Math.round(n * 10) / 10;
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return {x: round(r.left + scrollX), y: round(r.top + scrollY), width: round(r.width), height: round(r.height)};
  };
  const rendered = (el) => {
    if (!el || !el.isConnected) return false;
    if (el.checkVisibility && !el.checkVisibility({checkOpacity: true, checkVisibilityCSS: true,
                                                    opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  // The "visually hidden" pattern: there for screen readers, never seen or tapped.
  const clippedAway = (el) => {
    const cs = getComputedStyle(el);
    if (/^inset\(\s*50%/.test(cs.clipPath)) return true;
    const m = /^rect\(([^)]*)\)/.exec(cs.clip || '');
    if (!m || cs.position !== 'absolute' && cs.position !== 'fixed') return false;
    const [top, right, bottom, left] = m[1].split(/[\s,]+/).map(parseFloat);
    return right - left <= 1 || bottom - top <= 1;
  };
  const text = (s, n) => {
    const t = String(s || '').replace(/\s+/g, ' ').trim();
    return t.length > n ? t.slice(0, n) + '…' : t;
  };
  const html = (el, n) => {
    const h = el.outerHTML || '';
    const open = h.length > n ? h.slice(0, n) + '…' : h;
    return open;
  };
  const byIds = (ids) => String(ids || '').split(/\s+/).filter(Boolean)
    .map((id) => document.getElementById(id));
  const ownText = (el) => {
    if (el.localName === 'img') return el.getAttribute('alt') || '';
    let out = '';
    for (const n of el.childNodes) {
      if (n.nodeType === 3) out += n.nodeValue;
      else if (n.nodeType === 1 && n.getAttribute('aria-hidden') !== 'true') out += ' ' + ownText(n);
    }
    return out;
  };
  // The accessible name and where it came from, in the order browsers use
  // (a simplification of accname: enough to tell a label from a placeholder).
  const name = (el) => {
    const lb = byIds(el.getAttribute('aria-labelledby')).filter(Boolean)
      .map((n) => n.textContent).join(' ');
    if (text(lb, 200)) return [text(lb, 200), 'aria-labelledby'];
    const al = el.getAttribute('aria-label');
    if (text(al, 200)) return [text(al, 200), 'aria-label'];
    if (el.labels && el.labels.length) {
      const t = Array.from(el.labels).map((l) => l.textContent).join(' ');
      if (text(t, 200)) return [text(t, 200), 'label'];
    }
    const tag = el.localName, type = (el.getAttribute('type') || '').toLowerCase();
    if (tag === 'input' && ['submit', 'button', 'reset'].includes(type)) {
      if (text(el.value, 200)) return [text(el.value, 200), 'value'];
    } else if (tag === 'input' && type === 'image') {
      if (text(el.alt, 200)) return [text(el.alt, 200), 'alt'];
    } else if (!['input', 'select', 'textarea'].includes(tag)) {
      const t = ownText(el);
      if (text(t, 200)) return [text(t, 200), 'content'];
    }
    if (text(el.getAttribute('title'), 200)) return [text(el.getAttribute('title'), 200), 'title'];
    if (text(el.getAttribute('placeholder'), 200)) return [text(el.getAttribute('placeholder'), 200), 'placeholder'];
    return ['', ''];
  };
  return {selector, box, rendered, clippedAway, text, html, byIds, name, round};
})();
"""


def page_function(body: str, params: str = "arg") -> str:
    """A function for ``page.evaluate`` with the helpers in scope as ``cx``."""
    return f"({params}) => {{\n{HELPERS_JS}\n{body}\n}}"
