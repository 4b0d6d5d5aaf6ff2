"""Response-time checks: how long each step makes the customer wait, and budgets.

Metric checks score the median of a step's samples (one per ``--repeat``)
on a log-normal curve between two control points per metric (see
:mod:`cxaudit.analysis.metrics`): the value that scores 0.9 and the one that scores
0.5. A step passes at 0.9 or more. The points differ between desktop and
mobile channels (``is_mobile``), as Lighthouse's do, and are options of each
check. Sources: Lighthouse's scoring control points for FCP and LCP (mobile
1800/3000 and 2500/4000 ms; desktop 934/1600 and 1200/2400 ms); web.dev's
"good" and "poor" thresholds where Lighthouse has no curve (TTFB 800/1800 ms,
interaction latency 200/500 ms, CLS 0.1/0.25).

A timing past its limit by less than the noise of measuring it (10 % of
the limit or 50 ms, whichever is larger, or the spread of ``--repeat``
samples) is neither a pass nor a failure: it is reported "inconclusive",
as an informative result that weighs nothing and fails no threshold unless
``thresholds.inconclusive_fails`` is set (see :func:`cxaudit.analysis.stats.noise_band`).
Counts (requests, bytes) and layout shift are not timings: they have no band.

On throttled channels Chromium's network emulation holds each response back
until its latency has passed but times the headers before that, so TTFB is
reported as the later of the measured ``responseStart`` and the request's
start plus the channel's latency (see
:func:`cxaudit.gather.snapshot.emulated_ttfb`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, create_model

from cxaudit.analysis.metrics import (
    METRICS,
    ControlPoints,
    Limit,
    format_value,
    log_normal_score,
    resolve_limits,
    samples,
    stage_totals,
    summary,
    time_to_purchase,
)
from cxaudit.analysis.stats import (
    NOISE_FLOOR_MS,
    NOISE_RELATIVE,
    Summary,
    judge,
    noise_band,
    summarise,
)
from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.results import ChannelInfo, Evidence, JourneyRun, StepResult


def profile_text(channel: ChannelInfo) -> str:
    """The channel's network and CPU profile in words, for messages and evidence."""
    parts = []
    if channel.network:
        net = channel.network
        parts.append(
            f"{net.get('latency_ms', 0):g} ms RTT, {net.get('download_kbps', 0):g} kbps down, "
            f"{net.get('upload_kbps', 0):g} kbps up"
        )
    if channel.cpu_slowdown and channel.cpu_slowdown != 1:
        parts.append(f"CPU {channel.cpu_slowdown:g}x slower")
    return ", ".join(parts) or "unthrottled"


def _measured(values: Summary, metric: str) -> str:
    text = format_value(metric, values.median)
    if values.n > 1:
        text += (
            f" (median of {values.n}, spread {format_value(metric, values.q1)}"
            f"-{format_value(metric, values.q3)})"
        )
    return text


def _figures(values: Summary) -> dict[str, Any]:
    return {
        "median": values.median,
        "n": values.n,
        "q1": values.q1,
        "q3": values.q3,
        "min": values.minimum,
        "max": values.maximum,
    }


#: Documents that are the browser's, not the site's: what is shown when a page never loaded.
_NOT_THE_SITE = ("chrome-error:", "about:", "data:")


def never_loaded(step: StepResult) -> Result | None:
    """ERROR (not measured) when the step could not open the site's page.

    A refused connection or a DNS failure leaves the browser's own error page
    behind; its timings are the browser's and say nothing of the site, and a
    timing that was never the site's is never a pass.
    """
    snapshot = step.snapshot
    if step.status not in ("failed", "error") or snapshot is None:
        return None
    if snapshot.url and not snapshot.url.startswith(_NOT_THE_SITE):
        return None
    reason = step.message or "the step did not open the page"
    return Result(status=Status.ERROR, message=f"not measured: the page never loaded: {reason}")


