"""One snapshot after a step: every gatherer, each allowed to fail on its own."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ValidationError

from cxaudit.gather.axe import AxeProfile, run_axe
from cxaudit.gather.deadline import Abandoned, within
from cxaudit.gather.page_info import read_page_info
from cxaudit.gather.screenshot import ScreenshotOptions, capture, written
from cxaudit.results import Snapshot, Timing
from cxaudit.sanitize import valid_value

if TYPE_CHECKING:
    from playwright.async_api import Page

    from cxaudit.gather.recorder import PageRecorder
    from cxaudit.gather.throttle import Throttle
    from cxaudit.redact import Redactor
    from cxaudit.spec.channels import Channel

#: Fields whose values customers type and must never appear in a screenshot.
SENSITIVE_FIELDS = (
    "input[type=password]",
    "input[autocomplete^='cc-']",
    "input[name*='card' i]",
    "input[id*='card' i]",
    "input[name*='cvc' i]",
    "input[name*='cvv' i]",
    # Fields a journey filled with a secret (cxaudit.run.actions.SECRET_MARK).
    "[data-cxaudit-secret]",
)
#: Longest any one call into the page (an ``evaluate``, a screenshot, a CDP
#: command) may take. ``page.evaluate`` has no timeout of its own: a page stuck
#: in a script loop would hold the journey, and the run, forever.
GATHER_TIMEOUT_S = 90.0
#: Where :func:`take_snapshot` says the page stopped answering (see :func:`stuck`).
STUCK_KEY = "script"
#: Where it says the page was on an origin the journey may not audit (see :func:`off_site`).
ORIGIN_KEY = "origin"
#: Where it lists the boxes covered in the screenshot because they showed a secret.
MASKED_KEY = "screenshot_masked"


#: The cause under :data:`STUCK_KEY` when the page's renderer died while it was read.
GONE = "the page's renderer died while it was read: nothing more could be read from it"


def stuck_message(timeout_s: float) -> str:
    """The cause of a journey whose page stopped answering: its own script holds it."""
    return (
        f"the page's script did not yield for {timeout_s:g} s (an endless loop, or one "
        "dialog after another): nothing more could be read from the page, and the journey "
        "stops here"
    )


class PageStuck(Exception):
    """A call into the page did not return within the limit: the page's thread is busy."""


@dataclass(frozen=True)
class SnapshotOptions:
    """What to gather; the runner sets these per step."""

    output_dir: Path
    screenshot_name: str
    audit: bool = True
    screenshot: bool = True
    channel: Channel | None = None
    axe_profile: AxeProfile = field(default_factory=AxeProfile)
    #: Format, quality and size cap of the screenshot; its file suffix follows the format.
    screenshot_options: ScreenshotOptions = field(default_factory=ScreenshotOptions)
    #: Longest one gatherer may take; ``None`` for a synchronous page, which
    #: cannot be interrupted anyway (see :mod:`cxaudit.gather.sync_page`).
    gather_timeout_s: float | None = GATHER_TIMEOUT_S
    #: The journey's secrets, to cover where the page shows them in the
    #: screenshot. Held in memory only: never printed, compared or written.
    redactor: Redactor | None = field(default=None, repr=False, compare=False)
    #: Encode the screenshot on a thread while the journey goes on (see
    #: :func:`cxaudit.gather.screenshot.capture`); whoever sets it waits for
    #: :func:`cxaudit.gather.screenshot.written` before reading the pictures.
    encode_beside: bool = False


GatherFn = Callable[["Page", SnapshotOptions], Awaitable[Any]]


@dataclass(frozen=True)
class Gatherer:
    """One artifact read from the page into one :class:`Snapshot` field.

    ``when="audit"`` gatherers run only after steps that are audited (those
    that may change the page); ``"always"`` ones after every step.

    A gatherer that only reads the page runs at the same time as the other
    readers (their calls wait on the browser together, not one after the
    other); an ``exclusive`` one drives the page (key presses that move
    focus and scroll) and runs alone, after them.

    ``model`` is the type of its field in :class:`Snapshot` (the contract):
    an answer that does not fit it is the gatherer's failure, recorded under
    its name like any other.
    """

    name: str
    field: str
    run: GatherFn
    model: type[BaseModel]
    when: Literal["always", "audit"] = "audit"
    exclusive: bool = False

    def fit(self, answer: Any) -> BaseModel | None:
        """``answer`` as the field's model (text made valid); raises :class:`UnfitAnswer`."""
        if answer is None:
            return None
        try:
            return self.model.model_validate(valid_value(answer))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "the top"
            raise UnfitAnswer(
                f"its answer does not fit {self.model.__name__} at {where}: {first['msg']} "
                f"({exc.error_count()} problem(s)); nothing of it was kept"
            ) from None


class UnfitAnswer(Exception):
    """A gatherer answered with data its Snapshot field's model does not accept."""


