"""Hostile pages cannot lose a run: broken text, scripts that never yield, late redirects.

Issue 18 points 1, 2 and 4, each on a server of the test's own on 127.0.0.1.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.results import read_results
from tests.e2e.conftest import cxaudit
from tests.e2e.fault_site import FaultSite
from tests.e2e.reliability_helpers import by_name, write_journeys

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
        in json.loads((out / "results.json").read_text("utf-8"))["runs"][
            next(i for i, r in enumerate(result.runs) if r.journey == "Broken text")
        ]["steps"][0]["snapshot"]["title"]
    )
    for name in ("index.html", "desktop.html", "junit.xml", "results.sarif", "summary.md"):
        (out / name).read_text("utf-8")  # every writer wrote, and wrote UTF-8
    for name in ("desktop.html", "junit.xml", "results.sarif"):  # the console finding
        assert "Console \ufffd message" in (out / name).read_text("utf-8"), name
