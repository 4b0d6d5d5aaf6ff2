"""Drive autoconsent in a Playwright page: detect, read the banner, then act.

autoconsent is told ``autoAction: null`` so it only detects; cxaudit reads
the banner (see ``banner.js``) while it is untouched, and then sends
``optOut`` or ``optIn`` itself. Reading the settings layer means clicking
"Settings", so the page is opened again afterwards and the action is taken
on a fresh banner: the journey goes on from the page its author asked for.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from cxaudit.results import ConsentBanner, ConsentControl

VENDOR = Path(__file__).with_name("vendor")
#: Where the banner of a platform whose rule is code (not in rules.json) shows.
CODE_RULE_ROOTS: dict[str, tuple[str, ...]] = {
    "Onetrust": ("#onetrust-banner-sdk", "#onetrust-pc-sdk"),
    "Cybotcookiebot": ("#CybotCookiebotDialog",),
    "TrustArc-top": ("#truste-consent-track", "#truste-consent-content"),
    "Klaro": (".klaro .cookie-notice", ".klaro .cookie-modal"),
    "consentmanager.net": ("#cmpbox",),
    "Evidon": ("#_evidon_banner",),
    "Uniconsent": (".unic .unic-box",),
    "Admiral": ("[class*='admiral']",),
}


@dataclass(frozen=True)
class ShadowPlatform:
    """Where a platform's banner and buttons are, by its own element ids.

    For the platforms whose autoconsent rule is code that looks in the page's
    light DOM only (``document.querySelector``): drawn inside an open shadow
    root (a site's wrapper element, a tag manager's), autoconsent never finds
    them. cxaudit finds them there itself and clicks the platform's buttons
    (Playwright's CSS engine reaches into open shadow roots).
    """

    banner: str
    #: Tried in order; the first visible one is clicked.
    reject: tuple[str, ...]
    accept: tuple[str, ...]
    #: Opens the layer where the reject control is, when the first layer has none.
    settings: str = ""


SHADOW_PLATFORMS: dict[str, ShadowPlatform] = {
    "Onetrust": ShadowPlatform(
        banner="#onetrust-banner-sdk",
        reject=("#onetrust-reject-all-handler", ".ot-pc-refuse-all-handler"),
        accept=("#onetrust-accept-btn-handler", "#accept-recommended-btn-handler"),
        settings="#onetrust-pc-btn-handler",
    ),
    "Cybotcookiebot": ShadowPlatform(
        banner="#CybotCookiebotDialog",
        reject=("#CybotCookiebotDialogBodyButtonDecline",),
        accept=(
            "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
            "#CybotCookiebotDialogBodyButtonAccept",
        ),
    ),
}
#: Finds a platform's banner shown inside an open shadow root (not in the light DOM:
#: that is autoconsent's). Returns [cmp, chain] (the hosts' selectors, then the
#: banner's, as banner.js reads chains) or null.
SHADOW_FIND_JS = """(platforms) => {
  const own = (el) => el.id ? '#' + CSS.escape(el.id)
    : el.tagName.toLowerCase() + [...el.classList].slice(0, 2).map((c) => '.' + CSS.escape(c)).join('');
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width >= 1 && box.height >= 1 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const walk = (tree, hosts) => {
    for (const el of tree.querySelectorAll('*')) {
      if (!el.shadowRoot) continue;
      const chain = [...hosts, own(el)];
      for (const [cmp, banner] of platforms) {
        const found = el.shadowRoot.querySelector(banner);
        if (found && shown(found)) return [cmp, [...chain, banner]];
      }
      const deeper = walk(el.shadowRoot, chain);
      if (deeper) return deeper;
    }
    return null;
  };
  return walk(document, []);
}"""
#: Seconds between two looks for a banner in a shadow root, while it may still come.
SHADOW_POLL_S = 0.5
#: Seconds to wait for an action's result once sent.
ACTION_WAIT_S = 10.0
#: Seconds to let a settings layer open after its control was clicked.
SETTINGS_WAIT_S = 1.0
AUTO_ACTIONS = {"reject": "optOut", "accept": "optIn"}


@cache
def _bundle() -> str:
    return (VENDOR / "autoconsent.playwright.js").read_text(encoding="utf-8")


@cache
def _rules() -> dict[str, Any]:
    return json.loads((VENDOR / "rules.json").read_text(encoding="utf-8"))


@cache
def _banner_js() -> str:
    return Path(__file__).with_name("banner.js").read_text(encoding="utf-8")


@cache
def version() -> str:
    """The vendored autoconsent release, as the report names it."""
    return "autoconsent " + (VENDOR / "VERSION").read_text(encoding="utf-8").strip()


#: A selector, or a chain of them into shadow roots and frames (autoconsent's
#: ``["#host", "button.deny"]``: each inside what the one before matched).
Root = str | tuple[str, ...]
#: The keys of a rule step that name the banner's elements.
ELEMENT_KEYS = ("visible", "exists", "waitForVisible", "waitFor")
#: The keys of a rule step that hold further steps (``any``, ``if``/``then``/``else``).
NESTED_KEYS = ("any", "if", "then", "else")


def _step_roots(rule_step: Any) -> list[Root]:
    """The element selectors a rule step names, its nested steps' included, in order."""
    if isinstance(rule_step, list):
        return [root for item in rule_step for root in _step_roots(item)]
    if not isinstance(rule_step, dict):
        return []
    found: list[Root] = []
    for key in ELEMENT_KEYS:
        value = rule_step.get(key)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            found.append(tuple(value))
    for key in NESTED_KEYS:
        found.extend(_step_roots(rule_step.get(key)))
    return found


def banner_roots(cmp: str) -> tuple[Root, ...]:
    """Selectors of the banner of platform ``cmp``: its rule's popup selectors.

    Chains are kept whole: a banner drawn in a shadow root (Usercentrics'
    ``#usercentrics-root``) is found through them, as autoconsent finds it.
    """
    if cmp in CODE_RULE_ROOTS:
        return CODE_RULE_ROOTS[cmp]
    for rule in _rules().get("autoconsent", []):
        if rule.get("name") == cmp:
            steps = list(rule.get("detectPopup", [])) + list(rule.get("detectCmp", []))
            return tuple(dict.fromkeys(_step_roots(steps)))
    return ()


@dataclass
class _Session:
    """Messages of one handling, received through the page binding."""

    config: dict[str, Any]
    messages: list[dict[str, Any]] = field(default_factory=list)
    changed: asyncio.Event = field(default_factory=asyncio.Event)

    def find(self, kind: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if m.get("type") == kind), None)


