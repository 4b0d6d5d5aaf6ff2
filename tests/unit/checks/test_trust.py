"""Trust and support checks, from recorded demo runs and small built pages."""

from __future__ import annotations

from cxaudit.results import FormInfo
from tests.unit.checks.builders import analysed, evaluate, page, price, run, statuses, step

FOOTER = [
    ("returns", "Returns", "/support#returns"),
    ("privacy", "Privacy", "/privacy"),
    ("contact", "Contact us", "/support#contact"),
]
CHECKOUT_FORM = FormInfo(method="post", fields=6, personal=True, payment=True)


def test_recorded_demo_shop_passes_every_trust_check() -> None:
    for name in ("demo-flawed-consistency-and-speed.json", "demo-fixed-consistency-and-speed.json"):
        result = analysed(name)
        assert not [f for f in result.all_findings() if f.category == "trust"]
        passed = {
            o.code
            for r in result.runs
            for o in r.outcomes
            if o.category == "trust" and o.status == "pass"
        }
        assert passed == {
            "CX-TRUST-001",
            "CX-TRUST-002",
            "CX-TRUST-003",
            "CX-TRUST-004",
            "CX-TRUST-005",
        }


def test_support_must_be_reachable_in_every_stage() -> None:
    steps = [
        step(0, page("/", links=FOOTER), stage="pre-purchase"),
        step(1, page("/cart"), stage="purchase"),
        step(2, page("/checkout", links=[("support", "Help", "/help")]), stage="purchase"),
        step(3, page("/done"), stage="post-purchase"),
    ]
    results = evaluate("CX-TRUST-001", run(steps))
    assert statuses(results) == ["pass", "pass", "fail"]
    assert results[2].stage == "post-purchase" and results[2].step == 3


def test_returns_policy_must_come_before_the_payment_page() -> None:
    pay = step(2, page("/checkout", forms=[CHECKOUT_FORM]))
    late = step(3, page("/done", links=[("returns", "Returns", "/returns")]), stage="post-purchase")
    none_before = run([step(0, page("/p")), step(1, page("/cart")), pay, late])
    results = evaluate("CX-TRUST-002", none_before)
    assert statuses(results) == ["fail"] and results[0].step == 2
    stated = run([step(0, page("/p", text="30-day free returns on all shoes")), pay])
    assert statuses(evaluate("CX-TRUST-002", stated)) == ["pass"]
    browsing_only = run([step(0, page("/p"), stage="pre-purchase")])
    assert evaluate("CX-TRUST-002", browsing_only) == []


def test_confirmation_needs_number_total_and_next_steps() -> None:
    pay = step(0, page("/checkout", forms=[CHECKOUT_FORM]))
    good = step(
        1,
        page(
            "/order/NW-1/confirmation",
            title="Thank you for your order",
            headings=["Thank you for your order"],
            text="Your order number is NW-100234.\nWe email you when it ships.",
            prices=[price("Total paid", "€98.95")],
        ),
        stage="post-purchase",
    )
    assert statuses(evaluate("CX-TRUST-003", run([pay, good]))) == ["pass"]
    bare = step(1, page("/ok", headings=["Order confirmed"], text="Thanks!"), stage="post-purchase")
    results = evaluate("CX-TRUST-003", run([pay, bare]))
    assert statuses(results) == ["fail"]
    assert "order number, total, what happens next" in results[0].message
    assert evaluate("CX-TRUST-003", run([pay])) == []  # no confirmation reached


def test_plain_http_and_mixed_content_are_not_secure() -> None:
    loopback = run([step(0, page("/", origin="http://127.0.0.1:8765"))])
    assert statuses(evaluate("CX-TRUST-004", (loopback, 0))) == ["pass"]
    local = run([step(0, page("/", origin="http://shop.localhost:8000"))])
    assert statuses(evaluate("CX-TRUST-004", (local, 0))) == ["pass"]
    plain = run([step(0, page("/", origin="http://shop.example"))])
    results = evaluate("CX-TRUST-004", (plain, 0))
    assert statuses(results) == ["fail"] and "plain HTTP" in results[0].message
    mixed = run(
        [step(0, page("/", origin="https://shop.example", insecure=["http://cdn.example/a.js"]))]
    )
    results = evaluate("CX-TRUST-004", (mixed, 0))
    assert statuses(results) == ["fail"] and "http://cdn.example/a.js" in results[0].message


def test_forms_with_personal_data_need_a_privacy_link() -> None:
    contact = FormInfo(method="post", fields=3, personal=True)
    search = FormInfo(fields=1, search=True)
    without = run([step(0, page("/support", forms=[contact, search]))])
    assert statuses(evaluate("CX-TRUST-005", (without, 0))) == ["fail"]
    with_link = run([step(0, page("/support", forms=[contact], links=FOOTER))])
    assert statuses(evaluate("CX-TRUST-005", (with_link, 0))) == ["pass"]
    search_only = run([step(0, page("/", forms=[search]))])
    assert evaluate("CX-TRUST-005", (search_only, 0)) == []