class NoiseOptions(BaseModel):
    """How far past its limit a timing must be to fail (below that: inconclusive)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    noise_relative: float = Field(
        default=NOISE_RELATIVE,
        ge=0,
        description="A timing past its limit by less than this share of the limit is inconclusive, not failed.",
    )
    noise_floor_ms: float = Field(
        default=NOISE_FLOOR_MS,
        ge=0,
        description="... or by less than this many milliseconds (the larger band wins; with --repeat, also the samples' spread).",
    )


def is_timing(metric: str) -> bool:
    """Timings are noisy; counts (requests, bytes) and layout shift are not judged with a band."""
    return metric == "journey_ms" or (metric in METRICS and METRICS[metric].unit == "ms")


def _band(metric: str, limit: float, values: Summary, options: NoiseOptions) -> float:
    if not is_timing(metric):
        return 0.0
    return noise_band(limit, values, relative=options.noise_relative, floor=options.noise_floor_ms)


def _inconclusive(
    metric: str,
    values: Summary,
    limit: float,
    what: str,
    band: float,
    evidence: dict[str, Any],
    identity: str | None = None,
) -> Result:
    """A timing past ``limit`` by less than ``band``: visible, weighing nothing, failing nothing.

    ``identity`` as the failure it stands for has it: a budget breach is one
    finding per metric, a score-curve result one per step.
    """
    label = METRICS[metric].label if metric in METRICS else "journey time"
    return Result(
        status=Status.INFORMATIVE,
        rule=metric,
        title="Inconclusive: within the noise band of its limit",
        message=(
            f"inconclusive: {label} {_measured(values, metric)} vs {what} "
            f"{format_value(metric, limit)}, within the noise band "
            f"(+{format_value(metric, band)})"
        ),
        identity=identity,
        evidence=(Evidence(values={**evidence, "inconclusive": True, "noise_band": band}),),
    )


class CurveOptions(NoiseOptions):
    """Control points of the score curve, per kind of channel."""

    desktop: ControlPoints
    mobile: ControlPoints


def curve_options(desktop: tuple[float, float], mobile: tuple[float, float]) -> type[CurveOptions]:
    """A metric check's Options: its (good, typical) control points on each kind of channel."""
    return create_model(
        "Options",
        __base__=CurveOptions,
        desktop=(
            ControlPoints,
            Field(
                default=ControlPoints(p10=desktop[0], median=desktop[1]),
                description="Control points (value scoring 0.9, value scoring 0.5) on desktop-like channels.",
            ),
        ),
        mobile=(
            ControlPoints,
            Field(
                default=ControlPoints(p10=mobile[0], median=mobile[1]),
                description="Control points on mobile channels (throttled network and CPU).",
            ),
        ),
    )


class MetricCheck(Check):
    """A step metric scored on a log-normal curve (subclasses set ``metric`` and Options)."""

    metric: ClassVar[str]
    category = "performance"
    requires = ("timing",)

    def evaluate(self, subject: StepSubject, options: CurveOptions) -> Iterable[Result]:
        unloaded = never_loaded(subject.step)
        if unloaded is not None:
            yield unloaded
            return
        values = summary(subject.run, subject.step.index, self.metric)
        if values is None:
            return
        channel = subject.channel
        points = options.mobile if channel.is_mobile else options.desktop
        score = round(log_normal_score(values.median, points), 3)
        url = subject.step.snapshot.url if subject.step.snapshot else ""
        label = METRICS[self.metric].label
        message = (
            f"{label} {_measured(values, self.metric)}; good is up to "
            f"{format_value(self.metric, points.p10)}, typical {format_value(self.metric, points.median)} "
            f"on {channel.name} ({profile_text(channel)})"
        )
        figures = {
            "metric": self.metric,
            **_figures(values),
            "samples": [round(v, 1) for v in samples(subject.run, subject.step.index, self.metric)],
            "good": points.p10,
            "typical": points.median,
            "score": score,
            "url": url,
            "profile": profile_text(channel),
        }
        band = _band(self.metric, points.p10, values, options)
        if score < 0.9 and judge(values, points.p10, band) != "over":
            yield _inconclusive(
                self.metric, values, points.p10, f"the {channel.name} 'good' limit", band, figures
            )
            return
        yield Result(
            status=Status.PASS if score >= 0.9 else Status.FAIL,
            score=score,
            severity="serious" if score < 0.5 else "moderate",
            message=message,
            evidence=(Evidence(values=figures),),
        )


@register
class ServerResponseTime(MetricCheck):
    """The server starts answering quickly (time to first byte).

    Nothing shows until the first byte of the page arrives. A slow answer
    (a database query, an uncached page, a far-away server) delays every
    later paint and makes the step feel broken, most of all on a phone.
    Measured as the navigation's ``responseStart``, redirects included.
    """

    code = "CX-PERF-001"
    slug = "server-response-time"
    title = "Server answers quickly"
    failure_title = "Server answers slowly"
    weight = 3.0
    metric = "ttfb_ms"
    advice = (
        "Cache the page or the slow data behind it, and look at the server's time for this address."
    )
    help_url = "https://web.dev/articles/ttfb"

    Options = curve_options(desktop=(800, 1800), mobile=(800, 1800))


