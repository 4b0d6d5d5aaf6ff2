"""The step library's registry: docs generated from it, actions valid journey steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.pytest.bdd.docs import render
from cxaudit.pytest.bdd.phrases import PHRASES, default_actions, phrase_actions
from cxaudit.run.actions import substitute
from cxaudit.spec.loader import parse_journey_data

ROOT = Path(__file__).resolve().parents[2]


def test_committed_docs_are_the_generated_ones() -> None:
    committed = (ROOT / "docs" / "bdd.md").read_text(encoding="utf-8")
    assert committed == render(), "run: python -m cxaudit.pytest.bdd.docs > docs/bdd.md"


def test_every_phrase_is_documented_once() -> None:
    text = render()
    for phrase in PHRASES:
        assert text.count(f" {phrase.text}\n") == 1, phrase.text
        assert phrase.doc and phrase.example
        assert (phrase.action is None) != (phrase.check is None)


def test_phrase_texts_do_not_overlap() -> None:
    texts = [p.text for p in PHRASES]
    assert len(texts) == len(set(texts))


@pytest.mark.parametrize("phrase", [p for p in PHRASES if p.action], ids=lambda p: p.action)
def test_action_phrases_are_valid_journey_steps(phrase) -> None:  # type: ignore[no-untyped-def]
    actions = default_actions()
    assert phrase.action in actions
    params = {name: f"sample-{name}" for name in phrase.params}
    steps = substitute(actions[phrase.action], params, {})
    data = {"journey": phrase.text, "stages": {"purchase": steps}}
    journeys, issues = parse_journey_data(data, "actions.yaml")
    assert journeys, [str(i) for i in issues]
    assert all(f"${{{name}}}" not in str(steps) for name in phrase.params)


def test_every_action_entry_is_used() -> None:
    used = {p.action for p in PHRASES if p.action} | {"current_price"}
    assert set(default_actions()) == used


def test_overrides_replace_one_entry_and_leave_the_shipped_ones() -> None:
    custom = phrase_actions({"search": [{"fill": {"label": "Find", "value": "${text}"}}]})
    assert custom["search"] == [{"fill": {"label": "Find", "value": "${text}"}}]
    assert custom["add_to_cart"] == default_actions()["add_to_cart"]
    assert default_actions()["search"][0]["fill"]["label"] == "Search"
