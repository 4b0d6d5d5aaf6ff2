"""Message-consistency checks, from recorded demo runs and small built pages."""

from __future__ import annotations

from cxaudit.results import RunResult
from tests.unit.checks.builders import (
    analysed,
    evaluate,
    page,
    price,
    result_of,
    run,
    statuses,
    step,
)

FLAWED = "demo-flawed-consistency-and-speed.json"
FIXED = "demo-fixed-consistency-and-speed.json"


def _findings(result: RunResult, code: str) -> list:
    return [f for f in result.all_findings() if f.code == code]


def _url(result: RunResult, journey: str, channel: str, index: int) -> str:
    r = next(r for r in result.runs if r.journey == journey and r.channel == channel)
    snapshot = r.steps[index].snapshot
    return snapshot.url if snapshot else ""


# -- recorded runs ------------------------------------------------------------


def test_recorded_flawed_shop_price_mismatch_is_named_with_both_places() -> None:
    result = analysed(FLAWED)
    found = _findings(result, "CX-MSG-001")
    assert {f.channel for f in found} == {"desktop", "mobile"}
    for f in found:
        assert f.status == "fail" and f.stage == "purchase"
        assert _url(result, f.journey, f.channel, f.step).endswith("/cart")
        assert "€94.00" in f.message and "€89.00" in f.message
        assert "/product/trail-runner-2" in f.message and "/cart" in f.message
        values = f.evidence[0].values
        assert (values["value"], values["expected"]) == ("€94.00", "€89.00")


def test_recorded_flawed_shop_hidden_cost_and_promise_drift() -> None:
    result = analysed(FLAWED)
    hidden = _findings(result, "CX-MSG-007")
    assert {f.channel for f in hidden} == {"desktop", "mobile"}
    for f in hidden:
        urls = {_url(result, f.journey, f.channel, i) for i in f.seen_on_steps}
        assert any(u.endswith("/checkout") for u in urls) and any(u.endswith("/cart") for u in urls)
        assert "Free delivery on every order" in f.message and "€4.95" in f.message
    drift = _findings(result, "CX-MSG-009")
    assert {f.channel for f in drift} == {"desktop", "mobile"}
    for f in drift:
        assert "/confirmation" in _url(result, f.journey, f.channel, f.step)
        assert f.evidence[0].values["time_frame"] == "5 days"
        assert f.evidence[0].values["first_time_frame"] == "2-3 working days"


def test_recorded_fixed_shop_is_consistent() -> None:
    result = analysed(FIXED)
    assert not [f for f in result.all_findings() if f.category == "consistency"]
    outcomes = [o for r in result.runs for o in r.outcomes] + list(result.outcomes)
    passed = {o.code for o in outcomes if o.category == "consistency" and o.status == "pass"}
    # every check with something to judge on the fixed shop passed
    assert {
        "CX-MSG-001",
        "CX-MSG-002",
        "CX-MSG-003",
        "CX-MSG-005",
        "CX-MSG-006",
        "CX-MSG-007",
        "CX-MSG-009",
    } <= passed


def test_recorded_runs_have_no_channel_drift_despite_different_order_numbers() -> None:
    for name in (FLAWED, FIXED):
        result = analysed(name)
        assert not _findings(result, "CX-MSG-005")
        numbers = {
            c.text for r in result.runs for s in r.steps for c in s.captures if c.name == "order"
        }
        assert len(numbers) in (0, 2)


# -- captured values (CX-MSG-001) ----------------------------------------------


def test_captures_compare_as_numbers_and_as_reader_text() -> None:
    rules = {"messages": {"must_match": ["price", "promise"]}}
    a = run(
        [
            step(0, page("/p"), captures=[("price", "€1,234.50"), ("promise", "2-3 working days")]),
            step(
                1, page("/c"), captures=[("price", "1234.5 EUR"), ("promise", " 2-3  Working Days")]
            ),
        ],
        rules=rules,
    )
    assert statuses(evaluate("CX-MSG-001", result_of(a))) == ["pass", "pass"]


