"""How long the outputs take to render from a results.json, and how big they are.

    .venv/bin/cxaudit demo -o reports/demo
    .venv/bin/python bench/report_render.py reports/demo/results.json

Renders every output (HTML pages, junit.xml, summary.md, results.sarif) five
times into a scratch folder beside the results, and prints the median time and
the size of each file. Figures are written down in bench/report.md, not
asserted in tests.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from cxaudit.report import write_report
from cxaudit.results import read_results

REPEAT = 5


def render(results_path: Path) -> None:
    started = time.perf_counter()
    result = read_results(results_path)
    read_s = time.perf_counter() - started
    timings = []
    with tempfile.TemporaryDirectory(dir=results_path.parent) as tmp:
        out = Path(tmp)
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            written = write_report(result, out, source_dir=results_path.parent)
            timings.append(time.perf_counter() - t0)
        sizes = {p.name: p.stat().st_size for p in written}
        shutil.rmtree(out, ignore_errors=True)
    shots = sum(
        p.stat().st_size for p in (results_path.parent / "screenshots").rglob("*") if p.is_file()
    )
    runs = len(result.runs)
    steps = sum(len(r.steps) for r in result.runs)
    findings = len(result.all_findings())
    print(f"{results_path}: {runs} journey runs, {steps} steps, {findings} findings")
    print(f"read results.json ({results_path.stat().st_size // 1024} KiB): {read_s:.2f} s")
    print(
        f"render every output: median {statistics.median(timings):.2f} s "
        f"(min {min(timings):.2f}, max {max(timings):.2f}, {REPEAT} runs; the first compiles the templates)"
    )
    for name, size in sorted(sizes.items()):
        print(f"  {name:<16} {size / 1024:8.1f} KiB")
    print(f"  {'screenshots/':<16} {shots / 1024:8.1f} KiB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "results",
        nargs="?",
        type=Path,
        default=Path("tests/data/demo/results.json"),
        help="The results.json to render (default tests/data/demo/results.json).",
    )
    render(parser.parse_args(argv).results)


if __name__ == "__main__":
    main()
