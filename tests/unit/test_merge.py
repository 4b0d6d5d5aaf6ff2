"""merge_results: order-independent, one run per key, scores worked out again."""

from __future__ import annotations

import itertools

import pytest

from cxaudit.ci.merge import merge_results
from cxaudit.results import ChannelInfo, JourneyRun, RunResult, StepResult


def run(
    journey: str, channel: str, status: str = "passed", started: str = "2026-01-01T10:00:00"
) -> JourneyRun:
    steps = [
        StepResult(index=0, stage="purchase", action="goto", name="goto /", status="passed"),
        StepResult(
            index=1,
            stage="purchase",
            action="click",
            name="click Buy",
            status="failed" if status == "failed" else "passed",
            message="no element" if status == "failed" else "",
        ),
    ]
    return JourneyRun(
        journey=journey,
        file=f"journeys/{journey.lower()}.yaml",
        channel=channel,
        status=status,  # type: ignore[arg-type]
        error="step 2 failed" if status == "failed" else "",
        started_at=started,
        stages=["purchase"],
        steps=steps,
    )


def result(run_id: str, *runs: JourneyRun, started: str = "2026-01-01T10:00:00") -> RunResult:
    return RunResult(
        run_id=run_id,
        started_at=started,
        finished_at=started.replace("10:00", "10:05"),
        channels=[ChannelInfo(name=name) for name in sorted({r.channel for r in runs})],
        runs=list(runs),
    )


PARTS = [
    result("r1", run("Checkout", "desktop"), run("Browse", "mobile")),
    result("r1", run("Checkout", "mobile", "failed"), started="2026-01-01T10:00:02"),
    result("r1", run("Browse", "desktop")),
]


def test_every_run_once_with_channels_and_times() -> None:
    merged = merge_results(PARTS)
    assert [r.key for r in merged.runs] == sorted(r.key for p in PARTS for r in p.runs)
    assert [c.name for c in merged.channels] == ["desktop", "mobile"]
    assert merged.started_at == "2026-01-01T10:00:00"
    assert merged.finished_at == "2026-01-01T10:05:02"
    assert merged.run_id == "r1"


def test_order_does_not_matter() -> None:
    outputs = {merge_results(list(p)).to_json() for p in itertools.permutations(PARTS)}
    assert len(outputs) == 1


def test_scores_and_findings_come_from_the_merged_runs() -> None:
    merged = merge_results(PARTS)
    failed = next(r for r in merged.runs if r.status == "failed")
    assert any(f.code == "CX-USE-001" for f in failed.findings)
    assert failed.scores.overall is not None
    assert set(merged.scores.channels) == {"desktop", "mobile"}
    assert merged.scores.channels["mobile"].overall < merged.scores.channels["desktop"].overall


def test_a_run_met_twice_keeps_the_latest_attempt() -> None:
    first = result("a", run("Checkout", "desktop", "failed", started="2026-01-01T10:00:00"))
    retry = result("b", run("Checkout", "desktop", "passed", started="2026-01-01T10:03:00"))
    for parts in ([first, retry], [retry, first]):
        merged = merge_results(parts)
        assert len(merged.runs) == 1 and merged.runs[0].status == "passed"
    # The same start: the worse outcome stays visible.
    same = result("c", run("Checkout", "desktop", "failed", started="2026-01-01T10:03:00"))
    assert merge_results([retry, same]).runs[0].status == "failed"
    assert merge_results([same, retry]).runs[0].status == "failed"


def test_nothing_to_merge_is_an_error() -> None:
    with pytest.raises(ValueError, match="nothing to merge"):
        merge_results([])


def test_the_merged_run_says_which_axe_core_audited_it() -> None:
    parts = [p.model_copy(update={"axe_version": "4.14.1"}) for p in PARTS]
    assert merge_results(parts).axe_version == "4.14.1"
