"""Recorded snapshots (tests/data/snapshots) as check subjects, and checks run on them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from cxaudit.checks import REGISTRY, Result, Status, StepSubject, all_checks
from cxaudit.results import ChannelInfo, JourneyRun, Snapshot, StepResult

SNAPSHOTS = Path(__file__).resolve().parents[2] / "data" / "snapshots"


@cache
def _raw(name: str) -> str:
    return (SNAPSHOTS / f"{name}.json").read_text(encoding="utf-8")


def recorded(name: str) -> dict[str, Any]:
    """A fresh copy of a recorded case: ``{"case", "channel", "snapshot"}``."""
    return json.loads(_raw(name))


def subject(name: str, edit: Any = None) -> StepSubject:
    """The step subject of a recorded case; ``edit(snapshot_dict)`` may change it first."""
    data = recorded(name)
    if edit is not None:
        edit(data["snapshot"])
    return _subject(name, data["snapshot"], data["channel"])


def gathered_subject(**parts: Any) -> StepSubject:
    """A step whose snapshot holds what gatherers just read (``keyboard=``, ``forms=``, ...)."""
    channel = recorded("kb-good-desktop")["channel"]
    return _subject("gathered", {**parts, "audited": True}, channel)


def _subject(name: str, snapshot: dict[str, Any], channel_data: dict[str, Any]) -> StepSubject:
    step = StepResult(
        index=0,
        stage="purchase",
        action="goto",
        name=name,
        status="passed",
        snapshot=Snapshot.model_validate(snapshot),
    )
    channel = ChannelInfo.model_validate(channel_data)
    run = JourneyRun(
        journey="recorded",
        file="recorded.yaml",
        channel=channel.name,
        status="passed",
        steps=[step],
    )
    return StepSubject(run=run, step=step, channel=channel)


def check(slug: str) -> Any:
    all_checks()
    return next(c for c in REGISTRY.values() if c.slug == slug)


def run_check(slug: str, name: str, edit: Any = None, **options: Any) -> list[Result]:
    """Evaluate the check ``slug`` on a recorded case with ``options``."""
    found = check(slug)
    return list(found.evaluate(subject(name, edit), found.Options(**options)))


def verdict(slug: str, **parts: Any) -> Result:
    """The one result of the check ``slug`` (default options) on what gatherers read."""
    found = check(slug)
    return only(list(found.evaluate(gathered_subject(**parts), found.Options())))


def only(results: list[Result]) -> Result:
    assert len(results) == 1, results
    return results[0]


def selectors(result: Result) -> list[str]:
    return [e.selector or "" for e in result.evidence]


def statuses(results: list[Result]) -> dict[str | None, Status]:
    return {r.rule: r.status for r in results}
