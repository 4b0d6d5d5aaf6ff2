"""Journey files: YAML in, typed and validated :class:`Journey` objects out.

Names are imported lazily: the action registry reads
:mod:`cxaudit.spec.variables`, and the loader reads the action registry.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Journey", "Stage", "Step", "discover_journey_files", "load_journey", "load_journeys"]


def __getattr__(name: str) -> Any:
    if name in ("Journey", "Stage", "Step"):
        from cxaudit.spec import model

        return getattr(model, name)
    if name in ("discover_journey_files", "load_journey", "load_journeys"):
        from cxaudit.spec import loader

        return getattr(loader, name)
    raise AttributeError(name)
