"""Timing metrics of a step: what they mean, how repeated runs combine, budgets, scores.

Pure. One place says what ``ttfb_ms`` or ``requests`` of a step is, so the
timing checks, the budgets and the report agree:

- document metrics (``ttfb_ms``, ``fcp_ms``, ``lcp_ms``, ``cls``,
  ``dom_content_loaded_ms``, ``load_ms``) belong to the step that loaded the
  document; a step that only changed the page in place has none;
- step metrics (``step_ms``, from the action to the settled page;
  ``interaction_ms``, the slowest click or key press; ``requests`` and
  ``bytes``, everything the step fetched) belong to every step.

With ``--repeat N`` each metric has N samples; checks and budgets judge the
median (:func:`summary`).

Scores follow a log-normal curve between two control points per metric, as
Lighthouse scores its timing audits: the value that scores 0.9 (``p10``, a
good site) and the value that scores 0.5 (``median``, a typical one).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from cxaudit.analysis.stats import Summary, summarise
from cxaudit.results import DocumentTimings, JourneyRun, Repetition, StepMetrics, StepResult
from cxaudit.spec.budgets import Budget, BudgetLimits


@dataclass(frozen=True)
class Metric:
    """One measured figure of a step."""

    key: str
    label: str
    unit: str  # "ms", "" (a unitless score), "requests", "bytes"
    document: bool  # measured on the document the step loaded, not on the step itself


METRICS: dict[str, Metric] = {
    m.key: m
    for m in (
        Metric("step_ms", "step duration", "ms", document=False),
        Metric("ttfb_ms", "server response time (TTFB)", "ms", document=True),
        Metric("fcp_ms", "First Contentful Paint", "ms", document=True),
        Metric("lcp_ms", "Largest Contentful Paint", "ms", document=True),
        Metric("cls", "Cumulative Layout Shift", "", document=True),
        Metric("dom_content_loaded_ms", "DOMContentLoaded", "ms", document=True),
        Metric("load_ms", "load", "ms", document=True),
        Metric("interaction_ms", "interaction latency", "ms", document=False),
        Metric("requests", "requests", "requests", document=False),
        Metric("bytes", "bytes received", "bytes", document=False),
    )
}


def format_value(metric: str, value: float) -> str:
    """A metric's value as a report shows it: ``1234 ms``, ``0.12``, ``48.2 kB``."""
    unit = METRICS[metric].unit if metric in METRICS else ""
    if unit == "ms":
        return f"{value:.0f} ms"
    if unit == "bytes":
        return f"{value / 1000:.1f} kB" if value >= 1000 else f"{value:.0f} B"
    if unit == "requests":
        return f"{value:.0f} requests"
    if metric == "journey_ms":
        return f"{value:.0f} ms"
    return f"{value:.3g}"


def step_metrics(step: StepResult) -> StepMetrics:
    """The figures of one recorded step (document metrics only if it loaded a document)."""
    snapshot = step.snapshot
    timing = snapshot.timing if snapshot is not None else None
    values: dict[str, Any] = {"index": step.index}
    if step.status in ("passed", "failed"):
        values["step_ms"] = step.duration_ms
    if timing is not None:
        values.update(
            navigated=timing.navigated,
            interaction_ms=timing.interaction_ms,
            requests=timing.step_requests,
            bytes=timing.step_bytes,
        )
        if timing.navigated:
            values.update(timing.model_dump(include=set(DocumentTimings.model_fields)))
    return StepMetrics(**values)


def page_address(url: str) -> str:
    """What names the page a customer is on: the URL without an in-page anchor.

    Client-side routers change the address with the history API (``pushState``,
    ``replaceState``) or, the older ones, with a route in the fragment
    (``#/cart``, ``#!/cart``): those are other pages. A plain anchor
    (``#reviews``) scrolls the same page and is left out.
    """
    base, _, fragment = url.partition("#")
    return url if fragment.startswith(("/", "!")) else base


def changed_page(before: str, after: str) -> bool:
    """Whether going from ``before`` to ``after`` showed the customer another page."""
    if not before or not after:
        return False
    return page_address(before) != page_address(after)


def new_pages(steps: Iterable[StepResult]) -> set[int]:
    """Indexes of the steps that showed the customer a new page.

    A step that loaded a document, or one whose address changed without a
    load (a single-page app's router: history navigation, a route in the
    fragment). A document metric still belongs only to a loaded document
    (:func:`step_metrics`); this is what a customer counts as pages.
    """
    out: set[int] = set()
    previous = ""
    for step in steps:
        snapshot = step.snapshot
        if snapshot is None:
            continue
        loaded = snapshot.timing is not None and snapshot.timing.navigated
        if loaded or changed_page(previous, snapshot.url):
            out.add(step.index)
        if snapshot.url and urlsplit(snapshot.url).scheme != "about":
            previous = snapshot.url
    return out


