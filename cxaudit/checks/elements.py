"""Helpers for checks that read what cxaudit's own gatherers recorded.

The ``layout``, ``forms`` and ``keyboard`` snapshot fields describe elements
the same way (:class:`cxaudit.artifacts.Element`: ``selector``, ``box``,
``html``); these turn them into evidence, and give a check the artifact of
its step (an empty one when the step has none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from cxaudit.artifacts import AxeResult, Element, FormField, Forms, KeyboardWalk, Layout
from cxaudit.checks.base import Check, StepSubject
from cxaudit.results import Evidence


class CheckOptions(BaseModel):
    """Base of the option models of these checks: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def element(item: Element, **values: Any) -> Evidence:
    """Evidence for one element a gatherer described; empty values are left out."""
    return Evidence(
        selector=item.selector or None,
        html=item.html,
        box=item.box.model_dump() if item.box is not None else None,
        values={k: v for k, v in values.items() if v not in (None, "", [])},
    )


def layout_of(subject: StepSubject) -> Layout:
    """The ``layout`` the step's snapshot holds (an empty one when it has none)."""
    snapshot = subject.step.snapshot
    return (snapshot.layout if snapshot is not None else None) or Layout()


def forms_of(subject: StepSubject) -> Forms:
    """The ``forms`` the step's snapshot holds (empty when it has none)."""
    snapshot = subject.step.snapshot
    return (snapshot.forms if snapshot is not None else None) or Forms()


def keyboard_of(subject: StepSubject) -> KeyboardWalk:
    """The ``keyboard`` walk of the step's snapshot (an empty one when it has none)."""
    snapshot = subject.step.snapshot
    return (snapshot.keyboard if snapshot is not None else None) or KeyboardWalk()


def axe_of(subject: StepSubject) -> AxeResult:
    """axe-core's result on the step (an empty one when it has none)."""
    snapshot = subject.step.snapshot
    return (snapshot.axe if snapshot is not None else None) or AxeResult()


def fields(subject: StepSubject) -> list[FormField]:
    """The form fields the ``forms`` gatherer found on the step."""
    return forms_of(subject).fields


def quoted(items: Sequence[Element], key: str = "name", limit: int = 4) -> str:
    """'a', 'b', 'c' and 2 more: names of elements for a message."""
    names = [f"'{getattr(i, key, '') or i.selector}'" for i in items[:limit]]
    more = len(items) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


_TAG = re.compile(r"^<([a-zA-Z][\w-]*)")
_OPENING = re.compile(r"^<[^>]*>")


def _tag(html: str | None, tag: str = "") -> str:
    found = _TAG.match(html or "")
    return (found.group(1) if found else tag).lower()


def _area(box: Mapping[str, Any] | None) -> bool:
    return bool(box) and float(box.get("width", 0)) * float(box.get("height", 0)) > 0  # type: ignore[union-attr]


def same_element(item: Element, seen: Evidence) -> bool:
    """Whether an element a gatherer described is the one axe-core reported.

    axe names elements its own way, so the selector alone is not enough: an
    element with the same tag, at the same place and size (both measured in
    page coordinates), is the same; without a box, the same opening HTML.
    """
    if item.selector and item.selector == seen.selector:
        return True
    ours, theirs = _tag(item.html, str(getattr(item, "tag", "") or "")), _tag(seen.html)
    if not ours or ours != theirs:
        return False
    box = item.box.model_dump() if item.box is not None else None
    if _area(box) and _area(seen.box):
        return all(
            abs(float(box.get(k, 0)) - float((seen.box or {}).get(k, 0))) <= 1  # type: ignore[union-attr]
            for k in ("x", "y", "width", "height")
        )
    a, b = _OPENING.match(item.html or ""), _OPENING.match(str(seen.html or ""))
    return bool(a and b) and a.group(0) == b.group(0)  # type: ignore[union-attr]


def axe_covered(check: Check, subject: StepSubject, item: Element) -> str | None:
    """The axe rule, among those ``check`` overlaps, already reported failing on ``item``."""
    for rule in check.overlaps_axe:
        if any(same_element(item, seen) for seen in subject.axe_failures.get(rule, ())):
            return rule
    return None


def covered_note(covered: Mapping[str, Sequence[Element]]) -> str:
    """'2 reported by axe rule label' for a message."""
    return "; ".join(
        f"{len(items)} reported by axe rule '{rule}'" for rule, items in sorted(covered.items())
    )
