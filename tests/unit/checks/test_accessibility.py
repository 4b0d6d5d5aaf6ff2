"""Accessibility checks on recorded snapshots: no browser."""

from __future__ import annotations

from typing import Any

from cxaudit.checks import Status
from cxaudit.checks.accessibility import CONTENT_FIRST_WORDS, wcag_criteria, wcag_level
from cxaudit.checks.focus_order import trap_cycle as _trap_cycle
from tests.unit.checks.recorded import only, run_check, selectors, statuses


def test_axe_violations_are_one_result_per_rule_weighted_by_impact() -> None:
    results = run_check("axe-rules", "shop-flawed-product-desktop")
    failed = {r.rule: r for r in results if r.status == Status.FAIL}
    assert set(failed) == {"image-alt", "color-contrast"}
    image = failed["image-alt"]
    assert (image.weight, image.severity) == (10.0, "critical")
    assert image.title == "Images must have alternative text"
    assert "WCAG 1.1.1 (A)" in image.message
    assert "dequeuniversity.com/rules/axe" in (image.help_url or "")
    assert image.identity == "image-alt"
    (node,) = image.evidence
    assert node.selector == "img"
    assert node.html and node.html.startswith("<img")
    assert node.box and node.box["width"] > 100
    contrast = failed["color-contrast"]
    assert (contrast.weight, contrast.severity) == (7.0, "serious")
    assert [e.selector for e in contrast.evidence] == [".promise"]
    passes = [r for r in results if r.status == Status.PASS]
    assert len(passes) > 20
    assert len(results) == len({r.rule for r in results})  # each rule scores once per page
    assert {r.weight for r in passes} <= {10.0, 7.0, 3.0, 1.0}


def test_fixed_product_page_passes_every_axe_rule() -> None:
    results = run_check("axe-rules", "shop-fixed-product-desktop")
    assert results and all(r.status == Status.PASS for r in results)
    assert "image-alt" in statuses(results) and "color-contrast" in statuses(results)


def test_disabled_axe_rules_are_not_reported() -> None:
    results = run_check(
        "axe-rules", "shop-flawed-product-desktop", disabled_rules=["color-contrast"]
    )
    assert "color-contrast" not in statuses(results)
    assert statuses(results)["image-alt"] == Status.FAIL


def test_incomplete_rules_need_review_and_weigh_nothing() -> None:
    review = only(run_check("axe-needs-review", "axe-desktop"))
    assert (review.status, review.rule, review.weight) == (
        Status.INFORMATIVE,
        "color-contrast",
        0.0,
    )
    assert review.title and review.title.startswith("Needs review:")
    assert selectors(review) == ["#over-image"]
    assert run_check("axe-needs-review", "shop-fixed-product-desktop") == []
    # The same rule can fail on one element and need review on another.
    failed = statuses(run_check("axe-rules", "axe-desktop"))
    assert failed["color-contrast"] == Status.FAIL


def test_wcag_tags_become_criteria_and_levels() -> None:
    assert wcag_criteria(["cat.color", "wcag2aa", "wcag143", "wcag1410"]) == ["1.4.3", "1.4.10"]
    assert wcag_level(["wcag2aa", "wcag143"]) == "AA"
    assert wcag_level(["wcag2a", "wcag111"]) == "A"
    assert wcag_level(["best-practice"]) == ""


