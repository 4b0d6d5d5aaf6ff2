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
from cxaudit.artifacts import AxeResult, Forms, KeyboardWalk, Layout
from cxaudit.gather.snapshot import Gatherer, SnapshotOptions, field_model, gatherer
from cxaudit.results import PageContent


@pytest.fixture()
def stand_ins() -> Iterator[list[str]]:
    saved = dict(snapshot.GATHERERS)
    log: list[str] = []
    first_started, second_started = asyncio.Event(), asyncio.Event()

    async def first(page: Any, options: SnapshotOptions) -> dict[str, Any]:
        log.append("first starts")
        first_started.set()
        await asyncio.wait_for(second_started.wait(), 5)  # a guard, not a timing
        log.append("first ends")
        return {"touch": True, "new_reading": 1}

    async def second(page: Any, options: SnapshotOptions) -> dict[str, Any]:
        log.append("second starts")
        second_started.set()
        await asyncio.wait_for(first_started.wait(), 5)
        log.append("second ends")
        return {"lang": "en"}

    async def walk(page: Any, options: SnapshotOptions) -> dict[str, Any]:
        log.append("walk")
        return {"presses": 3}

    async def broken(page: Any, options: SnapshotOptions) -> dict[str, Any]:
        raise ValueError("no such element")

    async def unfit(page: Any, options: SnapshotOptions) -> dict[str, Any]:
        return {"fields": [{"selector": "#a"}, {"selector": ["not", "text"]}]}

    snapshot.GATHERERS.clear()
    snapshot.GATHERERS.update(
        {
            "walk": Gatherer("walk", "keyboard", walk, KeyboardWalk, exclusive=True),
            "first": Gatherer("first", "layout", first, Layout),
            "broken": Gatherer("broken", "axe", broken, AxeResult),
            "second": Gatherer("second", "content", second, PageContent),
            "unfit": Gatherer("unfit", "forms", unfit, Forms),
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
    # An answer its field's model does not accept is that gatherer's failure, not the snapshot's.
    unfit = errors.pop("unfit")
    assert unfit.startswith("its answer does not fit Forms at fields.1.selector:"), unfit
    assert errors == {"broken": "no such element"}
    assert "forms" not in data and "axe" not in data
    assert data["layout"] == Layout(touch=True, new_reading=1)  # a key the model lacks is kept
    assert data["layout"].model_extra == {"new_reading": 1}
    assert data["content"] == PageContent(lang="en")
    assert data["keyboard"] == KeyboardWalk(presses=3)
    assert stand_ins[:2] == ["first starts", "second starts"]
    assert stand_ins[-1] == "walk"


def test_only_the_keyboard_walk_drives_the_page() -> None:
    exclusive = {g.name for g in snapshot.GATHERERS.values() if g.exclusive}
    assert exclusive == {"keyboard"}


def test_a_gatherer_is_declared_once_its_model_the_snapshot_fields_type() -> None:
    assert {g.name: (g.field, g.model) for g in snapshot.GATHERERS.values()} == {
        "axe": ("axe", AxeResult),
        "layout": ("layout", Layout),
        "forms": ("forms", Forms),
        "keyboard": ("keyboard", KeyboardWalk),
        "content": ("content", PageContent),
    }
    assert field_model("layout") is Layout
    with pytest.raises(ValueError, match="Snapshot has no field 'colours'"):
        gatherer("colours")
    with pytest.raises(ValueError, match=r"Snapshot\.title is not a model"):
        gatherer("title")
