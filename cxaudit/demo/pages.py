"""HTML of every demo shop page, as small functions of plain data.

Each deliberate flaw is one `view.fixed` branch here (or in catalogue.py),
named after its id in flaws.yaml, so a reader can see exactly what the fixed
shop does instead. Every dynamic value goes through `e()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from cxaudit.demo.catalogue import (
    CATEGORIES,
    DELIVERY_PROMISE,
    FREE_DELIVERY_BANNER,
    PRODUCTS,
    SHOP_NAME,
    Product,
    delivery_estimate,
    format_eur,
)
from cxaudit.demo.forms import Errors, Form
from cxaudit.demo.store import CartLine, Order, Totals

NAV = (
    ("/", "Home"),
    ("/category/shoes", "Shoes"),
    ("/category/jackets", "Jackets"),
    ("/support", "Support"),
    ("/orders", "Order status"),
)
LOGO = (
    '<svg aria-hidden="true" focusable="false" viewBox="0 0 32 32" width="32" height="32">'
    '<path d="M2 28 13 8l6 11 4-6 7 15z" fill="currentColor"/></svg>'
)


def e(value: object) -> str:
    """Escape for text and double-quoted attributes."""
    return escape(str(value), quote=True)


@dataclass(frozen=True)
class View:
    """What every page needs besides its own data: the mode and the header's state."""

    fixed: bool
    cart_count: int = 0
    query: str = ""


def layout(view: View, title: str, body: str, current: str = "") -> str:
    """The page shell: skip link, header with nav and search, main, footer."""
    current_attr = ' aria-current="page"'
    nav = "".join(
        f'<li><a href="{href}"{current_attr if href == current else ""}>{label}</a></li>'
        for href, label in NAV
    )
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} | {SHOP_NAME}</title>
<link rel="stylesheet" href="/static/shop.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
<div class="wrap header-row">
<a class="logo" href="/">{LOGO}<span>{SHOP_NAME}</span></a>
<form class="search" role="search" action="/search" method="get">
<label for="search-q">Search</label>
<input id="search-q" type="search" name="q" value="{e(view.query)}">
<button type="submit">Search</button>
</form>
<a class="cart-link" href="/cart">Cart ({view.cart_count})</a>
</div>
<nav class="wrap main-nav" aria-label="Main"><ul>{nav}</ul></nav>
</header>
<main id="main" tabindex="-1" class="wrap">
{body}
</main>
<footer class="site-footer">
<div class="wrap">
<nav aria-label="Footer"><ul>
<li><a href="/support#returns">Returns</a></li>
<li><a href="/privacy">Privacy</a></li>
<li><a href="/support#contact">Contact us</a></li>
</ul></nav>
<p>© {SHOP_NAME}, Harbour Street 12, 1011 AB Amsterdam</p>
</div>
</footer>
</body>
</html>
"""


def _cards(products: list[Product] | tuple[Product, ...], heading: str = "h2") -> str:
    """Product cards whose only link is named exactly after the product."""
    items = "".join(
        f'<li class="card"><img src="/static/img/{p.slug}.svg" alt="" width="320" height="240">'
        f'<{heading} class="card-title"><a href="/product/{p.slug}">{e(p.name)}</a></{heading}>'
        f'<p class="card-meta">{CATEGORIES[p.category]}</p>'
        f'<p class="price">{format_eur(p.price_cents)}</p></li>'
        for p in products
    )
    return f'<ul class="cards">{items}</ul>'


def home(view: View) -> str:
    """Landing page with the free-delivery banner and featured products."""
    body = f"""<p class="promo" data-testid="promo-banner">{FREE_DELIVERY_BANNER}</p>
