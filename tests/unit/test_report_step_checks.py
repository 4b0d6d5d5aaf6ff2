"""Step cards say when a soft check failed and which timeout a step had; journeys their timeouts (issue 16)."""

from __future__ import annotations

from pathlib import Path

from cxaudit.report import render_html
from cxaudit.results import SoftFailure, read_results, write_results
from tests.data.demo_results import recorded
from tests.unit.test_report import _text


def test_a_card_shows_a_failed_soft_check_and_the_timeout_in_force() -> None:
    result = recorded()
    run = result.runs[0]
    steps = list(run.steps)
    steps[1] = steps[1].model_copy(
        update={
            "soft_failure": SoftFailure(
                message="expected text '<b>Free shipping</b>', not found within 1 s",
                severity="critical",
            )
        }
    )
    steps[2] = steps[2].model_copy(
        update={"status": "failed", "message": "no page within 1.5 s", "timeout_ms": 1500}
    )
    changed = run.model_copy(update={"steps": steps})
    pages = render_html(result.model_copy(update={"runs": [changed, *result.runs[1:]]}))
    html = pages[f"{run.channel}.html"]
    text = _text(html)
    assert (
        "passed with a failed soft check (critical): expected text '<b>Free shipping</b>'" in text
    )
    assert "<b>Free shipping" not in html  # the page's text is escaped
    assert "no page within 1.5 s timeout in force: 1.50 s" in text


def test_the_journey_header_states_its_timeouts_and_cards_a_step_s_own(tmp_path: Path) -> None:
    result = recorded()
    runs = list(result.runs)
    first = runs[0]
    other = next(i for i, r in enumerate(runs) if i and r.channel == first.channel)
    steps = [s.model_copy(update={"timeout_ms": 10_000}) for s in first.steps]
    steps[1] = steps[1].model_copy(update={"timeout_ms": 2_500})
    runs[0] = first.model_copy(
        update={"timeout_ms": 60_000, "step_timeout_ms": 10_000, "steps": steps}
    )
    runs[other] = runs[other].model_copy(update={"step_timeout_ms": 10_000})
    # Through results.json: the report is rendered from the file alone.
    write_results(result.model_copy(update={"runs": runs}), tmp_path / "results.json")
    again = read_results(tmp_path / "results.json")
    assert (again.runs[0].timeout_ms, again.runs[0].step_timeout_ms) == (60_000, 10_000)
    text = _text(render_html(again)[f"{first.channel}.html"])
    assert "timeout: 60 s for the whole journey, 10 s per step" in text
    assert "timeout: 2.5 s (other steps: 10 s)" in text
    assert text.count("(other steps: 10 s)") == 1  # steps with the usual timeout say nothing
    assert "timeout: 10 s per step (no journey timeout)" in text
