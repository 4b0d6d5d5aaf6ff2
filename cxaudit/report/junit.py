"""junit.xml: a test case per journey x channel, for CI test tabs.

A test case fails when the customer could not finish the journey, or when
findings in it fail a threshold (``--fail-on``, ``--fail-on-new``); it is an
error when the run itself broke. The run-wide thresholds (``--fail-under``,
category minimums, not-measured results) are one more test case,
``thresholds``, so the JUnit file fails exactly when the exit code says 1.
Every case lists its findings in ``system-out``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from cxaudit.ci.thresholds import Verdict
from cxaudit.report.view import findings_of_run
from cxaudit.results import Finding, JourneyRun, RunResult

#: Characters XML 1.0 cannot carry at all (control characters but tab, newline, CR).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return _INVALID_XML.sub("\ufffd", value)


def _finding_line(f: Finding) -> str:
    where = " · ".join(
        p for p in (f.stage, f"step {f.step + 1}" if f.step is not None else "") if p
    )
    muted = (
        f" [accepted until {f.accepted['expires']}: {f.accepted['reason']}]" if f.accepted else ""
    )
    text = f.message if f.message.startswith(f.title) else f"{f.title}: {f.message}"
    return (
        f"[{f.severity}] {f.code} {text}"
        f"{' (' + where + ')' if where else ''}{muted} fp={f.fingerprint}"
    )


def _lines(findings: Iterable[Finding]) -> str:
    return "\n".join(_finding_line(f) for f in findings)


def _case(run: JourneyRun, result: RunResult, verdict: Verdict) -> ET.Element:
    case = ET.Element(
        "testcase",
        {
            "classname": _text(f"cxaudit.{run.channel}"),
            "name": _text(f"{run.journey} [{run.channel}]"),
            "file": _text(run.file),
            "line": str(run.line),
            "time": f"{run.duration_ms / 1000:.3f}",
        },
    )
    findings = [f for f in findings_of_run(result, run) if f.status in ("fail", "error")]
    gating = verdict.failing_findings.get(run.key, ())
    score = run.scores.overall
    if run.status == "error":
        node = ET.SubElement(
            case, "error", {"message": _text(run.error or "run error"), "type": "run-error"}
        )
        node.text = _text(run.error)
    elif run.status == "failed":
        node = ET.SubElement(
            case,
            "failure",
            {"message": _text(run.error or "journey not completed"), "type": "journey-failed"},
        )
        node.text = _text(run.error + ("\n" + _lines(findings) if findings else ""))
    elif gating:
        node = ET.SubElement(
            case,
            "failure",
            {"message": _text(f"{len(gating)} finding(s) fail the thresholds"), "type": "findings"},
        )
        node.text = _text(_lines(gating))
    out = ET.SubElement(case, "system-out")
    score_text = "not measured" if score is None else f"{score:.1f}/100"
    out.text = _text(f"score {score_text}; {len(findings)} finding(s)\n" + _lines(findings))
    return case


def render_junit(result: RunResult, verdict: Verdict) -> str:
    """The JUnit XML document (one suite per channel, plus the thresholds case)."""
    root = ET.Element("testsuites", {"name": "cxaudit"})
    channels = list(dict.fromkeys(r.channel for r in result.runs))
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for channel in channels:
        runs = [r for r in result.runs if r.channel == channel]
        cases = [_case(r, result, verdict) for r in runs]
        failures = sum(c.find("failure") is not None for c in cases)
        errors = sum(c.find("error") is not None for c in cases)
        suite = ET.SubElement(
            root,
            "testsuite",
            {
                "name": _text(f"cxaudit {channel}"),
                "tests": str(len(cases)),
                "failures": str(failures),
                "errors": str(errors),
                "skipped": "0",
                "time": f"{sum(r.duration_ms for r in runs) / 1000:.3f}",
                "timestamp": result.started_at,
            },
        )
        suite.extend(cases)
        totals["tests"] += len(cases)
        totals["failures"] += failures
        totals["errors"] += errors
    run_wide = list(verdict.score_failures)
    unplaced = verdict.failing_findings.get("", ())
    if unplaced:
        run_wide.append(f"{len(unplaced)} run-wide {verdict.gating_label}")
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": "cxaudit thresholds",
            "tests": "1",
            "failures": "1" if run_wide else "0",
            "errors": "0",
            "skipped": "0",
            "time": "0",
        },
    )
    case = ET.SubElement(
        suite, "testcase", {"classname": "cxaudit", "name": "thresholds", "time": "0"}
    )
    if run_wide:
        node = ET.SubElement(
            case, "failure", {"message": _text("; ".join(run_wide)), "type": "thresholds"}
        )
        node.text = _text("\n".join(run_wide) + ("\n" + _lines(unplaced) if unplaced else ""))
    overall = result.scores.overall
    out = ET.SubElement(case, "system-out")
    out.text = f"overall score {'not measured' if overall is None else f'{overall:.1f}/100'}"
    totals["tests"] += 1
    totals["failures"] += 1 if run_wide else 0
    root.attrib.update({k: str(v) for k, v in totals.items()})
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