@register
class FirstContentfulPaint(MetricCheck):
    """Something appears soon after the customer asks for the page.

    First Contentful Paint is when the first text or image is painted: the
    moment the customer knows the page is coming.
    """

    code = "CX-PERF-002"
    slug = "first-contentful-paint"
    title = "Page starts to show quickly"
    failure_title = "Page is slow to start showing"
    weight = 2.0
    metric = "fcp_ms"
    advice = "Send less render-blocking CSS and JavaScript, and answer faster (see the TTFB)."
    help_url = "https://web.dev/articles/fcp"

    Options = curve_options(desktop=(934, 1600), mobile=(1800, 3000))


@register
class LargestContentfulPaint(MetricCheck):
    """The main content (product photo, heading, price) shows quickly.

    Largest Contentful Paint is when the biggest text block or image of the
    viewport is painted: usually what the customer came to the page for.
    """

    code = "CX-PERF-003"
    slug = "largest-contentful-paint"
    title = "Main content shows quickly"
    failure_title = "Main content is slow to show"
    weight = 5.0
    metric = "lcp_ms"
    advice = "Make the largest element (often the hero image) smaller and load it first."
    help_url = "https://web.dev/articles/lcp"

    Options = curve_options(desktop=(1200, 2400), mobile=(2500, 4000))


@register
class LayoutShift(MetricCheck):
    """The page holds still while it loads.

    Content that jumps as images and banners arrive makes customers lose
    their place or tap the wrong button (Cumulative Layout Shift, the
    largest burst of unexpected shifts, measured when the step has settled).
    """

    code = "CX-PERF-004"
    slug = "layout-shift"
    title = "Page holds still while it loads"
    failure_title = "Page content jumps while it loads"
    weight = 5.0
    metric = "cls"
    advice = "Give images and embeds a width and height, and reserve room for late banners."
    help_url = "https://web.dev/articles/cls"

    Options = curve_options(desktop=(0.1, 0.25), mobile=(0.1, 0.25))


@register
class InteractionLatency(MetricCheck):
    """The page reacts quickly to a click or key press.

    The Event Timing API measures each interaction from the input to the
    next paint; the slowest one of the step counts (as INP does for a
    page). Interactions under 16 ms are not reported: the step has none.
    """

    code = "CX-PERF-005"
    slug = "interaction-latency"
    title = "Page reacts quickly to clicks"
    failure_title = "Page reacts slowly to clicks"
    weight = 5.0
    metric = "interaction_ms"
    advice = "Break up long JavaScript tasks in the click handlers; show feedback before slow work."
    help_url = "https://web.dev/articles/inp"

    Options = curve_options(desktop=(200, 500), mobile=(200, 500))


class BudgetOptions(NoiseOptions):
    defaults: dict[str, Any] = Field(
        default_factory=dict,
        description="Budgets for every journey (from the config's budgets: section).",
    )


def _limits(
    subject_run: JourneyRun, channel: str, defaults: Any, step_budget: Any
) -> dict[str, Limit]:
    return resolve_limits(
        [
            ("config budget", defaults),
            ("journey budget", subject_run.rules.budgets),
            ("step budget", step_budget),
        ],
        channel,
    )


def _breach(metric: str, values: Summary, limit: Limit) -> Result:
    label = METRICS[metric].label if metric in METRICS else "journey time"
    return Result(
        status=Status.FAIL,
        rule=metric,
        message=(
            f"{label} {_measured(values, metric)} is over the {limit.source} "
            f"of {format_value(metric, limit.value)}"
        ),
        identity=metric,
        evidence=(
            Evidence(
                values={
                    "metric": metric,
                    "actual": values.median,
                    "limit": limit.value,
                    "budget": limit.source,
                    **_figures(values),
                }
            ),
        ),
    )


def _judged(metric: str, values: Summary, limit: Limit, options: NoiseOptions) -> Result | None:
    """None within the limit; a breach when clearly over it; inconclusive in the noise band."""
    band = _band(metric, limit.value, values, options)
    verdict = judge(values, limit.value, band)
    if verdict == "within":
        return None
    if verdict == "over":
        return _breach(metric, values, limit)
    evidence = {
        "metric": metric,
        "actual": values.median,
        "limit": limit.value,
        "budget": limit.source,
        **_figures(values),
    }
    return _inconclusive(metric, values, limit.value, limit.source, band, evidence, metric)


