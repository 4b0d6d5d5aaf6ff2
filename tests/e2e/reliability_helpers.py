"""Helpers of the reliability, policy and security tests: journeys from text, runs, processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from cxaudit.results import JourneyRun, RunResult
from cxaudit.run.pipeline import run_audit
from cxaudit.run.runner import RunOptions
from cxaudit.spec import load_journeys
from cxaudit.spec.channels import resolve_channels

ROOT = Path(__file__).resolve().parents[2]


def write_journeys(folder: Path, journeys: dict[str, str]) -> Path:
    """Journey files named by the keys; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in journeys.items():
        (folder / name).write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return folder


def audit(
    tmp_path: Path, journeys: dict[str, str], base_url: str, **options: Any
) -> tuple[RunResult, Path]:
    """Run ``journeys`` on desktop in-process, as ``cxaudit run`` does; return the result and report dir."""
    folder = write_journeys(tmp_path / "journeys", journeys)
    loaded, _ = load_journeys([folder])
    out = tmp_path / "report"
    run_options = RunOptions(
        channels=resolve_channels(["desktop"]),
        output_dir=out,
        base_url=base_url,
        step_timeout_ms=3000,
    )
    return run_audit(loaded, replace(run_options, **options)), out


def by_name(result: RunResult, name: str) -> JourneyRun:
    return next(r for r in result.runs if r.journey == name)


def start_cxaudit(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, sigint: bool = False
) -> Any:
    """``python -m cxaudit ARGS`` as a child process, its output captured.

    ``sigint``: the child starts with Ctrl-C's default disposition, as a command typed in a
    terminal does, whatever this test process inherited (a runner started in the background
    ignores SIGINT, and so would every child it starts).
    """
    return subprocess.Popen(
        [sys.executable, "-m", "cxaudit", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        preexec_fn=_default_sigint if sigint else None,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (Linux /proc), children first."""
    tree = _children()
    out: list[int] = []
    todo = list(tree.get(pid, []))
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo.extend(tree.get(child, []))
    return out


def browser_pid(root: int) -> int:
    """The main Chromium process started (through Playwright's driver) below ``root``."""
    for pid in descendants(root):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"chrom" in argv[0].lower() and not any(a.startswith(b"--type=") for a in argv):
            return pid
    raise AssertionError(f"no Chromium process below {root}")


@contextmanager
def reaped(proc: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Kill ``proc`` and what it started, by pid, if the test leaves them running."""
    try:
        yield proc
    finally:
        left = descendants(proc.pid)
        if proc.poll() is None:
            proc.kill()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            proc.communicate(timeout=60)
        except ValueError:  # the test read the output already
            proc.wait(timeout=60)
