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
from email.utils import getaddresses
from typing import ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, Field

from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.checks.elements import CheckOptions
from cxaudit.checks.pages import place
from cxaudit.checks.trust import _ORDER_NUMBER
from cxaudit.checks.values import amount, amounts, normalise_text, without_amounts
from cxaudit.results import (
    Capture,
    EmailLink,
    EmailRecord,
    Evidence,
    JourneyRun,
    StepResult,
)

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


def shown_email(run: JourneyRun, step: StepResult) -> EmailRecord | None:
    """The message shown as ``step``'s page: the one its own wait received, or the one the
    wait before it received when the steps between kept showing it (None on a web page)."""
    if not step.shows_email and step.email is None:
        return None
    for earlier in reversed(run.steps[: step.index + 1]):
        if earlier.email is not None:
            return earlier.email
        if not earlier.shows_email:
            return None
    return None


def audited_renderings(run: JourneyRun, step: StepResult) -> bool:
    """Whether the message shown as ``step``'s page was audited at its own widths (then
    the email checks report its accessibility, not the page's checks)."""
    email = shown_email(run, step)
    return email is not None and any(r.axe is not None for r in email.renderings)


class EmailCheck(Check):
    """A check of the message a ``wait_for_email`` step received; other steps give no result."""

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        email = subject.step.email
        if email is None:
            return ()
        return self.judge(email, subject, options)

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: object
    ) -> Iterable[Result]:  # pragma: no cover - abstract
        raise NotImplementedError


@register
class EmailLinksAnswer(EmailCheck):
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

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
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
class EmailPlainText(EmailCheck):
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

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
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


class FitsScreenOptions(CheckOptions):
    max_small_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Largest share of the text that may be smaller than 12 px at the phone width.",
    )


@register
class EmailFitsScreen(EmailCheck):
    """The email fits a phone and a desktop screen, and its text can be read on a phone.

    Most order emails are opened on a phone. A message laid out for 800 px
    (a fixed-width table, a wide banner) makes the customer scroll sideways
    to find the total or the tracking link, and tiny footer-sized text
    cannot be read without zooming. The message is drawn at a phone width
    (375 px, as a mail app shows it) and at a desktop width (1280 px), in a
    browser context of its own with scripts and remote content off; it
    fails when it is wider than the screen at either, or when more than
    ``max_small_share`` of its text is smaller than 12 px at the phone width
    (when the run audited the drawing, email-tap-targets, CX-USE-051, judges
    the text from the layout instead, once). Not applicable when the message
    could not be drawn (the step says why).
    """

    code = "CX-USE-050"
    slug = "email-fits-screen"
    title = "Email fits a phone and a desktop screen"
    failure_title = "Email does not fit the screen, or its text is too small"
    category = "usability"
    weight = 2.0
    severity = "moderate"
    advice = (
        "Lay the email out fluidly (max-width instead of fixed widths, images at width 100%) "
        "and keep its text at 14 px or more."
    )
    Options: ClassVar[type[BaseModel]] = FitsScreenOptions

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: FitsScreenOptions
    ) -> Iterable[Result]:
        if not email.renderings:
            yield Result(status=Status.NOT_APPLICABLE, message="the email was not drawn")
            return
        where = place(subject.run, subject.step)
        failed = False
        for drawn in email.renderings:
            if drawn.scroll_width > drawn.width + 1:
                failed = True
                yield Result(
                    status=Status.FAIL,
                    message=f"“{email.subject}” is {drawn.scroll_width} px wide at the "
                    f"{drawn.name} width of {drawn.width} px: it scrolls sideways (at {where})",
                    identity=f"wide-{drawn.name}",
                    evidence=(Evidence(values=drawn.measures()),),
                )
            small = drawn.small_text_share > options.max_small_share
            # With a layout read at the phone width, email-tap-targets judges the text.
            if drawn.name == "phone" and drawn.layout is None and small:
                failed = True
                yield Result(
                    status=Status.FAIL,
                    message=f"{drawn.small_text_share:.0%} of the text of “{email.subject}” is "
                    f"smaller than 12 px on a phone (smallest {drawn.smallest_px:g} px, at {where})",
                    identity="small-text",
                    evidence=(Evidence(values=drawn.measures()),),
                )
        if not failed:
            widths = ", ".join(f"{d.name} {d.width} px" for d in email.renderings)
            yield Result(status=Status.PASS, message=f"fits at {widths}")


