"""Accessibility checks: axe-core's rules, and what axe cannot see.

axe-core reads the markup of each audited step (``axe`` in the snapshot). The
checks after it read what cxaudit gathers itself: form fields (``forms``) and
a walk through the page with the Tab key (``keyboard``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import Field

from cxaudit.artifacts import AxeRule, FormError, FormField, KeyboardWalk, TabStop
from cxaudit.checks.base import IMPACT_WEIGHTS, Check, Result, Status, StepSubject, register
from cxaudit.checks.elements import (
    CheckOptions,
    axe_of,
    element,
    fields,
    forms_of,
    keyboard_of,
    quoted,
)
from cxaudit.checks.email import audited_renderings
from cxaudit.checks.focus_order import kept_in, trap_cycle
from cxaudit.results import Evidence

AXE_RULES_URL = "https://github.com/dequelabs/axe-core/blob/develop/doc/rule-descriptions.md"


class AxeOptions(CheckOptions):
    disabled_rules: list[str] = Field(
        default_factory=list,
        description="axe rule ids not to report on any step (see also `accessibility.disabled_rules`, which does not run them at all).",
    )


def wcag_criteria(tags: Iterable[str]) -> list[str]:
    """axe tags like ``wcag143`` -> WCAG success criteria like ``1.4.3``."""
    out = []
    for tag in tags:
        digits = tag[4:]
        if tag.startswith("wcag") and digits.isdigit() and len(digits) >= 3:
            out.append(f"{digits[0]}.{digits[1]}.{digits[2:]}")
    return out


def wcag_level(tags: Iterable[str]) -> str:
    """The WCAG conformance level an axe rule belongs to ('A', 'AA', 'AAA' or '')."""
    levels = {t[4:].lstrip("0123456789").upper() for t in tags if t.startswith("wcag")}
    for level in ("A", "AA", "AAA"):
        if level in levels:
            return level
    return ""


def _wcag_text(rule: AxeRule) -> str:
    tags = rule.tags
    criteria = wcag_criteria(tags)
    if not criteria:
        return "best practice" if "best-practice" in tags else ""
    level = wcag_level(tags)
    return f"WCAG {', '.join(criteria)}" + (f" ({level})" if level else "")


def _axe_nodes(rule: AxeRule) -> tuple[Evidence, ...]:
    return tuple(
        Evidence(
            selector=" ".join(map(str, node.target)) or None,
            html=node.html,
            box=node.box.model_dump() if node.box is not None else None,
            values={
                k: v
                for k, v in (
                    ("impact", node.impact),
                    ("summary", node.failureSummary),
                )
                if v
            },
        )
        for node in rule.nodes
    )


def _axe_rules(
    subject: StepSubject, options: AxeOptions, group: Literal["violations", "incomplete"]
) -> list[AxeRule]:
    """The rules of one group of axe's result (violations, incomplete) not switched off."""
    disabled = set(options.disabled_rules)
    return [r for r in getattr(axe_of(subject), group) if r.id not in disabled]


#: axe-core rules about a web page's own structure, which an email does not have.
PAGE_STRUCTURE_RULES = frozenset(
    {
        "region",
        "landmark-one-main",
        "bypass",
        "page-has-heading-one",
        "landmark-no-duplicate-main",
        "skip-link",
    }
)


