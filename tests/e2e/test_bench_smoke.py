"""The overhead benchmark's profile runs: one tiny audit, its phases timed (nothing asserted on time).

``make bench`` crashed here when ``Runner._run_step`` became ``run_step``.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import demo_shop
from bench.overhead import phases

TINY = """journey: Bench smoke
stages:
  pre-purchase:
    - goto: /
"""


def test_overhead_profile_runs_one_tiny_audit(tmp_path: Path) -> None:
    journey = tmp_path / "tiny.yaml"
    journey.write_text(TINY, encoding="utf-8")
    with demo_shop() as url:
        table = phases(url, tmp_path / "out", [journey])
    assert table["whole run"][1] == 1
    assert table["step (action + snapshot)"][1] == 1
    assert table["  axe-core"][1] == 1
    assert any(label.endswith(" gatherer") for label in table)


def test_real_journey_like_for_like_run_gathers_only_axe(tmp_path: Path) -> None:
    """The real-journey bench's third process: the whole journey, axe-core its one gatherer."""
    from bench.real_journey import axe_only_command, whole_process
    from cxaudit.results import read_results
    from tests.e2e.page_server import serve_app

    out = tmp_path / "same"
    with serve_app() as url:
        whole_process(axe_only_command(url, out))
    result = read_results(out / "results.json", need_evidence=True)
    runs = result.runs
    assert len(runs) == 1 and runs[0].status == "passed"
    audited = [s.snapshot for s in runs[0].steps if s.snapshot and s.snapshot.audited]
    assert len(audited) == 10
    assert all(s.axe is not None for s in audited)
    assert all(s.keyboard is None and s.layout is None and not s.screenshot for s in audited)
