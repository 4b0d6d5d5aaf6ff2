"""An audit inside a test suite: what the pytest plugin delegates to.

A :class:`Suite` is one pytest session's (or one xdist worker's) audit: the
settings (the same layers as the CLI: command line > ``CXAUDIT_*`` >
``cxaudit.yaml`` / ``[tool.cxaudit]`` > defaults), one browser (through
:class:`~cxaudit.pytest.live.BrowserHost`), the journey runs made so far, the verdict
on each, and at the end the same outputs as ``cxaudit run``. Workers write
their runs as parts; the session that owns the report merges them with
:func:`cxaudit.ci.merge.merge_results`.

Nothing here re-implements the CLI: thresholds, the accept list, the
baseline and the report's branding come from :mod:`cxaudit.run.pipeline`, the
verdict (per journey item and for the whole session) from
:class:`cxaudit.run.pipeline.Gate`, and the outputs are written by
:func:`cxaudit.run.pipeline.publish`, as ``cxaudit run`` writes them. A journey
run is checked together with the session's runs so far, so run-wide findings
(price drift, hidden costs across journeys and channels) are in its findings
and its score is the one the report shows.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cxaudit.analysis.analyse import AnalysisSettings, analyse
from cxaudit.ci.baseline import Known
from cxaudit.ci.thresholds import Thresholds, Verdict
from cxaudit.errors import SpecError, SpecIssue
from cxaudit.project.config import Settings, find_config, load_settings
from cxaudit.project.options import overrides_from
from cxaudit.pytest.live import BrowserHost, LiveJourney, SessionRuns
from cxaudit.report import ReportOptions
from cxaudit.results import (
    ChannelInfo,
    Finding,
    JourneyRun,
    RunResult,
    RunTotals,
    StepResult,
    read_results,
    write_results,
)
from cxaudit.run.pipeline import Gate, gate_from, run_options
from cxaudit.run.runner import RunOptions, new_run_id, now_iso, plan, screenshot_dir
from cxaudit.spec.channels import Channel
from cxaudit.spec.loader import JOURNEY_SUFFIXES, load_journey_file, parse_journey_data
from cxaudit.spec.model import Journey

PARTS_DIR = ".parts"
#: A YAML file is a journey when it has this key at the top level.
_JOURNEY_KEY = re.compile(rb"^journey[ \t]*:", re.MULTILINE)
_SNIFF_BYTES = 256 * 1024


def is_journey_file(path: Path) -> bool:
    """Whether ``path`` looks like a journey: YAML with a top-level ``journey:`` key.

    Config files, fragments and every other YAML in a test tree are left
    alone; this never raises, whatever the file holds.
    """
    if path.suffix not in JOURNEY_SUFFIXES:
        return False
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return False
    return bool(_JOURNEY_KEY.search(head))


@dataclass(frozen=True)
class SuiteOptions:
    """What the pytest command line says (``None``/empty: not given).

    ``settings`` holds the values of the options that fill settings, by
    their ``dest`` (:mod:`cxaudit.project.options`): they go through
    :func:`~cxaudit.project.options.overrides_from` into the settings, over
    the config file and the environment, as the command line's do. The
    fields are the options of a run that are not settings.
    """

    invocation_dir: Path
    settings: Mapping[str, Any] = field(default_factory=dict)
    journeys: tuple[str, ...] = ()
    output: str | None = None
    baseline: str | None = None
    fail_on_new: bool = False
    tags: tuple[str, ...] = ()
    browser_channel: str | None = None
    tracing: str = "off"
    run_id: str = ""
    token: str = ""

    @classmethod
    def from_values(
        cls, invocation_dir: Path, values: Mapping[str, Any], **extra: Any
    ) -> SuiteOptions:
        """Options from pytest's parsed values (keyed by ``dest``)."""
        return cls(
            invocation_dir=invocation_dir,
            settings=dict(values),
            journeys=tuple(values.get("journeys") or ()),
            output=values.get("output"),
            baseline=values.get("baseline"),
            fail_on_new=bool(values.get("fail_on_new")),
            tags=tuple(values.get("tags") or ()),
            browser_channel=values.get("browser_channel"),
            tracing=values.get("tracing") or "off",
            **extra,
        )

    @property
    def channels(self) -> tuple[str, ...]:
        """``--cx-channel``: the channels every journey runs on, when given."""
        return tuple(self.settings.get("channel") or ())


