"""Record the raw runs that tests/unit/checks read: the consistency-and-speed journey on
the flawed and the fixed demo shop, desktop and mobile, without axe results or
screenshots (the checks under test do not read them). Run from the repository root:

    .venv/bin/python tests/data/results/record.py
"""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

from cxaudit.demo import DemoShop
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

HERE = Path(__file__).parent
JOURNEY = HERE.parent / "journeys" / "consistency-and-speed.yaml"
STABLE_URL = "http://127.0.0.1:8765"


def record(fixed: bool, scratch: Path) -> None:
    with DemoShop(fixed=fixed) as shop:
        url = shop.url
        journeys, _ = load_journeys([JOURNEY])
        options = RunOptions(
            channels=resolve_channels(["desktop", "mobile"]),
            output_dir=scratch,
            base_url=shop.url,
            screenshots=False,
        )
        raw = asyncio.run(run_journeys(plan(journeys, options.channels, False), options))
    data = json.loads(raw.to_json())
    for run in data["runs"]:
        for step in run["steps"]:
            if step.get("snapshot"):
                step["snapshot"]["axe"] = None
    text = json.dumps(data, indent=1, ensure_ascii=False).replace(url, STABLE_URL)
    name = "demo-fixed" if fixed else "demo-flawed"
    (HERE / f"{name}-consistency-and-speed.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as scratch:
        for fixed in (False, True):
            record(fixed, Path(scratch))