def test_placeholder_only_label_fails_where_axe_passes() -> None:
    result = only(run_check("placeholder-label", "shop-flawed-checkout-desktop"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#postcode"]
    assert "'Postcode'" in result.message
    # axe-core 4.12 accepts the placeholder as a name: its label rule passes.
    assert statuses(run_check("axe-rules", "shop-flawed-checkout-desktop"))["label"] == (
        Status.PASS
    )
    assert only(run_check("placeholder-label", "shop-fixed-checkout-desktop")).status == (
        Status.PASS
    )


def test_placeholder_label_options_and_pages_without_fields() -> None:
    assert selectors(only(run_check("placeholder-label", "forms-desktop"))) == ["#zip"]
    stricter = only(
        run_check("placeholder-label", "forms-desktop", name_sources=["placeholder", "aria-label"])
    )
    assert selectors(stricter) == ["#zip", "#b-phone"]
    assert only(run_check("placeholder-label", "kb-good-desktop")).status == (Status.NOT_APPLICABLE)


def test_error_messages_not_tied_to_their_fields_fail() -> None:
    result = only(run_check("error-association", "shop-flawed-checkout-errors-desktop"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#email", "#name", "#address", "#city", "#postcode", "#card"]
    problem = result.evidence[0].values["problem"]
    assert "aria-describedby" in problem and "aria-invalid" not in problem
    assert result.evidence[0].values["error"] == "Enter your email address."
    fixed = only(run_check("error-association", "shop-fixed-checkout-errors-desktop"))
    assert fixed.status == Status.PASS
    before_submit = only(run_check("error-association", "shop-flawed-checkout-desktop"))
    assert before_submit.status == Status.NOT_APPLICABLE


def _field(snapshot: dict[str, Any], selector: str) -> dict[str, Any]:
    return next(f for f in snapshot["forms"]["fields"] if f["selector"] == selector)


def test_a_tied_message_passes_without_aria_invalid() -> None:
    # WCAG 3.3.1 asks for the error in text, tied to its field; aria-invalid is not required.
    def edit(snapshot: dict[str, Any]) -> None:
        email = _field(snapshot, "#email")
        email["error"]["tied"] = True  # aria-describedby (or aria-errormessage) names it
        email["aria_invalid"] = ""
        name = _field(snapshot, "#name")  # the message written inside the label
        name["label"] = name["name"] = "Full name Enter your full name."
        city = _field(snapshot, "#city")  # marked invalid, and no message at all
        city["error"] = None
        city["aria_invalid"] = "true"

    result = only(run_check("error-association", "shop-flawed-checkout-errors-desktop", edit))
    assert selectors(result) == ["#address", "#city", "#postcode", "#card"]
    city = next(e for e in result.evidence if e.selector == "#city")
    assert "no message" in city.values["problem"]


def test_error_association_on_a_mixed_form() -> None:
    result = only(run_check("error-association", "forms-desktop"))
    # #c-city is tied and invalid; #c-zip shows no message (error-placement's concern).
    assert selectors(result) == ["#c-email"]


def test_focus_visible_passes_when_css_draws_focus() -> None:
    result = only(run_check("focus-visible", "kb-good-desktop"))
    assert result.status == Status.PASS and "8 focus stops" in result.message
    assert only(run_check("focus-visible", "shop-flawed-checkout-desktop")).status == Status.PASS


def test_focus_visible_fails_where_focus_cannot_be_seen() -> None:
    result = only(run_check("focus-visible", "kb-hidden-desktop"))
    assert result.status == Status.FAIL
    bad = selectors(result)
    assert "#plain" in bad and "#ghost" in bad and "#ring" not in bad
    assert len(bad) == 8  # six menu links, the off-screen link and the plain button
    ghost = next(e for e in result.evidence if e.selector == "#ghost")
    assert "not visible" in ghost.values["problem"]
    # A change the options say does not count is no indicator.
    stricter = only(run_check("focus-visible", "kb-hidden-desktop", ignore_changes=["box-shadow"]))
    assert "#ring" in selectors(stricter)


def test_focus_shown_on_a_wrapper_of_an_invisible_input_is_visible() -> None:
    # react-select's input is a transparent sliver; its control's border shows the focus.
    def widget(snapshot: dict[str, Any], changed: list[str]) -> None:
        stop = next(s for s in snapshot["keyboard"]["stops"] if s["selector"] == "#ring")
        stop.update(selector="#sort-input", visible=False, changed=changed)

    shown = run_check("focus-visible", "kb-hidden-desktop", lambda s: widget(s, ["parent"]))
    assert "#sort-input" not in selectors(only(shown))
    hidden = run_check("focus-visible", "kb-hidden-desktop", lambda s: widget(s, ["outline"]))
    assert "#sort-input" in selectors(only(hidden))


def test_keyboard_trap_is_found_and_a_modal_dialog_is_not_one() -> None:
    trap = only(run_check("keyboard-trap", "kb-trap-desktop"))
    assert trap.status == Status.FAIL
    assert selectors(trap) == ["#w1", "#w2"]
    assert "'Slide 1', 'Slide 2'" in trap.message
    assert only(run_check("keyboard-trap", "kb-modal-desktop")).status == Status.PASS
    assert only(run_check("keyboard-trap", "kb-good-desktop")).status == Status.PASS
    assert only(run_check("keyboard-trap", "shop-flawed-cart-mobile")).status == Status.PASS


def test_trap_cycle_from_sequences() -> None:
    assert _trap_cycle([-2, 0, 1, 2, -1, 0]) is None  # left the page, then wrapped
    assert _trap_cycle([-2, 0, 1, 2, 1, 2]) == [1, 2]
    assert _trap_cycle([-2, 0, 1, 1, 1]) == [1]  # Tab does not move at all
    assert _trap_cycle([-2, -1, -1]) is None


def test_focus_inside_a_frame_is_not_a_trap() -> None:
    def frame(snapshot: dict[str, Any]) -> None:
        keyboard = snapshot["keyboard"]
        keyboard["stops"][1]["tag"] = "iframe"
        keyboard["sequence"] = [-2, 0, 1, 1, 1, 2, -1, 0]

    assert only(run_check("keyboard-trap", "kb-good-desktop", frame)).status == Status.PASS


def test_skip_link_or_main_content_first() -> None:
    assert only(run_check("skip-to-content", "kb-good-desktop")).message == (
        "the first Tab stop is a skip link"
    )
    assert only(run_check("skip-to-content", "kb-trap-desktop")).message == (
        "the first Tab stop is in the main content"
    )
    assert only(run_check("skip-to-content", "shop-flawed-cart-mobile")).status == Status.PASS
    hidden = only(run_check("skip-to-content", "kb-hidden-desktop"))
    assert hidden.status == Status.FAIL
    assert hidden.message == "7 Tab stops come before the main content and there is no skip link"
    relaxed = only(run_check("skip-to-content", "kb-hidden-desktop", max_stops_before_main=7))
    assert relaxed.status == Status.PASS


def test_skip_link_to_nowhere_and_page_without_main() -> None:
    def broken_target(snapshot: dict[str, Any]) -> None:
        snapshot["keyboard"]["stops"][0]["skip_target"] = {
            "href": "#content",
            "exists": False,
            "is_main": False,
        }

    result = only(run_check("skip-to-content", "kb-good-desktop", broken_target))
    assert result.status == Status.FAIL
    assert "#content, which is not on the page" in result.message

    def no_main(snapshot: dict[str, Any]) -> None:
        snapshot["keyboard"]["has_main"] = False
        for stop in snapshot["keyboard"]["stops"]:
            stop["in_main"] = False

    result = only(run_check("skip-to-content", "kb-hidden-desktop", no_main))
    assert result.message == "the page has no main landmark and no skip link"


def test_a_trap_is_reported_only_when_the_walk_confirmed_it() -> None:
    # Issue 13, defect 3: a cycle seen once is no trap.
    def unconfirmed(snapshot: dict[str, Any]) -> None:
        del snapshot["keyboard"]["confirm"]

    result = only(run_check("keyboard-trap", "kb-trap-desktop", unconfirmed))
    assert result.status == Status.ERROR and result.message.startswith("not measured")

    def escaped(snapshot: dict[str, Any]) -> None:
        snapshot["keyboard"]["confirm"]["shift_tab"] = [1, 0]  # Shift+Tab let focus go

    assert only(run_check("keyboard-trap", "kb-trap-desktop", escaped)).status == Status.PASS

    def left(snapshot: dict[str, Any]) -> None:
        snapshot["keyboard"]["confirm"]["tab"] = [2, 1, -1, 1]  # focus left the page

    assert only(run_check("keyboard-trap", "kb-trap-desktop", left)).status == Status.PASS


def test_focus_taken_back_from_the_browser_within_a_press_is_still_trapped() -> None:
    # ACT a1b64e: Shift+Tab sends focus to the browser, the page's blur handler
    # takes it back before the press is over. Where each press ended says so.
    def pulled_back(snapshot: dict[str, Any]) -> None:
        confirm = snapshot["keyboard"]["confirm"]
        confirm["shift_tab"] = [1, -1, 2, 1]
        confirm["tab_ends"] = [2, 1, 2, 1, 2]
        confirm["shift_tab_ends"] = [1, 2, 1]

    assert only(run_check("keyboard-trap", "kb-trap-desktop", pulled_back)).status == Status.FAIL

    def stayed_out(snapshot: dict[str, Any]) -> None:
        pulled_back(snapshot)
        snapshot["keyboard"]["confirm"]["shift_tab_ends"] = [1, -1, 1]  # one press ended outside

    assert only(run_check("keyboard-trap", "kb-trap-desktop", stayed_out)).status == Status.PASS


def test_a_trap_with_working_advice_to_leave_passes_and_broken_advice_fails() -> None:
    def advised(left: bool):
        def change(snapshot: dict[str, Any]) -> None:
            snapshot["keyboard"]["confirm"]["advice"] = {
                "text": "Press Ctrl+M to exit",
                "keys": "Control+m",
                "via": "text",
                "after": [3] if left else [1],
                "left": left,
            }

        return change

    result = only(run_check("keyboard-trap", "kb-trap-desktop", advised(True)))
    assert result.status == Status.PASS and "Press Ctrl+M to exit" in result.message
    result = only(run_check("keyboard-trap", "kb-trap-desktop", advised(False)))
    assert result.status == Status.FAIL and "which does not let focus go" in result.message


def test_focus_going_round_the_whole_page_is_no_trap() -> None:
    # The wrap from the last element to the first, read without seeing focus leave.
    def wrapped(snapshot: dict[str, Any]) -> None:
        keyboard = snapshot["keyboard"]
        keyboard["sequence"] = [-2, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1]
        keyboard["confirm"] = {"cycle": list(range(8)), "tab": [2, 3], "shift_tab": [2, 1]}

    assert only(run_check("keyboard-trap", "kb-good-desktop", wrapped)).status == Status.PASS

    def part_of_it(snapshot: dict[str, Any]) -> None:
        wrapped(snapshot)
        snapshot["keyboard"]["unreached"] = 2  # elements focus never reached

    assert only(run_check("keyboard-trap", "kb-good-desktop", part_of_it)).status == Status.FAIL


def test_a_skip_link_to_any_target_past_the_navigation_passes() -> None:
    def to_a_div(snapshot: dict[str, Any]) -> None:
        snapshot["keyboard"]["has_main"] = False
        for stop in snapshot["keyboard"]["stops"]:
            stop["in_main"] = False
        snapshot["keyboard"]["stops"][0]["skip_target"].update(is_main=False)

    result = only(run_check("skip-to-content", "kb-good-desktop", to_a_div))
    assert result.message == "the first Tab stop is a skip link"


def without_main(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The recorded walk as on a page with no main landmark; returns its keyboard part."""
    keyboard = snapshot["keyboard"]
    keyboard["has_main"] = False
    for stop in keyboard["stops"]:
        stop["in_main"] = False
    return keyboard


def test_a_skip_link_further_down_the_top_links_passes() -> None:
    # ACT cf77f2 / ye5d6e: links at the top to each area (the first names the list itself).
    def listed(snapshot: dict[str, Any]) -> None:
        keyboard = without_main(snapshot)
        keyboard["stops"][0]["skip_target"].update(is_main=False, in_nav=True)
        keyboard["stops"][2]["skip_target"] = {
            "href": "#offers",
            "exists": True,
            "is_main": False,
            "after_link": True,
            "in_nav": False,
        }

    result = only(run_check("skip-to-content", "kb-good-desktop", listed))
    assert (result.status, result.message) == (
        Status.PASS,
        "Tab stop 3 is a skip link past the header",
    )


def test_a_skip_link_into_an_aside_is_no_skip_link() -> None:
    def into_aside(snapshot: dict[str, Any]) -> None:
        keyboard = without_main(snapshot)
        keyboard["stops"][0]["skip_target"].update(is_main=False, in_side=True)

    result = only(run_check("skip-to-content", "kb-good-desktop", into_aside))
    assert result.status == Status.FAIL
    assert result.message.endswith(", into an aside or footer")


def test_a_scripted_skip_control_counts_by_its_name() -> None:
    def scripted(snapshot: dict[str, Any]) -> None:
        keyboard = without_main(snapshot)
        first = keyboard["stops"][0]
        del first["skip_target"]
        first.update(tag="button", name="Skip to main content")

    result = only(run_check("skip-to-content", "kb-good-desktop", scripted))
    assert (result.status, result.message) == (Status.PASS, "the first Tab stop is a skip link")

    def other_button(snapshot: dict[str, Any]) -> None:
        scripted(snapshot)
        snapshot["keyboard"]["stops"][0]["name"] = "Skip this offer"

    assert only(run_check("skip-to-content", "kb-good-desktop", other_button)).status == (
        Status.FAIL
    )


def test_without_main_or_skip_link_a_heading_in_the_content_passes() -> None:
    # ACT cf77f2: a heading at the start of the content is a way past the blocks (H69).
    def headed(snapshot: dict[str, Any]) -> None:
        without_main(snapshot)["content_heading"] = True

    result = only(run_check("skip-to-content", "kb-hidden-desktop", headed))
    assert (result.status, result.message) == (
        Status.PASS,
        "no main landmark or skip link, but the content has a heading to jump to",
    )


def test_a_visible_control_that_hides_the_navigation_counts() -> None:
    # ACT cf77f2 by way of 3e12e1 (WCAG SCR28): collapsing the menu bypasses it.
    def control(name: str, visible: bool = True, at: int = 0, **extra: Any) -> Any:
        def edit(snapshot: dict[str, Any]) -> None:
            stop = without_main(snapshot)["stops"][at]
            stop.update(tag="button", name=name, visible=visible, **extra)

        return only(run_check("skip-to-content", "kb-hidden-desktop", edit))

    named = control("Toggle navigation")
    assert (named.status, named.message) == (
        Status.PASS,
        "the first Tab stop is a control that hides the navigation",
    )
    assert control("Menu", controls_nav=True).status == Status.PASS
    assert control("Menu").status == Status.FAIL  # a name that says nothing, no aria-controls
    assert control("Hide table of contents", visible=False).status == Status.FAIL
    later = control("Collapse menu", at=2)
    assert (
        later.message == "Tab stop 3 is a control that hides the navigation before the main content"
    )


def test_content_before_the_first_tab_stop_needs_nothing_to_skip() -> None:
    # ACT cf77f2 by way of g0m9ub: no repeated block comes before the content.
    def words(count: int, main: bool = False) -> Any:
        def edit(snapshot: dict[str, Any]) -> None:
            keyboard = snapshot["keyboard"] if main else without_main(snapshot)
            keyboard["words_before_stops"] = count

        return only(run_check("skip-to-content", "kb-hidden-desktop", edit))

    assert words(CONTENT_FIRST_WORDS).message == (
        "the content comes before the first Tab stop, nothing to skip"
    )
    assert (
        words(CONTENT_FIRST_WORDS - 1).message == "the page has no main landmark and no skip link"
    )
    # With a main landmark, text before the links is not the main content.
    assert words(40, main=True).message == (
        "7 Tab stops come before the main content and there is no skip link"
    )


def test_what_an_error_message_says_is_read_for_its_cause() -> None:
    from cxaudit.artifacts import FormError, FormField
    from cxaudit.checks.accessibility import form_error_problem, vague_message

    def said(text: str, **more: Any) -> str | None:
        return form_error_problem(FormError(text=text, **more), names)

    age = FormField(label="Age (years)", id="age")
    # ACT 36b590 failed 2 and passed 1.
    assert vague_message("Invalid value for age.", [age])
    assert not vague_message("Invalid value for age. Age must be at least 1.", [age])
    assert not vague_message(
        "Enter your full name.", [FormField(label="Full name Enter your full name.")]
    )
    assert not vague_message("Ungültiges Alter.", [age])  # only English is read
    names = [
        FormField(label="Name", legend="Shipping"),
        FormField(label="Name", legend="Billing"),
        FormField(label="Address", legend="Shipping"),
    ]
    # ACT 36b590 failed 5, failed 1 and passed 2.
    assert "label of 2 fields" in str(said("Please fill Name."))
    assert said("Please fill the billing name.") is None
    assert "names none" in str(said("Please fill the field correctly."))
    # A message of the whole form, not about a field to fix: no field to name...
    assert said("Your card was declined. Try another card.") is None
    # ...unless a field is marked in error and has no message of its own.
    marked = [*names, FormField(label="Card number", aria_invalid="true")]
    declined = FormError(text="Your card was declined. Try another card.")
    assert "names none" in str(form_error_problem(declined, marked))
    assert said("Address cannot be empty.") is None
    assert "hidden" in str(said("x", aria_hidden=True))
    linked = FormError(text="Please fill the field correctly.", links=["n1"])
    assert "does not say" in str(form_error_problem(linked, [FormField(label="Name", id="n1")]))
