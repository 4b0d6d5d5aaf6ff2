"""Checks -> findings -> scores on a recorded demo run (tests/data/demo, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.analysis.analyse import AnalysisSettings, analyse
from cxaudit.analysis.scoring import Profile, propagate_points, run_points
from cxaudit.errors import UsageError
from cxaudit.results import RunResult, read_results

DATA = Path(__file__).resolve().parents[1] / "data" / "demo" / "results.json"


@pytest.fixture(scope="module")
def recorded() -> RunResult:
    return read_results(DATA)


def _fails(result: RunResult) -> list:
    return [f for f in result.all_findings() if f.status == "fail"]


def test_analysis_is_repeatable(recorded: RunResult) -> None:
    again = analyse(recorded)
    assert again.scores == recorded.scores
    assert [f.fingerprint for f in again.all_findings()] == [
        f.fingerprint for f in recorded.all_findings()
    ]


def test_fingerprints_are_unique_and_readable(recorded: RunResult) -> None:
    findings = recorded.all_findings()
    assert findings
    assert len({f.fingerprint for f in findings}) == len(findings)
    for f in findings:
        assert len(f.fingerprint) == 16
        assert f.code in f.key and f"[{f.channel}]" in f.key and f.journey in f.key


def test_fingerprints_do_not_depend_on_step_numbers(recorded: RunResult) -> None:
    """A step added before a problem must not make it a 'new' finding."""
    run = recorded.runs[0]
    shifted = run.model_copy(
        update={"steps": [s.model_copy(update={"index": s.index + 1}) for s in run.steps]}
    )
    again = analyse(recorded.model_copy(update={"runs": [shifted]}))
    axe_before = {f.fingerprint for f in run.findings if f.code == "CX-A11Y-001"}
    axe_after = {f.fingerprint for f in again.runs[0].findings if f.code == "CX-A11Y-001"}
    assert axe_before and axe_before == axe_after


def test_passes_fold_into_one_outcome_per_check_and_step(recorded: RunResult) -> None:
    run = recorded.runs[0]
    passes = [o for o in run.outcomes if o.status == "pass" and o.code == "CX-A11Y-001"]
    steps = [o.step for o in passes]
    assert len(steps) == len(set(steps))
    assert all(o.count > 1 and o.detail.endswith("passed") for o in passes)


def test_points_add_up_to_what_the_overall_score_lost(recorded: RunResult) -> None:
    profile = Profile.from_weights(None)
    fingerprints = {f.fingerprint for f in recorded.all_findings()}
    total = sum(f.points.get("overall", 0.0) for f in recorded.all_findings())
    for run in recorded.runs:
        lost = sum(f.points.get("journey", 0.0) for f in run.findings)
        # Run-wide findings (a price that differs between channels) cost the runs they concern.
        lost += sum(f.points.get(f"journey:{run.key}", 0.0) for f in recorded.findings)
        # Graded passes (a timing scoring 0.95) cost a little without being findings.
        graded = {
            loss.key
            for losses in run.scores.losses.values()
            for loss in losses
            if loss.status == "pass"
        }
        assert not graded & fingerprints
        graded_points = sum(
            v for k, v in run_points(run.scores, profile, None).items() if k in graded
        )
        lost += graded_points
        assert lost == pytest.approx(100 - run.scores.overall, abs=0.1)
        total += propagate_points(graded_points, run.channel, recorded.scores, profile)[1]
    assert total == pytest.approx(100 - recorded.scores.overall, abs=0.1)


def test_findings_are_ordered_by_points(recorded: RunResult) -> None:
    for run in recorded.runs:
        failing = [f.points["journey"] for f in run.findings if f.status == "fail"]
        assert failing == sorted(failing, reverse=True)


def test_a_failed_journey_scores_zero_and_its_blocker_costs_everything(
    recorded: RunResult,
) -> None:
    run = recorded.runs[0]
    broken_at = 3
    steps = [
        s.model_copy(update={"status": "failed", "message": "element not found"})
        if s.index == broken_at
        else s.model_copy(update={"status": "skipped", "snapshot": None})
        if s.index > broken_at
        else s
        for s in run.steps
    ]
    failed = run.model_copy(update={"status": "failed", "steps": steps})
    result = analyse(recorded.model_copy(update={"runs": [failed]}))
    scored = result.runs[0]
    assert scored.scores.overall == 0.0 and scored.scores.completed is False
    blocker = scored.findings[0]
    assert blocker.slug == "journey-completion" and blocker.points["journey"] == 100.0
    assert all(f.points["journey"] == 0.0 for f in scored.findings[1:])


def test_weights_from_config_change_the_scores(recorded: RunResult) -> None:
    heavier = analyse(recorded, AnalysisSettings(category_weights={"CX-A11Y-001": 20}))
    assert heavier.scores.categories["accessibility"] < recorded.scores.categories["accessibility"]
    with pytest.raises(UsageError, match="unknown check"):
        analyse(recorded, AnalysisSettings(category_weights={"CX-NOPE-999": 1}))


def test_the_flawed_demo_loses_points_for_its_seeded_flaws(recorded: RunResult) -> None:
    assert recorded.scores.overall < 90
    assert recorded.scores.categories["accessibility"] < 50
    rules = {f.title for f in _fails(recorded) if f.code == "CX-A11Y-001"}
    assert "Images must have alternative text" in rules


def test_one_element_met_in_two_stages_is_one_problem(recorded: RunResult) -> None:
    """A header on every page is one finding "seen on N steps" and one deduction."""
    run = next(
        r for r in recorded.runs if r.journey.startswith("Shopper") and r.channel == "desktop"
    )
    contrast = next(f for f in run.findings if "contrast" in f.title)
    assert len(contrast.seen_on_steps) == 2
    later = contrast.seen_on_steps[1]
    moved = run.model_copy(
        update={
            "stages": [*run.stages, "compare"],
            "steps": [
                s.model_copy(update={"stage": "compare"}) if s.index >= later else s
                for s in run.steps
            ],
        }
    )
    again = analyse(recorded.model_copy(update={"runs": [moved]})).runs[0]
    same = [f for f in again.findings if "contrast" in f.title]
    assert len(same) == 1 and same[0].fingerprint == contrast.fingerprint
    assert same[0].seen_on_steps == contrast.seen_on_steps
    assert again.scores.categories == run.scores.categories
    # Each stage still shows the problem it meets.
    assert again.scores.stages["compare"].categories["accessibility"] < 100
