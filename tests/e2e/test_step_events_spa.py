"""Events belong to the step they happen in; a router's address is a new page; products
sharing one picture (issue 16). Real Chromium against pages served on 127.0.0.1.

- A ``fill`` step (its page not audited) whose input handler logs ``console.error``
  and throws: the console-errors finding is on that step and names it, and the
  report's "What to fix first" row names the journey and the step.
- A ``select`` whose change handler opens ``alert("Sorting is broken! ...")``: a
  finding with the (escaped) text; a ``confirm`` answered by the policy: a note.
- A client-side router (links intercepted, ``history.pushState``, content
  replaced, as React Router and Next.js do): each route is a page to the effort
  count, and a step that only changed the address (``replaceState`` on a filter's
  ``check``) is audited.
- A listing where three products show one placeholder picture.
"""

from __future__ import annotations

from pathlib import Path

from cxaudit.analysis.analyse import analyse
from cxaudit.report import write_report
from cxaudit.results import Finding, JourneyRun, RunResult
from tests.e2e.page_server import run_on_pages

FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign up</title></head><body>
<main><h1>Sign up</h1>
<label for="email">Email</label> <input id="email" type="email" autocomplete="email">
</main>
<script>
document.getElementById('email').addEventListener('input', (event) => {
  console.error('email validator failed for ' + event.target.value.length + ' chars');
  throw new Error('validator crashed');
});
</script>
</body></html>"""

SORT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shoes</title></head><body>
<main><h1>Shoes</h1>
<label for="sort">Sort by</label>
<select id="sort"><option>Relevance</option><option>Price</option></select>
<button type="button" id="remove">Remove filter</button>
</main>
<script>
document.getElementById('sort').addEventListener('change', () => {
  alert('Sorting is broken! <img src=x onerror=alert(1)>');
});
document.getElementById('remove').addEventListener('click', () => {
  confirm('Remove the size filter?');
});
</script>
</body></html>"""

#: One HTML page for every route, as a client-rendered app is served.
APP = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<nav><a href="/app">Home</a> <a href="/app/shoes">Shoes</a> <a href="/app/cart">Cart</a></nav>
<main id="root"></main>
<script>
const routes = {
  '/app': () => '<h1>Welcome</h1><p>Shoes for every trail.</p>',
  '/app/shoes': () => '<h1>Shoes</h1><input type="checkbox" id="stock">'
    + '<label for="stock">In stock only</label><ul><li>Trail Runner</li></ul>',
  '/app/cart': () => '<h1>Your cart</h1><p>Nothing here yet.</p>',
};
function render() {
  document.getElementById('root').innerHTML = (routes[location.pathname] || routes['/app'])();
  const stock = document.getElementById('stock');
  if (stock) stock.addEventListener('change', () => {  // a filter is a route of its own
    history.replaceState({}, '', location.pathname + '?in_stock=' + (stock.checked ? 1 : 0));
  });
}
document.addEventListener('click', (event) => {
  const link = event.target.closest('a[href^="/app"]');
  if (!link) return;
  event.preventDefault();
  history.pushState({}, '', link.getAttribute('href'));
  render();
});
window.addEventListener('popstate', render);
render();
</script>
</body></html>"""

PICTURE = """<svg xmlns="http://www.w3.org/2000/svg" width="200" height="150">
<rect width="200" height="150" fill="#{colour}"/></svg>"""


def _card(name: str, src: str) -> str:
    slug = name.lower().replace(" ", "-")
    return (
        f'<li class="card"><img src="{src}" alt="" width="160" height="120">'
        '<img src="/img/heart.svg" alt="" width="16" height="16">'
        f'<h3><a href="/p/{slug}">{name}</a></h3><p>$89.00</p></li>'
    )


LISTING = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>All shoes</title></head><body>
<main><h1>All shoes</h1><ul>
{_card("Trail Runner", "/img/placeholder.svg")}
{_card("City Sneaker", "/img/placeholder.svg")}
{_card("Alpine Boot", "/img/placeholder.svg")}
{_card("Rain Shell", "/img/rain-shell.svg")}
</ul></main></body></html>"""

PAGES = {
    "/form": ("text/html", FORM),
    "/sort": ("text/html", SORT),
    "/app": ("text/html", APP),
    "/app/shoes": ("text/html", APP),
    "/app/cart": ("text/html", APP),
    "/shoes": ("text/html", LISTING),
    "/img/placeholder.svg": ("image/svg+xml", PICTURE.format(colour="ccc")),
    "/img/rain-shell.svg": ("image/svg+xml", PICTURE.format(colour="36c")),
    "/img/heart.svg": ("image/svg+xml", PICTURE.format(colour="c33")),
}


