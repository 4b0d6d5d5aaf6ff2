"""Gather a snapshot from a synchronous Playwright page (pytest-playwright's ``page``).

The gatherers are coroutines written against Playwright's async ``Page``.
A pytest-playwright page belongs to another Playwright instance with the
sync API, whose event loop runs in the main thread. Rather than a second set
of gatherers, :class:`AsyncView` presents the sync page with the async
surface: every method that is a coroutine on the async ``Page`` (or
``Frame``) becomes an awaitable that has already finished. Coroutines that
only await such calls never suspend, so :func:`run_to_end` can drive them
without any event loop, and the very same gatherers, scripts and snapshot code
run on the sync page.
"""

from __future__ import annotations

import inspect
from collections.abc import Coroutine, Generator
from dataclasses import replace
from typing import Any, TypeVar

from cxaudit.gather.recorder import PageRecorder
from cxaudit.gather.snapshot import SnapshotOptions, take_snapshot
from cxaudit.gather.throttle import Throttle
from cxaudit.results import Snapshot
from cxaudit.spec.channels import Channel

T = TypeVar("T")


class _Done:
    """An awaitable whose value is already there."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __await__(self) -> Generator[Any, None, Any]:
        return self.value
        yield  # pragma: no cover - makes this a generator


def _async_methods(cls: type) -> frozenset[str]:
    return frozenset(
        name
        for name, member in inspect.getmembers(cls)
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    )


class AsyncView:
    """A sync Playwright ``Page``, ``Frame``, ``BrowserContext`` or ``CDPSession`` with the
    async API's calling convention."""

    _methods: dict[str, frozenset[str]] | None = None

    def __init__(self, target: Any, kind: str = "page", cache: dict[int, AsyncView] | None = None):
        self._target = target
        self._kind = kind
        self._cache = cache if cache is not None else {}
        self._cache[id(target)] = self
        if AsyncView._methods is None:
            from playwright.async_api import BrowserContext, CDPSession, Frame, Page

            AsyncView._methods = {
                "page": _async_methods(Page),
                "frame": _async_methods(Frame),
                "context": _async_methods(BrowserContext),
                "cdp": _async_methods(CDPSession),
            }

    def _wrap_frame(self, frame: Any) -> AsyncView:
        return self._cache.get(id(frame)) or AsyncView(frame, "frame", self._cache)

    @property
    def frames(self) -> list[AsyncView]:
        return [self._wrap_frame(f) for f in self._target.frames]

    @property
    def main_frame(self) -> AsyncView:
        return self._wrap_frame(self._target.main_frame)

    @property
    def context(self) -> AsyncView:
        return AsyncView(self._target.context, "context", self._cache)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        methods = (self._methods or {}).get(self._kind, frozenset())
        if callable(value) and name in methods:

            def call(*args: Any, **kwargs: Any) -> _Done:
                plain = [a._target if isinstance(a, AsyncView) else a for a in args]
                result = value(*plain, **kwargs)
                if name == "new_cdp_session":
                    result = AsyncView(result, "cdp", self._cache)
                return _Done(result)

            return call
        return value


def run_to_end(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (it only awaits :class:`AsyncView` calls)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value  # type: ignore[no-any-return]
    coro.close()
    raise RuntimeError(
        "a gatherer waited on something a synchronous page cannot provide; "
        "audit this page with cxaudit's own browser instead"
    )


def snapshot_sync_page(
    page: Any,
    options: SnapshotOptions,
    channel: Channel,
    recorder: PageRecorder | None = None,
) -> Snapshot:
    """Every registered gatherer on a sync page, as the runner gathers after a step.

    ``recorder`` (a :class:`PageRecorder` attached to the sync page earlier)
    supplies console errors and failed requests; without one those lists are
    empty, since events from before the audit cannot be recovered.
    """
    view = AsyncView(page)
    watcher = recorder or PageRecorder(page)
    options = replace(options, gather_timeout_s=None)  # no loop of ours to time it
    snapshot, _ = run_to_end(take_snapshot(view, watcher, Throttle(None, channel), options, None))  # type: ignore[arg-type]
    return snapshot
