"""The results model: the one contract every output is rendered from.

``results.json`` is written from :class:`RunResult` and read back by
``cxaudit report`` and ``cxaudit merge``. It is versioned with
``schema_version``: add fields freely (they get defaults), but bump the major
number and write a migration when a field changes meaning or goes away.

It is read back from disk, so it is a trust boundary and uses pydantic; the
values inside came from audited sites and are untrusted text.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from cxaudit.errors import CxauditError

SCHEMA_VERSION = "1.0"

StepStatus = Literal["passed", "failed", "skipped", "error"]
RunStatus = Literal["passed", "failed", "error"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Timing(_Model):
    """Navigation and paint timing of the document shown after a step, in ms.

    ``navigated`` is false when the step did not load a new document (a click
    that only changed the page in place); the document timings then belong to
    an earlier step and are not counted again.
    """

    navigated: bool = False
    ttfb_ms: float | None = None
    fcp_ms: float | None = None
    lcp_ms: float | None = None
    cls: float | None = None
    dom_content_loaded_ms: float | None = None
    load_ms: float | None = None
    requests: int | None = None
    transfer_bytes: int | None = None


class ConsoleMessage(_Model):
    type: str
    text: str
    url: str = ""


class FailedRequest(_Model):
    url: str
    method: str = "GET"
    resource_type: str = ""
    status: int | None = None
    failure: str = ""


class Capture(_Model):
    """A value read from the page by a ``capture`` step."""

    name: str
    text: str
    number: float | None = None
    secret: bool = False


class Snapshot(_Model):
    """What the gatherers read from the page after a step (plain data).

    Every field may be missing: a gatherer that failed leaves its field empty
    and says why in ``errors``, so checks can report "not measured".
    """

    url: str = ""
    title: str = ""
    status: int | None = None
    viewport: dict[str, int] = Field(default_factory=dict)
    timing: Timing | None = None
    screenshot: str | None = None
    visible_text: str | None = None
    axe: dict[str, Any] | None = None
    layout: dict[str, Any] | None = None
    console: list[ConsoleMessage] = Field(default_factory=list)
    failed_requests: list[FailedRequest] = Field(default_factory=list)
    audited: bool = False
    errors: dict[str, str] = Field(default_factory=dict)


class Dialog(_Model):
    """A dialog the page opened during a step (alert, confirm, prompt, beforeunload)."""

    type: str
    message: str = ""
    #: What cxaudit answered: "accepted" or "dismissed".
    action: str = "accepted"


class ThirdPartyHost(_Model):
    """A host outside the site under test that the journey's pages contacted."""

    host: str
    requests: int = 0
    #: Requests to it that cxaudit blocked (``--block-third-party``).
    blocked: int = 0


class StepResult(_Model):
    """One step of a journey run, with its outcome and snapshot."""

    index: int
    stage: str
    action: str
    name: str
    line: int = 0
    column: int = 0
    status: StepStatus
    message: str = ""
    duration_ms: float = 0.0
    captures: list[Capture] = Field(default_factory=list)
    snapshot: Snapshot | None = None
    #: The step's own ``audit:`` settings as checks need them, e.g.
    #: ``{"disable": ["color-contrast"], "budget": {"step_ms": 800}}``.
    overrides: dict[str, Any] = Field(default_factory=dict)
    #: The file the step is written in, when not the journey's own (a fragment).
    file: str = ""
    #: Files written by a ``screenshot`` step, relative to the report directory.
    screenshots: list[str] = Field(default_factory=list)
    #: How many times the step ran: more than 1 when a transient failure was retried.
    attempts: int = 1
    #: Passed only on a retry: the site failed at first (reported, not hidden).
    flaky: bool = False
    #: What the failed attempts said, in order.
    retried: list[str] = Field(default_factory=list)
    #: Dialogs the page opened during the step, and how they were answered.
    dialogs: list[Dialog] = Field(default_factory=list)
    #: Pop-up windows (``window.open``, ``target=_blank``) opened during the step; closed.
    popups: list[str] = Field(default_factory=list)


