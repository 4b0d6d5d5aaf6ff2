"""The package's layers, as docs/architecture.md draws them (the contracts are in .importlinter)."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "cxaudit.spec.loader",
        "cxaudit.checks.builtin",
        "cxaudit.analysis.analyse",
        "cxaudit.report.html",
        "cxaudit.results",
    ],
)
def test_the_pure_rooms_load_without_playwright_or_the_run(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'playwright'"
        " or m.startswith(('cxaudit.run', 'cxaudit.gather', 'cxaudit.cli', 'cxaudit.pytest')))\n"
        "print(' '.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def test_every_declared_action_has_one_implementation() -> None:
    from cxaudit.run.actions import RUNS
    from cxaudit.spec.actions import REGISTRY

    assert set(RUNS) == set(REGISTRY)


def test_an_implementation_of_an_undeclared_action_is_refused() -> None:
    from cxaudit.run.actions import runs

    with pytest.raises(ValueError, match="not declared"):
        runs("teleport")(lambda ctx, args: None)  # type: ignore[arg-type, return-value]
