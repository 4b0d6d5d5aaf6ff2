"""Secrets out of everything cxaudit records: one helper, applied at one place.

A journey's secrets (``${secret:NAME}`` values, ``secret: true`` variables
and captures) are known only while it runs. The runner passes every step
result and journey run through :func:`redact_model` before they enter the
results model, so results.json, the reports rendered from it, progress
output and logs never see them: messages, step names, visible text,
captures, console text, URLs, axe snippets, whatever the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from pydantic import BaseModel

MASK = "[secret]"

M = TypeVar("M", bound=BaseModel)


class Redactor:
    """Replaces every known secret (and its URL-encoded forms) with :data:`MASK`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: list[str] = []
        self.update(secrets)

    def update(self, secrets: Iterable[str]) -> None:
        forms = set(self._forms)
        for secret in secrets:
            if not secret or not secret.strip():
                continue
            forms.update({secret, quote(secret, safe=""), quote_plus(secret)})
        # Longest first: a secret that contains another is masked whole.
        self._forms = sorted(forms, key=len, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._forms)

    def text(self, value: str) -> str:
        for form in self._forms:
            if form in value:
                value = value.replace(form, MASK)
        return value

    def value(self, value: Any) -> Any:
        """``value`` with every string inside it redacted (keys included)."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.value(k): self.value(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.value(v) for v in value]
        return value


def redact_model(model: M, redactor: Redactor) -> M:
    """A copy of ``model`` with every secret masked; the same object when there are none."""
    if not redactor:
        return model
    data = model.model_dump()
    cleaned = redactor.value(data)
    return model if cleaned == data else type(model).model_validate(cleaned)


def mentions_secrets(journey: Any) -> bool:
    """Whether a journey will handle a secret: a ``${secret:...}`` anywhere, or ``secret: true``.

    Decided before the run, so that a Playwright trace (which records what
    redaction cannot reach: screenshots, DOM snapshots, network bodies) is
    never started for such a journey.
    """
    values: list[Any] = [dict(journey.headers), list(journey.cookies), dict(journey.variables)]
    values.extend(step.raw_args for step in journey.steps)
    return any(_mentions(value) for value in values)


def _mentions(value: Any) -> bool:
    if isinstance(value, str):
        return "${secret:" in value
    if isinstance(value, dict):
        if value.get("secret") is True:
            return True
        return any(_mentions(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(_mentions(v) for v in value)
    return False
