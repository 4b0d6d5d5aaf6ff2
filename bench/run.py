"""Run every benchmark and print one table (``make bench`` or ``python -m bench``).

    python -m bench                      # all six, the figures of bench/README.md
    python -m bench --only overhead,report
    python -m bench --quick              # fewer rounds, scaling without x16, 2 stability runs

The figures and the machine are also written to bench/.cache/latest.json.
Benchmarks are not tests: they assert nothing and print what they measured,
with the target beside it.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict

from bench.common import CACHE, Figures, Row, load_average, machine

BENCHES = ("overhead", "real_journey", "lighthouse", "report", "scaling", "stability")


def print_table(rows: Sequence[Row]) -> None:
    """A Markdown table: paste it into bench/README.md."""
    print("| bench | measure | value | target | met | note |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        met = "" if row.met is None else ("yes" if row.met else "**no**")
        print(f"| {row.bench} | {row.measure} | {row.value} | {row.target} | {met} | {row.note} |")


def runners(quick: bool) -> dict[str, Callable[[], Figures]]:
    from bench import lighthouse, overhead, real_journey, report, scaling, stability

    return {
        "overhead": lambda: overhead.measure(repeat=1 if quick else 3, profile=True),
        "real_journey": lambda: real_journey.measure(runs=2 if quick else 5),
        "lighthouse": lambda: lighthouse.measure(),
        "scaling": lambda: scaling.measure(sizes=(1, 4) if quick else (1, 4, 16)),
        "report": lambda: report.measure(),
        "stability": lambda: stability.measure(runs=2 if quick else 5),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(BENCHES), help=f"Comma-separated, of: {', '.join(BENCHES)}."
    )
    parser.add_argument("--quick", action="store_true", help="Fewer rounds and sizes.")
    args = parser.parse_args(argv)
    chosen = [b.strip() for b in args.only.split(",") if b.strip()]
    unknown = sorted(set(chosen) - set(BENCHES))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    info = machine()
    print(
        f"machine: {info['cpu']}, {info['cores']} cores, {info['memory_gib']} GiB; "
        f"Python {info['python']}, Playwright {info['playwright']}, {info['chromium']}"
    )
    print(f"load average before: {info['load_average']}")
    rows: list[Row] = []
    raw: dict[str, object] = {}
    todo = runners(args.quick)
    for name in chosen:
        start = time.perf_counter()
        figures = todo[name]()
        rows.extend(figures.rows)
        raw[name] = figures.raw
        print(f"  {name}: {time.perf_counter() - start:.0f} s (load average {load_average()})")
    print()
    print_table(rows)
    if raw.get("overhead", {}).get("phases"):  # type: ignore[union-attr]
        from bench.overhead import write_phases

        print("\nWhere one cxaudit run's time goes (overhead benchmark):\n")
        print(write_phases(raw["overhead"]["phases"]))  # type: ignore[index]
    if "lighthouse" in raw:
        from bench.lighthouse import side_by_side

        print(
            "\nAccessibility, page by page (Lighthouse's failing audits vs cxaudit's axe rules):\n"
        )
        print(side_by_side(raw["lighthouse"]["pages"]))  # type: ignore[index]
    print(f"\nload average after: {load_average()}")
    CACHE.mkdir(parents=True, exist_ok=True)
    record = {
        "machine": info,
        "rows": [asdict(r) for r in rows],
        "raw": raw,
        "load_average_after": load_average(),
    }
    (CACHE / "latest.json").write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
