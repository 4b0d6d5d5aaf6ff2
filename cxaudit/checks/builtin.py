"""Imports every built-in check module so their checks register."""

from __future__ import annotations

from cxaudit.checks import accessibility, consistency, performance, trust, usability  # noqa: F401
