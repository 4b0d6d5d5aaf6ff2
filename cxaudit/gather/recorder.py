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

    async def settle(self, quiet_ms: float = 150, max_ms: float = 3000) -> float:
        """Wait until no request has been in flight for ``quiet_ms`` (at most ``max_ms``).

        Cheaper than Playwright's ``networkidle`` (a fixed 500 ms of silence),
        and enough for pages that load late content after ``load``. Returns
        the ``time.monotonic()`` at which the page went quiet: the quiet
        period is the tool making sure, not time the customer waits.
        """
        start = time.monotonic()
        deadline = start + max_ms / 1000
        while time.monotonic() < deadline:
            # Quiet counts from the action's end too: a navigation that a key
            # press starts a few milliseconds later must not be missed.
            quiet_since = max(self.last_activity, start)
            idle_for = time.monotonic() - quiet_since
            if not self.inflight and idle_for * 1000 >= quiet_ms:
                return quiet_since
            # Wake when the quiet would be complete; while requests run, look again soon.
            rest = quiet_ms / 1000 - idle_for if not self.inflight else 0.01
            await asyncio.sleep(min(max(rest, 0.005), 0.03))
        return time.monotonic()

    def drain(self) -> tuple[list[ConsoleMessage], list[FailedRequest], int | None]:
        """What happened since the last drain."""
        console, failed, status = self.console, self.failed, self.main_status
        self.console, self.failed, self.main_status = [], [], None
        return console, failed, status
