"""Calls into a page that give up in time, and do not wait for the page to agree.

``asyncio.wait_for`` cancels its work on timeout and then waits for that work
to end. A call into a page whose script never yields, or whose renderer died,
may never end: its clean-up (detaching a DevTools session, removing a mask)
is another call into the same page, and waits as long. :func:`within` cancels
and goes on: what is left ends when the page or the browser closes, which
rejects every call still waiting on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

T = TypeVar("T")


class Abandoned(Exception):
    """The call was given up before its time because its page is gone (``abort`` was set)."""


async def within(work: Awaitable[T], timeout_s: float, abort: asyncio.Event | None = None) -> T:
    """``work``'s result; TimeoutError when it has none after ``timeout_s`` seconds.

    ``abort``, once set, gives up at once (:class:`Abandoned`): a renderer
    that died answers Playwright's calls with an error, but some DevTools
    calls into it never come back. On timeout, abort, or when the caller is
    cancelled, ``work`` is cancelled and left to end by itself: the caller
    does not wait for it.
    """
    task = asyncio.ensure_future(work)
    watch = asyncio.ensure_future(abort.wait()) if abort is not None else None
    try:
        waiting = {task} if watch is None else {task, watch}
        await asyncio.wait(waiting, timeout=timeout_s, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        _abandon(task)
        raise
    finally:
        if watch is not None:
            watch.cancel()
    if task.done():
        return task.result()
    _abandon(task)
    if abort is not None and abort.is_set():
        raise Abandoned("the page went away while it was read")
    raise TimeoutError(f"no answer in {timeout_s:g} s")


async def page_call(call: Awaitable[T], timeout_s: float) -> T:
    """A call into a page (``page.x(...)``, ``session.send(...)``), bounded by ``timeout_s``.

    The async API gives a coroutine, bounded with :func:`within`; a synchronous
    page's view (:mod:`cxaudit.gather.sync_page`) gives a call that has already
    finished and cannot be put on an event loop: it is awaited as it is.
    """
    if asyncio.iscoroutine(call):
        return await within(call, timeout_s)
    return await call


def _abandon(task: asyncio.Future[Any]) -> None:
    task.cancel()
    task.add_done_callback(_consume)


def _consume(task: asyncio.Future[Any]) -> None:
    """Read an abandoned call's outcome, so asyncio does not report it as never read."""
    if not task.cancelled():
        task.exception()
