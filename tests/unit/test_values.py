from __future__ import annotations

import pytest

from cxaudit.checks.values import (
    amount,
    amounts,
    comparable,
    normalise_text,
    parse_number,
    without_amounts,
)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("€89.00", 89.0),
        ("€1.234,56", 1234.56),
        ("$1,234.56", 1234.56),
        ("Total: 94,00 €", 94.0),
        ("1 299,00 kr", 1299.0),
        ("£1,299", 1299.0),
        ("-€4.95", -4.95),
        ("3 items", 3.0),
        ("1.5", 1.5),
    ],
)
def test_parse_number(text: str, number: float) -> None:
    assert parse_number(text) == pytest.approx(number)


def test_parse_number_without_digits() -> None:
    assert parse_number("free") is None


def test_normalise_text() -> None:
    assert normalise_text("  Delivered in 2–3\nworking  DAYS ") == "delivered in 2-3 working days"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("-€5.00", -5.0),
        ("− 5,00 €", -5.0),
        ("-5.00", -5.0),
        ("€-5", -5.0),
        ("Discount: -€5.00", -5.0),
        ("NW-100234", None),  # an order number is a code, not the number -100234
        ("Order NW-100234", None),
        ("SKU-42 costs €5", 5.0),
        ("A4-210", None),
        ("EUR5,00", 5.0),
        ("Delivered in 2-3 days", 2.0),
    ],
)
def test_a_minus_sign_counts_only_before_an_amount(text: str, number: float | None) -> None:
    assert parse_number(text) == (None if number is None else pytest.approx(number))


def test_an_order_number_compares_as_text() -> None:
    assert comparable("NW-100234") == ("text", "nw-100234")
    assert comparable("NW-100234") != comparable("NW-100235")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Item total: $29.99", "$29.99"),
        ("Total 94,00 €", "€94.00"),
        ("€1,234.50", "1234.5 EUR"),
        ("Discount: -€5.00", "-5.00"),
    ],
)
def test_labelled_amounts_compare_as_numbers(a: str, b: str) -> None:
    assert comparable(a) == comparable(b)
    assert comparable(a)[0] == "number"


def test_a_text_with_several_amounts_or_none_is_text() -> None:
    assert comparable("€5 off orders over €50")[0] == "text"
    assert comparable("Delivered in 2-3 working days")[0] == "text"
    assert amount("€5 off orders over €50") is None
    assert comparable("Item total: $29.99") != comparable("$31.99")


def test_every_amount_of_a_text_and_the_text_without_them() -> None:
    line = "Trail Runner 2 × 1 €89.00, shipping 5,00 €, discount -€3.00, order NW-100234"
    assert amounts(line) == [89.0, 5.0, -3.0]
    assert amounts("Order NW-100234, 2 items") == []
    assert without_amounts("Rain Shell × 2 €258.00") == "Rain Shell × 2"
