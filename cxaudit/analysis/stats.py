"""Small statistics for noisy timings: medians, spread, and a rank test.

Timings of the same page differ from run to run (other processes, the
network, garbage collection). One number says little; cxaudit therefore
reports the median and the spread of repeated runs, and calls a change
against a baseline real only when a Mann-Whitney U test says the two sets
of samples are unlikely to come from the same distribution, as
sitespeed.io does. Anything else is "inconclusive", never a flaky failure.

Written here rather than taken from scipy: the whole need is about a
hundred lines, and scipy would be the heaviest dependency by far.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, Literal

#: Below this many samples per side the exact distribution of U is used (when there are no ties).
EXACT_LIMIT = 25


@dataclass(frozen=True)
class Summary:
    """Median and spread of repeated measurements of one metric.

    ``spread`` is the interquartile range (q3 - q1): unlike the standard
    deviation it is not thrown by one slow outlier, which timings often have.
    """

    n: int
    median: float
    q1: float
    q3: float
    minimum: float
    maximum: float

    @property
    def spread(self) -> float:
        return self.q3 - self.q1

    def as_dict(self) -> dict[str, float]:
        return {**asdict(self), "spread": self.spread}


def summarise(values: Sequence[float]) -> Summary:
    """Median, quartiles and range of ``values`` (at least one).

    Quartiles interpolate between the measurements themselves (the "inclusive"
    method): a spread is never wider than what was measured.
    """
    if not values:
        raise ValueError("summary of no values")
    q1, _, q3 = (
        statistics.quantiles(values, n=4, method="inclusive")
        if len(values) > 1
        else (
            values[0],
            values[0],
            values[0],
        )
    )
    return Summary(
        n=len(values),
        median=statistics.median(values),
        q1=q1,
        q3=q3,
        minimum=min(values),
        maximum=max(values),
    )


def _ranks(values: Sequence[float]) -> tuple[list[float], list[int]]:
    """Average ranks (1-based) of ``values`` and the sizes of the groups of ties."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    ties: list[int] = []
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        average = (i + j) / 2 + 1
        for k in range(i, j + 1):
            ranks[order[k]] = average
        if j > i:
            ties.append(j - i + 1)
        i = j + 1
    return ranks, ties


@lru_cache(maxsize=256)
def _u_counts(m: int, n: int) -> tuple[int, ...]:
    """How many of the C(m+n, m) orderings give each value of U (0..m*n), without ties.

    The recurrence: the largest of all values belongs either to the first
    sample (adding n to U) or to the second (adding nothing).
    """
    if m == 0 or n == 0:
        return (1,)
    with_first = _u_counts(m - 1, n)
    with_second = _u_counts(m, n - 1)
    counts = [0] * (m * n + 1)
    for u, c in enumerate(with_first):
        counts[u + n] += c
    for u, c in enumerate(with_second):
        counts[u] += c
    return tuple(counts)


@dataclass(frozen=True)
class RankTest:
    """The outcome of a two-sided Mann-Whitney U test."""

    u: float  # U of the first sample: how often one of its values beats one of the second's
    p_value: float
    method: Literal["exact", "normal"]


def mann_whitney_u(first: Sequence[float], second: Sequence[float]) -> RankTest:
    """Two-sided Mann-Whitney U test of ``first`` against ``second``.

    Exact p-value from the distribution of U when both samples are small
    and have no ties; otherwise the normal approximation with a correction
    for ties and for continuity (the same choices scipy makes by default).
    """
    m, n = len(first), len(second)
    if m == 0 or n == 0:
        raise ValueError("both samples need at least one value")
    ranks, ties = _ranks([*first, *second])
    u_first = sum(ranks[:m]) - m * (m + 1) / 2
    if not ties and max(m, n) <= EXACT_LIMIT:
        counts = _u_counts(m, n)
        smaller = min(u_first, m * n - u_first)
        tail = sum(counts[: int(smaller) + 1]) / math.comb(m + n, m)
        return RankTest(u_first, min(1.0, 2 * tail), "exact")
    total = m + n
    tie_term = sum(t**3 - t for t in ties) / (total * (total - 1))
    variance = m * n / 12 * ((total + 1) - tie_term)
    if variance <= 0:  # every value equal: nothing tells the samples apart
        return RankTest(u_first, 1.0, "normal")
    distance = max(0.0, abs(u_first - m * n / 2) - 0.5)
    z = distance / math.sqrt(variance)
    return RankTest(u_first, min(1.0, math.erfc(z / math.sqrt(2))), "normal")


