"""Usability checks: can the customer see, tap, read and fill what the step shows?

Most read the ``layout`` and ``forms`` snapshot fields (see
:mod:`cxaudit.gather.layout` and :mod:`cxaudit.gather.forms`); checks that
matter on phones look at ``layout.touch`` (the channel has a finger for a
pointer) and do not apply elsewhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field

from cxaudit.analysis.metrics import new_pages
from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.checks.elements import (
    CheckOptions,
    axe_covered,
    covered_note,
    element,
    fields,
    part,
    quoted,
)
from cxaudit.results import Dialog, Evidence, FailedRequest, StepResult


def blocked_on_email_view(step: StepResult) -> set[str]:
    """Addresses cxaudit's own policy blocked on a message it shows (remote content of an
    email, blocked as a mail client that protects its reader does): not the site's fault."""
    if not step.shows_email or step.snapshot is None:
        return set()
    return {r.url for r in step.snapshot.failed_requests if r.failure == "csp"}


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


def uncovered(
    check: Check, subject: StepSubject, items: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, list[Mapping[str, Any]]]]:
    """``items`` split into those still to charge and, by axe rule, those axe reported."""
    left: list[dict[str, Any]] = []
    covered: dict[str, list[Mapping[str, Any]]] = {}
    for item in items:
        rule = axe_covered(check, subject, item)
        if rule is None:
            left.append(item)
        else:
            covered.setdefault(rule, []).append(item)
    return left, covered


def _layout(subject: StepSubject) -> dict[str, Any]:
    return part(subject, "layout")


def _touch_only(layout: Mapping[str, Any], touch_only: bool) -> Result | None:
    """NOT_APPLICABLE for a phone-only check on a channel without touch."""
    if touch_only and not layout.get("touch"):
        return Result(status=Status.NOT_APPLICABLE, message="not a touch channel")
    return None


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float

    @classmethod
    def of(cls, item: Mapping[str, Any]) -> _Box:
        b = item.get("box") or {}
        return cls(
            float(b.get("x", 0)),
            float(b.get("y", 0)),
            float(b.get("width", 0)),
            float(b.get("height", 0)),
        )

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.width / 2, self.y + self.height / 2

    def contains(self, other: _Box) -> bool:
        return (
            self.x <= other.x
            and self.y <= other.y
            and self.x + self.width >= other.x + other.width
            and self.y + self.height >= other.y + other.height
        )

    def distance_to(self, point: tuple[float, float]) -> float:
        """Distance from ``point`` to the nearest point of this box (0 inside)."""
        px, py = point
        dx = max(self.x - px, 0.0, px - (self.x + self.width))
        dy = max(self.y - py, 0.0, py - (self.y + self.height))
        return math.hypot(dx, dy)


class TapTargetOptions(CheckOptions):
    min_px: float = Field(
        default=24, gt=0, description="Smallest target (WCAG 2.5.8), unless spaced apart."
    )
    touch_min_px: float = Field(
        default=44, gt=0, description="Smallest comfortable target on touch channels (warning)."
    )


def _too_close(index: int, boxes: list[_Box], undersized: set[int], radius: float) -> int | None:
    """The target that the ``radius`` circle around target ``index`` runs into, if any.

    WCAG 2.5.8's spacing test: a circle of the minimum size centred on an
    undersized target must not touch another target, nor another undersized
    target's circle. Targets nested in each other are one target.
    """
    me = boxes[index]
    centre = me.centre
    for other, box in enumerate(boxes):
        if other == index or box.contains(me) or me.contains(box):
            continue
        if box.distance_to(centre) < radius:
            return other
        if other in undersized and math.dist(centre, box.centre) < 2 * radius:
            return other
    return None


