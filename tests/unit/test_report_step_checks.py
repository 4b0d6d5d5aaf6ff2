"""Step cards say when a soft check failed and which timeout a failed step had (issue 16)."""

from __future__ import annotations

from cxaudit.report import render_html
from cxaudit.results import SoftFailure
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
