"""Evidence on a screenshot: the part of the page around an element, outlined.

The gatherers record each offending element's box in CSS pixels of the page
(``Evidence.box``) and a full-page screenshot per audited step, taken at the
channel's device scale factor. The report shows a window of the screenshot
centred on the element with an outline over it: the screenshot is the
window's background, sized and placed with percentages (so it scales with
the page, and no box sticks out of the window), with no image processing and
no script.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cxaudit.results import ChannelInfo, StepResult

#: The window shown around an element, in CSS pixels of the audited page.
MIN_WINDOW_WIDTH = 360.0
WINDOW_RATIO = 0.62  # height / width
PADDING = 24.0


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        # Start-of-frame markers (baseline, progressive, ...) carry the size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + length
    return None


def _webp_size(data: bytes) -> tuple[int, int] | None:
    """The size of a WebP picture from its first chunk (RIFF container, little-endian).

    Chromium writes the extended layout (``VP8X``: the canvas size, then a
    colour profile and the picture); other encoders the simple ones, where
    the size is in the picture's own header: lossy ``VP8 `` (after the frame
    tag and start code, 14 bits each) or lossless ``VP8L`` (after the
    signature byte, 14 bits each, minus one).
    """
    fourcc, payload = data[12:16], data[20:]
    if fourcc == b"VP8X" and len(payload) >= 10:
        width = int.from_bytes(payload[4:7], "little") + 1
        height = int.from_bytes(payload[7:10], "little") + 1
        return width, height
    if fourcc == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        width, height = struct.unpack("<HH", payload[6:10])
        return width & 0x3FFF, height & 0x3FFF
    if fourcc == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        (bits,) = struct.unpack("<I", payload[1:5])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


@lru_cache(maxsize=512)
def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height in pixels of a WebP, JPEG or PNG file (every format
    cxaudit writes screenshots in); None if unreadable."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(256 * 1024)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    if head.startswith(b"\xff\xd8"):
        return _jpeg_size(head)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return _webp_size(head)
    return None


def _pct(value: float) -> str:
    return f"{value * 100:.3f}%"


@dataclass(frozen=True)
class Crop:
    """Inline styles that show a window of a screenshot with a box outlined."""

    frame: str  # the window: its aspect ratio, the screenshot's size and place in it
    outline: str  # the element's box within the window
    #: More boxes outlined in the same window (those outside it are cut off by the frame).
    others: tuple[str, ...] = ()


def _box(box: dict[str, float]) -> tuple[float, float, float, float] | None:
    try:
        x, y = float(box["x"]), float(box["y"])
        return x, y, max(1.0, float(box["width"])), max(1.0, float(box["height"]))
    except (KeyError, TypeError, ValueError):
        return None


def _place(
    box: tuple[float, float, float, float], left: float, top: float, win: tuple[float, float]
) -> str:
    x, y, w, h = box
    return (
        f"left:{_pct((x - left) / win[0])};top:{_pct((y - top) / win[1])};"
        f"width:{_pct(w / win[0])};height:{_pct(h / win[1])}"
    )


def crop(
    box: dict[str, float],
    image_px: tuple[int, int],
    scale: float,
    others: tuple[dict[str, float], ...] = (),
) -> Crop | None:
    """The window of a screenshot (``image_px`` pixels, ``scale`` pixels per CSS px)
    around ``box`` (CSS px of the page), or None when the box is not on it.
    ``others`` are outlined in the same window too."""
    found = _box(box)
    if found is None or scale <= 0:
        return None
    x, y, w, h = found
    page_w, page_h = image_px[0] / scale, image_px[1] / scale
    if x >= page_w or y >= page_h or x + w <= 0 or y + h <= 0:
        return None  # below the part of the page the screenshot kept
    win_w = min(page_w, max(MIN_WINDOW_WIDTH, w + 2 * PADDING))
    win_h = min(page_h, max(win_w * WINDOW_RATIO, h + 2 * PADDING))
    left = min(max(0.0, x + w / 2 - win_w / 2), page_w - win_w)
    top = min(max(0.0, y + h / 2 - win_h / 2), max(0.0, page_h - win_h))
    across = left / (page_w - win_w) if page_w > win_w else 0.0
    down = top / (page_h - win_h) if page_h > win_h else 0.0
    more = (_box(other) for other in others)
    return Crop(
        frame=(
            f"aspect-ratio:{win_w:.1f}/{win_h:.1f};background-size:{_pct(page_w / win_w)} auto;"
            f"background-position:{_pct(across)} {_pct(down)}"
        ),
        outline=_place(found, left, top, (win_w, win_h)),
        others=tuple(_place(b, left, top, (win_w, win_h)) for b in more if b is not None),
    )


def screenshot_scale(info: ChannelInfo | None, step: StepResult, size: tuple[int, int]) -> float:
    """Image pixels per CSS pixel of a step's screenshot.

    Screenshots are taken at CSS pixels by default and at device pixels on
    request (``screenshots.scale``), so the channel's density alone does not
    say. The screenshot is as wide as the page, within one to two viewports
    (:mod:`cxaudit.gather.screenshot`): its width over that CSS width is the
    scale. When the page's width was not read: the channel's density if the
    picture is at least that many viewports wide, else CSS pixels.
    """
    snapshot = step.snapshot
    viewport = (snapshot.viewport.get("width") if snapshot else None) or 0
    scroll = snapshot.layout.document.scroll_width if snapshot and snapshot.layout else None
    if viewport and scroll is not None:
        return size[0] / max(viewport, min(scroll, 2 * viewport))
    density = (info.device_scale_factor if info else None) or 1.0
    if not viewport:
        return density
    return density if size[0] >= 0.98 * density * viewport else 1.0