class ArrivalOptions(CheckOptions):
    budget_ms: float = Field(
        default=120_000,
        gt=0,
        description="Longest an email may take to arrive after the page load that caused it, in ms.",
    )


@register
class EmailArrival(EmailCheck):
    """The email arrives within its budget after the step that caused it.

    A customer who has paid and gets no confirmation within a couple of
    minutes writes to support or orders again. The delay runs from the start
    of the page load that placed the order (the step before the wait) to the
    mailbox's arrival time; without that start it is not measured. A wait
    made while an earlier email is the page counts from the page load that
    email was counted from (a dispatch notice waited for from the order
    confirmation: from the order). The budget is ``budget_ms``, or the wait
    step's own ``budget_ms`` when it sets one.
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

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: ArrivalOptions
    ) -> Iterable[Result]:
        if email.delay_ms is None:
            yield Result(
                status=Status.ERROR,
                message="not measured: no page load before the wait to count from",
            )
            return
        budget = email.budget_ms if email.budget_ms is not None else options.budget_ms
        values = {"delay_ms": email.delay_ms, "budget_ms": budget}
        if email.delay_ms <= budget:
            yield Result(status=Status.PASS, message=f"arrived after {email.delay_ms:.0f} ms")
            return
        yield Result(
            status=Status.FAIL,
            message=f"“{email.subject}” arrived {email.delay_ms / 1000:.1f} s after "
            f"{email.caused_by or 'the step that caused it'} (budget {budget / 1000:g} s)",
            identity="late",
            evidence=(Evidence(values=values),),
        )


@register
class EmailImageAlt(EmailCheck):
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

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
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


# --- who the email is from, and who a reply reaches -------------------------------------

#: Local parts that say "do not answer": a reply to them reaches no one.
_NO_REPLY = re.compile(r"^(?:no|do[-_.]?not)[-_.]?reply\b|^mailer[-_.]?daemon\b", re.I)
#: A link that offers another way to reach someone: contact, support, help.
_CONTACT = re.compile(
    r"\b(contact|support|help|customer (care|service)s?|get in touch|chat with us|kontakt)\b",
    re.I,
)
#: Second-level labels under a country code that registrars sell names below (co.uk, com.au).
_SECOND_LEVEL = frozenset(("co", "com", "net", "org", "gov", "ac", "edu", "ne", "or", "ltd"))


def _addresses(value: str) -> list[str]:
    return [address.lower() for _, address in getaddresses([value]) if "@" in address]


def _no_reply(address: str) -> bool:
    return bool(_NO_REPLY.search(address.partition("@")[0]))


def site_domain(host: str) -> str:
    """The domain a brand registers, read from a host name (``mail.shop.co.uk`` -> ``shop.co.uk``).

    An approximation without the public suffix list: the last two labels, or
    three under a country code's commercial second level. Brands that send
    from another domain list it in the check's ``domains`` option.
    """
    labels = host.lower().strip(".").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _named_host(host: str) -> bool:
    """A host a brand's mail could be compared with: a dotted name, not an address or localhost."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return False
    except ValueError:
        return "." in host and not _INTERNAL_HOST.search(host)


@register
class EmailReplyReachesSomeone(EmailCheck):
    """A customer who answers the email reaches someone.

    Customers reply to an order confirmation to change an address or cancel:
    a reply to no-reply@ bounces or vanishes, and the customer believes they
    told the shop. The reply goes to Reply-To when the message has one, else
    to From. Replies going only to a no-reply address (no-reply, noreply,
    do-not-reply, mailer-daemon) fail unless the email offers another way
    to answer: a mailto link to a real address, or a link to contact, support
    or help.
    """

    code = "CX-TRUST-051"
    slug = "email-reply-reaches-someone"
    title = "A reply to the email reaches someone"
    failure_title = "The email cannot be answered"
    category = "trust"
    weight = 2.0
    severity = "moderate"
    advice = (
        "Send from (or set Reply-To to) an address that is read, or link to a contact page "
        "in every email."
    )

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
        reply_to = _addresses(email.headers.get("Reply-To", ""))
        replies = reply_to or _addresses(email.sender)
        values = {"from": email.sender, "reply_to": email.headers.get("Reply-To", "")}
        answered = [a for a in replies if not _no_reply(a)]
        if answered:
            yield Result(status=Status.PASS, message=f"a reply goes to {answered[0]}")
            return
        other = [
            link
            for link in email.links
            if (link.href.lower().startswith("mailto:") and not _no_reply(link.href[7:]))
            or (not link.href.lower().startswith("mailto:") and _CONTACT.search(link.text))
            or _CONTACT.search(urlsplit(link.href).path.replace("-", " ").replace("/", " "))
        ]
        if other:
            yield Result(
                status=Status.PASS,
                message=f"replies go to {', '.join(replies) or 'no address'}, but the email "
                f"offers “{other[0].text or other[0].href}”",
            )
            return
        said = f"replies go to {', '.join(replies)}" if replies else "the email has no From address"
        yield Result(
            status=Status.FAIL,
            message=f"“{email.subject}”: {said}, and it links to no contact, support or help "
            f"(at {place(subject.run, subject.step)})",
            identity="no-reply",
            evidence=(Evidence(values=values),),
        )


