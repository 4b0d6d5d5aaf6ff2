"""Journey options of issue 16 in real Chromium: soft checks, the test-id attribute,
wait strategies and the journey's own timeout.

Each test serves its own pages on 127.0.0.1 (a slow route for the late load event)
and runs journeys through the real runner.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import urlsplit

from cxaudit.analysis.analyse import analyse
from cxaudit.results import RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec.channels import resolve_channels
from cxaudit.spec.loader import load_all
from tests.e2e.page_server import _serving, answer

#: The image that holds the load event back, and how long it takes.
SLOW_IMAGE, SLOW_S = "/slow.png", 3.0
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@contextmanager
def serve(pages: Mapping[str, str]) -> Iterator[str]:
    """HTML ``pages`` by path, and an image that answers after ``SLOW_S`` seconds."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == SLOW_IMAGE:
                time.sleep(SLOW_S)
                kind, data, status = "image/png", PNG, 200
            elif path in pages:
                kind, data, status = "text/html; charset=utf-8", pages[path].encode(), 200
            else:
                kind, data, status = "text/plain", b"not found", 404
            try:
                answer(self, status, kind, data)
            except OSError:
                pass  # the browser gave up on the slow image

    with _serving(Handler) as url:
        yield url


def run(
    pages: Mapping[str, str],
    journeys: Mapping[str, str],
    folder: Path,
    **options: object,
) -> RunResult:
    """Run journey files (name -> YAML) on desktop against ``pages``: raw results."""
    for name, text in journeys.items():
        (folder / name).write_text(text, encoding="utf-8")
    loaded = load_all([folder / name for name in journeys], ["desktop"])
    assert loaded.errors == [], loaded.errors
    with serve(pages) as url:
        run_options = RunOptions(
            channels=resolve_channels(["desktop"]),
            output_dir=folder / "out",
            base_url=url,
            screenshots=False,
            **options,  # type: ignore[arg-type]
        )
        pairs = plan(loaded.journeys, run_options.channels, False)
        return asyncio.run(run_journeys(pairs, run_options))


def page(body: str, title: str = "Shop") -> str:
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body><main><h1>{title}</h1>{body}</main></body></html>"
    )


# ---------------------------------------------------------------------------
# Soft checks

SHOP_BODY = """
<p id="status"></p>
<button type="button" onclick="document.getElementById('status').textContent='Added to your cart'">
Add to cart</button>
"""
FIXED_BODY = (
    '<p>Free shipping on every order</p><p data-testid="promo">10% off today</p>' + SHOP_BODY
)

SOFT_JOURNEY = """
journey: Probe the shop
soft_checks: true
stages:
  purchase:
    - goto: /shop
    - expect: Free shipping
      severity: critical
      timeout: 1000
    - expect: {visible: {test_id: promo}}
      severity: minor
      timeout: 1000
    - click: {role: button, name: Add to cart}
    - expect: Added to your cart
      soft: false
"""


def test_soft_checks_record_findings_and_the_journey_goes_on(tmp_path: Path) -> None:
    (tmp_path / "broken").mkdir()
    (tmp_path / "fixed").mkdir()
    broken = analyse(run({"/shop": page(SHOP_BODY)}, {"j.yaml": SOFT_JOURNEY}, tmp_path / "broken"))
    fixed = analyse(run({"/shop": page(FIXED_BODY)}, {"j.yaml": SOFT_JOURNEY}, tmp_path / "fixed"))
    (journey,) = broken.runs
    assert journey.status == "passed", journey.error
    assert [s.status for s in journey.steps] == ["passed"] * 5
    soft = {s.index: s.soft_failure for s in journey.steps if s.soft_failure is not None}
    assert sorted(soft) == [1, 2]
    assert soft[1] is not None and soft[1].severity == "critical"
    assert soft[2] is not None and soft[2].severity == "minor"
    assert "Free shipping" in soft[1].message
    found = [f for f in journey.findings if f.code == "CX-USE-022"]
    assert sorted((f.step, f.severity) for f in found) == [(1, "critical"), (2, "minor")]
    assert all(f.slug == "journey-expectations" for f in found)
    assert not [f for f in journey.findings if f.code == "CX-USE-001"]  # completed
    (good,) = fixed.runs
    assert good.status == "passed" and all(s.soft_failure is None for s in good.steps)
    assert not [f for f in good.findings if f.code == "CX-USE-022"]
    assert broken.scores.overall < fixed.scores.overall
    assert journey.scores.categories["usability"] < good.scores.categories["usability"]


def test_a_hard_check_still_ends_the_journey(tmp_path: Path) -> None:
    hard = SOFT_JOURNEY.replace("soft_checks: true\n", "")
    (journey,) = run({"/shop": page(SHOP_BODY)}, {"j.yaml": hard}, tmp_path).runs
    assert journey.status == "failed"
    assert [s.status for s in journey.steps] == ["passed", "failed"] + ["skipped"] * 3


# ---------------------------------------------------------------------------
# The test-id attribute