<section class="hero" aria-labelledby="hero-title">
<h1 id="hero-title">Gear for every trail</h1>
<p>Shoes and jackets tested on real mountains, chosen by people who hike.</p>
<p class="promise" data-testid="delivery-promise">{DELIVERY_PROMISE}</p>
</section>
<section aria-labelledby="featured-title">
<h2 id="featured-title">Featured gear</h2>
{_cards(PRODUCTS, "h3")}
</section>"""
    return layout(view, "Outdoor shoes and jackets", body, "/")


def search_results(view: View, query: str, products: list[Product]) -> str:
    """Results for a search, or a message that helps the customer carry on."""
    if products:
        count = f"{len(products)} product{'s' if len(products) != 1 else ''} found."
        content = f'<p role="status">{count}</p>{_cards(products)}'
    else:
        what = f" “{e(query)}”" if query.strip() else " an empty search"
        content = (
            f'<p class="notice" role="status">No products match{what}. '
            "Try a product name such as “jacket” or “runner”, or browse a category.</p>"
            '<p class="actions"><a class="button" href="/category/shoes">Browse shoe styles</a> '
            '<a class="button" href="/category/jackets">Browse jacket styles</a></p>'
        )
    title = f"Search results for “{query}”" if query.strip() else "Search"
    return layout(view, title, f"<h1>{e(title)}</h1>{content}")


def category(view: View, slug: str, products: list[Product]) -> str:
    """A category listing."""
    name = CATEGORIES[slug]
    body = f"<h1>{name}</h1><p>{len(products)} styles, chosen and tested by our team.</p>"
    return layout(view, name, body + _cards(products), f"/category/{slug}")


def product_page(view: View, product: Product, quantity: str = "1", error: str = "") -> str:
    """Product details and the add-to-cart form."""
    # A11Y-IMG-ALT: the flawed shop forgets the alt text of Trail Runner 2's photo.
    alt = (
        ""
        if not view.fixed and product.slug == "trail-runner-2"
        else f' alt="{e(product.image_alt)}"'
    )
    # A11Y-CONTRAST: the flawed shop prints the delivery promise in light grey.
    promise_class = "promise" if view.fixed else "promise promise-faint"
    error_html = f'<p class="field-error" id="quantity-error">{e(error)}</p>' if error else ""
    invalid = ' aria-invalid="true" aria-describedby="quantity-error"' if error else ""
    body = f"""<div class="product">
<img class="product-image" src="/static/img/{product.slug}.svg"{alt} width="480" height="360">
<div class="product-info">
<p class="card-meta">{CATEGORIES[product.category]}</p>
<h1 data-testid="product-name">{e(product.name)}</h1>
<p class="price price-large" data-testid="price">{format_eur(product.price_cents)}</p>
<p class="stock" data-testid="stock">{e(product.stock)}</p>
<p class="{promise_class}" data-testid="delivery-promise">{DELIVERY_PROMISE}</p>
<p>{e(product.blurb)}</p>
<form class="add-form" method="post" action="/cart/add">
<input type="hidden" name="slug" value="{product.slug}">
<div class="field"><label for="quantity">Quantity</label>{error_html}
<input id="quantity" name="quantity" type="number" min="1" max="10" inputmode="numeric" value="{e(quantity)}"{invalid}></div>
<button type="submit">Add to cart</button>
</form>
</div>
</div>"""
    return layout(view, product.name, body)


def _totals(totals: Totals, total_testid: str) -> str:
    return f"""<dl class="totals">
<div><dt>Subtotal</dt><dd data-testid="subtotal">{format_eur(totals.subtotal_cents)}</dd></div>
<div><dt>Shipping</dt><dd data-testid="shipping">{format_eur(totals.shipping_cents)}</dd></div>
<div class="grand"><dt>Total</dt><dd data-testid="{total_testid}">{format_eur(totals.total_cents)}</dd></div>
</dl>"""


def _cart_row(view: View, line: CartLine) -> str:
    p = line.product
    # USE-TAP-TARGET: on narrow screens the flawed shop shrinks Remove to a 14 px icon.
    remove_class = "remove" if view.fixed else "remove remove-icon"
    return f"""<tr>
<th scope="row"><a href="/product/{p.slug}">{e(p.name)}</a></th>
<td class="line-price" data-testid="line-price">{format_eur(line.unit_cents)}</td>
<td><form class="qty-form" method="post" action="/cart/update">
<input type="hidden" name="slug" value="{p.slug}">
<label class="visually-hidden" for="qty-{p.slug}">Quantity for {e(p.name)}</label>
<input id="qty-{p.slug}" name="quantity" type="number" min="0" max="10" inputmode="numeric" value="{line.quantity}">
<button type="submit" class="button-quiet">Update</button></form></td>
<td class="line-total">{format_eur(line.total_cents)}</td>
<td><form method="post" action="/cart/remove"><input type="hidden" name="slug" value="{p.slug}">
<button type="submit" class="button-quiet {remove_class}"><span class="remove-text">Remove</span></button></form></td>
</tr>"""


def cart_page(view: View, lines: list[CartLine], totals: Totals, error: str = "") -> str:
    """The cart: lines with quantity controls, totals and the way to checkout."""
    if not lines:
        body = (
            '<h1>Your cart</h1><p class="notice">Your cart is empty.</p>'
            '<p class="actions"><a class="button" href="/">Continue shopping</a></p>'
        )
        return layout(view, "Your cart", body)
    error_html = f'<p class="error-summary" role="alert">{e(error)}</p>' if error else ""
    rows = "".join(_cart_row(view, line) for line in lines)
    body = f"""<h1>Your cart</h1>{error_html}