@register
class PerformanceBudget(Check):
    """Each step stays within its performance budget.

    Budgets turn "fast enough" into numbers a team agrees on: ``step_ms``,
    ``ttfb_ms``, ``fcp_ms``, ``lcp_ms``, ``cls``, ``interaction_ms``,
    ``requests`` and ``bytes`` per step. They are set in the config
    (``budgets:``), in a journey (``budgets:``) or on one step
    (``audit: {budget: {...}}``); the nearer one wins, and a ``channels:``
    section inside any of them sets limits for one channel. Each breach is
    a failure with the measured value (the median with ``--repeat``) and
    the limit.
    """

    code = "CX-PERF-010"
    slug = "performance-budget"
    title = "Step is within its performance budget"
    failure_title = "Step is over its performance budget"
    category = "performance"
    weight = 5.0
    severity = "serious"
    requires = ("timing",)
    Options = BudgetOptions
    settings_options: ClassVar[dict[str, str]] = {"defaults": "budgets"}
    advice = (
        "Find what the step loads or computes beyond its budget (see its requests and timings)."
    )

    def evaluate(self, subject: StepSubject, options: BudgetOptions) -> Iterable[Result]:
        step = subject.step
        unloaded = never_loaded(step)
        if unloaded is not None:
            yield unloaded
            return
        try:
            limits = _limits(
                subject.run, subject.channel.name, options.defaults, step.overrides.get("budget")
            )
        except ValueError as exc:
            yield Result(status=Status.ERROR, message=str(exc))
            return
        measured = breached = False
        for metric, limit in limits.items():
            values = summary(subject.run, step.index, metric) if metric != "journey_ms" else None
            if values is None:
                continue
            measured = True
            verdict = _judged(metric, values, limit, options)
            if verdict is not None:
                breached = True
                yield verdict
        if measured and not breached:
            yield Result(status=Status.PASS)


@register
class JourneyTime(Check):
    """How long the whole journey takes the customer, stage by stage.

    The sum of the step durations (from each action to its settled page;
    the tool's own auditing time is not counted) per stage and for the
    journey, the time to purchase (from the first step to the end of the
    ``purchase`` stage), and the requests and bytes per stage. Informative;
    with a ``journey_ms`` budget the journey total is judged against it.
    """

    code = "CX-PERF-020"
    slug = "journey-time"
    title = "Journey time is within budget"
    failure_title = "Journey takes longer than its budget"
    category = "performance"
    weight = 5.0
    severity = "serious"
    scope = "journey"
    Options = BudgetOptions
    settings_options: ClassVar[dict[str, str]] = {"defaults": "budgets"}
    advice = "Look at the slowest stage first: its steps' durations are in the step details."

    def evaluate(self, subject: JourneySubject, options: BudgetOptions) -> Iterable[Result]:
        run = subject.run
        stages = stage_totals(run)
        if not stages:
            return
        totals = [sum(float(s.step_ms or 0) for s in rep.steps) for rep in run.repetitions] or [
            sum(values["step_ms"] for values in stages.values())
        ]
        journey = summarise(totals)
        to_purchase = time_to_purchase(run)
        parts = ", ".join(f"{stage} {values['step_ms']:.0f} ms" for stage, values in stages.items())
        message = f"journey {_measured(journey, 'step_ms')}: {parts}"
        if to_purchase is not None:
            message += f"; time to purchase {to_purchase:.0f} ms"
        yield Result(
            status=Status.INFORMATIVE,
            rule="totals",
            title="Time per stage and journey",
            message=message,
            evidence=(
                Evidence(
                    values={
                        "journey_ms": journey.median,
                        "time_to_purchase_ms": to_purchase,
                        "stages": stages,
                        "repetitions": len(run.repetitions) or 1,
                        "profile": profile_text(subject.channel),
                    }
                ),
            ),
        )
        try:
            limits = _limits(run, subject.channel.name, options.defaults, None)
        except ValueError as exc:
            yield Result(status=Status.ERROR, message=str(exc))
            return
        limit = limits.get("journey_ms")
        if limit is None:
            return
        verdict = _judged("journey_ms", journey, limit, options)
        yield verdict if verdict is not None else Result(status=Status.PASS, rule="journey_ms")
