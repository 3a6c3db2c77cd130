"""The :class:`Journey`: a thin, typed model over a :class:`networkx.DiGraph`."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import networkx as nx
from pydantic import ValidationError

from ._schema import CustomLaneSpec, JourneySpec, PersonaSpec, StageSpec, TouchpointSpec, TransitionSpec
from .errors import JourneyValidationError, Problem
from .text import normalise_text

if TYPE_CHECKING:
    from .draw.render import ColorBy

__all__ = ["Journey"]

# Touchpoint fields left out of the graph (and of saved files) when empty or false.
_LIST_FIELDS = ("experience", "aliases", "pain_points", "opportunities", "personas", "by_persona", "lanes")
_FLAGS = ("goal", "moment_of_truth")


class Journey:
    """A customer journey: stages in order, touchpoints in stages, transitions between them.

    The journey *is* its :attr:`graph`, a plain :class:`networkx.DiGraph`: nodes are touchpoint ids
    carrying the touchpoint's annotations as attributes (``name``, ``stage``, ``ces``, ``drop_off``,
    ``emotion``, ``experience``, ``pain_points``, ``metrics`` …), edges carry ``volume``,
    ``probability`` and ``label``, and ``graph.graph`` holds the title, persona and ordered stage
    names, plus, when the file gives them, ``personas`` (a list of persona mappings), ``lanes`` (the
    canvas rows) and ``stage_info`` (``{stage name: {goal, kpis, duration}}``).
    Every networkx algorithm runs on it unchanged.

    Parameters
    ----------
    title
        The journey's title.
    stages
        Stage names, in order.
    persona, description
        Optional text.

    Examples
    --------
    >>> j = Journey("Mở tài khoản", stages=["Nhận biết", "Đăng ký"])
    >>> j.add_touchpoint("fb_ad", name="Quảng cáo Facebook", stage="Nhận biết", ces=6)
    >>> j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", ces=3, drop_off=0.35)
    >>> j.add_transition("fb_ad", "ekyc", volume=1200)
    >>> j.add_transition("ekyc", "ekyc", volume=300)   # customers retrying: loops are allowed
    >>> j
    Journey('Mở tài khoản', 2 stages, 2 touchpoints, 2 transitions)
    >>> j.graph.nodes["ekyc"]["drop_off"]
    0.35
    >>> import networkx as nx
    >>> nx.shortest_path(j.graph, "fb_ad", "ekyc")
    ['fb_ad', 'ekyc']
    """

    def __init__(
        self,
        title: str,
        *,
        stages: Iterable[str],
        persona: str | None = None,
        description: str | None = None,
    ) -> None:
        self.graph: nx.DiGraph = nx.DiGraph(journey=_text(title), stages=[_text(s) for s in stages])
        if persona is not None:
            self.graph.graph["persona"] = _text(persona)
        if description is not None:
            self.graph.graph["description"] = _text(description)

    # -- descriptive properties ------------------------------------------------------------------
    @property
    def title(self) -> str:
        return str(self.graph.graph["journey"])

    @property
    def persona(self) -> str | None:
        return self.graph.graph.get("persona")

    @property
    def personas(self) -> list[PersonaSpec]:
        """The journey's personas; a journey with only the older ``persona`` text has one persona of that name."""
        declared = self.graph.graph.get("personas") or []
        if not declared and self.persona is not None:
            return [PersonaSpec.model_validate({"name": self.persona})]
        return [PersonaSpec.model_validate(p) for p in declared]

    @property
    def stage_info(self) -> dict[str, StageSpec]:
        """Every stage's details (``goal``, ``kpis``, ``duration``), by stage name, in stage order."""
        info = self.graph.graph.get("stage_info") or {}
        return {s: StageSpec.model_validate({"name": s, **info.get(s, {})}) for s in self.stages}

    @property
    def lanes(self) -> list[str | CustomLaneSpec] | None:
        """The canvas rows the file asks for, top to bottom (``None``: the canvas's default rows).

        A built-in row is its key (see :data:`journeymap._schema.BUILTIN_LANES`); a row of the team's
        own is a :class:`CustomLaneSpec` whose text each touchpoint gives in its ``lanes`` mapping.
        """
        lanes = self.graph.graph.get("lanes")
        if lanes is None:
            return None
        return [lane if isinstance(lane, str) else CustomLaneSpec.model_validate(lane) for lane in lanes]

    @property
    def description(self) -> str | None:
        return self.graph.graph.get("description")

    @property
    def stages(self) -> list[str]:
        return list(self.graph.graph["stages"])

    @property
    def touchpoints(self) -> list[TouchpointSpec]:
        """Touchpoints in the order they were added (file order)."""
        return [self.touchpoint(n) for n in self.graph.nodes]

    @property
    def transitions(self) -> list[TransitionSpec]:
        return [
            TransitionSpec.model_validate({"from": u, "to": v, **attrs})
            for u, v, attrs in self.graph.edges(data=True)
        ]

    def touchpoint(self, touchpoint_id: str) -> TouchpointSpec:
        """The typed view of one touchpoint.

        Raises
        ------
        KeyError
            When no touchpoint has that id (the message lists the ids that exist).
        """
        if touchpoint_id not in self.graph:
            known = ", ".join(map(str, self.graph.nodes)) or "(none)"
            raise KeyError(f"no touchpoint {touchpoint_id!r} in journey {self.title!r}; ids: {known}")
        return TouchpointSpec.model_validate({"id": touchpoint_id, **self.graph.nodes[touchpoint_id]})

    # -- building ---------------------------------------------------------------------------------
    def add_stage(self, name: str) -> None:
        """Append a stage at the end of the stage order."""
        name = _text(name)
        if name in self.graph.graph["stages"]:
            raise JourneyValidationError([Problem(f"stage {name!r} already exists", "stages")])
        self.graph.graph["stages"].append(name)

    def add_touchpoint(self, touchpoint_id: str, *, name: str, stage: str, **fields: Any) -> None:
        """Add a touchpoint; every keyword of the journey file's touchpoint is accepted.

        Raises
        ------
        JourneyValidationError
            For a duplicate id, an unknown stage or any out-of-range value.
        """
        problems = []
        stage = _text(stage)
        if touchpoint_id in self.graph:
            problems.append(Problem(f"duplicate touchpoint id {touchpoint_id!r}", f"touchpoint {touchpoint_id!r}"))
        if stage not in self.graph.graph["stages"]:
            problems.append(
                Problem(
                    f"stage {stage!r} is not one of the journey's stages: {', '.join(self.stages)}",
                    f"touchpoint {touchpoint_id!r} → stage",
                )
            )
        spec = _validated(
            TouchpointSpec, {"id": touchpoint_id, "name": name, "stage": stage, **fields}, f"touchpoint {touchpoint_id!r}"
        )
        if problems:
            raise JourneyValidationError(problems)
        self.graph.add_node(touchpoint_id, **_node_attrs(spec))

    def add_transition(
        self,
        source: str,
        target: str,
        *,
        volume: float | None = None,
        probability: float | None = None,
        label: str | None = None,
        median_hours: float | None = None,
        mean_hours: float | None = None,
    ) -> None:
        """Add (or replace) the transition ``source → target``. Self-loops are allowed."""
        missing = [t for t in (source, target) if t not in self.graph]
        if missing:
            raise JourneyValidationError(
                [
                    Problem(
                        f"unknown touchpoint {m!r}; ids: {', '.join(map(str, self.graph.nodes))}",
                        f"transition {source} → {target}",
                    )
                    for m in missing
                ]
            )
        spec = _validated(
            TransitionSpec,
            {
                "from": source,
                "to": target,
                "volume": volume,
                "probability": probability,
                "label": label,
                "median_hours": median_hours,
                "mean_hours": mean_hours,
            },
            f"transition {source} → {target}",
        )
        self.graph.add_edge(source, target, **_edge_attrs(spec))

    # -- conversion -----------------------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: JourneySpec) -> Journey:
        journey = cls(spec.journey, stages=spec.stage_names, persona=spec.persona, description=spec.description)
        attrs = journey.graph.graph
        if spec.personas:
            attrs["personas"] = [_dropped_empty(p.model_dump(mode="json", exclude_none=True)) for p in spec.personas]
        info = {
            s.name: details
            for s in spec.stages
            if not isinstance(s, str) and (details := _dropped_empty(s.model_dump(mode="json", exclude={"name"}, exclude_none=True)))
        }
        if info:
            attrs["stage_info"] = info
        if spec.lanes is not None:
            attrs["lanes"] = [lane if isinstance(lane, str) else lane.model_dump(mode="json") for lane in spec.lanes]
        for tp in spec.touchpoints:
            journey.graph.add_node(tp.id, **_node_attrs(tp))
        if spec.transitions is None:
            ids = [tp.id for tp in spec.touchpoints]
            journey.graph.add_edges_from(itertools.pairwise(ids))
        else:
            for tr in spec.transitions:
                journey.graph.add_edge(tr.source, tr.target, **_edge_attrs(tr))
        return journey

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Journey:
        """Build from a mapping shaped like a journey file, validating everything."""
        from .validation import validate_journey_data

        return cls.from_spec(validate_journey_data(dict(data), source=source))

    @classmethod
    def from_graph(cls, graph: nx.DiGraph, *, source: str | None = None) -> Journey:
        """Build from a networkx graph whose attributes follow the journey file's names.

        ``source`` (a file name) prefixes the message of a :class:`JourneyValidationError`.
        """
        data: dict[str, Any] = {k: v for k, v in graph.graph.items() if k in JourneySpec.model_fields}
        if isinstance(data.get("stages"), list) and isinstance(graph.graph.get("stage_info"), dict):
            data["stages"] = _stage_entries(data["stages"], graph.graph["stage_info"])
        data["touchpoints"] = [{"id": n, **attrs} for n, attrs in graph.nodes(data=True)]
        data["transitions"] = [{"from": u, "to": v, **attrs} for u, v, attrs in graph.edges(data=True)]
        return cls.from_dict(data, source=source)

    def to_spec(self) -> JourneySpec:
        """The journey as a validated :class:`JourneySpec` (checks the graph's current contents)."""
        from .validation import validate_journey_data

        return validate_journey_data(self.to_dict(), source=f"journey {self.title!r}")

    def to_dict(self) -> dict[str, Any]:
        """A plain mapping in journey-file form, with every transition listed explicitly."""
        attrs = self.graph.graph
        out: dict[str, Any] = {"journey": self.title}
        for key in ("persona", "personas", "description"):
            if attrs.get(key) is not None and attrs[key] != []:
                out[key] = _tidy(attrs[key])
        out["stages"] = _tidy(_stage_entries(self.stages, attrs.get("stage_info") or {}))
        if attrs.get("lanes") is not None:
            out["lanes"] = attrs["lanes"]
        out["touchpoints"] = [_tidy({"id": n, **attrs}) for n, attrs in self.graph.nodes(data=True)]
        out["transitions"] = [_tidy({"from": u, "to": v, **attrs}) for u, v, attrs in self.graph.edges(data=True)]
        return out

    def validate(self) -> Journey:
        """Check the current contents (the graph may have been edited directly); return ``self``."""
        self.to_spec()
        return self

    # -- display ----------------------------------------------------------------------------------
    def to_svg(self, *, color_by: ColorBy = "emotion") -> str:
        """The journey drawn as SVG text (see :func:`journeymap.render_journey`)."""
        from .draw.render import journey_to_svg

        return journey_to_svg(self, color_by=color_by)

    def _repr_svg_(self) -> str:
        return self.to_svg()

    def __repr__(self) -> str:
        return (
            f"Journey({self.title!r}, {len(self.stages)} stages, {self.graph.number_of_nodes()} touchpoints, "
            f"{self.graph.number_of_edges()} transitions)"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Journey):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    __hash__ = None  # type: ignore[assignment]  # mutable


