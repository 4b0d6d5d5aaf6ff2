"""The pages against the baseline run's: what changed on a step's screenshot."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.checks.pages import place
from cxaudit.results import Evidence


class VisualChangeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    moderate_from: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Share of a screenshot's pixels changed from which the finding is "
        "moderate rather than minor.",
    )


def pixel_share(ratio: float) -> str:
    """A share of pixels as a reader reads it: ``12 %``, ``0.35 %``, ``0.004 %``."""
    percent = 100 * ratio
    return f"{percent:.0f} %" if percent >= 10 else f"{percent:.2g} %"


@register
class VisualChange(Check):
    """Each page looks as it did in the baseline run, but for what was meant to change.

    A page that looks different from the last release without anyone having
    meant it (a style sheet that no longer loads, a banner over the basket,
    a button pushed off the screen) is met by every customer, and no other
    check needs to understand it to see it. With ``--baseline``, each
    audited step's screenshot is compared pixel by pixel with the same
    step's in the baseline run (same journey, channel, step number and
    action): the step fails when more than ``visual.threshold`` of its
    pixels changed, each by more than ``visual.tolerance`` of a colour
    channel, so antialiasing and compression noise do not count. The
    finding outlines the changed areas; a person decides whether the change
    was meant. Parts that change by design (clocks, dates, carousels) go
    under ``visual.mask`` and are painted over in every screenshot. Steps
    with nothing to compare with (no such step or no screenshot in the
    baseline, or a picture of another width) are "not compared"; a page
    whose height changed is compared over the common height, the rows only
    one picture has counting as changed, and the change of height is said.
    A mask that covered nothing (a selector the page rejects, or one that
    matches nothing there) is said in the result. Without ``--baseline`` the
    check does not run.
    """

    code = "CX-MSG-011"
    slug = "visual-change"
    title = "The page looks as it did in the baseline run"
    failure_title = "The page looks different from the baseline run"
    category = "consistency"
    weight = 1.0
    severity = "minor"
    Options = VisualChangeOptions
    advice = (
        "Compare the outlined areas with the baseline's picture (linked on the step): fix "
        "the page if the change was not meant; if it was, this run becomes the next "
        "baseline. Add parts that change on every visit to visual.mask."
    )

    def evaluate(self, subject: StepSubject, options: VisualChangeOptions) -> Iterable[Result]:
        visual = subject.step.visual
        if visual is None:
            return
        if visual.status == "not_compared":
            yield Result(status=Status.NOT_APPLICABLE, message=f"not compared: {visual.reason}")
            return
        share = pixel_share(visual.ratio)
        said = "".join(
            f"; {note}" for note in (visual.size_change, *visual.masks_not_applied) if note
        )
        if visual.status == "unchanged":
            message = (
                f"{share} of the screenshot changed (threshold {pixel_share(visual.threshold)})"
            )
            yield Result(status=Status.PASS, message=message + said)
            return
        areas = len(visual.regions) + visual.more_regions
        largest = visual.regions[0] if visual.regions else None
        where = (
            f"; the largest at x {largest.x:.0f}, y {largest.y:.0f} "
            f"({largest.width:.0f} x {largest.height:.0f} px)"
            if largest is not None
            else ""
        )
        yield Result(
            status=Status.FAIL,
            severity="moderate" if visual.ratio >= options.moderate_from else "minor",
            message=f"{share} of the screenshot of {place(subject.run, subject.step)} changed "
            f"since the baseline run {visual.baseline_run} (threshold "
            f"{pixel_share(visual.threshold)}), in {areas} area{'s' if areas != 1 else ''}{where}"
            + said,
            evidence=tuple(
                Evidence(
                    box={"x": r.x, "y": r.y, "width": r.width, "height": r.height},
                    values={"changed area": f"{i + 1} of {areas}"},
                )
                for i, r in enumerate(visual.regions)
            ),
        )
