from __future__ import annotations

from cxaudit.spec.yamlpos import MAX_NODES, format_path, load_document


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