@register
class AxeRules(Check):
    """Every axe-core rule, run on every audited step.

    Customers who use a screen reader, a keyboard, zoom or high contrast meet
    a page through its markup: an image without a text alternative, a field
    without a label or text too faint to read can stop them buying at all.
    Each axe rule is its own result, named by its axe rule id (``image-alt``,
    ``color-contrast``), weighted by its impact (critical 10, serious 7,
    moderate 3, minor 1, as Lighthouse weighs them) and scored pass or fail
    per page. A failure lists the failing elements (selector, HTML, position
    on the screenshot) and the WCAG success criteria the rule maps to. The
    same rule failing on many steps of a journey is one finding, with the
    steps each element was seen on.

    Which rules run is set by the standards profile (``accessibility:
    standard``, ``best_practices``, ``disabled_rules``, ``exclude`` in
    cxaudit.yaml); a journey step can switch rules off for itself with
    ``audit: {disable: [rule-id]}``. A received email shown as a step's page
    is audited where its reader meets it, at a phone and a desktop width, and
    reported there by email-accessibility (CX-A11Y-052), not again here.
    """

    code = "CX-A11Y-001"
    slug = "axe-rules"
    title = "Page passes the axe-core accessibility rules"
    failure_title = "Page breaks axe-core accessibility rules"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    requires = ("axe",)
    help_url = AXE_RULES_URL
    Options = AxeOptions

    def evaluate(self, subject: StepSubject, options: AxeOptions) -> Iterable[Result]:
        if audited_renderings(subject.run, subject.step):
            # The message shown as this page was audited where a reader meets it, at a
            # phone and a desktop width: CX-A11Y-052 reports it there, once.
            yield Result(
                status=Status.NOT_APPLICABLE,
                message="an email: audited at its own widths by email-accessibility (CX-A11Y-052)",
            )
            return
        yield from axe_results(subject, options)


def axe_results(subject: StepSubject, options: AxeOptions) -> Iterable[Result]:
    """A result per axe-core rule of the step's ``axe`` field: a failure per violated rule
    (with its elements), a pass per rule that passed and none failed (CX-A11Y-001)."""
    violations = _axe_rules(subject, options, "violations")
    if subject.shows_email:
        # An email is shown inside the mail client's page: its landmarks and
        # bypass blocks are the client's, not the sender's to provide.
        violations = [r for r in violations if r.id not in PAGE_STRUCTURE_RULES]
    for rule in violations:
        impact = rule.impact or "moderate"
        wcag = _wcag_text(rule)
        help_text = rule.help or rule.id
        yield Result(
            status=Status.FAIL,
            rule=rule.id,
            title=help_text,
            message=f"{rule.description or help_text}" + (f" [{wcag}]" if wcag else ""),
            weight=IMPACT_WEIGHTS.get(impact, 3.0),
            severity=impact,
            evidence=_axe_nodes(rule),
            advice=f"{help_text}. See the rule's page for how to fix it"
            + (f"; it maps to {wcag}." if wcag else "."),
            help_url=rule.helpUrl or AXE_RULES_URL,
            identity=rule.id,
        )
    # axe lists a rule under passes too when some elements pass it; a rule
    # scores once per page, and any failing element fails it.
    skip = {rule.id for rule in violations} | set(options.disabled_rules)
    if subject.shows_email:
        skip |= PAGE_STRUCTURE_RULES
    for passed in axe_of(subject).passes:
        if passed.id in skip:
            continue
        impact = passed.impact or "moderate"
        yield Result(status=Status.PASS, rule=passed.id, weight=IMPACT_WEIGHTS.get(impact, 3.0))


@register
class AxeNeedsReview(Check):
    """Rules axe-core could not decide on, listed for a person to review.

    Some questions need eyes: is the text over this photo readable, is this
    link text meaningful in context? axe reports those elements as
    "incomplete". They are listed per rule, as needing review, and weigh
    nothing in any score: an undecided rule neither passes nor fails a page.
    """

    code = "CX-A11Y-002"
    slug = "axe-needs-review"
    title = "Nothing left for a person to review"
    failure_title = "Needs review: axe-core could not decide"
    category = "accessibility"
    weight = 0.0
    severity = "info"
    requires = ("axe",)
    help_url = AXE_RULES_URL
    Options = AxeOptions

    def evaluate(self, subject: StepSubject, options: AxeOptions) -> Iterable[Result]:
        for rule in _axe_rules(subject, options, "incomplete"):
            wcag = _wcag_text(rule)
            yield Result(
                status=Status.INFORMATIVE,
                rule=rule.id,
                title=f"Needs review: {rule.help or rule.id}",
                message="axe could not decide on these elements; a person should check them"
                + (f" [{wcag}]" if wcag else ""),
                weight=0.0,
                severity="info",
                help_url=rule.helpUrl or AXE_RULES_URL,
                evidence=_axe_nodes(rule),
                identity=rule.id,
            )


