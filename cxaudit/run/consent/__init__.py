"""Cookie banners of consent platforms, handled with DuckDuckGo's autoconsent.

The banner is the first thing every customer meets, and writing selectors
for each platform (OneTrust, Cookiebot, Usercentrics, Didomi, TrustArc,
Quantcast, Sourcepoint and hundreds more) is work a maintained library
already does: autoconsent's content script and rules are vendored in
``vendor/`` (MPL-2.0, see ``refresh.py``) and driven from here through its
message API: the script asks for its config with ``init``, reports
``cmpDetected`` / ``popupFound``, and answers ``optOut`` / ``optIn`` with
``optOutResult`` / ``optInResult`` and ``autoconsentDone``.

Before acting, the banner is read once as the customer sees it (its
first-layer controls, their size and contrast, the purposes ticked in its
settings) into a :class:`~cxaudit.results.ConsentBanner` for the banner check.
"""

from __future__ import annotations

from cxaudit.run.consent.driver import handle_consent

__all__ = ["handle_consent"]
