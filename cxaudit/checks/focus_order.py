"""Reading a keyboard walk: the order focus went in, and whether it was trapped.

Pure: the keyboard gatherer uses it to decide whether to confirm a trap, the
keyboard-trap check to report one.
"""

from __future__ import annotations

from collections.abc import Sequence


def trap_cycle(sequence: Sequence[int]) -> list[int] | None:
    """The stops focus cycled through without leaving the page, if it did.

    Without a trap, focus visits every stop once, leaves the page (``-1``)
    and only then comes back to the first one.
    """
    last_seen: dict[int, int] = {}
    for position, index in enumerate(sequence):
        if index < 0:
            if index == -1:
                last_seen.clear()  # focus left the page: a new round starts
            continue
        if index in last_seen:
            cycle: list[int] = []
            for i in sequence[last_seen[index] : position]:
                if i >= 0 and i not in cycle:
                    cycle.append(i)
            return cycle
        last_seen[index] = position
    return None