def test_capture_groups_and_channels_are_compared_with_the_first_value() -> None:
    rules = {"messages": {"must_match": [["cart_total", "order_total"]]}}
    desktop = run(
        [
            step(0, page("/cart"), captures=[("cart_total", "€98.95")]),
            step(1, page("/done"), stage="post-purchase", captures=[("order_total", "€98.95")]),
        ],
        rules=rules,
    )
    mobile = run(
        [
            step(0, page("/cart"), captures=[("cart_total", "€98.95")]),
            step(1, page("/done"), stage="post-purchase", captures=[("order_total", "€103.90")]),
        ],
        rules=rules,
        channel="mobile",
    )
    results = evaluate("CX-MSG-001", result_of(desktop, mobile))
    assert statuses(results) == ["fail"]
    failure = results[0]
    assert (failure.channel, failure.step, failure.stage) == ("mobile", 1, "post-purchase")
    assert "order_total is “€103.90”" in failure.message and "“€98.95”" in failure.message
    assert "on desktop" in failure.message and "on mobile" in failure.message


def test_secret_captures_are_compared_but_never_shown() -> None:
    from cxaudit.results import Capture

    first = step(0, page("/a"))
    second = step(1, page("/b"))
    first = first.model_copy(update={"captures": [Capture(name="code", text="A1", secret=True)]})
    second = second.model_copy(update={"captures": [Capture(name="code", text="B2", secret=True)]})
    results = evaluate(
        "CX-MSG-001", result_of(run([first, second], rules={"messages": {"must_match": ["code"]}}))
    )
    assert statuses(results) == ["fail"]
    assert "A1" not in results[0].message and "B2" not in results[0].message
    assert results[0].evidence[0].values["value"] is None


def test_a_value_captured_once_has_nothing_to_compare() -> None:
    one = run(
        [step(0, page(), captures=[("price", "€5")])], rules={"messages": {"must_match": ["price"]}}
    )
    assert statuses(evaluate("CX-MSG-001", result_of(one))) == ["not_applicable"]


def test_a_labelled_amount_matches_the_bare_amount() -> None:
    """Issue 16: "Item total: $29.99" and "$29.99" are the same price, not a mismatch."""
    same = run(
        [
            step(0, page("/p"), captures=[("price", "$29.99")]),
            step(1, page("/cart"), captures=[("cart_price", "Item total: $29.99")]),
        ],
        rules={"messages": {"must_match": [["price", "cart_price"]]}},
    )
    assert statuses(evaluate("CX-MSG-001", result_of(same))) == ["pass"]
    drift = run(
        [
            step(0, page("/p"), captures=[("price", "$29.99")]),
            step(1, page("/cart"), captures=[("cart_price", "Item total: $34.99")]),
        ],
        rules={"messages": {"must_match": [["price", "cart_price"]]}},
    )
    assert statuses(evaluate("CX-MSG-001", result_of(drift))) == ["fail"]


def test_a_name_captured_once_suggests_the_group_to_write() -> None:
    """``must_match: [price]`` with the cart's price captured as ``cart_price`` compares
    nothing (defect 4): the outcome says which group would."""
    one = run(
        [
            step(0, page("/p"), captures=[("price", "€89.00")]),
            step(1, page("/cart"), captures=[("cart_price", "€94.00")]),
        ],
        rules={"messages": {"must_match": ["price"]}},
    )
    results = evaluate("CX-MSG-001", result_of(one))
    assert statuses(results) == ["not_applicable"]
    assert "must_match: [[price, cart_price]]" in results[0].message


def test_broken_rules_in_a_results_file_are_an_error_not_a_crash() -> None:
    bad = run([step(0, page())], rules={"messages": {"must_match": [["lonely"]]}})
    results = evaluate("CX-MSG-001", result_of(bad))
    assert statuses(results) == ["error"] and "must_match" in results[0].message


# -- required messages (CX-MSG-002) --------------------------------------------


