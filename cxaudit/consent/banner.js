// Reads a cookie banner as the customer meets it: its first-layer controls
// (accept, reject, settings) with their size and text contrast, and the
// purposes (checkboxes, switches) it shows ticked. Called with
// {roots: [selectors], mode: "first" | "settings", before: [...]}; plain data out.
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
  const selector = (el) => {
    if (el.id) return '#' + CSS.escape(el.id);
    const cls = [...el.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
    return el.tagName.toLowerCase() + cls;
  };
  const label = (el) => {
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.title || '').replace(/\s+/g, ' ').trim();
    return text.slice(0, 120);
  };
  const kind = (text) => (REJECT.test(text) ? 'reject' : SETTINGS.test(text) ? 'settings' : ACCEPT.test(text) ? 'accept' : null);
  const findRoot = () => {
    for (const sel of arg.roots || []) {
      let found = [];
      try { found = [...document.querySelectorAll(sel)]; } catch (e) { continue; }
      const shown = found.find(visible);
      if (shown) return shown;
    }
    // No selector of the platform's rule matched: the container of a visible
    // accept control that looks like a banner (fixed, a dialog, named so).
    const accept = [...document.querySelectorAll(CONTROLS)].find((el) => visible(el) && kind(label(el)) === 'accept');
    for (let node = accept; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      const named = /cookie|consent|cmp|gdpr|privacy/i.test((node.id || '') + ' ' + (node.className || ''));
      if (style.position === 'fixed' || style.position === 'sticky' || node.getAttribute('role') === 'dialog'
          || node.getAttribute('role') === 'alertdialog' || named) return node;
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
    for (const el of root.querySelectorAll(CONTROLS)) {
      if (!visible(el)) continue;
      const text = label(el);
      const k = kind(text);
      if (!k) continue;
      const box = el.getBoundingClientRect();
      controls.push({ kind: k, text, selector: selector(el), width: Math.round(box.width * 10) / 10,
                      height: Math.round(box.height * 10) / 10, contrast: contrast(el) });
    }
    const purposes = [...root.querySelectorAll(PURPOSES)].filter(purposeShown);
    // Kept for the settings read: the page's own checkboxes already on
    // screen (a newsletter box) are not the banner's purposes.
    window.__cxauditConsentSeen = new WeakSet(
      [...document.querySelectorAll(PURPOSES)].filter((el) => purposeShown(el) && !root.contains(el)));
    const settings = [...root.querySelectorAll(CONTROLS)].find((el) => visible(el) && kind(label(el)) === 'settings');
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
  const purposes = [...document.querySelectorAll(PURPOSES)].filter(
    (el) => purposeShown(el) && ((root && root.contains(el)) || !seen.has(el)));
  return { root: root ? selector(root) : null, controls: [], purposes: purposes.length,
           ticked: purposes.filter(ticked).map(purposeLabel) };
}
