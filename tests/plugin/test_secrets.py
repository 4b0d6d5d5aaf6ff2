"""Secrets stay out of what the pytest plugin writes: the terminal and JUnit XML."""

from __future__ import annotations

import textwrap
from urllib.parse import quote

import pytest

from cxaudit.redact import MASK
from tests.e2e.fault_site import FaultSite
from tests.e2e.test_security import SECRET, SECRET_JOURNEY

pytest_plugins = ["pytester"]


@pytest.mark.timeout(300)
def test_junit_xml_of_the_pytest_plugin_has_no_secret(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CX_TEST_SECRET", SECRET)
    pytester.mkdir("journeys")
    (pytester.path / "journeys" / "secret.yaml").write_text(textwrap.dedent(SECRET_JOURNEY))
    with FaultSite() as site:
        result = pytester.runpytest_subprocess(
            "journeys",
            f"--cx-base-url={site.url}",
            "--cx-channel=desktop",
            f"--cx-output={pytester.path / 'out'}",
            f"--junitxml={pytester.path / 'junit.xml'}",
            "-p",
            "no:playwright",
            "-p",
            "no:cacheprovider",
        )
    result.assert_outcomes(failed=1)
    junit = (pytester.path / "junit.xml").read_text("utf-8")
    assert f"{MASK} is not on this page" in junit  # the failure is there, masked
    for text in (junit, result.stdout.str(), result.stderr.str()):
        assert SECRET not in text and quote(SECRET, safe="") not in text
