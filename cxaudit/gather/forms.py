"""The page's form fields, as a customer and a screen reader meet them.

The ``forms`` snapshot field holds ``fields`` and ``forms``. Each field has
its ``selector``, ``tag``, ``type`` (the type the browser uses) and
``type_attr`` (as written), ``name_attr``, ``id``, ``inputmode``,
``autocomplete``, ``placeholder``, ``required`` / ``aria_required`` /
``aria_invalid``, its ``label`` text, its accessible ``name`` and the
``name_source`` it came from (``label``, ``aria-label``,
``aria-labelledby``, ``title``, ``placeholder`` or empty), a
``label_marker`` (``required`` for a ``*`` or "required" in the label,
``optional``), the ``legend`` of its fieldset, the elements ``described_by`` points at, the ``error``
message shown for it (found in the field's own group or through
``aria-describedby``/``aria-errormessage``, or placed right after the
field in a container it shares with other fields; ``in_group``, ``tied``
and ``after`` say which, ``aria_hidden`` that it is hidden from screen
readers), ``flagged`` when an error summary links to it, the index of its
``form`` (-1 outside any form), its ``box`` and its opening tag as ``html``
(without a ``value``). Values are never read.

Each form has its ``index``, ``selector``, ``fields`` (how many),
``note``: a sentence such as "All fields are required" outside the labels,
``errors``: the error messages it shows that belong to no one field (a list
at its top: ``selector``, ``text``, ``aria_hidden``, and the ids its
same-page ``links`` point at),
the ``method`` it submits with as the browser reads it (``get`` when none is
written) and ``method_attr`` as written, its ``action`` as written, and
``search`` when it is a search form (``role="search"`` on it or around it,
or a ``type="search"`` field).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from cxaudit.gather.dom import page_function
from cxaudit.gather.snapshot import SnapshotOptions, gatherer

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_FIELDS = 200

FORMS_JS = page_function(
    r"""
const {maxFields} = arg;
const SKIP_TYPES = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
const CONTROLS = 'input, select, textarea';
const ERRORISH = /error|invalid/i;
const errorish = (el) => ERRORISH.test((el.getAttribute('class') || '') + ' ' + (el.id || '')) ||
  el.getAttribute('role') === 'alert' || el.getAttribute('aria-live') === 'assertive';
const isField = (el) => !(el.localName === 'input' && SKIP_TYPES.has((el.type || '').toLowerCase()));
const controls = Array.from(document.querySelectorAll(CONTROLS)).filter(isField);
const countIn = (node) => Array.from(node.querySelectorAll(CONTROLS)).filter(isField).length;

