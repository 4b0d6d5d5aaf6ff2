"""pytest-playwright's ``page`` launches the Chromium that ``cxaudit doctor`` found.

No conftest tells pytest-playwright where Chromium is: the plugin does, when
Playwright's own browser is not installed (on this machine it is not, so the
test fails without the plugin's fixture).
"""

from __future__ import annotations

import pytest

from cxaudit.demo import DemoShop

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.browser


def test_page_fixture_finds_cxaudits_chromium(
    pytester: pytest.Pytester, demo_shop: DemoShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXAUDIT_CHROMIUM", raising=False)
    pytester.makepyfile(
        test_page=f"""
        def test_open_a_local_page(page):
            page.goto({demo_shop.url!r} + "/product/trail-runner-2")
            assert "Trail Runner 2" in page.title()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


def test_chromium_for_playwright_leaves_playwrights_own_alone() -> None:
    from cxaudit.pytest.plugin import chromium_for_playwright
    from cxaudit.run.browser import browser_candidates

    own = browser_candidates(None)[0]
    expected = None if own.ok else next((c.path for c in browser_candidates(None) if c.ok), None)
    assert chromium_for_playwright(None) == expected
    assert chromium_for_playwright("/nonexistent/chromium") is None
