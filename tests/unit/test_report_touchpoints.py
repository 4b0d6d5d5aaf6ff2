"""The email as a touchpoint of the journey map, rendered from recorded results (no browser)."""

from __future__ import annotations

from cxaudit.analysis.scoring import scorecard
from cxaudit.report import ReportOptions, render_html
from cxaudit.report.view import (
    Assets,
    channel_matrix,
    channel_names,
    email_cells,
    email_column,
    journey_map,
    profile_of,
)
from cxaudit.results import EmailRecord, EmailRendering, RunResult, StepResult
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


def _drawn(result: RunResult) -> tuple[RunResult, StepResult]:
    """As _with_email, the wait's message drawn at both widths (one picture's name hostile)."""
    result, waited = _with_email(result)
    assert waited.email is not None
    email = waited.email.model_copy(
        update={
            "renderings": [
                EmailRendering(name="phone", width=375, screenshot="screenshots/m-email-phone.jpg"),
                EmailRendering(name="desktop", width=1280, screenshot="../../etc/passwd"),
            ]
        }
    )
    run = result.runs[0]
    steps = [
        s.model_copy(update={"email": email}) if s.index == waited.index else s for s in run.steps
    ]
    runs = [run.model_copy(update={"steps": steps}), *result.runs[1:]]
    return result.model_copy(update={"runs": runs}), steps[waited.index]


def test_the_email_cards_show_the_message_drawn_at_each_width() -> None:
    result, waited = _drawn(recorded())
    run = result.runs[0]
    cards = [c for lane in journey_map(run, run.findings, Assets(DEMO)) for c in lane.cards]
    card = next(c for c in cards if c.step.index == waited.index)
    # The picture whose name leaves the report folder is not linked.
    assert [(d.href, d.label) for d in card.drawings] == [
        ("screenshots/m-email-phone.jpg", "phone, 375 px")
    ]
    assert all(not c.drawings for c in cards if c is not card)
    page = render_html(result, ReportOptions(), Assets(DEMO))[f"{run.channel}.html"]
    images = [a for tag, a in parse(page).tags if tag == "img"]
    (phone,) = [a for a in images if a.get("src") == "screenshots/m-email-phone.jpg"]
    assert phone["alt"].startswith("The email “<script>alert(1)</script>Your order")
    assert "phone width (375 px)" in phone["alt"]
    assert not [a for a in images if "passwd" in (a.get("src") or "")]
    assert "&lt;script&gt;alert(1)" in page and "<script>alert(1)" not in page


def test_the_overview_has_an_email_column_beside_the_channels() -> None:
    result, waited = _with_email(recorded())
    run = result.runs[0]
    column = email_column(result)
    assert column is not None and column["runs"] == 1
    steps = {waited.index, waited.index + 1}
    mine = [o for o in run.outcomes if o.step in steps]
    assert mine, "the recorded steps have outcomes"
    expected = scorecard(mine, profile_of(result)).as_dict()["overall"]
    assert column["overall"] == expected
    rows = channel_matrix(result, channel_names(result))
    assert rows[0].email is not None and rows[0].email.score == expected
    stages = {row.label: row.email for row in rows if row.kind == "stage"}
    assert stages.pop(f"Stage: {waited.stage}") is not None
    # The stages no email was met in: an empty cell, not "not measured".
    assert stages and all(cell is None for cell in stages.values())
    # The web channels' scores are as before: the email column is not a channel.
    assert [g.score for g in rows[0].cells] == [
        g.score for g in channel_matrix(recorded(), channel_names(result))[0].cells
    ]
    index = render_html(result, ReportOptions(), Assets(DEMO))["index.html"]
    text = " ".join(" ".join(parse(index).text).split())
    assert "email (touchpoint)" in text
    assert "not once more in the overall score" in text
    # The journeys table: the journey that met the email has its email cell...
    cells = email_cells(result)
    assert set(cells) == {run.journey}
    cell = cells[run.journey]
    assert cell.messages == 1 and cell.slowest_ms == 212.0 and cell.score == expected
    assert "1 message · slowest arrival 212 ms" in text
    # ...the others say they met none.
    assert text.count("no email") == len({r.journey for r in result.runs}) - 1


def test_no_email_column_when_no_journey_met_an_email() -> None:
    result = recorded()
    assert email_column(result) is None and email_cells(result) == {}
    assert all(row.email is None for row in channel_matrix(result, channel_names(result)))
    index = render_html(result, ReportOptions(), Assets(DEMO))["index.html"]
    assert 'class="touchpoint-email"' not in index and "(touchpoint)" not in index