def new_token() -> str:
    """Names this session's parts, so parts of an earlier session are never merged in."""
    return uuid.uuid4().hex[:10]


class JourneyFailed(AssertionError):
    """A journey run that failed, or scored under a threshold; the text says why."""

    def __init__(self, text: str, run: JourneyRun | None = None) -> None:
        super().__init__(text)
        self.text = text
        self.run = run


@dataclass
class Suite:
    """One session's audit; see the module docstring."""

    options: SuiteOptions
    settings: Settings
    config_file: Path | None = None
    runs: SessionRuns = field(init=False)
    #: The thresholds, the accept list and baseline, the report options: the CLI's.
    gate: Gate = field(init=False)
    _host: BrowserHost | None = field(default=None, init=False)
    #: Run-wide findings that concern a journey run, by (key, started_at).
    _run_wide: dict[tuple[str, str], tuple[Finding, ...]] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        run_id = self.options.run_id or new_run_id()
        self.runs = SessionRuns(
            run_id=run_id,
            base_url=self.settings.base_url or "",
            axe_version=self.settings.accessibility.profile().engine.version,
        )
        self.gate = gate_from(
            self.settings,
            cwd=self.options.invocation_dir,
            baseline=self.options.baseline,
            fail_on_new=self.options.fail_on_new,
            surface="pytest",
        )

    @property
    def thresholds(self) -> Thresholds:
        return self.gate.thresholds

    @property
    def known(self) -> Known:
        """The accept list and the baseline run (``--cx-baseline``)."""
        return self.gate.known

    @classmethod
    def from_options(cls, options: SuiteOptions) -> Suite:
        """Load the settings for ``options``; a broken config file raises :class:`SpecError`."""
        overrides = overrides_from(options.settings, "pytest")
        settings = load_settings(overrides, surface="pytest", cwd=options.invocation_dir)
        return cls(options, settings, find_config(options.invocation_dir))

    # -- where things are -----------------------------------------------------

    @property
    def run_id(self) -> str:
        return self.runs.run_id

    @property
    def output_dir(self) -> Path:
        if self.options.output:
            out = Path(self.options.output)
        else:
            out = Path(self.settings.output_dir) / self.run_id
        return out if out.is_absolute() else self.options.invocation_dir / out

    def journey_roots(self) -> list[Path]:
        """Directories (or files) whose journeys pytest collects."""
        return journey_roots(self.options, self.settings.journeys, self.config_file)

    @property
    def channels(self) -> list[Channel]:
        return [self.settings.channel(name) for name in self.settings.channels]

    @property
    def analysis(self) -> AnalysisSettings:
        return AnalysisSettings.from_settings(self.settings)

    def run_options(self) -> RunOptions:
        return run_options(
            self.settings,
            output_dir=self.output_dir,
            run_id=self.run_id,
            browser_channel=self.options.browser_channel,
            tracing=self.options.tracing,
        )

    @property
    def host(self) -> BrowserHost:
        if self._host is None:
            self._host = BrowserHost(self.run_options())
        return self._host

    # -- journeys -------------------------------------------------------------

    def load_file(self, path: Path) -> list[Journey]:
        """The journeys of a file (one per data row), or :class:`SpecError` with
        the text ``cxaudit validate`` prints."""
        journeys, issues = load_journey_file(path, known_channels=self.settings.known_channels())
        if not journeys:
            raise SpecError(issues or [SpecIssue(str(path), 1, 1, "", "not a journey")])
        return journeys

    def load(self, path: Path) -> Journey:
        """The first journey of a file (its first data row)."""
        return self.load_file(path)[0]

    def pairs(self, journey: Journey) -> list[tuple[Journey, Channel]]:
        """The channels this journey runs on (``--cx-channel`` applies to every journey)."""
        return plan([journey], self.channels, bool(self.options.channels))

    def channel(self, name: str | None) -> Channel:
        return self.settings.channel(name) if name else self.channels[0]

    def base_url_for(self, declared: str | None) -> str:
        """The command line and settings win over what a journey or scenario declares."""
        return self.settings.base_url or declared or ""

    def run(self, journey: Journey, channel: Channel) -> JourneyRun:
        """Run, check and score one journey on one channel, and keep it for the report."""
        raw = self.host.run_journey(journey, channel)
        return self.checked(raw, channel)

    def checked(self, raw: JourneyRun, channel: Channel, *, keep: bool = True) -> JourneyRun:
        """``raw`` checked and scored as the report will check it: with the session's runs.

        Run-wide checks see every run so far, so the findings that concern
        this run (price drift between its pages, a hidden cost across
        channels) are in the returned run's ``findings``, after its own, and
        its scores are those the report shows for it. With ``keep`` the run
        goes into the session's report.
        """
        raw = self._compared(raw, channel)
        if keep:
            self.runs.add(raw, channel)
            session = self.runs.result()
        else:
            session = self.runs.result()
            channels = {c.name for c in session.channels}
            extra = [ChannelInfo(**channel.info())] if channel.name not in channels else []
            session = session.model_copy(
                update={"runs": [*session.runs, raw], "channels": [*session.channels, *extra]}
            )
        whole = analyse(session, self.analysis)
        run = next(
            r for r in reversed(whole.runs) if r.key == raw.key and r.started_at == raw.started_at
        )
        run_wide = tuple(f for f in whole.findings if _concerns(f, run))
        self._run_wide[(run.key, run.started_at)] = run_wide
        return run.model_copy(update={"findings": [*run.findings, *run_wide]})

    def _compared(self, raw: JourneyRun, channel: Channel) -> JourneyRun:
        """``raw`` with its screenshots compared with the baseline's (``--cx-baseline``)."""
        known = self.known
        if known.baseline is None or known.baseline_dir is None:
            return raw
        from cxaudit.analysis.visual import compare_journey_run

        info = ChannelInfo(**channel.info())
        return compare_journey_run(
            raw, known.baseline, self.output_dir, known.baseline_dir, known.visual, info
        )

    def run_wide(self, run: JourneyRun) -> tuple[Finding, ...]:
        """The run-wide findings among ``run.findings`` (as :meth:`checked` returned it)."""
        return self._run_wide.get((run.key, run.started_at), ())

    def steps_journey(
        self,
        steps: Sequence[Mapping[str, Any]],
        *,
        name: str,
        file: str,
        stage: str = "pre-purchase",
        base_url: str | None = None,
    ) -> Journey:
        """A journey made of steps written as Python data in the journey language."""
        data = {"journey": name, "stages": {stage: [dict(s) for s in steps]}}
        if base_url:
            data["base_url"] = base_url
        journeys, issues = parse_journey_data(data, file, self.settings.known_channels())
        if not journeys:
            raise SpecError(issues or [SpecIssue(file, 1, 1, "", "no steps")])
        return journeys[0]

    def open(self, name: str, file: str, line: int, channel: Channel, base_url: str) -> LiveJourney:
        return self.host.open_journey(name, file, line, channel, self.base_url_for(base_url))

    def keep(self, live: LiveJourney, failed: str = "") -> JourneyRun:
        """Finish a step-by-step run, keep it for the report, and return it checked."""
        return self.checked(live.finish(failed), live.channel)

    # -- verdicts -------------------------------------------------------------

    def verdict(self, run: JourneyRun) -> Verdict:
        """The thresholds on one journey run: the CLI's verdict on a results file of that run.

        The run's own findings and scores, the run-wide findings that concern
        it, compared (for ``--fail-on-new``) with the same run in the baseline.
        """
        run_wide = self.run_wide(run)
        fingerprints = {f.fingerprint for f in run_wide}
        own = run.model_copy(
            update={"findings": [f for f in run.findings if f.fingerprint not in fingerprints]}
        )
        view = self.runs.result().model_copy(
            update={"runs": [own], "findings": list(run_wide), "scores": run.scores.totals()}
        )
        known = self.known
        if known.baseline is not None:
            known = Known(known.accept, _run_view(known.baseline, run), known.baseline_source)
        return self.gate.verdict(known.apply(view))

    def reasons(self, run: JourneyRun) -> list[str]:
        """Why ``run`` fails its test; empty when it passes."""
        reasons = []
        if run.status != "passed":
            reasons.append(run.error or f"the journey {run.status}")
        reasons.extend(self.verdict(run).failures)
        return reasons

    def check(self, run: JourneyRun, where: str = "") -> None:
        """Raise :class:`JourneyFailed` with a readable explanation when ``run`` fails."""
        reasons = self.reasons(run)
        if reasons:
            text = explain(run, reasons, where, self.output_dir, self.run_wide(run))
            raise JourneyFailed(text, run)

    # -- the end of the session -------------------------------------------------

    def close(self) -> None:
        if self._host is not None:
            self._host.close()

    def raw_result(self) -> RunResult:
        return self.runs.result(self._host.browser_version if self._host else "")

    def write_part(self, worker: str) -> Path | None:
        """An xdist worker's runs, for the session that writes the report."""
        if not self.runs.runs:
            return None
        path = self.output_dir / PARTS_DIR / f"{self.options.token}-{worker}.json"
        write_results(self.raw_result(), path)
        return path

    def report_options(self) -> ReportOptions:
        return self.gate.report

    def write_report(self) -> RunResult | None:
        """Merge this session's runs and its workers' parts; write every output.

        The outputs are those of ``cxaudit run`` (accept list, baseline,
        branding, thresholds in the JUnit file and summary). Returns the
        session's result, or ``None`` when no journey ran (a test session
        without journeys writes nothing).
        """
        from cxaudit.ci.merge import merge_results
        from cxaudit.run.pipeline import publish

        parts_dir = self.output_dir / PARTS_DIR
        results = [self.raw_result()] if self.runs.runs else []
        if parts_dir.is_dir():
            for part in sorted(parts_dir.glob(f"{self.options.token}-*.json")):
                results.append(read_results(part, need_evidence=True))
        if not results:
            return None
        merged = merge_results(results, self.analysis)
        result = publish(merged, self.output_dir, self.known, self.report_options())
        if parts_dir.is_dir():
            shutil.rmtree(parts_dir, ignore_errors=True)
        return result

    def session_verdict(self, result: RunResult) -> Verdict:
        """The verdict of ``cxaudit run`` on the session's whole result."""
        return self.gate.verdict(result)


