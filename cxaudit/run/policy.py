"""What a journey's pages may do: where they may go, whom they may contact,
and what happens to the dialogs and pop-ups they open.

Consultants point cxaudit at sites they do not own, so an audit stays on
the site under test: the main frame may only show the journey's own origins
(the base URL's, plus ``allowed_origins``); schemes other than http and https
(``file:``, ``chrome:``, ``data:``, ``javascript:``...) are refused unless
listed. Requests to other hosts are third-party traffic: always listed in the
results, and aborted with ``--block-third-party`` (except hosts on the
config's allow list).

A :class:`PageGuard` watches one journey's context: the runner asks it after
every step what happened (dialogs answered, pop-ups closed, a navigation
that left the allowed origins, a renderer crash) and records that in the
step's result.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from cxaudit.results import Dialog, ThirdPartyHost

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request, Route

#: Main-frame addresses that are not a site: the blank start page and
#: Chromium's own error page after a failed navigation.
_NOT_A_SITE = ("about:blank", "about:srcdoc", "chrome-error://")
_DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME_ONLY = re.compile(r"^([a-z][a-z0-9+.-]*):(//)?$")
MAX_MESSAGE = 500
MAX_POPUPS_PER_STEP = 20
#: Dialogs listed per step; more are answered all the same (a page that opens
#: one alert after another would otherwise fill the memory and the report).
MAX_DIALOGS_PER_STEP = 50


@dataclass(frozen=True)
class PagePolicy:
    """Run-wide settings for what pages may do."""

    #: Answer to confirm() and prompt(): "accept" (a prompt gets its default
    #: text) or "dismiss". alert() and beforeunload are always accepted (the
    #: customer reads it and goes on).
    dialogs: Literal["accept", "dismiss"] = "accept"
    #: Abort requests to hosts outside the site under test.
    block_third_party: bool = False
    #: Hosts (``cdn.example.com``, ``*.example.net``) allowed even when blocking.
    third_party_allow: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> PagePolicy:
        """The policy a project's :class:`cxaudit.project.config.Settings` ask for."""
        return cls(
            dialogs=settings.dialogs,
            block_third_party=settings.third_party.block,
            third_party_allow=tuple(settings.third_party.allow),
        )


