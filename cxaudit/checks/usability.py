"""Usability checks that need no more than the core snapshot."""

from __future__ import annotations

from collections.abc import Iterable

from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.results import Evidence


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


@register
class ConsoleErrors(Check):
    """The page runs without JavaScript errors.

    A script error is often a broken button, an empty price or a basket that
    does not update: invisible in a screenshot, obvious to the customer who
    clicks and nothing happens.
    """

    code = "CX-USE-010"
    slug = "console-errors"
    title = "No JavaScript errors on the page"
    failure_title = "JavaScript errors on the page"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    advice = "Open the browser console on this page and fix the errors listed."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or not snapshot.audited:
            return
        errors = [m for m in snapshot.console if m.type in ("error", "pageerror")]
        if not errors:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(errors)} console error(s): {errors[0].text[:200]}",
            evidence=tuple(
                Evidence(values={"type": m.type, "text": m.text, "url": m.url}) for m in errors[:10]
            ),
            identity=errors[0].text[:200],
        )


@register
class FailedRequests(Check):
    """Everything the page asks for arrives.

    A missing image, stylesheet or script (HTTP 4xx/5xx, or a request that
    never completes) shows up as a broken product photo, an unstyled page or
    a feature that silently does not work.
    """

    code = "CX-USE-011"
    slug = "failed-requests"
    title = "All requests of the page succeed"
    failure_title = "Requests of the page fail"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    advice = "Fix or remove the failing addresses; check the server logs for 5xx answers."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or not snapshot.audited:
            return
        failed = snapshot.failed_requests
        if not failed:
            yield Result(status=Status.PASS)
            return
        first = failed[0]
        what = f"HTTP {first.status}" if first.status else first.failure
        yield Result(
            status=Status.FAIL,
            message=f"{len(failed)} request(s) failed, first {first.url} ({what})",
            evidence=tuple(
                Evidence(
                    values={
                        "url": r.url,
                        "status": r.status,
                        "failure": r.failure,
                        "type": r.resource_type,
                    }
                )
                for r in failed[:20]
            ),
            identity=first.url,
        )
