"""Receiving mail without a browser: parsing, matching, the SMTP sink, Mailpit's API
(a real HTTP server on 127.0.0.1 speaking it), the IMAP settings, plus-addresses."""

from __future__ import annotations

import asyncio
import json
import smtplib
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from cxaudit.mail import MailTimeout, Match, parse_message, session
from cxaudit.mail.imap import ImapMailbox, internal_date
from cxaudit.mail.mailpit import MailpitMailbox
from cxaudit.mail.message import MAX_PART_CHARS
from cxaudit.mail.settings import MailSettings
from cxaudit.mail.smtp import SmtpSink
from cxaudit.spec.variables import parse_ref


def _message(to: str, subject: str, html: str | None = "<p>Total €9</p>", text: str | None = None):
    message = EmailMessage()
    message["From"] = "Shop <orders@shop.test>"
    message["To"] = to
    message["Subject"] = subject
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    return message


def test_parse_reads_both_parts_and_the_kept_headers() -> None:
    raw = _message("A <a+1@x.test>", "Order NW-1", text="Total 9").as_bytes()
    message = parse_message(raw, id="m1", received_at=1.0)
    assert message.to == ("a+1@x.test",)
    assert message.sender == "Shop <orders@shop.test>"
    assert message.text and "Total 9" in message.text
    assert message.html and "<p>Total €9</p>" in message.html
    assert message.headers["Subject"] == "Order NW-1"


def test_parse_html_only_has_no_text_part_and_bcc_counts_from_the_envelope() -> None:
    raw = _message("someone@x.test", "Hi").as_bytes()
    message = parse_message(raw, id="m", received_at=0, envelope_to=["Me+Tag@X.test"])
    assert message.text is None and message.html
    assert message.to == ("someone@x.test", "me+tag@x.test")
    assert message.plain() == "Total €9"


def test_malformed_and_huge_messages_are_read_as_far_as_they_go() -> None:
    broken = parse_message(b"\xff\xfe not mime at all\r\n\r\n\x00", id="b", received_at=0)
    assert broken.subject == "" and broken.to == ()
    huge = _message("a@x.test", "Big", html="<p>" + "x" * (MAX_PART_CHARS + 10) + "</p>")
    message = parse_message(huge.as_bytes(), id="h", received_at=0)
    assert message.html is not None and len(message.html) == MAX_PART_CHARS


def test_match_needs_every_given_field_and_skips_taken_messages() -> None:
    message = parse_message(
        _message("cx+r1@x.test", "Your order NW-7").as_bytes(), id="m", received_at=0
    )
    assert Match(to="CX+r1@x.test", subject="your order", contains="€9").accepts(message)
    assert not Match(to="cx+r2@x.test").accepts(message)
    assert not Match(sender="other.test").accepts(message)
    assert not Match(contains="refund").accepts(message)
    assert not Match(exclude=frozenset({"m"})).accepts(message)


@pytest.fixture()
def sink() -> Iterator[SmtpSink]:
    with SmtpSink() as box:
        yield box


def _send(sink: SmtpSink, message: EmailMessage) -> None:
    with smtplib.SMTP(*sink.address, timeout=10) as client:
        client.send_message(message)


def test_the_sink_hands_each_waiter_only_its_own_mail(sink: SmtpSink) -> None:
    _send(sink, _message("cx+one@x.test", "For one"))
    _send(sink, _message("cx+two@x.test", "For two"))
    got = asyncio.run(sink.wait_for(Match(to="cx+two@x.test"), 5))
    assert got.subject == "For two"
    assert [m.subject for m in asyncio.run(sink.messages())] == ["For one", "For two"]


def test_no_message_in_time_says_what_was_awaited_and_what_arrived(sink: SmtpSink) -> None:
    async def late() -> None:
        waiting = asyncio.ensure_future(
            sink.wait_for(Match(to="cx+me@x.test", subject="Shipped"), 1)
        )
        await asyncio.sleep(0.2)
        await asyncio.to_thread(_send, sink, _message("cx+me@x.test", "Your order"))
        await waiting

    with pytest.raises(MailTimeout) as caught:
        asyncio.run(late())
    text = str(caught.value)
    assert "to 'cx+me@x.test', subject containing 'Shipped'" in text
    assert "'Your order'" in text


class _FakeMailpit(BaseHTTPRequestHandler):
    """Mailpit's two read endpoints, answering from a class-level list of messages."""

    messages: ClassVar[list[dict]] = []

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/api/v1/messages"):
            listing = [{"ID": m["ID"], "Created": m["Date"]} for m in reversed(self.messages)]
            body = {"total": len(listing), "messages": listing}
        elif self.path.startswith("/api/v1/message/"):
            ident = self.path.rsplit("/", 1)[1]
            found = [m for m in self.messages if m["ID"] == ident]
            if not found:
                self.send_error(404)
                return
            body = found[0]
        else:
            self.send_error(404)
            return
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture()
def mailpit() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeMailpit)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_mailpit_messages_are_read_from_its_api(mailpit: str) -> None:
    _FakeMailpit.messages = [
        {
            "ID": "aaa",
            "Date": "2026-12-01T10:00:00Z",
            "From": {"Name": "Shop", "Address": "orders@shop.test"},
            "To": [{"Name": "", "Address": "cx+other@x.test"}],
            "Subject": "Not yours",
            "HTML": "<p>x</p>",
            "Text": "",
        },
        {
            "ID": "bbb",
            "Date": "2026-12-01T10:00:05Z",
            "From": {"Name": "Shop", "Address": "orders@shop.test"},
            "To": [{"Name": "", "Address": "CX+Mine@x.test"}],
            "ReplyTo": [{"Name": "", "Address": "help@shop.test"}],
            "Subject": "Your order NW-9",
            "HTML": "<p>Total €9</p>",
            "Text": "Total €9",
            "Size": 1234,
        },
    ]
    box = MailpitMailbox(mailpit)
    got = asyncio.run(box.wait_for(Match(to="cx+mine@x.test"), 5))
    assert got.id == "mailpit-bbb" and got.subject == "Your order NW-9"
    assert got.sender == "Shop <orders@shop.test>" and got.headers["Reply-To"] == "help@shop.test"
    assert got.text == "Total €9" and got.size == 1234
    assert got.received_at == pytest.approx(1796119205.0)


