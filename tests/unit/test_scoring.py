"""Every formula of the scoring model (docs/scoring.md), from hand-made outcomes."""

from __future__ import annotations

import math
from itertools import permutations

import pytest

from cxaudit.analysis.scoring import (
    FULL_WEIGHT,
    Profile,
    aggregate,
    band,
    category_score,
    deduction,
    penalty_score,
    propagate_points,
    run_points,
    score_run,
    scorecard,
    share_points,
    weighted_mean,
)
from cxaudit.results import CheckOutcome, RunScores

PROFILE = Profile()


def outcome(
    status: str = "fail",
    *,
    category: str = "accessibility",
    score: float | None = None,
    weight: float = 10.0,
    fingerprint: str = "",
    step: int | None = 0,
    stage: str | None = "purchase",
    code: str = "CX-A11Y-001",
    slug: str = "axe-rules",
    detail: str = "",
    count: int = 1,
) -> CheckOutcome:
    if score is None:
        score = {"pass": 1.0, "fail": 0.0}.get(status)
    return CheckOutcome(
        code=code,
        slug=slug,
        category=category,
        status=status,
        score=score,
        weight=weight,
        journey="J",
        channel="desktop",
        stage=stage,
        step=step,
        detail=detail,
        fingerprint=fingerprint or (f"fp-{detail or code}-{step}" if status != "pass" else ""),
        count=count,
    )


# -- bands ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (100, "good"),
        (90, "good"),
        (89.6, "good"),  # shown as 90: the band follows the number on screen
        (89.4, "needs-work"),
        (50, "needs-work"),
        (49.4, "poor"),
        (0, "poor"),
        (None, "not-measured"),
    ],
)
def test_band(score: float | None, expected: str) -> None:
    assert band(score) == expected


# -- deduction, penalty, shares ---------------------------------------------


def test_deduction_is_missing_score_times_weight_over_full_weight() -> None:
    assert deduction(0.0, 10) == pytest.approx(10 / FULL_WEIGHT)
    assert deduction(0.0, 7) == pytest.approx(0.35)
    assert deduction(0.6, 10) == pytest.approx(0.4 * 0.5)
    assert deduction(1.0, 10) == 0.0
    assert deduction(0.0, 50) == 1.0  # never more than the whole category
    assert deduction(0.0, 5, full_weight=10) == pytest.approx(0.5)


def test_penalty_score_keeps_the_product_of_what_each_deduction_leaves() -> None:
    assert penalty_score([]) == 100.0
    assert penalty_score([0.5]) == pytest.approx(50.0)
    assert penalty_score([0.5, 0.35]) == pytest.approx(100 * 0.5 * 0.65)
    assert penalty_score([1.0, 0.2]) == 0.0
    # Each further problem costs something, and the score never goes below 0.
    many = [0.5] * 20
    assert 0 < penalty_score(many) < penalty_score(many[:-1])


def test_share_points_adds_up_and_does_not_depend_on_order() -> None:
    deductions = [0.5, 0.35, 0.05]
    lost = 100 - penalty_score(deductions)
    shares = share_points(deductions)
    assert sum(shares) == pytest.approx(lost)
    assert shares[0] > shares[1] > shares[2] > 0
    expected = [
        lost * -math.log(1 - d) / sum(-math.log(1 - x) for x in deductions) for d in deductions
    ]
    assert shares == pytest.approx(expected)
    for order in permutations(range(3)):
        again = share_points([deductions[i] for i in order])
        assert [again[order.index(i)] for i in range(3)] == pytest.approx(shares)


def test_share_points_when_the_category_is_emptied() -> None:
    assert share_points([1.0, 0.3, 1.0]) == pytest.approx([50.0, 0.0, 50.0])
    assert share_points([]) == []
    assert share_points([0.0, 0.0]) == [0.0, 0.0]


def test_weighted_mean_ignores_missing_values_and_zero_weights() -> None:
    assert weighted_mean([(80, 1), (40, 3)]) == pytest.approx(50)
    assert weighted_mean([(80, 1), (None, 3)]) == pytest.approx(80)
    assert weighted_mean([(80, 0)]) is None
    assert weighted_mean([]) is None


# -- categories -------------------------------------------------------------


def test_passing_results_do_not_dilute_a_failure() -> None:
    """The flaw of a mean over rules: one critical failure among a thousand passes."""
    passes = [outcome("pass", detail="1000 passed", count=1000, fingerprint="")]
    alone = category_score([outcome("fail", weight=10, detail="image-alt")], PROFILE)
    diluted = category_score([*passes, outcome("fail", weight=10, detail="image-alt")], PROFILE)
    assert alone.score == diluted.score == pytest.approx(50.0)
    assert diluted.measured == 1001


