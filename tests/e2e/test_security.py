"""Nothing from an audited site runs in a report, no secret leaks, no name escapes the report folder."""

from __future__ import annotations

import asyncio
import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from markupsafe import escape
from playwright.sync_api import sync_playwright

from cxaudit.report.html import CSP
from cxaudit.run.browser import BrowserOptions, find_executable, launch
from cxaudit.run.runner import NO_TRACE_SECRETS, Runner, RunOptions
from cxaudit.spec.channels import BUILTIN_CHANNELS
from tests.e2e.fault_site import FaultSite
from tests.e2e.reliability_helpers import audit, by_name
from tests.results_files import results_data

# -- markup and script from the site never run in the report -------------------------

#: Every injected element carries data-pwn or is a <pwn-x>: the report must
#: contain none. Every script, if it ran, would call the site's /pwned page,
#: mark the document and open a dialog.
RUN = "fetch('{canary}');document.documentElement.dataset.pwned='1';alert('pwned')"
MARKUP = (
    '<pwn-x data-pwn="1"></pwn-x><img data-pwn="1" src="x" onerror="{run}">'
    '<script data-pwn="1">{run}</script><svg data-pwn="1" onload="{run}"></svg>'
    '"><a data-pwn="1" href="javascript:{run}">x</a>'
)


def _payload(canary: str) -> str:
    return MARKUP.format(run=RUN.format(canary=canary))


def payload_page(payload: str) -> str:
    """The site shows the payload as text everywhere a report might repeat it."""
    text = payload.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    attr = text.replace('"', "&quot;")
    js = json.dumps(payload).replace("</", "<\\/")
    return textwrap.dedent(
        f"""\
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>{text}</title></head>
        <body>
        <div id="banner" role="dialog" aria-label="Cookies {attr}">We use cookies {text}
          <button id="accept">Accept {text}</button></div>
        <h1>{text}</h1>
        <p id="promo" data-testid="{attr}">{text}</p>
        <img src="/pixel.gif" alt="{attr}" width="20" height="20">
        <img src="/pixel.gif" data-info="{attr}" width="20" height="20">
        <button data-testid="{attr}"></button>
        <button>Buy {text}</button>
        <a href="/ok/{quote(payload)}">{text}</a>
        <script>console.error({js}); document.getElementById('accept').onclick = () =>
          document.getElementById('banner').remove();</script>
        <button onclick="alert({json.dumps(payload).replace('"', "&quot;")})">Say it</button>
        </body></html>"""
    )


@pytest.fixture(scope="module")
def hostile_report(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Path, FaultSite, str]]:
    """The report of an audit of a site full of payloads, and the site (its /pwned is the canary)."""
    with FaultSite() as site:
        payload = _payload(f"{site.url}/pwned")
        site.pages["payloads"] = payload_page(payload)
        name = json.dumps(f"Journey {payload}")
        journeys = {
            "hostile.yaml": f"""
                journey: {name}
                consent: {{accept: {{css: "#accept"}}, banner: {{css: "#banner"}}}}
                stages:
                  pre-purchase:
                    - goto: /payloads
                    - capture: {{promo: {{css: "#promo"}}}}
                    - click: Say it
                    - click: {{role: button, name: {json.dumps("Buy " + payload[:40])}, exact: true}}
                      optional: true
                      timeout: 500
                    - expect: {{text: {json.dumps("Missing " + payload)}}}
            """
        }
        _, out = audit(tmp_path_factory.mktemp("hostile"), journeys, site.url)
        yield out, site, payload


def _pages(out: Path) -> list[Path]:
    pages = sorted(out.glob("*.html"))
    assert [p.name for p in pages] == ["desktop.html", "index.html", "report.html"]
    return pages


def _serve(html: str) -> Callable[[Any], None]:
    """A route handler that answers every request with ``html``."""
    return lambda route: route.fulfill(body=html, content_type="text/html")


def _inspect(page: object, url: str) -> dict[str, object]:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.goto(url)  # type: ignore[attr-defined]
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    found = page.evaluate(  # type: ignore[attr-defined]
        """() => ({
          injected: document.querySelectorAll('pwn-x, [data-pwn], iframe, object, embed').length,
          scripts: document.scripts.length,
          handlers: [...document.querySelectorAll('*')].filter(
            (e) => [...e.attributes].some((a) => a.name.startsWith('on'))).length,
          jsLinks: [...document.querySelectorAll('a')].filter(
            (a) => a.href.startsWith('javascript:')).length,
          marked: document.documentElement.dataset.pwned || null,
          text: document.body.textContent,
        })"""
    )
    found["dialogs"] = dialogs
    return found


