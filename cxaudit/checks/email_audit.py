"""A received email audited as its reader meets it: axe-core and the layout, at its own widths.

The ``wait_for_email`` step draws each message at a phone width (375 px, as
a mail app lays it out) and a desktop width (1280 px, a web mail), in a
browser context of its own with scripts off, and audits each drawing: axe-core
at both widths, the layout gatherer (tap targets, text sizes) at the phone
width. These checks judge those audits with the same rules as the web pages'
checks (CX-A11Y-001, CX-USE-002, CX-USE-003), on the recorded
:class:`~cxaudit.results.EmailRendering`, so they run from results.json.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any, ClassVar

from pydantic import BaseModel, Field

from cxaudit.checks.accessibility import AxeOptions, _axe_nodes, axe_results
from cxaudit.checks.base import REGISTRY, SEVERITIES, Check, Result, Status, StepSubject, register
from cxaudit.checks.elements import CheckOptions
from cxaudit.checks.email import EmailCheck
from cxaudit.checks.layout import LegibleTextOptions, TapTargetOptions
from cxaudit.checks.pages import place
from cxaudit.results import EmailRecord, EmailRendering, Evidence, Snapshot


def _drawn_as_page(subject: StepSubject, drawn: EmailRendering) -> StepSubject:
    """The step as if its page were ``drawn``: the web pages' checks then read its audits."""
    shown = subject.step.snapshot.url if subject.step.snapshot is not None else ""
    snapshot = Snapshot(url=shown, axe=drawn.axe, layout=drawn.layout, audited=True)
    failing = {rule.id: _axe_nodes(rule) for rule in drawn.axe.violations} if drawn.axe else {}
    return StepSubject(
        run=subject.run,
        step=subject.step.model_copy(update={"snapshot": snapshot}),
        channel=subject.channel,
        axe_failures=failing,
    )


def _width(drawn: EmailRendering) -> str:
    return f"{drawn.name} ({drawn.width} px)"


def _off_picture(evidence: Iterable[Evidence], **values: Any) -> tuple[Evidence, ...]:
    """Evidence without its box: a box of the drawing is no place on the step's screenshot."""
    return tuple(
        item.model_copy(update={"box": None, "values": {**item.values, **values}})
        for item in evidence
    )


def _worst(severities: Iterable[str | None]) -> str | None:
    known = [s for s in severities if s in SEVERITIES]
    return min(known, key=SEVERITIES.index) if known else None


#: axe rules an email check of its own already judges from the message's markup, with
#: every drawing or none: one defect, one finding (CX-A11Y-051 reads every image's alt).
LEFT_TO_EMAIL_CHECKS = frozenset({"image-alt"})


def _page_check(slug: str) -> Check:
    """A check of the web pages, by slug (looked up in the registry, wherever it is defined)."""
    return next(check for check in REGISTRY.values() if check.slug == slug)


@register
class EmailAccessibility(EmailCheck):
    """The email passes axe-core's rules where its reader meets it, on a phone and a desktop.

    A screen-reader user reads an order confirmation in a mail app or a web
    mail, not on the shop's site: an image without a text alternative, a
    table read cell by cell, text too faint to read, a link called "click
    here" stop them as surely there. The message is drawn at a phone width
    (375 px) and a desktop width (1280 px) in a browser context of its own,
    with scripts and remote content off as mail clients show it, and audited
    with axe-core at both (the run's standards profile, as on every page).
    Each rule is a result, weighted by its impact as on web pages, failing
    when it fails at either width; the message names the widths. Rules about
    a web page's own structure (landmarks, a skip link) do not apply: the
    mail client's page has them; an image without alt is email-image-alt's
    (CX-A11Y-051), from the markup itself. The journey page that shows the email is
    then not audited again by axe-rules (CX-A11Y-001). Not applicable when
    the message was not drawn or the run did not audit.
    """

    code = "CX-A11Y-052"
    slug = "email-accessibility"
    title = "Email passes the axe-core rules on a phone and a desktop"
    failure_title = "Email breaks axe-core accessibility rules"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    advice = "Fix the email template's markup as the rule's page says; test it at 375 and 1280 px."
    Options: ClassVar[type[BaseModel]] = AxeOptions

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: AxeOptions
    ) -> Iterable[Result]:
        drawn = [d for d in email.renderings if d.audited]
        if not drawn:
            said = "not drawn" if not email.renderings else "drawn but not audited"
            yield Result(status=Status.NOT_APPLICABLE, message=f"the email was {said}")
            return
        failed: dict[str, list[tuple[EmailRendering, Result]]] = {}
        passed: dict[str, Result] = {}
        for rendering in drawn:
            if rendering.axe is None:
                yield Result(
                    status=Status.ERROR,
                    message=f"not measured at the {_width(rendering)} width: "
                    f"axe-core failed: {rendering.errors.get('axe', 'no result')}",
                    rule=f"not-measured-{rendering.name}",
                )
                continue
            for result in axe_results(_drawn_as_page(subject, rendering), options):
                if result.rule in LEFT_TO_EMAIL_CHECKS:
                    continue
                if result.status == Status.FAIL and result.rule:
                    failed.setdefault(result.rule, []).append((rendering, result))
                elif result.status == Status.PASS and result.rule:
                    passed.setdefault(result.rule, result)
        where = place(subject.run, subject.step)
        for seen in failed.values():
            first = seen[0][1]
            widths = " and ".join(_width(d) for d, _ in seen)
            # An element failing at both widths is one piece of evidence naming both.
            found: dict[tuple[str | None, str | None], tuple[Evidence, list[str]]] = {}
            for rendering, result in seen:
                for item in result.evidence:
                    key = (item.selector, item.html)
                    found.setdefault(key, (item, []))[1].append(_width(rendering))
            evidence = [
                shown
                for item, at in found.values()
                for shown in _off_picture([item], width=", ".join(at))
            ]
            yield replace(
                first,
                message=f"{first.message}, in “{email.subject}” at the {widths} "
                f"width{'s' if len(seen) > 1 else ''} (at {where})",
                weight=max(r.weight or 0.0 for _, r in seen) or first.weight,
                severity=_worst(r.severity for _, r in seen),
                evidence=tuple(evidence),
            )
        for rule, result in passed.items():
            if rule not in failed:
                yield result


