"""results.json as the contract: a report renders from the file alone, old files included."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cxaudit.analysis.analyse import analyse
from cxaudit.checks.base import all_checks
from cxaudit.cli.main import main
from cxaudit.report.view import check_impact
from cxaudit.results import (
    EVIDENCE_FIELDS,
    SCHEMA_VERSION,
    CheckText,
    ResultsFileError,
    RunResult,
    RunScores,
    RunTotals,
    read_results,
    write_results,
)
from tests.data.demo_results import recorded

DATA = Path(__file__).parents[1] / "data" / "results"


def _is_results(path: Path) -> bool:
    """A results file (it names its schema), not another JSON file of the test data."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(data, dict) and "schema_version" in data and "runs" in data


#: Analysed and written by cxaudit 0.1.0 before results carried their checks' texts.
OLD = DATA / "analysed-schema-1.0.json"
RAW = DATA / "demo-flawed-consistency-and-speed.json"
#: Written by cxaudit before the gatherers' artifacts were typed (schema 1.1): the demo's
#: guest checkout on desktop and mobile, analysed, its raw evidence in the gzip file beside it.
UNTYPED = DATA / "schema-1.1" / "results.json"


def test_a_results_file_of_schema_1_0_renders_its_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    got = CliRunner().invoke(main, ["report", str(OLD), "--output", str(out)])
    assert got.exit_code in (0, 1), got.output  # 1: the run's own verdict, not an error
    assert (out / "index.html").is_file()
    pages = " ".join(html.unescape(p.read_text(encoding="utf-8")) for p in out.glob("*.html"))
    old = json.loads(OLD.read_text(encoding="utf-8"))
    failed = {f["title"] for run in old["runs"] for f in run["findings"] if f["status"] == "fail"}
    assert failed and {t for t in failed if t not in pages} == set()


def test_a_results_file_of_schema_1_1_renders_its_report(tmp_path: Path) -> None:
    out = tmp_path / "report"
    got = CliRunner().invoke(main, ["report", str(UNTYPED), "--output", str(out)])
    assert got.exit_code in (0, 1), got.output
    pages = " ".join(html.unescape(p.read_text(encoding="utf-8")) for p in out.glob("*.html"))
    old = json.loads(UNTYPED.read_text(encoding="utf-8"))
    failed = {f["title"] for run in old["runs"] for f in run["findings"] if f["status"] == "fail"}
    assert failed and {t for t in failed if t not in pages} == set()


def test_the_typed_artifacts_of_schema_1_1_are_judged_as_that_cxaudit_judged_them() -> None:
    """The checks read attributes of the typed artifacts where they read dicts before:
    on the same evidence they find the same problems, with the same words and elements."""
    old = read_results(UNTYPED, need_evidence=True)
    steps = [s for run in old.runs for s in run.steps if s.snapshot and s.snapshot.audited]
    assert steps and all(s.snapshot.axe and s.snapshot.layout and s.snapshot.forms for s in steps)
    cleared = [
        r.model_copy(update={"findings": [], "outcomes": [], "scores": RunScores()})
        for r in old.runs
    ]
    again = analyse(old.model_copy(update={"runs": cleared, "findings": [], "outcomes": []}))

    def seen(result: RunResult) -> list[tuple[object, ...]]:
        return sorted(
            (f.fingerprint, f.status, f.message, tuple(e.selector for e in f.evidence))
            for f in result.all_findings()
        )

    assert seen(again) == seen(old)
    assert old.schema_version == "1.1"


def test_a_run_writes_what_each_reporting_check_is_about() -> None:
    result = analyse(read_results(RAW))
    codes = {f.code for f in result.all_findings()}
    assert codes and set(result.checks) == codes
    registry = {c.code: c for c in all_checks()}
    for code, text in result.checks.items():
        assert text.title == registry[code].title
        assert text.impact == registry[code].impact()