@register
class TapTargetSize(Check):
    """Buttons and links are big enough, and far enough apart, to hit.

    A control smaller than a fingertip makes customers tap the wrong thing
    (remove instead of update, the next product instead of this one), or
    give up. WCAG 2.5.8 Target Size (Minimum) asks for 24 x 24 CSS px, or
    enough space around a smaller target that a 24 px circle on it touches
    no other target; links inside a sentence are exempt. On touch channels
    the check also warns about targets below 44 x 44 px, the size Apple's
    and Google's guidance asks for on phones.
    """

    code = "CX-USE-002"
    slug = "tap-target-size"
    title = "Tap targets are big enough"
    failure_title = "Tap targets are too small or too close together"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("layout",)
    advice = "Give every link and button at least 24 x 24 px (44 x 44 px on phones), with padding or min-height/min-width; keep small icons apart."
    help_url = "https://www.w3.org/WAI/WCAG22/Understanding/target-size-minimum.html"
    Options = TapTargetOptions
    overlaps_axe = ("target-size",)

    def evaluate(self, subject: StepSubject, options: TapTargetOptions) -> Iterable[Result]:
        layout = _layout(subject)
        targets = [t for t in layout.get("targets") or [] if isinstance(t, Mapping)]
        if not targets:
            yield Result(status=Status.NOT_APPLICABLE, message="no tap targets")
            return
        boxes = [_Box.of(t) for t in targets]
        exempt = {i for i, t in enumerate(targets) if t.get("inline") or t.get("labelled")}
        undersized = {
            i
            for i, b in enumerate(boxes)
            if i not in exempt and (b.width < options.min_px or b.height < options.min_px)
        }
        failing: list[tuple[int, int]] = []
        covered: dict[str, list[Mapping[str, Any]]] = {}
        for i in sorted(undersized):
            other = _too_close(i, boxes, undersized, options.min_px / 2)
            rule = axe_covered(self, subject, targets[i]) if other is not None else None
            if rule is not None:
                covered.setdefault(rule, []).append(targets[i])
                exempt.add(i)  # axe's finding; not charged again as a touch target
            elif other is not None:
                failing.append((i, other))
        size = f"{options.min_px:g} x {options.min_px:g} px"
        if covered and not failing:
            yield Result(
                status=Status.NOT_APPLICABLE,
                rule="target-size-minimum",
                message=f"small targets: {covered_note(covered)}",
            )
        elif failing:
            yield Result(
                status=Status.FAIL,
                rule="target-size-minimum",
                title="Tap targets are smaller than 24 x 24 px and too close to others",
                message=f"{len(failing)} target(s) smaller than {size} with another target within reach: "
                + quoted([targets[i] for i, _ in failing]),
                evidence=tuple(
                    element(
                        targets[i],
                        name=targets[i].get("name"),
                        size=f"{boxes[i].width:g} x {boxes[i].height:g} px",
                        too_close_to=targets[o].get("selector"),
                    )
                    for i, o in failing
                ),
                identity="target-size-minimum",
            )
        else:
            yield Result(status=Status.PASS, rule="target-size-minimum")
        if not layout.get("touch"):
            return
        failed = {i for i, _ in failing}
        small = [
            i
            for i, b in enumerate(boxes)
            if i not in exempt
            and i not in failed
            and (b.width < options.touch_min_px or b.height < options.touch_min_px)
        ]
        if not small:
            yield Result(status=Status.PASS, rule="touch-target-size", weight=3.0)
            return
        touch = f"{options.touch_min_px:g} x {options.touch_min_px:g} px"
        yield Result(
            status=Status.FAIL,
            rule="touch-target-size",
            title="Tap targets are smaller than a fingertip on phones",
            message=f"{len(small)} target(s) smaller than {touch} on a touch screen: "
            + quoted([targets[i] for i in small]),
            weight=3.0,
            severity="minor",
            evidence=tuple(
                element(
                    targets[i],
                    name=targets[i].get("name"),
                    size=f"{boxes[i].width:g} x {boxes[i].height:g} px",
                )
                for i in small
            ),
            identity="touch-target-size",
        )


class LegibleTextOptions(CheckOptions):
    min_px: float = Field(
        default=12, gt=0, description="Smallest legible text on a phone, in CSS px as shown."
    )
    max_small_share: float = Field(
        default=0.4,
        ge=0,
        le=1,
        description="Largest share of the page's text that may be smaller (Lighthouse passed pages with 60 % legible text).",
    )
    touch_only: bool = Field(default=True, description="Only check touch channels.")


