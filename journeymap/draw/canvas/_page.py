"""The page: stage columns and rows, the drawing of every panel, the emotion curve and the legend."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ... import fmt
from ..._schema import PersonaSpec, StageSpec
from ...experience import ExperienceType
from ...journey import Journey
from ...terms import CES_NAMES
from ..dot import CES_FILL, CHIP_FILL, EMOTION_FILL, EMOTION_NAME, EXIT_COLOR, MOMENT_COLOR, STAGE_FILL
from ..photo import initials, persona_photo
from ._cells import _bullets, _Cell, _cell, _darker, _emotion_y, _metric_lines, _Placed
from ._panels import _merge_order, _Panel, _signed
from ._style import (
    _BACKSTAGE_NAME_LABEL,
    ABSENT_HEADER_FILL,
    AVATAR_D,
    BACKSTAGE_CARD,
    BADGE,
    BODY_PT,
    BULLET_INDENT,
    CARD_EDGE,
    CELL_MAX,
    CELL_W,
    EMOTION_H,
    GOAL_EDGE,
    GRID,
    HEADER_FILL,
    INK,
    LABEL_FILL,
    LABEL_PT,
    LABEL_W,
    MARGIN,
    MUTED,
    NAME_PT,
    NEGATIVE_FILL,
    PAD_X,
    PAD_Y,
    PAIN_COLOR,
    PERSONA_CARD_W,
    ROW_MIN,
    SMALL_PT,
    STAGE_DETAILS_LABEL,
    STAGE_LINE,
    STAGE_PT,
    SUBTITLE_PT,
    TITLE_PT,
    VISIBILITY_H,
    VISIBILITY_LABEL,
)
from ._text import _baseline, _Label, _Painter

if TYPE_CHECKING:
    from numpy.typing import NDArray

CARD_PAD = 10.0
CARD_GAP = 12.0


@dataclass
class _Avatar:
    """A persona's photo in a circle, or the initials of their name when there is no readable photo."""

    persona: PersonaSpec
    image: NDArray[Any] | None

    def draw(self, p: _Painter, left: float, top: float) -> None:
        from matplotlib.patches import Circle

        radius = AVATAR_D / 2
        centre = (left + radius, top + radius)
        if self.image is None:
            p.add(Circle(centre, radius, facecolor=HEADER_FILL, edgecolor="none",
                                       transform=p.transform, zorder=3))
            text = p.label(initials(self.persona.name), width=AVATAR_D, size=NAME_PT + 3, weight="bold",
                           color="white", ha="center", va="baseline")
            p.place(text, centre[0], centre[1] + _baseline(NAME_PT + 3), p.clip(left, top, AVATAR_D, AVATAR_D))
            return
        from matplotlib.image import BboxImage

        ring = Circle(centre, radius, facecolor="none", edgecolor=CARD_EDGE, lw=1.0, transform=p.transform, zorder=4)
        image = BboxImage(p.clip(left, top, AVATAR_D, AVATAR_D), origin="lower", zorder=3)
        image.set_data(self.image)
        image.set_clip_path(ring)
        p.add(image)
        p.add(ring)


def _photo(journey: Journey, photo: str | None) -> NDArray[Any] | None:
    """The persona's photo as a square RGBA array, upside down for the canvas's downward y; or None."""
    picture = persona_photo(journey, photo)
    if picture is None:
        return None
    import numpy as np

    return np.asarray(picture)[::-1]


# -- geometry ---------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Stage columns shared by every panel, so stages line up when two journeys are stacked."""

    stages: list[str]
    slots: dict[str, list[tuple[float, float]]]  # stage → (left, width) of each touchpoint column
    left: float
    right: float
    # Set on a part of the columns (:meth:`subset`): a stage's number (from 0) on the whole canvas, and
    # the first touchpoint slot shown when a stage is split between pages.
    numbers: dict[str, int] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)

    def span(self, stage: str) -> tuple[float, float]:
        slots = self.slots[stage]
        return slots[0][0], slots[-1][0] + slots[-1][1]

    def number(self, stage: str) -> int:
        return self.numbers.get(stage, self.stages.index(stage) if stage in self.stages else 0)

    def subset(self, parts: tuple[tuple[str, int, int], ...] | None, widen: float = 1.0) -> _Columns:
        """The columns of ``parts`` ((stage, first slot, end slot) each), side by side from the row
        headers, each ``widen`` times as wide as on the whole canvas."""
        if parts is None and widen == 1.0:
            return dataclasses.replace(self, numbers={s: i for i, s in enumerate(self.stages)},
                                       total={s: len(v) for s, v in self.slots.items()})
        if parts is None:
            parts = tuple((stage, 0, len(self.slots[stage])) for stage in self.stages)
        x = self.left
        slots: dict[str, list[tuple[float, float]]] = {}
        for stage, start, stop in parts:
            slots[stage] = []
            for _, width in self.slots[stage][start:stop]:
                slots[stage].append((x, width * widen))
                x += width * widen
        return _Columns([stage for stage, _, _ in parts], slots, self.left, x,
                        numbers={s: self.stages.index(s) for s, _, _ in parts},
                        first={s: start for s, start, _ in parts},
                        total={s: len(self.slots[s]) for s, _, _ in parts})


