"""Medians, spread and the Mann-Whitney U test, against known values.

Reference p-values were computed with scipy 1.17.1
(``scipy.stats.mannwhitneyu(a, b, alternative="two-sided")``, its default
method for each case) and are written down here; scipy is not a dependency.
"""

from __future__ import annotations

import itertools
import math
import random

import pytest

from cxaudit.analysis.stats import compare_timings, mann_whitney_u, summarise

A12 = [1003.2, 987.1, 1012.4, 995.0, 1020.7, 1001.1, 990.3, 1008.8, 999.9, 1015.2, 985.6, 1004.4]
B12 = [
    1010.5,
    1025.3,
    1018.9,
    1031.0,
    1002.7,
    1022.2,
    1013.3,
    1028.4,
    1007.1,
    1019.6,
    1035.8,
    1011.0,
]


def test_median_and_quartiles() -> None:
    assert summarise([3, 1, 2]).median == 2
    assert summarise([4, 1, 3, 2]).median == 2.5
    assert summarise([1, 2, 3, 4, 5]).q1 == 2
    assert summarise([10, 20]).q1 == 12.5
    assert summarise([7]).spread == 0
    summary = summarise([100, 110, 105, 400, 108])
    assert (summary.n, summary.median, summary.minimum, summary.maximum) == (5, 108, 100, 400)
    assert summary.spread == summary.q3 - summary.q1 == 110 - 105
    assert summary.as_dict()["spread"] == 5
    with pytest.raises(ValueError):
        summarise([])


@pytest.mark.parametrize(
    ("first", "second", "u", "p", "method"),
    [
        ([1, 2, 3], [4, 5, 6], 0.0, 0.1, "exact"),
        ([310, 320, 305, 330, 315], [410, 420, 400, 430, 405], 0.0, 0.007936507936507936, "exact"),
        (
            [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7],
            [2.5, 3.5, 4.5, 8.5, 9.5, 10.5],
            12.0,
            0.23426573426573427,
            "exact",
        ),
        (A12, B12, 20.0, 0.00182977609279938, "exact"),  # scipy method="exact"
        # ties: normal approximation with tie and continuity correction
        ([1, 2, 2, 3, 3, 3, 4], [3, 4, 4, 5, 5, 6, 7], 3.5, 0.007659988586736321, "normal"),
        ([100] * 4 + [110] * 4, [100] * 4 + [120] * 4, 24.0, 0.39209928921975934, "normal"),
        ([5.0] * 3, [5.0] * 3, 4.5, 1.0, "normal"),
    ],
)
def test_mann_whitney_matches_reference(
    first: list[float], second: list[float], u: float, p: float, method: str
) -> None:
    result = mann_whitney_u(first, second)
    assert result.u == u
    assert result.method == method
    assert result.p_value == pytest.approx(p, rel=1e-9)


def test_large_samples_use_the_normal_approximation() -> None:
    rng = random.Random(1)
    a = [rng.gauss(1000, 50) for _ in range(30)]
    b = [rng.gauss(1040, 50) for _ in range(30)]
    result = mann_whitney_u(a, b)
    assert result.method == "normal"
    assert result.u == 240.0
    assert result.p_value == pytest.approx(0.0019526766739305424, rel=1e-9)


def test_exact_distribution_agrees_with_enumeration() -> None:
    """The recurrence against brute force: every split of 4 + 5 distinct values."""
    first, second = [2.0, 3.5, 7.0, 9.0], [1.0, 4.0, 5.0, 6.0, 8.0]
    pooled = first + second
    observed = mann_whitney_u(first, second)
    extreme = min(observed.u, len(first) * len(second) - observed.u)
    as_extreme = 0
    splits = list(itertools.combinations(range(len(pooled)), len(first)))
    for chosen in splits:
        a = [pooled[i] for i in chosen]
        b = [pooled[i] for i in range(len(pooled)) if i not in chosen]
        u = sum(1 for x in a for y in b if x > y)
        if min(u, len(a) * len(b) - u) <= extreme:
            as_extreme += 1
    assert len(splits) == math.comb(9, 4)
    assert observed.p_value == pytest.approx(min(1.0, as_extreme / len(splits)))


def test_compare_timings_calls_a_real_slowdown_slower() -> None:
    baseline = [310, 320, 305, 330, 315]
    current = [410, 420, 400, 430, 405]
    result = compare_timings(baseline, current)
    assert result.verdict == "slower"
    assert result.p_value == pytest.approx(0.007936507936507936)
    assert result.change == pytest.approx((410 - 315) / 315)
    assert compare_timings(current, baseline).verdict == "faster"
    as_dict = result.as_dict()
    assert as_dict["verdict"] == "slower" and as_dict["baseline"]["median"] == 315


def test_compare_timings_is_inconclusive_when_it_cannot_tell() -> None:
    one_each = compare_timings([300], [900])
    assert one_each.verdict == "inconclusive"
    assert "too few samples" in one_each.reason
    overlapping = compare_timings(
        [1.1, 2.2, 3.3, 4.4, 5.5, 6.6, 7.7], [2.5, 3.5, 4.5, 8.5, 9.5, 10.5]
    )
    assert overlapping.verdict == "inconclusive" and overlapping.p_value is not None
    empty = compare_timings([], [1, 2])
    assert (empty.verdict, empty.p_value) == ("inconclusive", None)


def test_compare_timings_ignores_real_but_small_changes_when_asked() -> None:
    result = compare_timings(A12, B12, min_change=0.05)
    assert result.verdict == "inconclusive" and "small" in result.reason
    assert compare_timings(A12, B12).verdict == "slower"
