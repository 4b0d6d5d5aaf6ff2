"""The recorded demo run (tests/data/demo), for tests that render outputs without a browser."""

from __future__ import annotations

import shutil
from functools import lru_cache
from pathlib import Path

from cxaudit.analysis.analyse import with_check_texts
from cxaudit.results import Finding, RunResult, read_results

DEMO = Path(__file__).resolve().parent / "demo"
RESULTS = DEMO / "results.json"


@lru_cache(maxsize=1)
def recorded() -> RunResult:
    """The recorded flawed-demo run: desktop and mobile, three journeys, analysed (schema
    1.0, so read as ``cxaudit report`` reads it: with its checks' texts added)."""
    return with_check_texts(read_results(RESULTS))


def copy_demo(target: Path) -> Path:
    """The recorded report folder (results.json and its screenshots) copied to ``target``."""
    shutil.copytree(DEMO, target, dirs_exist_ok=True)
    return target / "results.json"


def failing(result: RunResult) -> list[Finding]:
    return [f for f in result.all_findings() if f.status == "fail"]


def without(result: RunResult, fingerprints: set[str]) -> RunResult:
    """``result`` with some findings taken out (as if they had been fixed)."""
    runs = [
        r.model_copy(
            update={"findings": [f for f in r.findings if f.fingerprint not in fingerprints]}
        )
        for r in result.runs
    ]
    run_wide = [f for f in result.findings if f.fingerprint not in fingerprints]
    return result.model_copy(update={"runs": runs, "findings": run_wide})
