"""Reading values the way a customer reads them: prices, numbers, wording.

Used by ``capture`` (a price as a number) and by the consistency checks
(two captures are "the same" after normalising), so both agree on what a
price is.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER = re.compile(r"[-+]?\d[\d.,' \u00a0\u202f]*")


#: Currency codes that may stand right before an amount (``EUR5,00``).
_CURRENCY_CODES = frozenset(
    [
        "eur",
        "usd",
        "gbp",
        "chf",
        "sek",
        "nok",
        "dkk",
        "pln",
        "aud",
        "cad",
        "jpy",
        "inr",
        "nzd",
        "czk",
        "huf",
        "kr",
        "zł",
    ]
)


def _in_code(text: str, match: re.Match[str]) -> bool:
    """Whether the number is part of a code: joined to letters (``NW100234``) or joined by a
    hyphen to letters or digits (``NW-100234``, ``A4-210``), as order numbers and SKUs are."""
    digits_at = match.start() + (1 if match.group(0)[0] in "+-" else 0)
    before = text[:digits_at]
    if before.endswith("-"):
        return len(before) > 1 and before[-2].isalnum()
    if before and before[-1].isalpha():
        word = re.search(r"[^\W\d_]+$", before)
        return word is None or word.group(0).casefold() not in _CURRENCY_CODES
    return False


def _negative(text: str, start: int, raw: str) -> bool:
    """Whether the number at ``start`` stands for a negative amount.

    ``-5.00``, ``-€5.00``, ``€-5``, ``− 5,00 €`` and ``Discount: -€5`` are negative;
    a hyphen right after a letter or digit joins the parts of a code
    (``NW-100234``, ``SKU-42``) and is no sign.
    """
    if raw.startswith("-"):
        hyphen_at = start
    else:
        before = text[:start].rstrip(" \u00a0\u202f€$£¥₹")
        if not before.endswith(("-", "\u2212")):
            return False
        hyphen_at = len(before) - 1
    return hyphen_at == 0 or not text[hyphen_at - 1].isalnum()


def parse_number(text: str) -> float | None:
    """The first number in ``text``, reading thousands and decimal separators.

    ``"€1.234,56"`` -> 1234.56, ``"$1,234.56"`` -> 1234.56, ``"89"`` -> 89.0,
    ``"Total: 94,00 €"`` -> 94.0, ``"-€5.00"`` and ``"− 5,00 €"`` -> -5.0. A number that is
    part of a code (``"NW-100234"``, ``"SKU42"``) is no number: an identifier is text.
    Returns ``None`` when there is no number.
    """
    match = next((m for m in _NUMBER.finditer(text) if not _in_code(text, m)), None)
    if not match:
        return None
    raw = re.sub(r"[' \u00a0\u202f]", "", match.group(0)).rstrip(".,")
    sign = -1.0 if _negative(text, match.start(), raw) else 1.0
    raw = raw.lstrip("+-")
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    decimal_at = max(last_dot, last_comma)
    if decimal_at >= 0:
        tail = raw[decimal_at + 1 :]
        separator = raw[decimal_at]
        # "1,234" and "1.234" with exactly three digits after a single separator
        # are thousands, as on price tags; "1,23" or "1.5" are decimals.
        if len(tail) == 3 and raw.count(separator) >= 1 and (last_dot < 0 or last_comma < 0):
            decimal_at = -1
    if decimal_at >= 0:
        whole = re.sub(r"[.,]", "", raw[:decimal_at])
        number = f"{whole or '0'}.{raw[decimal_at + 1 :]}"
    else:
        number = re.sub(r"[.,]", "", raw)
    try:
        return sign * float(number)
    except ValueError:
        return None


def normalise_text(text: str) -> str:
    """Text compared as a reader compares it: case, spacing and dashes ignored."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return re.sub(r"\s+", " ", text).strip().casefold()


_NOT_NUMBER = re.compile(
    r"[\d\s.,'\u00a0\u202f€$£¥₹+\-\u2212]|\b(eur|usd|gbp|chf|sek|nok|dkk|pln)\b", re.I
)
_DIGITS = r"\d(?:[\d.,'\u00a0\u202f]*\d)?"
#: An amount marked as money: the currency before it (``$29.99``, ``EUR 5``) or after it
#: (``29,99 €``, ``1.299 kr``), as the content gatherer reads prices on pages.
_AMOUNT_CURRENCY_FIRST = re.compile(
    rf"(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|AUD|CAD)\b)\s?[-\u2212]?{_DIGITS}"
)
_AMOUNT_CURRENCY_LAST = re.compile(
    rf"(?<![\w.,]){_DIGITS}\s?(?:[€$£¥₹]|\b(?:EUR|USD|GBP|CHF|SEK|NOK|DKK|PLN|kr|zł)\b)"
)


def amount(text: str) -> float | None:
    """The one amount of money ``text`` carries (``"Item total: $29.99"`` -> 29.99).

    ``None`` when it names no amount or several (``"€5 off orders over €50"``): which
    one is meant is then not for cxaudit to guess. A minus sign before the amount
    counts (``"Discount: -€5.00"`` -> -5.0).
    """
    found = _AMOUNT_CURRENCY_FIRST.findall(text) or _AMOUNT_CURRENCY_LAST.findall(text)
    if len(found) != 1:
        return None
    at = text.index(found[0])
    lead = re.search(r"[-\u2212]\s?$", text[:at])
    return parse_number(text[lead.start() if lead else at :])


def _amount_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` names amounts of money, in order."""
    spans = [m.span() for m in _AMOUNT_CURRENCY_FIRST.finditer(text)]
    spans += [
        m.span()
        for m in _AMOUNT_CURRENCY_LAST.finditer(text)
        if not any(start < m.end() and m.start() < end for start, end in spans)
    ]
    return sorted(spans)


def amounts(text: str) -> list[float]:
    """Every amount of money ``text`` names, in order (``"€89.00 + €5.00"`` -> [89.0, 5.0]).

    Read as :func:`amount` reads one, so a total found here compares equal to
    the same total captured from a page.
    """
    found = []
    for start, end in _amount_spans(text):
        number = amount(text[max(0, start - 2) : end])
        if number is not None:
            found.append(number)
    return found


def without_amounts(text: str) -> str:
    """``text`` with its amounts of money (and their minus signs) left out."""
    out, at = [], 0
    for start, end in _amount_spans(text):
        out.append(text[at:start].rstrip(" -\u2212"))
        at = end
    return " ".join([*out, text[at:]]).strip()


def comparable(text: str) -> tuple[str, float | str]:
    """A captured value as it should be compared: a number when it is one or carries one
    amount of money (``"Item total: $29.99"`` = ``"$29.99"``), else normalised text."""
    number = parse_number(text) if not _NOT_NUMBER.sub("", text) else amount(text)
    if number is not None:
        return "number", round(number, 2)
    return "text", normalise_text(text)
