"""Checks: pure functions from snapshots to results, in one registry."""

from __future__ import annotations

from cxaudit.checks.base import (
    CATEGORIES,
    REGISTRY,
    Check,
    JourneySubject,
    Result,
    Status,
    StepSubject,
    all_checks,
    register,
)

__all__ = [
    "CATEGORIES",
    "REGISTRY",
    "Check",
    "JourneySubject",
    "Result",
    "Status",
    "StepSubject",
    "all_checks",
    "register",
]
