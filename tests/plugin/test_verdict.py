"""One verdict and one output path for pytest and the CLI, in real Chromium on the demo shop.

The consistency-and-speed journey meets the flawed shop's price drift, which
a run-wide check (CX-MSG-001) finds: a pytest item must name it, print the
score the report prints, and the session must be gated and written as
``cxaudit run`` would (accept list, branding, baseline, thresholds).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import read_results

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.browser

JOURNEY = Path(__file__).resolve().parents[1] / "data" / "journeys" / "consistency-and-speed.yaml"
#: Timings vary from run to run; the ratchet below compares scores, so they stay out.
CONFIG = """\
report:
  title: Northwind checkout audit
  client: Northwind Outfitters
accept:
  - pattern: "CX-A11Y-001:*"
    reason: the shop's theme is being replaced
    expires: 2099-12-31
disable_checks: [CX-PERF-001, CX-PERF-002, CX-PERF-003, CX-PERF-004, CX-PERF-005,
                 CX-PERF-010, CX-PERF-020]
"""


@pytest.fixture()
def project(pytester: pytest.Pytester) -> Path:
    pytester.mkdir("journeys")
    shutil.copyfile(JOURNEY, pytester.path / "journeys" / JOURNEY.name)
    (pytester.path / "cxaudit.yaml").write_text(CONFIG)
    return pytester.path


def run(pytester: pytest.Pytester, shop: DemoShop, out: Path, *args: str) -> pytest.RunResult:
    return pytester.runpytest_subprocess(
        "journeys",
        f"--cx-base-url={shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={out}",
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
        *args,
    )


def test_pytest_gives_the_clis_verdict_and_outputs(
    pytester: pytest.Pytester, project: Path, demo_shop: DemoShop
) -> None:
    first = project / "first"
    result = run(pytester, demo_shop, first, "--cx-fail-on=serious")
    text = result.stdout.str()
    assert result.ret == 1, text
    result.assert_outcomes(failed=1)
    # The item names the run-wide finding (price drift) under its own heading.
    result.stdout.fnmatch_lines(
        [
            "*Shopper buys after reading the home page [[]desktop[]]: * finding(s) at or above serious",
            "  run-wide findings (across journeys and channels):",
            "    CX-MSG-001 serious *",
        ]
    )
    # The accepted axe findings fail nothing, as in `cxaudit run`.
    assert "CX-A11Y-001 critical" not in text.split("run-wide findings")[0].split("findings:")[0]
    # The session's verdict, as the CLI prints it.
    result.stdout.fnmatch_lines(["cxaudit: threshold not met: * finding(s) at or above serious"])

    written = read_results(first / "results.json")
    (journey,) = written.runs
    shown = re.search(r"scores: overall ([\d.]+)", text)
    assert shown is not None, text
    assert float(shown.group(1)) == journey.scores.overall  # the report's score
    assert any(f.code == "CX-MSG-001" for f in written.findings)
    accepted = [f for f in written.all_findings() if f.code == "CX-A11Y-001"]
    assert accepted and all(f.accepted for f in accepted)  # the accept list was applied
    index = (first / "index.html").read_text(encoding="utf-8")
    assert "Northwind checkout audit" in index and "Northwind Outfitters" in index
    assert "CX-MSG-001" in (first / "junit.xml").read_text(encoding="utf-8")

    # The README's ratchet through pytest: compared with itself, nothing got worse.
    second = project / "second"
    result = run(
        pytester,
        demo_shop,
        second,
        "--cx-fail-under=100",
        "--cx-fail-on=serious",
        f"--cx-baseline={first / 'results.json'}",
        "--cx-fail-on-new",
    )
    assert result.ret == 0, result.stdout.str()
    result.assert_outcomes(passed=1)
    again = read_results(second / "results.json")
    assert again.baseline is not None and again.baseline.new == []
