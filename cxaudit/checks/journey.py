"""Usability checks of a journey run as a whole: can the customer finish it, and
how much does each stage ask of them?
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from cxaudit.analysis.metrics import new_pages
from cxaudit.checks.base import Check, JourneySubject, Result, Status, register
from cxaudit.results import Evidence, StepResult


@register
class JourneyCompleted(Check):
    """The customer can get from the first step of the journey to the last.

    A journey that stops half-way is the worst experience a site can give:
    the customer who could not add to cart or pay is lost. This check fails
    when any step could not be done, and names the step and the reason.
    """

    code = "CX-USE-001"
    slug = "journey-completion"
    title = "Customer completes the journey"
    failure_title = "Customer cannot complete the journey"
    category = "usability"
    weight = 10.0
    severity = "critical"
    scope = "journey"
    advice = "Open the step's screenshot to see what the customer saw, then fix the page or the journey step."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        broken = next((s for s in run.steps if s.status in ("failed", "error")), None)
        if broken is None and run.status == "passed":
            yield Result(status=Status.PASS)
            return
        if broken is None:
            yield Result(status=Status.FAIL, message=run.error or "the journey did not finish")
            return
        yield Result(
            status=Status.FAIL,
            message=f"step {broken.index + 1} '{broken.name}' {broken.status}: {broken.message}",
            step=broken.index,
            stage=broken.stage,
            identity=f"step-{broken.index}",
        )


#: Steps that are the customer doing something (the rest check or wait).
CUSTOMER_ACTIONS = frozenset(
    {"click", "fill", "select", "press", "check", "uncheck", "upload", "hover", "type"}
)
#: Actions that fill in a field.
FIELD_ACTIONS = frozenset({"fill", "select", "check", "uncheck", "upload", "type"})


@dataclass(frozen=True)
class Effort:
    """What a stretch of a journey asked of the customer."""

    steps: int = 0
    actions: int = 0
    clicks: int = 0
    fields: int = 0
    pages: int = 0

    def describe(self) -> str:
        return (
            f"{self.actions} action{'s' if self.actions != 1 else ''} "
            f"({self.clicks} click{'s' if self.clicks != 1 else ''}) and "
            f"{self.fields} field{'s' if self.fields != 1 else ''} over "
            f"{self.pages} page{'s' if self.pages != 1 else ''}, in {self.steps} steps"
        )


def measure_effort(steps: Iterable[StepResult], pages_at: set[int] | None = None) -> Effort:
    """Count a customer's actions, clicks, fields and pages over ``steps`` that ran.

    ``pages_at`` are the steps that showed a new page, worked out over the whole
    journey (:func:`cxaudit.analysis.metrics.new_pages`: a loaded document or a router's
    new address), so a stage's first page counts even when reached in place.
    """
    steps = list(steps)
    pages_at = new_pages(steps) if pages_at is None else pages_at
    ran = [s for s in steps if s.status != "skipped"]
    fields_filled = {s.name for s in ran if s.action in FIELD_ACTIONS}
    pages = sum(1 for s in ran if s.index in pages_at)
    return Effort(
        steps=len(ran),
        actions=sum(1 for s in ran if s.action in CUSTOMER_ACTIONS),
        clicks=sum(1 for s in ran if s.action == "click"),
        fields=len(fields_filled),
        pages=pages,
    )


@register
class JourneyEffort(Check):
    """How much work each stage of the journey asks of the customer.

    Every click, field and page between "add to cart" and "order placed" is a
    chance to give up. This check counts, per stage and for the whole
    journey, the customer's actions (of which clicks), the fields they fill
    and the pages they see (a page loaded, or a single-page app's router
    showing another address), so runs and channels can be compared
    ("purchase: 9 actions and 6 fields over 3 pages"). It is informative: it
    has no weight in any score.
    """

    code = "CX-USE-014"
    slug = "journey-effort"
    title = "Customer effort per stage"
    failure_title = "Customer effort per stage"
    category = "usability"
    weight = 0.0
    severity = "info"
    scope = "journey"

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        stages = run.stages or sorted({s.stage for s in run.steps})
        pages_at = new_pages(run.steps)
        for stage in stages:
            effort = measure_effort((s for s in run.steps if s.stage == stage), pages_at)
            if not effort.steps:
                continue
            yield Result(
                status=Status.INFORMATIVE,
                rule=f"stage:{stage}",
                title=f"Effort in {stage}",
                message=f"{stage}: {effort.describe()}",
                stage=stage,
                weight=0.0,
                severity="info",
                evidence=(Evidence(values={"stage": stage, **effort.__dict__}),),
                identity=f"stage:{stage}",
            )
        total = measure_effort(run.steps, pages_at)
        yield Result(
            status=Status.INFORMATIVE,
            rule="journey",
            title="Effort over the journey",
            message=f"whole journey: {total.describe()}",
            weight=0.0,
            severity="info",
            evidence=(Evidence(values={"stage": "", **total.__dict__}),),
            identity="journey",
        )
