"""The bundled journeys on the fixed shop, and the `cxaudit init` journeys, in real Chromium.

(The flawed shop is covered by test_demo_audit.py.) Auditing is off here:
these tests are about the journeys completing, not about findings.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cxaudit.demo import DemoShop
from cxaudit.project.init import init_project
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec.channels import resolve_channels
from cxaudit.spec.loader import load_all

ROOT = Path(__file__).resolve().parents[2]


def _run_all(
    folder: Path, shop: DemoShop, channels: list[str], out: Path
) -> dict[tuple[str, str], str]:
    loaded = load_all([folder], ["desktop", "mobile", "tablet", "slow-phone"])
    assert loaded.errors == []
    options = RunOptions(
        channels=resolve_channels(channels),
        output_dir=out,
        base_url=shop.url,
        audit=False,
        screenshots=False,
    )
    result = asyncio.run(run_journeys(plan(loaded.journeys, options.channels, True), options))
    return {(r.journey, r.channel): f"{r.status} {r.error}".strip() for r in result.runs}


def test_bundled_journeys_pass_on_the_fixed_shop(fixed_shop: DemoShop, tmp_path: Path) -> None:
    outcome = _run_all(ROOT / "journeys", fixed_shop, ["desktop", "mobile"], tmp_path)
    assert len(outcome) == 8
    assert set(outcome.values()) == {"passed"}, outcome


def test_init_journeys_pass_on_the_demo_shop(demo_shop: DemoShop, tmp_path: Path) -> None:
    init_project(tmp_path)
    outcome = _run_all(tmp_path / "journeys", demo_shop, ["desktop"], tmp_path / "out")
    assert len(outcome) == 3
    assert set(outcome.values()) == {"passed"}, outcome
