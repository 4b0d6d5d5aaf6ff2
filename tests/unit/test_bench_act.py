"""bench/act.py's table code, on a tiny testcases.json of our own (no browser, no W3C data).

The benchmark's figures are only as good as its counting: which cases are
read, which axe rules implement an ACT rule, when a case counts as found
or as wrongly failed, and what the totals add up to.
"""

from __future__ import annotations

import json
from pathlib import Path

from bench.act import (
    Case,
    Seen,
    audited,
    content_folder,
    deferrals,
    journey_yaml,
    load_cases,
    load_mapping,
    mapping_from_report,
    own_checks,
    score,
    summary,
    table,
)
from cxaudit.results import Finding, JourneyRun, RunResult, Snapshot, StepResult


def case(rule: str, expected: str, n: int) -> dict[str, str]:
    return {
        "ruleId": rule,
        "ruleName": f"Rule {rule}",
        "expected": expected,
        "testcaseId": f"{rule}{expected[0]}{n}",
        "testcaseTitle": f"{expected.capitalize()} Example {n}",
        "relativePath": f"testcases/{rule}/{rule}{expected[0]}{n}.html",
    }


TESTCASES = {
    "testcases": [
        case("aaa111", "failed", 1),
        case("aaa111", "failed", 2),
        case("aaa111", "passed", 1),
        case("aaa111", "passed", 2),
        case("aaa111", "inapplicable", 1),
        case("bbb222", "failed", 1),
        case("bbb222", "passed", 1),
        # a keyboard-trap rule cxaudit's own check claims, with no axe rule
        case("80af7b", "failed", 1),
        case("80af7b", "passed", 1),
        # not HTML, and an outcome that is not one of the three: left out
        {**case("aaa111", "failed", 3), "relativePath": "testcases/aaa111/x.svg"},
        {**case("aaa111", "failed", 4), "expected": "cantTell"},
    ]
}
REPORT = {
    "actRuleMapping": [
        {"ruleId": "aaa111", "procedureNames": ["image-alt", "role-img-alt"]},
        {"ruleId": "bbb222", "procedureNames": ["link-name"]},
    ]
}


def cases() -> list[Case]:
    return load_cases(TESTCASES)


def test_only_html_cases_with_a_known_outcome_are_read() -> None:
    loaded = cases()
    assert len(loaded) == 9
    assert {c.expected for c in loaded} == {"passed", "failed", "inapplicable"}
    assert [c.testcase_id for c in load_cases(TESTCASES, ["bbb222"])] == ["bbb222f1", "bbb222p1"]


def test_the_checkout_layout_is_found(tmp_path: Path) -> None:
    content = tmp_path / "content-assets" / "wcag-act-rules"
    content.mkdir(parents=True)
    (content / "testcases.json").write_text(json.dumps(TESTCASES))
    assert content_folder(tmp_path) == content
    assert content_folder(content) == content
    report = tmp_path / "_data" / "wcag-act-rules" / "implementations" / "axe-core.json"
    report.parent.mkdir(parents=True)
    report.write_text(json.dumps(REPORT))
    mapping, source = load_mapping(tmp_path)
    assert mapping["aaa111"] == {"image-alt", "role-img-alt"}
    assert source.endswith("axe-core.json")


def test_without_a_report_the_vendored_axe_core_says_what_it_implements(tmp_path: Path) -> None:
    mapping, source = load_mapping(tmp_path)
    assert "vendored" in source
    assert "image-alt" in mapping["23a2a8"] and "link-name" in mapping["c487ae"]


def test_an_earl_report_maps_the_rules_it_asserted() -> None:
    earl = {
        "@graph": [
            {
                "source": "https://www.w3.org/WAI/content-assets/wcag-act-rules/testcases/ccc333/1.html",
                "assertions": [{"test": {"title": "frame-title"}}],
            }
        ]
    }
    assert mapping_from_report(earl) == {"ccc333": frozenset({"frame-title"})}


