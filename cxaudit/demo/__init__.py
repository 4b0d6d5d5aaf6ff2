"""The bundled demo shop, Northwind Outfitters: the embedded default audit target.

Flawed by default, with the CX flaws listed in flaws.yaml; `DemoShop(fixed=True)`
serves the same shop with every flaw removed, as a clean baseline.
"""

from __future__ import annotations

from cxaudit.demo.server import SLOW_PAGE_DELAY_MS, DemoShop

__all__ = ["SLOW_PAGE_DELAY_MS", "DemoShop"]
