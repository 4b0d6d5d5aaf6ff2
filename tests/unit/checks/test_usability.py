"""Usability checks on recorded snapshots: no browser."""

from __future__ import annotations

from typing import Any

from cxaudit.artifacts import FormField
from cxaudit.checks import JourneySubject, Status
from cxaudit.checks.forms import autocomplete_token, field_purpose
from cxaudit.checks.journey import measure_effort
from cxaudit.checks.layout import parse_viewport
from cxaudit.results import ChannelInfo, JourneyRun, Snapshot, StepResult, Timing
from tests.unit.checks.recorded import check, only, run_check, selectors, statuses, verdict


def test_tiny_targets_close_together_fail_wcag_and_spaced_ones_pass() -> None:
    results = run_check("tap-target-size", "targets-desktop")
    assert statuses(results) == {"target-size-minimum": Status.FAIL}  # no touch rule on desktop
    result = results[0]
    # #alone is as small but has room around it; the inline link and the
    # labelled checkbox are exempt.
    assert selectors(result) == ["#close-a", "#close-b"]
    assert result.evidence[0].values["size"] == "14 x 14 px"
    assert result.evidence[0].values["too_close_to"] == "#close-b"
    assert result.severity is None  # the check's own: serious


def test_touch_channels_also_warn_below_44_px() -> None:
    results = {r.rule: r for r in run_check("tap-target-size", "targets-mobile")}
    touch = results["touch-target-size"]
    assert (touch.status, touch.severity, touch.weight) == (Status.FAIL, "minor", 3.0)
    assert selectors(touch) == ["#alone"]
    relaxed = run_check("tap-target-size", "targets-mobile", touch_min_px=14)
    assert statuses(relaxed)["touch-target-size"] == Status.PASS


def test_demo_cart_remove_button_is_too_small_on_phones_only_when_flawed() -> None:
    flawed = {r.rule: r for r in run_check("tap-target-size", "shop-flawed-cart-mobile")}
    assert flawed["target-size-minimum"].status == Status.PASS  # spaced: WCAG 2.5.8 is met
    assert flawed["touch-target-size"].status == Status.FAIL
    assert [e.values["name"] for e in flawed["touch-target-size"].evidence] == ["Remove"]
    fixed = run_check("tap-target-size", "shop-fixed-cart-mobile")
    assert set(statuses(fixed).values()) == {Status.PASS}


def test_small_text_on_a_phone_fails_with_its_share() -> None:
    result = only(run_check("legible-text", "small-text-mobile"))
    assert result.status == Status.FAIL
    assert result.message.startswith("9")  # most of the characters
    assert "shrunk to 42%" in result.message
    assert selectors(result) == ["#fine-print"]
    assert result.evidence[0].values["size"] == "4.2 px"
    assert only(run_check("legible-text", "targets-mobile")).status == Status.PASS
    assert only(run_check("legible-text", "small-text-mobile", max_small_share=1)).status == (
        Status.PASS
    )


def test_legible_text_is_a_phone_check() -> None:
    assert only(run_check("legible-text", "targets-desktop")).status == Status.NOT_APPLICABLE
    everywhere = only(run_check("legible-text", "targets-desktop", touch_only=False))
    assert everywhere.status == Status.PASS


