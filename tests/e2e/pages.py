"""Small HTML pages for the gatherer tests, served from tests/data/pages on 127.0.0.1.

Each test module visits its pages once, in one browser, and asserts on what
the gatherers read (the same pages are recorded into tests/data/snapshots for
the checks' own tests; see tests/data/record_snapshots.py).
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cxaudit.gather  # noqa: F401  (registers the gatherers)
from cxaudit.gather.snapshot import GATHERERS, SnapshotOptions
from cxaudit.run.browser import BrowserOptions, browser_session, new_context
from cxaudit.spec.channels import BUILTIN_CHANNELS

if TYPE_CHECKING:
    from playwright.async_api import Page

PAGES = Path(__file__).resolve().parents[1] / "data" / "pages"

Hook = Callable[["Page"], Awaitable[Any]]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_pages(directory: Path = PAGES) -> Iterator[str]:
    """Serve ``directory`` on a free loopback port for the length of the block."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass(frozen=True)
class Visit:
    """One page on one channel, and which gatherers to run there.

    ``before`` runs after the page loads and ``after`` after the gatherers;
    what they return is kept under "before" and "after".
    """

    page: str
    channel: str = "desktop"
    gatherers: tuple[str, ...] = ("layout", "forms", "keyboard")
    before: Hook | None = None
    after: Hook | None = None
    options: dict[str, Any] = field(default_factory=dict)


async def _visit_all(base_url: str, visits: Sequence[Visit]) -> list[dict[str, Any]]:
    results = []
    async with browser_session(BrowserOptions()) as (_pw, browser):
        for visit in visits:
            context = await new_context(browser, BUILTIN_CHANNELS[visit.channel])
            try:
                page = await context.new_page()
                await page.goto(f"{base_url}/{visit.page}", wait_until="load")
                out: dict[str, Any] = {}
                if visit.before is not None:
                    out["before"] = await visit.before(page)
                options = SnapshotOptions(output_dir=Path("."), screenshot_name="", **visit.options)
                for name in visit.gatherers:
                    out[name] = await GATHERERS[name].run(page, options)
                    # What the page answered fits the artifact model it is recorded as.
                    GATHERERS[name].fit(out[name])
                if visit.after is not None:
                    out["after"] = await visit.after(page)
                results.append(out)
            finally:
                await context.close()
    return results


def visit_pages(visits: Sequence[Visit]) -> list[dict[str, Any]]:
    """Serve the test pages, visit each in real Chromium, return what was gathered."""
    with serve_pages() as base_url:
        return asyncio.run(_visit_all(base_url, visits))


def by_selector(items: list[dict[str, Any]], fragment: str) -> dict[str, Any]:
    """The one item whose selector contains ``fragment``."""
    found = [i for i in items if fragment in (i.get("selector") or "")]
    assert len(found) == 1, (fragment, [i.get("selector") for i in items])
    return found[0]
