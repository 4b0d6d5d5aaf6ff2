"""Accessibility accuracy on the W3C ACT Rules test cases: axe-core alone vs cxaudit.

    python -m bench.act --act-rules ~/src/wcag-act-rules
    python -m bench.act --act-rules ~/src/wcag-act-rules --rules 23a2a8,c487ae --workers 3

Fetches nothing: it reads a local checkout of github.com/w3c/wcag-act-rules
(bench/README.md says how to get one). ``testcases.json`` lists every case
with its ACT rule and the outcome it expects; the axe-core implementation
report says which axe rules implement which ACT rule. Every HTML case is
served on 127.0.0.1 and audited twice:

- **axe-core alone**: the vendored axe-core injected with plain Playwright
  into the page, ``axe.run`` with its own defaults, as
  bench/bare_playwright.py does;
- **cxaudit**: a one-step ``goto`` journey per case on the desktop channel,
  all of them in one run with several workers, as a user runs it.

A failed example is *found* when a tool reports a violation of one of the
ACT rule's axe rules on it (for cxaudit: or a failure of one of its own
checks that declares the ACT rule, ``act_rules`` in the check registry). A
passed example is *wrongly failed* when the same happens on it. The table is
printed per ACT rule and in total; cxaudit's own checks get their own
columns on the rules they claim.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Where the case files live inside a checkout, and the mapping files, in the order tried.
CONTENT = Path("content-assets") / "wcag-act-rules"
MAPPINGS = (
    Path("_data") / "wcag-act-rules" / "implementations" / "axe-core.json",
    CONTENT / "earl" / "axe-core.json",
)
#: The test cases link their assets both ways; both are served from the content folder.
MOUNT = "/WAI/content-assets/wcag-act-rules/"
AXE_CODE = "CX-A11Y-001"
OUTCOMES = ("passed", "failed", "inapplicable")


@dataclass(frozen=True)
class Case:
    """One ACT test case: an HTML page and the outcome its rule expects on it."""

    rule: str
    rule_name: str
    expected: str
    testcase_id: str
    title: str
    path: str  # relative to the content folder: testcases/<rule>/<id>.html

    @property
    def journey(self) -> str:
        return f"ACT {self.rule} {self.testcase_id}"


@dataclass
class Seen:
    """What one tool reported on one case: axe rules violated, cxaudit checks failed."""

    axe_rules: set[str] = field(default_factory=set)
    checks: set[str] = field(default_factory=set)
    error: str = ""


@dataclass
class Tally:
    """Counts for one ACT rule and one tool."""

    failed: int = 0
    found: int = 0
    passed: int = 0
    wrongly_failed: int = 0
    inapplicable: int = 0
    inapplicable_flagged: int = 0
    not_measured: int = 0

    def add(self, other: Tally) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def content_folder(checkout: Path) -> Path:
    """The folder holding testcases.json: a checkout's content folder, or the path itself."""
    for candidate in (checkout / CONTENT, checkout):
        if (candidate / "testcases.json").is_file():
            return candidate
    raise SystemExit(f"no testcases.json under {checkout} (or {checkout / CONTENT})")


def load_cases(data: Mapping[str, Any], rules: Iterable[str] = ()) -> list[Case]:
    """The HTML cases of testcases.json (of ``rules`` only, when given); SVG and XML cases are left out."""
    wanted = set(rules)
    cases = []
    for item in data.get("testcases") or []:
        path = str(item.get("relativePath") or "")
        expected = str(item.get("expected") or "")
        if not path.endswith(".html") or expected not in OUTCOMES:
            continue
        if wanted and item.get("ruleId") not in wanted:
            continue
        cases.append(
            Case(
                rule=str(item["ruleId"]),
                rule_name=str(item.get("ruleName") or ""),
                expected=expected,
                testcase_id=str(item.get("testcaseId") or Path(path).stem),
                title=str(item.get("testcaseTitle") or ""),
                path=path,
            )
        )
    return cases


