"""The built-in phone and tablet are devices of Playwright's list, not copied strings.

Their user agent is the installed Playwright's (it moves with each release);
the sizes they declare themselves (reports and checks need them before any
browser starts) are kept equal to the device's here, so a Playwright that
changes a device fails this test instead of drifting. The device list comes
from Playwright's driver; no browser is started.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from cxaudit.errors import UsageError
from cxaudit.run.browser import device_user_agent
from cxaudit.spec.channels import BUILTIN_CHANNELS, DEVICE_FIELDS


@pytest.fixture(scope="module")
def devices() -> dict[str, dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        return dict(pw.devices)


@pytest.mark.parametrize("name", [n for n, c in BUILTIN_CHANNELS.items() if c.device])
def test_a_builtin_device_profile_matches_playwrights(
    name: str, devices: dict[str, dict[str, Any]]
) -> None:
    channel = BUILTIN_CHANNELS[name]
    assert channel.device in devices, f"Playwright no longer lists {channel.device!r}"
    descriptor = devices[channel.device]
    for field in DEVICE_FIELDS:
        assert getattr(channel, field) == descriptor[field], (name, field)
    assert channel.user_agent is None  # taken from the device, never copied
    assert device_user_agent(channel, devices) == descriptor["user_agent"]


def test_the_phone_and_tablet_are_devices() -> None:
    assert BUILTIN_CHANNELS["mobile"].device and BUILTIN_CHANNELS["tablet"].device
    assert BUILTIN_CHANNELS["desktop"].device is None


def test_a_user_agent_of_its_own_wins_and_an_unknown_device_is_named(
    devices: dict[str, dict[str, Any]],
) -> None:
    own = replace(BUILTIN_CHANNELS["mobile"], name="kiosk", user_agent="Kiosk/1.0")
    assert device_user_agent(own, devices) == "Kiosk/1.0"
    assert device_user_agent(BUILTIN_CHANNELS["desktop"], devices) is None
    gone = replace(BUILTIN_CHANNELS["mobile"], name="old", device="Nokia 3310")
    with pytest.raises(UsageError, match=r"'old' is of the device 'Nokia 3310'.*user_agent"):
        device_user_agent(gone, devices)
    with pytest.raises(UsageError, match="device list was not read"):
        device_user_agent(BUILTIN_CHANNELS["mobile"], {})
