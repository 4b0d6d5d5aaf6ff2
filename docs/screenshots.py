"""Take the report screenshots shown in the README from a real demo run.

    .venv/bin/cxaudit demo -o reports/demo
    .venv/bin/python docs/screenshots.py reports/demo

Writes docs/report-index.jpg, docs/report-desktop.jpg and
docs/report-finding.jpg (the overview, the desktop channel page and its
findings, on a laptop) and docs/report-mobile.jpg (the mobile channel page, on
a phone), from the report in the given folder.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from cxaudit.run.browser import find_executable

DOCS = Path(__file__).resolve().parent
SHOTS = (
    # file, page, viewport width, height kept, device scale
    ("report-index.jpg", "index.html", 1280, 1400, 1),
    ("report-desktop.jpg", "desktop.html", 1280, 1900, 1),
    ("report-finding.jpg", "desktop.html#desktop-findings", 1280, 1050, 1),
    ("report-mobile.jpg", "mobile.html", 390, 1500, 2),
)


def main(report: Path) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable())
        for name, page_name, width, height, scale in SHOTS:
            page = browser.new_page(
                viewport={"width": width, "height": height}, device_scale_factor=scale
            )
            file_name, _, fragment = page_name.partition("#")
            url = (report / file_name).resolve().as_uri() + (f"#{fragment}" if fragment else "")
            page.goto(url, wait_until="load")
            page.evaluate("() => { for (const i of document.images) i.loading = 'eager'; }")
            page.wait_for_function("() => [...document.images].every(i => i.complete)")
            if fragment:  # images above may have changed the layout while loading
                page.evaluate("(id) => document.getElementById(id).scrollIntoView()", fragment)
            page.screenshot(path=str(DOCS / name), type="jpeg", quality=72)
            page.close()
            print(f"{DOCS / name}: {(DOCS / name).stat().st_size // 1024} KiB")
        browser.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "reports/demo"))
