"""The journey file contract as pydantic models.

These models are the single source of truth for what a journey file may contain: loading,
validation messages and the published JSON Schema (``cx schema``) all come from them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from .experience import ExperienceType

__all__ = ["ID_PATTERN", "JourneySpec", "MetricsSpec", "TouchpointSpec", "TransitionSpec"]

ID_PATTERN = r"^[a-z0-9_]+$"

TouchpointId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
NonEmptyText = Annotated[str, StringConstraints(min_length=1)]
Lane = Literal["frontstage", "backstage"]


class MetricsSpec(BaseModel):
    """Measured CX metrics of a touchpoint. Extra keys are allowed and must be numbers."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, int | float] = Field(init=False)

    csat: float | None = Field(None, ge=0, le=100, description="CSAT, % of answers 4–5 on a 1–5 scale")
    nps: float | None = Field(None, ge=-100, le=100, description="Net Promoter Score, −100…100")
    ces: float | None = Field(None, ge=1, le=7, description="Measured mean CES, 1 (very hard)…7 (very easy)")
    ttr_hours: float | None = Field(None, ge=0, description="Mean time to resolution, hours")


class TouchpointSpec(BaseModel):
    """One touchpoint: a moment where the customer meets the service (or backstage work behind it)."""

    model_config = ConfigDict(extra="forbid")

    id: TouchpointId = Field(description="Unique id: lowercase letters, digits, underscore")
    name: NonEmptyText = Field(description="Display name, any text (Vietnamese welcome)")
    stage: str = Field(description="One of the journey's stages")
    channel: str | None = Field(None, description="app, web, phone, branch, email, chat, …")
    lane: Lane = Field("frontstage", description="frontstage (customer sees it) or backstage")
    ces: float | None = Field(None, ge=1, le=7, description="Customer Effort Score, 1 = very hard … 7 = very easy")
    drop_off: float | None = Field(None, ge=0, le=1, description="Share of customers who leave here, 0–1")
    experience: list[ExperienceType] = Field(default_factory=list, description="Schmitt experience types")
    emotion: float | None = Field(None, ge=-2, le=2, description="Customer emotion, −2 (very negative) … +2")
    goal: bool = Field(False, description="Reaching this touchpoint means the journey succeeded")
    volume: float | None = Field(None, ge=0, description="Customers who reach this touchpoint (per period, or cases in a log)")
    starts: float | None = Field(None, ge=0, description="Customers whose journey begins at this touchpoint")
    owner: str | None = Field(None, description="Team or role responsible for the touchpoint")
    description: str | None = None
    aliases: list[str] = Field(default_factory=list, description="Other names customers use for it")
    pain_points: list[str] = Field(default_factory=list)
    opportunities: list[str] = Field(default_factory=list)
    metrics: MetricsSpec | None = None


class TransitionSpec(BaseModel):
    """A customer moving from one touchpoint to another. Loops and self-loops are allowed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: TouchpointId = Field(alias="from", description="Touchpoint id the customer leaves")
    target: TouchpointId = Field(alias="to", description="Touchpoint id the customer reaches")
    volume: float | None = Field(None, ge=0, description="Customers per period along this transition")
    probability: float | None = Field(None, ge=0, le=1, description="Share of the source's customers, 0–1")
    label: str | None = None
    median_hours: float | None = Field(None, ge=0, description="Median time between the two steps, hours")
    mean_hours: float | None = Field(None, ge=0, description="Mean time between the two steps, hours")


class JourneySpec(BaseModel):
    """A customer journey file."""

    model_config = ConfigDict(
        extra="forbid",
        title="Customer journey",
        json_schema_extra={"description": "A customer journey for the cx toolkit (journeymap)."},
    )

    journey: NonEmptyText = Field(description="Title of the journey")
    persona: str | None = None
    description: str | None = None
    stages: list[NonEmptyText] = Field(min_length=1, description="Stages, in order")
    touchpoints: list[TouchpointSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] | None = Field(
        None, description="When absent, touchpoints follow each other in listed order"
    )
