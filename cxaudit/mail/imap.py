"""An IMAP mailbox the auditor owns: a real inbox that a live site sends to.

Standard library only (imaplib). Read-only: messages are fetched with
``BODY.PEEK`` so the inbox's flags stay as they were; only messages newer
than the last look are fetched.
"""

from __future__ import annotations

import asyncio
import imaplib
import ssl as ssl_module
import time

from cxaudit.mail.message import Message, PollingMailbox, parse_message

#: How many of the newest messages one look reads (an old inbox may hold thousands).
RECENT = 50


class ImapMailbox(PollingMailbox):
    """``folder`` of the IMAP account ``user`` at ``host:port`` (TLS unless ``ssl=False``)."""

    poll_s = 2.0

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        user: str,
        password: str,
        ssl: bool = True,
        folder: str = "INBOX",
        timeout_s: float = 15,
    ) -> None:
        self.host, self.user, self.password, self.ssl = host, user, password, ssl
        self.port = port or (993 if ssl else 143)
        self.folder, self.timeout_s = folder, timeout_s
        self._cache: dict[str, Message] = {}

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"IMAP {self.user}@{self.host}:{self.port}/{self.folder}"

    def _connect(self) -> imaplib.IMAP4:
        if self.ssl:
            return imaplib.IMAP4_SSL(
                self.host,
                self.port,
                ssl_context=ssl_module.create_default_context(),
                timeout=self.timeout_s,
            )
        return imaplib.IMAP4(self.host, self.port, timeout=self.timeout_s)

    def fetch(self) -> list[Message]:
        """The newest messages of the folder, oldest first (blocking: called in a thread)."""
        conn = self._connect()
        try:
            conn.login(self.user, self.password)
            status, _ = conn.select(self.folder, readonly=True)
            if status != "OK":
                raise RuntimeError(f"IMAP: cannot open folder {self.folder!r}")
            status, data = conn.uid("SEARCH", None, "ALL")
            uids = (data[0] or b"").split() if status == "OK" and data else []
            out: list[Message] = []
            for uid in uids[-RECENT:]:
                key = uid.decode()
                if key not in self._cache:
                    message = self._one(conn, uid)
                    if message is None:
                        continue
                    self._cache[key] = message
                out.append(self._cache[key])
            return out
        finally:
            try:
                conn.logout()
            except Exception:
                pass

    def _one(self, conn: imaplib.IMAP4, uid: bytes) -> Message | None:
        status, data = conn.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
        if status != "OK" or not data:
            return None
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                head, raw = item
                return parse_message(
                    raw, id=f"imap-{uid.decode()}", received_at=internal_date(head)
                )
        return None

    async def messages(self) -> list[Message]:
        return await asyncio.to_thread(self.fetch)


def internal_date(head: bytes) -> float:
    """When the server received the message (its INTERNALDATE), else now."""
    stamp = imaplib.Internaldate2tuple(head or b"")
    return time.mktime(stamp) if stamp else time.time()