<table class="cart-table">
<caption class="visually-hidden">Items in your cart</caption>
<thead><tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Quantity</th>
<th scope="col">Total</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>{rows}</tbody>
</table>
<div class="summary">{_totals(totals, "cart-total")}
<p class="actions"><a class="button" href="/checkout">Checkout</a></p></div>"""
    return layout(view, "Your cart", body)


def _field(
    fid: str,
    label: str,
    value: str,
    error: str | None,
    attrs: str,
    *,
    linked: bool,
    labelled: bool = True,
    textarea: bool = False,
) -> str:
    """One form field: label, its error (if any) and the control."""
    err_id = f"{fid}-error"
    label_html = f'<label for="{fid}">{label}</label>' if labelled else ""
    error_html = f'<p class="field-error" id="{err_id}">{e(error)}</p>' if error else ""
    if error and linked:
        attrs += f' aria-invalid="true" aria-describedby="{err_id}"'
    if textarea:
        control = f'<textarea id="{fid}" name="{fid}" rows="5"{attrs}>{e(value)}</textarea>'
    else:
        control = f'<input id="{fid}" name="{fid}" value="{e(value)}"{attrs}>'
    return f'<div class="field">{label_html}{error_html}{control}</div>'


def _error_summary(errors: Errors) -> str:
    if not errors:
        return ""
    items = "".join(f'<li><a href="#{fid}">{e(msg)}</a></li>' for fid, msg in errors.items())
    return (
        f'<div class="error-summary" role="alert"><h2>There is a problem</h2><ul>{items}</ul></div>'
    )


def checkout_page(
    view: View, lines: list[CartLine], totals: Totals, values: Form, errors: Errors
) -> str:
    """Order summary and the delivery and payment form."""
    fixed = view.fixed

    def attrs(input_type: str, token: str, extra: str = "") -> str:
        # USE-INPUT-TYPE: only the fixed shop uses the email type and autocomplete tokens.
        # USE-REQUIRED-UNMARKED: only the fixed shop marks the fields as required.
        if not fixed:
            return f' type="text"{extra}'
        return f' type="{input_type}" autocomplete="{token}" required{extra}'

    def field(fid: str, label: str, extra: str, **kwargs: bool) -> str:
        # A11Y-ERROR-LINK: only the fixed shop ties each error to its field.
        return _field(
            fid, label, values.get(fid, ""), errors.get(fid), extra, linked=fixed, **kwargs
        )

    card_extra = ' inputmode="numeric"' if fixed else ""
    fields = "".join(
        [
            field("email", "Email", attrs("email", "email")),
            field("name", "Full name", attrs("text", "name")),
            field("address", "Address", attrs("text", "street-address")),
            field("city", "City", attrs("text", "address-level2")),
            # A11Y-FIELD-LABEL: the flawed Postcode field has a placeholder but no label.
            field(
                "postcode",
                "Postcode",
                attrs("text", "postal-code", ' placeholder="Postcode"'),
                labelled=fixed,
            ),
            field("card", "Card number", attrs("text", "cc-number", card_extra)),
        ]
    )
    required_note = '<p class="hint">All fields are required.</p>' if fixed else ""
    summary = "".join(
        f"<li>{e(line.product.name)} × {line.quantity} <span>{format_eur(line.total_cents)}</span></li>"
        for line in lines
    )
    body = f"""<h1>Checkout</h1>{_error_summary(errors)}
<div class="checkout">
<form class="checkout-form" method="post" action="/checkout" novalidate>
<h2>Delivery and payment</h2>{required_note}{fields}
<button type="submit">Place order</button>
</form>
<section class="summary" aria-labelledby="summary-title">
<h2 id="summary-title">Order summary</h2>
<ul class="summary-lines">{summary}</ul>
{_totals(totals, "checkout-total")}
</section>
</div>"""
    return layout(view, "Checkout", body)


def confirmation(view: View, order: Order) -> str:
    """The thank-you page after an order is placed."""
    body = f"""<div class="panel">