_SESSIONS: weakref.WeakKeyDictionary[Any, list[_Session]] = weakref.WeakKeyDictionary()


async def _on_message(source: dict[str, Any], message: Any) -> None:
    page, frame = source["page"], source["frame"]
    holder = _SESSIONS.get(page)
    if not holder or not isinstance(message, dict):
        return
    session = holder[0]
    kind = message.get("type")
    if kind == "init":
        await frame.evaluate(
            "([config, rules]) => window.autoconsentReceiveMessage("
            "{type: 'initResp', config, rules})",
            [session.config, _rules()],
        )
    elif kind == "eval":
        try:
            result = await frame.evaluate(message.get("code", "false"))
        except Exception:
            result = False
        await frame.evaluate(
            "([id, result]) => window.autoconsentReceiveMessage({id, type: 'evalResp', result})",
            [message.get("id"), result],
        )
    session.messages.append(message)
    session.changed.set()


async def _attach(page: Any, session: _Session) -> None:
    if page not in _SESSIONS:
        _SESSIONS[page] = [session]
        await page.expose_binding("autoconsentSendMessage", _on_message)
    else:
        _SESSIONS[page][0] = session
    for frame in page.frames:
        try:
            await frame.evaluate(_bundle())
        except Exception:
            pass  # a frame that went away meanwhile


async def _wait_for(session: _Session, kinds: tuple[str, ...], seconds: float) -> dict | None:
    deadline = time.monotonic() + seconds
    while True:
        for kind in kinds:
            if (found := session.find(kind)) is not None:
                return found
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        session.changed.clear()
        try:
            await asyncio.wait_for(session.changed.wait(), left)
        except TimeoutError:
            return None


def _config() -> dict[str, Any]:
    return {
        "enabled": True,
        "autoAction": None,
        "disabledCmps": [],
        "enablePrehide": False,
        "detectRetries": 20,
        "enableCosmeticRules": True,
        "enableHeuristicDetection": False,
        "logs": {
            "lifecycle": False,
            "rulesteps": False,
            "detectionsteps": False,
            "evals": False,
            "errors": False,
            "messages": False,
            "waits": False,
        },
    }


