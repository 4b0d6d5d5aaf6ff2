"""``cxaudit import``: recordings made for the demo shop become journeys that pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cxaudit.demo import DemoShop
from tests.results_files import results_data, results_text

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = ROOT / "tests" / "data" / "recordings"


def cxaudit(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cxaudit", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def test_imported_recordings_run_against_the_demo_shop(demo_shop: DemoShop, tmp_path: Path) -> None:
    for source, stage in (
        ("guest-buys-trail-shoes.json", "purchase"),
        ("order-status-and-support.json", "post-purchase"),
    ):
        done = cxaudit(
            "import",
            str(RECORDINGS / source),
            "-o",
            f"journeys/{Path(source).stem}.yaml",
            "--stage",
            stage,
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr
    out = tmp_path / "report"
    card = "4242 4242 4242 4242"
    done = cxaudit(
        "run",
        "journeys",
        "--base-url",
        demo_shop.url,
        "--channel",
        "desktop",
        "--output",
        str(out),
        cwd=tmp_path,
        env={"CARD_NUMBER": card},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    data = results_data(out / "results.json")
    assert {r["journey"]: r["status"] for r in data["runs"]} == {
        "Guest buys Trail Runner 2": "passed",
        "Order status and a question to support": "passed",
    }
    buy = next(r for r in data["runs"] if r["journey"] == "Guest buys Trail Runner 2")
    assert buy["steps"][-1]["snapshot"]["url"].endswith("/confirmation")
    assert card not in results_text(out / "results.json")
