"""The one place that finds, launches or connects to Chromium and builds contexts.

Channels are named browsing profiles (viewport, touch, user agent, network
and CPU). Everything that needs a browser or a context comes through here, so
executable discovery, emulation and throttling are done one way.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxaudit.errors import BrowserNotFoundError, RunError, UsageError
from cxaudit.spec.channels import Channel

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, Playwright

#: Flags that keep Chromium quiet on machines with a closed network: no
#: background updates or sync calls that would add noise to timings.
CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
)

SYSTEM_CHROMIUM_NAMES = (
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
    "chrome",
)
SYSTEM_CHROMIUM_PATHS = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/usr/bin/google-chrome",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
)


# ---------------------------------------------------------------------------
# Finding an executable


@dataclass(frozen=True)
class BrowserCandidate:
    source: str
    path: str | None
    ok: bool
    note: str = ""


def _playwright_chromium() -> str | None:
    """Path of Playwright's own Chromium, when it has been installed."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as pw:
            path = pw.chromium.executable_path
    except Exception:
        return None
    return path if path and Path(path).exists() else None


#: ``browser_candidates(playwright_path=...)`` when nobody has asked Playwright yet.
_ASK = object()


def browser_candidates(
    explicit: str | None = None, playwright_path: str | object | None = _ASK
) -> list[BrowserCandidate]:
    """Every place cxaudit looks for Chromium, in order, and what it found there.

    ``playwright_path`` is what a Playwright already running said its own
    Chromium's path is; without it, one is started to ask (a second driver
    process: half a second of start-up that a run has no need to pay).
    """
    found: list[BrowserCandidate] = []
    explicit = explicit or os.environ.get("CXAUDIT_CHROMIUM")
    if explicit:
        ok = Path(explicit).is_file() and os.access(explicit, os.X_OK)
        found.append(
            BrowserCandidate(
                "--executable-path / CXAUDIT_CHROMIUM",
                explicit,
                ok,
                "" if ok else "not an executable file",
            )
        )
    if playwright_path is _ASK:
        pw_path = _playwright_chromium()
    else:
        pw_path = str(playwright_path) if playwright_path else None
        pw_path = pw_path if pw_path and Path(pw_path).exists() else None
    found.append(
        BrowserCandidate(
            "Playwright's Chromium (playwright install chromium)",
            pw_path,
            pw_path is not None,
            "" if pw_path else "not installed",
        )
    )
    system = None
    for name in SYSTEM_CHROMIUM_NAMES:
        system = shutil.which(name)
        if system:
            break
    if system is None:
        system = next((p for p in SYSTEM_CHROMIUM_PATHS if Path(p).is_file()), None)
    found.append(
        BrowserCandidate(
            "system Chromium or Chrome",
            system,
            system is not None,
            "" if system else "none on PATH",
        )
    )
    return found


def install_hint() -> str:
    """What to run when no browser is found, for this machine."""
    lines = [
        "No Chromium found. Install one of these:",
        f"  {sys.executable} -m playwright install chromium    (Playwright's own Chromium)",
    ]
    if shutil.which("apt-get"):
        lines.append(
            "  sudo apt-get install -y chromium                     (Debian/Ubuntu system Chromium)"
        )
    elif sys.platform == "darwin":
        lines.append("  brew install --cask chromium                         (macOS)")
    lines.append("or point cxaudit at one: --executable-path PATH or CXAUDIT_CHROMIUM=PATH")
    return "\n".join(lines)


def find_executable(
    explicit: str | None = None, playwright_path: str | object | None = _ASK
) -> str | None:
    """The Chromium to launch, or ``None`` to let Playwright use its own.

    Order: an explicit path, Playwright's installed browser, a system one.
    Raises :class:`BrowserNotFoundError` when there is none.
    ``playwright_path``: as for :func:`browser_candidates`.
    """
    candidates = browser_candidates(explicit, playwright_path)
    if candidates[0].source.startswith("--executable") and not candidates[0].ok:
        raise BrowserNotFoundError(f"{candidates[0].path}: {candidates[0].note}\n{install_hint()}")
    for candidate in candidates:
        if candidate.ok:
            return candidate.path
    raise BrowserNotFoundError(install_hint())


