"""What to fix first: one row per problem across categories, channels and journeys.

From the recorded demo runs: the full flawed demo (tests/data/demo, with axe)
and the consistency-and-speed journey on the flawed shop (tests/data/results).
"""

from __future__ import annotations

from pathlib import Path

from cxaudit.analysis.analyse import analyse, problem_identity
from cxaudit.report import render_html
from cxaudit.report.view import fix_first
from cxaudit.results import RunResult, read_results
from tests.data.demo_results import recorded
from tests.unit.test_report import _text

RESULTS = Path(__file__).resolve().parents[1] / "data" / "results"
#: The demo shop's consistency and trust flaws: a free-delivery promise broken by a
#: charge, a delivery promise that changes, a price that drifts from page to basket.
CONSISTENCY = {"CX-MSG-007", "CX-MSG-009", "CX-MSG-001"}


def test_the_top_ten_has_the_consistency_problems_once_each_with_both_channels() -> None:
    top = fix_first(recorded())
    assert len(top) == 10
    codes = [p.first.code for p in top]
    assert set(codes) >= CONSISTENCY, codes
    for p in top:
        if p.first.code in CONSISTENCY:
            assert p.channels == ("desktop", "mobile"), p.first.title
    # No problem twice: one row per identity, and no two rows read the same.
    assert len({problem_identity(p.first) for p in top}) == len(top)
    assert len({(p.first.title, p.step_name) for p in top}) == len(top), [
        p.first.title for p in top
    ]
    points = [round(p.points, 2) for p in top]
    assert points == sorted(points, reverse=True)


def test_a_row_counts_every_channel_and_journey_of_its_problem() -> None:
    result = recorded()
    promise = next(p for p in fix_first(result) if p.first.code == "CX-MSG-007")
    findings = [f for f in result.all_findings() if f.code == "CX-MSG-007" and f.status == "fail"]
    assert len(promise.occurrences) == len(findings) == 4
    assert promise.points == sum(f.points["overall"] for f in findings)
    assert promise.journeys == tuple(sorted({f.journey for f in findings}))
    text = _text(render_html(result)["index.html"])
    row = text[text.index(promise.first.title) :][:400]
    assert "desktop, mobile" in row
    assert all(journey in row for journey in promise.journeys)


def test_the_flawed_shop_leads_with_its_consistency_flaws() -> None:
    result = analyse(read_results(RESULTS / "demo-flawed-consistency-and-speed.json"))
    top = fix_first(result)
    assert {p.first.code for p in top[:3]} == CONSISTENCY
    assert all(p.channels == ("desktop", "mobile") for p in top[:3])
    assert len({problem_identity(p.first) for p in top}) == len(top)


def _with_points(result: RunResult, code: str, overall: float) -> RunResult:
    runs = [
        r.model_copy(
            update={
                "findings": [
                    f.model_copy(update={"points": {**f.points, "overall": overall}})
                    if f.code == code
                    else f
                    for f in r.findings
                ]
            }
        )
        for r in result.runs
    ]
    return result.model_copy(update={"runs": runs})


def test_a_minor_problem_never_outranks_a_worse_one() -> None:
    """Small tap targets (minor) made to cost the most points still come after every
    critical, serious and moderate problem: drip pricing before a minor nit."""
    result = _with_points(recorded(), "CX-USE-002", 20.0)
    ranked = fix_first(result, limit=100)
    minor = [i for i, p in enumerate(ranked) if p.severity == "minor"]
    worse = [i for i, p in enumerate(ranked) if p.severity in ("critical", "serious", "moderate")]
    assert minor and worse and max(worse) < min(minor)
    taps = next(p for p in ranked if p.first.code == "CX-USE-002")
    assert taps.points == 40.0  # still shown with what it costs