class SenderDomainOptions(CheckOptions):
    domains: list[str] = Field(
        default_factory=list,
        description="The brand's mail domains (e.g. [northwind.com, northwind-mail.com]); "
        "empty: the domain of the journey's base_url.",
    )


@register
class EmailSenderDomain(EmailCheck):
    """The email comes from the shop's own domain, and a reply goes back to it.

    Customers and their spam filters judge an email by its sender: an order
    confirmation from a mailing service's domain or a free-mail address looks
    like phishing, is deleted, and the customer calls support instead. The
    domains of From and Reply-To must be the shop's: the domain of the
    journey's base_url (``www.shop.co.uk`` gives ``shop.co.uk``, and
    ``orders@mail.shop.co.uk`` is the shop's too), or one listed in
    ``domains``. A shop on an address or localhost has no domain to compare
    with: not applicable unless ``domains`` is set.
    """

    code = "CX-TRUST-052"
    slug = "email-sender-domain"
    title = "The email comes from the shop's domain"
    failure_title = "The email comes from another domain than the shop's"
    category = "trust"
    weight = 2.0
    severity = "moderate"
    advice = (
        "Send from an address of the shop's own domain (authenticated with SPF, DKIM and "
        "DMARC), also through a mailing service."
    )
    Options: ClassVar[type[BaseModel]] = SenderDomainOptions

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: SenderDomainOptions
    ) -> Iterable[Result]:
        brand = {site_domain(d) for d in options.domains if d.strip()} or {
            site_domain(h) for h in email.own_hosts if _named_host(h)
        }
        if not brand:
            hosts = ", ".join(email.own_hosts) or "no host"
            yield Result(
                status=Status.NOT_APPLICABLE,
                message=f"the shop runs on {hosts}: no domain to compare with (set domains)",
            )
            return
        checked = [("From", a) for a in _addresses(email.sender)] + [
            ("Reply-To", a) for a in _addresses(email.headers.get("Reply-To", ""))
        ]
        if not checked:
            yield Result(status=Status.NOT_APPLICABLE, message="the email has no From address")
            return
        foreign = [
            (name, a) for name, a in checked if site_domain(a.rpartition("@")[2]) not in brand
        ]
        if not foreign:
            yield Result(status=Status.PASS, message=f"from {checked[0][1]}")
            return
        for name, address in foreign:
            domain = address.rpartition("@")[2]
            yield Result(
                status=Status.FAIL,
                message=f"“{email.subject}”: {name} {address} is not of the shop's domain "
                f"({', '.join(sorted(brand))})",
                identity=f"{name.lower()}:{domain}",
                evidence=(Evidence(values={"header": name, "address": address}),),
            )


# --- marketing mail and its unsubscribe ---------------------------------------------------

#: A subject that names a transaction the customer started: mail they must get.
_TRANSACTIONAL = re.compile(
    r"\b(your|the)(\s+[\w-]+)?\s+(order|purchase|receipt|invoice|booking|reservation|refund|return|parcel"
    r"|package|delivery|shipment|payment|account|password|subscription)\b"
    r"|\border (number|no\.?|#|confirmation|confirmed|received|placed)|\border\s*[A-Z]{0,4}-?\d{3,}"
    r"|\b(receipt|invoice|dispatched|has shipped|is on its way|out for delivery|tracking"
    r"|reset your password|verify your|confirm your)\b",
    re.I,
)
#: Words of a campaign: offers, sales, newsletters.
_MARKETING = re.compile(
    r"\b(newsletter|\d+\s?% off|sale|offers?|deals?|discount code|promo(tion)?s?|coupon"
    r"|new arrivals|don'?t miss|last chance|exclusive|just for you|we miss you)\b",
    re.I,
)
_UNSUBSCRIBE_URI = re.compile(r"<\s*(https://[^>\s]+|mailto:[^>\s]+)\s*>", re.I)


