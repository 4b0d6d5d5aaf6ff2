"""The forms gatherer on a small page in real Chromium."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cxaudit.checks import Status
from tests.e2e.pages import Visit, by_selector, visit_pages
from tests.unit.checks.recorded import selectors, verdict


@pytest.fixture(scope="module")
def pages() -> list[dict[str, Any]]:
    return visit_pages(
        [
            Visit("forms.html", "desktop", ("forms",)),
            Visit("forms-purpose.html", "desktop", ("forms",)),
            Visit("forms-errors.html", "desktop", ("forms",)),
            Visit("forms-autocomplete.html", "desktop", ("forms",)),
            Visit("forms-errors-behind-dialog.html", "desktop", ("forms",)),
        ]
    )


@pytest.fixture(scope="module")
def forms(pages: list[dict[str, Any]]) -> dict[str, Any]:
    return pages[0]["forms"]


def test_only_fields_a_customer_fills_are_listed(forms: dict[str, Any]) -> None:
    selectors = [f["selector"] for f in forms["fields"]]
    assert selectors == [
        "#email",
        "#zip",
        "#mystery",
        "#card",
        "#b-name",
        "#b-phone",
        "#c-email",
        "#c-city",
        "#c-zip",
    ]


def test_values_customers_typed_are_never_read(forms: dict[str, Any]) -> None:
    assert "customer-secret" not in json.dumps(forms)


def test_names_and_where_they_come_from(forms: dict[str, Any]) -> None:
    fields = forms["fields"]
    email = by_selector(fields, "#email")
    assert (email["name"], email["name_source"], email["label"]) == ("Email", "label", "Email")
    zip_field = by_selector(fields, "#zip")
    assert (zip_field["name"], zip_field["name_source"]) == ("Postcode", "placeholder")
    assert by_selector(fields, "#mystery")["name_source"] == ""
    phone = by_selector(fields, "#b-phone")
    assert (phone["name"], phone["name_source"]) == ("Phone number", "aria-label")


def test_type_inputmode_and_autocomplete_are_recorded(forms: dict[str, Any]) -> None:
    fields = forms["fields"]
    email = by_selector(fields, "#email")
    assert (email["type"], email["type_attr"], email["autocomplete"]) == ("text", "text", "")
    card = by_selector(fields, "#card")
    assert (card["type"], card["type_attr"], card["inputmode"], card["autocomplete"]) == (
        "text",
        "",
        "numeric",
        "cc-number",
    )
    assert by_selector(fields, "#b-phone")["type"] == "tel"


def test_required_marking_and_form_notes(forms: dict[str, Any]) -> None:
    fields = forms["fields"]
    name = by_selector(fields, "#b-name")
    assert name["required"] is True and name["label_marker"] == "required"
    assert by_selector(fields, "#email")["required"] is False
    assert by_selector(fields, "#email")["label_marker"] == ""
    notes = {f["selector"]: (f["fields"], f["note"]) for f in forms["forms"]}
    assert notes == {
        "#unmarked": (4, ""),
        "#marked": (2, "All fields are required."),
        "#errors": (3, ""),
    }
    assert by_selector(fields, "#email")["form"] == 0
    assert by_selector(fields, "#b-name")["form"] == 1


def test_error_messages_are_found_beside_the_field_and_tied_or_not(
    forms: dict[str, Any],
) -> None:
    fields = forms["fields"]
    shown = by_selector(fields, "#c-email")
    assert shown["error"] == {
        "selector": "#c-email-error",
        "id": "c-email-error",
        "text": "Enter your email",
        "in_group": True,
        "tied": False,
        "after": False,
        "aria_hidden": False,
    }
    assert shown["aria_invalid"] == ""
    tied = by_selector(fields, "#c-city")
    assert tied["error"]["tied"] is True and tied["aria_invalid"] == "true"
    assert tied["described_by"] == [
        {"id": "c-city-error", "exists": True, "rendered": True, "text": "Enter a city"}
    ]
    # Linked from the error summary, but no message of its own.
    bare = by_selector(fields, "#c-zip")
    assert bare["flagged"] is True and bare["error"] is None
    assert by_selector(fields, "#email")["error"] is None
    assert by_selector(fields, "#email")["flagged"] is False


def test_purpose_by_autocomplete_and_errors_tied_without_aria_invalid(
    pages: list[dict[str, Any]],
) -> None:
    """The two ways WCAG allows that the checks once refused, on a page of our own."""
    forms = pages[1]["forms"]
    # type="text" autocomplete="email": the purpose is named, the browser fills it in.
    email = by_selector(forms["fields"], "#p-email")
    assert (email["type"], email["autocomplete"]) == ("text", "email")
    assert verdict("input-type", forms=forms).status == Status.PASS
    # A message tied by aria-describedby passes without aria-invalid; one beside its
    # field that nothing ties to it does not.
    city = by_selector(forms["fields"], "#p-city")
    assert (city["error"]["tied"], city["aria_invalid"]) == (True, "")
    result = verdict("error-association", forms=forms)
    assert (result.status, selectors(result)) == (Status.FAIL, ["#p-zip"])


def test_messages_hidden_with_their_fields_behind_a_dialog_are_not_hidden_apart(
    pages: list[dict[str, Any]],
) -> None:
    # A consent dialog open: the app's root is aria-hidden, the field with its message.
    forms = pages[4]["forms"]
    email = by_selector(forms["fields"], "#email")["error"]
    assert (email["selector"], email["aria_hidden"]) == ("#email-error", False)
    (form,) = forms["forms"]
    assert [(e["selector"], e["aria_hidden"]) for e in form["errors"]] == [("#form-error", False)]
    result = verdict("error-association", forms=forms)
    assert "aria-hidden" not in result.message and "hidden" not in result.message, result.message


def test_error_messages_as_act_36b590_tests_them(pages: list[dict[str, Any]]) -> None:
    """After a failed submit: where each message is, who hears it, and what it says."""
    forms = pages[2]["forms"]
    fields = forms["fields"]
    # A message right after its field, in a container the fields share, is the field's.
    qty = by_selector(fields, "#qty")["error"]
    assert (qty["selector"], qty["after"], qty["tied"]) == ("#qty-error", True, False)
    assert by_selector(fields, "#gift")["error"]["aria_hidden"] is True
    # Messages of a whole form: at its top, belonging to no one field.
    errors = {f["selector"]: [e["selector"] for e in f["errors"]] for f in forms["forms"]}
    assert errors == {
        "#flat": [],
        "#vague": ["#vague-error"],
        "#twice": ["#twice-error"],
        "#which": ["#which-error"],
        "#nested": ["#nested-error"],
    }
    assert by_selector(fields, "#d-street")["legend"] == "Delivery"
    # Its fieldset has no legend of its own: the one of the fieldset inside is not its.
    assert by_selector(fields, "#n-street")["legend"] == ""
    assert by_selector(fields, "#n-i-street")["legend"] == "Invoice"
    result = verdict("error-association", forms=forms)
    assert result.status == Status.FAIL
    problems = {e.selector: e.values["problem"] for e in result.evidence}
    assert set(problems) == {"#qty", "#gift", "#years", "#vague-error", "#twice-error"}
    assert "not referenced by aria-describedby" in problems["#qty"]
    assert "hidden from screen readers" in problems["#gift"]
    assert "does not say what is wrong" in problems["#years"]
    assert "names none of the form's fields" in problems["#vague-error"]
    assert "'street' is the label of 2 fields" in problems["#twice-error"]


def test_autocomplete_values_out_of_the_standards_order_identify_nothing(
    pages: list[dict[str, Any]],
) -> None:
    # ACT 73f2c2: section-*, then shipping/billing, then home/work/mobile... only
    # before a telephone or email field, the field name, then webauthn.
    forms = pages[3]["forms"]
    result = verdict("input-type", forms=forms)
    assert result.status == Status.FAIL
    assert selectors(result) == ["#order-email", "#back-phone", "#zip"]
    problems = {e.selector: " ".join(e.values["problems"]) for e in result.evidence}
    assert "autocomplete 'work shipping email' is not a valid value" in problems["#order-email"]