def _concerns(finding: Finding, run: JourneyRun) -> bool:
    """A run-wide finding concerns the runs it names (an empty name means all)."""
    return finding.journey in ("", run.journey) and finding.channel in ("", run.channel)


def _run_view(result: RunResult, run: JourneyRun) -> RunResult:
    """``result`` cut down to the run with ``run``'s key: its findings, its scores."""
    same = [r for r in result.runs if r.key == run.key]
    if not same:
        return result.model_copy(update={"runs": [], "findings": [], "scores": RunTotals()})
    chosen = same[-1]
    return result.model_copy(
        update={
            "runs": [chosen],
            "findings": [f for f in result.findings if _concerns(f, chosen)],
            "scores": chosen.scores.totals(),
        }
    )


def journey_roots(
    options: SuiteOptions, configured: Sequence[str], config_file: Path | None
) -> list[Path]:
    """``--cx-journeys`` paths (from the invocation directory), else the configured ones.

    Configured paths are relative to the directory of the config file that
    names them (or the invocation directory when there is none).
    """
    if options.journeys:
        return [_absolute(options.invocation_dir, p) for p in options.journeys]
    base = config_file.parent if config_file is not None else options.invocation_dir
    return [_absolute(base, p) for p in configured]


def _absolute(base: Path, path: str) -> Path:
    p = Path(path)
    return (p if p.is_absolute() else base / p).resolve()


