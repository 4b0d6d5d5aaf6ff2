"""Thresholds and exit codes, on the recorded demo run."""

from __future__ import annotations

from datetime import date

import pytest

from cxaudit.ci.baseline import AcceptEntry, apply_accept, with_baseline
from cxaudit.ci.thresholds import (
    EXIT_OK,
    EXIT_RUN_ERROR,
    EXIT_THRESHOLD,
    Thresholds,
    evaluate,
    exit_code,
)
from tests.data.demo_results import failing, recorded, without


def test_no_threshold_passes() -> None:
    verdict = evaluate(recorded(), Thresholds())
    assert verdict.passed and exit_code(recorded(), verdict) == EXIT_OK


def test_fail_under() -> None:
    result = recorded()
    overall = result.scores.overall
    assert evaluate(result, Thresholds(fail_under=overall - 1)).passed
    verdict = evaluate(result, Thresholds(fail_under=overall + 1))
    assert not verdict.passed and "overall score" in verdict.failures[0]
    assert exit_code(result, verdict) == EXIT_THRESHOLD


def test_category_minimums_and_unmeasured_categories() -> None:
    result = recorded()
    categories = result.scores.categories
    below = [c for c in ("accessibility", "usability") if categories[c] < 90]
    assert below, "the flawed demo is below 90 in accessibility"
    verdict = evaluate(result, Thresholds(categories={"accessibility": 90, "usability": 90}))
    assert verdict.failures == tuple(f"{c} score {categories[c]:.1f} is below 90" for c in below)
    above = min(categories.values()) - 1
    assert evaluate(result, Thresholds(categories=dict.fromkeys(categories, above))).passed
    # A category no check measured: a minimum on it fails by default, and passes if allowed.
    unmeasured = result.model_copy(
        update={
            "scores": result.scores.model_copy(
                update={"categories": {k: v for k, v in categories.items() if k != "trust"}}
            )
        }
    )
    assert not evaluate(unmeasured, Thresholds(categories={"trust": 50})).passed
    assert evaluate(
        unmeasured, Thresholds(categories={"trust": 50}, not_measured_fails=False)
    ).passed


RANK = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3}


@pytest.mark.parametrize("floor", ["critical", "serious", "minor"])
def test_fail_on_severity(floor: str) -> None:
    result = recorded()
    verdict = evaluate(result, Thresholds(fail_on=floor))
    expected = [f for f in failing(result) if RANK.get(f.severity, 9) <= RANK[floor]]
    assert expected, f"the flawed demo has findings at or above {floor}"
    assert sorted(f.fingerprint for f in verdict.gating) == sorted(f.fingerprint for f in expected)
    assert verdict.failures == (f"{len(verdict.gating)} finding(s) at or above {floor}",)
    # JUnit needs them per journey run.
    assert sum(len(v) for v in verdict.failing_findings.values()) == len(verdict.gating)
    assert set(verdict.failing_findings) <= {r.key for r in result.runs}


def test_fail_on_rejects_unknown_severities() -> None:
    with pytest.raises(ValueError, match="fail_on"):
        Thresholds(fail_on="blocker")


def test_accepted_findings_fail_nothing() -> None:
    result = recorded()
    everything = AcceptEntry("known", date(2099, 1, 1), pattern="*")
    muted = apply_accept(result, [everything], today=date(2030, 1, 1))
    assert evaluate(muted, Thresholds(fail_on="minor")).passed
    expired = apply_accept(result, [everything], today=date(2099, 1, 2))
    assert not evaluate(expired, Thresholds(fail_on="minor")).passed


def test_fail_on_new_counts_only_new_findings() -> None:
    result = recorded()
    fails = failing(result)
    same = with_baseline(result, result)
    assert evaluate(same, Thresholds(fail_on_new=True)).passed
    one_new = with_baseline(result, without(result, {fails[-1].fingerprint}))
    verdict = evaluate(one_new, Thresholds(fail_on_new=True))
    assert [f.fingerprint for f in verdict.gating] == [fails[-1].fingerprint]
    assert verdict.failures == ("1 new finding(s)",)
    # With a severity floor, a new finding below it passes.
    floor = "critical" if fails[-1].severity != "critical" else None
    if floor:
        assert evaluate(one_new, Thresholds(fail_on_new=True, fail_on=floor)).passed


def test_exit_codes_for_failed_and_broken_runs() -> None:
    result = recorded()
    failed = result.model_copy(
        update={"runs": [result.runs[0].model_copy(update={"status": "failed"}), *result.runs[1:]]}
    )
    assert exit_code(failed, evaluate(failed, Thresholds())) == EXIT_THRESHOLD
    broken = result.model_copy(
        update={"runs": [result.runs[0].model_copy(update={"status": "error"}), *result.runs[1:]]}
    )
    assert exit_code(broken, evaluate(broken, Thresholds())) == EXIT_RUN_ERROR
