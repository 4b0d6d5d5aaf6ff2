"""The ``cxaudit`` command: run, validate, report, merge, demo, doctor, list-checks, init, import, schema.

Thin: parses options, calls the library, prints, and maps outcomes to exit
codes (0 passed, 1 findings or failed journeys over the thresholds, 2 usage
or journey-file error, 3 run error such as an unreachable site or no
browser; 130 / 143 when SIGINT / SIGTERM stopped a run, whose finished
journeys are written). User errors print one clear message, never a
traceback (unless ``--debug``).

The commands live by what they work on: :mod:`cxaudit.cli.run` (``run``,
``demo``), :mod:`cxaudit.cli.results` (``report``, ``merge``),
:mod:`cxaudit.cli.project` (``validate``, ``schema``, ``init``, ``import``),
:mod:`cxaudit.cli.tools` (``doctor``, ``list-checks``); their options are
declared once with the settings (:mod:`cxaudit.cli.options`), and errors end
them in :mod:`cxaudit.cli.errors`.
"""

from __future__ import annotations

import os

import click

from cxaudit import __version__
from cxaudit.cli.project import import_recording, init, schema, validate
from cxaudit.cli.results import merge, report
from cxaudit.cli.run import demo, run
from cxaudit.cli.tools import doctor, list_checks


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cxaudit")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors (for bug reports).")
def main(debug: bool) -> None:
    """Customer-experience audits and journey tests in real Chromium."""
    if debug:
        os.environ["CXAUDIT_DEBUG"] = "1"


for _command in (
    run,
    validate,
    report,
    merge,
    demo,
    doctor,
    list_checks,
    init,
    import_recording,
    schema,
):
    main.add_command(_command)
del _command


if __name__ == "__main__":  # pragma: no cover
    main()
