"""The demo journeys written as a bare Playwright script: the baseline cxaudit is measured against.

The same steps as journeys/*.yaml, on the desktop channel's viewport, one
journey after the other in fresh contexts of one browser, and after every
step that cxaudit audits (goto, click, press) the same axe-core call cxaudit
makes: wait for the load event, inject axe-core, ``axe.run``. Nothing else:
no screenshots, no page text, no timings, no report. Whatever cxaudit takes
beyond this is its overhead.

    python -m bench.bare_playwright --base-url http://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from typing import Any

from cxaudit.gather.axe import axe_script
from cxaudit.run.browser import CHROMIUM_ARGS, find_executable
from cxaudit.spec.channels import BUILTIN_CHANNELS

AXE_OPTIONS = {"resultTypes": ["violations", "incomplete"]}


class Bare:
    """One page; ``audit()`` after a step that may change the page."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.audits = 0
        self.violations: dict[str, set[str]] = {}

    async def audit(self) -> None:
        page = self.page
        try:
            await page.wait_for_load_state("load")
        except Exception:
            pass
        await page.evaluate(axe_script())
        result = await page.evaluate("(o) => axe.run(document, o)", AXE_OPTIONS)
        self.audits += 1
        path = re.sub(r"NW-\d+", "NW-#", page.url.split("/", 3)[-1])
        self.violations.setdefault("/" + path, set()).update(v["id"] for v in result["violations"])

    async def goto(self, url: str) -> None:
        await self.page.goto(url)
        await self.audit()

    async def click(self, locator: Any) -> None:
        await locator.click()
        await self.audit()


async def checkout(
    b: Bare, email: str, name: str, address: str, city: str, postcode: str, card: str
) -> None:
    page = b.page
    await b.click(page.get_by_role("link", name="Checkout"))
    await page.get_by_label("Email").fill(email)
    await page.get_by_label("Full name").fill(name)
    await page.get_by_label("Address").fill(address)
    await page.get_by_label("City").fill(city)
    await page.get_by_placeholder("Postcode").fill(postcode)
    await page.get_by_label("Card number").fill(card)
    await b.click(page.get_by_role("button", name="Place order"))


async def browse_and_choose(b: Bare, base: str) -> None:
    page = b.page
    await b.goto(base + "/")
    await page.get_by_test_id("promo-banner").wait_for(state="visible")
    await page.get_by_test_id("delivery-promise").inner_text()
    await page.get_by_label("Search").fill("trail")
    await page.get_by_label("Search").press("Enter")
    await b.audit()
    await page.wait_for_url(re.compile(r"/search"))
    await b.click(page.get_by_role("link", name="Trail Runner 2"))
    price = await page.get_by_test_id("price").inner_text()
    await page.get_by_test_id("delivery-promise").inner_text()
    nav = page.get_by_role("navigation", name="Main")
    await b.click(nav.get_by_role("link", name="Shoes"))
    card = page.locator("li.card:has(a[href='/product/trail-runner-2'])")
    await card.get_by_text(price).first.wait_for(state="visible")
    await page.get_by_text("City Sneaker").first.wait_for(state="visible")
    await b.click(page.get_by_role("link", name="City Sneaker"))
    assert "City Sneaker" in await page.title()


async def guest_checkout(b: Bare, base: str) -> None:
    page = b.page
    await b.goto(base + "/product/trail-runner-2")
    await page.get_by_test_id("price").inner_text()
    await b.click(page.get_by_role("button", name="Add to cart"))
    await page.wait_for_url(re.compile(r"/cart"))
    await page.get_by_test_id("cart-total").inner_text()
    await checkout(
        b,
        "guest@example.com",
        "Alex Guest",
        "1 High Street",
        "Bristol",
        "BS1 4DJ",
        "4242 4242 4242 4242",
    )
    await page.get_by_text("Thank you for your order").first.wait_for(state="visible")
    for test_id in ("order-number", "order-total", "delivery-estimate"):
        await page.get_by_test_id(test_id).inner_text()


async def track_and_support(b: Bare, base: str) -> None:
    page = b.page
    await b.goto(base + "/product/city-sneaker")
    await b.click(page.get_by_role("button", name="Add to cart"))
    await checkout(
        b, "sam@example.com", "Sam Buyer", "22 Park Road", "Leeds", "LS1 2AB", "5555 5555 5555 4444"
    )
    order = await page.get_by_test_id("order-number").inner_text()
    await b.click(page.get_by_role("link", name="Track your order"))
    await page.get_by_test_id("order-status").wait_for(state="visible")
    await b.goto(base + "/orders")
    await page.get_by_label("Order number").fill(order)
    await b.click(page.get_by_role("button", name="Track order"))
    await page.get_by_test_id("order-status").wait_for(state="visible")
    await b.goto(base + "/support")
    await page.get_by_test_id("returns-policy").wait_for(state="visible")
    await page.get_by_label("Name").fill("Sam Buyer")
    await page.get_by_label("Email").fill("sam@example.com")
    await page.get_by_label("Message").fill(f"Can I change the delivery address of order {order}?")
    await b.click(page.get_by_role("button", name="Send message"))
    await page.get_by_test_id("contact-confirmation").wait_for(state="visible")


JOURNEYS = (browse_and_choose, guest_checkout, track_and_support)


async def run(base_url: str) -> dict[str, Any]:
    """Every demo journey once on the desktop viewport; returns audits made and axe violations per page."""
    from playwright.async_api import async_playwright

    desktop = BUILTIN_CHANNELS["desktop"]
    audits = 0
    violations: dict[str, set[str]] = {}
    async with async_playwright() as pw:
        executable = await asyncio.to_thread(find_executable)
        browser = await pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))
        for journey in JOURNEYS:
            context = await browser.new_context(**desktop.context_options())
            context.set_default_timeout(10_000)
            b = Bare(await context.new_page())
            await journey(b, base_url.rstrip("/"))
            audits += b.audits
            for path, ids in b.violations.items():
                violations.setdefault(path, set()).update(ids)
            await context.close()
        await browser.close()
    return {"audits": audits, "violations": violations}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", help="Demo shop URL (default: start one)")
    args = parser.parse_args(argv)
    from bench.common import demo_shop

    def go(url: str) -> None:
        start = time.perf_counter()
        done = asyncio.run(run(url))
        print(f"{done['audits']} audited steps in {time.perf_counter() - start:.2f} s")

    if args.base_url:
        go(args.base_url)
    else:
        with demo_shop() as url:
            go(url)


if __name__ == "__main__":
    main()
