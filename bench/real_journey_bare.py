"""The real journey (tests/data/react_shop/journey.yaml) as a bare Playwright script.

The yardstick bench/real_journey.py times ``cxaudit run`` against, as whole
processes: start Python, launch Chromium, walk the same 27 steps on the
desktop channel's viewport, and after every step cxaudit audits (goto,
click, press, select) wait for the load event and make one axe-core call
(inject the vendored axe-core, ``axe.run``). Nothing else: no screenshots,
no page text, no report. It imports Playwright and the standard library
only, not cxaudit, so its start-up is a bare script's.

    python -m bench.real_journey_bare --base-url http://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "cxaudit" / "gather" / "vendor" / "axe-core" / "axe.min.js"
#: cxaudit's desktop channel (cxaudit.run.browser.BUILTIN_CHANNELS["desktop"]), written out.
DESKTOP = {"viewport": {"width": 1366, "height": 768}, "locale": "en-GB"}
AXE_OPTIONS = {"resultTypes": ["violations", "incomplete"]}


def chromium() -> str | None:
    """The Chromium cxaudit would find first: CXAUDIT_CHROMIUM, else a system one."""
    found = os.environ.get("CXAUDIT_CHROMIUM") or shutil.which("chromium")
    return found or shutil.which("google-chrome")


async def walk(page: Any, base: str, axe: str) -> int:
    """The journey's steps; returns the axe-core calls made."""
    audits = 0

    async def audit() -> None:
        nonlocal audits
        try:
            await page.wait_for_load_state("load")
        except Exception:
            pass
        await page.evaluate(axe)
        await page.evaluate("(o) => axe.run(document, o)", AXE_OPTIONS)
        audits += 1

    await page.goto(base + "/")
    await audit()
    await page.get_by_text("Popular this week").first.wait_for(state="visible")
    main_nav = page.get_by_role("navigation", name="Main")
    await main_nav.get_by_role("link", name="Shoes").click()
    await audit()
    await page.get_by_role("heading", name="Shoes").wait_for(state="visible")
    await page.get_by_label("Search").fill("trail")
    await page.get_by_label("Search").press("Enter")
    await audit()
    await page.get_by_text("Results for trail").first.wait_for(state="visible")
    await page.get_by_role("link", name="Trail Runner 2").click()
    await audit()
    price = await page.get_by_test_id("price").inner_text()
    await page.get_by_label("Size").select_option("42")
    await audit()
    await page.get_by_role("button", name="Add to cart").click()
    await audit()
    await page.get_by_text("Added to your cart").first.wait_for(state="visible")
    await page.get_by_role("link", name="View cart").click()
    await audit()
    cart_price = await page.get_by_test_id("line-price").inner_text()
    cart_total = await page.get_by_test_id("cart-total").inner_text()
    await page.get_by_role("link", name="Go to checkout").click()
    await audit()
    for label, value in (
        ("Email", "walker@example.com"),
        ("Full name", "Robin Walker"),
        ("Address", "3 Mill Lane"),
        ("City", "Kendal"),
        ("Postcode", "LA9 4AB"),
    ):
        await page.get_by_label(label).fill(value)
    await page.get_by_role("button", name="Continue to payment").click()
    await audit()
    payment_total = await page.get_by_test_id("payment-total").inner_text()
    await page.get_by_label("Card number").fill("4242 4242 4242 4242")
    await page.get_by_label("Expiry date (MM/YY)").fill("12/29")
    await page.get_by_role("button", name="Pay now").click()
    await audit()
    await page.get_by_text("Thank you for your order").first.wait_for(state="visible")
    await page.get_by_test_id("order-number").inner_text()
    order_total = await page.get_by_test_id("order-total").inner_text()
    if not (price == cart_price and cart_total == payment_total == order_total):
        raise SystemExit(f"prices disagree: {price} {cart_price} {cart_total} {order_total}")
    return audits


async def run(base_url: str) -> int:
    from playwright.async_api import async_playwright

    axe = AXE.read_text(encoding="utf-8")
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=chromium())
        context = await browser.new_context(**DESKTOP)
        context.set_default_timeout(10_000)
        audits = await walk(await context.new_page(), base_url.rstrip("/"), axe)
        await context.close()
        await browser.close()
    return audits


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True, help="Where the shop is served.")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    audits = asyncio.run(run(args.base_url))
    print(f"{audits} axe-core calls in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
