"""Findings and results print short: a failed assert on them stays readable."""

from __future__ import annotations

import pytest

from tests.data.demo_results import RESULTS, failing, recorded

pytest_plugins = ["pytester"]


def test_finding_repr_has_code_severity_step_and_message() -> None:
    finding = next(f for f in failing(recorded()) if f.step is not None)
    text = repr(finding)
    assert text.startswith(
        f"Finding({finding.code} {finding.severity} fail step {finding.step + 1}"
    )
    assert finding.message[:40] in text
    assert len(text) < 160 and "evidence" not in text


def test_run_and_result_reprs_are_one_line() -> None:
    result = recorded()
    run = result.runs[0]
    assert repr(run) == (
        f"JourneyRun({run.journey!r} [{run.channel}] {run.status}, {len(run.steps)} steps, "
        f"{len(run.findings)} findings, overall {run.scores.overall})"
    )
    assert repr(result).startswith(f"RunResult({result.run_id} {len(result.runs)} runs")
    assert len(repr(run.steps[0])) < 120
    assert len(repr(result)) < 120


def test_a_failed_assert_on_findings_prints_short(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_findings=f"""
        from cxaudit.results import read_results

        def test_no_critical():
            run = read_results({str(RESULTS)!r}).runs[0]
            assert [f for f in run.findings if f.severity == "critical"] == []
        """
    )
    result = pytester.runpytest("-p", "no:playwright", "-p", "no:cacheprovider", "-p", "no:cxaudit")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "Finding(CX-A11Y-001 critical fail step" in text
    assert "evidence=" not in text and "html=" not in text
    assert len(text) < 6000
