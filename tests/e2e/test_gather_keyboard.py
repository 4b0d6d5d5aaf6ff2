"""The keyboard walk in real Chromium: stops, focus indicators, traps, and a page left as found.

The page's own focus and blur handlers take part in the walk, as they do for a
customer; the keyboard checks are run on what each walk saw.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from cxaudit.checks import Result, Status
from cxaudit.gather.keyboard import MAX_STOPS, START_JS, KeyboardWalkDisturbed, walk_keyboard
from cxaudit.gather.snapshot import SnapshotOptions
from tests.e2e.pages import Visit, by_selector, visit_pages
from tests.unit.checks.recorded import verdict as verdict_on

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


async def disturbed_walk(page: Page) -> str:
    """Walk a page that reloads itself mid-walk: what the walk says instead of a result."""
    try:
        await walk_keyboard(page, SnapshotOptions(output_dir=Path("."), screenshot_name=""))
    except KeyboardWalkDisturbed as exc:
        return str(exc)
    return "not disturbed"


def verdict(slug: str, keyboard: dict[str, Any]) -> Result:
    """The one result of the check ``slug`` on what a walk saw."""
    return verdict_on(slug, keyboard=keyboard)


#: Walked five times each in one browser: a finding must be the same on every run.
REPEATS = 5

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
    **{f"links-{n}": Visit("kb-links.html", gatherers=("keyboard",)) for n in range(REPEATS)},
    **{f"form-{n}": Visit("kb-form.html", gatherers=("keyboard",)) for n in range(REPEATS)},
    "blur-trap": Visit("kb-blur-trap.html", gatherers=("keyboard",)),
    "trap-advice": Visit("kb-trap-advice.html", gatherers=("keyboard",)),
    "trap-advice-broken": Visit("kb-trap-advice-broken.html", gatherers=("keyboard",)),
    "trap-help": Visit("kb-trap-help.html", gatherers=("keyboard",)),
    "trap-pullback": Visit("kb-trap-pullback.html", gatherers=("keyboard",)),
    "trap-shop-hints": Visit("kb-trap-shop-hints.html", gatherers=("keyboard",)),
    "combo": Visit("kb-combo.html", gatherers=("keyboard",)),
    "script-focus": Visit("kb-script-focus.html", gatherers=("keyboard",)),
    "skip-div": Visit("kb-skip-div.html", gatherers=("keyboard",)),
    "skip-nav": Visit("kb-skip-nowhere.html", gatherers=("keyboard",)),
    "skip-list": Visit("kb-skip-list.html", gatherers=("keyboard",)),
    "skip-aside": Visit("kb-skip-aside.html", gatherers=("keyboard",)),
    "skip-button": Visit("kb-skip-button.html", gatherers=("keyboard",)),
    "main-hidden": Visit("kb-main-hidden.html", gatherers=("keyboard",)),
    "content-first": Visit("kb-content-first.html", gatherers=("keyboard",)),
    "tagline-first": Visit("kb-tagline-first.html", gatherers=("keyboard",)),
    "collapse-nav": Visit("kb-collapse-nav.html", gatherers=("keyboard",)),
    "focus-beside": Visit("kb-focus-beside.html", gatherers=("keyboard",)),
    "xhtml": Visit("kb-xhtml.xml", gatherers=("keyboard",)),
    "svg": Visit("ok.svg", gatherers=("keyboard",)),
    "navigates": Visit("kb-navigates.html", gatherers=(), before=disturbed_walk),
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
    assert skip["skip_target"] == {
        "href": "#main",
        "exists": True,
        "is_main": True,
        "after_link": True,
        "in_nav": False,
        "in_side": False,
    }
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
    # Focus and scroll are back and the start marker is gone. The page's focus
    # and blur handlers ran, as they do when a customer tabs: the walk must
    # not change what the page does (issues 16 and 17).
    assert before["active"] == "q" and before["scrollY"] == 700
    assert after["active"] == "q" and after["scrollY"] == 700
    assert (after["firstChild"], after["bodyChildren"]) == (
        before["firstChild"],
        before["bodyChildren"],
    )
    assert after["seen"]["blur"] >= 1 and after["seen"]["focusout"] >= 1
    assert after["seen"]["focus"] > before["seen"]["focus"]


def test_a_walk_that_broke_off_leaves_nothing_behind(walks: dict[str, dict[str, Any]]) -> None:
    after = walks["broken-off"]["after"]
    # The page's own focus handlers run (once as the walk passes the field,
    # once for the focus after it), and no start marker is left.
    assert after["active"] == "q"
    assert after["seen"]["focus"] == 2 and after["seen"]["focusin"] == 2
    assert after["firstChild"] == "main"


def test_plain_links_and_forms_never_give_a_trap_on_any_run(
    walks: dict[str, dict[str, Any]],
) -> None:
    # Issue 13, defect 3: a critical trap on three plain links, on one run in two.
    for page, count in (("links", 3), ("form", 10)):
        for n in range(REPEATS):
            keyboard = walks[f"{page}-{n}"]["keyboard"]
            assert len(keyboard["stops"]) == count, (page, n)
            assert "confirm" not in keyboard, (page, n, keyboard["sequence"])
            for slug in ("keyboard-trap", "focus-visible"):
                result = verdict(slug, keyboard)
                assert result.status == Status.PASS, (page, n, slug, result.message)


def test_the_trap_pages_are_confirmed_traps(walks: dict[str, dict[str, Any]]) -> None:
    carousel = walks["trap"]["keyboard"]
    assert carousel["confirm"]["cycle"] == [1, 2] and carousel["unreached"] == 1
    assert set(carousel["confirm"]["tab"]) == {1, 2}
    assert set(carousel["confirm"]["shift_tab"]) <= {1, 2}
    result = verdict("keyboard-trap", carousel)
    assert result.status == Status.FAIL
    assert [e.selector for e in result.evidence] == ["#w1", "#w2"]
    assert verdict("keyboard-trap", walks["modal"]["keyboard"]).status == Status.PASS


def test_a_trap_built_with_a_blur_handler_is_found(walks: dict[str, dict[str, Any]]) -> None:
    # As ACT rule 80af7b's failed examples: onblur moves focus back a moment later.
    keyboard = walks["blur-trap"]["keyboard"]
    assert [s["name"] for s in keyboard["stops"]] == ["Link 1", "Button 1"]
    assert set(keyboard["confirm"]["tab"]) == {1} and set(keyboard["confirm"]["shift_tab"]) == {1}
    result = verdict("keyboard-trap", keyboard)
    assert result.status == Status.FAIL
    assert [e.selector for e in result.evidence] == ["#sticky"]


def test_a_trap_whose_page_says_how_to_leave_it_passes_when_that_works(
    walks: dict[str, dict[str, Any]],
) -> None:
    # ACT ebe86a: help text on the page, or shown by a help control inside the
    # trap, and the keys it names let focus go.
    for name, via, keys in (
        ("trap-advice", "text", "Control+q"),
        ("trap-help", "help control", "Escape"),
    ):
        confirm = walks[name]["keyboard"]["confirm"]
        assert confirm["advice"]["via"] == via and confirm["advice"]["keys"] == keys, name
        assert confirm["advice"]["left"] is True, name
        result = verdict("keyboard-trap", walks[name]["keyboard"])
        assert result.status == Status.PASS, (name, result.message)
        assert "says how to leave" in result.message
    # The same advice where the keys do nothing: still a trap, and it says so.
    broken = walks["trap-advice-broken"]["keyboard"]
    assert broken["confirm"]["advice"]["left"] is False
    result = verdict("keyboard-trap", broken)
    assert result.status == Status.FAIL
    assert "Use Ctrl+Q to leave the slideshow." in result.message
    assert [e.selector for e in result.evidence] == ["#prev", "#next"]


def test_hints_that_are_no_way_out_and_a_submit_help_button_are_not_advice(
    walks: dict[str, dict[str, Any]],
) -> None:
    # "Press Enter to search" and "Use a valid code" say nothing of leaving, and a Help
    # button that submits its form is not pressed: the trap is reported, the page untouched.
    keyboard = walks["trap-shop-hints"]["keyboard"]
    assert "advice" not in keyboard["confirm"] or not keyboard["confirm"]["advice"]
    result = verdict("keyboard-trap", keyboard)
    assert result.status == Status.FAIL
    assert "#code" in [e.selector for e in result.evidence]


def test_focus_pulled_back_from_the_browser_is_still_trapped(
    walks: dict[str, dict[str, Any]],
) -> None:
    # ACT a1b64e failed 2: Shift+Tab sends focus to the browser for a moment,
    # the page takes it back; the third button is never reached.
    keyboard = walks["trap-pullback"]["keyboard"]
    assert keyboard["confirm"]["cycle"] == [0, 1] and keyboard["unreached"] == 1
    assert -1 in keyboard["confirm"]["shift_tab"]
    assert "advice" not in keyboard["confirm"]
    result = verdict("keyboard-trap", keyboard)
    assert result.status == Status.FAIL
    assert [e.selector for e in result.evidence] == ["#one", "#two"]


def test_a_combobox_that_opens_on_focus_is_tabbed_through(
    walks: dict[str, dict[str, Any]],
) -> None:
    # react-select-like: the focus handler opens the list, blur closes it.
    keyboard = walks["combo"]["keyboard"]
    assert [s["name"] for s in keyboard["stops"]] == ["Colour", "Size", "Add to cart"]
    assert keyboard["sequence"] == [-2, 0, 1, 2, -1, 0]
    assert verdict("keyboard-trap", keyboard).status == Status.PASS


def test_a_focus_indicator_drawn_by_a_focus_handler_is_visible(
    walks: dict[str, dict[str, Any]],
) -> None:
    stops = walks["script-focus"]["keyboard"]["stops"]
    assert [s["name"] for s in stops] == ["Home", "Go", "Search"]
    assert all(s["measured"] and s["indicator"] and "outline" in s["changed"] for s in stops)
    assert verdict("focus-visible", walks["script-focus"]["keyboard"]).status == Status.PASS


def test_a_skip_link_to_a_div_past_the_navigation_works(
    walks: dict[str, dict[str, Any]],
) -> None:
    keyboard = walks["skip-div"]["keyboard"]
    assert keyboard["has_main"] is False
    assert keyboard["stops"][0]["skip_target"] == {
        "href": "#main",
        "exists": True,
        "is_main": False,
        "after_link": True,
        "in_nav": False,
        "in_side": False,
    }
    result = verdict("skip-to-content", keyboard)
    assert (result.status, result.message) == (Status.PASS, "the first Tab stop is a skip link")
    # A "skip" link that lands in the navigation it should skip does not.
    into_nav = verdict("skip-to-content", walks["skip-nav"]["keyboard"])
    assert into_nav.status == Status.FAIL
    assert into_nav.message == "the first Tab stop links to #menu, inside the navigation"


def test_bypass_blocks_as_the_act_rules_test_them(walks: dict[str, dict[str, Any]]) -> None:
    """Pages of our own shaped like ACT cases cf77f2, ye5d6e and b40fd1."""
    # Links at the top to each area: the first one names the list itself.
    listed = verdict("skip-to-content", walks["skip-list"]["keyboard"])
    assert (listed.status, listed.message) == (
        Status.PASS,
        "Tab stop 2 is a skip link past the header",
    )
    # A "skip" link that lands on the sidebar's text skips nothing.
    aside = walks["skip-aside"]["keyboard"]
    assert aside["stops"][0]["skip_target"]["in_side"] is True
    into_aside = verdict("skip-to-content", aside)
    assert (into_aside.status, into_aside.message) == (
        Status.FAIL,
        "the first Tab stop links to #note, into an aside or footer",
    )
    # A scripted skip control is read by its name.
    button = verdict("skip-to-content", walks["skip-button"]["keyboard"])
    assert (button.status, button.message) == (Status.PASS, "the first Tab stop is a skip link")
    # A main landmark hidden with aria-hidden is none.
    hidden = walks["main-hidden"]["keyboard"]
    assert hidden["has_main"] is False
    assert hidden["content_heading"] is False  # its only heading is inside the hidden main
    assert walks["skip-list"]["keyboard"]["content_heading"] is True
    assert verdict("skip-to-content", hidden).message == (
        "the page has no main landmark and no skip link"
    )


def test_bypass_without_a_main_landmark_heading_or_skip_link(
    walks: dict[str, dict[str, Any]],
) -> None:
    """ACT cf77f2's other ways past the blocks: content first, a control that hides the menu."""
    # A sentence of content before the first Tab stop: nothing comes before it to skip.
    first = walks["content-first"]["keyboard"]
    assert (first["has_main"], first["content_heading"], first["words_before_stops"]) == (
        False,
        False,
        23,
    )
    result = verdict("skip-to-content", first)
    assert (result.status, result.message) == (
        Status.PASS,
        "the content comes before the first Tab stop, nothing to skip",
    )
    # A short line above the links is no content first.
    tagline = walks["tagline-first"]["keyboard"]
    assert tagline["words_before_stops"] == 4
    assert verdict("skip-to-content", tagline).message == (
        "the page has no main landmark and no skip link"
    )
    # A visible button that hides the navigation (SCR28), by its name or its aria-controls.
    collapse = walks["collapse-nav"]["keyboard"]
    assert [s.get("controls_nav", False) for s in collapse["stops"][:3]] == [False, True, False]
    result = verdict("skip-to-content", collapse)
    assert (result.status, result.message) == (
        Status.PASS,
        "the first Tab stop is a control that hides the navigation",
    )


