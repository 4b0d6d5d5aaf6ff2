"""Journey files: YAML in, typed and validated :class:`Journey` objects out."""

from __future__ import annotations

from cxaudit.spec.loader import discover_journey_files, load_journey, load_journeys
from cxaudit.spec.model import Journey, Stage, Step

__all__ = ["Journey", "Stage", "Step", "discover_journey_files", "load_journey", "load_journeys"]
