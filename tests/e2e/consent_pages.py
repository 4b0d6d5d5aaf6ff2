"""Cookie banners of consent platforms, in the markup DuckDuckGo's autoconsent matches.

OneTrust in the page itself; Usercentrics and Consentmo inside open shadow
roots (further down); and a cookie bar that no rule knows, in either.

For OneTrust the rule that matches is autoconsent's own (lib/cmps/onetrust.ts, built into
the vendored bundle, 16.23.0), quoted here as it decides the fixture markup::

    detectCmp:   elementExists('#onetrust-banner-sdk') || elementVisible('#onetrust-pc-sdk', 'any')
    detectPopup: elementVisible('#onetrust-banner-sdk,#onetrust-pc-sdk', 'any')
    optOut:      click '#onetrust-reject-all-handler' if visible, else '.ot-pc-refuse-all-handler'
                 if visible, ...; else click '#onetrust-pc-btn-handler', wait for
                 '#onetrust-consent-sdk', untick
                 '#onetrust-consent-sdk input.category-switch-handler:checked',
                 click '.save-preference-btn-handler', wait until '#onetrust-banner-sdk' is hidden
    optIn:       click '#onetrust-accept-btn-handler,#accept-recommended-btn-handler,.js-accept-cookies'

The page says what the customer chose ("Cookies: rejected") once a button
of the banner was used, so a journey can ``expect`` it.
"""

from __future__ import annotations

_SCRIPT = """
<script>
  const tree = %s;
  const banner = tree.getElementById('onetrust-banner-sdk');
  const centre = tree.getElementById('onetrust-pc-sdk');
  const say = (text) => { document.getElementById('choice').textContent = 'Cookies: ' + text; };
  const close = (text) => { banner.style.display = 'none'; centre.style.display = 'none'; say(text); };
  tree.getElementById('onetrust-accept-btn-handler').onclick = () => close('accepted');
  const reject = tree.getElementById('onetrust-reject-all-handler');
  if (reject) reject.onclick = () => close('rejected');
  tree.getElementById('onetrust-pc-btn-handler').onclick = () => { centre.style.display = 'block'; };
  tree.querySelector('.save-preference-btn-handler').onclick = () => {
    const on = [...centre.querySelectorAll('input.category-switch-handler:checked')];
    close(on.length ? 'saved with ' + on.map((i) => i.value).join(', ') : 'rejected');
  };
</script>
"""

_BTN = "padding: 12px 20px; font-size: 16px; border: 0; margin: 4px;"
_FILLED = f"{_BTN} background: #1f4f8b; color: #ffffff;"


def onetrust_page(
    *, reject_on_first_layer: bool = True, pre_ticked: bool = False, in_shadow: bool = False
) -> str:
    """A shop page with a OneTrust banner; its settings centre has two purposes.

    ``in_shadow``: the same markup inside the open shadow root of a site's own
    ``<consent-shell>`` element, where autoconsent's OneTrust code cannot see it.
    """
    reject = (
        f'<button id="onetrust-reject-all-handler" style="{_FILLED}">Reject All</button>'
        if reject_on_first_layer
        else ""
    )
    ticked = " checked" if pre_ticked else ""
    markup = f"""<div id="onetrust-consent-sdk">
  <div id="onetrust-banner-sdk" class="otFlat" role="region" aria-label="Cookie banner"
       style="position: fixed; bottom: 0; left: 0; right: 0; background: #ffffff; padding: 16px;">
    <div id="onetrust-policy"><h2 id="onetrust-policy-title">We value your privacy</h2>
      <p id="onetrust-policy-text">We use cookies to improve your experience.</p></div>
    <div id="onetrust-button-group">
      <button id="onetrust-pc-btn-handler" style="{_BTN} background: #ffffff; color: #1f4f8b;">Cookie Settings</button>
      {reject}
      <button id="onetrust-accept-btn-handler" style="{_FILLED}">Accept All Cookies</button>
    </div>
  </div>
  <div id="onetrust-pc-sdk" class="otPcCenter" role="dialog" aria-modal="true"
       aria-label="Preference center"
       style="display: none; position: fixed; top: 10%; left: 10%; right: 10%; background: #ffffff; padding: 16px;">
    <h2>Privacy preference center</h2>
    <div class="ot-cat-item"><input type="checkbox" id="ot-group-id-C0001" checked disabled>
      <label for="ot-group-id-C0001">Strictly necessary cookies</label></div>
    <div class="ot-cat-item"><input type="checkbox" class="category-switch-handler"
      id="ot-group-id-C0002" value="performance"{ticked}>
      <label for="ot-group-id-C0002">Performance cookies</label></div>
    <div class="ot-cat-item"><input type="checkbox" class="category-switch-handler"
      id="ot-group-id-C0004" value="targeting"{ticked}>
      <label for="ot-group-id-C0004">Targeting cookies</label></div>
    <button class="save-preference-btn-handler onetrust-close-btn-handler" style="{_FILLED}">Confirm My Choices</button>
  </div>
</div>"""
    return _in_page_or_shadow(markup, in_shadow, _SCRIPT)


