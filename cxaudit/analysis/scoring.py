"""Check outcomes -> scores: pure, documented, explainable (docs/scoring.md).

The model in one paragraph. A score says how much is *wrong*, not how much was
looked at: each result that is not a full pass takes a share of its category
away (its *deduction*, ``(1 - score) x weight / full_weight``), and the
category keeps what the deductions leave, ``100 x product(1 - d)``. The same
problem met on several steps of a journey is one deduction, not several.
Passing results take nothing away and add nothing: a thousand passing rules
cannot hide one failing one, which is what a mean over rules (Lighthouse's
accessibility score) does. A journey run's score is the weighted mean of its
category scores, and 0 when the customer could not finish the journey;
channel and overall scores are means of journey-run scores. Not-applicable
and informative results weigh nothing; results that could not measure are
counted as *not measured* and never pass for green.

Every score can be taken apart: :func:`share_points` splits a category's lost
points between its deductions so that they add up exactly, and
:func:`propagate_points` carries a finding's points up to the channel and
overall scores.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from cxaudit.checks.base import CATEGORIES
from cxaudit.results import CardScores, ChannelScores, RunScores, RunTotals

DEFAULT_CATEGORY_WEIGHTS: dict[str, float] = {
    "accessibility": 1.0,
    "usability": 1.0,
    "consistency": 1.0,
    "performance": 1.0,
    "trust": 0.5,
}

#: The weight at which one failed result takes a whole category away. With
#: axe's impact weights a critical violation takes 50 %, serious 35 %,
#: moderate 15 % and minor 5 % of what is left of the category.
FULL_WEIGHT = 20.0

BANDS = ((90.0, "good"), (50.0, "needs-work"), (0.0, "poor"))
BAND_LABELS = {
    "good": "Good",
    "needs-work": "Needs work",
    "poor": "Poor",
    "not-measured": "Not measured",
}

#: Decimal places kept in results.json and shown in explanations.
PRECISION = 1


def band(score: float | None) -> str:
    """The grade band of a 0-100 score: good (90+), needs-work (50-89), poor (<50)."""
    if score is None:
        return "not-measured"
    for floor, name in BANDS:
        if round(score) >= floor:
            return name
    return "poor"


#: The best band a subject can be labelled with while it has a failing finding
#: of this severity (docs/scoring.md, "Labels follow the worst finding").
SEVERITY_CAPS = {"critical": "poor", "serious": "needs-work"}
_BAND_RANK = {"poor": 0, "needs-work": 1, "good": 2}


def capped_band(score: float | None, worst_severity: str | None) -> str:
    """The band of ``score``, no better than its worst failing finding allows.

    A score is a mean: one serious WCAG failure among many passes still
    leaves 92, and "Good" beside it would tell a client the step is fine.
    A critical finding caps the label at poor, a serious one at needs work.
    """
    name = band(score)
    cap = SEVERITY_CAPS.get(worst_severity or "")
    if cap is None or name not in _BAND_RANK:
        return name
    return cap if _BAND_RANK[name] > _BAND_RANK[cap] else name


def ordered_categories(names: Iterable[str]) -> list[str]:
    """Categories in the documented order, any others after them by name."""
    rank = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(set(names), key=lambda c: (rank.get(c, len(rank)), c))


def _round(value: float | None, digits: int = PRECISION) -> float | None:
    return None if value is None else round(value, digits)


class Scored(Protocol):
    """What scoring reads of a check outcome (:class:`cxaudit.results.CheckOutcome`)."""

    code: str
    slug: str
    category: str
    status: str
    score: float | None
    weight: float
    stage: str | None
    step: int | None
    detail: str
    fingerprint: str
    count: int


@dataclass(frozen=True)
class Profile:
    """The weights a run is scored with: defaults, overridden by config ``weights:``.

    ``check_weights`` keys are check codes or slugs, or ``CODE:rule`` for one
    rule of a check family (``CX-A11Y-001:color-contrast``).
    """

    category_weights: Mapping[str, float] = field(
        default_factory=lambda: dict(DEFAULT_CATEGORY_WEIGHTS)
    )
    check_weights: Mapping[str, float] = field(default_factory=dict)
    channel_weights: Mapping[str, float] = field(default_factory=dict)
    full_weight: float = FULL_WEIGHT

    @classmethod
    def from_weights(cls, weights: Mapping[str, float] | None) -> Profile:
        """Read the flat ``weights:`` mapping of the config.

        A key is a category (``accessibility: 2``), ``full_weight``, a channel
        as ``channel:mobile``, or a check as its code, slug or ``CODE:rule``.
        """
        categories = dict(DEFAULT_CATEGORY_WEIGHTS)
        checks: dict[str, float] = {}
        channels: dict[str, float] = {}
        full = FULL_WEIGHT
        for key, value in (weights or {}).items():
            value = float(value)
            if value < 0:
                raise ValueError(f"weights.{key}: a weight cannot be negative")
            if key in CATEGORIES:
                categories[key] = value
            elif key == "full_weight":
                if value <= 0:
                    raise ValueError("weights.full_weight must be above 0")
                full = value
            elif key.startswith("channel:"):
                channels[key.split(":", 1)[1]] = value
            else:
                checks[key] = value
        return cls(categories, checks, channels, full)

    def category_weight(self, category: str) -> float:
        return self.category_weights.get(category, 1.0)

    def channel_weight(self, channel: str) -> float:
        return self.channel_weights.get(channel, 1.0)

    def check_weight(self, code: str, slug: str, rule: str, default: float) -> float:
        """The weight of one result: the most specific override, else ``default``."""
        for key in (f"{code}:{rule}" if rule else None, f"{slug}:{rule}" if rule else None):
            if key and key in self.check_weights:
                return self.check_weights[key]
        if code in self.check_weights:
            return self.check_weights[code]
        return self.check_weights.get(slug, default)

    def as_dict(self) -> dict[str, Any]:
        return {
            "categories": dict(self.category_weights),
            "checks": dict(self.check_weights),
            "channels": dict(self.channel_weights),
            "full_weight": self.full_weight,
        }


# ---------------------------------------------------------------------------
# Formulas


def deduction(score: float, weight: float, full_weight: float = FULL_WEIGHT) -> float:
    """The share of its category a result takes away: ``(1 - score) x weight / full_weight``.

    Capped to [0, 1]: a result can take at most the whole category.
    """
    return max(0.0, min(1.0, (1.0 - score) * weight / full_weight))


def penalty_score(deductions: Iterable[float]) -> float:
    """What the deductions leave of 100: ``100 x product(1 - d)``.

    Each deduction takes its share of what the others left, so the score
    never goes below 0, every extra problem still costs something, and fixing
    any one problem always raises the score.
    """
    kept = 1.0
    for d in deductions:
        kept *= 1.0 - d
    return 100.0 * kept


def share_points(deductions: Sequence[float]) -> list[float]:
    """Split the points lost (``100 - penalty_score``) between the deductions.

    In proportion to ``-ln(1 - d)``, the one split that does not depend on the
    order of the deductions; the shares add up to the points lost exactly.
    When deductions of 1 emptied the category, they share the loss.
    """
    lost = 100.0 - penalty_score(deductions)
    if lost <= 0:
        return [0.0] * len(deductions)
    whole = [d >= 1.0 for d in deductions]
    if any(whole):
        return [lost / sum(whole) if w else 0.0 for w in whole]
    logs = [-math.log1p(-d) for d in deductions]
    total = sum(logs)
    return [lost * value / total for value in logs]


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Mean of the values that are not None, by weight; None when nothing weighs."""
    total = weight_sum = 0.0
    for value, weight in pairs:
        if value is None or weight <= 0:
            continue
        total += value * weight
        weight_sum += weight
    return None if weight_sum == 0 else total / weight_sum


