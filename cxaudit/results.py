"""The results model: the one contract every output is rendered from.

``results.json`` is written from :class:`RunResult` and read back by
``cxaudit report`` and ``cxaudit merge``. It is versioned with
``schema_version``: add fields freely (they get defaults), but bump the major
number and write a migration when a field changes meaning or goes away.

It is read back from disk, so it is a trust boundary and uses pydantic; the
values inside came from audited sites and are untrusted text.
"""

from __future__ import annotations

import gc
import gzip
import io
import json
import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    ValidationError,
    field_validator,
    model_serializer,
    model_validator,
)

from cxaudit.artifacts import AxeResult, Forms, KeyboardWalk, Layout
from cxaudit.errors import CxauditError
from cxaudit.sanitize import valid_model, valid_value
from cxaudit.spec.messages import MessageRules, parse_rules
from cxaudit.spec.yamlpos import NotRegularFile, read_limited

SCHEMA_VERSION = "2.0"
#: The major versions this cxaudit reads. 2.0 writes the journey and channel of a
#: journey run's outcomes and findings once, on the run (1.x repeated them on
#: each); reading puts them back, so a 1.x file reads as it always did.
READ_MAJORS = ("1", "2")
#: What every outcome and finding of a journey run shares with the run itself.
RUN_KEYS = ("journey", "channel")
RUN_LISTS = ("outcomes", "findings")

StepStatus = Literal["passed", "failed", "skipped", "error"]
RunStatus = Literal["passed", "failed", "error"]


