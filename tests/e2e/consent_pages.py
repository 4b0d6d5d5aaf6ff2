"""OneTrust cookie banners, in the markup DuckDuckGo's autoconsent matches.

The rule that matches is autoconsent's own (lib/cmps/onetrust.ts, built into
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
  const banner = document.getElementById('onetrust-banner-sdk');
  const centre = document.getElementById('onetrust-pc-sdk');
  const say = (text) => { document.getElementById('choice').textContent = 'Cookies: ' + text; };
  const close = (text) => { banner.style.display = 'none'; centre.style.display = 'none'; say(text); };
  document.getElementById('onetrust-accept-btn-handler').onclick = () => close('accepted');
  const reject = document.getElementById('onetrust-reject-all-handler');
  if (reject) reject.onclick = () => close('rejected');
  document.getElementById('onetrust-pc-btn-handler').onclick = () => { centre.style.display = 'block'; };
  document.querySelector('.save-preference-btn-handler').onclick = () => {
    const on = [...centre.querySelectorAll('input.category-switch-handler:checked')];
    close(on.length ? 'saved with ' + on.map((i) => i.value).join(', ') : 'rejected');
  };
</script>
"""

_BTN = "padding: 12px 20px; font-size: 16px; border: 0; margin: 4px;"
_FILLED = f"{_BTN} background: #1f4f8b; color: #ffffff;"


def onetrust_page(*, reject_on_first_layer: bool = True, pre_ticked: bool = False) -> str:
    """A shop page with a OneTrust banner; its settings centre has two purposes."""
    reject = (
        f'<button id="onetrust-reject-all-handler" style="{_FILLED}">Reject All</button>'
        if reject_on_first_layer
        else ""
    )
    ticked = " checked" if pre_ticked else ""
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Shop</title></head><body>
<main><h1>Shop</h1><p id="choice">Cookies: not chosen</p><a href="/contact">Contact us</a></main>
<div id="onetrust-consent-sdk">
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
</div>
{_SCRIPT}
</body></html>"""