def test_required_messages_per_stage_and_channel() -> None:
    rules = {
        "messages": {
            "required": [
                {"text": "30-day free returns", "stages": ["purchase"]},
                {"pattern": r"order number is NW-\d+", "stages": ["post-purchase"]},
                {"text": "Download our app", "channels": ["mobile"]},
            ]
        }
    }
    steps = [
        step(0, page("/cart", text="Cart\n30-DAY FREE  returns, no questions"), stage="purchase"),
        step(1, page("/done", text="Thanks! Your order is NW-1"), stage="post-purchase"),
    ]
    results = evaluate("CX-MSG-002", run(steps, rules=rules))
    assert statuses(results) == ["pass", "fail"]
    assert (
        results[1].stage == "post-purchase"
        and "not shown in stage post-purchase" in results[1].message
    )
    mobile = evaluate("CX-MSG-002", run(steps, rules=rules, channel="mobile"))
    assert statuses(mobile) == ["pass", "fail", "fail"]
    assert "Download our app" in mobile[2].message and "the journey" in mobile[2].message


# -- forbidden text (CX-MSG-003) -----------------------------------------------


def test_leaked_template_tokens_are_found_with_context() -> None:
    text = "Trail Runner 2\nPrice: {{ product.price }}\nShips in undefined days\n[object Object]"
    results = evaluate("CX-MSG-003", (run([step(0, page(text=text))]), 0))
    assert statuses(results) == ["fail"]
    found = {e.values["found"] for e in results[0].evidence}
    assert found == {"template token {{", "undefined", "[object Object]"}
    assert "Price: {{ product.price }}" in results[0].message


def test_ordinary_words_are_not_taken_for_tokens() -> None:
    text = "Nancy nullified the order. Undefined-length straps. 100% cotton."
    assert statuses(evaluate("CX-MSG-003", (run([step(0, page(text=text))]), 0))) == ["pass"]


def test_forbidden_words_from_the_journey_and_the_options() -> None:
    rules = {
        "messages": {"forbidden": [{"text": "Northwind Outfiters"}, {"pattern": "TODO|FIXME"}]}
    }
    r = run([step(0, page(text="Welcome to northwind outfiters! TODO: copy"))], rules=rules)
    results = evaluate("CX-MSG-003", (r, 0), extra=["copy"])
    assert {e.values["found"] for e in results[0].evidence} == {
        "“Northwind Outfiters”",
        "/TODO|FIXME/",
        "“copy”",
    }
    plain = run([step(0, page(text="Lorem ipsum dolor"))])
    assert statuses(evaluate("CX-MSG-003", (plain, 0), builtin=False)) == ["pass"]


# -- glossary (CX-MSG-004) -----------------------------------------------------


def test_glossary_variants_lower_case_any_casing_capitals_exact() -> None:
    glossary = {"preferred": {"email": ["e-mail"], "Northwind": ["NorthWind"]}}
    text = "Send us an E-Mail or e-mail. NorthWind and Northwind. Our emails."
    results = evaluate("CX-MSG-004", (run([step(0, page(text=text))]), 0), glossary=glossary)
    assert statuses(results) == ["fail"]
    counts = {e.values["found"]: e.values["count"] for e in results[0].evidence}
    assert counts == {"e-mail": 2, "NorthWind": 1}
    clean = run([step(0, page(text="Email Northwind"))])
    assert statuses(evaluate("CX-MSG-004", (clean, 0), glossary=glossary)) == ["pass"]
    assert evaluate("CX-MSG-004", (clean, 0)) == []  # no glossary: nothing to judge


# -- channel drift (CX-MSG-005) ------------------------------------------------


def test_channel_drift_lists_differences_side_by_side() -> None:
    def steps(cta: str, amount: str, status: str = "passed") -> list:
        return [
            step(
                0, page("/p", headings=["Order NW-100234"], ctas=[cta], prices=[price("", amount)])
            ),
            step(1, page("/c", text="Delivered in 2-3 working days"), status=status),
        ]

    desktop = run(steps("Add to cart", "€89.00"))
    mobile = run(steps("Buy now", "€94.00", status="failed"), channel="mobile")
    mobile = mobile.model_copy(
        update={
            "steps": [
                mobile.steps[0].model_copy(
                    update={
                        "snapshot": page(
                            "/p",
                            headings=["Order NW-100999"],
                            ctas=["Buy now"],
                            prices=[price("", "€94.00")],
                        )
                    }
                ),
                mobile.steps[1],
            ]
        }
    )
    results = evaluate("CX-MSG-005", result_of(desktop, mobile))
    assert statuses(results) == ["fail", "fail"]
    first = {e.values["aspect"]: e.values for e in results[0].evidence}
    assert set(first) == {"calls to action", "prices"}  # order numbers are not a difference
    assert first["prices"] == {"aspect": "prices", "desktop": ["89.00"], "mobile": ["94.00"]}
    assert results[1].evidence[0].values == {
        "aspect": "step done",
        "desktop": "passed",
        "mobile": "failed",
    }
    assert results[0].channel == "mobile" and results[0].step == 0


