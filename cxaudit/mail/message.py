"""A received message, what a step waits for, and the interface every mailbox offers."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses
from html.parser import HTMLParser
from typing import Protocol

#: A part bigger than this is cut: a huge message must not fill the report or the memory.
MAX_PART_CHARS = 2_000_000
#: A header value kept longer than this is cut (a subject is a line, not a page).
MAX_HEADER_CHARS = 2000
#: A header field longer than this in the raw message is cut before it is parsed: the
#: standard library's header parser slows down with the square of a field's length.
MAX_RAW_HEADER_BYTES = 8000
#: Header fields read from one message; a sender's thousands more are left out.
MAX_HEADER_FIELDS = 500
#: Recipients kept from the headers (the envelope's are always kept).
MAX_RECIPIENTS = 200
#: Multipart containers one message may declare; past this its parts are not taken
#: apart (the parser's cost grows with the square of the nesting) and its body is read as text.
MAX_MULTIPARTS = 40

#: Characters no header or text of a message may carry into a result, a report or a
#: terminal: C0 and C1 controls (tab and line ends kept in text), and the bidirectional
#: embeddings, overrides and isolates that make text read backwards (the marks are kept).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_CONTROL_IN_HEADER = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]+")
_SURROGATES = re.compile("[\ud800-\udfff]")

#: Headers kept in the step result (the rest may hold tracking ids or secrets).
KEPT_HEADERS = (
    "From",
    "Sender",
    "Reply-To",
    "To",
    "Cc",
    "Subject",
    "Date",
    "Message-ID",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "List-Id",
    "Precedence",
    "MIME-Version",
    "Content-Type",
)


@dataclass(frozen=True)
class Message:
    """One message as a mailbox received it, decoded once."""

    id: str
    sender: str
    to: tuple[str, ...]
    subject: str
    headers: dict[str, str]
    html: str | None
    text: str | None
    #: When the mailbox received it (seconds since the epoch).
    received_at: float
    size: int = 0
    #: Why the MIME could not be read fully, when it could not.
    defects: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Every mailbox's message passes here: whatever the sender wrote, what is kept is
        # text a result, a report and a terminal can hold, and no bigger than its caps.
        header = clean_header
        fix = object.__setattr__
        fix(self, "sender", header(self.sender))
        fix(self, "subject", header(self.subject))
        fix(self, "headers", {header(k)[:100]: header(v) for k, v in self.headers.items()})
        fix(self, "to", tuple(dict.fromkeys(header(a)[:320] for a in self.to))[:MAX_RECIPIENTS])
        fix(self, "html", None if self.html is None else clean_text(self.html))
        fix(self, "text", None if self.text is None else clean_text(self.text))

    def plain(self) -> str:
        """The text a reader sees: the plain part, else the HTML without tags."""
        if self.text:
            return self.text
        return html_text(self.html or "")

    def summary(self) -> str:
        """One line: who it is to and what it is about (for a failure message)."""
        return f"to {', '.join(self.to) or '?'} from {self.sender or '?'}: {self.subject!r}"


def clean_header(value: str) -> str:
    """A header value on one line: controls, line breaks and bidi overrides become a space,
    undecodable bytes U+FFFD, cut at :data:`MAX_HEADER_CHARS`."""
    value = _SURROGATES.sub("\ufffd", value[: MAX_HEADER_CHARS * 2])
    return _CONTROL_IN_HEADER.sub(" ", value).strip()[:MAX_HEADER_CHARS]


def clean_text(value: str) -> str:
    """A part's text without control characters (U+FFFD in their place), cut at
    :data:`MAX_PART_CHARS`; tabs and line ends stay."""
    value = value[:MAX_PART_CHARS]
    return _CONTROL_IN_TEXT.sub("\ufffd", _SURROGATES.sub("\ufffd", value))


_FIELD = re.compile(rb"[\x21-\x39\x3b-\x7e]+:")
_MULTIPART = re.compile(rb"content-type:\s*multipart/", re.I)


def _field_name(field: bytes) -> str:
    found = _FIELD.match(field)
    return found.group()[:-1].decode() if found else "?"


def bounded(raw: bytes) -> tuple[bytes, list[str]]:
    """``raw`` with its header block made safe to parse: each field (with its folded
    lines) cut at :data:`MAX_RAW_HEADER_BYTES`, at most :data:`MAX_HEADER_FIELDS` fields.

    The body is left as it is; what was cut is said in the returned defects.
    """
    end = raw.find(b"\r\n\r\n")
    end = end if end >= 0 else raw.find(b"\n\n")
    head, body = (raw, b"") if end < 0 else (raw[:end], raw[end:])
    fields: list[bytes] = []
    for line in head.splitlines(keepends=True):
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += line
        else:
            fields.append(line)
    defects = []
    if len(fields) > MAX_HEADER_FIELDS:
        defects.append(f"{len(fields)} header fields: the first {MAX_HEADER_FIELDS} read")
        fields = fields[:MAX_HEADER_FIELDS]
    cut = [f for f in fields if len(f) > MAX_RAW_HEADER_BYTES]
    if cut:
        names = sorted({_field_name(f) for f in cut})
        defects.append(f"header cut at {MAX_RAW_HEADER_BYTES} bytes: {', '.join(names)[:200]}")
        fields = [
            f if len(f) <= MAX_RAW_HEADER_BYTES else f[:MAX_RAW_HEADER_BYTES].rstrip() + b"\r\n"
            for f in fields
        ]
    if not defects:
        return raw, []
    return b"".join(fields).rstrip(b"\r\n") + body, defects


def _as_text(raw: bytes) -> str:
    """The body of ``raw`` as text a reader could make out (after the first blank line)."""
    end = raw.find(b"\r\n\r\n")
    end = end if end >= 0 else raw.find(b"\n\n")
    return raw[end:].strip().decode("utf-8", "replace") if end >= 0 else ""


def _content(part: EmailMessage) -> str:
    """A part's decoded text; an unknown charset is read as UTF-8, whatever will not decode
    as U+FFFD (a mail client shows something, not nothing)."""
    try:
        return str(part.get_content())
    except (LookupError, UnicodeError, ValueError):
        payload = part.get_payload(decode=True)
        return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def _addresses(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(addr.lower() for _, addr in getaddresses(list(values)) if addr)


def _cut(text: str | None) -> str | None:
    return None if text is None else text[:MAX_PART_CHARS]


def parse_message(
    raw: bytes, *, id: str, received_at: float, envelope_to: Sequence[str] = ()
) -> Message:
    """``raw`` (RFC 5322 bytes) as a :class:`Message`; malformed MIME gives what can be read.

    The envelope recipients count as addresses too: a BCC'd copy has none in its headers.
    """
    raw, defects = bounded(raw)
    multiparts = len(_MULTIPART.findall(raw))
    try:
        if multiparts > MAX_MULTIPARTS:
            defects.append(f"{multiparts} multipart containers: the body is read as text")
            head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
            msg = message_from_bytes(head + b"\r\n\r\n", policy=policy.default)
        else:
            msg = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the parser is lenient; this is the last line of defence
        return Message(
            id=id,
            sender="",
            to=_addresses(envelope_to),
            subject="",
            headers={},
            html=None,
            text=None,
            received_at=received_at,
            size=len(raw),
            defects=(f"unreadable: {type(exc).__name__}",),
        )
    assert isinstance(msg, EmailMessage)
    defects.extend(type(d).__name__ for d in msg.defects)
    headers: dict[str, str] = {}
    for name in KEPT_HEADERS:
        try:
            value = msg.get(name)
        except Exception:
            value = None
            defects.append(f"bad {name} header")
        if value is not None:
            headers[name] = str(value)[:MAX_HEADER_CHARS]
    html = text = None
    try:
        if multiparts <= MAX_MULTIPARTS:
            html_part = msg.get_body(preferencelist=("html",))
            text_part = msg.get_body(preferencelist=("plain",))
            html = _cut(_content(html_part)) if html_part is not None else None
            text = _cut(_content(text_part)) if text_part is not None else None
    except Exception as exc:
        defects.append(f"body: {type(exc).__name__}")
    if html is None and text is None and (defects or multiparts > MAX_MULTIPARTS):
        # Nothing could be taken apart: the body as it came is the best a reader gets.
        text = _cut(_as_text(raw)) or None
    to = _addresses([headers.get("To", ""), headers.get("Cc", "")])
    extra = tuple(a for a in _addresses(envelope_to) if a not in to)[:MAX_RECIPIENTS]
    return Message(
        id=id,
        sender=headers.get("From", ""),
        # The envelope's recipients are who it was delivered to: kept whatever the headers say.
        to=to[: MAX_RECIPIENTS - len(extra)] + extra,
        subject=headers.get("Subject", ""),
        headers=headers,
        html=html,
        text=text,
        received_at=received_at,
        size=len(raw),
        defects=tuple(defects),
    )


#: Tags that start a new line where a mail client shows the HTML.
_BLOCKS = frozenset(
    (
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main"),
        *("nav", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead"),
        *("tfoot", "tr", "ul"),
    )
)
#: A cell ends on the same line as the next one: a table row reads as one line.
_CELLS = frozenset(("td", "th"))


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def _boundary(self, tag: str) -> None:
        if tag in _CELLS:
            self.parts.append(" ")
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head", "title"):
            self._skip += 1
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head", "title") and self._skip:
            self._skip -= 1
        self._boundary(tag)

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _words_of(html: str) -> str:
    parser = _TextOf()
    try:
        parser.feed(html)
        parser.close()
    except Exception:
        pass
    return "".join(parser.parts)


def html_text(html: str) -> str:
    """The words of an HTML part, without markup (for ``contains`` and text checks)."""
    return re.sub(r"\s+", " ", _words_of(html)).strip()


def html_lines(html: str) -> list[str]:
    """The lines a reader sees in an HTML part: one per paragraph, heading, list item or
    table row, without markup or empty lines."""
    lines = (re.sub(r"\s+", " ", line).strip() for line in _words_of(html).split("\n"))
    return [line for line in lines if line]


@dataclass(frozen=True)
class Match:
    """What a ``wait_for_email`` step waits for; every given field must hold."""

    to: str | None = None
    sender: str | None = None
    subject: str | None = None
    contains: str | None = None
    #: Messages an earlier step of the same journey already took.
    exclude: frozenset[str] = field(default_factory=frozenset)

    def accepts(self, message: Message) -> bool:
        if message.id in self.exclude:
            return False
        if self.to and self.to.lower() not in message.to:
            return False
        if self.sender and self.sender.lower() not in message.sender.lower():
            return False
        if self.subject and self.subject.lower() not in message.subject.lower():
            return False
        if self.contains:
            needle = self.contains.lower()
            hay = f"{message.subject}\n{message.text or ''}\n{html_text(message.html or '')}"
            if needle not in hay.lower():
                return False
        return True

    def describe(self) -> str:
        parts = [
            f"{name} {value!r}"
            for name, value in (
                ("to", self.to),
                ("from", self.sender),
                ("subject containing", self.subject),
                ("text containing", self.contains),
            )
            if value
        ]
        return "a message " + (", ".join(parts) if parts else "of any kind")


class MailTimeout(Exception):
    """No message matched in time; says what was waited for and what did arrive."""

    def __init__(self, match: Match, timeout_s: float, seen: Sequence[Message]) -> None:
        self.match, self.timeout_s, self.seen = match, timeout_s, list(seen)
        arrived = (
            "; ".join(m.summary() for m in self.seen[-5:])
            if self.seen
            else "no message arrived at all"
        )
        more = f" (last 5 of {len(self.seen)})" if len(self.seen) > 5 else ""
        super().__init__(
            f"no email within {timeout_s:g} s: waited for {match.describe()}; "
            f"arrived meanwhile{more}: {arrived}"
        )


class Mailbox(Protocol):
    """Where messages are read from: the only thing the journey language knows of mail."""

    #: What the report says the messages were read from ("SMTP sink on 127.0.0.1:2525").
    name: str

    async def messages(self) -> list[Message]:
        """Every message the mailbox holds now, oldest first."""
        ...

    async def wait_for(self, match: Match, timeout: float) -> Message:
        """The first message ``match`` accepts, or :class:`MailTimeout` after ``timeout`` s."""
        ...


class PollingMailbox:
    """``wait_for`` by asking ``messages()`` again until one matches (every backend can)."""

    name = "mailbox"
    #: Seconds between two looks; a remote mailbox is asked less often.
    poll_s = 0.1

    async def messages(self) -> list[Message]:
        raise NotImplementedError

    async def wait_for(self, match: Match, timeout: float) -> Message:
        deadline = time.monotonic() + timeout
        started = time.time()
        seen: list[Message] = []
        while True:
            seen = await self.messages()
            found = next((m for m in seen if match.accepts(m)), None)
            if found is not None:
                return found
            left = deadline - time.monotonic()
            if left <= 0:
                # What arrived during the wait, or to the awaited address: not the
                # whole inbox (a real one holds other people's mail).
                to = (match.to or "").lower()
                recent = [
                    m
                    for m in seen
                    if m.id not in match.exclude and (m.received_at >= started or to in m.to)
                ]
                raise MailTimeout(match, timeout, recent)
            await asyncio.sleep(min(self.poll_s, left))
