"""A timing just past its limit is inconclusive, not failed: the noise band, from built timings."""

from __future__ import annotations

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.analysis.stats import judge, noise_band, summarise
from cxaudit.ci.thresholds import Thresholds, is_inconclusive
from cxaudit.ci.thresholds import evaluate as verdict_of
from cxaudit.project.config import Settings
from cxaudit.results import Repetition, StepMetrics, Timing
from cxaudit.run.pipeline import thresholds_from
from tests.unit.checks.builders import evaluate, page, result_of, run, statuses, step


def _step_ms(duration_ms: float, budget: float) -> object:
    return run(
        [step(0, page("/", timing=Timing()), duration_ms=duration_ms)],
        rules={"budgets": {"step_ms": budget}},
    )


def test_noise_band_is_ten_percent_fifty_ms_or_the_spread() -> None:
    one = summarise([2610])
    assert noise_band(2500, one) == 250
    assert noise_band(200, one) == 50
    wide = summarise([1000, 1200, 1400, 1600, 1800])  # q1 1200, q3 1600
    assert noise_band(1000, wide) == 400
    assert judge(one, 2500, 250) == "inconclusive"
    assert judge(summarise([2500]), 2500, 250) == "within"
    assert judge(summarise([2751]), 2500, 250) == "over"


def test_budget_within_the_band_is_inconclusive_and_says_so() -> None:
    results = evaluate("CX-PERF-010", (_step_ms(2610, 2500), 0))
    assert statuses(results) == ["informative"]
    (result,) = results
    assert result.message == (
        "inconclusive: step duration 2610 ms vs journey budget 2500 ms, "
        "within the noise band (+250 ms)"
    )
    assert result.rule == "step_ms"
    values = result.evidence[0].values
    assert values["inconclusive"] is True and values["noise_band"] == 250
    assert values["actual"] == 2610 and values["limit"] == 2500


def test_budget_clearly_past_the_band_fails() -> None:
    results = evaluate("CX-PERF-010", (_step_ms(2800, 2500), 0))
    assert statuses(results) == ["fail"]
    assert "over the journey budget of 2500 ms" in results[0].message


def test_the_absolute_floor_covers_small_budgets() -> None:
    assert statuses(evaluate("CX-PERF-010", (_step_ms(240, 200), 0))) == ["informative"]
    assert statuses(evaluate("CX-PERF-010", (_step_ms(260, 200), 0))) == ["fail"]


def test_the_band_is_an_option_and_zero_turns_it_off() -> None:
    strict = {"noise_relative": 0, "noise_floor_ms": 0}
    assert statuses(evaluate("CX-PERF-010", (_step_ms(2610, 2500), 0), **strict)) == ["fail"]
    wide = {"noise_relative": 0.2}
    assert statuses(evaluate("CX-PERF-010", (_step_ms(2900, 2500), 0), **wide)) == ["informative"]


def test_counts_have_no_band() -> None:
    r = run(
        [step(0, page("/", timing=Timing(navigated=True, step_requests=11, cls=0.11)))],
        rules={"budgets": {"requests": 10, "cls": 0.1}},
    )
    assert statuses(evaluate("CX-PERF-010", (r, 0))) == ["fail", "fail"]


def test_repeated_measures_widen_the_band_by_their_spread() -> None:
    first = step(0, page("/", timing=Timing(navigated=True, lcp_ms=1300)), duration_ms=100)
    reps = [
        Repetition(
            status="passed", steps=[StepMetrics(index=0, navigated=True, lcp_ms=v, step_ms=100)]
        )
        for v in (900, 1300, 1700)  # median 1300, spread 400: the site itself varies that much
    ]
    r = run([first], rules={"budgets": {"lcp_ms": 1000}}, repetitions=reps)
    results = evaluate("CX-PERF-010", (r, 0))
    assert statuses(results) == ["informative"]
    assert results[0].evidence[0].values["noise_band"] == 400
    # One measure of the same median: the band is 100 ms, and 1300 ms is clearly over.
    single = run([first], rules={"budgets": {"lcp_ms": 1000}})
    assert statuses(evaluate("CX-PERF-010", (single, 0))) == ["fail"]


def test_journey_time_within_the_band_is_inconclusive() -> None:
    steps = [step(0, page("/"), duration_ms=800), step(1, page("/b"), duration_ms=800)]
    results = evaluate("CX-PERF-020", run(steps, rules={"budgets": {"journey_ms": 1500}}))
    assert statuses(results) == ["informative", "informative"]
    assert results[1].message.startswith("inconclusive: journey time 1600 ms vs journey budget")


@pytest.mark.parametrize(("ttfb", "expected"), [(790, "pass"), (850, "informative"), (900, "fail")])
def test_score_curve_checks_judge_their_good_point_with_the_band(
    ttfb: float, expected: str
) -> None:
    r = run([step(0, page("/", timing=Timing(navigated=True, ttfb_ms=ttfb)))])
    (result,) = evaluate("CX-PERF-001", (r, 0))
    assert result.status.value == expected
    if expected == "informative":
        assert result.message == (
            "inconclusive: server response time (TTFB) 850 ms vs the desktop 'good' limit "
            "800 ms, within the noise band (+80 ms)"
        )


def _inconclusive_run() -> object:
    return analyse(result_of(_step_ms(2610, 2500)))


def test_inconclusive_weighs_nothing_and_fails_no_threshold() -> None:
    result = _inconclusive_run()
    (finding,) = [f for f in result.all_findings() if f.code == "CX-PERF-010"]
    assert finding.status == "informative" and is_inconclusive(finding)
    assert "inconclusive" in finding.message
    # The only performance result weighs nothing; the same breach clearly past the band costs 25.
    assert "performance" not in result.scores.categories
    failed = analyse(result_of(_step_ms(2800, 2500)))
    assert failed.scores.categories["performance"] == 75.0
    gates = Thresholds(fail_on="minor", fail_under=50)
    assert not [f for f in verdict_of(result, gates).gating if f.category == "performance"]
    assert [f.code for f in verdict_of(failed, gates).gating if f.category == "performance"] == [
        "CX-PERF-010"
    ]
    assert verdict_of(result, Thresholds(fail_under=50)).passed


def test_inconclusive_fails_when_the_setting_asks() -> None:
    result = _inconclusive_run()
    verdict = verdict_of(result, Thresholds(inconclusive_fails=True))
    assert verdict.failures == (
        "1 timing result(s) inconclusive, within the noise band of their limit "
        "(thresholds.inconclusive_fails is set)",
    )
    settings = Settings.model_validate({"thresholds": {"inconclusive_fails": True}})
    assert thresholds_from(settings).inconclusive_fails is True
    assert thresholds_from(Settings()).inconclusive_fails is False


def test_each_step_keeps_its_own_inconclusive_score_curve_result() -> None:
    """Two steps just past 'good' are two results, as two failures would be (not merged)."""
    steps = [
        step(i, page(f"/p{i}", timing=Timing(navigated=True, ttfb_ms=850)), name=f"open p{i}")
        for i in range(2)
    ]
    result = analyse(result_of(run(steps)))
    ttfb = [f for f in result.all_findings() if f.code == "CX-PERF-001"]
    assert [f.status for f in ttfb] == ["informative", "informative"]
    assert len({f.fingerprint for f in ttfb}) == 2
