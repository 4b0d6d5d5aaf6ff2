"""Reading values the way a customer reads them: prices, numbers, wording.

Used by ``capture`` (a price as a number) and by the consistency checks
(two captures are "the same" after normalising), so both agree on what a
price is.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER = re.compile(r"[-+]?\d[\d.,' \u00a0\u202f]*")


def parse_number(text: str) -> float | None:
    """The first number in ``text``, reading thousands and decimal separators.

    ``"€1.234,56"`` -> 1234.56, ``"$1,234.56"`` -> 1234.56, ``"89"`` -> 89.0,
    ``"Total: 94,00 €"`` -> 94.0. Returns ``None`` when there is no number.
    """
    match = _NUMBER.search(text)
    if not match:
        return None
    raw = re.sub(r"[' \u00a0\u202f]", "", match.group(0)).rstrip(".,")
    before = text[: match.start()].rstrip(" \u00a0€$£¥₹")
    sign = -1.0 if raw.startswith("-") or before.endswith(("-", "\u2212")) else 1.0
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
    r"[\d\s.,'\u00a0\u202f€$£¥₹+\-]|\b(eur|usd|gbp|chf|sek|nok|dkk|pln)\b", re.I
)


def comparable(text: str) -> tuple[str, float | str]:
    """A captured value as it should be compared: a number when it is one, else normalised text."""
    if not _NOT_NUMBER.sub("", text):
        number = parse_number(text)
        if number is not None:
            return "number", round(number, 2)
    return "text", normalise_text(text)
