"""The ``messages:`` rules of a journey and the project's glossary, as typed models.

A journey says which captured values must agree (``must_match``), which
messages customers must meet where (``required``), and which words must
never show (``forbidden``)::

    messages:
      must_match: [price, [cart_total, order_total]]
      required:
        - {text: "30-day free returns", stages: [purchase]}
        - {pattern: "order number .*NW-\\d+", stages: [post-purchase], channels: [mobile]}
      forbidden: ["Northwind Outfiters", {pattern: "TODO|FIXME"}]

The journey loader validates them here (errors at their line and column);
the runner carries the parsed rules into results (``JourneyRun.rules.messages``),
where the consistency checks and the report read them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from cxaudit.errors import SpecIssue
from cxaudit.spec.yamlpos import Document

_UNION_TAG = re.compile(r"\.(str|int|float|bool|list|dict)(?=[.\[]|$)")


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TextOrPattern(_Rule):
    """Plain text (compared as a reader would: case and spacing ignored) or a regular expression."""

    text: str | None = Field(default=None, min_length=1)
    pattern: str | None = Field(default=None, min_length=1, description="Case-insensitive regex.")

    @field_validator("pattern")
    @classmethod
    def _valid_pattern(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression: {exc}") from None
        return value

    @model_validator(mode="after")
    def _one_of(self) -> TextOrPattern:
        if (self.text is None) == (self.pattern is None):
            raise ValueError("give either 'text' or 'pattern'")
        return self

    def describe(self) -> str:
        return f"“{self.text}”" if self.text is not None else f"/{self.pattern}/"


class RequiredMessage(TextOrPattern):
    """A message customers must meet: somewhere in each listed stage, on each listed channel."""

    stages: list[str] | None = Field(
        default=None, description="Stages where it must appear (default: anywhere in the journey)."
    )
    channels: list[str] | None = Field(
        default=None, description="Channels where it must appear (default: all)."
    )


def _match_item(value: Any) -> Any:
    if isinstance(value, list):
        if len(value) < 2:
            raise ValueError("a group of captures that must agree needs at least two names")
    elif not isinstance(value, str):
        raise ValueError("a capture name, or a list of capture names that must agree")
    return value


class MessageRules(_Rule):
    """A journey's ``messages:`` mapping."""

    must_match: list[Annotated[str | list[str], BeforeValidator(_match_item)]] = Field(
        default_factory=list,
        description=(
            "Captures that must agree: a name (equal wherever it is captured, on every "
            "step and channel) or a list of names (equal to each other)."
        ),
    )
    required: list[RequiredMessage] = Field(default_factory=list)
    forbidden: list[TextOrPattern] = Field(
        default_factory=list,
        description="Text (or {pattern: ...}) that must never show, besides the built-in list.",
    )

    @field_validator("forbidden", mode="before")
    @classmethod
    def _plain_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                {"text": str(item)} if isinstance(item, str | int | float) else item
                for item in value
            ]
        return value

    def match_groups(self) -> list[tuple[str, ...]]:
        """``must_match`` as tuples of capture names."""
        return [(item,) if isinstance(item, str) else tuple(item) for item in self.must_match]


def validate_messages(
    doc: Document,
    raw: Any,
    stages: Sequence[str],
    known_channels: Sequence[str] | None = None,
) -> tuple[MessageRules, list[SpecIssue]]:
    """Check a journey's ``messages:`` against :class:`MessageRules` and its stages.

    Returns the parsed rules (what the runner records in results) and the
    problems, each at its position.
    """
    from cxaudit.spec.issues import pydantic_issues

    if not raw:
        return MessageRules(), []
    try:
        rules = MessageRules.model_validate(raw)
    except ValidationError as exc:
        # pydantic names the member of a union it tried ("str"): not part of the document's path
        return MessageRules(), [
            replace(issue, path=_UNION_TAG.sub("", issue.path))
            for issue in pydantic_issues(doc, ("messages",), exc, MessageRules)
        ]
    issues: list[SpecIssue] = []
    for i, rule in enumerate(rules.required):
        for j, stage in enumerate(rule.stages or []):
            if stage not in stages:
                issues.append(
                    doc.issue(
                        ("messages", "required", i, "stages", j),
                        f"no stage '{stage}' in this journey; stages are: {', '.join(stages)}",
                    )
                )
        for j, channel in enumerate(rule.channels or []):
            if known_channels is not None and channel not in known_channels:
                issues.append(
                    doc.issue(
                        ("messages", "required", i, "channels", j),
                        f"unknown channel '{channel}'; known: {', '.join(known_channels)}",
                    )
                )
    return rules, issues


def parse_rules(raw: Any) -> MessageRules:
    """Rules read back from a results file (a trust boundary); raises ``ValueError``."""
    try:
        return MessageRules.model_validate(raw or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ValueError(f"invalid messages rules at {where}: {first['msg']}") from None


class Glossary(_Rule):
    """Preferred terms and the variants customers should not meet (config ``glossary:``).

    ``preferred`` maps each preferred term to its banned variants. A variant
    written in lower case bans every casing of it (``e-mail`` also bans
    ``E-Mail``); one written with capitals bans exactly that spelling
    (``NorthWind`` bans a miscased brand without banning ``Northwind``).
    Variants match whole words only.
    """

    preferred: dict[str, list[str]] = Field(
        default_factory=dict, description="Preferred term -> variants to avoid."
    )

    @field_validator("preferred")
    @classmethod
    def _not_itself(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for term, variants in value.items():
            if term in variants:
                raise ValueError(f"'{term}' is both preferred and banned")
        return value
