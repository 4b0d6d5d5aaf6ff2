"""Keeping a run going, and keeping its evidence, when things go wrong.

CI runs cxaudit unattended against sites that hiccup, on machines that kill
processes. What is here:

- :func:`with_retries`: a navigation that failed in a way that says "try
  again" (connection dropped, HTTP 503) is retried; a step that passed only
  on a retry is reported as flaky, never hidden.
- :class:`BrowserSupervisor`: when Chromium dies mid-run, the journeys it
  took down are errors that say so, and the rest run in a new browser.
- :class:`Checkpoint`: results.json is rewritten (atomically) after every
  finished journey run, so a crash loses at most the runs in flight.
- :class:`SignalStop`: Ctrl-C or SIGTERM stops the journeys in flight and
  lets the run write what it has, marked ``interrupted``.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cxaudit.errors import RunError, UsageError
from cxaudit.run.actions import SiteUnreachable, TransientResponse

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page, Playwright

    from cxaudit.results import RunResult
    from cxaudit.run.browser import BrowserOptions

#: Network errors after which the same request may well work: the server
#: restarted, dropped the connection, or was briefly not listening.
TRANSIENT_NET_ERRORS = (
    "ERR_CONNECTION_REFUSED",
    "ERR_CONNECTION_RESET",
    "ERR_CONNECTION_CLOSED",
    "ERR_CONNECTION_ABORTED",
    "ERR_EMPTY_RESPONSE",
    "ERR_NETWORK_CHANGED",
    "ERR_CONNECTION_TIMED_OUT",
    # A connection that ended while the page's body came (see unless_dropped).
    "ERR_CONTENT_LENGTH_MISMATCH",
    "ERR_INCOMPLETE_CHUNKED_ENCODING",
    # The same failures, when Chromium's error page wins the race with the
    # navigation's own error report (seen on a loaded machine): the code is lost.
    'interrupted by another navigation to "chrome-error://',
)
#: Actions that may be repeated without doing something twice.
RETRYABLE_ACTIONS = frozenset({"goto"})
DEFAULT_RETRIES = 1
#: Pause before retry n is n times this (the server gets a moment to recover).
RETRY_DELAY_S = 0.5
#: Chromium restarts in one run before cxaudit gives up on the browser.
MAX_BROWSER_RESTARTS = 3
BROWSER_DIED = (
    "the browser exited during this journey (it crashed or was killed); "
    "it was restarted for the remaining journeys"
)


def is_transient(exc: BaseException) -> bool:
    """Whether a failed step said "try again" rather than "this is broken"."""
    if isinstance(exc, TransientResponse):
        return True
    return isinstance(exc, SiteUnreachable) and any(
        code in str(exc) for code in TRANSIENT_NET_ERRORS
    )


#: Chromium's codes for a connection that ended while a page's body came, in words.
DROPPED_MID_BODY = {
    "ERR_CONNECTION_RESET": "the connection was reset",
    "ERR_CONNECTION_CLOSED": "the connection was closed",
    "ERR_CONNECTION_ABORTED": "the connection was aborted",
    "ERR_CONTENT_LENGTH_MISMATCH": "the connection was closed before the whole page came",
    "ERR_INCOMPLETE_CHUNKED_ENCODING": "the connection was closed before the whole page came",
}
T = TypeVar("T")


class DroppedMidBody(Exception):
    """The page's connection ended after its headers came: it will never finish loading."""


