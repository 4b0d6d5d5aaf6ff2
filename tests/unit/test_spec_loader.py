from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxaudit.errors import SpecError
from cxaudit.spec import load_journey, load_journeys

CHANNELS = ["desktop", "mobile", "tablet"]


def write(tmp_path: Path, text: str, name: str = "j.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def messages(tmp_path: Path, text: str) -> list[str]:
    journey, issues = load_journey(write(tmp_path, text), CHANNELS)
    assert journey is None
    return [str(i).split(":", 1)[1] for i in issues]


def test_valid_journey_loads_with_positions_and_shorthands(tmp_path: Path) -> None:
    journey, issues = load_journey(
        write(
            tmp_path,
            """
        journey: Guest buys
        channels: [mobile]
        stages:
          pre-purchase:
            - goto: /
            - click: {role: link, name: Shoes}
          purchase:
            - fill: {label: Email, value: a@b.c}
              name: Email address
            - press: Enter
            - capture: {price: {test_id: price}}
            - expect: {text: "${price}"}
    """,
        ),
        CHANNELS,
    )
    assert issues == []
    assert journey is not None
    assert journey.name == "Guest buys"
    assert journey.channels == ("mobile",)
    assert [s.name for s in journey.stages] == ["pre-purchase", "purchase"]
    goto = journey.steps[0]
    assert (goto.action, goto.raw_args, goto.line, goto.column) == ("goto", {"url": "/"}, 5, 7)
    assert journey.steps[2].name == "Email address"
    assert journey.steps[3].raw_args == {"key": "Enter"}
    assert journey.stage_of(3) == "purchase"


def test_unknown_action_suggests_the_closest(tmp_path: Path) -> None:
    assert messages(
        tmp_path,
        """
        journey: x
        stages:
          purchase:
            - goto: /
            - clik: {role: button, name: Buy}
    """,
    ) == ["5:7: stages.purchase[1].clik: unknown action 'clik' (did you mean 'click'?)"]


def test_unknown_key_and_missing_argument(tmp_path: Path) -> None:
    found = messages(
        tmp_path,
        """
        journey: x
        stages:
          purchase:
            - fill: {label: Email, vaule: a@b.c}
    """,
    )
    assert (
        "4:28: stages.purchase[0].fill.vaule: unknown key 'vaule' (did you mean 'value'?)" in found
    )
    assert "4:13: stages.purchase[0].fill: missing 'value'" in found


def test_locator_needs_exactly_one_kind(tmp_path: Path) -> None:
    assert messages(
        tmp_path,
        """
        journey: x
        stages:
          purchase:
            - click: {label: Email, text: Email}
    """,
    ) == [
        "4:14: stages.purchase[0].click: a locator takes one kind, not label and text: "
        "use 'within:' to search inside another element"
    ]


def test_top_level_errors(tmp_path: Path) -> None:
    found = messages(
        tmp_path,
        """
        journy: x
        channels: [desktop, mobil]
        base_url: ftp://example.com
        stages:
          pre-purchase: []
    """,
    )
    assert "1:1: journy: unknown key 'journy' (did you mean 'journey'?)" in found
    assert "1:1: missing 'journey'" in found
    assert (
        "2:21: channels[1]: unknown channel 'mobil' (did you mean 'mobile'?); known: desktop, mobile, tablet"
        in found
    )
    assert "3:11: base_url: base_url must start with http:// or https://" in found
    assert "5:17: stages.pre-purchase: stage 'pre-purchase' has no steps" in found


def test_variable_used_before_capture(tmp_path: Path) -> None:
    assert messages(
        tmp_path,
        """
        journey: x
        stages:
          purchase:
            - fill: {label: Order, value: "${order}"}
            - capture: {order: {test_id: n}}
    """,
    ) == [
        "4:7: stages.purchase[0]: variable 'order' is used before it has a value: capture or set it in an earlier step"
    ]


def test_not_a_mapping(tmp_path: Path) -> None:
    assert messages(tmp_path, "- goto: /\n") == [
        "1:1: a journey file is a mapping with 'journey:' and 'stages:', this one is a list"
    ]


def test_load_journeys_reports_every_file_and_skips_fragments(tmp_path: Path) -> None:
    write(tmp_path, "journey: a\nstages: {p: [{goto: /}]}\n", "a.yaml")
    write(tmp_path, "journey: b\nstages: {p: [{goto: /}, {clik: x}]}\n", "b.yml")
    write(tmp_path, "journey: c\nstages: {p: [{dance: x}]}\n", "c.yaml")
    (tmp_path / "fragments").mkdir()
    # Fragments are checked as fragments (tests/unit/spec has broken ones), not as journeys.
    write(tmp_path, "fragment: login\nsteps: [{goto: /login}]\n", "fragments/login.yaml")
    with pytest.raises(SpecError) as info:
        load_journeys([tmp_path], CHANNELS)
    text = str(info.value)
    assert "b.yml:2:26: stages.p[1].clik: unknown action 'clik' (did you mean 'click'?)" in text
    assert "c.yaml:2:15: stages.p[0].dance: unknown action 'dance'" in text
    assert "login.yaml" not in text


def test_no_journeys_found(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="no journey files"):
        load_journeys([tmp_path], CHANNELS)


def test_duplicate_journey_names(tmp_path: Path) -> None:
    write(tmp_path, "journey: same\nstages: {p: [{goto: /}]}\n", "a.yaml")
    write(tmp_path, "journey: same\nstages: {p: [{goto: /x}]}\n", "b.yaml")
    with pytest.raises(SpecError, match="journey name 'same' is also used in"):
        load_journeys([tmp_path], CHANNELS)


def test_bundled_journeys_are_valid() -> None:
    root = Path(__file__).resolve().parents[2]
    journeys, _warnings = load_journeys([root / "journeys"], CHANNELS)
    assert len(journeys) >= 3
    stages = {s.name for j in journeys for s in j.stages}
    assert {"pre-purchase", "purchase", "post-purchase"} <= stages