TEST_ID_PAGE = """
<p id="done" hidden>Thank you</p>
<button type="button" {attr}="buy" onclick="document.getElementById('done').hidden=false">
Buy now</button>
<span {attr}="price">$12.50</span>
"""


def _test_id_journey(name: str, attribute: str | None) -> str:
    line = f"test_id_attribute: {attribute}\n" if attribute else ""
    return f"""
journey: {name}
{line}stages:
  purchase:
    - goto: /{name}
    - capture: {{price: {{test_id: price, number: true}}}}
    - click: {{test_id: buy}}
      timeout: 2000
    - expect: Thank you
"""


def test_each_journey_matches_its_own_test_id_attribute_at_the_same_time(
    tmp_path: Path,
) -> None:
    pages = {
        "/qa": page(TEST_ID_PAGE.format(attr="data-qa")),
        "/cy": page(TEST_ID_PAGE.format(attr="data-cy")),
        "/plain": page(TEST_ID_PAGE.format(attr="data-testid")),
    }
    journeys = {
        "qa.yaml": _test_id_journey("qa", "data-qa"),
        "cy.yaml": _test_id_journey("cy", "data-cy"),
        "plain.yaml": _test_id_journey("plain", None),
    }
    result = run(pages, journeys, tmp_path, workers=3)
    outcome = {r.journey: (r.status, r.error) for r in result.runs}
    assert outcome == {"qa": ("passed", ""), "cy": ("passed", ""), "plain": ("passed", "")}
    for journey in result.runs:
        assert journey.steps[1].captures[0].number == 12.5


def test_the_project_test_id_attribute_applies_to_journeys_without_their_own(
    tmp_path: Path,
) -> None:
    pages = {"/cy": page(TEST_ID_PAGE.format(attr="data-cy"))}
    journeys = {"cy.yaml": _test_id_journey("cy", None)}
    (default,) = run(pages, journeys, tmp_path).runs
    assert default.status == "failed"  # data-testid: nothing on this page has one
    assert "no element matches test_id='price'" in default.error
    (configured,) = run(pages, journeys, tmp_path, test_id_attribute="data-cy").runs
    assert configured.status == "passed", configured.error


# ---------------------------------------------------------------------------
# Wait strategies and timeouts

LATE_PAGE = page(
    f'<img src="{SLOW_IMAGE}" alt="Trail Runner 2" width="1" height="1">'
    '<button type="button" onclick="setTimeout(() => {'
    "const p = document.createElement('p'); p.textContent = 'Ready to ship';"
    "document.querySelector('main').appendChild(p)}, 300)\">Check stock</button>",
    title="Late",
)


def _late_journey(name: str, wait_until: str | None) -> str:
    line = f"wait_until: {wait_until}\n" if wait_until else ""
    return f"""
journey: {name}
{line}stages:
  purchase:
    - goto: /late
      timeout: 1000
    - click: {{role: button, name: Check stock}}
      wait_for: {{text: Ready to ship}}
      timeout: 2000
"""


def test_domcontentloaded_opens_a_page_whose_load_event_comes_late(tmp_path: Path) -> None:
    journeys = {
        "load.yaml": _late_journey("on load", None),
        "dom.yaml": _late_journey("on domcontentloaded", "domcontentloaded"),
    }
    result = run({"/late": LATE_PAGE}, journeys, tmp_path, workers=2)
    runs = {r.journey: r for r in result.runs}
    late = runs["on load"]
    assert late.status == "failed"
    assert "1 s" in late.steps[0].message
    assert late.steps[0].timeout_ms == 1000  # the timeout in force, for the report
    quick = runs["on domcontentloaded"]
    assert quick.status == "passed", quick.error
    assert [s.status for s in quick.steps] == ["passed", "passed"]


def test_a_step_wait_until_and_wait_for(tmp_path: Path) -> None:
    journey = """
journey: Step strategy
stages:
  purchase:
    - goto: {url: /late, wait_until: commit}
      wait_for: {role: button, name: Check stock}
      timeout: 1000
    - click: {role: button, name: Check stock}
      wait_until: domcontentloaded
      wait_for: {text: Sold out}
      timeout: 1000
"""
    (run_,) = run({"/late": LATE_PAGE}, {"j.yaml": journey}, tmp_path).runs
    assert run_.steps[0].status == "passed", run_.steps[0].message
    assert run_.steps[1].status == "failed"
    assert "Sold out" in run_.steps[1].message


def test_the_journey_timeout_is_a_budget_for_all_its_steps(tmp_path: Path) -> None:
    journey = """
journey: Budgeted
timeout: 2500
wait_until: domcontentloaded
stages:
  purchase:
    - goto: /late
    - wait: 2600
    - expect: Late
"""
    (run_,) = run({"/late": LATE_PAGE}, {"j.yaml": journey}, tmp_path).runs
    assert run_.status == "failed"
    assert "the journey's timeout (2.5 s) was spent before step" in run_.error
    assert run_.steps[0].status == "passed" and run_.steps[-1].status == "skipped"
    assert 0 < run_.steps[0].timeout_ms <= 2500
    # Recorded for the report, which states them from results.json.
    assert run_.timeout_ms == 2500 and run_.step_timeout_ms > 2500
