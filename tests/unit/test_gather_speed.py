"""What the gatherers do to be quick, on recorded data and stand-ins (no browser here).

The settle wait after a page-changing step, the key events of the keyboard
walk, and screenshots encoded beside the journey.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cxaudit.gather.keyboard import advised_keys, key_events
from cxaudit.gather.recorder import CHANGED_QUIET_MS, PageRecorder
from cxaudit.gather.screenshot import ScreenshotOptions, encode, written


class _Request:
    def __init__(self, frame: object, navigation: bool) -> None:
        self.frame = frame
        self._navigation = navigation

    def is_navigation_request(self) -> bool:
        return self._navigation


class _Page:
    """What a recorder reads of a page: its address, main frame and events."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.main_frame = object()
        self.handlers: dict[str, Any] = {}

    def on(self, event: str, handler: Any) -> None:
        self.handlers[event] = handler


def test_the_quiet_is_shortened_only_once_the_change_was_seen() -> None:
    page = _Page("http://shop.test/product/1")
    recorder = PageRecorder(page)  # type: ignore[arg-type]
    began = 100.0
    change = (began, "http://shop.test/product/1")
    # Nothing seen yet: the whole wait for a navigation that starts a moment later.
    assert recorder.quiet_needed(150, change) == 150
    assert recorder.quiet_needed(150) == 150
    # A frame's document, or one that began before the action, is not the step's change.
    page.handlers["request"](_Request(object(), navigation=True))
    recorder.navigation_began = began - 1
    assert recorder.quiet_needed(150, change) == 150
    # The main frame began loading a document after the action started.
    recorder.navigation_began = began + 0.2
    assert recorder.quiet_needed(150, change) == CHANGED_QUIET_MS
    # A single-page app's router moved the address (no document loaded).
    recorder.navigation_began = float("-inf")
    page.url = "http://shop.test/cart"
    assert recorder.quiet_needed(150, change) == CHANGED_QUIET_MS
    assert recorder.quiet_needed(150) == 150  # no change to look for: the quiet asked
    assert recorder.quiet_needed(20, change) == 20  # never longer than asked


def test_a_main_frame_navigation_request_is_noted() -> None:
    page = _Page("http://shop.test/")
    recorder = PageRecorder(page)  # type: ignore[arg-type]
    page.handlers["request"](_Request(object(), navigation=True))  # an iframe's document
    page.handlers["request"](_Request(page.main_frame, navigation=False))  # a fetch
    assert recorder.navigation_began == float("-inf")
    page.handlers["request"](_Request(page.main_frame, navigation=True))
    assert recorder.navigation_began == recorder.last_activity
    assert recorder.changed_since(recorder.last_activity, page.url)


def test_the_key_events_of_a_press_are_those_playwright_sends() -> None:
    tab = key_events("Tab")
    assert [(e["type"], e["key"], e["modifiers"]) for e in tab] == [
        ("rawKeyDown", "Tab", 0),
        ("keyUp", "Tab", 0),
    ]
    assert all(e["windowsVirtualKeyCode"] == 9 and e["code"] == "Tab" for e in tab)
    back = key_events("Shift+Tab")
    assert [(e["type"], e["key"], e["modifiers"]) for e in back] == [
        ("rawKeyDown", "Shift", 8),
        ("rawKeyDown", "Tab", 8),
        ("keyUp", "Tab", 8),
        ("keyUp", "Shift", 0),
    ]
    assert back[0]["code"] == "ShiftLeft" and back[0]["location"] == 1
    with pytest.raises(ValueError, match="does not press"):
        key_events("Control+Tab")


def test_the_keys_a_page_advises_are_pressed_as_named() -> None:
    # "Press Ctrl+M to exit" (ACT ebe86a) and the other ways pages write keys.
    assert advised_keys("Ctrl+M") == "Control+m"
    assert advised_keys("ctrl - m") == "Control+m"
    assert advised_keys("Esc") == "Escape"
    assert advised_keys("Alt+Shift+F2") == "Alt+Shift+F2"
    assert advised_keys("Cmd+Q") == "Meta+q"


def _png(width: int = 320, height: int = 200) -> bytes:
    picture = Image.new("RGB", (width, height), "#ffffff")
    picture.paste((255, 0, 255), (40, 40, 200, 80))  # a masked field
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def test_a_picture_encoded_here_is_webp(tmp_path: Path) -> None:
    path = tmp_path / "01-goto.webp"
    encode(_png(), path, ScreenshotOptions())
    assert path.read_bytes()[8:12] == b"WEBP"
    with Image.open(path) as picture:
        assert picture.size == (320, 200)
        r, g, b = picture.convert("RGB").getpixel((120, 60))
        assert r > 200 and g < 80 and b > 200  # the mask survives the encoding
    assert not list(tmp_path.glob("*.part"))


def test_a_picture_that_cannot_be_encoded_is_kept_as_it_came(tmp_path: Path) -> None:
    path = tmp_path / "01-goto.webp"
    encode(b"not a picture", path, ScreenshotOptions())
    assert path.read_bytes() == b"not a picture"
    assert not list(tmp_path.glob("*.part"))


def test_written_waits_for_the_pictures_encoded_beside(tmp_path: Path) -> None:
    from cxaudit.gather import screenshot

    paths = [tmp_path / f"{i:02d}-click.webp" for i in range(3)]
    for path in paths:
        screenshot._encode_beside(_png(), path, ScreenshotOptions())
    written(paths[0])
    assert paths[0].read_bytes()[8:12] == b"WEBP"
    written()
    assert all(p.read_bytes()[8:12] == b"WEBP" for p in paths)
    assert screenshot._PENDING == {}
    # A picture that cannot be written is missing; the run is not stopped by it.
    gone = tmp_path / "no-such-folder" / "05-click.webp"
    screenshot._encode_beside(_png(), gone, ScreenshotOptions())
    written()
    assert not gone.exists()
