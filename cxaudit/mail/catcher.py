"""The SMTP sink's messages through Mailpit's read API, for a run in another process.

The sink lives in the process that started it. When the demo shop is served
on its own (``cxaudit demo serve``) and journeys run from another terminal,
a CI job or a benchmark's child process, those runs read the shop's mail
over HTTP: the shop answers the part of Mailpit's API that
:class:`~cxaudit.mail.mailpit.MailpitMailbox` reads, under :data:`API_PATH`.
So there is one way to read a catcher's mail, whichever catcher it is:
``mail: {mailpit: {url: http://127.0.0.1:8765/_mail}}`` in cxaudit.yaml, or
``CXAUDIT_MAILPIT=http://127.0.0.1:8765/_mail``.

Read only: nothing here deletes, sends or changes a message.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import getaddresses, parseaddr
from urllib.parse import parse_qs

from cxaudit.mail.message import Message
from cxaudit.mail.smtp import SmtpSink

#: Where the shop answers the API (Mailpit's paths follow it: ``/_mail/api/v1/messages``).
API_PATH = "/_mail"
#: Messages listed when the caller gives no ``limit`` (Mailpit's default).
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000

Answer = tuple[int, str, bytes]
_JSON = "application/json; charset=utf-8"


def _person(text: str) -> dict[str, str]:
    name, address = parseaddr(text)
    return {"Name": name, "Address": address}


def _people(text: str) -> list[dict[str, str]]:
    return [{"Name": n, "Address": a} for n, a in getaddresses([text]) if a]


def _iso(when: float) -> str:
    return (
        datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    )


def summary(message: Message) -> dict[str, object]:
    """A message as Mailpit lists it."""
    headers = message.headers
    to = _people(headers.get("To", ""))
    cc = _people(headers.get("Cc", ""))
    listed = {p["Address"].lower() for p in to + cc}
    # Recipients only the envelope names (a BCC'd copy) are listed as Bcc, as Mailpit does.
    bcc = [{"Name": "", "Address": a} for a in message.to if a not in listed]
    return {
        "ID": message.id,
        "MessageID": headers.get("Message-ID", "").strip("<>"),
        "From": _person(message.sender),
        "To": to,
        "Cc": cc,
        "Bcc": bcc,
        "ReplyTo": _people(headers.get("Reply-To", "")),
        "Subject": message.subject,
        "Created": _iso(message.received_at),
        "Size": message.size,
        "Snippet": " ".join(message.plain().split())[:250],
    }


def _listing(sink: SmtpSink, query: str) -> dict[str, object]:
    asked = parse_qs(query).get("limit", [""])[0]
    limit = int(asked) if asked.isdigit() else DEFAULT_LIMIT
    messages = sink.snapshot()
    newest_first = [summary(m) for m in reversed(messages)][: min(max(limit, 1), MAX_LIMIT)]
    return {
        "total": len(messages),
        "unread": 0,
        "count": len(newest_first),
        "messages_count": len(messages),
        "start": 0,
        "messages": newest_first,
    }


def answer(sink: SmtpSink, path: str, query: str = "") -> Answer:
    """The API's answer to ``GET <path>?<query>``, ``path`` taken after :data:`API_PATH`."""
    parts = path.strip("/").split("/")
    if parts == ["api", "v1", "messages"]:
        return 200, _JSON, json.dumps(_listing(sink, query)).encode()
    if len(parts) in (4, 5) and parts[:3] == ["api", "v1", "message"]:
        found = next((m for m in sink.snapshot() if m.id == parts[3]), None)
        view = parts[4] if len(parts) == 5 else ""
        if found is not None and view == "":
            body = {
                **summary(found),
                "Date": found.headers.get("Date", ""),
                "Text": found.text or "",
                "HTML": found.html or "",
            }  # the headers are asked for on their own (``/headers``), as of Mailpit
            return 200, _JSON, json.dumps(body).encode()
        if found is not None and view == "headers":
            return 200, _JSON, json.dumps({k: [v] for k, v in found.headers.items()}).encode()
        raw = sink.raw(parts[3]) if found is not None and view == "raw" else None
        if raw is not None:
            return 200, "message/rfc822", raw
    return 404, _JSON, json.dumps({"error": "not found"}).encode()
