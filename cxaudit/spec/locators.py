"""Locators: how a journey names an element, with Playwright's semantics.

A locator is a small mapping with exactly one *kind* key (``role``, ``label``,
``text``, ``placeholder``, ``alt``, ``title``, ``test_id``, ``css``) plus
modifiers (``name`` and ``exact`` for roles, ``exact`` for text-like kinds,
``within`` to search inside another element, ``nth`` to pick one of several).
The journey language, the pytest-bdd steps and the recorder import all build
these, so there is one way to find an element.
"""

from __future__ import annotations

import difflib
import json
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from playwright.async_api import Locator as PwLocator
    from playwright.async_api import Page

#: Playwright's own test-id attribute, which ``get_by_test_id`` matches.
DEFAULT_TEST_ID_ATTRIBUTE = "data-testid"
#: The attribute ``test_id`` locators match in the journey running in this task.
#: Playwright's ``selectors.set_test_id_attribute`` is process-wide, and journeys
#: with different attributes run at once in one browser: each asyncio task sets
#: its own value here instead, and another attribute becomes a CSS selector.
TEST_ID_ATTRIBUTE: ContextVar[str] = ContextVar(
    "cxaudit_test_id_attribute", default=DEFAULT_TEST_ID_ATTRIBUTE
)


def test_id_selector(value: str, attribute: str) -> str:
    """The CSS selector matching ``attribute`` exactly equal to ``value``."""
    return f"[{attribute}={json.dumps(value, ensure_ascii=False)}]"


LOCATOR_KINDS = ("role", "label", "text", "placeholder", "alt", "title", "test_id", "css")
LOCATOR_FIELDS = (*LOCATOR_KINDS, "name", "exact", "within", "nth")

#: What each kind matches, for the docs and the JSON Schema.
KIND_HELP = {
    "role": "ARIA role (button, link, textbox, checkbox, heading...), usually with `name`.",
    "label": "Form control by the text of its label (or aria-label).",
    "text": "Element by the text it shows (substring, case-insensitive unless `exact`).",
    "placeholder": "Input by its placeholder text.",
    "alt": "Image (or area) by its alt text.",
    "title": "Element by its title attribute.",
    "test_id": "Element by its test id: the data-testid attribute, or the journey's "
    "(or project's) `test_id_attribute` (data-test, data-qa, data-cy...).",
    "css": "CSS selector: the last resort, as it breaks when the markup changes.",
}


def _one_kind_schema(schema: dict[str, Any]) -> None:
    schema["oneOf"] = [{"required": [kind]} for kind in LOCATOR_KINDS]


