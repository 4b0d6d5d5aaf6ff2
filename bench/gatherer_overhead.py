"""Time each gatherer per audited step on the demo shop (a benchmark, not a test).

    .venv/bin/python bench/gatherer_overhead.py [--runs N] [--fixed]

Runs the bundled journeys on desktop and mobile against the demo shop, with a
timer around every registered gatherer, and prints per gatherer the median,
mean and 90th percentile milliseconds per audited step. Figures depend on the
machine and its load; write them down with both.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cxaudit.demo import DemoShop  # noqa: E402
from cxaudit.gather.snapshot import GATHERERS, Gatherer  # noqa: E402
from cxaudit.run.runner import RunOptions, plan, run_journeys  # noqa: E402
from cxaudit.spec import load_journeys  # noqa: E402
from cxaudit.spec.channels import resolve_channels  # noqa: E402

TIMES: dict[str, list[float]] = defaultdict(list)


def _timed(item: Gatherer) -> Gatherer:
    async def run(page: Any, options: Any) -> Any:
        start = time.perf_counter()
        try:
            return await item.run(page, options)
        finally:
            TIMES[item.name].append((time.perf_counter() - start) * 1000)

    return replace(item, run=run)


def time_gatherers() -> None:
    """Put a timer around every registered gatherer (what ``main`` measures with)."""
    import cxaudit.gather  # noqa: F401  (registers the gatherers)

    for name, item in list(GATHERERS.items()):
        GATHERERS[name] = _timed(item)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="How many times to run the journeys.")
    parser.add_argument("--fixed", action="store_true", help="Audit the fixed shop.")
    args = parser.parse_args(argv)
    time_gatherers()
    journeys, _ = load_journeys([ROOT / "journeys"])
    wall = []
    with DemoShop(port=0, fixed=args.fixed) as shop, tempfile.TemporaryDirectory() as out:
        for _ in range(args.runs):
            options = RunOptions(
                channels=resolve_channels(["desktop", "mobile"]),
                output_dir=Path(out),
                base_url=shop.url,
                screenshots=False,
            )
            start = time.perf_counter()
            asyncio.run(run_journeys(plan(journeys, options.channels, True), options))
            wall.append(time.perf_counter() - start)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.runs} run(s), {len(TIMES['axe'])} audited steps, load average {load:.1f}")
    print(f"journeys wall time per run: {statistics.mean(wall):.1f} s")
    print(f"{'gatherer':<10} {'median':>8} {'mean':>8} {'p90':>8}  ms per audited step")
    for name, times in TIMES.items():
        p90 = statistics.quantiles(times, n=10)[-1] if len(times) > 1 else times[0]
        print(
            f"{name:<10} {statistics.median(times):>8.1f} {statistics.mean(times):>8.1f} {p90:>8.1f}"
        )
    added = [sum(v) for v in zip(*(t for n, t in TIMES.items() if n != "axe"), strict=True)]
    if added:
        print(
            f"{'all but axe':<10} {statistics.median(added):>8.1f} {statistics.mean(added):>8.1f}"
        )


if __name__ == "__main__":
    main()
