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

import base64
import binascii
import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from enum import Enum
from html.entities import html5
from typing import Any, TypeVar
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, ValidationError

from cxaudit.artifacts import Artifact

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
    """The ways a secret shows in recorded text: as typed and URL-encoded.

    Literal forms, for callers that write text themselves (the importer);
    :class:`Redactor` matches far more (see :func:`_char_pattern`).
    """
    if not secret or not secret.strip():
        return set()
    return {secret, quote(secret, safe=""), quote_plus(secret)}


#: Secrets this long or longer are matched whatever their case (CSS
#: ``text-transform`` changes what ``innerText`` reads), and in truncated form.
CASELESS_SECRET = 6
#: A truncated secret is masked from this many characters on (or 60 % of a
#: shorter secret, never fewer than :data:`SHORT_SECRET`).
PREFIX_CHARS = 8
PREFIX_SHARE = 0.6
#: Backslashes an escape may carry: a JSON string inside a JSON string doubles them.
_BS = r"(?:\\|%(?:25)?5[cC])"
#: What a page may put between two characters of a secret and still show it
#: whole: white space (a newline from ``<br>`` in ``innerText``), invisible
#: characters, markup (``<br>``, ``<b>``) and their entities or JSON escapes.
_SEP = (
    r"(?:[\s\u00a0\u00ad\u200b-\u200d\u2060\ufeff]"
    r"|<[^<>]{0,200}>"
    r"|&(?:amp;)*(?:nbsp|shy|ZeroWidthSpace|NoBreak|NegativeMediumSpace"
    r"|#0*(?:9|10|13|32|160|173|8203|8288)|#[xX]0*(?:9|[aAdD]|20|[aA]0|[aA][dD]|200[bB]|2060));?"
    rf"|{_BS}+(?:[nrt]|u(?:000[9aAdD]|0020|00[aA]0|00[aA][dD]|200[bBcCdD]|2060|[fF][eE][fF][fF])))*"
)
#: What ends a truncated secret: an ellipsis (as text, entity, JSON escape or
#: URL-encoded), the end of the line, of an attribute value, of an element's
#: text or of the field.
_TRUNCATED = (
    r"(?=[ \t\u00a0]*(?:\u2026|\.\.\.|&(?:amp;)*(?:hellip|mldr);?|&(?:amp;)*#0*8230;?"
    rf"|&(?:amp;)*#[xX]0*2026;?|{_BS}+u2026|%(?:25)?[eE]2%(?:25)?80%(?:25)?[aA]6"
    rf"|\r?\n|{_BS}+[nr]|{_BS}*[\"']|<|\Z))"
)
#: Runs of text that may be base64 (standard or URL-safe alphabet).
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/_-]{6,}={0,2}")


def _hex(value: int, digits: int) -> str:
    """``value`` in hex, each letter matched in either case (``%7e`` and ``%7E``)."""
    return "".join(f"[{d}{d.upper()}]" if d.isalpha() else d for d in f"{value:0{digits}x}")


def _url_char(ch: str) -> str:
    """``ch`` as itself or percent-encoded (its UTF-8 bytes, any hex case, once or
    twice encoded), a space also as ``+``: every form a browser, a form or a
    server's encoder gives, whatever it chose to leave unencoded."""
    encoded = "".join(f"%(?:25)?{_hex(b, 2)}" for b in ch.encode("utf-8", "surrogatepass"))
    alternatives = [re.escape(ch), encoded]
    if ch == " ":
        alternatives.append(r"\+")
    return "(?:" + "|".join(alternatives) + ")"


def _url_text(text: str) -> str:
    return "".join(_url_char(ch) for ch in text)


def _entity_names() -> dict[str, list[str]]:
    """HTML named character references by the one character they stand for."""
    names: dict[str, list[str]] = {}
    for name, char in html5.items():
        if len(char) == 1:
            names.setdefault(char, []).append(name.rstrip(";"))
    return {char: sorted(set(found)) for char, found in names.items()}


_ENTITIES = _entity_names()


