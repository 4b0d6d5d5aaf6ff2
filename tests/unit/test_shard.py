"""--shard K/N: the shards partition the plan exactly, whatever the order it is listed in."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import BaseModel

from cxaudit.ci.shard import Shard, assign, run_key
from cxaudit.errors import UsageError
from cxaudit.run.runner import default_workers, plan
from cxaudit.spec.channels import BUILTIN_CHANNELS, Channel
from cxaudit.spec.model import Journey, Stage, Step

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = [BUILTIN_CHANNELS[name] for name in ("desktop", "mobile", "tablet")]


class NoArgs(BaseModel):
    pass


def journey(name: str, file: str, steps: int) -> Journey:
    step = Step(action="goto", args=NoArgs(), raw_args={}, name="goto /", line=1, column=1, path="")
    return Journey(name=name, file=file, line=1, stages=(Stage("purchase", (step,) * steps),))


def suite(n: int, seed: int = 7) -> list[Journey]:
    """``n`` journeys of 1 to 30 steps, some sharing a file (data rows do)."""
    rng = random.Random(seed)
    return [
        journey(f"Journey {i}", f"journeys/j{i // 3}.yaml", rng.randint(1, 30)) for i in range(n)
    ]


def keys(pairs: list[tuple[Journey, Channel]]) -> list[str]:
    return [run_key(j, c) for j, c in pairs]


@pytest.mark.parametrize("total", [1, 2, 3, 4, 7, 50])
def test_shards_partition_the_plan_exactly(total: int) -> None:
    pairs = plan(suite(23), CHANNELS, explicit=True)
    parts = [keys(Shard(k, total).select(pairs)) for k in range(1, total + 1)]
    every = [key for part in parts for key in part]
    assert sorted(every) == sorted(keys(pairs))  # each run in one shard, none lost
    assert len(every) == len(set(every)) == 69
    if total > len(pairs):
        assert sum(1 for part in parts if not part) == total - len(pairs)


def test_same_suite_in_any_order_gives_the_same_shards() -> None:
    journeys = suite(17)
    reference = [keys(Shard(k, 4).select(plan(journeys, CHANNELS, True))) for k in range(1, 5)]
    rng = random.Random(1)
    for _ in range(5):
        shuffled = journeys[:]
        rng.shuffle(shuffled)
        channels = CHANNELS[:]
        rng.shuffle(channels)
        again = [keys(Shard(k, 4).select(plan(shuffled, channels, True))) for k in range(1, 5)]
        assert [sorted(p) for p in again] == [sorted(p) for p in reference]


def test_a_shard_keeps_the_order_of_the_plan() -> None:
    pairs = plan(suite(12), CHANNELS, explicit=True)
    mine = keys(Shard(2, 3).select(pairs))
    positions = [keys(pairs).index(k) for k in mine]
    assert positions == sorted(positions)


def test_shards_carry_about_the_same_number_of_steps() -> None:
    journeys = suite(40, seed=3)
    steps = {f"{j.file}::{j.name}[{c.name}]": len(j.steps) for j in journeys for c in CHANNELS}
    for total in (2, 3, 5):
        loads = [
            sum(steps[k] for k in part) for part in assign(plan(journeys, CHANNELS, True), total)
        ]
        # Greedy longest-first: no shard is more than one journey run above another.
        assert max(loads) - min(loads) <= max(steps.values())


def test_the_split_depends_on_the_run_not_its_position() -> None:
    one = journey("Checkout", "journeys/checkout.yaml", 5)
    renamed = journey("Checkout again", "journeys/checkout.yaml", 5)
    others = suite(9)
    first = assign(plan([one, *others], CHANNELS, True), 3)
    second = assign(plan([*others, one], CHANNELS, True), 3)
    assert first == second
    # A different name is a different run: it may land elsewhere, but the key says which.
    keyed = {k for part in assign(plan([renamed, *others], CHANNELS, True), 3) for k in part}
    assert run_key(renamed, CHANNELS[0]) in keyed and run_key(one, CHANNELS[0]) not in keyed


@pytest.mark.parametrize(
    ("text", "expected"), [("1/1", Shard(1, 1)), ("2/4", Shard(2, 4)), (" 3 / 3 ", Shard(3, 3))]
)
def test_parse(text: str, expected: Shard) -> None:
    assert Shard.parse(text) == expected
    assert str(expected) == f"{expected.index}/{expected.total}"


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "2", "a/b", "1/2/3", "-1/2", ""])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(UsageError, match="--shard"):
        Shard.parse(text)


def test_bad_shard_on_the_command_line_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cxaudit", "run", "journeys", "--shard", "3/2"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--shard 3/2: K must be between 1 and N" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(("cpus", "workers"), [(1, 2), (2, 2), (4, 4), (8, 8), (64, 8)])
def test_default_workers_follow_the_cores(cpus: int, workers: int) -> None:
    assert default_workers(cpus) == workers
