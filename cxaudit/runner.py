"""Executes journeys x channels in one browser and records what happened.

The runner is the only code besides the gatherers that touches Playwright.
It emits events (for progress output) and returns a raw :class:`RunResult`:
steps and snapshots, no findings; checks and scoring run afterwards on plain
data (:mod:`cxaudit.analysis`).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cxaudit import __version__
from cxaudit.actions import REGISTRY, ActionContext, SiteUnreachable, StepFailed, substitute
from cxaudit.browser import BrowserOptions, Channel, Throttle, browser_session, new_context
from cxaudit.gather import PageRecorder, SnapshotOptions, take_snapshot
from cxaudit.results import ChannelInfo, JourneyRun, RunResult, StepResult
from cxaudit.spec.model import Journey, Step

DEFAULT_STEP_TIMEOUT_MS = 10_000
DEFAULT_NAVIGATION_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class RunOptions:
    """How to run: where, on which channels, with what limits."""

    channels: Sequence[Channel]
    output_dir: Path
    base_url: str | None = None
    workers: int = 2
    step_timeout_ms: float = DEFAULT_STEP_TIMEOUT_MS
    navigation_timeout_ms: float = DEFAULT_NAVIGATION_TIMEOUT_MS
    browser: BrowserOptions = field(default_factory=BrowserOptions)
    audit: bool = True
    screenshots: bool = True
    run_id: str = ""
    #: Playwright trace per journey run: "on", "off" or "retain-on-failure".
    tracing: str = "off"


@dataclass(frozen=True)
class Event:
    """Something the runner did, for progress output and listeners."""

    kind: str  # run-started, journey-started, step-finished, journey-finished, run-finished
    journey: str = ""
    channel: str = ""
    step: StepResult | None = None
    run: JourneyRun | None = None
    total: int = 0
    done: int = 0


Listener = Callable[[Event], None]


def new_run_id(now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    return now.strftime("%Y%m%d-%H%M%S")


def slug(text: str, limit: int = 60) -> str:
    """A file-name-safe form of ``text`` (no separators, no dots in front)."""
    cleaned = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return (cleaned or "journey")[:limit]


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


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:500]


class Runner:
    """Runs a plan of journey x channel pairs concurrently in one browser."""

    def __init__(self, options: RunOptions, listener: Listener | None = None) -> None:
        self.options = options
        self.listener = listener or (lambda event: None)
        self._done = 0

    def _emit(self, event: Event) -> None:
        try:
            self.listener(event)
        except Exception:
            pass  # a broken progress printer must not break a run

    async def run(self, pairs: Sequence[tuple[Journey, Channel]]) -> RunResult:
        options = self.options
        started = _now()
        run_id = options.run_id or new_run_id()
        self._emit(Event("run-started", total=len(pairs)))
        runs: list[JourneyRun | None] = [None] * len(pairs)
        browser_version = ""
        async with browser_session(options.browser) as (_pw, browser):
            browser_version = f"Chromium {browser.version}"
            limit = asyncio.Semaphore(max(1, options.workers))

            async def one(i: int, journey: Journey, channel: Channel) -> None:
                async with limit:
                    result = await self._run_journey(browser, journey, channel)
                    runs[i] = result
                    self._done += 1
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

            await asyncio.gather(*(one(i, j, c) for i, (j, c) in enumerate(pairs)))
        channels_used = {c.name: c for _, c in pairs}
        result = RunResult(
            tool_version=__version__,
            run_id=run_id,
            started_at=started,
            finished_at=_now(),
            base_url=options.base_url or "",
            browser=browser_version,
            channels=[ChannelInfo(**c.info()) for c in channels_used.values()],
            runs=[r for r in runs if r is not None],
        )
        self._emit(Event("run-finished", total=len(pairs), done=self._done))
        return result

    async def _run_journey(self, browser: Any, journey: Journey, channel: Channel) -> JourneyRun:
        options = self.options
        started_at = _now()
        t0 = time.perf_counter()
        self._emit(Event("journey-started", journey.name, channel.name))
        base_url = options.base_url or journey.base_url or ""
        steps: list[StepResult] = []
        status = "passed"
        error = ""
        shots = (
            Path("screenshots") / channel.name / slug(Path(journey.file).stem + "-" + journey.name)
        )
        context = None
        try:
            context = await new_context(browser, channel)
            await _start_trace(context, options.tracing)
            context.set_default_timeout(options.step_timeout_ms)
            context.set_default_navigation_timeout(options.navigation_timeout_ms)
            page = await context.new_page()
            throttle = await Throttle.apply(context, page, channel)
            recorder = PageRecorder(page)
            ctx = ActionContext(page=page, base_url=base_url, timeout_ms=options.step_timeout_ms)
            time_origin: float | None = None
            all_steps = journey.steps
            for index, step in enumerate(all_steps):
                stage = journey.stage_of(index)
                if status != "passed":
                    steps.append(
                        StepResult(
                            index=index,
                            stage=stage,
                            action=step.action,
                            name=step.name,
                            line=step.line,
                            column=step.column,
                            status="skipped",
                            message="not run: an earlier step failed",
                        )
                    )
                    continue
                result, time_origin = await self._run_step(
                    ctx, recorder, throttle, channel, step, index, stage, shots, time_origin
                )
                steps.append(result)
                self._emit(Event("step-finished", journey.name, channel.name, step=result))
                if result.status == "failed":
                    status = "failed"
                    error = f"step {index + 1} ({step.name}) failed: {result.message}"
                elif result.status == "error":
                    status = "error"
                    error = f"step {index + 1} ({step.name}): {result.message}"
        except Exception as exc:  # the browser or context broke: keep what was gathered
            status = "error"
            error = f"{type(exc).__name__}: {_short(exc)}"
        finally:
            trace = ""
            if context is not None:
                trace = await _stop_trace(context, options, channel, journey, status)
                with contextlib.suppress(Exception):
                    await context.close()
        return JourneyRun(
            journey=journey.name,
            file=journey.file,
            line=journey.line,
            channel=channel.name,
            status=status,  # type: ignore[arg-type]
            error=error,
            started_at=started_at,
            duration_ms=round((time.perf_counter() - t0) * 1000, 1),
            stages=[s.name for s in journey.stages],
            rules={"messages": journey.messages} if journey.messages else {},
            steps=steps,
            trace=trace,
        )

    async def _run_step(
        self,
        ctx: ActionContext,
        recorder: PageRecorder,
        throttle: Throttle,
        channel: Channel,
        step: Step,
        index: int,
        stage: str,
        shots: Path,
        time_origin: float | None,
    ) -> tuple[StepResult, float | None]:
        spec = REGISTRY[step.action]
        ctx.timeout_ms = step.timeout_ms or self.options.step_timeout_ms
        ctx.captures = []
        status = "passed"
        message = ""
        t0 = time.perf_counter()
        try:
            raw = substitute(step.raw_args, ctx.variables, dict(os.environ))
            try:
                args = spec.args.model_validate(raw)
            except ValidationError as exc:
                raise StepFailed(
                    f"after substituting variables: {exc.errors()[0]['msg']}"
                ) from None
            await spec.run(ctx, args)
            if spec.changes_page:
                # A key press or click may start a navigation a moment later:
                # let the network go quiet first, then wait for the new page.
                await recorder.settle()
                try:
                    await ctx.page.wait_for_load_state("load", timeout=ctx.timeout_ms)
                except Exception:
                    pass  # a page still loading is measured as it is
        except SiteUnreachable as exc:
            status = "error"
            message = str(exc)
        except StepFailed as exc:
            status = "skipped" if step.optional else "failed"
            message = str(exc) if not step.optional else f"optional step not done: {exc}"
        except Exception as exc:
            status = "error"
            message = f"{type(exc).__name__}: {_short(exc)}"
        duration_ms = round((time.perf_counter() - t0) * 1000, 1)
        audit = (
            self.options.audit
            and status == "passed"
            and (step.audit if step.audit is not None else spec.changes_page)
        )
        want_shot = self.options.screenshots and (audit or status == "failed")
        snapshot = None
        if status != "error" or not ctx.page.is_closed():
            snap_options = SnapshotOptions(
                output_dir=self.options.output_dir,
                screenshot_name=str(shots / f"{index + 1:02d}-{step.action}.jpg"),
                audit=audit,
                screenshot=want_shot,
                channel=channel,
            )
            snapshot, time_origin = await take_snapshot(
                ctx.page, recorder, throttle, snap_options, time_origin
            )
        result = StepResult(
            index=index,
            stage=stage,
            action=step.action,
            name=step.name,
            line=step.line,
            column=step.column,
            status=status,  # type: ignore[arg-type]
            message=message,
            duration_ms=duration_ms,
            captures=list(ctx.captures),
            snapshot=snapshot,
        )
        return result, time_origin


async def _start_trace(context: Any, mode: str) -> None:
    if mode != "off":
        with contextlib.suppress(Exception):  # no trace is no reason to lose the run
            await context.tracing.start(screenshots=True, snapshots=True, sources=False)


async def _stop_trace(
    context: Any, options: RunOptions, channel: Channel, journey: Journey, status: str
) -> str:
    """Save the run's trace (always with "on", unless it passed with
    "retain-on-failure"); its path relative to the report, or ""."""
    if options.tracing == "off":
        return ""
    keep = options.tracing == "on" or status != "passed"
    name = (
        Path("traces") / channel.name / f"{slug(Path(journey.file).stem + '-' + journey.name)}.zip"
    )
    try:
        if keep:
            (options.output_dir / name).parent.mkdir(parents=True, exist_ok=True)
            await context.tracing.stop(path=str(options.output_dir / name))
            return name.as_posix()
        await context.tracing.stop()
    except Exception:
        pass
    return ""


async def run_journeys(
    pairs: Sequence[tuple[Journey, Channel]], options: RunOptions, listener: Listener | None = None
) -> RunResult:
    """Run ``pairs`` and return the raw result (no findings yet)."""
    return await Runner(options, listener).run(pairs)
