"""The broken-file corpus: every class of authoring mistake, with its exact message.

Each ``broken/NN-*.yaml`` (a journey or a fragment) has a sibling
``NN-*.expected`` holding the issues ``cxaudit validate`` must report for it,
one per line, file:line:col first; ``broken_config/`` does the same for
cxaudit.yaml files. Fragments the cases include live in ``broken/fragments``.

To write the ``.expected`` of a new case, run with CXAUDIT_UPDATE_CORPUS=1
and read every line it wrote before committing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cxaudit.errors import SpecError, UsageError
from cxaudit.project.config import load_settings
from cxaudit.spec.loader import load_all

HERE = Path(__file__).parent
JOURNEYS = HERE / "broken"
CONFIGS = HERE / "broken_config"
CHANNELS = ["desktop", "mobile", "tablet"]
UPDATE = bool(os.environ.get("CXAUDIT_UPDATE_CORPUS"))

JOURNEY_CASES = sorted(JOURNEYS.glob("[0-9]*.yaml"))
CONFIG_CASES = sorted(CONFIGS.glob("[0-9]*.yaml"))


def _compare(case: Path, found: list[str]) -> None:
    expected_file = case.with_name(case.name.split(".")[0] + ".expected")
    if UPDATE:
        expected_file.write_text("\n".join(found) + "\n", encoding="utf-8")
    assert found, f"{case.name} is in the broken corpus but nothing is wrong with it"
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert found == expected


@pytest.mark.parametrize("case", JOURNEY_CASES, ids=lambda p: p.stem)
def test_broken_journey(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(JOURNEYS)
    loaded = load_all([case.name], CHANNELS)
    _compare(case, [str(issue) for issue in SpecError(loaded.issues).issues])


@pytest.mark.parametrize("case", CONFIG_CASES, ids=lambda p: p.stem)
def test_broken_config(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(CONFIGS)
    with pytest.raises((SpecError, UsageError)) as info:
        load_settings(config_path=Path(case.name), cwd=CONFIGS, environ={})
    found = (
        [str(i) for i in info.value.issues]
        if isinstance(info.value, SpecError)
        else [str(info.value)]
    )
    _compare(case, found)


def test_corpus_covers_every_error_class() -> None:
    """At least 30 cases, and each class the issue names appears in some case."""
    assert len(JOURNEY_CASES) + len(CONFIG_CASES) >= 30
    text = "\n".join(p.read_text(encoding="utf-8") for p in JOURNEYS.glob("*.expected"))
    for needle in (
        "YAML syntax error",
        "duplicate key",
        "unknown key",
        "unknown action",
        "unknown channel",
        "used before it has a value",
        "not found",
        "circular use",
        "expected a whole number",
        "has no steps",
        "no stages",
    ):
        assert needle in text, needle


def test_validate_reports_every_file_at_once() -> None:
    """One `cxaudit validate` over the corpus prints every case's errors, exit 2."""
    done = subprocess.run(
        [sys.executable, "-m", "cxaudit", "validate", "."],
        capture_output=True,
        text=True,
        cwd=JOURNEYS,
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    printed = set(done.stderr.splitlines())
    for expected in JOURNEYS.glob("*.expected"):
        for line in expected.read_text(encoding="utf-8").splitlines():
            assert line in printed, f"{expected.name}: {line}"
