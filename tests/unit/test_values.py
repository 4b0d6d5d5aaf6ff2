from __future__ import annotations

import pytest

from cxaudit.values import normalise_text, parse_number


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