def mapping_from_report(data: Mapping[str, Any]) -> dict[str, frozenset[str]]:
    """ACT rule -> axe rules, from an implementation report.

    Reads the ``actRuleMapping`` of _data/.../implementations/axe-core.json
    (``procedureNames``), or an EARL report's assertions (the axe rule of
    each ``test`` on a case of an ACT rule).
    """
    mapping: dict[str, set[str]] = {}
    for entry in data.get("actRuleMapping") or []:
        names = entry.get("procedureNames") or []
        mapping.setdefault(str(entry.get("ruleId")), set()).update(map(str, names))
    graph = data.get("@graph") or []
    for subject in graph if isinstance(graph, list) else []:
        source = str(subject.get("source") or subject.get("@id") or "")
        found = re.search(r"testcases/([a-z0-9]{6})/", source)
        for assertion in subject.get("assertions") or []:
            test = assertion.get("test") or {}
            title = test.get("title") if isinstance(test, dict) else test
            if found and title:
                mapping.setdefault(found.group(1), set()).add(str(title).rsplit("/", 1)[-1])
    return {rule: frozenset(names) for rule, names in mapping.items() if names}


def vendored_mapping() -> dict[str, frozenset[str]]:
    """ACT rule -> axe rules, from the ``actIds`` the vendored axe-core declares on its rules."""
    from cxaudit.gather.axe import axe_script

    mapping: dict[str, set[str]] = {}
    for found in re.finditer(r'\{id:"([a-z0-9-]+)",[^{}]*?actIds:\[([^\]]*)\]', axe_script()):
        for act in re.findall(r'"([a-z0-9]+)"', found.group(2)):
            mapping.setdefault(act, set()).add(found.group(1))
    return {rule: frozenset(names) for rule, names in mapping.items()}


def load_mapping(checkout: Path) -> tuple[dict[str, frozenset[str]], str]:
    """The axe-core mapping of the checkout, else the vendored axe-core's; and where it came from."""
    for relative in MAPPINGS:
        path = checkout / relative
        if path.is_file():
            mapping = mapping_from_report(json.loads(path.read_text("utf-8")))
            if mapping:
                return mapping, str(relative)
    return vendored_mapping(), "actIds of the vendored axe-core"


def own_checks() -> dict[str, frozenset[str]]:
    """ACT rule -> codes of cxaudit's own checks that declare it (``act_rules``)."""
    from cxaudit.checks.base import all_checks

    claims: dict[str, set[str]] = {}
    for check in all_checks():
        for rule in check.act_rules:
            claims.setdefault(rule, set()).add(check.code)
    return {rule: frozenset(codes) for rule, codes in claims.items()}


def deferrals() -> dict[str, frozenset[str]]:
    """ACT rule -> the axe rules its own checks leave an element to (``overlaps_axe``).

    Such a check does not fail an element its axe rule already failed on the
    step, so one defect is reported once; the case is still found by it.
    """
    from cxaudit.checks.base import all_checks

    left: dict[str, set[str]] = {}
    for check in all_checks():
        for rule in check.act_rules:
            left.setdefault(rule, set()).update(check.overlaps_axe)
    return {rule: frozenset(names) for rule, names in left.items() if names}


def flagged(
    seen: Seen,
    axe_rules: frozenset[str],
    checks: frozenset[str],
    deferred: frozenset[str] = frozenset(),
) -> bool:
    """Whether a tool reported the ACT rule's problem on a case."""
    return bool(seen.axe_rules & (axe_rules | deferred) or seen.checks & checks)


def tally(
    cases: Sequence[Case],
    seen: Mapping[str, Seen],
    axe_rules: frozenset[str],
    checks: frozenset[str],
    deferred: frozenset[str] = frozenset(),
) -> Tally:
    """Score one tool on the cases of one ACT rule (a case without an entry in ``seen`` is not measured)."""
    counts = Tally()
    for case in cases:
        result = seen.get(case.journey)
        if result is None or result.error:
            counts.not_measured += 1
            continue
        hit = flagged(result, axe_rules, checks, deferred)
        if case.expected == "failed":
            counts.failed += 1
            counts.found += hit
        elif case.expected == "passed":
            counts.passed += 1
            counts.wrongly_failed += hit
        else:
            counts.inapplicable += 1
            counts.inapplicable_flagged += hit
    return counts


@dataclass
class Scores:
    """Per ACT rule: the tallies of axe-core alone, cxaudit, and cxaudit's own checks."""

    names: dict[str, str] = field(default_factory=dict)
    axe: dict[str, Tally] = field(default_factory=dict)
    cxaudit: dict[str, Tally] = field(default_factory=dict)
    own: dict[str, Tally] = field(default_factory=dict)


