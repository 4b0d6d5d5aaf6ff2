"""Pages of our own on 127.0.0.1: no false finding, no missed one (issue 13).

A clean page without a favicon gives no console or request finding; a click
onto a 404 page fails its step; a refused connection leaves the performance
checks not measured; a form that sends a password in the URL is flagged; a
search box with filters is not a form whose required fields need marking.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from cxaudit.browser import resolve_channels
from cxaudit.pipeline import run_audit
from cxaudit.report.summary import console_summary
from cxaudit.results import JourneyRun, RunResult
from cxaudit.runner import RunOptions
from cxaudit.spec import load_journeys
from tests.e2e.page_server import serve

HEAD = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title></head><body><main><h1>{title}</h1>"
)
TAIL = "</main></body></html>"


def html(title: str, body: str) -> tuple[str, str]:
    return "text/html", HEAD.format(title=title) + body + TAIL


PAGES = {
    # No favicon anywhere: the browser asks for /favicon.ico and gets a 404.
    "/": html("Plain page", '<p>Welcome.</p><p><a href="/gone">Our old offers</a></p>'),
    "/login": html(
        "Sign in",
        '<form action="/account"><label for="u">Email</label>'
        '<input id="u" name="email" type="email" autocomplete="email">'
        '<label for="p">Password</label>'
        '<input id="p" name="password" type="password" autocomplete="current-password">'
        "<button>Sign in</button></form>",
    ),
    "/shop": html(
        "Shoes",
        '<form role="search" action="/shop"><label for="q">Search</label>'
        '<input id="q" name="q" type="search"><button>Search</button></form>'
        '<fieldset><legend>Filter</legend>'
        '<label><input type="checkbox" name="size" value="40"> Size 40</label>'
        '<label><input type="checkbox" name="size" value="41"> Size 41</label>'
        '<label><input type="checkbox" name="colour" value="red"> Red</label>'
        "</fieldset>"
        '<label for="sort">Sort by</label><select id="sort" name="sort">'
        "<option>Price</option><option>Name</option></select>",
    ),
}


def _run(tmp_path: Path, base_url: str, steps: str) -> RunResult:
    journey = tmp_path / "journey.yaml"
    journey.write_text(
        "journey: Precision\nstages:\n  pre-purchase:\n" + textwrap.indent(steps, "    "),
        encoding="utf-8",
    )
    journeys, _ = load_journeys([journey])
    options = RunOptions(
        channels=resolve_channels(["desktop"]),
        output_dir=tmp_path / "report",
        base_url=base_url,
        step_timeout_ms=3000,
    )
    return run_audit(journeys, options)


def _fails(run: JourneyRun, slug: str) -> list[str]:
    return [f.message for f in run.findings if f.slug == slug and f.status == "fail"]