@register
class LegibleText(Check):
    """Text on phones is big enough to read without zooming.

    Text smaller than 12 px on a phone (as shown: a page without a viewport
    meta tag is shrunk, and its text with it) makes customers pinch and zoom
    to read prices, delivery terms and buttons, or miss them. The check
    measures how much of the page's text, by characters, is below the
    legible size and fails when that share is too large; the result names
    the share and the smallest text.
    """

    code = "CX-USE-003"
    slug = "legible-text"
    title = "Text is legible on phones"
    failure_title = "Much of the text is too small to read on phones"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("layout",)
    advice = 'Use at least 16 px for body text on phones and never less than 12 px; add <meta name=viewport content="width=device-width, initial-scale=1">.'
    help_url = "https://developer.chrome.com/docs/lighthouse/seo/font-size"
    Options = LegibleTextOptions

    def evaluate(self, subject: StepSubject, options: LegibleTextOptions) -> Iterable[Result]:
        layout = _layout(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        text = layout.get("text") or {}
        scale = float((layout.get("viewport") or {}).get("scale") or 1)
        total = sum(chars for _, chars in text.get("histogram") or [])
        if not total:
            yield Result(status=Status.NOT_APPLICABLE, message="no text")
            return
        small = sum(
            chars for size, chars in text.get("histogram") or [] if size * scale < options.min_px
        )
        share = small / total
        summary = f"{share:.0%} of the text is smaller than {options.min_px:g} px as shown"
        if scale < 1:
            summary += f" (the page is shrunk to {scale:.0%})"
        if share <= options.max_small_share:
            yield Result(status=Status.PASS, message=summary)
            return
        samples = [
            s for s in text.get("small") or [] if float(s.get("size", 0)) * scale < options.min_px
        ]
        yield Result(
            status=Status.FAIL,
            message=summary,
            evidence=tuple(
                element(s, size=f"{float(s.get('size', 0)) * scale:.1f} px", text=s.get("text"))
                for s in samples
            ),
            identity="legible-text",
        )


class HorizontalScrollOptions(CheckOptions):
    tolerance_px: float = Field(
        default=2, ge=0, description="Extra width ignored (rounding, scroll bars)."
    )


@register
class HorizontalScroll(Check):
    """The page fits the width of the screen.

    When content is wider than the viewport the page slides sideways under
    the customer's thumb, text runs off the edge and half a table or button
    is out of sight. The check compares the document's width with the
    viewport's on every channel and names the elements that stick out
    (WCAG 1.4.10 Reflow).
    """

    code = "CX-USE-004"
    slug = "horizontal-scroll"
    title = "Page fits the screen width"
    failure_title = "Page is wider than the screen and scrolls sideways"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("layout",)
    advice = "Let wide elements shrink (max-width: 100%), wrap their text, or scroll inside their own container (overflow-x: auto)."
    help_url = "https://www.w3.org/WAI/WCAG22/Understanding/reflow.html"
    Options = HorizontalScrollOptions

    def evaluate(self, subject: StepSubject, options: HorizontalScrollOptions) -> Iterable[Result]:
        doc = _layout(subject).get("document") or {}
        width, viewport = doc.get("scroll_width"), doc.get("client_width")
        if not width or not viewport:
            yield Result(status=Status.NOT_APPLICABLE, message="page width not measured")
            return
        extra = float(width) - float(viewport)
        if extra <= options.tolerance_px:
            yield Result(status=Status.PASS)
            return
        clipped = any(v in ("hidden", "clip") for v in doc.get("overflow_x") or [])
        what = "is cut off at" if clipped else "scrolls sideways past"
        offenders = doc.get("offenders") or []
        yield Result(
            status=Status.FAIL,
            message=f"the page is {width} px wide and {what} the {viewport} px screen"
            + (f"; widest: {offenders[0].get('selector')}" if offenders else ""),
            evidence=tuple(element(o, width=(o.get("box") or {}).get("width")) for o in offenders),
            identity="horizontal-scroll",
        )


class ViewportMetaOptions(CheckOptions):
    min_maximum_scale: float = Field(
        default=2, gt=0, description="Smallest maximum-scale that still lets customers zoom."
    )
    touch_only: bool = Field(default=True, description="Only check touch channels.")


def parse_viewport(content: str) -> dict[str, str]:
    """``width=device-width, initial-scale=1`` -> ``{"width": "device-width", ...}``."""
    out = {}
    for item in re.split(r"[,;]", content):
        key, _, value = item.partition("=")
        if key.strip():
            out[key.strip().lower()] = value.strip().lower()
    return out


@register
class ViewportMeta(Check):
    """Phones show the page at their own width and let customers zoom.

    Without ``<meta name="viewport" content="width=device-width">`` a phone
    lays the page out 980 px wide and shrinks it: everything is tiny. A
    viewport that forbids zooming (``user-scalable=no``, a low
    ``maximum-scale``) stops customers with poor sight from enlarging a
    price or the small print (WCAG 1.4.4 Resize Text).
    """

    code = "CX-USE-005"
    slug = "viewport-meta"
    act_rules = ("b4f0c3",)
    title = "Viewport is set for phones and allows zoom"
    failure_title = "Viewport meta tag is missing or blocks zoom"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("layout",)
    advice = 'Use <meta name="viewport" content="width=device-width, initial-scale=1"> and nothing that limits zoom.'
    help_url = "https://developer.mozilla.org/en-US/docs/Web/HTML/Viewport_meta_tag"
    Options = ViewportMetaOptions
    overlaps_axe = ("meta-viewport",)

    def evaluate(self, subject: StepSubject, options: ViewportMetaOptions) -> Iterable[Result]:
        layout = _layout(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        content = layout.get("viewport_meta")
        problems = []
        # Blocked zoom is what axe's meta-viewport judges, on the page's one viewport meta.
        zoom_rule = next(
            (
                rule
                for rule in self.overlaps_axe
                if any(
                    str(seen.html or "").lower().startswith("<meta")
                    for seen in subject.axe_failures.get(rule, ())
                )
            ),
            None,
        )
        if content is None:
            problems.append("the page has no viewport meta tag, so phones shrink it to fit")
        else:
            values = parse_viewport(content)
            if values.get("width") != "device-width":
                problems.append(f"width is '{values.get('width', '')}', not device-width")
            if zoom_rule is None and values.get("user-scalable") in ("no", "0"):
                problems.append("user-scalable=no blocks zoom")
            try:
                maximum = float(values.get("maximum-scale", "10"))
            except ValueError:
                maximum = 10.0
            if zoom_rule is None and maximum < options.min_maximum_scale:
                problems.append(f"maximum-scale={maximum:g} limits zoom")
        if not problems:
            if zoom_rule is not None:
                yield Result(
                    status=Status.NOT_APPLICABLE,
                    message=f"blocked zoom is reported by axe rule '{zoom_rule}'",
                )
            else:
                yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message="; ".join(problems),
            evidence=(Evidence(selector='meta[name="viewport"]', values={"content": content}),),
            identity="viewport-meta",
        )


@register
class FieldName(Check):
    """Every form field says what it is for.

    A field with no label, no ``aria-label`` and not even a placeholder is a
    blank box: customers guess, screen readers say only "edit text". This
    check names fields with no accessible name at all (WCAG 4.1.2, 1.3.1).
    A field axe-core already reported on the step (``label``,
    ``select-name``, ``aria-input-field-name``) is that finding's, not
    charged again here.
    """

    code = "CX-USE-006"
    slug = "field-name"
    act_rules = ("e086e5",)
    title = "Form fields have a name"
    failure_title = "Form fields have no name"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = (
        'Add a <label for="..."> to each field (or aria-label where a visible label is impossible).'
    )
    help_url = "https://www.w3.org/WAI/tutorials/forms/labels/"
    overlaps_axe = ("label", "select-name", "aria-input-field-name")

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        found = fields(subject)
        if not found:
            yield Result(status=Status.NOT_APPLICABLE, message="no form fields")
            return
        bad, covered = uncovered(self, subject, [f for f in found if not f.get("name")])
        if not bad:
            if covered:
                yield Result(
                    status=Status.NOT_APPLICABLE,
                    message=f"fields without a name: {covered_note(covered)}",
                )
            else:
                yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} field(s) without any name: " + quoted(bad, "selector"),
            evidence=tuple(element(f, type=f.get("type"), field=f.get("name_attr")) for f in bad),
            identity="field-name",
        )


