"""Checks on a received email: the message a ``wait_for_email`` step recorded.

After the purchase most of what a customer meets is email, and it is where a
promise made on the website is kept or broken. These checks read the step's
:class:`~cxaudit.results.EmailRecord` (gathered when the message arrived), so
they run from results.json without a browser. The rendered message is also
audited like any page (axe, legibility), and values captured from it are
compared with the web journey's by the consistency checks (``must_match``).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.checks.consistency import place
from cxaudit.checks.elements import CheckOptions
from cxaudit.results import EmailLink, Evidence

#: Hosts no customer can reach: a test or staging server left in a template.
_INTERNAL_HOST = re.compile(
    r"(^|\.)(localhost|local|internal|invalid|test|example)$|(^|[.-])(staging|stage|dev|qa|uat)([.-]|$)",
    re.I,
)


def _internal(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return bool(_INTERNAL_HOST.search(host))
    return address.is_loopback or address.is_private or address.is_link_local


def _link_problem(link: EmailLink, own: set[str]) -> str:
    parts = urlsplit(link.href)
    if parts.scheme not in ("http", "https"):
        return ""
    host = (parts.hostname or "").lower()
    if host not in own and _internal(host):
        return f"points at {host}, which customers cannot reach"
    if link.status is None:
        return f"did not answer ({link.error or 'no response'})"
    if link.status >= 400:
        return f"answers HTTP {link.status}"
    return ""


@register
class EmailLinksAnswer(Check):
    """Every link of the email answers, on a host customers can reach.

    A tracking link that leads nowhere, a "view your order" that answers 404,
    or a template still pointing at localhost or a staging host breaks the
    promise the email makes. Each http(s) link was fetched when the message
    arrived, with the web channel's cookies (as a click would); a 4xx or 5xx
    answer, no answer, or a local/staging host fails. The journey's own host
    (its base_url) is allowed, so a shop under test on 127.0.0.1 is not a finding.
    """

    code = "CX-TRUST-050"
    slug = "email-links-answer"
    title = "Links in the email work"
    failure_title = "A link in the email is broken"
    category = "trust"
    weight = 3.0
    severity = "serious"
    advice = "Test every link of each transactional email template against production."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        email = subject.step.email
        if email is None:
            return
        own = {h.lower() for h in email.own_hosts}
        web = [link for link in email.links if urlsplit(link.href).scheme in ("http", "https")]
        if not web:
            yield Result(status=Status.NOT_APPLICABLE, message="the email has no web link")
            return
        for link in web:
            problem = _link_problem(link, own)
            if not problem:
                continue
            yield Result(
                status=Status.FAIL,
                message=f"“{link.text or link.href}” ({link.href}) {problem}, "
                f"in the email at {place(subject.run, subject.step)}",
                # Stable across runs: an order number in the path is not the problem.
                identity=re.sub(r"\d+", "#", urlsplit(link.href).path.lower()) or link.text,
                evidence=(Evidence(values={"href": link.href, "status": link.status}),),
            )
        if all(not _link_problem(link, own) for link in web):
            yield Result(status=Status.PASS, message=f"{len(web)} link(s) answer")


@register
class EmailPlainText(Check):
    """The email has a plain-text alternative.

    Some mail clients, watches and screen-reader set-ups show only the
    text/plain part; spam filters count its absence against the sender. An
    HTML-only message reaches those customers as nothing, or as markup.
    """

    code = "CX-A11Y-050"
    slug = "email-plain-text"
    title = "Email has a plain-text part"
    failure_title = "Email has no plain-text part"
    category = "accessibility"
    weight = 2.0
    severity = "moderate"
    advice = "Send multipart/alternative with a text/plain part that says the same as the HTML."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        email = subject.step.email
        if email is None:
            return
        if email.has_text:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"“{email.subject}” has only an HTML part "
            f"(at {place(subject.run, subject.step)})",
            identity="no-text-part",
            evidence=(Evidence(values={"content_type": email.headers.get("Content-Type", "")}),),
        )


class ArrivalOptions(CheckOptions):
    budget_ms: float = Field(
        default=120_000,
        gt=0,
        description="Longest an email may take to arrive after the page load that caused it, in ms.",
    )


@register
class EmailArrival(Check):
    """The email arrives within its budget after the step that caused it.

    A customer who has paid and gets no confirmation within a couple of
    minutes writes to support or orders again. The delay runs from the start
    of the page load that placed the order (the step before the wait) to the
    mailbox's arrival time; without that start it is not measured.
    """

    code = "CX-PERF-050"
    slug = "email-arrival"
    title = "Email arrives in time"
    failure_title = "Email arrives late"
    category = "performance"
    weight = 2.0
    severity = "moderate"
    advice = "Send transactional mail from the order flow at once, not from a batch job."
    Options: ClassVar[type[BaseModel]] = ArrivalOptions

    def evaluate(self, subject: StepSubject, options: ArrivalOptions) -> Iterable[Result]:
        email = subject.step.email
        if email is None:
            return
        if email.delay_ms is None:
            yield Result(
                status=Status.ERROR,
                message="not measured: no page load before the wait to count from",
            )
            return
        values = {"delay_ms": email.delay_ms, "budget_ms": options.budget_ms}
        if email.delay_ms <= options.budget_ms:
            yield Result(status=Status.PASS, message=f"arrived after {email.delay_ms:.0f} ms")
            return
        yield Result(
            status=Status.FAIL,
            message=f"“{email.subject}” arrived {email.delay_ms / 1000:.1f} s after "
            f"{email.caused_by or 'the step that caused it'} (budget {options.budget_ms / 1000:g} s)",
            identity="late",
            evidence=(Evidence(values=values),),
        )


@register
class EmailImageAlt(Check):
    """Every image of the email has an alt attribute.

    Many mail clients block images until asked: the alt text is what the
    customer sees, and what a screen reader says. An image without alt is
    read out as its file name (an empty alt marks a decorative one, and is fine).
    """

    code = "CX-A11Y-051"
    slug = "email-image-alt"
    title = "Email images have alt text"
    failure_title = "Email image without alt text"
    category = "accessibility"
    weight = 2.0
    severity = "serious"
    advice = "Give every image of the email template an alt attribute."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        email = subject.step.email
        if email is None:
            return
        if not email.images:
            yield Result(status=Status.NOT_APPLICABLE, message="the email has no image")
            return
        missing = [image for image in email.images if image.alt is None]
        if not missing:
            yield Result(status=Status.PASS, message=f"{len(email.images)} image(s) have alt")
            return
        for image in missing:
            yield Result(
                status=Status.FAIL,
                message=f"an image ({image.src}) in “{email.subject}” has no alt attribute",
                identity=urlsplit(image.src).path or image.src,
                evidence=(Evidence(html=f'<img src="{image.src}">'),),
            )
