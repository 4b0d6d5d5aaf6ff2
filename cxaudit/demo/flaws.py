"""The catalogue of flaws seeded into the demo shop, as typed data.

flaws.yaml is the ground truth that benchmarks and end-to-end tests score
cxaudit's checks against; this module is the one place that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

FLAWS_FILE = Path(__file__).with_name("flaws.yaml")
AREAS = ("accessibility", "usability", "consistency", "performance", "email")
CHANNELS = ("desktop", "mobile", "tablet")


@dataclass(frozen=True)
class Flaw:
    """One deliberate CX flaw: where it shows, what finds it, and what the fixed shop does instead."""

    id: str
    area: str
    page: str
    channels: tuple[str, ...]
    what: str
    detect: dict[str, Any]
    fixed_by: str


def load_flaws(path: Path = FLAWS_FILE) -> list[Flaw]:
    """Read and sanity-check the flaw catalogue.

    A broken catalogue would silently skew every accuracy figure built on it,
    so malformed entries raise ValueError naming the entry instead.
    """
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError(f"{path}: expected a list of flaws")
    flaws = []
    for index, entry in enumerate(entries):
        where = f"{path}: flaw #{index + 1}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where}: expected a mapping")
        missing = [f for f in Flaw.__dataclass_fields__ if f not in entry]
        if missing:
            raise ValueError(f"{where} ({entry.get('id', '?')}): missing {', '.join(missing)}")
        if entry["area"] not in AREAS:
            raise ValueError(f"{where} ({entry['id']}): area must be one of {', '.join(AREAS)}")
        unknown = [c for c in entry["channels"] if c not in CHANNELS]
        if unknown or not entry["channels"]:
            raise ValueError(f"{where} ({entry['id']}): bad channels {entry['channels']!r}")
        if not isinstance(entry["detect"], dict) or not entry["detect"]:
            raise ValueError(f"{where} ({entry['id']}): detect must be a non-empty mapping")
        flaws.append(
            Flaw(
                id=str(entry["id"]),
                area=entry["area"],
                page=str(entry["page"]),
                channels=tuple(entry["channels"]),
                what=str(entry["what"]).strip(),
                detect=dict(entry["detect"]),
                fixed_by=str(entry["fixed_by"]).strip(),
            )
        )
    ids = [flaw.id for flaw in flaws]
    if len(ids) != len(set(ids)):
        raise ValueError(f"{path}: duplicate flaw ids")
    return flaws