async def _detect(page: Any, wait_s: float) -> tuple[_Session, str | None, bool]:
    session = _Session(_config())
    await _attach(page, session)
    found = await _wait_for(session, ("popupFound",), wait_s)
    detected = session.find("cmpDetected")
    cmp = (found or detected or {}).get("cmp")
    return session, cmp, found is not None


async def _read(
    page: Any, roots: tuple[Root, ...], mode: str, strict: bool = False
) -> dict[str, Any]:
    chains = [list(r) if isinstance(r, tuple) else r for r in roots]
    return await page.evaluate(_banner_js(), {"roots": chains, "mode": mode, "strict": strict})


class _Record:
    """A :class:`ConsentBanner` being filled in (results models are frozen)."""

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(
            cmp=None,
            shown=False,
            done=None,
            clicks=None,
            first_layer=[],
            settings_opened=False,
            pre_ticked=[],
            purposes=0,
            error="",
            unknown_banner="",
        )
        self.__dict__.update(fields)

    def freeze(self) -> ConsentBanner:
        return ConsentBanner(**self.__dict__)


async def handle_consent(
    page: Any, action: str, wait_ms: float, audit: bool = True
) -> tuple[str, ConsentBanner]:
    """Find the site's consent banner, read it once, then accept, reject or leave it.

    Returns the step's message and what was seen. A page with no banner of a
    known platform within ``wait_ms`` is fine (a returning visitor, another
    region); an action that autoconsent could not complete is reported in
    the record (``done: false``) and the message, for the step to fail.
    """
    record = _Record(action=action, library=version())
    url = page.url
    # autoconsent's rules, and beside them a look into shadow roots for the
    # platforms whose rules cannot see there: whichever finds a banner first.
    detecting = asyncio.ensure_future(_detect(page, wait_ms / 1000))
    looking = asyncio.ensure_future(_shadow_banner(page, wait_ms / 1000))
    await asyncio.wait({detecting, looking}, return_when=asyncio.FIRST_COMPLETED)
    in_shadow = looking.result() if looking.done() else None
    if in_shadow is not None and not detecting.done():
        await _cancel(detecting)
        return await _handle_in_shadow(page, url, action, wait_ms, audit, record, in_shadow)
    session, cmp, shown = await detecting
    if shown or cmp:
        await _cancel(looking)
    elif in_shadow is None:
        in_shadow = await looking
    record.cmp, record.shown = cmp, shown
    if not shown:
        if cmp:
            return f"{cmp} detected, no banner showed", record.freeze()
        if in_shadow is not None:
            return await _handle_in_shadow(page, url, action, wait_ms, audit, record, in_shadow)
        record.unknown_banner = await _unknown_banner(page)
        if record.unknown_banner:
            # Said as seen: a known platform too slow to show within the
            # wait is met the same way.
            return (
                f"cookie banner not handled: no autoconsent rule recognised it within "
                f"{wait_ms / 1000:g} s ({record.unknown_banner}); left as it is"
            ), record.freeze()
        return "no consent banner showed", record.freeze()
    roots = banner_roots(cmp or "")
    if audit:
        reopen = await _audit(page, roots, record)
        if reopen:
            await page.goto(url, wait_until="load")
            session, cmp, shown = await _detect(page, wait_ms / 1000)
            if not shown:
                record.error = "the banner did not show again after its settings were read"
                return f"{record.cmp} banner read; it did not show again", record.freeze()
    if action == "none":
        return f"{cmp} banner left as it is (consent: none)", record.freeze()
    auto = AUTO_ACTIONS[action]
    await page.evaluate("(type) => window.autoconsentReceiveMessage({type})", auto)
    result = await _wait_for(session, (f"{auto}Result",), ACTION_WAIT_S)
    done = (
        await _wait_for(session, ("autoconsentDone",), 2.0)
        if result and result.get("result")
        else None
    )
    record.done = bool(result and result.get("result"))
    if done is not None:
        record.clicks = int(done.get("totalClicks") or 0)
    verb = "rejected" if action == "reject" else "accepted"
    if not record.done:
        return f"{cmp} banner: could not be {verb} by autoconsent", record.freeze()
    clicks = f", {record.clicks} click(s)" if record.clicks is not None else ""
    return f"{cmp} banner {verb} (autoconsent{clicks})", record.freeze()


async def _cancel(task: asyncio.Future[Any]) -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await task