def mail_kind(email: EmailRecord) -> tuple[str, str]:
    """``("marketing" | "transactional", why)``, decided from the message alone
    (the rule is in :class:`EmailUnsubscribe`'s documentation)."""
    precedence = email.headers.get("Precedence", "").strip().lower()
    if precedence in ("bulk", "list"):
        return "marketing", f"Precedence: {precedence}"
    if email.headers.get("List-Id"):
        return "marketing", "a List-Id header"
    found = _TRANSACTIONAL.search(email.subject)
    if found:
        return "transactional", f"“{found.group(0)}” in the subject"
    body = " ".join([email.subject, email.text[:5000], " ".join(email.html_lines)[:5000]])
    found = _MARKETING.search(body)
    if found:
        return "marketing", f"“{found.group(0)}” in the message"
    return "transactional", "no campaign words"


@register
class EmailUnsubscribe(EmailCheck):
    """Marketing email can be unsubscribed from in one step.

    A customer who cannot stop a newsletter marks it as spam, which hurts
    the delivery of every email the shop sends, the order confirmations
    included; the law (GDPR and ePrivacy in the EU, CAN-SPAM in the US) asks
    for an easy opt-out. A marketing message needs a List-Unsubscribe header
    with an https or mailto address, which mail clients show as an
    "Unsubscribe" button (with List-Unsubscribe-Post, one click, as large
    mailbox providers ask of bulk senders). Transactional mail (an order
    confirmation, a dispatch notice) needs none.

    Whether a message is marketing is decided from the message, in this
    order: marked as list mail by its sender (``Precedence: bulk`` or
    ``list``, a ``List-Id`` header): marketing; a subject naming the
    customer's own transaction ("your order", "order NW-1001", receipt,
    invoice, dispatched, tracking, password, verify...): transactional;
    campaign words in the subject or text (newsletter, sale, "% off",
    offer, deal, promotion, coupon, new arrivals...): marketing; else
    transactional, as mail that a journey step caused usually is.
    """

    code = "CX-TRUST-053"
    slug = "email-unsubscribe"
    title = "Marketing email can be unsubscribed from"
    failure_title = "Marketing email without an unsubscribe header"
    category = "trust"
    weight = 3.0
    severity = "serious"
    advice = (
        "Send marketing mail with List-Unsubscribe: <https://...>, <mailto:...> and "
        "List-Unsubscribe-Post: List-Unsubscribe=One-Click."
    )

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
        kind, why = mail_kind(email)
        if kind == "transactional":
            yield Result(
                status=Status.NOT_APPLICABLE,
                message=f"transactional ({why}): no unsubscribe needed",
            )
            return
        header = email.headers.get("List-Unsubscribe", "")
        uris = _UNSUBSCRIBE_URI.findall(header)
        if uris:
            one_click = "one-click" in email.headers.get("List-Unsubscribe-Post", "").lower()
            yield Result(
                status=Status.PASS,
                message=f"List-Unsubscribe {', '.join(uris)}"
                + ("" if one_click else " (without one-click List-Unsubscribe-Post)"),
            )
            return
        said = "has none" if not header else f"names no https or mailto address ({header[:100]})"
        yield Result(
            status=Status.FAIL,
            message=f"“{email.subject}” is marketing ({why}) and its List-Unsubscribe header "
            f"{said} (at {place(subject.run, subject.step)})",
            identity="no-unsubscribe" if not header else "unusable-unsubscribe",
            evidence=(Evidence(values={"List-Unsubscribe": header, "kind_because": why}),),
        )


# --- the plain-text part says what the HTML says ------------------------------------------

#: Lines of a price summary, not items: their amounts are compared, their words are not.
_SUMMARY_LINE = re.compile(
    r"\b(total|subtotal|sub-total|shipping|delivery|postage|tax|vat|discount|paid|balance"
    r"|amount|savings?|fees?|charges?)\b",
    re.I,
)
_QUANTITY = re.compile(r"\s*(?:[×x]\s*\d+|\bqty:?\s*\d+|\bquantity:?\s*\d+)\b", re.I)
_REFERENCE = re.compile(r"[A-Z]{0,4}-?\d{3,}$", re.I)


