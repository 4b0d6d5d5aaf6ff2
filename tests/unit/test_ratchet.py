"""The README's CI recipe is a ratchet: next to a baseline, it fails only on what got worse.

``--fail-under 80 --fail-on serious --baseline B --fail-on-new``: a score under
80 fails only when it is also lower than the baseline's; not-measured results
only when there are more than in the baseline; findings only when new.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from cxaudit.analysis.analyse import analyse
from cxaudit.ci.baseline import with_baseline
from cxaudit.ci.thresholds import Thresholds, evaluate
from cxaudit.cli.main import main
from cxaudit.results import RunResult, read_results
from tests.data.demo_results import copy_demo, failing, without

RESULTS = Path(__file__).resolve().parents[1] / "data" / "results"
RECIPE = Thresholds(fail_under=80, fail_on="serious", fail_on_new=True)


@lru_cache(maxsize=1)
def flawed() -> RunResult:
    """The flawed demo's consistency-and-speed run, checked and scored (overall under 80)."""
    return analyse(read_results(RESULTS / "demo-flawed-consistency-and-speed.json"))


def rescored(result: RunResult, **scores: object) -> RunResult:
    return result.model_copy(update={"scores": result.scores.model_copy(update=scores)})


def test_the_recorded_run_is_under_the_recipes_minimum() -> None:
    result = flawed()
    assert result.scores.overall < 80
    assert any(f.severity == "serious" for f in failing(result))
    # Without a ratchet, the minimum is absolute.
    assert not evaluate(with_baseline(result, result), Thresholds(fail_under=80)).passed
    assert not evaluate(result, Thresholds(fail_under=80)).passed


def test_recipe_against_itself_passes() -> None:
    result = flawed()
    verdict = evaluate(with_baseline(result, result), RECIPE)
    assert verdict.passed, verdict.failures


def test_recipe_fails_on_a_new_finding() -> None:
    result = flawed()
    serious = next(f for f in failing(result) if f.severity == "serious")
    verdict = evaluate(with_baseline(result, without(result, {serious.fingerprint})), RECIPE)
    assert not verdict.passed
    assert [f.fingerprint for f in verdict.gating] == [serious.fingerprint]
    assert verdict.failures == ("1 new finding(s) at or above serious",)


def test_recipe_fails_on_a_lower_score_below_the_minimum() -> None:
    result = flawed()
    before = result.scores.overall
    lower = rescored(result, overall=before - 5)
    verdict = evaluate(with_baseline(lower, result), RECIPE)
    assert verdict.failures == (
        f"overall score {before - 5:.1f} is below 80 and below the baseline's {before:.1f}",
    )
    # Lower, but still over the minimum: nothing fails.
    assert evaluate(
        with_baseline(lower, result), Thresholds(fail_under=60, fail_on_new=True)
    ).passed
    # Higher than the baseline, still under the minimum: better, so it passes.
    assert evaluate(with_baseline(result, lower), RECIPE).passed


def test_category_minimums_ratchet_too() -> None:
    result = flawed()
    consistency = result.scores.categories["consistency"]
    thresholds = Thresholds(categories={"consistency": 90}, fail_on_new=True)
    assert evaluate(with_baseline(result, result), thresholds).passed
    worse = rescored(
        result, categories={**result.scores.categories, "consistency": consistency - 1}
    )
    verdict = evaluate(with_baseline(worse, result), thresholds)
    assert len(verdict.failures) == 1 and "below the baseline's" in verdict.failures[0]


def test_not_measured_fails_a_ratchet_only_when_it_grows() -> None:
    result = rescored(flawed(), not_measured={"accessibility": 3})
    assert evaluate(with_baseline(result, result), RECIPE).passed
    more = rescored(result, not_measured={"accessibility": 5})
    verdict = evaluate(with_baseline(more, result), RECIPE)
    assert verdict.failures == (
        "5 check result(s) not measured, 2 more than the baseline "
        "(set thresholds.not_measured_fails: false to allow)",
    )
    # Without a baseline, not measured is never green.
    assert not evaluate(result, Thresholds(fail_under=10)).passed


def cli(*args: str) -> int:
    outcome = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return outcome.exit_code


def test_report_with_the_readme_recipe_against_itself_exits_0(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no project config from the repository
    results = copy_demo(tmp_path / "run")
    assert read_results(results).scores.overall < 80
    recipe = ("--fail-under", "80", "--fail-on", "serious", "--fail-on-new")
    assert cli("report", str(results), "--baseline", str(results), *recipe) == 0
    # And the same recipe still fails a run that got worse.
    older = tmp_path / "older.json"
    demo = read_results(results)
    serious = next(f for f in failing(demo) if f.severity in ("serious", "critical"))
    older.write_text(without(demo, {serious.fingerprint}).to_json())
    assert cli("report", str(results), "--baseline", str(older), *recipe) == 1
