"""Raw run -> checked and scored run: checks over snapshots, then scores.

Pure: takes the runner's :class:`RunResult` (or one read back from disk) and
returns a new one with outcomes, findings and scores filled in. Used by
``run`` and ``merge`` (``report`` never needs to analyse again).

Findings get a stable fingerprint: a hash of the check code (and rule), the
channel, the journey, and the element or value the problem is about (else the
stage and the step's name), so two runs can be compared finding by finding. Each
finding is priced: the points it costs its category and journey-run scores,
and the channel and overall scores (docs/scoring.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cxaudit.analysis.scoring import Profile, aggregate, propagate_points, run_points, score_run
from cxaudit.checks.base import (
    SEVERITIES,
    Check,
    JourneySubject,
    Result,
    Status,
    StepSubject,
    all_checks,
)
from cxaudit.errors import UsageError
from cxaudit.results import (
    ChannelInfo,
    CheckOutcome,
    CheckText,
    Evidence,
    Finding,
    JourneyRun,
    RunResult,
    StepResult,
)

#: The check whose failure means the customer could not finish the journey;
#: such a run scores 0 and the finding carries all of its lost points.
GATE_CHECK = "journey-completion"


#: Which gatherer fills which snapshot field (to tell "not measured" from "not applicable");
#: a field not named here is filled by the gatherer of the same name.
FIELD_GATHERER = {
    "axe": "axe",
    "url": "page",
    "title": "page",
    "viewport": "page",
    "timing": "page",
    "visible_text": "page",
    "screenshot": "screenshot",
    "layout": "layout",
}


@dataclass(frozen=True)
class AnalysisSettings:
    """Per-check options and the scoring weights (from config).

    ``category_weights`` is the config's flat ``weights:`` mapping: category
    weights, and check, channel and ``full_weight`` overrides
    (:meth:`cxaudit.analysis.scoring.Profile.from_weights`).
    """

    check_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    disabled_checks: frozenset[str] = frozenset()
    category_weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any) -> AnalysisSettings:
        """From project :class:`~cxaudit.project.config.Settings`: per-check options, with the
        sections checks take their options from (``budgets``, ``glossary``) filled in."""
        options: dict[str, dict[str, Any]] = {k: dict(v) for k, v in settings.checks.items()}
        for check in all_checks():
            for option, section in check.settings_options.items():
                value = getattr(settings, section)
                if isinstance(value, BaseModel):
                    value = value.model_dump(exclude_none=True, exclude_defaults=True)
                if value:
                    key = check.code if check.code in options else check.slug
                    options.setdefault(key, {}).setdefault(option, value)
        return cls(
            check_options=options,
            disabled_checks=frozenset(settings.disable_checks),
            category_weights=settings.weights,
        )

    def profile(self) -> Profile:
        """The scoring profile: defaults with the configured weights over them."""
        try:
            return Profile.from_weights(self.category_weights)
        except ValueError as exc:
            raise UsageError(str(exc)) from None


def _options(check: Check, settings: AnalysisSettings) -> Any:
    raw = settings.check_options.get(check.code) or settings.check_options.get(check.slug) or {}
    return check.Options.model_validate(dict(raw))


def _fingerprint(*parts: object) -> str:
    return hashlib.sha1("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()[:16]


def _evaluate(check: Check, subject: Any, options: Any) -> list[Result]:
    try:
        return list(check.evaluate(subject, options))
    except Exception as exc:  # a broken check is an ERROR result, never a crashed run
        return [Result(status=Status.ERROR, message=f"check failed: {type(exc).__name__}: {exc}")]


def _missing_input(check: Check, subject: StepSubject) -> Result | bool | None:
    """ERROR when a required input's gatherer failed; False to skip quietly.

    A failed gatherer leaves its fields at their defaults, and a default can
    look like a reading (an empty title, no console messages): so the
    gatherer's failure is looked at first, whatever the field holds.
    """
    snapshot = subject.step.snapshot
    if snapshot is None:
        return False
    for name in check.requires:
        gatherer = FIELD_GATHERER.get(name, name)
        if gatherer in snapshot.errors:
            return Result(
                status=Status.ERROR,
                message=f"not measured: {gatherer} failed: {snapshot.errors[gatherer]}",
            )
    for name in check.requires:
        if getattr(snapshot, name, None) in (None, {}, []):
            return False
    return None


#: Elements one finding lists at most, over all the steps it was seen on.
MAX_EVIDENCE = 50


def _with_step(evidence: Iterable[Evidence], step: int | None) -> list[Evidence]:
    """Evidence with the step each element was seen on (``values["steps"]``)."""
    if step is None:
        return list(evidence)
    return [
        e.model_copy(update={"values": {**e.values, "steps": [step]}}) if e.selector else e
        for e in evidence
    ]


def _seen_again(seen: Finding, evidence: Iterable[Evidence], step: int | None) -> Finding:
    """A finding met again on ``step``: add the step, and the elements not listed yet.

    One finding per problem and journey run, however many pages show it (a
    header on every page is one finding "seen on N steps"), and each of its
    elements says on which steps it was seen.
    """
    if step is None or step in seen.seen_on_steps:
        return seen
    merged = list(seen.evidence)
    where = {e.selector: i for i, e in enumerate(merged) if e.selector}
    for item in evidence:
        if not item.selector:
            continue
        if item.selector in where:
            old = merged[where[item.selector]]
            steps = [*old.values.get("steps", []), step]
            merged[where[item.selector]] = old.model_copy(
                update={"values": {**old.values, "steps": steps}}
            )
        elif len(merged) < MAX_EVIDENCE:
            where[item.selector] = len(merged)
            merged.extend(_with_step([item], step))
    return seen.model_copy(
        update={"seen_on_steps": [*seen.seen_on_steps, step], "evidence": merged}
    )


def step_disabled(step: StepResult) -> frozenset[str]:
    """What a journey step switched off for itself (``audit: {disable: [...]}``):
    check codes, check slugs or rule ids (axe rules, or a check's own rules)."""
    value = step.overrides.get("disable") or []
    if isinstance(value, str):
        value = [value]
    return frozenset(str(v) for v in value)


def _readable_key(code: str, rule: str, journey: str, channel: str, where: str) -> str:
    """The readable identity of a finding; its fingerprint is a hash of this."""
    check = f"{code}:{rule}" if rule else code
    return f"{check} [{channel or '*'}] {journey or '*'} / {where}"


def problem_identity(finding: Finding) -> str | None:
    """What a finding is about on whichever channel and journey: its readable key
    without them (``CX-MSG-007 / free delivery on every order:4.95``).

    Findings with the same identity are one thing for the site to fix, met on
    several journeys and channels. None when the key was not made here (an
    older results.json, a key a policy rewrote).
    """
    check = f"{finding.code}:{finding.rule}" if finding.rule else finding.code
    prefix = f"{check} [{finding.channel or '*'}] {finding.journey or '*'} / "
    if not finding.key.startswith(prefix):
        return None
    return f"{check} / {finding.key[len(prefix) :]}"


class _Collector:
    """Turns check results into outcomes and findings (one finding per problem)."""

    def __init__(self, profile: Profile, run: JourneyRun | None = None) -> None:
        self.profile = profile
        self.step_names = {s.index: s.name for s in run.steps} if run is not None else {}
        self.outcomes: list[CheckOutcome] = []
        self.findings: dict[str, Finding] = {}
        self._passes: dict[tuple[Any, ...], int] = {}

    def _where(self, result: Result, stage: str | None, step: int | None) -> str:
        """What the problem is about: the element or value, else the stage and step.

        An element or value is the same problem on whichever step and stage it
        is met (a header on every page), so they are left out of the key; a
        problem known only by its step keeps the stage and the step's name
        (not its number, which changes when a step is added before it).
        """
        # A check that names its problem (an axe rule) has one finding per
        # journey run and channel: the elements of every step gather in it.
        if result.identity:
            return result.identity
        elements = sorted(e.selector for e in result.evidence if e.selector)
        if elements:
            return ",".join(elements)
        if step is not None:
            return f"{stage or '*'} / {self.step_names.get(step) or f'step-{step}'}"
        return f"{stage or '*'} / journey"

    def add(
        self,
        check: Check,
        result: Result,
        journey: str,
        channel: str,
        stage: str | None,
        step: int | None,
    ) -> None:
        step = result.step if result.step is not None else step
        stage = result.stage if result.stage is not None else stage
        journey = result.journey or journey
        channel = result.channel or channel
        status = result.status.value
        rule = result.rule or ""
        score = (
            result.score
            if result.score is not None
            else (
                1.0
                if result.status == Status.PASS
                else 0.0
                if result.status == Status.FAIL
                else None
            )
        )
        weight = self.profile.check_weight(
            check.code, check.slug, rule, check.weight if result.weight is None else result.weight
        )
        if result.status == Status.PASS and score is not None and score >= 1.0:
            # Full passes take nothing from a score: one outcome per check and step.
            where = (check.code, journey, channel, stage, step)
            if where in self._passes:
                i = self._passes[where]
                seen = self.outcomes[i]
                self.outcomes[i] = seen.model_copy(
                    update={"count": seen.count + 1, "detail": f"{seen.count + 1} passed"}
                )
                return
            self._passes[where] = len(self.outcomes)
            rule = ""
        code = check.code
        key = _readable_key(code, rule, journey, channel, self._where(result, stage, step))
        fingerprint = _fingerprint(key) if result.status != Status.PASS else ""
        self.outcomes.append(
            CheckOutcome(
                code=code,
                slug=check.slug,
                category=check.category,
                status=status,
                score=score,
                weight=weight,
                journey=journey,
                channel=channel,
                stage=stage,
                step=step,
                detail=rule if rule or result.status != Status.PASS else "1 passed",
                fingerprint=fingerprint,
            )
        )
        if result.status in (Status.PASS, Status.NOT_APPLICABLE):
            return
        if fingerprint in self.findings:  # the same problem met again on a later step
            self.findings[fingerprint] = _seen_again(
                self.findings[fingerprint], result.evidence, step
            )
            return
        self.findings[fingerprint] = Finding(
            code=code,
            slug=check.slug,
            rule=result.rule or "",
            category=check.category,
            status=status,
            severity=result.severity
            or ("info" if result.status != Status.FAIL else check.severity),
            title=result.title
            or (check.failure_title if result.status == Status.FAIL else check.title),
            message=result.message,
            journey=journey,
            channel=channel,
            stage=stage,
            step=step,
            evidence=_with_step(result.evidence, step),
            advice=result.advice if result.advice is not None else check.advice,
            help_url=result.help_url if result.help_url is not None else check.help_url,
            weight=weight,
            score=score,
            fingerprint=fingerprint,
            seen_on_steps=[step] if step is not None else [],
            key=key,
        )


def analyse_run(
    run: JourneyRun, channel: ChannelInfo, checks: Iterable[Check], settings: AnalysisSettings
) -> JourneyRun:
    """Evaluate step and journey checks on one journey run and score it."""
    profile = settings.profile()
    collect = _Collector(profile, run)
    # What axe-core was reported failing on each step, by rule: the checks that
    # overlap an axe rule read it, so axe's checks run first (they do by code).
    axe_failures: dict[int, dict[str, tuple[Evidence, ...]]] = {}
    for check in sorted(checks, key=lambda c: "axe" not in c.requires):
        options = _options(check, settings)
        if check.scope == "step":
            for step in run.steps:
                disabled = step_disabled(step)
                if check.code in disabled or check.slug in disabled:
                    continue
                subject = StepSubject(
                    run=run,
                    step=step,
                    channel=channel,
                    axe_failures=axe_failures.get(step.index, {}) if check.overlaps_axe else {},
                )
                missing = _missing_input(check, subject)
                if missing is False:
                    continue
                results = (
                    [missing] if isinstance(missing, Result) else _evaluate(check, subject, options)
                )
                for result in results:
                    if result.rule and result.rule in disabled:
                        continue
                    if "axe" in check.requires and result.status == Status.FAIL and result.rule:
                        axe_failures.setdefault(step.index, {})[result.rule] = result.evidence
                    collect.add(check, result, run.journey, run.channel, step.stage, step.index)
        elif check.scope == "journey":
            subject = JourneySubject(run=run, channel=channel)
            for result in _evaluate(check, subject, options):
                collect.add(check, result, run.journey, run.channel, None, None)
    checked = run.model_copy(
        update={"outcomes": collect.outcomes, "findings": list(collect.findings.values())}
    )
    return _score_run(checked, (), profile)[0]


def _affects(outcome: CheckOutcome, run: JourneyRun) -> bool:
    """A run-scope outcome counts in the runs it names (an empty name means all)."""
    return outcome.journey in ("", run.journey) and outcome.channel in ("", run.channel)


def _score_run(
    run: JourneyRun, extra: Sequence[CheckOutcome], profile: Profile
) -> tuple[JourneyRun, dict[str, float], dict[str, float]]:
    """Score a run (with run-scope outcomes that concern it) and price its findings.

    Returns the run, and per fingerprint the points of the run's overall score
    and of its category score.
    """
    outcomes = [*run.outcomes, *extra]
    scores = score_run(outcomes, stages=run.stages, status=run.status, profile=profile)
    gate = next(
        (o.fingerprint for o in outcomes if o.slug == GATE_CHECK and o.status == "fail"), None
    )
    journey_points = run_points(scores, profile, gate)
    category_points = {
        loss.key: loss.points for losses in scores.losses.values() for loss in losses
    }
    findings = [
        f.model_copy(
            update={
                "points": {
                    "category": round(category_points.get(f.fingerprint, 0.0), 2),
                    "journey": round(journey_points.get(f.fingerprint, 0.0), 2),
                }
            }
        )
        for f in run.findings
    ]
    scored = run.model_copy(
        update={"scores": scores, "findings": sorted(findings, key=finding_order)}
    )
    return scored, journey_points, category_points


SEVERITY_ORDER = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def finding_order(f: Finding) -> tuple[Any, ...]:
    """Failures first, then the points they cost, then severity: what to fix first."""
    status_rank = {"fail": 0, "error": 1, "informative": 2}.get(f.status, 3)
    return (
        status_rank,
        -f.points.get("overall", f.points.get("journey", 0.0)),
        SEVERITY_ORDER.get(f.severity, 5),
        -(f.weight or 0),
        f.step if f.step is not None else -1,
        f.code,
        f.fingerprint,
    )


def enabled_checks(settings: AnalysisSettings) -> list[Check]:
    """The registered checks that the settings do not disable."""
    return [
        c
        for c in all_checks()
        if c.code not in settings.disabled_checks and c.slug not in settings.disabled_checks
    ]


def _check_weight_keys(profile: Profile, checks: Sequence[Check]) -> None:
    known = {c.code for c in checks} | {c.slug for c in checks}
    unknown = sorted(k for k in profile.check_weights if k.split(":", 1)[0] not in known)
    if unknown:
        raise UsageError(
            f"weights: unknown check or category {', '.join(repr(k) for k in unknown)}; "
            "use a category name, full_weight, channel:NAME, or a check code or slug "
            "(cxaudit list-checks)"
        )


def _priced(finding: Finding, points: Mapping[str, float]) -> Finding:
    merged = {**finding.points, **{k: round(v, 2) for k, v in points.items()}}
    return finding.model_copy(update={"points": merged})


def check_texts(checks: Iterable[Check], codes: Iterable[str]) -> dict[str, CheckText]:
    """What each of ``codes`` is about, as results record it (:attr:`RunResult.checks`)."""
    wanted = set(codes)
    return {
        check.code: CheckText(
            title=check.title,
            failure_title=check.failure_title,
            category=check.category,
            impact=check.impact(),
        )
        for check in sorted(checks, key=lambda c: c.code)
        if check.code in wanted
    }


def with_check_texts(result: RunResult) -> RunResult:
    """A result written before results carried their checks' texts (schema 1.0), given
    them from this cxaudit's checks; a result that has them is returned as it is."""
    missing = {f.code for f in result.all_findings()} - set(result.checks)
    if not missing:
        return result
    return result.model_copy(
        update={"checks": {**check_texts(all_checks(), missing), **result.checks}}
    )


def analyse(
    raw: RunResult,
    settings: AnalysisSettings | None = None,
) -> RunResult:
    """Checks and scores for a whole run."""
    settings = settings or AnalysisSettings()
    profile = settings.profile()
    checks = enabled_checks(settings)
    _check_weight_keys(profile, checks)
    channels = {c.name: c for c in raw.channels}
    runs = []
    for run in raw.runs:
        channel = channels.get(run.channel) or ChannelInfo(name=run.channel)
        runs.append(analyse_run(run, channel, checks, settings))
    collect = _Collector(profile)
    partial = raw.model_copy(update={"runs": runs})
    for check in checks:
        if check.scope == "run":
            for item in _evaluate(check, partial, _options(check, settings)):
                collect.add(
                    check, item, item.journey or "", item.channel or "", item.stage, item.step
                )
    scored_runs: list[JourneyRun] = []
    run_points_of: list[tuple[JourneyRun, dict[str, float], dict[str, float]]] = []
    for run in runs:
        extra = [o for o in collect.outcomes if _affects(o, run)]
        scored = _score_run(run, extra, profile)
        run_points_of.append(scored)
        scored_runs.append(scored[0])
    channel_names = list(channels) + sorted({r.channel for r in runs} - set(channels))
    scores = aggregate(
        [(r.channel, r.journey, r.scores) for r in scored_runs], channel_names, profile
    )
    priced_runs = []
    for run in scored_runs:
        findings = []
        for f in run.findings:
            in_channel, overall = propagate_points(
                f.points.get("journey", 0.0), run.channel, scores, profile
            )
            findings.append(_priced(f, {"channel": in_channel, "overall": overall}))
        priced_runs.append(run.model_copy(update={"findings": sorted(findings, key=finding_order)}))
    run_findings = []
    for f in collect.findings.values():
        journey_pts, category_pts, channel_pts, overall_pts = [], [], 0.0, 0.0
        per_run: dict[str, float] = {}
        for run, journey_points, category_points in run_points_of:
            if f.fingerprint not in category_points and f.fingerprint not in journey_points:
                continue
            journey_pts.append(journey_points.get(f.fingerprint, 0.0))
            # What it cost each journey run it concerns (a cross-channel
            # finding concerns several), so every run's loss adds up.
            per_run[f"journey:{run.key}"] = journey_pts[-1]
            category_pts.append(category_points.get(f.fingerprint, 0.0))
            in_channel, overall = propagate_points(journey_pts[-1], run.channel, scores, profile)
            channel_pts += in_channel
            overall_pts += overall
        n = max(1, len(journey_pts))
        points = {
            "category": sum(category_pts) / n,
            "journey": sum(journey_pts) / n,
            "channel": channel_pts,
            "overall": overall_pts,
            **per_run,
        }
        run_findings.append(_priced(f, points))
    reported = {f.code for run in priced_runs for f in run.findings} | {
        f.code for f in run_findings
    }
    texts = check_texts(checks, reported)
    return partial.model_copy(
        update={
            "runs": priced_runs,
            "outcomes": collect.outcomes,
            "findings": sorted(run_findings, key=finding_order),
            "scores": scores,
            "checks": {**raw.checks, **texts},
        }
    )
