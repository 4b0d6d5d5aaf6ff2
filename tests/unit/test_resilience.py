"""Retries, checkpoints, signals and atomic writes, without a browser."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import threading
from pathlib import Path

import pytest

from cxaudit.errors import RunError
from cxaudit.results import JourneyRun, RunResult, RunTotals, read_results, write_results
from cxaudit.run.actions import SiteUnreachable, StepFailed, TransientResponse
from cxaudit.run.resilience import (
    Checkpoint,
    SignalStop,
    ensure_writable,
    is_transient,
    with_retries,
)


def test_what_counts_as_transient() -> None:
    assert is_transient(TransientResponse("http://x/ answered HTTP 503"))
    assert is_transient(SiteUnreachable("could not open http://x/: net::ERR_CONNECTION_RESET"))
    assert is_transient(SiteUnreachable("could not open http://x/: net::ERR_EMPTY_RESPONSE"))
    # Under load Chromium's error page can win the race, and the code is lost (seen in CI).
    assert is_transient(
        SiteUnreachable(
            'could not open http://x/: Navigation to "http://x/" is interrupted by another '
            'navigation to "chrome-error://chromewebdata/"'
        )
    )
    assert not is_transient(SiteUnreachable("net::ERR_NAME_NOT_RESOLVED"))
    assert not is_transient(SiteUnreachable("net::ERR_CERT_AUTHORITY_INVALID"))
    assert not is_transient(StepFailed("http://x/ answered HTTP 500"))
    assert not is_transient(StepFailed("Timeout 3000ms exceeded"))


def _flaky(failures: list[BaseException]) -> tuple[list[int], object]:
    calls: list[int] = []

    async def attempt() -> None:
        calls.append(1)
        if failures:
            raise failures.pop(0)

    return calls, attempt


def test_transient_failure_is_retried_and_counted() -> None:
    calls, attempt = _flaky([TransientResponse("HTTP 503")])
    result = asyncio.run(with_retries(attempt, retries=2, delay_s=0))  # type: ignore[arg-type]
    assert result.error is None and result.failures == ["HTTP 503"] and result.count == 2
    assert len(calls) == 2


def test_retries_run_out() -> None:
    errors: list[BaseException] = [TransientResponse(f"HTTP 503 #{i}") for i in range(5)]
    calls, attempt = _flaky(errors)
    result = asyncio.run(with_retries(attempt, retries=2, delay_s=0))  # type: ignore[arg-type]
    assert isinstance(result.error, TransientResponse) and str(result.error) == "HTTP 503 #2"
    assert result.count == 3 and len(calls) == 3


def test_lasting_failures_are_not_retried() -> None:
    calls, attempt = _flaky([StepFailed("no element matches")])
    result = asyncio.run(with_retries(attempt, retries=3, delay_s=0))  # type: ignore[arg-type]
    assert isinstance(result.error, StepFailed) and result.count == 1 and len(calls) == 1


def test_checkpoint_writes_a_prepared_file_and_never_raises(tmp_path: Path) -> None:
    target = tmp_path / "results.json"
    partial = RunResult(
        run_id="r",
        started_at="t",
        interrupted=True,
        runs=[JourneyRun(journey="j", file="f", channel="desktop", status="passed")],
    )
    Checkpoint(target, lambda r: r.model_copy(update={"scores": RunTotals(overall=90)}))(partial)
    written = read_results(target)
    assert written.interrupted and written.scores.overall == 90 and len(written.runs) == 1

    broken = Checkpoint(tmp_path / "file.txt" / "results.json")
    (tmp_path / "file.txt").write_text("not a folder")
    broken(partial)  # must not raise: a failed checkpoint never stops a run
    assert broken.failed


def test_ensure_writable_names_the_folder(tmp_path: Path) -> None:
    ensure_writable(tmp_path / "new" / "folder")
    assert (tmp_path / "new" / "folder").is_dir()
    assert list((tmp_path / "new" / "folder").iterdir()) == []  # the probe is gone
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(RunError, match=r"cannot write the report to .*a-file/out"):
        ensure_writable(blocker / "out")


def test_signal_stop_calls_back_once_and_gives_the_shell_exit_code() -> None:
    stop = SignalStop()
    calls: list[int] = []

    async def main() -> None:
        with stop.installed(lambda: calls.append(1)):
            os.kill(os.getpid(), signal.SIGTERM)
            await asyncio.sleep(0.2)

    asyncio.run(main())
    assert calls == [1] and stop.signum == signal.SIGTERM and stop.exit_code == 143
    assert SignalStop().exit_code == 130


def test_results_file_is_replaced_atomically(tmp_path: Path) -> None:
    """A reader racing the writer sees the old file or the new one, never a mix."""
    target = tmp_path / "results.json"
    small = RunResult(run_id="small", started_at="t")
    big = RunResult(run_id="big", started_at="t", base_url="x" * 2_000_000)
    write_results(small, target)
    seen: set[str] = set()
    done = threading.Event()

    def reader() -> None:
        while not done.is_set():
            try:
                seen.add(json.loads(target.read_text("utf-8"))["run_id"])
            except (ValueError, OSError) as exc:  # half a file, or none
                seen.add(f"broken: {type(exc).__name__}")

    thread = threading.Thread(target=reader)
    thread.start()
    for i in range(20):
        write_results(big if i % 2 == 0 else small, target)
    done.set()
    thread.join()
    assert seen and seen <= {"small", "big"}
    assert not list(tmp_path.glob(".results-*"))


def test_console_summary_names_flaky_steps_and_interruptions() -> None:
    from cxaudit.report import console_summary
    from cxaudit.results import StepResult

    flaky = StepResult(
        index=0,
        stage="purchase",
        action="goto",
        name="goto url: /",
        status="passed",
        attempts=2,
        flaky=True,
        retried=["http://x/ answered HTTP 503"],
    )
    run = JourneyRun(journey="j", file="f", channel="desktop", status="passed", steps=[flaky])
    text = console_summary(RunResult(run_id="r", started_at="t", runs=[run], interrupted=True))
    assert "1 flaky step(s): passed only on a retry" in text
    assert "j [desktop] step 1 (goto url: /): attempt 2, first: http://x/ answered HTTP 503" in text
    assert text.splitlines()[-1].startswith("interrupted:")


def test_results_file_is_readable_as_the_umask_allows(tmp_path: Path) -> None:
    """The temporary file is private; the renamed results.json must not stay so."""
    import cxaudit.results as results

    target = tmp_path / "results.json"
    write_results(RunResult(run_id="r", started_at="t"), target)
    assert target.stat().st_mode & 0o777 == 0o666 & ~results.UMASK


# -- one output folder, one run (issue 18 points 7 and 9) ---------------------------


def test_run_ids_differ_within_one_second() -> None:
    from datetime import UTC, datetime

    from cxaudit.run.runner import new_run_id

    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    ids = {new_run_id(now) for _ in range(20)}
    assert len(ids) == 20
    assert all(i.startswith("20260102-030405-") for i in ids)


def test_a_folder_another_live_run_writes_to_is_refused(tmp_path: Path) -> None:
    import socket

    from cxaudit.errors import UsageError
    from cxaudit.run.resilience import LOCK_FILE, output_lock

    (tmp_path / LOCK_FILE).write_text(f"{os.getpid()} {socket.gethostname()} run-a", "utf-8")
    with (
        pytest.raises(UsageError, match="another cxaudit run \\(run-a"),
        output_lock(tmp_path, "b"),
    ):
        pass
    assert (tmp_path / LOCK_FILE).exists()  # still the other run's


def test_a_stale_lock_is_taken_over_and_released(tmp_path: Path) -> None:
    import socket
    import subprocess
    import sys

    from cxaudit.run.resilience import LOCK_FILE, output_lock

    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (tmp_path / LOCK_FILE).write_text(f"{gone.stdout.strip()} {socket.gethostname()} old", "utf-8")
    with output_lock(tmp_path, "new"):
        assert (tmp_path / LOCK_FILE).read_text("utf-8").endswith(" new")
    assert not (tmp_path / LOCK_FILE).exists()


def test_a_finished_run_is_kept_unless_replaced(tmp_path: Path) -> None:
    from cxaudit.errors import UsageError
    from cxaudit.run.resilience import LOCK_FILE, output_lock

    (tmp_path / "results.json").write_text("{}", "utf-8")
    with (
        pytest.raises(UsageError, match="holds the results of an earlier run"),
        output_lock(tmp_path, "b"),
    ):
        pass
    assert not (tmp_path / LOCK_FILE).exists()
    with output_lock(tmp_path, "b", replace=True):
        pass


def test_a_folder_named_results_json_is_refused_before_the_run(tmp_path: Path) -> None:
    from cxaudit.errors import UsageError
    from cxaudit.run.resilience import ensure_writable

    (tmp_path / "results.json").mkdir()
    with pytest.raises(UsageError, match=r"results\.json is a folder") as caught:
        ensure_writable(tmp_path)
    assert caught.value.exit_code == 2