def score(
    cases: Sequence[Case],
    bare: Mapping[str, Seen],
    audited: Mapping[str, Seen],
    mapping: Mapping[str, frozenset[str]],
    claims: Mapping[str, frozenset[str]],
    defers: Mapping[str, frozenset[str]] | None = None,
) -> Scores:
    """Tally every ACT rule that axe maps or cxaudit's own checks claim.

    ``defers``: per ACT rule, the axe rules its own checks leave elements to
    (:func:`deferrals`); a failure of one counts for the own checks too.
    """
    defers = defers or {}
    scores = Scores()
    by_rule: dict[str, list[Case]] = {}
    for case in cases:
        by_rule.setdefault(case.rule, []).append(case)
        scores.names.setdefault(case.rule, case.rule_name)
    for rule, members in sorted(by_rule.items()):
        axe_rules = mapping.get(rule, frozenset())
        checks = claims.get(rule, frozenset())
        if axe_rules:
            scores.axe[rule] = tally(members, bare, axe_rules, frozenset())
        left = defers.get(rule, frozenset())
        if axe_rules or checks:
            scores.cxaudit[rule] = tally(members, audited, axe_rules, checks, left)
        if checks:
            scores.own[rule] = tally(members, audited, frozenset(), checks, left)
    return scores


def _found(t: Tally | None) -> str:
    return "–" if t is None or not t.failed else f"{t.found}/{t.failed}"


def _false(t: Tally | None) -> str:
    return "–" if t is None or not t.passed else f"{t.wrongly_failed}/{t.passed}"


def _percent(part: int, whole: int) -> str:
    return "–" if not whole else f"{100 * part / whole:.0f} %"


def total(tallies: Iterable[Tally]) -> Tally:
    whole = Tally()
    for t in tallies:
        whole.add(t)
    return whole