#: Where a received email is shown as the page of a journey's steps
#: (``wait_for_email``): cxaudit's own address on the site's origin.
EMAIL_VIEW_PATH = "/__cxaudit/email/"


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class DocumentTimings(_Model):
    """The timings of a loaded document, in ms (CLS has no unit): a step's and a repetition's.

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


class Timing(DocumentTimings):
    """Navigation and paint timing of the document shown after a step, in ms."""

    requests: int | None = None
    transfer_bytes: int | None = None
    #: What the step itself cost, whichever documents it touched: the requests
    #: it started and the bytes it received (headers included), and its
    #: interactions (clicks, key presses) as Event Timing measured them: how
    #: many, and the slowest, from input to the next paint.
    step_requests: int | None = None
    step_bytes: int | None = None
    interactions: int | None = None
    interaction_ms: float | None = None


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


class SoftFailure(_Model):
    """A soft check step whose check failed: the journey went on, a finding records it."""

    message: str
    severity: str = "serious"


class Heading(_Model):
    level: int
    text: str


class PriceMention(_Model):
    """A price shown on the page, with what the page says it is the price of.

    ``label`` is the row header, the term of a definition list, or the text
    next to the price; prices in the same table row or list item share
    ``row``. ``struck`` marks a crossed-out (old) price.
    """

    text: str
    value: float | None = None
    label: str = ""
    row: int | None = None
    testid: str = ""
    struck: bool = False


class LinkMention(_Model):
    """A link or control that leads to help or to a policy (contact, returns, privacy...)."""

    kind: str
    text: str
    href: str = ""


class ProductImage(_Model):
    """A picture the page shows for something it names (a product card, a product page)."""

    #: The product it shows: its link's or heading's text, else the image's alt text.
    name: str
    #: The address of the product it shows (its card's link), or "".
    href: str = ""
    #: The image file the browser shows (``currentSrc``).
    src: str


class FormInfo(_Model):
    """A form on the page and what it asks of the customer."""

    action: str = ""
    method: str = "get"
    fields: int = 0
    personal: bool = False  # asks for personal data: name, email, phone, address, password
    payment: bool = False  # asks for card details
    search: bool = False


class PageContent(_Model):
    """What the page says: the material of the consistency and trust checks."""

    lang: str = ""
    headings: list[Heading] = Field(default_factory=list)
    ctas: list[str] = Field(default_factory=list)
    prices: list[PriceMention] = Field(default_factory=list)
    links: list[LinkMention] = Field(default_factory=list)
    forms: list[FormInfo] = Field(default_factory=list)
    main_text: str = ""
    #: http: resources and form targets of an https page (mixed content).
    insecure: list[str] = Field(default_factory=list)
    #: Pictures shown for named things (products), with what they are of.
    images: list[ProductImage] = Field(default_factory=list)


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
    #: The config's ``visual.mask`` locators that covered nothing in the screenshot, and why.
    masks_not_applied: list[str] = Field(default_factory=list)
    visible_text: str | None = None
    axe: AxeResult | None = None
    layout: Layout | None = None
    content: PageContent | None = None
    forms: Forms | None = None
    keyboard: KeyboardWalk | None = None
    console: list[ConsoleMessage] = Field(default_factory=list)
    failed_requests: list[FailedRequest] = Field(default_factory=list)
    audited: bool = False
    errors: dict[str, str] = Field(default_factory=dict)

    @field_validator("axe", "layout", "forms", "keyboard", mode="before")
    @classmethod
    def _empty_is_missing(cls, value: Any) -> Any:
        """An empty artifact recorded as ``{}`` is one that was not read."""
        return None if value == {} else value


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


class ConsentControl(_Model):
    """A control of a cookie banner as the customer meets it (first layer)."""

    kind: Literal["accept", "reject", "settings"]
    text: str
    selector: str = ""
    width: float = 0.0
    height: float = 0.0
    #: Contrast ratio of its text against its background (None: not read).
    contrast: float | None = None


class ConsentBanner(_Model):
    """What the consent handler saw of the site's cookie banner and did with it.

    Gathered once per journey run (after its first page opens) by the
    autoconsent driver in :mod:`cxaudit.run.consent`; the banner check reads it.
    """

    #: What the journey asked for: accept, reject or none (leave it).
    action: str
    #: The consent platform autoconsent's rules recognised (None: none found).
    cmp: str | None = None
    #: A banner of that platform was on screen.
    shown: bool = False
    #: The action succeeded (None: not attempted).
    done: bool | None = None
    #: Clicks autoconsent needed for the action.
    clicks: int | None = None
    first_layer: list[ConsentControl] = Field(default_factory=list)
    #: The banner's settings layer was opened to read its purposes.
    settings_opened: bool = False
    #: Purposes ticked before the customer chose anything (their labels).
    pre_ticked: list[str] = Field(default_factory=list)
    #: Checkboxes or switches read (first layer and settings).
    purposes: int = 0
    #: Why part of the banner could not be read ("" when all was read).
    error: str = ""
    library: str = ""
    #: A cookie banner that no autoconsent rule knows was on screen (in the
    #: page or in an open shadow root): its container as a Playwright selector,
    #: e.g. ``shop-cookie-notice >> div.notice``. Not handled, left as it is;
    #: "" when none showed.
    unknown_banner: str = ""


class EmailLink(_Model):
    """A link of a received email, and what its address answered when the step fetched it."""

    href: str
    text: str = ""
    #: HTTP status of the answer (after redirects); None when nothing answered.
    status: int | None = None
    error: str = ""


class EmailImage(_Model):
    src: str = ""
    #: None: the image has no alt attribute at all ("" is decorative, and fine).
    alt: str | None = None


class EmailRemote(_Model):
    """Something an email's HTML asks for from the network (an image, a style sheet, a font)."""

    url: str
    #: image, background, stylesheet, font or other.
    kind: str = "image"
    #: A picture no one is meant to see (1x1, or hidden): it tells the sender the mail was opened.
    tracker: bool = False


