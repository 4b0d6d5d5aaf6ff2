"""Secrets out of everything cxaudit records: one helper, applied at one place.

A journey's secrets (``${secret:NAME}`` values, ``secret: true`` variables
and captures) are known only while it runs. The runner passes every step
result and journey run through :func:`redact_model` before they enter the
results model, so results.json, the reports rendered from it, progress
output and logs never see them.

Masking replaces text where the site or the journey put it: page text,
URLs, form values, messages, console text, HTML snippets, captures. It
never touches what cxaudit writes itself (dict keys, rule ids, codes,
statuses, severities, fingerprints, channel and stage names, numbers):
a short secret such as ``t`` would otherwise turn ``index`` into
``inde[secret]`` or a status into a value the model refuses, and the run
would be lost. Whatever the secret, masking returns a valid model.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from enum import Enum
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, ValidationError

MASK = "[secret]"
#: A secret shorter than this is also met inside ordinary words: worth a warning.
SHORT_SECRET = 4

M = TypeVar("M", bound=BaseModel)

log = logging.getLogger(__name__)

#: Model fields cxaudit writes itself (identifiers, codes, enum values, paths, times)
#: or that are the journey file's own settings (message rules, audit overrides).
OWN_FIELDS = frozenset(
    {
        "accepted",
        "action",
        "band",
        "category",
        "channel",
        "code",
        "file",
        "fingerprint",
        "help_url",
        "journey",
        "key",
        "kind",
        "lang",
        "method",
        "overrides",
        "points",
        "resource_type",
        "rule",
        "rules",
        "run_id",
        "schema_version",
        "scores",
        "screenshot",
        "screenshots",
        "severity",
        "slug",
        "stage",
        "stages",
        "started_at",
        "finished_at",
        "status",
        "tool_version",
        "trace",
        "type",
    }
)
#: Fields that are identifiers on some models only (a capture's or channel's name).
OWN_FIELDS_OF = {
    "Capture": frozenset({"name"}),
    "ChannelInfo": frozenset({"name", "description"}),
}
#: Keys inside free-form data (axe results, gathered page data, evidence values,
#: journey rules) whose values are codes, not text: axe rule ids and impacts,
#: element tags and attribute kinds, capture names, metric and profile names.
OWN_KEYS = frozenset(
    {
        "aria_invalid",
        "autocomplete",
        "band",
        "capture",
        "category",
        "changed",
        "channel",
        "channels",
        "code",
        "description",
        "fingerprint",
        "help",
        "helpUrl",
        "help_url",
        "id",
        "impact",
        "inputmode",
        "journey",
        "key",
        "kind",
        "label_marker",
        "lang",
        "method",
        "metric",
        "must_match",
        "name_attr",
        "name_source",
        "overflow_x",
        "position",
        "profile",
        "purpose",
        "rule",
        "severity",
        "slug",
        "stage",
        "stages",
        "status",
        "tag",
        "tags",
        "type",
        "type_attr",
        "version",
    }
)


def secret_forms(secret: str) -> set[str]:
    """The ways a secret shows in recorded text: as typed and URL-encoded."""
    if not secret or not secret.strip():
        return set()
    return {secret, quote(secret, safe=""), quote_plus(secret)}


class Redactor:
    """Replaces every known secret (and its URL-encoded forms) with :data:`MASK`."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._forms: list[str] = []
        self._pattern: re.Pattern[str] | None = None
        self.update(secrets)

    def update(self, secrets: Iterable[str]) -> None:
        forms = set(self._forms)
        for secret in secrets:
            forms.update(secret_forms(secret))
        if forms == set(self._forms):
            return
        # Longest first: a secret that contains another is masked whole.
        self._forms = sorted(forms, key=lambda f: (-len(f), f))
        self._pattern = re.compile("|".join(re.escape(f) for f in self._forms))

    def __bool__(self) -> bool:
        return bool(self._forms)

    def text(self, value: str) -> str:
        """``value`` with each secret masked; a mask already there is left whole.

        Masking twice (a step result, then its journey run) gives the same
        text, even for a secret such as ``e`` that occurs in the mask itself.
        """
        if self._pattern is None:
            return value
        pattern = self._pattern
        return MASK.join(pattern.sub(MASK, part) for part in value.split(MASK))

    def value(self, value: Any, key: str | None = None) -> Any:
        """``value`` with every string inside it masked; dict keys, and the values of
        :data:`OWN_KEYS`, are cxaudit's or the page's codes and stay as they are."""
        if isinstance(value, Enum) or (key is not None and key in OWN_KEYS):
            return value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            out = {k: self.value(v, str(k)) for k, v in value.items()}
            return value if all(out[k] is value[k] for k in value) else out
        if isinstance(value, (list, tuple)):
            items = [self.value(v) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            return type(value)(items) if isinstance(value, tuple) else items
        if isinstance(value, BaseModel):
            return self.model(value)
        return value

    def model(self, model: M) -> M:
        """A copy of ``model`` with the site's and journey's text masked (not validated)."""
        own = OWN_FIELDS | OWN_FIELDS_OF.get(type(model).__name__, frozenset())
        updates: dict[str, Any] = {}
        for name in type(model).model_fields:
            if name in own:
                continue
            old = getattr(model, name)
            new = self.value(old)
            if new is not old:
                updates[name] = new
        return model.model_copy(update=updates) if updates else model


def redact_model(model: M, redactor: Redactor) -> M:
    """A copy of ``model`` with every secret masked; the same object when there are none.

    Never raises: if a masked value would not validate (a field with a fixed
    set of values that a new field of the results model added), that value
    is kept as cxaudit wrote it and the rest stays masked.
    """
    if not redactor:
        return model
    cleaned = redactor.model(model)
    if cleaned is model:
        return model
    data = cleaned.model_dump()
    try:
        return type(model).model_validate(data)
    except ValidationError as exc:
        original = model.model_dump()
        for error in exc.errors():
            _restore(data, original, error["loc"])
            log.warning("secret masking left %s as written: it must stay valid", error["loc"])
    try:
        return type(model).model_validate(data)
    except ValidationError:
        log.warning("secret masking could not be validated; the masked copy is kept")
        return cleaned


def _restore(data: Any, original: Any, loc: tuple[Any, ...]) -> None:
    """Put back ``original``'s value at ``loc`` in ``data`` (same shape, as dumped)."""
    if not loc:
        return
    for part in loc[:-1]:
        try:
            data, original = data[part], original[part]
        except (KeyError, IndexError, TypeError):
            return
    try:
        data[loc[-1]] = original[loc[-1]]
    except (KeyError, IndexError, TypeError):
        return


def short_secret_warning(name: str, value: str) -> str | None:
    """Why a secret this short is a problem, or None when it is long enough."""
    if not value.strip() or len(value) >= SHORT_SECRET:
        return None
    return (
        f"secret '{name}' is only {len(value)} character{'s' if len(value) != 1 else ''} long: "
        f"it is masked as {MASK} wherever it appears in recorded text, inside other words too; "
        f"use a value of at least {SHORT_SECRET} characters"
    )


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