@dataclass(frozen=True)
class _View:
    """Which part of the canvas a drawing shows: a page of a tiled print, a slide, or (the default) all.

    ``slots`` lists (stage, first slot, end slot) side by side; ``units`` names the bands shown, top to
    bottom (see :attr:`_Layout.parts`: ``"0:title"``, ``"0:cards"``, ``"0:details"``,
    ``"0:frontstage:name"``, ``"legend"`` …); ``marker`` is a small line above everything
    ("trang 2/3 · giai đoạn 3–4"). Stage headers and row headers are drawn with every band of a grid.

    ``widen`` makes every touchpoint column that many times as wide as on the whole canvas (a slide
    filling its width: text wraps wider). ``own_heights`` makes rows, stage headers and stage details
    as high as the cells this view shows need, rather than as high as on the whole canvas (the pages
    of one print share heights; a slide stands alone).
    """

    slots: tuple[tuple[str, int, int], ...] | None = None
    units: frozenset[str] | None = None
    marker: str | None = None
    widen: float = 1.0
    own_heights: bool = False

    def shows(self, unit: str) -> bool:
        return self.units is None or unit in self.units


@dataclass
class _Layout:
    """What :func:`_draw` drew: its size in points and its bands, top to bottom, with their heights.

    ``filled`` names the grid bands (stage details and rows, as in ``parts``) that have something to
    show in the view's columns, drawn or not: a row no touchpoint of the view has data for is not in it."""

    width: float
    height: float
    parts: list[tuple[str, float]]
    columns: _Columns
    filled: frozenset[str] = frozenset()


def _columns(p: _Painter, panels: list[_Panel]) -> _Columns:
    """Column widths: each touchpoint column as wide as its longest word needs, within CELL_W…CELL_MAX."""
    stages = panels[0].stages
    for panel in panels[1:]:
        stages = _merge_order(stages, panel.stages)
    x = MARGIN + LABEL_W
    slots: dict[str, list[tuple[float, float]]] = {}
    for number, stage in enumerate(stages, start=1):
        # Slot i of a stage holds the i-th touchpoint of each lane of each panel.
        needs: list[float] = []
        for panel in panels:
            for lane in ("frontstage", "backstage"):
                for i, node in enumerate(panel.order.get((lane, stage), [])):
                    need = min(CELL_MAX, max(CELL_W, _longest(p, panel.nodes[node])))
                    if i < len(needs):
                        needs[i] = max(needs[i], need)
                    else:
                        needs.append(need)
        widths = needs or [CELL_W]
        header = p.longest_word(f"{number}. {stage}", STAGE_PT, "bold") + 2 * PAD_X
        missing = min(header, CELL_MAX * len(widths)) - sum(widths)
        if missing > 0:
            widths[-1] += missing
        slots[stage] = []
        for w in widths:
            slots[stage].append((x, w))
            x += w
    return _Columns(stages, slots, MARGIN + LABEL_W, x)


def _longest(p: _Painter, attrs: dict[str, Any]) -> float:
    """The column width this touchpoint's longest word needs (capped later at CELL_MAX)."""
    need = p.longest_word(attrs["name"], NAME_PT, "bold") + 2 * PAD_X
    for key in ("pain_points", "opportunities"):
        for text in attrs.get(key, []):
            need = max(need, p.longest_word(text, BODY_PT) + BULLET_INDENT + 2 * PAD_X)
    for line in _metric_lines(attrs.get("metrics") or {}):
        need = max(need, p.longest_word(line, BODY_PT) + 2 * PAD_X)
    texts = [attrs.get(key) for key in ("owner", "does", "thinks", "says", "description")]
    for text in [*texts, *(attrs.get("lanes") or {}).values()]:
        if text:
            need = max(need, p.longest_word(text, BODY_PT, "normal") + 2 * PAD_X)
    return need


@dataclass
class _Row:
    key: str
    lane: str
    label: _Cell
    cells: dict[str, _Cell]
    height: float


