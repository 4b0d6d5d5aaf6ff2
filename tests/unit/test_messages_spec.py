"""The journey's ``messages:`` rules and the config's glossary: validated with positions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxaudit.errors import SpecError
from cxaudit.project.config import load_settings
from cxaudit.spec import load_journey
from cxaudit.spec.messages import MessageRules, parse_rules

HEAD = """
journey: Guest buys
stages:
  purchase:
    - goto: /cart
  post-purchase:
    - goto: /done
"""


def load(tmp_path: Path, messages: str) -> tuple[object, list[str]]:
    path = tmp_path / "j.yaml"
    path.write_text(textwrap.dedent(HEAD).lstrip("\n") + textwrap.dedent(messages), "utf-8")
    journey, issues = load_journey(path, ["desktop", "mobile"])
    return journey, [str(i).split(":", 1)[1] for i in issues]


def test_valid_rules_are_parsed_once_by_the_loader(tmp_path: Path) -> None:
    journey, issues = load(
        tmp_path,
        """
        messages:
          must_match: [price, [cart_total, order_total]]
          required:
            - {text: 30-day free returns, stages: [purchase], channels: [mobile]}
            - {pattern: "order NW-\\\\d+"}
          forbidden: [TODO, 404, {pattern: "lorem"}]
        """,
    )
    assert issues == []
    assert isinstance(journey.messages, MessageRules)  # type: ignore[attr-defined]
    assert journey.messages.model_dump(exclude_defaults=True) == {  # type: ignore[attr-defined]
        "must_match": ["price", ["cart_total", "order_total"]],
        "required": [
            {"text": "30-day free returns", "stages": ["purchase"], "channels": ["mobile"]},
            {"pattern": "order NW-\\d+"},
        ],
        "forbidden": [{"text": "TODO"}, {"text": "404"}, {"pattern": "lorem"}],
    }
    rules = journey.messages  # type: ignore[attr-defined]
    assert rules.match_groups() == [("price",), ("cart_total", "order_total")]


def test_every_mistake_is_reported_at_its_line_and_column(tmp_path: Path) -> None:
    _, issues = load(
        tmp_path,
        """
        messages:
          must_match: [price, [alone], 7]
          required:
            - {text: hi, pattern: ho}
            - {pattern: "(", stages: [purchase]}
          forbidden: [{patern: x}]
          must_macth: []
        """,
    )
    assert issues == [
        "9:23: messages.must_match[1]: a group of captures that must agree needs at least two names",
        "9:32: messages.must_match[2]: a capture name, or a list of capture names that must agree",
        "11:7: messages.required[0]: give either 'text' or 'pattern'",
        "12:17: messages.required[1].pattern: not a valid regular expression: "
        "missing ), unterminated subpattern at position 0",
        "13:16: messages.forbidden[0].patern: unknown key 'patern' (did you mean 'pattern'?)",
        "14:3: messages.must_macth: unknown key 'must_macth' (did you mean 'must_match'?)",
    ]


def test_unknown_stages_and_channels_are_named(tmp_path: Path) -> None:
    _, issues = load(
        tmp_path,
        """
        messages:
          required:
            - {text: hi, stages: [purchse], channels: [tablet, watch]}
        """,
    )
    assert issues == [
        "10:27: messages.required[0].stages[0]: no stage 'purchse' in this journey; "
        "stages are: purchase, post-purchase",
        "10:48: messages.required[0].channels[0]: unknown channel 'tablet'; known: desktop, mobile",
        "10:56: messages.required[0].channels[1]: unknown channel 'watch'; known: desktop, mobile",
    ]


def test_rules_read_back_from_results_are_validated_too() -> None:
    assert parse_rules(None) == MessageRules()
    with pytest.raises(ValueError, match="must_match"):
        parse_rules({"must_match": [["one"]]})


def test_glossary_lives_in_config_and_is_checked_there(tmp_path: Path) -> None:
    config = tmp_path / "cxaudit.yaml"
    config.write_text("glossary:\n  preferred:\n    email: [e-mail, E-Mail]\n", "utf-8")
    settings = load_settings(cwd=tmp_path, environ={})
    assert settings.glossary.preferred == {"email": ["e-mail", "E-Mail"]}
    config.write_text("glossary:\n  prefered: {}\n", "utf-8")
    with pytest.raises(SpecError) as error:
        load_settings(cwd=tmp_path, environ={})
    assert "cxaudit.yaml:2:3: glossary.prefered: unknown key 'prefered'" in str(error.value)
    config.write_text("glossary:\n  preferred:\n    email: [email]\n", "utf-8")
    with pytest.raises(SpecError, match="'email' is both preferred and banned"):
        load_settings(cwd=tmp_path, environ={})
