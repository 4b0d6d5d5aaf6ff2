"""The benchmark's client-rendered shop, audited as bench/real_journey.py audits it.

One run of tests/data/react_shop/journey.yaml (27 steps, one HTML document:
every view after the first comes from ``history.pushState``) in real
Chromium against the shop served on 127.0.0.1. It checks the fixture the
benchmark times (the journey completes, the shop is built right: no finding
but timings) and that axe-core is sent to the page once per document, not
once per audited step, with each step still audited afresh.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.gather import axe
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journey
from cxaudit.spec.channels import resolve_channels
from tests.e2e.page_server import REACT_SHOP, serve_app


def test_the_client_rendered_shop_journey(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    injected: list[object] = []
    inject = axe._World.inject

    async def counted(world: Any, engine: Any) -> None:
        injected.append(engine)
        await inject(world, engine)

    monkeypatch.setattr(axe._World, "inject", counted)
    journey, issues = load_journey(REACT_SHOP / "journey.yaml")
    assert journey is not None, issues
    with serve_app() as url:
        options = RunOptions(
            channels=resolve_channels(["desktop"]),
            output_dir=tmp_path,
            base_url=url,
            screenshots=False,
        )
        result = analyse(
            asyncio.run(run_journeys(plan([journey], options.channels, False), options))
        )
    run = result.runs[0]
    assert run.status == "passed", [(s.name, s.message) for s in run.steps if s.message]
    assert len(run.steps) == 27
    audited = [s.snapshot for s in run.steps if s.snapshot and s.snapshot.audited]
    assert len(audited) == 10
    # Every audited view was audited as it was then, not from an earlier answer.
    for snapshot in audited:
        assert snapshot.axe is not None and not snapshot.errors, snapshot.errors
        assert snapshot.axe["url"] == snapshot.url
        assert snapshot.axe["passes"]
    assert len({s.url for s in audited}) >= 8
    # One document, ten audits: the engine went into the page once.
    assert len(injected) == 1
    not_timing = [f.code for f in result.findings if f.category != "performance"]
    assert not_timing == []
