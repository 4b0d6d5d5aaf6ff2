"""Several results of one suite -> one result: xdist workers, CI shards, re-runs.

Merging is pure and does not depend on the order of its inputs: runs are
identified by their key (file, journey, channel), a run met twice keeps the
most recent attempt, and everything is sorted before it is written. Run-wide
checks compare channels with each other, so they (and every score) are worked
out again on the merged runs by :func:`cxaudit.analysis.analyse`.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

from cxaudit.analysis.analyse import AnalysisSettings, analyse
from cxaudit.results import ChannelInfo, JourneyRun, RunResult

_STATUS_RANK = {"passed": 0, "failed": 1, "error": 2}


def _attempt_order(run: JourneyRun) -> tuple[str, int, str]:
    """Later attempts win; on the same start time, the worse outcome (never hide a failure)."""
    return (run.started_at, _STATUS_RANK.get(run.status, 3), run.model_dump_json())


def merge_results(
    results: Sequence[RunResult], settings: AnalysisSettings | None = None
) -> RunResult:
    """One :class:`RunResult` holding every journey run of ``results``, checked and scored.

    Raises ``ValueError`` when there is nothing to merge.
    """
    if not results:
        raise ValueError("nothing to merge: no results given")
    chosen: dict[str, JourneyRun] = {}
    for result in results:
        for run in result.runs:
            held = chosen.get(run.key)
            if held is None or _attempt_order(run) > _attempt_order(held):
                chosen[run.key] = run
    channels: dict[str, ChannelInfo] = {}
    for result in sorted(results, key=lambda r: (r.started_at, r.run_id)):
        for channel in result.channels:
            channels.setdefault(channel.name, channel)

    def first(values: Sequence[str]) -> str:
        present = sorted(v for v in values if v)
        return present[0] if present else ""

    merged = RunResult(
        tool_version=first([r.tool_version for r in results]),
        axe_version=first([r.axe_version for r in results]),
        run_id=first([r.run_id for r in results]),
        started_at=first([r.started_at for r in results]),
        finished_at=max((r.finished_at for r in results), default=""),
        base_url=first([r.base_url for r in results]),
        browser=first([r.browser for r in results]),
        channels=[channels[name] for name in sorted(channels)],
        runs=[chosen[key] for key in sorted(chosen)],
        interrupted=any(r.interrupted for r in results),
    )
    return analyse(merged, settings)


def artifact_paths(run: JourneyRun) -> list[str]:
    """Files a journey run refers to, relative to its report directory."""
    paths = [run.trace] if run.trace else []
    for step in run.steps:
        if step.snapshot is not None and step.snapshot.screenshot:
            paths.append(step.snapshot.screenshot)
        paths.extend(step.screenshots)
        if step.visual is not None and step.visual.baseline_screenshot:
            paths.append(step.visual.baseline_screenshot)  # the baseline's, copied beside it
    return paths


def copy_artifacts(
    sources: Sequence[tuple[RunResult, Path]], merged: RunResult, out_dir: Path
) -> int:
    """Copy the screenshots and traces of the runs ``merged`` kept into ``out_dir``.

    ``sources`` are the inputs with the folder their results.json is in
    (paths inside a results file are relative to it). A run's files are taken
    from the input it was kept from; files that are missing are left out
    (the report then shows no image). Returns how many files were copied.
    """
    kept = {(run.key, run.started_at) for run in merged.runs}
    out_root = out_dir.resolve()
    copied = 0
    for result, folder in sources:
        root = folder.resolve()
        if root == out_root:
            continue
        for run in result.runs:
            if (run.key, run.started_at) not in kept:
                continue
            for rel in artifact_paths(run):
                source, target = (root / rel).resolve(), (out_root / rel).resolve()
                # Paths come from a file on disk: never read or write outside the folders.
                if not source.is_relative_to(root) or not target.is_relative_to(out_root):
                    continue
                if source.is_file():
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
                    copied += 1
    return copied
