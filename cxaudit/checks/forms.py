"""Usability checks of forms: does every field say what it is, ask for the right
keyboard, mark what is required and say what went wrong beside it?

They read the ``forms`` snapshot field (see :mod:`cxaudit.gather.forms`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pydantic import Field

from cxaudit.artifacts import FormField
from cxaudit.checks.base import Check, Result, Status, StepSubject, register
from cxaudit.checks.elements import (
    CheckOptions,
    axe_covered,
    covered_note,
    element,
    fields,
    forms_of,
    quoted,
)
from cxaudit.results import Evidence


def uncovered(
    check: Check, subject: StepSubject, items: list[FormField]
) -> tuple[list[FormField], dict[str, list[FormField]]]:
    """``items`` split into those still to charge and, by axe rule, those axe reported."""
    left: list[FormField] = []
    covered: dict[str, list[FormField]] = {}
    for item in items:
        rule = axe_covered(check, subject, item)
        if rule is None:
            left.append(item)
        else:
            covered.setdefault(rule, []).append(item)
    return left, covered


@register
class FieldName(Check):
    """Every form field says what it is for.

    A field with no label, no ``aria-label`` and not even a placeholder is a
    blank box: customers guess, screen readers say only "edit text". This
    check names fields with no accessible name at all (WCAG 4.1.2, 1.3.1).
    A field axe-core already reported on the step (``label``,
    ``select-name``, ``aria-input-field-name``) is that finding's, not
    charged again here.
    """

    code = "CX-USE-006"
    slug = "field-name"
    act_rules = ("e086e5",)
    title = "Form fields have a name"
    failure_title = "Form fields have no name"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = (
        'Add a <label for="..."> to each field (or aria-label where a visible label is impossible).'
    )
    help_url = "https://www.w3.org/WAI/tutorials/forms/labels/"
    overlaps_axe = ("label", "select-name", "aria-input-field-name")

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        found = fields(subject)
        if not found:
            yield Result(status=Status.NOT_APPLICABLE, message="no form fields")
            return
        bad, covered = uncovered(self, subject, [f for f in found if not f.name])
        if not bad:
            if covered:
                yield Result(
                    status=Status.NOT_APPLICABLE,
                    message=f"fields without a name: {covered_note(covered)}",
                )
            else:
                yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} field(s) without any name: " + quoted(bad, "selector"),
            evidence=tuple(element(f, type=f.type, field=f.name_attr) for f in bad),
            identity="field-name",
        )


@dataclass(frozen=True)
class Purpose:
    """What a field asks for, and how the HTML should say so.

    ``pattern`` is matched against the field's name, id, label and
    placeholder. ``keyboards`` are the acceptable ``type`` or
    ``inputmode`` values (any of them will do; empty: no special keyboard);
    ``tokens`` the acceptable autocomplete tokens (empty: none expected).
    """

    name: str
    pattern: str
    keyboards: tuple[str, ...] = ()
    tokens: tuple[str, ...] = ()


#: First match wins: "email address" is an email, not an address.
PURPOSES = (
    Purpose("email", r"e-?mail", ("email",), ("email",)),
    Purpose("phone", r"phone|\btel\b|mobile", ("tel",), ("tel", "tel-national", "tel-local")),
    Purpose(
        "card number",
        r"card.?(number|num|no\b)|cc-?num|credit.?card",
        ("numeric", "tel"),
        ("cc-number",),
    ),
    Purpose(
        "card security code",
        r"\bcvc|\bcvv|\bcsc\b|security.?code|cc-csc",
        ("numeric", "tel"),
        ("cc-csc",),
    ),
    Purpose("card expiry", r"expir|\bcc-exp|mm\s*/\s*yy", (), ("cc-exp",)),
    Purpose("name on card", r"name on card|card.?holder|cc-name", (), ("cc-name",)),
    Purpose("postcode", r"post.?code|postal|\bzip\b", (), ("postal-code",)),
    Purpose("first name", r"first.?name|given.?name|fore.?name", (), ("given-name",)),
    Purpose("last name", r"last.?name|surname|family.?name", (), ("family-name",)),
    Purpose("name", r"^(your |full |full_|full-)?name$", (), ("name", "given-name", "nickname")),
    Purpose("address", r"address|street", (), ("street-address", "address-line1")),
    Purpose("city", r"\bcity\b|\btown\b|address-level2", (), ("address-level2",)),
    Purpose("country", r"\bcountry\b", (), ("country", "country-name")),
    Purpose("quantity", r"quantity|\bqty\b", ("number", "numeric", "decimal"), ()),
)


#: Input types that already bring their own keyboard or picker.
NO_PURPOSE_TYPES = frozenset(
    {"checkbox", "radio", "file", "range", "color", "date", "search", "password", "hidden"}
)


def field_purpose(field: FormField) -> Purpose | None:
    """The purpose of a text-like field, from the words around it.

    An autocomplete token the page already gives settles it; otherwise hints
    are tried from the most precise (the field's name and id) to the label
    and placeholder, so that "Quantity for City Sneaker" named ``quantity``
    is a quantity, not a city.
    """
    if field.tag == "select" or field.type in NO_PURPOSE_TYPES:
        return None
    token = autocomplete_token(field.autocomplete)
    for purpose in PURPOSES:
        if token in purpose.tokens:
            return purpose
    for key in ("name_attr", "id", "label", "name", "placeholder"):
        hint = str(getattr(field, key) or "").strip().lower()
        if not hint:
            continue
        for purpose in PURPOSES:
            if re.search(purpose.pattern, hint):
                return purpose
    return None


#: The autofill field names of the HTML standard ("Autofill detail tokens").
AUTOFILL_FIELDS = frozenset(
    [
        "name",
        "honorific-prefix",
        "given-name",
        "additional-name",
        "family-name",
        "honorific-suffix",
        "nickname",
        "username",
        "new-password",
        "current-password",
        "one-time-code",
        "organization-title",
        "organization",
        "street-address",
        "address-line1",
        "address-line2",
        "address-line3",
        "address-level4",
        "address-level3",
        "address-level2",
        "address-level1",
        "country",
        "country-name",
        "postal-code",
        "cc-name",
        "cc-given-name",
        "cc-additional-name",
        "cc-family-name",
        "cc-number",
        "cc-exp",
        "cc-exp-month",
        "cc-exp-year",
        "cc-csc",
        "cc-type",
        "transaction-currency",
        "transaction-amount",
        "language",
        "bday",
        "bday-day",
        "bday-month",
        "bday-year",
        "sex",
        "url",
        "photo",
    ]
)
#: Field names a contact token (``work``, ``mobile``...) may stand before.
AUTOFILL_CONTACT_FIELDS = frozenset(
    [
        "tel",
        "tel-country-code",
        "tel-national",
        "tel-area-code",
        "tel-local",
        "tel-local-prefix",
        "tel-local-suffix",
        "tel-extension",
        "email",
        "impp",
    ]
)
AUTOFILL_CONTACTS = frozenset({"home", "work", "mobile", "fax", "pager"})


def autocomplete_token(value: str) -> str:
    """The field-name token of a valid autocomplete value (``shipping postal-code`` -> ``postal-code``).

    The value must follow the HTML standard's order, or the browser ignores
    it and the purpose is not identified (WCAG 1.3.5, ACT 73f2c2): an
    optional ``section-*``, an optional ``shipping`` or ``billing``, an
    optional ``home``/``work``/``mobile``/``fax``/``pager`` only before a
    telephone, email or impp field, the one field name, then an optional
    ``webauthn``. Anything else ("work shipping email", "work photo",
    "email invalid") gives no token.
    """
    words = value.casefold().split()
    if words and words[-1] == "webauthn":
        words = words[:-1]
    if words and words[0].startswith("section-"):
        words = words[1:]
    if words and words[0] in ("shipping", "billing"):
        words = words[1:]
    if len(words) == 2 and words[0] in AUTOFILL_CONTACTS and words[1] in AUTOFILL_CONTACT_FIELDS:
        words = words[1:]
    if len(words) == 1 and words[0] in AUTOFILL_FIELDS | AUTOFILL_CONTACT_FIELDS:
        return words[0]
    return ""


#: A label asking for someone else's details ("Friend's first name"): WCAG
#: 1.3.5 asks autocomplete only of what the customer gives about themself.
OTHER_PERSON = re.compile(
    r"\b(friend|partner|spouse|husband|wife|child|son|daughter|colleague|referee|guest)(?:'s|s'|\u2019s)"
    r"|\bemergency contact\b",
    re.I,
)


class InputTypeOptions(CheckOptions):
    require_autocomplete: bool = Field(
        default=True,
        description="Fields for the customer's own details need their autocomplete token (WCAG 1.3.5).",
    )


@register
class InputType(Check):
    """Fields ask for the right keyboard and let the browser fill them in.

    On a phone, an email field that is ``type="text"`` hides the @ key, a
    card number field without ``inputmode="numeric"`` shows letters, and
    fields without ``autocomplete`` tokens (``email``, ``name``,
    ``postal-code``, ``cc-number``) make customers type their address by
    hand on a glass keyboard: slow, error-prone, and a reason to give up
    at checkout (WCAG 1.3.5 Identify Input Purpose). The check recognises
    email, phone, card, name, address, postcode, city, country and quantity
    fields by their label, name and id. A field with the valid autocomplete
    token of its purpose (``type="text" autocomplete="email"``) passes: the
    browser fills it in, so its keyboard is not charged. A value out of the
    HTML standard's order (``work shipping email``, ``email invalid``) names
    no purpose: the browser ignores it, and it counts as none (ACT 73f2c2).
    A field for someone else's details ("Friend's first name") needs no
    token: 1.3.5 is about what customers give about themselves.
    """

    code = "CX-USE-007"
    slug = "input-type"
    act_rules = ("73f2c2",)
    title = "Fields use the right keyboard and autofill"
    failure_title = "Fields use the wrong keyboard or block autofill"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("forms",)
    advice = 'Use type="email"/"tel", inputmode="numeric" for card numbers and codes, and autocomplete tokens (email, name, street-address, postal-code, cc-number).'
    help_url = "https://html.spec.whatwg.org/multipage/form-control-infrastructure.html#autofilling-form-controls:-the-autocomplete-attribute"
    Options = InputTypeOptions

    def evaluate(self, subject: StepSubject, options: InputTypeOptions) -> Iterable[Result]:
        recognised = [(f, p) for f in fields(subject) if (p := field_purpose(f)) is not None]
        if not recognised:
            yield Result(status=Status.NOT_APPLICABLE, message="no field with a known purpose")
            return
        bad: list[tuple[FormField, Purpose, list[str]]] = []
        for field, purpose in recognised:
            problems = []
            token = autocomplete_token(field.autocomplete)
            # A valid autocomplete token identifies the purpose (WCAG 1.3.5) and lets the
            # browser fill the field: the keyboard then matters little, and is not charged.
            filled = bool(purpose.tokens) and token in purpose.tokens
            if (
                purpose.keyboards
                and not filled
                and not ({field.type, field.inputmode} & set(purpose.keyboards))
            ):
                shown = field.inputmode or field.type or "text"
                problems.append(f"keyboard '{shown}', expected {' or '.join(purpose.keyboards)}")
            theirs = OTHER_PERSON.search(field.label or field.name)
            if (
                purpose.tokens
                and options.require_autocomplete
                and token not in purpose.tokens
                and not theirs
            ):
                written = field.autocomplete
                found = (
                    f"autocomplete '{token}'"
                    if token
                    else f"autocomplete '{written}' is not a valid value"
                    if written and written not in ("on", "off")
                    else "no autocomplete"
                )
                problems.append(f"{found}, expected {purpose.tokens[0]}")
            if problems:
                bad.append((field, purpose, problems))
        if not bad:
            yield Result(status=Status.PASS, message=f"{len(recognised)} field(s) checked")
            return
        first, purpose, problems = bad[0]
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} of {len(recognised)} field(s) with a known purpose lack the right "
            f"type or autocomplete; {purpose.name} field '{first.name or first.selector}': "
            + "; ".join(problems),
            evidence=tuple(
                element(
                    f,
                    purpose=p.name,
                    problems=probs,
                    type=f.type,
                    inputmode=f.inputmode,
                    autocomplete=f.autocomplete,
                )
                for f, p, probs in bad
            ),
            identity="input-type",
        )


class RequiredMarkedOptions(CheckOptions):
    min_fields: int = Field(
        default=2,
        ge=1,
        description="Forms with fewer fields to type in are not checked (a search box).",
    )


#: Inputs that are chosen, not typed in: filters, toggles, pickers.
CHOICE_TYPES = frozenset({"checkbox", "radio", "range", "color", "file", "search"})


def entry_field(field: FormField) -> bool:
    """A field the customer types into (not a checkbox, a radio, a select or a search box)."""
    if field.tag == "textarea":
        return True
    return field.tag == "input" and field.type not in CHOICE_TYPES


def _marked(field: FormField) -> bool:
    return bool(
        field.required or field.aria_required or field.label_marker in ("required", "optional")
    )


@register
class RequiredMarked(Check):
    """Forms say which fields must be filled in.

    When nothing marks the required fields (no asterisk, no "required", no
    "optional" on the others, no ``required`` attribute), customers learn
    the rules by failing: they submit, read a list of errors, and try again.
    A form passes when it has a note such as "All fields are required", or
    when any of its fields is marked required or optional (then the others
    are understood to be the other kind). It looks at forms the customer
    fills in and submits (checkout, address, sign-up): those with at least
    ``min_fields`` fields to type in. Controls are not such forms: a search
    form, filter checkboxes, a sort select.
    """

    code = "CX-USE-008"
    slug = "required-marked"
    title = "Required fields are marked"
    failure_title = "Required fields are not marked"
    category = "usability"
    weight = 3.0
    severity = "moderate"
    requires = ("forms",)
    advice = 'Mark required fields (an asterisk explained at the top, or "(optional)" on the others) and add the required attribute.'
    help_url = "https://www.w3.org/WAI/tutorials/forms/instructions/"
    Options = RequiredMarkedOptions

    def evaluate(self, subject: StepSubject, options: RequiredMarkedOptions) -> Iterable[Result]:
        found = fields(subject)
        forms = {f.index: f for f in forms_of(subject).forms}
        groups: dict[int, list[FormField]] = {}
        for f in found:
            groups.setdefault(f.form, []).append(f)
        checked = {
            k: v
            for k, v in groups.items()
            if not (k in forms and forms[k].search)
            and sum(entry_field(f) for f in v) >= options.min_fields
        }
        if not checked:
            yield Result(
                status=Status.NOT_APPLICABLE, message="no form with several fields to fill in"
            )
            return
        unmarked = [
            (index, group)
            for index, group in sorted(checked.items())
            if not (index in forms and forms[index].note) and not any(_marked(f) for f in group)
        ]
        if not unmarked:
            yield Result(status=Status.PASS)
            return
        evidence: list[Evidence] = []
        for index, group in unmarked:
            names = [f.name or f.selector for f in group]
            if index in forms:  # the form itself; fields outside any form one by one
                evidence.append(element(forms[index], fields=names))
            else:
                evidence.extend(element(f, name=f.name) for f in group)
        group = unmarked[0][1]
        yield Result(
            status=Status.FAIL,
            message=f"none of the {len(group)} fields of the form says whether it is required: "
            + quoted(group),
            evidence=tuple(evidence),
            identity="required-marked",
        )


@register
class ErrorPlacement(Check):
    """After a failed submit, each field in error shows its message beside it.

    A form that only says "There is a problem" at the top, or marks a field
    invalid without saying why, sends customers hunting through the form for
    what to fix. The check reads the fields in error (``aria-invalid``, or
    linked from an error summary) and fails those with no message next to
    them or tied to them (WCAG 3.3.1 Error Identification, 3.3.3 Error
    Suggestion).
    """

    code = "CX-USE-009"
    slug = "error-placement"
    title = "Errors are shown next to their fields"
    failure_title = "Errors are not shown next to their fields"
    category = "usability"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = 'Put each field\'s message right above or below it, saying what to do ("Enter an email address like name@example.com").'
    help_url = "https://www.w3.org/WAI/tutorials/forms/notifications/"

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        flagged = [f for f in fields(subject) if f.aria_invalid == "true" or f.flagged]
        if not flagged:
            yield Result(status=Status.NOT_APPLICABLE, message="no field is marked in error")
            return
        bad = [f for f in flagged if f.error is None]
        if not bad:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} field(s) in error have no message beside them: " + quoted(bad),
            evidence=tuple(element(f, name=f.name) for f in bad),
            identity="error-placement",
        )
