"""The keyboard walk in real Chromium: stops, focus indicators, traps, and a page left as found."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from cxaudit.gather.keyboard import MAX_STOPS, START_JS
from tests.e2e.pages import Visit, by_selector, visit_pages

if TYPE_CHECKING:
    from playwright.async_api import Page

STATE_JS = """() => ({
  active: document.activeElement && document.activeElement.id,
  scrollY: Math.round(scrollY),
  seen: Object.assign({}, window.seen),
  touched: document.getElementById('q').classList.contains('touched'),
  firstChild: document.body.firstElementChild.localName,
  bodyChildren: document.body.children.length,
})"""


async def focus_and_scroll(page: Page) -> dict[str, Any]:
    await page.focus("#q")
    await page.evaluate("() => window.scrollTo(0, 700)")
    return await page.evaluate(STATE_JS)


async def read_state(page: Page) -> dict[str, Any]:
    return await page.evaluate(STATE_JS)


async def break_off_a_walk(page: Page) -> None:
    await page.evaluate(START_JS)  # a walk whose end never ran


async def focus_after_walk(page: Page) -> dict[str, Any]:
    await page.focus("#q")
    return await page.evaluate(STATE_JS)


VISITS = {
    "good": Visit("kb-good.html", gatherers=("keyboard",)),
    "hidden": Visit("kb-hidden.html", gatherers=("keyboard",)),
    "trap": Visit("kb-trap.html", gatherers=("keyboard",)),
    "modal": Visit("kb-modal.html", gatherers=("keyboard",)),
    "state": Visit(
        "kb-state.html", gatherers=("keyboard",), before=focus_and_scroll, after=read_state
    ),
    "good-mobile": Visit("kb-good.html", "mobile", gatherers=("keyboard",)),
    "broken-off": Visit(
        "kb-state.html", gatherers=("keyboard",), before=break_off_a_walk, after=focus_after_walk
    ),
}


@pytest.fixture(scope="module")
def walks() -> dict[str, dict[str, Any]]:
    results = visit_pages(list(VISITS.values()))
    return dict(zip(VISITS, results, strict=True))


def test_walk_starts_at_the_top_and_sees_every_stop_in_order(
    walks: dict[str, dict[str, Any]],
) -> None:
    for name in ("good", "good-mobile"):
        keyboard = walks[name]["keyboard"]
        names = [s["name"] for s in keyboard["stops"]]
        assert names == [
            "Skip to main content",
            "Shoes",
            "Jackets",
            "Bags",
            "Support",
            "Cart",
            "Buy now",
            "Read more",
        ]
        # The start, every stop once, out of the page, and back to the first.
        assert keyboard["sequence"] == [-2, 0, 1, 2, 3, 4, 5, 6, 7, -1, 0]
        assert keyboard["expected"] == 8 and keyboard["presses"] == 10
        assert keyboard["has_main"] is True


def test_focus_indicators_are_seen_where_css_draws_them(walks: dict[str, dict[str, Any]]) -> None:
    good = walks["good"]["keyboard"]["stops"]
    assert all(s["indicator"] and s["visible"] and s["measured"] for s in good)
    skip = good[0]
    assert "outline" in skip["changed"] and "box" in skip["changed"]  # it also comes on screen
    assert skip["skip_target"] == {"href": "#main", "exists": True, "is_main": True}
    assert skip["in_main"] is False and by_selector(good, "#buy")["in_main"] is True

    hidden = walks["hidden"]["keyboard"]["stops"]
    plain = by_selector(hidden, "#plain")
    assert plain["indicator"] is False and plain["changed"] == []
    ring = by_selector(hidden, "#ring")
    assert ring["indicator"] is True and ring["changed"] == ["box-shadow"]
    assert by_selector(hidden, "#ghost")["visible"] is False
    assert "skip_target" not in hidden[0]


def test_a_widget_that_keeps_focus_shows_as_a_cycle(walks: dict[str, dict[str, Any]]) -> None:
    keyboard = walks["trap"]["keyboard"]
    names = [s["name"] for s in keyboard["stops"]]
    assert names == ["Before", "Slide 1", "Slide 2"]  # "After" is never reached
    assert keyboard["sequence"][:5] == [-2, 0, 1, 2, 1]
    assert -1 not in keyboard["sequence"]


def test_a_modal_dialog_cycle_is_marked_modal(walks: dict[str, dict[str, Any]]) -> None:
    stops = walks["modal"]["keyboard"]["stops"]
    assert [s["name"] for s in stops] == ["EU 42", "Close"]
    assert all(s["in_modal"] for s in stops)


def test_the_walk_is_bounded_and_leaves_the_page_as_it_was(
    walks: dict[str, dict[str, Any]],
) -> None:
    walk = walks["state"]
    before, after, keyboard = walk["before"], walk["after"], walk["keyboard"]
    assert keyboard["expected"] > MAX_STOPS
    assert keyboard["presses"] == MAX_STOPS
    assert len(keyboard["sequence"]) == MAX_STOPS + 1
    # Focus and scroll are back; the page's focus and blur handlers never ran,
    # so a form that validates on blur shows no errors; the start marker is gone.
    assert before["active"] == "q" and before["scrollY"] == 700
    assert after == before
    assert after["touched"] is False


def test_a_walk_that_broke_off_leaves_nothing_behind(walks: dict[str, dict[str, Any]]) -> None:
    after = walks["broken-off"]["after"]
    # The page's own focus handlers run again, and no start marker is left.
    assert after["active"] == "q"
    assert after["seen"]["focus"] == 1 and after["seen"]["focusin"] == 1
    assert after["firstChild"] == "main"
