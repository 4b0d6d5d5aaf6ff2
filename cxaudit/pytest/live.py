"""The async runner, driven from synchronous code: pytest items, fixtures, BDD steps.

pytest and pytest-bdd call plain functions; the runner, the actions and the
gatherers are coroutines on Playwright's async API. :class:`BrowserHost` runs
one asyncio event loop in a background thread for a whole pytest session; that
loop owns Playwright and the one browser (launched through
:func:`cxaudit.run.browser.browser_session`), and the synchronous methods here
submit coroutines to it and wait for their results.

Keeping the loop off the main thread is what lets cxaudit sit beside
pytest-playwright: its sync API runs its own loop (and greenlets) in the main
thread, and two loops never meet when each keeps to its own thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from cxaudit import __version__
from cxaudit.analysis.analyse import AnalysisSettings, analyse_run, enabled_checks
from cxaudit.redact import redact_model
from cxaudit.results import ChannelInfo, JourneyRules, JourneyRun, RunResult, StepResult
from cxaudit.run.browser import browser_session
from cxaudit.run.runner import LivePage, Runner, RunOptions, now_iso, screenshot_dir
from cxaudit.sanitize import valid_model
from cxaudit.spec.channels import Channel
from cxaudit.spec.model import Journey, Step

T = TypeVar("T")

#: How long a synchronous caller waits for one coroutine before giving up.
#: Steps have their own, shorter timeouts; this only stops a wedged browser
#: from hanging a test run for ever.
CALL_TIMEOUT_S = 600.0


class BrowserHost:
    """One event loop thread and one browser, for the length of a pytest session.

    The browser starts on first use, so a session that collects journeys but
    runs none (``--collect-only``, a ``-k`` that selects nothing) never
    launches Chromium.
    """

    def __init__(self, options: RunOptions) -> None:
        self.options = options
        self.runner = Runner(options)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session: contextlib.AbstractAsyncContextManager[Any] | None = None
        self._browser: Any = None
        self._lock = threading.Lock()
        self.browser_version = ""

    # -- the loop -----------------------------------------------------------

    def _ensure_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def serve() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                thread = threading.Thread(target=serve, name="cxaudit-browser", daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._thread = loop, thread
            return self._loop

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = CALL_TIMEOUT_S) -> T:
        """Run ``coro`` on the browser's loop and return its result (or raise its error)."""
        loop = self._ensure_loop()
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout)
        except BaseException:
            future.cancel()
            raise

    async def _browser_now(self) -> Any:
        if self._browser is None:
            session = browser_session(self.options.browser)
            _pw, browser = await session.__aenter__()
            self._session, self._browser = session, browser
            self.browser_version = f"Chromium {browser.version}"
        return self._browser

    @property
    def started(self) -> bool:
        return self._browser is not None

    def close(self) -> None:
        """Close the browser and stop the loop (safe to call twice)."""
        if self._loop is None:
            return
        if self._session is not None:
            session, self._session, self._browser = self._session, None, None
            with contextlib.suppress(Exception):
                self.call(session.__aexit__(None, None, None), timeout=60)
        loop, thread = self._loop, self._thread
        self._loop = self._thread = None
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(timeout=30)
        loop.close()

    # -- what callers do ------------------------------------------------------

    def run_journey(self, journey: Journey, channel: Channel) -> JourneyRun:
        """Run one journey on one channel, as ``cxaudit run`` would (raw: no findings yet)."""

        async def go() -> JourneyRun:
            return await self.runner.run_one(await self._browser_now(), journey, channel)

        return self.call(go())

    def open_journey(
        self, name: str, file: str, line: int, channel: Channel, base_url: str
    ) -> LiveJourney:
        """A journey written step by step (a BDD scenario, a fixture's steps)."""

        async def go() -> LivePage:
            return await self.runner.open_page(await self._browser_now(), channel, base_url)

        live = self.call(go())
        return LiveJourney(self, live, name=name, file=file, line=line, channel=channel)


