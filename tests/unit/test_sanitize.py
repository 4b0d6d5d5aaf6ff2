"""Names from journeys and config made safe for paths; site text made safe for terminals."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.report.html import channel_file_name
from cxaudit.results import (
    ConsoleMessage,
    JourneyRun,
    RunResult,
    Snapshot,
    StepResult,
    read_results,
    write_results,
)
from cxaudit.run.runner import screenshot_dir
from cxaudit.sanitize import (
    inside,
    safe_name,
    terminal_text,
    valid_model,
    valid_text,
    valid_value,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc-passwd"),
        ("/absolute/path", "absolute-path"),
        ("..", "journey"),
        ("", "journey"),
        ("C:\\Windows\\system32", "c-windows-system32"),
        ("NUL", "nul-"),
        ("com1", "com1-"),
        ("index", "index-"),
        ("Guest buys shoes", "guest-buys-shoes"),
        ("ünïcode ✓ name", "n-code-name"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_safe_name_is_bounded_and_never_ends_in_a_dash() -> None:
    name = safe_name("a" * 59 + " b c d")
    assert len(name) <= 60 and not name.endswith("-")


@pytest.mark.parametrize("channel", ["../../evil", "/etc", "index", "..", "a/../../b"])
def test_paths_built_from_names_stay_inside(channel: str, tmp_path: Path) -> None:
    shots = screenshot_dir(channel, "../../journeys/x.yaml", "../../etc/passwd")
    assert inside(tmp_path, shots).is_relative_to(tmp_path.resolve())
    assert ".." not in shots.parts
    page = channel_file_name(channel)
    assert "/" not in page and page != "index.html" and not page.startswith(".")


def test_inside_refuses_escapes(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        inside(tmp_path, "../x")
    with pytest.raises(ValueError):
        inside(tmp_path, "/etc/passwd")
    assert inside(tmp_path, "a/b.jpg") == tmp_path.resolve() / "a" / "b.jpg"


def test_terminal_text_drops_escape_codes_keeps_lines() -> None:
    text = "Title\x1b[2J\x1b]0;owned\x07\nnext\tcol \x9b31m"
    cleaned = terminal_text(text)
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "\n" in cleaned and "\t" in cleaned


# -- text a page hands over: lone UTF-16 surrogates (issue 18 point 1) ---------------


def test_valid_text_replaces_lone_surrogates_and_joins_split_pairs() -> None:
    assert valid_text("t \udfff") == "t \ufffd"
    assert valid_text("\ud800a\udbff") == "\ufffda\ufffd"
    assert valid_text("\ud83d\ude00") == "\U0001f600"  # a pair split in two is one emoji again
    assert valid_text("plain € text") == "plain € text"
    valid_text("x \udfff").encode("utf-8")  # writable


def test_valid_value_reaches_keys_lists_and_models() -> None:
    cleaned = valid_value({"k\udfff": ["a\ud800", ("b",)], "n": 1})
    assert cleaned == {"k\ufffd": ["a\ufffd", ["b"]], "n": 1}
    step = Snapshot(title="t \udfff", console=[ConsoleMessage(type="log", text="m \udfff")])
    fixed = valid_model(step)
    assert fixed.title == "t \ufffd" and fixed.console[0].text == "m \ufffd"
    fixed.model_dump_json()  # what failed with PydanticSerializationError
    good = Snapshot(title="fine")
    assert valid_model(good) is good


def test_results_with_a_lone_surrogate_are_written_and_read_back(tmp_path: Path) -> None:
    step = StepResult(
        index=0,
        stage="s",
        action="goto",
        name="goto",
        status="passed",
        snapshot=Snapshot(title="t \udfff"),
    )
    run = JourneyRun(journey="j", file="j.yaml", channel="desktop", status="passed", steps=[step])
    result = RunResult(run_id="r", started_at="t", runs=[run])
    write_results(result, tmp_path / "results.json")
    back = read_results(tmp_path / "results.json")
    assert back.runs[0].steps[0].snapshot.title == "t \ufffd"
    # A results.json that carries the surrogate as a JSON escape is made valid on reading.
    (tmp_path / "escaped.json").write_text(
        '{"schema_version": "1.0", "run_id": "r\\udfff", "started_at": "t"}', "utf-8"
    )
    assert read_results(tmp_path / "escaped.json").run_id == "r\ufffd"
