"""Raw run -> checked and scored run: checks over snapshots, then scores.

Pure: takes the runner's :class:`RunResult` (or one read back from disk) and
returns a new one with outcomes, findings and scores filled in. Used by
``run``, ``report`` (re-analysis is never needed there) and ``merge``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, all_checks
from cxaudit.results import (
    ChannelInfo,
    CheckOutcome,
    Evidence,
    Finding,
    JourneyRun,
    RunResult,
    StepResult,
)
from cxaudit.scoring import score_outcomes, score_with_stages

#: Which gatherer fills which snapshot field (to tell "not measured" from "not applicable").
FIELD_GATHERER = {
    "axe": "axe",
    "timing": "page",
    "visible_text": "page",
    "screenshot": "screenshot",
    "layout": "layout",
}


@dataclass(frozen=True)
class AnalysisSettings:
    """Per-check options and category weights (from config)."""

    check_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    disabled_checks: frozenset[str] = frozenset()
    category_weights: Mapping[str, float] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: Any) -> AnalysisSettings:
        """From project :class:`~cxaudit.config.Settings`: per-check options, with the
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
    """ERROR when a required input's gatherer failed; False to skip quietly."""
    snapshot = subject.step.snapshot
    if snapshot is None:
        return False
    for name in check.requires:
        if getattr(snapshot, name, None) in (None, {}, []):
            gatherer = FIELD_GATHERER.get(name, name)
            if gatherer in snapshot.errors:
                return Result(
                    status=Status.ERROR,
                    message=f"not measured: {gatherer} failed: {snapshot.errors[gatherer]}",
                )
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


class _Collector:
    def __init__(self) -> None:
        self.outcomes: list[CheckOutcome] = []
        self.findings: dict[str, Finding] = {}

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
        weight = check.weight if result.weight is None else result.weight
        code = check.code
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
                detail=result.rule or "",
            )
        )
        if result.status in (Status.PASS, Status.NOT_APPLICABLE):
            return
        elements = sorted(e.selector for e in result.evidence if e.selector)
        identity = result.identity or (",".join(elements) if elements else f"step-{step}")
        key = _fingerprint(code, result.rule or "", journey, channel, identity)
        if key in self.findings:  # the same problem met again on a later step
            self.findings[key] = _seen_again(self.findings[key], result.evidence, step)
            return
        self.findings[key] = Finding(
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
            fingerprint=key,
            seen_on_steps=[step] if step is not None else [],
        )


def analyse_run(
    run: JourneyRun, channel: ChannelInfo, checks: Iterable[Check], settings: AnalysisSettings
) -> JourneyRun:
    """Evaluate step and journey checks on one journey run and score it."""
    collect = _Collector()
    for check in checks:
        options = _options(check, settings)
        if check.scope == "step":
            for step in run.steps:
                disabled = step_disabled(step)
                if check.code in disabled or check.slug in disabled:
                    continue
                subject = StepSubject(run=run, step=step, channel=channel)
                missing = _missing_input(check, subject)
                if missing is False:
                    continue
                results = (
                    [missing] if isinstance(missing, Result) else _evaluate(check, subject, options)
                )
                for result in results:
                    if result.rule and result.rule in disabled:
                        continue
                    collect.add(check, result, run.journey, run.channel, step.stage, step.index)
        elif check.scope == "journey":
            subject = JourneySubject(run=run, channel=channel)
            for result in _evaluate(check, subject, options):
                collect.add(check, result, run.journey, run.channel, None, None)
    findings = sorted(collect.findings.values(), key=_finding_order)
    return run.model_copy(
        update={
            "outcomes": collect.outcomes,
            "findings": findings,
            "scores": score_with_stages(collect.outcomes, run.stages, settings.category_weights),
        }
    )


SEVERITY_ORDER = {"critical": 0, "serious": 1, "moderate": 2, "minor": 3, "info": 4}


def _finding_order(f: Finding) -> tuple[Any, ...]:
    status_rank = {"fail": 0, "error": 1, "informative": 2}.get(f.status, 3)
    return (
        status_rank,
        SEVERITY_ORDER.get(f.severity, 5),
        -(f.weight or 0),
        f.step if f.step is not None else -1,
        f.code,
    )


def enabled_checks(settings: AnalysisSettings) -> list[Check]:
    """The registered checks that the settings do not disable."""
    return [
        c
        for c in all_checks()
        if c.code not in settings.disabled_checks and c.slug not in settings.disabled_checks
    ]


def analyse(
    raw: RunResult,
    settings: AnalysisSettings | None = None,
) -> RunResult:
    """Checks and scores for a whole run."""
    settings = settings or AnalysisSettings()
    checks = enabled_checks(settings)
    channels = {c.name: c for c in raw.channels}
    runs = []
    for run in raw.runs:
        channel = channels.get(run.channel) or ChannelInfo(name=run.channel)
        runs.append(analyse_run(run, channel, checks, settings))
    result = raw.model_copy(update={"runs": runs})
    collect = _Collector()
    for check in checks:
        if check.scope == "run":
            for item in _evaluate(check, result, _options(check, settings)):
                collect.add(
                    check, item, item.journey or "", item.channel or "", item.stage, item.step
                )
    all_outcomes = [o for r in runs for o in r.outcomes] + collect.outcomes
    scores: dict[str, Any] = score_outcomes(all_outcomes, settings.category_weights)
    scores["channels"] = {
        name: score_outcomes(
            [o for o in all_outcomes if o.channel == name], settings.category_weights
        )
        for name in channels
    }
    return result.model_copy(
        update={
            "outcomes": collect.outcomes,
            "findings": sorted(collect.findings.values(), key=_finding_order),
            "scores": scores,
        }
    )