class Evidence(_Model):
    """What a finding points at: an element, a value, a measurement."""

    selector: str | None = None
    html: str | None = None
    box: dict[str, float] | None = None
    values: dict[str, Any] = Field(default_factory=dict)


class Finding(_Model):
    """A check result that is not a pass: what is wrong, where, and how to fix it."""

    code: str
    slug: str
    category: str
    status: str
    severity: str
    title: str
    message: str
    journey: str
    channel: str
    stage: str | None = None
    step: int | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    advice: str = ""
    help_url: str = ""
    weight: float = 0.0
    score: float | None = None
    fingerprint: str = ""
    seen_on_steps: list[int] = Field(default_factory=list)


class CheckOutcome(_Model):
    """The result of one check on one subject (a step, a journey run, the run)."""

    code: str
    slug: str
    category: str
    status: str
    score: float | None
    weight: float
    journey: str
    channel: str
    stage: str | None = None
    step: int | None = None
    detail: str = ""


class JourneyRun(_Model):
    """One journey on one channel."""

    journey: str
    file: str
    line: int = 0
    channel: str
    status: RunStatus
    error: str = ""
    started_at: str = ""
    duration_ms: float = 0.0
    stages: list[str] = Field(default_factory=list)
    #: The journey's own rules that checks read (``messages``, ``budgets``),
    #: kept here so results.json alone is enough to check a run again.
    rules: dict[str, Any] = Field(default_factory=dict)
    steps: list[StepResult] = Field(default_factory=list)
    outcomes: list[CheckOutcome] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    scores: dict[str, Any] = Field(default_factory=dict)
    #: Playwright trace of this run (relative to the report), when tracing kept one.
    trace: str = ""
    #: Hosts outside the site under test that the run's pages contacted or tried to.
    third_party: list[ThirdPartyHost] = Field(default_factory=list)
    #: What cxaudit did differently for this run and why (e.g. no trace: secrets).
    notes: list[str] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable identity of this run inside a results file."""
        return f"{self.file}::{self.journey}[{self.channel}]"


class ChannelInfo(_Model):
    name: str
    description: str = ""
    viewport: dict[str, int] = Field(default_factory=dict)
    is_mobile: bool = False
    network: dict[str, float] | None = None
    cpu_slowdown: float = 1.0


class RunResult(_Model):
    """A whole run: every journey on every channel, plus run-wide scores."""

    schema_version: str = SCHEMA_VERSION
    tool_version: str = ""
    run_id: str
    started_at: str
    finished_at: str = ""
    base_url: str = ""
    browser: str = ""
    channels: list[ChannelInfo] = Field(default_factory=list)
    runs: list[JourneyRun] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    outcomes: list[CheckOutcome] = Field(default_factory=list)
    scores: dict[str, Any] = Field(default_factory=dict)
    interrupted: bool = False

    def to_json(self) -> str:
        return self.model_dump_json(indent=1)

    def all_findings(self) -> list[Finding]:
        """Findings of every journey run and the run-wide ones, in a stable order."""
        out = [f for run in self.runs for f in run.findings]
        out.extend(self.findings)
        return out


class ResultsFileError(CxauditError):
    """A results.json that cannot be read."""


def write_results(result: RunResult, path: Path) -> None:
    """Write ``result`` atomically: a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(result.to_json())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_results(path: Path) -> RunResult:
    """Read a results.json, with a clear error for a missing or foreign file."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"{path}: not a cxaudit results file ({exc})") from None
    if not isinstance(raw, dict) or "schema_version" not in raw:
        raise ResultsFileError(f"{path}: not a cxaudit results file (no schema_version)")
    major = str(raw["schema_version"]).split(".")[0]
    if major != SCHEMA_VERSION.split(".")[0]:
        raise ResultsFileError(
            f"{path}: results schema {raw['schema_version']} is not supported by this "
            f"cxaudit (reads {SCHEMA_VERSION}); re-run the audit or use a matching version"
        )
    try:
        return RunResult.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ResultsFileError(f"{path}: invalid results file at {loc}: {first['msg']}") from None