# ---------------------------------------------------------------------------
# Categories and score cards


@dataclass(frozen=True)
class Loss:
    """One deduction in a category: which problem, how big, how many points."""

    key: str
    code: str
    detail: str
    status: str
    deduction: float
    points: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "code": self.code,
            "detail": self.detail,
            "status": self.status,
            "deduction": round(self.deduction, 4),
            "points": round(self.points, 2),
        }


@dataclass(frozen=True)
class CategoryScore:
    """A category's score, with what it was made of.

    ``score`` is None when nothing in the category passed or failed (no check
    applied, or every check could not measure: see ``not_measured``).
    """

    score: float | None
    measured: int = 0
    not_measured: int = 0
    losses: tuple[Loss, ...] = ()


def _loss_key(outcome: Scored) -> str:
    """One deduction per problem: the finding's fingerprint, else the result's place."""
    return outcome.fingerprint or f"{outcome.code}|{outcome.detail}|{outcome.step}"


def category_score(outcomes: Iterable[Scored], profile: Profile) -> CategoryScore:
    """Score one category from its outcomes (any scope: step, stage, journey run)."""
    measured = not_measured = 0
    worst: dict[str, tuple[float, Scored]] = {}
    for outcome in outcomes:
        count = max(1, outcome.count)
        if outcome.status == "error":
            not_measured += count
            continue
        if outcome.status not in ("pass", "fail") or outcome.score is None:
            continue  # not applicable, informative: weigh nothing
        measured += count
        if outcome.score >= 1.0:
            continue
        d = deduction(outcome.score, outcome.weight, profile.full_weight)
        key = _loss_key(outcome)
        if d > 0 and (key not in worst or d > worst[key][0]):
            worst[key] = (d, outcome)
    if measured == 0:
        return CategoryScore(None, 0, not_measured)
    items = sorted(worst.items(), key=lambda kv: (-kv[1][0], kv[0]))
    points = share_points([d for _, (d, _) in items])
    losses = tuple(
        Loss(key, o.code, o.detail, o.status, d, p)
        for (key, (d, o)), p in zip(items, points, strict=True)
    )
    return CategoryScore(penalty_score(d for _, (d, _) in items), measured, not_measured, losses)


