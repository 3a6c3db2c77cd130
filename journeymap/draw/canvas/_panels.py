"""What is drawn: the options and inputs of a canvas, and its panels (one journey each)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nlp.output import format_of

from ... import fmt
from ..._schema import PersonaSpec
from ...compare import side_labels
from ...feedback import FeedbackNumbers
from ...journey import Journey
from ._style import (
    _CHANGE_LABELS,
    _ROWS,
    BADGE,
    JOURNEY_SUFFIXES,
    JPEG_QUALITY,
    MAX_PNG_PIXELS,
    PNG_DPI,
    ROW_TITLES,
    SUFFIXES,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure



# -- options and inputs -----------------------------------------------------------------------------


def _output_format(path: Path) -> str:
    """The canvas format of ``path``: ``"svg"``, ``"png"``, ``"pdf"`` or ``"jpg"`` (``.jpg`` or ``.jpeg``)."""
    suffix = path.suffix.lower()
    allowed = list(SUFFIXES)
    if suffix in JOURNEY_SUFFIXES:
        raise ValueError(
            f"{path.name!r} has a journey file suffix ({', '.join(JOURNEY_SUFFIXES)}); the canvas is never "
            f"written over a journey file: use {', '.join(allowed[:-1])} or {allowed[-1]}"
        )
    return format_of(path, SUFFIXES)


def _save_options(figure: Figure, fmt: str) -> dict[str, Any]:
    options: dict[str, Any] = {"facecolor": "white"}
    if fmt in ("png", "jpg"):
        width, height = figure.get_size_inches()
        options["dpi"] = min(PNG_DPI, math.floor(math.sqrt(MAX_PNG_PIXELS / (width * height))))
        # Pillow's default level 6 spends a quarter of the drawing time to save ~12% of the bytes.
        options["pil_kwargs"] = {"compress_level": 3} if fmt == "png" else {"quality": JPEG_QUALITY}
    else:
        options["dpi"] = 72
        # No creation date, so the same journey gives the same file (diffable in git).
        options["metadata"] = {"Date": None} if fmt == "svg" else {"CreationDate": None}
    return options


# -- what is drawn: panels ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Status:
    kind: Literal["added", "changed", "removed"]
    changes: tuple[str, ...] = ()


@dataclass
class _Panel:
    """One journey's grid: which touchpoints go where, and how each is marked."""

    journey: Journey
    title: str
    caption: str | None
    persona: str | None
    nodes: dict[str, dict[str, Any]]
    order: dict[tuple[str, str], list[str]]  # (lane, stage) → ids in drawing order
    status: dict[str, _Status]
    feedback: dict[str, FeedbackNumbers]
    prefix: str
    stages: list[str]
    subtitle: str | None = None
    view: str | None = None  # "Góc nhìn của persona: …" in a persona view
    # Touchpoints the persona of a persona view does not meet: drawn greyed, name only.
    excluded: frozenset[str] = frozenset()
    # The rows, top to bottom: (key, title); a row of the team's own has the key "custom:<its key>".
    rows: tuple[tuple[str, str], ...] = _ROWS
    # The personas whose cards are drawn above the grid (the older one-line persona has none).
    cards: tuple[PersonaSpec, ...] = ()


def _row_specs(journey: Journey) -> tuple[tuple[str, str], ...]:
    """The journey's canvas rows as (key, title): its ``lanes`` list, else the default rows.

    The touchpoints' name cards are a row like the others, where ``name`` is listed; a list without
    ``name`` gets it first, since every column needs to say which touchpoint it is.
    """
    lanes = journey.lanes
    if lanes is None:
        return _ROWS
    rows = [(lane, ROW_TITLES[lane]) if isinstance(lane, str) else (f"custom:{lane.key}", lane.title)
            for lane in lanes]
    if "name" not in lanes:
        rows.insert(0, ("name", ROW_TITLES["name"]))
    return tuple(rows)


def _persona_view(
    journey: Journey, persona: str | None
) -> tuple[dict[str, dict[str, Any]], frozenset[str], tuple[PersonaSpec, ...], str | None]:
    """The touchpoints as ``persona`` meets them, who does not meet which, the cards, the subtitle.

    Without ``persona``: the touchpoints' own values, and a card for each declared persona. With it:
    the persona's ``by_persona`` values replace the touchpoint's own (a value not given keeps the
    touchpoint's), touchpoints whose ``personas`` list leaves the persona out are excluded (drawn
    greyed in their column, so columns still line up with the all-persona canvas), and only the
    persona's card is drawn.
    """
    nodes = {n: dict(attrs) for n, attrs in journey.graph.nodes(data=True)}
    declared = tuple(journey.personas) if journey.graph.graph.get("personas") else ()
    if persona is None:
        return nodes, frozenset(), declared, None
    chosen = _chosen_persona(journey, persona)
    excluded = set()
    for node, attrs in nodes.items():
        meets = attrs.get("personas") or []
        if meets and chosen.name not in meets:
            excluded.add(node)
            for key in list(attrs):
                if key not in ("name", "stage", "lane", "channel", "goal", "moment_of_truth"):
                    del attrs[key]
            continue
        variant = (attrs.get("by_persona") or {}).get(chosen.name) or {}
        attrs.update({k: v for k, v in variant.items() if v is not None and v != []})
    return nodes, frozenset(excluded), (chosen,), f"Góc nhìn của persona: {chosen.name}"


