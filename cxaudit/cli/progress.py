"""Progress of a run on stderr, from the runner's events.

On a terminal, a status line at the bottom is redrawn in place (journey runs
done of all, elapsed time, and the step each running journey is at), with a
permanent line per finished journey run above it. Anywhere else (a CI log, a
file, ``CI=true``) only plain lines are written, one per finished journey
run, so logs stay readable and free of control characters.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from typing import TextIO

from cxaudit.run.runner import Event
from cxaudit.sanitize import terminal_text

#: How often the live line is redrawn when nothing happens (elapsed time moves on).
REFRESH_S = 1.0
_CLEAR = "\r\x1b[K"


def is_live(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """A status line redrawn in place: only on a terminal, and never under CI."""
    env = os.environ if environ is None else environ
    if env.get("CI", "").lower() not in ("", "0", "false", "no"):
        return False
    if env.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def finished_line(event: Event, elapsed_s: float) -> str:
    """The permanent line of a finished journey run."""
    run = event.run
    assert run is not None
    broken = next((s for s in run.steps if s.status in ("failed", "error")), None)
    where = f" at step {broken.index + 1}" if broken else ""
    flaky = sum(s.flaky for s in run.steps)
    where += f", {flaky} flaky step(s)" if flaky else ""
    return terminal_text(
        f"[{event.done}/{event.total}] {run.channel:<8} {run.journey}: {run.status}{where} "
        f"({run.duration_ms / 1000:.1f} s, {elapsed_s:.0f} s elapsed)"
    )


class Progress:
    """A listener that writes progress to ``stream``; ``live`` redraws a status line."""

    def __init__(self, stream: TextIO, live: bool) -> None:
        self.stream = stream
        self.live = live
        self.start = time.perf_counter()
        self.total = 0
        self.done = 0
        #: (journey, channel) -> (steps done, steps in all, name of the current step)
        self.running: dict[tuple[str, str], tuple[int, int, str]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._drawn = False

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def __call__(self, event: Event) -> None:
        with self._lock:
            self._handle(event)

    def _handle(self, event: Event) -> None:
        key = (event.journey, event.channel)
        if event.kind == "run-started":
            self.total = event.total
            self._write(f"cxaudit: {event.total} journey run(s)")
            if self.live and self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, daemon=True)
                self._ticker.start()
        elif event.kind == "journey-started":
            self.running[key] = (0, 0, "")
        elif event.kind == "step-started":
            self.running[key] = (event.done, event.total, event.text)
        elif event.kind == "journey-finished" and event.run is not None:
            self.running.pop(key, None)
            self.done = event.done
            self._write(finished_line(event, self.elapsed()))
        elif event.kind == "run-finished":
            self._stop.set()
            self._clear()
            return
        self._draw()

    def _write(self, line: str) -> None:
        """A permanent line (above the status line, when there is one)."""
        self._clear()
        self.stream.write(line + "\n")
        self.stream.flush()

    def status_line(self, width: int) -> str:
        """Done/total, elapsed, and each running journey's current step, cut to ``width``."""
        parts = [f"{self.done}/{self.total} done", _clock(self.elapsed())]
        for (journey, channel), (done, total, name) in self.running.items():
            step = f"step {done + 1}/{total} {_cut(name, 32)}" if total else "starting"
            parts.append(f"{channel} {_cut(journey, 28)}: {step}")
        return _cut(" · ".join(parts), max(2, width))

    def _draw(self) -> None:
        if not self.live or self._stop.is_set():
            return
        width = shutil.get_terminal_size((100, 20)).columns - 1
        self.stream.write(_CLEAR + terminal_text(self.status_line(width)))
        self.stream.flush()
        self._drawn = True

    def _clear(self) -> None:
        if self._drawn:
            self.stream.write(_CLEAR)
            self._drawn = False

    def _tick(self) -> None:
        while not self._stop.wait(REFRESH_S):
            with self._lock:
                self._draw()

    def close(self) -> None:
        """Stop redrawing and leave the terminal on a clean line (also when a run broke off)."""
        self._stop.set()
        with self._lock:
            self._clear()
            self.stream.flush()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Silent(Progress):
    """``--quiet``: no progress at all."""

    def __call__(self, event: Event) -> None:
        return None


def progress_listener(quiet: bool = False, stream: TextIO | None = None) -> Progress:
    """The listener ``cxaudit run`` uses (a context manager): silent, live or plain lines."""
    out = stream or sys.stderr
    if quiet:
        return Silent(out, live=False)
    return Progress(out, is_live(out))