async def unless_dropped(page: Page, navigation: Awaitable[T]) -> T:
    """``navigation`` (a ``page.goto``), given up as soon as the page's connection drops.

    Chromium shows a page once its headers have come. When the connection
    then ends (reset, or closed before the ``Content-Length``), the document
    never finishes loading and the goto waits for its ``load`` event until
    the step timeout: a dropped connection, which is worth a retry, would be
    reported as a timeout, which is not. The main frame's request failing
    after its response began ends the wait with :class:`DroppedMidBody`.
    """
    if not asyncio.iscoroutine(navigation):  # a synchronous page's view: already done
        return await navigation
    answered: set[Any] = set()
    dropped: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    def mine(request: Any) -> bool:
        return bool(request.is_navigation_request() and request.frame == page.main_frame)

    def on_response(response: Any) -> None:
        if mine(response.request):
            answered.add(response.request)

    def on_failed(request: Any) -> None:
        failure = request.failure or ""
        code = next((c for c in DROPPED_MID_BODY if c in failure), None)
        if code and request in answered and mine(request) and not dropped.done():
            dropped.set_result(f"{DROPPED_MID_BODY[code]} ({failure})")

    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    going = asyncio.ensure_future(navigation)
    try:
        await asyncio.wait({going, dropped}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:  # the journey was stopped: so is its navigation
        going.cancel()
        raise
    finally:
        page.remove_listener("response", on_response)
        page.remove_listener("requestfailed", on_failed)
    if going.done():
        return going.result()  # loaded after all, or failed in its own words
    going.cancel()
    await asyncio.gather(going, return_exceptions=True)
    raise DroppedMidBody(f"the page did not finish loading: {dropped.result()}")


@dataclass
class Attempts:
    """How a retried action went: the messages of the attempts that failed, and the last error."""

    failures: list[str] = field(default_factory=list)
    error: BaseException | None = None

    @property
    def count(self) -> int:
        return len(self.failures) + 1


async def with_retries(
    attempt: Callable[[], Awaitable[Any]], retries: int, delay_s: float = RETRY_DELAY_S
) -> Attempts:
    """Run ``attempt``; on a transient failure, run it again up to ``retries`` times.

    Never raises what ``attempt`` raised: the caller reads ``error`` (the
    last failure, transient or not) and decides what the step's status is.
    """
    result = Attempts()
    while True:
        try:
            await attempt()
            return result
        except Exception as exc:
            if not is_transient(exc) or len(result.failures) >= retries:
                result.error = exc
                return result
            result.failures.append(str(exc))
            await asyncio.sleep(delay_s * len(result.failures))


class BrowserSupervisor:
    """The run's browser, started again when it dies.

    A dead browser takes every journey in flight with it; those become
    errors (the runner says why). The next journey asks :meth:`get` and
    gets a fresh browser, up to :data:`MAX_BROWSER_RESTARTS` times.
    """

    def __init__(
        self, pw: Playwright, options: BrowserOptions, max_restarts: int = MAX_BROWSER_RESTARTS
    ) -> None:
        self.pw = pw
        self.options = options
        self.max_restarts = max_restarts
        self.restarts = 0
        self.browser: Browser | None = None
        self._lock = asyncio.Lock()

    async def get(self) -> Browser:
        """A connected browser: the current one, or a new one when it died."""
        from cxaudit.run.browser import launch

        async with self._lock:
            if self.browser is not None and self.browser.is_connected():
                return self.browser
            if self.browser is not None:
                if self.restarts >= self.max_restarts:
                    raise RunError(
                        f"the browser died {self.restarts + 1} times in this run; "
                        "not starting it again (is the machine out of memory?)"
                    )
                self.restarts += 1
            self.browser = await launch(self.pw, self.options)
            return self.browser

    async def close(self) -> None:
        if self.browser is not None:
            try:
                await self.browser.close()
            except Exception:
                pass


class Checkpoint:
    """results.json after each finished journey run, written atomically.

    ``prepare`` turns the raw partial result into what is written (the
    pipeline analyses it, so the file is a complete results file that
    ``cxaudit report`` can render). It stays ``interrupted: true`` until the
    run's final write, so a reader of a crashed run's file knows it is partial.
    """

    def __init__(self, path: Path, prepare: Callable[[RunResult], RunResult] | None = None) -> None:
        self.path = path
        self.prepare = prepare
        self.failed: str = ""

    def __call__(self, partial: RunResult) -> None:
        from cxaudit.results import write_results

        try:
            result = self.prepare(partial) if self.prepare else partial
            write_results(result, self.path)
        except Exception as exc:  # a checkpoint must never stop the run
            if not self.failed:
                self.failed = f"{type(exc).__name__}: {exc}"
                print(f"cxaudit: could not save partial results: {self.failed}", file=sys.stderr)


#: In the output folder while a run writes there: who holds it (pid, host, run id).
LOCK_FILE = ".cxaudit-run.lock"


def ensure_writable(out_dir: Path, results_name: str = "results.json") -> None:
    """Fail before the run, not after it, when the report folder cannot be written."""
    if (out_dir / results_name).is_dir():
        raise UsageError(
            f"{out_dir / results_name} is a folder: the run's results could not be written "
            "there; remove it or give another --output"
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".write-test-", dir=out_dir)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise RunError(f"cannot write the report to {out_dir}: {reason}") from None


class SignalStop:
    """Turns SIGINT / SIGTERM into a graceful stop of the run.

    The first signal stops the journeys in flight; the run then writes the
    finished ones (``interrupted: true``) and the report. A second signal
    acts as usual (Python raises KeyboardInterrupt, SIGTERM ends the process).
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.signum: int | None = None

    @property
    def exit_code(self) -> int:
        """128 + the signal number, as shells report it: 130 for SIGINT, 143 for SIGTERM."""
        return 128 + (self.signum or signal.SIGINT)

    @contextmanager
    def installed(self, on_stop: Callable[[], None]) -> Iterator[None]:
        """Call ``on_stop`` on the first signal while inside (the running loop's thread only)."""
        loop = asyncio.get_running_loop()
        installed: list[int] = []
        # What was there before (cxaudit.startup's Ctrl-C handler, say) comes back after.
        previous = {sig: signal.getsignal(sig) for sig in self.SIGNALS}

        def restore() -> None:
            for sig in installed:
                loop.remove_signal_handler(sig)
                if previous[sig] is not None:
                    signal.signal(sig, previous[sig])
            installed.clear()

        def handle(signum: int) -> None:
            self.signum = signum
            restore()
            on_stop()

        try:
            for sig in self.SIGNALS:
                try:
                    loop.add_signal_handler(sig, handle, sig)
                    installed.append(sig)
                except (NotImplementedError, RuntimeError, ValueError):
                    pass  # not the main thread, or a platform without them
            yield
        finally:
            restore()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


@contextmanager
def output_lock(
    out_dir: Path, run_id: str, results_name: str = "results.json", replace: bool = False
) -> Iterator[None]:
    """Hold ``out_dir`` for one run: a second run there is refused, not mixed in.

    A lock file names the run that writes there; a lock whose process is gone
    (a killed run) is taken over. A folder that holds a finished run's
    results is refused unless ``replace`` (``--force``): the new run would
    overwrite it, and leave the old run's screenshots beside its own.
    """
    import socket

    lock = out_dir / LOCK_FILE
    me = f"{os.getpid()} {socket.gethostname()} {run_id}"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:
            try:
                pid_text, host, other = [*lock.read_text("utf-8").split(), "", "", ""][:3]
                pid = int(pid_text)
            except (OSError, ValueError):
                pid, host, other = 0, "", ""
            if pid and (host != socket.gethostname() or _alive(pid)):
                raise UsageError(
                    f"another cxaudit run ({other or 'unknown run id'}, pid {pid} on {host}) "
                    f"is writing to {out_dir}: give this run another --output, or wait for it"
                ) from None
            lock.unlink(missing_ok=True)  # its run is gone: stale
    else:
        raise UsageError(f"cannot take {lock}: another run keeps taking it")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(me)
        results = out_dir / results_name
        if results.is_file() and not replace:
            raise UsageError(
                f"{out_dir} holds the results of an earlier run already: give another "
                "--output (or none: each run gets its own folder), or --force to replace it"
            )
        yield
    finally:
        lock.unlink(missing_ok=True)
