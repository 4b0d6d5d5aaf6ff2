"""Secrets never reach results.json, the HTML reports or the console output."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from cxaudit.redact import MASK
from tests.e2e.actions_page import PageServer
from tests.results_files import results_data, results_text

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "S3cr3t pa55!"  # a space and a "!": URL-encoded differently in a query
PIN = "pin-8823-x"
CLI = (sys.executable, "-m", "cxaudit")


@pytest.fixture(scope="module")
def site() -> Iterator[PageServer]:
    with PageServer() as server:
        yield server


def run_cli(
    journey: Path, text: str, site: PageServer, out: Path, **environ: str
) -> subprocess.CompletedProcess[str]:
    """``cxaudit run`` of one journey on desktop, with ``environ`` added."""
    journey.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return subprocess.run(
        [*CLI, "run", str(journey), "--base-url", site.url, "--channel", "desktop", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=ROOT,
        env={**os.environ, **environ},
    )


JOURNEY = """
journey: Signs in with secrets
stages:
  purchase:
    - goto: /
    - set: {pin: {value: pin-8823-x, secret: true}, visible_note: not a secret}
    - fill: {placeholder: Postcode, value: "${pin}"}
    - fill: {label: Promo, value: "${visible_note}"}
      name: "Promo: ${visible_note}"
    - fill: {label: Password, value: "${secret:CXAUDIT_TEST_PASSWORD}"}
      audit: true
    - click: Sign in
    - capture: {echoed: {css: "#echo", secret: true}}
    - expect: {text: "${secret:CXAUDIT_TEST_PASSWORD} again"}
      optional: true
      timeout: 500
    - expect: {text: "${pin}"}
      optional: true
      timeout: 500
"""


def test_secrets_are_redacted_everywhere(site: PageServer, tmp_path: Path) -> None:
    out = tmp_path / "report"
    done = run_cli(tmp_path / "secret.yaml", JOURNEY, site, out, CXAUDIT_TEST_PASSWORD=PASSWORD)
    assert done.returncode in (0, 1), done.stderr
    results = results_text(out / "results.json")
    # The run did see the secrets: the page echoed one, and the steps ran.
    runs = results_data(out / "results.json")["runs"]
    assert any(run["status"] == "passed" for run in runs)
    assert MASK in results
    assert "You typed [secret]" in results  # visible text of the echo page
    assert "login failed for [secret]" in results  # its console error
    assert "Promo: not a secret" in results  # ordinary values are kept (a named step)
    written = [results, done.stdout, done.stderr]
    written += [p.read_text(encoding="utf-8") for p in out.glob("*.html")]
    for text in written:
        for secret in (PASSWORD, "S3cr3t+pa55%21", "S3cr3t%20pa55%21", PIN):
            assert secret not in text


def test_steps_run_one_by_one_are_masked_too(site: PageServer, tmp_path: Path) -> None:
    """BDD steps and fixtures run steps one at a time (not through a whole journey):
    the runner masks each step's result itself, so they are covered as well."""
    from cxaudit.pytest.live import BrowserHost
    from cxaudit.run.runner import RunOptions
    from cxaudit.spec import load_journeys
    from cxaudit.spec.channels import resolve_channels

    (tmp_path / "j.yaml").write_text(textwrap.dedent(JOURNEY_ONE_BY_ONE), encoding="utf-8")
    (journey,), _ = load_journeys([tmp_path / "j.yaml"])
    channel = resolve_channels(["desktop"])[0]
    host = BrowserHost(RunOptions(channels=[channel], output_dir=tmp_path / "out"))
    try:
        live = host.open_journey(journey.name, journey.file, 1, channel, site.url)
        for index, step in enumerate(journey.steps):
            live.do(step, journey.stage_of(index))
        run = live.finish()
    finally:
        host.close()
    text = run.model_dump_json()
    assert run.status == "passed", run.error
    assert PIN not in text and MASK in text


JOURNEY_ONE_BY_ONE = """
journey: Steps one by one
stages:
  purchase:
    - goto: /
    - set: {pin: {value: pin-8823-x, secret: true}}
    - fill: {placeholder: Postcode, value: "${pin}"}
      name: "types ${pin} as the postcode"
"""


JOURNEY_SHORT_SECRET = """
journey: Signs in with a one-letter password
stages:
  purchase:
    - goto: /
    - fill: {label: Password, value: "${secret:CXAUDIT_TEST_LETTER}"}
      audit: true
    - click: Sign in
"""


def test_a_one_letter_secret_keeps_the_run(site: PageServer, tmp_path: Path) -> None:
    """A secret of one letter is in every word of the page and of the results: the run
    is still written whole, warned about, with cxaudit's own codes and statuses intact."""
    from cxaudit.results import read_results

    out = tmp_path / "report"
    done = run_cli(
        tmp_path / "short.yaml", JOURNEY_SHORT_SECRET, site, out, CXAUDIT_TEST_LETTER="e"
    )
    assert done.returncode in (0, 1), done.stderr
    assert "secret 'CXAUDIT_TEST_LETTER' is only 1 character long" in done.stderr
    result = read_results(out / "results.json")
    (run,) = result.runs
    assert run.status == "passed", run.error
    assert [s.status for s in run.steps] == ["passed"] * 3
    findings = result.all_findings()
    assert findings and all(re.fullmatch(r"CX-[A-Z0-9]+-\d{3}", f.code) for f in findings)
    severities = {"critical", "serious", "moderate", "minor", "info"}
    assert {f.severity for f in findings} <= severities
    assert run.steps[1].snapshot is not None
    assert "e" not in run.steps[1].snapshot.visible_text.replace(MASK, "")
