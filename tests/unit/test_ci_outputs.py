"""junit.xml, summary.md and results.sarif from the recorded demo run, checked structurally."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

from cxaudit.ci.baseline import with_baseline
from cxaudit.ci.thresholds import Thresholds, evaluate
from cxaudit.report import render_junit, render_sarif, render_summary
from cxaudit.results import RunResult
from tests.data.demo_results import failing, recorded, without

# -- JUnit ------------------------------------------------------------------


def _junit(result: RunResult, thresholds: Thresholds) -> ET.Element:
    return ET.fromstring(render_junit(result, evaluate(result, thresholds)))


def test_junit_has_a_case_per_journey_and_channel() -> None:
    result = recorded()
    root = _junit(result, Thresholds())
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    names = {c.get("name") for c in cases}
    assert {f"{r.journey} [{r.channel}]" for r in result.runs} <= names
    assert "thresholds" in names and len(cases) == len(result.runs) + 1
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests") or 0) == len(suite.findall("testcase"))
    assert int(root.get("tests") or 0) == len(cases)
    # No threshold: nothing fails, but every case lists its findings.
    assert root.get("failures") == "0" and root.get("errors") == "0"
    guest = next(c for c in cases if c.get("name") == "Guest buys trail shoes [desktop]")
    assert guest.get("file") == "journeys/guest-checkout.yaml" and int(guest.get("line") or 0) > 0
    out = guest.findtext("system-out") or ""
    assert "Images must have alternative text" in out and "fp=" in out


def test_junit_failures_carry_the_findings() -> None:
    result = recorded()
    root = _junit(result, Thresholds(fail_on="critical"))
    failures = root.findall("./testsuite/testcase/failure")
    critical = [f for f in failing(result) if f.severity == "critical"]
    runs_with_critical = {(f.journey, f.channel) for f in critical}
    assert len(failures) == len(runs_with_critical)
    text = "\n".join(f.text or "" for f in failures)
    for finding in critical:
        assert finding.fingerprint in text
    assert int(root.get("failures") or 0) == len(failures)


def test_junit_thresholds_case_fails_on_scores() -> None:
    result = recorded()
    root = _junit(result, Thresholds(fail_under=99))
    case = next(c for c in root.iter("testcase") if c.get("name") == "thresholds")
    failure = case.find("failure")
    assert failure is not None and "overall score" in (failure.get("message") or "")


def test_junit_marks_failed_and_broken_journeys() -> None:
    result = recorded()
    runs = [
        result.runs[0].model_copy(
            update={"status": "failed", "error": "step 2 failed: \x1b[31mno"}
        ),
        result.runs[1].model_copy(update={"status": "error", "error": "site unreachable"}),
        *result.runs[2:],
    ]
    root = _junit(result.model_copy(update={"runs": runs}), Thresholds())
    cases = {c.get("name"): c for c in root.iter("testcase")}
    failed = cases[f"{runs[0].journey} [{runs[0].channel}]"].find("failure")
    assert failed is not None and failed.get("type") == "journey-failed"
    assert "\x1b" not in (failed.get("message") or "")  # control characters cannot go into XML
    broken = cases[f"{runs[1].journey} [{runs[1].channel}]"].find("error")
    assert broken is not None and broken.get("message") == "site unreachable"


# -- SARIF ------------------------------------------------------------------

LEVELS = {"none", "note", "warning", "error"}


def test_sarif_has_the_2_1_0_shape() -> None:
    result = recorded()
    log = json.loads(render_sarif(result))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    assert isinstance(log["runs"], list) and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "cxaudit" and driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in LEVELS
        if "helpUri" in rule:
            assert rule["helpUri"].startswith("https://")
    results = run["results"]
    assert len(results) == len(failing(result))
    for item in results:
        assert item["ruleId"] == ids[item["ruleIndex"]]
        assert item["level"] in LEVELS
        assert item["message"]["text"]
        assert len(item["partialFingerprints"]["cxaudit/v1"]) == 16
        assert 0 <= item["rank"] <= 100
        location = item["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"].startswith("journeys/")
        assert location["region"]["startLine"] >= 1


def test_sarif_points_at_the_step_line() -> None:
    result = recorded()
    log = json.loads(render_sarif(result))
    finding = next(f for f in failing(result) if f.step is not None)
    run = next(
        r for r in result.runs if r.journey == finding.journey and r.channel == finding.channel
    )
    item = next(
        i
        for i in log["runs"][0]["results"]
        if i["partialFingerprints"]["cxaudit/v1"] == finding.fingerprint
    )
    assert (
        item["locations"][0]["physicalLocation"]["region"]["startLine"]
        == run.steps[finding.step].line
    )


# -- summary.md -------------------------------------------------------------


def test_summary_has_scores_journeys_and_what_to_fix() -> None:
    result = recorded()
    md = render_summary(result, evaluate(result, Thresholds(fail_on="critical")))
    assert (
        md.startswith("## CX audit: ") and f"{result.scores.overall:.0f}/100" in md.splitlines()[0]
    )
    assert "Thresholds: ❌ not met" in md
    tables = [line for line in md.splitlines() if line.startswith("|")]
    assert tables[0] == "| Score | desktop | mobile |"
    assert all(line.count("|") == tables[0].count("|") for line in tables)
    for run in result.runs:
        assert run.journey in md
    assert "### What to fix first" in md and "1. **" in md


def test_summary_escapes_what_sites_wrote() -> None:
    result = recorded()
    title = "Price | <img src=x onerror=alert(1)> @everyone [click](https://evil.example)"

    def nasty(findings: list) -> list:  # type: ignore[type-arg]
        return [f.model_copy(update={"title": title}) for f in findings]

    # Every finding carries the payload, so whichever the summary lists shows it.
    bad = result.model_copy(
        update={
            "runs": [r.model_copy(update={"findings": nasty(r.findings)}) for r in result.runs],
            "findings": nasty(result.findings),
        }
    )
    md = render_summary(bad)
    assert "<img" not in md and "@everyone" not in md
    assert "[click](https://evil" not in md  # a link needs unescaped brackets
    assert "&lt;img" in md and "&#64;\u2060everyone" in md and "\\|" in md and "\\[click\\]" in md


#: What GitHub Markdown links by itself (extended autolinks), read after entities are decoded.
_GFM_AUTOLINK = re.compile(
    r"(?i)\b(?:https?|ftp)://|(?<![\w.-])www\.[\w-]|[\w.+-]@[\w-]+\.|(?<![\w`])@[a-z0-9]"
)


def test_summary_leaves_no_bare_link_or_mention() -> None:
    result = recorded()
    title = (
        "Log in at https://evil.example/login or www.evil.example, mail help@evil.example @octocat"
    )
    bad = result.model_copy(
        update={
            "runs": [
                r.model_copy(
                    update={"findings": [f.model_copy(update={"title": title}) for f in r.findings]}
                )
                for r in result.runs
            ],
            "findings": [f.model_copy(update={"title": title}) for f in result.findings],
        }
    )
    md = render_summary(bad)
    assert "evil.example/login" in md.replace("\u2060", "")  # still there to read
    assert not _GFM_AUTOLINK.search(html.unescape(md)), _GFM_AUTOLINK.search(html.unescape(md))


def test_summary_with_a_baseline() -> None:
    result = recorded()
    fails = failing(result)
    compared = with_baseline(result, without(result, {fails[0].fingerprint}))
    md = render_summary(compared)
    assert "### Since the baseline" in md and "New: **1** · fixed: **0**" in md
    assert "New findings" in md and "🆕" in md
