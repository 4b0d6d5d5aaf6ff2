"""Gatherers that only read the page run together; one that drives it (the keyboard walk) alone.

No browser: stand-in gatherers registered for the test. Two readers that
each wait for the other can only both finish when they run at the same
time; the exclusive one must start after both have finished.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import cxaudit.gather  # noqa: F401  (registers the real gatherers)
import cxaudit.gather.snapshot as snapshot
from cxaudit.gather.snapshot import Gatherer, SnapshotOptions


@pytest.fixture()
def stand_ins() -> Iterator[list[str]]:
    saved = dict(snapshot.GATHERERS)
    log: list[str] = []
    first_started, second_started = asyncio.Event(), asyncio.Event()

    async def first(page: Any, options: SnapshotOptions) -> str:
        log.append("first starts")
        first_started.set()
        await asyncio.wait_for(second_started.wait(), 5)  # a guard, not a timing
        log.append("first ends")
        return "read 1"

    async def second(page: Any, options: SnapshotOptions) -> str:
        log.append("second starts")
        second_started.set()
        await asyncio.wait_for(first_started.wait(), 5)
        log.append("second ends")
        return "read 2"

    async def walk(page: Any, options: SnapshotOptions) -> str:
        log.append("walk")
        return "walked"

    async def broken(page: Any, options: SnapshotOptions) -> str:
        raise ValueError("no such element")

    snapshot.GATHERERS.clear()
    snapshot.GATHERERS.update(
        {
            "walk": Gatherer("walk", "keyboard", walk, exclusive=True),
            "first": Gatherer("first", "layout", first),
            "broken": Gatherer("broken", "forms", broken),
            "second": Gatherer("second", "content", second),
        }
    )
    try:
        yield log
    finally:
        snapshot.GATHERERS.clear()
        snapshot.GATHERERS.update(saved)


def test_readers_run_together_and_the_walk_after_them(stand_ins: list[str], tmp_path: Path) -> None:
    data: dict[str, Any] = {}
    errors: dict[str, str] = {}
    options = SnapshotOptions(output_dir=tmp_path, screenshot_name="01", screenshot=False)
    asyncio.run(snapshot._gather(object(), options, data, errors, None))  # type: ignore[arg-type]
    assert errors.pop("page")  # the stand-in page has no page info to read
    assert errors == {"broken": "no such element"}
    assert (data["layout"], data["content"], data["keyboard"]) == ("read 1", "read 2", "walked")
    assert stand_ins[:2] == ["first starts", "second starts"]
    assert stand_ins[-1] == "walk"


def test_only_the_keyboard_walk_drives_the_page() -> None:
    exclusive = {g.name for g in snapshot.GATHERERS.values() if g.exclusive}
    assert exclusive == {"keyboard"}
