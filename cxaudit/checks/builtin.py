"""Imports every built-in check module so their checks register."""

from __future__ import annotations

from cxaudit.checks import (  # noqa: F401
    accessibility,
    consent,
    consistency,
    email,
    expectations,
    forms,
    images,
    journey,
    layout,
    page_errors,
    performance,
    pricing,
    trust,
    visual_change,
    wording,
)