class PlaceholderLabelOptions(CheckOptions):
    name_sources: list[str] = Field(
        default_factory=lambda: ["placeholder"],
        description="Where a field's name may come from without counting as a label: `placeholder`, `title`, `aria-label`.",
    )


@register
class PlaceholderLabel(Check):
    """Every form field has a real label, not just a placeholder.

    A placeholder disappears as soon as the customer types, so they cannot
    check what a field was for, and it is usually pale grey text that many
    cannot read. axe-core accepts a placeholder as a field's name, so this
    check looks for fields whose only name is their placeholder
    (WCAG 3.3.2 Labels or Instructions).
    """

    code = "CX-A11Y-003"
    slug = "placeholder-label"
    title = "Form fields have labels, not only placeholders"
    failure_title = "Form fields are labelled only by a placeholder"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = 'Give the field a visible <label for="..."> that stays when the customer types; the placeholder may stay as an example.'
    help_url = "https://www.w3.org/WAI/tutorials/forms/labels/"
    Options = PlaceholderLabelOptions

    def evaluate(self, subject: StepSubject, options: PlaceholderLabelOptions) -> Iterable[Result]:
        found = fields(subject)
        if not found:
            yield Result(status=Status.NOT_APPLICABLE, message="no form fields")
            return
        sources = set(options.name_sources)
        bad = [f for f in found if f.name_source in sources]
        if not bad:
            yield Result(status=Status.PASS)
            return
        names = quoted(bad)
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} field(s) named only by a {bad[0].name_source}: {names}",
            evidence=tuple(
                element(f, placeholder=f.placeholder, name_source=f.name_source) for f in bad
            ),
            identity="placeholder-label",
        )


#: Words that say a value is wrong without saying what is wrong with it, or
#: how to put it right: a message made of these and the field's own label
#: ("Invalid value for age.") describes nothing (WCAG 3.3.1, ACT 36b590).
VAGUE_WORDS = frozenset(
    [
        "please",
        "the",
        "a",
        "an",
        "this",
        "that",
        "field",
        "fields",
        "value",
        "values",
        "input",
        "entry",
        "data",
        "is",
        "are",
        "was",
        "be",
        "has",
        "have",
        "invalid",
        "incorrect",
        "wrong",
        "error",
        "errors",
        "not",
        "valid",
        "correctly",
        "correct",
        "properly",
        "fill",
        "in",
        "out",
        "for",
        "of",
        "check",
        "your",
        "try",
        "again",
        "there",
        "problem",
        "with",
        "form",
        "something",
        "went",
        "it",
        "occurred",
        "oops",
        "sorry",
    ]
)
#: What a label carries besides the field's name.
_LABEL_MARKS = re.compile(r"\([^)]*\)|\*|:|\b(required|optional|mandatory)\b", re.I)


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def _label_of(field: FormField) -> str:
    """A field's label without its marks ("Name (required)" -> "name")."""
    text = field.label or field.name
    return " ".join(_words(_LABEL_MARKS.sub(" ", text)))


def vague_message(text: str, named: Iterable[FormField]) -> bool:
    """Whether an error message only says something is wrong ("Invalid value for age.").

    It is vague when every word is a word for "wrong" or a word of the labels
    of the fields it is about; words of any other language count as saying
    more (only English is read).
    """
    words = _words(text)
    said = " ".join(words)  # a message written inside the label is not the label
    labels = {w for f in named for w in _words(_label_of(f).replace(said, " "))}
    return bool(words) and all(w in VAGUE_WORDS or w in labels for w in words)


