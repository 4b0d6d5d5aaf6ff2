"""Record the WebP files that tests/unit/report read: each layout a WebP reader meets.

- ``screenshot.webp``: cxaudit's own screenshot of a small page, as Chromium
  encodes it by default: the extended layout (a ``VP8X`` header, an ``ICCP``
  colour profile, then the lossy ``VP8 `` picture).
- ``vp8.webp``: the same picture in the simple lossy layout (``RIFF`` with
  the ``VP8 `` chunk alone), as other encoders write it.
- ``vp8l.webp``: a canvas Chromium encoded lossless, in the simple lossless
  layout (the ``VP8L`` chunk alone).

The simple files are Chromium's own chunks in a container without the colour
profile: Chromium always adds the profile. Each picture is 37 x 23 pixels:
odd numbers, so a reader that gets the "minus one" of VP8L and VP8X wrong is
seen. Run from the repository root:

    .venv/bin/python tests/data/images/record.py
"""

from __future__ import annotations

import asyncio
import base64
import struct
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from cxaudit.gather.screenshot import ScreenshotOptions, capture  # noqa: E402
from cxaudit.run.browser import BrowserOptions, browser_session  # noqa: E402

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = 37, 23
PAGE = (
    "<!doctype html><html><body style='margin:0;background:#fff'>"
    "<div style='width:20px;height:10px;margin:6px 8px;background:#c00'></div></body></html>"
)
# quality 1.0 makes Chromium encode a canvas as lossless WebP (VP8L).
CANVAS_JS = """
([w, h]) => {
  const c = document.createElement('canvas');
  c.width = w; c.height = h;
  const g = c.getContext('2d');
  g.fillStyle = '#fff'; g.fillRect(0, 0, w, h);
  g.fillStyle = '#005ac8'; g.fillRect(4, 3, 20, 12);
  return c.toDataURL('image/webp', 1.0).split(',')[1];
}
"""


def simple(data: bytes, fourcc: bytes) -> bytes:
    """The ``fourcc`` chunk of a WebP file alone in a RIFF container."""
    i = 12
    while i + 8 <= len(data):
        (size,) = struct.unpack("<I", data[i + 4 : i + 8])
        if data[i : i + 4] == fourcc:
            chunk = data[i : i + 8 + size + (size & 1)]
            return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk
        i += 8 + size + (size & 1)
    raise ValueError(f"no {fourcc!r} chunk")


async def record() -> None:
    async with browser_session(BrowserOptions()) as (_pw, browser):
        context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
        page = await context.new_page()
        with tempfile.TemporaryDirectory() as tmp:
            html = Path(tmp) / "page.html"
            html.write_text(PAGE, encoding="utf-8")
            await page.goto(html.as_uri())
            shot = HERE / "screenshot.webp"
            await capture(page, shot, ScreenshotOptions(), ("input[type=password]",))
        (HERE / "vp8.webp").write_bytes(simple(shot.read_bytes(), b"VP8 "))
        lossless = base64.b64decode(await page.evaluate(CANVAS_JS, [WIDTH, HEIGHT]))
        (HERE / "vp8l.webp").write_bytes(simple(lossless, b"VP8L"))
        await context.close()


if __name__ == "__main__":
    asyncio.run(record())
