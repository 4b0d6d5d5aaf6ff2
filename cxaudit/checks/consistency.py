"""Message-consistency checks: the same value and promise wherever the customer meets it.

Customers trust a shop that says the same thing on every page and every
device. These checks compare what the journey captured and what the pages
said, step by step and channel by channel, after normalising the way a
reader does (currency symbols, thousands separators, spacing, case). The
money on a page adding up is in :mod:`cxaudit.checks.pricing`; the wording
the journey asks for or forbids in :mod:`cxaudit.checks.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from cxaudit.checks.base import Check, JourneySubject, Result, Status, register
from cxaudit.checks.pages import (
    Promise,
    delivery_promises,
    mask_volatile,
    match_groups,
    money,
    place,
    runs_by_journey,
    shown,
)
from cxaudit.checks.values import comparable
from cxaudit.results import Evidence, JourneyRun, RunResult, StepResult


@register
class CapturedValuesMatch(Check):
    """Values the journey names in ``messages.must_match`` agree everywhere.

    A price on the product page that is not the price in the cart, a
    delivery date that changes at checkout, an order total that differs
    between the confirmation page and the order status: each tells the
    customer the shop cannot be trusted. Every capture of a listed name
    (or of each name in a listed group) is compared with the first one the
    customer met, on every step and every channel, as numbers when they are
    numbers (``€1,234.50`` = ``1234.5 EUR``) and as text otherwise (case and
    spacing ignored).
    """

    code = "CX-MSG-001"
    slug = "captured-values-match"
    title = "Captured values agree across steps and channels"
    failure_title = "Captured values disagree"
    category = "consistency"
    weight = 10.0
    severity = "serious"
    scope = "run"
    advice = "Make every page read the value from the same source (price, promise, total)."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        for journey, runs in runs_by_journey(subject).items():
            try:
                groups = match_groups(runs)
            except ValueError as exc:
                yield Result(status=Status.ERROR, message=str(exc), journey=journey)
                continue
            for group in groups:
                yield from self._group(journey, runs, group)

    def _group(
        self, journey: str, runs: list[JourneyRun], group: tuple[str, ...]
    ) -> Iterator[Result]:
        seen = [
            (run, step, capture)
            for run in runs
            for step in run.steps
            for capture in step.captures
            if capture.name in group
        ]
        name = " = ".join(group)
        if len(seen) < 2:
            others = sorted(
                {c.name for run in runs for s in run.steps for c in s.captures} - set(group)
            )
            hint = (
                f"; to compare it with another capture, list both in a group, e.g. "
                f"must_match: [[{group[0]}, {others[0]}]]"
                if len(group) == 1 and others
                else ""
            )
            yield Result(
                status=Status.NOT_APPLICABLE,
                message=f"{name} was captured {len(seen)} time(s): nothing to compare{hint}",
                journey=journey,
                channel=runs[0].channel,
                rule=name,
            )
            return
        first_run, first_step, first = seen[0]
        expected = comparable(first.text)
        failed = False
        for run, step, capture in seen[1:]:
            if comparable(capture.text) == expected:
                continue
            failed = True
            yield Result(
                status=Status.FAIL,
                rule=name,
                message=(
                    f"{capture.name} is {shown(capture)} at {place(run, step)}, but "
                    f"{first.name} was {shown(first)} at {place(first_run, first_step)}"
                ),
                journey=journey,
                channel=run.channel,
                stage=step.stage,
                step=step.index,
                identity=f"{name}:{comparable(capture.text)[1]}",
                evidence=(
                    Evidence(
                        values={
                            "capture": capture.name,
                            "value": None if capture.secret else capture.text,
                            "where": place(run, step),
                            "expected": None if first.secret else first.text,
                            "expected_where": place(first_run, first_step),
                        }
                    ),
                ),
            )
        if not failed:
            yield Result(status=Status.PASS, rule=name, journey=journey, channel=first_run.channel)


def _step_view(step: StepResult) -> dict[str, Any] | None:
    """What a step showed, in the terms channels are compared by."""
    if step.status != "passed":
        return None
    snapshot = step.snapshot
    if snapshot is None or snapshot.content is None:
        return {}
    content = snapshot.content
    return {
        "headings": [mask_volatile(h.text) for h in content.headings],
        "calls to action": sorted({mask_volatile(c) for c in content.ctas}),
        "prices": sorted({money(p.value) for p in content.prices if p.value is not None}),
        "promises": sorted({p.key for p in delivery_promises(snapshot.visible_text or "")}),
    }


@register
class ChannelDrift(Check):
    """The same journey says the same things on every channel.

    The journey is compared step by step between the first channel and each
    other one: whether the step could be done, its headings, its calls to
    action, its prices and its delivery promises. A customer who starts on a
    phone and pays on a laptop must meet the same offer. Differences are
    listed side by side; order numbers and other long numbers are ignored.
    """

    code = "CX-MSG-005"
    slug = "channel-drift"
    title = "Channels show the same content"
    failure_title = "Channels show different content"
    category = "consistency"
    weight = 3.0
    severity = "moderate"
    scope = "run"
    advice = "Serve every channel the same prices and wording; hide layout, not content."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        for journey, runs in runs_by_journey(subject).items():
            if len(runs) < 2:
                continue
            reference = runs[0]
            for other in runs[1:]:
                yield from self._compare(journey, reference, other)

    def _compare(self, journey: str, ref: JourneyRun, other: JourneyRun) -> Iterator[Result]:
        differ = False
        for a, b in zip(ref.steps, other.steps, strict=False):
            view_a, view_b = _step_view(a), _step_view(b)
            diffs: list[Evidence] = []
            if (view_a is None) != (view_b is None):
                diffs.append(
                    Evidence(
                        values={
                            "aspect": "step done",
                            ref.channel: a.status,
                            other.channel: b.status,
                        }
                    )
                )
            elif view_a and view_b:
                for aspect in view_a:
                    if view_a[aspect] != view_b[aspect]:
                        diffs.append(
                            Evidence(
                                values={
                                    "aspect": aspect,
                                    ref.channel: view_a[aspect],
                                    other.channel: view_b[aspect],
                                }
                            )
                        )
            if not diffs:
                continue
            differ = True
            aspects = ", ".join(str(d.values["aspect"]) for d in diffs)
            yield Result(
                status=Status.FAIL,
                message=f"step {b.index + 1} '{b.name}' differs between {ref.channel} and "
                f"{other.channel}: {aspects}",
                journey=journey,
                channel=other.channel,
                stage=b.stage,
                step=b.index,
                identity=f"{ref.channel}:{aspects}",
                evidence=tuple(diffs),
            )
        if not differ:
            yield Result(status=Status.PASS, journey=journey, channel=other.channel)


@register
class PromiseDrift(Check):
    """The delivery promise stays the same from first page to confirmation.

    "Delivered in 2-3 working days" on the product page and "Arrives within
    5 days" on the confirmation is a broken promise the customer notices
    only after paying. Delivery promises (a sentence about delivery with a
    time frame) are compared with the first one the journey met.
    """

    code = "CX-MSG-009"
    slug = "promise-drift"
    title = "Delivery promise stays the same"
    failure_title = "Delivery promise changes during the journey"
    category = "consistency"
    weight = 7.0
    severity = "serious"
    scope = "journey"
    advice = "Say the same delivery time everywhere, from one source."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        first: tuple[Promise, StepResult] | None = None
        drifted = False
        for step in run.steps:
            snapshot = step.snapshot
            if snapshot is None or not snapshot.audited or not snapshot.visible_text:
                continue
            for promise in delivery_promises(snapshot.visible_text):
                if first is None:
                    first = (promise, step)
                    continue
                if promise.key == first[0].key:
                    continue
                drifted = True
                yield Result(
                    status=Status.FAIL,
                    message=f"“{promise.text}” at {place(run, step)}, but “{first[0].text}” "
                    f"at {place(run, first[1])}",
                    stage=step.stage,
                    step=step.index,
                    identity=promise.key,
                    evidence=(
                        Evidence(
                            values={
                                "promise": promise.text,
                                "time_frame": promise.key,
                                "first_promise": first[0].text,
                                "first_time_frame": first[0].key,
                            }
                        ),
                    ),
                )
        if first is not None and not drifted:
            yield Result(status=Status.PASS)
