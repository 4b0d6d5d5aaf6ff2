"""Trust and support checks: can the customer get help, know the rules, and feel safe?

What customer-experience research keeps returning to: people buy where they
trust, and trust comes from being able to reach someone, knowing the
returns policy before paying, a clear confirmation, and a secure page.
Weighted lightly by default (category weight 0.5): these are hygiene.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from cxaudit.artifacts import FormField
from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.checks.elements import element, fields, forms_of
from cxaudit.checks.forms import field_purpose
from cxaudit.checks.pages import audited_steps, place, price_summary
from cxaudit.results import Evidence, JourneyRun, PageContent, StepResult

_RETURNS_TEXT = re.compile(
    r"\b\d+[- ]day (free )?returns?\b|\breturns? (policy|are free|within)\b|\bfree returns\b"
    r"|\brefund policy\b|\bmoney[- ]back\b",
    re.I,
)
_CONFIRMATION = re.compile(
    r"thank you|thanks for your order|order (confirmed|confirmation|received|placed|complete)"
    r"|confirmation|success",
    re.I,
)
_ORDER_NUMBER = re.compile(
    r"\border\s*(number|no\.?|#|reference|ref\.?|id)?\s*(is\s*)?[:#]?\s*[A-Z]{0,4}-?\d{3,}", re.I
)
_NEXT_STEPS = re.compile(
    r"what happens next|next steps?|we('ll| will) (e-?mail|send|notify|let you know|contact)"
    r"|you('ll| will) (receive|get)|we e-?mail|track (your )?order|when it ships",
    re.I,
)


def _kinds(content: PageContent) -> set[str]:
    return {link.kind for link in content.links}


def _payment_step(run: JourneyRun) -> StepResult | None:
    """The step where the customer pays: the first page with card fields, else the end
    of the ``purchase`` stage."""
    for step, content in audited_steps(run):
        if any(form.payment for form in content.forms):
            return step
    purchase = [s for s in run.steps if s.stage == "purchase"]
    return purchase[-1] if purchase else None


@register
class SupportReachable(Check):
    """Help is one click away in every stage of the journey.

    A customer with a question about size, delivery or an order who finds
    no way to ask leaves, or calls the bank. Each stage needs a contact or
    support link or control (contact, help, customer service, FAQ, chat,
    a mailto: or tel: link) on at least one of its pages.
    """

    code = "CX-TRUST-001"
    slug = "support-reachable"
    title = "Contact or support is reachable in every stage"
    failure_title = "No way to contact support in a stage"
    category = "trust"
    weight = 3.0
    severity = "moderate"
    scope = "journey"
    advice = "Put a 'Contact us' or 'Help' link in the header or footer of every page."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        stages: dict[str, list[tuple[StepResult, PageContent]]] = {}
        for step, content in audited_steps(subject.run):
            stages.setdefault(step.stage, []).append((step, content))
        for stage, pages in stages.items():
            found = next(
                (
                    link
                    for _, content in pages
                    for link in content.links
                    if link.kind in ("contact", "support")
                ),
                None,
            )
            if found is not None:
                yield Result(
                    status=Status.PASS, stage=stage, message=f"“{found.text}” ({found.href})"
                )
                continue
            yield Result(
                status=Status.FAIL,
                stage=stage,
                step=pages[0][0].index,
                message=f"none of the {len(pages)} page(s) of stage {stage} links to contact or support",
                identity=f"stage:{stage}",
            )


@register
class ReturnsBeforePayment(Check):
    """The returns and refund policy can be found before paying.

    Customers check whether they can send something back before they buy,
    more so for clothes and shoes. The policy must be linked (or stated) on
    a page of the journey up to the payment step.
    """

    code = "CX-TRUST-002"
    slug = "returns-before-payment"
    title = "Returns policy is reachable before payment"
    failure_title = "Returns policy cannot be found before payment"
    category = "trust"
    weight = 3.0
    severity = "moderate"
    scope = "journey"
    advice = "Link the returns policy from the product page, the cart and the checkout."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        payment = _payment_step(run)
        if payment is None:
            return
        checked = False
        for step, content in audited_steps(run):
            if step.index > payment.index:
                break
            checked = True
            link = next((x for x in content.links if x.kind in ("returns", "refund")), None)
            text = step.snapshot.visible_text if step.snapshot else ""
            match = _RETURNS_TEXT.search(text or "")
            if link is not None or match is not None:
                shown = f"“{link.text}” ({link.href})" if link else f"“{match.group(0)}”"  # type: ignore[union-attr]
                yield Result(status=Status.PASS, message=f"{shown} at {place(run, step)}")
                return
        if checked:
            yield Result(
                status=Status.FAIL,
                stage=payment.stage,
                step=payment.index,
                message=f"no returns or refund policy up to {place(run, payment)}",
                identity="returns",
            )


@register
class ConfirmationEssentials(Check):
    """The order confirmation says what was bought, for how much, and what comes next.

    After paying, the customer needs an order number (to quote to support),
    the total charged, and what happens next (an email, dispatch, tracking).
    A confirmation without them starts a support call. The confirmation is
    the first page after payment that thanks or confirms.
    """

    code = "CX-TRUST-003"
    slug = "confirmation-essentials"
    title = "Confirmation shows order number, total and next steps"
    failure_title = "Confirmation leaves out order number, total or next steps"
    category = "trust"
    weight = 3.0
    severity = "moderate"
    scope = "journey"
    advice = (
        "Show the order number, the amount charged and the next steps on the confirmation page."
    )

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        payment = _payment_step(run)
        for step, content in audited_steps(run):
            if payment is not None and step.index <= payment.index:
                continue
            snapshot = step.snapshot
            text = snapshot.visible_text or "" if snapshot else ""
            heads = " ".join(h.text for h in content.headings)
            if not _CONFIRMATION.search(f"{snapshot.title if snapshot else ''} {heads}"):
                continue
            summary = price_summary(content)
            has = {
                "order number": _ORDER_NUMBER.search(text) is not None,
                "total": summary is not None,
                "what happens next": _NEXT_STEPS.search(text) is not None,
            }
            missing = [name for name, ok in has.items() if not ok]
            if not missing:
                yield Result(status=Status.PASS, stage=step.stage, step=step.index)
            else:
                yield Result(
                    status=Status.FAIL,
                    stage=step.stage,
                    step=step.index,
                    message=f"the confirmation at {place(run, step)} does not show: {', '.join(missing)}",
                    identity=",".join(missing),
                    evidence=(Evidence(values=has),),
                )
            return


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@register
class SecureConnection(Check):
    """Every page is served over HTTPS, with nothing loaded over plain HTTP.

    Browsers mark plain-HTTP pages "Not secure", and block or flag pages
    that mix in HTTP images, scripts or form targets; customers abandon
    payment on both. A page on this machine (loopback) is exempt from the
    HTTPS rule, as browsers treat it as secure.
    """

    code = "CX-TRUST-004"
    slug = "secure-connection"
    title = "Page is secure (HTTPS, no mixed content)"
    failure_title = "Page is not secure"
    category = "trust"
    weight = 5.0
    severity = "serious"
    requires = ("content",)
    advice = "Serve the site over HTTPS only and load every resource over https:// too."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or snapshot.content is None:
            return
        parts = urlsplit(snapshot.url)
        if parts.scheme == "http" and not _loopback(parts.hostname or ""):
            yield Result(
                status=Status.FAIL,
                message=f"served over plain HTTP: {parts.scheme}://{parts.netloc}",
                identity=f"http:{parts.netloc}",
            )
            return
        insecure = snapshot.content.insecure
        if insecure:
            yield Result(
                status=Status.FAIL,
                message=f"{len(insecure)} resource(s) over plain HTTP, first {insecure[0]}",
                identity=",".join(sorted(insecure)[:5]),
                evidence=tuple(Evidence(values={"url": url}) for url in insecure[:20]),
            )
            return
        yield Result(status=Status.PASS)


@register
class PrivacyOnForms(Check):
    """Pages that ask for personal details link to the privacy notice.

    A customer typing a name, email, address or card number wants to know
    what happens to it; the privacy notice must be one click away from the
    form (GDPR asks for it at the point of collection).
    """

    code = "CX-TRUST-005"
    slug = "privacy-on-forms"
    title = "Forms asking for personal data link to the privacy notice"
    failure_title = "Form asks for personal data without a privacy link"
    category = "trust"
    weight = 2.0
    severity = "moderate"
    requires = ("content",)
    advice = "Link the privacy notice next to the form or in the page footer."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or snapshot.content is None:
            return
        content = snapshot.content
        personal = [f for f in content.forms if f.personal and not f.search]
        if not personal:
            return
        if "privacy" in _kinds(content):
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(personal)} form(s) ask for personal data; no privacy link on the page",
            identity="privacy",
        )


#: Card purposes whose values must never travel in an address.
_CARD_PURPOSES = frozenset({"card number", "card security code"})


def _secret_kind(field: FormField) -> str | None:
    """'password' or the card purpose of a field, else None."""
    if field.type == "password":
        return "password"
    purpose = field_purpose(field)
    if purpose is not None and purpose.name in _CARD_PURPOSES:
        return purpose.name
    return None


@register
class SecretsNotInUrl(Check):
    """Passwords and card numbers are never sent in the page address.

    A form that submits with GET (the browser's default when the form names
    no ``method``) puts every field into the URL: the password or card
    number lands in the browser history, in server and proxy logs, in
    analytics and in the ``Referer`` sent to other sites. The check reads
    each form with a password field or a card number or security code field
    (by type, autocomplete token, name or label) and fails those that submit
    with GET. A form without a ``method`` is reported too: a script may
    send it another way, but the browser sends it in the URL whenever the
    script has not loaded or fails.
    """

    code = "CX-TRUST-006"
    slug = "secrets-not-in-url"
    title = "Passwords and card numbers are not sent in the URL"
    failure_title = "A form sends a password or card number in the URL"
    category = "trust"
    weight = 5.0
    severity = "serious"
    requires = ("forms",)
    advice = 'Give the form method="post" (and submit it over HTTPS); never put secrets in a query string.'
    help_url = "https://owasp.org/www-community/vulnerabilities/Information_exposure_through_query_strings_in_url"

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        secret: dict[int, list[tuple[FormField, str]]] = {}
        for field in fields(subject):
            kind = _secret_kind(field)
            if kind is not None and field.form >= 0:
                secret.setdefault(field.form, []).append((field, kind))
        if not secret:
            yield Result(
                status=Status.NOT_APPLICABLE, message="no form asks for a password or card"
            )
            return
        forms = {f.index: f for f in forms_of(subject).forms}
        bad = []
        for index, found in sorted(secret.items()):
            form = forms.get(index)
            if form is None or form.method is None:  # recorded by a cxaudit without methods
                yield Result(
                    status=Status.ERROR,
                    message="not measured: the forms were recorded without their method",
                )
                return
            if form.method == "get":
                bad.append((form, found))
        if not bad:
            yield Result(status=Status.PASS, message=f"{len(secret)} form(s) submit with POST")
            return
        form, found = bad[0]
        kinds = sorted({kind for _, kind in found})
        how = (
            "submits with method GET"
            if form.method_attr == "get"
            else "has no method, so the browser submits it with GET"
        )
        yield Result(
            status=Status.FAIL,
            message=f"the form {form.selector} asks for a {' and '.join(kinds)} and "
            f"{how}: the value goes into the URL"
            + (f" ({form.action})" if form.action else "")
            + (f"; and {len(bad) - 1} more form(s)" if len(bad) > 1 else ""),
            evidence=tuple(
                element(
                    form,
                    method=form.method_attr or "(none: GET)",
                    action=form.action,
                    fields=[f.name_attr or f.selector for f, _ in found],
                )
                for form, found in bad
            ),
            identity="secrets-in-url",
        )
