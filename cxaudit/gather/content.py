"""What the page says: headings, calls to action, prices in context, help and policy links,
forms, and the pictures it shows of named things (products).

The raw material of the consistency and trust checks, read in one round
trip on audited steps. Prices come with what the page says they are the
price of (a table row's header, a definition list's term, the text next to
them), so checks can add up a basket or spot a fee that appears late.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cxaudit.checks.values import parse_number
from cxaudit.gather.snapshot import SnapshotOptions, gatherer
from cxaudit.results import (
    FormInfo,
    Heading,
    LinkMention,
    PageContent,
    PriceMention,
    ProductImage,
)

if TYPE_CHECKING:
    from playwright.async_api import Page

MAX_MAIN_TEXT = 20_000
MAX_ITEMS = 200

#: Words that make a link or control worth a second look (classified in Python below).
_HELP_WORDS = (
    "contact|support|help|faq|customer service|customer care|chat|call us|get in touch|"
    "return|refund|exchange|privacy|data protection|gdpr|cookie|terms|conditions|mailto:|tel:"
)

CONTENT_JS = r"""
([maxMain, maxItems, helpWords]) => {
  const clean = (s) => (s || '').replace(/\s+/g, ' ').trim();
  const shown = (el) => {
    if (!el) return false;
    if (el.checkVisibility) return el.checkVisibility({checkOpacity: false, checkVisibilityCSS: true});
    const r = el.getBoundingClientRect();
    return r.width > 0 || r.height > 0;
  };
  const name = (el) => clean(el.getAttribute('aria-label') || el.innerText || el.value || el.textContent);

  const headings = [];
  for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6,[role=heading]')) {
    if (!shown(h) || headings.length >= maxItems) continue;
    const m = /^H(\d)$/.exec(h.tagName);
    const text = clean(h.innerText || h.textContent);
    if (text) headings.push({level: m ? +m[1] : +(h.getAttribute('aria-level') || 2), text});
  }

  // Calls to action of the page's own content: header toggles ("Menu") differ by design.
  const ctas = [];
  const ctaSel = 'button, [role=button], input[type=submit], input[type=button], '
    + 'a[class*=button i], a[class*=btn i], a[class*=cta i]';
  const main = document.querySelector('main, [role=main]') || document.body;
  for (const el of (main || document).querySelectorAll(ctaSel)) {
    if (!shown(el) || ctas.length >= maxItems) continue;
    const text = name(el);
    if (text && !ctas.includes(text)) ctas.push(text);
  }

  const PRICE = /(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|AUD|CAD)\b)\s?-?\d(?:[\d.,'\u00a0\u202f]*\d)?|-?\d(?:[\d.,'\u00a0\u202f]*\d)?\s?(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr|zł)\b)/g;
  const rows = new Map();
  const rowOf = (el) => {
    const row = el.closest('tr, li, [role=row]');
    if (!row) return null;
    if (!rows.has(row)) rows.set(row, rows.size);
    return rows.get(row);
  };
  // Take the price's own pieces out of the text around it: what is left names it.
  const without = (text, parts) => {
    let rest = clean(text);
    for (const part of parts) rest = rest.split(clean(part)).join(' ');
    return clean(rest);
  };
  const labelOf = (el, parts) => {
    const dd = el.closest('dd');
    if (dd) {
      let dt = dd.previousElementSibling;
      while (dt && dt.tagName !== 'DT') dt = dt.previousElementSibling;
      if (dt) return clean(dt.innerText || dt.textContent);
    }
    const tr = el.closest('tr');
    if (tr) {
      const th = tr.querySelector('th');
      if (th && !th.contains(el)) return clean(th.innerText || th.textContent);
      const first = tr.querySelector('td');
      if (first && !first.contains(el)) return clean(first.innerText || first.textContent);
    }
    const li = el.closest('li, [role=row]');
    if (li) return without(li.innerText || li.textContent, parts);
    const own = without(el.innerText || el.textContent || '', parts);
    if (own) return own;
    // The text around it: its parent's, or its grandparent's when the parent holds only
    // the price ("Total: " then <strong><span>£89.00</span></strong>, as React renders it).
    for (let node = el.parentElement, up = 0; node && up < 2; node = node.parentElement, up++) {
      const around = without(node.innerText || node.textContent || '', parts);
      if (around) {
        if (around.length <= 80) return around;
        break;
      }
    }
    const labelled = el.closest('[aria-label]');
    if (labelled) return clean(labelled.getAttribute('aria-label'));
    for (let node = el, up = 0; node && up < 3; node = node.parentElement, up++) {
      const before = node.previousElementSibling;
      if (before) {
        const text = clean(before.innerText || before.textContent);
        if (text) return text;
      }
    }
    return '';
  };

  // Prices as the customer reads them. Client renderers (React, Vue, ...) split a price
  // into text nodes and elements: "$" and "29.99" as two nodes, "29" and <sup>.99</sup>,
  // <span class=currency>€</span> beside the amount. The page's visible text is read as
  // pieces in document order; a piece that is only a currency, a bare number or a
  // decimal tail is joined with the adjacent pieces it reads with (nothing visible in
  // between, a common ancestor a few levels up), as the eye joins them.
  const CUR = '(?:[€$£¥₹]|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|AUD|CAD|kr|zł)';
  const IS_CUR = new RegExp('^[-\u2212]?\\s?' + CUR + '$');
  const TAIL_CUR = new RegExp('(?:^|[\\s:(])(' + CUR + ')$');
  const IS_NUM = /^[-\u2212]?\d(?:[\d.,'\u00a0\u202f]*\d)?$/;
  const TAIL_NUM = /(?:^|[\s:(])(-?\d(?:[\d.,'\u00a0\u202f]*\d)?)$/;
  const IS_DEC = /^[.,]\d{1,2}$/;
  const HAS_DEC = /[.,]\d{1,2}$/;
  const MAYBE = /[\d€$£¥₹]|EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|AUD|CAD|kr|zł/;
  const pieces = [];
  let seq = 0;
  const walker = document.createTreeWalker(document.body || document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node && pieces.length < maxItems * 4; node = walker.nextNode()) {
    const value = node.nodeValue || '';
    if (!value.trim()) continue;
    seq += 1;  // any visible-looking text between two pieces keeps them apart
    if (!MAYBE.test(value)) continue;  // cheap test first: most text has no price
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template, option') || !shown(el)) continue;
    pieces.push({node, el, text: clean(value), seq, used: false, index: pieces.length});
  }
  const after = (piece) => {
    const next = piece && pieces[piece.index + 1];
    return next && !next.used && next.seq === piece.seq + 1 ? next : null;
  };
  const common = (first, last) => {  // the element both are read in, if near enough
    for (let el = first.el, up = 0; el && up < 4; el = el.parentElement, up++) {
      if (el.contains(last.node)) return el;
    }
    return null;
  };
  const prices = [];
  const record = (text, el, parts, members) => {
    if (prices.length >= maxItems) return;
    const style = getComputedStyle(el);
    const struck = (e) => !!e.closest('s, del, strike')
      || getComputedStyle(e).textDecorationLine.includes('line-through');
    for (const m of members) m.used = true;
    prices.push({
      text: clean(text),
      label: labelOf(el, parts).slice(0, 160),
      row: rowOf(el),
      testid: el.getAttribute('data-testid') || (el.parentElement && el.parentElement.getAttribute('data-testid')) || '',
      struck: style.textDecorationLine.includes('line-through') || members.some((m) => struck(m.el)),
    });
  };
  for (const piece of pieces) {
    if (piece.used || prices.length >= maxItems) continue;
    const next = after(piece);
    const own = [...piece.text.matchAll(PRICE)];
    let end = 0;
    own.forEach((match, k) => {
      end = match.index + match[0].length;
      const tail = k === own.length - 1 && end === piece.text.length ? next : null;
      if (tail && IS_DEC.test(tail.text) && !HAS_DEC.test(match[0]) && common(piece, tail)) {
        record(match[0] + tail.text, common(piece, tail), [match[0], tail.text], [piece, tail]);
      } else {
        record(match[0], piece.el, [match[0]], [piece]);
      }
    });
    piece.used = true;
    if (!next || next.used) continue;
    const rest = piece.text.slice(end).trim();
    // "$" + "29.99", "Total: $" + "29.99", "$" + "29" + ".99"
    const cur = IS_CUR.test(rest) ? rest : (TAIL_CUR.exec(rest) || [])[1];
    if (cur && IS_NUM.test(next.text)) {
      const parts = [cur, next.text];
      const members = [piece, next];
      const dec = after(next);
      if (dec && IS_DEC.test(dec.text) && !HAS_DEC.test(next.text)) { parts.push(dec.text); members.push(dec); }
      const el = common(piece, members[members.length - 1]);
      const gap = /[A-Za-zł]$/.test(cur) ? ' ' : '';
      if (el) record(cur + gap + parts.slice(1).join(''), el, parts, members);
      continue;
    }
    // "29,99" + "€", "Total: 29" + ",99" + "€"; not "2" + "$" + "5.00" (a quantity, then a price)
    const num = IS_NUM.test(rest) ? rest : (TAIL_NUM.exec(rest) || [])[1];
    if (num) {
      const parts = [num];
      const members = [piece];
      let last = next;
      if (IS_DEC.test(next.text) && !HAS_DEC.test(num)) { parts.push(next.text); members.push(next); last = after(next); }
      const beyond = last && after(last);
      if (last && IS_CUR.test(last.text) && !(beyond && IS_NUM.test(beyond.text))) {
        members.push(last);
        const el = common(piece, last);
        if (el) record(parts.join('') + ' ' + last.text, el, [...parts, last.text], members);
      }
    }
  }

  const help = new RegExp(helpWords, 'i');
  const links = [];
  for (const el of document.querySelectorAll('a[href], button, [role=link], [role=button]')) {
    if (links.length >= maxItems) break;
    const text = name(el);
    const href = el.getAttribute('href') || '';
    if (help.test(text) || help.test(href)) links.push({text: text.slice(0, 160), href: href.slice(0, 500)});
  }

  const fieldText = (f) => {
    const label = f.labels && f.labels.length ? f.labels[0].innerText : '';
    return [label, f.getAttribute('aria-label'), f.placeholder, f.name, f.id, f.type,
            f.getAttribute('autocomplete'), f.getAttribute('inputmode')].join(' ').toLowerCase();
  };
  const forms = [];
  for (const form of document.querySelectorAll('form')) {
    if (forms.length >= maxItems) break;
    const fields = [...form.querySelectorAll('input, select, textarea')].filter(
      (f) => !['hidden', 'submit', 'button', 'reset', 'image'].includes((f.type || '').toLowerCase()));
    const texts = fields.map(fieldText);
    forms.push({
      action: (form.getAttribute('action') || '').slice(0, 500),
      method: (form.getAttribute('method') || 'get').toLowerCase(),
      fields: fields.length,
      personal: texts.some((t) => /\b(e-?mail|name|phone|tel|address|post ?code|zip|password|birth)\b/.test(t)),
      payment: texts.some((t) => /\b(card|cc-(number|csc|exp)|cvc|cvv|iban|expiry)\b/.test(t)),
      search: form.getAttribute('role') === 'search' || (fields.length > 0 && fields.every((f) => f.type === 'search')),
    });
  }

  const insecure = [];
  if (location.protocol === 'https:') {
    const seen = new Set();
    const add = (url) => { if (url && url.startsWith('http:') && !seen.has(url)) { seen.add(url); insecure.push(url.slice(0, 500)); } };
    for (const r of performance.getEntriesByType('resource')) add(r.name);
    for (const el of document.querySelectorAll('[src], link[rel~=stylesheet][href], object[data]')) {
      add(el.src || el.href || el.data || '');
    }
    for (const form of document.querySelectorAll('form[action]')) add(form.action);
  }

  // Pictures of named things: a product card's image with its link or heading, a product
  // page's main image with the page's h1. Icons (small), lazy-loading placeholders (data:
  // addresses, nothing decoded yet) and hidden images are not pictures of a product.
  const images = [];
  const pageName = (() => { const h1 = document.querySelector('h1'); return h1 ? clean(h1.innerText || h1.textContent) : ''; })();
  for (const img of (main || document).querySelectorAll('img')) {
    if (images.length >= maxItems) break;
    const src = img.currentSrc || img.src || '';
    if (!src || /^data:/i.test(src) || !img.complete || img.naturalWidth < 32 || !shown(img)) continue;
    const r = img.getBoundingClientRect();
    if (r.width < 64 || r.height < 64) continue;
    // The card: the nearest ancestor (a few levels up) with a named link or a heading.
    let link = img.closest('a[href]');
    let heading = null;
    for (let el = img.parentElement, up = 0; el && el !== document.body && up < 5; el = el.parentElement, up++) {
      if (link && name(link)) break;
      link = link || el.querySelector('a[href]');
      heading = el.querySelector('h1,h2,h3,h4,h5,h6,[role=heading]');
      if (heading || (link && name(link))) break;
    }
    const text = (link && name(link)) || (heading && clean(heading.innerText || heading.textContent))
      || clean(img.alt) || pageName;
    if (!text) continue;
    images.push({name: text.slice(0, 160), href: link ? (link.getAttribute('href') || '').slice(0, 500) : '', src: src.slice(0, 500)});
  }

  const mainText = main ? (main.innerText || '') : '';
  return {
    lang: document.documentElement.lang || '',
    headings, ctas, prices, links, forms, insecure: insecure.slice(0, maxItems), images,
    main_text: mainText.length > maxMain ? mainText.slice(0, maxMain) : mainText,
  };
}
"""

#: Link kinds and the words (in text or address) that name them.
LINK_KINDS: dict[str, re.Pattern[str]] = {
    "contact": re.compile(
        r"\bcontact|get in touch|call us|chat\b|live chat|customer (service|care)|^mailto:|^tel:",
        re.I,
    ),
    "support": re.compile(r"\bsupport\b|\bhelp\b|\bfaq|customer (service|care)", re.I),
    "returns": re.compile(r"\breturn(s|ing)?\b|\bexchanges?\b", re.I),
    "refund": re.compile(r"\brefund", re.I),
    "privacy": re.compile(r"\bprivacy\b|data protection|\bgdpr\b", re.I),
    "terms": re.compile(r"\bterms\b|conditions", re.I),
}


def link_kinds(text: str, href: str) -> list[str]:
    """What help or policy a link leads to, judged from its text and its address."""
    found = []
    for kind, pattern in LINK_KINDS.items():
        if pattern.search(text) or pattern.search(href.replace("-", " ").replace("_", " ")):
            found.append(kind)
    return found


def build_content(raw: dict[str, Any]) -> PageContent:
    """The gathered plain data as a typed :class:`PageContent`, prices parsed."""
    links = [
        LinkMention(kind=kind, text=item["text"], href=item["href"])
        for item in raw.get("links", [])
        for kind in link_kinds(item["text"], item["href"])
    ]
    return PageContent(
        lang=raw.get("lang", ""),
        headings=[Heading(**h) for h in raw.get("headings", [])],
        ctas=list(raw.get("ctas", [])),
        prices=[PriceMention(value=parse_number(p["text"]), **p) for p in raw.get("prices", [])],
        links=links,
        forms=[FormInfo(**f) for f in raw.get("forms", [])],
        main_text=raw.get("main_text", ""),
        insecure=list(raw.get("insecure", [])),
        images=[ProductImage(**i) for i in raw.get("images", [])],
    )


async def read_content(page: Page) -> PageContent:
    raw = await page.evaluate(CONTENT_JS, [MAX_MAIN_TEXT, MAX_ITEMS, _HELP_WORDS])
    return build_content(raw)


@gatherer("content")
async def _content(page: Page, options: SnapshotOptions) -> PageContent:
    return await read_content(page)
