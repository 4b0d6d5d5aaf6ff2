"""The options declared with the settings reach a pytest run: options, variables, the verdict.

pytest's options and ``CXAUDIT_*`` go through the same layers as ``cxaudit
run``'s (an option wins over the variable); the thresholds judge journey
items and BDD scenarios alike, with the CLI's gate.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import read_results
from tests.plugin.conftest import NO_PLAYWRIGHT, journey_yaml

pytest_plugins = ["pytester"]

#: The flawed shop's product page: its image without a text alternative is critical.
PRODUCT = journey_yaml(
    "Shopper opens the trail shoes",
    """
    - goto: /product/trail-runner-2
    - expect: {text: Trail Runner 2}
    """,
)


def test_a_value_out_of_range_is_named_as_pytest_spells_it(
    pytester: pytest.Pytester, project: Path
) -> None:
    result = pytester.runpytest(*NO_PLAYWRIGHT, "--cx-fail-under=150")
    result.stdout.fnmatch_lines(["*--cx-fail-under: Input should be less than or equal to 100*"])
    assert result.ret != 0


@pytest.mark.browser
def test_an_option_and_a_variable_reach_the_run(
    pytester: pytest.Pytester, demo_shop: DemoShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.mkdir("journeys")
    (pytester.path / "journeys" / "product.yaml").write_text(PRODUCT)
    pytester.makepyfile(
        test_settings="""
        def test_the_layers(cx_suite):
            options = cx_suite.run_options()
            assert (options.step_timeout_ms, options.retries) == (6000, 3)
            assert cx_suite.settings.thresholds.fail_under == 100
        """
    )
    (pytester.path / "cxaudit.yaml").write_text(
        "accept:\n  - pattern: CX-USE-9*\n    reason: the old theme\n    expires: 2020-01-31\n"
    )
    # The variables fill retries, the step timeout and the minimum score;
    # --cx-timeout wins over CXAUDIT_TIMEOUT_MS, as --timeout does in the CLI.
    monkeypatch.setenv("CXAUDIT_RETRIES", "3")
    monkeypatch.setenv("CXAUDIT_TIMEOUT_MS", "7000")
    monkeypatch.setenv("CXAUDIT_FAIL_UNDER", "100")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        *NO_PLAYWRIGHT,
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={out}",
        "--cx-timeout=6000",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        ["*Shopper opens the trail shoes [[]desktop[]]: overall score * is below 100"]
    )
    # The gate's warning, as `cxaudit run` prints it.
    result.stdout.fnmatch_lines(
        ["cxaudit: warning: accept entry 'CX-USE-9*' expired on 2020-01-31*"]
    )
    written = read_results(out / "results.json")
    assert [s.timeout_ms for s in written.runs[0].steps] == [6000, 6000]
    # The option wins over the variable for the threshold too: 0 passes everything.
    again = pytester.runpytest_subprocess(
        *NO_PLAYWRIGHT,
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={pytester.path / 'again'}",
        "--cx-timeout=6000",
        "--cx-fail-under=0",
        "journeys",
    )
    again.assert_outcomes(passed=1)


@pytest.mark.browser
def test_a_scenario_is_judged_by_the_same_thresholds(
    pytester: pytest.Pytester, demo_shop: DemoShop
) -> None:
    pytester.makeconftest('pytest_plugins = ["cxaudit.pytest.bdd"]\n')
    pytester.makefile(
        ".feature",
        shop=textwrap.dedent(
            """\
            Feature: The product page
              Scenario: A shopper opens the trail shoes
                When they open "/product/trail-runner-2"
                Then they see "Trail Runner 2"
            """
        ),
    )
    pytester.makepyfile(test_shop="from pytest_bdd import scenarios\nscenarios('shop.feature')\n")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        *NO_PLAYWRIGHT,
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={out}",
        "--cx-fail-on=critical",
    )
    # Every step passed; the run has a critical finding, so the scenario fails as an item would.
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*A shopper opens the trail shoes [[]desktop[]]: * finding(s) at or above critical",
            "*CX-A11Y-001 critical *",
        ]
    )
    runs = read_results(out / "results.json").runs
    assert [(r.journey, r.status) for r in runs] == [("A shopper opens the trail shoes", "passed")]