def _in_page_or_shadow(markup: str, in_shadow: bool, script: str) -> str:
    """The shop page with ``markup`` in it, or in ``<consent-shell>``'s open shadow root;
    ``script`` (with ``%s`` for the tree it works in) wires the buttons."""
    if not in_shadow:
        return f"{_SHOP}{markup}\n{script % 'document'}</body></html>"
    return f"""{_SHOP}<consent-shell></consent-shell>
<script>
  document.querySelector('consent-shell').attachShadow({{mode: 'open'}}).innerHTML = `{markup}`;
</script>
{script % "document.querySelector('consent-shell').shadowRoot"}</body></html>"""


#: Cookiebot's dialog, by the element ids of the platform's own markup (the ids
#: autoconsent's Cookiebot code looks for): Deny, Customize and Allow all on the
#: first layer; Customize shows three purposes.
_COOKIEBOT = f"""<div id="CybotCookiebotDialog" role="dialog" aria-label="Cookie consent"
     style="position: fixed; bottom: 0; left: 0; right: 0; background: #ffffff; padding: 16px;">
  <h2 id="CybotCookiebotDialogBodyContentTitle">This website uses cookies</h2>
  <p id="CybotCookiebotDialogBodyContentText">We use cookies to personalise content and to
    analyse our traffic.</p>
  <div id="CybotCookiebotDialogBodyLevelWrapper" style="display: none">
    <label><input type="checkbox" id="CybotCookiebotDialogBodyLevelButtonPreferences"{{ticked}}>
      Preferences</label>
    <label><input type="checkbox" id="CybotCookiebotDialogBodyLevelButtonStatistics"{{ticked}}>
      Statistics</label>
    <label><input type="checkbox" id="CybotCookiebotDialogBodyLevelButtonMarketing">
      Marketing</label>
  </div>
  <div id="CybotCookiebotDialogFooter">
    <button id="CybotCookiebotDialogBodyButtonDecline" style="{_FILLED}">Deny</button>
    <button id="CybotCookiebotDialogBodyLevelButtonCustomize" style="{_BTN} background: #ffffff; color: #1f4f8b;">Customize</button>
    <button id="CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll" style="{_FILLED}">Allow all</button>
  </div>
</div>"""
_COOKIEBOT_SCRIPT = """
<script>
  const tree = %s;
  const dialog = tree.getElementById('CybotCookiebotDialog');
  const close = (text) => {
    dialog.style.display = 'none';
    document.getElementById('choice').textContent = 'Cookies: ' + text;
  };
  tree.getElementById('CybotCookiebotDialogBodyButtonDecline').onclick = () => close('rejected');
  tree.getElementById('CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll').onclick = () => close('accepted');
  tree.getElementById('CybotCookiebotDialogBodyLevelButtonCustomize').onclick = () => {
    tree.getElementById('CybotCookiebotDialogBodyLevelWrapper').style.display = 'block';
  };
</script>
"""


