"""Findings -> scores: pure, documented, explainable.

A check result has a score in [0, 1] and a weight. A category score is the
weighted mean of the passed and failed results in it; results that are not
applicable, informative or not measured weigh nothing (not-measured results
are counted separately, so "no data" never reads as green). A score over
several categories is the weighted mean of the category scores, with the
category weights of the profile. Scores are reported on 0-100.
See docs/scoring.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from cxaudit.results import CheckOutcome

DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {
    "accessibility": 1.0,
    "usability": 1.0,
    "consistency": 1.0,
    "performance": 1.0,
    "trust": 0.5,
}

BANDS = ((90.0, "good"), (50.0, "needs-work"), (0.0, "poor"))


def band(score: float | None) -> str:
    """The grade band of a 0-100 score: good (90+), needs-work (50-89), poor (<50)."""
    if score is None:
        return "not-measured"
    for floor, name in BANDS:
        if score >= floor:
            return name
    return "poor"


def _weighted(pairs: Iterable[tuple[float, float]]) -> float | None:
    total = weight_sum = 0.0
    for score, weight in pairs:
        total += score * weight
        weight_sum += weight
    return None if weight_sum == 0 else total / weight_sum


def score_outcomes(
    outcomes: Iterable[CheckOutcome], category_weights: Mapping[str, float] | None = None
) -> dict[str, Any]:
    """Overall and per-category scores (0-100) of a set of check outcomes."""
    weights = {**DEFAULT_CATEGORY_WEIGHTS, **(category_weights or {})}
    per_category: dict[str, list[tuple[float, float]]] = defaultdict(list)
    not_measured: dict[str, int] = defaultdict(int)
    for outcome in outcomes:
        if outcome.status == "error":
            not_measured[outcome.category] += 1
        if outcome.status not in ("pass", "fail") or outcome.weight <= 0 or outcome.score is None:
            continue
        per_category[outcome.category].append((outcome.score, outcome.weight))
    categories: dict[str, float] = {}
    for category, pairs in per_category.items():
        value = _weighted(pairs)
        if value is not None:
            categories[category] = round(value * 100, 1)
    overall = _weighted((categories[c] / 100, weights.get(c, 1.0)) for c in categories)
    return {
        "overall": None if overall is None else round(overall * 100, 1),
        "categories": dict(sorted(categories.items())),
        "not_measured": dict(sorted(not_measured.items())),
    }


def score_with_stages(
    outcomes: list[CheckOutcome],
    stages: Iterable[str],
    category_weights: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Scores of one journey run: overall, per category, and per stage."""
    scores = score_outcomes(outcomes, category_weights)
    scores["stages"] = {
        stage: score_outcomes([o for o in outcomes if o.stage == stage], category_weights)
        for stage in stages
    }
    return scores