def test_a_focus_indicator_drawn_beside_the_element_is_visible(
    walks: dict[str, dict[str, Any]],
) -> None:
    """ACT oj04fd: the look of the elements either side counts, not only the element's."""
    stops = walks["focus-beside"]["keyboard"]["stops"]
    assert [(s["name"], s["changed"]) for s in stops] == [
        ("Small", ["beside"]),
        ("Large", ["beside"]),
        ("Other sizes", []),
    ]
    result = verdict("focus-visible", walks["focus-beside"]["keyboard"])
    assert (result.status, [e.selector for e in result.evidence]) == (Status.FAIL, ["#plain"])


def test_xml_documents_are_walked_or_not_applicable(walks: dict[str, dict[str, Any]]) -> None:
    # XHTML served as application/xml: an HTML body, walked like any page.
    xhtml = walks["xhtml"]["keyboard"]
    assert [s["name"] for s in xhtml["stops"]] == ["One", "Two"]
    assert verdict("keyboard-trap", xhtml).status == Status.PASS
    # An SVG document has no HTML body: nothing to walk, the checks do not apply.
    svg = walks["svg"]["keyboard"]
    assert svg["document"] == "not html" and svg["stops"] == []
    for slug in ("keyboard-trap", "focus-visible", "skip-to-content"):
        assert verdict(slug, svg).status == Status.NOT_APPLICABLE


def test_a_walk_the_page_disturbs_is_not_measured(walks: dict[str, dict[str, Any]]) -> None:
    assert walks["navigates"]["before"] == "the page navigated or reloaded during the keyboard walk"
