"""What the benchmarks share: the demo shop, the demo journeys, memory sampling, the machine.

Benchmarks measure; they assert nothing. Each module has a ``measure()``
that returns rows for the table ``python -m bench`` prints and can be run on
its own (``python -m bench.overhead --help``).
"""

from __future__ import annotations

import asyncio
import os
import platform
import statistics
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = ROOT / "journeys"
#: The demo journeys bench/bare_playwright.py writes out by hand (the web ones; the
#: order email has no bare-Playwright twin): what the overhead and Lighthouse benches compare.
WEB_JOURNEYS = tuple(
    JOURNEYS / name
    for name in ("browse-and-choose.yaml", "guest-checkout.yaml", "track-and-support.yaml")
)
CACHE = Path(__file__).resolve().parent / ".cache"
#: The clean corpus: small sites built right, one journey per site (tests/e2e/test_clean_corpus.py).
CLEAN = ROOT / "tests" / "data" / "clean"


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    bench: str
    measure: str
    value: str
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class Figures:
    """What one benchmark found: table rows plus raw numbers for the JSON record."""

    rows: list[Row] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict)


def machine() -> dict[str, Any]:
    """The machine the figures were taken on, and how busy it was."""
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gib = 0.0
    chromium = ""
    try:
        from cxaudit.run.browser import find_executable

        exe = find_executable()
        if exe:
            chromium = subprocess.run(
                [exe, "--version"], capture_output=True, text=True, timeout=30
            ).stdout.strip()
    except Exception:
        pass
    from importlib import metadata

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(memory_gib, 1),
        "python": platform.python_version(),
        "playwright": metadata.version("playwright"),
        "chromium": chromium,
        "load_average": load_average(),
    }


def load_average() -> str:
    try:
        return " ".join(f"{v:.2f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def three_way(
    bare_s: list[float], tool_s: list[float], same_s: list[float], **extra: Any
) -> Figures:
    """The bare script, cxaudit and cxaudit doing the bare script's work: times and ratios.

    ``raw`` holds the three lists, ``ratio`` (cxaudit / bare, medians) and
    ``axe_only_ratio`` (the like-for-like one), with ``extra`` beside them.
    """
    ratio = median(tool_s) / median(bare_s)
    same_ratio = median(same_s) / median(bare_s)
    raw = {"bare_s": bare_s, "cxaudit_s": tool_s, "cxaudit_axe_only_s": same_s}
    return Figures(raw={**raw, "ratio": ratio, "axe_only_ratio": same_ratio, **extra})


class MemorySampler:
    """Peak memory of this process and every process under it (the browser's).

    Sums resident set sizes every ``interval_s``. RSS counts pages shared
    between Chromium's processes once per process, so the sum overstates
    the real use; it is what process monitors show, and it grows with what
    is running, which is what the scaling benchmark compares.
    """

    def __init__(self, interval_s: float = 0.1) -> None:
        import psutil

        self._psutil = psutil
        self.interval_s = interval_s
        self.peak_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def sample(self) -> int:
        psutil = self._psutil
        me = psutil.Process()
        total = 0
        for proc in [me, *me.children(recursive=True)]:
            try:
                total += proc.memory_info().rss
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_bytes = max(self.peak_bytes, self.sample())
            self._stop.wait(self.interval_s)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def demo_shop() -> Iterator[str]:
    """The flawed demo shop on a free loopback port, mailing the SMTP sink journeys read."""
    from cxaudit.demo import DemoShop
    from cxaudit.mail.session import shared_sink

    # The shop lists its mail under /_mail too: a run in a child process reads it there.
    with DemoShop(port=0, mailbox=shared_sink()) as shop:
        yield shop.url


def clean_sites() -> list[str]:
    """The sites of the clean corpus: each folder of tests/data/clean with a journey.yaml."""
    return sorted(p.parent.name for p in CLEAN.glob("*/journey.yaml"))


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def run_cxaudit(
    journey_paths: Sequence[Path],
    base_url: str,
    out: Path,
    *,
    channels: Sequence[str] = ("desktop",),
    workers: int = 1,
    screenshots: bool = True,
    mail_url: str | None = None,
) -> Any:
    """The audit as ``cxaudit run`` does it (load, run, check, score, write), in this process.

    ``mail_url``: a Mailpit API to read the journeys' mail from (the demo shop's
    ``/_mail`` when the shop runs in another process); else this process's SMTP sink.
    """
    from cxaudit.mail.session import configure
    from cxaudit.mail.settings import MailpitSettings, MailSettings
    from cxaudit.spec.channels import resolve_channels

    if mail_url:
        configure(MailSettings(mailpit=MailpitSettings(url=mail_url)))
    from cxaudit.run.pipeline import run_audit
    from cxaudit.run.runner import RunOptions
    from cxaudit.spec import load_journeys

    journeys, _ = load_journeys(list(journey_paths))
    options = RunOptions(
        channels=resolve_channels(list(channels)),
        output_dir=out,
        base_url=base_url,
        workers=workers,
        screenshots=screenshots,
    )
    return run_audit(journeys, options, explicit_channels=True)


def run_async(coro: Any) -> Any:
    return asyncio.run(coro)
