"""Message-consistency checks: the same price, promise and wording everywhere.

Customers trust a shop that says the same thing on every page and every
device. These checks compare what the journey captured and what the pages
said, step by step and channel by channel, after normalising the way a
reader does (currency symbols, thousands separators, spacing, case).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.results import Capture, Evidence, JourneyRun, PageContent, RunResult, StepResult
from cxaudit.spec.messages import Glossary, MessageRules, TextOrPattern, parse_rules
from cxaudit.values import comparable, normalise_text, parse_number

# ---------------------------------------------------------------------------
# Reading pages the way a customer does (also used by the trust checks)


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


def _no_summary(content: PageContent, why: str) -> str:
    return (
        f"not measured: no total was read on this page ({why}); {len(content.prices)} price(s) read"
    )


def _money(value: float) -> str:
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


def _shown(capture: Capture) -> str:
    return "(secret)" if capture.secret else f"“{capture.text}”"


def _rules(run: JourneyRun) -> MessageRules:
    return parse_rules(run.rules.get("messages"))


def match_groups(run: JourneyRun) -> list[tuple[str, ...]]:
    """The journey's ``must_match`` rules as CX-MSG-001 compares them: groups of capture
    names (a single name is a group of one). Raises ``ValueError`` on broken rules."""
    return _rules(run).match_groups()


def _matches(rule: TextOrPattern, text: str) -> bool:
    if rule.text is not None:
        return normalise_text(rule.text) in normalise_text(text)
    return re.search(rule.pattern or "", text, re.I) is not None


def _journeys(result: RunResult) -> dict[str, list[JourneyRun]]:
    grouped: dict[str, list[JourneyRun]] = {}
    for run in result.runs:
        grouped.setdefault(run.journey, []).append(run)
    return grouped


# ---------------------------------------------------------------------------
# Checks


@register
class CapturedValuesMatch(Check):
    """Values the journey names in ``messages.must_match`` agree everywhere.

    A price on the product page that is not the price in the cart, a
    delivery date that changes at checkout, an order total that differs
    between the confirmation page and the order status: each tells the
    customer the shop cannot be trusted. Every capture of a listed name
    (or of each name in a listed group) is compared with the first one the
    customer met, on every step and every channel, as numbers when they are
    numbers (``€1,234.50`` = ``1234.5 EUR``) and as text otherwise (case and
    spacing ignored).
    """

    code = "CX-MSG-001"
    slug = "captured-values-match"
    title = "Captured values agree across steps and channels"
    failure_title = "Captured values disagree"
    category = "consistency"
    weight = 10.0
    severity = "serious"
    scope = "run"
    advice = "Make every page read the value from the same source (price, promise, total)."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        for journey, runs in _journeys(subject).items():
            try:
                rules = _rules(runs[0])
            except ValueError as exc:
                yield Result(status=Status.ERROR, message=str(exc), journey=journey)
                continue
            for group in rules.match_groups():
                yield from self._group(journey, runs, group)

    def _group(
        self, journey: str, runs: list[JourneyRun], group: tuple[str, ...]
    ) -> Iterator[Result]:
        seen = [
            (run, step, capture)
            for run in runs
            for step in run.steps
            for capture in step.captures
            if capture.name in group
        ]
        name = " = ".join(group)
        if len(seen) < 2:
            others = sorted(
                {c.name for run in runs for s in run.steps for c in s.captures} - set(group)
            )
            hint = (
                f"; to compare it with another capture, list both in a group, e.g. "
                f"must_match: [[{group[0]}, {others[0]}]]"
                if len(group) == 1 and others
                else ""
            )
            yield Result(
                status=Status.NOT_APPLICABLE,
                message=f"{name} was captured {len(seen)} time(s): nothing to compare{hint}",
                journey=journey,
                channel=runs[0].channel,
                rule=name,
            )
            return
        first_run, first_step, first = seen[0]
        expected = comparable(first.text)
        failed = False
        for run, step, capture in seen[1:]:
            if comparable(capture.text) == expected:
                continue
            failed = True
            yield Result(
                status=Status.FAIL,
                rule=name,
                message=(
                    f"{capture.name} is {_shown(capture)} at {place(run, step)}, but "
                    f"{first.name} was {_shown(first)} at {place(first_run, first_step)}"
                ),
                journey=journey,
                channel=run.channel,
                stage=step.stage,
                step=step.index,
                identity=f"{name}:{comparable(capture.text)[1]}",
                evidence=(
                    Evidence(
                        values={
                            "capture": capture.name,
                            "value": None if capture.secret else capture.text,
                            "where": place(run, step),
                            "expected": None if first.secret else first.text,
                            "expected_where": place(first_run, first_step),
                        }
                    ),
                ),
            )
        if not failed:
            yield Result(status=Status.PASS, rule=name, journey=journey, channel=first_run.channel)


@register
class RequiredMessages(Check):
    """The messages a journey requires are shown where it says.

    ``messages.required`` lists text (or patterns) customers must meet in
    given stages and channels: the returns promise before payment, the
    order number on the confirmation, a delivery date in the cart. A
    message counts when it is visible on any step of the stage.
    """

    code = "CX-MSG-002"
    slug = "required-messages"
    title = "Required messages are shown"
    failure_title = "A required message is missing"
    category = "consistency"
    weight = 5.0
    severity = "serious"
    scope = "journey"
    advice = (
        "Show the message on the page named, in words the customer sees without opening anything."
    )

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        try:
            rules = _rules(run)
        except ValueError as exc:
            yield Result(status=Status.ERROR, message=str(exc))
            return
        for rule in rules.required:
            if rule.channels and run.channel not in rule.channels:
                continue
            for stage in rule.stages or [None]:
                steps = [
                    s
                    for s in run.steps
                    if (stage is None or s.stage == stage)
                    and s.snapshot is not None
                    and s.snapshot.visible_text is not None
                ]
                where = f"stage {stage}" if stage else "the journey"
                if not steps:
                    yield Result(
                        status=Status.ERROR,
                        message=f"{rule.describe()}: no page of {where} was read",
                        stage=stage,
                        rule=rule.describe(),
                    )
                    continue
                if any(_matches(rule, s.snapshot.visible_text or "") for s in steps):  # type: ignore[union-attr]
                    yield Result(status=Status.PASS, stage=stage, rule=rule.describe())
                    continue
                yield Result(
                    status=Status.FAIL,
                    message=f"{rule.describe()} is not shown in {where} on {run.channel} "
                    f"(steps {steps[0].index + 1}-{steps[-1].index + 1})",
                    stage=stage,
                    step=steps[-1].index,
                    rule=rule.describe(),
                    identity=f"{rule.describe()}@{stage}",
                )


#: Text that means a template or script failed to fill the page in.
BUILTIN_FORBIDDEN: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("template token {{", re.compile(r"\{\{")),
    ("template token ${", re.compile(r"\$\{")),
    ("format token %s", re.compile(r"%s\b")),
    ("undefined", re.compile(r"\bundefined\b")),
    ("NaN", re.compile(r"\bNaN\b")),
    ("null", re.compile(r"\bnull\b")),
    ("[object Object]", re.compile(r"\[object Object\]")),
    ("lorem ipsum", re.compile(r"\blorem ipsum\b", re.I)),
)


class ForbiddenOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    builtin: bool = Field(default=True, description="Look for the built-in tokens too.")
    extra: list[str] = Field(
        default_factory=list, description="More text to forbid on every journey."
    )


def _snippet(text: str, start: int, end: int) -> str:
    left = max(0, start - 40)
    return re.sub(r"\s+", " ", text[left : end + 40]).strip()


@register
class ForbiddenText(Check):
    """No placeholder, leaked template code or forbidden wording on the page.

    ``{{ price }}``, ``${name}``, ``undefined``, ``NaN``, ``null``,
    ``[object Object]`` and lorem ipsum on a live page mean the page was not
    filled in as intended: often a price or a name the customer needed.
    Journeys add their own words (``messages.forbidden``), projects too
    (option ``extra``). Only visible text is read.
    """

    code = "CX-MSG-003"
    slug = "forbidden-text"
    title = "No leaked placeholders or forbidden text"
    failure_title = "Placeholder or forbidden text is shown"
    category = "consistency"
    weight = 5.0
    severity = "serious"
    requires = ("visible_text",)
    Options = ForbiddenOptions
    advice = "Find the template or script that should fill this text in, or remove the wording."

    def evaluate(self, subject: StepSubject, options: ForbiddenOptions) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or not snapshot.audited or snapshot.visible_text is None:
            return
        text = snapshot.visible_text
        try:
            user = [*_rules(subject.run).forbidden]
        except ValueError as exc:
            yield Result(status=Status.ERROR, message=str(exc))
            return
        user.extend(TextOrPattern(text=t) for t in options.extra)
        patterns = list(BUILTIN_FORBIDDEN) if options.builtin else []
        for rule in user:
            source = re.escape(rule.text) if rule.text is not None else rule.pattern or ""
            patterns.append((rule.describe(), re.compile(source, re.I)))
        hits = []
        for name, pattern in patterns:
            match = pattern.search(text)
            if match:
                hits.append((name, _snippet(text, match.start(), match.end())))
        if not hits:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message="; ".join(f"{name} in “{snippet}”" for name, snippet in hits[:5]),
            identity=",".join(sorted(name for name, _ in hits)),
            evidence=tuple(Evidence(values={"found": n, "context": s}) for n, s in hits[:20]),
        )


class GlossaryOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    glossary: Glossary = Field(
        default_factory=Glossary, description="From the config's glossary: section."
    )


@lru_cache(maxsize=512)
def _variant_pattern(variant: str) -> re.Pattern[str]:
    flags = re.I if variant == variant.lower() else 0
    return re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", flags)


@register
class GlossaryTerms(Check):
    """The site uses its own words, spelled its way.

    A glossary in the config (``glossary: {preferred: {email: [e-mail]}}``)
    names the preferred terms and the variants to avoid: one word for one
    thing reads as one brand, and a brand name spelled two ways looks like a
    copy. A variant in lower case is avoided in every casing; one with
    capitals only in exactly that spelling. Whole words, visible text only.
    """

    code = "CX-MSG-004"
    slug = "glossary"
    title = "Preferred terms are used"
    failure_title = "Avoided terms or spellings are used"
    category = "consistency"
    weight = 1.0
    severity = "minor"
    requires = ("visible_text",)
    Options = GlossaryOptions
    settings_options: ClassVar[dict[str, str]] = {"glossary": "glossary"}
    advice = "Replace each variant with the preferred term."

    def evaluate(self, subject: StepSubject, options: GlossaryOptions) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        terms = options.glossary.preferred
        if not terms or snapshot is None or not snapshot.audited or not snapshot.visible_text:
            return
        text = snapshot.visible_text
        hits: list[tuple[str, str, int]] = []
        for preferred, variants in terms.items():
            for variant in variants:
                count = len(_variant_pattern(variant).findall(text))
                if count:
                    hits.append((variant, preferred, count))
        if not hits:
            yield Result(status=Status.PASS)
            return
        yield Result(
            status=Status.FAIL,
            message="; ".join(f"“{v}” ({n}x): write “{p}”" for v, p, n in hits),
            identity=",".join(sorted(v for v, _, _ in hits)),
            evidence=tuple(
                Evidence(values={"found": v, "preferred": p, "count": n}) for v, p, n in hits
            ),
        )


def _step_view(step: StepResult) -> dict[str, Any] | None:
    """What a step showed, in the terms channels are compared by."""
    if step.status != "passed":
        return None
    snapshot = step.snapshot
    if snapshot is None or snapshot.content is None:
        return {}
    content = snapshot.content
    return {
        "headings": [mask_volatile(h.text) for h in content.headings],
        "calls to action": sorted({mask_volatile(c) for c in content.ctas}),
        "prices": sorted({_money(p.value) for p in content.prices if p.value is not None}),
        "promises": sorted({p.key for p in delivery_promises(snapshot.visible_text or "")}),
    }


@register
class ChannelDrift(Check):
    """The same journey says the same things on every channel.

    The journey is compared step by step between the first channel and each
    other one: whether the step could be done, its headings, its calls to
    action, its prices and its delivery promises. A customer who starts on a
    phone and pays on a laptop must meet the same offer. Differences are
    listed side by side; order numbers and other long numbers are ignored.
    """

    code = "CX-MSG-005"
    slug = "channel-drift"
    title = "Channels show the same content"
    failure_title = "Channels show different content"
    category = "consistency"
    weight = 3.0
    severity = "moderate"
    scope = "run"
    advice = "Serve every channel the same prices and wording; hide layout, not content."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        for journey, runs in _journeys(subject).items():
            if len(runs) < 2:
                continue
            reference = runs[0]
            for other in runs[1:]:
                yield from self._compare(journey, reference, other)

    def _compare(self, journey: str, ref: JourneyRun, other: JourneyRun) -> Iterator[Result]:
        differ = False
        for a, b in zip(ref.steps, other.steps, strict=False):
            view_a, view_b = _step_view(a), _step_view(b)
            diffs: list[Evidence] = []
            if (view_a is None) != (view_b is None):
                diffs.append(
                    Evidence(
                        values={
                            "aspect": "step done",
                            ref.channel: a.status,
                            other.channel: b.status,
                        }
                    )
                )
            elif view_a and view_b:
                for aspect in view_a:
                    if view_a[aspect] != view_b[aspect]:
                        diffs.append(
                            Evidence(
                                values={
                                    "aspect": aspect,
                                    ref.channel: view_a[aspect],
                                    other.channel: view_b[aspect],
                                }
                            )
                        )
            if not diffs:
                continue
            differ = True
            aspects = ", ".join(str(d.values["aspect"]) for d in diffs)
            yield Result(
                status=Status.FAIL,
                message=f"step {b.index + 1} '{b.name}' differs between {ref.channel} and "
                f"{other.channel}: {aspects}",
                journey=journey,
                channel=other.channel,
                stage=b.stage,
                step=b.index,
                identity=f"{ref.channel}:{aspects}",
                evidence=tuple(diffs),
            )
        if not differ:
            yield Result(status=Status.PASS, journey=journey, channel=other.channel)


@register
class PriceArithmetic(Check):
    """The basket adds up: items + shipping + tax + fees - discounts = total.

    A total that does not match its own lines (within a cent) is either a
    bug or a hidden charge; either way the customer notices, or worse, does
    not. Read from the price summary of cart and checkout pages: prices
    labelled total, subtotal, shipping, tax, fee or discount, and one price
    per item row (its last, the line total). Amounts marked as included
    ("incl. VAT") are not added again. Where the journey expects a total (a
    capture named ``total``/``cart_total``/``subtotal`` on the step, or a
    ``purchase``-stage page at a cart or checkout address) and none is read,
    the step is "not measured", never passed; elsewhere no total is not
    applicable.
    """

    code = "CX-MSG-006"
    slug = "price-arithmetic"
    title = "Totals add up"
    failure_title = "Totals do not add up"
    category = "consistency"
    weight = 10.0
    severity = "critical"
    requires = ("content",)
    advice = "Compute the total from the same lines and charges the page shows."

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        snapshot = subject.step.snapshot
        if snapshot is None or snapshot.content is None:
            return
        summary = price_summary(snapshot.content)
        if summary is None:
            why = expected_summary(subject.step)
            if why is not None:
                message = _no_summary(snapshot.content, why)
                yield Result(status=Status.ERROR, message=message)
            return
        base = summary.subtotal.value if summary.subtotal else None
        base_text = "subtotal"
        if base is None:
            if not summary.lines:
                return  # a total alone (a confirmation) has nothing to add up
            base = sum(line.value for line in summary.lines)
            base_text = f"{len(summary.lines)} item line(s)"
        expected = base + sum(c.value for c in summary.charges)
        parts = [f"{base_text} {_money(base)}"] + [
            f"{c.label or c.kind} {_money(c.value)}" for c in summary.charges
        ]
        breakdown = " + ".join(parts)
        if abs(expected - summary.total.value) <= 0.01:
            yield Result(status=Status.PASS, message=f"{breakdown} = {summary.total.text}")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{breakdown} = {_money(expected)}, but the page says "
            f"{summary.total.label or 'total'} {summary.total.text}",
            identity=f"total:{summary.total.value}",
            evidence=(
                Evidence(
                    values={
                        "total": summary.total.value,
                        "expected": round(expected, 2),
                        "subtotal": summary.subtotal.value if summary.subtotal else None,
                        "lines": [line.value for line in summary.lines],
                        "charges": {c.label or c.kind: c.value for c in summary.charges},
                    }
                ),
            ),
        )


def _origin(step: StepResult) -> str:
    return urlsplit(step.snapshot.url).netloc if step.snapshot is not None else ""


@register
class HiddenCost(Check):
    """A promise of free delivery is kept at checkout.

    A banner that says "Free delivery on every order" and a checkout that
    adds shipping is the most resented surprise in online shopping, and a
    top reason for abandoned baskets. Promises are read on every page of
    the site the run visited on the same channel (any journey); a
    threshold ("free delivery over €50") is honoured when the basket is
    below it.
    """

    code = "CX-MSG-007"
    slug = "hidden-cost"
    title = "No charge contradicts a free-delivery promise"
    failure_title = "Delivery is charged despite a free-delivery promise"
    category = "consistency"
    weight = 10.0
    severity = "serious"
    scope = "run"
    advice = "Keep the promise (no shipping charge) or say its conditions where it is made."

    def evaluate(self, subject: RunResult, options: object) -> Iterable[Result]:
        promises: dict[tuple[str, str], tuple[str, float | None, JourneyRun, StepResult]] = {}
        for run in subject.runs:
            for step in run.steps:
                text = step.snapshot.visible_text if step.snapshot is not None else None
                for line, threshold in free_delivery_promises(text or ""):
                    promises.setdefault((run.channel, _origin(step)), (line, threshold, run, step))
        for run in subject.runs:
            checked = failed = False
            for step, content in audited_steps(run):
                promise = promises.get((run.channel, _origin(step)))
                summary = price_summary(content)
                if promise is None or summary is None:
                    continue
                checked = True
                line, threshold, p_run, p_step = promise
                basket = summary.subtotal.value if summary.subtotal else None
                if threshold is not None and (basket is None or basket < threshold):
                    continue
                for charge in summary.charges:
                    if charge.kind != "shipping" or charge.value <= 0:
                        continue
                    failed = True
                    yield Result(
                        status=Status.FAIL,
                        message=f"{charge.label} {charge.text} charged at {place(run, step)}, "
                        f"but “{line}” was promised at "
                        f"{place(p_run, p_step, journey=p_run.journey != run.journey)}",
                        journey=run.journey,
                        channel=run.channel,
                        stage=step.stage,
                        step=step.index,
                        identity=f"{normalise_text(line)}:{charge.value}",
                        evidence=(
                            Evidence(
                                values={
                                    "charge": charge.text,
                                    "label": charge.label,
                                    "promise": line,
                                    "promised_at": place(p_run, p_step, journey=True),
                                }
                            ),
                        ),
                    )
            if checked and not failed:
                yield Result(status=Status.PASS, journey=run.journey, channel=run.channel)


@register
class DripPricing(Check):
    """Every fee is shown with the first price summary, not added late.

    Drip pricing, a fee or surcharge that first appears a step or two
    before payment, makes the first total a false promise; consumer
    authorities treat it as misleading. Charges (shipping, tax, fees) are
    compared with those of the first step that showed a total. A journey that
    showed no total where it expects one (see price arithmetic) is "not measured".
    """

    code = "CX-MSG-008"
    slug = "drip-pricing"
    title = "All charges are shown from the first total on"
    failure_title = "A charge appears late in checkout"
    category = "consistency"
    weight = 7.0
    severity = "serious"
    scope = "journey"
    advice = "Show every fee with the first price the customer sees (the cart), or drop it."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        first: StepResult | None = None
        known: set[str] = set()
        late = False
        for step, content in audited_steps(run):
            summary = price_summary(content)
            fees = {
                (c.kind if c.kind != "fee" else normalise_text(c.label)): c
                for c in (summary.charges if summary else ())
                if c.kind in FEE_KINDS and c.value > 0
            }
            if first is None:
                known.update(fees)
                if summary is not None:
                    first = step
                continue
            for key, charge in fees.items():
                if key in known:
                    continue
                known.add(key)
                late = True
                yield Result(
                    status=Status.FAIL,
                    message=f"{charge.label or charge.kind} {charge.text} first appears at "
                    f"{place(run, step)}, after the total was shown at {place(run, first)}",
                    stage=step.stage,
                    step=step.index,
                    identity=key,
                    evidence=(Evidence(values={"charge": charge.text, "label": charge.label}),),
                )
        if first is not None and not late:
            yield Result(status=Status.PASS)
        if first is None:
            expected = [
                (step, content, why)
                for step, content in audited_steps(run)
                if (why := expected_summary(step)) is not None
            ]
            if expected:
                step, content, why = expected[0]
                yield Result(
                    status=Status.ERROR,
                    message=f"{_no_summary(content, why)} at {place(run, step)}",
                    stage=step.stage,
                    step=step.index,
                )


@register
class PromiseDrift(Check):
    """The delivery promise stays the same from first page to confirmation.

    "Delivered in 2-3 working days" on the product page and "Arrives within
    5 days" on the confirmation is a broken promise the customer notices
    only after paying. Delivery promises (a sentence about delivery with a
    time frame) are compared with the first one the journey met.
    """

    code = "CX-MSG-009"
    slug = "promise-drift"
    title = "Delivery promise stays the same"
    failure_title = "Delivery promise changes during the journey"
    category = "consistency"
    weight = 7.0
    severity = "serious"
    scope = "journey"
    advice = "Say the same delivery time everywhere, from one source."

    def evaluate(self, subject: JourneySubject, options: object) -> Iterable[Result]:
        run = subject.run
        first: tuple[Promise, StepResult] | None = None
        drifted = False
        for step in run.steps:
            snapshot = step.snapshot
            if snapshot is None or not snapshot.audited or not snapshot.visible_text:
                continue
            for promise in delivery_promises(snapshot.visible_text):
                if first is None:
                    first = (promise, step)
                    continue
                if promise.key == first[0].key:
                    continue
                drifted = True
                yield Result(
                    status=Status.FAIL,
                    message=f"“{promise.text}” at {place(run, step)}, but “{first[0].text}” "
                    f"at {place(run, first[1])}",
                    stage=step.stage,
                    step=step.index,
                    identity=promise.key,
                    evidence=(
                        Evidence(
                            values={
                                "promise": promise.text,
                                "time_frame": promise.key,
                                "first_promise": first[0].text,
                                "first_time_frame": first[0].key,
                            }
                        ),
                    ),
                )
        if first is not None and not drifted:
            yield Result(status=Status.PASS)


#: Reading-ease formulas: (constant, per word per sentence, per syllable per word).
#: Flesch (English), Amstad (German), Kandel & Moles (French), Flesch-Vacca
#: (Italian), Douma (Dutch): the same shape with constants fitted per language.
READING_EASE: dict[str, tuple[float, float, float]] = {
    "en": (206.835, 1.015, 84.6),
    "de": (180.0, 1.0, 58.5),
    "fr": (207.0, 1.015, 73.6),
    "it": (217.0, 1.3, 60.0),
    "nl": (206.835, 0.93, 77.0),
}
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?…]+(?=\s|$)|\n+")


@dataclass(frozen=True)
class Readability:
    score: float
    words: int
    sentences: int


@lru_cache(maxsize=8)
def _hyphenator(lang: str) -> Any:
    import pyphen

    return pyphen.Pyphen(lang=pyphen.language_fallback(lang) or lang)


def reading_ease(text: str, lang: str = "en") -> Readability | None:
    """Reading ease of ``text`` (higher is easier; 60-70 is plain language in English).

    Lines count as sentences too: a page's headings and labels are read as
    separate statements. Syllables come from pyphen's hyphenation
    dictionaries. ``None`` when the language has no formula here.
    """
    base = lang.split("-")[0].lower() or "en"
    if base not in READING_EASE:
        return None
    words = _WORD.findall(text)
    if not words:
        return Readability(0.0, 0, 0)
    sentences = max(1, len([p for p in _SENTENCE_END.split(text) if _WORD.search(p)]))
    hyphenator = _hyphenator(lang.replace("-", "_") if "-" in lang else base)
    syllables = sum(len(hyphenator.positions(word)) + 1 for word in words)
    constant, per_sentence, per_syllable = READING_EASE[base]
    score = constant - per_sentence * len(words) / sentences - per_syllable * syllables / len(words)
    return Readability(round(score, 1), len(words), sentences)


class ReadabilityOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    target: float = Field(
        default=60.0, description="Reading ease to aim for (60-70: plain language)."
    )
    min_words: int = Field(default=50, ge=1, description="Fewer words than this are not judged.")


@register
class ReadabilityPerStage(Check):
    """The main text of each stage is easy to read.

    Long sentences and long words slow every customer down and lose many:
    a reading-ease score (Flesch's formula, or its version for the page's
    language: German, French, Italian, Dutch) of the main content of each
    stage's pages, each page counted once. Informative: it weighs nothing in
    the score, and says whether the stage meets the target.
    """

    code = "CX-MSG-010"
    slug = "readability"
    title = "Main text is easy to read"
    failure_title = "Main text is hard to read"
    category = "consistency"
    weight = 0.0
    severity = "info"
    scope = "journey"
    Options = ReadabilityOptions
    advice = "Use shorter sentences and everyday words; put one idea in each sentence."

    def evaluate(self, subject: JourneySubject, options: ReadabilityOptions) -> Iterable[Result]:
        texts: dict[str, dict[str, None]] = {}
        langs: dict[str, str] = {}
        for step, content in audited_steps(subject.run):
            texts.setdefault(step.stage, {})[content.main_text.strip()] = None
            langs.setdefault(step.stage, content.lang or "en")
        for stage, unique in texts.items():
            text = "\n".join(t for t in unique if t)
            result = reading_ease(text, langs[stage])
            if result is None:
                yield Result(
                    status=Status.NOT_APPLICABLE,
                    stage=stage,
                    message=f"no reading-ease formula for language '{langs[stage]}'",
                )
                continue
            if result.words < options.min_words:
                yield Result(
                    status=Status.NOT_APPLICABLE,
                    stage=stage,
                    message=f"{result.words} words: too little text to judge",
                )
                continue
            verdict = "meets" if result.score >= options.target else "is below"
            yield Result(
                status=Status.PASS if result.score >= options.target else Status.INFORMATIVE,
                weight=0.0,
                stage=stage,
                message=f"reading ease {result.score:.0f} ({result.words} words, "
                f"{result.sentences} sentences) {verdict} the target of {options.target:g}",
                evidence=(
                    Evidence(
                        values={
                            "reading_ease": result.score,
                            "words": result.words,
                            "sentences": result.sentences,
                            "target": options.target,
                            "lang": langs[stage],
                        }
                    ),
                ),
            )


# ---------------------------------------------------------------------------
# The pages against the baseline run's


class VisualChangeOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    moderate_from: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="Share of a screenshot's pixels changed from which the finding is "
        "moderate rather than minor.",
    )


def pixel_share(ratio: float) -> str:
    """A share of pixels as a reader reads it: ``12 %``, ``0.35 %``, ``0.004 %``."""
    percent = 100 * ratio
    return f"{percent:.0f} %" if percent >= 10 else f"{percent:.2g} %"


@register
class VisualChange(Check):
    """Each page looks as it did in the baseline run, but for what was meant to change.

    A page that looks different from the last release without anyone having
    meant it (a style sheet that no longer loads, a banner over the basket,
    a button pushed off the screen) is met by every customer, and no other
    check needs to understand it to see it. With ``--baseline``, each
    audited step's screenshot is compared pixel by pixel with the same
    step's in the baseline run (same journey, channel, step number and
    action): the step fails when more than ``visual.threshold`` of its
    pixels changed, each by more than ``visual.tolerance`` of a colour
    channel, so antialiasing and compression noise do not count. The
    finding outlines the changed areas; a person decides whether the change
    was meant. Parts that change by design (clocks, dates, carousels) go
    under ``visual.mask`` and are painted over in every screenshot. Steps
    with nothing to compare with (no such step or no screenshot in the
    baseline, or a picture of another width) are "not compared"; a page
    whose height changed is compared over the common height, the rows only
    one picture has counting as changed, and the change of height is said.
    A mask that covered nothing (a selector the page rejects, or one that
    matches nothing there) is said in the result. Without ``--baseline`` the
    check does not run.
    """

    code = "CX-MSG-011"
    slug = "visual-change"
    title = "The page looks as it did in the baseline run"
    failure_title = "The page looks different from the baseline run"
    category = "consistency"
    weight = 1.0
    severity = "minor"
    Options = VisualChangeOptions
    advice = (
        "Compare the outlined areas with the baseline's picture (linked on the step): fix "
        "the page if the change was not meant; if it was, this run becomes the next "
        "baseline. Add parts that change on every visit to visual.mask."
    )

    def evaluate(self, subject: StepSubject, options: VisualChangeOptions) -> Iterable[Result]:
        visual = subject.step.visual
        if visual is None:
            return
        if visual.status == "not_compared":
            yield Result(status=Status.NOT_APPLICABLE, message=f"not compared: {visual.reason}")
            return
        share = pixel_share(visual.ratio)
        said = "".join(
            f"; {note}" for note in (visual.size_change, *visual.masks_not_applied) if note
        )
        if visual.status == "unchanged":
            message = (
                f"{share} of the screenshot changed (threshold {pixel_share(visual.threshold)})"
            )
            yield Result(status=Status.PASS, message=message + said)
            return
        areas = len(visual.regions) + visual.more_regions
        largest = visual.regions[0] if visual.regions else None
        where = (
            f"; the largest at x {largest.x:.0f}, y {largest.y:.0f} "
            f"({largest.width:.0f} x {largest.height:.0f} px)"
            if largest is not None
            else ""
        )
        yield Result(
            status=Status.FAIL,
            severity="moderate" if visual.ratio >= options.moderate_from else "minor",
            message=f"{share} of the screenshot of {place(subject.run, subject.step)} changed "
            f"since the baseline run {visual.baseline_run} (threshold "
            f"{pixel_share(visual.threshold)}), in {areas} area{'s' if areas != 1 else ''}{where}"
            + said,
            evidence=tuple(
                Evidence(
                    box={"x": r.x, "y": r.y, "width": r.width, "height": r.height},
                    values={"changed area": f"{i + 1} of {areas}"},
                )
                for i, r in enumerate(visual.regions)
            ),
        )