@dataclass(frozen=True)
class Purpose:
    """What a field asks for, and how the HTML should say so.

    ``pattern`` is matched against the field's name, id, label and
    placeholder. ``keyboards`` are the acceptable ``type`` or
    ``inputmode`` values (any of them will do; empty: no special keyboard);
    ``tokens`` the acceptable autocomplete tokens (empty: none expected).
    """

    name: str
    pattern: str
    keyboards: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()


#: First match wins: "email address" is an email, not an address.
PURPOSES = (
    Purpose("email", r"e-?mail", ("email",), ("email",)),
    Purpose("phone", r"phone|\btel\b|mobile", ("tel",), ("tel", "tel-national", "tel-local")),
    Purpose(
        "card number",
        r"card.?(number|num|no\b)|cc-?num|credit.?card",
        ("numeric", "tel"),
        ("cc-number",),
    ),
    Purpose(
        "card security code",
        r"\bcvc|\bcvv|\bcsc\b|security.?code|cc-csc",
        ("numeric", "tel"),
        ("cc-csc",),
    ),
    Purpose("card expiry", r"expir|\bcc-exp|mm\s*/\s*yy", (), ("cc-exp",)),
    Purpose("name on card", r"name on card|card.?holder|cc-name", (), ("cc-name",)),
    Purpose("postcode", r"post.?code|postal|\bzip\b", (), ("postal-code",)),
    Purpose("first name", r"first.?name|given.?name|fore.?name", (), ("given-name",)),
    Purpose("last name", r"last.?name|surname|family.?name", (), ("family-name",)),
    Purpose("name", r"^(your |full |full_|full-)?name$", (), ("name", "given-name", "nickname")),
    Purpose("address", r"address|street", (), ("street-address", "address-line1")),
    Purpose("city", r"\bcity\b|\btown\b|address-level2", (), ("address-level2",)),
    Purpose("country", r"\bcountry\b", (), ("country", "country-name")),
    Purpose("quantity", r"quantity|\bqty\b", ("number", "numeric", "decimal"), ()),
)