def cookiebot_page(*, pre_ticked: bool = False, in_shadow: bool = True) -> str:
    """A shop page with a Cookiebot dialog, by default in ``<consent-shell>``'s shadow root."""
    markup = _COOKIEBOT.replace("{ticked}", " checked" if pre_ticked else "")
    return _in_page_or_shadow(markup, in_shadow, _COOKIEBOT_SCRIPT)


# Banners drawn inside an open shadow root. autoconsent's declarative rules
# reach into one with a chain of selectors (each inside the shadow root of
# what the one before matched); the rules below are quoted from the vendored
# rules.json (16.23.0), as they decide the fixture markup:
#
#   usercentrics-api  detectCmp:   exists '#usercentrics-root,#usercentrics-cmp-ui'
#                     detectPopup: eval `typeof UC_UI === "object"`, then
#                                  exists ['#usercentrics-root', '[data-testid=uc-container]'],
#                                  waitForVisible '#usercentrics-root'
#                     optOut:      click ['#usercentrics-root', '[data-testid=uc-deny-all-button]']
#                     optIn:       eval UC_UI.acceptAllConsents(), UC_UI.closeCMP(),
#                                  UC_UI.areAllConsentsAccepted() === true
#   consentmo         detectCmp:   exists ['csm-cookie-consent', '.csm-wrapper']
#                     detectPopup: visible ['csm-cookie-consent', '.csm-wrapper button']
#                     optIn:       waitForThenClick ['csm-cookie-consent', '.csm-wrapper .cc-allow']
#
# The markup is written here from those selectors: Usercentrics' root
# element with its test ids, and Consentmo's custom element (a Shopify app).

_SHADOW_STYLE = f"""
  .bar {{ position: fixed; bottom: 0; left: 0; right: 0; background: #ffffff;
          color: #1a1a1a; padding: 16px; border-top: 2px solid #1f4f8b; }}
  .bar[hidden], [hidden] {{ display: none; }}
  button {{ {_BTN} }}
  button.filled {{ background: #1f4f8b; color: #ffffff; }}
  button.plain {{ background: #ffffff; color: #1f4f8b; }}
  [role=switch] {{ padding: 4px 10px; margin: 4px; border: 1px solid #1f4f8b;
                   background: #ffffff; color: #1a1a1a; }}
"""

_SHOP = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Shop</title></head><body>
<main><h1>Shop</h1><p id="choice">Cookies: not chosen</p><a href="/contact">Contact us</a></main>
"""


def usercentrics_page(*, pre_ticked: bool = False) -> str:
    """A shop page with a Usercentrics banner in ``#usercentrics-root``'s open shadow root.

    Its first layer has Settings, Deny and Accept All; Settings shows three
    purposes as switches (Marketing ticked when ``pre_ticked``). ``UC_UI`` is
    the small part of the platform's page API that autoconsent calls.
    """
    marketing = "true" if pre_ticked else "false"
    return f"""{_SHOP}
<div id="usercentrics-root" data-created-at="1"></div>
<script>
  const host = document.getElementById('usercentrics-root');
  const tree = host.attachShadow({{mode: 'open'}});
  tree.innerHTML = `<style>{_SHADOW_STYLE}</style>
  <div data-testid="uc-container" class="bar" role="dialog" aria-label="Privacy settings">
    <h2 id="uc-heading-title">Privacy settings</h2>
    <p data-testid="uc-message-container">We use cookies and similar technologies to run
      this shop and, with your consent, to measure and advertise.</p>
    <div data-testid="uc-category-list" hidden>
      <button role="switch" aria-checked="true" aria-disabled="true" aria-label="Essential">Essential</button>
      <button role="switch" aria-checked="false" aria-label="Functional">Functional</button>
      <button role="switch" aria-checked="{marketing}" aria-label="Marketing">Marketing</button>
    </div>
    <div data-testid="uc-buttons-container">
      <button data-testid="uc-more-button" class="plain">Settings</button>
      <button data-testid="uc-deny-all-button" class="filled">Deny</button>
      <button data-testid="uc-accept-all-button" class="filled">Accept All</button>
      <button data-testid="uc-save-button" class="filled" hidden>Save Settings</button>
    </div>
  </div>`;
  const bar = tree.querySelector('[data-testid=uc-container]');
  const pick = (id) => tree.querySelector(`[data-testid=${{id}}]`);
  let all = false;
  const decide = (text) => {{
    bar.hidden = true;
    document.getElementById('choice').textContent = 'Cookies: ' + text;
  }};
  for (const sw of tree.querySelectorAll('[role=switch]:not([aria-disabled=true])')) {{
    sw.onclick = () => sw.setAttribute('aria-checked', String(sw.getAttribute('aria-checked') !== 'true'));
  }}
  pick('uc-more-button').onclick = () => {{
    pick('uc-category-list').hidden = false;
    pick('uc-save-button').hidden = false;
  }};
  pick('uc-deny-all-button').onclick = () => {{ all = false; decide('rejected'); }};
  pick('uc-accept-all-button').onclick = () => {{ all = true; decide('accepted'); }};
  pick('uc-save-button').onclick = () => decide('saved');
  window.UC_UI = {{
    isInitialized: () => true,
    acceptAllConsents: () => {{ all = true; decide('accepted'); return Promise.resolve(); }},
    denyAllConsents: () => {{ all = false; decide('rejected'); return Promise.resolve(); }},
    closeCMP: () => {{ bar.hidden = true; return Promise.resolve(); }},
    areAllConsentsAccepted: () => all,
  }};
