"""The example features in features/, run with pytest-bdd against the demo shop."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cxaudit.demo import DemoShop
from cxaudit.gather.axe import axe_engine
from cxaudit.gather.snapshot import MASKED_KEY
from cxaudit.results import RunResult, read_results
from tests.results_files import results_text

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]


def run_features(shop: DemoShop, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "features",
            f"--cx-base-url={shop.url}",
            f"--cx-output={out}",
            "-p",
            "no:cacheprovider",
            "-q",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )


@pytest.fixture(scope="module")
def fixed_run(
    fixed_shop: DemoShop, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, RunResult]:
    out = tmp_path_factory.mktemp("bdd-fixed")
    done = run_features(fixed_shop, out)
    assert done.returncode == 0, done.stdout[-4000:]
    return done.stdout, read_results(out / "results.json")


def test_the_examples_pass_on_the_fixed_shop(fixed_run: tuple[str, RunResult]) -> None:
    stdout, result = fixed_run
    assert "4 passed" in stdout
    runs = {(r.journey, r.channel): r for r in result.runs}
    assert set(runs) == {
        ("A shopper on a phone finds trail shoes", "mobile"),
        ("A guest buys trail shoes on desktop", "desktop"),
        ("A guest buys trail shoes on mobile", "mobile"),
        ("A customer tracks an order and asks support a question", "desktop"),
    }
    assert all(r.status == "passed" for r in result.runs)
    assert result.axe_version == axe_engine().version  # as `cxaudit run` says it


def test_scenarios_are_journey_runs_with_stages_and_positions(
    fixed_run: tuple[str, RunResult],
) -> None:
    _, result = fixed_run
    purchase = next(r for r in result.runs if r.journey == "A guest buys trail shoes on mobile")
    assert purchase.file == "features/purchase.feature" and purchase.line == 5
    assert purchase.stages == ["pre-purchase", "purchase"]
    assert purchase.rules.messages.must_match == ["price"]
    add = next(s for s in purchase.steps if s.name == "And they add it to the cart")
    assert (add.stage, add.line, add.action) == ("purchase", 13, "click")
    prices = [c for s in purchase.steps for c in s.captures if c.name == "price"]
    assert [c.number for c in prices] == [89.0, 89.0]
    assert purchase.scores.stages["purchase"].overall >= 80
    post = next(r for r in result.runs if r.stages == ["purchase", "post-purchase"])
    assert any(s.snapshot and s.snapshot.axe for s in post.steps if s.stage == "post-purchase")
    assert {c.name for c in result.channels} == {"desktop", "mobile"}


def test_the_flawed_shop_fails_them_readably(demo_shop: DemoShop, tmp_path: Path) -> None:
    done = run_features(demo_shop, tmp_path, "-k", "purchase or phone")
    out = done.stdout
    assert done.returncode == 1, out[-3000:]
    assert "features/purchase.feature:14: Then the price matches the product page [mobile]" in out
    assert "the price here is €94.00, the product page said €89.00" in out
    assert (
        "features/pre-purchase.feature:16: And the page has no serious accessibility issues [mobile]"
        in out
    )
    assert "CX-A11Y-001 critical: Images must have alternative text" in out
    assert "Traceback" not in out and "scenario.py" not in out
    result = read_results(tmp_path / "results.json")
    failed = [r for r in result.runs if r.status == "failed"]
    assert failed and all("Then" in r.error or "And" in r.error for r in failed)


def test_a_site_with_other_labels_overrides_the_actions(
    pytester: pytest.Pytester, demo_shop: DemoShop
) -> None:
    pytester.makeconftest(
        """
        import pytest
        pytest_plugins = ["cxaudit.pytest.bdd"]

        @pytest.fixture
        def cx_phrase_actions(cx_phrase_actions):
            return {**cx_phrase_actions,
                    "search": [{"fill": {"role": "searchbox", "value": "${text}"}},
                               {"press": "Enter"}],
                    "add_to_cart": [{"click": {"role": "button", "name": "Add to basket"}}]}
        """
    )
    pytester.makefile(
        ".feature",
        shop=textwrap.dedent(
            """\
            Feature: Another shop
              Scenario: Search works with a searchbox
                When they open "/"
                And they search for "jacket"
                Then they see "Summit Jacket"

              Scenario: The basket button is missing
                When they open "/product/rain-shell"
                And they add it to the cart
            """
        ),
    )
    pytester.makepyfile(test_shop="from pytest_bdd import scenarios\nscenarios('shop.feature')\n")
    result = pytester.runpytest_subprocess(
        f"--cx-base-url={demo_shop.url}", "--cx-channel=desktop", "-p", "no:cacheprovider"
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "shop.feature:9: And they add it to the cart [[]desktop[]]",
            "  no element matches role='button' name='Add to basket'*",
            "  step: Click Add to basket",
            "  screenshot: *",
        ]
    )


def test_a_secret_in_phrase_actions_is_masked(
    pytester: pytest.Pytester, demo_shop: DemoShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Actions a site maps to a phrase may read ${secret:NAME}: the run knows it as a
    secret, so neither results.json nor the terminal shows it."""
    secret = "bdd-s3cret-4711"
    monkeypatch.setenv("CX_BDD_SECRET", secret)
    pytester.makeconftest(
        """
        import pytest
        pytest_plugins = ["cxaudit.pytest.bdd"]

        @pytest.fixture
        def cx_phrase_actions(cx_phrase_actions):
            return {**cx_phrase_actions,
                    "search": [{"fill": {"role": "searchbox",
                                         "value": "${secret:CX_BDD_SECRET} ${text}"}},
                               {"press": "Enter"}],
                    "fill": [{"fill": {"role": "searchbox",
                                       "value": "${secret:CX_BDD_SECRET}"}}]}
        """
    )
    pytester.makefile(
        ".feature",
        shop=textwrap.dedent(
            """\
            Feature: A secret search
              Scenario: Search with a secret
                When they open "/"
                And they search for "jacket"

              Scenario: A typed secret on a page audited afterwards
                When they open "/"
                And they fill in "Search" with "anything"
                Then the pre-purchase stage scores at least 0
            """
        ),
    )
    pytester.makepyfile(test_shop="from pytest_bdd import scenarios\nscenarios('shop.feature')\n")
    out = pytester.path / "out"
    result = pytester.runpytest_subprocess(
        f"--cx-base-url={demo_shop.url}",
        "--cx-channel=desktop",
        f"--cx-output={out}",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=2)
    results = results_text(out / "results.json")
    assert "jacket" in results  # the step is recorded...
    for text in (results, result.stdout.str(), result.stderr.str()):
        assert secret not in text  # ...without the secret
    # A fill is not audited when it runs; the Then step audits its page afterwards,
    # and that picture covers the field showing the secret as a step's would.
    typed = next(r for r in read_results(out / "results.json").runs if "typed" in r.journey)
    audited = typed.steps[-1].snapshot
    assert audited is not None and audited.audited and audited.screenshot
    assert "covered 1 element(s) that show a secret" in audited.errors.get(MASKED_KEY, "")