#: Input types that already bring their own keyboard or picker.
NO_PURPOSE_TYPES = frozenset(
    {"checkbox", "radio", "file", "range", "color", "date", "search", "password", "hidden"}
)


def field_purpose(field: Mapping[str, Any]) -> Purpose | None:
    """The purpose of a text-like field, from the words around it.

    An autocomplete token the page already gives settles it; otherwise hints
    are tried from the most precise (the field's name and id) to the label
    and placeholder, so that "Quantity for City Sneaker" named ``quantity``
    is a quantity, not a city.
    """
    if field.get("tag") == "select" or field.get("type") in NO_PURPOSE_TYPES:
        return None
    token = autocomplete_token(str(field.get("autocomplete") or ""))
    for purpose in PURPOSES:
        if token in purpose.tokens:
            return purpose
    for key in ("name_attr", "id", "label", "name", "placeholder"):
        hint = str(field.get(key) or "").strip().lower()
        if not hint:
            continue
        for purpose in PURPOSES:
            if re.search(purpose.pattern, hint):
                return purpose
    return None


#: The autofill field names of the HTML standard ("Autofill detail tokens").
AUTOFILL_FIELDS = frozenset(
    [
        "name",
        "honorific-prefix",
        "given-name",
        "additional-name",
        "family-name",
        "honorific-suffix",
        "nickname",
        "username",
        "new-password",
        "current-password",
        "one-time-code",
        "organization-title",
        "organization",
        "street-address",
        "address-line1",
        "address-line2",
        "address-line3",
        "address-level4",
        "address-level3",
        "address-level2",
        "address-level1",
        "country",
        "country-name",
        "postal-code",
        "cc-name",
        "cc-given-name",
        "cc-additional-name",
        "cc-family-name",
        "cc-number",
        "cc-exp",
        "cc-exp-month",
        "cc-exp-year",
        "cc-csc",
        "cc-type",
        "transaction-currency",
        "transaction-amount",
        "language",
        "bday",
        "bday-day",
        "bday-month",
        "bday-year",
        "sex",
        "url",
        "photo",
    ]
)
#: Field names a contact token (``work``, ``mobile``...) may stand before.
AUTOFILL_CONTACT_FIELDS = frozenset(
    [
        "tel",
        "tel-country-code",
        "tel-national",
        "tel-area-code",
        "tel-local",
        "tel-local-prefix",
        "tel-local-suffix",
        "tel-extension",
        "email",
        "impp",
    ]
)
AUTOFILL_CONTACTS = frozenset({"home", "work", "mobile", "fax", "pager"})


def autocomplete_token(value: str) -> str:
    """The field-name token of a valid autocomplete value (``shipping postal-code`` -> ``postal-code``).

    The value must follow the HTML standard's order, or the browser ignores
    it and the purpose is not identified (WCAG 1.3.5, ACT 73f2c2): an
    optional ``section-*``, an optional ``shipping`` or ``billing``, an
    optional ``home``/``work``/``mobile``/``fax``/``pager`` only before a
    telephone, email or impp field, the one field name, then an optional
    ``webauthn``. Anything else ("work shipping email", "work photo",
    "email invalid") gives no token.
    """
    words = value.casefold().split()
    if words and words[-1] == "webauthn":
        words = words[:-1]
    if words and words[0].startswith("section-"):
        words = words[1:]
    if words and words[0] in ("shipping", "billing"):
        words = words[1:]
    if len(words) == 2 and words[0] in AUTOFILL_CONTACTS and words[1] in AUTOFILL_CONTACT_FIELDS:
        words = words[1:]
    if len(words) == 1 and words[0] in AUTOFILL_FIELDS | AUTOFILL_CONTACT_FIELDS:
        return words[0]
    return ""


#: A label asking for someone else's details ("Friend's first name"): WCAG
#: 1.3.5 asks autocomplete only of what the customer gives about themself.
OTHER_PERSON = re.compile(
    r"\b(friend|partner|spouse|husband|wife|child|son|daughter|colleague|referee|guest)(?:'s|s'|\u2019s)"
    r"|\bemergency contact\b",
    re.I,
)


class InputTypeOptions(CheckOptions):
    require_autocomplete: bool = Field(
        default=True,
        description="Fields for the customer's own details need their autocomplete token (WCAG 1.3.5).",
    )