class Locator(BaseModel):
    """Where an element is: one kind key plus optional modifiers."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,
        json_schema_extra=_one_kind_schema,
    )

    role: str | None = Field(default=None, description=KIND_HELP["role"])
    name: str | None = Field(
        default=None, description="With `role`: the accessible name (the text a reader hears)."
    )
    label: str | None = Field(default=None, description=KIND_HELP["label"])
    text: str | None = Field(default=None, description=KIND_HELP["text"])
    placeholder: str | None = Field(default=None, description=KIND_HELP["placeholder"])
    alt: str | None = Field(default=None, description=KIND_HELP["alt"])
    title: str | None = Field(default=None, description=KIND_HELP["title"])
    test_id: str | None = Field(default=None, description=KIND_HELP["test_id"])
    css: str | None = Field(default=None, description=KIND_HELP["css"])
    exact: bool = Field(
        default=False, description="Match the whole text (or name), case-sensitive."
    )
    within: Locator | None = Field(
        default=None, description="Search only inside this element (a locator itself)."
    )
    nth: int | None = Field(
        default=None, description="Pick one of several matches: 0 is the first, -1 the last."
    )

    @model_validator(mode="after")
    def _one_kind(self) -> Locator:
        kinds = [k for k in LOCATOR_KINDS if getattr(self, k) is not None]
        if not kinds:
            raise ValueError(
                "a locator needs one of: "
                + ", ".join(LOCATOR_KINDS)
                + " (for example {role: button, name: Add to cart})"
            )
        if len(kinds) > 1:
            raise ValueError(
                f"a locator takes one kind, not {' and '.join(kinds)}: "
                "use 'within:' to search inside another element"
            )
        if self.name is not None and self.role is None:
            raise ValueError("'name' only goes with 'role' (for example {role: link, name: Shoes})")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in LOCATOR_KINDS if getattr(self, k) is not None)

    def describe(self) -> str:
        """A short human form, used in messages and reports."""
        kind = self.kind
        text = f"{kind}={getattr(self, kind)!r}"
        if self.name is not None:
            text += f" name={self.name!r}"
        if self.nth is not None:
            text += f" nth={self.nth}"
        if self.within is not None:
            text = f"{self.within.describe()} >> {text}"
        return text

    def locator_only(self) -> Locator:
        """This locator without the arguments of an action that extends it."""
        if type(self) is Locator:
            return self
        return Locator.model_validate(
            {k: getattr(self, k) for k in LOCATOR_FIELDS if k in self.model_fields_set}
        )

    def resolve(self, page: Page) -> PwLocator:
        """The Playwright locator for this description on ``page``."""
        loc = self._scope_and_kind(page)
        if self.nth is not None:
            loc = loc.nth(self.nth)
        return loc

    def _scope(self, page: Page) -> Any:
        return self.within.resolve(page) if self.within is not None else page

    def _scope_and_kind(self, page: Page) -> PwLocator:
        scope = self._scope(page)
        kind = self.kind
        value = getattr(self, kind)
        if kind == "role":
            kwargs: dict[str, Any] = {}
            if self.name is not None:
                kwargs["name"] = self.name
                kwargs["exact"] = self.exact
            return scope.get_by_role(value, **kwargs)
        if kind == "label":
            return scope.get_by_label(value, exact=self.exact)
        if kind == "text":
            return scope.get_by_text(value, exact=self.exact)
        if kind == "placeholder":
            return scope.get_by_placeholder(value, exact=self.exact)
        if kind == "alt":
            return scope.get_by_alt_text(value, exact=self.exact)
        if kind == "title":
            return scope.get_by_title(value, exact=self.exact)
        if kind == "test_id":
            attribute = TEST_ID_ATTRIBUTE.get()
            if attribute == DEFAULT_TEST_ID_ATTRIBUTE:
                return scope.get_by_test_id(value)
            return scope.locator(test_id_selector(value, attribute))
        return scope.locator(value)


def locator_part(data: dict[str, Any]) -> dict[str, Any]:
    """The locator keys of a step's arguments (the rest are the action's own)."""
    return {k: v for k, v in data.items() if k in LOCATOR_FIELDS}


# ---------------------------------------------------------------------------
# Suggestions for a locator that matched nothing

#: For a kind, how to list what the page offers instead (JavaScript run on
#: the elements of the search scope), so a typo gets a "did you mean".
_CANDIDATES_JS = {
    "label": """els => els.flatMap(e => [...e.querySelectorAll('label')].map(l => l.innerText)
        .concat([...e.querySelectorAll('[aria-label]')].map(n => n.getAttribute('aria-label'))))""",
    "placeholder": """els => els.flatMap(e => [...e.querySelectorAll('[placeholder]')]
        .map(n => n.getAttribute('placeholder')))""",
    "alt": """els => els.flatMap(e => [...e.querySelectorAll('[alt]')].map(n => n.getAttribute('alt')))""",
    "title": """els => els.flatMap(e => [...e.querySelectorAll('[title]')].map(n => n.getAttribute('title')))""",
    "test_id": """(els, attr) => els.flatMap(e => [...e.querySelectorAll(`[${attr}]`)]
        .map(n => n.getAttribute(attr)))""",
    "text": """els => els.flatMap(e => [...e.querySelectorAll('a, button, h1, h2, h3, label, p, li, summary, td, th, span')]
        .map(n => n.innerText))""",
}
_MAX_CANDIDATES = 400


async def suggestions(page: Page, loc: Locator) -> list[str]:
    """Texts on the page close to what ``loc`` looks for (best first, at most 3).

    Never raises: a suggestion is a courtesy, not part of the verdict.
    """
    kind = loc.kind
    try:
        scope = loc.within.resolve(page) if loc.within is not None else page.locator("body")
        if kind == "role":
            if loc.name is None:
                return []
            items = scope.get_by_role(loc.role)
            count = min(await items.count(), 60)
            found = []
            for i in range(count):
                item = items.nth(i)
                label = await item.get_attribute("aria-label", timeout=500)
                found.append(label or await item.inner_text(timeout=500))
            wanted = loc.name
        elif kind == "test_id":
            found = await scope.evaluate_all(_CANDIDATES_JS[kind], TEST_ID_ATTRIBUTE.get())
            wanted = loc.test_id
        elif kind in _CANDIDATES_JS:
            found = await scope.evaluate_all(_CANDIDATES_JS[kind])
            wanted = getattr(loc, kind)
        else:
            return []
    except Exception:
        return []
    texts = {" ".join(str(t).split()) for t in found[:_MAX_CANDIDATES] if t}
    texts.discard("")
    return difflib.get_close_matches(str(wanted), sorted(texts), n=3, cutoff=0.5)