class EmailRendering(_Model):
    """A received email drawn at one width in a browser context of its own, measured."""

    #: phone or desktop.
    name: str
    width: int
    #: The document's width as drawn: more than ``width`` scrolls sideways.
    scroll_width: int = 0
    height: int = 0
    #: The smallest text drawn, in CSS px; None without text.
    smallest_px: float | None = None
    #: Share of the text's characters smaller than 12 px.
    small_text_share: float = 0.0
    #: Relative to the run's output folder; "" when none was taken.
    screenshot: str = ""
    #: Whether axe-core (and at the phone width the layout gatherer) ran on this drawing;
    #: False in results of runs that did not audit, or written before they did.
    audited: bool = False
    #: axe-core's result on the message as drawn at this width (as ``Snapshot.axe``).
    axe: AxeResult | None = None
    #: The layout gatherer's reading at the phone width (as ``Snapshot.layout``).
    layout: Layout | None = None
    #: Why an audit of this drawing failed, by gatherer (``axe``, ``layout``).
    errors: dict[str, str] = Field(default_factory=dict)

    def measures(self) -> dict[str, Any]:
        """What was measured of the drawing, without the audits (for a finding's evidence)."""
        return self.model_dump(exclude={"audited", "axe", "layout", "errors"})


#: Remote addresses of one email the step result keeps.
EMAIL_REMOTE_KEPT = 50

#: How much of an email's text the step result keeps (a newsletter may be long).
EMAIL_TEXT_CHARS = 20_000


class EmailRecord(_Model):
    """The message a ``wait_for_email`` step received (the checks in checks/email.py read it)."""

    mailbox: str = ""
    sender: str = ""
    to: list[str] = Field(default_factory=list)
    subject: str = ""
    headers: dict[str, str] = Field(default_factory=dict)
    has_html: bool = False
    has_text: bool = False
    #: The plain-text part as sent (cut at ``EMAIL_TEXT_CHARS``), for the checks that compare it.
    text: str = ""
    #: The lines a reader sees in the HTML part (a paragraph, a table row...), cut likewise.
    html_lines: list[str] = Field(default_factory=list)
    size: int = 0
    #: From the start of the page load that placed the order to the message's arrival.
    delay_ms: float | None = None
    #: The step's own arrival budget (``wait_for_email: {budget_ms: ...}``); None: the check's.
    budget_ms: float | None = None
    caused_by: str = ""
    links: list[EmailLink] = Field(default_factory=list)
    images: list[EmailImage] = Field(default_factory=list)
    #: Hosts the journey itself runs on (its base_url): not a "localhost" finding.
    own_hosts: list[str] = Field(default_factory=list)
    defects: list[str] = Field(default_factory=list)
    #: What the HTML asks for from the network (the first ``EMAIL_REMOTE_KEPT``) and how
    #: many in all; blocked when the message was shown, unless the step loaded them.
    remote: list[EmailRemote] = Field(default_factory=list)
    remote_count: int = 0
    remote_loaded: bool = False
    #: The message drawn at a phone width and a desktop width, each in its own context.
    renderings: list[EmailRendering] = Field(default_factory=list)


class VisualRegion(_Model):
    """An area of a screenshot that changed since the baseline run (CSS pixels of the page)."""

    x: float
    y: float
    width: float
    height: float