def _text(value: Any) -> Any:
    """Text as a journey keeps it (NFC, ``\\n`` line breaks); anything else as given, for validation to judge."""
    return normalise_text(value) if isinstance(value, str) else value


def _validated(model: type[Any], data: dict[str, Any], where: str) -> Any:
    try:
        return model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        from ._parse import Document
        from .validation import problem_from_pydantic

        document = Document(data)
        raise JourneyValidationError(
            [problem_from_pydantic(e, data, document, prefix=where) for e in exc.errors()]
        ) from None


def _node_attrs(tp: TouchpointSpec) -> dict[str, Any]:
    attrs = tp.model_dump(mode="json", exclude={"id"}, exclude_none=True)
    for key in (*_FLAGS, *_LIST_FIELDS):
        if not attrs.get(key):
            attrs.pop(key, None)
    if "metrics" in attrs:
        attrs["metrics"] = {k: v for k, v in attrs["metrics"].items() if v is not None}
    if "by_persona" in attrs:
        attrs["by_persona"] = {name: _dropped_empty(values) for name, values in attrs["by_persona"].items()}
    return attrs


def _dropped_empty(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` without empty lists and mappings (the defaults a file need not write)."""
    return {k: v for k, v in values.items() if v != [] and v != {}}


def _stage_entries(names: list[str], info: Mapping[str, Any]) -> list[Any]:
    """Stages as a journey file writes them: a name alone, or a mapping when the stage has details."""
    return [{"name": name, **info[name]} if info.get(name) else name for name in names]


def _edge_attrs(tr: TransitionSpec) -> dict[str, Any]:
    return tr.model_dump(mode="json", exclude={"source", "target"}, exclude_none=True)


def _tidy(value: Any) -> Any:
    """Whole floats back to ints (``6.0`` → ``6``) so saved files read as they were written."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value
