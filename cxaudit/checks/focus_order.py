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


def kept_in(ends: Sequence[int], cycle: Sequence[int]) -> bool:
    """Whether focus was in ``cycle`` at the end of every one of these presses.

    ``ends`` is where focus was once each press's handlers had run. Focus that
    left for the browser during a press and was taken back into the cycle
    before the press was over is still held (ACT a1b64e); a press after which
    focus is outside the page, or on another element, let it go.
    """
    return bool(ends) and all(i in cycle for i in ends)
