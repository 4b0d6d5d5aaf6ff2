"""Accessibility checks, built on axe-core's result for each audited step."""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from cxaudit.checks.base import IMPACT_WEIGHTS, Check, Result, Status, StepSubject, register
from cxaudit.results import Evidence


class AxeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    disabled_rules: list[str] = Field(
        default_factory=list, description="axe rule ids not to report."
    )


def _wcag(tags: Iterable[str]) -> list[str]:
    """axe tags like ``wcag143`` -> WCAG criteria like ``1.4.3``."""
    out = []
    for tag in tags:
        if tag.startswith("wcag") and tag[4:].isdigit() and len(tag) >= 7:
            digits = tag[4:]
            out.append(f"{digits[0]}.{digits[1]}.{digits[2:]}")
    return out


def _advice(rule: dict) -> str:
    criteria = _wcag(rule.get("tags") or [])
    text = rule.get("description") or ""
    if criteria:
        text += f" (WCAG {', '.join(criteria)})"
    return text


@register
class AxeRules(Check):
    """Every axe-core rule, run on every audited step.

    Customers who use a screen reader, a keyboard, zoom or high contrast meet
    a page through its markup: an image without a text alternative, a field
    without a label or text too faint to read can stop them buying at all.
    Each axe rule is its own result, weighted by its impact (critical 10,
    serious 7, moderate 3, minor 1, as Lighthouse weighs them) and scored
    pass or fail per page; rules axe could not decide are listed for a
    human to review and weigh nothing.
    """

    code = "CX-A11Y-001"
    slug = "axe-rules"
    title = "Page passes the axe-core accessibility rules"
    failure_title = "Page breaks axe-core accessibility rules"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    requires = ("axe",)
    help_url = "https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md"
    Options = AxeOptions

    def evaluate(self, subject: StepSubject, options: AxeOptions) -> Iterable[Result]:
        axe = subject.step.snapshot.axe if subject.step.snapshot else None
        if not axe:
            return
        disabled = set(options.disabled_rules)
        for rule in axe.get("violations", []):
            if rule["id"] in disabled:
                continue
            impact = rule.get("impact") or "moderate"
            evidence = tuple(
                Evidence(
                    selector=" ".join(map(str, node.get("target") or [])) or None,
                    html=node.get("html"),
                    box=node.get("box"),
                    values={"summary": node.get("failureSummary") or ""},
                )
                for node in rule.get("nodes", [])
            )
            count = len(rule.get("nodes", []))
            yield Result(
                status=Status.FAIL,
                rule=rule["id"],
                title=rule.get("help") or rule["id"],
                message=f"{rule.get('help') or rule['id']} ({count} element{'s' if count != 1 else ''})",
                weight=IMPACT_WEIGHTS.get(impact, 3.0),
                severity=impact,
                evidence=evidence,
                advice=_advice(rule),
                help_url=rule.get("helpUrl", ""),
                identity=rule["id"],
            )
        for rule in axe.get("passes", []):
            rule_id = rule["id"] if isinstance(rule, dict) else rule
            if rule_id in disabled:
                continue
            impact = (rule.get("impact") if isinstance(rule, dict) else None) or "moderate"
            yield Result(status=Status.PASS, rule=rule_id, weight=IMPACT_WEIGHTS.get(impact, 3.0))
        for rule in axe.get("incomplete", []):
            if rule["id"] in disabled:
                continue
            yield Result(
                status=Status.INFORMATIVE,
                rule=rule["id"],
                title=f"Needs review: {rule.get('help') or rule['id']}",
                message=f"axe could not decide on {len(rule.get('nodes', []))} element(s); a person should check",
                severity="info",
                help_url=rule.get("helpUrl", ""),
                evidence=tuple(
                    Evidence(
                        selector=" ".join(map(str, n.get("target") or [])) or None,
                        html=n.get("html"),
                        box=n.get("box"),
                    )
                    for n in rule.get("nodes", [])
                ),
                identity=rule["id"],
            )
