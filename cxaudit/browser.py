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
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cxaudit.errors import BrowserNotFoundError, RunError, UsageError

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, CDPSession, Page, Playwright

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


@dataclass(frozen=True)
class NetworkProfile:
    """Network conditions applied through the DevTools protocol."""

    name: str
    latency_ms: float
    download_kbps: float
    upload_kbps: float

    def cdp_params(self) -> dict[str, Any]:
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": self.download_kbps * 1000 / 8,
            "uploadThroughput": self.upload_kbps * 1000 / 8,
        }


#: Lighthouse's mobile "slow 4G" (see shared REFERENCE: 150 ms RTT, 1.6 Mbps, 750 kbps).
SLOW_4G = NetworkProfile("slow-4g", latency_ms=150, download_kbps=1600, upload_kbps=750)


@dataclass(frozen=True)
class Channel:
    """A named way customers reach the site: device, network and CPU."""

    name: str
    description: str
    viewport: dict[str, int]
    device_scale_factor: float = 1
    is_mobile: bool = False
    has_touch: bool = False
    user_agent: str | None = None
    locale: str = "en-GB"
    color_scheme: str = "light"
    network: NetworkProfile | None = None
    cpu_slowdown: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    def context_options(self) -> dict[str, Any]:
        """Keyword arguments for ``browser.new_context``."""
        options: dict[str, Any] = {
            "viewport": dict(self.viewport),
            "device_scale_factor": self.device_scale_factor,
            "is_mobile": self.is_mobile,
            "has_touch": self.has_touch,
            "locale": self.locale,
            "color_scheme": self.color_scheme,
        }
        if self.user_agent:
            options["user_agent"] = self.user_agent
        return options

    def info(self) -> dict[str, Any]:
        """Plain data for results.json."""
        return {
            "name": self.name,
            "description": self.description,
            "viewport": dict(self.viewport),
            "is_mobile": self.is_mobile,
            "network": (
                {k: v for k, v in asdict(self.network).items() if k != "name"}
                if self.network
                else None
            ),
            "cpu_slowdown": self.cpu_slowdown,
            "device_scale_factor": self.device_scale_factor,
        }


# Pixel 7 as Playwright's device list describes it: a current Chromium phone.
_PIXEL_7_UA = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
)
_IPAD_UA = (
    "Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

BUILTIN_CHANNELS: dict[str, Channel] = {
    "desktop": Channel(
        name="desktop",
        description="Laptop browser, 1366x768, unthrottled",
        viewport={"width": 1366, "height": 768},
    ),
    "mobile": Channel(
        name="mobile",
        description="Phone (Pixel 7 profile), slow 4G, 4x CPU slow-down",
        viewport={"width": 412, "height": 839},
        device_scale_factor=2.625,
        is_mobile=True,
        has_touch=True,
        user_agent=_PIXEL_7_UA,
        network=SLOW_4G,
        cpu_slowdown=4.0,
    ),
    "tablet": Channel(
        name="tablet",
        description="Tablet (iPad profile), unthrottled",
        viewport={"width": 820, "height": 1180},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        user_agent=_IPAD_UA,
    ),
}


def resolve_channels(
    names: list[str], custom: Mapping[str, Channel] | None = None
) -> list[Channel]:
    """Channel profiles for ``names``; unknown names are a usage error."""
    known = {**BUILTIN_CHANNELS, **(custom or {})}
    out = []
    for name in names:
        if name not in known:
            raise UsageError(f"unknown channel '{name}'; known channels: {', '.join(known)}")
        out.append(known[name])
    return out


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


async def new_context(browser: Browser, channel: Channel, **overrides: Any) -> BrowserContext:
    """A fresh, isolated context that looks like ``channel`` to the site."""
    options = channel.context_options()
    options.update(overrides)
    return await browser.new_context(**options)


class Throttle:
    """The channel's network and CPU profile on one page, through CDP.

    Auditing (axe, screenshots) is the tool's own work, not the customer's:
    :meth:`paused` lifts CPU throttling while it runs, so the profile slows
    the site, not the audit.
    """

    def __init__(self, session: CDPSession | None, channel: Channel) -> None:
        self.session = session
        self.channel = channel

    @classmethod
    async def apply(cls, context: BrowserContext, page: Page, channel: Channel) -> Throttle:
        if channel.network is None and channel.cpu_slowdown == 1:
            return cls(None, channel)
        session = await context.new_cdp_session(page)
        if channel.network is not None:
            await session.send("Network.enable")
            await session.send("Network.emulateNetworkConditions", channel.network.cdp_params())
        if channel.cpu_slowdown != 1:
            await session.send("Emulation.setCPUThrottlingRate", {"rate": channel.cpu_slowdown})
        return cls(session, channel)

    @asynccontextmanager
    async def paused(self) -> AsyncIterator[None]:
        active = self.session is not None and self.channel.cpu_slowdown != 1
        if active:
            await self.session.send("Emulation.setCPUThrottlingRate", {"rate": 1})  # type: ignore[union-attr]
        try:
            yield
        finally:
            if active:
                try:
                    await self.session.send(
                        "Emulation.setCPUThrottlingRate", {"rate": self.channel.cpu_slowdown}
                    )  # type: ignore[union-attr]
                except Exception:
                    pass
