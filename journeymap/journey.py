"""The :class:`Journey`: a thin, typed model over a :class:`networkx.DiGraph`."""

from __future__ import annotations

import copy as _copy
import itertools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx
from pydantic import TypeAdapter, ValidationError

from ._schema import CustomLaneSpec, JourneySpec, NonEmptyText, PersonaSpec, StageSpec, TouchpointSpec, TransitionSpec
from .errors import JourneyValidationError, Problem, excerpt
from .text import normalise_text

if TYPE_CHECKING:
    import pandas as pd

    from .draw.render import ColorBy

__all__ = ["Journey", "Origin"]

# Touchpoint fields left out of the graph (and of saved files) when empty or false.
_LIST_FIELDS = ("experience", "aliases", "pain_points", "opportunities", "personas", "by_persona", "lanes")
_FLAGS = ("goal", "moment_of_truth")
Origin = Literal["designed", "discovered"]
_ORIGINS = ("designed", "discovered")
_TRANSITION_FIELDS = ("volume", "probability", "label", "median_hours", "mean_hours")


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
    origin
        How the journey was made: ``"designed"`` (drawn by people; the default) or ``"discovered"``
        (counted from an event log by :func:`journeymap.discover.discover_journey`). It is saved with
        the journey and decides how :func:`journeymap.compare_journeys` names the two sides
        ("thiết kế / thực tế" against a discovered journey, "hiện tại / tương lai" between two
        designed ones).

    Editing keeps the journey valid: :meth:`update_touchpoint`, :meth:`rename_touchpoint`,
    :meth:`remove_touchpoint`, :meth:`update_transition` and :meth:`remove_transition` check the
    change against the journey file's contract and either make it whole or refuse it with the
    reason, leaving the journey as it was. :meth:`copy` makes an independent copy (a future state to
    edit), :meth:`to_frame` a table to look at.

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

    #: The folder of the file the journey was loaded from (set by :func:`journeymap.load_journey`; ``None``
    #: for a journey built in code, read from text or a spreadsheet in memory). A persona's ``photo``
    #: path is read relative to it (to the working folder when ``None``). Not part of the journey's
    #: contents: saving and ``==`` ignore it; :meth:`copy` keeps it.
    folder: Path | None = None
    #: Flow lists (``[a, b]``) in the file the journey was read from that read like one sentence split at
    #: its commas: ``(where, line, items)`` (set by :func:`journeymap.loads_journey`). Not part of the
    #: journey's contents; :func:`journeymap.validate_journey` warns about each (code ``split_list``).
    split_lists: tuple[tuple[str, int, tuple[str, ...]], ...] = ()

    def __init__(
        self,
        title: str,
        *,
        stages: Iterable[str],
        persona: str | None = None,
        description: str | None = None,
        origin: Origin | None = None,
    ) -> None:
        self.graph: nx.DiGraph = nx.DiGraph(journey=_text(title), stages=[_text(s) for s in stages])
        if persona is not None:
            self.graph.graph["persona"] = _text(persona)
        if description is not None:
            self.graph.graph["description"] = _text(description)
        if origin is not None:
            self.origin = origin

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

    def persona_named(self, name: str) -> PersonaSpec:
        """The persona called ``name``: its exact name (NFC, ends trimmed), else the only one equal to it
        up to case. What ``persona=`` takes wherever the journey is drawn as one persona lives it (the
        canvas, the deck, the Mermaid journey).

        Raises
        ------
        DataError
            No such persona (the message lists the journey's personas).
        TypeError
            ``name`` is not text.
        """
        import unicodedata

        from .errors import DataError

        if not isinstance(name, str):
            raise TypeError(f"persona must be a persona's name (text); got {type(name).__name__}")
        wanted = unicodedata.normalize("NFC", name).strip()
        personas = self.personas
        for spec in personas:
            if spec.name == wanted:
                return spec
        folded = [spec for spec in personas if spec.name.casefold() == wanted.casefold()]
        if len(folded) == 1:
            return folded[0]
        names = ", ".join(repr(spec.name) for spec in personas) or "(none: the journey declares no personas)"
        raise DataError(f"persona {excerpt(name)} is not a persona of journey {self.title!r}; its personas: {names}")

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
    def origin(self) -> Origin:
        """``"discovered"`` for a journey counted from an event log, else ``"designed"``.

        Examples
        --------
        >>> Journey("Mua hàng", stages=["Mua"]).origin
        'designed'
        """
        return "discovered" if self.graph.graph.get("origin") == "discovered" else "designed"

    @origin.setter
    def origin(self, value: Origin) -> None:
        if value not in _ORIGINS:
            raise JourneyValidationError(
                [Problem(f"must be 'designed' or 'discovered' (found {excerpt(value)})", "origin")]
            )
        self.graph.graph["origin"] = value

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
        problems.extend(self._stage_problems(touchpoint_id, stage))
        spec = _validated(
            TouchpointSpec,
            {"id": touchpoint_id, "name": name, "stage": stage, **fields},
            f"touchpoint {touchpoint_id!r}",
            problems,
        )
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

    # -- editing ----------------------------------------------------------------------------------
    def update_touchpoint(self, touchpoint_id: str, **fields: Any) -> None:
        """Change some fields of a touchpoint; the others keep their values.

        Every keyword of the journey file's touchpoint is accepted (``name``, ``stage``, ``ces``,
        ``drop_off``, ``pain_points`` …) and checked as :meth:`add_touchpoint` checks it; ``None``
        clears an optional field. A list field is replaced, not extended. The id is changed with
        :meth:`rename_touchpoint`, which keeps the transitions.

        Raises
        ------
        KeyError
            When no touchpoint has that id (the message lists the ids that exist).
        JourneyValidationError
            For an unknown field, a value out of range, an unknown stage, or clearing ``name`` or
            ``stage``; every problem is listed and the touchpoint is left unchanged.

        Examples
        --------
        >>> j = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán"])
        >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", ces=3, drop_off=0.34)
        >>> j.update_touchpoint("gio_hang", ces=5, drop_off=None, pain_points=["Nhập mã giảm giá bằng tay"])
        >>> tp = j.touchpoint("gio_hang")
        >>> tp.ces, tp.drop_off, tp.pain_points
        (5.0, None, ['Nhập mã giảm giá bằng tay'])
        >>> j.update_touchpoint("gio_hang", ces=9)
        Traceback (most recent call last):
        ...
        journeymap.errors.JourneyValidationError: 1 problem in journey
          - touchpoint 'gio_hang' → ces: must be a number from 1 (very hard) to 7 (very easy) (found 9)
        """
        self._require_touchpoint(touchpoint_id)
        where = f"touchpoint {touchpoint_id!r}"
        if "id" in fields:
            raise JourneyValidationError(
                [Problem("the id is changed with rename_touchpoint(old, new), which keeps the transitions", f"{where} → id")]
            )
        data = {**self.graph.nodes[touchpoint_id], **fields}
        problems = []
        if fields.get("stage") is not None:
            problems.extend(self._stage_problems(touchpoint_id, _text(fields["stage"])))
        spec = _validated(TouchpointSpec, {"id": touchpoint_id, **data}, where, problems)
        attrs = self.graph.nodes[touchpoint_id]
        attrs.clear()
        attrs.update(_node_attrs(spec))

    def rename_touchpoint(self, old: str, new: str) -> None:
        """Give a touchpoint a new id; its transitions follow, and the journey keeps its order.

        Raises
        ------
        KeyError
            When no touchpoint has the id ``old``.
        JourneyValidationError
            When ``new`` is taken or is not a valid id (lowercase letters, digits and underscores).

        Examples
        --------
        >>> j = Journey("Mua hàng", stages=["Mua"])
        >>> j.add_touchpoint("cart", name="Giỏ hàng", stage="Mua")
        >>> j.add_touchpoint("pay", name="Thanh toán", stage="Mua")
        >>> j.add_transition("cart", "pay", volume=800)
        >>> j.rename_touchpoint("cart", "gio_hang")
        >>> list(j.graph.edges(data="volume"))
        [('gio_hang', 'pay', 800.0)]
        """
        self._require_touchpoint(old)
        if new == old:
            return
        if new in self.graph:
            raise JourneyValidationError(
                [Problem(f"id {excerpt(new)} is already used by another touchpoint", f"touchpoint {old!r} → id")]
            )
        _validated(TouchpointSpec, {**self.graph.nodes[old], "id": new}, f"touchpoint {old!r}")
        nodes = [(new if n == old else n, attrs) for n, attrs in self.graph.nodes(data=True)]
        edges = [(new if u == old else u, new if v == old else v, attrs) for u, v, attrs in self.graph.edges(data=True)]
        # Rebuilt in place, so the touchpoint keeps its position and anyone holding `graph` sees the change.
        self.graph.remove_nodes_from(list(self.graph))
        self.graph.add_nodes_from(nodes)
        self.graph.add_edges_from(edges)

    def remove_touchpoint(self, touchpoint_id: str, *, reconnect: bool = False) -> None:
        """Remove a touchpoint and every transition into or out of it, as ``networkx`` ``remove_node`` does.

        Parameters
        ----------
        touchpoint_id
            The touchpoint to remove.
        reconnect
            Also link each touchpoint that led into it to each touchpoint it led to (a step taken
            out of the journey, customers going straight on). A transition that already exists is
            kept as it is; a touchpoint is not linked to itself; the new transitions carry no
            volume or probability (set them with :meth:`update_transition`).

        Raises
        ------
        KeyError
            When no touchpoint has that id.
        JourneyValidationError
            When it is the journey's only touchpoint (a journey needs one).

        Examples
        --------
        >>> j = Journey("Mua hàng", stages=["Mua"])
        >>> for tp in ["gio_hang", "ma_giam_gia", "thanh_toan"]:
        ...     j.add_touchpoint(tp, name=tp, stage="Mua")
        >>> j.add_transition("gio_hang", "ma_giam_gia")
        >>> j.add_transition("ma_giam_gia", "thanh_toan")
        >>> j.remove_touchpoint("ma_giam_gia", reconnect=True)
        >>> list(j.graph.edges)
        [('gio_hang', 'thanh_toan')]
        """
        self._require_touchpoint(touchpoint_id)
        if self.graph.number_of_nodes() == 1:
            raise JourneyValidationError(
                [Problem("is the journey's only touchpoint, and a journey needs at least one", f"touchpoint {touchpoint_id!r}")]
            )
        before = [u for u in self.graph.predecessors(touchpoint_id) if u != touchpoint_id]
        after = [v for v in self.graph.successors(touchpoint_id) if v != touchpoint_id]
        self.graph.remove_node(touchpoint_id)
        if reconnect:
            self.graph.add_edges_from((u, v) for u in before for v in after if u != v and not self.graph.has_edge(u, v))

    def update_transition(self, source: str, target: str, **fields: Any) -> None:
        """Change some fields of the transition ``source → target``; ``None`` clears a field.

        The fields are those of :meth:`add_transition` (``volume``, ``probability``, ``label``,
        ``median_hours``, ``mean_hours``), checked the same way.

        Raises
        ------
        KeyError
            When the journey has no such transition (the message lists those leaving ``source``).
        JourneyValidationError
            For an unknown field or a value out of range; the transition is left unchanged.

        Examples
        --------
        >>> j = Journey("Mua hàng", stages=["Mua"])
        >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua")
        >>> j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Mua")
        >>> j.add_transition("gio_hang", "thanh_toan", volume=800, probability=0.8)
        >>> j.update_transition("gio_hang", "thanh_toan", probability=None, label="sau khi áp mã")
        >>> j.graph.edges["gio_hang", "thanh_toan"]
        {'volume': 800.0, 'label': 'sau khi áp mã'}
        """
        self._require_transition(source, target)
        where = f"transition {source} → {target}"
        fixed = [key for key in ("from", "to", "source", "target") if key in fields]
        if fixed:
            raise JourneyValidationError(
                [Problem("a transition's ends are not changed; remove_transition() and add_transition() instead", f"{where} → {fixed[0]}")]
            )
        data = {**self.graph.edges[source, target], **fields}
        spec = _validated(TransitionSpec, {"from": source, "to": target, **data}, where)
        attrs = self.graph.edges[source, target]
        attrs.clear()
        attrs.update(_edge_attrs(spec))

    def remove_transition(self, source: str, target: str) -> None:
        """Remove the transition ``source → target``; both touchpoints stay.

        Raises
        ------
        KeyError
            When the journey has no such transition.
        """
        self._require_transition(source, target)
        self.graph.remove_edge(source, target)

    def copy(self, *, title: str | None = None) -> Journey:
        """An independent copy: editing it never changes this journey (every list and value is copied).

        ``copy.copy(journey)`` and ``copy.deepcopy(journey)`` make the same independent copy.

        Parameters
        ----------
        title
            A title for the copy (e.g. the future state's); by default this journey's title.

        Examples
        --------
        >>> current = Journey("Mua hàng", stages=["Mua"])
        >>> current.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", ces=3, pain_points=["Chờ lâu"])
        >>> future = current.copy(title="Mua hàng (tương lai)")
        >>> future.update_touchpoint("gio_hang", ces=6, pain_points=[])
        >>> current.touchpoint("gio_hang").ces, current.touchpoint("gio_hang").pain_points
        (3.0, ['Chờ lâu'])
        """
        new = type(self).__new__(type(self))
        new.graph = _copy.deepcopy(self.graph)
        new.folder = self.folder
        if title is not None:
            new.graph.graph["journey"] = _checked_title(title)
        return new

    def __copy__(self) -> Journey:
        return self.copy()

    def _require_touchpoint(self, touchpoint_id: str) -> None:
        if touchpoint_id not in self.graph:
            self.touchpoint(touchpoint_id)  # raises the KeyError that lists the ids

    def _require_transition(self, source: str, target: str) -> None:
        self._require_touchpoint(source)
        self._require_touchpoint(target)
        if not self.graph.has_edge(source, target):
            leaving = ", ".join(f"{source} → {v}" for v in self.graph.successors(source)) or "none"
            raise KeyError(f"no transition {source} → {target} in journey {self.title!r}; transitions from {source!r}: {leaving}")

    def _stage_problems(self, touchpoint_id: str, stage: Any) -> list[Problem]:
        if stage in self.graph.graph["stages"]:
            return []
        return [
            Problem(
                f"stage {excerpt(stage)} is not one of the journey's stages: {', '.join(self.stages)}",
                f"touchpoint {touchpoint_id!r} → stage",
            )
        ]

    # -- conversion -----------------------------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: JourneySpec) -> Journey:
        journey = cls(
            spec.journey, stages=spec.stage_names, persona=spec.persona, description=spec.description, origin=spec.origin
        )
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
        for key in ("persona", "personas", "description", "origin"):
            if attrs.get(key) is not None and attrs[key] != []:
                out[key] = _tidy(attrs[key])
        out["stages"] = _tidy(_stage_entries(self.stages, attrs.get("stage_info") or {}))
        if attrs.get("lanes") is not None:
            out["lanes"] = attrs["lanes"]
        out["touchpoints"] = [_tidy({"id": n, **attrs}) for n, attrs in self.graph.nodes(data=True)]
        out["transitions"] = [_tidy({"from": u, "to": v, **attrs}) for u, v, attrs in self.graph.edges(data=True)]
        return out

    def to_frame(self, kind: Literal["touchpoints", "transitions"] = "touchpoints") -> pd.DataFrame:
        """The journey as a table: one row per touchpoint, or per transition, in stage order.

        Touchpoints come stage by stage (file order within a stage), with a column for every field
        of a journey file's touchpoint, in the file's order, starting ``id``, ``name``, ``stage``. A
        field not set holds its default: empty for a number or a text (``NaN`` / ``None``),
        ``False`` for ``goal``, ``"frontstage"`` for ``lane`` and an empty list for a list. Lists
        (``experience``, ``pain_points`` …) stay lists, so nothing is lost and pandas shows them as
        ``[Chờ lâu, Thái độ]``; ``metrics`` is spread over ``metrics.csat``, ``metrics.nps`` … (one
        column per metric any touchpoint has).

        Transitions come in the order of their source touchpoint, with ``from``, ``to``,
        ``from_name``, ``to_name`` and every field of a journey file's transition.

        The table is a copy: editing it does not change the journey.

        Parameters
        ----------
        kind : {"touchpoints", "transitions"}
            Which table.

        Examples
        --------
        >>> j = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán"])
        >>> j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán", goal=True)
        >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", ces=3, pain_points=["Chờ lâu"])
        >>> j.add_transition("gio_hang", "thanh_toan", volume=800)
        >>> j.to_frame()[["id", "name", "stage", "ces", "goal", "pain_points"]]
                   id        name       stage  ces   goal pain_points
        0    gio_hang    Giỏ hàng    Đặt hàng  3.0  False   [Chờ lâu]
        1  thanh_toan  Thanh toán  Thanh toán  NaN   True          []
        >>> j.to_frame("transitions")[["from", "to", "to_name", "volume", "probability"]]
               from          to     to_name  volume  probability
        0  gio_hang  thanh_toan  Thanh toán   800.0          NaN
        """
        import pandas as pd

        if kind not in ("touchpoints", "transitions"):
            raise ValueError(f"kind must be 'touchpoints' or 'transitions'; got {kind!r}")
        position = {stage: i for i, stage in enumerate(self.graph.graph["stages"])}
        order = sorted(self.graph.nodes, key=lambda n: position.get(self.graph.nodes[n].get("stage"), len(position)))
        if kind == "transitions":
            rank = {n: i for i, n in enumerate(order)}
            names = dict(self.graph.nodes(data="name"))
            edges = sorted(self.graph.edges(data=True), key=lambda edge: rank[edge[0]])
            columns = ["from", "to", "from_name", "to_name", *_TRANSITION_FIELDS]
            rows = [
                {"from": u, "to": v, "from_name": names[u], "to_name": names[v], **dict.fromkeys(_TRANSITION_FIELDS), **attrs}
                for u, v, attrs in edges
            ]
            numeric = [c for c in _TRANSITION_FIELDS if c != "label"]
            return pd.DataFrame(rows, columns=columns).astype(dict.fromkeys(numeric, "float64"))
        records = [self.touchpoint(n).model_dump(mode="json") for n in order]
        metric_names = list(
            dict.fromkeys(m for r in records for m, v in (r.get("metrics") or {}).items() if v is not None)
        )
        rows = []
        for record in records:
            metrics = record.pop("metrics", None) or {}
            rows.append({**record, **{f"metrics.{m}": metrics.get(m) for m in metric_names}})
        columns = [c for c in TouchpointSpec.model_fields if c != "metrics"] + [f"metrics.{m}" for m in metric_names]
        frame = pd.DataFrame(rows, columns=columns)
        numeric = [name for name, f in TouchpointSpec.model_fields.items() if f.annotation == float | None]
        return frame.astype(dict.fromkeys([*numeric, *columns[len(columns) - len(metric_names):]], "float64"))

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


def _validated(model: type[Any], data: dict[str, Any], where: str, problems: Iterable[Problem] = ()) -> Any:
    """``data`` (``None`` meaning absent) checked by ``model``; else raise its problems, placed at ``where``,
    after the ``problems`` already found."""
    found = list(problems)
    try:
        spec = model.model_validate({k: v for k, v in data.items() if v is not None})
    except ValidationError as exc:
        from ._parse import Document
        from .validation import problem_from_pydantic

        document = Document(data)
        keys = [field.alias or name for name, field in model.model_fields.items()]
        found += [problem_from_pydantic(e, data, document, prefix=where, keys=keys) for e in exc.errors()]
    if found:
        raise JourneyValidationError(found) from None
    return spec


def _checked_title(title: Any) -> str:
    try:
        return str(TypeAdapter(NonEmptyText).validate_python(title))
    except ValidationError as exc:
        message = exc.errors()[0]["msg"]
        raise JourneyValidationError([Problem(message[0].lower() + message[1:], "title", value=title)]) from None


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
