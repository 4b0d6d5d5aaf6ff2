"""Overhead: the demo journeys audited by cxaudit vs the bare Playwright script.

Both run the three demo journeys on the desktop viewport, one after the
other, in one browser, against the same demo shop; the bare script makes the
same axe-core call after each step cxaudit audits (bench/bare_playwright.py).
cxaudit's time covers the whole ``cxaudit run``: load journeys, run, gather,
check, score, write results.json and the report. The two alternate
``--repeat`` times and the medians are compared. Target: cxaudit at most
1.25x the bare script.

``--profile`` runs cxaudit once more with its phases timed (step, snapshot,
axe-core, screenshot, page info, network settle) and writes the table to
bench/.cache/overhead-phases.md: where the time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bench.common import (
    CACHE,
    WEB_JOURNEYS,
    Figures,
    Row,
    demo_shop,
    median,
    run_cxaudit,
    three_way,
    timed,
)

TARGET_RATIO = 1.25


def measure(repeat: int = 3, profile: bool = False) -> Figures:
    from bench import bare_playwright

    bare_s: list[float] = []
    tool_s: list[float] = []
    same_s: list[float] = []
    audited = 0
    with demo_shop() as url, tempfile.TemporaryDirectory() as tmp:
        # One untimed round of each first: disk caches, imports, the shop's first pages.
        asyncio.run(bare_playwright.run(url))
        run_cxaudit(WEB_JOURNEYS, url, Path(tmp) / "warm")
        for i in range(repeat):
            seconds, bare = timed(lambda: asyncio.run(bare_playwright.run(url)))
            bare_s.append(seconds)
            seconds, result = timed(
                lambda i=i: run_cxaudit(WEB_JOURNEYS, url, Path(tmp) / f"run-{i}")
            )
            tool_s.append(seconds)
            with axe_only():
                seconds, _ = timed(
                    lambda i=i: run_cxaudit(
                        WEB_JOURNEYS, url, Path(tmp) / f"same-{i}", screenshots=False
                    )
                )
            same_s.append(seconds)
            audited = sum(
                1 for r in result.runs for s in r.steps if s.snapshot and s.snapshot.audited
            )
        phase_table = phases(url, Path(tmp) / "phases") if profile else None
    figures = three_way(
        bare_s,
        tool_s,
        same_s,
        bare_audits=bare["audits"],
        cxaudit_audits=audited,
        phases=phase_table,
    )
    ratio, same_ratio = figures.raw["ratio"], figures.raw["axe_only_ratio"]
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
            "the full audit: axe plus screenshots, keyboard walk, layout, forms, content",
        ),
        Row(
            "overhead",
            "cxaudit run, the bare script's work only",
            f"{median(same_s):.2f} s",
            note="axe-core the only gatherer, no screenshots; checks, scores, report as usual",
        ),
        Row(
            "overhead",
            "cxaudit (bare script's work) / bare wall time",
            f"{same_ratio:.2f}x",
            f"<= {TARGET_RATIO}x",
            same_ratio <= TARGET_RATIO,
            "like for like: what the runner, settle wait, checks and report cost",
        ),
    ]
    return figures


@contextmanager
def axe_only() -> Iterator[None]:
    """Only the axe-core gatherer (and page info) for the ``with`` block: the bare script's work."""
    import cxaudit.gather.snapshot as snapshot

    saved = dict(snapshot.GATHERERS)
    snapshot.GATHERERS.clear()
    snapshot.GATHERERS["axe"] = saved["axe"]
    try:
        yield
    finally:
        snapshot.GATHERERS.clear()
        snapshot.GATHERERS.update(saved)


def profile_targets() -> list[tuple[object, str, str]]:
    """(owner, attribute, label) of every call the profile times.

    Resolved before anything runs, so a renamed method stops the profile at
    once with its name (``make bench`` crashed on ``Runner._run_step`` after
    it became ``run_step``); the bench smoke test calls this too.
    """
    import cxaudit.gather.snapshot as snapshot
    import cxaudit.run.runner as runner
    from cxaudit.gather.recorder import PageRecorder

    targets: list[tuple[object, str, str]] = [
        (runner.Runner, "run_step", "step (action + snapshot)"),
        (runner, "take_snapshot", "snapshot after a step"),
        (snapshot, "run_axe", "  axe-core"),
        (snapshot, "capture", "  screenshot"),
        (snapshot, "read_page_info", "  page info (URL, text, timings)"),
        (PageRecorder, "settle", "network settle after a page-changing step"),
    ]
    missing = [
        f"{getattr(owner, '__name__', owner)}.{name}"
        for owner, name, _ in targets
        if not callable(getattr(owner, name, None))
    ]
    if missing:
        raise AttributeError(f"the profile times calls that no longer exist: {', '.join(missing)}")
    return targets


def phases(
    url: str, out: Path, journeys: Sequence[Path] = WEB_JOURNEYS
) -> dict[str, tuple[float, int]]:
    """Where one cxaudit run's wall time goes: phase -> (seconds, calls).

    A sampling profiler sees an async run as time in ``epoll`` (waiting for
    the browser), so the phases are timed around the calls that wait:
    the whole step, the snapshot after it and its parts, and the settle wait.
    """
    import cxaudit.gather.snapshot as snapshot

    spent: dict[str, list[float]] = {}

    def timed_async(owner: object, name: str, label: str) -> tuple[object, str, object]:
        original = getattr(owner, name)

        async def wrapper(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return await original(*args, **kwargs)
            finally:
                spent.setdefault(label, []).append(time.perf_counter() - start)

        setattr(owner, name, wrapper)
        return owner, name, original

    patched = [timed_async(*target) for target in profile_targets()]
    # Every other gatherer (forms, layout, keyboard walk...), by name.
    gatherers = dict(snapshot.GATHERERS)
    for key, item in gatherers.items():
        if item.name == "axe":
            continue
        holder = type("Holder", (), {"run": staticmethod(item.run)})
        timed_async(holder, "run", f"  {item.name} gatherer")
        snapshot.GATHERERS[key] = replace(item, run=holder.run)
    try:
        total, _ = timed(lambda: run_cxaudit(list(journeys), url, out))
    finally:
        for owner, name, original in patched:
            setattr(owner, name, original)
        snapshot.GATHERERS.update(gatherers)
    table = {label: (sum(times), len(times)) for label, times in spent.items()}
    table["whole run"] = (total, 1)
    return table


def write_phases(table: dict[str, tuple[float, int]]) -> str:
    lines = ["| phase | seconds | calls |", "|---|---|---|"]
    for label, (seconds, calls) in sorted(table.items(), key=lambda kv: -kv[1][0]):
        lines.append(f"| {label} | {seconds:.2f} | {calls} |")
    text = "\n".join(lines)
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "overhead-phases.md").write_text(text + "\n", encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="Rounds of each (default 3).")
    parser.add_argument(
        "--profile", action="store_true", help="Time the phases of one more cxaudit run."
    )
    args = parser.parse_args(argv)
    from bench.run import print_table

    figures = measure(args.repeat, args.profile)
    print_table(figures.rows)
    if figures.raw["phases"]:
        print()
        print(write_phases(figures.raw["phases"]))


if __name__ == "__main__":
    main()
