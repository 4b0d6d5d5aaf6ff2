"""Concurrency and sharding change how fast a suite runs, never what it finds.

The demo journeys run against the demo shop at 1 and at 3 workers, and as two
shards through the command line merged with ``cxaudit merge``; what they
found must be the same. Timings differ from run to run (and so may the
findings of timing checks on a loaded machine), so these are left out.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import JourneyRun, RunResult, read_results
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import Event, RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels
from tests.e2e.conftest import cxaudit

ROOT = Path(__file__).resolve().parents[2]
JOURNEYS = ROOT / "journeys"
#: The web journeys: a `cxaudit run` in another process cannot read the mail the demo
#: shop of this process sends (tests/e2e/test_email.py runs the email journey).
WEB = [
    JOURNEYS / name
    for name in ("browse-and-choose.yaml", "guest-checkout.yaml", "track-and-support.yaml")
]
TIMING_CATEGORIES = {"performance"}
#: The shop numbers orders as they come: a run's order numbers depend on what ran before.
ORDER_NUMBER = re.compile(r"NW-\d+")


EVENTS: dict[int, list[Event]] = {}


def audit(shop: DemoShop, out: Path, workers: int) -> RunResult:
    journeys, _ = load_journeys(WEB)
    options = RunOptions(
        channels=resolve_channels(["desktop", "mobile"]),
        output_dir=out,
        base_url=shop.url,
        workers=workers,
    )
    EVENTS[workers] = []
    return run_audit(journeys, options, listener=EVENTS[workers].append)


@pytest.fixture(scope="module")
def by_workers(
    demo_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory
) -> dict[int, RunResult]:
    return {n: audit(demo_shop, tmp_path_factory.mktemp(f"workers-{n}"), n) for n in (1, 3)}


def most_at_once(events: list[Event]) -> int:
    running, most = 0, 0
    for event in events:
        running += {"journey-started": 1, "journey-finished": -1}.get(event.kind, 0)
        most = max(most, running)
    return most


def test_workers_bound_the_journeys_running_at_once(by_workers: dict[int, RunResult]) -> None:
    assert most_at_once(EVENTS[1]) == 1
    assert most_at_once(EVENTS[3]) == 3
    # Progress sees every step start, with its position in its journey.
    for run in by_workers[3].runs:
        started = [
            (e.done, e.total, e.text)
            for e in EVENTS[3]
            if e.kind == "step-started" and (e.journey, e.channel) == (run.journey, run.channel)
        ]
        assert started == [(s.index, len(run.steps), s.name) for s in run.steps]


def findings(runs: list[JourneyRun]) -> list[tuple[Any, ...]]:
    """What was found, where: everything but timings."""
    return sorted(
        (
            f.journey,
            f.channel,
            f.code,
            f.fingerprint,
            f.status,
            f.severity,
            f.step,
            tuple(f.seen_on_steps),
        )
        for run in runs
        for f in run.findings
        if f.category not in TIMING_CATEGORIES
    )


def steps(runs: list[JourneyRun]) -> list[tuple[Any, ...]]:
    """Every step's outcome and what the audit saw on the page, per journey run."""
    out = []
    for run in runs:
        for step in run.steps:
            snap = step.snapshot
            violations = sorted(v.id for v in snap.axe.violations) if snap and snap.axe else []
            out.append(
                (
                    run.key,
                    run.status,
                    step.index,
                    ORDER_NUMBER.sub("NW-#", step.name),
                    step.status,
                    bool(snap and snap.audited),
                    ORDER_NUMBER.sub("NW-#", snap.url) if snap else None,
                    tuple(violations),
                    bool(snap and snap.screenshot),
                )
            )
    return sorted(out)


def test_worker_count_does_not_change_what_is_found(by_workers: dict[int, RunResult]) -> None:
    one, three = by_workers[1], by_workers[3]
    assert len(one.runs) == len(three.runs) == 6
    broken = [(r.key, r.status, r.error) for r in [*one.runs, *three.runs] if r.status != "passed"]
    assert not broken
    assert findings(one.runs) == findings(three.runs)
    assert findings(one.runs), "the flawed demo shop has findings to compare"
    assert steps(one.runs) == steps(three.runs)
    # Runs are reported in plan order, not in the order they finished.
    assert [r.key for r in one.runs] == [r.key for r in three.runs]
    run_wide = sorted(
        (f.code, f.fingerprint) for f in one.findings if f.category not in TIMING_CATEGORIES
    )
    assert run_wide == sorted(
        (f.code, f.fingerprint) for f in three.findings if f.category not in TIMING_CATEGORIES
    )


def test_shards_merged_equal_the_whole_run(
    demo_shop: DemoShop, by_workers: dict[int, RunResult], tmp_path: Path
) -> None:
    parts = []
    for k in (1, 2):
        out = tmp_path / f"shard-{k}"
        done = cxaudit(
            "run", *map(str, WEB), "--base-url", demo_shop.url, "--channel", "desktop",
            "--shard", f"{k}/2", "--output", str(out), "--quiet",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        parts.append(read_results(out / "results.json"))
    shard_keys = [{r.key for r in p.runs} for p in parts]
    assert shard_keys[0] and shard_keys[1] and not shard_keys[0] & shard_keys[1]

    merged_dir = tmp_path / "merged"
    done = cxaudit(
        "merge", *(str(tmp_path / f"shard-{k}" / "results.json") for k in (1, 2)),
        "--output", str(merged_dir),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "merged 2 results file(s), 3 journey run(s) -> 3" in done.stderr
    merged = read_results(merged_dir / "results.json")
    whole = [r for r in by_workers[1].runs if r.channel == "desktop"]
    assert sorted(r.key for r in merged.runs) == sorted(r.key for r in whole)
    assert findings(list(merged.runs)) == findings(whole)
    assert steps(list(merged.runs)) == steps(whole)
    # One report, with every screenshot of both shards beside it.
    assert (merged_dir / "index.html").is_file() and (merged_dir / "desktop.html").is_file()
    shots = [
        s.snapshot.screenshot
        for r in merged.runs
        for s in r.steps
        if s.snapshot and s.snapshot.screenshot
    ]
    assert shots and all((merged_dir / shot).is_file() for shot in shots)
    page = (merged_dir / "desktop.html").read_text(encoding="utf-8")
    assert all(r.journey in page for r in whole)


def test_merge_errors_are_usage_errors(tmp_path: Path) -> None:
    missing = cxaudit("merge", str(tmp_path / "nope.json"), "--output", str(tmp_path / "out"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr
    foreign = tmp_path / "other.json"
    foreign.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    done = cxaudit("merge", str(foreign), "--output", str(tmp_path / "out"))
    assert done.returncode == 2 and "not a cxaudit results file" in done.stderr


def test_an_empty_shard_is_a_valid_part(demo_shop: DemoShop, tmp_path: Path) -> None:
    # More shards than journey runs (1 journey x 1 channel in 3 parts): two parts are empty.
    journey = JOURNEYS / "browse-and-choose.yaml"
    outputs = []
    for k in (1, 2, 3):
        out = tmp_path / f"part-{k}"
        done = cxaudit(
            "run", str(journey), "--base-url", demo_shop.url, "--channel", "desktop",
            "--shard", f"{k}/3", "--output", str(out), "--quiet",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(out / "results.json")
    sizes = sorted(len(read_results(p).runs) for p in outputs)
    assert sizes == [0, 0, 1]
    done = cxaudit("merge", *map(str, outputs), "--output", str(tmp_path / "merged"))
    assert done.returncode == 0, done.stderr
    assert len(read_results(tmp_path / "merged" / "results.json").runs) == 1