def collects(path: Path, roots: Sequence[Path], named: Sequence[Path]) -> bool:
    """Whether the plugin collects ``path``: a journey under a journey root, or named itself.

    ``fragments`` directories under a root hold pieces of journeys, not journeys.
    """
    path = path.resolve()
    if path in named:
        return is_journey_file(path)
    for root in roots:
        if path == root or root in path.parents:
            inside = path.relative_to(root).parts[:-1] if path != root else ()
            return "fragments" not in inside and is_journey_file(path)
    return False


class PageAuditor:
    """Audits of pages that cxaudit did not open (pytest-playwright's ``page``), as one run."""

    def __init__(self, suite: Suite, name: str, file: str) -> None:
        self.suite = suite
        self.name = name
        self.file = file
        self.steps: list[StepResult] = []
        self.stages: list[str] = []
        self.channel: Channel | None = None
        self.started_at = now_iso()
        self._recorders: dict[int, Any] = {}

    def audit(
        self,
        page: Any,
        *,
        channel: str | None = None,
        stage: str = "pre-purchase",
        check: bool = False,
    ) -> JourneyRun:
        """Gather and check ``page`` now; returns the run so far, checked and scored."""
        from cxaudit.gather.recorder import PageRecorder
        from cxaudit.gather.sync_page import snapshot_sync_page

        viewport = dict(page.viewport_size or {})
        base = self.suite.channel(channel) if channel else None
        profile = Channel(
            name=channel or "playwright",
            description=base.description if base else "a pytest-playwright page",
            viewport=viewport or (dict(base.viewport) if base else {}),
            is_mobile=base.is_mobile if base else False,
            has_touch=base.has_touch if base else False,
        )
        self.channel = self.channel or profile
        recorder = self._recorders.get(id(page))
        if recorder is None:
            recorder = self._recorders[id(page)] = PageRecorder(page)
        index = len(self.steps)
        shots = screenshot_dir(profile.name, self.file, self.name)
        options = self.suite.run_options().snapshot_options(
            str(shots / f"{index + 1:02d}-audit"), profile, audit=True, screenshot=True
        )
        snapshot = snapshot_sync_page(page, options, profile, recorder)
        if stage not in self.stages:
            self.stages.append(stage)
        self.steps.append(
            StepResult(
                index=index,
                stage=stage,
                action="audit",
                name=f"audit {snapshot.url}"[:90],
                status="passed",
                snapshot=snapshot,
                timeout_ms=self.step_timeout_ms,
            )
        )
        run = self.suite.checked(self._run(), self.channel, keep=False)
        if check:
            self.suite.check(run, where=self.name)
        return run

    def _run(self) -> JourneyRun:
        return JourneyRun(
            journey=self.name,
            file=self.file,
            channel=self.channel.name if self.channel else "playwright",
            status="passed",
            started_at=self.started_at,
            stages=list(self.stages),
            steps=list(self.steps),
            step_timeout_ms=self.step_timeout_ms,
        )

    @property
    def step_timeout_ms(self) -> float:
        """The config's step timeout, as a journey's steps have it (the report states it)."""
        return self.suite.run_options().step_timeout_ms

    def keep(self) -> None:
        """Add the run to the session's report (when anything was audited)."""
        if self.steps and self.channel is not None:
            self.suite.runs.add(self._run(), self.channel)


