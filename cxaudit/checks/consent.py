"""The cookie banner: the first thing every customer meets, audited once per journey run.

Reads what the consent handler (:mod:`cxaudit.run.consent`, DuckDuckGo's
autoconsent) recorded on the step after which it met the banner
(``consent: accept | reject | none`` in the journey); never touches a browser.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from cxaudit.checks.base import Check, JourneySubject, Result, Status, register
from cxaudit.results import ConsentBanner, ConsentControl, Evidence


class BannerOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    min_size_ratio: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="The reject control's area may be no smaller than this share of accept's.",
    )
    min_contrast: float = Field(
        default=3.0,
        ge=1,
        le=21,
        description="Text contrast the reject control needs when accept's has it.",
    )


def _largest(controls: Iterable[ConsentControl], kind: str) -> ConsentControl | None:
    found = [c for c in controls if c.kind == kind]
    return max(found, key=lambda c: c.width * c.height) if found else None


def _evidence(control: ConsentControl) -> Evidence:
    return Evidence(
        selector=control.selector or None,
        box={"width": control.width, "height": control.height},
        values={"text": control.text, "contrast": control.contrast, "kind": control.kind},
    )


@register
class ConsentRejectAsEasy(Check):
    """Rejecting cookies is as easy as accepting them, and nothing is ticked for the customer.

    The cookie banner is the first thing every customer meets, and the GDPR
    (with regulators' guidance on banners) asks that refusing be as easy as
    agreeing and that consent be given, not assumed. Three findings, each on
    the step where the journey met the banner (``consent:`` in the journey,
    read with DuckDuckGo's autoconsent, so any platform it knows):

    - ``reject-first-layer``: the first layer shows a reject-all control
      beside accept (not only behind "Settings");
    - ``reject-prominence``: that control is about as prominent as accept:
      at least ``min_size_ratio`` of its area, and readable text (contrast of
      ``min_contrast``) when accept's is;
    - ``no-pre-ticked``: no purpose (analytics, marketing, ...) is ticked on
      the banner or in its settings before the customer chose; a ticked but
      disabled box (strictly necessary) is fine.

    A banner whose controls could not be read is "not measured", and so is
    a cookie banner that no autoconsent rule recognised within the wait
    (``not-handled``: cxaudit left it as it is, in the page or in a shadow
    root alike); a journey that met no banner has nothing to judge.
    """

    code = "CX-TRUST-007"
    slug = "consent-reject-as-easy"
    title = "Rejecting cookies is as easy as accepting them"
    failure_title = "The cookie banner makes rejecting harder than accepting"
    category = "trust"
    weight = 3.0
    severity = "serious"
    scope = "journey"
    advice = (
        "Put a 'Reject all' button on the banner's first layer, styled and sized like "
        "'Accept all', and leave every optional purpose unticked in its settings."
    )
    Options = BannerOptions

    def evaluate(self, subject: JourneySubject, options: BannerOptions) -> Iterable[Result]:
        for step in subject.run.steps:
            if step.consent is not None and step.consent.shown:
                yield from self._judge(step.consent, step.index, options)
                return
            if step.consent is not None and step.consent.unknown_banner:
                yield Result(
                    status=Status.ERROR,
                    step=step.index,
                    rule="not-handled",
                    message="not measured: a cookie banner showed that no autoconsent rule "
                    f"recognised ({step.consent.unknown_banner}); it was not handled",
                )
                return

    def _judge(self, banner: ConsentBanner, step: int, options: BannerOptions) -> Iterable[Result]:
        cmp = banner.cmp or "cookie"
        accept = _largest(banner.first_layer, "accept")
        reject = _largest(banner.first_layer, "reject")
        settings = _largest(banner.first_layer, "settings")
        if accept is None:
            why = banner.error or "no accept control was read on its first layer"
            yield Result(
                status=Status.ERROR,
                step=step,
                rule="reject-first-layer",
                message=f"not measured: the {cmp} banner could not be read: {why}",
            )
            return
        if reject is None:
            behind = f" (only behind “{settings.text}”)" if settings else ""
            clicks = (
                f"; rejecting took {banner.clicks} clicks"
                if banner.action == "reject" and banner.clicks
                else ""
            )
            yield Result(
                status=Status.FAIL,
                step=step,
                rule="reject-first-layer",
                title="The cookie banner has no reject-all control on its first layer",
                message=f"the {cmp} banner offers “{accept.text}” but no way to reject all "
                f"on its first layer{behind}{clicks}",
                evidence=tuple(_evidence(c) for c in (accept, settings) if c is not None),
                identity="reject-first-layer",
            )
        else:
            yield Result(
                status=Status.PASS,
                step=step,
                rule="reject-first-layer",
                message=f"“{reject.text}” beside “{accept.text}” on the {cmp} banner",
            )
            yield from self._prominence(cmp, accept, reject, step, options)
        yield from self._ticked(banner, cmp, settings, step)

    def _prominence(
        self,
        cmp: str,
        accept: ConsentControl,
        reject: ConsentControl,
        step: int,
        options: BannerOptions,
    ) -> Iterable[Result]:
        accept_area = accept.width * accept.height
        reject_area = reject.width * reject.height
        problems = []
        if accept_area > 0 and reject_area < options.min_size_ratio * accept_area:
            problems.append(
                f"it is {reject_area / accept_area:.0%} of the size of “{accept.text}” "
                f"({reject.width:.0f}×{reject.height:.0f} vs {accept.width:.0f}×{accept.height:.0f} px)"
            )
        if (
            reject.contrast is not None
            and accept.contrast is not None
            and reject.contrast < options.min_contrast <= accept.contrast
        ):
            problems.append(
                f"its text contrast is {reject.contrast:.2f}:1 against {accept.contrast:.2f}:1"
            )
        if problems:
            yield Result(
                status=Status.FAIL,
                step=step,
                rule="reject-prominence",
                title="The cookie banner's reject control is less prominent than accept",
                message=f"“{reject.text}” on the {cmp} banner is less prominent than "
                f"“{accept.text}”: " + "; ".join(problems),
                evidence=(_evidence(reject), _evidence(accept)),
                identity="reject-prominence",
            )
        else:
            yield Result(
                status=Status.PASS,
                step=step,
                rule="reject-prominence",
                message=f"“{reject.text}” is as prominent as “{accept.text}”",
            )

    def _ticked(
        self, banner: ConsentBanner, cmp: str, settings: ConsentControl | None, step: int
    ) -> Iterable[Result]:
        if banner.pre_ticked:
            yield Result(
                status=Status.FAIL,
                step=step,
                rule="no-pre-ticked",
                title="The cookie banner has purposes ticked before the customer chose",
                message=f"{len(banner.pre_ticked)} purpose(s) of the {cmp} banner were ticked "
                "before the customer chose: " + ", ".join(f"“{t}”" for t in banner.pre_ticked),
                evidence=tuple(Evidence(values={"purpose": t}) for t in banner.pre_ticked),
                identity="no-pre-ticked",
            )
        elif settings is not None and not banner.settings_opened:
            yield Result(
                status=Status.ERROR,
                step=step,
                rule="no-pre-ticked",
                message=f"not measured: the settings of the {cmp} banner (“{settings.text}”) "
                f"could not be opened{': ' + banner.error if banner.error else ''}",
            )
        elif banner.purposes:
            yield Result(
                status=Status.PASS,
                step=step,
                rule="no-pre-ticked",
                message=f"none of the {banner.purposes} purpose(s) of the {cmp} banner was ticked",
            )
