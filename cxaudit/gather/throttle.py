"""A channel's network and CPU profile on one page, which the gatherers pause while they read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, CDPSession, Page

    from cxaudit.spec.channels import Channel


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
