"""Usability checks of the page as drawn: can the customer see, tap and read it?

They read the ``layout`` snapshot field (see :mod:`cxaudit.gather.layout`);
checks that matter on phones look at ``layout.touch`` (the channel has a
finger for a pointer) and do not apply elsewhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field

from cxaudit.artifacts import Box, Element, Layout, TapTarget
from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.checks.elements import (
    CheckOptions,
    axe_covered,
    covered_note,
    element,
    layout_of,
    quoted,
)
from cxaudit.checks.page_errors import blocked_on_email_view
from cxaudit.results import Evidence


def _touch_only(layout: Layout, touch_only: bool) -> Result | None:
    """NOT_APPLICABLE for a phone-only check on a channel without touch."""
    if touch_only and not layout.touch:
        return Result(status=Status.NOT_APPLICABLE, message="not a touch channel")
    return None


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float

    @classmethod
    def of(cls, item: Element) -> _Box:
        b = item.box or Box()
        return cls(b.x, b.y, b.width, b.height)

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
        layout = layout_of(subject)
        targets = layout.targets
        if not targets:
            yield Result(status=Status.NOT_APPLICABLE, message="no tap targets")
            return
        boxes = [_Box.of(t) for t in targets]
        exempt = {i for i, t in enumerate(targets) if t.inline or t.labelled}
        undersized = {
            i
            for i, b in enumerate(boxes)
            if i not in exempt and (b.width < options.min_px or b.height < options.min_px)
        }
        failing: list[tuple[int, int]] = []
        covered: dict[str, list[TapTarget]] = {}
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
                        name=targets[i].name,
                        size=f"{boxes[i].width:g} x {boxes[i].height:g} px",
                        too_close_to=targets[o].selector,
                    )
                    for i, o in failing
                ),
                identity="target-size-minimum",
            )
        else:
            yield Result(status=Status.PASS, rule="target-size-minimum")
        if not layout.touch:
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
                    name=targets[i].name,
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
        layout = layout_of(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        text = layout.text
        scale = float(layout.viewport.scale or 1)
        total = sum(chars for _, chars in text.histogram)
        if not total:
            yield Result(status=Status.NOT_APPLICABLE, message="no text")
            return
        small = sum(chars for size, chars in text.histogram if size * scale < options.min_px)
        share = small / total
        summary = f"{share:.0%} of the text is smaller than {options.min_px:g} px as shown"
        if scale < 1:
            summary += f" (the page is shrunk to {scale:.0%})"
        if share <= options.max_small_share:
            yield Result(status=Status.PASS, message=summary)
            return
        samples = [s for s in text.small if s.size * scale < options.min_px]
        yield Result(
            status=Status.FAIL,
            message=summary,
            evidence=tuple(
                element(s, size=f"{s.size * scale:.1f} px", text=s.text) for s in samples
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
        doc = layout_of(subject).document
        width, viewport = doc.scroll_width, doc.client_width
        if not width or not viewport:
            yield Result(status=Status.NOT_APPLICABLE, message="page width not measured")
            return
        extra = float(width) - float(viewport)
        if extra <= options.tolerance_px:
            yield Result(status=Status.PASS)
            return
        clipped = any(v in ("hidden", "clip") for v in doc.overflow_x)
        what = "is cut off at" if clipped else "scrolls sideways past"
        offenders = doc.offenders
        yield Result(
            status=Status.FAIL,
            message=f"the page is {width} px wide and {what} the {viewport} px screen"
            + (f"; widest: {offenders[0].selector}" if offenders else ""),
            evidence=tuple(element(o, width=o.box.width if o.box else None) for o in offenders),
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
        layout = layout_of(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        content = layout.viewport_meta
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
        images = layout_of(subject).images
        if not images.total:
            yield Result(status=Status.NOT_APPLICABLE, message="no images")
            return
        ours = blocked_on_email_view(subject.step)
        broken = [b for b in images.broken if b.src not in ours]
        if not broken:
            yield Result(status=Status.PASS, message=f"{images.total} image(s) shown")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(broken)} of {images.total} image(s) do not show; first {broken[0].src}",
            evidence=tuple(element(b, src=b.src, alt=b.alt) for b in broken),
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
        layout = layout_of(subject)
        skip = _touch_only(layout, options.touch_only)
        if skip:
            yield skip
            return
        big = [o for o in layout.overlays if o.share > options.max_share]
        if not big:
            yield Result(status=Status.PASS)
            return
        top = big[0]
        yield Result(
            status=Status.FAIL,
            message=f"a {top.position} layer covers {top.share:.0%} of the screen"
            + (f': "{top.text}"' if top.text else ""),
            evidence=tuple(element(o, share=f"{o.share:.0%}", text=o.text) for o in big),
            identity="overlay-coverage",
        )
