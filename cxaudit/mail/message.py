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

    def plain(self) -> str:
        """The text a reader sees: the plain part, else the HTML without tags."""
        if self.text:
            return self.text
        return html_text(self.html or "")

    def summary(self) -> str:
        """One line: who it is to and what it is about (for a failure message)."""
        return f"to {', '.join(self.to) or '?'} from {self.sender or '?'}: {self.subject!r}"


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
    defects: list[str] = []
    try:
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
            headers[name] = str(value)[:2000]
    html = text = None
    try:
        html_part = msg.get_body(preferencelist=("html",))
        text_part = msg.get_body(preferencelist=("plain",))
        html = _cut(html_part.get_content()) if html_part is not None else None
        text = _cut(text_part.get_content()) if text_part is not None else None
    except Exception as exc:
        defects.append(f"body: {type(exc).__name__}")
    to = _addresses([headers.get("To", ""), headers.get("Cc", "")])
    extra = tuple(a for a in _addresses(envelope_to) if a not in to)
    return Message(
        id=id,
        sender=headers.get("From", ""),
        to=to + extra,
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
