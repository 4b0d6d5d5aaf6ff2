"""Remote browsers: --cdp against a Chromium started here with remote debugging,
--connect against a Playwright browser server started here with Playwright's own Node.

Both are on 127.0.0.1 and are stopped by the fixtures. ``CXAUDIT_CHROMIUM``
points at a file that does not exist, so a run that launched a local
browser instead of using the remote one would fail.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import playwright
import pytest

from cxaudit.demo import DemoShop
from cxaudit.results import read_results
from cxaudit.run.browser import BrowserOptions, browser_session
from cxaudit.run.runner import Runner, RunOptions
from cxaudit.spec.channels import BUILTIN_CHANNELS, NetworkProfile
from tests.e2e.conftest import ROOT

JOURNEY = ROOT / "journeys" / "browse-and-choose.yaml"
START_TIMEOUT_S = 60


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """End the process and everything it started (its own process group)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.fixture()
def cdp_url(chromium: str | None, tmp_path: Path) -> Iterator[str]:
    """A headless Chromium with remote debugging on a free loopback port."""
    profile = tmp_path / "profile"
    args = [
        chromium or "chromium",
        "--headless=new",
        "--remote-debugging-port=0",
        "--remote-debugging-address=127.0.0.1",
        f"--user-data-dir={profile}",
        "--no-first-run",
        "--no-default-browser-check",
        "about:blank",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
    proc = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        port_file = profile / "DevToolsActivePort"  # first line: the port it chose
        deadline = time.monotonic() + START_TIMEOUT_S
        while not (port_file.is_file() and port_file.read_text().strip()):
            assert proc.poll() is None, f"Chromium exited with {proc.returncode}"
            assert time.monotonic() < deadline, "Chromium did not open its DevTools port"
            time.sleep(0.1)
        port = int(port_file.read_text().splitlines()[0])
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(proc)


@pytest.fixture()
def server_url(chromium: str | None, tmp_path: Path) -> Iterator[str]:
    """A Playwright browser server (launchServer) run by the Node.js bundled with Playwright."""
    driver = Path(playwright.__file__).parent / "driver"
    node = os.environ.get("PLAYWRIGHT_NODEJS_PATH") or str(driver / "node")
    script = tmp_path / "server.js"
    script.write_text(
        """
const { chromium } = require(process.argv[2]);
(async () => {
  const server = await chromium.launchServer({
    executablePath: process.argv[3] || undefined, headless: true, host: '127.0.0.1', port: 0});
  console.log(server.wsEndpoint());
  process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
})();
""",
        encoding="utf-8",
    )
    proc = subprocess.Popen(
        [node, str(script), str(driver / "package"), chromium or ""],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().decode().strip()  # blocks until the server is up
        assert line.startswith("ws://127.0.0.1:"), f"no server endpoint, got {line!r}"
        yield line
    finally:
        _stop(proc)


def run_cli(*args: str, cwd: Path, **env_vars: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CXAUDIT_CHROMIUM": str(cwd / "no-local-browser"), **env_vars}
    return subprocess.run(
        [sys.executable, "-m", "cxaudit", *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env=env,
    )


def check_run(done: subprocess.CompletedProcess[str], out: Path) -> None:
    assert done.returncode == 0, done.stderr
    result = read_results(out / "results.json")
    assert [(r.channel, r.status) for r in result.runs] == [("mobile", "passed")]
    assert result.browser.startswith("Chromium ")
    shots = [s.snapshot for s in result.runs[0].steps if s.snapshot and s.snapshot.screenshot]
    assert shots and shots[0].axe and shots[0].axe.passes


def test_run_over_cdp(cdp_url: str, demo_shop: DemoShop, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run_cli(
        "run", str(JOURNEY), "--base-url", demo_shop.url, "--channel", "mobile",
        "--cdp", cdp_url, "--output", str(out), "--quiet", cwd=tmp_path,
    )  # fmt: skip
    check_run(done, out)


def test_cdp_from_the_environment(cdp_url: str, demo_shop: DemoShop, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run_cli(
        "run", str(JOURNEY), "--base-url", demo_shop.url, "--channel", "mobile",
        "--output", str(out), "--quiet", cwd=tmp_path, CXAUDIT_CDP=cdp_url,
    )  # fmt: skip
    check_run(done, out)


def test_throttling_applies_over_cdp(cdp_url: str, tmp_path: Path) -> None:
    """The channel's network profile reaches the page over CDP: Chromium reports it (rounded,
    with a little noise) in navigator.connection. The profile is far from any real network's."""
    profile = NetworkProfile("test-2g", latency_ms=800, download_kbps=300, upload_kbps=100)
    channel = replace(BUILTIN_CHANNELS["mobile"], name="slow", network=profile)
    options = RunOptions(
        channels=[channel],
        output_dir=tmp_path,
        browser=BrowserOptions(cdp=cdp_url, executable_path="/no"),
    )

    async def connection() -> list[float | str]:
        runner = Runner(options)
        async with browser_session(options.browser) as (pw, browser):
            expected_agent.append(pw.devices["Pixel 7"]["user_agent"])
            live = await runner.open_page(browser, channel, "")
            try:
                await live.page.goto("data:text/html,<title>t</title>")
                return await live.page.evaluate(
                    "() => [navigator.connection.rtt, navigator.connection.downlink, "
                    "navigator.userAgent]"
                )
            finally:
                await live.context.close()

    expected_agent: list[str] = []
    rtt, downlink, agent = asyncio.run(connection())
    assert rtt == pytest.approx(800, rel=0.2)
    assert 0.1 < float(downlink) < 0.5  # Mbps, rounded coarsely by Chromium
    assert agent == expected_agent[0]  # the mobile channel is Playwright's Pixel 7


def test_run_over_playwright_server(server_url: str, demo_shop: DemoShop, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run_cli(
        "run", str(JOURNEY), "--base-url", demo_shop.url, "--channel", "mobile",
        "--connect", server_url, "--output", str(out), "--quiet", cwd=tmp_path,
    )  # fmt: skip
    check_run(done, out)


@pytest.mark.parametrize("flag", ["--cdp", "--connect"])
def test_unreachable_remote_browser(flag: str, closed_port: int, tmp_path: Path) -> None:
    scheme = "http" if flag == "--cdp" else "ws"
    done = run_cli(
        "run", str(JOURNEY), "--base-url", "http://127.0.0.1:9", "--channel", "desktop",
        flag, f"{scheme}://127.0.0.1:{closed_port}", "--output", str(tmp_path / "out"), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "could not connect to the" in done.stderr
    assert f"127.0.0.1:{closed_port}" in done.stderr
    assert "Traceback" not in done.stderr


def test_connect_and_cdp_together_is_a_usage_error(tmp_path: Path) -> None:
    done = run_cli(
        "run", str(JOURNEY), "--cdp", "http://127.0.0.1:9", "--connect", "ws://127.0.0.1:9",
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert "--connect and --cdp" in done.stderr