def _names(text: str, label: str) -> bool:
    return bool(label) and re.search(rf"\b{re.escape(label)}\b", " ".join(_words(text))) is not None


#: Words of a message that asks for a field to be put right (English; other languages are
#: not read, and a message in them is taken for one about the whole form).
_FIELD_TALK = re.compile(
    r"\b(fields?|form|entry|entries|input|values?|required|missing|fill(?:ed)?|enter(?:ed)?"
    r"|empty|blank|check|correct(?:ly)?|invalid|fix)\b",
    re.I,
)


def _marked_invalid(field: FormField) -> bool:
    return field.aria_invalid.strip().lower() not in ("", "false")


def form_error_problem(error: FormError, members: list[FormField]) -> str | None:
    """What is wrong with a message of a whole form, if anything (WCAG 3.3.1, ACT 36b590).

    It must be read by screen readers, name (or link to) a field it is about,
    and name it so that it is one field: a label several fields share
    ("Name" under Shipping and under Billing) needs its group as well. And
    it must say what is wrong or how to fix it.
    """
    text = error.text
    if error.aria_hidden:
        return "it is hidden from screen readers (aria-hidden)"
    linked = set(error.links)
    named = [f for f in members if _names(text, _label_of(f)) or (f.id and f.id in linked)]
    if not named:
        # A message about the whole form ("Your card was declined") need name no field;
        # one must when it speaks of a field to fix ("Please fill the field correctly"),
        # or when a field is marked in error and says so nowhere of its own.
        unsaid = [f for f in members if _marked_invalid(f) and not (f.error and f.error.tied)]
        about_a_field = _FIELD_TALK.search(text) is not None
        return "it names none of the form's fields" if unsaid or about_a_field else None
    counts: dict[str, int] = {}
    for f in members:
        counts[_label_of(f)] = counts.get(_label_of(f), 0) + 1
    clear = [
        f
        for f in named
        if (f.id and f.id in linked)
        or counts[_label_of(f)] == 1
        or _names(text, " ".join(_words(f.legend)))
    ]
    if not clear:
        shared = _label_of(named[0])
        return f"'{shared}' is the label of {counts[shared]} fields and it does not say which"
    if vague_message(text, named):
        return "it does not say what is wrong or how to fix it"
    return None


def _announced_with(field: FormField, text: str) -> bool:
    """Whether an error message is written inside the field's label (read with its name)."""
    said = f"{field.name} {field.label}".casefold()
    return bool(text.strip()) and text.strip().casefold() in said


