"""In-memory carts and orders of the demo shop, safe to share between request threads.

The shop is a test target, not a product: state lives as long as the server,
and a visitor's cart is created lazily on the first change so that crawlers
without cookies cost nothing.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from cxaudit.demo.catalogue import (
    MAX_QUANTITY,
    Product,
    charged_price_cents,
    find_product,
    shipping_cents,
)

FIRST_ORDER_NUMBER = 100234


@dataclass(frozen=True)
class CartLine:
    """A cart line priced as the cart charges it (which may differ from the product page)."""

    product: Product
    quantity: int
    unit_cents: int

    @property
    def total_cents(self) -> int:
        """Unit price times quantity."""
        return self.unit_cents * self.quantity


@dataclass(frozen=True)
class Totals:
    """What a customer is asked to pay for a set of lines."""

    subtotal_cents: int
    shipping_cents: int

    @property
    def total_cents(self) -> int:
        """Subtotal plus shipping."""
        return self.subtotal_cents + self.shipping_cents


@dataclass(frozen=True)
class Order:
    """A placed order, frozen at the prices charged when it was placed."""

    number: str
    lines: tuple[CartLine, ...]
    totals: Totals
    email: str
    name: str
    placed_at: datetime
    status: str = "Processing"


def totals_of(lines: list[CartLine] | tuple[CartLine, ...], fixed: bool) -> Totals:
    """Totals for lines; shipping only applies to a non-empty cart."""
    subtotal = sum(line.total_cents for line in lines)
    return Totals(subtotal, shipping_cents(fixed) if lines else 0)


class ShopState:
    """All carts (by session id) and orders (by number), behind one lock."""

    def __init__(self, fixed: bool) -> None:
        self.fixed = fixed
        self._lock = threading.Lock()
        self._carts: dict[str, dict[str, int]] = {}
        self._orders: dict[str, Order] = {}
        self._next_number = FIRST_ORDER_NUMBER

    def cart(self, session: str) -> list[CartLine]:
        """A snapshot of a visitor's cart lines, in the order they were added."""
        with self._lock:
            items = list(self._carts.get(session, {}).items())
        lines = []
        for slug, quantity in items:
            product = find_product(slug)
            if product is not None:
                lines.append(CartLine(product, quantity, charged_price_cents(product, self.fixed)))
        return lines

    def cart_count(self, session: str) -> int:
        """Number of items in the cart, for the header."""
        with self._lock:
            return sum(self._carts.get(session, {}).values())

    def add(self, session: str, slug: str, quantity: int) -> None:
        """Add to a line, capped at the per-line maximum rather than refused."""
        with self._lock:
            cart = self._carts.setdefault(session, {})
            cart[slug] = min(cart.get(slug, 0) + quantity, MAX_QUANTITY)

    def set_quantity(self, session: str, slug: str, quantity: int) -> None:
        """Change a line's quantity; zero removes the line, as shoppers expect."""
        with self._lock:
            cart = self._carts.setdefault(session, {})
            if quantity <= 0:
                cart.pop(slug, None)
            elif slug in cart:
                cart[slug] = min(quantity, MAX_QUANTITY)

    def place_order(self, session: str, email: str, name: str) -> Order | None:
        """Turn the cart into an order and empty it; None if the cart is empty."""
        lines = tuple(self.cart(session))
        if not lines:
            return None
        with self._lock:
            number = f"NW-{self._next_number}"
            self._next_number += 1
            order = Order(number, lines, totals_of(lines, self.fixed), email, name, datetime.now())
            self._orders[number] = order
            self._carts.pop(session, None)
        return order

    def find_order(self, number: str) -> Order | None:
        """Find an order by number from any session, as a status lookup must."""
        with self._lock:
            return self._orders.get(normalise_order_number(number))


def normalise_order_number(raw: str) -> str:
    """Accept "nw-100234", " NW-100234 " and "100234" for the same order."""
    number = raw.strip().upper()
    return f"NW-{number}" if number.isdigit() else number
