"""An SMTP sink on 127.0.0.1: receives whatever is sent to it and keeps it in memory.

For the demo shop, tests and sites under development pointed at it. It never
relays: a message sent to it reaches no one else. One sink serves a whole
process (every journey of a run): the per-run plus-address keeps their mail apart.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any

from cxaudit.mail.message import Message, PollingMailbox, parse_message

#: Biggest message the sink accepts; a bigger one is refused (552) as a real server would.
DATA_SIZE_LIMIT = 10 * 1024 * 1024


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class _Handler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content or b""
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "replace")
        self.sink.add(raw, list(envelope.rcpt_tos or ()))
        return "250 Message accepted for delivery"


class SmtpSink(PollingMailbox):
    """aiosmtpd on ``host:port`` (port 0: a free one), messages kept in arrival order."""

    poll_s = 0.05

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port or free_port(host)
        self._messages: list[Message] = []
        #: Each message's bytes as received, for a catcher API's ``raw`` view.
        self._raw: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._controller: Any = None

    @property
    def name(self) -> str:  # type: ignore[override]
        return f"SMTP sink on {self.host}:{self.port}"

    @property
    def address(self) -> tuple[str, int]:
        return self.host, self.port

    def add(self, raw: bytes, envelope_to: list[str]) -> Message:
        with self._lock:
            message = parse_message(
                raw,
                id=f"smtp-{len(self._messages) + 1}",
                received_at=time.time(),
                envelope_to=envelope_to,
            )
            self._messages.append(message)
            self._raw[message.id] = raw
        return message

    def raw(self, ident: str) -> bytes | None:
        """The bytes of message ``ident`` as they were received, or None."""
        with self._lock:
            return self._raw.get(ident)

    def start(self) -> SmtpSink:
        from aiosmtpd.controller import Controller

        if self._controller is None:
            controller = Controller(
                _Handler(self),
                hostname=self.host,
                port=self.port,
                data_size_limit=DATA_SIZE_LIMIT,
                ready_timeout=10,
            )
            controller.start()
            self._controller = controller
        return self

    def stop(self) -> None:
        controller, self._controller = self._controller, None
        if controller is not None:
            controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def snapshot(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    async def messages(self) -> list[Message]:
        return self.snapshot()
