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
