"""Names from journeys and config made safe for paths; site text made safe for terminals."""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.report.html import channel_file_name
from cxaudit.runner import screenshot_dir
from cxaudit.sanitize import inside, safe_name, terminal_text


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
