"""Response-time checks and budgets, from recorded demo runs and built timings."""

from __future__ import annotations

import pytest

from cxaudit.analysis.analyse import AnalysisSettings, analyse
from cxaudit.project.config import Settings
from cxaudit.results import Repetition, StepMetrics, Timing
from tests.unit.checks.builders import (
    analysed,
    evaluate,
    page,
    recorded,
    result_of,
    run,
    statuses,
    step,
)


def _timed(index: int, duration_ms: float = 100.0, **timing: float) -> object:
    return step(
        index,
        page(f"/p{index}", timing=Timing(navigated="ttfb_ms" in timing, **timing)),
        duration_ms=duration_ms,
    )


def test_recorded_slow_order_status_page_fails_ttfb_on_both_channels() -> None:
    result = analysed("demo-flawed-consistency-and-speed.json")
    slow = [f for f in result.all_findings() if f.code == "CX-PERF-001"]
    assert {f.channel for f in slow} == {"desktop", "mobile"}
    for f in slow:
        r = next(r for r in result.runs if r.channel == f.channel)
        assert "/orders/NW-" in r.steps[f.step].snapshot.url
        assert f.evidence[0].values["metric"] == "ttfb_ms"
        assert f.evidence[0].values["median"] >= f.evidence[0].values["good"]
    mobile = next(f for f in slow if f.channel == "mobile")
    assert "150 ms RTT, 1600 kbps down, 750 kbps up, CPU 4x slower" in mobile.message
    fixed = analysed("demo-fixed-consistency-and-speed.json")
    assert not [f for f in fixed.all_findings() if f.code == "CX-PERF-001"]


def test_recorded_steps_carry_their_own_requests_bytes_and_interactions() -> None:
    raw = recorded("demo-flawed-consistency-and-speed.json")
    for r in raw.runs:
        goto = r.steps[0].snapshot.timing
        assert goto.navigated and goto.step_requests >= 1 and goto.step_bytes > 0
        fill = next(s for s in r.steps if s.action == "fill").snapshot.timing
        assert not fill.navigated and fill.step_requests == 0 and fill.step_bytes == 0
        assert all(s.snapshot.timing.interactions is not None for s in r.steps if s.snapshot)


def test_scores_follow_the_log_normal_curve_per_kind_of_channel() -> None:
    desktop = run([_timed(0, ttfb_ms=800), _timed(1, ttfb_ms=1800), _timed(2, ttfb_ms=100)])
    results = [evaluate("CX-PERF-001", (desktop, i))[0] for i in range(3)]
    assert [r.score for r in results] == [pytest.approx(0.9, abs=1e-3), 0.5, 1.0]
    assert statuses(results) == ["pass", "fail", "pass"]
    assert results[1].severity == "moderate"
    lcp_desktop = evaluate("CX-PERF-003", (run([_timed(0, ttfb_ms=10, lcp_ms=2400)]), 0))[0]
    lcp_mobile = evaluate(
        "CX-PERF-003", (run([_timed(0, ttfb_ms=10, lcp_ms=2400)], channel="mobile"), 0)
    )[0]
    assert lcp_desktop.score == 0.5 and lcp_mobile.score > 0.9
    assert "on mobile (150 ms RTT" in lcp_mobile.message


def test_control_points_are_options() -> None:
    r = run([_timed(0, ttfb_ms=300)])
    strict = {"desktop": {"p10": 100, "median": 300}, "mobile": {"p10": 100, "median": 300}}
    assert evaluate("CX-PERF-001", (r, 0), **strict)[0].score == 0.5
    analysed_run = analyse(
        result_of(r), AnalysisSettings(check_options={"server-response-time": strict})
    )
    outcome = next(o for o in analysed_run.runs[0].outcomes if o.code == "CX-PERF-001")
    assert outcome.score == 0.5


def test_document_metrics_only_on_steps_that_loaded_a_document() -> None:
    in_place = run([_timed(0, ttfb_ms=50), _timed(1, interaction_ms=350)])
    assert evaluate("CX-PERF-001", (in_place, 1)) == []
    slow_click = evaluate("CX-PERF-005", (in_place, 1))
    assert (
        statuses(slow_click) == ["fail"] and "interaction latency 350 ms" in slow_click[0].message
    )
    assert evaluate("CX-PERF-005", (in_place, 0)) == []