def _char_pattern(ch: str) -> str:
    """Every form one character of a secret takes in text a page or a browser produced.

    As itself or percent-encoded; JSON-escaped (a backslash before
    punctuation, ``\\uXXXX`` for any character, ``\\n`` for a control
    character), HTML-escaped (a named entity, ``&#NN;``, ``&#xHH;``, escaped
    again as ``&amp;lt;``); decomposed (``e`` and a combining accent for
    ``é``). Each piece of an escape may itself be URL-encoded.
    """
    code = ord(ch)
    alternatives = []
    decomposed = unicodedata.normalize("NFD", ch)
    if decomposed != ch:
        alternatives.append(_url_text(decomposed))
    if code <= 0xFFFF:
        alternatives.append(f"{_BS}{{1,8}}u{_hex(code, 4)}")
    else:
        high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
        alternatives.append(f"{_BS}{{1,8}}u{_hex(high, 4)}{_BS}{{1,8}}u{_hex(low, 4)}")
        alternatives.append(rf"{_BS}{{1,8}}u\{{0*{_hex(code, 5)}\}}")
    if code < 0x100:
        alternatives.append(f"{_BS}{{1,8}}x{_hex(code, 2)}")
    controls = {"\n": "n", "\r": "r", "\t": "t", "\b": "b", "\f": "f"}
    if ch in controls:
        alternatives.append(f"{_BS}{{1,8}}{controls[ch]}")
    amp = _url_char("&") + "(?:amp" + _url_char(";") + ")*"
    semicolon = "(?:" + _url_char(";") + ")?"
    alternatives.append(f"{amp}{_url_char('#')}0*{code}{semicolon}")
    alternatives.append(f"{amp}{_url_char('#')}[xX]0*{_hex(code, 1)}{semicolon}")
    alternatives.extend(f"{amp}{re.escape(name)}{semicolon}" for name in _ENTITIES.get(ch, ()))
    # Itself last: a character is matched one at a time, so ``&amp;`` must be
    # tried before the ``&`` it starts with.
    alternatives.append(_url_char(ch) if ch.isalnum() else f"{_BS}{{0,8}}{_url_char(ch)}")
    return "(?:" + "|".join(alternatives) + ")"


def prefix_length(secret: str) -> int | None:
    """How many leading characters of ``secret`` are masked when a page cuts it
    short (None: too short to be matched truncated)."""
    if len(secret) < CASELESS_SECRET:
        return None
    return max(SHORT_SECRET, min(PREFIX_CHARS, math.ceil(len(secret) * PREFIX_SHARE)))


