"""The project `cxaudit init` writes finds the demo shop's price drift, as its comment says.

The buy journey captures the product page's ``price`` and the cart's ``cart_price``
and asks that they agree; the flawed demo shop's cart charges €5 more. Auditing
is off (CX-MSG-001 judges captures, not page audits), one channel, one journey.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cxaudit.analysis.analyse import analyse
from cxaudit.demo import DemoShop
from cxaudit.project.init import init_project
from cxaudit.results import RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec.channels import resolve_channels
from cxaudit.spec.loader import load_all


def _buy(shop: DemoShop, folder: Path) -> RunResult:
    init_project(folder)
    loaded = load_all([folder / "journeys" / "2-buy.yaml"], ["desktop"])
    assert loaded.errors == []
    options = RunOptions(
        channels=resolve_channels(["desktop"]),
        output_dir=folder / "reports",
        base_url=shop.url,
        audit=False,
        screenshots=False,
    )
    return analyse(
        asyncio.run(run_journeys(plan(loaded.journeys, options.channels, True), options))
    )


def _outcomes(result: RunResult, code: str) -> list[str]:
    return [
        o.status
        for o in (*result.outcomes, *(o for r in result.runs for o in r.outcomes))
        if o.code == code
    ]


def test_init_project_reports_the_demo_shops_price_drift(
    demo_shop: DemoShop, tmp_path: Path
) -> None:
    result = _buy(demo_shop, tmp_path)
    assert [r.status for r in result.runs] == ["passed"]
    found = [f for f in result.all_findings() if f.code == "CX-MSG-001"]
    assert len(found) == 1, [f.message for f in found]
    values = found[0].evidence[0].values
    assert (values["capture"], values["value"], values["expected"]) == (
        "cart_price",
        "€94.00",
        "€89.00",
    )
    assert "/cart" in found[0].message and "/product/trail-runner-2" in found[0].message


def test_init_project_passes_the_fixed_shop(fixed_shop: DemoShop, tmp_path: Path) -> None:
    result = _buy(fixed_shop, tmp_path)
    assert [r.status for r in result.runs] == ["passed"]
    assert not [f for f in result.all_findings() if f.code == "CX-MSG-001"]
    assert "pass" in _outcomes(result, "CX-MSG-001")