@dataclass
class LiveJourney:
    """A journey run that grows one step at a time, on its own page.

    Each step goes through the runner's own step execution (the action
    registry, settling, gatherers), so a BDD step and a YAML step are the same
    thing once they run. :meth:`finish` closes the page and returns the
    :class:`JourneyRun`, ready for the checks.
    """

    host: BrowserHost
    live: LivePage | None
    name: str
    file: str
    line: int
    channel: Channel
    steps: list[StepResult] = field(default_factory=list)
    stages: list[str] = field(default_factory=list)
    rules: JourneyRules = field(default_factory=JourneyRules)
    status: str = "passed"
    error: str = ""
    trace: str = ""
    started_at: str = field(default_factory=now_iso)
    _t0: float = field(default_factory=time.perf_counter)
    _time_origin: float | None = None

    @property
    def shots(self) -> Path:
        return screenshot_dir(self.channel.name, self.file, self.name)

    @property
    def variables(self) -> dict[str, str]:
        """Values captured so far (and set by the steps), by name."""
        return self.live.ctx.variables if self.live is not None else {}

    @property
    def secrets(self) -> set[str]:
        """Secret values the run has met so far: masked in everything it records."""
        return self.live.ctx.secrets if self.live is not None else set()

    def do(self, step: Step, stage: str) -> StepResult:
        """Run one step now; a failed or broken step ends the run (later steps are skipped)."""
        if self.live is None:
            raise RuntimeError("this journey run is finished")
        if stage not in self.stages:
            self.stages.append(stage)
        index = len(self.steps)
        if self.status != "passed":
            result = StepResult(
                index=index,
                stage=stage,
                action=step.action,
                name=step.name,
                line=step.line,
                column=step.column,
                status="skipped",
                message="not run: an earlier step failed",
            )
            self.steps.append(result)
            return result
        result, self._time_origin = self.host.call(
            self.host.runner.run_step(
                self.live, self.channel, step, index, stage, self.shots, self._time_origin
            )
        )
        self.steps.append(result)
        if result.status in ("failed", "error"):
            self.status = "failed" if result.status == "failed" else "error"
            self.error = f"step {index + 1} ({step.name}) {result.status}: {result.message}"
        return result

    def audit_now(self) -> StepResult | None:
        """Make sure the last step's page has been audited (axe and all), and return it.

        Steps that do not change the page (fill, capture) are not audited
        when they run; an assertion about "the page" audits it then, once.
        """
        if not self.steps or self.live is None:
            return None
        last = self.steps[-1]
        if last.snapshot is not None and last.snapshot.audited:
            return last
        from cxaudit.gather import take_snapshot

        live = self.live
        # Read as a step's page is read: its secrets covered in the picture and
        # masked in the text, nothing kept of a page off the allowed origins.
        live.redactor.update(live.ctx.secrets)
        options = self.host.options.snapshot_options(
            str(self.shots / f"{last.index + 1:02d}-{last.action}"),
            self.channel,
            audit=True,
            screenshot=self.host.options.screenshots,
            redactor=live.redactor,
        )
        snapshot, _ = self.host.call(
            take_snapshot(
                live.page,
                live.recorder,
                live.throttle,
                options,
                self._time_origin,
                live.guard.navigation.watch,
                live.guard.gone,
            )
        )
        # The page was read again, not reloaded: keep the step's own timing.
        if last.snapshot is not None and last.snapshot.timing is not None:
            snapshot = snapshot.model_copy(update={"timing": last.snapshot.timing})
        audited = redact_model(
            valid_model(last.model_copy(update={"snapshot": snapshot})), live.redactor
        )
        self.steps[-1] = audited
        return audited

    def result(self) -> JourneyRun:
        """The run so far, as results.json records it (raw: no findings yet)."""
        return JourneyRun(
            journey=self.name,
            file=self.file,
            line=self.line,
            channel=self.channel.name,
            status=self.status,  # type: ignore[arg-type]
            error=self.error,
            started_at=self.started_at,
            duration_ms=round((time.perf_counter() - self._t0) * 1000, 1),
            stages=list(self.stages),
            rules=self.rules,
            steps=list(self.steps),
            trace=self.trace,
            step_timeout_ms=self.host.runner.options.step_timeout_ms,
        )

    def finish(self, failed: str = "") -> JourneyRun:
        """Close the page and return the run; ``failed`` marks a run its caller failed."""
        if failed and self.status == "passed":
            self.status, self.error = "failed", failed
        if self.live is not None:
            live, self.live = self.live, None
            trace_name = Path(*self.shots.parts[1:]).with_suffix(".zip")
            with contextlib.suppress(Exception):
                self.trace = self.host.call(
                    self.host.runner.close_page(live, self.status, trace_name), timeout=120
                )
        return self.result()


# ---------------------------------------------------------------------------
# What a session collects: the same RunResult the CLI writes


@dataclass
class SessionRuns:
    """Journey runs collected during a pytest session, for one report at its end."""

    run_id: str
    base_url: str = ""
    #: The axe-core that audits the session's pages (results.json says which).
    axe_version: str = ""
    started_at: str = field(default_factory=now_iso)
    runs: list[JourneyRun] = field(default_factory=list)
    channels: dict[str, Channel] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, run: JourneyRun, channel: Channel) -> None:
        with self.lock:
            self.runs.append(run)
            self.channels.setdefault(channel.name, channel)

    def result(self, browser: str = "") -> RunResult:
        """The raw result of the session (analyse it for findings and scores)."""
        return RunResult(
            tool_version=__version__,
            axe_version=self.axe_version,
            run_id=self.run_id,
            started_at=self.started_at,
            finished_at=now_iso(),
            base_url=self.base_url,
            browser=browser,
            channels=[ChannelInfo(**c.info()) for c in self.channels.values()],
            runs=list(self.runs),
        )


def analyse_one(
    run: JourneyRun, channel: Channel | ChannelInfo, settings: AnalysisSettings | None = None
) -> JourneyRun:
    """Checks and scores of one journey run, with the same registry as a whole run."""
    settings = settings or AnalysisSettings()
    info = channel if isinstance(channel, ChannelInfo) else ChannelInfo(**channel.info())
    return analyse_run(run, info, enabled_checks(settings), settings)