def test_own_checks_declare_the_act_rules_they_implement() -> None:
    claims = own_checks()
    assert claims["80af7b"] == {"CX-A11Y-006"}
    assert claims["oj04fd"] == {"CX-A11Y-005"}
    assert claims["b4f0c3"] == {"CX-USE-005"}


SEEN_AXE = {
    "ACT aaa111 aaa111f1": Seen(axe_rules={"image-alt", "region"}),
    "ACT aaa111 aaa111f2": Seen(axe_rules={"region"}),  # missed: region is not the rule's
    "ACT aaa111 aaa111p1": Seen(axe_rules={"role-img-alt"}),  # wrongly failed
    "ACT aaa111 aaa111p2": Seen(),
    "ACT aaa111 aaa111i1": Seen(axe_rules={"image-alt"}),
    "ACT bbb222 bbb222f1": Seen(error="TimeoutError"),  # not measured
    "ACT bbb222 bbb222p1": Seen(),
    "ACT 80af7b 80af7bf1": Seen(),
    "ACT 80af7b 80af7bp1": Seen(),
}
SEEN_CXAUDIT = {
    "ACT aaa111 aaa111f1": Seen(axe_rules={"image-alt"}),
    "ACT aaa111 aaa111f2": Seen(axe_rules={"role-img-alt"}),
    "ACT aaa111 aaa111p1": Seen(),
    "ACT aaa111 aaa111p2": Seen(checks={"CX-A11Y-006"}),  # not a check of this rule
    "ACT aaa111 aaa111i1": Seen(),
    "ACT bbb222 bbb222f1": Seen(axe_rules={"link-name"}),
    "ACT bbb222 bbb222p1": Seen(),
    "ACT 80af7b 80af7bf1": Seen(checks={"CX-A11Y-006"}),
    "ACT 80af7b 80af7bp1": Seen(checks={"CX-A11Y-006"}),  # wrongly failed by the own check
}
MAPPING = mapping_from_report(REPORT)
CLAIMS = {"80af7b": frozenset({"CX-A11Y-006"})}


def test_cases_are_scored_per_rule_and_tool() -> None:
    scores = score(cases(), SEEN_AXE, SEEN_CXAUDIT, MAPPING, CLAIMS)
    axe, cx = scores.axe["aaa111"], scores.cxaudit["aaa111"]
    assert (axe.failed, axe.found, axe.passed, axe.wrongly_failed) == (2, 1, 2, 1)
    assert (axe.inapplicable, axe.inapplicable_flagged) == (1, 1)
    assert (cx.failed, cx.found, cx.passed, cx.wrongly_failed) == (2, 2, 2, 0)
    assert (scores.axe["bbb222"].failed, scores.axe["bbb222"].not_measured) == (0, 1)
    assert scores.cxaudit["bbb222"].found == 1
    # a rule axe does not map: no axe column; cxaudit and its own checks are scored
    assert "80af7b" not in scores.axe
    own = scores.own["80af7b"]
    assert (own.failed, own.found, own.passed, own.wrongly_failed) == (1, 1, 1, 1)
    assert scores.cxaudit["80af7b"].found == 1


def test_the_table_has_a_row_per_rule_and_the_totals() -> None:
    scores = score(cases(), SEEN_AXE, SEEN_CXAUDIT, MAPPING, CLAIMS)
    lines = table(scores, MAPPING)
    row = next(line for line in lines if line.startswith("| aaa111"))
    assert row == (
        "| aaa111 Rule aaa111 | image-alt, role-img-alt | 1/2 | 2/2 | – | 1/2 | 0/2 | – |"
    )
    trap = next(line for line in lines if line.startswith("| 80af7b"))
    assert trap == "| 80af7b Rule 80af7b | – | – | 1/1 | 1/1 | – | 1/1 | 1/1 |"
    # axe: 1 of 2 found (bbb222's failed example was not measured); cxaudit: 3 of 3
    assert lines[-2] == "| **total, 2 rules axe maps** | | 50 % | 100 % | | 33 % | 0 % | |"
    assert (
        lines[-1] == "| **total, 1 rules cxaudit's own checks claim** | | | | 100 % | | | 100 % |"
    )
    said = summary(scores)
    assert said[0].startswith("axe-core alone: 1 of 2 failed examples found, 1 of 3 passed")
    assert said[-1].endswith("none")