@register
class InputType(Check):
    """Fields ask for the right keyboard and let the browser fill them in.

    On a phone, an email field that is ``type="text"`` hides the @ key, a
    card number field without ``inputmode="numeric"`` shows letters, and
    fields without ``autocomplete`` tokens (``email``, ``name``,
    ``postal-code``, ``cc-number``) make customers type their address by
    hand on a glass keyboard: slow, error-prone, and a reason to give up
    at checkout (WCAG 1.3.5 Identify Input Purpose). The check recognises
    email, phone, card, name, address, postcode, city, country and quantity
    fields by their label, name and id. A field with the valid autocomplete
    token of its purpose (``type="text" autocomplete="email"``) passes: the
    browser fills it in, so its keyboard is not charged. A value out of the
    HTML standard's order (``work shipping email``, ``email invalid``) names
    no purpose: the browser ignores it, and it counts as none (ACT 73f2c2).
    A field for someone else's details ("Friend's first name") needs no
    token: 1.3.5 is about what customers give about themselves.
    """

    code = "CX-USE-007"
    slug = "input-type"
    act_rules = ("73f2c2",)
    title = "Fields use the right keyboard and autofill"
    failure_title = "Fields use the wrong keyboard or block autofill"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("forms",)
    advice = 'Use type="email"/"tel", inputmode="numeric" for card numbers and codes, and autocomplete tokens (email, name, street-address, postal-code, cc-number).'
    help_url = "https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofilling-form-controls:-the-autocomplete-attribute"
    Options = InputTypeOptions

    def evaluate(self, subject: StepSubject, options: InputTypeOptions) -> Iterable[Result]:
        recognised = [(f, p) for f in fields(subject) if (p := field_purpose(f)) is not None]
        if not recognised:
            yield Result(status=Status.NOT_APPLICABLE, message="no field with a known purpose")
            return
        bad: list[tuple[dict[str, Any], Purpose, list[str]]] = []
        for field, purpose in recognised:
            problems = []
            token = autocomplete_token(str(field.get("autocomplete") or ""))
            # A valid autocomplete token identifies the purpose (WCAG 1.3.5) and lets the
            # browser fill the field: the keyboard then matters little, and is not charged.
            filled = bool(purpose.tokens) and token in purpose.tokens
            if (
                purpose.keyboards
                and not filled
                and not ({field.get("type"), field.get("inputmode")} & set(purpose.keyboards))
            ):
                shown = field.get("inputmode") or field.get("type") or "text"
                problems.append(f"keyboard '{shown}', expected {' or '.join(purpose.keyboards)}")
            theirs = OTHER_PERSON.search(str(field.get("label") or field.get("name") or ""))
            if (
                purpose.tokens
                and options.require_autocomplete
                and token not in purpose.tokens
                and not theirs
            ):
                written = str(field.get("autocomplete") or "")
                found = (
                    f"autocomplete '{token}'"
                    if token
                    else f"autocomplete '{written}' is not a valid value"
                    if written and written not in ("on", "off")
                    else "no autocomplete"
                )
                problems.append(f"{found}, expected {purpose.tokens[0]}")
            if problems:
                bad.append((field, purpose, problems))
        if not bad:
            yield Result(status=Status.PASS, message=f"{len(recognised)} field(s) checked")
            return
        first, purpose, problems = bad[0]
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} of {len(recognised)} field(s) with a known purpose lack the right "
            f"type or autocomplete; {purpose.name} field '{first.get('name') or first.get('selector')}': "
            + "; ".join(problems),
            evidence=tuple(
                element(
                    f,
                    purpose=p.name,
                    problems=probs,
                    type=f.get("type"),
                    inputmode=f.get("inputmode"),
                    autocomplete=f.get("autocomplete"),
                )
                for f, p, probs in bad
            ),
            identity="input-type",
        )


class RequiredMarkedOptions(CheckOptions):
    min_fields: int = Field(
        default=2,
        ge=1,
        description="Forms with fewer fields to type in are not checked (a search box).",
    )


#: Inputs that are chosen, not typed in: filters, toggles, pickers.
CHOICE_TYPES = frozenset({"checkbox", "radio", "range", "color", "file", "search"})


def entry_field(field: Mapping[str, Any]) -> bool:
    """A field the customer types into (not a checkbox, a radio, a select or a search box)."""
    if field.get("tag") == "textarea":
        return True
    return field.get("tag") == "input" and field.get("type") not in CHOICE_TYPES


def _marked(field: Mapping[str, Any]) -> bool:
    return bool(
        field.get("required")
        or field.get("aria_required")
        or field.get("label_marker") in ("required", "optional")
    )