</script>
</body></html>"""


def consentmo_page() -> str:
    """A shop page with Consentmo's ``<csm-cookie-consent>`` element: Accept and Preferences.

    No reject control on the first layer: rejecting all is behind
    Preferences, which lists two unticked purposes.
    """
    return f"""{_SHOP}
<csm-cookie-consent></csm-cookie-consent>
<script>
  customElements.define('csm-cookie-consent', class extends HTMLElement {{
    connectedCallback() {{
      const tree = this.attachShadow({{mode: 'open'}});
      tree.innerHTML = `<style>{_SHADOW_STYLE}</style>
      <div class="csm-wrapper bar" role="dialog" aria-label="Cookie consent">
        <p>This shop uses cookies to give you the best experience.</p>
        <button class="cc-settings plain">Preferences</button>
        <button class="cc-allow filled">Accept</button>
      </div>
      <div class="csm-preferences bar" role="dialog" aria-label="Cookie preferences" hidden>
        <label><input type="checkbox" name="analytics"> Analytics</label>
        <label><input type="checkbox" name="marketing"> Marketing</label>
        <button class="cc-deny filled">Decline all</button>
      </div>`;
      const say = (text) => {{
        for (const layer of tree.querySelectorAll('.bar')) layer.hidden = true;
        document.getElementById('choice').textContent = 'Cookies: ' + text;
      }};
      tree.querySelector('.cc-allow').onclick = () => say('accepted');
      tree.querySelector('.cc-deny').onclick = () => say('rejected');
      tree.querySelector('.cc-settings').onclick = () => {{
        tree.querySelector('.csm-preferences').hidden = false;
      }};
    }}
  }});
</script>
</body></html>"""


_UNKNOWN_BAR = """<div class="{cls}" style="position: fixed; bottom: 0; left: 0; right: 0;
     background: #ffffff; padding: 16px;">
  <p>We use cookies to remember your basket.</p>
  <button>Reject all</button> <button>Accept all</button>
</div>"""


def unknown_banner_page(*, in_shadow: bool) -> str:
    """A shop page with a cookie bar that no autoconsent rule knows.

    In the page itself, or (``in_shadow``) inside a ``<shop-cookie-notice>``
    element's open shadow root; its buttons do nothing the test relies on.
    """
    if not in_shadow:
        return f"{_SHOP}{_UNKNOWN_BAR.format(cls='notice-bar')}\n</body></html>"
    bar = _UNKNOWN_BAR.format(cls="notice").replace("`", "")
    return f"""{_SHOP}
<shop-cookie-notice></shop-cookie-notice>
<script>
  customElements.define('shop-cookie-notice', class extends HTMLElement {{
    connectedCallback() {{ this.attachShadow({{mode: 'open'}}).innerHTML = `{bar}`; }}
  }});
</script>
</body></html>"""