def test_an_own_check_that_leaves_an_element_to_its_axe_rule_still_finds_it() -> None:
    # viewport-meta does not fail a meta element axe's meta-viewport failed (reported once)
    assert deferrals()["b4f0c3"] == {"meta-viewport"}
    seen = {
        **SEEN_CXAUDIT,
        "ACT 80af7b 80af7bf1": Seen(axe_rules={"scrollable-region-focusable"}),
        "ACT 80af7b 80af7bp1": Seen(),
    }
    plain = score(cases(), SEEN_AXE, seen, MAPPING, CLAIMS).own["80af7b"]
    assert plain.found == 0
    defers = {"80af7b": frozenset({"scrollable-region-focusable"})}
    own = score(cases(), SEEN_AXE, seen, MAPPING, CLAIMS, defers).own["80af7b"]
    assert (own.found, own.wrongly_failed) == (1, 0)


def test_a_rule_where_cxaudit_finds_less_than_axe_is_named() -> None:
    worse = {**SEEN_CXAUDIT, "ACT aaa111 aaa111f1": Seen(), "ACT aaa111 aaa111f2": Seen()}
    said = summary(score(cases(), SEEN_AXE, worse, MAPPING, CLAIMS))
    assert said[-1].endswith(": aaa111")


def test_cxaudit_results_are_read_per_journey() -> None:
    def finding(journey: str, code: str, rule: str = "", status: str = "fail") -> Finding:
        return Finding(
            code=code,
            slug="x",
            rule=rule,
            category="accessibility",
            status=status,
            severity="serious",
            title="t",
            message="m",
            journey=journey,
            channel="desktop",
        )

    result = RunResult(
        run_id="r",
        started_at="now",
        runs=[
            JourneyRun(
                journey="ACT a 1",
                file="f",
                channel="desktop",
                status="passed",
                findings=[
                    finding("ACT a 1", "CX-A11Y-001", "image-alt"),
                    finding("ACT a 1", "CX-A11Y-001", "region", status="informative"),
                ],
            ),
            JourneyRun(journey="ACT a 2", file="f", channel="desktop", status="error"),
            # The page refreshed itself onto the browser's error page before its audit.
            JourneyRun(
                journey="ACT a 3",
                file="f",
                channel="desktop",
                status="failed",
                steps=[
                    StepResult(
                        index=0,
                        stage="pre-purchase",
                        action="goto",
                        name="Open",
                        status="failed",
                        message="the navigation failed: the browser shows its own error page",
                        snapshot=Snapshot(audited=False),
                    )
                ],
            ),
            # axe-core lost the page mid-audit: the page is not measured.
            JourneyRun(
                journey="ACT a 4",
                file="f",
                channel="desktop",
                status="passed",
                findings=[finding("ACT a 4", "CX-A11Y-001", status="error")],
            ),
        ],
        # run-scope findings (across channels) are on the run result itself
        findings=[finding("ACT a 1", "CX-A11Y-006")],
    )
    seen = audited(result)
    assert seen["ACT a 1"].axe_rules == {"image-alt"}
    assert seen["ACT a 1"].checks == {"CX-A11Y-006"}
    assert seen["ACT a 2"].error
    assert seen["ACT a 3"].error.startswith("step failed unaudited: the navigation failed")
    assert not seen["ACT a 1"].error
    assert seen["ACT a 4"].error == "m"


def test_each_case_is_a_one_step_goto_journey() -> None:
    text = journey_yaml(cases()[0])
    assert text.startswith('journey: "ACT aaa111 aaa111f1"\n')
    assert text.endswith("    - goto: /testcases/aaa111/aaa111f1.html\n")
