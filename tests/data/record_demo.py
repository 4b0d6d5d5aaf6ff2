"""Record tests/data/demo/results.json from a real run of the demo shop.

Run it again when the checks or the results model change:

    .venv/bin/python tests/data/record_demo.py

It audits the flawed demo shop with the bundled journeys on desktop and
mobile in real Chromium, trims the snapshots (axe nodes, visible text) so the
file stays small, analyses the trimmed run again (so the recorded findings and
scores are exactly what the recorded snapshots give), and keeps the
screenshots of the first step of the purchase journey on each channel.
Report tests render from this file without a browser.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cxaudit.analysis.analyse import analyse  # noqa: E402
from cxaudit.artifacts import AxePass, AxeResult, AxeRule  # noqa: E402
from cxaudit.demo import DemoShop  # noqa: E402
from cxaudit.results import RunResult  # noqa: E402
from cxaudit.run.runner import RunOptions, plan, run_journeys  # noqa: E402
from cxaudit.spec import load_journeys  # noqa: E402
from cxaudit.spec.channels import resolve_channels  # noqa: E402

OUT = ROOT / "tests" / "data" / "demo"
KEEP_SCREENSHOTS_OF = "Guest buys trail shoes"
MAX_NODES = 3
MAX_HTML = 240
MAX_TEXT = 600


def _trim_axe(axe: AxeResult | None) -> AxeResult | None:
    if axe is None:
        return axe

    def rules(group: list[AxeRule]) -> list[AxeRule]:
        return [
            rule.model_copy(
                update={
                    "nodes": [
                        node.model_copy(
                            update={
                                "html": (node.html or "")[:MAX_HTML],
                                "any": [],
                                "all": [],
                                "none": [],
                            }
                        )
                        for node in rule.nodes[:MAX_NODES]
                    ]
                }
            )
            for rule in group
        ]

    return axe.model_copy(
        update={
            "violations": rules(axe.violations),
            "incomplete": rules(axe.incomplete),
            "passes": [AxePass(id=p.id, impact=p.impact) for p in axe.passes],
            "inapplicable": [],
        }
    )


def trim(raw: RunResult) -> RunResult:
    runs = []
    for run in raw.runs:
        steps = []
        for step in run.steps:
            snap = step.snapshot
            if snap is not None:
                text = snap.visible_text
                snap = snap.model_copy(
                    update={
                        "axe": _trim_axe(snap.axe),
                        "visible_text": text[:MAX_TEXT] if text else text,
                    }
                )
            steps.append(step.model_copy(update={"snapshot": snap}))
        runs.append(run.model_copy(update={"steps": steps}))
    return raw.model_copy(update={"runs": runs})


def main() -> None:
    journeys, _ = load_journeys([ROOT / "journeys"])
    with tempfile.TemporaryDirectory() as tmp, DemoShop(port=0) as shop:
        work = Path(tmp)
        options = RunOptions(
            channels=resolve_channels(["desktop", "mobile"]), output_dir=work, base_url=shop.url
        )
        raw = asyncio.run(run_journeys(plan(journeys, options.channels, False), options))
        result = analyse(trim(raw))
        if OUT.exists():
            shutil.rmtree(OUT)
        OUT.mkdir(parents=True)
        kept = 0
        for run in result.runs:
            if run.journey != KEEP_SCREENSHOTS_OF:
                continue
            first = run.steps[0].snapshot
            if first is not None and first.screenshot:
                target = OUT / first.screenshot
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(work / first.screenshot, target)
                kept += 1
        (OUT / "results.json").write_text(result.model_dump_json(), encoding="utf-8")
    size = (OUT / "results.json").stat().st_size
    print(f"wrote {OUT / 'results.json'} ({size // 1024} KiB) and {kept} screenshot(s)")


if __name__ == "__main__":
    main()
