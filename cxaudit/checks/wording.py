"""Wording checks: what the pages must say, must not say, and how readable it is.

The journey names the messages a page must show, text that must never
appear, the glossary's one word for each thing, and a reading ease per stage.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from cxaudit.checks.base import Check, JourneySubject, Result, Status, StepSubject, register
from cxaudit.checks.pages import (
    audited_steps,
    message_rules,
    rule_matches,
)
from cxaudit.results import Evidence
from cxaudit.spec.messages import Glossary, TextOrPattern


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