class VisualDiff(_Model):
    """A step's screenshot compared with the same step's in the baseline run (:mod:`cxaudit.analysis.visual`).

    ``status`` is ``changed`` when more than ``threshold`` of the picture's
    pixels changed (each by more than ``tolerance`` of a colour channel's
    range), ``unchanged`` otherwise, ``not_compared`` (``reason`` says why)
    when there was nothing to compare with.
    """

    status: Literal["changed", "unchanged", "not_compared"]
    reason: str = ""
    #: Share of the picture's pixels that changed.
    ratio: float = 0.0
    threshold: float = 0.0
    tolerance: float = 0.0
    #: The page's height changed: what is said of it (the common area was compared).
    size_change: str = ""
    #: ``visual.mask`` locators that covered nothing here or in the baseline, and why.
    masks_not_applied: list[str] = Field(default_factory=list)
    #: The changed areas, largest first; ``more_regions`` more were only counted.
    regions: list[VisualRegion] = Field(default_factory=list)
    more_regions: int = 0
    #: The baseline's picture, copied into this report (relative to it); "" when not copied.
    baseline_screenshot: str = ""
    baseline_run: str = ""


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
    #: The cookie banner handled after this step (``consent:``), once per journey run.
    consent: ConsentBanner | None = None

    #: The message a ``wait_for_email`` step received.
    email: EmailRecord | None = None
    #: A soft check that failed (``soft: true``): the step counts as done.
    soft_failure: SoftFailure | None = None
    #: The timeout in force for the step, in ms (its own, the run's, or what
    #: was left of the journey's ``timeout``); 0 when not recorded.
    timeout_ms: float = 0
    #: The screenshot compared with the baseline run's (``--baseline``); None without one.
    visual: VisualDiff | None = None

    def __repr__(self) -> str:  # short: assertion output in tests stays readable
        return f"StepResult(#{self.index + 1} {self.action} {self.name!r}: {self.status})"

    @property
    def shows_email(self) -> bool:
        """Whether the step's page was a received email (``wait_for_email``), not a web page."""
        snapshot = self.snapshot
        return bool(snapshot and urlsplit(snapshot.url).path.startswith(EMAIL_VIEW_PATH))

    @property
    def touchpoint(self) -> Literal["web", "email"]:
        """Where the customer met the step: the email (waiting for it, reading it) or the web."""
        if self.action == "wait_for_email" or self.email is not None or self.shows_email:
            return "email"
        return "web"


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
    #: The rule of a check family this finding is about (an axe rule id), or "".
    rule: str = ""
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
    #: The readable identity the fingerprint is made from (code, rule, journey,
    #: channel, stage, element or value); accept-list patterns match it.
    key: str = ""
    #: Points this finding costs: of its category and journey-run scores, and
    #: of the channel and overall scores (see docs/scoring.md).
    points: dict[str, float] = Field(default_factory=dict)
    #: Set when an accept-list entry mutes the finding: reason, expires, entry.
    accepted: dict[str, str] | None = None

    def __repr__(self) -> str:  # short: a failed assert on findings stays readable
        step = f" step {self.step + 1}" if self.step is not None else ""
        message = self.message if len(self.message) <= 80 else self.message[:79] + "…"
        return f"Finding({self.code} {self.severity} {self.status}{step}: {message!r})"


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
    #: Ties a non-passing outcome to its finding; passes fold into one outcome
    #: per check and step with ``count`` results.
    fingerprint: str = ""
    count: int = 1


class StepMetrics(DocumentTimings):
    """The timing figures of one step in one repetition of a journey run.

    ``requests`` and ``bytes`` are the step's own (see :class:`Timing`);
    the document timings are set only when the step loaded a new document.
    """

    index: int
    step_ms: float | None = None
    interaction_ms: float | None = None
    requests: int | None = None
    bytes: int | None = None


class Repetition(_Model):
    """One of the runs of ``--repeat N``: its outcome and each step's figures."""

    status: RunStatus
    duration_ms: float = 0.0
    steps: list[StepMetrics] = Field(default_factory=list)


