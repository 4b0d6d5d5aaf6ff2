"""Locators: how a journey names an element, with Playwright's semantics.

A locator is a small mapping with exactly one *kind* key (``role``, ``label``,
``text``, ``placeholder``, ``alt``, ``title``, ``test_id``, ``css``) plus
modifiers (``name`` and ``exact`` for roles, ``exact`` for text-like kinds,
``within`` to search inside another element, ``nth`` to pick one of several).
The journey language, the pytest-bdd steps and the recorder import all build
these, so there is one way to find an element.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, model_validator

if TYPE_CHECKING:
    from playwright.async_api import Locator as PwLocator
    from playwright.async_api import Page

LOCATOR_KINDS = ("role", "label", "text", "placeholder", "alt", "title", "test_id", "css")
LOCATOR_FIELDS = (*LOCATOR_KINDS, "name", "exact", "within", "nth")


class Locator(BaseModel):
    """Where an element is: one kind key plus optional modifiers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str | None = None
    name: str | None = None
    label: str | None = None
    text: str | None = None
    placeholder: str | None = None
    alt: str | None = None
    title: str | None = None
    test_id: str | None = None
    css: str | None = None
    exact: bool = False
    within: Locator | None = None
    nth: int | None = None

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

    def resolve(self, page: Page) -> PwLocator:
        """The Playwright locator for this description on ``page``."""
        scope: Any = self.within.resolve(page) if self.within is not None else page
        kind = self.kind
        value = getattr(self, kind)
        if kind == "role":
            kwargs: dict[str, Any] = {}
            if self.name is not None:
                kwargs["name"] = self.name
                kwargs["exact"] = self.exact
            loc = scope.get_by_role(value, **kwargs)
        elif kind == "label":
            loc = scope.get_by_label(value, exact=self.exact)
        elif kind == "text":
            loc = scope.get_by_text(value, exact=self.exact)
        elif kind == "placeholder":
            loc = scope.get_by_placeholder(value, exact=self.exact)
        elif kind == "alt":
            loc = scope.get_by_alt_text(value, exact=self.exact)
        elif kind == "title":
            loc = scope.get_by_title(value, exact=self.exact)
        elif kind == "test_id":
            loc = scope.get_by_test_id(value)
        else:
            loc = scope.locator(value)
        if self.nth is not None:
            loc = loc.nth(self.nth)
        return loc


def locator_part(data: dict[str, Any]) -> dict[str, Any]:
    """The locator keys of a step's arguments (the rest are the action's own)."""
    return {k: v for k, v in data.items() if k in LOCATOR_FIELDS}