@dataclass(frozen=True)
class OriginRule:
    """One ``allowed_origins`` entry: an origin (``*.`` for any subdomain) or a bare scheme."""

    scheme: str
    host: str = ""
    port: int | None = None
    subdomains: bool = False

    @classmethod
    def parse(cls, text: str) -> OriginRule:
        text = text.strip().lower()
        only = _SCHEME_ONLY.match(text)
        if only:
            return cls(scheme=only.group(1))
        parts = urlsplit(text)
        host = parts.hostname or ""
        subdomains = host.startswith("*.")
        return cls(
            scheme=parts.scheme,
            host=host[2:] if subdomains else host,
            port=parts.port or _DEFAULT_PORTS.get(parts.scheme),
            subdomains=subdomains,
        )

    @property
    def scheme_only(self) -> bool:
        return not self.host

    def matches(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme != self.scheme:
            return False
        if self.scheme_only:
            return True
        try:
            port = parts.port or _DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            return False
        return host_matches(parts.hostname or "", self.host, self.subdomains) and port == self.port


def host_matches(host: str, pattern: str, subdomains: bool = False) -> bool:
    """``host`` is ``pattern``, or (with ``subdomains``) a subdomain of it."""
    host = host.lower().rstrip(".")
    if subdomains:
        return host.endswith("." + pattern)
    return host == pattern


def origin(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, as a rule would be written."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.lower()}"


class NavigationPolicy:
    """Where a journey's main frame may go.

    The site under test is the base URL's origin; without a base URL, the
    origin of the first page the journey opens. ``allowed_origins`` adds more.
    """

    def __init__(self, base_url: str | None, allowed: Sequence[str] = ()) -> None:
        self.site: OriginRule | None = None
        if base_url and urlsplit(base_url).scheme in _DEFAULT_PORTS:
            self.site = OriginRule.parse(origin(base_url))
        self.rules = [OriginRule.parse(text) for text in allowed]

    def _allowed_text(self) -> str:
        shown = [origin_text(r) for r in ([self.site] if self.site else []) + self.rules]
        return ", ".join(shown) or "none"

    def refusal(self, url: str) -> str | None:
        """Why the main frame may not show ``url``, or ``None`` when it may."""
        scheme = urlsplit(url).scheme.lower()
        if scheme in _DEFAULT_PORTS:
            if self.site is None:
                self.site = OriginRule.parse(origin(url))  # the first page sets the site
                return None
            if self.site.matches(url) or any(r.matches(url) for r in self.rules):
                return None
            return (
                f"left the allowed origins: {_short(url)} is not on {self._allowed_text()}; "
                f"add '{origin(url)}' to the journey's allowed_origins if it should go there"
            )
        if any(r.scheme_only and r.scheme == scheme for r in self.rules):
            return None
        return (
            f"refused to open {_short(url)}: '{scheme}:' addresses are not allowed; "
            f"add '{scheme}:' to the journey's allowed_origins to allow them"
        )

    def watch(self, url: str) -> str | None:
        """Like :meth:`refusal`, for a navigation the page made itself."""
        if url.startswith(_NOT_A_SITE):
            return None
        return self.refusal(url)

    def first_party(self, host: str) -> bool:
        """Whether ``host`` belongs to the site under test (any port)."""
        rules = ([self.site] if self.site else []) + self.rules
        return any(
            not r.scheme_only and host_matches(host, r.host, r.subdomains) for r in rules
        ) or (self.site is None)


def origin_text(rule: OriginRule) -> str:
    if rule.scheme_only:
        return f"{rule.scheme}:"
    host = f"*.{rule.host}" if rule.subdomains else rule.host
    default = _DEFAULT_PORTS.get(rule.scheme)
    port = "" if rule.port in (None, default) else f":{rule.port}"
    return f"{rule.scheme}://{host}{port}"


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def popups_more(count: int) -> list[str]:
    """The last entry of a step's pop-up list when it was cut: how many more were closed.

    A page that opens pop-ups in a loop would fill the results; past
    :data:`MAX_POPUPS_PER_STEP` they are closed and counted, so the list (and
    the report's "pop-up closed: …" lines) still says how many there were.
    """
    return [f"and {count} more (not listed)"] if count else []


@dataclass
class StepEvents:
    """What the guard saw during one step."""

    dialogs: list[Dialog] = field(default_factory=list)
    popups: list[str] = field(default_factory=list)
    #: The first navigation out of bounds, as a message for the step.
    violation: str = ""
    crashed: bool = False


@dataclass
class _Popup:
    url: str


class PageGuard:
    """Watches one journey's context and page for what :class:`PagePolicy` governs."""

    def __init__(self, page: Page, navigation: NavigationPolicy, policy: PagePolicy) -> None:
        self.page = page
        self.navigation = navigation
        self.policy = policy
        self.crashed = False
        #: Set when the page's renderer died: a read of the page waiting on it gives up.
        self.gone = asyncio.Event()
        self._dialogs: list[Dialog] = []
        self._popups: list[_Popup] = []
        #: Pop-ups past :data:`MAX_POPUPS_PER_STEP` in this step: closed, counted, not listed.
        self._popups_not_listed = 0
        self._violation = ""
        self._hosts: dict[str, list[int]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @classmethod
    async def attach(
        cls,
        context: BrowserContext,
        page: Page,
        navigation: NavigationPolicy,
        policy: PagePolicy,
    ) -> PageGuard:
        guard = cls(page, navigation, policy)
        page.on("dialog", guard._on_dialog)
        page.on("crash", guard._on_crash)
        context.on("page", guard._on_page)
        context.on("request", guard._on_request)
        if policy.block_third_party:
            await context.route("**/*", guard._route)
        return guard

    # -- events ---------------------------------------------------------------

    def _on_crash(self, _page: Any) -> None:
        self.crashed = True
        self.gone.set()

    async def _on_dialog(self, dialog: Any) -> None:
        kind = dialog.type
        accept = kind in ("alert", "beforeunload") or self.policy.dialogs == "accept"
        if len(self._dialogs) < MAX_DIALOGS_PER_STEP:
            self._dialogs.append(
                Dialog(
                    type=kind,
                    message=_short(dialog.message, MAX_MESSAGE),
                    action="accepted" if accept else "dismissed",
                )
            )
        with contextlib.suppress(Exception):
            if accept and kind == "prompt":
                await dialog.accept(dialog.default_value)  # what the page suggests
            elif accept:
                await dialog.accept()
            else:
                await dialog.dismiss()

    def _on_page(self, popup: Page) -> None:
        if popup is self.page:
            return
        if len(self._popups) >= MAX_POPUPS_PER_STEP:
            self._popups_not_listed += 1  # closed all the same, and counted
            self._spawn(popup.close())
            return
        record = _Popup(popup.url)
        self._popups.append(record)
        self._spawn(self._close_popup(popup, record))

    async def _close_popup(self, popup: Page, record: _Popup) -> None:
        """Let the pop-up say where it goes, then close it: the journey stays on its page."""
        with contextlib.suppress(Exception):
            await popup.wait_for_load_state("commit", timeout=2000)
        record.url = popup.url
        with contextlib.suppress(Exception):
            await popup.close()

    def _spawn(self, coro: Any) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _is_main_navigation(self, request: Request) -> bool:
        try:
            return request.is_navigation_request() and request.frame == self.page.main_frame
        except Exception:  # a service worker's request has no frame
            return False

    def _on_request(self, request: Request) -> None:
        url = request.url
        if self._is_main_navigation(request):
            why = self.navigation.watch(url)
            if why and not self._violation:
                self._violation = why
        parts = urlsplit(url)
        if parts.scheme in _DEFAULT_PORTS and parts.hostname:
            host = parts.hostname.lower()
            if not self.navigation.first_party(host):
                self._hosts.setdefault(host, [0, 0])[0] += 1

    def _blocked(self, host: str) -> bool:
        if self.navigation.first_party(host):
            return False
        for pattern in self.policy.third_party_allow:
            pattern = pattern.lower()
            if pattern.startswith("*."):
                if host_matches(host, pattern[2:], subdomains=True):
                    return False
            elif host == pattern:
                return False
        return True

    async def _route(self, route: Route) -> None:
        parts = urlsplit(route.request.url)
        host = (parts.hostname or "").lower()
        if parts.scheme in _DEFAULT_PORTS and host and self._blocked(host):
            self._hosts.setdefault(host, [0, 0])[1] += 1
            with contextlib.suppress(Exception):
                await route.abort("blockedbyclient")
            return
        with contextlib.suppress(Exception):
            await route.continue_()

    # -- what the runner asks -----------------------------------------------------

    def refusal(self, url: str) -> str | None:
        """Why a ``goto`` may not open ``url`` (the actions' navigation check)."""
        return self.navigation.refusal(url)

    async def take(self) -> StepEvents:
        """Everything since the last call; pop-ups opened meanwhile are closed first."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        events = StepEvents(
            dialogs=self._dialogs,
            popups=[p.url for p in self._popups] + popups_more(self._popups_not_listed),
            violation=self._violation,
            crashed=self.crashed,
        )
        self._dialogs, self._popups, self._violation = [], [], ""
        self._popups_not_listed = 0
        return events

    def third_party(self) -> list[ThirdPartyHost]:
        """Every third-party host contacted or blocked, busiest first."""
        return [
            ThirdPartyHost(host=host, requests=counts[0], blocked=counts[1])
            for host, counts in sorted(self._hosts.items(), key=lambda kv: (-kv[1][0], kv[0]))
        ]
