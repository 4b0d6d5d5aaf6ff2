"""Events the page emits between two steps: console errors, failed requests,
and requests still in flight (so the runner knows when the page has settled)."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any

from cxaudit.gather.perf import StepMeter
from cxaudit.results import ConsoleMessage, FailedRequest

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Page, Request, Response

MAX_EVENTS_PER_STEP = 200
MAX_TEXT = 2000
#: How Chromium reports a request cxaudit aborted (``--block-third-party``).
BLOCKED_BY_CXAUDIT = "ERR_BLOCKED_BY_CLIENT"
#: The quiet a settle needs once the step's change has been seen (see :meth:`PageRecorder.settle`).
CHANGED_QUIET_MS = 50


class PageRecorder:
    """Listens to one page for the whole journey; drained after each step."""

    def __init__(self, page: Page, meter: StepMeter | None = None) -> None:
        self.page = page
        self.meter = meter or StepMeter(None, events=False)
        self.console: list[ConsoleMessage] = []
        self.failed: list[FailedRequest] = []
        self.inflight: set[Any] = set()
        self.last_activity = time.monotonic()
        self.main_status: int | None = None
        #: When the main frame last began loading a document (``time.monotonic()``).
        self.navigation_began = float("-inf")
        page.on("console", self._on_console)
        page.on("pageerror", self._on_page_error)
        page.on("request", self._on_request)
        page.on("requestfinished", self._on_request_done)
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    @classmethod
    async def open(cls, context: BrowserContext, page: Page) -> PageRecorder:
        """A recorder with a :class:`StepMeter` (requests, bytes, interactions per step)."""
        return cls(page, await StepMeter.attach(context, page))

    def _on_console(self, message: Any) -> None:
        if message.type not in ("error", "warning") or len(self.console) >= MAX_EVENTS_PER_STEP:
            return
        if BLOCKED_BY_CXAUDIT in message.text:
            return  # a third-party request cxaudit blocked: not the site's error
        location = message.location or {}
        self.console.append(
            ConsoleMessage(
                type=message.type,
                text=message.text[:MAX_TEXT],
                url=str(location.get("url", ""))[:MAX_TEXT],
            )
        )

    def _on_page_error(self, error: Any) -> None:
        if len(self.console) < MAX_EVENTS_PER_STEP:
            self.console.append(ConsoleMessage(type="pageerror", text=str(error)[:MAX_TEXT]))

    def _on_request(self, request: Request) -> None:
        self.inflight.add(request)
        self.last_activity = time.monotonic()
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.navigation_began = self.last_activity

    def _on_request_done(self, request: Request) -> None:
        self.inflight.discard(request)
        self.last_activity = time.monotonic()

    def _on_request_failed(self, request: Request) -> None:
        self.inflight.discard(request)
        self.last_activity = time.monotonic()
        if BLOCKED_BY_CXAUDIT in (request.failure or ""):
            return
        if len(self.failed) < MAX_EVENTS_PER_STEP:
            self.failed.append(
                FailedRequest(
                    url=request.url[:MAX_TEXT],
                    method=request.method,
                    resource_type=request.resource_type,
                    failure=(request.failure or "failed")[:MAX_TEXT],
                )
            )

    def _on_response(self, response: Response) -> None:
        request = response.request
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.main_status = response.status
        if response.status >= 400 and len(self.failed) < MAX_EVENTS_PER_STEP:
            self.failed.append(
                FailedRequest(
                    url=response.url[:MAX_TEXT],
                    method=request.method,
                    resource_type=request.resource_type,
                    status=response.status,
                )
            )

    def changed_since(self, since: float, url_before: str) -> bool:
        """Whether the page changed since ``since``: a document began loading, or the address moved."""
        return self.navigation_began >= since or self.page.url != url_before

    def quiet_needed(self, quiet_ms: float, change: tuple[float, str] | None = None) -> float:
        """How long the network must be quiet: ``quiet_ms``, or less once the change was seen.

        The long quiet after a click or key press is there for a navigation
        that starts a moment after the action. Once the step's change has
        been seen (``change``: the action's start and the address before it;
        a document began loading since, or the address moved, as a
        single-page app's router moves it), that wait has nothing left to
        catch: what remains is the new page's late requests, for which a
        goto's short quiet (:data:`CHANGED_QUIET_MS`) is enough.
        """
        if change is not None and self.changed_since(*change):
            return min(quiet_ms, CHANGED_QUIET_MS)
        return quiet_ms

    async def settle(
        self, quiet_ms: float = 150, max_ms: float = 3000, change: tuple[float, str] | None = None
    ) -> float:
        """Wait until no request has been in flight for ``quiet_ms`` (at most ``max_ms``).

        Cheaper than Playwright's ``networkidle`` (a fixed 500 ms of silence),
        and enough for pages that load late content after ``load``. With
        ``change`` the quiet is shortened once the page has changed
        (:meth:`quiet_needed`). Returns the ``time.monotonic()`` at which the
        page went quiet: the quiet period is the tool making sure, not time
        the customer waits.
        """
        start = time.monotonic()
        deadline = start + max_ms / 1000
        while time.monotonic() < deadline:
            quiet = self.quiet_needed(quiet_ms, change) / 1000
            # Quiet counts from the action's end too: a navigation that a key
            # press starts a few milliseconds later must not be missed.
            quiet_since = max(self.last_activity, start)
            idle_for = time.monotonic() - quiet_since
            if not self.inflight and idle_for >= quiet:
                return quiet_since
            # Wake when the quiet would be complete; while requests run, look again soon.
            rest = quiet - idle_for if not self.inflight else 0.01
            await asyncio.sleep(min(max(rest, 0.005), 0.03))
        return time.monotonic()

    def drain(self) -> tuple[list[ConsoleMessage], list[FailedRequest], int | None]:
        """What happened since the last drain."""
        console, failed, status = self.console, self.failed, self.main_status
        self.console, self.failed, self.main_status = [], [], None
        return console, failed, status
