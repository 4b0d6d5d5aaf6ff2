"""What a check is: one declaration, one pure function of plain data.

A check is a class registered with :func:`register`. It declares a permanent
``code`` (never reused), a ``slug`` naming the concept, a ``title`` for the
passing state and a ``failure_title`` for the failing one, its ``category``,
default ``weight``, ``scope`` (what it looks at: one step, one journey run,
or the whole run across channels), the snapshot fields it ``requires``, and
an ``Options`` model whose defaults are its documented options. Its
docstring says why it matters to a customer and is its published
documentation (``cxaudit list-checks``, docs/checks.md).

``evaluate`` returns :class:`Result` objects. It never touches a browser.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from cxaudit.results import ChannelInfo, Evidence, JourneyRules, JourneyRun, StepResult
from cxaudit.spec.journey_file import SEVERITIES as FINDING_SEVERITIES

CATEGORIES = ("accessibility", "usability", "consistency", "performance", "trust")
#: Every severity a finding may have, worst first.
SEVERITIES = (*FINDING_SEVERITIES, "info")
Scope = Literal["step", "journey", "run"]


class Status(StrEnum):
    """What a check concluded about one subject.

    ERROR means "not measured" (its input was missing or it broke): shown as
    such, never counted as a pass. NOT_APPLICABLE and INFORMATIVE weigh
    nothing in a score.
    """

    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    INFORMATIVE = "informative"
    ERROR = "error"


class NoOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True)
class Result:
    """One conclusion of a check about one subject.

    ``rule`` distinguishes results of a check family (the axe rule id of an
    accessibility result); ``title`` overrides the check's failure title for
    it. ``score`` defaults to 1 for a pass and 0 for a failure; ``weight`` to
    the check's weight.
    """

    status: Status
    message: str = ""
    score: float | None = None
    weight: float | None = None
    severity: str | None = None
    rule: str | None = None
    title: str | None = None
    evidence: tuple[Evidence, ...] = ()
    advice: str | None = None
    help_url: str | None = None
    step: int | None = None
    stage: str | None = None
    channel: str | None = None
    journey: str | None = None
    #: What makes two results of the check in one journey run the same finding
    #: (a rule, a value); without it, the set of elements in the evidence.
    identity: str | None = None


@dataclass(frozen=True)
class StepSubject:
    """What a step-scope check sees: one step of one journey run.

    ``axe_failures`` holds the elements axe-core's rules were reported failing
    on this step, by rule id (filled by the analysis before the checks that
    declare ``overlaps_axe``), so one defect is not charged twice.
    """

    run: JourneyRun
    step: StepResult
    channel: ChannelInfo

    @property
    def shows_email(self) -> bool:
        """Whether the step's page is a received email (``wait_for_email``), not a web page.

        Checks of a web page's structure (landmarks, a skip link) do not apply
        to an email: mail clients show it inside their own page.
        """
        return self.step.shows_email

    axe_failures: Mapping[str, tuple[Evidence, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class JourneySubject:
    """What a journey-scope check sees: a whole journey run on one channel."""

    run: JourneyRun
    channel: ChannelInfo

    @property
    def rules(self) -> JourneyRules:
        """The journey's own rules (``messages``, ``budgets``), as recorded in the run."""
        return self.run.rules


class Check:
    """Base class of every check; see the module docstring."""

    code: ClassVar[str]
    slug: ClassVar[str]
    title: ClassVar[str]
    failure_title: ClassVar[str]
    category: ClassVar[str]
    weight: ClassVar[float] = 1.0
    severity: ClassVar[str] = "moderate"
    scope: ClassVar[Scope] = "step"
    requires: ClassVar[tuple[str, ...]] = ()
    #: axe-core rules that judge the same thing for the same elements: an
    #: element one of them was reported failing on the step is not failed again.
    overlaps_axe: ClassVar[tuple[str, ...]] = ()
    #: The W3C ACT rules (ids such as ``80af7b``) whose failed examples this
    #: check is meant to find; bench/act.py scores it on their test cases.
    act_rules: ClassVar[tuple[str, ...]] = ()
    advice: ClassVar[str] = ""
    help_url: ClassVar[str] = ""
    Options: ClassVar[type[BaseModel]] = NoOptions
    #: Options whose value comes from a section of the project settings,
    #: e.g. ``{"defaults": "budgets"}``; an option set on the check itself wins.
    settings_options: ClassVar[dict[str, str]] = {}

    def evaluate(
        self, subject: Any, options: Any
    ) -> Iterable[Result]:  # pragma: no cover - abstract
        raise NotImplementedError

    @classmethod
    def doc(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def impact(cls) -> str:
        """Why the check matters to a customer: the first sentence of its documentation's
        second paragraph (the first is its summary)."""
        paragraphs = [" ".join(p.split()) for p in cls.doc().split("\n\n") if p.strip()]
        text = paragraphs[1] if len(paragraphs) > 1 else (paragraphs[0] if paragraphs else "")
        return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text, maxsplit=1)[0]

    @classmethod
    def option_defaults(cls) -> dict[str, Any]:
        return cls.Options().model_dump()


REGISTRY: dict[str, Check] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check to the registry; codes and slugs must be unique."""
    for attr in ("code", "slug", "title", "failure_title", "category"):
        if not getattr(cls, attr, None):
            raise TypeError(f"{cls.__name__} must declare {attr}")
    if cls.category not in CATEGORIES:
        raise TypeError(f"{cls.__name__}: unknown category {cls.category!r}")
    for rule in cls.act_rules:
        if not re.fullmatch(r"[a-z0-9]{6}", rule):
            raise TypeError(f"{cls.__name__}: {rule!r} is not an ACT rule id")
    if cls.code in REGISTRY:
        raise TypeError(f"check code {cls.code} is used twice")
    if any(c.slug == cls.slug for c in REGISTRY.values()):
        raise TypeError(f"check slug {cls.slug} is used twice")
    if not cls.__doc__:
        raise TypeError(f"{cls.__name__} needs a docstring: it is the check's documentation")
    REGISTRY[cls.code] = cls()
    return cls


def all_checks() -> list[Check]:
    """Every registered check, in code order (imports the built-in ones)."""
    import cxaudit.checks.builtin  # noqa: F401  (registers on import)

    return [REGISTRY[code] for code in sorted(REGISTRY)]


IMPACT_WEIGHTS = {"critical": 10.0, "serious": 7.0, "moderate": 3.0, "minor": 1.0}
"""axe impact -> weight, as Lighthouse weighs accessibility audits."""
