"""Imports every built-in check module so their checks register."""

from __future__ import annotations

from cxaudit.checks import (  # noqa: F401
    accessibility,
    consistency,
    expectations,
    performance,
    trust,
    usability,
)