Verdict = Literal["faster", "slower", "inconclusive"]


@dataclass(frozen=True)
class TimingComparison:
    """Whether the current timings differ from the baseline's, and how sure that is.

    ``change`` is the relative change of the median (-0.2 = 20 % faster).
    ``verdict`` is ``faster`` or ``slower`` only when the rank test's
    p-value is below ``alpha`` and the change is at least ``min_change``.
    """

    verdict: Verdict
    p_value: float | None
    method: str
    alpha: float
    baseline: Summary | None
    current: Summary | None
    change: float | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "p_value": self.p_value,
            "method": self.method,
            "alpha": self.alpha,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "current": self.current.as_dict() if self.current else None,
            "change": self.change,
            "reason": self.reason,
        }


def compare_timings(
    baseline_samples: Sequence[float],
    current_samples: Sequence[float],
    *,
    alpha: float = 0.05,
    min_change: float = 0.0,
) -> TimingComparison:
    """Did a metric get faster or slower than the baseline, or can't we tell?

    Lower is better for every timing. With one sample on a side (a run
    without ``--repeat``) no test can be sure, so the answer is
    "inconclusive" with the reason; that is the honest answer, not an error.
    """
    base = [float(v) for v in baseline_samples]
    curr = [float(v) for v in current_samples]
    base_summary = summarise(base) if base else None
    curr_summary = summarise(curr) if curr else None
    if base_summary is None or curr_summary is None:
        return TimingComparison(
            "inconclusive", None, "none", alpha, base_summary, curr_summary, None, "no samples"
        )
    change = (
        (curr_summary.median - base_summary.median) / base_summary.median
        if base_summary.median
        else None
    )
    test = mann_whitney_u(curr, base)

    def answer(verdict: Verdict, reason: str) -> TimingComparison:
        return TimingComparison(
            verdict, test.p_value, test.method, alpha, base_summary, curr_summary, change, reason
        )

    if test.p_value >= alpha:
        reason = f"p = {test.p_value:.3g} is not below {alpha:g}"
        if min(len(base), len(curr)) < 4:
            reason += " (too few samples to tell: use --repeat 5 or more)"
        return answer("inconclusive", reason)
    if change is not None and abs(change) < min_change:
        return answer("inconclusive", f"real but small: {change:+.1%} is within {min_change:.0%}")
    # U of the current sample is large when its values are mostly above the baseline's.
    slower = test.u > len(curr) * len(base) / 2
    return answer("slower" if slower else "faster", f"p = {test.p_value:.3g} < {alpha:g}")


#: A timing this much past its limit (relative to the limit) may still be noise ...
NOISE_RELATIVE = 0.10
#: ... and so may this many milliseconds, whatever the limit.
NOISE_FLOOR_MS = 50.0

Judgement = Literal["within", "inconclusive", "over"]


def noise_band(
    limit: float,
    values: Summary,
    *,
    relative: float = NOISE_RELATIVE,
    floor: float = NOISE_FLOOR_MS,
) -> float:
    """How far past ``limit`` a timing must be before it is clearly past it.

    The same page measured twice on a busy machine differs by tens of
    milliseconds and by some per cent of its time (bench/ttfb_accuracy.py
    meets 10 % or 50 ms on a loopback server). The band is the largest of
    ``relative`` x the limit, ``floor`` and, with repeated measures, their
    interquartile spread: the spread the site itself showed in this run.
    """
    spread = values.spread if values.n > 1 else 0.0
    return max(relative * abs(limit), floor, spread, 0.0)


def judge(values: Summary, limit: float, band: float) -> Judgement:
    """``within`` the limit, ``over`` it by more than ``band``, or ``inconclusive`` between.

    The median is judged. "inconclusive" is the honest answer for a measure
    that is past the limit by less than the noise of measuring it: it is
    neither a pass nor a failure.
    """
    if values.median <= limit:
        return "within"
    if values.median <= limit + band:
        return "inconclusive"
    return "over"
