"""Helpers for checks that read what cxaudit's own gatherers recorded.

The ``layout``, ``forms`` and ``keyboard`` snapshot fields describe elements
the same way (``selector``, ``box``, ``html``); these turn them into evidence
and read the fields tolerantly, since results files come from disk.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from cxaudit.checks.base import Check, StepSubject
from cxaudit.results import Evidence


class CheckOptions(BaseModel):
    """Base of the option models of these checks: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def element(item: Mapping[str, Any], **values: Any) -> Evidence:
    """Evidence for one element a gatherer described; empty values are left out."""
    return Evidence(
        selector=item.get("selector") or None,
        html=item.get("html"),
        box=item.get("box"),
        values={k: v for k, v in values.items() if v not in (None, "", [])},
    )


def part(subject: StepSubject, name: str) -> dict[str, Any]:
    """One snapshot field of the step as a dict (empty when it is missing)."""
    snapshot = subject.step.snapshot
    value = getattr(snapshot, name, None) if snapshot is not None else None
    return dict(value) if isinstance(value, Mapping) else {}


def fields(subject: StepSubject) -> list[dict[str, Any]]:
    """The form fields the ``forms`` gatherer found on the step."""
    return [f for f in part(subject, "forms").get("fields") or [] if isinstance(f, Mapping)]


def quoted(items: list[Mapping[str, Any]], key: str = "name", limit: int = 4) -> str:
    """'a', 'b', 'c' and 2 more: names of elements for a message."""
    names = [f"'{i.get(key) or i.get('selector')}'" for i in items[:limit]]
    more = len(items) - limit
    return ", ".join(names) + (f" and {more} more" if more > 0 else "")


_TAG = re.compile(r"^<([a-zA-Z][\w-]*)")
_OPENING = re.compile(r"^<[^>]*>")


def _tag(item: Mapping[str, Any]) -> str:
    found = _TAG.match(str(item.get("html") or ""))
    return (found.group(1) if found else str(item.get("tag") or "")).lower()


def _area(box: Mapping[str, Any] | None) -> bool:
    return bool(box) and float(box.get("width", 0)) * float(box.get("height", 0)) > 0  # type: ignore[union-attr]


def same_element(item: Mapping[str, Any], seen: Evidence) -> bool:
    """Whether an element a gatherer described is the one axe-core reported.

    axe names elements its own way, so the selector alone is not enough: an
    element with the same tag, at the same place and size (both measured in
    page coordinates), is the same; without a box, the same opening HTML.
    """
    if item.get("selector") and item.get("selector") == seen.selector:
        return True
    ours, theirs = _tag(item), _tag({"html": seen.html})
    if not ours or ours != theirs:
        return False
    box = item.get("box")
    if _area(box) and _area(seen.box):
        return all(
            abs(float(box.get(k, 0)) - float((seen.box or {}).get(k, 0))) <= 1  # type: ignore[union-attr]
            for k in ("x", "y", "width", "height")
        )
    a, b = _OPENING.match(str(item.get("html") or "")), _OPENING.match(str(seen.html or ""))
    return bool(a and b) and a.group(0) == b.group(0)  # type: ignore[union-attr]


def axe_covered(check: Check, subject: StepSubject, item: Mapping[str, Any]) -> str | None:
    """The axe rule, among those ``check`` overlaps, already reported failing on ``item``."""
    for rule in check.overlaps_axe:
        if any(same_element(item, seen) for seen in subject.axe_failures.get(rule, ())):
            return rule
    return None


def covered_note(covered: Mapping[str, list[Mapping[str, Any]]]) -> str:
    """'2 reported by axe rule label' for a message."""
    return "; ".join(
        f"{len(items)} reported by axe rule '{rule}'" for rule, items in sorted(covered.items())
    )
