"""Budgets as a journey, a step or the config writes them: limits per metric and channel."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BudgetLimits(BaseModel):
    """Limits for every step (and, ``journey_ms``, for the whole journey)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    step_ms: float | None = Field(default=None, ge=0, description="Step duration, ms.")
    ttfb_ms: float | None = Field(default=None, ge=0, description="Server response time, ms.")
    fcp_ms: float | None = Field(default=None, ge=0, description="First Contentful Paint, ms.")
    lcp_ms: float | None = Field(default=None, ge=0, description="Largest Contentful Paint, ms.")
    cls: float | None = Field(default=None, ge=0, description="Cumulative Layout Shift.")
    interaction_ms: float | None = Field(
        default=None, ge=0, description="Slowest click or key press, ms."
    )
    requests: int | None = Field(default=None, ge=0, description="Requests of a step.")
    bytes: int | None = Field(default=None, ge=0, description="Bytes a step receives.")
    journey_ms: float | None = Field(
        default=None, ge=0, description="All step durations of the journey together, ms."
    )


class Budget(BudgetLimits):
    """A budget as written in config (``budgets:``), a journey or a step's ``audit: {budget:}``.

    Limits written at the top apply on every channel; ``channels:`` sets
    limits for one channel, which win over the top ones at the same level.
    A step's budget wins over its journey's, which wins over the config's.
    """

    channels: dict[str, BudgetLimits] = Field(
        default_factory=dict, description="Limits for one channel, over the ones above."
    )

    def as_rules(self) -> dict[str, Any]:
        """The limits that are set, as plain data for results.json."""
        return self.model_dump(exclude_none=True, exclude_defaults=True)

    @model_validator(mode="before")
    @classmethod
    def _mapping(cls, value: Any) -> Any:
        if value is None:
            return {}
        return value
