"""The bundled journeys on desktop and mobile against the demo shop, in real Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import SCHEMA_VERSION, RunResult, read_results
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def demo_run(
    demo_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory
) -> tuple[RunResult, Path]:
    out = tmp_path_factory.mktemp("demo-report")
    journeys, _ = load_journeys([ROOT / "journeys"])
    options = RunOptions(
        channels=resolve_channels(["desktop", "mobile"]), output_dir=out, base_url=demo_shop.url
    )
    return run_audit(journeys, options), out


def test_every_journey_runs_on_both_channels(demo_run: tuple[RunResult, Path]) -> None:
    result, _ = demo_run
    journeys, _ = load_journeys([ROOT / "journeys"])
    expected = {(j.name, c) for j in journeys for c in ("desktop", "mobile")}
    assert {(r.journey, r.channel) for r in result.runs} == expected
    for run in result.runs:
        assert run.status == "passed", f"{run.journey} [{run.channel}]: {run.error}"
        assert all(step.status == "passed" for step in run.steps)
        assert run.scores.overall is not None


def test_results_file_is_the_contract(demo_run: tuple[RunResult, Path]) -> None:
    result, out = demo_run
    again = read_results(out / "results.json")
    assert again == result
    assert again.schema_version == SCHEMA_VERSION
    assert {c.name for c in again.channels} == {"desktop", "mobile"}
    mobile = next(c for c in again.channels if c.name == "mobile")
    assert mobile.is_mobile and mobile.viewport["width"] < 500


def test_snapshots_hold_the_raw_material(demo_run: tuple[RunResult, Path]) -> None:
    result, out = demo_run
    run = next(
        r for r in result.runs if r.journey == "Guest buys trail shoes" and r.channel == "desktop"
    )
    first = run.steps[0].snapshot
    assert first is not None and first.audited
    assert first.url.endswith("/product/trail-runner-2")
    assert "Trail Runner 2" in first.title
    assert first.timing is not None and first.timing.navigated and first.timing.ttfb_ms is not None
    assert first.axe is not None and first.axe.passes
    # The demo shop's product photo has no alt text: axe reports it as a violation.
    assert "image-alt" in {v.id for v in first.axe.violations}
    assert first.screenshot and (out / first.screenshot).stat().st_size > 1000
    assert "€89.00" in (first.visible_text or "")
    price = run.steps[1].captures[0]
    assert (price.name, price.text, price.number) == ("price", "€89.00", 89.0)
    # A step that only fills a field is not audited again.
    fill = next(s for s in run.steps if s.action == "fill")
    assert fill.snapshot is not None and not fill.snapshot.audited and fill.snapshot.axe is None


def test_mobile_channel_is_a_phone(demo_run: tuple[RunResult, Path]) -> None:
    result, _ = demo_run
    run = next(r for r in result.runs if r.channel == "mobile")
    snapshot = run.steps[0].snapshot
    assert snapshot is not None and snapshot.viewport["width"] == 412


def test_reports_are_written_per_channel(demo_run: tuple[RunResult, Path]) -> None:
    result, out = demo_run
    for name in ("index.html", "desktop.html", "mobile.html", "results.json"):
        assert (out / name).is_file(), name
    index = (out / "index.html").read_text(encoding="utf-8")
    for run in result.runs:
        assert run.journey in index
    mobile = (out / "mobile.html").read_text(encoding="utf-8")
    assert "Content-Security-Policy" in mobile
    assert "screenshots/mobile/" in mobile
    assert "image-alt" in mobile or "alternative text" in mobile


def test_findings_come_from_checks(demo_run: tuple[RunResult, Path]) -> None:
    result, _ = demo_run
    codes = {f.code for f in result.all_findings()}
    assert "CX-A11Y-001" in codes
    guest = next(
        r for r in result.runs if r.journey == "Guest buys trail shoes" and r.channel == "desktop"
    )
    image_alt = [
        f
        for f in guest.findings
        if f.evidence and "image-alt" in f.fingerprint + f.title + str(f.help_url)
    ]
    assert image_alt, [f.title for f in guest.findings]
