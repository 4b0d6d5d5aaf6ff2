"""Collection, ids, positions, options and markers, without a browser."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.plugin.conftest import NO_PLAYWRIGHT, journey_yaml

pytest_plugins = ["pytester"]
ROOT = Path(__file__).resolve().parents[2]


def collected(result: pytest.RunResult) -> list[str]:
    return sorted(line for line in result.outlines if "::" in line)


def test_journeys_are_items_one_per_channel(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("--collect-only", "-q", *NO_PLAYWRIGHT)
    assert collected(result) == [
        "journeys/browse.yaml::Shopper browses[mobile]",
        "journeys/checkout.yaml::Guest buys trail shoes[desktop]",
        "journeys/checkout.yaml::Guest buys trail shoes[mobile]",
    ]
    assert result.ret == 0


def test_other_yaml_is_never_collected(pytester: pytest.Pytester, project: Path) -> None:
    # data/ holds a journey-shaped file and broken YAML: neither is under a journey root.
    result = pytester.runpytest("data", "--collect-only", "-q", *NO_PLAYWRIGHT)
    assert collected(result) == []
    assert "error" not in result.stdout.str().lower()


def test_a_file_named_on_the_command_line_is_collected(
    pytester: pytest.Pytester, project: Path
) -> None:
    result = pytester.runpytest("data/fixture.yaml", "--collect-only", "-q", *NO_PLAYWRIGHT)
    assert collected(result) == [
        "data/fixture.yaml::Test data, not a test[desktop]",
        "data/fixture.yaml::Test data, not a test[mobile]",
    ]


def test_cx_journeys_and_config_choose_the_roots(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest("--cx-journeys", "data", "--collect-only", "-q", *NO_PLAYWRIGHT)
    assert [c.split("::")[0] for c in collected(result)] == ["data/fixture.yaml"] * 2
    pytester.path.joinpath("cxaudit.yaml").write_text("journeys: [data]\nchannels: [tablet]\n")
    result = pytester.runpytest("--collect-only", "-q", *NO_PLAYWRIGHT)
    assert collected(result) == ["data/fixture.yaml::Test data, not a test[tablet]"]


def test_cx_channel_applies_to_every_journey(pytester: pytest.Pytester, project: Path) -> None:
    result = pytester.runpytest(
        "--cx-channel", "tablet", "--cx-channel", "desktop", "--collect-only", "-q", *NO_PLAYWRIGHT
    )
    assert collected(result) == [
        "journeys/browse.yaml::Shopper browses[desktop]",
        "journeys/browse.yaml::Shopper browses[tablet]",
        "journeys/checkout.yaml::Guest buys trail shoes[desktop]",
        "journeys/checkout.yaml::Guest buys trail shoes[tablet]",
    ]


def test_markers_and_tags_select(pytester: pytest.Pytester, project: Path) -> None:
    def ids(*args: str) -> list[str]:
        return collected(
            pytester.runpytest(*args, "--collect-only", "-q", "--strict-markers", *NO_PLAYWRIGHT)
        )

    assert ids("-m", "channel_mobile and stage_purchase") == [
        "journeys/browse.yaml::Shopper browses[mobile]",
        "journeys/checkout.yaml::Guest buys trail shoes[mobile]",
    ]
    smoke = [
        "journeys/checkout.yaml::Guest buys trail shoes[desktop]",
        "journeys/checkout.yaml::Guest buys trail shoes[mobile]",
    ]
    assert ids("-m", "tag_smoke") == smoke
    assert ids("--cx-tag", "smoke") == smoke
    assert ids("-m", "cxaudit and not channel_desktop", "-k", "browses") == [
        "journeys/browse.yaml::Shopper browses[mobile]"
    ]


def test_reportinfo_points_at_the_journey_line(pytester: pytest.Pytester, project: Path) -> None:
    items, _ = pytester.inline_genitems("journeys/checkout.yaml", *NO_PLAYWRIGHT)
    path, line, label = items[0].reportinfo()
    assert Path(path).name == "checkout.yaml"
    assert line + 1 == 2  # `journey:` is on line 2, after the comment
    assert label == "Guest buys trail shoes [desktop]"
    assert items[0].location[1] == 1


def test_a_broken_journey_is_a_collection_error_with_validate_text(
    pytester: pytest.Pytester, project: Path
) -> None:
    broken = pytester.path / "journeys" / "typo.yaml"
    broken.write_text(
        journey_yaml("Typo", "- goto: /\n- clik: {role: button, name: Buy}\n- goto: 5")
    )
    validate = subprocess.run(
        [sys.executable, "-m", "cxaudit", "validate", "journeys/typo.yaml"],
        capture_output=True,
        text=True,
        cwd=pytester.path,
    )
    expected = [line for line in validate.stderr.splitlines() if line.startswith("journeys/")]
    assert expected and expected[0].startswith("journeys/typo.yaml:5:7: ")
    result = pytester.runpytest("journeys", *NO_PLAYWRIGHT)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    out = result.stdout.str()
    for line in expected:
        assert line in result.outlines
    assert "Traceback" not in out and "yamlpos.py" not in out
    result.stdout.fnmatch_lines(["*ERROR collecting journeys/typo.yaml*"])


def test_a_broken_config_file_is_reported_at_collection(
    pytester: pytest.Pytester, project: Path
) -> None:
    pytester.path.joinpath("cxaudit.yaml").write_text("channels: [desktop]\nworkers: many\n")
    result = pytester.runpytest("journeys", *NO_PLAYWRIGHT)
    result.stdout.fnmatch_lines(["*cxaudit.yaml:2:*workers*"])
    assert "Traceback" not in result.stdout.str()
    # Tests that are not journeys still run.
    pytester.makepyfile(test_plain="def test_ok(): pass")
    result = pytester.runpytest("test_plain.py", *NO_PLAYWRIGHT)
    result.assert_outcomes(passed=1)


def test_options_are_in_a_cxaudit_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help", *NO_PLAYWRIGHT)
    out = result.stdout.str()
    section = out[out.index("cxaudit: customer-experience journeys") :]
    for option in (
        "--cx-journeys",
        "--cx-channel",
        "--cx-base-url",
        "--cx-output",
        "--cx-fail-under",
        "--cx-tag",
        "--headed",
        "--browser-channel",
        "--tracing",
    ):
        assert option in section


def test_pytest_playwright_keeps_its_own_options(pytester: pytest.Pytester) -> None:
    """Installed side by side, both plugins load and the shared names mean the same."""
    pytester.makepyfile(
        test_opts="""
        def test_read(pytestconfig):
            assert pytestconfig.getoption("headed") is True
            assert pytestconfig.getoption("tracing") == "retain-on-failure"
            assert pytestconfig.getoption("cx_channel") == ["mobile"]
        """
    )
    result = pytester.runpytest_subprocess(
        "--headed",
        "--tracing",
        "retain-on-failure",
        "--cx-channel",
        "mobile",
        "-p",
        "no:cacheprovider",
    )
    result.assert_outcomes(passed=1)
    help_text = pytester.runpytest_subprocess("--help").stdout.str()
    playwright_group = help_text[help_text.index("Playwright:") :]
    assert "--headed" in playwright_group and "--tracing" in playwright_group
    assert help_text.count("--browser-channel=") == 1


def test_this_projects_own_run_collects_no_journey() -> None:
    """`pytest` here (testpaths = tests) must not pick up journeys/ or test data."""
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert ".yaml::" not in result.stdout


def test_cx_tag_selects_gherkin_scenarios_too(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".feature",
        shop="""\
Feature: Shop
  @smoke
  Scenario: Quick look
    When they open "/"

  Scenario: Long walk
    When they open "/support"
""",
    )
    pytester.makepyfile(
        test_shop="""
        from pytest_bdd import scenarios
        pytest_plugins = ["cxaudit.pytest.bdd"]
        scenarios("shop.feature")
        """
    )
    result = pytester.runpytest("--cx-tag", "smoke", "--collect-only", "-q", *NO_PLAYWRIGHT)
    assert collected(result) == ["test_shop.py::test_quick_look"]
