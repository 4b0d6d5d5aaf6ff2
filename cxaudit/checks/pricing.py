"""Price checks: the money on a page adds up, and no cost appears late.

The basket's lines and fees make its total; a fee the customer first meets
at checkout (hidden cost) or a total that grows step by step (drip pricing)
is a broken promise, whatever each page says on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.checks.pages import (
    FEE_KINDS,
    audited_steps,
    expected_summary,
    free_delivery_promises,
    money,
    no_summary,
    place,
    price_summary,
)
from cxaudit.checks.values import normalise_text
from cxaudit.results import Evidence, JourneyRun, RunResult, StepResult


@register
class PriceArithmetic(Check):
    """The basket adds up: items + shipping + tax + fees - discounts = total.

    A total that does not match its own lines (within a cent) is either a
    bug or a hidden charge; either way the customer notices, or worse, does
    not. Read from the price summary of cart and checkout pages: prices
    labelled total, subtotal, shipping, tax, fee or discount, and one price
    per item row (its last, the line total). Amounts marked as included
    ("incl. VAT") are not added again. Where the journey expects a total (a
    capture named ``total``/``cart_total``/``subtotal`` on the step, or a
    ``purchase``-stage page at a cart or checkout address) and none is read,
    the step is "not measured", never passed; elsewhere no total is not
    applicable.
    """

    code = "CX-MSG-006"
    slug = "price-arithmetic"
    title = "Totals add up"
    failure_title = "Totals do not add up"
    category = "consistency"
    weight = 10.0
    severity = "critical"
    requires = ("content",)
    advice = "Compute the total from the same lines and charges the page shows."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or snapshot.content is None:
            return
        summary = price_summary(snapshot.content)
        if summary is None:
            why = expected_summary(subject.step)
            if why is not None:
                message = no_summary(snapshot.content, why)
                yield Result(status=Status.ERROR, message=message)
            return
        base = summary.subtotal.value if summary.subtotal else None
        base_text = "subtotal"
        if base is None:
            if not summary.lines:
                return  # a total alone (a confirmation) has nothing to add up
            base = sum(line.value for line in summary.lines)
            base_text = f"{len(summary.lines)} item line(s)"
        expected = base + sum(c.value for c in summary.charges)
        parts = [f"{base_text} {money(base)}"] + [
            f"{c.label or c.kind} {money(c.value)}" for c in summary.charges
        ]
        breakdown = " + ".join(parts)
        if abs(expected - summary.total.value) <= 0.01:
            yield Result(status=Status.PASS, message=f"{breakdown} = {summary.total.text}")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{breakdown} = {money(expected)}, but the page says "
            f"{summary.total.label or 'total'} {summary.total.text}",
            identity=f"total:{summary.total.value}",
            evidence=(
                Evidence(
                    values={
                        "total": summary.total.value,
                        "expected": round(expected, 2),
                        "subtotal": summary.subtotal.value if summary.subtotal else None,
                        "lines": [line.value for line in summary.lines],
                        "charges": {c.label or c.kind: c.value for c in summary.charges},
                    }
                ),
            ),
        )


def _origin(step: StepResult) -> str:
    return urlsplit(step.snapshot.url).netloc if step.snapshot is not None else ""


@register
class HiddenCost(Check):
    """A promise of free delivery is kept at checkout.

    A banner that says "Free delivery on every order" and a checkout that
    adds shipping is the most resented surprise in online shopping, and a
    top reason for abandoned baskets. Promises are read on every page of
    the site the run visited on the same channel (any journey); a
    threshold ("free delivery over €50") is honoured when the basket is
    below it.
    """

    code = "CX-MSG-007"
    slug = "hidden-cost"
    title = "No charge contradicts a free-delivery promise"
    failure_title = "Delivery is charged despite a free-delivery promise"
    category = "consistency"
    weight = 10.0
    severity = "serious"
    scope = "run"
    advice = "Keep the promise (no shipping charge) or say its conditions where it is made."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        promises: dict[tuple[str, str], tuple[str, float | None, JourneyRun, StepResult]] = {}
        for run in subject.runs:
            for step in run.steps:
                text = step.snapshot.visible_text if step.snapshot is not None else None
                for line, threshold in free_delivery_promises(text or ""):
                    promises.setdefault((run.channel, _origin(step)), (line, threshold, run, step))
        for run in subject.runs:
            checked = failed = False
            for step, content in audited_steps(run):
                promise = promises.get((run.channel, _origin(step)))
                summary = price_summary(content)
                if promise is None or summary is None:
                    continue
                checked = True
                line, threshold, p_run, p_step = promise
                basket = summary.subtotal.value if summary.subtotal else None
                if threshold is not None and (basket is None or basket < threshold):
                    continue
                for charge in summary.charges:
                    if charge.kind != "shipping" or charge.value <= 0:
                        continue
                    failed = True
                    yield Result(
                        status=Status.FAIL,
                        message=f"{charge.label} {charge.text} charged at {place(run, step)}, "
                        f"but “{line}” was promised at "
                        f"{place(p_run, p_step, journey=p_run.journey != run.journey)}",
                        journey=run.journey,
                        channel=run.channel,
                        stage=step.stage,
                        step=step.index,
                        identity=f"{normalise_text(line)}:{charge.value}",
                        evidence=(
                            Evidence(
                                values={
                                    "charge": charge.text,
                                    "label": charge.label,
                                    "promise": line,
                                    "promised_at": place(p_run, p_step, journey=True),
                                }
                            ),
                        ),
                    )
            if checked and not failed:
                yield Result(status=Status.PASS, journey=run.journey, channel=run.channel)


@register
class DripPricing(Check):
    """Every fee is shown with the first price summary, not added late.

    Drip pricing, a fee or surcharge that first appears a step or two
    before payment, makes the first total a false promise; consumer
    authorities treat it as misleading. Charges (shipping, tax, fees) are
    compared with those of the first step that showed a total. A journey that
    showed no total where it expects one (see price arithmetic) is "not measured".
    """

    code = "CX-MSG-008"
    slug = "drip-pricing"
    title = "All charges are shown from the first total on"
    failure_title = "A charge appears late in checkout"
    category = "consistency"
    weight = 7.0
    severity = "serious"
    scope = "journey"
    advice = "Show every fee with the first price the customer sees (the cart), or drop it."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        first: StepResult | None = None
        known: set[str] = set()
        late = False
        for step, content in audited_steps(run):
            summary = price_summary(content)
            fees = {
                (c.kind if c.kind != "fee" else normalise_text(c.label)): c
                for c in (summary.charges if summary else ())
                if c.kind in FEE_KINDS and c.value > 0
            }
            if first is None:
                known.update(fees)
                if summary is not None:
                    first = step
                continue
            for key, charge in fees.items():
                if key in known:
                    continue
                known.add(key)
                late = True
                yield Result(
                    status=Status.FAIL,
                    message=f"{charge.label or charge.kind} {charge.text} first appears at "
                    f"{place(run, step)}, after the total was shown at {place(run, first)}",
                    stage=step.stage,
                    step=step.index,
                    identity=key,
                    evidence=(Evidence(values={"charge": charge.text, "label": charge.label}),),
                )
        if first is not None and not late:
            yield Result(status=Status.PASS)
        if first is None:
            expected = [
                (step, content, why)
                for step, content in audited_steps(run)
                if (why := expected_summary(step)) is not None
            ]
            if expected:
                step, content, why = expected[0]
                yield Result(
                    status=Status.ERROR,
                    message=f"{no_summary(content, why)} at {place(run, step)}",
                    stage=step.stage,
                    step=step.index,
                )