def test_page_wider_than_the_phone_fails_and_names_the_element() -> None:
    result = only(run_check("horizontal-scroll", "wide-mobile"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#wide"]
    assert "scrolls sideways past the 412 px screen" in result.message
    flawed = only(run_check("horizontal-scroll", "shop-flawed-orders-mobile"))
    assert flawed.status == Status.FAIL and "table.tracking" in selectors(flawed)[0]
    assert only(run_check("horizontal-scroll", "shop-fixed-orders-mobile")).status == Status.PASS


def test_content_cut_off_by_overflow_hidden_is_reported_as_such() -> None:
    def clip(snapshot: dict[str, Any]) -> None:
        snapshot["layout"]["document"]["overflow_x"] = ["visible", "hidden"]

    result = only(run_check("horizontal-scroll", "wide-mobile", clip))
    assert "is cut off at" in result.message


def test_viewport_meta_missing_or_blocking_zoom() -> None:
    blocked = only(run_check("viewport-meta", "zoom-blocked-mobile"))
    assert blocked.status == Status.FAIL
    assert "user-scalable=no" in blocked.message and "maximum-scale=1" in blocked.message
    missing = only(run_check("viewport-meta", "small-text-mobile"))
    assert "no viewport meta tag" in missing.message
    assert only(run_check("viewport-meta", "targets-mobile")).status == Status.PASS
    assert only(run_check("viewport-meta", "zoom-blocked-mobile", min_maximum_scale=1)).message == (
        "user-scalable=no blocks zoom"
    )
    assert only(run_check("viewport-meta", "targets-desktop")).status == Status.NOT_APPLICABLE
    assert parse_viewport("width=device-width; Initial-Scale = 1") == {
        "width": "device-width",
        "initial-scale": "1",
    }


def test_fields_without_any_name() -> None:
    result = only(run_check("field-name", "forms-desktop"))
    assert selectors(result) == ["#mystery"]
    # A placeholder is a name (a poor one: see placeholder-label).
    assert only(run_check("field-name", "shop-flawed-checkout-desktop")).status == Status.PASS


def test_checkout_fields_without_type_or_autocomplete_fail() -> None:
    result = only(run_check("input-type", "shop-flawed-checkout-desktop"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#email", "#name", "#address", "#city", "#postcode", "#card"]
    email = result.evidence[0].values
    assert email["purpose"] == "email"
    assert email["problems"] == [
        "keyboard 'text', expected email",
        "no autocomplete, expected email",
    ]
    card = result.evidence[-1].values
    assert card["problems"][0] == "keyboard 'text', expected numeric or tel"
    assert only(run_check("input-type", "shop-fixed-checkout-desktop")).status == Status.PASS


def test_a_text_field_with_its_autocomplete_token_passes() -> None:
    # type="text" autocomplete="email": the purpose is identified (WCAG 1.3.5) and filled in.
    def edit(snapshot: dict[str, Any]) -> None:
        for field in snapshot["forms"]["fields"]:
            if field["selector"] == "#email":
                field["autocomplete"] = "email"
            if field["selector"] == "#card":
                field["autocomplete"] = "cc-number"

    result = only(run_check("input-type", "shop-flawed-checkout-desktop", edit))
    assert selectors(result) == ["#name", "#address", "#city", "#postcode"]
    keyboards_only = only(
        run_check("input-type", "shop-flawed-checkout-desktop", edit, require_autocomplete=False)
    )
    assert keyboards_only.status == Status.PASS


def test_input_type_without_autocomplete_requirement() -> None:
    result = only(
        run_check("input-type", "shop-flawed-checkout-desktop", require_autocomplete=False)
    )
    assert selectors(result) == ["#email", "#card"]  # only the keyboards are wrong
    assert selectors(only(run_check("input-type", "forms-desktop"))) == ["#email", "#zip"]
    assert only(run_check("input-type", "kb-good-desktop")).status == Status.NOT_APPLICABLE


def test_field_purposes_come_from_the_most_precise_hint() -> None:
    def purpose(**field: str) -> str | None:
        found = field_purpose(FormField(**field))
        return found.name if found else None

    assert purpose(label="Quantity for City Sneaker", name_attr="quantity") == "quantity"
    assert purpose(label="Email address", name_attr="user[email]") == "email"
    assert purpose(label="Order number", name_attr="number", id="order-number") is None
    assert purpose(label="Search", type="search") is None
    assert purpose(label="Phone", autocomplete="off") == "phone"
    assert purpose(label="Town or city", autocomplete="address-level2") == "city"
    assert autocomplete_token("section-a shipping postal-code") == "postal-code"
    assert autocomplete_token("") == ""


def test_autocomplete_tokens_in_the_standards_order() -> None:
    # The passed and failed examples of ACT 73f2c2.
    for value, token in (
        ("username", "username"),
        ("Street-Address", "street-address"),
        ("work email", "email"),
        ("section-partner email", "email"),
        ("section-primary billing address-line1", "address-line1"),
        ("section-primary shipping work email", "email"),
        ("current-password webauthn", "current-password"),
        ("badname", ""),
        ("work photo", ""),
        ("work shipping email", ""),
        ("work,email", ""),
        ("shipping", ""),
        ("address-line1 address-line2", ""),
        ("work", ""),
        ("current-password webauthn invalid", ""),
        ("email invalid", ""),
        ("off", ""),
    ):
        assert autocomplete_token(value) == token, value


def test_forms_that_never_say_what_is_required() -> None:
    flawed = only(run_check("required-marked", "shop-flawed-checkout-desktop"))
    assert flawed.status == Status.FAIL
    assert "none of the 6 fields" in flawed.message
    assert selectors(flawed) == ["#main > div.checkout > form.checkout-form"]
    assert only(run_check("required-marked", "shop-fixed-checkout-desktop")).status == Status.PASS
    mixed = only(run_check("required-marked", "forms-desktop"))
    assert selectors(mixed) == ["#unmarked", "#errors"]  # #marked has a note and asterisks
    assert only(run_check("required-marked", "forms-desktop", min_fields=5)).status == (
        Status.NOT_APPLICABLE
    )


def test_field_in_error_without_a_message_beside_it() -> None:
    result = only(run_check("error-placement", "forms-desktop"))
    assert selectors(result) == ["#c-zip"]
    for case in ("shop-flawed-checkout-errors-desktop", "shop-fixed-checkout-errors-desktop"):
        assert only(run_check("error-placement", case)).status == Status.PASS
    assert only(run_check("error-placement", "shop-flawed-checkout-desktop")).status == (
        Status.NOT_APPLICABLE
    )


def test_broken_images() -> None:
    result = only(run_check("broken-images", "images-desktop"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#missing"]
    assert "1 of 2 image(s)" in result.message
    assert only(run_check("broken-images", "shop-fixed-product-desktop")).status == Status.PASS
    assert only(run_check("broken-images", "kb-good-desktop")).status == Status.NOT_APPLICABLE


def test_overlay_covering_much_of_a_phone_screen() -> None:
    result = only(run_check("overlay-coverage", "overlay-mobile"))
    assert result.status == Status.FAIL
    assert selectors(result) == ["#banner"]
    assert "covers 60% of the screen" in result.message
    assert only(run_check("overlay-coverage", "overlay-mobile", max_share=0.7)).status == (
        Status.PASS
    )
    assert only(run_check("overlay-coverage", "targets-mobile")).status == Status.PASS
    assert only(run_check("overlay-coverage", "images-desktop")).status == Status.NOT_APPLICABLE


def _step(index: int, stage: str, action: str, name: str, navigated: bool = False) -> StepResult:
    snapshot = Snapshot(timing=Timing(navigated=navigated)) if action != "expect" else None
    return StepResult(
        index=index, stage=stage, action=action, name=name, status="passed", snapshot=snapshot
    )


def test_journey_effort_per_stage_and_in_total() -> None:
    steps = [
        _step(0, "pre-purchase", "goto", "goto /product", navigated=True),
        _step(1, "purchase", "click", "click Add to cart", navigated=True),
        _step(2, "purchase", "expect", "expect url"),
        _step(3, "purchase", "click", "click Checkout", navigated=True),
        _step(4, "purchase", "fill", "fill Email"),
        _step(5, "purchase", "fill", "fill Name"),
        _step(6, "purchase", "fill", "fill Email"),  # the same field again
        _step(7, "purchase", "press", "press Enter", navigated=True),
    ]
    run = JourneyRun(
        journey="Buy",
        file="buy.yaml",
        channel="mobile",
        status="passed",
        stages=["pre-purchase", "purchase", "post-purchase"],
        steps=steps,
    )
    effort = check("journey-effort")
    results = list(
        effort.evaluate(JourneySubject(run=run, channel=ChannelInfo(name="mobile")), None)
    )
    assert [r.rule for r in results] == ["stage:pre-purchase", "stage:purchase", "journey"]
    assert all(r.status == Status.INFORMATIVE and r.weight == 0 for r in results)
    purchase = results[1]
    assert purchase.stage == "purchase"
    assert purchase.message == (
        "purchase: 6 actions (2 clicks) and 2 fields over 3 pages, in 7 steps"
    )
    assert purchase.evidence[0].values["fields"] == 2
    total = measure_effort(steps)
    assert (total.steps, total.actions, total.clicks, total.fields, total.pages) == (8, 6, 2, 2, 4)


def test_console_errors_and_failed_requests_of_the_step() -> None:
    # The console's "Failed to load resource" lines (two images and the
    # favicon) are network failures, not script errors: the images are the
    # failed-requests check's, the favicon nobody's.
    console = only(run_check("console-errors", "images-desktop"))
    assert console.status == Status.PASS
    requests = only(run_check("failed-requests", "images-desktop"))
    assert requests.status == Status.FAIL
    assert "missing-too.png (HTTP 404)" in requests.message
    assert [e.values["status"] for e in requests.evidence] == [404, 404]
    for slug in ("console-errors", "failed-requests"):
        assert only(run_check(slug, "shop-fixed-checkout-desktop")).status == Status.PASS


def test_journey_completion_names_the_step_that_stopped_the_customer() -> None:
    steps = [
        _step(0, "purchase", "goto", "goto /product", navigated=True),
        StepResult(
            index=1,
            stage="purchase",
            action="click",
            name="click Buy it now",
            status="failed",
            message="no button 'Buy it now'",
        ),
        StepResult(index=2, stage="purchase", action="expect", name="x", status="skipped"),
    ]
    run = JourneyRun(
        journey="Buy", file="buy.yaml", channel="desktop", status="failed", steps=steps
    )
    completion = check("journey-completion")
    subject = JourneySubject(run=run, channel=ChannelInfo(name="desktop"))
    result = only(list(completion.evaluate(subject, None)))
    assert (result.status, result.step, result.stage) == (Status.FAIL, 1, "purchase")
    assert result.message == "step 2 'click Buy it now' failed: no button 'Buy it now'"
    passed = run.model_copy(update={"status": "passed", "steps": steps[:1]})
    subject = JourneySubject(run=passed, channel=ChannelInfo(name="desktop"))
    assert only(list(completion.evaluate(subject, None))).status == Status.PASS


def test_fields_outside_any_form_are_one_group() -> None:
    def unwrap(snapshot: dict[str, Any]) -> None:
        for field in snapshot["forms"]["fields"]:
            if field["form"] == 0:
                field["form"] = -1
        snapshot["forms"]["forms"] = [f for f in snapshot["forms"]["forms"] if f["index"] != 0]

    result = only(run_check("required-marked", "forms-desktop", unwrap))
    assert selectors(result) == ["#email", "#zip", "#mystery", "#card", "#errors"]


def test_remote_content_cxaudit_blocks_on_a_message_is_not_the_sites_fault() -> None:
    """An email is shown with its remote images blocked, as a mail client that protects
    its reader does: cxaudit's own policy is no failed request and no broken image. The
    same blocked image on the site's own page is the site's (its own policy blocks it)."""
    src = "http://127.0.0.1:8765/static/img/trail-runner-2.svg"
    images = {"total": 1, "broken": [{"selector": "img", "src": src, "alt": "Trail Runner"}]}
    blocked = [{"url": src, "failure": "csp", "resource_type": "image"}]

    def shown_at(path: str) -> dict[str, Any]:
        return {
            "url": f"http://127.0.0.1:8765{path}",
            "failed_requests": blocked,
            "layout": {"images": images},
        }

    email = shown_at("/__cxaudit/email/smtp-5")
    web = shown_at("/product/trail-runner-2")
    assert verdict("failed-requests", **email).status == Status.PASS
    assert verdict("broken-images", **email).status == Status.PASS
    assert verdict("failed-requests", **web).status == Status.FAIL
    assert verdict("broken-images", **web).status == Status.FAIL
