"""The rendered report in real Chromium: numbers on screen, screenshots shown, axe finds nothing.

The report practises what it audits: axe-core (the same run_axe the audits
use) must find zero violations on every page, on a laptop and on a phone.
Also: the PDF print, Playwright traces, and the CLI's gates on a real run.
"""

from __future__ import annotations

import asyncio
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from cxaudit.demo import DemoShop
from cxaudit.gather.axe import run_axe
from cxaudit.report import write_report
from cxaudit.run.browser import BrowserOptions, browser_session
from tests.data.demo_results import copy_demo, recorded
from tests.e2e.conftest import cxaudit
from tests.results_files import results_data

PAGES = ("index.html", "desktop.html", "mobile.html", "report.html")
VIEWPORTS = {"laptop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    results = copy_demo(tmp_path_factory.mktemp("report"))
    write_report(recorded(), results.parent)
    return results.parent


# Where the Points cells of "What to fix first" are on screen (the table's last
# column), and whether the table's own box scrolls sideways to show them.
FIX_FIRST_POINTS_JS = """
() => {
  let el = document.getElementById('fix-first');
  while (el && !(el.matches('.table-wrap'))) el = el.nextElementSibling;
  if (!el) return null;
  const cells = [...el.querySelectorAll('tbody tr')].map(tr => tr.lastElementChild);
  return {
    hidden_sideways: el.scrollWidth - el.clientWidth,
    cells: cells.map(c => {
      const r = c.getBoundingClientRect();
      return {left: r.left, right: r.right, width: r.width, text: c.innerText.trim()};
    }),
  };
}
"""


async def _inspect(folder: Path, viewport: dict[str, int]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    async with browser_session(BrowserOptions()) as (_pw, browser):
        context = await browser.new_context(viewport=viewport)
        page = await context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        for name in PAGES:
            await page.goto((folder / name).as_uri(), wait_until="load")
            images = await page.evaluate(
                """() => [...document.images].map(i => {
                       i.loading = 'eager';
                       return i.getAttribute('src');
                   })"""
            )
            await page.wait_for_function("() => [...document.images].every(i => i.complete)")
            loaded = await page.evaluate(
                "() => [...document.images].filter(i => i.naturalWidth > 0).length"
            )
            found[name] = {
                "text": await page.inner_text("body"),
                "axe": await run_axe(page),
                "images": len(images),
                "loaded": loaded,
                "outlines": await page.locator(".shot .outline").count(),
                "overflow": await page.evaluate(
                    "() => document.documentElement.scrollWidth - window.innerWidth"
                ),
                "fix_first_points": await page.evaluate(FIX_FIRST_POINTS_JS),
            }
        found["requests"] = requests
        await context.close()
    return found


@pytest.fixture(scope="module")
def inspected(report_dir: Path) -> dict[str, dict[str, Any]]:
    """Every page as Chromium shows it, on a laptop and on a phone."""
    return {name: asyncio.run(_inspect(report_dir, size)) for name, size in VIEWPORTS.items()}


@pytest.fixture(params=sorted(VIEWPORTS))
def seen(
    request: pytest.FixtureRequest, inspected: dict[str, dict[str, Any]]
) -> tuple[str, dict[str, Any]]:
    return request.param, inspected[request.param]


def test_key_numbers_are_on_screen(seen: tuple[str, dict[str, Any]]) -> None:
    _, pages = seen
    result = recorded()
    index = pages["index.html"]["text"]
    assert f"{result.scores.overall:.0f}" in index and "Overall score" in index
    for channel, scores in result.scores.channels.items():
        page = pages[f"{channel}.html"]["text"]
        assert f"Channel: {channel}" in page
        assert f"{scores.overall:.0f}" in page
        for category, value in scores.categories.items():
            assert f"{value:.0f}" in page and category.capitalize() in page


def test_axe_finds_no_violation_on_the_report(seen: tuple[str, dict[str, Any]]) -> None:
    viewport, pages = seen
    for name in PAGES:
        violations = pages[name]["axe"]["violations"]
        assert violations == [], f"{name} ({viewport}): " + "; ".join(
            f"{v['id']}: {[n['target'] for n in v['nodes'][:3]]}" for v in violations
        )
        assert pages[name]["axe"]["passes"], "axe ran no rule at all"


def test_screenshots_load_from_disk_with_the_evidence_outlined(
    seen: tuple[str, dict[str, Any]],
) -> None:
    _, pages = seen
    desktop = pages["desktop.html"]
    assert desktop["images"] > 0 and desktop["loaded"] > 0
    assert desktop["outlines"] > 0
    # Only files beside the report were asked for: no network at all.
    assert all(url.startswith(("file://", "data:")) for url in pages["requests"])


def test_fits_a_phone(inspected: dict[str, dict[str, Any]]) -> None:
    pages = inspected["phone"]
    for name in PAGES:
        assert pages[name]["overflow"] <= 1, f"{name} scrolls sideways on a phone"


def test_what_to_fix_first_shows_its_points_on_a_phone(
    inspected: dict[str, dict[str, Any]],
) -> None:
    """At 390 px every row's Points cell is on the screen, not behind a sideways scroll."""
    width = VIEWPORTS["phone"]["width"]
    for name in ("index.html", "report.html"):
        table = inspected["phone"][name]["fix_first_points"]
        assert table and table["cells"], f"{name}: no What to fix first table"
        assert table["hidden_sideways"] <= 1, f"{name}: the table scrolls sideways"
        for cell in table["cells"]:
            assert cell["width"] > 0 and cell["text"][0].isdigit(), cell
            assert cell["left"] >= 0 and cell["right"] <= width, f"{name}: {cell} is cut off"


def test_pdf_prints_the_whole_report(report_dir: Path) -> None:
    outcome = cxaudit("report", str(report_dir / "results.json"), "--pdf")
    assert outcome.returncode == 0, outcome.stderr
    pdf = report_dir / "report.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 50_000
    assert data.count(b"/Type /Page") >= 3  # index and both channels, on pages of their own


ONE_PAGE = """\
journey: Product page
stages:
  pre-purchase:
    - goto: /product/trail-runner-2
    - expect: {text: Trail Runner 2}
"""
BROKEN = """\
journey: Missing button
stages:
  purchase:
    - goto: /product/trail-runner-2
    - click: {role: button, name: No such button}
"""


@pytest.fixture(scope="module")
def journeys(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("journeys")
    (folder / "product.yaml").write_text(ONE_PAGE, encoding="utf-8")
    return folder


def test_cli_gates_and_compares_on_a_real_run(
    demo_shop: DemoShop, journeys: Path, tmp_path: Path
) -> None:
    first = tmp_path / "first"
    outcome = cxaudit(
        "run", str(journeys), "--base-url", demo_shop.url, "--channel", "desktop",
        "-o", str(first), "--fail-on", "critical", "-q", cwd=tmp_path,
    )  # fmt: skip
    assert outcome.returncode == 1, outcome.stderr
    assert "at or above critical" in outcome.stderr
    suite = ET.parse(first / "junit.xml").getroot()
    assert suite.get("failures") == "1"
    sarif = json.loads((first / "results.sarif").read_text(encoding="utf-8"))
    assert any("image-alt" in r["ruleId"] for r in sarif["runs"][0]["results"])
    second = tmp_path / "second"
    outcome = cxaudit(
        "run", str(journeys), "--base-url", demo_shop.url, "--channel", "desktop",
        "-o", str(second), "--baseline", str(first / "results.json"), "--fail-on-new", "-q",
        cwd=tmp_path,
    )  # fmt: skip
    assert outcome.returncode == 0, outcome.stderr  # the same flaws: nothing new
    summary = (second / "summary.md").read_text(encoding="utf-8")
    assert "New: **0** · fixed: **0**" in summary


def test_tracing_records_a_trace_per_run_and_the_report_links_it(
    demo_shop: DemoShop, journeys: Path, tmp_path: Path
) -> None:
    (journeys / "broken.yaml").write_text(BROKEN, encoding="utf-8")
    try:
        out = tmp_path / "traced"
        outcome = cxaudit(
            "run", str(journeys), "--base-url", demo_shop.url, "--channel", "desktop",
            "-o", str(out), "--tracing", "retain-on-failure", "--timeout", "1500", "-q",
            cwd=tmp_path,
        )  # fmt: skip
        assert outcome.returncode == 1, outcome.stderr  # a journey could not be finished
        result = results_data(out / "results.json")
        traces = {r["journey"]: r["trace"] for r in result["runs"]}
        assert traces["Product page"] == ""  # passed: not kept
        kept = traces["Missing button"]
        assert kept.endswith(".zip") and (out / kept).stat().st_size > 1000
        assert f'href="{kept}"' in (out / "desktop.html").read_text(encoding="utf-8")
        broken = next(r for r in result["runs"] if r["journey"] == "Missing button")
        assert broken["scores"]["overall"] == 0.0
    finally:
        (journeys / "broken.yaml").unlink()
