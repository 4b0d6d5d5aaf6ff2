"""The demo shop's order emails, with their deliberate flaws (flaws.yaml).

The order confirmation, flawed: the total leaves out shipping (the web
confirmation includes it), the logo has no alt text, the tracking link leads
to a page that does not exist, and there is no plain-text part. The dispatch
notice, flawed: it comes from a no-reply address and offers no other way to
answer, and it is sent :data:`DISPATCH_DELAY_S` after the order. The newsletter,
flawed: marketing mail without a List-Unsubscribe header. ``fixed`` sends them
right.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from html import escape as e

from cxaudit.demo.catalogue import delivery_estimate, format_eur
from cxaudit.demo.store import Order

SENDER = "Northwind Outfitters <orders@northwind.test>"
REPLY_TO = "support@northwind.test"
NO_REPLY_SENDER = "Northwind Outfitters <no-reply@northwind.test>"


def order_confirmation(order: Order, base_url: str, fixed: bool) -> EmailMessage:
    """The confirmation of ``order``; links point at ``base_url`` (the shop as the customer saw it)."""
    total = order.totals.total_cents if fixed else order.totals.subtotal_cents  # MAIL-TOTAL
    alt = ' alt="Northwind Outfitters"' if fixed else ""  # MAIL-IMG-ALT
    track = (
        f"/orders/{order.number}" if fixed else f"/track/{order.number.lower()}"
    )  # MAIL-DEAD-LINK
    lines = "".join(
        f"<tr><td>{e(line.product.name)} × {line.quantity}</td>"
        f"<td>{format_eur(line.total_cents)}</td></tr>"
        for line in order.lines
    )
    html = _page(
        f"Your order {order.number}",
        base_url,
        alt,
        f"""<h1>Thank you for your order, {e(order.name)}</h1>
<p>Your order number is <strong data-testid="order-number">{order.number}</strong>.</p>
<table>{lines}</table>
<p>Total paid: <strong data-testid="order-total">{format_eur(total)}</strong></p>
<p>Delivery: <span data-testid="delivery-estimate">{delivery_estimate(fixed)}</span></p>
{_button(base_url + track, "Track your order")}
<p>Questions? Reply to this email or visit <a href="{base_url}/support">our help page</a>.</p>""",
    )
    message = EmailMessage()
    message["From"] = SENDER
    message["Reply-To"] = REPLY_TO
    _headers(message, order, f"Your Northwind order {order.number}")
    if fixed:
        items = "".join(
            f"{line.product.name} × {line.quantity}   {format_eur(line.total_cents)}\n"
            for line in order.lines
        )
        text = (
            f"Thank you for your order, {order.name}.\n\n"
            f"Order number: {order.number}\n\n{items}\nTotal paid: {format_eur(total)}\n"
            f"Delivery: {delivery_estimate(fixed)}\n\nTrack your order: {base_url}{track}\n"
        )
        message.set_content(text)
        message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")  # MAIL-NO-TEXT: HTML only
    return message


def _page(title: str, base_url: str, alt: str, body: str) -> str:
    """An email's HTML: the shop's logo above ``body``, laid out as mail clients show it."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 600px; margin: 0 auto; padding: 16px">
<p><img src="{base_url}/static/img/trail-runner-2.svg" width="120" height="90"{alt}></p>
{body}
</body></html>"""


def _button(href: str, label: str) -> str:
    return (
        f'<p><a href="{href}" style="display: inline-block; padding: 12px 20px; '
        'min-height: 20px; background: #1d4ed8; color: #ffffff; text-decoration: none">'
        f"{label}</a></p>"
    )


def _headers(message: EmailMessage, order: Order, subject: str) -> None:
    message["To"] = order.email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="northwind.test")


def dispatch_notice(order: Order, base_url: str, fixed: bool) -> EmailMessage:
    """The notice that ``order`` has left the warehouse, with the link to follow the parcel."""
    track = f"{base_url}/orders/{order.number}"
    message = EmailMessage()
    if fixed:
        message["From"] = SENDER
        message["Reply-To"] = REPLY_TO
        contact = f'<p>Something wrong? <a href="{base_url}/support">Contact us</a>.</p>'
        contact_text = f"Something wrong? Reply to this email or write to us: {base_url}/support\n"
    else:
        message["From"] = NO_REPLY_SENDER  # MAIL-NO-REPLY: a reply reaches no one
        contact = "<p>This mailbox is not monitored.</p>"
        contact_text = "This mailbox is not monitored.\n"
    _headers(message, order, f"Your Northwind parcel is on its way (order {order.number})")
    message.set_content(
        f"Good news, {order.name}: order {order.number} has left our warehouse.\n\n"
        f"Delivery: {delivery_estimate(fixed)}\n\nTrack your parcel: {track}\n\n{contact_text}"
    )
    html = _page(
        f"Order {order.number} is on its way",
        base_url,
        ' alt="Northwind Outfitters"',
        f"""<h1>Your parcel is on its way</h1>
<p>Good news, {e(order.name)}: order <strong data-testid="order-number">{order.number}</strong>
has left our warehouse.</p>
<p>Delivery: <span data-testid="delivery-estimate">{delivery_estimate(fixed)}</span></p>
{_button(track, "Track your parcel")}
{contact}""",
    )
    message.add_alternative(html, subtype="html")
    return message


#: How long after the order the flawed shop's warehouse sends the dispatch notice
#: (MAIL-DISPATCH-LATE: the order-email journey gives it 2.5 s); the fixed shop sends it at once.
DISPATCH_DELAY_S = 4.0


def newsletter(order: Order, base_url: str, fixed: bool) -> EmailMessage:
    """The newsletter a customer who ordered is signed up to: marketing mail, which needs a
    way out (MAIL-NO-UNSUBSCRIBE: the flawed shop's has no List-Unsubscribe header)."""
    message = EmailMessage()
    message["From"] = SENDER
    message["Reply-To"] = REPLY_TO
    _headers(message, order, "New arrivals at Northwind: 10% off trail shoes this week")
    message["Precedence"] = "bulk"
    message["List-Id"] = "Northwind news <news.northwind.test>"
    if fixed:
        message["List-Unsubscribe"] = (
            "<mailto:unsubscribe@northwind.test?subject=unsubscribe>, "
            "<https://northwind.test/unsubscribe>"
        )
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(
        f"Hello {order.name},\n\nTrail Runner 3 has arrived, and every trail shoe is 10% off "
        f"this week.\n\nSee the new arrivals: {base_url}/\n"
    )
    html = _page(
        "New arrivals at Northwind",
        base_url,
        ' alt="Northwind Outfitters"',
        f"""<h1>New arrivals</h1>
<p>Hello {e(order.name)}, Trail Runner 3 has arrived, and every trail shoe is 10% off this week.</p>
{_button(base_url + "/", "See the new arrivals")}""",
    )
    message.add_alternative(html, subtype="html")
    return message


def send(smtp: tuple[str, int], message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server at ``smtp``; a shop's mail failing never fails the order."""
    try:
        with smtplib.SMTP(smtp[0], smtp[1], timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException):
        pass
