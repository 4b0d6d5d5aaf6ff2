"""Scaling: wall time and peak memory of the demo suite x1, x4, x16 at 1, 2 and 4 workers.

The demo suite is 4 journeys x 2 channels (desktop, mobile) = 8 journey
runs; x4 and x16 copy the journey files under other journey names into a
temporary folder (32 and 128 runs). Each measurement is a fresh Python
process running the audit as ``cxaudit run`` does, against one demo shop
started here (the child reads the shop's mail through its Mailpit API, /_mail); its peak memory is the sum of the resident set sizes of that
process and its browser, sampled every 100 ms (shared pages are counted once
per process, so this overstates; it is comparable between rows). Targets:
2 workers give at least 1.6x the throughput of 1; peak memory follows the
workers, not the suite's size.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import JOURNEYS, ROOT, Figures, MemorySampler, Row, demo_shop, run_cxaudit
from cxaudit.mail.catcher import API_PATH

TARGET_SPEED_UP = 1.6
CHANNELS = ("desktop", "mobile")


def replicate(copies: int, into: Path) -> Path:
    """The demo journeys ``copies`` times, each copy under its own journey names."""
    into.mkdir(parents=True, exist_ok=True)
    shutil.copytree(JOURNEYS / "fragments", into / "fragments")
    for source in sorted(JOURNEYS.glob("*.yaml")):
        text = source.read_text(encoding="utf-8")
        for k in range(copies):
            renamed = re.sub(
                r"^journey: (.+)$", rf"journey: \1 (copy {k + 1})", text, count=1, flags=re.M
            )
            (into / f"{source.stem}-{k + 1:02d}.yaml").write_text(renamed, encoding="utf-8")
    return into


def one(size: int, workers: int, base_url: str) -> dict[str, float]:
    """A measurement in a fresh process: wall seconds, peak bytes, journey runs."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.scaling", "--one", str(size), str(workers), base_url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"scaling x{size} at {workers} workers failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _child(size: int, workers: int, base_url: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        suite = replicate(size, Path(tmp) / "journeys")
        with MemorySampler() as memory:
            start = time.perf_counter()
            # The shop runs in the parent: its mail is read from its Mailpit API.
            result = run_cxaudit(
                [suite],
                base_url,
                Path(tmp) / "out",
                channels=CHANNELS,
                workers=workers,
                mail_url=base_url + API_PATH,
            )
            seconds = time.perf_counter() - start
        failed = sum(1 for r in result.runs if r.status != "passed")
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_bytes": memory.peak_bytes,
                "runs": len(result.runs),
                "not_passed": failed,
            }
        )
    )


def measure(sizes: tuple[int, ...] = (1, 4, 16), workers: tuple[int, ...] = (1, 2, 4)) -> Figures:
    table: dict[str, dict[str, float]] = {}
    with demo_shop() as url:
        one(1, 2, url)  # warm-up, not counted
        for size in sizes:
            for n in workers:
                table[f"x{size}/w{n}"] = one(size, n, url)
                print(f"    x{size} at {n} worker(s): {table[f'x{size}/w{n}']}", flush=True)
    figures = Figures(raw=table)
    for size in sizes:
        base = table[f"x{size}/w1"]
        for n in workers:
            m = table[f"x{size}/w{n}"]
            speed_up = base["seconds"] / m["seconds"]
            target = f">= {TARGET_SPEED_UP}x" if n == 2 else ""
            figures.rows.append(
                Row(
                    "scaling",
                    f"x{size} ({int(m['runs'])} runs), {n} worker(s)",
                    f"{m['seconds']:.1f} s, {m['runs'] / m['seconds'] * 60:.1f} runs/min, "
                    f"peak {m['peak_bytes'] / 2**20:.0f} MiB",
                    target,
                    speed_up >= TARGET_SPEED_UP if n == 2 else None,
                    f"{speed_up:.2f}x the throughput of 1 worker"
                    + (f", {int(m['not_passed'])} not passed" if m["not_passed"] else ""),
                )
            )
    for n in workers:
        peaks = [table[f"x{s}/w{n}"]["peak_bytes"] / 2**20 for s in sizes]
        figures.rows.append(
            Row(
                "scaling",
                f"peak memory at {n} worker(s), by suite size",
                " / ".join(f"{p:.0f}" for p in peaks) + " MiB",
                "flat with size",
                max(peaks) <= 1.3 * min(peaks),
                "x" + " / x".join(str(s) for s in sizes),
            )
        )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,4,16", help="Suite copies (default 1,4,16).")
    parser.add_argument("--workers", default="1,2,4", help="Worker counts (default 1,2,4).")
    parser.add_argument(
        "--one", nargs=3, metavar=("SIZE", "WORKERS", "URL"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.one:
        _child(int(args.one[0]), int(args.one[1]), args.one[2])
        return
    from bench.run import print_table

    sizes = tuple(int(s) for s in args.sizes.split(","))
    workers = tuple(int(w) for w in args.workers.split(","))
    print_table(measure(sizes, workers).rows)


if __name__ == "__main__":
    main()