def field_model(field: str) -> type[BaseModel]:
    """The model of the :class:`Snapshot` field ``field`` (``X | None`` -> ``X``)."""
    info = Snapshot.model_fields.get(field)
    if info is None:
        raise ValueError(f"Snapshot has no field {field!r}: add it to cxaudit/results.py first")
    annotation = info.annotation
    for candidate in (annotation, *get_args(annotation)):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    raise ValueError(f"Snapshot.{field} is not a model: a gatherer's field must be one")


GATHERERS: dict[str, Gatherer] = {}


def gatherer(
    name: str,
    field: str | None = None,
    when: Literal["always", "audit"] = "audit",
    exclusive: bool = False,
) -> Callable[[GatherFn], GatherFn]:
    """Register a gatherer of the :class:`Snapshot` field ``field`` (by default ``name``).

    Its model is that field's type; its failures are recorded under ``name`` in ``errors``.
    """
    target = field or name
    model = field_model(target)

    def register(fn: GatherFn) -> GatherFn:
        if name in GATHERERS:
            raise ValueError(f"gatherer {name!r} is registered twice")
        GATHERERS[name] = Gatherer(
            name=name, field=target, run=fn, model=model, when=when, exclusive=exclusive
        )
        return fn

    return register


@gatherer("axe")
async def _axe(page: Page, options: SnapshotOptions) -> dict[str, Any]:
    return await run_axe(page, profile=options.axe_profile)


def emulated_ttfb(response_start: float, request_start: float, channel: Channel | None) -> float:
    """TTFB as a customer on the channel's network would meet it.

    Chromium's network emulation holds a response back until its latency
    ("minimum latency from request sent to response headers received") has
    passed, but times the headers before that: ``responseStart`` alone would
    show a fast server on a slow network. So the later of the two counts.
    """
    if channel is None or channel.network is None:
        return response_start
    return max(response_start, request_start + channel.network.latency_ms)


