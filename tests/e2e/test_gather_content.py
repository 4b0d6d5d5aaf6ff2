"""The content gatherer in real Chromium: headings, calls to action, prices in context, links, forms."""

from __future__ import annotations

import pytest

from cxaudit.results import PageContent
from tests.e2e.page_server import run_on_pages

CHECKOUT = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>Checkout</title></head><body>
<header><nav><a href="/help">Help centre</a> <button type="button">Menu</button></nav></header>
<main>
<h1>Checkout</h1>
<h2 style="display:none">Hidden heading</h2>
<table><tr><th scope="row">Trail Runner 2</th><td>€89.00</td><td>€178.00</td></tr></table>
<ul class="lines"><li>Rain Shell × 1 <span>€99.00</span></li></ul>
<dl>
  <dt>Subtotal</dt><dd>€277.00</dd>
  <dt>Shipping</dt><dd>€4.95</dd>
  <dt>Total</dt><dd data-testid="total">€281.95</dd>
</dl>
<p><s>€120.00</s> now less</p>
<p>Price: 1.234,50 EUR</p>
<p style="display:none">Secret price €1.00</p>
<form action="/pay" method="post">
  <label>Email <input type="email" name="email"></label>
  <label>Card number <input name="card" autocomplete="cc-number"></label>
  <button type="submit">Pay now</button>
</form>
<form role="search" action="/search"><input type="search" name="q" aria-label="Search"></form>
<a class="button" href="/cart">Back to cart</a>
</main>
<footer>
  <a href="/returns">Returns &amp; refunds</a>
  <a href="/privacy-policy">Privacy</a>
  <a href="mailto:help@shop.test">Email us</a>
  <a href="/about">About</a>
</footer>
</body></html>"""

JOURNEY = """
journey: Read the checkout
stages:
  purchase:
    - goto: /checkout
"""


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> PageContent:
    raw = run_on_pages(
        {"/checkout": ("text/html", CHECKOUT)}, JOURNEY, tmp_path_factory.mktemp("c")
    )
    snapshot = raw.runs[0].steps[0].snapshot
    assert snapshot is not None and snapshot.content is not None, snapshot and snapshot.errors
    return snapshot.content


def test_visible_headings_and_the_main_content_calls_to_action(content: PageContent) -> None:
    assert content.lang == "en-GB"
    assert [(h.level, h.text) for h in content.headings] == [(1, "Checkout")]
    assert content.ctas == ["Pay now", "Back to cart"]  # not the header's "Menu"
    assert "Checkout" in content.main_text and "Help centre" not in content.main_text


def test_prices_come_with_what_they_are_the_price_of(content: PageContent) -> None:
    seen = [(p.label, p.value, p.row, p.struck) for p in content.prices]
    assert seen == [
        ("Trail Runner 2", 89.0, 0, False),
        ("Trail Runner 2", 178.0, 0, False),
        ("Rain Shell × 1", 99.0, 1, False),
        ("Subtotal", 277.0, None, False),
        ("Shipping", 4.95, None, False),
        ("Total", 281.95, None, False),
        ("now less", 120.0, None, True),
        ("Price:", 1234.5, None, False),
    ]
    assert next(p for p in content.prices if p.label == "Total").testid == "total"


def test_help_and_policy_links_are_classified(content: PageContent) -> None:
    kinds = {(link.kind, link.text) for link in content.links}
    assert kinds == {
        ("support", "Help centre"),
        ("returns", "Returns & refunds"),
        ("refund", "Returns & refunds"),
        ("privacy", "Privacy"),
        ("contact", "Email us"),
        ("support", "Email us"),  # mailto:help@...
    }


def test_forms_say_what_they_ask_for(content: PageContent) -> None:
    payment, search = content.forms
    assert (payment.method, payment.fields, payment.personal, payment.payment) == (
        "post",
        2,
        True,
        True,
    )
    assert payment.action == "/pay" and not payment.search
    assert search.search and not search.personal and not search.payment
    assert content.insecure == []  # an http page cannot have mixed content
