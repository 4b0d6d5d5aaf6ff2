"""Soft checks: what a journey expected and did not find, without stopping it.

A check step marked ``soft: true`` (or every check step of a journey with
``soft_checks: true``) that fails is recorded on its step result as a
``soft_failure`` (the message and the author's severity), and the journey
goes on. This check turns each of them into a finding, so one journey can
probe several faults and each scores like any other finding.
"""

from __future__ import annotations

from collections.abc import Iterable

from cxaudit.checks.base import IMPACT_WEIGHTS, Check, JourneySubject, Result, Status, register


@register
class ExpectationsMet(Check):
    """What the journey expects the customer to see is there (soft checks).

    A soft check step (`soft: true` on an `expect` or a `capture`, or the
    journey's `soft_checks: true`) that fails does not end the journey: the
    customer can usually still go on, and the next steps probe other faults.
    Each failed one is a finding with the step's name, what was expected and
    what the page showed, and the severity the journey gave it (`severity:`,
    default serious), weighted as axe weighs that impact. A journey with no
    failed soft check has nothing to report here.
    """

    code = "CX-USE-022"
    slug = "journey-expectations"
    title = "The journey's soft checks hold"
    failure_title = "A soft check of the journey failed"
    category = "usability"
    weight = IMPACT_WEIGHTS["serious"]
    severity = "serious"
    scope = "journey"
    advice = (
        "Open the step's screenshot to see what the page showed, then fix the page "
        "(or the expectation, if the page is right)."
    )

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        failed = [s for s in subject.run.steps if s.soft_failure is not None]
        if not failed:
            yield Result(status=Status.NOT_APPLICABLE)
            return
        for step in failed:
            soft = step.soft_failure
            assert soft is not None
            yield Result(
                status=Status.FAIL,
                message=f"step {step.index + 1} '{step.name}': {soft.message}",
                severity=soft.severity,
                weight=IMPACT_WEIGHTS.get(soft.severity, self.weight),
                step=step.index,
                stage=step.stage,
                identity=f"step-{step.index}",
            )