@register
class ErrorAssociation(Check):
    """Each error message is tied to its field, so the field announces it.

    After a failed submit, a sighted customer sees the red message under the
    field. A screen reader user moving to the field hears it only when the
    message is part of what the field announces: referenced by
    ``aria-describedby`` or ``aria-errormessage``, or written inside its
    label. This check reads fields that show an error and fails those whose
    message is not tied to them (WCAG 3.3.1 Error Identification, 1.3.1
    Info and Relationships). ``aria-invalid="true"`` helps but WCAG does
    not demand it: a tied message passes without it, and a field marked
    invalid with no message at all fails. A message placed right after its
    field counts as the field's, tied or not. A message hidden from screen
    readers (``aria-hidden``) fails, and so does one that only says the value
    is wrong ("Invalid value for age.": WCAG 3.3.1 asks what is wrong or how
    to fix it). A message of the whole form (a line at its top) must name a
    field it is about, so that it is one field ("Name" under both Shipping
    and Billing needs its group), and say what is wrong (ACT 36b590). Only
    English messages are read for what they say.
    """

    code = "CX-A11Y-004"
    slug = "error-association"
    act_rules = ("36b590",)
    title = "Error messages are tied to their fields"
    failure_title = "Error messages are not tied to their fields"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    requires = ("forms",)
    advice = (
        'On the invalid field set aria-describedby="<id of its message>" (and aria-invalid="true").'
    )
    help_url = "https://www.w3.org/WAI/WCAG22/Techniques/aria/ARIA21"

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        found = fields(subject)
        in_error = [f for f in found if f.error is not None or f.aria_invalid == "true"]
        forms = [f for f in forms_of(subject).forms if f.errors]
        if not in_error and not forms:
            yield Result(status=Status.NOT_APPLICABLE, message="no field shows an error")
            return
        problems: list[tuple[FormField | FormError, str]] = []
        for f in in_error:
            error = f.error
            if error is None:
                problems.append((f, "it is marked invalid but no message is tied to it"))
                continue
            reasons = []
            if error.aria_hidden:
                reasons.append("its message is hidden from screen readers (aria-hidden)")
            elif not (error.tied or _announced_with(f, error.text)):
                reasons.append(
                    "its message is not referenced by aria-describedby or aria-errormessage"
                )
            if vague_message(error.text, [f]):
                reasons.append("its message does not say what is wrong or how to fix it")
            if reasons:
                problems.append((f, "; ".join(reasons)))
        for form in forms:
            members = [f for f in found if f.form == form.index]
            for message in form.errors:
                why = form_error_problem(message, members)
                if why:
                    problems.append((message, f"the form's message: {why}"))
        if not problems:
            yield Result(status=Status.PASS)
            return
        first, why = problems[0]
        yield Result(
            status=Status.FAIL,
            message=f"{len(problems)} error message(s) do not reach screen reader users "
            f"or do not say what is wrong; '{_said(first)}': {why}",
            evidence=tuple(element(f, problem=why, error=_message_text(f)) for f, why in problems),
            identity="error-association",
        )


def _said(item: FormField | FormError) -> str:
    """How a field, or a form's message, is named in a finding."""
    if isinstance(item, FormError):
        return item.text or item.selector
    return item.name or item.selector


def _message_text(item: FormField | FormError) -> str | None:
    if isinstance(item, FormError):
        return item.text
    return item.error.text if item.error is not None else None


#: Elements whose inside the walk cannot see: focus moves within them.
OPAQUE_TAGS = frozenset({"iframe", "object", "embed"})


def _first_visits(keyboard: KeyboardWalk) -> list[int]:
    seen: list[int] = []
    for index in keyboard.sequence:
        if index >= 0 and index not in seen:
            seen.append(index)
    return seen


class FocusVisibleOptions(CheckOptions):
    ignore_changes: list[str] = Field(
        default_factory=list,
        description="Style changes that do not count as a focus indicator on their own, e.g. `color`.",
    )


@register
class FocusVisible(Check):
    """Wherever keyboard focus lands, the customer can see it.

    Customers who use a keyboard (and many with low vision or a tremor do)
    need to see which link or button the next key press acts on. A site that
    removes the browser's focus ring without drawing its own leaves them
    guessing. cxaudit presses Tab through the page and compares each
    element's look when focused with its look when not (outline, shadow,
    border, background, colour, underline, size, on its parent and the two
    wrappers above it, where widgets draw it, and on the elements either side:
    an indicator may be drawn beside it); it fails
    elements that do not change at all, or that are invisible while focused
    and show it on no wrapper (WCAG 2.4.7 Focus Visible).
    """

    code = "CX-A11Y-005"
    slug = "focus-visible"
    act_rules = ("oj04fd",)
    title = "Keyboard focus is always visible"
    failure_title = "Keyboard focus is invisible on some elements"
    category = "accessibility"
    weight = 7.0
    severity = "serious"
    requires = ("keyboard",)
    advice = "Keep the browser's focus outline or draw your own with :focus-visible (an outline or box-shadow with 3:1 contrast)."
    help_url = "https://www.w3.org/WAI/WCAG22/Understanding/focus-visible.html"
    Options = FocusVisibleOptions

    def evaluate(self, subject: StepSubject, options: FocusVisibleOptions) -> Iterable[Result]:
        stops = [s for s in keyboard_of(subject).stops if s.tag not in OPAQUE_TAGS]
        measured = [s for s in stops if s.measured]
        if not measured:
            yield Result(status=Status.NOT_APPLICABLE, message="no keyboard focus stops")
            return
        ignored = set(options.ignore_changes)
        bad: list[tuple[TabStop, str]] = []
        for stop in measured:
            changes = [c for c in stop.changed if c not in ignored]
            # A widget's own input may be a transparent sliver (react-select's) inside a
            # box that shows the focus: the wrapper's change is what the customer sees.
            if not stop.visible and "parent" not in changes:
                bad.append((stop, "the element is not visible while it has focus"))
            elif not changes:
                bad.append((stop, "its look does not change when it has focus"))
        if not bad:
            yield Result(status=Status.PASS, message=f"{len(measured)} focus stops checked")
            return
        yield Result(
            status=Status.FAIL,
            message=f"{len(bad)} of {len(measured)} focus stops show no focus: "
            + quoted([s for s, _ in bad]),
            evidence=tuple(element(s, problem=why, name=s.name) for s, why in bad),
            identity="focus-visible",
        )


