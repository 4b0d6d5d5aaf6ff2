"""Progress output: a live status line on a terminal, plain lines in CI logs."""

from __future__ import annotations

import io

import pytest

from cxaudit.cli.progress import Progress, Silent, is_live, progress_listener
from cxaudit.results import JourneyRun, StepResult
from cxaudit.run.runner import Event


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def finished(journey: str, channel: str, done: int, status: str = "passed") -> Event:
    steps = [
        StepResult(index=0, stage="purchase", action="goto", name="goto /", status="passed"),
        StepResult(
            index=1,
            stage="purchase",
            action="click",
            name="click Pay",
            status="failed" if status == "failed" else "passed",
        ),
    ]
    run = JourneyRun(
        journey=journey,
        file="j.yaml",
        channel=channel,
        status=status,
        duration_ms=2500,
        steps=steps,
    )  # type: ignore[arg-type]
    return Event("journey-finished", journey, channel, run=run, total=2, done=done)


EVENTS = [
    Event("run-started", total=2),
    Event("journey-started", "Checkout", "desktop"),
    Event("journey-started", "Browse", "mobile"),
    Event("step-started", "Checkout", "desktop", total=5, done=2, text="click Add to cart"),
    Event("step-started", "Browse", "mobile", total=3, done=0, text="goto /"),
]


def test_plain_lines_when_not_a_terminal() -> None:
    out = io.StringIO()
    progress = Progress(out, live=False)
    for event in [
        *EVENTS,
        finished("Checkout", "desktop", 1, "failed"),
        finished("Browse", "mobile", 2),
    ]:
        progress(event)
    progress(Event("run-finished", total=2, done=2))
    text = out.getvalue()
    assert "\r" not in text and "\x1b" not in text
    lines = text.splitlines()
    assert lines[0] == "cxaudit: 2 journey run(s)"
    assert lines[1].startswith("[1/2] desktop  Checkout: failed at step 2 (2.5 s, ")
    assert lines[2].startswith("[2/2] mobile   Browse: passed (2.5 s, ")
    assert len(lines) == 3


def test_live_line_shows_done_elapsed_and_current_steps() -> None:
    out = Terminal()
    progress = Progress(out, live=True)
    with progress:
        for event in EVENTS:
            progress(event)
        status = progress.status_line(200)
        assert status.startswith("0/2 done · 0:0")
        assert "desktop Checkout: step 3/5 click Add to cart" in status
        assert "mobile Browse: step 1/3 goto /" in status
        progress(finished("Checkout", "desktop", 1))
        after = progress.status_line(200)
        assert after.startswith("1/2 done") and "Checkout" not in after
        assert len(progress.status_line(30)) == 30
    text = out.getvalue()
    assert "\r\x1b[K" in text  # redrawn in place
    # The finished run is a permanent line, written after clearing the status line.
    assert "\r\x1b[K[1/2] desktop  Checkout: passed" in text
    assert text.endswith("\r\x1b[K")  # closing leaves a clean line


@pytest.mark.parametrize(
    ("environ", "tty", "live"),
    [
        ({}, True, True),
        ({}, False, False),
        ({"CI": "true"}, True, False),
        ({"CI": "1"}, True, False),
        ({"CI": "false"}, True, True),
        ({"TERM": "dumb"}, True, False),
    ],
)
def test_live_only_on_a_terminal_outside_ci(environ: dict[str, str], tty: bool, live: bool) -> None:
    stream = Terminal() if tty else io.StringIO()
    assert is_live(stream, environ) is live


def test_quiet_writes_nothing() -> None:
    out = Terminal()
    progress = progress_listener(quiet=True, stream=out)
    assert isinstance(progress, Silent)
    with progress:
        for event in [*EVENTS, finished("Checkout", "desktop", 1)]:
            progress(event)
    assert out.getvalue() == ""