<h1>Thank you for your order</h1>
<p>Your order number is <strong data-testid="order-number">{order.number}</strong>.</p>
<dl class="totals"><div class="grand"><dt>Total paid</dt><dd data-testid="order-total">{format_eur(order.totals.total_cents)}</dd></div></dl>
<p><strong>Delivery:</strong> <span data-testid="delivery-estimate">{delivery_estimate(view.fixed)}</span></p>
</div>
<h2>What happens next</h2>
<ol>
<li>We email a confirmation to {e(order.email)} within a few minutes.</li>
<li>We pack your order and email you when it ships.</li>
<li>Changed your mind? Returns are free within 30 days.</li>
</ol>
<p class="actions"><a class="button" href="/orders/{order.number}">Track your order</a></p>"""
    return layout(view, "Thank you for your order", body)


def _tracking(view: View, order: Order) -> str:
    placed = f"{order.placed_at.day} {order.placed_at:%B %Y, %H:%M}"
    steps = [
        ("Order placed", "Done", placed),
        ("Payment confirmed", "Done", placed),
        ("Packed", "Pending", "Usually within 1 working day"),
        ("Shipped", "Pending", "You get an email with the tracking link"),
    ]
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in steps)
    # USE-HSCROLL: the flawed shop gives this table a fixed width of 760 px.
    table_class = "tracking" if view.fixed else "tracking tracking-wide"
    return (
        f'<table class="{table_class}"><caption>Progress of order {order.number}</caption>'
        '<thead><tr><th scope="col">Step</th><th scope="col">Status</th>'
        f'<th scope="col">When</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def order_status(view: View, number: str, order: Order | None) -> str:
    """Order lookup form, and the status of the order looked up (if any)."""
    result = ""
    if order is not None:
        result = f"""<section class="status" aria-labelledby="status-title">
<h2 id="status-title">Order {order.number}</h2>
<p>Status: <strong data-testid="order-status">{order.status}</strong></p>
<p>Placed by {e(order.name)}, total {format_eur(order.totals.total_cents)}.</p>
{_tracking(view, order)}</section>"""
    elif number.strip():
        result = (
            '<p class="notice" role="status">We couldn\'t find that order. '
            f"Check the number “{e(number)}”: it is in your confirmation email and looks like NW-100234.</p>"
        )
    body = f"""<h1>Order status</h1>
<form class="inline-form" method="get" action="/orders">
<div class="field"><label for="order-number">Order number</label>
<input id="order-number" name="number" value="{e(number)}" autocomplete="off"></div>
<button type="submit">Track order</button>
</form>{result}"""
    return layout(view, "Order status", body, "/orders")


FAQ = (
    (
        "How long does delivery take?",
        f"{DELIVERY_PROMISE}, anywhere in the Netherlands and Belgium.",
    ),
    (
        "How do I return something?",
        "Use the prepaid label in your parcel and drop it at any post office.",
    ),
    ("When do I get my refund?", "Within 5 working days of your return reaching our warehouse."),
    ("Can I change my order?", "Yes, until it is packed. Write to us with your order number."),
)


def support(view: View, values: Form, errors: Errors, sent: bool) -> str:
    """Returns policy, FAQ and the contact form (clean in both modes)."""
    faq = "".join(f"<details><summary>{q}</summary><p>{a}</p></details>" for q, a in FAQ)
    sent_html = (
        '<p class="success" role="status" data-testid="contact-confirmation">'
        "Thanks, we'll reply within 24 hours</p>"
        if sent
        else ""
    )
    fields = "".join(
        [
            _field(
                "name",
                "Name",
                values.get("name", ""),
                errors.get("name"),
                ' type="text" autocomplete="name" required',
                linked=True,
            ),
            _field(
                "email",
                "Email",
                values.get("email", ""),
                errors.get("email"),
                ' type="email" autocomplete="email" required',
                linked=True,
            ),
            _field(
                "message",
                "Message",
                values.get("message", ""),
                errors.get("message"),
                " required",
                linked=True,
                textarea=True,
            ),
        ]
    )
    body = f"""<h1>Returns and support</h1>
<section id="returns" aria-labelledby="returns-title">
<h2 id="returns-title">Returns</h2>
<p data-testid="returns-policy">30-day free returns: send back anything unworn within 30 days and we refund you in full.</p>
</section>
<section aria-labelledby="faq-title"><h2 id="faq-title">Frequently asked questions</h2><div class="faq">{faq}</div></section>
<section id="contact" aria-labelledby="contact-title">
<h2 id="contact-title">Contact us</h2>{sent_html}{_error_summary(errors)}
<form class="contact-form" method="post" action="/support" novalidate>{fields}
<button type="submit">Send message</button>
</form>
</section>"""
    return layout(view, "Returns and support", body, "/support")


def privacy(view: View) -> str:
    """A short privacy notice."""
    body = """<h1>Privacy</h1>
<p>We use your details only to deliver your order and answer your questions.</p>
<p>We keep one cookie, <code>cxshop_session</code>, to remember your cart. It is deleted when you close your browser.</p>
<p>We never sell your data. Ask us to see or delete it any time through the contact form.</p>"""
    return layout(view, "Privacy", body)


def error_page(view: View, title: str, message: str) -> str:
    """A styled error page (404, 405, 500) that still offers a way on."""
    body = (
        f"<h1>{e(title)}</h1><p>{e(message)}</p>"
        '<p class="actions"><a class="button" href="/">Browse the shop</a></p>'
    )
    return layout(view, title, body)