def _rows(p: _Painter, panel: _Panel, columns: _Columns, lane: str,
          fixed: list[tuple[str, float]] | None = None) -> list[_Row]:
    """The rows of ``lane`` that have something to show; with ``fixed`` ((key, height) measured on the
    whole canvas), those rows at those heights at least, with the cells of ``columns`` only."""
    placed = _placement(panel, columns, lane)
    if not placed and fixed is None:
        return []
    heights = dict(fixed or [])
    rows = []
    for key, title in panel.rows:
        if fixed is not None and key not in heights:
            continue
        cells = {}
        for node, (_, width) in placed.items():
            cell = _cell(p, panel, key, node, width - 2 * PAD_X)
            if cell is not None:
                cells[node] = cell
        if not cells and fixed is None:
            continue
        text = _BACKSTAGE_NAME_LABEL if key == "name" and lane == "backstage" else title
        label_width = LABEL_W - 2 * PAD_X - (26 if key == "emotion" else 0)
        label = _Cell()
        gid = f"{panel.prefix}row-{lane}-{key.replace(':', '-')}"
        label.add(p.label(text, width=label_width, size=LABEL_PT, weight="bold", gid=gid))
        if key == "emotion":
            for value in (2, 0, -2):
                tick = p.label(_signed(value), width=24, size=SMALL_PT, color=MUTED, ha="right", va="baseline")
                label.items.append(_Placed(tick, LABEL_W - 2 * PAD_X, _emotion_y(value) - PAD_Y + _baseline(SMALL_PT)))
            height = EMOTION_H
        else:
            height = max(ROW_MIN, label.height + 2 * PAD_Y, *(c.height + 2 * PAD_Y for c in cells.values()))
        rows.append(_Row(key, lane, label, cells, max(height, heights.get(key, 0.0))))
    return rows


def _placement(panel: _Panel, columns: _Columns, lane: str) -> dict[str, tuple[float, float]]:
    out = {}
    for stage in columns.stages:
        first = columns.first.get(stage, 0)
        for node, slot in zip(panel.order.get((lane, stage), [])[first:], columns.slots[stage]):
            out[node] = slot
    return out


# -- drawing ----------------------------------------------------------------------------------------


@dataclass
class _Measure:
    """A panel's rows measured on the whole canvas: (lane, [(row key, height)]), the stage details'
    height (None: no stage has details) and the stage headers' height."""

    lanes: list[tuple[str, list[tuple[str, float]]]]
    details_h: float | None
    header_h: float


def _draw(p: _Painter, panels: list[_Panel], *, diff: bool, view: _View = _View(),
          measured: dict[int, _Measure] | None = None) -> _Layout:
    """Draw the canvas, or the part of it ``view`` names, and size the figure to it.

    ``measured`` keeps the rows' heights from one drawing to the next (every part of one canvas has
    the rows and heights of the whole canvas); it is filled on first use."""
    measured = {} if measured is None else measured
    whole = _columns(p, panels)
    columns = whole.subset(view.slots, view.widen)
    width = columns.right + MARGIN
    y = MARGIN
    parts: list[tuple[str, float]] = []
    if view.marker:
        marker = p.label(view.marker, width=width - 2 * MARGIN, size=SMALL_PT, weight="bold", color=MUTED,
                         gid="page-marker")
        p.place(marker, MARGIN, y, p.clip(MARGIN, y, width - 2 * MARGIN, marker.height + 2))
        parts.append(("marker", marker.height + 10))
        y += marker.height + 10
    present: set[str] = set()
    filled: set[str] = set()
    drawn = False
    for index, panel in enumerate(panels):
        grid = _Grid(p, panel, index, whole, columns, measured, own_heights=view.own_heights)
        present |= grid.keys
        filled |= grid.filled
        if not any(view.shows(u) for u in (f"{index}:title", f"{index}:cards", *grid.units)):
            continue
        if drawn:
            p.line([MARGIN, width - MARGIN], [y + 24, y + 24], color=STAGE_LINE, lw=1.2, z=1)
            parts.append((f"{index}:gap", 48.0))
            y += 48
        drawn = True
        y = _draw_title(p, panel, index, width, y, view, parts)
        y = grid.draw(columns, y, view, parts)
    if view.shows("legend"):
        bottom = _draw_legend(p, present, diff, width, y + 22)
        parts.append(("legend", bottom - y))
        y = bottom
    p.finish(width, y + MARGIN)
    return _Layout(width, y + MARGIN, parts, whole, frozenset(filled))


