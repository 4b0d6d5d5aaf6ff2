"""Channels: the ways customers reach a site (device, screen, network, CPU), as data.

The built-in desktop, mobile and tablet profiles, and the ones a project
defines in its config; :mod:`cxaudit.run.browser` turns one into a browser
context, :class:`cxaudit.gather.throttle.Throttle` applies its network and CPU.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from cxaudit.errors import UsageError


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
    #: The device in Playwright's list (``playwright.devices``) this profile is
    #: of: its user agent is taken from there when the browser starts, so it
    #: follows the installed Playwright instead of a string copied here.
    device: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def context_options(self) -> dict[str, Any]:
        """Keyword arguments for ``browser.new_context`` (the device's user agent added by the runner)."""
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


#: The fields of a Playwright device descriptor a built-in profile declares
#: itself (its user agent comes from Playwright); a test keeps them equal.
DEVICE_FIELDS = ("viewport", "device_scale_factor", "is_mobile", "has_touch")

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
        device="Pixel 7",
        network=SLOW_4G,
        cpu_slowdown=4.0,
    ),
    "tablet": Channel(
        name="tablet",
        description="Tablet (iPad Pro 11 profile), unthrottled",
        viewport={"width": 834, "height": 1194},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        device="iPad Pro 11",
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