@register
class RequiredMarked(Check):
    """Forms say which fields must be filled in.

    When nothing marks the required fields (no asterisk, no "required", no
    "optional" on the others, no ``required`` attribute), customers learn
    the rules by failing: they submit, read a list of errors, and try again.
    A form passes when it has a note such as "All fields are required", or
    when any of its fields is marked required or optional (then the others
    are understood to be the other kind). It looks at forms the customer
    fills in and submits (checkout, address, sign-up): those with at least
    ``min_fields`` fields to type in. Controls are not such forms: a search
    form, filter checkboxes, a sort select.
    """

    code = "CX-USE-008"
    slug = "required-marked"
    title = "Required fields are marked"
    failure_title = "Required fields are not marked"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("forms",)
    advice = 'Mark required fields (an asterisk explained at the top, or "(optional)" on the others) and add the required attribute.'
    help_url = "https://www.w3.org/WAI/tutorials/forms/instructions/"
    Options = RequiredMarkedOptions

    def evaluate(self, subject: StepSubject, options: RequiredMarkedOptions) -> Iterable[Result]:
        found = fields(subject)
        forms = {f.get("index"): f for f in part(subject, "forms").get("forms") or []}
        groups: dict[int, list[dict[str, Any]]] = {}
        for f in found:
            groups.setdefault(int(f.get("form", -1)), []).append(f)
        checked = {
            k: v
            for k, v in groups.items()
            if not (forms.get(k) or {}).get("search")
            and sum(entry_field(f) for f in v) >= options.min_fields
        }
        if not checked:
            yield Result(
                status=Status.NOT_APPLICABLE, message="no form with several fields to fill in"
            )
            return
        unmarked = [
            (index, group)
            for index, group in sorted(checked.items())
            if not (forms.get(index) or {}).get("note") and not any(_marked(f) for f in group)
        ]
        if not unmarked:
            yield Result(status=Status.PASS)
            return
        evidence: list[Evidence] = []
        for index, group in unmarked:
            names = [f.get("name") or f.get("selector") for f in group]
            if index in forms:  # the form itself; fields outside any form one by one
                evidence.append(element(forms[index], fields=names))
            else:
                evidence.extend(element(f, name=f.get("name")) for f in group)
        group = unmarked[0][1]
        yield Result(
            status=Status.FAIL,
            message=f"none of the {len(group)} fields of the form says whether it is required: "
            + quoted(group),
            evidence=tuple(evidence),
            identity="required-marked",
        )


@register
class ErrorPlacement(Check):
    """After a failed submit, each field in error shows its message beside it.

    A form that only says "There is a problem" at the top, or marks a field
    invalid without saying why, sends customers hunting through the form for
    what to fix. The check reads the fields in error (``aria-invalid``, or
    linked from an error summary) and fails those with no message next to
    them or tied to them (WCAG 3.3.1 Error Identification, 3.3.3 Error
    Suggestion).
    """

    code = "CX-USE-009"
    slug = "error-placement"
    title = "Errors are shown next to their fields"
    failure_title = "Errors are not shown next to their fields"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = 'Put each field\'s message right above or below it, saying what to do ("Enter an email address like name@example.com").'
    help_url = "https://www.w3.org/WAI/tutorials/forms/notifications/"

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        flagged = [
            f for f in fields(subject) if f.get("aria_invalid") == "true" or f.get("flagged")
        ]
        if not flagged:
            yield Result(status=Status.NOT_APPLICABLE, message="no field is marked in error")
            return
        bad = [f for f in flagged if not f.get("error")]
        if not bad:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} field(s) in error have no message beside them: " + quoted(bad),
            evidence=tuple(element(f, name=f.get("name")) for f in bad),
            identity="error-placement",
        )


@register
class BrokenImages(Check):
    """Every image on the page shows.

    A broken product photo or logo is an empty frame where the customer
    expected to see what they are buying; it reads as a broken shop.
    The check lists images whose file loaded as nothing (missing, or not a
    picture the browser can show).
    """

    code = "CX-USE-012"
    slug = "broken-images"
    title = "All images show"
    failure_title = "Images are broken"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("layout",)
    advice = "Fix the image addresses (or files) listed; check the failed requests of the step."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        images = _layout(subject).get("images") or {}
        if not images.get("total"):
            yield Result(status=Status.NOT_APPLICABLE, message="no images")
            return
        ours = blocked_on_email_view(subject.step)
        broken = [b for b in images.get("broken") or [] if b.get("src") not in ours]
        if not broken:
            yield Result(status=Status.PASS, message=f"{images.get('total')} image(s) shown")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(broken)} of {images.get('total')} image(s) do not show; first {broken[0].get('src')}",
            evidence=tuple(element(b, src=b.get("src"), alt=b.get("alt")) for b in broken),
            identity="broken-images",
        )


class OverlayOptions(CheckOptions):
    max_share: float = Field(
        default=0.33,
        gt=0,
        le=1,
        description="Largest share of the screen a fixed layer may cover.",
    )
    touch_only: bool = Field(default=True, description="Only check touch channels.")


