"""Audit screenshots: format, CSS-pixel scale, height cap, and masked sensitive fields.

The pictures are decoded by Chromium itself (drawn on a canvas) so their
size and pixels can be checked without an image library.
"""

from __future__ import annotations

import asyncio
import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from cxaudit.gather import PageRecorder, SnapshotOptions, take_snapshot
from cxaudit.gather.screenshot import ScreenshotOptions, written
from cxaudit.gather.throttle import Throttle
from cxaudit.run.browser import BrowserOptions, browser_session
from cxaudit.spec.channels import BUILTIN_CHANNELS

SECRET = "4242 4242 4242 4242"
PAGES = {
    "/form": f"""<!doctype html><html lang="en"><title>Pay</title>
<body style="margin:0;background:#fff">
<label>Card number <input id="card" name="cardnumber" value="{SECRET}"
  style="position:absolute;left:40px;top:60px;width:300px;height:40px;font-size:30px;
         color:#000;background:#fff;border:0"></label>
<p style="position:absolute;left:40px;top:200px;width:300px;height:40px;margin:0;
  background:#0a0">Not sensitive</p>
</body></html>""",
    "/long": """<!doctype html><html lang="en"><title>Long</title>
<meta name="viewport" content="width=device-width">
<body style="margin:0"><div style="height:9000px;background:linear-gradient(#fff,#00f)"></div>
</body></html>""",
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGES.get(self.path, "").encode()
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


DECODE_JS = """
async ([src, points]) => {
  const img = new Image();
  img.src = src;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const g = canvas.getContext('2d');
  g.drawImage(img, 0, 0);
  return {width: img.naturalWidth, height: img.naturalHeight,
          pixels: points.map(([x, y]) => Array.from(g.getImageData(x, y, 1, 1).data.slice(0, 3)))};
}
"""
MIME = {".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png"}


def shoot(
    site: str,
    path: str,
    channel: str,
    shots: ScreenshotOptions,
    out: Path,
    points: list[Any],
    beside: bool = False,
) -> tuple[str, dict[str, Any]]:
    """Take an audit snapshot of ``path``; return the screenshot's name and its decoded pixels.

    ``beside``: the picture is encoded on a thread, as in a journey run.
    """

    async def go() -> tuple[str, dict[str, Any]]:
        async with browser_session(BrowserOptions()) as (_pw, browser):
            context = await browser.new_context(**BUILTIN_CHANNELS[channel].context_options())
            page = await context.new_page()
            await page.goto(site + path)
            options = SnapshotOptions(
                output_dir=out,
                screenshot_name="screenshots/01-goto.jpg",
                audit=False,
                screenshot=True,
                screenshot_options=shots,
                encode_beside=beside,
            )
            snapshot, _ = await take_snapshot(
                page, PageRecorder(page), Throttle(None, BUILTIN_CHANNELS[channel]), options, None
            )
            assert snapshot.screenshot, snapshot.errors
            written()
            # The mask is gone again: the customer's page is as it was.
            assert (
                await page.evaluate("document.querySelectorAll('[data-cxaudit-mask]').length") == 0
            )
            file = out / snapshot.screenshot
            src = f"data:{MIME[file.suffix]};base64,{base64.b64encode(file.read_bytes()).decode()}"
            viewer = await context.new_page()
            decoded = await viewer.evaluate(DECODE_JS, [src, points])
            await context.close()
            return snapshot.screenshot, decoded

    return asyncio.run(go())


def magenta(rgb: list[int]) -> bool:
    r, g, b = rgb
    return r > 200 and g < 80 and b > 200


@pytest.mark.parametrize("fmt", ["webp", "jpeg", "png"])
def test_sensitive_fields_are_masked(site: str, tmp_path: Path, fmt: str) -> None:
    # Points across the card field (where its digits are drawn) and on the green paragraph.
    field = [[x, 80] for x in (45, 100, 190, 280, 335)]
    name, image = shoot(
        site, "/form", "desktop", ScreenshotOptions(format=fmt), tmp_path, [*field, [190, 220]]
    )
    assert name == f"screenshots/01-goto{ScreenshotOptions(format=fmt).suffix}"
    *card, paragraph = image["pixels"]
    assert all(magenta(p) for p in card), card
    assert not magenta(paragraph) and paragraph[1] > 120  # the rest of the page is untouched


@pytest.mark.parametrize("fmt", ["webp", "jpeg"])
def test_a_picture_encoded_beside_the_journey_is_the_same_picture(
    site: str, tmp_path: Path, fmt: str
) -> None:
    """WebP encoded on a thread from the browser's PNG (JPEG by the browser as before):
    the same format, size, mask and pixels."""
    field = [[x, 80] for x in (45, 100, 190, 280, 335)]
    points = [*field, [190, 220], [600, 400]]
    shots = ScreenshotOptions(format=fmt)  # type: ignore[arg-type]
    name, here = shoot(site, "/form", "desktop", shots, tmp_path / "here", points, beside=True)
    _, there = shoot(site, "/form", "desktop", shots, tmp_path / "there", points)
    assert name == f"screenshots/01-goto{shots.suffix}"
    magic = (tmp_path / "here" / name).read_bytes()[:12]
    assert (b"WEBP" in magic) if fmt == "webp" else magic.startswith(b"\xff\xd8")
    assert (here["width"], here["height"]) == (there["width"], there["height"])
    card = here["pixels"][: len(field)]
    assert all(magenta(p) for p in card), card
    for mine, theirs in zip(here["pixels"], there["pixels"], strict=True):
        assert max(abs(a - b) for a, b in zip(mine, theirs, strict=True)) < 24, (mine, theirs)
    size_here = (tmp_path / "here" / name).stat().st_size
    size_there = (tmp_path / "there" / name).stat().st_size
    assert size_here < size_there * 1.5, (size_here, size_there)
    assert not list((tmp_path / "here").rglob("*.part"))


def test_css_scale_and_height_cap(site: str, tmp_path: Path) -> None:
    mobile = BUILTIN_CHANNELS["mobile"]
    _, css = shoot(site, "/long", "mobile", ScreenshotOptions(max_height=3000), tmp_path, [])
    assert (css["width"], css["height"]) == (mobile.viewport["width"], 3000)
    _, device = shoot(
        site, "/long", "mobile", ScreenshotOptions(max_height=1000, scale="device"), tmp_path, []
    )
    dpr = mobile.device_scale_factor
    assert device["width"] == pytest.approx(mobile.viewport["width"] * dpr, abs=2)
    assert device["height"] == pytest.approx(1000 * dpr, abs=2)


def test_smaller_than_before(site: str, tmp_path: Path) -> None:
    """WebP at CSS pixels is far smaller than the JPEG at device pixels cxaudit used to write."""
    sizes = {}
    for label, shots in {
        "webp-css": ScreenshotOptions(),
        "jpeg-device": ScreenshotOptions(format="jpeg", scale="device"),
    }.items():
        name, _ = shoot(site, "/long", "mobile", shots, tmp_path / label, [])
        sizes[label] = (tmp_path / label / name).stat().st_size
    assert sizes["webp-css"] * 3 < sizes["jpeg-device"], sizes


def test_a_synchronous_page_gets_the_same_screenshot(site: str, tmp_path: Path) -> None:
    """pytest-playwright's sync page is audited through a view of it: the screenshot works there too."""
    from playwright.sync_api import sync_playwright

    from cxaudit.gather.sync_page import snapshot_sync_page
    from cxaudit.run.browser import find_executable

    desktop = BUILTIN_CHANNELS["desktop"]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable())
        page = browser.new_page(**desktop.context_options())
        page.goto(site + "/form")
        options = SnapshotOptions(
            output_dir=tmp_path, screenshot_name="screenshots/01-audit.jpg", audit=False
        )
        snapshot = snapshot_sync_page(page, options, desktop)
        masks_left = page.evaluate("document.querySelectorAll('[data-cxaudit-mask]').length")
        browser.close()
    assert snapshot.errors == {}
    assert snapshot.screenshot == "screenshots/01-audit.webp"
    assert (tmp_path / snapshot.screenshot).read_bytes()[8:12] == b"WEBP"
    assert masks_left == 0


@pytest.mark.parametrize("fmt", ["webp", "jpeg", "png"])
def test_the_report_reads_the_size_of_every_format(site: str, tmp_path: Path, fmt: str) -> None:
    """The report outlines evidence only on a screenshot whose size it can read."""
    from cxaudit.report.evidence import image_size

    name, image = shoot(site, "/long", "mobile", ScreenshotOptions(format=fmt), tmp_path, [])
    assert image_size(tmp_path / name) == (image["width"], image["height"])
