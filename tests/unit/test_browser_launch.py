"""Launching asks the Playwright that is running where its browser is (no second driver).

Finding Chromium used to start a second Playwright (its sync API, a node
process of its own) only to read its browser's path, on every run: half a
second of start-up, more on a busy machine. No browser here: a stand-in
Playwright records what it is asked.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

import cxaudit.run.browser as browser
from cxaudit.run.browser import BrowserOptions, find_executable, launch


class FakeChromium:
    def __init__(self, path: str) -> None:
        self.executable_path = path
        self.launched: list[dict[str, Any]] = []

    async def launch(self, **kwargs: Any) -> str:
        self.launched.append(kwargs)
        return "browser"


class FakePlaywright:
    def __init__(self, path: str) -> None:
        self.chromium = FakeChromium(path)
        self.devices: dict[str, Any] = {}


@pytest.fixture()
def no_second_playwright(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> None:
        raise AssertionError("a second Playwright was started to find the browser")

    monkeypatch.setattr(browser, "_playwright_chromium", refuse)
    monkeypatch.delenv("CXAUDIT_CHROMIUM", raising=False)


def test_launch_uses_the_running_playwrights_browser(
    tmp_path: Path, no_second_playwright: None
) -> None:
    own = tmp_path / "chrome"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    pw = FakePlaywright(str(own))
    assert asyncio.run(launch(pw, BrowserOptions())) == "browser"  # type: ignore[arg-type]
    assert pw.chromium.launched[0]["executable_path"] == str(own)


def test_a_browser_playwright_has_not_installed_falls_back_to_the_system_one(
    tmp_path: Path, no_second_playwright: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    system = tmp_path / "chromium"
    system.write_text("#!/bin/sh\n")
    system.chmod(0o755)
    monkeypatch.setattr(browser.shutil, "which", lambda name: str(system))
    pw = FakePlaywright(str(tmp_path / "not-installed" / "chrome"))
    asyncio.run(launch(pw, BrowserOptions()))  # type: ignore[arg-type]
    assert pw.chromium.launched[0]["executable_path"] == str(system)
    assert find_executable(None, None) == str(system)