def _draw_title(p: _Painter, panel: _Panel, index: int, width: float, top: float, view: _View,
                parts: list[tuple[str, float]]) -> float:
    inner = width - 2 * MARGIN
    if not view.shows(f"{index}:title"):
        if panel.cards and view.shows(f"{index}:cards"):
            bottom = _draw_personas(p, panel, inner, top) + 16
            parts.append((f"{index}:cards", bottom - top))
            return bottom
        return top
    start = top
    cell = _Cell()
    if panel.caption is not None:
        cell.add(p.label(panel.caption, width=inner, size=SUBTITLE_PT, weight="bold", color=MUTED))
    cell.add(p.label(panel.title, width=inner, size=TITLE_PT, weight="bold", gid=f"{panel.prefix}title"), gap=4)
    if panel.persona:
        cell.add(p.label(f"Chân dung khách hàng: {panel.persona}", width=inner, size=SUBTITLE_PT, color=MUTED),
                 gap=5)
    if panel.subtitle:
        cell.add(p.label(panel.subtitle, width=inner, size=SUBTITLE_PT, color=INK), gap=5)
    if panel.view:
        cell.add(p.label(panel.view, width=inner, size=SUBTITLE_PT, weight="bold", color=INK,
                         gid=f"{panel.prefix}persona-view"), gap=5)
    _draw_cell(p, cell, MARGIN, top, inner, cell.height, pad=(0.0, 0.0))
    top += cell.height + 16
    parts.append((f"{index}:title", top - start))
    if panel.cards and view.shows(f"{index}:cards"):
        bottom = _draw_personas(p, panel, inner, top) + 16
        parts.append((f"{index}:cards", bottom - top))
        top = bottom
    return top


# -- persona cards ----------------------------------------------------------------------------------


