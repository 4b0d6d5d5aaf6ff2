"""Stability: the same sites audited N times give the same findings.

Audits the demo suite (the bundled journeys on desktop and mobile against
the demo shop, as ``cxaudit demo`` does) and the clean corpus
(tests/data/clean/, every journey on desktop, mobile and tablet) ``--runs``
times each, in this process, and compares the findings of the runs by
fingerprint and status. Target: no finding that is not a timing measure
changes between runs. Timing findings (the performance category: server
response, paints, layout shift, budgets) may come and go with the machine's
load; each one that changed is listed with the runs it was in, so the
reason can be read off its message.

    python -m bench.stability            # 5 runs of each
    python -m bench.stability --quick    # 2 runs of each
    python -m bench.stability --only clean --runs 3
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import CLEAN, JOURNEYS, Figures, Row, clean_sites, demo_shop, run_cxaudit
from tests.e2e.page_server import serve_folder

SUITES = ("demo", "clean")
#: Findings of this category measure time (or bytes and requests, which follow the page's load).
TIMING_CATEGORY = "performance"


@dataclass(frozen=True)
class Seen:
    """One finding as the comparison sees it: identity, status, and words for a person."""

    fingerprint: str
    status: str
    timing: bool
    label: str


@dataclass
class Changes:
    """Findings not present, with the same status, in every run."""

    runs: int
    stable: int = 0
    changed: list[tuple[Seen, list[int]]] = field(default_factory=list)

    @property
    def timing(self) -> list[tuple[Seen, list[int]]]:
        return [(s, r) for s, r in self.changed if s.timing]

    @property
    def other(self) -> list[tuple[Seen, list[int]]]:
        return [(s, r) for s, r in self.changed if not s.timing]


def seen(result: Any) -> list[Seen]:
    """The findings of one run (a :class:`cxaudit.results.RunResult`), informative ones too."""
    return [
        Seen(
            fingerprint=f.fingerprint or f.key,
            status=f.status,
            timing=f.category == TIMING_CATEGORY,
            label=f"{f.code} {f.rule} [{f.journey} / {f.channel}] {f.message}".replace("  ", " "),
        )
        for f in result.all_findings()
    ]


def compare(runs: Sequence[Sequence[Seen]]) -> Changes:
    """Which findings were not in every run with the same status (run numbers from 1).

    The key is fingerprint and status: a finding that turned from failed to
    not measured changed too. Its label is the first run's words for it.
    """
    where: dict[tuple[str, str], list[int]] = {}
    first: dict[tuple[str, str], Seen] = {}
    for number, findings in enumerate(runs, start=1):
        for item in findings:
            key = (item.fingerprint, item.status)
            first.setdefault(key, item)
            if number not in where.setdefault(key, []):
                where[key].append(number)
    changes = Changes(runs=len(runs))
    for key, numbers in where.items():
        if len(numbers) == len(runs):
            changes.stable += 1
        else:
            changes.changed.append((first[key], numbers))
    changes.changed.sort(key=lambda pair: (not pair[0].timing, pair[0].label))
    return changes


def audit_demo(out: Path) -> Any:
    """The demo suite once: the bundled journeys on desktop and mobile, the demo shop."""
    with demo_shop() as url:
        return run_cxaudit([JOURNEYS], url, out, channels=("desktop", "mobile"))


def audit_clean(out: Path) -> Any:
    """The clean corpus once: every site's journey on desktop, mobile and tablet."""
    journeys = [CLEAN / site / "journey.yaml" for site in clean_sites()]
    with serve_folder(CLEAN) as url:
        return run_cxaudit(journeys, url, out, channels=("desktop", "mobile", "tablet"))


AUDITS: dict[str, Callable[[Path], Any]] = {"demo": audit_demo, "clean": audit_clean}


def describe(name: str, changes: Changes) -> str:
    """The changed findings in words, for the console."""
    lines = [
        f"{name}: {changes.stable} finding(s) in all {changes.runs} runs; "
        f"{len(changes.other)} other and {len(changes.timing)} timing finding(s) changed"
    ]
    for item, numbers in changes.changed:
        kind = "timing" if item.timing else "NOT TIMING"
        lines.append(f"  {kind}: {item.status} {item.label} (in run(s) {numbers})")
    return "\n".join(lines)


def measure(runs: int = 5, suites: Sequence[str] = SUITES) -> Figures:
    figures = Figures()
    with tempfile.TemporaryDirectory() as tmp:
        for name in suites:
            found = []
            for i in range(runs):
                result = AUDITS[name](Path(tmp) / f"{name}-{i}")
                found.append(seen(result))
            changes = compare(found)
            print(describe(name, changes), flush=True)
            figures.raw[name] = {
                "runs": runs,
                "findings_per_run": [len(f) for f in found],
                "stable": changes.stable,
                "changed": [
                    {"finding": s.label, "status": s.status, "timing": s.timing, "runs": r}
                    for s, r in changes.changed
                ],
            }
            figures.rows.append(
                Row(
                    "stability",
                    f"{name}: non-timing findings that changed over {runs} runs",
                    str(len(changes.other)),
                    "0",
                    not changes.other,
                    f"{changes.stable} finding(s) the same in every run",
                )
            )
            timing = sorted({s.label.split(" [")[0] for s, _ in changes.timing})
            figures.rows.append(
                Row(
                    "stability",
                    f"{name}: timing findings that changed over {runs} runs",
                    str(len(changes.timing)),
                    note=", ".join(timing) or "none",
                )
            )
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=None, help="Runs of each suite (default 5).")
    parser.add_argument("--quick", action="store_true", help="2 runs of each suite.")
    parser.add_argument(
        "--only", default=",".join(SUITES), help=f"Comma-separated, of: {', '.join(SUITES)}."
    )
    args = parser.parse_args(argv)
    suites = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(suites) - set(SUITES))
    if unknown:
        parser.error(f"unknown suite(s): {', '.join(unknown)}")
    runs = args.runs or (2 if args.quick else 5)
    from bench.run import print_table

    print_table(measure(runs, suites).rows)


if __name__ == "__main__":
    main()