def test_imap_settings_take_the_password_from_a_secret() -> None:
    settings = MailSettings.model_validate(
        {"imap": {"host": "imap.test", "user": "audit", "password": "${secret:IMAP_PW}"}}
    )
    session.configure(settings, environ={"IMAP_PW": "s3cret"})
    try:
        box = session.mailbox()
        assert isinstance(box, ImapMailbox)
        assert box.password == "s3cret" and box.port == 993
        assert "s3cret" not in box.name
    finally:
        session.configure(None)


def test_imap_internal_date_is_the_server_arrival_time() -> None:
    head = b'1 (UID 5 INTERNALDATE "01-Dec-2026 10:00:05 +0000" BODY[] {10}'
    assert internal_date(head) == pytest.approx(1796119205.0)


def test_plus_addresses_differ_per_run_channel_and_journey_and_fit() -> None:
    base = "cx@cxaudit.test"
    a = session.plus_address(base, "20261201-101010-abcdef", "desktop", "Guest buys")
    assert a == "cx+20261201-101010-abcdef-desktop-guest-buys@cxaudit.test"
    others = {
        session.plus_address(base, "20261201-101010-abcdef", "mobile", "Guest buys"),
        session.plus_address(base, "20261201-101010-000000", "desktop", "Guest buys"),
        session.plus_address(base, "20261201-101010-abcdef", "desktop", "Guest returns"),
    }
    assert a not in others and len(others) == 3
    long_a = session.plus_address(base, "r", "desktop", "A very long journey name " * 4 + "one")
    long_b = session.plus_address(base, "r", "desktop", "A very long journey name " * 4 + "two")
    assert long_a != long_b
    assert all(len(x.split("@")[0]) <= 64 for x in (long_a, long_b))


def test_mail_address_is_a_variable_a_journey_may_use() -> None:
    ref = parse_ref("mail.address")
    assert ref.kind == "var" and ref.name == "mail.address"
    with pytest.raises(ValueError):
        parse_ref("mail.nothing")


def test_the_same_journey_again_in_one_run_gets_another_address() -> None:
    first = session.mail_variables("r-again", "desktop", "Guest buys")[session.ADDRESS_VAR]
    again = session.mail_variables("r-again", "desktop", "Guest buys")[session.ADDRESS_VAR]
    assert first == "cx+r-again-desktop-guest-buys@cxaudit.test"
    assert again == "cx+r-again-desktop-guest-buys-2@cxaudit.test"
    assert session.mail_variables("", "desktop", "J") != session.mail_variables("", "desktop", "J")


def test_a_run_in_another_process_reads_the_demo_shops_sink_through_its_mailpit_api() -> None:
    """`cxaudit demo serve` and a `cxaudit run` elsewhere: the shop lists its sink's mail
    under /_mail as Mailpit does, and the Mailpit mailbox reads it, headers and all."""
    from cxaudit.demo import DemoShop
    from cxaudit.mail.catcher import API_PATH

    with SmtpSink() as sink, DemoShop(mailbox=sink) as shop:
        assert shop.smtp == sink.address and shop.mail_url == shop.url + API_PATH
        message = _message("cx+one@x.test", "Your order NW-5", html="<p>Total €5</p>")
        message["List-Unsubscribe"] = "<https://shop.test/unsubscribe>"
        with smtplib.SMTP(*sink.address, timeout=10) as client:
            client.send_message(message, to_addrs=["cx+one@x.test", "cx+hidden@x.test"])
        box = MailpitMailbox(shop.mail_url)
        got = asyncio.run(box.wait_for(Match(to="cx+hidden@x.test"), 5))
        (local,) = sink.snapshot()
        assert got.subject == "Your order NW-5" and got.to == local.to
        assert got.headers["List-Unsubscribe"] == "<https://shop.test/unsubscribe>"
        assert got.html == local.html and got.text == local.text
        assert got.received_at == pytest.approx(local.received_at, abs=0.001)
        with urllib.request.urlopen(f"{shop.mail_url}/api/v1/message/{local.id}/raw") as raw:
            assert b"Subject: Your order NW-5" in raw.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{shop.mail_url}/api/v1/message/nope")
        assert missing.value.code == 404
    with DemoShop() as plain, pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{plain.url}{API_PATH}/api/v1/messages")  # no sink: no API


def test_CXAUDIT_MAILPIT_points_the_journeys_at_a_catcher(tmp_path: Path) -> None:
    from cxaudit.project.config import load_settings

    url = "http://127.0.0.1:8765/_mail"
    settings = load_settings(cwd=tmp_path, environ={"CXAUDIT_MAILPIT": url})
    assert settings.mail.mailpit is not None and settings.mail.mailpit.url == url
