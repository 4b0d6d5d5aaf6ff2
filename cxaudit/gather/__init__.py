"""Gatherers: the only code besides the runner that reads from the page.

Each gatherer reads one artifact and returns plain data for the
:class:`~cxaudit.results.Snapshot`. A gatherer that fails does not fail the
step: its error is recorded and the checks that need it report "not measured".
"""

from __future__ import annotations

from cxaudit.gather import content  # noqa: F401  (registers its gatherer)
from cxaudit.gather.recorder import PageRecorder
from cxaudit.gather.snapshot import SnapshotOptions, take_snapshot

__all__ = ["PageRecorder", "SnapshotOptions", "take_snapshot"]
