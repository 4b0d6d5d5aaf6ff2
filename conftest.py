"""Fixtures shared by the whole test suite.

Browser tests use real Chromium (found the way cxaudit finds it) against
servers on 127.0.0.1 that the fixtures start and stop; nothing is mocked.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cxaudit.demo import DemoShop
from cxaudit.mail.session import shared_sink


@pytest.fixture(scope="session")
def demo_shop() -> Iterator[DemoShop]:
    """The flawed demo shop on a free loopback port, for the whole session.

    It mails its order confirmations to the SMTP sink the journeys read
    (``journeys/order-email.yaml`` waits for one), as ``cxaudit demo`` does.
    """
    with DemoShop(port=0, smtp=shared_sink().address) as shop:
        yield shop


@pytest.fixture(scope="session")
def fixed_shop() -> Iterator[DemoShop]:
    """The demo shop with every deliberate flaw removed."""
    with DemoShop(port=0, fixed=True, smtp=shared_sink().address) as shop:
        yield shop
