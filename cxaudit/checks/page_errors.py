"""Usability checks of what goes wrong on the page during a step: script errors,
requests that fail, alerts the page opens.

These read the events of a step (console, failed requests, dialogs), so steps
whose page is not audited are looked at too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.results import Dialog, Evidence, FailedRequest, StepResult


def blocked_on_email_view(step: StepResult) -> set[str]:
    """Addresses cxaudit's own policy blocked on a message it shows (remote content of an
    email, blocked as a mail client that protects its reader does): not the site's fault."""
    if not step.shows_email or step.snapshot is None:
        return set()
    return {r.url for r in step.snapshot.failed_requests if r.failure == "csp"}


#: How Chromium reports a request that failed (a network event, not a script error).
NETWORK_MESSAGE = re.compile(r"Failed to load resource\b")
#: How Chromium reports what a Content-Security-Policy held back. On a received email's
#: page that policy is cxaudit's own (no script, no remote content): not the sender's error.
CSP_REFUSAL = re.compile(r"Content Security Policy")
#: Site icons: a failed one is a blank tab icon, not a broken page.
ICON_FILE = re.compile(r"(^|/)(favicon[^/]*|apple-touch-icon[^/]*)$", re.I)


def browser_request(url: str) -> bool:
    """The browser's own request for ``/favicon.ico``: made whatever the page says."""
    return urlsplit(url).path == "/favicon.ico"


