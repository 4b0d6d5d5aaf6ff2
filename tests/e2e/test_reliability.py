"""Faults of the audited site and of the browser: each is survived, named, and reported.

Every test here runs real Chromium against :class:`FaultSite` on 127.0.0.1.
docs/reliability.md lists these tests as the proof of each guarantee.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from markupsafe import escape

from cxaudit.gather.page_info import MAX_VISIBLE_TEXT
from cxaudit.results import RunResult, read_results
from cxaudit.run.browser import BrowserOptions
from cxaudit.run.policy import PagePolicy
from cxaudit.run.resilience import BROWSER_DIED
from cxaudit.run.runner import PAGE_CRASHED
from tests.e2e.fault_site import FaultSite
from tests.e2e.reliability_helpers import (
    audit,
    browser_pid,
    by_name,
    descendants,
    reaped,
    start_cxaudit,
    write_journeys,
)

FINE = """
journey: Fine
stages:
  pre-purchase:
    - goto: /ok/fine
    - expect: {title: Fine}
"""


def fine(name: str) -> str:
    """A journey that passes on the fault site, named ``name``."""
    return FINE.replace("journey: Fine", f"journey: {name}")


@pytest.fixture()
def site() -> Iterator[FaultSite]:
    with FaultSite() as server:
        yield server


# ---------------------------------------------------------------------------
# Broken pages: one run, several faults, each journey says what happened


@pytest.fixture(scope="module")
def broken_pages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunResult, Path]]:
    """One audit of four journeys: three meet a broken page, one is fine."""
    journeys = {
        "a-error.yaml": """
            journey: Error page
            stages:
              purchase:
                - goto: /error500
                - click: Never reached
        """,
        "b-never.yaml": """
            journey: Never ends
            stages:
              purchase:
                - goto: /never-ends
                - click: Never reached
        """,
        "c-loop.yaml": """
            journey: Redirect loop
            stages:
              purchase:
                - goto: /loop
                - click: Never reached
        """,
        "d-fine.yaml": FINE,
    }
    with FaultSite() as server:
        yield audit(tmp_path_factory.mktemp("broken"), journeys, server.url, workers=2)


def _stops_at_first_step(result: RunResult, name: str) -> str:
    run = by_name(result, name)
    assert run.status == "failed", run.error
    assert [s.status for s in run.steps] == ["failed", "skipped"]
    # The moment of failure is kept as evidence.
    assert run.steps[0].snapshot is not None
    return run.steps[0].message


def test_http_500_fails_its_journey_and_the_run_goes_on(
    broken_pages: tuple[RunResult, Path],
) -> None:
    result, out = broken_pages
    message = _stops_at_first_step(result, "Error page")
    assert message.endswith("answered HTTP 500")
    assert by_name(result, "Fine").status == "passed"
    page = (out / "desktop.html").read_text(encoding="utf-8")
    assert "answered HTTP 500" in page


@pytest.mark.timeout(240)
def test_response_that_never_ends_times_out_at_the_step_timeout(
    broken_pages: tuple[RunResult, Path],
) -> None:
    result, _ = broken_pages
    message = _stops_at_first_step(result, "Never ends")
    assert "Timeout 3000ms exceeded" in message


def test_redirect_loop_fails_with_its_cause(broken_pages: tuple[RunResult, Path]) -> None:
    result, out = broken_pages
    message = _stops_at_first_step(result, "Redirect loop")
    assert "ERR_TOO_MANY_REDIRECTS" in message
    assert read_results(out / "results.json").runs  # the report of it all was written


# ---------------------------------------------------------------------------
# The browser itself


@pytest.mark.timeout(240)
def test_renderer_crash_is_an_error_of_its_journey_only(site: FaultSite, tmp_path: Path) -> None:
    journeys = {
        "a-crash.yaml": """
            journey: Crashes the page
            stages:
              purchase:
                - goto: /crash
                - wait: 3000
                - click: Never reached
        """,
        "b-fine.yaml": FINE,
    }
    # A small JavaScript heap makes the page's hoarding kill its renderer in
    # a moment, without taking the test machine's memory with it.
    result, out = audit(
        tmp_path,
        journeys,
        site.url,
        workers=1,
        browser=BrowserOptions(args=("--js-flags=--max-old-space-size=64",)),
    )
    crashed = by_name(result, "Crashes the page")
    assert crashed.status == "error"
    assert PAGE_CRASHED in crashed.error
    assert [s.status for s in crashed.steps][-1] == "skipped"
    assert by_name(result, "Fine").status == "passed"
    assert escape(PAGE_CRASHED) in (out / "desktop.html").read_text(encoding="utf-8")


@pytest.mark.timeout(300)
def test_very_large_dom_is_audited_within_the_gatherers_limits(
    site: FaultSite, tmp_path: Path
) -> None:
    journeys = {
        "big.yaml": """
            journey: Huge page
            stages:
              pre-purchase:
                - goto: /big/200000
                - expect: {title: Huge page}
        """
    }
    # Building 200,000 elements takes a busy machine a while: a generous step limit.
    result, _ = audit(tmp_path, journeys, site.url, step_timeout_ms=60_000)
    run = by_name(result, "Huge page")
    assert run.status == "passed", run.error
    snapshot = run.steps[0].snapshot
    assert snapshot is not None and snapshot.audited
    # axe-core is not let loose on 200,000 elements: it says so instead.
    assert "the page has 200,0" in snapshot.errors["axe"]
    assert snapshot.visible_text is not None and len(snapshot.visible_text) <= MAX_VISIBLE_TEXT
    assert snapshot.screenshot  # capped in height, still taken


@pytest.mark.timeout(300)
def test_browser_killed_mid_run_is_restarted_for_the_rest(site: FaultSite, tmp_path: Path) -> None:
    folder = write_journeys(
        tmp_path / "journeys",
        {
            "a.yaml": fine("First"),
            "b.yaml": """
                journey: Killed
                stages:
                  purchase:
                    - goto: /slow/kill
            """,
            "c.yaml": fine("Third"),
        },
    )
    out = tmp_path / "report"
    args = ("run", str(folder), "--base-url", site.url, "--channel", "desktop", "--workers", "1")
    with reaped(start_cxaudit(*args, "--output", str(out))) as proc:
        site.wait_for(site.slow_hit)
        os.kill(browser_pid(proc.pid), signal.SIGKILL)
        site.release.set()
        _out, stderr = proc.communicate(timeout=240)
    assert proc.returncode == 3, stderr
    assert "Traceback" not in stderr
    result = read_results(out / "results.json")
    assert not result.interrupted
    runs = {r.journey: r for r in result.runs}
    assert runs["First"].status == "passed"
    assert runs["Killed"].status == "error"
    assert runs["Killed"].error.startswith(BROWSER_DIED)
    assert runs["Third"].status == "passed"  # in a new browser
    assert (out / "index.html").is_file()
    assert escape(BROWSER_DIED) in (out / "desktop.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------------------
# Pop-ups and dialogs


@pytest.mark.timeout(240)
def test_popups_are_recorded_and_closed_and_the_journey_stays(
    site: FaultSite, tmp_path: Path
) -> None:
    journeys = {
        "popups.yaml": """
            journey: Pop-ups
            stages:
              pre-purchase:
                - goto: /popups
                - click: Terms (new window)
                - click: Show offer
                - expect: opened
        """
    }
    result, out = audit(tmp_path, journeys, site.url)
    run = by_name(result, "Pop-ups")
    assert run.status == "passed", run.error
    # Each pop-up is listed under the step that opened it, or (on a busy
    # machine, when the browser tells late) under the next one.
    popups = [url for step in run.steps for url in step.popups]
    assert popups == [f"{site.url}/ok/terms", f"{site.url}/ok/offer"]
    assert not run.steps[0].popups
    assert all(s.snapshot and s.snapshot.url.endswith("/popups") for s in run.steps)
    assert f"pop-up closed: {site.url}/ok/offer" in (out / "desktop.html").read_text("utf-8")


DIALOG_JOURNEY = """
journey: Dialogs
stages:
  purchase:
    - goto: /dialogs
    - click: Save basket
    - click: Remove item
    - expect: "{removed}"
    - click: Add code
    - expect: "{code}"
    - click: Leave
    - expect: {{title: Elsewhere}}
