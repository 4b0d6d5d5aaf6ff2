"""What the report's tiles and step cards say, from the recorded demo run."""

from __future__ import annotations

import pytest

from cxaudit.analysis.scoring import band, capped_band
from cxaudit.report import render_html
from cxaudit.report.summary import console_summary
from cxaudit.report.view import Assets, findings_of_run, journey_map, stats
from cxaudit.results import Finding, RunResult
from tests.data.demo_results import recorded
from tests.unit.test_report import _text


def _with_review_item(result: RunResult) -> RunResult:
    """One axe "incomplete" rule (CX-A11Y-002): a question for a person."""
    run = result.runs[0]
    item = Finding(
        code="CX-A11Y-002",
        slug="axe-needs-review",
        rule="color-contrast",
        category="accessibility",
        status="informative",
        severity="info",
        title="Needs review: Elements must meet minimum color contrast ratio thresholds",
        message="axe could not decide on these elements; a person should check them",
        journey=run.journey,
        channel=run.channel,
        step=0,
        fingerprint="r" * 16,
    )
    runs = [run.model_copy(update={"findings": [*run.findings, item]}), *result.runs[1:]]
    return result.model_copy(update={"runs": runs})


def test_the_review_tile_counts_questions_for_a_person_not_notes() -> None:
    result = recorded()
    everything = result.all_findings()
    notes = [f for f in everything if f.status == "informative"]
    assert notes and {f.code for f in notes} == {"CX-USE-014", "CX-PERF-020"}  # effort, timings
    assert stats(result.runs, everything).review == 0
    reviewed = _with_review_item(result)
    assert stats(reviewed.runs, reviewed.all_findings()).review == 1
    index = _text(render_html(reviewed)["index.html"])
    assert "To review by a person 1 " in index
    assert "0 finding(s), 1 to review" not in console_summary(reviewed)
    assert ", 1 to review" in console_summary(reviewed)
    assert ", 0 to review" in console_summary(result)


def test_the_channel_page_lists_review_items_and_notes_apart() -> None:
    reviewed = _with_review_item(recorded())
    page = _text(render_html(reviewed)[f"{reviewed.runs[0].channel}.html"])
    review = page[page.index("To review by a person") : page.index("Notes")]
    assert "Needs review: Elements must meet" in review and "Effort" not in review
    assert "1 result a check could not decide" in review
    notes = page[page.index("Notes") :]
    assert "Effort over the journey" in notes and "Needs review" not in notes


@pytest.mark.parametrize(
    ("score", "severity", "label"),
    [
        (92.0, None, "good"),
        (92.0, "minor", "good"),
        (92.0, "moderate", "good"),
        (92.0, "serious", "needs-work"),
        (92.0, "critical", "poor"),
        (70.0, "serious", "needs-work"),
        (40.0, "serious", "poor"),
        (None, "critical", "not-measured"),
    ],
)
def test_a_label_is_no_better_than_the_worst_finding(
    score: float | None, severity: str | None, label: str
) -> None:
    assert capped_band(score, severity) == label


def test_no_step_with_a_serious_finding_reads_good() -> None:
    result = recorded()
    capped = 0
    for run in result.runs:
        findings = findings_of_run(result, run)
        for lane in journey_map(run, findings, Assets(None)):
            for card in lane.cards:
                worst = {
                    f.severity
                    for f in findings
                    if f.status == "fail" and card.step.index in (f.seen_on_steps or [f.step])
                }
                if worst & {"serious", "critical"}:
                    assert card.health_label != "Good", (run.key, card.step.name, card.score)
                if card.capped_by:
                    capped += 1
                    assert card.health != band(card.score)
    assert capped, "the recorded demo has steps scoring 85-92 beside a critical or serious finding"
    page = _text(render_html(result)["desktop.html"])
    assert "Needs work · 92 (serious finding)" in page
