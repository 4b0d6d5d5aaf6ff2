// Reads a cookie banner as the customer meets it: its first-layer controls
// (accept, reject, settings) with their size and text contrast, and the
// purposes (checkboxes, switches) it shows ticked. Called with
// {roots: [selector | [selector, ...]], mode: "first" | "open" | "settings",
//  strict: bool}; plain data out.
// A root given as a list is a chain, read the way autoconsent's rules mean
// it: each selector inside the shadow root (or frame, or subtree) of what the
// one before it matched. Everything below a root is read through open shadow
// roots too, as platforms such as Usercentrics draw their banner in one.
// strict: with no root matched, only a container that names cookies or
// consent counts (finding a banner no rule knows, not reading one).
(arg) => {
  const REJECT = /\b(reject|decline|deny|refuse|disagree|dismiss all|(only|strictly) (necessary|essential|required)|(necessary|essential|required)( cookies)? only|use necessary|continue without|without accepting|do not (accept|agree|consent)|don'?t (accept|agree)|ablehnen|refuser|tout refuser|rechazar|rifiuta|weigeren|alles weigeren|avvisa|afvis|odrzuć)\b/i;
  const SETTINGS = /\b(settings|preferences|customi[sz]e|manage|options|choices|configure|purposes|vendors|einstellungen|anpassen|paramètres|personnaliser|configurar|impostazioni|instellingen)\b/i;
  const ACCEPT = /\b(accept|allow|agree|consent|got it|ok|okay|i understand|understood|continue|akzeptieren|zustimmen|accepter|j'accepte|aceptar|accetta|accepteren|godkänn|accepter)\b/i;
  const CONTROLS = 'button, a[href], [role=button], input[type=button], input[type=submit]';
  const PURPOSES = 'input[type=checkbox], [role=switch], [role=checkbox]';
  const visible = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width < 1 || box.height < 1) return false;
    const style = getComputedStyle(el);
    return style.visibility !== 'hidden' && style.display !== 'none' && Number(style.opacity) > 0.05;
  };
  const rgba = (text) => {
    const m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const background = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const c = rgba(getComputedStyle(node).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  };
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c[0]) + 0.7152 * f(c[1]) + 0.0722 * f(c[2]);
  };
  const contrast = (el) => {
    const fg = rgba(getComputedStyle(el).color);
    const bg = background(el);
    const a = fg[3];
    const mixed = [0, 1, 2].map((i) => fg[i] * a + bg[i] * (1 - a));
    const [l1, l2] = [lum(mixed), lum(bg)].sort((x, y) => y - x);
    return Math.round(((l1 + 0.05) / (l2 + 0.05)) * 100) / 100;
  };
  // Every element matching sel below scope, in open shadow roots as well.
  const deepAll = (scope, sel) => {
    const out = [];
    const walk = (tree) => {
      out.push(...tree.querySelectorAll(sel));
      for (const el of tree.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
    };
    if (scope.shadowRoot) walk(scope.shadowRoot);
    walk(scope);
    return out;
  };
  // The element (or shadow host) that holds node, across shadow boundaries.
  const up = (node) => node.parentElement || (node.parentNode && node.parentNode.host) || null;
  const holds = (root, el) => {
    for (let node = el; node; node = up(node)) if (node === root) return true;
    return false;
  };
  const own = (el) => {
    if (el.id) return '#' + CSS.escape(el.id);
    const tag = el.tagName.toLowerCase();
    const testId = el.getAttribute('data-testid');
    if (testId) return `${tag}[data-testid="${CSS.escape(testId)}"]`;
    return tag + [...el.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
  };
  // Inside a shadow root, the hosts come first: "#usercentrics-root >> button#deny"
  // (a Playwright selector: its CSS engine pierces open shadow roots).
  const selector = (el) => {
    const parts = [own(el)];
    for (let tree = el.getRootNode(); tree instanceof ShadowRoot; tree = tree.host.getRootNode()) {
      parts.unshift(own(tree.host));
    }
    return parts.join(' >> ');
  };
  const label = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.title || '').replace(/\s+/g, ' ').trim();
    return text.slice(0, 120);
  };
  const kind = (text) => (REJECT.test(text) ? 'reject' : SETTINGS.test(text) ? 'settings' : ACCEPT.test(text) ? 'accept' : null);
  const inside = (scope, sel) => {
    const tree = scope.shadowRoot || scope.contentDocument || scope;
    try { return [...tree.querySelectorAll(sel)]; } catch (e) { return []; }
  };
  const matches = (root) => {
    let found = [document];
    for (const sel of typeof root === 'string' ? [root] : root) {
      found = inside(found[0], sel);
      if (!found.length) return [];
    }
    return found;
  };
  // A shadow host is often a box of no size with its banner fixed inside.
  const shows = (el) => visible(el) || deepAll(el, '*').some(visible);
  const names = (node) => `${node.id || ''} ${node.getAttribute('class') || ''} ${node.getAttribute('aria-label') || ''} ${node.tagName}`;
  const named = (node) => /cookie|consent|cmp|gdpr|privacy/i.test(names(node));
  const boxed = (node) => {
    const style = getComputedStyle(node);
    return style.position === 'fixed' || style.position === 'sticky'
      || node.getAttribute('role') === 'dialog' || node.getAttribute('role') === 'alertdialog';
  };
  // Strict: a container named for cookies, or a box that speaks of them.
  const aboutCookies = (node) => /cookie|consent|gdpr/i.test(names(node))
    || (boxed(node) && (named(node) || /\bcookies?\b|\bconsent\b/i.test(node.innerText || '')));
  // The banner around el: the nearest container that looks like one.
  const around = (el, strict) => {
    for (let node = el; node && node !== document.body; node = up(node)) {
      if (strict ? aboutCookies(node) : boxed(node) || named(node)) return node;
    }
    return null;
  };
  const findRoot = () => {
    const shown = (arg.roots || []).map((root) => matches(root).find(shows)).filter(Boolean);
    // A rule may name a button of the banner (".csm-wrapper button"): the
    // banner is then what holds it, unless another selector names it.
    const box = shown.find((el) => !el.matches(CONTROLS));
    if (box) return box;
    if (shown.length) return around(up(shown[0]), false) || up(shown[0]);
    // No selector of the platform's rule matched: the container of a visible
    // accept control that looks like a banner (fixed, a dialog, named so).
    const accepts = deepAll(document, CONTROLS).filter((el) => visible(el) && kind(label(el)) === 'accept');
    for (const accept of arg.strict ? accepts : accepts.slice(0, 1)) {
      const found = around(accept, arg.strict);
      if (found) return found;
    }
    return null;
  };
  const purposeShown = (el) => visible(el) || (el.closest('label') && visible(el.closest('label'))) || (el.parentElement && visible(el.parentElement));
  const purposeLabel = (el) => {
    const own = el.getAttribute('aria-label') || (el.labels && el.labels[0] && label(el.labels[0]));
    if (own) return own.slice(0, 80);
    const row = el.closest('li, tr, label, div');
    return row ? label(row).slice(0, 80) : selector(el);
  };
  const ticked = (el) => (el.matches('input') ? el.checked && !el.disabled
    : el.getAttribute('aria-checked') === 'true' && el.getAttribute('aria-disabled') !== 'true');
  const root = findRoot();
  if (!root && arg.mode === 'first') return { root: null };
  if (arg.mode === 'first') {
    const controls = [];
    for (const el of deepAll(root, CONTROLS)) {
      if (!visible(el)) continue;
      const text = label(el);
      const k = kind(text);
      if (!k) continue;
      const box = el.getBoundingClientRect();
      controls.push({ kind: k, text, selector: selector(el), width: Math.round(box.width * 10) / 10,
                      height: Math.round(box.height * 10) / 10, contrast: contrast(el) });
    }
    const purposes = deepAll(root, PURPOSES).filter(purposeShown);
    // Kept for the settings read: the page's own checkboxes already on
    // screen (a newsletter box) are not the banner's purposes.
    window.__cxauditConsentSeen = new WeakSet(
      deepAll(document, PURPOSES).filter((el) => purposeShown(el) && !holds(root, el)));
    const settings = deepAll(root, CONTROLS).find((el) => visible(el) && kind(label(el)) === 'settings');
    window.__cxauditConsentSettings = settings || null;
    return { root: selector(root), controls, purposes: purposes.length,
             ticked: purposes.filter(ticked).map(purposeLabel) };
  }
  if (arg.mode === 'open') {
    const settings = window.__cxauditConsentSettings;
    if (!settings || !settings.isConnected) return { opened: false };
    settings.click();
    return { opened: true };
  }
  // Settings open: purposes inside the banner, or any that showed since.
  const seen = window.__cxauditConsentSeen || new WeakSet();
  const purposes = deepAll(document, PURPOSES).filter(
    (el) => purposeShown(el) && ((root && holds(root, el)) || !seen.has(el)));
  return { root: root ? selector(root) : null, controls: [], purposes: purposes.length,
           ticked: purposes.filter(ticked).map(purposeLabel) };
}
