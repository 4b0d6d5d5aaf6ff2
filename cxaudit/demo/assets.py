"""Static assets of the demo shop: the stylesheet and small generated SVG product images.

Images are drawn in code rather than shipped as files so the shop stays a few
kilobytes and every product gets a distinct picture in its own colour.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from cxaudit.demo.catalogue import Product

_STATIC_DIR = Path(__file__).parent / "static"

_SHOE = (
    '<path d="M40 176c0-52 30-78 76-80l44 30c38 10 92 12 122 36l4 24H40z" fill="{c}"/>'
    '<path d="M116 96l20-18 22 16" fill="none" stroke="{c}" stroke-width="10"/>'
    '<path d="M120 120l16-8m0 16 16-8m0 16 16-8" stroke="#fff" stroke-width="4"/>'
    '<rect x="34" y="184" width="256" height="20" rx="8" fill="#1f2937"/>'
)
_JACKET = (
    '<path d="M122 46l38 14 38-14 54 32 20 104-34 6-6-62-4 84H98l-4-84-6 62-34-6 20-104z"'
    ' fill="{c}"/>'
    '<path d="M128 48q32-30 64 0" fill="none" stroke="{c}" stroke-width="12"/>'
    '<path d="M160 62v140" stroke="#fff" stroke-opacity=".7" stroke-width="4"/>'
    '<rect x="112" y="120" width="30" height="6" rx="3" fill="#fff" fill-opacity=".7"/>'
)


@cache
def stylesheet() -> bytes:
    """The one stylesheet every page links to."""
    return (_STATIC_DIR / "shop.css").read_bytes()


def product_svg(product: Product) -> bytes:
    """A simple shoe or jacket drawing in the product's colour."""
    shape = _SHOE if product.category == "shoes" else _JACKET
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 240" width="320" height="240">'
        '<rect width="320" height="240" fill="#f3efe6"/>'
        '<circle cx="286" cy="38" r="20" fill="#fde68a"/>'
        '<path d="M0 214l70-40 60 30 80-50 110 60v26H0z" fill="#d6d3c4"/>'
        f"{shape.format(c=product.colour)}</svg>"
    ).encode()
