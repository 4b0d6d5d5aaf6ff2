"""The typed journey: what the runner executes, with positions kept for errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

#: The three stages of a purchase, in the order a customer meets them.
CANONICAL_STAGES = ("pre-purchase", "purchase", "post-purchase")


@dataclass(frozen=True)
class Step:
    """One thing the customer does.

    ``args`` is the validated argument model; ``raw_args`` the same before
    variables are substituted (the runner substitutes and validates again).
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


@dataclass(frozen=True)
class Stage:
    name: str
    steps: tuple[Step, ...]
    line: int = 0

    @property
    def canonical(self) -> bool:
        return self.name in CANONICAL_STAGES


@dataclass(frozen=True)
class Journey:
    """A customer journey, as written in one YAML file."""

    name: str
    file: str
    line: int
    stages: tuple[Stage, ...]
    description: str = ""
    tags: tuple[str, ...] = ()
    base_url: str | None = None
    channels: tuple[str, ...] | None = None
    messages: dict[str, Any] = field(default_factory=dict)

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