# ---------------------------------------------------------------------------
# Failure text


def _where(run: JourneyRun, line: int) -> str:
    return f"{run.file}:{line}" if line else run.file


def failing_findings(run: JourneyRun, limit: int = 8) -> list[Finding]:
    """The findings that cost the most: failures, worst first (as the report orders them)."""
    return [f for f in run.findings if f.status == "fail"][:limit]


def explain(
    run: JourneyRun,
    reasons: Sequence[str],
    where: str,
    output_dir: Path,
    run_wide: Sequence[Finding] = (),
) -> str:
    """A failed journey run, as a test failure: the step, the findings, the scores.

    The first line is what pytest's short summary shows, so it says it all.
    ``run_wide`` are the findings of run-wide checks (among ``run.findings``)
    that concern this run: listed under their own heading.
    """
    lines = [f"{run.journey} [{run.channel}]: {reasons[0]}"]
    lines += [f"  also: {r}" for r in reasons[1:]]
    if where:
        lines.append(f"  journey: {where}")
    broken = next((s for s in run.steps if s.status in ("failed", "error")), None)
    if broken is not None:
        lines.append(
            f"  failing step: {_where(run, broken.line)}: step {broken.index + 1} "
            f"of stage {broken.stage}: {broken.name}"
        )
        shot = broken.snapshot.screenshot if broken.snapshot else None
        if shot:
            lines.append(f"  screenshot: {output_dir / shot}")
    wide = {f.fingerprint for f in run_wide}
    for heading, findings in (
        ("findings", [f for f in failing_findings(run, 100) if f.fingerprint not in wide][:8]),
        (
            "run-wide findings (across journeys and channels)",
            [f for f in run_wide if f.status == "fail"][:8],
        ),
    ):
        if findings:
            lines.append(f"  {heading}:")
            for f in findings:
                step = f" step {f.step + 1}" if f.step is not None else ""
                lines.append(f"    {f.code} {f.severity:<8} {f.title}{step}: {f.message}"[:300])
    scores = run.scores
    if scores.scored:
        categories = ", ".join(f"{name} {value:g}" for name, value in scores.categories.items())
        overall = scores.overall
        lines.append(
            f"  scores: overall {'not measured' if overall is None else f'{overall:g}'}"
            + (f" ({categories})" if categories else "")
        )
    if run.trace:
        lines.append(f"  trace: playwright show-trace {output_dir / run.trace}")
    return "\n".join(lines)
