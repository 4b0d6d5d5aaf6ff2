"""What a step's metrics are, how repetitions combine, budgets' precedence, the score curve."""

from __future__ import annotations

import pytest

from cxaudit.analysis.metrics import (
    ControlPoints,
    format_value,
    log_normal_score,
    parse_budget,
    repetition_of,
    resolve_limits,
    samples,
    stage_totals,
    step_metrics,
    summary,
    time_to_purchase,
)
from cxaudit.gather.snapshot import emulated_ttfb
from cxaudit.results import Repetition, StepMetrics, Timing
from cxaudit.spec.channels import BUILTIN_CHANNELS
from tests.unit.checks.builders import page, run, step


def test_document_metrics_belong_to_the_step_that_loaded_the_document() -> None:
    loaded = step(
        0,
        page(
            "/",
            timing=Timing(navigated=True, ttfb_ms=40, lcp_ms=900, step_requests=5, step_bytes=9000),
        ),
    )
    in_place = step(
        1,
        page(
            "/",
            timing=Timing(
                navigated=False,
                ttfb_ms=40,
                lcp_ms=900,
                step_requests=1,
                step_bytes=300,
                interactions=1,
                interaction_ms=64,
            ),
        ),
        duration_ms=250,
    )
    first, second = step_metrics(loaded), step_metrics(in_place)
    assert (first.ttfb_ms, first.lcp_ms, first.requests, first.bytes) == (40, 900, 5, 9000)
    assert (second.ttfb_ms, second.lcp_ms) == (None, None)
    assert (second.step_ms, second.requests, second.bytes, second.interaction_ms) == (
        250,
        1,
        300,
        64,
    )
    broken = step_metrics(step(2, None, status="error", duration_ms=10_000))
    assert broken.step_ms is None


def test_repetitions_give_samples_and_medians() -> None:
    first = step(
        0,
        page("/", timing=Timing(navigated=True, ttfb_ms=100)),
        stage="pre-purchase",
        duration_ms=300,
    )
    skipped = step(1, None, status="skipped")
    r = run([first, skipped])
    assert repetition_of(r).steps == [step_metrics(first)]
    assert samples(r, 0, "ttfb_ms") == [100]
    reps = [
        Repetition(
            status="passed", steps=[StepMetrics(index=0, navigated=True, ttfb_ms=v, step_ms=v * 3)]
        )
        for v in (100, 140, 120, 400)
    ]
    r = run([first], repetitions=reps)
    assert samples(r, 0, "ttfb_ms") == [100, 140, 120, 400]
    values = summary(r, 0, "ttfb_ms")
    assert values is not None and (values.n, values.median) == (4, 130)
    assert summary(r, 0, "lcp_ms") is None
    assert stage_totals(r) == {"pre-purchase": {"step_ms": 390, "requests": 0, "bytes": 0}}


def test_time_to_purchase_ends_with_the_purchase_stage() -> None:
    steps = [
        step(0, page(), stage="pre-purchase", duration_ms=500),
        step(1, page(), stage="purchase", duration_ms=700),
        step(2, page(), stage="post-purchase", duration_ms=900),
    ]
    assert time_to_purchase(run(steps)) == 1200
    assert time_to_purchase(run(steps[:1])) is None


def test_budgets_layer_from_config_to_step_with_channel_sections() -> None:
    layers = [
        (
            "config budget",
            {"lcp_ms": 2500, "bytes": 500_000, "channels": {"mobile": {"lcp_ms": 4000}}},
        ),
        ("journey budget", {"lcp_ms": 2000, "step_ms": 3000}),
        ("step budget", {"step_ms": 800}),
    ]
    desktop = resolve_limits(layers, "desktop")
    mobile = resolve_limits(layers, "mobile")
    assert {k: (v.value, v.source) for k, v in desktop.items()} == {
        "lcp_ms": (2000, "journey budget"),
        "bytes": (500_000, "config budget"),
        "step_ms": (800, "step budget"),
    }
    assert (mobile["lcp_ms"].value, mobile["lcp_ms"].source) == (2000, "journey budget")
    only_config = resolve_limits(layers[:1], "mobile")["lcp_ms"]
    assert (only_config.value, only_config.source) == (4000, "config budget (mobile)")
    with pytest.raises(ValueError, match="lcp"):
        parse_budget({"lcp": 1})
    with pytest.raises(ValueError, match="step_ms"):
        parse_budget({"step_ms": -1})


def test_log_normal_curve_through_its_control_points() -> None:
    points = ControlPoints(p10=1200, median=2400)
    assert log_normal_score(1200, points) == pytest.approx(0.9)
    assert log_normal_score(2400, points) == pytest.approx(0.5)
    assert log_normal_score(0, points) == 1.0
    assert 0.5 < log_normal_score(1800, points) < 0.9
    assert log_normal_score(20_000, points) < 0.01
    with pytest.raises(ValueError, match="p10 must be below median"):
        ControlPoints(p10=3000, median=2000)


def test_values_are_formatted_with_their_unit() -> None:
    assert format_value("lcp_ms", 1234.4) == "1234 ms"
    assert format_value("bytes", 48_230) == "48.2 kB"
    assert format_value("requests", 7) == "7 requests"
    assert format_value("cls", 0.1234) == "0.123"


def test_ttfb_on_an_emulated_network_includes_its_latency() -> None:
    mobile, desktop = BUILTIN_CHANNELS["mobile"], BUILTIN_CHANNELS["desktop"]
    assert emulated_ttfb(8.0, 3.0, mobile) == 153.0  # a fast server behind 150 ms latency
    assert emulated_ttfb(1205.0, 3.0, mobile) == 1205.0  # a slow server: its own time
    assert emulated_ttfb(8.0, 3.0, desktop) == 8.0
    assert emulated_ttfb(8.0, 3.0, None) == 8.0
