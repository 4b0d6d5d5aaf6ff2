"""Per-step requests, bytes and interactions, channel throttling, and --repeat, in real Chromium."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from cxaudit.analysis.analyse import analyse
from cxaudit.analysis.metrics import summary
from cxaudit.results import RunResult
from cxaudit.run.runner import RunOptions, plan, run_journeys
from cxaudit.spec import load_journey
from cxaudit.spec.channels import BUILTIN_CHANNELS, SLOW_4G, resolve_channels
from tests.e2e.page_server import serve

# A button whose handler keeps the main thread busy, then fetches data and shows it:
# one interaction Event Timing must report, and one request of the step's own.
APP = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>App</title></head><body>
<main>
<h1>Stock</h1>
<label>Name <input id="name"></label>
<button id="load" type="button">Check stock</button>
<p id="out"></p>
<p id="net"></p>
</main>
<script>
document.getElementById('net').textContent = navigator.connection
  ? `rtt ${navigator.connection.rtt} downlink ${navigator.connection.downlink}` : 'no netinfo';
document.getElementById('load').addEventListener('click', async () => {
  const until = performance.now() + 120;
  while (performance.now() < until) {}
  const data = await (await fetch('/stock.json')).json();
  document.getElementById('out').textContent = `Loaded: ${data.count} in stock`;
});
</script>
</body></html>"""

JOURNEY = """
journey: Check stock
stages:
  pre-purchase:
    - goto: /app
    - fill: {label: Name, value: Trail}
    - click: {role: button, name: Check stock}
    - expect: {text: "Loaded: 7 in stock"}
    - capture:
        net: {css: "#net"}
"""


def run_app(tmp: Path, channels: list[str], repeat: int = 1) -> RunResult:
    (tmp / "j.yaml").write_text(JOURNEY, encoding="utf-8")
    journey, issues = load_journey(tmp / "j.yaml")
    assert journey is not None, issues
    pages = {"/app": ("text/html", APP), "/stock.json": ("application/json", '{"count": 7}')}
    with serve(pages) as url:
        options = RunOptions(
            channels=resolve_channels(channels),
            output_dir=tmp,
            base_url=url,
            screenshots=False,
            repeat=repeat,
        )
        return asyncio.run(run_journeys(plan([journey], options.channels, False), options))


@pytest.fixture(scope="module")
def app_run(tmp_path_factory: pytest.TempPathFactory) -> RunResult:
    return run_app(tmp_path_factory.mktemp("perf"), ["desktop", "mobile"])


def test_each_step_counts_its_own_requests_and_bytes(app_run: RunResult) -> None:
    for run in app_run.runs:
        assert run.status == "passed", run.error
        goto, fill, click = (s.snapshot.timing for s in run.steps[:3])  # type: ignore[union-attr]
        assert goto.navigated and goto.step_requests >= 1 and goto.step_bytes > len(APP)
        assert (fill.navigated, fill.step_requests, fill.step_bytes) == (False, 0, 0)
        assert not click.navigated and click.step_requests == 1 and click.step_bytes > 0


def test_clicks_are_measured_with_event_timing(app_run: RunResult) -> None:
    for run in app_run.runs:
        click = run.steps[2].snapshot.timing  # type: ignore[union-attr]
        assert click.interactions == 1 and click.interaction_ms is not None
        fill = run.steps[1].snapshot.timing  # type: ignore[union-attr]
        assert fill.interactions == 0 and fill.interaction_ms is None
    analysed = analyse(app_run)
    outcome = {
        (o.channel, o.step) for r in analysed.runs for o in r.outcomes if o.code == "CX-PERF-005"
    }
    assert outcome == {("desktop", 2), ("mobile", 2)}


def test_mobile_channel_runs_on_the_slow_4g_profile(app_run: RunResult) -> None:
    assert (SLOW_4G.latency_ms, SLOW_4G.download_kbps, SLOW_4G.upload_kbps) == (150, 1600, 750)
    assert SLOW_4G.cdp_params()["downloadThroughput"] == 200_000  # bytes/s for 1.6 Mbit/s
    assert SLOW_4G.cdp_params()["uploadThroughput"] == 93_750
    mobile = BUILTIN_CHANNELS["mobile"]
    assert (mobile.network, mobile.cpu_slowdown) == (SLOW_4G, 4.0)
    assert BUILTIN_CHANNELS["desktop"].network is None
    info = {c.name: c for c in app_run.channels}
    assert info["mobile"].network == {"latency_ms": 150, "download_kbps": 1600, "upload_kbps": 750}
    assert info["mobile"].cpu_slowdown == 4 and info["desktop"].network is None
    # The page itself sees the emulated network: Chromium reports it (with a little
    # deliberate noise) through the Network Information API.
    run = next(r for r in app_run.runs if r.channel == "mobile")
    net = run.steps[4].captures[0].text.split()
    rtt, downlink = float(net[1]), float(net[3])
    assert 100 <= rtt <= 200 and 1.3 <= downlink <= 1.9
    # Chromium times response headers before the emulated latency holds them back:
    # the reported TTFB includes it.
    assert run.steps[0].snapshot.timing.ttfb_ms >= SLOW_4G.latency_ms  # type: ignore[union-attr]


def test_repeat_keeps_every_repetition_and_checks_judge_the_median(tmp_path: Path) -> None:
    raw = run_app(tmp_path, ["desktop"], repeat=3)
    run = raw.runs[0]
    assert len(run.repetitions) == 3
    assert all(rep.status == "passed" and len(rep.steps) == 5 for rep in run.repetitions)
    assert run.repetitions[0].steps[0].ttfb_ms == run.steps[0].snapshot.timing.ttfb_ms  # type: ignore[union-attr]
    assert all(rep.steps[2].requests == 1 for rep in run.repetitions)
    assert not list(tmp_path.rglob("*.jpg"))
    values = summary(run, 0, "ttfb_ms")
    assert values is not None and values.n == 3
    analysed = analyse(raw)
    findings = [f for f in analysed.runs[0].findings if f.code == "CX-PERF-020"]
    assert findings and findings[0].evidence[0].values["repetitions"] == 3