def test_budgets_nearest_wins_per_channel_and_each_breach_is_a_finding() -> None:
    rules = {"budgets": {"step_ms": 1000, "channels": {"mobile": {"step_ms": 3000}}}}
    defaults = {"lcp_ms": 2500, "requests": 10}
    steps = [
        step(
            0,
            page("/", timing=Timing(navigated=True, lcp_ms=3000, step_requests=12)),
            duration_ms=1500,
        ),
        step(
            1,
            page("/b", timing=Timing(step_requests=1)),
            duration_ms=1500,
            overrides={"budget": {"step_ms": 2000}},
        ),
    ]
    desktop = run(steps, rules=rules)
    results = evaluate("CX-PERF-010", (desktop, 0), defaults=defaults)
    assert statuses(results) == ["fail", "fail", "fail"]
    by_metric = {r.rule: r for r in results}
    assert set(by_metric) == {"step_ms", "lcp_ms", "requests"}
    assert "over the journey budget of 1000 ms" in by_metric["step_ms"].message
    assert "over the config budget of 2500 ms" in by_metric["lcp_ms"].message
    assert by_metric["requests"].evidence[0].values["actual"] == 12
    assert statuses(evaluate("CX-PERF-010", (desktop, 1), defaults=defaults)) == ["pass"]
    mobile = run(steps, rules=rules, channel="mobile")
    mobile_results = evaluate("CX-PERF-010", (mobile, 0))
    assert statuses(mobile_results) == ["pass"]  # 1500 ms is within mobile's 3000 ms
    assert evaluate("CX-PERF-010", (run(steps), 0)) == []  # no budget anywhere


def test_budgets_judge_the_median_of_repetitions() -> None:
    first = step(0, page("/", timing=Timing(navigated=True, lcp_ms=900)), duration_ms=100)
    reps = [
        Repetition(
            status="passed", steps=[StepMetrics(index=0, navigated=True, lcp_ms=v, step_ms=100)]
        )
        for v in (900, 1400, 1500)
    ]
    r = run([first], rules={"budgets": {"lcp_ms": 1000}}, repetitions=reps)
    results = evaluate("CX-PERF-010", (r, 0))
    assert statuses(results) == ["fail"]
    assert "median of 3" in results[0].message
    assert results[0].evidence[0].values["actual"] == 1400
    assert evaluate("CX-PERF-003", (r, 0))[0].evidence[0].values["samples"] == [900, 1400, 1500]


def test_an_invalid_budget_is_an_error_result() -> None:
    r = run([_timed(0, ttfb_ms=10)], rules={"budgets": {"lcp": 100}})
    results = evaluate("CX-PERF-010", (r, 0))
    assert statuses(results) == ["error"] and "lcp" in results[0].message


def test_journey_time_reports_stages_and_judges_its_budget() -> None:
    steps = [
        step(0, page("/"), stage="pre-purchase", duration_ms=400),
        step(1, page("/cart"), stage="purchase", duration_ms=700),
        step(2, page("/pay"), stage="purchase", duration_ms=300),
        step(3, page("/done"), stage="post-purchase", duration_ms=200),
    ]
    results = evaluate("CX-PERF-020", run(steps, rules={"budgets": {"journey_ms": 1400}}))
    assert statuses(results) == ["informative", "fail"]
    totals = results[0].evidence[0].values
    assert totals["journey_ms"] == 1600 and totals["time_to_purchase_ms"] == 1400
    assert totals["stages"]["purchase"]["step_ms"] == 1000
    assert "journey time 1600 ms is over the journey budget of 1400 ms" in results[1].message
    assert statuses(evaluate("CX-PERF-020", run(steps))) == ["informative"]


def test_config_budgets_and_glossary_reach_their_checks() -> None:
    settings = Settings(
        budgets={"step_ms": 50},
        glossary={"preferred": {"email": ["e-mail"]}},
        checks={"glossary": {"glossary": {"preferred": {"sign in": ["login"]}}}},
    )
    options = AnalysisSettings.from_settings(settings).check_options
    assert options["performance-budget"]["defaults"] == {"step_ms": 50}
    assert options["journey-time"]["defaults"] == {"step_ms": 50}
    # a check's own option wins over the settings section
    assert options["glossary"]["glossary"] == {"preferred": {"sign in": ["login"]}}
    r = result_of(run([step(0, page("/", timing=Timing(navigated=True)), duration_ms=80)]))
    findings = analyse(r, AnalysisSettings.from_settings(Settings(budgets={"step_ms": 50})))
    assert "CX-PERF-010" in {f.code for f in findings.all_findings()}
