"""A failing step, an unreachable site, broken files: the run goes on and says why."""

from __future__ import annotations

import textwrap
from pathlib import Path

from cxaudit.demo import DemoShop
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels
from tests.e2e.conftest import cxaudit
from tests.results_files import results_data


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def test_failing_step_fails_its_journey_and_others_still_run(
    demo_shop: DemoShop, tmp_path: Path
) -> None:
    journeys_dir = tmp_path / "journeys"
    journeys_dir.mkdir()
    write(
        journeys_dir / "broken.yaml",
        """
        journey: Button that is not there
        stages:
          purchase:
            - goto: /product/summit-jacket
            - click: {role: button, name: Buy it now, exact: true}
            - expect: {text: never reached}
    """,
    )
    write(
        journeys_dir / "fine.yaml",
        """
        journey: Home page opens
        stages:
          pre-purchase:
            - goto: /
            - expect: {visible: {test_id: promo-banner}}
    """,
    )
    journeys, _ = load_journeys([journeys_dir])
    out = tmp_path / "report"
    options = RunOptions(
        channels=resolve_channels(["desktop"]),
        output_dir=out,
        base_url=demo_shop.url,
        step_timeout_ms=1500,
    )
    result = run_audit(journeys, options)
    broken = next(r for r in result.runs if r.journey == "Button that is not there")
    fine = next(r for r in result.runs if r.journey == "Home page opens")
    assert fine.status == "passed"
    assert broken.status == "failed"
    step = broken.steps[1]
    assert step.status == "failed"
    assert "no element matches role='button' name='Buy it now'" in step.message
    assert "step 2" in broken.error
    assert broken.steps[2].status == "skipped"
    # The moment of failure is kept as evidence.
    assert step.snapshot is not None and step.snapshot.screenshot
    assert (out / step.snapshot.screenshot).is_file()
    assert any(f.code == "CX-USE-001" and f.step == 1 for f in broken.findings)
    page = (out / "desktop.html").read_text(encoding="utf-8")
    assert "Buy it now" in page and "failed" in page


def test_unreachable_site_is_a_run_error_with_a_report(closed_port: int, tmp_path: Path) -> None:
    journey = write(
        tmp_path / "down.yaml",
        f"""
        journey: Site is down
        base_url: http://127.0.0.1:{closed_port}
        stages:
          pre-purchase:
            - goto: /
            - click: {{role: link, name: Shoes}}
    """,
    )
    out = tmp_path / "report"
    done = cxaudit("run", str(journey), "--channel", "desktop", "--output", str(out))
    assert done.returncode == 3, done.stderr
    assert "ERR_CONNECTION_REFUSED" in done.stdout
    assert "Traceback" not in done.stderr + done.stdout
    data = results_data(out / "results.json")
    run = data["runs"][0]
    assert run["status"] == "error"
    assert run["steps"][0]["status"] == "error"
    assert (out / "index.html").is_file()


def test_run_cli_against_any_site_and_rerender(demo_shop: DemoShop, tmp_path: Path) -> None:
    journey = write(
        tmp_path / "one.yaml",
        """
        journey: Search works
        stages:
          pre-purchase:
            - goto: /
            - fill: {label: Search, value: jacket}
            - press: Enter
            - click: {role: link, name: Summit Jacket}
            - expect: {title: Summit Jacket}
    """,
    )
    out = tmp_path / "report"
    done = cxaudit(
        "run",
        str(journey),
        "--base-url",
        demo_shop.url,
        "--channel",
        "desktop",
        "--channel",
        "mobile",
        "--output",
        str(out),
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Search works" in done.stdout
    assert f"report: {(out / 'index.html').resolve()}" in done.stdout
    (out / "desktop.html").unlink()
    again = cxaudit("report", str(out / "results.json"))
    assert again.returncode == 0, again.stderr
    assert (out / "desktop.html").is_file()
