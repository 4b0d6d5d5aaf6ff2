"""Record the snapshots the checks' unit tests read (tests/data/snapshots/*.json).

Run it again after a gatherer changes what it records (name cases to record
only those):

    .venv/bin/python tests/data/record_snapshots.py [CASE ...]

Each case is one page in real Chromium, on one channel, snapshotted by the
same code the runner uses: the small pages of tests/data/pages, and states of
the demo shop (flawed and fixed) that its seeded flaws live in. Addresses are
rewritten to fixed ones so that recording twice gives the same files.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cxaudit.demo import DemoShop  # noqa: E402
from cxaudit.gather import PageRecorder, SnapshotOptions, take_snapshot  # noqa: E402
from cxaudit.gather.throttle import Throttle  # noqa: E402
from cxaudit.results import ChannelInfo  # noqa: E402
from cxaudit.run.browser import BrowserOptions, browser_session, new_context  # noqa: E402
from cxaudit.spec.channels import BUILTIN_CHANNELS  # noqa: E402
from tests.e2e.pages import serve_pages  # noqa: E402

if TYPE_CHECKING:
    from playwright.async_api import Page

OUT = ROOT / "tests" / "data" / "snapshots"
PAGES_URL = "http://pages.test"
SHOP_URL = "http://shop.test"

Steps = Callable[["Page", str], Awaitable[None]]


async def goto(page: Page, url: str) -> None:
    await page.goto(url, wait_until="load")


def at(path: str) -> Steps:
    async def steps(page: Page, base: str) -> None:
        await goto(page, base + path)

    return steps


async def to_cart(page: Page, base: str) -> None:
    await goto(page, base + "/product/trail-runner-2")
    await page.get_by_role("button", name="Add to cart").click()
    await page.wait_for_url("**/cart")


async def to_checkout(page: Page, base: str) -> None:
    await to_cart(page, base)
    await goto(page, base + "/checkout")


async def to_checkout_errors(page: Page, base: str) -> None:
    await to_checkout(page, base)
    await page.get_by_role("button", name="Place order").click()
    await page.get_by_text("There is a problem").wait_for()


async def to_order_status(page: Page, base: str) -> None:
    await to_checkout(page, base)
    for label, value in (
        ("Email", "sam@example.com"),
        ("Full name", "Sam Buyer"),
        ("Address", "22 Park Road"),
        ("City", "Leeds"),
        ("Card number", "5555 5555 5555 4444"),
    ):
        await page.get_by_label(label, exact=True).fill(value)
    await page.get_by_placeholder("Postcode").fill("LS1 2AB")
    await page.get_by_role("button", name="Place order").click()
    await page.get_by_role("link", name="Track your order").click()
    await page.get_by_test_id("order-status").wait_for()


PAGE_CASES: dict[str, tuple[str, Steps]] = {
    "axe-desktop": ("desktop", at("/axe.html")),
    "targets-desktop": ("desktop", at("/targets.html")),
    "targets-mobile": ("mobile", at("/targets.html")),
    "small-text-mobile": ("mobile", at("/small-text.html")),
    "wide-mobile": ("mobile", at("/wide.html")),
    "zoom-blocked-mobile": ("mobile", at("/zoom-blocked.html")),
    "images-desktop": ("desktop", at("/images.html")),
    "overlay-mobile": ("mobile", at("/overlay.html")),
    "forms-desktop": ("desktop", at("/forms.html")),
    "kb-good-desktop": ("desktop", at("/kb-good.html")),
    "kb-hidden-desktop": ("desktop", at("/kb-hidden.html")),
    "kb-trap-desktop": ("desktop", at("/kb-trap.html")),
    "kb-modal-desktop": ("desktop", at("/kb-modal.html")),
}

SHOP_CASES: dict[str, tuple[str, Steps]] = {
    "product-desktop": ("desktop", at("/product/trail-runner-2")),
    "cart-mobile": ("mobile", to_cart),
    "checkout-desktop": ("desktop", to_checkout),
    "checkout-errors-desktop": ("desktop", to_checkout_errors),
    "orders-mobile": ("mobile", to_order_status),
}


async def record(base: str, name: str, channel_name: str, steps: Steps, public: str) -> None:
    channel = BUILTIN_CHANNELS[channel_name]
    async with browser_session(BrowserOptions()) as (_pw, browser):
        context = await new_context(browser, channel)
        page = await context.new_page()
        recorder = PageRecorder(page)
        await steps(page, base)
        await recorder.settle()
        options = SnapshotOptions(output_dir=OUT, screenshot_name="", screenshot=False)
        snapshot, _ = await take_snapshot(page, recorder, Throttle(None, channel), options, None)
        await context.close()
    data = {
        "case": name,
        "channel": ChannelInfo(**channel.info()).model_dump(mode="json"),
        "snapshot": snapshot.model_dump(mode="json", exclude={"visible_text", "timing"}),
    }
    text = json.dumps(data, indent=1, ensure_ascii=False).replace(base, public)
    (OUT / f"{name}.json").write_text(text + "\n", encoding="utf-8")
    print(f"recorded {name}")


async def main(only: set[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with serve_pages() as base:
        for name, (channel, steps) in PAGE_CASES.items():
            if only and name not in only:
                continue
            await record(base, name, channel, steps, PAGES_URL)
    for fixed in (False, True):
        with DemoShop(port=0, fixed=fixed) as shop:
            for name, (channel, steps) in SHOP_CASES.items():
                prefix = "shop-fixed" if fixed else "shop-flawed"
                if only and f"{prefix}-{name}" not in only:
                    continue
                await record(shop.url, f"{prefix}-{name}", channel, steps, SHOP_URL)


if __name__ == "__main__":
    asyncio.run(main(set(sys.argv[1:])))
