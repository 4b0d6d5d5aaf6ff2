"""Hostile pages cannot lose a run: broken text, scripts that never yield, late redirects.

Issue 18 points 1, 2 and 4, each on a server of the test's own on 127.0.0.1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.results import read_results
from tests.e2e.conftest import ROOT, cxaudit
from tests.e2e.fault_site import PAGE, FaultSite
from tests.e2e.page_server import serve
from tests.e2e.reliability_helpers import audit, by_name, write_journeys
from tests.results_files import results_data, results_text

# A lone surrogate (half of a UTF-16 pair) in the title, the text and a console message.
SURROGATES = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><main><h1>Broken text</h1><p id="p">loading</p></main>
<script>
  document.title = 'Title \\uDFFF end';
  document.getElementById('p').textContent = 'Body \\uD800 text';
  console.error('Console \\uDFFF message');
</script></body></html>"""


def fine(name: str) -> str:
    return f"""
        journey: {name}
        stages:
          purchase:
            - goto: /ok/fine
            - expect: Page fine
    """


@pytest.fixture()
def site() -> Iterator[FaultSite]:
    with FaultSite(pages={"surrogates": SURROGATES}) as server:
        yield server


@pytest.mark.timeout(300)
def test_a_lone_surrogate_in_page_text_does_not_lose_the_run(
    site: FaultSite, tmp_path: Path
) -> None:
    folder = write_journeys(
        tmp_path / "journeys",
        {
            "a.yaml": fine("Fine one"),
            "b.yaml": """
                journey: Broken text
                stages:
                  purchase:
                    - goto: /surrogates
            """,
        },
    )
    out = tmp_path / "report"
    done = cxaudit(
        "run", str(folder), "--base-url", site.url, "--channel", "desktop", "--output", str(out)
    )
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr
    result = read_results(out / "results.json")
    assert by_name(result, "Fine one").status == "passed"
    broken = by_name(result, "Broken text")
    assert broken.status == "passed"
    snapshot = broken.steps[0].snapshot
    assert snapshot is not None
    assert snapshot.title == "Title \ufffd end"
    assert "Body \ufffd text" in (snapshot.visible_text or "")
    assert "Console \ufffd message" in [m.text for m in snapshot.console]
    assert (
        "Title \ufffd end"
        in results_data(out / "results.json")["runs"][
            next(i for i, r in enumerate(result.runs) if r.journey == "Broken text")
        ]["steps"][0]["snapshot"]["title"]
    )
    for name in ("index.html", "desktop.html", "junit.xml", "results.sarif", "summary.md"):
        (out / name).read_text("utf-8")  # every writer wrote, and wrote UTF-8
    for name in ("desktop.html", "junit.xml", "results.sarif"):  # the console finding
        assert "Console \ufffd message" in (out / name).read_text("utf-8"), name


# -- point 2: a page whose script never yields ---------------------------------------

BUSY = """<p>Loading forever</p><script>setTimeout(() => { while (true) {} }, 300);</script>"""
ALERTS = """<p>Nagging</p><script>setTimeout(() => { for (;;) alert('again'); }, 300);</script>"""


@pytest.mark.timeout(240)  # a regression hangs: pytest-timeout ends it, CI does not wait forever
@pytest.mark.parametrize("page", ["busy", "alerts"])
def test_a_page_whose_script_never_yields_ends_its_journey_not_the_run(
    tmp_path: Path, page: str
) -> None:
    pages = {
        "busy": PAGE.format(title="Busy", body=BUSY),
        "alerts": PAGE.format(title="Nag", body=ALERTS),
    }
    journeys = {
        "a.yaml": fine("Fine one"),
        "b.yaml": f"""
            journey: Stuck
            stages:
              purchase:
                - goto: /{page}
                - expect: Busy
        """,
    }
    folder = write_journeys(tmp_path / "journeys", journeys)
    out = tmp_path / "report"
    with FaultSite(pages=pages) as site:
        # One stuck page at a time: each holds a CPU core while it spins. The real
        # command line, in a process of its own, as a user runs it.
        done = subprocess.run(
            [sys.executable, "-m", "cxaudit", "run", str(folder), "--base-url", site.url,
             "--channel", "desktop", "--workers", "2", "--output", str(out)],
            capture_output=True, text=True, timeout=200, cwd=ROOT,
            env={**os.environ, "CXAUDIT_PAGE_TIMEOUT_MS": "10000", "CXAUDIT_TIMEOUT_MS": "3000"},
        )  # fmt: skip
    assert done.returncode == 3, done.stderr  # a journey ended in an error; the run did not hang
    result = read_results(out / "results.json")
    assert by_name(result, "Fine one").status == "passed"
    run = by_name(result, "Stuck")
    assert run.status == "error", run.error
    assert "the page's script did not yield for 10 s" in run.error
    assert run.steps[-1].status == "skipped"


