"""Overhead: the demo journeys audited by cxaudit vs the bare Playwright script.

Both run the three demo journeys on the desktop viewport, one after the
other, in one browser, against the same demo shop; the bare script makes the
same axe-core call after each step cxaudit audits (bench/bare_playwright.py).
cxaudit's time covers the whole ``cxaudit run``: load journeys, run, gather,
check, score, write results.json and the report. The two alternate
``--repeat`` times and the medians are compared. Target: cxaudit at most
1.25x the bare script.

``--profile`` runs cxaudit once more under pyinstrument and writes the
profile to bench/.cache/overhead-profile.html (where the time goes).
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from pathlib import Path

from bench.common import CACHE, JOURNEYS, Figures, Row, demo_shop, median, run_cxaudit, timed

TARGET_RATIO = 1.25


def measure(repeat: int = 3, profile: bool = False) -> Figures:
    from bench import bare_playwright

    bare_s: list[float] = []
    tool_s: list[float] = []
    audited = 0
    with demo_shop() as url, tempfile.TemporaryDirectory() as tmp:
        # One untimed round of each first: disk caches, imports, the shop's first pages.
        asyncio.run(bare_playwright.run(url))
        run_cxaudit([JOURNEYS], url, Path(tmp) / "warm")
        for i in range(repeat):
            seconds, bare = timed(lambda: asyncio.run(bare_playwright.run(url)))
            bare_s.append(seconds)
            seconds, result = timed(
                lambda i=i: run_cxaudit([JOURNEYS], url, Path(tmp) / f"run-{i}")
            )
            tool_s.append(seconds)
            audited = sum(
                1 for r in result.runs for s in r.steps if s.snapshot and s.snapshot.audited
            )
        if profile:
            write_profile(url, Path(tmp) / "profiled")
    ratio = median(tool_s) / median(bare_s)
    figures = Figures(
        raw={
            "bare_s": bare_s,
            "cxaudit_s": tool_s,
            "bare_audits": bare["audits"],
            "cxaudit_audits": audited,
        }
    )
    figures.rows = [
        Row(
            "overhead",
            "bare Playwright + axe, 3 journeys (desktop)",
            f"{median(bare_s):.2f} s",
            note=f"{bare['audits']} axe calls, median of {repeat}",
        ),
        Row(
            "overhead",
            "cxaudit run, same journeys",
            f"{median(tool_s):.2f} s",
            note=f"{audited} audited steps, report written",
        ),
        Row(
            "overhead",
            "cxaudit / bare wall time",
            f"{ratio:.2f}x",
            f"<= {TARGET_RATIO}x",
            ratio <= TARGET_RATIO,
        ),
    ]
    return figures


def write_profile(url: str, out: Path) -> Path:
    """One cxaudit run under pyinstrument, as HTML in bench/.cache/."""
    from pyinstrument import Profiler

    profiler = Profiler(async_mode="enabled")
    profiler.start()
    run_cxaudit([JOURNEYS], url, out)
    profiler.stop()
    CACHE.mkdir(parents=True, exist_ok=True)
    target = CACHE / "overhead-profile.html"
    target.write_text(profiler.output_html(), encoding="utf-8")
    (CACHE / "overhead-profile.txt").write_text(
        profiler.output_text(unicode=True, show_all=False), encoding="utf-8"
    )
    return target


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of each (default 3).")
    parser.add_argument("--profile", action="store_true", help="Profile one cxaudit run too.")
    args = parser.parse_args(argv)
    from bench.run import print_table

    print_table(measure(args.repeat, args.profile).rows)


if __name__ == "__main__":
    main()