class JourneyRules(_Model):
    """The journey's own rules that checks read, parsed once by the journey loader and
    kept in each run so that results.json alone is enough to check it again."""

    #: Its ``messages:`` (CX-MSG-001 and the other message checks, the report's captures).
    messages: MessageRules = Field(default_factory=MessageRules)
    #: Its ``budgets:`` over the config's, per metric and channel (the budget checks).
    budgets: dict[str, Any] = Field(default_factory=dict)
    #: Why the recorded message rules could not be read back ("" when they were):
    #: a file edited by hand still loads, and the checks that need them say why not.
    unreadable: str = ""

    @model_validator(mode="before")
    @classmethod
    def _readable(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "messages" not in data:
            return data
        try:
            parse_rules(data["messages"])
        except ValueError as exc:
            return {**data, "messages": {}, "unreadable": str(exc)}
        return data


def _empty_when_unscored(self: BaseModel, handler: SerializerFunctionWrapHandler) -> Any:
    """A run's scores before scoring, or of a file without any: read as the defaults,
    written back as ``{}``, as they always were."""
    return {} if self == type(self)() else handler(self)


class ScoreLoss(_Model):
    """One deduction of a category (analysis/scoring.py): the problem, its share, its points."""

    key: str
    code: str = ""
    detail: str = ""
    status: str = "fail"
    deduction: float = 0.0
    points: float = 0.0


class Graded(_Model):
    """A score (0-100; None: not measured), its band and its categories' scores (each
    score results.json keeps: a step's, a stage's, a journey run's, a channel's, the run's)."""

    overall: float | None = None
    band: str = "not-measured"
    categories: dict[str, float] = Field(default_factory=dict)


class CardScores(Graded):
    """Category scores of a stage or a step and their weighted mean."""

    #: Results that passed or failed, and those that could not measure, by category.
    measured: dict[str, int] = Field(default_factory=dict)
    not_measured: dict[str, int] = Field(default_factory=dict)


class RunScores(CardScores):
    """The scores of one journey run, with the deductions and the stages' and steps' cards.

    ``overall`` is 0 when the customer could not finish the journey; ``uncapped``
    keeps the categories' mean before that rule.
    """

    losses: dict[str, list[ScoreLoss]] = Field(default_factory=dict)
    uncapped: float | None = None
    completed: bool = True
    status: str = ""
    stages: dict[str, CardScores] = Field(default_factory=dict)
    #: By the step's index, as text (JSON keys are).
    steps: dict[str, CardScores] = Field(default_factory=dict)

    _unscored = model_serializer(mode="wrap")(_empty_when_unscored)

    @property
    def scored(self) -> bool:
        """False before the run was scored (or in a file that kept no scores)."""
        return self != RunScores()

    def totals(self) -> RunTotals:
        """This run's scores as a whole run's: the thresholds on one journey run judge them."""
        return RunTotals(
            overall=self.overall,
            band=self.band,
            categories=self.categories,
            not_measured=self.not_measured,
        )


class ChannelScores(Graded):
    """A channel's scores: means of its journey runs' ones."""

    stages: dict[str, float | None] = Field(default_factory=dict)
    #: Each journey's overall score on this channel, by journey name.
    journeys: dict[str, float | None] = Field(default_factory=dict)
    runs: int = 0
    runs_not_measured: int = 0
    not_measured: dict[str, int] = Field(default_factory=dict)


class WeightProfile(_Model):
    """The weights a run was scored with (``weights:`` of the config over the defaults)."""

    categories: dict[str, float] = Field(default_factory=dict)
    checks: dict[str, float] = Field(default_factory=dict)
    channels: dict[str, float] = Field(default_factory=dict)
    full_weight: float = 20.0


class RunTotals(Graded):
    """The whole run's scores: the channels' and their mean by channel weight."""

    not_measured: dict[str, int] = Field(default_factory=dict)
    channels: dict[str, ChannelScores] = Field(default_factory=dict)
    profile: WeightProfile | None = None

    _unscored = model_serializer(mode="wrap")(_empty_when_unscored)

    def channel(self, name: str) -> ChannelScores:
        """A channel's scores; empty (not measured) for a channel the run did not score."""
        return self.channels.get(name) or ChannelScores()


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
    rules: JourneyRules = Field(default_factory=JourneyRules)
    steps: list[StepResult] = Field(default_factory=list)
    #: With ``--repeat N`` (N > 1): every repetition's figures, the first one
    #: (whose snapshots are in ``steps``) included; timing checks judge the median.
    repetitions: list[Repetition] = Field(default_factory=list)
    outcomes: list[CheckOutcome] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    scores: RunScores = Field(default_factory=RunScores)
    #: Playwright trace of this run (relative to the report), when tracing kept one.
    trace: str = ""
    #: Hosts outside the site under test that the run's pages contacted or tried to.
    third_party: list[ThirdPartyHost] = Field(default_factory=list)
    #: What cxaudit did differently for this run and why (e.g. no trace: secrets).
    notes: list[str] = Field(default_factory=list)
    #: The journey's own ``timeout`` in ms, its whole budget; 0 when it has none.
    timeout_ms: float = 0
    #: The timeout a step gets unless it has its own (``--timeout``), in ms;
    #: 0 when not recorded. A step's ``timeout_ms`` says what it had.
    step_timeout_ms: float = 0

    @property
    def key(self) -> str:
        """Stable identity of this run inside a results file."""
        return f"{self.file}::{self.journey}[{self.channel}]"

    def __repr__(self) -> str:
        return (
            f"JourneyRun({self.journey!r} [{self.channel}] {self.status}, "
            f"{len(self.steps)} steps, {len(self.findings)} findings, "
            f"overall {self.scores.overall})"
        )


class ChannelInfo(_Model):
    name: str
    description: str = ""
    viewport: dict[str, int] = Field(default_factory=dict)
    is_mobile: bool = False
    network: dict[str, float] | None = None
    cpu_slowdown: float = 1.0
    device_scale_factor: float | None = None


class BaselineSummary(_Model):
    """What changed since a previous run: score deltas and findings by fingerprint.

    ``fixed`` keeps the baseline's findings themselves: they are no longer in
    this run, and the report still names them.
    """

    run_id: str
    started_at: str = ""
    source: str = ""
    scores: dict[str, Any] = Field(default_factory=dict)
    new: list[str] = Field(default_factory=list)
    persisting: list[str] = Field(default_factory=list)
    fixed: list[Finding] = Field(default_factory=list)
    timings: list[dict[str, Any]] = Field(default_factory=list)


class CheckText(_Model):
    """What a check that reported in a run is about, so a report renders from the file alone."""

    title: str = ""
    failure_title: str = ""
    category: str = ""
    #: Why it matters to a customer (the first sentence of the check's reasoning).
    impact: str = ""


class RunResult(_Model):
    """A whole run: every journey on every channel, plus run-wide scores."""

    schema_version: str = SCHEMA_VERSION
    tool_version: str = ""
    #: The axe-core version the run injected (vendored or ``accessibility.axe_path``).
    axe_version: str = ""
    run_id: str
    started_at: str
    finished_at: str = ""
    base_url: str = ""
    browser: str = ""
    channels: list[ChannelInfo] = Field(default_factory=list)
    runs: list[JourneyRun] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    outcomes: list[CheckOutcome] = Field(default_factory=list)
    scores: RunTotals = Field(default_factory=RunTotals)
    #: The checks that reported a finding, by code: their titles and impact, written here
    #: so that any cxaudit reading this schema renders the report without its own registry.
    checks: dict[str, CheckText] = Field(default_factory=dict)
    interrupted: bool = False
    #: The comparison with a previous run (``--baseline``), when one was given.
    baseline: BaselineSummary | None = None

    def to_json(self) -> str:
        """Compact JSON: a third smaller than indented (``jq .`` shows it indented).

        Text no UTF-8 file can hold (a lone surrogate a page handed over) is
        made valid here too: the results are written whatever a page did.
        """
        return valid_model(self).model_dump_json()

    def __repr__(self) -> str:
        return (
            f"RunResult({self.run_id} {len(self.runs)} runs, {len(self.all_findings())} findings, "
            f"overall {self.scores.overall})"
        )

    def all_findings(self) -> list[Finding]:
        """Findings of every journey run and the run-wide ones, in a stable order."""
        out = [f for run in self.runs for f in run.findings]
        out.extend(self.findings)
        return out


class ResultsFileError(CxauditError):
    """A results.json that cannot be read."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: Read once: changing the umask to read it is not safe while other threads make files.
UMASK = _umask()


#: What the gatherers read from each page, which only the checks use: written
#: into a gzip-compressed file beside results.json (a fifth of the size of the
#: rest), and put back when the results are read. ``cxaudit report`` renders
#: without it; ``cxaudit merge`` and ``--baseline`` re-read it.
EVIDENCE_FIELDS = ("axe", "layout", "forms", "keyboard", "content", "visible_text")
#: The same of a received email's drawings (:class:`EmailRendering`).
EMAIL_EVIDENCE_FIELDS = ("axe", "layout")
#: The key of results.json that names its evidence file (absent when there is none).
EVIDENCE_KEY = "evidence_file"
#: Decompressed size an evidence file may have (a 200-run suite holds about 20 MB).
MAX_EVIDENCE_BYTES = 1 << 30


#: A JSON escape of a UTF-16 surrogate: the only way JSON brings back text no writer
#: could write (``"\\udfff"``). Text without one needs no walk through every value.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _parsed(text: str) -> Any:
    data = json.loads(text)
    return valid_value(data) if _SURROGATE_ESCAPE.search(text) else data


def evidence_name(path: Path) -> str:
    """The evidence file that goes with the results file ``path``."""
    return f"{path.stem}.evidence.json.gz"


def _split_evidence(data: dict[str, Any]) -> dict[str, Any]:
    """Take the raw gatherer evidence out of ``data`` (a dumped RunResult), by run and step.

    A step's snapshot gives :data:`EVIDENCE_FIELDS`; the drawings of a
    received email give their audits (:data:`EMAIL_EVIDENCE_FIELDS`), under
    ``run/step/email/drawing``.
    """
    evidence: dict[str, Any] = {}
    for r, run in enumerate(data.get("runs") or []):
        for i, step in enumerate(run.get("steps") or []):
            for key, part, fields in _evidence_parts(r, i, step):
                taken = {k: part.pop(k, None) for k in fields}
                taken = {k: v for k, v in taken.items() if v is not None}
                if taken:
                    evidence[key] = taken
    return evidence


def _evidence_parts(
    r: int, i: int, step: dict[str, Any]
) -> Iterator[tuple[str, dict[str, Any], tuple[str, ...]]]:
    """Where raw evidence sits in a dumped step: its key in the evidence file, the part, its fields."""
    snapshot = step.get("snapshot")
    if isinstance(snapshot, dict):
        yield f"{r}/{i}", snapshot, EVIDENCE_FIELDS
    email = step.get("email")
    drawings = email.get("renderings") if isinstance(email, dict) else None
    for j, drawing in enumerate(drawings if isinstance(drawings, list) else []):
        if isinstance(drawing, dict):
            yield f"{r}/{i}/email/{j}", drawing, EMAIL_EVIDENCE_FIELDS


def _fold_run_keys(data: dict[str, Any]) -> None:
    """Drop from each run's outcomes and findings the :data:`RUN_KEYS` they share with the run.

    A run's outcomes are most of a results file, and each named its run's
    journey and channel again (a sixth of the file on the demo suite).
    """
    for run in data.get("runs") or []:
        for name in RUN_LISTS:
            for item in run.get(name) or []:
                for key in RUN_KEYS:
                    if key in item and item[key] == run.get(key):
                        del item[key]


def _unfold_run_keys(raw: dict[str, Any]) -> None:
    """Give each run's outcomes and findings the :data:`RUN_KEYS` the writer left on the run."""
    for run in raw.get("runs") or []:
        if not isinstance(run, dict):
            continue  # the model's validation says what is wrong with it
        for name in RUN_LISTS:
            for item in run.get(name) or []:
                if isinstance(item, dict):
                    for key in RUN_KEYS:
                        if key in run:
                            item.setdefault(key, run[key])


def _join_evidence(raw: dict[str, Any], evidence: dict[str, Any]) -> None:
    for r, run in enumerate(raw.get("runs") or []):
        for i, step in enumerate(run.get("steps") or [] if isinstance(run, dict) else []):
            if not isinstance(step, dict):
                continue
            for key, part, fields in _evidence_parts(r, i, step):
                taken = evidence.get(key)
                if isinstance(taken, dict):
                    part.update({k: v for k, v in taken.items() if k in fields})


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".results-", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file private; results are read as the report is.
        os.chmod(tmp, 0o666 & ~UMASK)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_results(result: RunResult, path: Path) -> None:
    """Write ``result`` atomically, its raw evidence beside it: a reader never sees
    a half-written file, and the evidence file is in place before the results name it."""
    data = json.loads(result.to_json())
    # Written in this cxaudit's form, so labelled with its version (a merge of older files too).
    data["schema_version"] = SCHEMA_VERSION
    _fold_run_keys(data)
    evidence = _split_evidence(data)
    if evidence:
        data[EVIDENCE_KEY] = evidence_name(path)
        packed = json.dumps(evidence, separators=(",", ":"), ensure_ascii=False)
        _write_atomic(path.parent / data[EVIDENCE_KEY], gzip.compress(packed.encode(), 6))
    text = json.dumps(data, separators=(",", ":"), ensure_ascii=False)
    _write_atomic(path, text.encode("utf-8"))


def _read_evidence(path: Path, name: str, needed: bool) -> dict[str, Any]:
    """The evidence file ``name`` beside ``path`` ({} when it is not there and not ``needed``)."""
    if Path(name).name != name or not name.endswith(".evidence.json.gz"):
        raise ResultsFileError(f"{path}: evidence_file {name!r} is not a file name beside it")
    sidecar = path.parent / name
    try:
        packed = read_limited(sidecar, None)
    except FileNotFoundError:
        if needed:
            raise ResultsFileError(
                f"{sidecar} is missing: it holds what the pages showed, which this command "
                f"checks again; keep it beside {path.name} (copy the two together)"
            ) from None
        return {}
    except NotRegularFile as exc:
        raise ResultsFileError(str(exc)) from None
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(packed)) as fh:
            text = fh.read(MAX_EVIDENCE_BYTES + 1)
        if len(text) > MAX_EVIDENCE_BYTES:
            raise ResultsFileError(
                f"{sidecar}: more than {MAX_EVIDENCE_BYTES >> 20} MB of evidence"
            )
        evidence = _parsed(text.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"{sidecar}: not a cxaudit evidence file ({exc})") from None
    return evidence if isinstance(evidence, dict) else {}


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held off while a results file becomes models, or a
    report is rendered from them.

    A 200-run file with its evidence is some 200,000 parsed objects and as many
    small models, which make no reference cycles; without the pause the collector
    walks all of them again and again as they are made (three times the work of
    the validation itself), and again as a report's pages are made. What cycles
    a report's templates leave are collected once, when the collector resumes.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def read_results(path: Path, need_evidence: bool = False) -> RunResult:
    """Read a results.json, with a clear error for a missing or foreign file.

    Its evidence file is read too when it is there; ``need_evidence`` (for
    commands that run the checks again) makes a missing one an error.
    """
    with collector_paused():
        return _read_results(path, need_evidence)


