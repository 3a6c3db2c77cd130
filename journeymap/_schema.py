"""The journey file contract as pydantic models.

These models are the single source of truth for what a journey file may contain: loading,
validation messages and the published JSON Schema (``cx schema``) all come from them.

Everything added after the first version is optional, so older files load unchanged and save
identically: several ``personas`` (the older single ``persona`` text still works), stage details
(``goal``, ``kpis``, ``duration``), per-touchpoint ``thinks`` / ``says`` / ``does``,
``moment_of_truth``, ``by_persona`` variations, and the canvas rows (``lanes``). A touchpoint's
``id`` may be left out (it becomes a slug of its name, see :func:`journeymap.resolve.fill_touchpoint_ids`)
and transitions may name touchpoints by name. Shares (``drop_off``, ``probability``) and
percentages (``csat``) may be written as percent text: ``"25%"``, ``"25 %"``, ``"25,5%"``.

Every text is kept NFC-normalised with ``\n`` line breaks, and may not hold control characters,
non-characters or invisible format characters (:func:`journeymap.text.text_problem`). Every
number must be finite (no ``inf`` or ``NaN``), and a whole number must be at most 2^53 in size,
the largest a float keeps exactly (a larger one would be silently rounded).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .experience import ExperienceType
from .resolve import derived_id, fill_touchpoint_ids
from .text import normalise_text, text_problem

__all__ = ["BUILTIN_LANES", "DEFAULT_LANES", "ID_PATTERN", "MAX_EXACT_INTEGER", "PERCENT_PATTERN", "UNION_TAGS",
           "CustomLaneSpec", "JourneySpec", "MetricsSpec", "PersonaSpec", "PersonaVariantSpec", "StageSpec",
           "TouchpointSpec", "TransitionSpec", "parse_percent"]

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


PERCENT_PATTERN = r"^\s*[+-]?[0-9]+(?:[.,][0-9]+)?\s*%\s*$"
"""Percent text accepted where a share or a percentage is expected: ``25%``, ``25 %``, ``25,5%``."""
_PERCENT = re.compile(PERCENT_PATTERN)


def parse_percent(value: Any, *, share: bool = True) -> Any:
    """``value`` as a number when it is percent text, else ``value`` unchanged (for validation to judge).

    With ``share=True`` the percentage becomes the share it means (``"25%"`` → 0.25), for fields
    on a 0–1 scale; with ``share=False`` it stays on the 0–100 scale (``"85%"`` → 85.0). A comma
    is a decimal comma, as Vietnamese writes it.

    >>> parse_percent("25%"), parse_percent("25,5 %"), parse_percent("85%", share=False), parse_percent(0.4)
    (0.25, 0.255, 85.0, 0.4)
    """
    if isinstance(value, str) and _PERCENT.match(value):
        number = float(value.strip().rstrip("%").strip().replace(",", "."))
        return number / 100 if share else number
    return value


def _share(value: Any) -> Any:
    return parse_percent(_exact_number(value), share=True)


def _percentage(value: Any) -> Any:
    return parse_percent(_exact_number(value), share=False)


def _number_or_percent(low: float | None, high: float | None) -> dict[str, Any]:
    number: dict[str, Any] = {"type": "number"}
    if low is not None:
        number["minimum"] = low
    if high is not None:
        number["maximum"] = high
    return {"anyOf": [number, {"type": "string", "pattern": PERCENT_PATTERN}]}


Text = Annotated[str, AfterValidator(_clean_text)]
TouchpointId = Annotated[str, StringConstraints(pattern=ID_PATTERN)]
NonEmptyText = Annotated[str, StringConstraints(min_length=1), AfterValidator(_clean_text)]
Lane = Literal["frontstage", "backstage"]
#: A share from 0 to 1; percent text ("25%") is read as the share it means.
Share = Annotated[
    float, Field(allow_inf_nan=False, ge=0, le=1), BeforeValidator(_share), WithJsonSchema(_number_or_percent(0, 1))
]
#: A percentage from 0 to 100; percent text ("85%") is read as 85.
Percentage = Annotated[
    float, Field(allow_inf_nan=False, ge=0, le=100), BeforeValidator(_percentage),
    WithJsonSchema(_number_or_percent(0, 100)),
]
Emotion = Annotated[float, Field(allow_inf_nan=False, ge=-2, le=2), BeforeValidator(_exact_number)]
Effort = Annotated[float, Field(allow_inf_nan=False, ge=1, le=7), BeforeValidator(_exact_number)]

#: The canvas rows cx knows, by key, for a journey's ``lanes`` list (see :class:`JourneySpec`).
BUILTIN_LANES: tuple[str, ...] = (
    "name", "channel", "owner", "experience", "emotion", "ces", "drop_off", "thinks", "says", "does",
    "pain_points", "opportunities", "metrics", "feedback", "description",
)
#: The canvas rows, in order, of a journey without ``lanes``.
#: A row no touchpoint has data for is left out, so ``owner`` and ``does`` / ``thinks`` / ``says`` show only
#: in journeys that fill them in.
DEFAULT_LANES: tuple[str, ...] = (
    "name", "owner", "experience", "does", "thinks", "says", "emotion", "ces", "drop_off", "pain_points",
    "opportunities", "metrics", "feedback",
)
BuiltinLane = Literal[
    "name", "channel", "owner", "experience", "emotion", "ces", "drop_off", "thinks", "says", "does",
    "pain_points", "opportunities", "metrics", "feedback", "description",
]
#: The tags of the unions below: they appear in pydantic's error locations, and validation drops them.
UNION_TAGS = frozenset({"stage name", "stage details", "built-in row", "custom row", "fact list", "fact mapping",
                        "duration text", "hours"})


def _by_type(text_tag: str, mapping_tag: str) -> Discriminator:
    """A union decided by the value's kind: a mapping takes ``mapping_tag``, anything else ``text_tag``
    (so a number or a boolean where text is meant gets the text's message, with its quote hint)."""
    return Discriminator(lambda value: mapping_tag if isinstance(value, dict) else text_tag)


class MetricsSpec(BaseModel):
    """Measured CX metrics of a touchpoint. Extra keys are allowed and must be numbers (percent text
    such as ``"72%"`` is read as the share 0.72)."""

    model_config = ConfigDict(extra="allow")
    __pydantic_extra__: dict[str, Annotated[int | float, BeforeValidator(_share), AfterValidator(_finite)]] = Field(
        init=False
    )

    csat: Percentage | None = Field(None, description="CSAT, % of answers 4–5 on a 1–5 scale (0–100; \"85%\" reads as 85)")
    nps: float | None = Field(None, allow_inf_nan=False, ge=-100, le=100, description="Net Promoter Score, −100…100")
    ces: float | None = Field(None, allow_inf_nan=False, ge=1, le=7, description="Measured mean CES, 1 (very hard)…7 (very easy)")
    ttr_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Mean time to resolution, hours")

    _exact = _exact_numbers("nps", "ces", "ttr_hours")

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


def _fact_value(value: Any) -> Any:
    """A fact written as a number (``Tuổi: 32``) is kept as the text it reads as."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


FactText = Annotated[
    str, BeforeValidator(_fact_value), AfterValidator(_clean_text),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}]}),
]


class PersonaSpec(BaseModel):
    """A persona: who walks the journey. Only ``name`` is required."""

    model_config = ConfigDict(extra="forbid", title="Persona")

    name: NonEmptyText = Field(description="Tên persona, e.g. 'Chị Lan, nhân viên văn phòng'; used in by_persona")
    photo: Text | None = Field(None, description="Ảnh: path of a photo file (relative to the journey file) or a web address")
    quote: Text | None = Field(None, description="Câu nói tiêu biểu of the persona, in their own words")
    description: Text | None = Field(None, description="Mô tả: a few sentences about the persona")
    goals: list[Text] = Field(default_factory=list, description="Mục tiêu: what the persona wants")
    frustrations: list[Text] = Field(default_factory=list, description="Nỗi bực dọc: what annoys or blocks them")
    facts: Annotated[
        Annotated[dict[NonEmptyText, FactText], Tag("fact mapping")] | Annotated[list[Text], Tag("fact list")],
        _by_type("fact list", "fact mapping"),
    ] = Field(
        default_factory=list,
        description="Thông tin: a mapping such as {Tuổi: 32, Nghề nghiệp: Giáo viên} (numbers kept as text) "
        "or a list of short facts",
    )


class PersonaVariantSpec(BaseModel):
    """How one persona's experience of a touchpoint differs from the touchpoint's own values."""

    model_config = ConfigDict(extra="forbid", title="Per-persona values")

    emotion: Emotion | None = Field(None, description="This persona's emotion, −2 … +2")
    drop_off: Share | None = Field(None, description="Share of this persona who leave here, 0–1 or \"25%\"")
    ces: Effort | None = Field(None, description="This persona's Customer Effort Score, 1 … 7")
    pain_points: list[Text] = Field(default_factory=list, description="This persona's own pain points")
    thinks: Text | None = Field(None, description="What this persona thinks here")
    says: Text | None = Field(None, description="What this persona says here")
    does: Text | None = Field(None, description="What this persona does here")


_HOURS = re.compile(r"\s*[0-9]+(?:[.,][0-9]+)?\s*")


def _hours(value: Any) -> Any:
    """A duration written as a plain number in text (``"48"``, a spreadsheet cell) is hours, as ``48`` is."""
    if isinstance(value, str) and _HOURS.fullmatch(value):
        return float(value.strip().replace(",", "."))
    return _exact_number(value)


class StageSpec(BaseModel):
    """A stage with details. A stage may also be written as its name alone."""

    model_config = ConfigDict(extra="forbid", title="Stage")

    name: NonEmptyText = Field(description="Tên giai đoạn, unique in the journey")
    goal: Text | None = Field(None, description="Mục tiêu of the customer (or the business) in this stage")
    kpis: list[Text] = Field(default_factory=list, description="KPI: what is measured in this stage")
    duration: Annotated[
        Annotated[
            Annotated[Text, Tag("duration text")] | Annotated[float, Field(allow_inf_nan=False, ge=0), Tag("hours")],
            Discriminator(lambda v: "hours" if isinstance(v, (int, float)) and not isinstance(v, bool) else "duration text"),
        ] | None,
        BeforeValidator(_hours),
    ] = Field(
        None, description="Thời gian: text such as '1–2 ngày', or a number of hours (a number alone, even in quotes)"
    )


def _lane_key(data: Any) -> Any:
    if isinstance(data, dict) and data.get("key") is None and isinstance(data.get("title"), str) and data["title"].strip():
        return {**data, "key": derived_id(normalise_text(data["title"]))}
    return data


class CustomLaneSpec(BaseModel):
    """A canvas row of the team's own, e.g. ``{title: "Chính sách", key: chinh_sach}``; touchpoints
    give its text in ``lanes: {chinh_sach: "..."}``."""

    model_config = ConfigDict(extra="forbid", title="Custom canvas row")

    title: NonEmptyText = Field(description="Row title shown on the canvas, e.g. 'Chính sách', 'Hệ thống'")
    key: TouchpointId | None = Field(
        None,
        description="Key touchpoints use in their 'lanes' mapping: lowercase letters, digits, underscore; "
        "when left out, the title folded (đ→d, no diacritics, '_' between words), e.g. 'chinh_sach'"
    )

    @model_validator(mode="before")
    @classmethod
    def _key(cls, data: Any) -> Any:
        return _lane_key(data)


StageEntry = Annotated[
    Annotated[NonEmptyText, Tag("stage name")] | Annotated[StageSpec, Tag("stage details")],
    _by_type("stage name", "stage details"),
]
LaneEntry = Annotated[
    Annotated[BuiltinLane, Tag("built-in row")] | Annotated[CustomLaneSpec, Tag("custom row")],
    _by_type("built-in row", "custom row"),
]


class TouchpointSpec(BaseModel):
    """One touchpoint: a moment where the customer meets the service (or backstage work behind it)."""

    model_config = ConfigDict(extra="forbid")

    id: TouchpointId | None = Field(
        None,
        description="Mã: unique id, lowercase letters, digits, underscore. Optional: when left out it is the name "
        "folded (đ→d, no diacritics, '_' between words, e.g. 'Trả kỳ đầu' → 'tra_ky_dau'), with _2, _3 … "
        "added in file order when two names fold alike",
    )
    name: NonEmptyText = Field(description="Display name, any text (Vietnamese welcome)")
    stage: Text = Field(description="One of the journey's stages")
    channel: Text | None = Field(None, description="app, web, phone, branch, email, chat, …")
    lane: Lane = Field("frontstage", description="frontstage (customer sees it) or backstage")
    ces: Effort | None = Field(None, description="Customer Effort Score, 1 = very hard … 7 = very easy")
    drop_off: Share | None = Field(None, description="Share of customers who leave here, 0–1 (0.25) or percent text (\"25%\")")
    experience: list[ExperienceType] = Field(default_factory=list, description="Schmitt experience types")
    emotion: Emotion | None = Field(None, description="Customer emotion, −2 (very negative) … +2")
    goal: bool = Field(False, description="Reaching this touchpoint means the journey succeeded")
    moment_of_truth: bool = Field(
        False, description="Khoảnh khắc quyết định: the customer decides here whether to trust and stay"
    )
    volume: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers who reach this touchpoint (per period, or cases in a log)")
    starts: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers whose journey begins at this touchpoint")
    owner: Text | None = Field(None, description="Team or role responsible for the touchpoint")
    description: Text | None = None
    thinks: Text | None = Field(None, description="Khách nghĩ: what the customer thinks here")
    says: Text | None = Field(None, description="Khách nói: what the customer says here")
    does: Text | None = Field(None, description="Khách làm: what the customer does here")
    aliases: list[Text] = Field(default_factory=list, description="Other names customers use for it")
    pain_points: list[Text] = Field(default_factory=list)
    opportunities: list[Text] = Field(default_factory=list)
    metrics: MetricsSpec | None = None
    personas: list[NonEmptyText] = Field(
        default_factory=list,
        description="Names of the personas who meet this touchpoint (of the journey's personas); empty: all of them",
    )
    by_persona: dict[NonEmptyText, PersonaVariantSpec] = Field(
        default_factory=dict,
        description="Values that differ per persona, keyed by persona name, e.g. "
        "{Chị Lan: {emotion: -1, drop_off: 30%}}; a value not given is the touchpoint's own",
    )
    lanes: dict[TouchpointId, Text] = Field(
        default_factory=dict,
        description="Text of the journey's custom canvas rows, keyed by the row's key, e.g. {chinh_sach: 'Miễn phí'}",
    )

    _exact = _exact_numbers("volume", "starts")


class TransitionSpec(BaseModel):
    """A customer moving from one touchpoint to another. Loops and self-loops are allowed."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    source: NonEmptyText = Field(alias="from", description="Touchpoint the customer leaves: its id or its name")
    target: NonEmptyText = Field(alias="to", description="Touchpoint the customer reaches: its id or its name")
    volume: float | None = Field(None, allow_inf_nan=False, ge=0, description="Customers per period along this transition")
    probability: Share | None = Field(None, description="Share of the source's customers, 0–1 (0.25) or percent text (\"25%\")")
    label: Text | None = None
    median_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Median time between the two steps, hours")
    mean_hours: float | None = Field(None, allow_inf_nan=False, ge=0, description="Mean time between the two steps, hours")

    _exact = _exact_numbers("volume", "median_hours", "mean_hours")


class JourneySpec(BaseModel):
    """A customer journey file."""

    model_config = ConfigDict(
        extra="forbid",
        title="Customer journey",
        json_schema_extra={"description": "A customer journey for the cx toolkit (journeymap)."},
    )

    journey: NonEmptyText = Field(description="Title of the journey")
    persona: Text | None = Field(
        None,
        description="The older, one-line form of a persona: read as a persona with only this name. "
        "Give either 'persona' or 'personas'",
    )
    personas: list[PersonaSpec] = Field(default_factory=list, description="Who walks the journey; one or several")
    description: Text | None = None
    origin: Literal["designed", "discovered"] | None = Field(None, description="'discovered' when cx discover made it from an event log; else designed")
    stages: list[StageEntry] = Field(
        min_length=1,
        description="Stages, in order: a name ('Tư vấn') or a mapping with details "
        "({name: Tư vấn, goal: ..., kpis: [...], duration: '1–2 ngày'})",
    )
    lanes: list[LaneEntry] | None = Field(
        None,
        description="Rows of the canvas, top to bottom. A built-in row by its key ("
        + ", ".join(BUILTIN_LANES)
        + ") or a row of the team's own as {title: 'Chính sách', key: chinh_sach} (key optional: the title "
        "folded), whose text each touchpoint gives in its 'lanes' mapping. When absent, the canvas shows "
        + ", ".join(DEFAULT_LANES) + " (each only when some touchpoint fills it in)",
    )
    touchpoints: list[TouchpointSpec] = Field(min_length=1)
    transitions: list[TransitionSpec] | None = Field(
        None, description="When absent, touchpoints follow each other in listed order"
    )

    @model_validator(mode="before")
    @classmethod
    def _ids(cls, data: Any) -> Any:
        """Touchpoints without an id get one from their name; transitions naming a touchpoint get its id."""
        return fill_touchpoint_ids(data)

    @property
    def stage_names(self) -> list[str]:
        """The stages' names, in order."""
        return [s if isinstance(s, str) else s.name for s in self.stages]
