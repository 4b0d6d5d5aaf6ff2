"""A real journey, whole process against whole process: ``cxaudit run`` vs a bare Playwright script.

The journey is tests/data/react_shop/journey.yaml: 27 steps through a
client-rendered shop (one HTML page for every address, views changed with
``history.pushState``, prices as separate text nodes, the catalogue and the
order from a JSON API): home, a category, search, a product, a size, add to
cart, cart, five delivery fields, payment, confirmation. It is served on
127.0.0.1 for the whole benchmark.

Each round starts two fresh processes, one after the other: ``cxaudit run``
on that journey (desktop channel, the report written to a new folder), and
bench/real_journey_bare.py, the same steps in bare Playwright with one
axe-core call after each step cxaudit audits. Each is timed from its start
to its exit (Python start-up, browser launch, journey, checks, report), the
two alternate so that a machine whose speed drifts moves both, and the
medians are compared. Target: cxaudit at most 1.25x the bare script.

    python -m bench.real_journey                 # 5 rounds after a warm-up
    python -m bench.real_journey --runs 2        # what make bench --quick runs
    python -m bench.real_journey serve --port 8766   # only the shop, to time by hand

A third process in each round, ``python -m bench.real_journey axe-only``, is
cxaudit doing only the bare script's work (axe-core the one gatherer, no
screenshots; start-up, runner, settle wait, checks, scores and report as
usual): the like-for-like ratio, which says what the framework costs apart
from the evidence the bare script does not gather (keyboard walk, layout,
forms, content, screenshots).
"""

from __future__ import annotations

import argparse
import compileall
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import ROOT, Figures, Row, median, three_way

JOURNEY = ROOT / "tests" / "data" / "react_shop" / "journey.yaml"
TARGET_RATIO = 1.25


def cxaudit_command(base_url: str, out: Path) -> list[str]:
    """``cxaudit run`` as a user types it: one journey, desktop, the report written to ``out``."""
    return [
        *(sys.executable, "-m", "cxaudit", "run", str(JOURNEY)),
        *("--base-url", base_url, "--channel", "desktop", "--output", str(out)),
    ]


def axe_only_command(base_url: str, out: Path) -> list[str]:
    """cxaudit doing only the bare script's work, as a whole process (see :func:`axe_only_run`)."""
    return [
        *(sys.executable, "-m", "bench.real_journey", "axe-only"),
        *("--base-url", base_url, "--output", str(out)),
    ]


def axe_only_run(base_url: str, out: Path) -> None:
    """The journey through cxaudit with axe-core its only gatherer and no screenshots."""
    from bench.common import run_cxaudit
    from bench.overhead import axe_only

    with axe_only():
        run_cxaudit([JOURNEY], base_url, out, screenshots=False)


def bare_command(base_url: str) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "real_journey_bare.py"), "--base-url", base_url]


def whole_process(command: Sequence[str]) -> float:
    """Wall seconds from the start of ``command`` to its exit; a failed run stops the bench."""
    start = time.perf_counter()
    done = subprocess.run(list(command), capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[:4])} ... exited {done.returncode}:\n{done.stdout}{done.stderr}"
        )
    return seconds


def spread(values: Sequence[float]) -> str:
    return f"{min(values):.2f} / {median(values):.2f} / {max(values):.2f} s"


def measure(runs: int = 5) -> Figures:
    from tests.e2e.page_server import serve_app

    # cxaudit's bytecode, as an installed package has it (make browser writes it too).
    compileall.compile_dir(ROOT / "cxaudit", quiet=1)
    bare_s: list[float] = []
    tool_s: list[float] = []
    same_s: list[float] = []
    with serve_app() as url, tempfile.TemporaryDirectory() as tmp:
        # One untimed round of each: disk caches, the browser's first start.
        whole_process(bare_command(url))
        whole_process(cxaudit_command(url, Path(tmp) / "warm"))
        whole_process(axe_only_command(url, Path(tmp) / "warm-same"))
        for i in range(runs):
            bare_s.append(whole_process(bare_command(url)))
            tool_s.append(whole_process(cxaudit_command(url, Path(tmp) / f"run-{i}")))
            same_s.append(whole_process(axe_only_command(url, Path(tmp) / f"same-{i}")))
    figures = three_way(bare_s, tool_s, same_s)
    ratio, same_ratio = figures.raw["ratio"], figures.raw["axe_only_ratio"]
    figures.rows = [
        Row(
            "real journey",
            "bare Playwright + axe, whole process (min / median / max)",
            spread(bare_s),
            note=f"27 steps, 10 axe calls, {runs} runs",
        ),
        Row(
            "real journey",
            "cxaudit run, whole process (min / median / max)",
            spread(tool_s),
            note="desktop, report written",
        ),
        Row(
            "real journey",
            "cxaudit / bare, ratio of medians",
            f"{ratio:.2f}x",
            f"<= {TARGET_RATIO}x",
            ratio <= TARGET_RATIO,
            "start-up, browser, journey, checks and report",
        ),
        Row(
            "real journey",
            "cxaudit, the bare script's work only, whole process (min / median / max)",
            spread(same_s),
            note="axe-core the only gatherer, no screenshots; checks, scores, report as usual",
        ),
        Row(
            "real journey",
            "cxaudit (bare script's work) / bare, ratio of medians",
            f"{same_ratio:.2f}x",
            f"<= {TARGET_RATIO}x",
            same_ratio <= TARGET_RATIO,
            "like for like: start-up, runner, settle wait, checks and report",
        ),
    ]
    return figures


def serve(port: int) -> None:
    from tests.e2e.page_server import serve_app

    with serve_app(port=port) as url:
        print(f"serving the client-rendered shop at {url} (Ctrl-C stops)", flush=True)
        print("  " + " ".join(cxaudit_command(url, Path("/tmp/real-journey"))) + " --force")
        print("  " + " ".join(bare_command(url)), flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "what", nargs="?", choices=("measure", "serve", "axe-only"), default="measure"
    )
    parser.add_argument("--runs", type=int, default=5, help="Timed rounds (default 5).")
    parser.add_argument("--port", type=int, default=8766, help="With serve: the port.")
    parser.add_argument("--base-url", help="With axe-only: the shop's address.")
    parser.add_argument("--output", type=Path, help="With axe-only: the report's folder.")
    args = parser.parse_args(argv)
    if args.what == "axe-only":
        if not args.base_url or args.output is None:
            parser.error("axe-only needs --base-url and --output")
        axe_only_run(args.base_url, args.output)
        return
    if args.what == "serve":
        serve(args.port)
        return
    from bench.run import print_table

    print_table(measure(args.runs).rows)


if __name__ == "__main__":
    main()