@register
class ConsoleErrors(Check):
    """The page runs without JavaScript errors.

    A script error is often a broken button, an empty price or a basket that
    does not update: invisible in a screenshot, obvious to the customer who
    clicks and nothing happens. The browser's "Failed to load resource"
    messages are not script errors: they are network failures, which the
    failed-requests check reports (and a missing favicon is not one).

    Console errors are events of the step they happen in: a ``fill`` whose
    input handler throws is a finding on that step, named in the message,
    though its page is not audited (such a step passes nothing either).
    On a received email the browser's notes that it blocked a script or a
    remote image are cxaudit's doing (it shows mail as a careful client
    does), not errors of the message.
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
        if snapshot is None:
            return
        errors = [
            m
            for m in snapshot.console
            if m.type in ("error", "pageerror")
            and not NETWORK_MESSAGE.match(m.text)
            and not (subject.step.shows_email and CSP_REFUSAL.search(m.text))
        ]
        if not errors:
            if snapshot.audited:  # a step whose page is not audited passes nothing
                yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(errors)} console error(s) during step '{subject.step.name}': "
            f"{errors[0].text[:200]}",
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
    a feature that silently does not work. The browser's own request for
    ``/favicon.ico`` is not the page's and is left out; another site icon
    that fails is a minor finding of its own (``icon``).

    What the audit cannot pin on the site is not charged: a request the page
    or the browser cancelled (``net::ERR_ABORTED``: a navigation away, a lazy
    image, an aborted fetch), and a request to another origin that got no
    answer at all (a web font or widget host the audit machine cannot reach,
    as CI networks and privacy filters block them). The latter is listed as a
    note, to check from a customer's network. Any HTTP error answer, and a
    request to the page's own origin that got none, is a finding.

    Requests are events of the step they happen in, so steps whose page is
    not audited (a ``fill`` that asks for suggestions) are looked at too;
    the error page a failed step landed on is that step's failure, not
    charged again here.
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
        if snapshot is None:
            return
        ours = blocked_on_email_view(subject.step)
        page_requests = [
            r
            for r in snapshot.failed_requests
            if r.url not in ours
            and not browser_request(r.url)
            and CANCELLED not in r.failure
            and not _failure_of_step(r, subject.step)
        ]
        unreached = [r for r in page_requests if _unanswered_elsewhere(r, snapshot.url)]
        icons = [
            r
            for r in page_requests
            if ICON_FILE.search(urlsplit(r.url).path) and r not in unreached
        ]
        failed = [r for r in page_requests if r not in icons and r not in unreached]
        if not failed:
            if snapshot.audited:  # a step whose page is not audited passes nothing
                yield Result(status=Status.PASS)
        else:
            yield _failed_requests(failed)
        if icons:
            yield _failed_requests(icons, icon=True)
        if unreached:
            hosts = sorted({urlsplit(r.url).netloc for r in unreached})
            yield Result(
                status=Status.INFORMATIVE,
                message=f"{len(unreached)} request(s) to {', '.join(hosts[:3])} got no answer "
                f"({unreached[0].failure}): not charged, the network the audit ran on may block "
                "that host; check it from a customer's network",
                evidence=tuple(
                    Evidence(values={"url": r.url, "failure": r.failure, "type": r.resource_type})
                    for r in unreached[:20]
                ),
                identity="unreached:" + ",".join(hosts),
            )


#: Distinct dialogs of one kind reported per step (a page alerting in a loop is one fault).
MAX_DIALOG_RESULTS = 5


@register
class PageDialogs(Check):
    """The page does not stop the customer with an alert of its own.

    An ``alert()`` ("Sorting is broken!", "Something went wrong") is the
    site talking to the customer through the browser: it blocks the page
    until they click OK, and it usually says that something failed. A
    journey step has no way to expect an alert, so every alert the page
    opens during a step, whatever it says, is a finding on that step, with
    its text. ``confirm()``, ``prompt()`` and "leave this page?" dialogs are
    questions the page asks about what the customer just did (remove this
    item?); cxaudit answers them by the ``dialogs`` setting and lists them as
    notes, not findings. Dialogs are events of the step they happen in, so
    steps whose page is not audited (a ``fill``) are looked at too; the same
    text twice is one finding, and at most five are listed per step.
    """

    code = "CX-USE-020"
    slug = "page-dialogs"
    title = "No alert interrupts the journey"
    failure_title = "The page opens an alert"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    advice = (
        "Show messages in the page, next to what they are about; an error the customer "
        "can do nothing about should be fixed, not announced."
    )

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        step = subject.step
        alerts = [d for d in step.dialogs if d.type == "alert"]
        answered = [d for d in step.dialogs if d.type != "alert"]
        for dialog in _distinct(alerts)[:MAX_DIALOG_RESULTS]:
            yield Result(
                status=Status.FAIL,
                message=f"during step '{step.name}' the page opened an alert: "
                f"“{dialog.message[:300]}”",
                evidence=(Evidence(values={"type": dialog.type, "message": dialog.message}),),
                identity=f"alert:{dialog.message[:200]}",
            )
        for dialog in _distinct(answered)[:MAX_DIALOG_RESULTS]:
            yield Result(
                status=Status.INFORMATIVE,
                rule="answered",
                title="The page asked a question in a dialog",
                weight=0.0,
                severity="info",
                message=f"during step '{step.name}' the page opened a {dialog.type} dialog, "
                f"{dialog.action} by the dialogs setting"
                + (f": “{dialog.message[:300]}”" if dialog.message else ""),
                evidence=(
                    Evidence(
                        values={
                            "type": dialog.type,
                            "message": dialog.message,
                            "action": dialog.action,
                        }
                    ),
                ),
                identity=f"{dialog.type}:{dialog.message[:200]}",
            )


def _distinct(dialogs: Iterable[Dialog]) -> list[Dialog]:
    """One of each (type, text): a page that alerts the same thing twice is one finding."""
    seen: dict[tuple[str, str], Dialog] = {}
    for dialog in dialogs:
        seen.setdefault((dialog.type, dialog.message), dialog)
    return list(seen.values())


#: Chromium's word for a request the page or the browser itself cancelled.
CANCELLED = "ERR_ABORTED"


def _failure_of_step(request: FailedRequest, step: StepResult) -> bool:
    """The error page a failed step landed on: the step's failure says so already."""
    return (
        step.status == "failed"
        and request.resource_type == "document"
        and step.snapshot is not None
        and request.url == step.snapshot.url
    )


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower()


def _unanswered_elsewhere(request: FailedRequest, page_url: str) -> bool:
    """A request to another origin than the page's that got no HTTP answer at all."""
    return request.status is None and _origin(request.url) != _origin(page_url)


def _failed_requests(failed: list[FailedRequest], icon: bool = False) -> Result:
    first = failed[0]
    what = f"HTTP {first.status}" if first.status else first.failure
    return Result(
        status=Status.FAIL,
        message=f"{len(failed)} {'site icon' if icon else 'request'}(s) failed, "
        f"first {first.url} ({what})",
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
        identity=f"icon:{first.url}" if icon else first.url,
        **(
            {
                "rule": "icon",
                "title": "The site icon does not load",
                "severity": "minor",
                "weight": 1.0,
            }
            if icon
            else {}
        ),
    )
