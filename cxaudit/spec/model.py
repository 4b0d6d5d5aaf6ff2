"""The typed journey: what the runner executes, with positions kept for errors.

Everything the language offers to make writing easy (fragments, data rows,
presets) is resolved by the loader; the runner sees plain steps and plain
values here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from cxaudit.spec.locators import Locator
from cxaudit.spec.messages import MessageRules

#: The three stages of a purchase, in the order a customer meets them.
CANONICAL_STAGES = ("pre-purchase", "purchase", "post-purchase")


@dataclass(frozen=True)
class Step:
    """One thing the customer does.

    ``args`` is the validated argument model; ``raw_args`` the same before
    variables are substituted (the runner substitutes and validates again).
    ``file`` is the file the step is written in when that is not the
    journey's own (a fragment's).
    """

    action: str
    args: BaseModel
    raw_args: dict[str, Any]
    name: str
    line: int
    column: int
    path: str
    optional: bool = False
    timeout_ms: float | None = None
    audit: bool | None = None
    #: From the mapping form of ``audit:``: ``{"disable": [...], "budget": {...}}``.
    overrides: dict[str, Any] = field(default_factory=dict)
    file: str = ""
    #: A check step whose failure is a finding, not the end of the journey.
    soft: bool | None = None
    severity: str = "serious"
    #: When the page counts as loaded after the step (None: load).
    wait_until: str | None = None
    #: An element to wait for, visible, after the action.
    wait_for: Locator | None = None


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]
    line: int = 0

    @property
    def canonical(self) -> bool:
        return self.name in CANONICAL_STAGES


@dataclass(frozen=True)
class Consent:
    """Answer the cookie banner after the first page opens.

    With ``action`` (accept, reject, none) any platform autoconsent knows is
    handled and the banner read for the banner check; otherwise ``accept``
    is clicked and the banner checked gone (a preset or the author's locator).
    """

    accept: Locator | None = None
    banner: Locator | None = None
    wait_ms: float = 5000
    preset: str | None = None
    action: str | None = None
    audit: bool = True


@dataclass(frozen=True)
class Journey:
    """A customer journey, as written in one YAML file (one data row of it)."""

    name: str
    file: str
    line: int
    stages: tuple[Stage, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    base_url: str | None = None
    channels: tuple[str, ...] | None = None
    #: Its ``messages:`` rules, parsed once here; results carry them (``JourneyRun.rules``).
    messages: MessageRules = field(default_factory=MessageRules)
    budgets: dict[str, float] = field(default_factory=dict)
    allowed_origins: tuple[str, ...] = ()
    locale: str | None = None
    timezone: str | None = None
    geolocation: dict[str, float] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: Absolute path of a Playwright storage-state file.
    storage_state: str | None = None
    cookies: tuple[dict[str, Any], ...] = ()
    consent: Consent | None = None
    #: Variables the journey starts with (its data row).
    variables: dict[str, str] = field(default_factory=dict)
    #: The data row's label, when the journey runs once per row.
    row: str | None = None
    #: The attribute ``test_id`` locators match (None: the project's setting).
    test_id_attribute: str | None = None
    #: The whole journey's budget in ms, or None.
    timeout_ms: float | None = None

    @property
    def steps(self) -> tuple[Step, ...]:
        return tuple(step for stage in self.stages for step in stage.steps)

    def stage_of(self, index: int) -> str:
        """The stage of the step at flat ``index``."""
        seen = 0
        for stage in self.stages:
            seen += len(stage.steps)
            if index < seen:
                return stage.name
        raise IndexError(index)