class _Matcher:
    """Finds one secret in any of its forms, whole or (if long enough) cut short."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        flags = re.IGNORECASE if len(secret) >= CASELESS_SECRET else 0
        chars = [_char_pattern(ch) for ch in secret]
        self.prefix = prefix_length(secret)
        head = chars[: self.prefix or len(secret)]
        self.head = re.compile(_SEP.join(head), flags)
        #: The rest, one character at a time: a regex nested as deep as a long
        #: secret would exceed the compiler's recursion limit.
        self.tail = [re.compile(_SEP + c, flags) for c in chars[len(head) :]]
        self.truncated = re.compile(_TRUNCATED, flags)

    def match_at(self, text: str, start: int, truncated: bool = True) -> int | None:
        """Where the secret shown at ``start`` ends, or None when it is not there."""
        found = self.head.match(text, start)
        if found is None:
            return None
        end = found.end()
        for char in self.tail:
            step = char.match(text, end)
            if step is None:
                if truncated and self.truncated.match(text, end):
                    return end
                return None
            end = step.end()
        return end

    def find(self, text: str) -> bool:
        """Whether the whole secret shows anywhere in ``text``."""
        pos = 0
        while (found := self.head.search(text, pos)) is not None:
            if self.match_at(text, found.start(), truncated=False) is not None:
                return True
            pos = found.start() + 1
        return False


class Redactor:
    """Replaces every known secret, in every form a page shows it, with :data:`MASK`.

    Forms matched (see docs/security.md): as typed; URL-encoded any way
    (``quote``, ``quote_plus``, Chromium's form encoding, ``encodeURIComponent``,
    a URL as typed, only partly encoded, hex in either case, twice encoded);
    JSON-escaped; HTML-escaped (named and numeric entities); split by white
    space or markup; in any case and cut short with an ellipsis or at the end
    of a field, for secrets of :data:`CASELESS_SECRET` characters or more;
    and any base64 run (standard or URL-safe, padded or not) whose decoded
    text holds the secret (``user:secret`` of a Basic authorization header).
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._secrets: set[str] = set()
        self._matchers: list[_Matcher] = []
        self._first: re.Pattern[str] | None = None
        self._base64_min = 0
        self.update(secrets)

    def __repr__(self) -> str:  # never the secrets themselves
        return f"<Redactor of {len(self._secrets)} secret(s)>"

    def update(self, secrets: Iterable[str]) -> None:
        known = self._secrets | {s for s in secrets if s and s.strip()}
        if known == self._secrets:
            return
        self._secrets = known
        # Longest first: a secret that contains another is masked whole.
        ordered = sorted(known, key=lambda s: (-len(s), s))
        self._matchers = [_Matcher(s) for s in ordered]
        # One scan finds where any secret may start; each is then tried there.
        self._first = re.compile("|".join(f"(?:{m.head.pattern})" for m in self._matchers))
        if any(m.head.flags & re.IGNORECASE for m in self._matchers):
            self._first = re.compile(self._first.pattern, re.IGNORECASE)
        lengths = [len(s) for s in known if len(s) >= SHORT_SECRET]
        self._base64_min = max(6, 4 * min(lengths) // 3) if lengths else 0

    def __bool__(self) -> bool:
        return bool(self._matchers)

    def _spans(self, text: str, truncated: bool = True) -> list[tuple[int, int]]:
        """Where a secret shows in ``text`` (start, end), in order, not overlapping."""
        spans: list[tuple[int, int]] = []
        if self._first is None:
            return spans
        pos = 0
        while pos < len(text):
            found = self._first.search(text, pos)
            if found is None:
                break
            start = found.start()
            ends = (m.match_at(text, start, truncated) for m in self._matchers)
            end = max((e for e in ends if e is not None), default=None)
            if end is None or end == start:
                pos = start + 1
                continue
            spans.append((start, end))
            pos = end
        return spans

    def _in_base64(self, run: str) -> bool:
        """Whether ``run`` (a base64-looking run) decodes to text that holds a secret."""
        body = run.rstrip("=").replace("-", "+").replace("_", "/")
        for offset in range(4):  # the run may start mid-word: try each alignment
            part = body[offset:]
            part = part[: len(part) - (len(part) % 4 == 1)]
            if len(part) < 2:
                break
            try:
                decoded = base64.b64decode(part + "=" * (-len(part) % 4))
            except (binascii.Error, ValueError):
                continue
            text = decoded.decode("utf-8", "replace")
            if any(m.find(text) for m in self._matchers if len(m.secret) >= SHORT_SECRET):
                return True
        return False

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where ``text`` shows a secret in any form, base64 runs included (start, end)."""
        found = self._spans(text)
        if self._base64_min:
            taken = [False] * (len(text) + 1)
            for start, end in found:
                taken[start:end] = [True] * (end - start)
            for run in _BASE64_RUN.finditer(text):
                if len(run.group()) < self._base64_min or any(taken[run.start() : run.end()]):
                    continue
                if self._in_base64(run.group()):
                    found.append(run.span())
        return sorted(found)

    def shows(self, text: str) -> bool:
        """Whether ``text`` shows any secret, in any form."""
        return bool(self.spans(text))

    def _mask(self, text: str, last_part: bool = True) -> str:
        # A part that a mask follows does not end its field: what precedes a
        # mask is not a secret cut short (a NUL is no end, no ellipsis, no space).
        spans = self.spans(text if last_part else text + "\0")
        out, last = [], 0
        for start, end in spans:
            end = min(end, len(text))
            if start < last or start >= end:
                continue
            out.append(text[last:start])
            out.append(MASK)
            last = end
        out.append(text[last:])
        return "".join(out)

    def text(self, value: str) -> str:
        """``value`` with each secret masked; a mask already there is left whole.

        Masking twice (a step result, then its journey run) gives the same
        text, even for a secret such as ``e`` that occurs in the mask itself.
        """
        if not self._matchers:
            return value
        parts = value.split(MASK)
        return MASK.join(self._mask(part, i == len(parts) - 1) for i, part in enumerate(parts))

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
        """A copy of ``model`` with the site's and journey's text masked (not validated).

        A gathered artifact's fields are the page data's keys (:data:`OWN_KEYS` are
        codes there), and the keys it does not know are masked as well.
        """
        if isinstance(model, Artifact):
            own = OWN_KEYS
            names = [*type(model).model_fields, *(model.__pydantic_extra__ or {})]
        else:
            own = OWN_FIELDS | OWN_FIELDS_OF.get(type(model).__name__, frozenset())
            names = list(type(model).model_fields)
        updates: dict[str, Any] = {}
        for name in names:
            if name in own:
                continue
            old = getattr(model, name)
            new = self.value(old, name if isinstance(model, Artifact) else None)
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
