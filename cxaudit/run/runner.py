"""Executes journeys x channels in one browser and records what happened.

The runner is the only code besides the gatherers that touches Playwright.
It emits events (for progress output) and returns a raw :class:`RunResult`:
steps and snapshots, no findings; checks and scoring run afterwards on plain
data (:mod:`cxaudit.analysis.analyse`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxaudit import __version__
from cxaudit.analysis.metrics import changed_page, repetition_of
from cxaudit.errors import RunError
from cxaudit.gather import PageRecorder, SnapshotOptions, take_snapshot
from cxaudit.gather.axe import AxeProfile
from cxaudit.gather.deadline import within
from cxaudit.gather.screenshot import ScreenshotOptions
from cxaudit.gather.screenshot import written as screenshots_written
from cxaudit.gather.snapshot import GATHER_TIMEOUT_S, off_site, stuck
from cxaudit.gather.throttle import Throttle
from cxaudit.mail.session import mail_variables
from cxaudit.redact import Redactor, mentions_secrets, redact_model
from cxaudit.results import (
    ChannelInfo,
    ConsentBanner,
    FailedRequest,
    JourneyRules,
    JourneyRun,
    RunResult,
    Snapshot,
    SoftFailure,
    StepResult,
)
from cxaudit.run.actions import (
    RUNS,
    ActionContext,
    SiteUnreachable,
    StepFailed,
    dismiss_consent,
    page_loaded,
    substitute,
    wait_for_element,
)
from cxaudit.run.browser import BrowserOptions, new_context
from cxaudit.run.consent import handle_consent
from cxaudit.run.policy import NavigationPolicy, PageGuard, PagePolicy, StepEvents
from cxaudit.run.resilience import (
    BROWSER_DIED,
    DEFAULT_RETRIES,
    RETRYABLE_ACTIONS,
    Attempts,
    BrowserSupervisor,
    with_retries,
)
from cxaudit.sanitize import safe_name, valid_model
from cxaudit.spec.actions import REGISTRY
from cxaudit.spec.channels import Channel
from cxaudit.spec.locators import DEFAULT_TEST_ID_ATTRIBUTE, TEST_ID_ATTRIBUTE
from cxaudit.spec.model import Consent, Journey, Step
from cxaudit.spec.variables import RefError, render

DEFAULT_STEP_TIMEOUT_MS = 10_000
DEFAULT_NAVIGATION_TIMEOUT_MS = 30_000
#: Network quiet that ends a page-changing step: after a click or key press
#: (whose navigation may start late), and after a goto (which waited for load).
ACTION_QUIET_MS, GOTO_QUIET_MS = 150, 50
PAGE_CRASHED = (
    "the page crashed: the browser's renderer for it died (out of memory, or a browser bug); "
    "the journey cannot go on from here"
)
NO_TRACE_SECRETS = (
    "no trace kept: this journey uses secrets, and a Playwright trace records screenshots, "
    "the DOM and network data that would hold them"
)


#: Bounds of the default worker count (see :func:`default_workers`).
MIN_DEFAULT_WORKERS, MAX_DEFAULT_WORKERS = 2, 8


def default_workers(cpus: int | None = None) -> int:
    """Journey runs at once when nobody says: one per CPU core, at least 2, at most 8.

    Each run is a context of one shared browser; it spends much of its time
    waiting (for the network to settle, for throttled pages), so two runs
    keep even a small machine busy. Past one per core, runs mostly wait for
    CPU and timings get noisier (bench/README.md has the figures).
    """
    cpus = cpus if cpus is not None else (os.cpu_count() or 1)
    return max(MIN_DEFAULT_WORKERS, min(MAX_DEFAULT_WORKERS, cpus))


@dataclass(frozen=True)
class RunOptions:
    """How to run: where, on which channels, with what limits."""

    channels: Sequence[Channel]
    output_dir: Path
    base_url: str | None = None
    workers: int = field(default_factory=default_workers)
    step_timeout_ms: float = DEFAULT_STEP_TIMEOUT_MS
    navigation_timeout_ms: float = DEFAULT_NAVIGATION_TIMEOUT_MS
    browser: BrowserOptions = field(default_factory=BrowserOptions)
    audit: bool = True
    screenshots: bool = True
    run_id: str = ""
    #: Playwright trace per journey run: "off", "on", or "retain-on-failure".
    tracing: str = "off"
    #: Budgets from the project config; a journey's own ``budgets:`` win key by key.
    budgets: Mapping[str, float] = field(default_factory=dict)
    #: Run each journey this many times; timing checks judge the median.
    repeat: int = 1
    axe_profile: AxeProfile = field(default_factory=AxeProfile)
    #: Format, quality and size cap of audit screenshots.
    screenshot_options: ScreenshotOptions = field(default_factory=ScreenshotOptions)
    #: Extra tries for a navigation that failed transiently (dropped connection, 503).
    retries: int = DEFAULT_RETRIES
    #: Dialogs, pop-ups and third-party traffic (:mod:`cxaudit.run.policy`).
    policy: PagePolicy = field(default_factory=PagePolicy)
    #: Longest one call into a page may take (an ``evaluate``, a screenshot):
    #: past it the page's script is taken as stuck and its journey ends.
    page_timeout_s: float = GATHER_TIMEOUT_S
    #: The attribute ``test_id`` locators match, unless a journey says another.
    test_id_attribute: str = DEFAULT_TEST_ID_ATTRIBUTE

    def snapshot_options(
        self,
        screenshot_name: str,
        channel: Channel | None,
        audit: bool,
        screenshot: bool,
        redactor: Redactor | None = None,
    ) -> SnapshotOptions:
        """What to gather after a step, with this run's axe profile and screenshot format
        (and the journey's secrets, to cover where the page shows them)."""
        return SnapshotOptions(
            output_dir=self.output_dir,
            screenshot_name=screenshot_name,
            audit=audit,
            screenshot=screenshot,
            channel=channel,
            axe_profile=self.axe_profile,
            screenshot_options=self.screenshot_options,
            gather_timeout_s=self.page_timeout_s,
            redactor=redactor,
        )


@dataclass(frozen=True)
class Event:
    """Something the runner did, for progress output and listeners.

    ``done``/``total`` count journey runs in run and journey events, and the
    journey's steps in ``step-started`` (whose ``text`` is the step's name).
    """

    # run-started, journey-started, step-started, step-finished, journey-finished, run-finished
    kind: str
    journey: str = ""
    channel: str = ""
    step: StepResult | None = None
    run: JourneyRun | None = None
    total: int = 0
    done: int = 0
    text: str = ""


Listener = Callable[[Event], None]


def new_run_id(now: datetime | None = None) -> str:
    """The time to the second and 6 random hex digits: two runs in one second differ."""
    now = now or datetime.now(UTC)
    return f"{now.strftime('%Y%m%d-%H%M%S')}-{secrets.token_hex(3)}"


def screenshot_dir(channel: str, file: str, journey: str) -> Path:
    """Where a journey run's screenshots go, relative to the report: names made path-safe."""
    return (
        Path("screenshots")
        / safe_name(channel, fallback="channel")
        / safe_name(Path(file).stem + "-" + journey)
    )


def plan(
    journeys: Sequence[Journey], channels: Sequence[Channel], explicit: bool
) -> list[tuple[Journey, Channel]]:
    """Journey x channel pairs to run.

    Channels given on the command line (``explicit``) apply to every journey;
    otherwise a journey's own ``channels:`` narrows the configured ones.
    """
    pairs = []
    for journey in journeys:
        for channel in channels:
            if explicit or journey.channels is None or channel.name in journey.channels:
                pairs.append((journey, channel))
    return pairs


@dataclass
class LivePage:
    """A journey's own browsing context and page, and what watches the page."""

    context: Any
    page: Any
    throttle: Throttle
    recorder: PageRecorder
    ctx: ActionContext
    guard: PageGuard
    #: Masks the journey's secrets in every step result, as they become known.
    redactor: Redactor = field(default_factory=Redactor)


def now_iso() -> str:
    """The time now, as results.json records times (UTC, to the second)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:500]


def context_overrides(
    journey: Journey, environ: Mapping[str, str], secrets: set[str]
) -> dict[str, Any]:
    """The journey's own browser-context settings, as ``new_context`` keywords.

    Header values may read the environment and secrets; a missing one stops
    the journey with a message that names it.
    """
    out: dict[str, Any] = {}
    if journey.locale:
        out["locale"] = journey.locale
    if journey.timezone:
        out["timezone_id"] = journey.timezone
    if journey.geolocation:
        out["geolocation"] = dict(journey.geolocation)
        out["permissions"] = ["geolocation"]
    if journey.headers:
        out["extra_http_headers"] = substitute(
            dict(journey.headers), journey.variables, environ, secrets
        )
    if journey.storage_state:
        if not Path(journey.storage_state).is_file():
            raise StepFailed(f"storage_state: no such file: {journey.storage_state}")
        out["storage_state"] = journey.storage_state
    return out


def journey_cookies(
    journey: Journey, base_url: str, environ: Mapping[str, str], secrets: set[str]
) -> list[dict[str, Any]]:
    """The journey's cookies as Playwright takes them (a URL or a domain each)."""
    cookies = []
    for raw in journey.cookies:
        cookie = substitute(dict(raw), journey.variables, environ, secrets)
        if "url" not in cookie and "domain" not in cookie:
            if not base_url:
                raise StepFailed(f"cookie {cookie['name']!r} needs a url or domain (or a base_url)")
            cookie["url"] = base_url
        if "url" in cookie:
            cookie.pop("path", None)  # Playwright takes a url or a domain + path
        renamed = {"http_only": "httpOnly", "same_site": "sameSite"}
        cookies.append({renamed.get(k, k): v for k, v in cookie.items()})
    return cookies


class _SetupError(Exception):
    """The journey's own context settings cannot be applied (a missing secret or file)."""


def _step_file(journey: Journey, step: Step) -> str:
    """A step's file for the results: empty when it is the journey's own."""
    return step.file if step.file and step.file != journey.file else ""


def _render_name(name: str, variables: Mapping[str, str]) -> str:
    """A step name with the variables known so far filled in."""
    try:
        return render(name, lambda ref: variables.get(ref.name) if ref.kind == "var" else None)
    except RefError:
        return name


class Runner:
    """Runs a plan of journey x channel pairs concurrently in one browser."""

    def __init__(
        self,
        options: RunOptions,
        listener: Listener | None = None,
        checkpoint: Callable[[RunResult], None] | None = None,
    ) -> None:
        self.options = options
        self.listener = listener or (lambda event: None)
        #: Called with the partial result after every finished journey run.
        self.checkpoint = checkpoint
        self._done = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._runs: list[JourneyRun | None] = []
        self._header: dict[str, Any] = {}
        self.interrupted = False

    def _emit(self, event: Event) -> None:
        try:
            self.listener(event)
        except Exception:
            pass  # a broken progress printer must not break a run

    async def run(self, pairs: Sequence[tuple[Journey, Channel]]) -> RunResult:
        from playwright.async_api import async_playwright

        options = self.options
        channels_used = {c.name: c for _, c in pairs}
        self._header = {
            "tool_version": __version__,
            "axe_version": options.axe_profile.engine.version,
            "run_id": options.run_id or new_run_id(),
            "started_at": now_iso(),
            "base_url": options.base_url or "",
            "channels": [ChannelInfo(**c.info()) for c in channels_used.values()],
        }
        self._emit(Event("run-started", total=len(pairs)))
        self._runs = [None] * len(pairs)
        async with async_playwright() as pw:
            supervisor = BrowserSupervisor(pw, options.browser)
            try:
                browser = await supervisor.get()  # a browser that will not start stops the run
                self._header["browser"] = f"Chromium {browser.version}"
                limit = asyncio.Semaphore(max(1, options.workers))

                async def one(i: int, journey: Journey, channel: Channel) -> None:
                    if self.interrupted:  # a signal during the browser's start: run nothing
                        return
                    async with limit:
                        result = await self._supervised(supervisor, journey, channel)
                        self._runs[i] = result
                        self._done += 1
                        # Saved before it is announced: a run printed as passed is on disk.
                        if self.checkpoint is not None:
                            self.checkpoint(self.partial())
                        self._emit(
                            Event(
                                "journey-finished",
                                journey.name,
                                channel.name,
                                run=result,
                                total=len(pairs),
                                done=self._done,
                            )
                        )

                self._tasks = [
                    asyncio.ensure_future(one(i, j, c)) for i, (j, c) in enumerate(pairs)
                ]
                outcomes = await asyncio.gather(*self._tasks, return_exceptions=True)
                for outcome in outcomes:
                    if isinstance(outcome, Exception):
                        raise outcome
            finally:
                await supervisor.close()
        result = self.partial(final=True)
        self._emit(Event("run-finished", total=len(pairs), done=self._done))
        return result

    async def _repeat(
        self, browser: Any, journey: Journey, channel: Channel, first: JourneyRun
    ) -> JourneyRun:
        """Run the journey again (timings only: no audit, no screenshots) and keep every figure.

        Each repetition has a fresh context (cold cache, new cookies), as the
        first run had; the first run keeps its snapshots and findings.
        """
        repetitions = [repetition_of(first)]
        for _ in range(self.options.repeat - 1):
            again = await self._run_journey(browser, journey, channel, timing_only=True)
            repetitions.append(repetition_of(again))
        return first.model_copy(update={"repetitions": repetitions})

    def partial(self, final: bool = False) -> RunResult:
        """The run so far: finished journey runs only, ``interrupted`` until the end."""
        return RunResult(
            **self._header,
            finished_at=now_iso() if final else "",
            runs=[r for r in self._runs if r is not None],
            interrupted=self.interrupted or not final,
        )

    def interrupt(self) -> None:
        """Stop the journeys in flight (Ctrl-C, SIGTERM); :meth:`run` returns what finished."""
        self.interrupted = True
        for task in self._tasks:
            task.cancel()

    async def _supervised(
        self, supervisor: BrowserSupervisor, journey: Journey, channel: Channel
    ) -> JourneyRun:
        """One journey run (and its repetitions) in the supervisor's browser.

        A browser death is named as the cause of the runs it took down.
        """
        try:
            browser = await supervisor.get()
        except Exception as exc:
            message = str(exc) if isinstance(exc, RunError) else f"{type(exc).__name__}: {exc}"
            return JourneyRun(
                journey=journey.name,
                file=journey.file,
                line=journey.line,
                channel=channel.name,
                status="error",
                error=f"could not start the browser: {_short(Exception(message))}",
                started_at=now_iso(),
                stages=[s.name for s in journey.stages],
            )
        run = await self._run_journey(browser, journey, channel)
        if run.status != "passed" and not browser.is_connected():
            # Whatever the step made of it, the cause is the browser, not the site.
            return run.model_copy(
                update={"status": "error", "error": f"{BROWSER_DIED}; {run.error}"}
            )
        if self.options.repeat > 1:
            run = await self._repeat(browser, journey, channel, run)
        return run

    async def _run_journey(
        self, browser: Any, journey: Journey, channel: Channel, timing_only: bool = False
    ) -> JourneyRun:
        options = self.options
        started_at = now_iso()
        t0 = time.perf_counter()
        self._emit(Event("journey-started", journey.name, channel.name))
        base_url = options.base_url or journey.base_url or ""
        steps: list[StepResult] = []
        status = "passed"
        error = ""
        shots = screenshot_dir(channel.name, journey.file, journey.name)
        live: LivePage | None = None
        third_party: list[Any] = []
        secrets: set[str] = set()
        redactor = Redactor()
        trace = ""
        notes: list[str] = []
        # A trace records screenshots, the DOM and network bodies: with a
        # secret in play it would keep what redaction removes everywhere else.
        may_trace = not mentions_secrets(journey)
        if options.tracing != "off" and not may_trace:
            notes.append(NO_TRACE_SECRETS)
        try:
            live = await self._open_journey(browser, journey, channel, base_url, secrets, may_trace)
            redactor = live.redactor
            live.ctx.test_id_attribute = journey.test_id_attribute or options.test_id_attribute
            status, error = await self._run_steps(live, journey, channel, shots, steps, timing_only)
        except _SetupError as exc:
            status = "error"
            error = f"could not start the journey: {exc}"
        except Exception as exc:  # the browser or context broke: keep what was gathered
            status = "error"
            error = f"{type(exc).__name__}: {_short(exc)}"
        finally:
            if live is not None:
                trace = await self.close_page(
                    live, status, Path(*shots.parts[1:]).with_suffix(".zip")
                )
                third_party = live.guard.third_party()
                if options.tracing != "off" and may_trace and not trace and secrets:
                    notes.append(NO_TRACE_SECRETS)
        run = JourneyRun(
            journey=journey.name,
            file=journey.file,
            line=journey.line,
            channel=channel.name,
            status=status,  # type: ignore[arg-type]
            error=error,
            started_at=started_at,
            duration_ms=round((time.perf_counter() - t0) * 1000, 1),
            stages=[s.name for s in journey.stages],
            rules=journey_rules(journey, options.budgets),
            steps=steps,
            trace=trace,
            third_party=third_party,
            notes=notes,
            timeout_ms=journey.timeout_ms or 0,
            step_timeout_ms=options.step_timeout_ms,
        )
        # Secrets learnt late (a captured secret) are masked in earlier steps too.
        redactor.update(secrets)
        return redact_model(valid_model(run), redactor)

    async def _run_steps(
        self,
        live: LivePage,
        journey: Journey,
        channel: Channel,
        shots: Path,
        steps: list[StepResult],
        timing_only: bool,
    ) -> tuple[str, str]:
        """Run the journey's steps in order into ``steps``; the run's status and error.

        After a step that failed, the rest are listed as not run. ``steps``
        holds every result as it comes, so a browser that breaks midway
        leaves the run with what was gathered up to then.
        """
        ctx, redactor = live.ctx, live.redactor
        status, error = "passed", ""
        consent = journey.consent
        # The journey's budget counts from its first step (the browser's start is not its).
        deadline = time.perf_counter() + journey.timeout_ms / 1000 if journey.timeout_ms else None
        time_origin: float | None = None
        for index, step in enumerate(journey.steps):
            stage = journey.stage_of(index)
            if status == "passed" and deadline is not None and time.perf_counter() >= deadline:
                status = "failed"
                error = (
                    f"the journey's timeout ({journey.timeout_ms / 1000:g} s) was spent "
                    f"before step {index + 1} ({redactor.text(step.name)})"
                )
            if status != "passed":
                steps.append(_not_run(journey, step, index, stage, ctx.variables, redactor))
                continue
            ctx.source_dir = Path(step.file or journey.file).parent
            self._emit(
                Event(
                    "step-started",
                    journey.name,
                    channel.name,
                    total=len(journey.steps),
                    done=index,
                    text=redactor.text(_render_name(step.name, ctx.variables)),
                )
            )
            result, time_origin = await self.run_step(
                live,
                channel,
                step,
                index,
                stage,
                shots,
                time_origin,
                consent=consent if step.action == "goto" else None,
                timing_only=timing_only,
                deadline=deadline,
                encode_beside=True,
            )
            result = result.model_copy(update={"file": _step_file(journey, step)})
            if step.action == "goto" and result.status == "passed":
                consent = None  # accepted (or absent) once per journey
            steps.append(result)
            self._emit(Event("step-finished", journey.name, channel.name, step=result))
            if result.status == "failed":
                status = "failed"
                error = f"step {index + 1} ({result.name}) failed: {result.message}"
            elif result.status == "error":
                status = "error"
                error = f"step {index + 1} ({result.name}): {result.message}"
        return status, error

    async def _open_journey(
        self,
        browser: Any,
        journey: Journey,
        channel: Channel,
        base_url: str,
        secrets: set[str],
        may_trace: bool,
    ) -> LivePage:
        """The journey's page: its context settings, cookies and variables (mail addresses too)."""
        environ = dict(os.environ)
        try:
            overrides = context_overrides(journey, environ, secrets)
            cookies = journey_cookies(journey, base_url, environ, secrets)
        except StepFailed as exc:
            raise _SetupError(str(exc)) from None
        run_id = self._header.get("run_id") or self.options.run_id
        return await self.open_page(
            browser,
            channel,
            base_url,
            overrides=overrides,
            cookies=cookies,
            variables={**mail_variables(run_id, channel.name, journey.name), **journey.variables},
            secrets=secrets,
            allowed_origins=journey.allowed_origins,
            trace=may_trace,
        )

    async def run_one(self, browser: Any, journey: Journey, channel: Channel) -> JourneyRun:
        """One journey on one channel in a browser that is already open (pytest items)."""
        return await self._run_journey(browser, journey, channel)

    async def open_page(
        self,
        browser: Any,
        channel: Channel,
        base_url: str,
        *,
        overrides: Mapping[str, Any] | None = None,
        cookies: list[dict[str, Any]] | None = None,
        variables: dict[str, str] | None = None,
        secrets: set[str] | None = None,
        allowed_origins: Sequence[str] = (),
        trace: bool = True,
    ) -> LivePage:
        """A fresh context and page for one journey run, throttled and watched.

        ``overrides`` are the journey's context settings (locale, headers,
        storage state...), applied over the channel's. ``trace=False`` keeps
        Playwright tracing off whatever the options say (secrets in play).
        """
        options = self.options
        context = await new_context(browser, channel, **dict(overrides or {}))
        try:
            if cookies:
                await context.add_cookies(cookies)  # type: ignore[arg-type]
            context.set_default_timeout(options.step_timeout_ms)
            context.set_default_navigation_timeout(options.navigation_timeout_ms)
            if trace and options.tracing in ("on", "retain-on-failure"):
                await context.tracing.start(screenshots=True, snapshots=True, sources=False)
            page = await context.new_page()
            # The recorder's own DevTools session enables the network domain,
            # which resets another session's emulated conditions: throttle last.
            recorder = await PageRecorder.open(context, page)
            guard = await PageGuard.attach(
                context, page, NavigationPolicy(base_url, allowed_origins), options.policy
            )
            throttle = await Throttle.apply(context, page, channel)
        except BaseException:
            with contextlib.suppress(Exception):
                await context.close()
            raise
        ctx = ActionContext(
            page=page,
            base_url=base_url,
            variables=variables if variables is not None else {},
            secrets=secrets if secrets is not None else set(),
            timeout_ms=options.step_timeout_ms,
            output_dir=options.output_dir,
            refuse_url=guard.refusal,
        )
        return LivePage(context, page, throttle, recorder, ctx, guard)

    async def close_page(self, live: LivePage, status: str, trace_name: Path) -> str:
        """Close the context; keep its trace when asked to. Returns the trace's relative path."""
        kept = ""
        tracing = self.options.tracing
        # Bounded like every call into a page: a stuck page must not hold the run here.
        limit = self.options.page_timeout_s
        with contextlib.suppress(Exception):
            if live.ctx.secrets:  # learnt during the run: the trace holds them; drop it
                if tracing != "off":
                    await within(live.context.tracing.stop(), limit)
            elif tracing == "on" or (tracing == "retain-on-failure" and status != "passed"):
                path = Path("traces") / trace_name
                (self.options.output_dir / path).parent.mkdir(parents=True, exist_ok=True)
                target = str(self.options.output_dir / path)
                await within(live.context.tracing.stop(path=target), limit)
                kept = str(path)
            elif tracing != "off":
                await within(live.context.tracing.stop(), limit)
        with contextlib.suppress(Exception):
            await within(live.context.close(), limit)
        await asyncio.to_thread(screenshots_written)  # those encoded beside the journey
        return kept

    async def run_step(
        self,
        live: LivePage,
        channel: Channel,
        step: Step,
        index: int,
        stage: str,
        shots: Path,
        time_origin: float | None,
        consent: Consent | None = None,
        timing_only: bool = False,
        deadline: float | None = None,
        encode_beside: bool = False,
    ) -> tuple[StepResult, float | None]:
        """One step on an open page, audited as in a journey (the BDD steps use it too).

        ``consent`` is dismissed after a goto; ``timing_only`` skips the audit
        and the screenshot (the repetitions of ``--repeat``); ``encode_beside``
        encodes the screenshot while the journey goes on (written by the time
        :meth:`close_page` returns).
        """
        ctx, guard = live.ctx, live.guard
        ctx.timeout_ms = step.timeout_ms or self.options.step_timeout_ms
        if deadline is not None:  # what is left of the journey's own timeout
            ctx.timeout_ms = max(1.0, min(ctx.timeout_ms, (deadline - time.perf_counter()) * 1000))
        ctx.wait_until = step.wait_until
        TEST_ID_ATTRIBUTE.set(ctx.test_id_attribute)
        ctx.captures = []
        ctx.artifacts = []
        ctx.email = None
        ctx.screenshot_stem = str(shots / f"{index + 1:02d}")
        name = _render_name(step.name, ctx.variables)
        step_start = _StepStart(time.monotonic(), ctx.page.url)
        done = _Outcome()
        try:
            await self._carry_out(live, step, consent, step_start, done)
        except SiteUnreachable as exc:
            done.status, done.message = "error", str(exc)
        except StepFailed as exc:
            if step.soft:  # a finding (CX-USE-022), and the journey goes on
                done.message = f"soft check failed: {exc}"
                done.soft_failure = SoftFailure(message=str(exc), severity=step.severity)
            elif step.optional:
                done.status, done.message = "skipped", f"optional step not done: {exc}"
            else:
                done.status, done.message = "failed", str(exc)
        except Exception as exc:
            done.status, done.message = "error", f"{type(exc).__name__}: {_short(exc)}"
        duration_ms = round(((done.finished or time.monotonic()) - step_start.t0) * 1000, 1)
        events = await guard.take()
        if events.crashed:
            done.status, done.message = "error", PAGE_CRASHED
        elif events.violation:
            done.status, done.message = "failed", events.violation
        snapshot = None
        if not events.crashed and (done.status != "error" or not ctx.page.is_closed()):
            snapshot, time_origin = await self._read_after(
                live, channel, step, f"{index + 1:02d}-{step.action}", shots, time_origin,
                step_start, done, events, timing_only=timing_only, encode_beside=encode_beside,
            )  # fmt: skip
        result = StepResult(
            index=index,
            stage=stage,
            action=step.action,
            name=name,
            line=step.line,
            column=step.column,
            status=done.status,  # type: ignore[arg-type]
            message=done.message,
            duration_ms=duration_ms,
            captures=list(ctx.captures),
            snapshot=snapshot,
            overrides=dict(step.overrides),
            file=step.file,
            screenshots=list(ctx.artifacts),
            attempts=done.attempts.count,
            flaky=done.status == "passed" and bool(done.attempts.failures),
            retried=done.attempts.failures,
            dialogs=events.dialogs,
            popups=events.popups,
            consent=done.banner,
            email=ctx.email,
            soft_failure=done.soft_failure,
            timeout_ms=ctx.timeout_ms,
        )
        # Every step result leaves here masked and valid (page text in messages,
        # captures and dialogs too): journeys and BDD steps alike.
        live.redactor.update(ctx.secrets)
        return redact_model(valid_model(result), live.redactor), time_origin

    async def _carry_out(
        self, live: LivePage, step: Step, consent: Consent | None, start: _StepStart, done: _Outcome
    ) -> None:
        """Do the step's action (with its retries), answer the consent banner, wait for its page.

        What it came to goes into ``done`` as it happens; a failure raises
        (``StepFailed``, ``SiteUnreachable``...), and what was filled before stays.
        """
        ctx, recorder = live.ctx, live.recorder
        spec = REGISTRY[step.action]
        raw = substitute(step.raw_args, ctx.variables, dict(os.environ), ctx.secrets)
        try:
            args = spec.args.model_validate(raw)
        except ValidationError as exc:
            raise StepFailed(f"after substituting variables: {exc.errors()[0]['msg']}") from None
        retries = self.options.retries if step.action in RETRYABLE_ACTIONS else 0
        done.attempts = await with_retries(lambda: RUNS[step.action](ctx, args), retries)
        if done.attempts.error is not None:
            raise done.attempts.error
        if consent is not None and consent.action is not None:
            done.message, done.banner = await handle_consent(
                ctx.page, consent.action, consent.wait_ms, consent.audit
            )
            if done.banner.done is False:
                raise StepFailed(done.message)
        elif consent is not None and consent.accept is not None:
            done.message = await dismiss_consent(
                ctx, consent.accept, consent.banner, consent.wait_ms
            )
        if spec.changes_page:
            # A key press or click may start a navigation a moment later:
            # let the network go quiet first, then wait for the new page.
            # The step ends when the page went quiet, not when the tool
            # was sure of it; a load that came later still counts. A goto
            # has already waited for its page: only late requests remain.
            done.finished = await recorder.settle(
                GOTO_QUIET_MS if step.action == "goto" else ACTION_QUIET_MS,
                change=(start.t0, start.url),  # shorter once the change is seen
            )
            load_wait = time.monotonic()
            await page_loaded(ctx)
            if time.monotonic() - load_wait > 0.05:
                done.finished = time.monotonic()
        if step.wait_for is not None:
            await wait_for_element(ctx, step.wait_for)
            done.finished = time.monotonic()
        landed_on_error(ctx.page.url, recorder.main_status)
        if reason := on_error_page(ctx.page.url, recorder.failed):
            raise StepFailed(reason)

    async def _read_after(
        self,
        live: LivePage,
        channel: Channel,
        step: Step,
        stem: str,
        shots: Path,
        time_origin: float | None,
        start: _StepStart,
        done: _Outcome,
        events: StepEvents,
        *,
        timing_only: bool,
        encode_beside: bool,
    ) -> tuple[Snapshot, float | None]:
        """Read the page after a step (audited when it showed a new page), and judge what was read.

        What the reading shows overrides the step's own verdict: a page that
        crashed or stopped answering meanwhile, or left the site, or landed on
        the browser's error page.
        """
        ctx, guard = live.ctx, live.guard
        spec = REGISTRY[step.action]
        # A single-page app's router changes the address without loading a
        # document: that is a new page to the customer, whatever the action.
        moved = not ctx.page.is_closed() and changed_page(start.url, ctx.page.url)
        audit = (
            self.options.audit
            and not timing_only
            and done.status == "passed"
            and (step.audit if step.audit is not None else spec.changes_page or moved)
        )
        if audit and moved and not spec.changes_page:
            # The new route may still fetch its content (it moved: the short quiet).
            await live.recorder.settle(ACTION_QUIET_MS, change=(start.t0, start.url))
        want_shot = (
            self.options.screenshots
            and not timing_only
            and (audit or done.status == "failed" or done.soft_failure is not None)
        )
        live.redactor.update(ctx.secrets)  # those learnt in this step too
        snap_options = self.options.snapshot_options(
            str(shots / stem), channel, audit, want_shot, live.redactor
        )
        if encode_beside:
            snap_options = replace(snap_options, encode_beside=True)
        snapshot, time_origin = await take_snapshot(
            ctx.page,
            live.recorder,
            live.throttle,
            snap_options,
            time_origin,
            guard.navigation.watch,
            guard.gone,
        )
        if guard.crashed:  # while it was read: what was read may be half of it
            done.status, done.message = "error", PAGE_CRASHED
        elif stuck(snapshot):  # whatever the step said: its page no longer answers
            done.status, done.message = "error", stuck(snapshot)
        elif off_site(snapshot) and done.status != "error":  # it went away by itself meanwhile
            done.status, done.message = "failed", events.violation or off_site(snapshot)
        elif done.status == "passed" and (
            reason := on_error_page(snapshot.url, snapshot.failed_requests)
        ):  # the page navigated away meanwhile, and that failed: nothing of it is the site's
            done.status, done.message = "failed", reason
            snapshot = Snapshot(
                url=snapshot.url,
                screenshot=snapshot.screenshot,
                console=snapshot.console,
                failed_requests=snapshot.failed_requests,
            )
        return snapshot, time_origin


def journey_rules(journey: Journey, default_budgets: Mapping[str, Any]) -> JourneyRules:
    """What the checks judge a run of ``journey`` by: its message rules and budgets."""
    return JourneyRules(messages=journey.messages, budgets={**default_budgets, **journey.budgets})


def _not_run(
    journey: Journey,
    step: Step,
    index: int,
    stage: str,
    variables: Mapping[str, str],
    redactor: Redactor,
) -> StepResult:
    """A step after the one that failed: listed, not run."""
    return StepResult(
        index=index,
        stage=stage,
        action=step.action,
        name=redactor.text(_render_name(step.name, variables)),
        line=step.line,
        column=step.column,
        status="skipped",
        message="not run: an earlier step failed",
        file=_step_file(journey, step),
    )


@dataclass(frozen=True)
class _StepStart:
    """When a step began (monotonic seconds) and the address it began on."""

    t0: float
    url: str


@dataclass
class _Outcome:
    """What one step came to, filled in as it is carried out (a failure may cut it short)."""

    status: str = "passed"
    message: str = ""
    attempts: Attempts = field(default_factory=Attempts)
    banner: ConsentBanner | None = None
    finished: float | None = None
    soft_failure: SoftFailure | None = None


def on_error_page(url: str, failed: Sequence[FailedRequest]) -> str:
    """Why a step ended on Chromium's own error page (``chrome-error://``), or "".

    A navigation that failed or was blocked (a host that does not answer, a
    refused certificate) leaves the browser showing "This site can't be
    reached": the customer did not get the page, and that page is not the
    site's to audit.
    """
    if not url.startswith("chrome-error:"):
        return ""
    document = next((f for f in reversed(failed) if f.resource_type == "document"), None)
    what = f" to {document.url} ({document.failure or document.status})" if document else ""
    return f"the navigation{what} failed: the browser shows its own error page ({url})"


def landed_on_error(url: str, status: int | None) -> None:
    """Fail a step that took the customer to an HTTP error page (4xx/5xx).

    A click on a dead link, a form that posts to a broken handler: the
    customer sees "Not found" or "Server error", whichever step took them
    there, so the journey did not go on. ``status`` is that of the step's
    last main-frame navigation (None when it did not navigate).
    """
    if status is not None and status >= 400:
        raise StepFailed(f"the step led to {url}, which answered HTTP {status}")


async def run_journeys(
    pairs: Sequence[tuple[Journey, Channel]], options: RunOptions, listener: Listener | None = None
) -> RunResult:
    """Run ``pairs`` and return the raw result (no findings yet)."""
    return await Runner(options, listener).run(pairs)
