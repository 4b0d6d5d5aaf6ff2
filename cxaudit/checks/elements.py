"""Helpers for checks that read what cxaudit's own gatherers recorded.

The ``layout``, ``forms`` and ``keyboard`` snapshot fields describe elements
the same way (``selector``, ``box``, ``html``); these turn them into evidence
and read the fields tolerantly, since results files come from disk.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict

from cxaudit.checks.base import StepSubject
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
