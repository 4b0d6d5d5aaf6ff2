"""The email checks, from a recorded ``wait_for_email`` step (no browser, no mailbox)."""

from __future__ import annotations

from typing import Any

from cxaudit.results import EmailImage, EmailLink, EmailRecord, JourneyRun
from tests.unit.checks.builders import evaluate, run, statuses, step

LINKS = "CX-TRUST-050"
TEXT = "CX-A11Y-050"
ARRIVAL = "CX-PERF-050"
ALT = "CX-A11Y-051"


def _run(**email: Any) -> tuple[JourneyRun, int]:
    record = EmailRecord(subject="Your order NW-1", own_hosts=["127.0.0.1"], **email)
    waited = step(1, action="wait_for_email", stage="post-purchase").model_copy(
        update={"email": record}
    )
    return run([step(0), waited]), 1


def test_no_email_on_the_step_no_result() -> None:
    journey = run([step(0)])
    for code in (LINKS, TEXT, ARRIVAL, ALT):
        assert evaluate(code, (journey, 0)) == []


def test_links_that_answer_on_the_shops_own_host_pass() -> None:
    subject = _run(
        links=[
            EmailLink(href="http://127.0.0.1:8765/orders/NW-1", text="Track", status=200),
            EmailLink(href="mailto:help@shop.test", text="Mail us"),
        ]
    )
    assert statuses(evaluate(LINKS, subject)) == ["pass"]


def test_dead_unanswered_local_and_staging_links_fail() -> None:
    subject = _run(
        links=[
            EmailLink(href="http://127.0.0.1:8765/track/nw-1", text="Track", status=404),
            EmailLink(href="https://www.shop.com/x", text="X", error="net::ERR_NAME_NOT_RESOLVED"),
            EmailLink(href="http://localhost:3000/orders/1", text="Order", status=200),
            EmailLink(href="https://staging.shop.com/help", text="Help", status=200),
            EmailLink(href="https://www.shop.com/help", text="Help", status=301),
        ]
    )
    results = evaluate(LINKS, subject)
    assert statuses(results) == ["fail"] * 4
    messages = " ".join(r.message for r in results)
    assert "answers HTTP 404" in messages and "did not answer" in messages
    assert "localhost" in messages and "staging.shop.com" in messages
    # The order number is not part of what identifies the problem across runs.
    assert results[0].identity == "/track/nw-#"


def test_plain_text_part() -> None:
    assert statuses(evaluate(TEXT, _run(has_html=True, has_text=True))) == ["pass"]
    results = evaluate(TEXT, _run(has_html=True, has_text=False))
    assert statuses(results) == ["fail"] and "only an HTML part" in results[0].message


def test_arrival_against_the_budget_and_not_measured_without_a_start() -> None:
    assert statuses(evaluate(ARRIVAL, _run(delay_ms=900))) == ["pass"]
    late = evaluate(ARRIVAL, _run(delay_ms=200_000, caused_by="/order/NW-1/confirmation"))
    assert statuses(late) == ["fail"] and "200.0 s after /order/NW-1" in late[0].message
    assert statuses(evaluate(ARRIVAL, _run(delay_ms=900), budget_ms=500)) == ["fail"]
    assert statuses(evaluate(ARRIVAL, _run(delay_ms=None))) == ["error"]


def test_images_need_an_alt_attribute_but_may_be_decorative() -> None:
    ok = _run(images=[EmailImage(src="/logo.png", alt="Shop"), EmailImage(src="/s.gif", alt="")])
    assert statuses(evaluate(ALT, ok)) == ["pass"]
    results = evaluate(ALT, _run(images=[EmailImage(src="https://shop.test/logo.png")]))
    assert statuses(results) == ["fail"] and results[0].identity == "/logo.png"
    assert statuses(evaluate(ALT, _run())) == ["not_applicable"]


def test_a_web_pages_structure_is_not_asked_of_an_email() -> None:
    """An email shown as a step's page has no landmarks or skip link of its own to give:
    the fixed demo shop's confirmation was charged 'no main landmark' and 'no skip link'."""
    from cxaudit.artifacts import AxeResult, KeyboardWalk
    from cxaudit.checks.base import Status
    from tests.unit.checks.builders import evaluate, page, run, step

    def shown(path: str) -> object:
        snapshot = page(path).model_copy(
            update={
                "axe": AxeResult.model_validate(
                    {
                        "violations": [
                            {"id": "region", "impact": "moderate", "nodes": []},
                            {"id": "landmark-one-main", "impact": "moderate", "nodes": []},
                            {"id": "image-alt", "impact": "critical", "nodes": []},
                        ],
                        "passes": [],
                    }
                ),
                "keyboard": KeyboardWalk.model_validate(
                    {"stops": [{"selector": "a", "in_main": False}]}
                ),
            }
        )
        return (run([step(0, snapshot)]), 0)

    email = evaluate("CX-A11Y-001", shown("/__cxaudit/email/1"))
    assert [r.rule for r in email if r.status == Status.FAIL] == ["image-alt"]
    web = evaluate("CX-A11Y-001", shown("/checkout"))
    assert {r.rule for r in web if r.status == Status.FAIL} == {
        "region",
        "landmark-one-main",
        "image-alt",
    }
    (skip,) = evaluate("CX-A11Y-007", shown("/__cxaudit/email/1"))
    assert skip.status == Status.NOT_APPLICABLE
