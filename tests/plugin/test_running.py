"""Journey items, fixtures and xdist in real Chromium against the demo shop.

Each test runs pytest in a subprocess (its own browser, its own event loops),
as a team's CI would.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import read_results
from cxaudit.run.browser import find_executable
from tests.plugin.conftest import journey_yaml
from tests.results_files import results_data

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.browser

PASSING = journey_yaml(
    "Shopper sees a jacket",
    """
    - goto: /product/summit-jacket
    - expect: {text: Summit Jacket}
    """,
)
FAILING = journey_yaml(
    "Guest cannot find the basket",
    """
    - goto: /product/trail-runner-2
    - click: {role: button, name: Add to basket}
    - expect: {url: /cart}
    """,
)


@pytest.fixture()
def journeys(pytester: pytest.Pytester) -> Path:
    pytester.mkdir("journeys")
    (pytester.path / "journeys" / "jacket.yaml").write_text(PASSING)
    (pytester.path / "journeys" / "basket.yaml").write_text(FAILING)
    return pytester.path / "journeys"


def test_items_pass_fail_readably_and_write_the_report(
    pytester: pytest.Pytester, journeys: Path, demo_shop: DemoShop
) -> None:
    out = pytester.path / "report"
    result = pytester.runpytest_subprocess(
        "journeys",
        "--cx-base-url",
        demo_shop.url,
        "--cx-channel",
        "desktop",
        "--cx-output",
        str(out),
        "--tracing",
        "retain-on-failure",
        "-p",
        "no:playwright",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=1, failed=1)
    assert result.ret == 1
    text = result.stdout.str()
    # The failure names the failing step at its line, why, and the findings; no traceback.
    result.stdout.fnmatch_lines(
        [
            "*Guest cannot find the basket [[]desktop[]]: step 2 (Click *) failed: no element matches*Add to basket*",
            "  journey: journeys/basket.yaml:1",
            "  failing step: journeys/basket.yaml:5: step 2 of stage purchase: Click Add to basket",
            "  screenshot: *02-click.webp",
            "  findings:",
            "    CX-USE-001 critical *",
            "  scores: overall *",
            "  trace: playwright show-trace *.zip",
        ]
    )
    assert "Traceback" not in text and "runner.py" not in text
    # The same outputs as `cxaudit run`.
    for name in ("index.html", "desktop.html", "results.json"):
        assert (out / name).is_file(), name
    written = read_results(out / "results.json")
    assert sorted((r.journey, r.channel, r.status) for r in written.runs) == [
        ("Guest cannot find the basket", "desktop", "failed"),
        ("Shopper sees a jacket", "desktop", "passed"),
    ]
    failed = next(r for r in written.runs if r.status == "failed")
    assert failed.trace and (out / failed.trace).is_file()
    assert any(f.code == "CX-USE-001" for f in failed.findings)
    assert written.scores.overall is not None
    result.stdout.fnmatch_lines([f"report: {out / 'index.html'}"])


def test_a_score_under_fail_under_fails_the_item(
    pytester: pytest.Pytester, journeys: Path, demo_shop: DemoShop
) -> None:
    (journeys / "basket.yaml").unlink()
    # The flawed product page has axe violations, so it cannot score 100.
    (journeys / "jacket.yaml").write_text(
        journey_yaml("Shopper opens trail shoes", "- goto: /product/trail-runner-2")
    )
    result = pytester.runpytest_subprocess(
        "journeys",
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        "--cx-fail-under=100",
        f"--cx-output={pytester.path / 'out'}",
        "-p",
        "no:playwright",
    )
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*Shopper opens trail shoes [[]desktop[]]: overall score * is below 100",
            "*CX-A11Y-001 critical *",
        ]
    )


def test_xdist_workers_write_one_merged_report(
    pytester: pytest.Pytester, journeys: Path, demo_shop: DemoShop
) -> None:
    (journeys / "basket.yaml").unlink()
    for i in range(3):
        (journeys / f"extra{i}.yaml").write_text(
            journey_yaml(f"Shopper {i} opens the shoes", "- goto: /category/shoes")
        )
    out = pytester.path / "merged"
    result = pytester.runpytest_subprocess(
        "journeys",
        "-n",
        "2",
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={out}",
        "-p",
        "no:playwright",
    )
    result.assert_outcomes(passed=4)
    written = read_results(out / "results.json")
    assert len({r.key for r in written.runs}) == len(written.runs) == 4
    assert not (out / ".parts").exists()
    assert (out / "index.html").is_file() and written.browser.startswith("Chromium")
    assert set(written.scores.channels) == {"desktop"}
    result.stdout.fnmatch_lines([f"report: {out / 'index.html'}"])


def test_fixtures_beside_pytest_playwright(
    pytester: pytest.Pytester, demo_shop: DemoShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cx fixtures and pytest-playwright's page in one session: no clash of loops."""
    monkeypatch.setenv("CXAUDIT_TIMEOUT_MS", "7000")
    pytester.makeconftest(
        f"""
        import pytest

        @pytest.fixture(scope="session")
        def browser_type_launch_args(browser_type_launch_args):
            return {{**browser_type_launch_args, "executable_path": {find_executable()!r}}}
        """
    )
    pytester.mkdir("flows")  # not a journey root: run by the fixture only
    (pytester.path / "flows" / "jacket.yaml").write_text(PASSING)
    pytester.makepyfile(
        test_fixtures=f"""
        SHOP = {demo_shop.url!r}

        def test_run_a_journey_file(cx_journey):
            run = cx_journey("flows/jacket.yaml", channel="mobile")
            assert (run.status, run.channel) == ("passed", "mobile")
            assert run.scores.overall is not None

        def test_run_steps(cx_steps):
            run = cx_steps([{{"goto": "/category/shoes"}},
                            {{"click": {{"role": "link", "name": "City Sneaker"}}}}], base_url=SHOP)
            assert [s.status for s in run.steps] == ["passed", "passed"]
            assert run.steps[1].snapshot.url.endswith("/product/city-sneaker")

        def test_audit_a_playwright_page(page, cx_audit_page, cx_steps):
            cx_steps([{{"goto": "/"}}], base_url=SHOP)  # cxaudit's own browser, same test
            page.goto(SHOP + "/product/trail-runner-2")
            run = cx_audit_page(page)
            axe = run.steps[0].snapshot.axe
            assert "image-alt" in {{v.id for v in axe.violations}}
            assert any(f.code == "CX-A11Y-001" and f.severity == "critical" for f in run.findings)
            assert run.scores.categories["accessibility"] < 100
            page.goto(SHOP + "/support")
            run = cx_audit_page(page, stage="post-purchase")
            assert [s.stage for s in run.steps] == ["pre-purchase", "post-purchase"]
            # The config's step timeout (CXAUDIT_TIMEOUT_MS), as a journey's steps have it.
            assert run.step_timeout_ms == 7000
            assert [s.timeout_ms for s in run.steps] == [7000, 7000]
            assert page.title().startswith("Returns and support")
        """
    )
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        f"--cx-output={out}", f"--cx-base-url={demo_shop.url}", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=3)
    written = results_data(out / "results.json")
    journeys = sorted(r["journey"] for r in written["runs"])
    assert journeys[0] == "Shopper sees a jacket"
    assert "test_audit_a_playwright_page[chromium]" in journeys
    audited = next(r for r in written["runs"] if r["journey"].startswith("test_audit_a"))
    assert audited["step_timeout_ms"] == 7000
    page = (out / "playwright.html").read_text(encoding="utf-8")
    assert "timeout: 7 s per step (no journey timeout)" in page
    assert "test_run_steps" in journeys
    assert len(written["runs"]) == 4
