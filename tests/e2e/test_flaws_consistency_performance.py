"""Every seeded consistency and response-time flaw of the demo shop is found where it is,
on each channel it shows on, and none of them on the fixed shop.

The ground truth is cxaudit/demo/flaws.yaml; each flaw's ``detect`` hint says
which check (or capture, or metric) must find it. A flaw added to the
catalogue with a hint this test does not know fails the test.
"""

from __future__ import annotations

import asyncio
from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.demo import DemoShop
from cxaudit.demo.flaws import Flaw, load_flaws
from cxaudit.results import Finding, RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

ROOT = Path(__file__).resolve().parents[2]
JOURNEY = ROOT / "tests" / "data" / "journeys" / "consistency-and-speed.yaml"
FLAWS = [f for f in load_flaws() if f.area in ("consistency", "performance")]


def audit(shop: DemoShop, out: Path) -> RunResult:
    journeys, _ = load_journeys([JOURNEY])
    options = RunOptions(
        channels=resolve_channels(["desktop", "mobile"]),
        output_dir=out,
        base_url=shop.url,
        screenshots=False,
    )
    return analyse(asyncio.run(run_journeys(plan(journeys, options.channels, False), options)))


@pytest.fixture(scope="module")
def flawed(demo_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return audit(demo_shop, tmp_path_factory.mktemp("flawed"))


@pytest.fixture(scope="module")
def fixed(fixed_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return audit(fixed_shop, tmp_path_factory.mktemp("fixed"))


def finds(finding: Finding, detect: dict) -> bool:
    """Whether ``finding`` is what the flaw's ``detect`` hint names."""
    values = finding.evidence[0].values if finding.evidence else {}
    if "must_match" in detect:
        return (
            finding.slug == "captured-values-match" and values.get("capture") == detect["capture"]
        )
    if "metric" in detect:
        return (
            finding.slug == "server-response-time"
            and values.get("metric") == f"{detect['metric']}_ms"
        )
    if "check" in detect:
        return finding.slug == detect["check"]
    raise AssertionError(f"no detector for detect hint {detect}")


def where(result: RunResult, finding: Finding) -> list[str]:
    """Addresses (path and query) of every step the finding was seen on."""
    run = next(
        r for r in result.runs if r.journey == finding.journey and r.channel == finding.channel
    )
    addresses = []
    for index in {finding.step, *finding.seen_on_steps} - {None}:
        snapshot = run.steps[index].snapshot  # type: ignore[index]
        if snapshot is not None:
            parts = urlsplit(snapshot.url)
            addresses.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return addresses


def detected_on(result: RunResult, flaw: Flaw) -> set[str]:
    """Channels on which the flaw was found at a step showing its page."""
    return {
        finding.channel
        for finding in result.all_findings()
        if finding.status == "fail"
        and finds(finding, flaw.detect)
        and any(fnmatchcase(address, flaw.page) for address in where(result, finding))
    }


def test_the_catalogue_has_these_flaws() -> None:
    assert {f.id for f in FLAWS} >= {
        "CONS-PRICE-MISMATCH",
        "CONS-HIDDEN-COST",
        "CONS-PROMISE-DRIFT",
        "PERF-SLOW-STATUS",
    }


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_flaw_is_found_at_its_page_on_each_channel(flaw: Flaw, flawed: RunResult) -> None:
    assert all(r.status == "passed" for r in flawed.runs), [r.error for r in flawed.runs]
    assert detected_on(flawed, flaw) == set(flaw.channels), flaw.what


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_flaw_is_not_reported_on_the_fixed_shop(flaw: Flaw, fixed: RunResult) -> None:
    assert all(r.status == "passed" for r in fixed.runs), [r.error for r in fixed.runs]
    assert detected_on(fixed, flaw) == set(), flaw.fixed_by