def _short(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


async def _page_clock(page: Page) -> tuple[float, float] | None:
    """The document's time origin and its clock now (None when the page is gone)."""
    try:
        origin, now = await page.evaluate("() => [performance.timeOrigin, performance.now()]")
        return float(origin), float(now)
    except Exception:
        return None


async def _bounded(
    work: Awaitable[Any], timeout_s: float | None, gone: asyncio.Event | None = None
) -> Any:
    """``work``, given up after ``timeout_s``: then the page is stuck (:class:`PageStuck`).

    Given up at once when ``gone`` is set (the page's renderer died).
    """
    if timeout_s is None:
        return await work
    try:
        return await within(work, timeout_s, gone)
    except TimeoutError:
        raise PageStuck(stuck_message(timeout_s)) from None
    except Abandoned:
        raise PageStuck(GONE) from None


def off_site(snapshot: Snapshot | None) -> str:
    """Why ``snapshot`` holds nothing of the page: it had left the allowed origins ("" if not)."""
    return snapshot.errors.get(ORIGIN_KEY, "") if snapshot is not None else ""


def stuck(snapshot: Snapshot | None) -> str:
    """Why the page stopped answering during ``snapshot`` ("" when it did not)."""
    return snapshot.errors.get(STUCK_KEY, "") if snapshot is not None else ""


async def take_snapshot(
    page: Page,
    recorder: PageRecorder,
    throttle: Throttle,
    options: SnapshotOptions,
    previous_time_origin: float | None,
    refusal: Callable[[str], str | None] | None = None,
    gone: asyncio.Event | None = None,
) -> tuple[Snapshot, float | None]:
    """Read the page after a step. Never raises; failures land in ``errors``.

    ``refusal`` says why the page's address may not be audited (it left the
    journey's allowed origins). It is asked before and after gathering: a
    page that went elsewhere by itself (a timer, a script) is not recorded
    at all, not its text, its audit nor its screenshot; the cause is under
    :data:`ORIGIN_KEY`.

    ``gone`` is set when the page's renderer dies: the call waiting then
    gives up at once, and so does the snapshot (some DevTools calls into a
    dead renderer never come back).

    Every call into the page is bounded by ``options.gather_timeout_s``; the
    first one that is not answered in time ends the snapshot (a page whose
    script does not yield would not answer the next one either), with the
    cause under :data:`STUCK_KEY`.
    """
    errors: dict[str, str] = {}
    data: dict[str, Any] = {"url": page.url}
    time_origin = previous_time_origin
    limit = options.gather_timeout_s
    recorder.meter.pause()  # what the gatherers below fetch is not the customer's step
    timing: dict[str, Any] | None = None
    clock_start = clock_end = None
    why = refusal(page.url) if refusal is not None else None
    if why:
        return _nothing_of(recorder, why), previous_time_origin
    try:
        clock_start = await _bounded(_page_clock(page), limit, gone)
        # Not ``async with``: a stuck page must not be waited for on the way out either.
        paused = contextlib.AsyncExitStack()
        await _bounded(paused.enter_async_context(throttle.paused()), limit, gone)
        timing, time_origin = await _gather(page, options, data, errors, previous_time_origin, gone)
        await _bounded(paused.aclose(), limit, gone)
        clock_end = await _bounded(_page_clock(page), limit, gone)
    except PageStuck as exc:
        shot = errors.get("screenshot", "")
        # At or after a screenshot that did not come back, the browser may still be
        # drawing the page: that is what happened, not a script of the page's.
        errors[STUCK_KEY] = (
            f"the page stopped answering at its screenshot ({shot}): nothing more could be "
            "read from the page, and the journey stops here"
            if "did not come back" in shot
            else str(exc)
        )
    if refusal is not None:
        why = refusal(page.url) or refusal(str(data.get("url") or page.url))
        if why:  # it left during the gathering: what was read may be the other site's
            if data.get("screenshot"):
                shot = options.output_dir / data["screenshot"]
                if options.encode_beside:  # its picture may still be being written
                    await asyncio.to_thread(written, shot)
                shot.unlink(missing_ok=True)
            return _nothing_of(recorder, why), previous_time_origin
    if clock_start and clock_end and clock_start[0] == clock_end[0]:
        # Key presses of the keyboard walk are the tool's, not the customer's.
        recorder.meter.own_window(clock_start[0], clock_start[1], clock_end[1])
    console, failed, status = recorder.drain()
    cost = recorder.meter.drain()
    if timing is not None:
        data["timing"] = Timing(**timing, **cost.timing_fields())
    data.update(
        console=console, failed_requests=failed, status=status, audited=options.audit, errors=errors
    )
    # Where page text enters the results: made valid Unicode (lone surrogates replaced).
    return Snapshot(**valid_value(data)), time_origin


async def _gather(
    page: Page,
    options: SnapshotOptions,
    data: dict[str, Any],
    errors: dict[str, str],
    previous_time_origin: float | None,
    gone: asyncio.Event | None = None,
) -> tuple[dict[str, Any] | None, float | None]:
    """Every gatherer into ``data`` (failures into ``errors``); raises :class:`PageStuck`."""
    limit = options.gather_timeout_s
    timing: dict[str, Any] | None = None
    time_origin = previous_time_origin
    try:
        info = await _bounded(read_page_info(page), limit, gone)
        time_origin = info["timeOrigin"]
        navigated = previous_time_origin is None or time_origin != previous_time_origin
        data.update(
            url=info["url"],
            title=info["title"],
            viewport=info["viewport"],
            visible_text=info["text"],
        )
        timing = {"navigated": navigated, **(info["timing"] or {})}
        if timing.get("ttfb_ms") is not None and info.get("requestStart") is not None:
            timing["ttfb_ms"] = emulated_ttfb(
                timing["ttfb_ms"], info["requestStart"], options.channel
            )
    except PageStuck:
        raise
    except Exception as exc:
        errors["page"] = _short(exc)
    due = [g for g in GATHERERS.values() if g.when == "always" or options.audit]
    readers = [g for g in due if not g.exclusive]
    # The readers together; then each exclusive one alone. A reader that found
    # the page stuck ends the snapshot once the others have answered.
    answers: list[Any] = []
    if limit is None:  # a synchronous page's view: no event loop to run them together on
        for g in readers:
            try:
                answers.append(await g.run(page, options))
            except Exception as exc:
                answers.append(exc)
    else:
        answers = await asyncio.gather(
            *(_bounded(g.run(page, options), limit, gone) for g in readers),
            return_exceptions=True,
        )
    stuck_page: PageStuck | None = None
    for item, answer in zip(readers, answers, strict=True):
        if isinstance(answer, PageStuck):
            stuck_page = stuck_page or answer
        elif isinstance(answer, Exception):
            errors[item.name] = _short(answer)
        elif isinstance(answer, BaseException):
            raise answer
        else:
            try:
                data[item.field] = item.fit(answer)
            except UnfitAnswer as exc:
                errors[item.name] = str(exc)
    if stuck_page is not None:
        raise stuck_page
    for item in due:
        if not item.exclusive:
            continue
        try:
            data[item.field] = item.fit(await _bounded(item.run(page, options), limit, gone))
        except PageStuck:
            raise
        except Exception as exc:
            errors[item.name] = _short(exc)
    if options.screenshot:
        shots = options.screenshot_options
        name = PurePosixPath(options.screenshot_name).with_suffix(shots.suffix).as_posix()
        notes: list[str] = []
        try:
            boxes = await _bounded(
                capture(
                    page,
                    options.output_dir / name,
                    shots,
                    SENSITIVE_FIELDS,
                    options.redactor,
                    notes,
                    beside=options.encode_beside,
                ),
                limit,
                gone,
            )
            data["screenshot"] = name
            data["masks_not_applied"] = notes
            if boxes:
                errors[MASKED_KEY] = (
                    f"covered {len(boxes)} element(s) that show a secret: {json.dumps(boxes)}"
                )
        except PageStuck:
            errors["screenshot"] = f"the screenshot did not come back within {limit:g} s"
            raise
        except Exception as exc:
            errors["screenshot"] = _short(exc)
    return timing, time_origin


def _nothing_of(recorder: PageRecorder, why: str) -> Snapshot:
    """A snapshot of a page the journey may not audit: the reason, and nothing of the page."""
    recorder.drain()  # its console messages and requests are the other site's
    recorder.meter.drain()
    return Snapshot(audited=False, errors={ORIGIN_KEY: why})
