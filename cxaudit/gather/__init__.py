"""Gatherers: the only code besides the runner that reads from the page.

Each gatherer reads one artifact and returns plain data for the
:class:`~cxaudit.results.Snapshot`. A gatherer that fails does not fail the
step: its error is recorded and the checks that need it report "not measured".
"""

from __future__ import annotations

from cxaudit.gather import content  # noqa: F401  (registers its gatherer)
from cxaudit.gather.recorder import PageRecorder
from cxaudit.gather.snapshot import SnapshotOptions, take_snapshot

# Gatherers register on import, and run in this order; the keyboard walk
# moves focus, so it comes after every gatherer that reads the page as it is.
from cxaudit.gather import forms, layout  # noqa: F401  isort: skip
from cxaudit.gather import keyboard  # noqa: F401  isort: skip

__all__ = ["PageRecorder", "SnapshotOptions", "take_snapshot"]