async def _shadow_banner(page: Any, wait_s: float) -> tuple[str, tuple[str, ...]] | None:
    """A banner of a :data:`SHADOW_PLATFORMS` platform in an open shadow root, within ``wait_s``."""
    platforms = [[cmp, p.banner] for cmp, p in SHADOW_PLATFORMS.items()]
    deadline = time.monotonic() + wait_s
    while True:
        try:
            found = await page.evaluate(SHADOW_FIND_JS, platforms)
        except Exception:
            found = None  # a page that is gone or navigating shows none
        if found:
            return str(found[0]), tuple(str(part) for part in found[1])
        if time.monotonic() >= deadline:
            return None
        await asyncio.sleep(SHADOW_POLL_S)


async def _click_first_visible(page: Any, selectors: tuple[str, ...]) -> bool:
    for selector in selectors:
        target = page.locator(selector).first
        try:
            if await target.is_visible():
                await target.click(timeout=ACTION_WAIT_S * 1000)
                return True
        except Exception:
            continue
    return False


async def _handle_in_shadow(
    page: Any,
    url: str,
    action: str,
    wait_ms: float,
    audit: bool,
    record: _Record,
    found: tuple[str, tuple[str, ...]],
) -> tuple[str, ConsentBanner]:
    """Read and answer a OneTrust or Cookiebot banner that sits in a shadow root."""
    cmp, chain = found
    platform = SHADOW_PLATFORMS[cmp]
    record.cmp, record.shown = cmp, True
    where = f"in a shadow root ({' >> '.join(chain[:-1])})"
    if audit and await _audit(page, (chain,), record):
        await page.goto(url, wait_until="load")
        again = await _shadow_banner(page, wait_ms / 1000)
        if again is None:
            record.error = "the banner did not show again after its settings were read"
            return f"{cmp} banner read {where}; it did not show again", record.freeze()
        chain = again[1]
    if action == "none":
        return f"{cmp} banner {where} left as it is (consent: none)", record.freeze()
    clicks = 0
    wanted = platform.reject if action == "reject" else platform.accept
    if await _click_first_visible(page, wanted):
        clicks = 1
    elif platform.settings and await _click_first_visible(page, (platform.settings,)):
        await asyncio.sleep(SETTINGS_WAIT_S)
        clicks = 2 if await _click_first_visible(page, wanted) else 0
    verb = "rejected" if action == "reject" else "accepted"
    try:
        if clicks:
            await page.locator(platform.banner).first.wait_for(
                state="hidden", timeout=ACTION_WAIT_S * 1000
            )
    except Exception:
        clicks = 0
    record.done = bool(clicks)
    record.clicks = clicks or None
    if not record.done:
        return f"{cmp} banner {where}: could not be {verb}", record.freeze()
    return (
        f"{cmp} banner {verb} {where}, {clicks} click(s): cxaudit's own rule "
        "(autoconsent's looks in the page only)"
    ), record.freeze()


async def _unknown_banner(page: Any) -> str:
    """The container of a cookie banner on screen that no rule matched, or "".

    Looked for in the light DOM and in open shadow roots alike; a page that
    cannot be read (gone, navigating) simply has none.
    """
    try:
        found = await _read(page, (), "first", strict=True)
    except Exception:
        return ""
    return str(found.get("root") or "")[:200]


async def _audit(page: Any, roots: tuple[Root, ...], record: _Record) -> bool:
    """Read the first layer and, through its settings control, the purposes.

    Returns whether the page must be opened again (settings were clicked).
    """
    try:
        first = await _read(page, roots, "first")
    except Exception as exc:
        record.error = f"the banner could not be read: {str(exc).splitlines()[0][:200]}"
        return False
    if first.get("root") is None:
        record.error = "the banner's container was not found on the page"
        return False
    record.first_layer = [ConsentControl(**c) for c in first.get("controls", [])]
    record.purposes = int(first.get("purposes", 0))
    record.pre_ticked = list(first.get("ticked", []))
    if not any(c.kind == "settings" for c in record.first_layer):
        return False
    try:
        opened = await _read(page, roots, "open")
        if not opened.get("opened"):
            return False
        await asyncio.sleep(SETTINGS_WAIT_S)
        layer = await _read(page, roots, "settings")
    except Exception as exc:
        record.error = f"the banner's settings could not be read: {str(exc).splitlines()[0][:200]}"
        return True
    record.settings_opened = True
    record.purposes = max(record.purposes, int(layer.get("purposes", 0)))
    record.pre_ticked = list(dict.fromkeys(record.pre_ticked + list(layer.get("ticked", []))))
    return True