def _chosen_persona(journey: Journey, persona: str) -> PersonaSpec:
    return journey.persona_named(persona)


def _single_panel(
    journey: Journey,
    feedback: dict[str, FeedbackNumbers],
    *,
    prefix: str,
    caption: str | None = None,
    persona: str | None = None,
) -> _Panel:
    nodes, excluded, cards, subtitle = _persona_view(journey, persona)
    return _Panel(
        journey=journey,
        title=journey.title,
        caption=caption,
        persona=None if cards else journey.persona,
        nodes=nodes,
        order=_order_by_lane_and_stage(nodes),
        status={},
        feedback=feedback,
        prefix=prefix,
        stages=journey.stages,
        view=subtitle,
        rows=_row_specs(journey),
        excluded=excluded,
        cards=cards,
    )


def _diff_panel(
    before: Journey, after: Journey, feedback: dict[str, FeedbackNumbers], *, persona: str | None = None
) -> _Panel:
    old, old_excluded, _, _ = _persona_view(before, persona)
    new, excluded, cards, view = _persona_view(after, persona)
    status: dict[str, _Status] = {}
    for node, attrs in new.items():
        if node not in old:
            status[node] = _Status("added")
        elif attrs != old[node]:
            status[node] = _Status("changed", tuple(_changes(old[node], attrs)))
    removed = [n for n in old if n not in new]
    status.update({n: _Status("removed") for n in removed})

    nodes = {**new, **{n: old[n] for n in removed}}
    order = _order_by_lane_and_stage(new)
    before_order = _order_by_lane_and_stage(old)
    for key, ids in before_order.items():
        keep = [n for n in ids if n in removed or n in order.get(key, [])]
        order[key] = _merge_order(order.get(key, []), keep)
    counts = {kind: sum(1 for s in status.values() if s.kind == kind) for kind in BADGE}
    then, now = side_labels(before, after)
    subtitle = (
        f"{now.capitalize()} so với {then}: {before.title} — "
        + ", ".join(f"{counts[k]} điểm chạm {BADGE[k][0]}" for k in BADGE)
    )
    return _Panel(
        journey=after,
        title=after.title,
        caption=None,
        persona=None if cards else after.persona,
        nodes=nodes,
        order=order,
        status=status,
        feedback=feedback,
        prefix="",
        stages=_merge_order(after.stages, before.stages),
        subtitle=subtitle,
        view=view,
        rows=_row_specs(after),
        excluded=excluded | (old_excluded & set(removed)),
        cards=cards,
    )


def _order_by_lane_and_stage(nodes: dict[str, dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    order: dict[tuple[str, str], list[str]] = {}
    for node, attrs in nodes.items():
        order.setdefault((attrs.get("lane", "frontstage"), attrs["stage"]), []).append(node)
    return order


def _merge_order(primary: list[str], secondary: list[str]) -> list[str]:
    """``primary``, plus the items only in ``secondary`` right after their nearest predecessor there.

    Examples
    --------
    >>> _merge_order(["a", "c"], ["a", "b", "c", "d"])
    ['a', 'b', 'c', 'd']
    >>> _merge_order(["c"], ["x", "c"])
    ['x', 'c']
    """
    result = list(primary)
    for i, item in enumerate(secondary):
        if item in result:
            continue
        position = next((result.index(p) + 1 for p in reversed(secondary[:i]) if p in result), 0)
        result.insert(position, item)
    return result


def _changes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    out = []
    for key, label in _CHANGE_LABELS.items():
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in ("ces", "emotion", "drop_off"):
            show = fmt.percent if key == "drop_off" else (_signed if key == "emotion" else _number)
            out.append(f"{label} {'–' if old is None else show(old)}\u00a0→\u00a0{'–' if new is None else show(new)}")
        else:
            out.append(label)
    return out


def _number(value: float) -> str:
    """A figure on the canvas: at most one decimal (``4,5``, ``12.500``)."""
    return fmt.number(value, 1, trim=True)


def _signed(value: float) -> str:
    """An emotion or an NPS, with its sign (``+35``, ``−1``)."""
    return fmt.signed(value, 1)
