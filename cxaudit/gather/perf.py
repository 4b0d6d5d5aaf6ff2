"""What each step costs: its requests, its bytes, and how fast the page answered its clicks.

Document timings (TTFB, paints, layout shift) say how one page loaded; a
customer's step may load several documents (a form post and its redirect) or
none (a button that updates the basket in place). The :class:`StepMeter`
therefore counts per step, between two snapshots, whatever document the
bytes went to:

- requests and bytes from the DevTools protocol's network events
  (``encodedDataLength``: bytes on the wire, headers included, redirects
  counted), on the page's own CDP session;
- interaction latency from the Event Timing API: an observer added to every
  document before its scripts run reports each click or key press's
  duration (input to next paint) through a binding, so an interaction that
  leads to a new page is still reported when the browser gets to paint
  before the old page goes. Event Timing reports only interactions of 16 ms
  or more: a step with none has ``interactions = 0``.

Requests started while cxaudit itself works on the page (axe, screenshots)
are not the customer's and are left out (:meth:`StepMeter.pause`).
Known limits: requests of out-of-process (cross-site) iframes and of
service workers are not seen by the page's session.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, CDPSession, Page

BINDING = "__cxauditInteractions"

EVENT_TIMING_JS = (
    """
(() => {
  if (window.__cxauditEventTiming) return;
  window.__cxauditEventTiming = true;
  try {
    const observer = new PerformanceObserver((list) => {
      const out = [];
      for (const e of list.getEntries()) {
        if (e.interactionId) out.push({id: e.interactionId, name: e.name, duration: e.duration,
                                       start: e.startTime, origin: performance.timeOrigin});
      }
      if (out.length && typeof window.BINDING === 'function') {
        window.BINDING(out).catch(() => {});
      }
    });
    observer.observe({type: 'event', durationThreshold: 16, buffered: true});
  } catch (e) { /* no Event Timing in this browser: interactions stay unmeasured */ }
})();
"""
).replace("BINDING", BINDING)


@dataclass(frozen=True)
class StepCost:
    """A step's figures; ``None`` where the meter could not measure."""

    requests: int | None
    bytes: int | None
    interactions: int | None
    interaction_ms: float | None

    def timing_fields(self) -> dict[str, Any]:
        """The figures under their :class:`~cxaudit.results.Timing` names."""
        return {
            "step_requests": self.requests,
            "step_bytes": self.bytes,
            "interactions": self.interactions,
            "interaction_ms": self.interaction_ms,
        }


class StepMeter:
    """Counts one page's requests, bytes and interactions, step by step."""

    def __init__(self, session: CDPSession | None, events: bool) -> None:
        self.session = session
        self.events = events
        self.paused = False
        self._requests = 0
        self._bytes = 0
        self._ours: set[str] = set()  # requests cxaudit's own work started
        self._interactions: dict[tuple[int, int], float] = {}
        #: Page-clock windows (timeOrigin, start, end) in which cxaudit itself
        #: pressed keys (the keyboard walk). Their Event Timing entries may
        #: arrive a step later, so the last few windows are kept.
        self._own_windows: list[tuple[float, float, float]] = []
        self._starts: dict[tuple[int, int], tuple[Any, Any]] = {}

    @classmethod
    async def attach(cls, context: BrowserContext, page: Page) -> StepMeter:
        """Start metering ``page`` (before its first navigation)."""
        session = None
        try:
            session = await context.new_cdp_session(page)
            await session.send("Network.enable")
        except Exception:
            session = None  # a browser without CDP: requests and bytes are not measured
        meter = cls(session, events=False)
        if session is not None:
            session.on("Network.requestWillBeSent", meter._on_request)
            session.on("Network.loadingFinished", meter._on_finished)
        try:
            await page.expose_binding(BINDING, meter._on_interactions)
            await page.add_init_script(EVENT_TIMING_JS)
            meter.events = True
        except Exception:
            pass
        return meter

    def _on_request(self, params: dict[str, Any]) -> None:
        request = params.get("request") or {}
        if str(request.get("url", "")).startswith("data:"):
            return
        redirect = params.get("redirectResponse")
        if self.paused:
            self._ours.add(str(params.get("requestId")))
            return
        self._requests += 1
        if redirect:  # the redirect answer's bytes belong to the request that got it
            self._bytes += int(redirect.get("encodedDataLength") or 0)

    def _on_finished(self, params: dict[str, Any]) -> None:
        request_id = str(params.get("requestId"))
        if request_id in self._ours:
            self._ours.discard(request_id)
            return
        self._bytes += int(params.get("encodedDataLength") or 0)

    def _on_interactions(self, source: Any, entries: Any) -> None:
        frame = id(source.get("frame")) if isinstance(source, dict) else 0
        for entry in entries if isinstance(entries, list) else []:
            try:
                key = (frame, int(entry["id"]))
                duration = float(entry["duration"])
            except (KeyError, TypeError, ValueError):
                continue
            if self._is_own(entry):
                continue
            self._starts[key] = (entry.get("origin"), entry.get("start"))
            self._interactions[key] = max(self._interactions.get(key, 0.0), duration)

    def _is_own(self, entry: dict[str, Any]) -> bool:
        try:
            origin, start = float(entry["origin"]), float(entry["start"])
        except (KeyError, TypeError, ValueError):
            return False
        return any(
            abs(origin - o) < 0.5 and begin <= start <= end for o, begin, end in self._own_windows
        )

    def own_window(self, origin: float, start: float, end: float) -> None:
        """Interactions that started in this window were cxaudit's, not the customer's."""
        self._own_windows = [*self._own_windows[-4:], (origin, start, end)]
        self._interactions = {
            k: v
            for k, v in self._interactions.items()
            if not self._is_own({"origin": self._starts[k][0], "start": self._starts[k][1]})
        }

    def pause(self) -> None:
        """From now on until :meth:`drain`, requests are cxaudit's own work, not the step's."""
        self.paused = True

    def drain(self) -> StepCost:
        """The step's figures since the last drain; counting starts again."""
        cost = StepCost(
            requests=self._requests if self.session is not None else None,
            bytes=self._bytes if self.session is not None else None,
            interactions=len(self._interactions) if self.events else None,
            interaction_ms=max(self._interactions.values()) if self._interactions else None,
        )
        self._requests = self._bytes = 0
        self._interactions = {}
        self._starts = {}
        self.paused = False
        return cost
