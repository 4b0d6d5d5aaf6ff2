"""Soft checks, wait strategies, test-id attributes and the journey timeout as the
loader reads them (issue 16)."""

from __future__ import annotations

from typing import Any

from cxaudit.spec.loader import parse_journey_data
from cxaudit.spec.locators import Locator


def load(data: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    return parse_journey_data({"journey": "J", **data}, "j.yaml")


def test_soft_checks_default_applies_to_check_steps_only() -> None:
    journeys, issues = load(
        {
            "soft_checks": True,
            "stages": {
                "purchase": [
                    {"goto": "/"},
                    {"expect": "Hello"},
                    {"expect": "Bye", "soft": False},
                    {"capture": {"p": {"test_id": "price"}}, "severity": "minor"},
                ]
            },
        }
    )
    assert issues == []
    steps = journeys[0].steps
    assert [s.soft for s in steps] == [False, True, False, True]
    assert [s.severity for s in steps] == ["serious", "serious", "serious", "minor"]


def test_soft_on_a_step_that_acts_is_an_error() -> None:
    journeys, issues = load({"stages": {"purchase": [{"click": "Buy", "soft": True}]}})
    assert journeys == []
    assert "'soft' goes with check steps (expect, capture)" in issues[0].message
    assert issues[0].path == "stages.purchase[0].soft"


def test_a_severity_outside_the_scale_is_an_error() -> None:
    _, issues = load({"stages": {"purchase": [{"expect": "x", "soft": True, "severity": "bad"}]}})
    assert any("severity" in i.path and "critical" in i.message for i in issues), issues


def test_wait_until_and_wait_for_from_step_and_journey() -> None:
    journeys, issues = load(
        {
            "wait_until": "domcontentloaded",
            "timeout": 30000,
            "test_id_attribute": "data-qa",
            "stages": {
                "purchase": [
                    {"goto": "/"},
                    {"click": "Buy", "wait_until": "commit", "wait_for": {"text": "Thanks"}},
                ]
            },
        }
    )
    assert issues == []
    journey = journeys[0]
    assert [s.wait_until for s in journey.steps] == ["domcontentloaded", "commit"]
    assert journey.steps[1].wait_for == Locator(text="Thanks")
    assert (journey.timeout_ms, journey.test_id_attribute) == (30000, "data-qa")


def test_a_wait_until_that_is_no_load_state_is_an_error() -> None:
    _, issues = load({"stages": {"purchase": [{"goto": "/", "wait_until": "idle"}]}})
    assert issues and "wait_until" in issues[0].path


def test_a_test_id_attribute_must_be_an_attribute_name() -> None:
    _, issues = load({"test_id_attribute": "data-qa]", "stages": {"purchase": [{"goto": "/"}]}})
    assert issues and "is not an attribute name" in issues[0].message
