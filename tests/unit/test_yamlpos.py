from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from cxaudit.spec import yamlpos
from cxaudit.spec.loader import load_all
from cxaudit.spec.yamlpos import (
    MAX_BYTES,
    MAX_DEPTH,
    MAX_NODES,
    NotRegularFile,
    format_path,
    load_document,
    read_limited,
)


def test_positions_are_one_based_and_per_path() -> None:
    doc, issues = load_document("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert issues == []
    assert doc is not None
    assert doc.data == {"a": 1, "b": ["x", {"c": 2}]}
    assert doc.position(("b", 1, "c")) == doc.positions[("b", 1, "c")]
    assert (doc.positions[("b", 1, "c")].line, doc.positions[("b", 1, "c")].column) == (4, 9)
    assert (doc.key_positions[("b",)].line, doc.key_positions[("b",)].column) == (2, 1)


def test_missing_path_falls_back_to_nearest_ancestor() -> None:
    doc, _ = load_document("stages:\n  buy:\n    - goto: /\n", "f.yaml")
    assert doc is not None
    assert doc.position(("stages", "buy", 0, "goto", "nope")).line == 3


def test_duplicate_keys_are_reported_with_first_line() -> None:
    _, issues = load_document("journey: a\nstages: {}\njourney: b\n", "f.yaml")
    assert [str(i) for i in issues] == [
        "f.yaml:3:1: journey: duplicate key 'journey' (first defined on line 1): remove one of them"
    ]


def test_syntax_error_has_position_and_hint() -> None:
    doc, issues = load_document("journey: a\nstages:\n\t- goto: /\n", "f.yaml")
    assert doc is None
    assert issues[0].line == 3 and issues[0].column == 1
    assert "tabs" in issues[0].message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    doc, issues = load_document("\n".join(lines), "bomb.yaml")
    assert doc is None
    assert f"more than {MAX_NODES} values" in issues[0].message


def test_binary_and_non_utf8_files() -> None:
    assert "binary" in load_document(b"\x00\x01\x02journey", "b.yaml")[1][0].message
    issue = load_document(b"journey: caf\xe9\n", "l.yaml")[1][0]
    assert "UTF-8" in issue.message and (issue.line, issue.column) == (1, 13)


def test_format_path() -> None:
    assert format_path(("stages", "purchase", 2, "click")) == "stages.purchase[2].click"
    assert format_path(()) == ""


# -- bounds: every bad input is refused in bounded time and memory ------------------------


def _peak_mb(text: str | bytes) -> tuple[list[str], float]:
    tracemalloc.start()
    try:
        _, issues = load_document(text, "big.yaml")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return [i.message for i in issues], peak / 1e6


@pytest.mark.timeout(120)
def test_deep_nesting_is_refused_at_its_position_without_recursion() -> None:
    _, issues = load_document("[" * 100_000 + "]" * 100_000, "deep.yaml")
    assert (issues[0].line, issues[0].column) == (1, MAX_DEPTH + 1)
    assert f"more than {MAX_DEPTH} levels" in issues[0].message
    block = "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 5))
    _, issues = load_document(block, "deep.yaml")
    assert issues[0].line == MAX_DEPTH and "levels" in issues[0].message


def test_nesting_a_journey_needs_is_fine() -> None:
    doc, issues = load_document("[" * 20 + "1" + "]" * 20, "ok.yaml")
    assert issues == [] and doc is not None


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "text",
    [
        "- 1\n" * (MAX_BYTES // 4 - 10),  # block list just under the size limit
        "[" + "1," * (MAX_BYTES // 2 - 10) + "1]",  # flow list just under it
        "{" + ", ".join(f"k{i}: 1" for i in range(400_000)) + "}",  # a wide mapping
    ],
    ids=["block", "flow", "mapping"],
)
def test_huge_flat_documents_stop_at_the_node_limit_in_bounded_memory(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A lower limit keeps the test quick; what it shows is that parsing stops
    # at the limit. Without that, PyYAML builds the whole node graph first:
    # for these files over a million nodes, gigabytes and minutes.
    monkeypatch.setattr(yamlpos, "MAX_NODES", 5_000)
    assert len(text) < MAX_BYTES
    messages, peak = _peak_mb(text.encode())
    assert "more than 5000 values" in messages[0]
    assert peak < 60, f"{peak:.0f} MB"


def test_files_over_the_size_limit_are_refused_unread() -> None:
    messages, peak = _peak_mb(b"a: " + b"x" * MAX_BYTES)
    assert f"over {MAX_BYTES} bytes" in messages[0]
    assert peak < 2 * MAX_BYTES / 1e6


def test_control_characters_are_errors_with_a_position() -> None:
    _, issues = load_document(b"journey: a\nstages: x\x01y\n", "c.yaml")
    assert (issues[0].line, issues[0].column) == (2, 10)
    assert "U+0001" in issues[0].message


@pytest.mark.timeout(60)
def test_devices_and_pipes_are_refused_before_reading(tmp_path: Path) -> None:
    fifo = tmp_path / "journey.yaml"
    os.mkfifo(fifo)  # opening it for reading would wait forever for a writer
    with pytest.raises(NotRegularFile):
        read_limited(fifo)
    with pytest.raises(NotRegularFile):
        read_limited(Path("/dev/zero"))
    loaded = load_all([fifo, Path("/dev/zero")])
    assert [i.message for i in loaded.issues] == [
        "not a regular file (a device, pipe or socket)"
    ] * 2


def test_reading_stops_after_the_size_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        fh.truncate(MAX_BYTES * 4)  # sparse: large on paper, cheap on disk
    assert len(read_limited(big)) == MAX_BYTES + 1
