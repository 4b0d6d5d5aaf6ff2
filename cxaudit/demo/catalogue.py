"""The demo shop's products, prices and delivery wording.

Every figure a journey or a flaw depends on lives here, so the flawed and the
fixed shop differ in as few, as visible places as possible.
"""

from __future__ import annotations

from dataclasses import dataclass

SHOP_NAME = "Northwind Outfitters"
FREE_DELIVERY_BANNER = "Free delivery on every order"
DELIVERY_PROMISE = "Delivered in 2-3 working days"
DRIFTED_DELIVERY_ESTIMATE = "Arrives within 5 days"
HIDDEN_SHIPPING_CENTS = 495
MAX_QUANTITY = 10
CATEGORIES: dict[str, str] = {"shoes": "Shoes", "jackets": "Jackets"}


@dataclass(frozen=True)
class Product:
    """One thing the shop sells; prices in euro cents to keep sums exact."""

    slug: str
    name: str
    category: str
    price_cents: int
    stock: str
    blurb: str
    image_alt: str
    colour: str


# fmt: off
PRODUCTS: tuple[Product, ...] = (
    Product(
        "trail-runner-2", "Trail Runner 2", "shoes", 8900, "In stock",
        "A cushioned, grippy trail shoe for long days on rough and muddy ground.",
        "Trail Runner 2 running shoe in orange with a chunky black sole", "#c2410c",
    ),
    Product(
        "city-sneaker", "City Sneaker", "shoes", 5900, "In stock",
        "A light everyday sneaker with a recycled rubber sole.",
        "City Sneaker in navy blue with a white sole", "#1e3a8a",
    ),
    Product(
        "alpine-hiker", "Alpine Hiker Boot", "shoes", 13900, "Only 3 left",
        "A waterproof leather boot with ankle support for alpine routes.",
        "Alpine Hiker Boot in brown leather with red laces", "#78350f",
    ),
    Product(
        "summit-jacket", "Summit Jacket", "jackets", 14900, "In stock",
        "A breathable three-layer shell that keeps out wind and snow above the tree line.",
        "Summit Jacket in bright red with a hood", "#b91c1c",
    ),
    Product(
        "rain-shell", "Rain Shell", "jackets", 9900, "In stock",
        "A packable waterproof shell that folds into its own pocket.",
        "Rain Shell in teal, folded next to its pocket", "#0f766e",
    ),
    Product(
        "fleece-midlayer", "Fleece Midlayer", "jackets", 6900, "In stock",
        "A warm, quick-drying fleece to wear alone or under a shell.",
        "Fleece Midlayer in forest green with a half zip", "#166534",
    ),
)
# fmt: on


def find_product(slug: str) -> Product | None:
    """Look a product up by slug; None lets the caller answer with a 404 page."""
    return next((p for p in PRODUCTS if p.slug == slug), None)


def in_category(slug: str) -> list[Product]:
    """Products of one category, in catalogue order."""
    return [p for p in PRODUCTS if p.category == slug]


def search(query: str) -> list[Product]:
    """Products whose name or category contains every word of the query.

    Matching is case-insensitive so "trail runner" and "TRAIL" both find the
    shoe a customer has in mind; an empty query matches nothing on purpose.
    """
    words = query.lower().split()
    if not words:
        return []
    hits = []
    for product in PRODUCTS:
        haystack = f"{product.name} {product.category} {CATEGORIES[product.category]}".lower()
        if all(word in haystack for word in words):
            hits.append(product)
    return hits


def charged_price_cents(product: Product, fixed: bool) -> int:
    """The unit price the cart charges.

    The flawed shop charges €5 more for Trail Runner 2 than its product page
    shows (flaw CONS-PRICE-MISMATCH).
    """
    if not fixed and product.slug == "trail-runner-2":
        return product.price_cents + 500
    return product.price_cents


def shipping_cents(fixed: bool) -> int:
    """Shipping fee; the flawed shop adds one despite promising free delivery."""
    return 0 if fixed else HIDDEN_SHIPPING_CENTS


def delivery_estimate(fixed: bool) -> str:
    """Confirmation wording; the flawed shop drifts from the product page promise."""
    return DELIVERY_PROMISE if fixed else DRIFTED_DELIVERY_ESTIMATE


def format_eur(cents: int) -> str:
    """Format cents the way the shop shows prices everywhere, e.g. €89.00."""
    return f"€{cents // 100:,}.{cents % 100:02d}"
