"""The journey file contract as pydantic models.

These models are the single source of truth for what a journey file may contain: loading,
validation messages and the published JSON Schema (``cx schema``) all come from them.

Every text is kept NFC-normalised with ``\n`` line breaks, and may not hold control characters,
non-characters or invisible format characters (:func:`journeymap.text.text_problem`). Every
number must be finite (no ``inf`` or ``NaN``), and a whole number must be at most 2^53 in size,
the largest a float keeps exactly (a larger one would be silently rounded).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .experience import ExperienceType
from .text import normalise_text, text_problem

__all__ = ["ID_PATTERN", "MAX_EXACT_INTEGER", "JourneySpec", "MetricsSpec", "TouchpointSpec", "TransitionSpec"]

ID_PATTERN = r"^[a-z0-9_]+$"
MAX_EXACT_INTEGER = 2**53
"""The largest whole number a journey keeps exactly (numbers are stored as 64-bit floats)."""


def _clean_text(value: str) -> str:
    text = normalise_text(value)
    problem = text_problem(text)
    if problem is not None:
        raise PydanticCustomError("text_character", problem)
    return text


def _exact_number(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_EXACT_INTEGER:
        raise PydanticCustomError(
            "number_too_large",
            "is a whole number larger than 2^53 = 9,007,199,254,740,992, which cannot be kept exactly",
        )
    return value


def _finite(value: float) -> float:
    if not math.isfinite(value):
        raise PydanticCustomError("finite_number", "Input should be a finite number")
    return value


def _exact_numbers(*names: str) -> Any:
    """A before-validator refusing whole numbers too large to keep exactly in the named fields."""
    return field_validator(*names, mode="before")(lambda cls, value: _exact_number(value))


Text = Annotated[str, AfterValidator(_clean_text)]
TouchpointId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
NonEmptyText = Annotated[str, StringConstraints(min_length=1), AfterValidator(_clean_text)]
Lane = Literal["frontstage", "backstage"]


class MetricsSpec(BaseModel):
    """Measured CX metrics of a touchpoint. Extra keys are allowed and must be numbers."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Annotated[int | float, BeforeValidator(_exact_number), AfterValidator(_finite)]] = Field(
        init=False
    )

    csat: float | None = Field(None, allow_inf_nan=False, ge=0, le=100, description="CSAT, % of answers 4–5 on a 1–5 scale")
    nps: float | None = Field(None, allow_inf_nan=False, ge=-100, le=100, description="Net Promoter Score, −100…100")
    ces: float | None = Field(None, allow_inf_nan=False, ge=1, le=7, description="Measured mean CES, 1 (very hard)…7 (very easy)")
    ttr_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Mean time to resolution, hours")

    _exact = _exact_numbers("csat", "nps", "ces", "ttr_hours")

    @model_validator(mode="before")
    @classmethod
    def _metric_names(cls, data: Any) -> Any:
        """Extra metric names are text too: they reach the drawings."""
        if isinstance(data, dict):
            for key in data:
                problem = text_problem(key) if isinstance(key, str) else None
                if problem is not None:
                    raise PydanticCustomError("text_character", "metric name {name} " + problem, {"name": repr(key)})
        return data


class TouchpointSpec(BaseModel):
    """One touchpoint: a moment where the customer meets the service (or backstage work behind it)."""

    model_config = ConfigDict(extra="forbid")

    id: TouchpointId = Field(description="Unique id: lowercase letters, digits, underscore")
    name: NonEmptyText = Field(description="Display name, any text (Vietnamese welcome)")
    stage: Text = Field(description="One of the journey's stages")
    channel: Text | None = Field(None, description="app, web, phone, branch, email, chat, …")
    lane: Lane = Field("frontstage", description="frontstage (customer sees it) or backstage")
    ces: float | None = Field(None, allow_inf_nan=False, ge=1, le=7, description="Customer Effort Score, 1 = very hard … 7 = very easy")
    drop_off: float | None = Field(None, allow_inf_nan=False, ge=0, le=1, description="Share of customers who leave here, 0–1")
    experience: list[ExperienceType] = Field(default_factory=list, description="Schmitt experience types")
    emotion: float | None = Field(None, allow_inf_nan=False, ge=-2, le=2, description="Customer emotion, −2 (very negative) … +2")
    goal: bool = Field(False, description="Reaching this touchpoint means the journey succeeded")
    volume: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers who reach this touchpoint (per period, or cases in a log)")
    starts: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers whose journey begins at this touchpoint")
    owner: Text | None = Field(None, description="Team or role responsible for the touchpoint")
    description: Text | None = None
    aliases: list[Text] = Field(default_factory=list, description="Other names customers use for it")
    pain_points: list[Text] = Field(default_factory=list)
    opportunities: list[Text] = Field(default_factory=list)
    metrics: MetricsSpec | None = None

    _exact = _exact_numbers("ces", "drop_off", "emotion", "volume", "starts")


class TransitionSpec(BaseModel):
    """A customer moving from one touchpoint to another. Loops and self-loops are allowed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: TouchpointId = Field(alias="from", description="Touchpoint id the customer leaves")
    target: TouchpointId = Field(alias="to", description="Touchpoint id the customer reaches")
    volume: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers per period along this transition")
    probability: float | None = Field(None, allow_inf_nan=False, ge=0, le=1, description="Share of the source's customers, 0–1")
    label: Text | None = None
    median_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Median time between the two steps, hours")
    mean_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Mean time between the two steps, hours")

    _exact = _exact_numbers("volume", "probability", "median_hours", "mean_hours")


class JourneySpec(BaseModel):
    """A customer journey file."""

    model_config = ConfigDict(
        extra="forbid",
        title="Customer journey",
        json_schema_extra={"description": "A customer journey for the cx toolkit (journeymap)."},
    )

    journey: NonEmptyText = Field(description="Title of the journey")
    persona: Text | None = None
    description: Text | None = None
    origin: Literal["designed", "discovered"] | None = Field(None, description="'discovered' when cx discover made it from an event log; else designed")
    stages: list[NonEmptyText] = Field(min_length=1, description="Stages, in order")
    touchpoints: list[TouchpointSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] | None = Field(
        None, description="When absent, touchpoints follow each other in listed order"
    )
