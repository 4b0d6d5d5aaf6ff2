"""Default step names read as a person says what the step does (issue 16).

From journey data, for every action kind: the name comes from what the customer
sees of the element and never shows a typed value, a secret or a ``${...}``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from cxaudit.spec.actions import REGISTRY
from cxaudit.spec.loader import parse_journey_data

ROOT = Path(__file__).resolve().parents[3]

CASES: list[tuple[dict[str, Any], str]] = [
    ({"goto": "/products"}, "Open /products"),
    ({"goto": {"url": "/search?q=boots", "wait_until": "networkidle"}}, "Open /search?q=boots"),
    ({"goto": "/product/${slug}"}, "Open /product/[slug]"),
    ({"click": {"role": "button", "name": "Add to cart"}}, "Click Add to cart"),
    ({"click": "Track your order"}, "Click Track your order"),
    ({"click": {"role": "checkbox"}}, "Click the checkbox"),
    (
        {"click": {"css": "[data-test=add-to-cart-sauce-labs-backpack]"}},
        "Click add to cart sauce labs backpack",
    ),
    ({"click": {"css": "#checkout"}}, "Click checkout"),
    ({"click": {"css": ".card a", "nth": 0}}, "Click card"),
    ({"click": {"test_id": "place-order"}}, "Click place order"),
    ({"dblclick": {"test_id": "quantity"}}, "Double-click quantity"),
    ({"hover": {"role": "link", "name": "Shoes"}}, "Hover over Shoes"),
    ({"scroll": "bottom"}, "Scroll to the bottom"),
    ({"scroll": {"to": {"test_id": "reviews"}}}, "Scroll to reviews"),
    ({"fill": {"placeholder": "Password", "value": "${secret:SHOP_PASSWORD}"}}, "Fill in Password"),
    ({"fill": {"label": "Email", "value": "guest@example.com"}}, "Fill in Email"),
    ({"type": {"label": "Search", "value": "trail", "delay": 50}}, "Type in Search"),
    ({"clear": "Search"}, "Clear Search"),
    ({"select": {"label": "Size", "option": "42"}}, "Choose '42' in Size"),
    ({"check": "I accept the terms"}, "Tick I accept the terms"),
    ({"uncheck": {"label": "Send me offers"}}, "Untick Send me offers"),
    ({"press": "Enter"}, "Press Enter"),
    ({"press": {"key": "Tab", "on": {"label": "Email"}}}, "Press Tab in Email"),
    (
        {"upload": {"label": "Photo", "files": ["pyproject.toml", "README.md"]}},
        "Upload 2 files to Photo",
    ),
    ({"wait": {"visible": {"text": "Added to your cart"}}}, "Wait for Added to your cart to show"),
    ({"wait": {"hidden": {"test_id": "spinner"}}}, "Wait for spinner to go"),
    ({"wait": {"url": "/checkout"}}, "Wait for the address to contain '/checkout'"),
    ({"wait": {"load": "networkidle"}}, "Wait for the page to load (networkidle)"),
    ({"wait": 500}, "Wait 500 ms"),
    ({"wait_for_email": {"subject": "Your order"}}, "Wait for the email about 'Your order'"),
    ({"wait_for_email": {}}, "Wait for the email"),
    ({"expect": "Order confirmed"}, "Check that the page shows 'Order confirmed'"),
    (
        {"expect": {"text": "${price}", "within": {"test_id": "cart-total"}}},
        "Check that the page shows '[price]' in cart total",
    ),
    ({"expect": {"url": "/cart"}}, "Check that the address contains '/cart'"),
    ({"expect": {"title": "Checkout"}}, "Check that the title contains 'Checkout'"),
    ({"expect": {"visible": {"role": "alert"}}}, "Check that the alert is visible"),
    ({"expect": {"hidden": {"test_id": "spinner"}}}, "Check that spinner is hidden"),
    (
        {"expect": {"enabled": {"role": "button", "name": "Place order"}}},
        "Check that Place order is enabled",
    ),
    (
        {"expect": {"count": 1, "of": {"css": ".cart-table tbody tr"}}},
        "Check that cart table appears 1 time",
    ),
    ({"expect": {"value": "${secret:CODE}", "of": {"label": "Code"}}}, "Check the value of Code"),
    (
        {"expect": {"attribute": "type", "equals": "email", "of": {"label": "Email"}}},
        "Check the type attribute of Email",
    ),
    ({"capture": {"price": {"test_id": "price"}}}, "Capture price"),
    (
        {"capture": {"order_number": {"test_id": "order"}, "total": {"css": "#t"}}},
        "Capture order number, total",
    ),
    ({"set": {"password": {"value": "${env:PW}", "secret": True}}}, "Set password"),
    ({"screenshot": "basket"}, "Take a screenshot (basket)"),
    ({"screenshot": {"of": {"test_id": "order-total"}}}, "Take a screenshot of order total"),
]


def _name(step: dict[str, Any]) -> str:
    data = {
        "journey": "Names",
        "data": [{"slug": "trail", "price": "1"}],
        "stages": {"purchase": [{"set": {"slug": "x"}}, step]},
    }
    journeys, issues = parse_journey_data(data, str(ROOT / "names.yaml"))  # upload: repo files
    assert journeys, issues
    return journeys[0].steps[1].name


@pytest.mark.parametrize(("step", "name"), CASES, ids=[c[1] for c in CASES])
def test_a_step_is_named_as_a_person_says_it(step: dict[str, Any], name: str) -> None:
    shown = _name(step)
    assert shown == name
    assert "${" not in shown and "PASSWORD" not in shown and "guest@" not in shown


def test_every_action_with_steps_has_a_case() -> None:
    covered = {next(iter(step)) for step, _ in CASES}
    assert covered == set(REGISTRY) - {"use"}


def test_the_author_name_wins_and_long_names_are_cut() -> None:
    data = {
        "journey": "Names",
        "stages": {
            "purchase": [
                {"goto": "/", "name": "Open the home page"},
                {"expect": "x" * 200},
            ]
        },
    }
    journeys, _ = parse_journey_data(data, "names.yaml")
    first, second = journeys[0].steps
    assert first.name == "Open the home page"
    assert len(second.name) <= 80 and second.name.endswith("…")