def _read_results(path: Path, need_evidence: bool) -> RunResult:
    try:
        # A JSON escape (``"\\udfff"``) brings back what no writer could write.
        # Never a blocking read: a FIFO given as results or baseline would hang the command.
        raw = _parsed(read_limited(Path(path), None).decode("utf-8"))
    except FileNotFoundError:
        raise ResultsFileError(f"{path}: no such file") from None
    except NotRegularFile as exc:
        raise ResultsFileError(str(exc)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultsFileError(f"{path}: not a cxaudit results file ({exc})") from None
    if not isinstance(raw, dict) or "schema_version" not in raw:
        raise ResultsFileError(f"{path}: not a cxaudit results file (no schema_version)")
    major = str(raw["schema_version"]).split(".")[0]
    if major not in READ_MAJORS:
        raise ResultsFileError(
            f"{path}: results schema {raw['schema_version']} is not supported by this "
            f"cxaudit (reads {', '.join(m + '.x' for m in READ_MAJORS)}); re-run the audit "
            "or use a matching version"
        )
    _unfold_run_keys(raw)
    # The file's own key, not the model's: once joined, the result holds its evidence itself.
    evidence_file = raw.pop(EVIDENCE_KEY, "")
    if evidence_file:
        _join_evidence(raw, _read_evidence(Path(path), str(evidence_file), need_evidence))
    try:
        return RunResult.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ResultsFileError(f"{path}: invalid results file at {loc}: {first['msg']}") from None
