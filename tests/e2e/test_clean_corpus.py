"""The clean corpus: sites built right give 0 findings on every channel.

Each folder of tests/data/clean/ is a small site (HTML, CSS, JS) with its
journey.yaml. They are served from one folder on 127.0.0.1, and all the
journeys are audited once (one browser, the whole pipeline as ``cxaudit
run`` does it) on desktop, mobile and tablet. A finding here is a false
claim about a site that did everything right: each site's case lists every
finding with its code, message and page when it fails.

Informative results (journey time, effort, readability, an inconclusive
timing) weigh nothing and are not findings against the site; anything else
is: a failure, and a result that could not be measured ("not measured is
never a pass"). Failed timings (the performance category) are left out:
they measure this machine's load as much as the site, and no test asserts a
timing; bench/stability.py counts how often they change.

Each site stands for false findings cxaudit once made (a missing favicon
read as a script error, a search box asked to mark required fields, a
labelled price compared as text, a keyboard trap on three plain links, a
font host the audit machine cannot reach): grow the corpus whenever a false
finding is fixed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.common import CLEAN, clean_sites, run_cxaudit
from cxaudit.results import Finding, RunResult
from cxaudit.spec import load_journeys
from tests.e2e.page_server import serve_folder

CHANNELS = ("desktop", "mobile", "tablet")


def _journey_names() -> dict[str, str]:
    """Journey name -> the site folder it belongs to."""
    names = {}
    for site in clean_sites():
        journeys, _ = load_journeys([CLEAN / site / "journey.yaml"])
        for journey in journeys:
            names[journey.name] = site
    return names


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    """The whole corpus audited once, every journey on every channel."""
    out = tmp_path_factory.mktemp("clean-corpus")
    journeys = [CLEAN / site / "journey.yaml" for site in clean_sites()]
    with serve_folder(CLEAN) as url:
        return run_cxaudit(journeys, url, out, channels=CHANNELS)


def _page(result: RunResult, finding: Finding) -> str:
    for run in result.runs:
        if (run.journey, run.channel) == (finding.journey, finding.channel):
            for step in run.steps:
                if step.index == finding.step and step.snapshot is not None:
                    return step.snapshot.url
    return "(journey-wide)"


def _describe(result: RunResult, findings: list[Finding]) -> str:
    return "\n".join(
        f"  {f.status} {f.code} {f.rule} [{f.channel}] {_page(result, f)}: {f.message}"
        for f in findings
    )


def test_the_corpus_has_the_sites_it_promises() -> None:
    """A site dropped from the folder would quietly stop being audited."""
    assert set(clean_sites()) >= {
        "shop",
        "no-favicon",
        "blocked-font",
        "consent",
        "client-rendered",
        "three-links",
        "search",
        "contact-form",
    }


@pytest.mark.parametrize("site", clean_sites())
def test_clean_site_gives_no_finding(corpus: RunResult, site: str) -> None:
    names = _journey_names()
    runs = [r for r in corpus.runs if names.get(r.journey) == site]
    assert {r.channel for r in runs} == set(CHANNELS), f"{site}: not run on every channel"
    broken = [
        f"  {r.journey} [{r.channel}] {r.status}: "
        + "; ".join(f"step {s.index + 1} {s.status}: {s.message}" for s in r.steps if s.message)
        for r in runs
        if r.status != "passed"
    ]
    assert not broken, f"{site}: the journey did not complete:\n" + "\n".join(broken)
    findings = [
        f
        for f in corpus.all_findings()
        if names.get(f.journey) == site
        and f.status != "informative"
        and not (f.category == "performance" and f.status == "fail")
    ]
    if findings:  # pytest.fail: the list in words, not a repr of every Finding
        pytest.fail(
            f"{site}: {len(findings)} false finding(s):\n" + _describe(corpus, findings),
            pytrace=False,
        )


def test_shop_journey_captures_the_values_consistency_compares(corpus: RunResult) -> None:
    """The multi-step journey really feeds the consistency checks: prices and order number."""
    run = next(r for r in corpus.runs if r.journey == "Clean shop purchase")
    captured = {c.name: c.text for s in run.steps for c in s.captures}
    assert captured["order_number"] == captured["order_ref"] == "NW-100234"
    assert captured["cart_total"] == captured["checkout_total"] == captured["order_total"]
    compared = [o for o in corpus.outcomes if o.code == "CX-MSG-001" and o.status == "pass"]
    assert compared, "CX-MSG-001 compared nothing: the must_match groups did not run"


def test_corpus_folder_is_plain_data() -> None:
    """Every site is files only: no server code that could hide what the browser gets."""
    kinds = {p.suffix for p in Path(CLEAN).rglob("*") if p.is_file()}
    assert kinds <= {".html", ".css", ".js", ".svg", ".yaml"}
