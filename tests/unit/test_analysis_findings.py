"""Findings from recorded snapshots: one per problem, however many steps show it."""

from __future__ import annotations

from typing import Any

from cxaudit.analysis.analyse import analyse
from cxaudit.results import ChannelInfo, JourneyRun, RunResult, Snapshot, StepResult
from tests.unit.checks.recorded import recorded


def _step(index: int, case: str, overrides: dict[str, Any] | None = None) -> StepResult:
    return StepResult(
        index=index,
        stage="purchase",
        action="goto",
        name=f"goto {case}",
        status="passed",
        snapshot=Snapshot.model_validate(recorded(case)["snapshot"]),
        overrides=overrides or {},
    )


def _analyse(*steps: StepResult, channel: str = "desktop") -> JourneyRun:
    run = JourneyRun(
        journey="Buy",
        file="buy.yaml",
        channel=channel,
        status="passed",
        stages=["purchase"],
        steps=list(steps),
    )
    raw = RunResult(run_id="t", started_at="now", channels=[ChannelInfo(name=channel)], runs=[run])
    return analyse(raw).runs[0]


def _findings(run: JourneyRun, rule: str) -> list[Any]:
    return [f for f in run.findings if f.rule == rule or f.slug == rule]


def test_the_same_violation_on_many_steps_is_one_finding() -> None:
    run = _analyse(
        _step(0, "shop-flawed-product-desktop"),
        _step(1, "shop-flawed-checkout-desktop"),
        _step(2, "shop-flawed-product-desktop"),
        _step(3, "axe-desktop"),
    )
    (image_alt,) = _findings(run, "image-alt")
    assert image_alt.code == "CX-A11Y-001" and image_alt.rule == "image-alt"
    assert image_alt.seen_on_steps == [0, 2, 3]
    (contrast,) = [f for f in _findings(run, "color-contrast") if f.status == "fail"]
    assert contrast.seen_on_steps == [0, 2, 3]
    # Each element says where it was seen: the delivery promise on the product
    # pages, the faint text on the other page.
    steps = {e.selector: e.values["steps"] for e in contrast.evidence}
    assert steps == {".promise": [0, 2], "#faint": [3]}
    # Outcomes stay per step: the scores count every page.
    fails = [o.step for o in run.outcomes if o.detail == "image-alt" and o.status == "fail"]
    assert fails == [0, 2, 3]


def test_a_check_finding_is_one_per_journey_run_too() -> None:
    run = _analyse(
        _step(0, "shop-flawed-checkout-desktop"),
        _step(1, "shop-flawed-checkout-errors-desktop"),
    )
    (placeholder,) = _findings(run, "placeholder-label")
    assert placeholder.seen_on_steps == [0, 1]
    assert [e.values["steps"] for e in placeholder.evidence] == [[0, 1]]


def test_a_step_can_switch_off_rules_and_checks_for_itself() -> None:
    run = _analyse(
        _step(0, "shop-flawed-product-desktop"),
        _step(1, "shop-flawed-checkout-desktop", {"disable": ["placeholder-label", "CX-USE-007"]}),
        _step(2, "shop-flawed-product-desktop", {"disable": ["color-contrast"]}),
    )
    (contrast,) = _findings(run, "color-contrast")
    assert contrast.seen_on_steps == [0]
    assert not [o for o in run.outcomes if o.step == 2 and o.detail == "color-contrast"]
    assert _findings(run, "image-alt")[0].seen_on_steps == [0, 2]
    assert _findings(run, "placeholder-label") == [] and _findings(run, "input-type") == []
    assert not [o for o in run.outcomes if o.step == 1 and o.code in ("CX-A11Y-003", "CX-USE-007")]
    assert _findings(run, "required-marked")[0].seen_on_steps == [1]


def test_a_gatherer_that_failed_makes_its_checks_not_measured() -> None:
    step = _step(0, "kb-good-desktop")
    assert step.snapshot is not None
    broken = step.snapshot.model_copy(
        update={"keyboard": None, "errors": {"keyboard": "Execution context was destroyed"}}
    )
    run = _analyse(step.model_copy(update={"snapshot": broken}))
    errors = {o.slug for o in run.outcomes if o.status == "error"}
    assert errors == {"focus-visible", "keyboard-trap", "skip-to-content"}
    (finding,) = [f for f in run.findings if f.slug == "keyboard-trap"]
    assert "not measured: keyboard failed" in finding.message


def test_informative_results_weigh_nothing_in_the_scores() -> None:
    run = _analyse(_step(0, "axe-desktop"))
    review = [o for o in run.outcomes if o.slug == "axe-needs-review"]
    assert review and all(o.status == "informative" and o.weight == 0 for o in review)
    effort = [f for f in run.findings if f.slug == "journey-effort"]
    assert {f.rule for f in effort} == {"stage:purchase", "journey"}