def _web_default(options: type[BaseModel], name: str) -> Any:
    """The web pages' check's default, so an email is judged by the same figures."""
    return options.model_fields[name].default


class EmailTapTargetOptions(CheckOptions):
    target_min_px: float = Field(
        default=_web_default(TapTargetOptions, "min_px"),
        gt=0,
        description="Smallest tap target (WCAG 2.5.8), unless spaced apart.",
    )
    touch_min_px: float = Field(
        default=_web_default(TapTargetOptions, "touch_min_px"),
        gt=0,
        description="Smallest comfortable tap target on a phone (warning).",
    )
    text_min_px: float = Field(
        default=_web_default(LegibleTextOptions, "min_px"),
        gt=0,
        description="Smallest legible text on a phone, in CSS px as drawn.",
    )
    max_small_share: float = Field(
        default=_web_default(LegibleTextOptions, "max_small_share"),
        ge=0,
        le=1,
        description="Largest share of the email's text that may be smaller than `text_min_px`.",
    )


@register
class EmailTapTargets(EmailCheck):
    """On a phone, the email's links and buttons can be tapped and its text read.

    Most order emails are opened on a phone, with a finger: a "Track your
    parcel" button smaller than a fingertip, or two links side by side, get
    the wrong tap or none, and footer-sized text hides the delivery terms.
    The message is drawn at a phone width (375 px, a mail app's layout) with
    scripts off, and its layout read there: tap targets are judged as on the
    web pages by tap-target-size (CX-USE-002: 24 x 24 px or spaced apart, as
    WCAG 2.5.8 asks; a warning below 44 x 44 px, a phone's comfortable size;
    links inside a sentence exempt), and the text as by legible-text
    (CX-USE-003: no more than ``max_small_share`` of it below
    ``text_min_px``). An element axe-core already reported at that width is
    not charged again. Not applicable when the message was not drawn or the
    run did not audit.
    """

    code = "CX-USE-051"
    slug = "email-tap-targets"
    title = "Email can be tapped and read on a phone"
    failure_title = "Email's tap targets or text are too small on a phone"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    advice = (
        "Make the email's buttons at least 44 px high (padding on the link itself), keep links "
        "apart, and its text at 14 px or more."
    )
    Options: ClassVar[type[BaseModel]] = EmailTapTargetOptions

    def judge(
        self, email: EmailRecord, subject: StepSubject, options: EmailTapTargetOptions
    ) -> Iterable[Result]:
        phone = next((d for d in email.renderings if d.name == "phone" and d.audited), None)
        if phone is None:
            yield Result(status=Status.NOT_APPLICABLE, message="the email was not drawn on a phone")
            return
        if phone.layout is None:
            yield Result(
                status=Status.ERROR,
                message="not measured at the phone width: the layout could not be read: "
                f"{phone.errors.get('layout', 'no reading')}",
            )
            return
        # A phone is a touch screen, whatever the context it was drawn in.
        touch = phone.model_copy(update={"layout": phone.layout.model_copy(update={"touch": True})})
        page = _drawn_as_page(subject, touch)
        targets, text = _page_check("tap-target-size"), _page_check("legible-text")
        judged = [
            *targets.evaluate(
                page,
                targets.Options(min_px=options.target_min_px, touch_min_px=options.touch_min_px),
            ),
            *(
                replace(r, rule=r.rule or "legible-text")
                for r in text.evaluate(
                    page,
                    text.Options(
                        min_px=options.text_min_px,
                        max_small_share=options.max_small_share,
                        touch_only=False,
                    ),
                )
            ),
        ]
        where = f"in “{email.subject}” at the {_width(phone)} width (at {place(subject.run, subject.step)})"
        for result in judged:
            if result.status in (Status.FAIL, Status.NOT_APPLICABLE) and result.message:
                result = replace(result, message=f"{result.message}, {where}")
            yield replace(result, evidence=_off_picture(result.evidence))
