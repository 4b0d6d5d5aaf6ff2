"""The checks on a received message's sender, headers and parts, from recorded messages.

Each message in tests/data/emails is parsed and recorded as a ``wait_for_email``
step records it (no browser, no mailbox); the journey ran on www.northwind.com.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from cxaudit.checks.email import mail_kind, site_domain, substance
from cxaudit.mail.action import email_parts, email_record
from cxaudit.mail.message import parse_message
from cxaudit.results import Capture, EmailLink, EmailRecord, EmailRendering, JourneyRun
from tests.unit.checks.builders import evaluate, page, run, statuses, step

EMAILS = Path(__file__).resolve().parents[2] / "data" / "emails"
REPLY = "CX-TRUST-051"
DOMAIN = "CX-TRUST-052"
UNSUBSCRIBE = "CX-TRUST-053"
TEXT_MATCHES = "CX-MSG-050"
FITS = "CX-USE-050"
SHOP = "www.northwind.com"


def record(name: str, own_hosts: tuple[str, ...] = (SHOP,)) -> EmailRecord:
    raw = (EMAILS / f"{name}.eml").read_bytes().replace(b"\n", b"\r\n")
    message = parse_message(raw, id="smtp-1", received_at=time.time())
    links, images = email_parts(message.html or "")
    return email_record(
        message,
        mailbox="recorded",
        links=[EmailLink(href=href, text=text, status=200) for href, text in links],
        images=images,
        own_hosts=list(own_hosts),
    )


def subject(email: EmailRecord, captures: tuple[Capture, ...] = ()) -> tuple[JourneyRun, int]:
    shown = page("/__cxaudit/email/smtp-1", origin=f"https://{SHOP}")
    waited = step(1, shown, action="wait_for_email", stage="post-purchase").model_copy(
        update={"email": email}
    )
    read = step(2, shown, action="capture", stage="post-purchase").model_copy(
        update={"captures": list(captures)}
    )
    return run([step(0), waited, read]), 1


def one(code: str, name: str, **options: object) -> tuple[list[str], str]:
    results = evaluate(code, subject(record(name)), **options)
    return statuses(results), " ".join(r.message for r in results)


def test_the_recorded_messages_are_read_whole() -> None:
    email = record("order-confirmation")
    assert email.has_text and email.has_html
    assert "Total paid: €132.00" in email.text
    assert "Trail Runner 2 × 1 €89.00" in email.html_lines
    assert email.headers["Reply-To"] == "support@northwind.com"
    assert record("newsletter").headers["List-Id"].startswith("Northwind news")


def test_a_reply_that_reaches_someone() -> None:
    # From orders@, Reply-To support@: a real address either way.
    assert one(REPLY, "order-confirmation") == (["pass"], "a reply goes to support@northwind.com")
    # noreply@, but the newsletter links to its contact page.
    got, message = one(REPLY, "newsletter")
    assert got == ["pass"] and "Contact us" in message


def test_a_no_reply_sender_with_no_other_way_to_answer_fails() -> None:
    got, message = one(REPLY, "order-confirmation-no-reply")
    assert got == ["fail"]
    assert "no-reply@mta.sendfast-mailer.net" in message and "no contact" in message
    # A Reply-To that is read makes a no-reply From answerable.
    email = record("order-confirmation-no-reply")
    email = email.model_copy(
        update={"headers": {**email.headers, "Reply-To": "Help <help@northwind.com>"}}
    )
    assert statuses(evaluate(REPLY, subject(email))) == ["pass"]
    # ... and one that is not read does not.
    email = email.model_copy(
        update={"headers": {**email.headers, "Reply-To": "donotreply@northwind.com"}}
    )
    assert statuses(evaluate(REPLY, subject(email))) == ["fail"]


def test_the_sender_domain_is_the_shops() -> None:
    assert one(DOMAIN, "order-confirmation")[0] == ["pass"]
    # A subdomain of the shop's own domain is the shop's.
    assert one(DOMAIN, "newsletter")[0] == ["pass"]
    got, message = one(DOMAIN, "order-confirmation-no-reply")
    assert got == ["fail"]
    assert "From no-reply@mta.sendfast-mailer.net" in message and "northwind.com" in message
    # A mailing service the brand names as its own is allowed.
    assert one(
        DOMAIN, "order-confirmation-no-reply", domains=["northwind.com", "sendfast-mailer.net"]
    )[0] == ["pass"]


def test_a_foreign_reply_to_fails_and_a_shop_on_an_address_is_not_compared() -> None:
    email = record("order-confirmation")
    email = email.model_copy(
        update={"headers": {**email.headers, "Reply-To": "northwind.help@gmail.com"}}
    )
    results = evaluate(DOMAIN, subject(email))
    assert statuses(results) == ["fail"] and results[0].identity == "reply-to:gmail.com"
    local = record("order-confirmation", own_hosts=("127.0.0.1",))
    (result,) = evaluate(DOMAIN, subject(local))
    assert result.status == "not_applicable" and "127.0.0.1" in result.message


@pytest.mark.parametrize(
    ("host", "domain"),
    [
        ("www.northwind.com", "northwind.com"),
        ("mail.shop.co.uk", "shop.co.uk"),
        ("shop.example.com.au", "example.com.au"),
        ("northwind.de", "northwind.de"),
    ],
)
def test_site_domain(host: str, domain: str) -> None:
    assert site_domain(host) == domain


def test_marketing_or_transactional_is_decided_from_the_message() -> None:
    assert mail_kind(record("order-confirmation")) == (
        "transactional",
        "“Your Northwind order” in the subject",
    )
    assert mail_kind(record("order-confirmation-no-reply"))[0] == "transactional"
    assert mail_kind(record("newsletter")) == ("marketing", "Precedence: bulk")
    assert mail_kind(record("newsletter-no-unsubscribe")) == (
        "marketing",
        "“30% off” in the message",
    )


def test_list_unsubscribe_on_marketing_mail_only() -> None:
    got, message = one(UNSUBSCRIBE, "newsletter")
    assert got == ["pass"] and "https://www.northwind.com/unsubscribe/r1-9f2c" in message
    got, message = one(UNSUBSCRIBE, "newsletter-no-unsubscribe")
    assert got == ["fail"] and "is marketing (“30% off” in the message)" in message
    # An order confirmation needs none.
    got, message = one(UNSUBSCRIBE, "order-confirmation")
    assert got == ["not_applicable"] and "transactional" in message
    # A header without a usable address is no way out.
    email = record("newsletter")
    email = email.model_copy(
        update={"headers": {**email.headers, "List-Unsubscribe": "<http://u.test/x>"}}
    )
    results = evaluate(UNSUBSCRIBE, subject(email))
    assert statuses(results) == ["fail"] and results[0].identity == "unusable-unsubscribe"


def test_the_html_parts_substance() -> None:
    """Order number, every amount, and the name of each item line (not the summary lines)."""
    assert substance(record("order-confirmation")) == [
        ("order number", "NW-100234"),
        ("amount", "89.00"),
        ("item", "Trail Runner 2"),
        ("amount", "38.00"),
        ("item", "Merino Cap"),
        ("amount", "127.00"),
        ("amount", "5.00"),
        ("amount", "132.00"),
    ]


def test_the_text_part_says_what_the_html_says() -> None:
    assert one(TEXT_MATCHES, "order-confirmation")[0] == ["pass"]
    got, message = one(TEXT_MATCHES, "order-confirmation-no-reply")
    assert got == ["fail"]
    # The text gives €89.00 as the total: the real total, the shipping and the item are missing.
    assert "amount 94.00" in message and "amount 5.00" in message
    assert "item Trail Runner 2" in message and "100235" not in message.split("leaves out")[1]
    results = evaluate(TEXT_MATCHES, subject(record("order-confirmation-no-reply")))
    assert results[0].identity == "amount,item"


def test_values_captured_from_the_email_are_compared_too() -> None:
    email = record("order-confirmation")
    delivery = Capture(name="email_delivery", text="Arrives Thursday 3 December")
    results = evaluate(TEXT_MATCHES, subject(email, (delivery,)))
    assert statuses(results) == ["fail"]
    assert "captured email_delivery Arrives Thursday 3 December" in results[0].message
    said = email.model_copy(update={"text": email.text + "\nArrives Thursday 3 December\n"})
    assert statuses(evaluate(TEXT_MATCHES, subject(said, (delivery,)))) == ["pass"]


def test_values_captured_from_the_next_message_are_not_this_ones() -> None:
    """A wait right after another (the demo's newsletter, then its dispatch notice): what is
    captured from the second message was charged to the first's text part."""
    shown = page("/__cxaudit/email/smtp-1", origin=f"https://{SHOP}")
    first = step(1, shown, action="wait_for_email", stage="post-purchase").model_copy(
        update={"email": record("newsletter")}
    )
    second = step(2, shown, action="wait_for_email", stage="post-purchase").model_copy(
        update={"email": record("order-confirmation")}
    )
    read = step(3, shown, action="capture", stage="post-purchase").model_copy(
        update={"captures": [Capture(name="dispatch_order", text="NW-100234")]}
    )
    journey = run([step(0), first, second, read])
    results = evaluate(TEXT_MATCHES, (journey, 1))
    assert "dispatch_order" not in " ".join(r.message for r in results)
    assert statuses(evaluate(TEXT_MATCHES, (journey, 2))) == ["pass"]


def test_no_text_part_is_left_to_the_plain_text_check() -> None:
    got, message = one(TEXT_MATCHES, "newsletter-no-unsubscribe")
    assert got == ["not_applicable"] and "no text part" in message
    assert one("CX-A11Y-050", "newsletter-no-unsubscribe")[0] == ["fail"]


def test_no_email_on_the_step_no_result() -> None:
    journey = run([step(0)])
    for code in (REPLY, DOMAIN, UNSUBSCRIBE, TEXT_MATCHES):
        assert evaluate(code, (journey, 0)) == []


@pytest.mark.parametrize("fixed", [True, False], ids=["fixed", "flawed"])
def test_the_demo_shops_confirmation_passes_the_sender_and_text_checks(fixed: bool) -> None:
    """None of these is a flaw of the demo: `--fixed` must stay at 0 findings."""
    from cxaudit.demo.mail import order_confirmation
    from cxaudit.demo.store import ShopState

    shop = ShopState(fixed)
    shop.add("s", "trail-runner-2", 1)
    shop.add("s", "rain-shell", 2)
    order = shop.place_order("s", "cx+r-desktop-j@cxaudit.test", "Robin Mail")
    assert order is not None and len(order.lines) == 2
    raw = order_confirmation(order, "http://127.0.0.1:8765", fixed).as_bytes()
    message = parse_message(raw, id="smtp-1", received_at=time.time())
    links, images = email_parts(message.html or "")
    email = email_record(
        message,
        links=[EmailLink(href=h, text=t, status=200) for h, t in links],
        images=images,
        own_hosts=["127.0.0.1"],
    )
    expected = {
        REPLY: ["pass"],
        DOMAIN: ["not_applicable"],  # the demo runs on 127.0.0.1
        UNSUBSCRIBE: ["not_applicable"],  # an order confirmation
        TEXT_MATCHES: ["pass"] if fixed else ["not_applicable"],  # flawed: no text part
    }
    for code, wanted in expected.items():
        assert statuses(evaluate(code, subject(email))) == wanted, code


def _drawn(phone_width: int, small_share: float = 0.0, desktop_width: int = 1280) -> EmailRecord:
    """The recorded confirmation as the renderer measured it at the two widths."""
    return record("order-confirmation").model_copy(
        update={
            "renderings": [
                EmailRendering(
                    name="phone",
                    width=375,
                    scroll_width=phone_width,
                    smallest_px=9,
                    small_text_share=small_share,
                ),
                EmailRendering(name="desktop", width=1280, scroll_width=desktop_width),
            ]
        }
    )


def test_an_email_that_fits_both_screens_passes_and_a_wide_one_fails() -> None:
    fits = evaluate(FITS, subject(_drawn(375)))
    assert statuses(fits) == ["pass"] and "phone 375 px, desktop 1280 px" in fits[0].message
    wide = evaluate(FITS, subject(_drawn(900)))
    assert statuses(wide) == ["fail"]
    assert "900 px wide at the phone width of 375 px" in wide[0].message
    both = evaluate(FITS, subject(_drawn(900, desktop_width=1400)))
    assert statuses(both) == ["fail", "fail"]


def test_small_text_on_a_phone_fails_past_the_share_allowed() -> None:
    small = evaluate(FITS, subject(_drawn(375, small_share=0.55)))
    assert statuses(small) == ["fail"] and "55% of the text" in small[0].message
    assert "smallest 9 px" in small[0].message
    allowed = evaluate(FITS, subject(_drawn(375, small_share=0.55)), max_small_share=0.6)
    assert statuses(allowed) == ["pass"]
    not_drawn = evaluate(FITS, subject(record("order-confirmation")))
    assert statuses(not_drawn) == ["not_applicable"]