# -- point 4: a page that sends itself to another origin after the step ---------------

FOREIGN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Foreign shop</title></head>
<body><main><h1>Foreign shop text</h1><img src="/x.png"><input id="q"></main>
<script>console.error('Foreign console');</script></body></html>"""


@pytest.mark.timeout(300)
def test_a_page_that_leaves_the_allowed_origins_by_itself_is_not_recorded(
    tmp_path: Path,
) -> None:
    with serve({"/": ("text/html", FOREIGN)}) as other:
        late = PAGE.format(
            title="Leaves",
            body=f"<p>Here</p><script>addEventListener('load', () => setTimeout(() => "
            f"{{ location.href = '{other}/'; }}, 100));</script>",
        )
        journeys = {
            "late.yaml": """
                journey: Leaves late
                stages:
                  purchase:
                    - goto: /late
                    - wait: {ms: 1500}
                    - goto: /ok/back
            """,
            "early.yaml": """
                journey: Leaves during the audit
                stages:
                  purchase:
                    - goto: /late
                    - goto: /ok/back
            """,
        }
        with FaultSite(pages={"late": late}) as site:
            result, out = audit(tmp_path, journeys, site.url)
    for name in ("Leaves late", "Leaves during the audit"):
        run = by_name(result, name)
        assert run.status == "failed", (name, run.error)
        failed = next(s for s in run.steps if s.status == "failed")
        assert failed.message.startswith(f"left the allowed origins: {other}/"), failed.message
        assert failed.snapshot is not None and not failed.snapshot.audited
        assert failed.snapshot.title == "" and failed.snapshot.screenshot is None
        assert run.steps[-1].status == "skipped"
    text = results_text(out / "results.json")
    for foreign in ("Foreign shop", "Foreign console"):
        assert foreign not in text, foreign  # nothing of the other site is recorded
        for page in out.glob("*.html"):
            assert foreign not in page.read_text("utf-8"), (foreign, page)
    assert not list(out.rglob("02-wait.*"))  # no screenshot of the other site either


# -- point 7 and 9: one output folder holds one run ------------------------------------


@pytest.mark.timeout(300)
def test_a_second_run_into_the_same_output_is_refused_unless_forced(
    site: FaultSite, tmp_path: Path
) -> None:
    folder = write_journeys(tmp_path / "journeys", {"a.yaml": fine("Fine one")})
    out = tmp_path / "report"
    args = (
        "run",
        str(folder),
        "--base-url",
        site.url,
        "--channel",
        "desktop",
        "--output",
        str(out),
    )
    first = cxaudit(*args)
    assert first.returncode == 0, first.stderr
    first_id = read_results(out / "results.json").run_id
    again = cxaudit(*args)
    assert again.returncode == 2, again.stderr
    assert "holds the results of an earlier run" in again.stderr
    assert read_results(out / "results.json").run_id == first_id  # kept
    forced = cxaudit(*args, "--force")
    assert forced.returncode == 0, forced.stderr
    assert read_results(out / "results.json").run_id != first_id
    assert not list(out.glob(".cxaudit-run.lock"))  # released


def test_a_folder_named_results_json_in_the_output_is_refused(tmp_path: Path) -> None:
    folder = write_journeys(tmp_path / "journeys", {"a.yaml": fine("Fine one")})
    out = tmp_path / "report"
    (out / "results.json").mkdir(parents=True)
    done = cxaudit("run", str(folder), "--base-url", "http://127.0.0.1:9", "--output", str(out))
    assert done.returncode == 2, done.stderr
    assert "results.json is a folder" in done.stderr
