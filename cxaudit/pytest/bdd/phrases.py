"""The step library's phrases: one registry, from which the steps and docs/bdd.md come.

A phrase is what a scenario says ("they search for "{text}""). An *action*
phrase does what the journey steps listed for it in `actions.yaml` do
(data, in the journey language, overridable per site); a *check* phrase is a
Python function that asserts on what the shared gatherers and checks found.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from cxaudit.errors import SpecError
from cxaudit.spec.yamlpos import load_document

if TYPE_CHECKING:
    from cxaudit.pytest.bdd.scenario import Scenario

ACTIONS_FILE = "actions.yaml"
StepKind = str  # "given", "when", "then"


@dataclass(frozen=True)
class Phrase:
    """One phrase of the step library.

    `text` is a `parse` pattern (`{name}` any text, `{n:d}` an
    integer, `{n:g}` a number); `action` names the entry of
    `actions.yaml` it runs, `check` the function it calls instead.
    """

    text: str
    kinds: tuple[StepKind, ...]
    doc: str
    example: str
    action: str | None = None
    check: Callable[..., None] | None = None

    @property
    def params(self) -> tuple[str, ...]:
        """The parameter names of :attr:`text`, in order."""
        return tuple(
            field.split(":")[0] for _, field, _, _ in string.Formatter().parse(self.text) if field
        )


PHRASES: list[Phrase] = []


def action_phrase(
    text: str, action: str, kinds: tuple[StepKind, ...], doc: str, example: str
) -> None:
    """Declare a phrase that runs the journey steps of `actions.yaml` entry `action`."""
    PHRASES.append(Phrase(text=text, kinds=kinds, doc=doc, example=example, action=action))


def check_phrase(
    text: str, kinds: tuple[StepKind, ...], example: str
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Declare a phrase implemented by the decorated function (its docstring documents it)."""

    def register(fn: Callable[..., None]) -> Callable[..., None]:
        doc = " ".join((fn.__doc__ or "").split())
        PHRASES.append(Phrase(text=text, kinds=kinds, doc=doc, example=example, check=fn))
        return fn

    return register


@cache
def _default_actions() -> dict[str, list[Any]]:
    raw = resources.files("cxaudit.pytest.bdd").joinpath(ACTIONS_FILE).read_bytes()
    doc, issues = load_document(raw, f"cxaudit/pytest/bdd/{ACTIONS_FILE}")
    if doc is None or issues:
        raise SpecError(issues)
    return dict(doc.data)


def default_actions() -> dict[str, list[Any]]:
    """The journey steps behind each action phrase, as shipped (a fresh copy)."""
    import copy

    return copy.deepcopy(_default_actions())


def actions_text() -> str:
    """`actions.yaml` as shipped, for the documentation."""
    return resources.files("cxaudit.pytest.bdd").joinpath(ACTIONS_FILE).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Who, where and when

GIVEN = ("given",)
WHEN_GIVEN = ("when", "given")
THEN = ("then",)


@check_phrase(
    "a customer on the {channel} channel", GIVEN, "Given a customer on the mobile channel"
)
def _channel(scenario: Scenario, channel: str) -> None:
    """The channel (desktop, mobile, tablet, or one of your config) the scenario runs on.
    Say it before the first step that opens a page; without it the scenario runs on the
    first configured channel (`--cx-channel`, else desktop)."""
    scenario.use_channel(channel)


@check_phrase('the shop at "{url}"', GIVEN, 'Given the shop at "http://127.0.0.1:8765"')
def _shop(scenario: Scenario, url: str) -> None:
    """The site's address; paths in later steps are relative to it. `--cx-base-url`
    (or `base_url` in the config) wins, as it does over a journey's `base_url`."""
    scenario.use_base_url(url)


@check_phrase("the {stage} stage begins", WHEN_GIVEN, "When the purchase stage begins")
def _stage(scenario: Scenario, stage: str) -> None:
    """Later steps belong to this stage (pre-purchase, purchase, post-purchase or your own)
    in scores and the report. A scenario starts in the stage named by its (or its
    feature's) tag `@pre-purchase`, `@purchase` or `@post-purchase`, else pre-purchase."""
    scenario.use_stage(stage)


# ---------------------------------------------------------------------------
# What the customer does (data: actions.yaml)

action_phrase(
    'they open "{path}"',
    "open",
    WHEN_GIVEN,
    "Open a page, as a customer following a link or a bookmark.",
    'When they open "/"',
)
action_phrase(
    'they search for "{text}"',
    "search",
    WHEN_GIVEN,
    "Type into the site's search box and press Enter.",
    'When they search for "trail"',
)
action_phrase(
    'they open the product "{name}"',
    "open_product",
    WHEN_GIVEN,
    "Follow the link named after the product, and note its price on the product page.",
    'When they open the product "Trail Runner 2"',
)
action_phrase(
    "they add it to the cart",
    "add_to_cart",
    WHEN_GIVEN,
    "Press the product page's add-to-cart button.",
    "When they add it to the cart",
)
action_phrase(
    'they check out as "{email}"',
    "check_out",
    WHEN_GIVEN,
    "Go from the cart through the checkout form as a guest, and place the order.",
    'When they check out as "guest@example.com"',
)
action_phrase(
    'they click "{label}"',
    "click",
    WHEN_GIVEN,
    "Click the element whose text is exactly the label (a button, a link).",
    'When they click "Track your order"',
)
action_phrase(
    'they fill in "{field}" with "{value}"',
    "fill",
    WHEN_GIVEN,
    "Type into the form field with this label.",
    'When they fill in "Order number" with "NW-1001"',
)
action_phrase(
    'they see "{text}"',
    "see",
    ("then", "when", "given"),
    "The text is visible on the page (waits for it, as a customer would).",
    'Then they see "Thank you for your order"',
)


# ---------------------------------------------------------------------------
# What the customer should get (checks over the shared gatherers and checks)


@check_phrase(
    "the page has no serious accessibility issues",
    THEN,
    "Then the page has no serious accessibility issues",
)
def _accessible(scenario: Scenario) -> None:
    """The current page is audited (axe-core and every accessibility check) and no
    finding of critical or serious impact is left; the failure lists each one with
    its element."""
    scenario.assert_accessible(("critical", "serious"))


@check_phrase("the price matches the product page", THEN, "Then the price matches the product page")
def _price(scenario: Scenario) -> None:
    """The price shown now (`current_price` in actions.yaml: a cart line or a product
    page) is the price the product page showed, read as a customer reads prices. The
    journey also asks the consistency checks to compare every captured `price`."""
    scenario.assert_price_matches()


@check_phrase("the page responds within {ms:d} ms", THEN, "Then the page responds within 2000 ms")
def _responds(scenario: Scenario, ms: int) -> None:
    """The server answered the current page within this time: its time to first byte
    (TTFB), as measured on the channel's network profile."""
    scenario.assert_responds_within(ms)


@check_phrase(
    "the {stage} stage scores at least {n:g}", THEN, "Then the purchase stage scores at least 80"
)
def _scores(scenario: Scenario, stage: str, n: float) -> None:
    """The stage's score so far (0-100, the report's scoring) is at least `n`; the
    failure shows the category scores and the findings that cost the most."""
    scenario.assert_stage_score(stage, n)


def phrase_actions(overrides: Mapping[str, list[Any]] | None = None) -> dict[str, list[Any]]:
    """The shipped actions with a site's `overrides` on top."""
    actions = default_actions()
    actions.update(overrides or {})
    return actions
