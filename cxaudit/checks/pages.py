"""Reading pages the way a customer does: prices and totals, charges, delivery
promises, where a thing was seen. Shared by the consistency and trust checks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from cxaudit.checks.values import normalise_text, parse_number
from cxaudit.results import Capture, JourneyRun, PageContent, RunResult, StepResult
from cxaudit.spec.messages import MessageRules, TextOrPattern


def place(run: JourneyRun, step: StepResult, journey: bool = False) -> str:
    """Where something was seen, in words a reader can find again (``journey``: name it)."""
    where = ""
    if step.snapshot is not None and step.snapshot.url:
        parts = urlsplit(step.snapshot.url)
        where = f" ({parts.path or '/'}{'?' + parts.query if parts.query else ''})"
    of = f" of '{run.journey}'" if journey else ""
    return f"step {step.index + 1} '{step.name}'{where}{of} on {run.channel}"


def audited_steps(run: JourneyRun) -> Iterator[tuple[StepResult, PageContent]]:
    """Steps whose page content was gathered, in journey order."""
    for step in run.steps:
        if step.snapshot is not None and step.snapshot.content is not None:
            yield step, step.snapshot.content


_PRICE_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("included", re.compile(r"\bincl(uded|uding|\.)?\b|\binclusive\b", re.I)),
    ("subtotal", re.compile(r"\bsub-?\s?total\b|\bitems? total\b|\bmerchandise\b", re.I)),
    ("discount", re.compile(r"\bdiscount|\bpromo|\bcoupon|\bvoucher|\bsaving|\breduction", re.I)),
    ("shipping", re.compile(r"\bshipping\b|\bdelivery\b|\bpostage\b|\bp&p\b|\bcarriage\b", re.I)),
    ("tax", re.compile(r"\btax(es)?\b|\bvat\b|\bgst\b|\bsales tax\b", re.I)),
    (
        "fee",
        re.compile(
            r"\bfees?\b|\bsurcharge|\bservice charge|\bhandling\b|\bbooking\b|\bprocessing\b", re.I
        ),
    ),
    ("total", re.compile(r"\btotal\b|\bamount due\b|\bto pay\b|\bgrand total\b", re.I)),
)
#: Kinds of charge that come on top of the items.
FEE_KINDS = ("shipping", "tax", "fee")


def price_kind(label: str) -> str:
    """What a price is, from its label: total, subtotal, shipping, tax, fee, discount,
    included (a share of the total shown for information), or line (an item)."""
    for kind, pattern in _PRICE_KINDS:
        if pattern.search(label):
            return kind
    return "line"


@dataclass(frozen=True)
class Charge:
    kind: str
    label: str
    value: float
    text: str


@dataclass(frozen=True)
class PriceSummary:
    """A page's price summary: the total and what should add up to it."""

    total: Charge
    subtotal: Charge | None
    charges: tuple[Charge, ...]  # shipping, tax, fees and (negative) discounts
    lines: tuple[Charge, ...]  # one per item row: its last price (the line total)


def price_summary(content: PageContent) -> PriceSummary | None:
    """The summary of a cart or checkout page; ``None`` when the page shows no total."""
    total = subtotal = None
    charges: list[Charge] = []
    rows: dict[int, Charge] = {}
    for price in content.prices:
        if price.value is None or price.struck:
            continue
        kind = price_kind(price.label)
        charge = Charge(kind, price.label, price.value, price.text)
        if kind == "total":
            total = charge  # the last one shown: the grand total comes last
        elif kind == "subtotal" and subtotal is None:
            subtotal = charge
        elif kind in FEE_KINDS:
            charges.append(charge)
        elif kind == "discount":
            charges.append(Charge(kind, price.label, -abs(price.value), price.text))
        elif kind == "line" and price.row is not None:
            rows[price.row] = charge
    if total is None:
        return None
    return PriceSummary(total, subtotal, tuple(charges), tuple(rows.values()))


#: Addresses of the pages where a shop shows its price summary.
_SUMMARY_PAGE = re.compile(
    r"(?:^|[/_.-])(cart|basket|bag|checkout|warenkorb|kasse|panier|winkelwagen)(?:$|[/_.-])",
    re.I,
)
_TOTAL_CAPTURE = re.compile(r"(?:^|[_-])(?:sub-?)?total(?:$|[_-])", re.I)


