"""A step that ends on Chromium's own error page fails, and that page is not audited.

A link or a meta refresh to a host that does not answer, or one the browser
blocks (a port it never opens), leaves the browser on
``chrome-error://chromewebdata/``: what the customer sees is "This site
can't be reached", not the site. The step fails with the reason, and no
finding is made about the error page's markup.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.page_server import run_on_pages

# The dead host is an allowed origin: leaving the allowed origins fails a step anyway.
JOURNEY = """\
journey: To a host that does not answer
allowed_origins: ["http://127.0.0.1:{port}"]
stages:
  pre-purchase:
    - goto: /
    - click: {{role: link, name: Order status}}
"""

REFRESH = """\
journey: Refreshed away
allowed_origins: ["http://127.0.0.1:{port}"]
stages:
  pre-purchase:
    - goto: /refresh
"""


#: A port Chromium refuses to open (an X11 display): the navigation is blocked, not sent.
UNSAFE_PORT = 6000

BLOCKED = f"""\
journey: Refreshed to a port the browser blocks
allowed_origins: ["http://127.0.0.1:{UNSAFE_PORT}"]
stages:
  pre-purchase:
    - goto: /blocked
"""


def _pages(port: int) -> dict[str, tuple[str, str]]:
    dead = f"http://127.0.0.1:{port}/status"
    unsafe = f"http://127.0.0.1:{UNSAFE_PORT}/status"
    head = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>'
    return {
        "/": ("text/html", f'{head}</head><body><main><h1>Shop</h1><a href="{dead}">Order status</a></main></body></html>'),
        "/refresh": ("text/html", f'{head}<meta http-equiv="refresh" content="0; url={dead}"></head><body><main><h1>Moving</h1></main></body></html>'),
        "/blocked": ("text/html", f'{head}<meta http-equiv="refresh" content="0; url={unsafe}"></head><body><main><h1>Moving</h1></main></body></html>'),
    }  # fmt: skip


@pytest.mark.parametrize(
    "journey", [JOURNEY, REFRESH, BLOCKED], ids=["link", "meta-refresh", "blocked"]
)
def test_a_step_on_the_browser_error_page_fails_unaudited(
    journey: str, closed_port: int, tmp_path: Path
) -> None:
    result = run_on_pages(_pages(closed_port), journey.format(port=closed_port), tmp_path)
    (run,) = result.runs
    step = run.steps[-1]
    assert step.status == "failed", (step.status, step.message)
    assert "error page" in step.message and "chrome-error://" in step.message
    assert run.status == "failed"
    snapshot = step.snapshot
    assert snapshot is None or (
        not snapshot.audited and snapshot.axe is None and snapshot.forms is None
    )