@dataclass(frozen=True)
class Scorecard:
    """Category scores of one subject and their weighted mean."""

    overall: float | None
    categories: Mapping[str, CategoryScore]

    def as_dict(self, *, losses: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "overall": _round(self.overall),
            "band": band(self.overall),
            "categories": {
                c: _round(s.score) for c, s in self.categories.items() if s.score is not None
            },
            "measured": {c: s.measured for c, s in self.categories.items() if s.measured},
            "not_measured": {
                c: s.not_measured for c, s in self.categories.items() if s.not_measured
            },
        }
        if losses:
            out["losses"] = {
                c: [loss.as_dict() for loss in s.losses]
                for c, s in self.categories.items()
                if s.losses
            }
        return out

    def card(self) -> CardScores:
        """The card as results.json keeps a stage's or a step's."""
        return CardScores.model_validate(self.as_dict())


def scorecard(outcomes: Iterable[Scored], profile: Profile) -> Scorecard:
    """Category scores, and the overall as their weighted mean (category weights)."""
    by_category: dict[str, list[Scored]] = defaultdict(list)
    for outcome in outcomes:
        by_category[outcome.category].append(outcome)
    categories = {
        c: category_score(by_category[c], profile) for c in ordered_categories(by_category)
    }
    overall = weighted_mean((s.score, profile.category_weight(c)) for c, s in categories.items())
    return Scorecard(overall, categories)


# ---------------------------------------------------------------------------
# Journey runs, channels, the whole run


def score_run(
    outcomes: Sequence[Scored],
    *,
    stages: Sequence[str],
    status: str,
    profile: Profile,
) -> RunScores:
    """The scores of one journey run (journey x channel), as results.json keeps them.

    ``overall`` is the weighted mean of the categories when the journey was
    completed (``status == "passed"``), 0 when the customer could not finish
    it (``failed``: nothing else matters if they cannot buy), and None (not
    measured) when the run itself broke (``error``). ``uncapped`` keeps the
    mean before that rule. Stages and steps get their own score cards.
    """
    card = scorecard(outcomes, profile)
    scores = card.as_dict(losses=True)
    completed = status == "passed"
    overall = card.overall if completed else (0.0 if status == "failed" else None)
    scores.update(
        overall=_round(overall),
        band=band(overall),
        uncapped=_round(card.overall),
        completed=completed,
        status=status,
    )
    scores["stages"] = {
        stage: scorecard([o for o in outcomes if o.stage == stage], profile).card()
        for stage in stages
    }
    steps: dict[int, list[Scored]] = defaultdict(list)
    for outcome in outcomes:
        if outcome.step is not None:
            steps[outcome.step].append(outcome)
    scores["steps"] = {
        str(index): scorecard(items, profile).card() for index, items in sorted(steps.items())
    }
    return RunScores.model_validate(scores)