def test_the_same_problem_on_several_steps_is_one_deduction() -> None:
    same = [
        outcome("fail", weight=7, fingerprint="contrast", step=2),
        outcome("fail", weight=7, fingerprint="contrast", step=5),
    ]
    result = category_score(same, PROFILE)
    assert result.score == pytest.approx(65.0)
    assert len(result.losses) == 1 and result.losses[0].key == "contrast"
    # The worst of the repeats counts (a partial result and a full failure).
    mixed = [
        outcome("fail", weight=10, score=0.5, fingerprint="x"),
        outcome("fail", weight=10, score=0.0, fingerprint="x"),
    ]
    assert category_score(mixed, PROFILE).score == pytest.approx(50.0)


def test_losses_explain_the_category_score_exactly() -> None:
    items = [
        outcome("fail", weight=10, detail="image-alt"),
        outcome("fail", weight=7, detail="color-contrast"),
        outcome("fail", weight=1, detail="region"),
        outcome("pass", count=40),
    ]
    result = category_score(items, PROFILE)
    assert result.score == pytest.approx(100 * 0.5 * 0.65 * 0.95)
    assert sum(loss.points for loss in result.losses) == pytest.approx(100 - result.score)
    assert [loss.detail for loss in result.losses] == ["image-alt", "color-contrast", "region"]


def test_not_measured_is_never_a_pass() -> None:
    only_errors = category_score([outcome("error"), outcome("error", step=1)], PROFILE)
    assert only_errors.score is None
    assert only_errors.not_measured == 2
    mixed = category_score([outcome("pass"), outcome("error")], PROFILE)
    assert mixed.score == 100.0 and mixed.not_measured == 1 and mixed.measured == 1


def test_not_applicable_and_informative_weigh_nothing() -> None:
    items = [
        outcome("not_applicable", score=None),
        outcome("informative", score=None),
        outcome("informative", score=0.0),
    ]
    result = category_score(items, PROFILE)
    assert result.score is None and result.measured == 0 and result.not_measured == 0
    assert category_score([*items, outcome("pass")], PROFILE).score == 100.0


def test_a_partial_pass_costs_its_share() -> None:
    timing = outcome("pass", category="performance", score=0.8, weight=10, code="CX-PERF-001")
    result = category_score([timing], PROFILE)
    assert result.score == pytest.approx(100 * (1 - 0.2 * 10 / FULL_WEIGHT))
    assert result.losses[0].status == "pass"


def test_scorecard_weights_the_categories() -> None:
    profile = Profile.from_weights({"usability": 3})
    card = scorecard(
        [
            outcome("fail", weight=10),  # accessibility 50
            outcome("pass", category="usability", code="CX-USE-010"),  # usability 100
            outcome("error", category="performance", code="CX-PERF-001"),  # not measured
        ],
        profile,
    )
    assert card.categories["accessibility"].score == pytest.approx(50)
    assert card.categories["performance"].score is None
    assert card.overall == pytest.approx((50 * 1 + 100 * 3) / 4)
    as_dict = card.as_dict(losses=True)
    assert as_dict["categories"] == {"accessibility": 50.0, "usability": 100.0}
    assert as_dict["not_measured"] == {"performance": 1}
    assert as_dict["band"] == "needs-work"


# -- journey runs -----------------------------------------------------------


def _run_outcomes() -> list[CheckOutcome]:
    return [
        outcome("fail", weight=10, detail="image-alt", stage="pre-purchase", step=0),
        outcome("fail", weight=7, detail="contrast", stage="pre-purchase", step=0),
        outcome("pass", category="usability", code="CX-USE-010", stage="purchase", step=3),
        outcome(
            "fail", category="usability", weight=3, code="CX-USE-011", stage="purchase", step=4
        ),
    ]


def test_score_run_completed() -> None:
    scores = score_run(
        _run_outcomes(),
        stages=["pre-purchase", "purchase", "post-purchase"],
        status="passed",
        profile=PROFILE,
    )
    a11y, use = 100 * 0.5 * 0.65, 100 * (1 - 3 / 20)
    assert scores.categories == {"accessibility": round(a11y, 1), "usability": round(use, 1)}
    assert scores.overall == pytest.approx((a11y + use) / 2, abs=0.05)
    assert scores.completed is True
    assert scores.stages["pre-purchase"].overall == pytest.approx(a11y, abs=0.05)
    assert scores.stages["purchase"].overall == pytest.approx(use, abs=0.05)
    assert scores.stages["post-purchase"].overall is None  # nothing was checked there
    assert scores.steps["3"].overall == 100.0
    assert scores.steps["4"].overall == pytest.approx(use, abs=0.05)
    points = run_points(scores, PROFILE, None)
    assert sum(points.values()) == pytest.approx(100 - scores.overall, abs=0.1)