def _run(name: str, journey: str, folder: Path) -> tuple[RunResult, JourneyRun]:
    result = analyse(run_on_pages(PAGES, journey, folder))
    run = result.runs[0]
    assert run.status == "passed", run.error
    return result, run


def _findings(run: JourneyRun, slug: str) -> list[Finding]:
    return [f for f in run.findings if f.slug == slug]


def test_a_console_error_while_filling_a_field_is_a_finding_of_that_step(
    tmp_path: Path,
) -> None:
    journey = """
journey: Sign up for the newsletter
stages:
  purchase:
    - goto: /form
    - fill: {label: Email, value: guest@example.com}
"""
    result, run = _run("form", journey, tmp_path)
    fill = run.steps[1]
    assert fill.snapshot is not None and not fill.snapshot.audited  # its page is not audited
    (finding,) = _findings(run, "console-errors")
    assert finding.status == "fail" and finding.step == 1, finding
    assert fill.name in finding.message and "email validator failed" in finding.message
    texts = [e.values["text"] for e in finding.evidence]
    assert any("validator crashed" in t for t in texts), texts  # the thrown error too
    # What to fix first names the journey and the step.
    write_report(result, tmp_path)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    fix_first = index.split('id="fix-first"', 1)[1].split("</table>", 1)[0]
    row = next(r for r in fix_first.split("<tr") if "JavaScript errors" in r)
    assert "Sign up for the newsletter" in row and f"step “{fill.name}”" in row, row


def test_an_alert_is_a_finding_and_an_answered_confirm_a_note(tmp_path: Path) -> None:
    journey = """
journey: Sort the shoes
stages:
  pre-purchase:
    - goto: /sort
    - select: {label: Sort by, option: Price}
    - click: Remove filter
"""
    result, run = _run("sort", journey, tmp_path)
    dialogs = _findings(run, "page-dialogs")
    alert = next(f for f in dialogs if f.status == "fail")
    assert (alert.step, alert.severity, alert.category) == (1, "moderate", "usability")
    assert "Sorting is broken! <img src=x onerror=alert(1)>" in alert.message
    assert run.steps[1].name in alert.message
    note = next(f for f in dialogs if f.status == "informative")
    assert note.step == 2 and "Remove the size filter?" in note.message
    assert note.weight == 0
    write_report(result, tmp_path)
    channel = (tmp_path / "desktop.html").read_text(encoding="utf-8")
    assert "Sorting is broken! &lt;img src=x onerror=alert(1)&gt;" in channel
    assert "<img src=x" not in channel


def test_a_client_side_router_shows_new_pages(tmp_path: Path) -> None:
    journey = """
journey: Browse a client-rendered shop
stages:
  pre-purchase:
    - goto: /app
    - click: {role: link, name: Shoes}
    - check: In stock only
    - click: {role: link, name: Cart}
"""
    _, run = _run("app", journey, tmp_path)
    stock = run.steps[2]  # the filter
    assert [s.snapshot and s.snapshot.url.split("/", 3)[-1] for s in run.steps] == [
        "app",
        "app/shoes",
        "app/shoes?in_stock=1",
        "app/cart",
    ]
    # No document was loaded after the first: the router changed the address.
    assert [
        s.snapshot and s.snapshot.timing and s.snapshot.timing.navigated for s in run.steps
    ] == [
        True,
        False,
        False,
        False,
    ]
    # A check is not an action that changes the page, but this one changed the address.
    assert stock.snapshot is not None and stock.snapshot.audited
    assert stock.snapshot.content is not None
    (effort,) = [f for f in _findings(run, "journey-effort") if f.rule == "journey"]
    assert "over 4 pages" in effort.message, effort.message


def test_distinct_products_showing_one_picture_are_a_finding(tmp_path: Path) -> None:
    journey = """
journey: Look at all shoes
stages:
  pre-purchase:
    - goto: /shoes
"""
    _, run = _run("listing", journey, tmp_path)
    snapshot = run.steps[0].snapshot
    assert snapshot is not None and snapshot.content is not None
    shown = [(i.name, i.href, i.src.rsplit("/", 1)[-1]) for i in snapshot.content.images]
    assert shown == [
        ("Trail Runner", "/p/trail-runner", "placeholder.svg"),
        ("City Sneaker", "/p/city-sneaker", "placeholder.svg"),
        ("Alpine Boot", "/p/alpine-boot", "placeholder.svg"),
        ("Rain Shell", "/p/rain-shell", "rain-shell.svg"),
    ]  # not the 16 px icons
    (finding,) = _findings(run, "distinct-product-images")
    assert (finding.status, finding.severity, finding.step) == ("fail", "moderate", 0)
    assert "3 different products show the same image" in finding.message
    assert "placeholder.svg" in finding.message
