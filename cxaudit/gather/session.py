"""One DevTools session per page, kept for the page's life, for the gatherers that need one.

Opening a session and letting it go costs two round trips to the browser
each time; the screenshot and axe-core ask on every audited step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from playwright.async_api import CDPSession, Page

_SESSIONS: WeakKeyDictionary[Any, CDPSession] = WeakKeyDictionary()


async def page_session(page: Page) -> CDPSession:
    """The page's session, opened on first use."""
    session = _SESSIONS.get(page)
    if session is None:
        session = _SESSIONS[page] = await page.context.new_cdp_session(page)
    return session


def forget_session(page: Page) -> None:
    """Drop the page's session (one that failed): the next call opens a new one."""
    _SESSIONS.pop(page, None)
