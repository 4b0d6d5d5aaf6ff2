"""Evidence outlined on screenshots in every format and scale cxaudit writes them in.

The WebP files are Chromium's own (tests/data/images/record.py): cxaudit's
default screenshot (the extended VP8X layout), and the simple lossy (VP8)
and lossless (VP8L) layouts other encoders write. Each is 37 x 23 pixels.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cxaudit.artifacts import Layout
from cxaudit.report import ReportOptions, render_html
from cxaudit.report.evidence import image_size
from cxaudit.report.view import Assets
from cxaudit.results import Evidence, RunResult
from tests.data.demo_results import recorded
from tests.unit.test_report import parse

IMAGES = Path(__file__).resolve().parents[1] / "data" / "images"
WEBP = ("screenshot.webp", "vp8.webp", "vp8l.webp")
BOX = {"x": 8.0, "y": 6.0, "width": 20.0, "height": 10.0}
# The whole 37 x 23 picture is the window; the box is 8/37 from its left, 6/23 from its top.
OUTLINE = "left:21.622%;top:26.087%;width:54.054%;height:43.478%"


@pytest.mark.parametrize("name", WEBP)
def test_webp_size_is_read_from_each_layout(name: str) -> None:
    data = (IMAGES / name).read_bytes()
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert image_size(IMAGES / name) == (37, 23)


def test_the_default_screenshot_is_the_extended_layout() -> None:
    """What Chromium writes for cxaudit: VP8X first (the layout a reader must know)."""
    assert (IMAGES / "screenshot.webp").read_bytes()[12:16] == b"VP8X"
    assert (IMAGES / "vp8.webp").read_bytes()[12:16] == b"VP8 "
    assert (IMAGES / "vp8l.webp").read_bytes()[12:16] == b"VP8L"


def test_a_truncated_or_foreign_riff_file_has_no_size(tmp_path: Path) -> None:
    data = (IMAGES / "vp8.webp").read_bytes()
    cut = tmp_path / "cut.webp"
    cut.write_bytes(data[:24])
    wave = tmp_path / "sound.webp"
    wave.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(24))
    assert image_size(cut) is None and image_size(wave) is None


def _one_finding_on(
    tmp_path: Path, channel: str, name: str, viewport_width: int = 37
) -> tuple[RunResult, Path]:
    """The recorded run of the purchase journey on ``channel`` with one finding, on step 1,
    whose screenshot is the recorded WebP ``name`` taken at CSS pixels of a page
    ``viewport_width`` wide."""
    result = recorded()
    run = next(
        r for r in result.runs if r.channel == channel and r.journey == "Guest buys trail shoes"
    )
    finding = next(f for f in run.findings if f.status == "fail" and f.step == 0)
    finding = finding.model_copy(
        update={"evidence": [Evidence(selector="#promo", html="<p id=promo>", box=BOX)]}
    )
    step = run.steps[0]
    assert step.snapshot is not None
    layout = step.snapshot.layout or Layout()
    layout = layout.model_copy(
        update={"document": layout.document.model_copy(update={"scroll_width": viewport_width})}
    )
    snapshot = step.snapshot.model_copy(
        update={
            "screenshot": f"shots/{name}",
            "viewport": {"width": viewport_width, "height": 23},
            "layout": layout,
        }
    )
    run = run.model_copy(
        update={
            "findings": [finding],
            "steps": [step.model_copy(update={"snapshot": snapshot}), *run.steps[1:]],
        }
    )
    (tmp_path / "shots").mkdir(exist_ok=True)
    shutil.copy(IMAGES / name, tmp_path / "shots" / name)
    return result.model_copy(update={"runs": [run], "findings": []}), tmp_path


def _outlines(html: str) -> list[str]:
    tags = parse(html)
    return [
        a.get("style") or "" for t, a in tags.tags if t == "span" and a.get("class") == "outline"
    ]


@pytest.mark.parametrize("name", WEBP)
def test_a_finding_on_a_webp_screenshot_has_its_element_outlined(tmp_path: Path, name: str) -> None:
    result, folder = _one_finding_on(tmp_path, "desktop", name)
    page = render_html(result, ReportOptions(), Assets(folder))["desktop.html"]
    assert _outlines(page) == [OUTLINE]
    shots = [a.get("style") or "" for t, a in parse(page).tags if a.get("class") == "shot"]
    assert len(shots) == 1 and f"url('shots/{name}')" in shots[0]


def test_a_css_pixel_screenshot_on_a_dense_phone_is_outlined_in_place(tmp_path: Path) -> None:
    """Screenshots are CSS pixels by default: the phone's density (2.625) is not their scale."""
    result, folder = _one_finding_on(tmp_path, "mobile", "screenshot.webp")
    assert next(c for c in result.channels if c.name == "mobile").device_scale_factor == 2.625
    page = render_html(result, ReportOptions(), Assets(folder))["mobile.html"]
    assert _outlines(page) == [OUTLINE]