@register
class OverlayCoverage(Check):
    """Banners and pop-ups leave the page usable on a phone.

    A cookie banner, newsletter pop-up or app advert that covers more than a
    third of a phone's screen hides the product and the buttons under it;
    customers must find the close button first, and many leave instead.
    The check measures fixed and sticky layers on top of the page.
    """

    code = "CX-USE-013"
    slug = "overlay-coverage"
    title = "No overlay covers much of the screen"
    failure_title = "An overlay covers much of the screen"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("layout",)
    advice = "Keep banners to a strip at the bottom of the screen, and never put a pop-up over the page a customer just asked for."
    Options = OverlayOptions

    def evaluate(self, subject: StepSubject, options: OverlayOptions) -> Iterable[Result]:
        layout = _layout(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        big = [
            o for o in layout.get("overlays") or [] if float(o.get("share", 0)) > options.max_share
        ]
        if not big:
            yield Result(status=Status.PASS)
            return
        top = big[0]
        yield Result(
            status=Status.FAIL,
            message=f"a {top.get('position')} layer covers {float(top.get('share', 0)):.0%} of the screen"
            + (f': "{top.get("text")}"' if top.get("text") else ""),
            evidence=tuple(
                element(o, share=f"{float(o.get('share', 0)):.0%}", text=o.get("text")) for o in big
            ),
            identity="overlay-coverage",
        )


#: Steps that are the customer doing something (the rest check or wait).
CUSTOMER_ACTIONS = frozenset(
    {"click", "fill", "select", "press", "check", "uncheck", "upload", "hover", "type"}
)
#: Actions that fill in a field.
FIELD_ACTIONS = frozenset({"fill", "select", "check", "uncheck", "upload", "type"})


@dataclass(frozen=True)
class Effort:
    """What a stretch of a journey asked of the customer."""

    steps: int = 0
    actions: int = 0
    clicks: int = 0
    fields: int = 0
    pages: int = 0

    def describe(self) -> str:
        return (
            f"{self.actions} action{'s' if self.actions != 1 else ''} "
            f"({self.clicks} click{'s' if self.clicks != 1 else ''}) and "
            f"{self.fields} field{'s' if self.fields != 1 else ''} over "
            f"{self.pages} page{'s' if self.pages != 1 else ''}, in {self.steps} steps"
        )


def measure_effort(steps: Iterable[StepResult], pages_at: set[int] | None = None) -> Effort:
    """Count a customer's actions, clicks, fields and pages over ``steps`` that ran.

    ``pages_at`` are the steps that showed a new page, worked out over the whole
    journey (:func:`cxaudit.analysis.metrics.new_pages`: a loaded document or a router's
    new address), so a stage's first page counts even when reached in place.
    """
    steps = list(steps)
    pages_at = new_pages(steps) if pages_at is None else pages_at
    ran = [s for s in steps if s.status != "skipped"]
    fields_filled = {s.name for s in ran if s.action in FIELD_ACTIONS}
    pages = sum(1 for s in ran if s.index in pages_at)
    return Effort(
        steps=len(ran),
        actions=sum(1 for s in ran if s.action in CUSTOMER_ACTIONS),
        clicks=sum(1 for s in ran if s.action == "click"),
        fields=len(fields_filled),
        pages=pages,
    )


@register
class JourneyEffort(Check):
    """How much work each stage of the journey asks of the customer.

    Every click, field and page between "add to cart" and "order placed" is a
    chance to give up. This check counts, per stage and for the whole
    journey, the customer's actions (of which clicks), the fields they fill
    and the pages they see (a page loaded, or a single-page app's router
    showing another address), so runs and channels can be compared
    ("purchase: 9 actions and 6 fields over 3 pages"). It is informative: it
    has no weight in any score.
    """

    code = "CX-USE-014"
    slug = "journey-effort"
    title = "Customer effort per stage"
    failure_title = "Customer effort per stage"
    category = "usability"
    weight = 0.0
    severity = "info"
    scope = "journey"

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        stages = run.stages or sorted({s.stage for s in run.steps})
        pages_at = new_pages(run.steps)
        for stage in stages:
            effort = measure_effort((s for s in run.steps if s.stage == stage), pages_at)
            if not effort.steps:
                continue
            yield Result(
                status=Status.INFORMATIVE,
                rule=f"stage:{stage}",
                title=f"Effort in {stage}",
                message=f"{stage}: {effort.describe()}",
                stage=stage,
                weight=0.0,
                severity="info",
                evidence=(Evidence(values={"stage": stage, **effort.__dict__}),),
                identity=f"stage:{stage}",
            )
        total = measure_effort(run.steps, pages_at)
        yield Result(
            status=Status.INFORMATIVE,
            rule="journey",
            title="Effort over the journey",
            message=f"whole journey: {total.describe()}",
            weight=0.0,
            severity="info",
            evidence=(Evidence(values={"stage": "", **total.__dict__}),),
            identity="journey",
        )