# -- price arithmetic (CX-MSG-006) ---------------------------------------------


def _basket(*prices: object) -> list:
    return evaluate("CX-MSG-006", (run([step(0, page("/cart", prices=prices))]), 0))


def test_a_basket_that_adds_up_passes() -> None:
    results = _basket(
        price("Trail Runner 2", "€94.00", row=0),
        price("Trail Runner 2", "€94.00", row=0),
        price("Rain Shell", "€99.00", row=1),
        price("Subtotal", "€193.00"),
        price("Shipping", "€4.95"),
        price("VAT (included)", "€33.50"),
        price("Discount", "-€10.00"),
        price("Total", "€187.95"),
    )
    assert statuses(results) == ["pass"]


def test_a_total_that_does_not_add_up_fails_with_its_breakdown() -> None:
    results = _basket(
        price("Subtotal", "€94.00"), price("Shipping", "€4.95"), price("Total", "€94.00")
    )
    assert statuses(results) == ["fail"]
    assert "subtotal 94.00 + Shipping 4.95 = 98.95" in results[0].message
    assert results[0].evidence[0].values["expected"] == 98.95


def test_lines_are_added_when_there_is_no_subtotal_and_old_prices_ignored() -> None:
    results = _basket(
        price("Jacket", "€120.00", row=0, struck=True),
        price("Jacket", "€99.00", row=0),
        price("Boot", "€1.234,50", row=1),
        price("Grand total", "€1,333.50"),
    )
    assert statuses(results) == ["pass"]
    assert _basket(price("Total paid", "€98.95")) == []  # nothing to add up


# -- hidden cost (CX-MSG-007) and drip pricing (CX-MSG-008) --------------------


def _shop(banner: str, shipping: str, subtotal: str = "€40.00") -> RunResult:
    home = step(0, page("/", text=banner), stage="pre-purchase")
    total = f"€{float(subtotal[1:]) + float(shipping[1:]):.2f}"
    cart = step(
        1,
        page(
            "/cart",
            prices=[
                price("Subtotal", subtotal),
                price("Shipping", shipping),
                price("Total", total),
            ],
        ),
    )
    return result_of(run([home, cart]))


def test_shipping_charged_after_a_free_delivery_promise_fails() -> None:
    results = evaluate("CX-MSG-007", _shop("Free delivery on every order", "€4.95"))
    assert statuses(results) == ["fail"]
    assert (
        results[0].step == 1 and "“Free delivery on every order” was promised" in results[0].message
    )


def test_free_delivery_thresholds_and_kept_promises_pass() -> None:
    below = _shop("Free shipping on orders over €50", "€4.95", subtotal="€40.00")
    assert statuses(evaluate("CX-MSG-007", below)) == ["pass"]
    above = _shop("Free shipping on orders over €50", "€4.95", subtotal="€60.00")
    assert statuses(evaluate("CX-MSG-007", above)) == ["fail"]
    kept = _shop("Free delivery on every order", "€0.00")
    assert statuses(evaluate("CX-MSG-007", kept)) == ["pass"]
    silent = _shop("Welcome", "€4.95")
    assert evaluate("CX-MSG-007", silent) == []


