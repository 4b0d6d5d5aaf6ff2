"""report.pdf: the whole report printed by Chromium, for handing over.

Prints ``report.html`` (every page in one document) with the browser cxaudit
launches everywhere else (:func:`cxaudit.run.browser.browser_session`). Before
printing, the explanations are opened and every screenshot is loaded, since a
printed page cannot be clicked or scrolled.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from cxaudit.run.browser import BrowserOptions, browser_session

PREPARE_JS = """
async () => {
  for (const d of document.querySelectorAll('details')) d.open = true;
  const images = [...document.images];
  for (const img of images) img.loading = 'eager';
  await Promise.all(images.map((img) => img.complete ? null :
    new Promise((resolve) => { img.onload = img.onerror = resolve; })));
}
"""


async def _print(html: Path, pdf: Path, browser: BrowserOptions, timeout_ms: float) -> None:
    async with browser_session(browser) as (_pw, chromium):
        context = await chromium.new_context(bypass_csp=True)
        try:
            page = await context.new_page()
            await page.goto(html.resolve().as_uri(), wait_until="load", timeout=timeout_ms)
            await page.evaluate(PREPARE_JS)
            await page.emulate_media(media="print")
            await page.pdf(
                path=str(pdf),
                format="A4",
                print_background=True,
                margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"},
                display_header_footer=True,
                header_template="<span></span>",
                footer_template=(
                    '<div style="font-size:8px;width:100%;text-align:center;color:#57606a">'
                    '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
                ),
            )
        finally:
            await context.close()


def print_pdf(
    html: Path,
    pdf: Path,
    browser: BrowserOptions | None = None,
    timeout_ms: float = 60_000,
) -> Path:
    """Print ``html`` to ``pdf`` with headless Chromium; returns the PDF's path."""
    asyncio.run(_print(html, pdf, browser or BrowserOptions(), timeout_ms))
    return pdf