def test_the_report_takes_a_checks_impact_from_the_results_not_the_registry() -> None:
    result = analyse(read_results(RAW))
    code = next(iter(result.checks))
    written = result.model_copy(
        update={"checks": {code: CheckText(title="t", impact="Written into the file.")}}
    )
    assert check_impact(written, code) == "Written into the file."
    assert check_impact(written.model_copy(update={"checks": {}}), code) == ""


def test_a_results_file_of_another_major_schema_says_why_it_is_not_read(tmp_path: Path) -> None:
    data = json.loads(OLD.read_text(encoding="utf-8"))
    data["schema_version"] = "0.9"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ResultsFileError, match=r"schema 0\.9 is not supported.*reads 1\.x, 2\.x"):
        read_results(path)


def _recorded() -> RunResult:
    """The recorded demo audit: every gatherer's evidence on every audited step."""
    return recorded()


def test_raw_evidence_goes_beside_the_results_and_comes_back(tmp_path: Path) -> None:
    result = _recorded()
    assert any(s.snapshot and s.snapshot.layout for run in result.runs for s in run.steps)
    path = tmp_path / "results.json"
    write_results(result, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["evidence_file"] == "results.evidence.json.gz"
    snapshots = [s["snapshot"] for run in written["runs"] for s in run["steps"] if s["snapshot"]]
    assert snapshots and not any(field in s for s in snapshots for field in EVIDENCE_FIELDS)
    assert (tmp_path / "results.evidence.json.gz").is_file()
    back = read_results(path, need_evidence=True)
    # Written as this cxaudit's schema, whatever the file it was read from said.
    assert back.schema_version == SCHEMA_VERSION != result.schema_version
    assert back.model_copy(update={"schema_version": result.schema_version}) == result


def test_a_runs_outcomes_and_findings_name_its_journey_and_channel_once(tmp_path: Path) -> None:
    result = _recorded()
    runs = [run for run in result.runs if run.outcomes and run.findings]
    assert runs, "the recording has runs with outcomes and findings"
    path = tmp_path / "results.json"
    write_results(result, path)
    written = json.loads(path.read_text(encoding="utf-8"))
    for run in written["runs"]:
        assert run["journey"] and run["channel"]
        items = run["outcomes"] + run["findings"]
        assert not any("journey" in item or "channel" in item for item in items)
    back = read_results(path)
    assert back.runs == result.runs
    assert {(o.journey, o.channel) for o in back.runs[0].outcomes} == {
        (back.runs[0].journey, back.runs[0].channel)
    }


def test_a_schema_1_file_that_repeats_the_run_keys_reads_as_before(tmp_path: Path) -> None:
    data = json.loads(OLD.read_text(encoding="utf-8"))
    assert data["runs"][0]["outcomes"][0]["journey"] == data["runs"][0]["journey"]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    back = read_results(path)
    assert back.runs[0].outcomes[0].journey == data["runs"][0]["journey"]


def test_without_its_evidence_file_a_result_still_renders_but_cannot_be_checked_again(
    tmp_path: Path,
) -> None:
    path = tmp_path / "results.json"
    write_results(_recorded(), path)
    (tmp_path / "results.evidence.json.gz").unlink()
    alone = read_results(path)
    assert alone.all_findings() and all(
        s.snapshot.layout is None for run in alone.runs for s in run.steps if s.snapshot
    )
    with pytest.raises(ResultsFileError, match=r"results\.evidence\.json\.gz is missing"):
        read_results(path, need_evidence=True)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("../elsewhere.evidence.json.gz", None, "not a file name beside it"),
        ("results.evidence.json.gz", b"not gzip at all", "not a cxaudit evidence file"),
    ],
)
def test_a_strange_evidence_file_is_a_clear_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / "results.json"
    write_results(_recorded(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["evidence_file"] = name
    path.write_text(json.dumps(data), encoding="utf-8")
    if content is not None:
        (tmp_path / name).write_bytes(content)
    with pytest.raises(ResultsFileError, match=message):
        read_results(path)


def test_a_json_escape_of_a_lone_surrogate_is_read_as_valid_text(tmp_path: Path) -> None:
    path = tmp_path / "results.json"
    write_results(_recorded(), path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"run_id":"', '"run_id":"\\udfff', 1), encoding="utf-8")
    run_id = read_results(path).run_id
    assert "\udfff" not in run_id and run_id.encode("utf-8")


def test_message_rules_that_cannot_be_read_back_still_load_and_are_not_measured(
    tmp_path: Path,
) -> None:
    data = json.loads(RAW.read_text(encoding="utf-8"))
    for run in data["runs"]:
        run["rules"] = {"messages": {"must_match": [["one"]]}, "budgets": {"lcp_ms": 2000}}
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = read_results(path)
    rules = result.runs[0].rules
    assert "at least two names" in rules.unreadable and rules.budgets == {"lcp_ms": 2000}
    analysed = analyse(result)
    errors = [f for f in analysed.all_findings() if f.code == "CX-MSG-001"]
    assert errors and all(f.status == "error" for f in errors)
    assert "at least two names" in errors[0].message


#: Every results file recorded for the tests: each schema this cxaudit reads, scored and not.
RECORDED_RESULTS = sorted(
    p for p in Path(__file__).parents[1].joinpath("data").rglob("*.json") if _is_results(p)
)


def _scores_of(data: dict[str, Any]) -> dict[str, Any]:
    """The scores of a results file as JSON: the whole run's and each journey run's."""
    return {
        "run": data.get("scores"),
        "journeys": [run.get("scores") for run in data.get("runs") or []],
    }


@pytest.mark.parametrize("path", RECORDED_RESULTS, ids=lambda p: p.parent.name + "/" + p.name)
def test_typed_scores_write_back_the_keys_and_values_they_were_read_with(
    path: Path, tmp_path: Path
) -> None:
    before = json.loads(path.read_text(encoding="utf-8"))
    target = tmp_path / "results.json"
    write_results(read_results(path), target)
    after = json.loads(target.read_text(encoding="utf-8"))
    assert _scores_of(after) == _scores_of(before)


def test_scores_of_an_older_file_read_with_defaults_for_what_it_lacks(tmp_path: Path) -> None:
    data = json.loads(OLD.read_text(encoding="utf-8"))
    run_scores = data["runs"][0]["scores"]
    for key in ("uncapped", "completed", "measured", "steps"):
        del run_scores[key]
    run_scores["from_the_future"] = 1
    del data["scores"]["profile"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(data), encoding="utf-8")
    result = read_results(older)
    scores = result.runs[0].scores
    assert isinstance(scores, RunScores) and isinstance(result.scores, RunTotals)
    assert scores.completed and scores.uncapped is None and scores.steps == {}
    assert scores.overall == run_scores["overall"]
    target = tmp_path / "again.json"
    write_results(result, target)
    again = json.loads(target.read_text(encoding="utf-8"))["runs"][0]["scores"]
    # Every key it had is kept with its value; only the unknown one is not.
    assert {k: again[k] for k in run_scores if k != "from_the_future"} == {
        k: v for k, v in run_scores.items() if k != "from_the_future"
    }


def test_a_run_not_scored_writes_its_scores_as_before() -> None:
    raw = read_results(RAW)
    assert not raw.runs[0].scores.scored
    data = json.loads(raw.to_json())
    assert data["scores"] == {} and all(run["scores"] == {} for run in data["runs"])


def test_a_channel_the_run_did_not_score_reads_as_not_measured() -> None:
    result = recorded()
    scored = next(iter(result.scores.channels))
    assert result.scores.channel(scored) is result.scores.channels[scored]
    absent = result.scores.channel("no-such-channel")
    assert (absent.overall, absent.band, absent.runs) == (None, "not-measured", 0)
    assert "no-such-channel" not in result.scores.channels
