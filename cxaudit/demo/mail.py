"""The demo shop's order confirmation email, with its deliberate flaws (flaws.yaml).

Flawed: the total leaves out shipping (the web confirmation includes it), the
logo has no alt text, the tracking link leads to a page that does not exist,
and there is no plain-text part. ``fixed`` sends it right.
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
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Your order {order.number}</title></head>
<body style="font-family: sans-serif; font-size: 16px; line-height: 1.5; max-width: 600px; margin: 0 auto; padding: 16px">
<p><img src="{base_url}/static/img/trail-runner-2.svg" width="120" height="90"{alt}></p>
<h1>Thank you for your order, {e(order.name)}</h1>
<p>Your order number is <strong data-testid="order-number">{order.number}</strong>.</p>
<table>{lines}</table>
<p>Total paid: <strong data-testid="order-total">{format_eur(total)}</strong></p>
<p>Delivery: <span data-testid="delivery-estimate">{delivery_estimate(fixed)}</span></p>
<p><a href="{base_url}{track}" style="display: inline-block; padding: 12px 20px; min-height: 20px; background: #1d4ed8; color: #ffffff; text-decoration: none">Track your order</a></p>
<p>Questions? Reply to this email or visit <a href="{base_url}/support">our help page</a>.</p>
</body></html>"""
    message = EmailMessage()
    message["From"] = SENDER
    message["Reply-To"] = REPLY_TO
    message["To"] = order.email
    message["Subject"] = f"Your Northwind order {order.number}"
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="northwind.test")
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


def send(smtp: tuple[str, int], message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server at ``smtp``; a shop's mail failing never fails the order."""
    try:
        with smtplib.SMTP(smtp[0], smtp[1], timeout=10) as client:
            client.send_message(message)
    except (OSError, smtplib.SMTPException):
        pass
