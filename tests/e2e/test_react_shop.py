"""The React shop (tests/data/react_shop/): React 19 and react-select from npm, bundled.

One run in real Chromium against the shop served on 127.0.0.1, two journeys:

- journey.yaml, the benchmark's (27 steps, one HTML document: every view
  after the first comes from ``history.pushState``): it completes, the shop
  is built right (no finding but timings), and axe-core goes into the page
  once per document while each step is still audited afresh;
- points.yaml, issue 16's points on the same app: the Next-style product
  page (pre-rendered, its data in ``__NEXT_DATA__``, hydrated by React), a
  labelled total compared with a price, the react-select "Sort by" and the
  price filters, and the shop's one fault, a console error while the
  newsletter field fills.

Prices are React's own separate text nodes ("£" then "89.00"; on the
pre-rendered page "£<!-- -->129.00"), read as the customer reads them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.gather import axe
from cxaudit.results import JourneyRun, RunResult, StepResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journey
from cxaudit.spec.channels import resolve_channels
from tests.e2e.page_server import REACT_SHOP, serve_app

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, list[object]]:
    """Both journeys in one run; the axe-core injections it made."""
    injected: list[object] = []
    inject = axe._World.inject

    async def counted(world: Any, engine: Any) -> None:
        injected.append(engine)
        await inject(world, engine)

    journeys = []
    for name in ("journey.yaml", "points.yaml"):
        journey, issues = load_journey(REACT_SHOP / name)
        assert journey is not None, issues
        journeys.append(journey)
    with pytest.MonkeyPatch.context() as patch, serve_app() as url:
        patch.setattr(axe._World, "inject", counted)
        options = RunOptions(
            channels=resolve_channels(["desktop"]),
            output_dir=tmp_path_factory.mktemp("react-shop"),
            base_url=url,
            screenshots=False,
        )
        raw = asyncio.run(run_journeys(plan(journeys, options.channels, False), options))
    return analyse(raw), injected


def _run(result: RunResult, file: str) -> JourneyRun:
    run = next(r for r in result.runs if r.file.endswith(file))
    assert run.status == "passed", [(s.name, s.message) for s in run.steps if s.message]
    return run


def _step(run: JourneyRun, name: str) -> StepResult:
    return next(s for s in run.steps if s.name == name)


def test_the_client_rendered_shop_journey(shop: tuple[RunResult, list[object]]) -> None:
    result, injected = shop
    run = _run(result, "react_shop/journey.yaml")
    assert len(run.steps) == 27
    audited = [s.snapshot for s in run.steps if s.snapshot and s.snapshot.audited]
    assert len(audited) == 10
    # Every audited view was audited as it was then, not from an earlier answer.
    for snapshot in audited:
        assert snapshot.axe is not None and not snapshot.errors, snapshot.errors
        assert snapshot.axe.url == snapshot.url
        assert snapshot.axe.passes
    assert len({s.url for s in audited}) >= 8
    # Three documents in all (this journey's one, the other's two): one injection each.
    assert len(injected) == 3
    # A shop built right: react-select, the search box and the filters give nothing.
    judged = [f for f in run.findings if f.status != "informative"]
    assert [f.code for f in judged if f.category != "performance"] == []


def test_react_text_nodes_are_read_as_prices(shop: tuple[RunResult, list[object]]) -> None:
    result, _ = shop
    run = _run(result, "react_shop/journey.yaml")
    cart = _step(run, "Click View cart").snapshot
    assert cart is not None and cart.content is not None
    seen = [(p.text, p.value, p.testid) for p in cart.content.prices]
    assert ("£89.00", 89.0, "line-price") in seen and ("£89.00", 89.0, "cart-total") in seen
    # Price arithmetic had prices to add up: measured, not "not measured".
    arithmetic = [o for o in run.outcomes if o.code == "CX-MSG-006"]
    assert arithmetic and {o.status for o in arithmetic} == {"pass"}
    # The pre-rendered page's "£<!-- -->129.00" too.
    points = _run(result, "points.yaml")
    product = points.steps[0].snapshot
    assert product is not None and product.content is not None
    assert [(p.text, p.value) for p in product.content.prices] == [("£129.00", 129.0)]


def test_a_next_style_page_is_hydrated_and_a_labelled_total_matches_its_price(
    shop: tuple[RunResult, list[object]],
) -> None:
    result, _ = shop
    run = _run(result, "points.yaml")
    # "Add to cart" worked in place: React hydrated the server's HTML.
    assert run.steps[0].snapshot is not None and run.steps[0].snapshot.timing.navigated
    added = _step(run, "Click Add to cart")
    assert added.snapshot is not None and added.snapshot.url.endswith("/product/fell-boot")
    captures = {c.name: (c.text, c.number) for s in run.steps for c in s.captures}
    assert captures["price"] == ("£129.00", 129.0)
    assert captures["cart_summary"] == ("Total: £129.00", 129.0)
    # The labelled total and the price are the same number: no mismatch.
    outcomes = [o for o in [*run.outcomes, *result.outcomes] if o.code == "CX-MSG-001"]
    assert [o.status for o in outcomes if o.journey == run.journey] == ["pass"]


def test_react_select_and_the_listing_controls(shop: tuple[RunResult, list[object]]) -> None:
    result, _ = shop
    run = _run(result, "points.yaml")
    listing = _step(run, "Click Shoes")
    assert listing.snapshot is not None and listing.snapshot.keyboard is not None
    stops = {s.name: s for s in listing.snapshot.keyboard.stops}
    # react-select's input is a transparent sliver; its control shows the focus.
    sort = stops["Sort by"]
    assert sort.tag == "input" and not sort.visible and "parent" in sort.changed
    assert {"Under £100", "£100 and over", "Search"} <= set(stops)
    on_listing = {o.slug: o.status for o in run.outcomes if o.step == listing.index}
    # Tabbing through the widget is no trap; a search box and filters are no form to mark.
    assert on_listing["keyboard-trap"] == "pass"
    assert on_listing["focus-visible"] == "pass"
    assert on_listing.get("required-marked", "not_applicable") in ("pass", "not_applicable")
    # The menu opened from the keyboard and sorted the listing.
    sorted_view = _step(run, "Click Price: high to low").snapshot
    assert sorted_view is not None
    text = sorted_view.visible_text
    assert "Fell Boot" not in text.split("£100 and over", 1)[1]  # the filter: under £100
    assert text.index("Trail Runner 2") < text.index("City Sneaker")  # £89.00, then £64.50


def test_a_console_error_while_filling_is_a_finding_of_that_step(
    shop: tuple[RunResult, list[object]],
) -> None:
    result, _ = shop
    run = _run(result, "points.yaml")
    fill = _step(run, "Fill in Email")
    assert fill.action == "fill" and fill.snapshot is not None and not fill.snapshot.audited
    (finding,) = [f for f in run.findings if f.slug == "console-errors"]
    assert finding.step == fill.index and "'Fill in Email'" in finding.message
    assert "newsletter: email validator failed on 18 characters" in finding.message


def test_history_navigation_counts_as_pages_and_steps_are_named_as_a_person_would(
    shop: tuple[RunResult, list[object]],
) -> None:
    result, _ = shop
    run = _run(result, "react_shop/journey.yaml")
    loaded = [
        s for s in run.steps if s.snapshot and s.snapshot.timing and s.snapshot.timing.navigated
    ]
    assert len(loaded) == 1  # one document; every other view came from pushState
    (effort,) = [f for f in run.findings if f.slug == "journey-effort" and f.rule == "journey"]
    assert "over 8 pages" in effort.message, effort.message
    names = [s.name for s in run.steps]
    for name in ("Open /", "Fill in Email", "Click Add to cart", "Capture cart price, cart total"):
        assert name in names, "; ".join(names)
    assert not [n for n in names if ":" in n or "{" in n], names
