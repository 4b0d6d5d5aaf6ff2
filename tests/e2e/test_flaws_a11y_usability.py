"""Every seeded accessibility and usability flaw of the demo shop is found, and only there.

The flaw catalogue (cxaudit/demo/flaws.yaml) is the ground truth: each flaw
names its page, its channels and what detects it (an axe rule or a check).
A tour journey visiting every flawed page and state runs on desktop and
mobile against the flawed shop and the fixed one; a flaw must be reported at
the step showing its page, on its channels, and nowhere on the fixed shop.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from cxaudit.checks import all_checks
from cxaudit.demo import DemoShop
from cxaudit.demo.flaws import Flaw, load_flaws
from cxaudit.results import JourneyRun, RunResult
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

TOUR = Path(__file__).resolve().parents[1] / "data" / "journeys" / "flaw-tour.yaml"
CHANNELS = ("desktop", "mobile")
FLAWS = [f for f in load_flaws() if f.area in ("accessibility", "usability")]


def detector(flaw: Flaw) -> tuple[str, str]:
    """The check slug, and the rule within it, that should report ``flaw``."""
    if "axe_rule" in flaw.detect:
        return "axe-rules", str(flaw.detect["axe_rule"])
    return str(flaw.detect["check"]), ""


def steps_on_page(run: JourneyRun, flaw: Flaw) -> list[int]:
    """Audited steps of ``run`` that show the flaw's page."""
    out = []
    for step in run.steps:
        snapshot = step.snapshot
        if snapshot is None or not snapshot.audited:
            continue
        url = urlsplit(snapshot.url)
        where = url.path + (f"?{url.query}" if url.query else "")
        if fnmatchcase(where, flaw.page):
            out.append(step.index)
    return out


def reported_at(run: JourneyRun, flaw: Flaw) -> list[int]:
    """Steps on the flaw's page where its detector failed."""
    slug, rule = detector(flaw)
    failing = {
        o.step
        for o in run.outcomes
        if o.slug == slug and o.status == "fail" and (not rule or o.detail == rule)
    }
    return [step for step in steps_on_page(run, flaw) if step in failing]


def channel_run(result: RunResult, channel: str) -> JourneyRun:
    (run,) = [r for r in result.runs if r.channel == channel]
    assert run.status == "passed", run.error
    return run


@pytest.fixture(scope="module")
def tours(
    demo_shop: DemoShop, fixed_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, RunResult]:
    journeys, _ = load_journeys([TOUR])
    results = {}
    for name, shop in (("flawed", demo_shop), ("fixed", fixed_shop)):
        options = RunOptions(
            channels=resolve_channels(list(CHANNELS)),
            output_dir=tmp_path_factory.mktemp(f"tour-{name}"),
            base_url=shop.url,
            screenshots=False,
        )
        results[name] = run_audit(journeys, options)
    return results


def test_the_catalogue_has_flaws_and_their_detectors_exist() -> None:
    assert {f.area for f in FLAWS} == {"accessibility", "usability"}
    slugs = {c.slug for c in all_checks()}
    for flaw in FLAWS:
        slug, _ = detector(flaw)
        assert slug in slugs, f"{flaw.id}: no check '{slug}'"
        if "channel" in flaw.detect:
            assert flaw.channels == (flaw.detect["channel"],)


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_flaw_is_reported_at_its_step_on_its_channels(
    flaw: Flaw, tours: dict[str, RunResult]
) -> None:
    slug, rule = detector(flaw)
    for channel in CHANNELS:
        run = channel_run(tours["flawed"], channel)
        assert steps_on_page(run, flaw), f"the tour never shows {flaw.page} on {channel}"
        steps = reported_at(run, flaw)
        if channel not in flaw.channels:
            assert steps == [], f"{flaw.id} reported on {channel}, where it does not show"
            continue
        assert steps, f"{flaw.id} not reported on {channel} ({slug} {rule})"
        findings = [
            f
            for f in run.findings
            if f.slug == slug and (not rule or f.rule == rule) and f.status == "fail"
        ]
        assert findings and set(steps) <= set(findings[0].seen_on_steps)


@pytest.mark.parametrize("flaw", FLAWS, ids=lambda f: f.id)
def test_flaw_is_not_reported_on_the_fixed_shop(flaw: Flaw, tours: dict[str, RunResult]) -> None:
    for channel in CHANNELS:
        run = channel_run(tours["fixed"], channel)
        assert steps_on_page(run, flaw), f"the tour never shows {flaw.page} on {channel}"
        assert reported_at(run, flaw) == [], f"{flaw.id} still reported on the fixed shop"


def test_the_fixed_shop_has_no_accessibility_or_usability_failures(
    tours: dict[str, RunResult],
) -> None:
    failures = [
        (run.channel, f.code, f.rule, f.message)
        for run in tours["fixed"].runs
        for f in run.findings
        if f.category in ("accessibility", "usability") and f.status in ("fail", "error")
    ]
    assert failures == []