def _draw_personas(p: _Painter, panel: _Panel, inner: float, top: float) -> float:
    """One card per persona, side by side and wrapping to a new line; returns the bottom."""
    card_w = min(PERSONA_CARD_W, inner)
    per_line = max(1, int((inner + CARD_GAP) // (card_w + CARD_GAP)))
    cells = [_persona_cell(p, panel, i, persona, card_w) for i, persona in enumerate(panel.cards)]
    y = top
    for start in range(0, len(cells), per_line):
        line = cells[start:start + per_line]
        height = max(cell.height for cell, _ in line) + 2 * CARD_PAD
        for j, (cell, avatar) in enumerate(line):
            left = MARGIN + j * (card_w + CARD_GAP)
            p.rect(left, y, card_w, height, face="#fbfcfd", edge=CARD_EDGE, lw=1.0, rounding=6, z=1,
                   gid=f"{panel.prefix}persona-{start + j}")
            _draw_cell(p, cell, left, y, card_w, height, pad=(CARD_PAD, CARD_PAD))
            avatar.draw(p, left + CARD_PAD, y + CARD_PAD)
        y += height + CARD_GAP
    return y - CARD_GAP


def _persona_cell(p: _Painter, panel: _Panel, index: int, persona: PersonaSpec, width: float) -> tuple[_Cell, _Avatar]:
    inner = width - 2 * CARD_PAD
    beside = inner - AVATAR_D - 10
    cell = _Cell()
    head = _Cell()
    head.add(p.label(persona.name, width=beside, size=NAME_PT + 1, weight="bold",
                     gid=f"{panel.prefix}persona-name-{index}"))
    if persona.description:
        head.add(p.label(persona.description, width=beside, size=SMALL_PT, color=MUTED), gap=3)
    for item in head.items:
        if isinstance(item, _Placed):
            cell.items.append(_Placed(item.label, AVATAR_D + 10, item.y))
    cell.height = max(AVATAR_D, head.height)
    if persona.quote:
        cell.add(p.label(f"“{persona.quote}”", width=inner, size=BODY_PT, style="italic", color=INK), gap=8)
    for title, items, color in (("Mục tiêu", persona.goals, GOAL_EDGE), ("Nỗi bực dọc", persona.frustrations, PAIN_COLOR)):
        if items:
            cell.add(p.label(title, width=inner, size=SMALL_PT, weight="bold", color=color), gap=8)
            cell.height += 3
            _bullets(p, cell, items, inner, color)
    facts = list(persona.facts.items()) if isinstance(persona.facts, dict) else [(None, f) for f in persona.facts]
    if facts:
        cell.add(p.label("Thông tin", width=inner, size=SMALL_PT, weight="bold", color=MUTED), gap=8)
        for label, value in facts:
            cell.add(p.label(value if label is None else f"{label}: {value}", width=inner, size=BODY_PT), gap=3)
    return cell, _Avatar(persona, _photo(panel.journey, persona.photo))


def _draw_cell(
    p: _Painter,
    cell: _Cell,
    left: float,
    top: float,
    width: float,
    height: float,
    *,
    pad: tuple[float, float] = (PAD_X, PAD_Y),
) -> None:
    if cell.card is not None:
        card = cell.card
        p.rect(left + 3, top + 3, width - 6, height - 6, face=card.face, edge=card.edge, lw=card.lw,
               rounding=5, dashed=card.dashed, z=2)
    clip = p.clip(left, top, width, height)
    x0, y0 = left + pad[0], top + pad[1]
    for item in cell.items:
        if isinstance(item, _Placed):
            p.place(item.label, x0 + item.x, y0 + item.y, clip)
        else:
            p.rect(x0 + item.x, y0 + item.y, item.w, item.h, face=item.face, edge=item.edge, lw=item.lw,
                   rounding=item.rounding, z=3)


class _Grid:
    """One panel's grid: stage headers, stage details, rows and the line of visibility.

    Rows are measured over the whole canvas, so a page showing some stages or some rows has the
    same rows, with the same heights, as every other page of the same canvas (with ``own_heights``,
    the same rows at the heights the shown columns need).
    """

    def __init__(self, p: _Painter, panel: _Panel, index: int, whole: _Columns, columns: _Columns,
                 measured: dict[int, _Measure], *, own_heights: bool = False) -> None:
        self.p, self.panel, self.index = p, panel, index
        lanes = None
        if index not in measured:
            lanes = [(lane, _rows(p, panel, whole, lane)) for lane in ("frontstage", "backstage")]
            details = _stage_details(p, panel, whole)
            measured[index] = _Measure(
                [(lane, [(row.key, row.height) for row in rows]) for lane, rows in lanes],
                max((c.height + 2 * PAD_Y for c in details.values()), default=None),
                _header_labels(p, panel, whole)[1],
            )
        measure = self.measure = measured[index]
        if lanes is None or columns.right != whole.right:  # measured before, or drawing a part
            lanes = [(lane, _rows(p, panel, columns, lane,
                                  fixed=[(key, 0.0) for key, _ in heights] if own_heights else heights)
                      if heights else [])
                     for lane, heights in measure.lanes]
        self.lanes = lanes
        self.details = measure.details_h is not None
        self.details_h = 0.0 if own_heights else measure.details_h or 0.0
        self.header_h = 0.0 if own_heights else measure.header_h
        filled = {f"{index}:{lane}:{row.key}" for lane, rows in lanes for row in rows if row.cells}
        if self.details and _stage_details(p, panel, columns):
            filled.add(f"{index}:details")
        self.filled = filled
        keys: set[str] = set()
        if any(panel.nodes[n].get("moment_of_truth") for n in panel.nodes if n not in panel.excluded):
            keys.add("moment_of_truth")
        if panel.excluded:
            keys.add("excluded")
        units = [f"{index}:details"] if self.details else []
        for lane, rows in self.lanes:
            keys |= {row.key for row in rows}
            units += [f"{index}:{lane}:{row.key}" for row in rows]
            if lane == "backstage" and rows:
                keys.add("lane-backstage")
        self.keys = keys
        self.units = units

    def draw(self, columns: _Columns, top: float, view: _View, parts: list[tuple[str, float]]) -> float:
        """Draw the units ``view`` shows, under the stage headers; returns the bottom."""
        p, panel, index = self.p, self.panel, self.index
        if not any(view.shows(unit) for unit in self.units):
            return top
        labels, header_h = _header_labels(p, panel, columns)
        header_h = max(header_h, self.header_h)
        _draw_headers(p, panel, columns, labels, header_h, top)
        parts.append((f"{index}:head", header_h))
        y = top + header_h
        grid_top = y
        if self.details and view.shows(f"{index}:details"):
            height = _draw_stage_details(p, panel, columns, self.details_h, y)
            parts.append((f"{index}:details", height))
            y += height
        slots_top = y  # the stage details span their stage: the touchpoint columns start below them
        for lane, rows in self.lanes:
            shown = [row for row in rows if view.shows(f"{index}:{lane}:{row.key}")]
            if not shown:
                continue
            extra = 0.0
            if lane == "backstage":
                _draw_visibility(p, panel, columns, y)
                y += VISIBILITY_H
                extra = VISIBILITY_H
            lane_top = y
            placed = _placement(panel, columns, lane)
            for row in shown:
                _draw_row(p, panel, columns, row, placed, y)
                y += row.height
                parts.append((f"{index}:{lane}:{row.key}", row.height + extra))
                extra = 0.0
            _draw_changes(p, panel, placed, lane_top, y)
        _draw_stage_backgrounds(p, columns, grid_top, y, slots_top)
        return y


def _header_labels(p: _Painter, panel: _Panel, columns: _Columns) -> tuple[dict[str, _Label], float]:
    """The stage headers' labels ("3. Thanh toán"; "(tiếp)" on a stage split between pages) and their height."""
    labels = {}
    for stage in columns.stages:
        left, right = columns.span(stage)
        number = columns.number(stage)
        first = columns.first.get(stage, 0)
        more = first + len(columns.slots[stage]) < columns.total.get(stage, 0)
        suffix = " (tiếp)" if first and not more else " (còn tiếp)" if more and not first else \
            " (tiếp, còn tiếp)" if first and more else ""
        absent = stage not in panel.journey.stages
        labels[stage] = p.label(
            f"{number + 1}. {stage}{suffix}", width=right - left - 2 * PAD_X, size=STAGE_PT, weight="bold",
            color=MUTED if absent else "white", ha="center", gid=f"{panel.prefix}stage-{number}",
        )
    return labels, max(34.0, *(label.height + 2 * PAD_Y + 4 for label in labels.values()))


def _draw_headers(p: _Painter, panel: _Panel, columns: _Columns, labels: dict[str, _Label], height: float,
                  top: float) -> None:
    label = p.label("Giai đoạn", width=LABEL_W - 2 * PAD_X, size=LABEL_PT, weight="bold", color=MUTED,
                    gid=f"{panel.prefix}row-stage")
    p.place(label, MARGIN + PAD_X, top + (height - label.height) / 2, p.clip(MARGIN, top, LABEL_W, height))
    for stage, text in labels.items():
        left, right = columns.span(stage)
        absent = stage not in panel.journey.stages
        p.rect(left + 2, top + 2, right - left - 4, height - 4, face=ABSENT_HEADER_FILL if absent else HEADER_FILL,
               rounding=4, z=2)
        p.place(text, (left + right) / 2, top + (height - text.height) / 2, p.clip(left, top, right - left, height))


def _stage_details_cell(p: _Painter, info: StageSpec, width: float, gid: str) -> _Cell | None:
    """A stage's goal (bold), KPIs and duration, when the journey gives any (SVG ids ``<gid>-goal``,
    ``<gid>-kpis``, ``<gid>-duration``)."""
    if info.goal is None and not info.kpis and info.duration is None:
        return None
    lines = [("goal", info.goal, BODY_PT, "bold", INK)] if info.goal else []
    if info.kpis:
        lines.append(("kpis", "KPI: " + " · ".join(info.kpis), SMALL_PT, "normal", INK))
    if info.duration is not None:
        duration = fmt.hours(info.duration) if isinstance(info.duration, float) else info.duration
        lines.append(("duration", f"Thời gian: {duration}", SMALL_PT, "normal", MUTED))
    cell = _Cell()
    for part, text, size, weight, color in lines:
        cell.add(p.label(text, width=width, size=size, weight=weight, color=color, gid=f"{gid}-{part}"), gap=4)
    return cell


def _stage_details(p: _Painter, panel: _Panel, columns: _Columns) -> dict[str, _Cell]:
    """Each stage's goal, KPIs and duration cell (none when no stage has any)."""
    info = panel.journey.stage_info
    cells = {}
    for stage in columns.stages:
        left, right = columns.span(stage)
        number = columns.number(stage)
        cell = _stage_details_cell(p, info[stage], right - left - 2 * PAD_X, f"{panel.prefix}stage-{number}") \
            if stage in info else None
        if cell is not None:
            cells[stage] = cell
    return cells


def _draw_stage_details(p: _Painter, panel: _Panel, columns: _Columns, whole: float, top: float) -> float:
    """The row of stage goals, KPIs and durations under the stage headers, as high as on the whole canvas."""
    cells = _stage_details(p, panel, columns)
    label = _Cell()
    label.add(p.label(STAGE_DETAILS_LABEL, width=LABEL_W - 2 * PAD_X, size=LABEL_PT, weight="bold",
                      gid=f"{panel.prefix}row-stage-details"))
    height = max(ROW_MIN, whole, label.height + 2 * PAD_Y, *(c.height + 2 * PAD_Y for c in cells.values()))
    p.rect(MARGIN, top, LABEL_W, height, face=LABEL_FILL, z=0.5)
    _draw_cell(p, label, MARGIN, top, LABEL_W, height)
    p.line([MARGIN, columns.right], [top + height] * 2, color=STAGE_LINE, lw=1.0, z=1)
    for stage, cell in cells.items():
        left, right = columns.span(stage)
        _draw_cell(p, cell, left, top, right - left, height)
    return height


def _draw_row(
    p: _Painter, panel: _Panel, columns: _Columns, row: _Row, placed: dict[str, tuple[float, float]], top: float
) -> None:
    p.rect(MARGIN, top, LABEL_W, row.height, face=LABEL_FILL, z=0.5)
    _draw_cell(p, row.label, MARGIN, top, LABEL_W, row.height)
    p.line([MARGIN, columns.right], [top + row.height] * 2, color=GRID, lw=0.8, z=1)
    for node, cell in row.cells.items():
        if node not in placed:
            continue  # on another page
        left, width = placed[node]
        _draw_cell(p, cell, left, top, width, row.height)
    if row.key == "emotion":
        _draw_emotion(p, panel, columns, row, placed, top)


def _draw_emotion(
    p: _Painter, panel: _Panel, columns: _Columns, row: _Row, placed: dict[str, tuple[float, float]], top: float
) -> None:
    zero = top + _emotion_y(0)
    p.line([columns.left, columns.right], [zero, zero], color="#90a4ae", lw=0.9, dashed=True, z=1.5)
    run: list[tuple[float, float]] = []
    runs = [run]
    for stage in columns.stages:
        for node in panel.order.get((row.lane, stage), []):
            status = panel.status.get(node)
            if status is not None and status.kind == "removed" or node in panel.excluded or node not in placed:
                continue  # the curve runs on to the next touchpoint this customer meets
            emotion = panel.nodes[node].get("emotion")
            left, width = placed[node]
            if emotion is None:
                run = []
                runs.append(run)
                continue
            point = (left + width / 2, top + _emotion_y(emotion))
            run.append(point)
            moment = bool(panel.nodes[node].get("moment_of_truth"))
            # A moment of truth is a diamond on the curve, as on its card.
            p.marker(*point, face=EMOTION_FILL[max(-2, min(2, round(emotion)))], shape="D" if moment else "o",
                     size=11.0 if moment else 12.0)
    for i, points in enumerate(r for r in runs if len(r) > 1):
        p.curve(points, gid=f"{panel.prefix}emotion-curve" + (f"-{i}" if i else ""))


def _draw_changes(
    p: _Painter, panel: _Panel, placed: dict[str, tuple[float, float]], top: float, bottom: float
) -> None:
    """Outline the whole column of an added, changed or removed touchpoint (``layout="diff"``)."""
    for node, (left, width) in placed.items():
        status = panel.status.get(node)
        if status is None:
            continue
        color = BADGE[status.kind][1]
        p.rect(left + 1, top + 1, width - 2, bottom - top - 2, face="none", edge=color, lw=1.6, rounding=6,
               dashed=status.kind == "removed", z=4.5)


def _draw_visibility(p: _Painter, panel: _Panel, columns: _Columns, top: float) -> None:
    y = top + VISIBILITY_H / 2
    p.line([MARGIN, columns.right], [y, y], color="#607d8b", lw=1.3, dashed=True, z=2,
           gid=f"{panel.prefix}visibility-line")
    label = p.label(VISIBILITY_LABEL, width=columns.right - MARGIN - 2 * PAD_X, size=BODY_PT, weight="bold",
                    style="italic", color="#455a64", gid=f"{panel.prefix}visibility-label")
    label.artist.set_bbox({"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": "none"})
    p.place(label, MARGIN + PAD_X + 4, y - label.height / 2, p.clip(MARGIN, top, columns.right - MARGIN, VISIBILITY_H))


def _draw_stage_backgrounds(p: _Painter, columns: _Columns, top: float, bottom: float, slots_top: float) -> None:
    for stage in columns.stages:
        left, right = columns.span(stage)
        p.rect(left, top, right - left, bottom - top, face=STAGE_FILL[columns.number(stage) % 2], z=0.2)
        p.line([left, left], [top, bottom], color=STAGE_LINE, lw=1.0, z=1.2)
        for slot_left, _ in columns.slots[stage][1:]:
            p.line([slot_left, slot_left], [slots_top, bottom], color=GRID, lw=0.6, z=1)
    p.line([columns.right, columns.right], [top, bottom], color=STAGE_LINE, lw=1.0, z=1.2)


# -- legend -----------------------------------------------------------------------------------------


def _draw_legend(p: _Painter, present: set[str], diff: bool, width: float, top: float) -> float:
    groups: list[tuple[str, list[tuple[str, str, str]]]] = []  # title, [(kind, colour, text)]
    if "emotion" in present:
        emotions = [("circle", EMOTION_FILL[k], f"{_signed(k)} {EMOTION_NAME[k]}") for k in range(-2, 3)]
        groups.append(("Cảm xúc", emotions))
    if "ces" in present:
        groups.append(("CES", [("square", CES_FILL[k], f"{k} {CES_NAMES[k]}") for k in range(1, 8)]))
    if "experience" in present:
        groups.append(("Loại trải nghiệm", [("chip", CHIP_FILL[t], f"{t.label_vi} ({t.label_en.lower()})")
                                            for t in ExperienceType]))
    symbols = [("goal", GOAL_EDGE, "viền xanh, ★ = mục tiêu")]
    if "moment_of_truth" in present:
        symbols.append(("moment", MOMENT_COLOR, "viền vàng, ◆ = khoảnh khắc quyết định"))
    if "drop_off" in present:
        symbols.insert(0, ("bar", EXIT_COLOR, "thanh đỏ = tỷ lệ khách rời bỏ tại điểm chạm"))
    if "feedback" in present:
        symbols.append(("bar", NEGATIVE_FILL, "thanh hồng = tỷ lệ bình luận tiêu cực; (n) = số bình luận"))
    if "lane-backstage" in present:
        symbols.append(("dashed", "#607d8b", "viền nét đứt = hậu trường"))
    if "excluded" in present:
        symbols.append(("dashed", CARD_EDGE, "chữ xám, nét đứt = persona này không đi qua điểm chạm"))
    groups.append(("Ký hiệu", symbols))
    if diff:
        groups.append(("So sánh", [("badge", BADGE[k][1], f"{BADGE[k][0]} = {text}") for k, text in
                                   (("added", "điểm chạm mới"), ("changed", "có thay đổi (liệt kê dưới tên)"),
                                    ("removed", "đã bỏ"))]))

    left = MARGIN + PAD_X
    title_w = 128.0
    right = width - MARGIN - PAD_X
    heading = p.label("Chú giải", width=right - left, size=LABEL_PT, weight="bold", gid="legend")
    items: list[tuple[_Label, float, float]] = [(heading, left, top + PAD_Y)]
    boxes: list[tuple[str, str, float, float, float]] = []
    y = top + PAD_Y + heading.height + 6
    line_h = 20.0
    used = left + heading.width
    for title, entries in groups:
        title_label = p.label(title, width=title_w - 8, size=SMALL_PT, weight="bold", color=MUTED, va="baseline")
        items.append((title_label, left, y + line_h / 2 + _baseline(SMALL_PT)))
        x = left + title_w
        for kind, color, text in entries:
            swatch_w = 26.0 if kind in ("bar", "chip", "badge", "dashed") else 14.0
            label = p.label(text, width=right - left - title_w - swatch_w - 6, size=SMALL_PT, va="baseline")
            if x > left + title_w and x + swatch_w + 5 + label.width > right:
                x, y = left + title_w, y + line_h
            boxes.append((kind, color, x, y + line_h / 2, swatch_w))
            items.append((label, x + swatch_w + 5, y + line_h / 2 + _baseline(SMALL_PT)))
            x += swatch_w + 5 + label.width + 16
            used = max(used, x - 16)
        y += line_h + 4
    bottom = y + PAD_Y - 4
    box_w = min(width - 2 * MARGIN, used - MARGIN + PAD_X + 4)
    clip = p.clip(MARGIN, top, box_w, bottom - top)
    p.rect(MARGIN, top, box_w, bottom - top, face="#fbfcfd", edge="#cfd8dc", lw=0.8, rounding=6, z=0.5)
    for label, x, y_top in items:
        p.place(label, x, y_top, clip)
    for kind, color, x, y_mid, swatch_w in boxes:
        _swatch(p, kind, color, x, y_mid, swatch_w)
    return bottom


def _swatch(p: _Painter, kind: str, color: str, x: float, y: float, width: float) -> None:
    if kind == "circle":
        p.marker(x + 7, y, face=color, size=11)
    elif kind == "square":
        p.rect(x + 1, y - 6, 12, 12, face=color, edge=_darker(color), lw=0.6, rounding=2, z=3)
    elif kind == "chip":
        p.rect(x, y - 7, width, 14, face=color, rounding=7, z=3)
    elif kind == "bar":
        p.rect(x, y - 3.5, width, 7, face=color, edge=_darker(color), lw=0.6, rounding=2, z=3)
    elif kind == "badge":
        p.rect(x, y - 7, width, 14, face=color, rounding=4, z=3)
    elif kind == "moment":
        p.rect(x + 1, y - 6, 12, 12, face="white", edge=color, lw=2.2, rounding=3, z=3)
        p.marker(x + 7, y, face=color, shape="D", size=5.5, z=4)
    elif kind == "dashed":
        p.rect(x, y - 7, width, 14, face=BACKSTAGE_CARD, edge=color, lw=1.0, rounding=3, dashed=True, z=3)
    else:
        p.rect(x + 1, y - 6, 12, 12, face="white", edge=color, lw=2.2, rounding=3, z=3)