@pytest.mark.timeout(300)
def test_report_of_a_hostile_site_runs_nothing_and_shows_it_as_text(
    hostile_report: tuple[Path, FaultSite, str],
) -> None:
    out, site, _ = hostile_report
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable())
        for path in _pages(out):
            html = path.read_text("utf-8")
            assert f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">' in html
            # As a user opens it (the CSP applies), and with the CSP stripped,
            # which proves the escaping holds on its own.
            for strip in (False, True):
                page = browser.new_page()
                if strip:
                    page.route("**/*", _serve(html.replace("Content-Security-Policy", "x-no")))
                found = _inspect(page, f"{site.url}/report-{path.name}" if strip else path.as_uri())
                assert found["injected"] == 0, (path.name, strip)
                assert found["scripts"] == 0 and found["handlers"] == 0 and found["jsLinks"] == 0
                assert found["marked"] is None and found["dialogs"] == []
                if path.name == "desktop.html":
                    assert "<pwn-x data-pwn" in str(found["text"])  # shown, as text
                page.close()
        browser.close()
    assert "/pwned" not in [p for p, _ in site.hits]


def test_the_hostile_values_reached_every_kind_of_field(
    hostile_report: tuple[Path, FaultSite, str],
) -> None:
    """Guards the test above: the payload really was in titles, text, messages, evidence..."""
    out, _, payload = hostile_report
    run = results_data(out / "results.json")["runs"][0]
    steps = run["steps"]
    assert payload in run["journey"]
    assert payload in steps[0]["snapshot"]["title"]
    assert payload in steps[0]["snapshot"]["visible_text"]
    assert any(payload in c["text"] for c in steps[0]["snapshot"]["console"])
    assert steps[1]["captures"][0]["text"][:200] == payload[:200]  # captures are cut short
    assert steps[2]["dialogs"][0]["message"][:200] == payload[:200]
    assert "Buy " in steps[3]["message"]
    assert "Missing <pwn-x data-pwn" in steps[4]["message"]
    html = [e["html"] for f in run["findings"] for e in f["evidence"] if e.get("html")]
    assert any("pwn-x" in h for h in html)  # axe's snippets of the site's markup


