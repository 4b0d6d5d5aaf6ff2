"""The soft-check finding (CX-USE-022) from recorded step results: no browser."""

from __future__ import annotations

from cxaudit.analysis.analyse import analyse
from cxaudit.checks import Status
from cxaudit.checks.base import IMPACT_WEIGHTS, REGISTRY, JourneySubject, all_checks
from cxaudit.results import ChannelInfo, JourneyRun, RunResult, SoftFailure, StepResult


def _run(soft: dict[int, SoftFailure]) -> JourneyRun:
    steps = [
        StepResult(
            index=i,
            stage="purchase",
            action="expect",
            name=f"Check that the page shows 'item {i}'",
            status="passed",
            soft_failure=soft.get(i),
        )
        for i in range(3)
    ]
    return JourneyRun(journey="J", file="j.yaml", channel="desktop", status="passed", steps=steps)


def test_each_failed_soft_check_is_a_finding_of_its_severity() -> None:
    all_checks()
    check = REGISTRY["CX-USE-022"]
    run = _run(
        {
            0: SoftFailure(message="expected text 'Free shipping'", severity="critical"),
            2: SoftFailure(message="no element matches test_id='promo'", severity="minor"),
        }
    )
    results = list(check.evaluate(JourneySubject(run, ChannelInfo(name="desktop")), None))
    assert [(r.status, r.step, r.severity, r.weight) for r in results] == [
        (Status.FAIL, 0, "critical", IMPACT_WEIGHTS["critical"]),
        (Status.FAIL, 2, "minor", IMPACT_WEIGHTS["minor"]),
    ]
    assert "step 1 'Check that the page shows 'item 0'': expected text" in results[0].message


def test_no_soft_failure_is_nothing_to_report() -> None:
    all_checks()
    results = list(
        REGISTRY["CX-USE-022"].evaluate(JourneySubject(_run({}), ChannelInfo(name="d")), None)
    )
    assert [r.status for r in results] == [Status.NOT_APPLICABLE]


def test_soft_failures_lower_the_scores() -> None:
    def scored(soft: dict[int, SoftFailure]) -> RunResult:
        raw = RunResult(
            run_id="r",
            started_at="2026-01-01T00:00:00+00:00",
            channels=[ChannelInfo(name="desktop")],
            runs=[_run(soft)],
        )
        return analyse(raw)

    clean = scored({})
    failed = scored({1: SoftFailure(message="expected text 'x'", severity="serious")})
    assert [f.code for f in failed.runs[0].findings if f.code == "CX-USE-022"] == ["CX-USE-022"]
    assert failed.scores.overall < clean.scores.overall