"""


@pytest.mark.timeout(240)
def test_dialogs_are_answered_by_policy_and_recorded(site: FaultSite, tmp_path: Path) -> None:
    journeys = {"dialogs.yaml": DIALOG_JOURNEY.format(removed="removed", code="code: WELCOME")}
    result, out = audit(tmp_path, journeys, site.url)
    run = by_name(result, "Dialogs")
    assert run.status == "passed", run.error
    seen = [(d.type, d.message, d.action) for s in run.steps for d in s.dialogs]
    assert seen == [
        ("alert", "Your basket was saved", "accepted"),
        ("confirm", "Remove this item?", "accepted"),
        ("prompt", "Discount code?", "accepted"),
        ("beforeunload", "", "accepted"),
    ]
    page = (out / "desktop.html").read_text("utf-8")
    assert "dialog (confirm) accepted: “Remove this item?”" in page


@pytest.mark.timeout(240)
def test_dialogs_can_be_dismissed_instead(site: FaultSite, tmp_path: Path) -> None:
    journeys = {"dialogs.yaml": DIALOG_JOURNEY.format(removed="kept", code="code: null")}
    result, _ = audit(tmp_path, journeys, site.url, policy=PagePolicy(dialogs="dismiss"))
    run = by_name(result, "Dialogs")
    assert run.status == "passed", run.error
    actions = {d.type: d.action for s in run.steps for d in s.dialogs}
    assert actions == {
        "alert": "accepted",
        "confirm": "dismissed",
        "prompt": "dismissed",
        "beforeunload": "accepted",  # the journey goes where it was going
    }


# ---------------------------------------------------------------------------
# Transient failures


RETRY_JOURNEYS = {
    "drop.yaml": """
        journey: Dropped once
        stages:
          pre-purchase:
            - goto: /flaky-drop/{key}
            - expect: Worked this time
    """,
    "busy.yaml": """
        journey: Busy once
        stages:
          pre-purchase:
            - goto: /flaky-503/{key}
            - expect: Worked this time
    """,
}


def _retry_journeys(key: str) -> dict[str, str]:
    return {name: text.format(key=key) for name, text in RETRY_JOURNEYS.items()}


@pytest.mark.timeout(240)
def test_transient_failures_are_retried_and_reported_as_flaky(
    site: FaultSite, tmp_path: Path
) -> None:
    # Two retries: Chromium may or may not have resent the dropped request itself.
    result, out = audit(tmp_path, _retry_journeys("once"), site.url, retries=2)
    for name, first in (("Dropped once", "ERR_EMPTY_RESPONSE"), ("Busy once", "HTTP 503")):
        run = by_name(result, name)
        assert run.status == "passed", run.error
        step = run.steps[0]
        assert (step.status, step.flaky) == ("passed", True)
        assert step.attempts == len(step.retried) + 1 >= 2
        assert first in step.retried[0]
        assert run.steps[1].flaky is False
    page = (out / "desktop.html").read_text("utf-8")
    assert page.count("flaky: passed on attempt") == 2


@pytest.mark.timeout(240)
def test_without_retries_the_same_failures_fail(site: FaultSite, tmp_path: Path) -> None:
    result, _ = audit(tmp_path, _retry_journeys("never"), site.url, retries=0)
    assert by_name(result, "Dropped once").status == "error"
    assert by_name(result, "Busy once").status == "failed"


@pytest.mark.timeout(240)
def test_retries_run_out_on_a_site_that_keeps_failing(site: FaultSite, tmp_path: Path) -> None:
    site.fail_first.update({"always": 99})
    result, _ = audit(tmp_path, _retry_journeys("always"), site.url, retries=2)
    busy = by_name(result, "Busy once")
    assert busy.status == "failed"
    assert (busy.steps[0].attempts, busy.steps[0].flaky, len(busy.steps[0].retried)) == (
        3,
        False,
        2,
    )


# ---------------------------------------------------------------------------
# Stopping: signals and kills never lose finished journeys


def _slow_run(site: FaultSite, tmp_path: Path, fast: int) -> tuple[list[str], Path]:
    journeys = {f"{i}.yaml": fine(f"Fast {i}") for i in range(fast)}
    journeys["z.yaml"] = """
        journey: Slow
        stages:
          purchase:
            - goto: /slow/stop
    """
    folder = write_journeys(tmp_path / "journeys", journeys)
    out = tmp_path / "report"
    args = ["run", str(folder), "--base-url", site.url, "--channel", "desktop", "--workers", "1"]
    return [*args, "--output", str(out)], out


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)], ids=["SIGTERM", "SIGINT"]
)
def test_signal_writes_partial_results_and_report(
    site: FaultSite, tmp_path: Path, signum: int, code: int
) -> None:
    args, out = _slow_run(site, tmp_path, fast=1)
    with reaped(start_cxaudit(*args)) as proc:
        site.wait_for(site.slow_hit)
        proc.send_signal(signum)
        _out, stderr = proc.communicate(timeout=120)
    assert proc.returncode == code, stderr
    assert "Traceback" not in stderr
    assert f"interrupted: 1 finished journey run(s) written (exit {code})" in stderr
    result = read_results(out / "results.json")
    assert result.interrupted
    assert [(r.journey, r.status) for r in result.runs] == [("Fast 0", "passed")]
    assert result.runs[0].scores  # analysed, not raw
    for page in ("index.html", "desktop.html"):
        assert "Fast 0" in (out / page).read_text("utf-8")


@pytest.mark.timeout(300)
def test_killed_process_leaves_the_finished_runs_in_results(
    site: FaultSite, tmp_path: Path
) -> None:
    args, out = _slow_run(site, tmp_path, fast=2)
    with reaped(start_cxaudit(*args)) as proc:
        site.wait_for(site.slow_hit)
        below = descendants(proc.pid)
        proc.kill()  # SIGKILL: nothing runs after this
        proc.communicate(timeout=60)
        for pid in below:  # the browser the killed process leaves behind
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    text = (out / "results.json").read_text("utf-8")
    json.loads(text)  # whole, never half-written
    result = read_results(out / "results.json")
    assert result.interrupted  # it never finished, and says so
    assert sorted(r.journey for r in result.runs) == ["Fast 0", "Fast 1"]
    assert all(r.status == "passed" and r.scores for r in result.runs)
    assert not list(out.glob(".results-*"))  # no temporary file left either