def run_points(scores: RunScores, profile: Profile, gate_key: str | None) -> dict[str, float]:
    """Points of a journey run's overall score that each loss key costs.

    A completed run: a loss's category points times the category's share of
    the weights of the measured categories. A run the customer could not
    finish: all 100 points to ``gate_key`` (the journey-completion finding),
    since fixing anything else would not change its score. They add up to
    ``100 - overall``.
    """
    overall = scores.overall
    if overall is None:
        return {}
    if not scores.completed:
        return {gate_key or "journey-not-completed": 100.0 - overall}
    measured = scores.categories
    total_weight = sum(profile.category_weight(c) for c in measured)
    out: dict[str, float] = defaultdict(float)
    if total_weight <= 0:
        return {}
    for category, losses in scores.losses.items():
        if category not in measured:
            continue
        share = profile.category_weight(category) / total_weight
        for loss in losses:
            out[loss.key] += loss.points * share
    return dict(out)


def _mean_of(values: Iterable[float | None]) -> float | None:
    return weighted_mean((v, 1.0) for v in values)


def aggregate(
    runs: Sequence[tuple[str, str, RunScores]],
    channels: Sequence[str],
    profile: Profile,
) -> RunTotals:
    """Channel and overall scores from journey-run scores ``(channel, journey, scores)``.

    A channel's overall is the mean of its journey runs' overall scores (each
    customer task counts the same), its category and stage scores the means
    of the runs' ones. The overall score is the mean of the channels' by
    channel weight (1 each unless configured). Runs that could not be
    measured are left out of the means and counted under ``not_measured``.
    """
    out_channels: dict[str, ChannelScores] = {}
    for channel in channels:
        mine = [(j, s) for c, j, s in runs if c == channel]
        categories: dict[str, float | None] = {}
        for category in ordered_categories(c for _, s in mine for c in s.categories):
            categories[category] = _mean_of(s.categories.get(category) for _, s in mine)
        stage_names: list[str] = []
        for _, s in mine:
            stage_names += [n for n in s.stages if n not in stage_names]
        not_measured: dict[str, int] = defaultdict(int)
        for _, s in mine:
            for category, n in s.not_measured.items():
                not_measured[category] += n
        overall = _mean_of(s.overall for _, s in mine)
        out_channels[channel] = ChannelScores(
            overall=_round(overall),
            band=band(overall),
            categories={c: _round(v) for c, v in categories.items() if v is not None},
            stages={
                n: _round(_mean_of(_stage_overall(s, n) for _, s in mine)) for n in stage_names
            },
            journeys={j: s.overall for j, s in mine},
            runs=len(mine),
            runs_not_measured=sum(1 for _, s in mine if s.overall is None),
            not_measured=dict(sorted(not_measured.items())),
        )
    weights = [(name, profile.channel_weight(name)) for name in channels]
    overall = weighted_mean((out_channels[n].overall, w) for n, w in weights)
    category_names = ordered_categories(c for v in out_channels.values() for c in v.categories)
    categories = {
        c: weighted_mean((out_channels[n].categories.get(c), w) for n, w in weights)
        for c in category_names
    }
    not_measured_total: dict[str, int] = defaultdict(int)
    for value in out_channels.values():
        for category, n in value.not_measured.items():
            not_measured_total[category] += n
    return RunTotals.model_validate(
        {
            "overall": _round(overall),
            "band": band(overall),
            "categories": {c: _round(v) for c, v in categories.items() if v is not None},
            "not_measured": dict(sorted(not_measured_total.items())),
            "channels": out_channels,
            "profile": profile.as_dict(),
        }
    )


def _stage_overall(scores: RunScores, stage: str) -> float | None:
    card = scores.stages.get(stage)
    return None if card is None else card.overall


def propagate_points(
    points_in_run: float, channel: str, scores: RunTotals, profile: Profile
) -> tuple[float, float]:
    """A journey run's points carried up: (points of the channel, points of the overall)."""
    channels = scores.channels
    mine = channels.get(channel)
    if mine is None:
        return 0.0, 0.0
    measured_runs = mine.runs - mine.runs_not_measured
    if measured_runs <= 0:
        return 0.0, 0.0
    in_channel = points_in_run / measured_runs
    weight_sum = sum(
        profile.channel_weight(n) for n, v in channels.items() if v.overall is not None
    )
    if weight_sum <= 0:
        return in_channel, 0.0
    return in_channel, in_channel * profile.channel_weight(channel) / weight_sum
