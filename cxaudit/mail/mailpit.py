"""Mailpit's HTTP API: the mail catcher a team already runs.

``GET /api/v1/messages`` lists summaries (newest first); ``GET /api/v1/message/{ID}``
has the parts. Only messages newer than the last look are fetched in full.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import urllib.request
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from cxaudit.mail.message import KEPT_HEADERS, MAX_PART_CHARS, Message, PollingMailbox

LIST_LIMIT = 200


def _address(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("Address") or "").lower()
    return ""


def _when(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return time.time()


class MailpitMailbox(PollingMailbox):
    """Messages read from Mailpit at ``url`` (e.g. http://127.0.0.1:8025)."""

    poll_s = 0.5

    def __init__(self, url: str, *, user: str = "", password: str = "", timeout_s: float = 10):
        self.url = url.rstrip("/")
        self.timeout_s = timeout_s
        self._auth = ""
        if user:
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            self._auth = f"Basic {token}"
        self._cache: dict[str, Message] = {}
        # A catcher on this machine is cheap to ask: look as often as the SMTP sink does.
        if urlsplit(self.url).hostname in ("127.0.0.1", "localhost", "::1"):
            self.poll_s = 0.05

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"Mailpit at {self.url}"

    def _get(self, path: str) -> Any:
        request = urllib.request.Request(self.url + path, headers={"Accept": "application/json"})
        if self._auth:
            request.add_header("Authorization", self._auth)
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            return json.loads(response.read(MAX_PART_CHARS * 4))

    def _headers(self, ident: str) -> Any:
        """Every header of the message (``/headers``): List-Unsubscribe is not in its JSON."""
        try:
            return self._get(f"/api/v1/message/{ident}/headers")
        except (OSError, ValueError):
            return None

    def _message(self, summary: dict[str, Any]) -> Message:
        ident = str(summary.get("ID"))
        full = self._get(f"/api/v1/message/{ident}")
        to = [_address(a) for a in (full.get("To") or []) + (full.get("Cc") or [])]
        to += [_address(a) for a in full.get("Bcc") or []]
        sender = full.get("From") or {}
        name = sender.get("Name") if isinstance(sender, dict) else ""
        sender_text = f"{name} <{_address(sender)}>" if name else _address(sender)
        headers = {"From": sender_text, "Subject": str(full.get("Subject") or "")}
        reply_to = [_address(a) for a in full.get("ReplyTo") or []]
        if reply_to:
            headers["Reply-To"] = ", ".join(reply_to)
        raw_headers = full.get("Headers")
        if not isinstance(raw_headers, dict):
            raw_headers = self._headers(ident)
        if isinstance(raw_headers, dict):
            for key in KEPT_HEADERS:
                value = raw_headers.get(key)
                if isinstance(value, list):
                    value = value[0] if value else None
                if value:
                    headers[key] = str(value)[:2000]
        html = full.get("HTML") or None
        text = full.get("Text") or None
        return Message(
            id=f"mailpit-{ident}",
            sender=sender_text,
            to=tuple(a for a in to if a),
            subject=str(full.get("Subject") or ""),
            headers=headers,
            html=html[:MAX_PART_CHARS] if html else None,
            text=text[:MAX_PART_CHARS] if text else None,
            # Created is when Mailpit received it (the arrival); Date is what the sender wrote.
            received_at=_when(summary.get("Created") or full.get("Date")),
            size=int(full.get("Size") or summary.get("Size") or 0),
        )

    def fetch(self) -> list[Message]:
        """Every listed message, oldest first (blocking: called in a thread)."""
        listing = self._get(f"/api/v1/messages?limit={LIST_LIMIT}")
        out: list[Message] = []
        for summary in reversed(listing.get("messages") or []):
            ident = str(summary.get("ID"))
            if ident not in self._cache:
                self._cache[ident] = self._message(summary)
            out.append(self._cache[ident])
        return out

    async def messages(self) -> list[Message]:
        return await asyncio.to_thread(self.fetch)
