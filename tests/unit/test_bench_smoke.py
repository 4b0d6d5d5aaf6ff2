"""Every benchmark starts: imports, arguments, and what it patches still exist.

A benchmark is run by hand, rarely; a renamed method in cxaudit broke
``make bench`` without any test noticing. These start each one in a dry
mode (no browser, nothing timed, no timing asserted); the browser part of
the overhead profile has its one tiny run in tests/e2e/test_bench_smoke.py.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from bench.stability import Seen, compare

BENCH = Path(__file__).resolve().parents[2] / "bench"
#: Every module of bench/ with a command line (common.py is the shared helpers).
MODULES = sorted(
    f"bench.{p.stem}" for p in BENCH.glob("*.py") if "\ndef main(" in p.read_text("utf-8")
)


@pytest.mark.parametrize("name", MODULES)
def test_every_benchmark_module_starts(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Each module imports and its command line answers --help (found by file, not by list)."""
    module = importlib.import_module(name)
    with pytest.raises(SystemExit) as exit_info:
        module.main(["--help"])
    assert exit_info.value.code == 0
    assert "usage:" in capsys.readouterr().out


def test_every_module_is_smoke_tested() -> None:
    assert len(MODULES) >= 10 and "bench.stability" in MODULES and "bench.common" not in MODULES


def test_python_m_bench_knows_every_benchmark() -> None:
    from bench.run import BENCHES, runners

    assert set(runners(quick=True)) == set(BENCHES)
    assert "stability" in BENCHES


def test_overhead_profile_times_calls_that_exist() -> None:
    """The profile patches cxaudit's methods by name: each name must still be a callable."""
    from bench.overhead import profile_targets

    targets = profile_targets()
    labels = {label for _, _, label in targets}
    assert "step (action + snapshot)" in labels
    for owner, name, _ in targets:
        assert callable(getattr(owner, name))


def test_gatherer_overhead_wraps_every_gatherer() -> None:
    import cxaudit.gather.snapshot as snapshot
    from bench.gatherer_overhead import time_gatherers

    saved = dict(snapshot.GATHERERS)
    try:
        time_gatherers()
        assert set(snapshot.GATHERERS) == set(saved) and saved
        for key, item in snapshot.GATHERERS.items():
            assert item.run is not saved[key].run
            assert (item.name, item.field, item.when) == (
                saved[key].name,
                saved[key].field,
                saved[key].when,
            )
    finally:
        snapshot.GATHERERS.clear()
        snapshot.GATHERERS.update(saved)


def _seen(fingerprint: str, status: str = "fail", timing: bool = False) -> Seen:
    return Seen(fingerprint, status, timing, f"CX-X {fingerprint}")


def test_stability_counts_findings_not_in_every_run() -> None:
    trap = _seen("trap")
    slow = _seen("ttfb", timing=True)
    same = _seen("contrast")
    changes = compare([[same, trap, slow], [same], [same, _seen("trap", "error")]])
    assert changes.runs == 3 and changes.stable == 1
    assert sorted((s.fingerprint, s.status, r) for s, r in changes.other) == [
        ("trap", "error", [3]),
        ("trap", "fail", [1]),
    ]
    assert [(s.fingerprint, r) for s, r in changes.timing] == [("ttfb", [1])]


def test_stability_of_identical_runs_is_zero_changes() -> None:
    run = [_seen("a"), _seen("b", timing=True), _seen("a")]
    changes = compare([run, list(reversed(run))])
    assert changes.changed == [] and changes.stable == 2