def repetition_of(run: JourneyRun) -> Repetition:
    """One run's figures, as ``--repeat`` keeps them."""
    return Repetition(
        status=run.status,
        duration_ms=run.duration_ms,
        steps=[step_metrics(step) for step in run.steps if step.status != "skipped"],
    )


def _repetition_steps(run: JourneyRun) -> list[list[StepMetrics]]:
    if run.repetitions:
        return [rep.steps for rep in run.repetitions]
    return [[step_metrics(step) for step in run.steps]]


def samples(run: JourneyRun, index: int, metric: str) -> list[float]:
    """Every repetition's value of ``metric`` at step ``index`` (without the missing ones)."""
    out: list[float] = []
    for steps in _repetition_steps(run):
        for step in steps:
            if step.index == index:
                value = getattr(step, metric)
                if value is not None:
                    out.append(float(value))
    return out


def summary(run: JourneyRun, index: int, metric: str) -> Summary | None:
    """Median and spread of ``metric`` at step ``index``; ``None`` when never measured."""
    values = samples(run, index, metric)
    return summarise(values) if values else None


def stage_totals(run: JourneyRun) -> dict[str, dict[str, float]]:
    """Per stage: the median over repetitions of the summed step durations, requests and bytes."""
    stages = {step.index: step.stage for step in run.steps}
    per_rep: dict[str, dict[str, list[float]]] = {}
    for steps in _repetition_steps(run):
        sums: dict[str, dict[str, float]] = {}
        for step in steps:
            stage = stages.get(step.index)
            if stage is None:
                continue
            bucket = sums.setdefault(stage, {"step_ms": 0.0, "requests": 0.0, "bytes": 0.0})
            for key in bucket:
                bucket[key] += float(getattr(step, key) or 0)
        for stage, bucket in sums.items():
            for key, value in bucket.items():
                per_rep.setdefault(stage, {}).setdefault(key, []).append(value)
    order = list(dict.fromkeys(step.stage for step in run.steps))
    return {
        stage: {key: summarise(values).median for key, values in per_rep[stage].items()}
        for stage in order
        if stage in per_rep
    }


def time_to_purchase(run: JourneyRun, purchase_stage: str = "purchase") -> float | None:
    """Summed step durations from the first step to the end of the purchase stage (median)."""
    if purchase_stage not in {step.stage for step in run.steps}:
        return None
    last = max(step.index for step in run.steps if step.stage == purchase_stage)
    totals = [
        sum(float(s.step_ms or 0) for s in steps if s.index <= last)
        for steps in _repetition_steps(run)
        if any(s.index == last and s.step_ms is not None for s in steps)
    ]
    return summarise(totals).median if totals else None


# ---------------------------------------------------------------------------
# Budgets


@dataclass(frozen=True)
class Limit:
    """A budget limit for one metric, and which budget set it (for the finding's message)."""

    value: float
    source: str


def parse_budget(raw: Any) -> Budget:
    """A budget from plain data; raises ``ValueError`` with a readable reason."""
    try:
        return Budget.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(
            f"invalid budget{' at ' + where if where else ''}: {first['msg']}"
        ) from None


def resolve_limits(layers: list[tuple[str, Any]], channel: str) -> dict[str, Limit]:
    """Limits per metric from budgets in rising precedence, e.g. config < journey < step."""
    limits: dict[str, Limit] = {}
    for source, raw in layers:
        budget = parse_budget(raw)
        channel_part = budget.channels.get(channel)
        for name, part in ((source, budget), (f"{source} ({channel})", channel_part)):
            if part is None:
                continue
            for key in BudgetLimits.model_fields:
                value = getattr(part, key)
                if value is not None:
                    limits[key] = Limit(float(value), name)
    return limits


# ---------------------------------------------------------------------------
# Scores

_ERFC_INV_1_8 = -0.9061938024368232  # erfc^-1(1.8): where a curve through p10 scores 0.9


class ControlPoints(BaseModel):
    """The value that scores 0.9 (``p10``) and the one that scores 0.5 (``median``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    p10: float = Field(gt=0)
    median: float = Field(gt=0)

    @model_validator(mode="after")
    def _ordered(self) -> ControlPoints:
        if self.p10 >= self.median:
            raise ValueError("p10 must be below median (lower values are better)")
        return self


def log_normal_score(value: float, points: ControlPoints) -> float:
    """Score in [0, 1] of a lower-is-better ``value`` on a log-normal curve.

    The curve is the complementary CDF of a log-normal distribution whose
    median is ``points.median`` and which puts 10 % of its mass below
    ``points.p10``, so the median scores 0.5 and p10 scores 0.9.
    """
    if value <= 0:
        return 1.0
    sigma_sqrt2 = math.log(points.p10 / points.median) / _ERFC_INV_1_8
    standardised = math.log(value / points.median) / sigma_sqrt2
    return max(0.0, min(1.0, 0.5 * math.erfc(standardised)))