def test_a_journey_the_customer_cannot_finish_scores_zero() -> None:
    gate = outcome(
        "fail",
        category="usability",
        code="CX-USE-001",
        slug="journey-completion",
        fingerprint="gate",
    )
    scores = score_run(
        [*_run_outcomes(), gate], stages=["purchase"], status="failed", profile=PROFILE
    )
    assert scores.overall == 0.0 and scores.band == "poor"
    assert scores.uncapped > 0  # the categories are still there to diagnose
    assert run_points(scores, PROFILE, "gate") == {"gate": 100.0}


def test_a_broken_run_is_not_measured() -> None:
    scores = score_run(_run_outcomes(), stages=[], status="error", profile=PROFILE)
    assert scores.overall is None and scores.band == "not-measured"
    assert run_points(scores, PROFILE, None) == {}


# -- channels and overall ---------------------------------------------------


def _summary(overall: float | None, categories: dict[str, float], **extra: object) -> RunScores:
    return RunScores.model_validate(
        {"overall": overall, "categories": categories, "status": "passed", **extra}
    )


def test_channel_is_the_mean_of_its_journeys_and_overall_the_mean_of_channels() -> None:
    runs = [
        ("desktop", "A", _summary(80.0, {"accessibility": 60.0, "usability": 100.0})),
        ("desktop", "B", _summary(0.0, {"usability": 50.0})),
        ("mobile", "A", _summary(70.0, {"accessibility": 40.0})),
        ("mobile", "B", _summary(None, {}, not_measured={"performance": 2})),
    ]
    scores = aggregate(runs, ["desktop", "mobile"], PROFILE)
    desktop, mobile = scores.channels["desktop"], scores.channels["mobile"]
    assert desktop.overall == 40.0
    assert desktop.categories == {"accessibility": 60.0, "usability": 75.0}
    assert mobile.overall == 70.0  # the broken run is left out, and counted
    assert mobile.runs_not_measured == 1 and mobile.not_measured == {"performance": 2}
    assert scores.overall == 55.0
    assert scores.categories == {"accessibility": 50.0, "usability": 75.0}
    weighted = aggregate(runs, ["desktop", "mobile"], Profile.from_weights({"channel:mobile": 3}))
    assert weighted.overall == pytest.approx((40 + 3 * 70) / 4, abs=0.05)


def test_points_carry_up_to_the_overall_score() -> None:
    runs = [
        ("desktop", "A", _summary(80.0, {})),
        ("desktop", "B", _summary(100.0, {})),
        ("mobile", "A", _summary(90.0, {})),
    ]
    scores = aggregate(runs, ["desktop", "mobile"], PROFILE)
    assert propagate_points(20.0, "desktop", scores, PROFILE) == pytest.approx((10.0, 5.0))
    assert propagate_points(10.0, "mobile", scores, PROFILE) == pytest.approx((10.0, 5.0))
    assert scores.overall == pytest.approx(100 - 5.0 - 5.0)


# -- the profile ------------------------------------------------------------


def test_profile_reads_the_flat_weights_of_the_config() -> None:
    profile = Profile.from_weights(
        {
            "trust": 2,
            "full_weight": 10,
            "channel:mobile": 2,
            "CX-USE-010": 5,
            "CX-A11Y-001:color-contrast": 1,
            "failed-requests": 4,
        }
    )
    assert profile.category_weight("trust") == 2 and profile.category_weight("accessibility") == 1
    assert profile.full_weight == 10 and profile.channel_weight("mobile") == 2
    assert profile.check_weight("CX-USE-010", "console-errors", "", 3) == 5
    assert profile.check_weight("CX-USE-011", "failed-requests", "", 3) == 4
    assert profile.check_weight("CX-A11Y-001", "axe-rules", "color-contrast", 7) == 1
    assert profile.check_weight("CX-A11Y-001", "axe-rules", "image-alt", 10) == 10
    with pytest.raises(ValueError, match="negative"):
        Profile.from_weights({"trust": -1})
    with pytest.raises(ValueError, match="full_weight"):
        Profile.from_weights({"full_weight": 0})
