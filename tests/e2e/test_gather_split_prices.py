"""Prices a client renderer splits into text nodes and elements are read as the customer
reads them (issue 16): "$" and "29.99" as two nodes, "19" and <sup>.99</sup>, a currency
in its own flex item, "Total: $" then the amount in <strong>.

The page is built the way React builds one: an empty root, then document.createElement
and appendChild of separate text nodes by script, after the load event.
"""

from __future__ import annotations

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.results import RunResult
from tests.e2e.page_server import run_on_pages

CART = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cart</title></head><body>
<main id="root"></main>
<script>
// React-style: every {expression} in JSX becomes its own text node.
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) el.setAttribute(key, value);
  for (const child of children) {
    el.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}
function App() {
  return h('div', {},
    h('h1', {}, 'Your cart'),
    h('table', {},
      h('tr', {},
        h('th', {scope: 'row'}, 'Trail Runner 2'),
        h('td', {}, '1'),
        h('td', {}, h('s', {}, '$', '39.99'), ' ', h('span', {'data-testid': 'line-price'}, '$', '29.99'))),
      h('tr', {},
        h('th', {scope: 'row'}, 'Rain Shell'),
        h('td', {}, '1'),
        h('td', {}, h('span', {class: 'price'}, h('span', {class: 'currency'}, '$'), '19', h('sup', {}, '.99'))))),
    h('dl', {},
      h('dt', {}, 'Subtotal'),
      h('dd', {}, h('div', {style: 'display:flex;gap:2px'}, h('span', {}, '$'), h('span', {}, '49.98'))),
      h('dt', {}, 'Shipping'),
      h('dd', {}, '$', '4.50')),
    h('p', {}, 'Total: $', h('strong', {}, '54.48')),
    h('p', {}, 'Gift card ', h('span', {}, '29,99', ' €')),
    h('p', {}, 'Order ', 'NW-100234'));
}
window.addEventListener('load', () => document.getElementById('root').appendChild(App()));
</script>
</body></html>"""

JOURNEY = """
journey: Read a client-rendered cart
stages:
  purchase:
    - goto: /cart
"""


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    folder = tmp_path_factory.mktemp("split-prices")
    return analyse(run_on_pages({"/cart": ("text/html", CART)}, JOURNEY, folder))


def test_split_prices_are_read_with_their_labels(result: RunResult) -> None:
    snapshot = result.runs[0].steps[0].snapshot
    assert snapshot is not None and snapshot.content is not None, snapshot and snapshot.errors
    seen = [(p.text, p.value, p.label, p.row, p.struck) for p in snapshot.content.prices]
    assert seen == [
        ("$39.99", 39.99, "Trail Runner 2", 0, True),
        ("$29.99", 29.99, "Trail Runner 2", 0, False),
        ("$19.99", 19.99, "Rain Shell", 1, False),
        ("$49.98", 49.98, "Subtotal", None, False),
        ("$4.50", 4.5, "Shipping", None, False),
        ("$54.48", 54.48, "Total:", None, False),
        ("29,99 €", 29.99, "Gift card", None, False),
    ]  # not the quantities "1", not the order number
    line = next(p for p in snapshot.content.prices if p.testid == "line-price")
    assert line.value == 29.99


def test_price_arithmetic_is_measured_on_the_split_prices(result: RunResult) -> None:
    outcomes = [o for o in result.runs[0].outcomes if o.code == "CX-MSG-006"]
    assert [o.status for o in outcomes] == ["pass"]
