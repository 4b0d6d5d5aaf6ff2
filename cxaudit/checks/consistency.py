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
from cxaudit.checks.pages import (
    FEE_KINDS,
    Promise,
    audited_steps,
    delivery_promises,
    expected_summary,
    free_delivery_promises,
    mask_volatile,
    match_groups,
    message_rules,
    money,
    no_summary,
    place,
    price_summary,
    rule_matches,
    runs_by_journey,
    shown,
)
from cxaudit.checks.values import comparable, normalise_text
from cxaudit.results import Evidence, JourneyRun, RunResult, StepResult
from cxaudit.spec.messages import Glossary, TextOrPattern

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
        for journey, runs in runs_by_journey(subject).items():
            try:
                groups = match_groups(runs)
            except ValueError as exc:
                yield Result(status=Status.ERROR, message=str(exc), journey=journey)
                continue
            for group in groups:
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
                    f"{capture.name} is {shown(capture)} at {place(run, step)}, but "
                    f"{first.name} was {shown(first)} at {place(first_run, first_step)}"
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
            rules = message_rules(run)
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
                if any(rule_matches(rule, s.snapshot.visible_text or "") for s in steps):  # type: ignore[union-attr]
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
            user = [*message_rules(subject.run).forbidden]
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
        "prices": sorted({money(p.value) for p in content.prices if p.value is not None}),
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
        for journey, runs in runs_by_journey(subject).items():
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
                message = no_summary(snapshot.content, why)
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
        parts = [f"{base_text} {money(base)}"] + [
            f"{c.label or c.kind} {money(c.value)}" for c in summary.charges
        ]
        breakdown = " + ".join(parts)
        if abs(expected - summary.total.value) <= 0.01:
            yield Result(status=Status.PASS, message=f"{breakdown} = {summary.total.text}")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{breakdown} = {money(expected)}, but the page says "
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
                    message=f"{no_summary(content, why)} at {place(run, step)}",
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
