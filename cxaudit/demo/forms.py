"""Server-side validation of the shop's forms.

Validation is the same in both modes: the flaws are in how the pages present
fields and errors, never in what the server accepts.
"""

from __future__ import annotations

import re

from cxaudit.demo.catalogue import MAX_QUANTITY

EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CHECKOUT_FIELDS = ("email", "name", "address", "city", "postcode", "card")
CONTACT_FIELDS = ("name", "email", "message")

Form = dict[str, str]
Errors = dict[str, str]


def pick(form: Form, fields: tuple[str, ...]) -> Form:
    """The named fields, stripped and capped, so pages can echo them back safely."""
    return {name: form.get(name, "").strip()[:500] for name in fields}


def _check_email(value: str, errors: Errors) -> None:
    if not value:
        errors["email"] = "Enter your email address."
    elif not EMAIL_PATTERN.match(value):
        errors["email"] = "Enter an email address like name@example.com."


def validate_checkout(values: Form) -> Errors:
    """Per-field messages for the checkout form; empty when the order can be placed."""
    errors: Errors = {}
    _check_email(values["email"], errors)
    required = {"name": "full name", "address": "address", "city": "city", "postcode": "postcode"}
    for name, words in required.items():
        if not values[name]:
            errors[name] = f"Enter your {words}."
    digits = values["card"].replace(" ", "")
    if not digits:
        errors["card"] = "Enter your card number."
    elif not digits.isdigit() or not 12 <= len(digits) <= 19:
        errors["card"] = "Enter a card number of 12 to 19 digits."
    return errors


def validate_contact(values: Form) -> Errors:
    """Per-field messages for the support contact form."""
    errors: Errors = {}
    if not values["name"]:
        errors["name"] = "Enter your name."
    _check_email(values["email"], errors)
    if not values["message"]:
        errors["message"] = "Enter a message so we know how to help."
    return errors


def parse_quantity(raw: str, minimum: int = 1) -> int | None:
    """A whole quantity within the shop's limits, or None with anything else."""
    raw = raw.strip()
    if not raw.isdigit():
        return None
    quantity = int(raw)
    return quantity if minimum <= quantity <= MAX_QUANTITY else None
