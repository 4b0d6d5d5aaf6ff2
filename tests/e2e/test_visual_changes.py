"""Visual changes through the real command line: a site audited twice, the second run
against the first (``--baseline`` its report folder), with a change in between.

The home page's promotion changes colour and wording between the runs: the second
run finds it (CX-MSG-011) and outlines it on the step card. Both pages show a
clock (the time to the millisecond, so it differs in every picture): it is in the
config's ``visual.mask``, painted over in both runs, and yields no change.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import cxaudit
from tests.e2e.page_server import serve
from tests.results_files import results_data

STYLE = """<style>
body { margin: 0; font: 16px/1.4 sans-serif; background: #fff; color: #111; }
#clock { position: absolute; left: 600px; top: 20px; width: 320px; height: 32px;
         margin: 0; font: 20px monospace; background: #eee; }
.promo { position: absolute; left: 40px; top: 200px; width: 300px; height: 80px;
         margin: 0; color: #fff; background: %s; }
</style>"""
CLOCK = """<p id="clock"></p><script>
const clock = document.getElementById('clock');
const tick = () => { clock.textContent = new Date().toISOString(); };
tick(); setInterval(tick, 40);
</script>"""


def pages(promo_colour: str, promo_text: str, faq_rows: int = 2) -> dict[str, tuple[str, str]]:
    head = f'<!doctype html><html lang="en"><head><title>%s</title>{STYLE % promo_colour}</head>'
    return {
        "/": (
            "text/html",
            head % "Home"
            + f'<body><main><h1>Shop</h1><p class="promo">{promo_text}</p></main>{CLOCK}</body></html>',
        ),
        "/about": (
            "text/html",
            head % "About" + f"<body><main><h1>About us</h1></main>{CLOCK}</body></html>",
        ),
        "/faq": (
            "text/html",
            head % "Questions"
            + "<body><main><h1>Questions</h1>"
            + '<p style="height: 600px">A question and its answer.</p>' * faq_rows
            + f"</main>{CLOCK}</body></html>",
        ),
    }


JOURNEY = """journey: Visual
stages:
  pre-purchase:
    - goto: /
    - goto: /about
    - goto: /faq
"""
#: The clock, a selector the page rejects and one that matches nothing.
MASKS = "visual:\n  mask: ['#clock', '#[bad', '#no-such-banner']\n"


def test_a_change_since_the_baseline_is_found_and_outlined_and_a_masked_clock_is_not(
    tmp_path: Path,
) -> None:
    (tmp_path / "journey.yaml").write_text(JOURNEY, encoding="utf-8")
    (tmp_path / "cxaudit.yaml").write_text(MASKS, encoding="utf-8")
    site = pages("#006400", "Free delivery")
    with serve(site) as url:
        common = ("journey.yaml", "--base-url", url, "--channel", "desktop", "-q")
        first = cxaudit("run", *common, "--output", "first", cwd=tmp_path)
        assert first.returncode in (0, 1), first.stderr
        site.update(pages("#8b0000", "Free returns on every order", faq_rows=3))
        second = cxaudit("run", *common, "--output", "second", "--baseline", "first", cwd=tmp_path)
        assert second.returncode in (0, 1), second.stderr

    results = results_data(tmp_path / "second" / "results.json")
    [journey_run] = results["runs"]
    home, about, faq = (s["visual"] for s in journey_run["steps"])
    assert home["status"] == "changed", home
    assert home["baseline_run"] == results_data(tmp_path / "first" / "results.json")["run_id"]
    # The one changed area is the promotion (40, 200, 300 x 80), not the clock (600, 20).
    [area] = home["regions"]
    assert 30 <= area["x"] <= 60 and 190 <= area["y"] <= 215, area
    assert area["x"] + area["width"] <= 350 and area["y"] + area["height"] <= 290, area
    # The page with only the clock on it looks the same: the mask held.
    assert about["status"] == "unchanged", about
    assert about["ratio"] == 0

    # The page that grew by a question: the common height compared, the growth said.
    assert faq["status"] == "changed", faq
    grew = re.match(
        r"the page is (\d+) px taller than in the baseline \((\d+) px, was (\d+) px\)",
        faq["size_change"],
    )
    assert grew is not None, faq
    taller, now, was = map(int, grew.groups())
    assert now - was == taller and 600 <= taller <= 640  # a paragraph and its margin
    # Everything above is the same: the one area is the rows added.
    assert [(r["y"], r["height"]) for r in faq["regions"]] == [(was, taller)]
    # The masks that covered nothing are said, in the result and on the card.
    rejected = "mask css='#[bad' not applied: the page rejects it ("
    nothing = "mask css='#no-such-banner' not applied: it matches nothing on this page"
    for visual in (home, about, faq):
        assert visual["masks_not_applied"][0].startswith(rejected), visual
        assert visual["masks_not_applied"][1:] == [nothing], visual

    findings = sorted(
        (f for f in journey_run["findings"] if f["code"] == "CX-MSG-011"), key=lambda f: f["step"]
    )
    assert [f["step"] for f in findings] == [0, 2]
    assert findings[0]["evidence"][0]["box"]["y"] == area["y"]
    assert f"; the page is {taller} px taller" in findings[1]["message"]
    assert nothing in findings[1]["message"]

    # The step card outlines the area on the screenshot and links the baseline's picture.
    page = (tmp_path / "second" / "desktop.html").read_text(encoding="utf-8")
    card = page[page.index('<div class="visual changed">') :]
    card = card[: card.index("</li>")]
    assert card.count('class="outline"') == 1
    link = re.search(r'href="(baseline/screenshots/[^"]+)">baseline picture</a>', card)
    assert link is not None, card
    copied = tmp_path / "second" / link.group(1)
    assert copied.is_file()
    assert (
        copied.read_bytes()
        == (tmp_path / "first" / link.group(1).removeprefix("baseline/")).read_bytes()
    )
    assert "Looks as in the baseline (0 % changed) · mask css=&#39;#[bad&#39; not applied" in page
    assert "mask css=&#39;#no-such-banner&#39; not applied: it matches nothing" in page
    # The overview and the CI summary count the screenshots that changed.
    index = (tmp_path / "second" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"Screenshots changed</div><div class=\"big\">2/3</div>", index)
    summary = (tmp_path / "second" / "summary.md").read_text(encoding="utf-8")
    assert "Screenshots changed: **2** of 3 compared" in summary
