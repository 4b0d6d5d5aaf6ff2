"""The email as a touchpoint of the journey map, rendered from recorded results (no browser)."""

from __future__ import annotations

from cxaudit.report import ReportOptions, render_html
from cxaudit.report.view import Assets, journey_map
from cxaudit.results import EmailRecord, RunResult, StepResult
from tests.data.demo_results import DEMO, recorded
from tests.unit.test_report import parse

EVIL = '<script>alert(1)</script>Your order <img src=x onerror="alert(2)">'


def _with_email(result: RunResult) -> tuple[RunResult, StepResult]:
    """The first run's last two steps become a wait for the order email and a read of it."""
    run = result.runs[0]
    *web, waited, read = run.steps
    origin = "http://127.0.0.1:8765"
    shown = waited.snapshot.model_copy(  # type: ignore[union-attr]
        update={"url": f"{origin}/__cxaudit/email/smtp-7"}
    )
    email = EmailRecord(
        mailbox="SMTP sink on 127.0.0.1:2525",
        sender="Northwind <orders@northwind.test>",
        subject=EVIL,
        has_html=True,
        delay_ms=212.0,
    )
    waited = waited.model_copy(
        update={"action": "wait_for_email", "email": email, "snapshot": shown}
    )
    read = read.model_copy(update={"action": "capture", "snapshot": shown})
    runs = [run.model_copy(update={"steps": [*web, waited, read]}), *result.runs[1:]]
    return result.model_copy(update={"runs": runs}), waited


def test_the_email_steps_are_email_touchpoints_on_the_journey_map() -> None:
    result, waited = _with_email(recorded())
    run = result.runs[0]
    cards = [card for lane in journey_map(run, run.findings, Assets(DEMO)) for card in lane.cards]
    assert [c.touchpoint for c in cards][-3:] == ["web", "email", "email"]
    assert {c.touchpoint for c in cards[:-2]} == {"web"}

    page = render_html(result, ReportOptions(), Assets(DEMO))[f"{run.channel}.html"]
    touch = [
        attrs
        for tag, attrs in parse(page).tags
        if tag == "li" and attrs.get("data-touchpoint") == "email"
    ]
    assert [a["id"].rsplit("-s", 1)[1] for a in touch] == [
        str(waited.index + 1),
        str(waited.index + 2),
    ]
    assert all("touchpoint-email" in (a.get("class") or "") for a in touch)
    assert "SMTP sink on 127.0.0.1:2525" in page and "arrived after" in page
    # The subject is the sender's text: shown, never run.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;Your order" in page
    for tag, attrs in parse(page).tags:
        assert tag != "script"
        assert not any(name.startswith("on") for name in attrs), attrs


def test_web_steps_stay_web_touchpoints() -> None:
    run = recorded().runs[0]
    assert {s.touchpoint for s in run.steps} == {"web"}
