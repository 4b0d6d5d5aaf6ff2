"""Hostile MIME read through the real reader, from recorded messages (no browser).

tests/data/emails/hostile/ holds broken and malicious messages of our own: bad
transfer encodings, unknown and wrong charsets, undecodable header bytes,
headers with terminal escapes, line breaks and bidi overrides, 120 nested
multiparts, a multipart without its boundary, an unclosed one, a 20 000-byte
subject, 2 000 recipients, HTML with scripts, event handlers, a meta refresh
and remote trackers, and a message that mails back the password a journey
typed. Whatever a sender writes, reading it never raises, what is kept is
capped and holds no control characters, the report shows it escaped and a
journey's secret never reaches the results.
"""

from __future__ import annotations

import re
from email.message import EmailMessage
from pathlib import Path

import pytest

from cxaudit.mail.action import email_parts, email_record, shown_html
from cxaudit.mail.message import (
    MAX_HEADER_CHARS,
    MAX_PART_CHARS,
    MAX_RECIPIENTS,
    Message,
    parse_message,
)
from cxaudit.mail.remote import remote_content
from cxaudit.redact import Redactor, redact_model
from cxaudit.report import ReportOptions, render_html
from cxaudit.report.view import Assets
from cxaudit.results import EMAIL_TEXT_CHARS, EmailLink, StepResult
from tests.data.demo_results import DEMO, recorded
from tests.unit.test_report import parse

HOSTILE = Path(__file__).resolve().parents[1] / "data" / "emails" / "hostile"
CORPUS = sorted(HOSTILE.glob("*.eml"))
SECRET = "Hunter2-xyz!"
#: What no kept header may hold: controls, line breaks, bidi embeddings and overrides.
HEADER_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
TEXT_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def read(name: str) -> Message:
    return parse_message((HOSTILE / name).read_bytes(), id="smtp-1", received_at=0.0)


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 15, CORPUS


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_a_hostile_message_is_read_capped_and_clean(path: Path) -> None:
    message = parse_message(path.read_bytes(), id="smtp-1", received_at=0.0, envelope_to=["a@x"])
    record = email_record(message)
    record.model_dump_json()  # UTF-8 can hold all of it
    for value in (message.subject, message.sender, *message.to, *message.headers.values()):
        assert not HEADER_CONTROL.search(value), value
        assert len(value) <= MAX_HEADER_CHARS
    for part in (message.text or "", message.html or ""):
        assert not TEXT_CONTROL.search(part)
        assert len(part) <= MAX_PART_CHARS
    assert len(message.to) <= MAX_RECIPIENTS + 1 and "a@x" in message.to
    assert len(record.text) <= EMAIL_TEXT_CHARS
    assert sum(len(line) for line in record.html_lines) <= EMAIL_TEXT_CHARS
    email_parts(message.html or "")  # the link and image reader takes it too


def test_header_control_characters_cannot_rewrite_a_log_or_fake_a_header() -> None:
    message = read("header-control-characters.eml")
    assert message.subject.startswith("Your order")
    assert "\x1b" not in message.subject and "\u202e" not in message.subject
    assert "\n" not in message.subject  # the "Bcc:" after the line break stays subject text
    assert "Bcc" not in message.headers and "X-Evil" not in message.headers
    assert "\x1b" not in (message.text or "") and "\x00" not in (message.text or "")


def test_undecodable_bytes_and_unknown_charsets_still_give_text() -> None:
    assert "NW-3" in read("undecodable-header-bytes.eml").subject
    assert "12.00" in (read("unknown-charset.eml").text or "")
    assert "cr" in (read("wrong-charset.eml").html or "")
    assert "€10.00" in (read("bad-quoted-printable.eml").text or "")
    assert "Order NW-1" in (read("bad-base64.eml").html or "")


def test_deep_nesting_is_not_taken_apart() -> None:
    message = read("nested-multipart.eml")
    assert any("multipart containers" in d for d in message.defects)
    assert message.subject == "Deep NW-4" and "NW-4" in (message.text or "")


def test_broken_multiparts_are_read_as_far_as_they_go() -> None:
    unclosed = read("multipart-unclosed.eml")
    assert unclosed.text == "plain text" and "never closed" in (unclosed.html or "")
    assert "CloseBoundaryNotFoundDefect" in unclosed.defects
    no_boundary = read("multipart-without-boundary.eml")
    assert "hello" in (no_boundary.text or "") and no_boundary.defects
    assert read("empty.eml").subject == ""
    assert read("headers-only-garbage.eml").defects