// The field's own group: the largest ancestor that holds no other field.
const groupOf = (el) => {
  let g = el;
  for (let p = el.parentElement; p && p !== document.body && p.localName !== 'form'; p = p.parentElement) {
    if (countIn(p) > 1) break;
    g = p;
  }
  return g;
};
// Fields an error summary points at with a same-page link.
const flaggedIds = new Set();
for (const a of document.querySelectorAll('a[href^="#"]')) {
  let box = a.parentElement;
  while (box && box !== document.body && !errorish(box)) box = box.parentElement;
  if (box && box !== document.body && cx.rendered(a)) flaggedIds.add(decodeURIComponent(a.getAttribute('href').slice(1)));
}
// Hidden from assistive technology apart from what it is about: a page that hides its
// whole app behind an open dialog (React modals, consent banners) hides the field too.
const hiddenApart = (node, anchor) => {
  const hidden = node.closest('[aria-hidden="true"]');
  return !!hidden && !hidden.contains(anchor);
};
const errorNodes = new Set();
const message = (el, node, inGroup, tiedIds, after = false) => {
  errorNodes.add(node);
  return {
    selector: cx.selector(node), id: node.id || '', text: cx.text(node.textContent, 160),
    in_group: inGroup, tied: !!node.id && tiedIds.includes(node.id), after,
    aria_hidden: hiddenApart(node, el),
  };
};
const shown = (n) => cx.rendered(n) && !!cx.text(n.textContent, 5);
// A message right after the field (or the label around it), in a container it
// shares with other fields: the next few siblings, up to the next label or field.
const messageAfter = (el) => {
  const label = el.closest('label');
  let n = (label && countIn(label) === 1 ? label : el).nextElementSibling;
  for (let seen = 0; n && seen < 3; n = n.nextElementSibling) {
    if (n.localName === 'label' || n.matches(CONTROLS + ', button') || countIn(n) > 0) return null;
    if (n.localName === 'br') continue;
    seen++;
    const hit = errorish(n) ? n : Array.from(n.querySelectorAll('*')).find(errorish);
    if (hit && shown(hit)) return hit;
  }
  return null;
};
// The field's opening tag, without its value (values are never read).
const openTag = (el) => {
  const copy = el.cloneNode(false);
  copy.removeAttribute('value');
  return cx.html(copy, 300).replace(/>[\s\S]*$/, '>');
};
const forms = Array.from(document.forms);
const fields = [];
for (const el of controls) {
  if (fields.length >= maxFields) break;
  if (el.disabled || !el.getClientRects().length) continue;
  const cs = getComputedStyle(el);
  if (cs.visibility === 'hidden' || cs.display === 'none') continue;
  const [name, source] = cx.name(el);
  const labelText = cx.text(Array.from(el.labels || []).map((l) => l.textContent).join(' '), 200) ||
    (source === 'aria-labelledby' ? name : '');
  const describedIds = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  const errIds = (el.getAttribute('aria-errormessage') || '').split(/\s+/).filter(Boolean);
  const tiedIds = [...describedIds, ...errIds];
  const described = describedIds.map((id) => {
    const n = document.getElementById(id);
    return {id, exists: !!n, rendered: !!n && cx.rendered(n), text: n ? cx.text(n.textContent, 160) : ''};
  });
  let error = null;
  const group = groupOf(el);
  if (group !== el) {
    for (const n of group.querySelectorAll('*')) {
      if (n === el || n.contains(el) || n.localName === 'label' || !errorish(n)) continue;
      if (!cx.rendered(n) || !cx.text(n.textContent, 5)) continue;
      error = message(el, n, true, tiedIds);
      break;
    }
  }
  if (!error) {
    for (const id of tiedIds) {
      const n = document.getElementById(id);
      if (n && cx.rendered(n) && cx.text(n.textContent, 5) && (errorish(n) || errIds.includes(id))) {
        error = message(el, n, group.contains(n), tiedIds);
        break;
      }
    }
  }
  if (!error && group === el) {
    const n = messageAfter(el);
    if (n && !errorNodes.has(n)) error = message(el, n, false, tiedIds, true);
  }
  const fieldset = el.closest('fieldset');
  // Its legend is its own first legend child (not one of a fieldset inside it).
  const legendEl = fieldset && Array.from(fieldset.children).find((c) => c.localName === 'legend');
  const legend = legendEl ? cx.text(legendEl.textContent, 80) : '';
  let marker = '';
  if (/\*|\brequired\b/i.test(labelText)) marker = 'required';
  else if (/\boptional\b/i.test(labelText)) marker = 'optional';
  fields.push({
    selector: cx.selector(el), tag: el.localName, type: (el.type || '').toLowerCase(),
    type_attr: (el.getAttribute('type') || '').toLowerCase(), name_attr: el.getAttribute('name') || '',
    id: el.id || '', inputmode: (el.getAttribute('inputmode') || '').toLowerCase(),
    autocomplete: (el.getAttribute('autocomplete') || '').toLowerCase().trim(),
    placeholder: cx.text(el.getAttribute('placeholder'), 120),
    required: !!el.required, aria_required: el.getAttribute('aria-required') === 'true',
    aria_invalid: (el.getAttribute('aria-invalid') || '').toLowerCase(),
    label: labelText, name, name_source: source, label_marker: marker, legend,
    described_by: described, error, flagged: !!el.id && flaggedIds.has(el.id),
    form: el.form ? forms.indexOf(el.form) : -1, box: cx.box(el), html: openTag(el),
  });
}
const NOTE = /\b(required|mandatory|optional)\b|^\*/i;
const formInfo = forms.map((form, index) => {
  let note = '';
  const walker = document.createTreeWalker(form, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const t = cx.text(n.nodeValue, 160);
    const parent = n.parentElement;
    if (!t || !parent || parent.closest('label')) continue;
    let e = parent, inError = false;
    for (; e && e !== form; e = e.parentElement) if (errorish(e)) { inError = true; break; }
    if (inError || !cx.rendered(parent) || !NOTE.test(t)) continue;
    note = t;
    break;
  }
  // Error messages of the form as a whole (not one field's): a list at its top,
  // a line by the submit button. The outermost of each, shown, with its text.
  const errors = [];
  for (const n of form.querySelectorAll('*')) {
    if (errors.length >= 10) break;
    if (!errorish(n) || n.matches(CONTROLS + ', button') || n.closest('label') || countIn(n) > 0) continue;
    if (errors.some((e) => e.node.contains(n))) continue;
    if (Array.from(errorNodes).some((m) => m.contains(n) || n.contains(m)) || !shown(n)) continue;
    errors.push({node: n, selector: cx.selector(n), text: cx.text(n.textContent, 300),
      aria_hidden: hiddenApart(n, form),
      links: Array.from(n.querySelectorAll('a[href^="#"]')).map((a) => decodeURIComponent(a.getAttribute('href').slice(1)))});
  }
  return {index, selector: cx.selector(form), fields: fields.filter((f) => f.form === index).length, note,
    errors: errors.map(({node, ...e}) => e),
    method: (form.method || 'get').toLowerCase(),
    method_attr: (form.getAttribute('method') || '').toLowerCase().trim(),
    action: form.getAttribute('action') || '',
    search: !!form.closest('[role="search"], search') || !!form.querySelector('input[type="search" i]')};
}).filter((f) => f.fields > 0);
return {fields, forms: formInfo};
"""
)


@gatherer("forms")
async def read_forms(page: Page, options: SnapshotOptions) -> dict[str, Any]:
    """Every visible form field with its name, type, tokens, marking and error state."""
    return await page.evaluate(FORMS_JS, {"maxFields": MAX_FIELDS})