@register
class KeyboardTrap(Check):
    """Tab moves through the whole page and out again: no keyboard trap.

    A keyboard user who tabs into a widget that never lets focus go (a
    carousel, an embedded player, a chat box) is stuck: they cannot reach
    checkout or even leave the page without a mouse. cxaudit presses Tab up
    to 60 times from the top of the page, reading focus after the page's own
    handlers have run. When focus comes back to an element without ever
    leaving the page, cxaudit goes on pressing Tab and tries Shift+Tab; it
    reports a trap (WCAG 2.1.2 No Keyboard Trap) only when focus stayed among
    those elements all along while others on the page were never reached
    (focus that leaves for the browser only to be pulled back into them is
    still trapped). Focus that goes round the whole page, and focus that
    cycles inside an open modal dialog, pass. So does a trap whose page says
    how to leave it ("Press Ctrl+M to exit", in its text or behind a help
    control inside the trap) when pressing those keys does let focus go
    (WCAG technique G21, ACT ebe86a). A walk the page disturbed is not
    measured.
    """

    code = "CX-A11Y-006"
    slug = "keyboard-trap"
    act_rules = ("80af7b", "a1b64e", "ebe86a")
    title = "Keyboard focus never gets trapped"
    failure_title = "Keyboard focus gets trapped"
    category = "accessibility"
    weight = 10.0
    severity = "critical"
    requires = ("keyboard",)
    advice = "Let Tab and Shift+Tab move focus out of the component; only an open modal dialog may keep focus inside (and Escape closes it)."
    help_url = "https://www.w3.org/WAI/WCAG22/Understanding/no-keyboard-trap.html"

    def evaluate(self, subject: StepSubject, options: object) -> Iterable[Result]:
        keyboard = keyboard_of(subject)
        stops = keyboard.stops
        if not stops:
            yield Result(status=Status.NOT_APPLICABLE, message="no keyboard focus stops")
            return
        passed = Result(
            status=Status.PASS, message=f"{len(_first_visits(keyboard))} focus stops, no trap"
        )
        cycle = trap_cycle(_page_sequence(keyboard.sequence, stops))
        if cycle is None or all(stops[i].in_modal for i in cycle):
            yield passed
            return
        reached = {i for i in keyboard.sequence if i >= 0}
        if reached <= set(cycle) and not keyboard.unreached:
            yield passed  # focus went round every element the page has
            return
        confirm = keyboard.confirm
        if confirm is None or confirm.cycle != cycle:
            yield Result(
                status=Status.ERROR,
                message="not measured: focus came back to an element once, "
                "and the walk did not confirm it (Tab again, Shift+Tab)",
            )
            return
        if not (
            _held(confirm.tab, confirm.tab_ends, stops, cycle)
            and _held(confirm.shift_tab, confirm.shift_tab_ends, stops, cycle)
        ):
            yield passed  # pressing on (or back) let focus go
            return
        advice = confirm.advice
        if advice is not None and advice.keys and advice.left:
            # The page says how to leave and it works (WCAG G21, ACT ebe86a).
            yield Result(
                status=Status.PASS,
                message=f"Tab and Shift+Tab keep focus among {len(cycle)} element(s), "
                f"but the page says how to leave ('{advice.text}') and it works",
            )
            return
        names = quoted([stops[i] for i in cycle])
        said = (
            f"; the page advises '{advice.text}', which does not let focus go"
            if advice is not None and advice.keys
            else ""
        )
        yield Result(
            status=Status.FAIL,
            message=f"Tab and Shift+Tab keep focus among {len(cycle)} element(s) "
            f"and never leave them: {names}{said}",
            evidence=tuple(element(stops[i], name=stops[i].name) for i in cycle),
            identity="keyboard-trap",
        )