def test_long_headers_are_cut_before_they_are_parsed() -> None:
    subject = read("long-header.eml")
    assert len(subject.subject) == MAX_HEADER_CHARS
    assert any("Subject" in d for d in subject.defects)
    many = read("many-recipients.eml")
    assert "r0@x.test" in many.to and any("To" in d for d in many.defects)
    # Past the cap, the address it was delivered to is still one of its recipients.
    listed = ", ".join(f"{i}@x.t" for i in range(400)).encode()  # 222 fit in 2 000 chars
    crowded = parse_message(
        b"From: a@shop.test\r\nTo: " + listed + b"\r\nSubject: x\r\n\r\nhi\r\n",
        id="c",
        received_at=0.0,
        envelope_to=["cx+me@cxaudit.test"],
    )
    assert len(crowded.to) == MAX_RECIPIENTS and "cx+me@cxaudit.test" in crowded.to


def test_a_huge_part_is_cut() -> None:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@shop.test", "b@x.test", "Huge"
    message.set_content("<p>" + "y" * (MAX_PART_CHARS + 5000) + "</p>", subtype="html")
    huge = parse_message(message.as_bytes(), id="h", received_at=0.0)
    assert huge.html is not None and len(huge.html) == MAX_PART_CHARS
    assert len(email_record(huge).html_lines[0]) <= EMAIL_TEXT_CHARS


def test_scripts_and_trackers_are_kept_as_text_and_never_run_in_the_report() -> None:
    message = read("script-and-trackers.eml")
    links, images = email_parts(message.html or "")
    assert ("javascript:alert(3)", "Click me") in links
    assert any(i.src.startswith("https://tracker.test/open.gif") for i in images)
    # The page the journey shows drops what a mail client drops: the refresh and the base.
    shown = shown_html(message)
    assert 'http-equiv="refresh"' not in shown and "<base" not in shown
    record = email_record(
        message,
        mailbox="SMTP sink on 127.0.0.1:2525",
        links=[EmailLink(href=h, text=t) for h, t in links],
        images=images,
        remote=remote_content(message.html or ""),
        remote_count=len(remote_content(message.html or "")),
    )
    result = recorded()
    run = result.runs[0]
    steps = list(run.steps)
    shown_url = "http://127.0.0.1:8765/__cxaudit/email/smtp-1"
    snapshot = steps[-1].snapshot.model_copy(update={"url": shown_url})  # type: ignore[union-attr]
    steps[-1] = steps[-1].model_copy(
        update={"action": "wait_for_email", "email": record, "snapshot": snapshot}
    )
    result = result.model_copy(
        update={"runs": [run.model_copy(update={"steps": steps}), *result.runs[1:]]}
    )
    page = render_html(result, ReportOptions(), Assets(DEMO))[f"{run.channel}.html"]
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in page
    assert "7 remote item(s) blocked, 1 tracking pixel(s)" in page
    for tag, attrs in parse(page).tags:
        assert tag not in ("script", "iframe", "object", "base", "form")
        assert not any(name.startswith("on") for name in attrs), attrs
        assert "javascript:" not in (attrs.get("href") or "")


def test_a_secret_mailed_back_is_masked_in_every_form() -> None:
    """The site mails back the password the journey typed: in an encoded subject, a base64
    text part, a quoted-printable HTML part and a URL-encoded link."""
    message = read("secret-echoed.eml")
    assert SECRET in message.subject and SECRET in (message.text or "")
    links, images = email_parts(message.html or "")
    record = email_record(
        message, links=[EmailLink(href=h, text=t) for h, t in links], images=images
    )
    step = StepResult(index=0, stage="s", action="wait_for_email", name="n", status="passed")
    masked = redact_model(step.model_copy(update={"email": record}), Redactor([SECRET]))
    dumped = masked.model_dump_json()
    assert SECRET not in dumped and "Hunter2-xyz%21" not in dumped
    assert masked.email is not None and masked.email.subject.startswith("Welcome")


def test_remote_content_is_listed_and_trackers_marked() -> None:
    remote = remote_content(read("script-and-trackers.eml").html or "")
    by_url = {r.url: r for r in remote}
    assert by_url["https://tracker.test/open.gif?u=cx"].tracker
    assert not by_url["https://cdn.shop.test/logo.png"].tracker
    assert by_url["https://tracker.test/s.css"].kind == "stylesheet"
    assert by_url["https://tracker.test/bg.png"].kind == "background"
    assert by_url["https://evil.test/frame"].kind == "other"
    assert "https://evil.test/x.swf" in by_url
    assert [r.tracker for r in remote].count(True) == 1
    hidden = remote_content(
        '<img src="//t.test/p" style="display:none"><img src="data:image/png;base64,AA">'
        '<img src="cid:logo"><img src="https://shop.test/a.png" width="100" height="1">'
        '<style>@import "https://t.test/x.css"; @font-face {src: url(https://t.test/f.woff2)}</style>'
    )
    assert [(r.url, r.kind, r.tracker) for r in hidden] == [
        ("//t.test/p", "image", True),
        ("https://shop.test/a.png", "image", False),
        ("https://t.test/x.css", "stylesheet", False),
        ("https://t.test/f.woff2", "font", False),
    ]