def test_the_csp_alone_stops_inline_script() -> None:
    """The report's policy is effective in Chromium: inline scripts and handlers never run."""
    body = (
        "<script>document.title='ran'</script>"
        "<img src=x onerror=\"document.title='ran'\"><p>page</p>"
    )
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable())
        page = browser.new_page()
        page.set_content(body)
        assert page.title() == "ran"  # the test can tell
        page.set_content(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">{body}')
        page.wait_for_timeout(300)
        assert page.title() != "ran"
        browser.close()


# -- secrets ------------------------------------------------------------------------------------

SECRET = "hunter2-Pa55!"

SECRET_JOURNEY = """
journey: Signs in
stages:
  purchase:
    - goto: /ok/login
    - set: {pin: {value: "${secret:CX_TEST_SECRET}", secret: true}}
    - expect: {text: "${pin} is not on this page"}
"""


@pytest.mark.timeout(300)
def test_no_trace_is_kept_for_a_journey_with_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CX_TEST_SECRET", SECRET)
    with FaultSite() as site:
        journeys = {
            "secret.yaml": SECRET_JOURNEY,
            "plain.yaml": "journey: Plain\nstages:\n  purchase:\n    - goto: /ok/plain\n",
        }
        result, out = audit(tmp_path, journeys, site.url, tracing="on")
    secret = by_name(result, "Signs in")
    assert secret.status == "failed"  # it ran, and failed where a trace would be wanted most
    assert secret.trace == "" and secret.notes == [NO_TRACE_SECRETS]
    plain = by_name(result, "Plain")
    assert plain.trace and (out / plain.trace).is_file()  # tracing itself works
    traces = list((out / "traces").rglob("*.zip"))
    assert traces == [out / plain.trace]
    for path in [*out.glob("*.html"), out / "results.json"]:
        assert SECRET not in path.read_text("utf-8")
    assert NO_TRACE_SECRETS.split(":")[0] in (out / "desktop.html").read_text("utf-8")


@pytest.mark.timeout(300)
def test_a_trace_started_before_a_secret_appeared_is_dropped(tmp_path: Path) -> None:
    """BDD and fixture journeys learn their steps as they go: a late secret drops the trace."""
    runner = Runner(
        RunOptions(channels=[BUILTIN_CHANNELS["desktop"]], output_dir=tmp_path, tracing="on")
    )

    async def go() -> tuple[str, str]:
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await launch(pw, BrowserOptions())
            with FaultSite() as site:
                kept = await runner.close_page(
                    await runner.open_page(browser, BUILTIN_CHANNELS["desktop"], site.url),
                    "failed",
                    Path("plain.zip"),
                )
                live = await runner.open_page(browser, BUILTIN_CHANNELS["desktop"], site.url)
                await live.page.goto(f"{site.url}/ok/x")
                live.ctx.secrets.add(SECRET)  # as ${secret:...} substitution does
                dropped = await runner.close_page(live, "failed", Path("secret.zip"))
            await browser.close()
        return kept, dropped

    kept, dropped = asyncio.run(go())
    assert kept and (tmp_path / kept).is_file()
    assert dropped == "" and not (tmp_path / "traces" / "secret.zip").exists()


# -- screenshots mask what customers type in secret ---------------------------------------

FORM = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay</title>
<style>
  body { margin: 0; background: #fff; }
  input { position: absolute; left: 20px; width: 400px; height: 80px; font: 60px monospace;
          color: #000; background: #fff; border: 0; }
  #name { top: 20px; } #pw { top: 140px; } #card { top: 260px; }
</style></head><body>
<label>Name <input id="name" name="fullname"></label>
<label>Password <input id="pw" type="password" name="pw"></label>
<label>Card number <input id="card" name="cardnumber" autocomplete="cc-number"></label>
</body></html>"""

AVERAGE_JS = """async ([src, boxes]) => {
  const img = new Image(); img.src = src; await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = img.width; canvas.height = img.height;
  const g = canvas.getContext('2d'); g.drawImage(img, 0, 0);
  return boxes.map(([x, y, w, h]) => {
    const d = g.getImageData(x, y, w, h).data; const sum = [0, 0, 0];
    for (let i = 0; i < d.length; i += 4) { sum[0] += d[i]; sum[1] += d[i+1]; sum[2] += d[i+2]; }
    return sum.map((v) => Math.round(v / (d.length / 4)));
  });
}"""


@pytest.mark.timeout(300)
def test_screenshots_mask_password_and_card_fields(tmp_path: Path) -> None:
    with FaultSite({"pay": FORM}) as site:
        journeys = {
            "pay.yaml": """
                journey: Pays
                stages:
                  purchase:
                    - goto: /pay
                    - fill: {label: Name, value: "WWWWWWWW"}
                    - fill: {label: Password, value: "WWWWWWWW"}
                    - fill: {label: Card number, value: "4111111111111111"}
                      audit: true
            """
        }
        result, out = audit(tmp_path, journeys, site.url)
    step = by_name(result, "Pays").steps[-1]
    assert step.snapshot is not None and step.snapshot.screenshot
    shot = (out / step.snapshot.screenshot).read_bytes()
    import base64

    src = "data:image/jpeg;base64," + base64.b64encode(shot).decode()
    boxes = [[30, 30, 380, 60], [30, 150, 380, 60], [30, 270, 380, 60]]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_executable())
        name, password, card = browser.new_page().evaluate(AVERAGE_JS, [src, boxes])
        browser.close()
    magenta = lambda rgb: rgb[0] > 200 and rgb[1] < 80 and rgb[2] > 200  # noqa: E731
    assert magenta(password) and magenta(card), (password, card)
    assert not magenta(name) and sum(name) < 3 * 250  # typed text, visible: the check can tell


# -- names never escape the report folder ------------------------------------------------------


@pytest.mark.timeout(300)
def test_hostile_journey_and_channel_names_stay_inside_the_report(tmp_path: Path) -> None:
    desktop = BUILTIN_CHANNELS["desktop"]
    channels = [replace(desktop, name="../../evil"), replace(desktop, name="index")]
    before = {p for p in tmp_path.rglob("*")}
    with FaultSite() as site:
        journeys = {
            "traversal.yaml": """
                journey: ../../etc/passwd
                stages:
                  purchase:
                    - goto: /ok/here
                    - screenshot: ../../../outside
                    - click: Not on the page
            """
        }
        result, out = audit(tmp_path / "work", journeys, site.url, channels=channels)
    assert {r.channel for r in result.runs} == {"../../evil", "index"}
    written = {p for p in tmp_path.rglob("*")} - before
    outside = [p for p in written if not p.resolve().is_relative_to((tmp_path / "work").resolve())]
    assert outside == []
    files = {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()}
    assert {"index.html", "evil.html", "index-.html", "results.json"} <= files
    shots = [f for f in files if f.startswith("screenshots/")]
    assert shots and all(f.split("/")[1] in ("evil", "index-") for f in shots)
    assert all(".." not in f for f in files)
    overview = (out / "index.html").read_text("utf-8")
    assert "Customer experience audit" in overview  # still the overview, not a channel page