def _held(
    presses: list[int], ends: list[int] | None, stops: list[TabStop], cycle: list[int]
) -> bool:
    """Whether further presses (Tab, or Shift+Tab) all left focus in the cycle."""
    if ends is not None:  # where each press ended: focus pulled back from the browser is held
        return kept_in(ends, cycle)
    seen = _page_sequence(presses, stops)
    return bool(seen) and all(i in cycle for i in seen)  # a walk that read no ends: -1 let go


def _page_sequence(raw: list[int], stops: list[TabStop]) -> list[int]:
    """The sequence as the page sees it: focus moving inside a frame stays on the frame."""
    sequence: list[int] = []
    for index in raw:
        opaque = 0 <= index < len(stops) and stops[index].tag in OPAQUE_TAGS
        if opaque and sequence and sequence[-1] == index:
            continue  # focus moves inside the frame; the page sees the frame
        sequence.append(index)
    return sequence


#: The name of a scripted skip control (a button, a ``role="link"``): its
#: destination is script, so its words are what is read.
SKIP_NAME = re.compile(r"^\s*(skip|jump)\b.*\b(content|main|navigation|nav|menu|links)\b", re.I)
#: The name of a control that shows or hides the navigation (WCAG technique SCR28).
COLLAPSE_NAME = re.compile(
    r"^\s*(hide|show|toggle|collapse|expand|close|open)\b.*"
    r"\b(navigation|nav|menu|table of contents?|contents|links)\b",
    re.I,
)
#: Words of content before the first Tab stop that make it the content, not a
#: line above the navigation: a sentence or more.
CONTENT_FIRST_WORDS = 12
#: Tab stops, from the top, where a skip link past the first one still counts.
SKIP_STOPS = 10


def _skips(stop: TabStop) -> bool:
    """Whether a Tab stop is an instrument to move past the repeated blocks."""
    target = stop.skip_target
    if target is not None:
        return target.is_main or (target.after_link and not target.in_nav and not target.in_side)
    return bool(SKIP_NAME.match(stop.name))


def _bypass(stop: TabStop) -> str | None:
    """What a Tab stop offers to get past the repeated blocks, if anything."""
    if _skips(stop):
        return "a skip link"
    named = COLLAPSE_NAME.match(stop.name)
    if stop.visible and (named or stop.controls_nav):
        # A control that collapses the navigation (ACT 3e12e1): one the
        # customer can see, as SCR28 asks.
        return "a control that hides the navigation"
    return None


class SkipLinkOptions(CheckOptions):
    max_stops_before_main: int = Field(
        default=3,
        ge=0,
        description="Tab stops allowed before the main content when there is no skip link.",
    )


