"""`cxaudit report`: outputs again without a browser, thresholds, baseline, accept list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cxaudit.cli.main import main
from cxaudit.results import read_results
from tests.data.demo_results import copy_demo, failing, recorded, without


@pytest.fixture()
def results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no project config from the repository
    return copy_demo(tmp_path / "run")


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_report_renders_every_output_without_a_browser(results: Path) -> None:
    before = results.read_bytes()
    outcome = cli("report", str(results))
    assert outcome.exit_code == 0, outcome.output
    for name in (
        "index.html",
        "desktop.html",
        "mobile.html",
        "report.html",
        "junit.xml",
        "summary.md",
        "results.sarif",
    ):
        assert (results.parent / name).is_file(), name
    assert results.read_bytes() == before  # the source is never rewritten


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 0),
        (("--fail-under", "10"), 0),
        (("--fail-under", "99"), 1),
        (("--fail-on", "critical"), 1),
    ],
)
def test_exit_codes(results: Path, args: tuple[str, ...], code: int) -> None:
    outcome = cli("report", str(results), *args)
    assert outcome.exit_code == code, outcome.output
    if code == 1:
        assert "threshold not met:" in outcome.output


def test_fail_on_names_the_threshold(results: Path) -> None:
    outcome = cli("report", str(results), "--fail-on", "critical")
    critical = sum(f.severity == "critical" for f in failing(recorded()))
    assert f"threshold not met: {critical} finding(s) at or above critical" in outcome.output
    junit = (results.parent / "junit.xml").read_text(encoding="utf-8")
    assert 'type="findings"' in junit


def test_usage_errors_exit_2(results: Path, tmp_path: Path) -> None:
    outcome = cli("report", str(results), "--fail-on-new")
    assert outcome.exit_code == 2 and "--fail-on-new needs --baseline" in outcome.output
    outcome = cli("report", str(results), "--baseline", str(tmp_path / "nope.json"))
    assert outcome.exit_code == 2 and "no such file" in outcome.output
    outcome = cli("report", str(results), "--fail-on", "blocker")
    assert outcome.exit_code == 2
    outcome = cli("report", str(tmp_path / "missing.json"))
    assert outcome.exit_code == 2


def _write_baseline(path: Path, fixed: set[str]) -> Path:
    path.write_text(without(recorded(), fixed).to_json(), encoding="utf-8")
    return path


def test_baseline_and_fail_on_new(results: Path, tmp_path: Path) -> None:
    same = _write_baseline(tmp_path / "same.json", set())
    outcome = cli("report", str(results), "--baseline", str(same), "--fail-on-new")
    assert outcome.exit_code == 0, outcome.output
    newest = failing(recorded())[0]
    older = _write_baseline(tmp_path / "older.json", {newest.fingerprint})
    outcome = cli("report", str(results), "--baseline", str(older), "--fail-on-new")
    assert outcome.exit_code == 1
    assert "1 new finding(s)" in outcome.output
    summary = (results.parent / "summary.md").read_text(encoding="utf-8")
    assert "New: **1** · fixed: **0**" in summary
    index = (results.parent / "index.html").read_text(encoding="utf-8")
    assert "Change since the baseline" in index
    # Without --fail-on-new, a baseline only informs.
    assert cli("report", str(results), "--baseline", str(older)).exit_code == 0


def _config(path: Path, expires: str, extra: str = "") -> Path:
    path.write_text(
        "report:\n  title: Checkout audit\n  client: Northwind\n"
        "accept:\n"
        f"  - pattern: 'CX-*'\n    reason: known, fixing in Q3\n    expires: {expires}\n" + extra,
        encoding="utf-8",
    )
    return path


def test_accept_list_mutes_until_it_expires(results: Path, tmp_path: Path) -> None:
    config = _config(tmp_path / "cxaudit.yaml", "2999-12-31")
    outcome = cli("report", str(results), "--config", str(config), "--fail-on", "minor")
    assert outcome.exit_code == 0, outcome.output
    index = (results.parent / "index.html").read_text(encoding="utf-8")
    assert "Checkout audit" in index and "Northwind" in index and "accepted" in index
    expired = _config(tmp_path / "expired.yaml", "2020-01-31")
    outcome = cli("report", str(results), "--config", str(expired), "--fail-on", "minor")
    assert outcome.exit_code == 1
    assert "accept entry 'CX-*' expired on 2020-01-31" in outcome.output


def test_a_bad_accept_entry_is_a_config_error(results: Path, tmp_path: Path) -> None:
    config = tmp_path / "cxaudit.yaml"
    config.write_text(
        "accept:\n  - pattern: '*'\n    fingerprint: abc\n    reason: both\n    expires: 2030-01-01\n"
        "  - pattern: '*'\n    expires: 2030-01-01\n",
        encoding="utf-8",
    )
    outcome = cli("report", str(results), "--config", str(config))
    assert outcome.exit_code == 2
    assert (
        "cxaudit.yaml:" in outcome.output and "either 'fingerprint' or 'pattern'" in outcome.output
    )
    assert "reason" in outcome.output


def test_category_minimums_from_config(results: Path, tmp_path: Path) -> None:
    config = tmp_path / "cxaudit.yaml"
    config.write_text("thresholds:\n  categories: {accessibility: 90}\n", encoding="utf-8")
    outcome = cli("report", str(results), "--config", str(config))
    assert outcome.exit_code == 1 and "accessibility score" in outcome.output


def test_a_missing_logo_is_a_usage_error(results: Path, tmp_path: Path) -> None:
    config = tmp_path / "cxaudit.yaml"
    config.write_text("report:\n  logo: no-such-logo.png\n", encoding="utf-8")
    outcome = cli("report", str(results), "--config", str(config))
    assert outcome.exit_code == 2 and "report.logo" in outcome.output


def test_sarif_and_junit_are_parseable(results: Path) -> None:
    cli("report", str(results))
    sarif = json.loads((results.parent / "results.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    assert read_results(results).run_id == recorded().run_id


def test_merge_applies_the_same_thresholds_as_run(results: Path, tmp_path: Path) -> None:
    """Shards merged in CI gate as the whole suite would: --fail-on reaches `merge` too."""
    whole = read_results(results)
    parts = []
    for i, runs in enumerate((whole.runs[::2], whole.runs[1::2])):
        part = tmp_path / f"part-{i}" / "results.json"
        part.parent.mkdir()
        part.write_text(whole.model_copy(update={"runs": runs}).to_json(), encoding="utf-8")
        parts.append(str(part))
    merged = cli("merge", *parts, "-o", str(tmp_path / "all"))
    assert merged.exit_code == 0, merged.output
    gated = cli("merge", *parts, "-o", str(tmp_path / "gated"), "--fail-on", "critical")
    critical = sum(f.severity == "critical" for f in failing(recorded()))
    assert gated.exit_code == 1, gated.output
    assert f"threshold not met: {critical} finding(s) at or above critical" in gated.output