def table(scores: Scores, mapping: Mapping[str, frozenset[str]]) -> list[str]:
    """The Markdown table: per ACT rule, then totals (axe-mapped rules; own-check rules)."""
    lines = [
        "| ACT rule | axe rules | failed found: axe | cxaudit | own checks "
        "| passed wrongly failed: axe | cxaudit | own checks |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for rule in sorted(scores.cxaudit):
        name = scores.names.get(rule, "")
        axe, cx, own = scores.axe.get(rule), scores.cxaudit[rule], scores.own.get(rule)
        lines.append(
            f"| {rule} {name} | {', '.join(sorted(mapping.get(rule, ()))) or '–'} "
            f"| {_found(axe)} | {_found(cx)} | {_found(own)} "
            f"| {_false(axe)} | {_false(cx)} | {_false(own)} |"
        )
    mapped = sorted(scores.axe)
    axe, cx = total(scores.axe[r] for r in mapped), total(scores.cxaudit[r] for r in mapped)
    lines.append(
        f"| **total, {len(mapped)} rules axe maps** | | {_percent(axe.found, axe.failed)} "
        f"| {_percent(cx.found, cx.failed)} | | {_percent(axe.wrongly_failed, axe.passed)} "
        f"| {_percent(cx.wrongly_failed, cx.passed)} | |"
    )
    own = total(scores.own.values())
    if scores.own:
        lines.append(
            f"| **total, {len(scores.own)} rules cxaudit's own checks claim** | | | | "
            f"{_percent(own.found, own.failed)} | | | {_percent(own.wrongly_failed, own.passed)} |"
        )
    return lines


def summary(scores: Scores) -> list[str]:
    """The counts behind the totals, and what was not measured."""
    mapped = sorted(scores.axe)
    axe, cx = total(scores.axe[r] for r in mapped), total(scores.cxaudit[r] for r in mapped)
    own = total(scores.own.values())
    below = [
        r for r in mapped if scores.cxaudit[r].found < scores.axe[r].found
    ]  # the target: cxaudit >= axe-core on every rule axe maps
    return [
        f"axe-core alone: {axe.found} of {axe.failed} failed examples found, "
        f"{axe.wrongly_failed} of {axe.passed} passed examples failed, "
        f"{axe.inapplicable_flagged} of {axe.inapplicable} inapplicable ones flagged, "
        f"{axe.not_measured} not measured",
        f"cxaudit: {cx.found} of {cx.failed} found, {cx.wrongly_failed} of {cx.passed} "
        f"wrongly failed, {cx.inapplicable_flagged} of {cx.inapplicable} inapplicable flagged, "
        f"{cx.not_measured} not measured",
        f"cxaudit's own checks: {own.found} of {own.failed} found, {own.wrongly_failed} of "
        f"{own.passed} wrongly failed, {own.inapplicable_flagged} of {own.inapplicable} "
        f"inapplicable flagged, {own.not_measured} not measured",
        "rules where cxaudit finds fewer than axe-core alone: " + (", ".join(below) or "none"),
    ]


def details(
    cases: Sequence[Case],
    bare: Mapping[str, Seen],
    audited: Mapping[str, Seen],
    mapping: Mapping[str, frozenset[str]],
    claims: Mapping[str, frozenset[str]],
    defers: Mapping[str, frozenset[str]],
) -> list[str]:
    """Every case a tool got wrong, to find out why."""
    lines = []
    for case in cases:
        axe_rules, checks = mapping.get(case.rule, frozenset()), claims.get(case.rule, frozenset())
        left = defers.get(case.rule, frozenset())
        verdicts = []
        for tool, seen, own, more in (
            ("axe", bare, frozenset(), frozenset()),
            ("cxaudit", audited, checks, left),
        ):
            result = seen.get(case.journey)
            if result is None or result.error:
                verdicts.append(f"{tool}: not measured {result.error if result else ''}".strip())
                continue
            hit = flagged(result, axe_rules, own, more)
            if hit != (case.expected == "failed"):
                got = sorted((result.axe_rules & (axe_rules | more)) | (result.checks & own))
                verdicts.append(f"{tool}: {'flagged ' + ', '.join(got) if hit else 'missed'}")
        if verdicts:
            lines.append(f"{case.rule} {case.title} ({case.path}): " + "; ".join(verdicts))
    return lines


async def _bare_axe(base_url: str, cases: Sequence[Case], workers: int) -> dict[str, Seen]:
    """axe-core alone on every case: inject the vendored script, ``axe.run`` with its defaults."""
    from playwright.async_api import async_playwright

    from cxaudit.gather.axe import axe_script
    from cxaudit.run.browser import CHROMIUM_ARGS, find_executable
    from cxaudit.spec.channels import BUILTIN_CHANNELS

    script = axe_script()
    desktop = BUILTIN_CHANNELS["desktop"]
    seen: dict[str, Seen] = {}
    queue = list(cases)

    async with async_playwright() as pw:
        executable = await asyncio.to_thread(find_executable)
        browser = await pw.chromium.launch(executable_path=executable, args=list(CHROMIUM_ARGS))

        async def worker() -> None:
            while queue:
                case = queue.pop(0)
                context = await browser.new_context(**desktop.context_options())
                page = await context.new_page()
                try:
                    await page.goto(f"{base_url}/{case.path}", wait_until="load", timeout=15_000)
                    await page.evaluate(script)
                    result = await page.evaluate(
                        "() => axe.run(document, {resultTypes: ['violations']})"
                    )
                    seen[case.journey] = Seen(axe_rules={v["id"] for v in result["violations"]})
                except Exception as exc:  # a case that breaks is not measured, the bench goes on
                    seen[case.journey] = Seen(error=type(exc).__name__)
                finally:
                    await context.close()

        await asyncio.gather(*(worker() for _ in range(max(1, workers))))
        await browser.close()
    return seen


def journey_yaml(case: Case) -> str:
    """One ``goto`` step: the case as a customer's page."""
    return (
        f"journey: {json.dumps(case.journey)}\nstages:\n  pre-purchase:\n    - goto: /{case.path}\n"
    )


def audited(result: Any) -> dict[str, Seen]:
    """What cxaudit reported per journey: the axe rules and the checks that failed."""
    seen: dict[str, Seen] = {}
    for run in result.runs:
        entry = seen.setdefault(run.journey, Seen())
        if run.status not in ("passed", "failed") and not run.steps:
            entry.error = f"run {run.status}"
        audited_steps = [s for s in run.steps if s.snapshot is not None and s.snapshot.audited]
        unaudited = [s for s in run.steps if s.status == "failed" and s not in audited_steps]
        if unaudited and not audited_steps:
            # The page was never audited (it refreshed itself away onto the
            # browser's error page before the audit, say): not measured, not missed.
            entry.error = f"step failed unaudited: {unaudited[0].message}"[:160]
    findings = [f for run in result.runs for f in run.findings] + list(result.findings)
    for finding in findings:
        if finding.code == AXE_CODE and finding.status == "error":
            # axe-core could not read the page (it navigated away mid-audit): not measured.
            seen.setdefault(finding.journey, Seen()).error = finding.message[:160]
        if finding.status != "fail":
            continue
        entry = seen.setdefault(finding.journey, Seen())
        if finding.code == AXE_CODE and finding.rule:
            entry.axe_rules.add(finding.rule)
        else:
            entry.checks.add(finding.code)
    return seen


def _cxaudit(base_url: str, cases: Sequence[Case], workers: int, folder: Path) -> dict[str, Seen]:
    from bench.common import run_cxaudit

    journeys = folder / "journeys"
    journeys.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, case in enumerate(cases):
        path = journeys / f"{number:04d}-{case.rule}.yaml"
        path.write_text(journey_yaml(case), encoding="utf-8")
        paths.append(path)
    result = run_cxaudit(paths, base_url, folder / "out", workers=workers, screenshots=False)
    return audited(result)


def earlier_axe(path: Path) -> dict[str, Seen]:
    """axe-core alone's verdicts from an earlier ``--json``: cxaudit re-measured, axe not."""
    data = json.loads(path.read_text("utf-8"))
    return {
        name: Seen(axe_rules=set(v["axe"]), error=v.get("axe_error", ""))
        for name, v in data.items()
    }


def measure(
    checkout: Path,
    rules: Sequence[str] = (),
    workers: int = 3,
    limit: int = 0,
    axe_from: Path | None = None,
) -> dict[str, Any]:
    """Audit the cases with both tools; returns everything the table is made of."""
    from tests.e2e.page_server import serve_folder

    folder = content_folder(checkout)
    cases = load_cases(json.loads((folder / "testcases.json").read_text("utf-8")), rules)
    mapping, source = load_mapping(checkout)
    claims = own_checks()
    cases = [c for c in cases if c.rule in mapping or c.rule in claims]
    if limit:
        cases = cases[:limit]
    timings = {}
    with serve_folder(folder, mounts=(MOUNT,)) as url, tempfile.TemporaryDirectory() as tmp:
        if axe_from:
            bare = earlier_axe(axe_from)
        else:
            start = time.perf_counter()
            bare = asyncio.run(_bare_axe(url, cases, workers))
            timings["axe-core alone"] = time.perf_counter() - start
        start = time.perf_counter()
        seen = _cxaudit(url, cases, workers, Path(tmp))
        timings["cxaudit"] = time.perf_counter() - start
    return {
        "cases": cases,
        "bare": bare,
        "audited": seen,
        "mapping": mapping,
        "mapping_source": source,
        "claims": claims,
        "defers": deferrals(),
        "timings": timings,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--act-rules",
        type=Path,
        required=True,
        help="A local checkout of w3c/wcag-act-rules (or its content-assets/wcag-act-rules folder).",
    )
    parser.add_argument("--rules", default="", help="Only these ACT rule ids, comma-separated.")
    parser.add_argument("--workers", type=int, default=3, help="Pages at once (both tools).")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N cases (a trial).")
    parser.add_argument("--details", action="store_true", help="List every case a tool got wrong.")
    parser.add_argument("--json", type=Path, help="Also write the verdicts per case here.")
    parser.add_argument(
        "--axe-from", type=Path, help="Take axe-core alone's verdicts from an earlier --json."
    )
    args = parser.parse_args(argv)
    rules = [r.strip() for r in args.rules.split(",") if r.strip()]
    got = measure(args.act_rules, rules, args.workers, args.limit, args.axe_from)
    scores = score(
        got["cases"], got["bare"], got["audited"], got["mapping"], got["claims"], got["defers"]
    )
    count = len(got["cases"])
    print(
        f"{count} cases of {len(scores.names)} ACT rules; axe mapping: {got['mapping_source']}; "
        + ", ".join(f"{tool} {seconds:.1f} s" for tool, seconds in got["timings"].items())
    )
    print()
    print("\n".join(table(scores, got["mapping"])))
    print()
    print("\n".join(summary(scores)))
    if args.details:
        print()
        print(
            "\n".join(
                details(
                    got["cases"],
                    got["bare"],
                    got["audited"],
                    got["mapping"],
                    got["claims"],
                    got["defers"],
                )
            )
        )
    if args.json:
        verdicts = {
            c.journey: {
                "expected": c.expected,
                "path": c.path,
                "axe": sorted(got["bare"].get(c.journey, Seen()).axe_rules),
                "axe_error": got["bare"].get(c.journey, Seen()).error,
                "cxaudit_error": got["audited"].get(c.journey, Seen()).error,
                "cxaudit_axe": sorted(got["audited"].get(c.journey, Seen()).axe_rules),
                "cxaudit_checks": sorted(got["audited"].get(c.journey, Seen()).checks),
            }
            for c in got["cases"]
        }
        args.json.write_text(json.dumps(verdicts, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