@register
class SkipToContent(Check):
    """A keyboard user reaches the main content first, or can skip to it.

    Without a way past the header, a keyboard user presses Tab through the
    logo, search, every menu link and the basket on every page before
    reaching the product they came for. The first Tab stop should be a
    working "Skip to main content" link, or the main content itself should
    come within a few stops (WCAG 2.4.1 Bypass Blocks).

    A skip link counts when it lands in the main content or past the
    navigation, not among the text of an aside or footer; links at the top to
    each area of the page count when one of them does (among the first 10
    stops). A button or scripted link named "Skip to content" (or "Skip
    navigation") counts by its name. A ``main`` landmark hidden with
    ``aria-hidden`` is no main landmark. A page with neither a main landmark
    nor a skip link passes when its content has a heading (outside the
    navigation, asides and footer): screen reader users jump to it. It also
    passes when its content comes first, a sentence or more of text before
    the first Tab stop (outside the navigation, asides and footer), and when
    a visible control among the top Tab stops hides the navigation: one
    named like "Hide table of contents" or "Toggle menu", or one whose
    ``aria-controls`` names the navigation (WCAG technique SCR28).
    """

    code = "CX-A11Y-007"
    slug = "skip-to-content"
    act_rules = ("cf77f2", "ye5d6e", "b40fd1")
    title = "Main content is reachable first by keyboard"
    failure_title = "Keyboard users must tab through the header to reach the content"
    category = "accessibility"
    weight = 3.0
    severity = "moderate"
    requires = ("keyboard",)
    advice = 'Make the first focusable element a link to the main content (<a href="#main">Skip to main content</a>) and wrap the content in <main id="main">.'
    help_url = "https://www.w3.org/WAI/WCAG22/Understanding/bypass-blocks.html"
    Options = SkipLinkOptions

    def evaluate(self, subject: StepSubject, options: SkipLinkOptions) -> Iterable[Result]:
        if subject.shows_email:
            yield Result(status=Status.NOT_APPLICABLE, message="an email has no header to skip")
            return
        keyboard = keyboard_of(subject)
        stops = keyboard.stops
        order = [stops[i] for i in _first_visits(keyboard) if i < len(stops)]
        if not order:
            yield Result(status=Status.NOT_APPLICABLE, message="no keyboard focus stops")
            return
        first = order[0]
        target = first.skip_target
        bypass = _bypass(first)
        if bypass:
            # Where the link lands is what counts, a <main> element or not.
            yield Result(status=Status.PASS, message=f"the first Tab stop is {bypass}")
            return
        if first.in_main:
            yield Result(status=Status.PASS, message="the first Tab stop is in the main content")
            return
        before = next((n for n, s in enumerate(order) if s.in_main), len(order))
        later = next((n for n, s in enumerate(order[:before][:SKIP_STOPS]) if _bypass(s)), None)
        if later is not None:
            # Links at the top to each area of the page (WCAG technique G124).
            what = _bypass(order[later])
            past = "past the header" if what == "a skip link" else "before the main content"
            yield Result(status=Status.PASS, message=f"Tab stop {later + 1} is {what} {past}")
            return
        if target is not None and not target.exists:
            why = f"the first Tab stop links to {target.href}, which is not on the page"
        elif target is not None and target.in_nav:
            why = f"the first Tab stop links to {target.href}, inside the navigation"
        elif target is not None and target.in_side:
            why = f"the first Tab stop links to {target.href}, into an aside or footer"
        elif not keyboard.has_main and keyboard.content_heading:
            yield Result(
                status=Status.PASS,
                message="no main landmark or skip link, but the content has a heading to jump to",
            )
            return
        elif not keyboard.has_main and keyboard.words_before_stops >= CONTENT_FIRST_WORDS:
            # The content comes before any Tab stop: no block before it to bypass.
            yield Result(
                status=Status.PASS,
                message="the content comes before the first Tab stop, nothing to skip",
            )
            return
        elif not keyboard.has_main:
            why = "the page has no main landmark and no skip link"
        elif before <= options.max_stops_before_main:
            yield Result(
                status=Status.PASS, message=f"{before} Tab stop(s) before the main content"
            )
            return
        else:
            why = f"{before} Tab stops come before the main content and there is no skip link"
        yield Result(
            status=Status.FAIL,
            message=why,
            evidence=(element(first, name=first.name, problem="first Tab stop"),),
            identity="skip-to-content",
        )