def _reference(found: re.Match[str]) -> str:
    tail = _REFERENCE.search(found.group(0))
    return tail.group(0) if tail else found.group(0)


def _email_captures(run: JourneyRun, step: StepResult) -> list[Capture]:
    """Values the journey captured while this email was the page (the steps after the wait,
    up to a step that leaves it or shows another message)."""
    found: list[Capture] = []
    for later in run.steps[step.index + 1 :]:
        if not later.shows_email or later.email is not None:
            break
        found.extend(c for c in later.captures if not c.secret and c.text.strip())
    return found


def substance(email: EmailRecord, captures: Iterable[Capture] = ()) -> list[tuple[str, str]]:
    """What the HTML part says that matters, as ``(kind, value)``: the order number, each
    amount (the total among them), each item line's name, and values captured from it."""
    found: dict[tuple[str, str], None] = {}
    for line in email.html_lines:
        for reference in _ORDER_NUMBER.finditer(line):
            found["order number", _reference(reference)] = None
        money = amounts(line)
        for value in money:
            found["amount", f"{value:.2f}"] = None
        if len(money) == 1 and not _SUMMARY_LINE.search(line):
            name = " ".join(_QUANTITY.sub("", without_amounts(line)).split()).strip(" :-–—·|")
            if sum(ch.isalpha() for ch in name) >= 3:
                found["item", name] = None
    for capture in captures:
        found["captured " + capture.name, capture.text.strip()] = None
    return list(found)


def _said_in(kind: str, value: str, text: str, text_amounts: set[str]) -> bool:
    if kind == "amount":
        return value in text_amounts
    if normalise_text(value) in normalise_text(text):
        return True
    number = amount(value)
    return number is not None and f"{number:.2f}" in text_amounts


@register
class EmailTextMatchesHtml(EmailCheck):
    """The plain-text part says what the HTML part says: order number, amounts, items.

    A customer whose mail client, watch or screen reader shows the text part
    must read the same order as everyone else. A text part that leaves out
    the total or an item, or gives another amount, is a different promise.
    Compared: order numbers (``Order NW-1001``, ``order #12345``), every
    amount of money, the name of each item line (a line of the HTML with one
    amount that is not a total, shipping, tax or discount line), and the
    values the journey captured from the email. A message without a text
    part is reported by CX-A11Y-050 (email-plain-text), not twice here.
    """

    code = "CX-MSG-050"
    slug = "email-text-matches-html"
    title = "The email's text part says what its HTML says"
    failure_title = "The email's text part leaves out what its HTML says"
    category = "consistency"
    weight = 3.0
    severity = "moderate"
    advice = (
        "Render the text part from the same order data as the HTML, with the order number, "
        "items and total."
    )

    def judge(self, email: EmailRecord, subject: StepSubject, options: object) -> Iterable[Result]:
        if not email.has_html or not email.has_text:
            part = "text" if email.has_html else "HTML"
            yield Result(status=Status.NOT_APPLICABLE, message=f"the email has no {part} part")
            return
        wanted = substance(email, _email_captures(subject.run, subject.step))
        if not wanted:
            yield Result(
                status=Status.NOT_APPLICABLE,
                message="the HTML part names no order number, amount or item",
            )
            return
        text_amounts = {f"{value:.2f}" for value in amounts(email.text)}
        missing = [(k, v) for k, v in wanted if not _said_in(k, v, email.text, text_amounts)]
        if not missing:
            yield Result(
                status=Status.PASS, message=f"{len(wanted)} value(s) of the HTML are in the text"
            )
            return
        said = "; ".join(f"{kind} {value}" for kind, value in missing[:10])
        yield Result(
            status=Status.FAIL,
            message=f"the text part of “{email.subject}” leaves out {said} "
            f"(at {place(subject.run, subject.step)})",
            # Stable across runs: which kinds are missing, not the order's own values.
            identity=",".join(sorted({kind for kind, _ in missing})),
            evidence=(
                Evidence(
                    values={"missing": [f"{k}: {v}" for k, v in missing], "compared": len(wanted)}
                ),
            ),
        )
