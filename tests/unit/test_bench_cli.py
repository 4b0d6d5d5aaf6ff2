"""The benchmarks load and parse their arguments; their data helpers do what they say.

Nothing here runs a benchmark or times anything (bench/ is measured by hand).
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from cxaudit.results import JourneyRun, RunResult, StepResult, read_results, write_results
from cxaudit.spec import load_journeys

ROOT = Path(__file__).resolve().parents[2]

MODULES = [
    "bench.run",
    "bench.overhead",
    "bench.lighthouse",
    "bench.scaling",
    "bench.report",
    "bench.bare_playwright",
]


@pytest.mark.parametrize("name", MODULES)
def test_each_benchmark_has_a_help(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    module = importlib.import_module(name)
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_unknown_benchmark_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    from bench.run import main

    with pytest.raises(SystemExit) as exit_info:
        main(["--only", "overhead,speed"])
    assert exit_info.value.code == 2
    assert "unknown benchmark(s): speed" in capsys.readouterr().err


def test_replicated_suite_has_distinct_journeys(tmp_path: Path) -> None:
    from bench.scaling import replicate

    bundled, _ = load_journeys([ROOT / "journeys"])
    folder = replicate(4, tmp_path / "suite")
    journeys, _ = load_journeys([folder])
    names = [j.name for j in journeys]
    assert len(names) == 4 * len(bundled) and len(set(names)) == len(names)
    assert any(n.endswith("(copy 4)") for n in names)


def test_grown_results_have_the_runs_asked_for(tmp_path: Path) -> None:
    from bench.report import grow

    steps = [StepResult(index=0, stage="purchase", action="goto", name="goto /", status="passed")]
    runs = [
        JourneyRun(journey=f"J{i}", file="j.yaml", channel=c, status="passed", steps=steps)
        for i in range(3)
        for c in ("desktop", "mobile")
    ]
    source = tmp_path / "results.json"
    write_results(RunResult(run_id="r", started_at="2026-01-01T00:00:00", runs=runs), source)
    grown = read_results(grow(source, 20, tmp_path / "big" / "results.json"))
    assert len(grown.runs) == 20
    assert len({r.key for r in grown.runs}) == 20
