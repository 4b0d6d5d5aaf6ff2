"""The email's own audits (axe-core at both widths, the layout at the phone width), judged
from drawings recorded in real Chromium (tests/data/record_email_renderings.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cxaudit.artifacts import AxeResult
from cxaudit.checks.base import Status
from cxaudit.results import EmailRecord, EmailRendering, JourneyRun, RunResult
from tests.unit.checks.builders import evaluate, page, result_of, run, statuses, step

RENDERINGS = Path(__file__).resolve().parents[2] / "data" / "emails" / "renderings"
ACCESSIBILITY = "CX-A11Y-052"
TAPS = "CX-USE-051"
FITS = "CX-USE-050"
AXE = "CX-A11Y-001"
EMAIL_VIEW = "/__cxaudit/email/smtp-1"


def drawn(name: str) -> list[EmailRendering]:
    data = json.loads((RENDERINGS / f"{name}.json").read_text(encoding="utf-8"))
    return [EmailRendering.model_validate(item) for item in data]


def _journey(renderings: list[EmailRendering], axe: dict[str, Any] | None = None) -> JourneyRun:
    """An order page, the wait that showed the message, and a step still reading it."""
    shown = page(EMAIL_VIEW).model_copy(
        update={"axe": AxeResult.model_validate(axe)} if axe is not None else {}
    )
    record = EmailRecord(subject="New arrivals", renderings=renderings)
    waited = step(1, shown, action="wait_for_email", stage="post-purchase")
    reading = step(2, shown, action="capture", stage="post-purchase")
    return run([step(0, page("/checkout")), waited.model_copy(update={"email": record}), reading])


def failed(results: list[Any]) -> dict[str, Any]:
    return {r.rule: r for r in results if r.status == Status.FAIL}


def test_axe_violations_of_the_drawings_are_reported_once_naming_the_widths() -> None:
    results = evaluate(ACCESSIBILITY, (_journey(drawn("cramped-newsletter")), 1))
    rules = failed(results)
    # The pale text, the missing lang, the cramped links...
    assert {"color-contrast", "html-has-lang", "target-size"} <= set(rules)
    # ...but not the image without alt: email-image-alt (CX-A11Y-051) reports it, once.
    assert "image-alt" not in rules
    # ...but not what a mail client's own page provides.
    assert not {"region", "landmark-one-main"} & set(rules)
    pale = rules["color-contrast"]
    assert "phone (375 px) and desktop (1280 px) widths" in pale.message
    assert pale.severity == "serious" and pale.weight == 7.0 and pale.identity == "color-contrast"
    # One piece of evidence per element, naming both widths, and no box: the box is a
    # place on the drawing, not on the step's screenshot.
    (text,) = pale.evidence
    assert text.values["width"] == "phone (375 px), desktop (1280 px)"
    assert text.box is None and text.html
    assert any(r.status == Status.PASS for r in results)


def test_a_clean_message_passes_every_rule() -> None:
    results = evaluate(ACCESSIBILITY, (_journey(drawn("order-confirmation")), 1))
    assert results and set(statuses(results)) == {"pass"}


def test_the_journey_page_showing_an_audited_email_is_left_to_the_email_check() -> None:
    axe = {"violations": [{"id": "image-alt", "impact": "critical", "nodes": []}], "passes": []}
    journey = _journey(drawn("cramped-newsletter"), axe)
    for index in (1, 2):  # the wait's page, and a later step still showing the message
        (result,) = evaluate(AXE, (journey, index))
        assert result.status == Status.NOT_APPLICABLE and "CX-A11Y-052" in result.message
    # Without audited drawings (an older results file, draw: false) the page is audited.
    unaudited = [d.model_copy(update={"audited": False, "axe": None}) for d in drawn("newsletter")]
    assert "image-alt" in failed(evaluate(AXE, (_journey(unaudited, axe), 1)))
    assert statuses(evaluate(ACCESSIBILITY, (_journey(unaudited, axe), 1))) == ["not_applicable"]
    assert statuses(evaluate(ACCESSIBILITY, (_journey([], axe), 1))) == ["not_applicable"]


def test_a_drawing_axe_could_not_audit_is_not_measured() -> None:
    broken = [
        d.model_copy(update={"axe": None, "errors": {"axe": "TimeoutError: "}})
        if d.name == "desktop"
        else d
        for d in drawn("order-confirmation")
    ]
    results = evaluate(ACCESSIBILITY, (_journey(broken), 1))
    errors = [r for r in results if r.status == Status.ERROR]
    assert len(errors) == 1 and "desktop (1280 px)" in errors[0].message
    assert any(r.status == Status.PASS for r in results)


def test_small_text_and_small_buttons_at_the_phone_width() -> None:
    rules = failed(evaluate(TAPS, (_journey(drawn("cramped-newsletter")), 1)))
    assert "legible-text" in rules and "phone (375 px) width" in rules["legible-text"].message
    assert all(e.box is None for e in rules["legible-text"].evidence)
    # The cramped links were reported by axe's target-size at that width: not charged again.
    assert "target-size-minimum" not in rules


def test_a_lone_link_is_a_touch_warning_on_a_phone() -> None:
    results = evaluate(TAPS, (_journey(drawn("order-confirmation")), 1))
    rules = failed(results)
    assert set(rules) == {"touch-target-size"}, rules
    assert rules["touch-target-size"].severity == "minor"
    assert "Track your order" in rules["touch-target-size"].message
    relaxed = evaluate(TAPS, (_journey(drawn("order-confirmation")), 1), touch_min_px=16)
    assert set(statuses(relaxed)) == {"pass"}


def test_without_a_layout_of_the_phone_drawing() -> None:
    unread = [
        d.model_copy(update={"layout": None, "errors": {"layout": "Error: gone"}})
        for d in drawn("cramped-newsletter")
    ]
    (result,) = evaluate(TAPS, (_journey(unread), 1))
    assert result.status == Status.ERROR and "gone" in result.message
    assert statuses(evaluate(TAPS, (_journey([]), 1))) == ["not_applicable"]
    # The fits-screen check then still judges the small text from its own measure, and
    # leaves it to email-tap-targets when the layout was read (not twice).
    assert "small-text" in {r.identity for r in evaluate(FITS, (_journey(unread), 1))}
    assert "small-text" not in {
        r.identity for r in evaluate(FITS, (_journey(drawn("cramped-newsletter")), 1))
    }


def test_an_older_results_file_reads_without_the_audits() -> None:
    old = {"name": "phone", "width": 375, "scroll_width": 375, "screenshot": "s.jpg"}
    rendering = EmailRendering.model_validate(old)
    assert not rendering.audited and rendering.axe is None and rendering.errors == {}
    assert rendering.measures()["screenshot"] == "s.jpg" and "axe" not in rendering.measures()
    journey = _journey([rendering])
    again = RunResult.model_validate_json(result_of(journey).model_dump_json())
    assert again.runs[0].steps[1].email.renderings[0] == rendering  # type: ignore[union-attr]


def test_the_drawings_audits_go_to_the_evidence_file_and_come_back(tmp_path: Path) -> None:
    from cxaudit.results import read_results, write_results

    journey = _journey(drawn("cramped-newsletter"))
    result = RunResult(run_id="r", started_at="t", runs=[journey])
    path = tmp_path / "results.json"
    write_results(result, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    drawings = written["runs"][0]["steps"][1]["email"]["renderings"]
    assert drawings and all(d["audited"] for d in drawings)
    assert not any("axe" in d or "layout" in d for d in drawings)
    back = read_results(path, need_evidence=True)
    assert back.runs[0].steps[1].email == journey.steps[1].email
    assert back.runs[0].steps[1].email.renderings[0].axe is not None