def install_browser() -> str:
    """Get a Chromium onto this machine the usual way, and return its path.

    Tries Playwright's download first (the normal way on a workstation);
    where that cannot work (no internet, as in locked-down CI) and the
    process may use apt, installs Debian's ``chromium`` package.
    """
    try:
        return find_executable()  # type: ignore[return-value]
    except BrowserNotFoundError:
        pass
    can_apt = shutil.which("apt-get") and hasattr(os, "geteuid") and os.geteuid() == 0
    attempts: list[list[str]] = []
    if can_apt:
        attempts.append(
            [
                "sh",
                "-c",
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium",
            ]
        )
    attempts.append([sys.executable, "-m", "playwright", "install", "chromium"])
    for cmd in attempts:
        print(
            f"cxaudit: installing a browser: {' '.join(cmd[-3:]) if cmd[0] == 'sh' else ' '.join(cmd[1:])}",
            file=sys.stderr,
        )
        try:
            subprocess.run(cmd, check=False, timeout=900)
        except (OSError, subprocess.TimeoutExpired) as exc:
            print(f"cxaudit: that did not work: {exc}", file=sys.stderr)
        try:
            return find_executable()  # type: ignore[return-value]
        except BrowserNotFoundError:
            continue
    raise BrowserNotFoundError(install_hint())


# ---------------------------------------------------------------------------
# Launching and contexts


@dataclass(frozen=True)
class BrowserOptions:
    executable_path: str | None = None
    headless: bool = True
    connect: str | None = None  # a Playwright browser server (ws://)
    cdp: str | None = None  # any Chromium over the DevTools protocol (http:// or ws://)
    slow_mo_ms: float = 0
    #: A branded build Playwright knows by name ("chrome", "msedge"), instead of discovery.
    channel: str | None = None
    #: More Chromium command-line switches, after cxaudit's own.
    args: tuple[str, ...] = ()


async def launch(pw: Playwright, options: BrowserOptions) -> Browser:
    """Launch (or connect to) Chromium as the options say."""
    from playwright.async_api import Error as PlaywrightError

    if not _DEVICES:
        _DEVICES.update(pw.devices)
    remote = options.connect or options.cdp
    if remote:
        try:
            if options.connect:
                return await pw.chromium.connect(options.connect)
            return await pw.chromium.connect_over_cdp(options.cdp)  # type: ignore[arg-type]
        except PlaywrightError as exc:
            how = "Playwright browser server" if options.connect else "DevTools endpoint"
            raise RunError(
                f"could not connect to the {how} {remote}: {_first_line(exc)}\n"
                "Check that the browser is running, the address is reachable from here, "
                "and (for --connect) that its Playwright version matches this one's."
            ) from None
    try:
        # The running Playwright knows where its own browser would be: asking
        # it spares discovery a second Playwright driver.
        executable = (
            None
            if options.channel and not options.executable_path
            else find_executable(options.executable_path, _own_chromium(pw))
        )
        return await pw.chromium.launch(
            executable_path=executable,
            channel=options.channel,
            headless=options.headless,
            args=[*CHROMIUM_ARGS, *options.args],
            slow_mo=options.slow_mo_ms or None,
        )
    except PlaywrightError as exc:
        raise BrowserNotFoundError(
            f"could not start Chromium: {_first_line(exc)}\n{install_hint()}"
        ) from None


def _own_chromium(pw: Playwright) -> str | None:
    """Where ``pw``'s own Chromium would be (it may not be installed)."""
    try:
        return str(pw.chromium.executable_path)
    except Exception:
        return None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else "unknown error"


@asynccontextmanager
async def browser_session(options: BrowserOptions) -> AsyncIterator[tuple[Playwright, Browser]]:
    """Playwright and one browser for the length of a run."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await launch(pw, options)
        try:
            yield pw, browser
        finally:
            with suppress(Exception):
                await browser.close()


#: Playwright's device descriptors, as the running Playwright gives them (the
#: same for every Playwright started in this process): read once at launch.
_DEVICES: dict[str, dict[str, Any]] = {}


def device_user_agent(channel: Channel, devices: dict[str, dict[str, Any]]) -> str | None:
    """The user agent ``channel`` presents: its own, else its Playwright device's."""
    if channel.user_agent or not channel.device:
        return channel.user_agent
    if not devices:
        raise UsageError(
            f"channel '{channel.name}' is of the device '{channel.device}', but Playwright's "
            "device list was not read: start the browser with cxaudit.run.browser.launch "
            "(or browser_session), or set the channel's user_agent"
        )
    if channel.device not in devices:
        raise UsageError(
            f"channel '{channel.name}' is of the device '{channel.device}', which this "
            f"Playwright does not list (playwright.devices); set the channel's user_agent, "
            "or upgrade Playwright"
        )
    return devices[channel.device].get("user_agent")


async def new_context(browser: Browser, channel: Channel, **overrides: Any) -> BrowserContext:
    """A fresh, isolated context that looks like ``channel`` to the site."""
    options = channel.context_options()
    agent = device_user_agent(channel, _DEVICES)
    if agent:
        options["user_agent"] = agent
    options.update(overrides)
    return await browser.new_context(**options)
