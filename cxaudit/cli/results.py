"""``cxaudit report`` and ``cxaudit merge``: outputs and verdicts from results.json files alone."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from cxaudit.ci.thresholds import EXIT_OK
from cxaudit.cli.errors import handle_errors
from cxaudit.cli.options import config_option, gate_from, options, settings_from, verdict
from cxaudit.errors import UsageError
from cxaudit.results import read_results


@click.command()
@click.argument("results", type=click.Path(dir_okay=False))
@click.option(
    "--output", "-o", metavar="DIR", help="Where to write the pages (default: beside RESULTS)."
)
@click.option(
    "--pdf", is_flag=True, help="Also print the whole report to report.pdf with Chromium."
)
@config_option("Config file (report title, client and logo, thresholds, accept list).")
@options("gate")
@handle_errors
def report(results: str, output: str | None, pdf: bool, config: str | None, **values: Any) -> None:
    """Render every output again from a results.json, without running a browser.

    Writes the HTML report, junit.xml, summary.md and results.sarif (results.json
    itself is left as it is); applies the config's accept list and, with
    --baseline, compares with an earlier run. Exits with the thresholds' verdict
    (0 or 1) when any threshold is set.
    """
    from cxaudit.analysis.analyse import with_check_texts
    from cxaudit.report import PRINT_FILE, write_report

    settings = settings_from(values, config)
    gate = gate_from(settings, values)
    result = gate.known.apply(with_check_texts(read_results(Path(results))))
    source = Path(results).parent
    out_dir = Path(output) if output else source
    started = time.perf_counter()
    pages = write_report(result, out_dir, gate.report, source)
    click.echo(f"report: {pages[0].resolve()} ({time.perf_counter() - started:.2f} s)")
    if pdf:
        from cxaudit.run.browser import BrowserOptions
        from cxaudit.run.pdf import print_pdf

        target = print_pdf(
            out_dir / PRINT_FILE,
            out_dir / "report.pdf",
            BrowserOptions(executable_path=settings.executable_path),
        )
        click.echo(f"pdf: {target.resolve()}")
    sys.exit(verdict(result, gate) if gate.thresholds.active else EXIT_OK)


@click.command()
@click.argument("results", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option(
    "--output",
    "-o",
    metavar="DIR",
    help="Where to write the merged results.json and report (default: <output_dir>/merged).",
)
@config_option("Config file whose check options and weights score the merged runs.")
@options("gate")
@handle_errors
def merge(results: tuple[str, ...], output: str | None, config: str | None, **values: Any) -> None:
    """Join the results.json of several shards (or re-runs) into one results.json and report.

    Each journey run is kept once (a run met twice keeps the latest attempt);
    cross-channel checks and every score are worked out again on the whole;
    screenshots and traces are copied beside the merged report. The exit code
    is that of `cxaudit run` on the whole suite, with the same thresholds.
    """
    from cxaudit.analysis.analyse import AnalysisSettings
    from cxaudit.ci.merge import copy_artifacts, merge_results
    from cxaudit.report import console_summary
    from cxaudit.run.pipeline import RESULTS_FILE, write_outputs

    settings = settings_from(values, config)
    out_dir = Path(output) if output else Path(settings.output_dir) / "merged"
    for path in results:
        if Path(path).resolve() == (out_dir / RESULTS_FILE).resolve():
            raise UsageError(f"{path} is the output too: give another --output")
    sources = [
        (read_results(Path(path), need_evidence=True), Path(path).parent) for path in results
    ]
    gate = gate_from(settings, values)
    merged = merge_results([r for r, _ in sources], AnalysisSettings.from_settings(settings))
    merged = gate.known.apply(merged)
    copy_artifacts(sources, merged, out_dir)
    write_outputs(merged, out_dir, gate.report)
    runs = sum(len(r.runs) for r, _ in sources)
    click.echo(
        f"cxaudit: merged {len(sources)} results file(s), {runs} journey run(s) -> "
        f"{len(merged.runs)}",
        err=True,
    )
    click.echo(console_summary(merged))
    click.echo(f"\nreport: {(out_dir / 'index.html').resolve()}")
    sys.exit(verdict(merged, gate))
