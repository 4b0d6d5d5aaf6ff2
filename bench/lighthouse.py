"""Against Lighthouse: wall time per audited page and accessibility findings side by side.

cxaudit runs the demo journeys on the desktop channel (one worker) and its
time per audited page is the whole run's wall time divided by the audited
steps. Lighthouse's CLI (npm ``lighthouse``, installed on demand into
bench/.cache/lighthouse, run on the system Chromium through ``CHROME_PATH``
with ``--preset=desktop``) then audits every distinct page those steps saw,
one CLI call per page, accessibility and performance categories, as a CI job
would. Lighthouse opens each page cold: a cart or checkout page shows what
a new visitor sees, not the state the journey built.

Accessibility: Lighthouse's failing accessibility audits (their ids are
axe-core rule ids) vs the axe-core rules cxaudit found violated on that page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import CACHE, WEB_JOURNEYS, Figures, Row, demo_shop, median, run_cxaudit, timed

LIGHTHOUSE_VERSION = "12.2.3"
TARGET_SPEED_UP = 5.0
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu"


def lighthouse_bin() -> Path:
    """The Lighthouse CLI, installed into bench/.cache/lighthouse the first time."""
    home = CACHE / "lighthouse"
    binary = home / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise SystemExit("bench lighthouse: npm is needed (apt-get install -y npm)")
        home.mkdir(parents=True, exist_ok=True)
        print(f"  installing lighthouse@{LIGHTHOUSE_VERSION} into {home} ...", flush=True)
        subprocess.run(
            [
                npm,
                "install",
                "--prefix",
                str(home),
                "--no-audit",
                "--no-fund",
                "-E",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return binary


def run_lighthouse(
    binary: Path, url: str, chrome: str, out_dir: Path
) -> tuple[float, dict[str, Any]]:
    """One Lighthouse CLI call on ``url``: its wall time and its report."""
    out = out_dir / (re.sub(r"[^A-Za-z0-9]+", "-", url)[-80:] + ".json")
    env = {**os.environ, "CHROME_PATH": chrome}
    start = time.perf_counter()
    subprocess.run(
        [
            str(binary),
            url,
            "--output=json",
            f"--output-path={out}",
            "--quiet",
            "--only-categories=accessibility,performance",
            "--preset=desktop",
            f"--chrome-flags={CHROME_FLAGS}",
        ],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=300,
    )
    seconds = time.perf_counter() - start
    return seconds, json.loads(out.read_text(encoding="utf-8"))


def failing_a11y(report: dict[str, Any]) -> set[str]:
    """Lighthouse's accessibility audits that failed (score 0), by id (= axe rule id)."""
    refs = report["categories"]["accessibility"]["auditRefs"]
    audits = report["audits"]
    return {
        ref["id"]
        for ref in refs
        if audits.get(ref["id"], {}).get("score") == 0
        and audits[ref["id"]].get("scoreDisplayMode") == "binary"
    }


def cxaudit_pages(result: Any) -> dict[str, set[str]]:
    """URL -> axe rules cxaudit found violated there, over every audited step on it."""
    pages: dict[str, set[str]] = {}
    for run in result.runs:
        for step in run.steps:
            snap = step.snapshot
            if snap is None or not snap.audited or not snap.url:
                continue
            ids = {v.id for v in snap.axe.violations} if snap.axe else set()
            pages.setdefault(snap.url.split("#")[0], set()).update(ids)
    return pages


def measure(pages_limit: int | None = None) -> Figures:
    from cxaudit.run.browser import find_executable

    binary = lighthouse_bin()
    chrome = find_executable() or "chromium"
    with demo_shop() as url, tempfile.TemporaryDirectory() as tmp:
        run_cxaudit(WEB_JOURNEYS, url, Path(tmp) / "warm")
        tool_s, result = timed(lambda: run_cxaudit(WEB_JOURNEYS, url, Path(tmp) / "cx"))
        audited = sum(1 for r in result.runs for s in r.steps if s.snapshot and s.snapshot.audited)
        pages = cxaudit_pages(result)
        urls = sorted(pages)[:pages_limit] if pages_limit else sorted(pages)
        lh_s: list[float] = []
        side: list[dict[str, Any]] = []
        for page in urls:
            seconds, report = run_lighthouse(binary, page, chrome, Path(tmp))
            lh_s.append(seconds)
            lh = failing_a11y(report)
            side.append(
                {
                    "page": page.removeprefix(url),
                    "lighthouse": sorted(lh),
                    "cxaudit": sorted(pages[page]),
                    "lighthouse_a11y_score": report["categories"]["accessibility"]["score"],
                    "lighthouse_s": round(seconds, 2),
                }
            )
    per_page_cx = tool_s / max(1, audited)
    per_page_lh = median(lh_s)
    speed_up = per_page_lh / per_page_cx
    same = sum(1 for s in side if s["lighthouse"] == s["cxaudit"])
    figures = Figures(
        raw={"cxaudit_s": tool_s, "audited_steps": audited, "lighthouse_s": lh_s, "pages": side}
    )
    figures.rows = [
        Row(
            "lighthouse",
            "Lighthouse CLI per page (a11y + perf)",
            f"{per_page_lh:.2f} s",
            note=f"median of {len(lh_s)} pages, one CLI call each",
        ),
        Row(
            "lighthouse",
            "cxaudit per audited page",
            f"{per_page_cx:.2f} s",
            note=f"{tool_s:.1f} s for {audited} audited steps, journeys included",
        ),
        Row(
            "lighthouse",
            "speed-up per page",
            f"{speed_up:.1f}x",
            f">= {TARGET_SPEED_UP:g}x",
            speed_up >= TARGET_SPEED_UP,
        ),
        Row(
            "lighthouse",
            "pages with the same failing a11y rules",
            f"{same} of {len(side)}",
            note="table below",
        ),
    ]
    return figures


def side_by_side(pages: list[dict[str, Any]]) -> str:
    lines = [
        "| page | Lighthouse failing a11y audits | cxaudit axe violations | only Lighthouse | only cxaudit |",
        "|---|---|---|---|---|",
    ]
    for p in pages:
        lh, cx = set(p["lighthouse"]), set(p["cxaudit"])
        lines.append(
            f"| `{p['page']}` | {', '.join(sorted(lh)) or '–'} | {', '.join(sorted(cx)) or '–'} "
            f"| {', '.join(sorted(lh - cx)) or '–'} | {', '.join(sorted(cx - lh)) or '–'} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, help="Audit at most this many pages with Lighthouse.")
    args = parser.parse_args(argv)
    from bench.run import print_table

    figures = measure(args.pages)
    print_table(figures.rows)
    print()
    print(side_by_side(figures.raw["pages"]))


if __name__ == "__main__":
    main()
