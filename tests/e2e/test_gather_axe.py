"""The standards profile reaches axe-core: tags, disabled rules and excluded elements."""

from __future__ import annotations

from typing import Any

import pytest

from cxaudit.gather.axe import AxeProfile
from tests.e2e.pages import Visit, visit_pages

PROFILES = {
    "default": AxeProfile(),
    "wcag2a": AxeProfile(standard="wcag2a", best_practices=False),
    "disabled": AxeProfile(disabled_rules=("color-contrast",)),
    "exclude": AxeProfile(exclude=("#widget",)),
    "all": AxeProfile(standard="all"),
}


@pytest.fixture(scope="module")
def axe() -> dict[str, dict[str, Any]]:
    visits = [
        Visit("axe.html", gatherers=("axe",), options={"axe_profile": profile})
        for profile in PROFILES.values()
    ]
    return {name: result["axe"] for name, result in zip(PROFILES, visit_pages(visits), strict=True)}


def _ran(result: dict[str, Any]) -> set[str]:
    passes = {p["id"] for p in result["passes"]}
    return (
        passes | {v["id"] for v in result["violations"]} | {i["id"] for i in result["incomplete"]}
    )


def test_default_profile_includes_wcag_22_target_size(axe: dict[str, dict[str, Any]]) -> None:
    violations = {v["id"] for v in axe["default"]["violations"]}
    assert {"image-alt", "color-contrast", "target-size"} <= violations
    assert "color-contrast" in {i["id"] for i in axe["default"]["incomplete"]}
    image = next(v for v in axe["default"]["violations"] if v["id"] == "image-alt")
    assert image["nodes"][0]["box"]["width"] == 40


def test_level_a_leaves_out_aa_rules_and_best_practices(axe: dict[str, dict[str, Any]]) -> None:
    ran = _ran(axe["wcag2a"])
    assert "image-alt" in ran
    assert not {"color-contrast", "target-size", "region", "page-has-heading-one"} & ran


def test_disabled_rules_do_not_run(axe: dict[str, dict[str, Any]]) -> None:
    assert "color-contrast" not in _ran(axe["disabled"])
    assert "image-alt" in {v["id"] for v in axe["disabled"]["violations"]}


def test_excluded_elements_are_not_audited(axe: dict[str, dict[str, Any]]) -> None:
    assert "image-alt" not in {v["id"] for v in axe["exclude"]["violations"]}
    assert "color-contrast" in {v["id"] for v in axe["exclude"]["violations"]}


def test_all_is_every_rule_but_the_deprecated(axe: dict[str, dict[str, Any]]) -> None:
    # "all" means all: rules axe leaves off by default (target-size, the AAA
    # color-contrast-enhanced) run too; deprecated ones (duplicate-id) do not.
    ran = _ran(axe["all"]) | set(axe["all"]["inapplicable"])
    assert {"target-size", "color-contrast-enhanced", "image-alt"} <= ran
    assert "duplicate-id" not in ran
