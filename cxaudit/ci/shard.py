"""A stable split of a suite's journey runs across CI jobs (``--shard K/N``).

Every job of a CI matrix loads the same journeys and computes the same plan,
then keeps its own part. The part a journey run lands in depends only on
the set of runs, never on the order files were listed in or the machine:
runs are identified by journey file, name and channel (the key of
:attr:`cxaudit.results.JourneyRun.key`), ordered by a hash of that key, and
dealt out longest first to the shard with the least work so far (work =
steps). The shards are therefore disjoint, cover the whole plan, and take
about the same time; ``cxaudit merge`` joins their results again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from cxaudit.errors import UsageError
from cxaudit.spec.channels import Channel
from cxaudit.spec.model import Journey

Pair = TypeVar("Pair", bound=tuple[Journey, Channel])


def run_key(journey: Journey, channel: Channel) -> str:
    """The identity of one journey run, as results.json records it."""
    file = journey.file.replace("\\", "/")
    return f"{file}::{journey.name}[{channel.name}]"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Shard:
    """Part ``index`` (1-based) of ``total``."""

    index: int
    total: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/4"`` -> Shard(2, 4); anything else is a usage error that says why."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match:
            raise UsageError(f"--shard {text!r}: expected K/N, e.g. 1/4 (part K of N)")
        index, total = int(match[1]), int(match[2])
        if total < 1 or not 1 <= index <= total:
            raise UsageError(f"--shard {text}: K must be between 1 and N, and N at least 1")
        return cls(index, total)

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def select(self, pairs: Sequence[Pair]) -> list[Pair]:
        """This shard's journey runs, in the order of ``pairs``."""
        mine = set(assign(pairs, self.total)[self.index - 1])
        return [pair for pair in pairs if run_key(*pair) in mine]


def assign(pairs: Sequence[tuple[Journey, Channel]], total: int) -> list[list[str]]:
    """The run keys of each of ``total`` shards.

    Longest-processing-time first: runs sorted by step count (most first,
    ties broken by the hash of their key), each given to the shard with the
    fewest steps so far (ties: the lowest shard). Deterministic for a given
    set of runs, and balanced far better than ``hash % N`` on small suites.
    """
    if total < 1:
        raise ValueError("total must be at least 1")
    keyed = sorted(
        {run_key(j, c): len(j.steps) for j, c in pairs}.items(),
        key=lambda item: (-item[1], _digest(item[0])),
    )
    shards: list[list[str]] = [[] for _ in range(total)]
    load = [0] * total
    for key, steps in keyed:
        target = min(range(total), key=lambda i: (load[i], len(shards[i]), i))
        shards[target].append(key)
        load[target] += max(1, steps)
    return shards
