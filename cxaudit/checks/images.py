"""Checks of the pictures a shop shows for its products (``content.images``).

Read from :mod:`cxaudit.gather.content`: each picture of a named thing on an
audited page (a product card's image and the card's link or heading, a
product page's main image and its h1).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pydantic import Field

from cxaudit.checks.base import Check, JourneySubject, Result, Status, register
from cxaudit.checks.elements import CheckOptions
from cxaudit.results import Evidence


class DistinctImagesOptions(CheckOptions):
    min_products: int = Field(
        default=3,
        ge=2,
        description="Distinct products showing one image file that make a finding.",
    )


@dataclass
class _Shared:
    """One image file and the distinct products shown with it."""

    src: str
    names: dict[str, str] = field(default_factory=dict)  # casefolded -> as shown
    steps: list[int] = field(default_factory=list)


@register
class DistinctProductImages(Check):
    """Different products show different pictures.

    When three or more different products (by their names: the card's link
    or heading, a product page's heading) show the same image file, on one
    listing or across the product pages of a journey, the customer cannot
    tell them apart by looking, and usually sees a placeholder or a picture
    of another product: a catalogue or image-pipeline fault that a
    screenshot of one page does not show. Images are compared by the
    address the browser shows (``currentSrc``); the bytes are not compared,
    so one picture served under several addresses is not found. Icons
    (smaller than 64 px), lazy-loading placeholders (``data:`` addresses,
    or nothing decoded yet) and images of nothing named are left out.
    """

    code = "CX-USE-021"
    slug = "distinct-product-images"
    title = "Different products show different images"
    failure_title = "Different products show the same image"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    scope = "journey"
    Options = DistinctImagesOptions
    advice = (
        "Give each product its own picture in the catalogue, and check the image "
        "addresses the listing and product templates build."
    )

    def evaluate(self, subject: JourneySubject, options: DistinctImagesOptions) -> Iterable[Result]:
        shared: dict[str, _Shared] = {}
        seen_any = False
        for step in subject.run.steps:
            snapshot = step.snapshot
            if snapshot is None or not snapshot.audited or snapshot.content is None:
                continue
            for image in snapshot.content.images:
                seen_any = True
                entry = shared.setdefault(image.src, _Shared(image.src))
                entry.names.setdefault(image.name.casefold(), image.name)
                if step.index not in entry.steps:
                    entry.steps.append(step.index)
        if not seen_any:
            yield Result(status=Status.NOT_APPLICABLE, message="no product images read")
            return
        failing = [e for e in shared.values() if len(e.names) >= options.min_products]
        if not failing:
            yield Result(status=Status.PASS)
            return
        for entry in failing:
            names = list(entry.names.values())
            shown = ", ".join(f"“{n}”" for n in names[:5]) + (", ..." if len(names) > 5 else "")
            where = ", ".join(str(i + 1) for i in entry.steps)
            yield Result(
                status=Status.FAIL,
                message=f"{len(names)} different products show the same image {entry.src} "
                f"({shown}; step{'s' if len(entry.steps) > 1 else ''} {where})",
                evidence=(
                    Evidence(
                        values={"src": entry.src, "products": names[:20], "steps": entry.steps}
                    ),
                ),
                step=entry.steps[0],
                stage=next((s.stage for s in subject.run.steps if s.index == entry.steps[0]), None),
                identity=f"image:{entry.src}",
            )
