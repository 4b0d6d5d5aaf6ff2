"""Report: render time and size for a results.json of 200 journey runs.

The runs are recorded data: one real audit of the demo shop (3 journeys x
desktop and mobile), whose journey runs are copied under other journey names
until there are 200. Timed is what ``cxaudit report results.json`` does:
read and validate results.json, render the index and the channel pages, and
write them. Sizes are the HTML pages, results.json and both together
(screenshots are separate files, referenced and not copied; their size per
audited step is shown from the recorded run). Targets: under 5 s, under 30 MB.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.common import JOURNEYS, Figures, Row, demo_shop, run_cxaudit

TARGET_S = 5.0
TARGET_MB = 30.0
RUNS = 200


def recorded(out: Path) -> Path:
    """A real results.json of the demo suite on desktop and mobile."""
    with demo_shop() as url:
        run_cxaudit([JOURNEYS], url, out, channels=("desktop", "mobile"), workers=2)
    return out / "results.json"


def grow(source: Path, runs: int, target: Path) -> Path:
    """``source``'s journey runs copied under distinct names until there are ``runs``."""
    from cxaudit.results import read_results, write_results

    result = read_results(source)
    grown = []
    k = 0
    while len(grown) < runs:
        for run in result.runs:
            if len(grown) == runs:
                break
            name = f"{run.journey} #{k + 1}"
            findings = [f.model_copy(update={"journey": name}) for f in run.findings]
            grown.append(run.model_copy(update={"journey": name, "findings": findings}))
        k += 1
    write_results(result.model_copy(update={"runs": grown}), target)
    return target


def measure(results: Path | None = None, runs: int = RUNS) -> Figures:
    from cxaudit.report import write_html
    from cxaudit.results import evidence_name, read_results

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = results or recorded(folder / "recorded")
        recorded_result = read_results(source)
        shots = [
            (source.parent / s.snapshot.screenshot)
            for r in recorded_result.runs
            for s in r.steps
            if s.snapshot and s.snapshot.screenshot
        ]
        shot_kib = sum(p.stat().st_size for p in shots if p.is_file()) / max(1, len(shots)) / 1024
        big = grow(source, runs, folder / "report" / "results.json")
        start, cpu_start = time.perf_counter(), time.process_time()
        pages = write_html(read_results(big), big.parent)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        html_mb = sum(p.stat().st_size for p in pages) / 1e6
        json_mb = big.stat().st_size / 1e6
        sidecar = big.parent / evidence_name(big)
        evidence_mb = sidecar.stat().st_size / 1e6 if sidecar.is_file() else 0.0
    total = html_mb + json_mb + evidence_mb
    figures = Figures(
        raw={
            "seconds": seconds,
            "html_mb": html_mb,
            "results_json_mb": json_mb,
            "evidence_mb": evidence_mb,
            "pages": len(pages),
            "screenshot_kib_avg": shot_kib,
        }
    )
    figures.rows = [
        Row(
            "report",
            f"cxaudit report, {runs} journey runs: read + render + write",
            f"{seconds:.2f} s",
            f"< {TARGET_S:g} s",
            seconds < TARGET_S,
            f"{len(pages)} pages; CPU time {cpu:.2f} s",
        ),
        Row(
            "report",
            "size: HTML pages + results.json + its evidence file",
            f"{total:.1f} MB",
            f"< {TARGET_MB:g} MB",
            total < TARGET_MB,
            f"HTML {html_mb:.1f} MB, results.json {json_mb:.1f} MB, "
            f"evidence (gzip) {evidence_mb:.1f} MB",
        ),
        Row(
            "report",
            "screenshot size, average per audited step",
            f"{shot_kib:.0f} KiB",
            note=f"{len(shots)} screenshots in the recorded run (webp, CSS pixels)",
        ),
    ]
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--results", type=Path, help="Recorded results.json (default: audit the demo shop)."
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"Journey runs (default {RUNS}).")
    args = parser.parse_args(argv)
    from bench.run import print_table

    print_table(measure(args.results, args.runs).rows)


if __name__ == "__main__":
    main()