def test_a_fee_that_first_appears_at_checkout_is_drip_pricing() -> None:
    cart = step(
        0,
        page(
            "/cart",
            prices=[
                price("Subtotal", "€50.00"),
                price("Shipping", "€4.95"),
                price("Total", "€54.95"),
            ],
        ),
    )
    checkout = step(
        1,
        page(
            "/checkout",
            prices=[
                price("Subtotal", "€50.00"),
                price("Shipping", "€4.95"),
                price("Service fee", "€2.50"),
                price("Total", "€57.45"),
            ],
        ),
    )
    results = evaluate("CX-MSG-008", run([cart, checkout]))
    assert statuses(results) == ["fail"]
    assert results[0].step == 1 and "Service fee €2.50 first appears" in results[0].message
    assert statuses(evaluate("CX-MSG-008", run([cart, cart.model_copy(update={"index": 1})]))) == [
        "pass"
    ]


# -- promise drift (CX-MSG-009) ------------------------------------------------


def test_the_same_promise_in_other_words_is_not_drift() -> None:
    steps = [
        step(0, page("/", text="Delivered in 2-3 working days")),
        step(1, page("/p", text="Delivery: 2–3 working days to your door")),
    ]
    assert statuses(evaluate("CX-MSG-009", run(steps))) == ["pass"]
    steps.append(step(2, page("/c", text="Your parcel arrives next-day")))
    results = evaluate("CX-MSG-009", run(steps))
    assert statuses(results) == ["fail"] and results[0].step == 2


# -- readability (CX-MSG-010) --------------------------------------------------

EASY = " ".join(
    ["We pack your shoes today. You get them in two days. Send them back for free."] * 5
)
HARD = " ".join(
    [
        "Notwithstanding contractual stipulations, reimbursement eligibility necessitates "
        "comprehensive documentation demonstrating unutilised merchandise conditionality."
    ]
    * 5
)


def test_readability_is_informative_per_stage() -> None:
    steps = [
        step(0, page("/", text=EASY), stage="pre-purchase"),
        step(1, page("/terms", text=HARD), stage="purchase"),
        step(2, page("/done", text="Thanks!"), stage="post-purchase"),
    ]
    results = evaluate("CX-MSG-010", run(steps))
    assert statuses(results) == ["pass", "informative", "not_applicable"]
    assert all(r.weight == 0 for r in results[:2])
    assert (
        results[0].evidence[0].values["reading_ease"]
        > 60
        > results[1].evidence[0].values["reading_ease"]
    )
    strict = evaluate("CX-MSG-010", run(steps), target=200)
    assert statuses(strict)[0] == "informative"
    japanese = evaluate("CX-MSG-010", run([step(0, page(text=EASY, lang="ja"))]))
    assert statuses(japanese) == ["not_applicable"] and "ja" in japanese[0].message


# -- nothing read where a total is expected: not measured (issue 16) ----------


def test_a_checkout_page_with_no_total_read_is_not_measured() -> None:
    """A checkout whose prices could not be read (0 prices, as on a client-rendered
    shop before issue 16) is "not measured", not silently no outcome."""
    checkout = run([step(0, page("/checkout"), stage="purchase")])
    results = evaluate("CX-MSG-006", (checkout, 0))
    assert statuses(results) == ["error"]
    assert "not measured: no total was read" in results[0].message
    assert "cart or checkout" in results[0].message and "0 price(s)" in results[0].message
    drip = evaluate("CX-MSG-008", checkout)
    assert statuses(drip) == ["error"] and "/checkout" in drip[0].message


def test_a_captured_total_with_no_total_read_is_not_measured() -> None:
    confirmation = run(
        [step(0, page("/thanks"), stage="post-purchase", captures=[("order_total", "$54.48")])]
    )
    results = evaluate("CX-MSG-006", (confirmation, 0))
    assert statuses(results) == ["error"] and "order_total" in results[0].message


def test_a_page_with_no_total_by_nature_is_not_applicable() -> None:
    """A search or product page has no total: nothing to measure, and no "not measured"."""
    browsing = run(
        [
            step(
                0, page("/search", prices=[price("Trail Runner 2", "€89.00")]), stage="pre-purchase"
            ),
            step(1, page("/product/trail-runner-2"), stage="purchase"),
        ]
    )
    assert evaluate("CX-MSG-006", (browsing, 0)) == []
    assert evaluate("CX-MSG-006", (browsing, 1)) == []
    assert evaluate("CX-MSG-008", browsing) == []
