"""Pages of our own on 127.0.0.1: no false finding, no missed one (issue 13).

A clean page without a favicon gives no console or request finding; a click
onto a 404 page fails its step; a refused connection leaves the performance
checks not measured; a form that sends a password in the URL is flagged; a
search box with filters is not a form whose required fields need marking.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from cxaudit.report.summary import console_summary
from cxaudit.results import JourneyRun, RunResult
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels
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
        "<fieldset><legend>Filter</legend>"
        '<label><input type="checkbox" name="size" value="40"> Size 40</label>'
        '<label><input type="checkbox" name="size" value="41"> Size 41</label>'
        '<label><input type="checkbox" name="colour" value="red"> Red</label>'
        "</fieldset>"
        '<label for="sort">Sort by</label><select id="sort" name="sort">'
        "<option>Price</option><option>Name</option></select>",
    ),
    "/newsletter": html(
        "Newsletter",
        '<form method="post" action="/subscribe"><p>Get our offers by email.</p>'
        '<input name="address" type="email" autocomplete="email"><button>Subscribe</button></form>',
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


def _step_findings(run: JourneyRun, step: int) -> list[tuple[str, str]]:
    return [
        (f.slug, f.rule)
        for f in run.findings
        if f.status == "fail" and (f.step == step or step in f.seen_on_steps)
    ]


def test_own_pages_no_false_findings_and_a_click_onto_a_404_fails(tmp_path: Path) -> None:
    steps = """
- goto: /shop
- goto: /login
- goto: /newsletter
- goto: /
- click: Our old offers
- goto: /login
"""
    with serve(PAGES) as url:
        result = _run(tmp_path, url, textwrap.dedent(steps).lstrip())
    (run,) = result.runs
    # 5: no favicon on any page: no script error, no failed request.
    assert not _fails(run, "console-errors") and not _fails(run, "failed-requests")
    assert "favicon.ico" in " ".join(
        m.url for s in run.steps if s.snapshot for m in s.snapshot.console
    )
    # issue 16: a search box, filter checkboxes and a sort select are not a form to mark.
    assert ("required-marked", "") not in _step_findings(run, 0)
    assert [o.status for o in run.outcomes if o.slug == "required-marked" and o.step == 0] == [
        "not_applicable"
    ]
    # 18: the sign-in form names no method: the password would go into the URL.
    (secret,) = _fails(run, "secrets-not-in-url")
    assert "asks for a password" in secret and "has no method" in secret
    assert [
        o.step for o in run.outcomes if o.slug == "secrets-not-in-url" and o.status == "fail"
    ] == [1]
    # 6: the unlabelled field is axe's "label" finding, not charged again.
    assert ("axe-rules", "label") in _step_findings(run, 2)
    assert not _fails(run, "field-name")
    # 7: the click lands on a 404 page: the step fails and says so, the rest is skipped.
    click = run.steps[4]
    assert click.status == "failed"
    assert click.message == f"the step led to {url}/gone, which answered HTTP 404"
    assert run.steps[5].status == "skipped"
    assert run.status == "failed" and "HTTP 404" in run.error
    (completion,) = _fails(run, "journey-completion")
    assert "step 5" in completion and f"{url}/gone" in completion and "HTTP 404" in completion


def test_a_refused_connection_leaves_performance_not_measured(
    closed_port: int, tmp_path: Path
) -> None:
    result = _run(tmp_path, f"http://127.0.0.1:{closed_port}", "- goto: /\n")
    (run,) = result.runs
    assert run.steps[0].status == "error"
    perf = [o for o in run.outcomes if o.category == "performance" and o.step == 0]
    assert perf and {o.status for o in perf} == {"error"}
    reasons = {f.message for f in run.findings if f.category == "performance"}
    assert any(
        "not measured: the page never loaded" in r and "ERR_CONNECTION_REFUSED" in r
        for r in reasons
    )
    summary = console_summary(result)
    assert "overall score not measured" in summary and "n/a/100" not in summary