def expected_summary(step: StepResult) -> str | None:
    """Why this step's page must show a total, or ``None`` when it need not.

    A page shows a total where the journey says so: a capture named ``total``,
    ``cart_total``, ``subtotal``... on the step, or a page of the ``purchase`` stage
    whose address names a cart or checkout (``/cart``, ``/basket``, ``/checkout``).
    A search or product page is not expected to: no total there is "not applicable",
    while no total read where one is expected is "not measured".
    """
    named = [c.name for c in step.captures if _TOTAL_CAPTURE.search(c.name)]
    if named:
        return f"the journey captures {', '.join(named)} here"
    url = step.snapshot.url if step.snapshot is not None else ""
    if step.stage == "purchase" and _SUMMARY_PAGE.search(urlsplit(url).path):
        return "a cart or checkout page of the purchase stage"
    return None


def no_summary(content: PageContent, why: str) -> str:
    return (
        f"not measured: no total was read on this page ({why}); {len(content.prices)} price(s) read"
    )


def money(value: float) -> str:
    return f"{value:,.2f}"


_DELIVERY = re.compile(
    r"\b(deliver\w*|arriv\w*|dispatch\w*|ships?|shipped|shipping|postage)\b", re.I
)
_DURATION = re.compile(
    r"\b(?:(\d+)\s*(?:-|–|to)\s*)?(\d+)\s*(working\s+|business\s+)?(day|hour|week)s?\b"
    r"|\b(next|same)[- ]day\b|\btomorrow\b",
    re.I,
)


@dataclass(frozen=True)
class Promise:
    """A delivery promise: the sentence, and its time frame normalised (``2-3 working days``)."""

    key: str
    text: str


def delivery_promises(text: str) -> list[Promise]:
    """Delivery promises in visible text: lines that speak of delivery and give a time frame."""
    found: list[Promise] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or len(line) > 300 or not _DELIVERY.search(line):
            continue
        match = _DURATION.search(line)
        if match is None:
            continue
        low, high, working, unit, named = match.groups()
        if named or unit is None:
            key = f"{(named or 'next').lower()} day"
        else:
            span = f"{low}-{high}" if low else high
            key = f"{span} {'working ' if working else ''}{unit.lower()}s"
        found.append(Promise(key, line))
    return found


_FREE_DELIVERY = re.compile(
    r"\bfree (delivery|shipping|postage)\b|\b(delivery|shipping) is free\b"
    r"|\bno (delivery|shipping) (charges?|fees?|costs?)\b",
    re.I,
)
_CONDITION = re.compile(r"\b(over|above|from|spend|orders? of|minimum|min\.)\b", re.I)


def free_delivery_promises(text: str) -> list[tuple[str, float | None]]:
    """Promises of free delivery, each with its spending threshold (``None``: unconditional)."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        match = _FREE_DELIVERY.search(line) if len(line) <= 300 else None
        if match is None:
            continue
        rest = line[match.end() :]
        threshold = parse_number(rest) if _CONDITION.search(rest) else None
        found.append((line, threshold))
    return found


_VOLATILE = re.compile(r"\b[a-z]{0,4}-?\d{4,}\b", re.I)


def mask_volatile(text: str) -> str:
    """Text with order numbers and other long numbers masked, so two runs compare equal."""
    return _VOLATILE.sub("#", normalise_text(text))


def shown(capture: Capture) -> str:
    return "(secret)" if capture.secret else f"“{capture.text}”"


def message_rules(run: JourneyRun) -> MessageRules:
    """The journey's ``messages:`` rules as its run recorded them; ``ValueError`` when they
    could not be read back (a results file edited by hand)."""
    if run.rules.unreadable:
        raise ValueError(run.rules.unreadable)
    return run.rules.messages


def match_groups(runs: Iterable[JourneyRun]) -> list[tuple[str, ...]]:
    """A journey's ``must_match`` rules as CX-MSG-001 compares them and the report marks
    them: groups of capture names (a single name is a group of one), of every run of the
    journey, each group once. A rule that one run added (a BDD step that compares prices)
    binds the journey's other runs too. Raises ``ValueError`` on broken rules."""
    groups: dict[tuple[str, ...], None] = {}
    for run in runs:
        groups.update(dict.fromkeys(message_rules(run).match_groups()))
    return list(groups)


def rule_matches(rule: TextOrPattern, text: str) -> bool:
    if rule.text is not None:
        return normalise_text(rule.text) in normalise_text(text)
    return re.search(rule.pattern or "", text, re.I) is not None


def runs_by_journey(result: RunResult) -> dict[str, list[JourneyRun]]:
    grouped: dict[str, list[JourneyRun]] = {}
    for run in result.runs:
        grouped.setdefault(run.journey, []).append(run)
    return grouped
