"""The canvas on sheets of a given size: ISO paper (fitted, or tiled onto pages) and 16:9 slides.

Every sheet is drawn by the canvas's own code (:func:`._page._draw`) for the part of the canvas it
shows (a :class:`._page._View`), then scaled as a whole (:meth:`._text._Painter.fit`): text stays
text, and a page's text is the canvas's text times the page's scale.

Paper: the whole canvas on one page when its smallest text prints at least :data:`MIN_PRINT_PT`;
else tiles. Pages take whole stages, left to right (a stage wider than a page is split between
pages, its header saying "(còn tiếp)" / "(tiếp)"); when the rows do not fit a page's height either,
they are split into bands, top to bottom, at row boundaries. Every page repeats the row headers and
its stage headers and carries a marker line ("<title> · trang 2/6 · giai đoạn 3–4 · phần 1/2");
the title and persona cards are on page 1; the legend is printed once, at the foot of the first
column of pages with room left for it (else of the last column). All pages share one scale, so the
same text has the same size on every page.

Slides (1920 × 1080 px): an overview (title, stage headers, touchpoint names and the emotion curve,
stages wrapped onto up to four lines) and one slide per stage: only the rows with something to show
for that stage, split into up to four bands side by side, its columns widened so that the bands fill
the slide's width, its smallest text at least :data:`MIN_SLIDE_PX`; a stage too wide for that goes
on two or more slides (``03-thanh-toan.png``, ``03-thanh-toan-2.png``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from ...errors import DataError
from ._page import _draw, _Layout, _Measure, _View
from ._panels import _Panel
from ._style import _RC, LABEL_W, MARGIN, MIN_PRINT_PT, MIN_SLIDE_PX, SLIDE_SIZE
from ._text import _Painter

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Paper = Literal["A0", "A1", "A2", "A3", "A4"]
Orientation = Literal["landscape", "portrait"]

#: ISO 216 sizes in millimetres, portrait (width, height).
PAPER_MM: dict[str, tuple[int, int]] = {
    "A0": (841, 1189), "A1": (594, 841), "A2": (420, 594), "A3": (297, 420), "A4": (210, 297),
}
MM = 72 / 25.4
#: White border of a paper page, for printers that cannot print to the edge.
PAPER_MARGIN = 5 * MM
SLIDE_MARGIN = 24.0
BAND_GAP = 24.0  # between the bands of a slide, and the lines of the overview
MAX_BANDS = 4
#: The most a stage slide enlarges the canvas (body text 9.5 pt → 28.5 px): a stage with little in it
#: gets wider columns rather than huge letters.
MAX_SLIDE_SCALE = 3.0


def paper_size(paper: str, orientation: str = "landscape") -> tuple[float, float]:
    """The (width, height) in points of an ISO paper size, e.g. ``paper_size("A4")`` is 841.9 × 595.3.

    >>> [round(x, 1) for x in paper_size("a3", "portrait")]
    [841.9, 1190.6]
    """
    if not isinstance(paper, str) or not isinstance(orientation, str):
        raise TypeError(f"paper and orientation must be text; got {paper!r}, {orientation!r}")
    key = paper.upper()
    if key not in PAPER_MM:
        raise DataError(f"paper {paper!r} is not a size the canvas prints on; use one of: {', '.join(PAPER_MM)}")
    if orientation not in ("landscape", "portrait"):
        raise DataError(f"orientation {orientation!r} is not known; use landscape or portrait")
    short, long = (x * MM for x in PAPER_MM[key])
    return (long, short) if orientation == "landscape" else (short, long)


class _Canvas:
    """What a canvas shows (its panels), drawn whole or in parts onto figures."""

    def __init__(self, panels: list[_Panel], *, diff: bool) -> None:
        self.panels = panels
        self.diff = diff
        self.title = panels[0].title
        self.measured: dict[int, _Measure] = {}

    def draw(self, view: _View | None = None, figure: Figure | None = None) -> tuple[_Painter, _Layout]:
        import matplotlib

        with matplotlib.rc_context(_RC):
            if figure is None:
                figure = _figure()
            painter = _Painter(figure)
            layout = _draw(painter, self.panels, diff=self.diff, view=view or _View(), measured=self.measured)
        return painter, layout


def _figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), dpi=72)
    FigureCanvasAgg(figure)
    return figure


def smallest_text(painters: list[_Painter]) -> float:
    """The smallest font size (points) of any text the painters drew, as it is now scaled."""
    from matplotlib.text import Text

    return min(float(a.get_fontsize()) for p in painters for a in p.artists if isinstance(a, Text) and a.get_text())


@dataclass
class Sheet:
    """One page or slide: its figure (sized to the sheet), the scale of the canvas on it, and its name."""

    figure: Figure
    painters: list[_Painter]
    scale: float
    name: str = ""

    @property
    def smallest_text(self) -> float:
        """The smallest text on the sheet, in points (1 pt is 1 px on a slide)."""
        return smallest_text(self.painters)


def _fit(drawn: list[tuple[_Painter, _Layout]], size: tuple[float, float], *, margin: float,
         scale: float | None = None, across: bool = True, centre: bool = True, trim: float = 0.0) -> Sheet:
    """Lay the drawings (all on one figure) side by side (``across``) or stacked, scaled to fit ``size``.

    ``trim`` (canvas points) of the drawings' own white border may fall outside the sheet, for a
    sheet printed inside margins of its own."""
    widths = [layout.width for _, layout in drawn]
    heights = [layout.height for _, layout in drawn]
    gaps = BAND_GAP * (len(drawn) - 1)
    total_w = sum(widths) + gaps if across else max(widths)
    total_h = max(heights) if across else sum(heights) + gaps
    fitting = min((size[0] - 2 * margin) / (total_w - 2 * trim), (size[1] - 2 * margin) / (total_h - 2 * trim))
    scale = fitting if scale is None else min(scale, fitting)
    left = (size[0] - scale * total_w) / 2
    top = (size[1] - scale * total_h) / 2 if centre else margin - trim * scale
    for painter, layout in drawn:
        painter.fit(scale, left, top, size[1])
        if across:
            left += (layout.width + BAND_GAP) * scale
        else:
            top += (layout.height + BAND_GAP) * scale
    figure = drawn[0][0].figure
    figure.set_size_inches(size[0] / 72, size[1] / 72)
    return Sheet(figure, [painter for painter, _ in drawn], scale)


# -- paper ------------------------------------------------------------------------------------------


def _grid_unit(unit: str) -> bool:
    return unit != "legend" and not unit.endswith((":title", ":cards", ":head", ":gap")) and unit != "marker"


def _column_groups(layout: _Layout, room: float) -> list[tuple[tuple[str, int, int], ...]]:
    """Stages (or, for a stage wider than ``room`` points, runs of its touchpoint columns) per page."""
    columns = layout.columns
    groups: list[tuple[tuple[str, int, int], ...]] = []
    current: list[tuple[str, int, int]] = []
    used = 0.0
    for stage in columns.stages:
        widths = [w for _, w in columns.slots[stage]]
        if current and used + sum(widths) > room:
            groups.append(tuple(current))
            current, used = [], 0.0
        if used + sum(widths) <= room:
            current.append((stage, 0, len(widths)))
            used += sum(widths)
            continue
        start = 0
        while start < len(widths):
            stop, width = start, 0.0
            while stop < len(widths) and (stop == start or used + width + widths[stop] <= room):
                width += widths[stop]
                stop += 1
            current.append((stage, start, stop))
            used += width
            if stop < len(widths):
                groups.append(tuple(current))
                current, used = [], 0.0
            start = stop
    if current:
        groups.append(tuple(current))
    return groups


def _with_names(band: list[str], heights: dict[str, float]) -> list[str]:
    """``band`` plus the touchpoint-name row of every lane it shows rows of, so each page says whose
    rows they are (a band that starts in the middle of the backstage rows repeats their names)."""
    names = []
    for unit in band:
        if _grid_unit(unit) and unit.count(":") == 2:
            panel, lane, _ = unit.split(":")
            name = f"{panel}:{lane}:name"
            if name in heights and name not in band and name not in names:
                names.append(name)
    return names + band


def _band_height(band: list[str], heights: dict[str, float]) -> float:
    """About the height of a band's drawing, margins and marker excluded (checked by drawing it)."""
    units = _with_names(band, heights)
    panels = {u.split(":")[0] for u in units if u != "legend"}
    grids = {u.split(":")[0] for u in units if _grid_unit(u)}
    return (sum(heights[u] for u in units) + sum(heights.get(f"{panel}:head", 0.0) for panel in grids)
            + 48.0 * max(0, len(panels) - 1))


def _bands(layout: _Layout, room: float, *, titles: bool, legend: bool = True,
           first_room: float | None = None) -> list[list[str]]:
    """The units of a full-height drawing in bands of at most ``room`` points (the first band at most
    ``first_room``), as even as they can be; the legend only when ``legend``."""
    heights = dict(layout.parts)
    units = [u for u, _ in layout.parts
             if _grid_unit(u) or (legend and u == "legend") or (titles and u.endswith((":title", ":cards")))]
    first = room if first_room is None else first_room
    greedy: list[list[str]] = [[]]
    for unit in units:
        limit = first if len(greedy) == 1 else room
        if greedy[-1] and _band_height([*greedy[-1], unit], heights) > limit:
            greedy.append([])
        greedy[-1].append(unit)
    even = _split_even(units, heights, len(greedy))
    fits = all(_band_height(b, heights) <= (first if i == 0 else room) for i, b in enumerate(even))
    bands = even if len(even) == len(greedy) and fits else greedy
    return [_with_names(band, heights) for band in bands]


def _stage_range(canvas_stages: list[str], slots: tuple[tuple[str, int, int], ...]) -> str:
    numbers = sorted({canvas_stages.index(stage) + 1 for stage, _, _ in slots})
    text = f"giai đoạn {numbers[0]}" if len(numbers) == 1 else f"giai đoạn {numbers[0]}–{numbers[-1]}"
    split = any(start > 0 or stop < _slot_count(slots, stage) for stage, start, stop in slots)
    return text + (" (một phần)" if split else "")


def _slot_count(slots: tuple[tuple[str, int, int], ...], stage: str) -> int:
    return max(stop for s, _, stop in slots if s == stage)


def paper_sheets(canvas: _Canvas, paper: str, orientation: str = "landscape") -> list[Sheet]:
    """The canvas on ``paper``: one page when it fits with text of at least :data:`MIN_PRINT_PT`, else tiles."""
    return page_sheets(canvas, paper_size(paper, orientation), margin=PAPER_MARGIN)


def page_sheets(canvas: _Canvas, size: tuple[float, float], *, margin: float,
                first_height: float | None = None, titles: bool = True, trim: bool = False) -> list[Sheet]:
    """The canvas on pages of ``size`` points (with a white ``margin``), tiled when it must be.

    ``first_height`` (points) makes the first page shorter than the others, for a page that also
    holds a heading (the HTML report's); ``titles=False`` leaves the title and persona cards out (the
    report has its own); ``trim`` lets the canvas's own white border fall outside the page (a page
    printed inside margins of its own, as the report's are). The legend is drawn once, at the foot of the first column of pages with room
    for it (of the last column when none has), rather than taking a page of its own in every column."""
    first_h = size[1] if first_height is None else min(first_height, size[1])
    room_w, room_h = size[0] - 2 * margin, size[1] - 2 * margin
    first_room_h = first_h - 2 * margin
    painter, whole = canvas.draw()
    if not titles:
        untitled = frozenset(u for u, _ in whole.parts if not u.endswith((":title", ":cards")))
        painter, whole = canvas.draw(_View(units=untitled))
    least = MIN_PRINT_PT / smallest_text([painter])
    border = MARGIN if trim else 0.0
    if min(room_w / (whole.width - 2 * border), first_room_h / (whole.height - 2 * border)) >= least:
        return [_fit([(painter, whole)], (size[0], first_h), margin=margin, trim=border)]
    cap_w = room_w / least + 2 * border
    stages = whole.columns.stages
    groups = _column_groups(whole, cap_w - 2 * MARGIN - LABEL_W)
    planned: list[tuple[tuple[tuple[str, int, int], ...], list[list[str]], list[list[str]]]] = []
    for number, slots in enumerate(groups):
        _, full = canvas.draw(_View(slots=slots, marker="trang 00/00"))
        marker_h = dict(full.parts)["marker"]
        room, first_room = (h / least - 2 * (MARGIN - border) - marker_h for h in (room_h, first_room_h))
        plain, with_legend = (_bands(full, room, titles=titles and number == 0, legend=legend,
                                     first_room=first_room if number == 0 else None) for legend in (False, True))
        planned.append((slots, plain, with_legend))
    # The legend goes once, under the first column of pages it fits without a page of its own (the
    # last column when it fits under none).
    chosen = next((k for k, (_, plain, with_legend) in enumerate(planned) if len(with_legend) == len(plain)),
                  len(planned) - 1)
    pages = [(slots, band) for k, (slots, plain, with_legend) in enumerate(planned)
             for band in (with_legend if k == chosen else plain)]
    while True:
        drawn = []
        for k, (slots, band) in enumerate(pages, start=1):
            parts = [i for i, (s, _) in enumerate(pages) if s == slots]
            part = f" · phần {parts.index(k - 1) + 1}/{len(parts)}" if len(parts) > 1 else ""
            marker = f"{canvas.title} · trang {k}/{len(pages)} · {_stage_range(stages, slots)}{part}"
            drawn.append(canvas.draw(_View(slots=slots, units=frozenset(band), marker=marker)))
        fits = [min(room_w / (layout.width - 2 * border),
                    (first_room_h if k == 0 else room_h) / (layout.height - 2 * border))
                for k, (_, layout) in enumerate(drawn)]
        # A band the estimate got wrong is split in two; a single unit taller than a page stays as it is.
        wrong = [i for i, fit in enumerate(fits) if fit < least and len(pages[i][1]) > 1]
        if not wrong:
            break
        for i in reversed(wrong):
            slots, band = pages[i]
            half = len(band) // 2
            pages[i:i + 1] = [(slots, band[:half]), (slots, band[half:])]
    scale = min([fit for fit in fits if fit >= least] or [least])
    return [_fit([page], (size[0], first_h if k == 0 else size[1]), margin=margin, scale=scale, centre=False,
                 trim=border) for k, page in enumerate(drawn)]


# -- slides -----------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file-name slug: diacritics folded, lower case, words joined by ``-``.

    >>> slug("Đặt hàng & thanh toán (COD)")
    'dat-hang-thanh-toan-cod'
    """
    from nlp.text import fold_diacritics

    return re.sub(r"[^a-z0-9]+", "-", fold_diacritics(text)).strip("-") or "giai-doan"


def _split_even(units: list[str], heights: dict[str, float], count: int) -> list[list[str]]:
    """``units`` in order, cut into ``count`` runs of about equal height."""
    total = sum(heights[u] for u in units)
    runs: list[list[str]] = [[]]
    used = 0.0
    for unit in units:
        if runs[-1] and len(runs) < count and used + heights[unit] / 2 > total * len(runs) / count:
            runs.append([])
        runs[-1].append(unit)
        used += heights[unit]
    return [run for run in runs if run]


def _stage_plan(canvas: _Canvas, stage: str, start: int, stop: int, marker: str) -> tuple[list[_View], float]:
    """The bands (views) of one stage's slide, side by side, and the scale they would get.

    Only the rows that have something to show for the stage's touchpoints are drawn (a stage with no
    backstage touchpoint has no backstage rows), each as high as its cells need. The rows are cut
    into one to :data:`MAX_BANDS` bands of about equal height, side by side, and the touchpoint
    columns widened so that the bands fill the slide's width: the band count with the largest text
    wins. Text is never drawn more than :data:`MAX_SLIDE_SCALE` times the canvas's size (a stage
    with little in it gets wider columns rather than huge letters)."""
    slots = ((stage, start, stop),)
    base = _View(slots=slots, marker=marker, own_heights=True)
    _, probe = canvas.draw(base)
    grid = [u for u, _ in probe.parts if _grid_unit(u)]
    units = [u for u in grid if u in probe.filled] or grid[:1]
    base = _View(slots=slots, units=frozenset(units), marker=marker, own_heights=True)
    fixed = 2 * MARGIN + LABEL_W  # the drawing's width apart from its touchpoint columns
    columns = probe.width - fixed
    width, height = SLIDE_SIZE[0] - 2 * SLIDE_MARGIN, SLIDE_SIZE[1] - 2 * SLIDE_MARGIN
    measured: dict[float, dict[str, float]] = {}

    def heights(widen: float) -> dict[str, float]:
        key = round(widen, 3)
        if key not in measured:
            _, layout = canvas.draw(replace(base, widen=key))
            measured[key] = dict(layout.parts)
        return measured[key]

    def plan(widen: float, count: int) -> tuple[float, float, list[list[str]]]:
        """(scale, widen) of ``count`` bands measured at ``widen``, widened further to fill the width."""
        parts = heights(widen)
        runs = _split_even(units, parts, count)
        tallest = max(
            parts["marker"] + sum(parts[u] for u in run)
            + sum(parts.get(f"{panel}:head", 0.0) + 48.0 for panel in {u.split(":")[0] for u in run}) - 48.0
            for run in runs
        )
        # Rows only get shorter as columns widen, so the height allows at least this scale at any
        # widening from ``widen`` on; widen until the bands fill the width at that scale.
        target = min(height / tallest, MAX_SLIDE_SCALE)
        across = len(runs)
        # As _fit lays them out: bands side by side, BAND_GAP apart, the outer white border trimmed.
        fill = (width / target + 2 * MARGIN - BAND_GAP * (across - 1)) / across - fixed
        wider = max(widen, fill / columns)
        scale = min(target, width / (across * (fixed + wider * columns) + BAND_GAP * (across - 1) - 2 * MARGIN))
        return scale, wider, runs

    candidates = {count: plan(1.0, count) for count in range(1, min(MAX_BANDS, len(units)) + 1)}
    # One more measure at the widening found, for the two best band counts: rows wrapped wider are
    # shorter, which allows larger text.
    for count in sorted(candidates, key=lambda c: -candidates[c][0])[:2]:
        better = plan(candidates[count][1], count)
        if better[0] > candidates[count][0]:
            candidates[count] = better
    best = candidates[1]
    for count in sorted(candidates):
        if candidates[count][0] > best[0] * 1.02:
            best = candidates[count]
    scale, widen, runs = best
    views = [replace(base, units=frozenset(run), marker=marker if i == 0 else f"{marker} (tiếp)", widen=round(widen, 3))
             for i, run in enumerate(runs)]
    return views, scale


def slide_sheets(canvas: _Canvas) -> list[Sheet]:
    """The overview slide, then one slide per stage (more for a stage too wide to read on one)."""
    painter, whole = canvas.draw()
    smallest = smallest_text([painter])
    sheets = [_overview(canvas, whole)]
    columns = whole.columns
    for number, stage in enumerate(columns.stages, start=1):
        name = f"{number:02d}-{slug(stage)}"
        marker = f"{canvas.title} · giai đoạn {number}/{len(columns.stages)}"
        pieces = [(0, len(columns.slots[stage]))]
        while True:
            planned = [_stage_plan(canvas, stage, a, b, marker) for a, b in pieces]
            short = [i for i, (_, scale) in enumerate(planned)
                     if scale * smallest < MIN_SLIDE_PX and pieces[i][1] - pieces[i][0] > 1]
            if not short:
                break
            for i in reversed(short):
                a, b = pieces[i]
                pieces[i:i + 1] = [(a, (a + b) // 2), ((a + b) // 2, b)]
        for k, (views, _) in enumerate(planned, start=1):
            figure = _figure()
            sheet = _fit([canvas.draw(view, figure) for view in views], SLIDE_SIZE, margin=SLIDE_MARGIN,
                         trim=MARGIN)
            sheet.name = name if k == 1 else f"{name}-{k}"
            sheets.append(sheet)
    return sheets


def _overview(canvas: _Canvas, whole: _Layout) -> Sheet:
    """Title, stage headers, touchpoint names and the emotion curve; stages on up to four lines."""
    rows = {f"{i}:frontstage:{key}" for i in range(len(canvas.panels)) for key in ("name", "emotion")}
    width, height = SLIDE_SIZE[0] - 2 * SLIDE_MARGIN, SLIDE_SIZE[1] - 2 * SLIDE_MARGIN
    _, probe = canvas.draw(_View(units=frozenset({"0:title", *rows})))
    heights = dict(probe.parts)
    line_h = 2 * MARGIN + sum(h for u, h in probe.parts if u in rows or u.endswith((":head", ":gap")))
    stage_w = {s: sum(w for _, w in whole.columns.slots[s]) for s in whole.columns.stages}
    best: tuple[float, list[list[str]]] = (0.0, [whole.columns.stages])
    for count in range(1, MAX_BANDS + 1):
        lines = _split_even(whole.columns.stages, stage_w, count)
        wide = max(2 * MARGIN + LABEL_W + sum(stage_w[s] for s in line) for line in lines)
        tall = heights.get("0:title", 0.0) + len(lines) * line_h + BAND_GAP * (len(lines) - 1)
        scale = min(width / wide, height / tall)
        if scale > best[0] * 1.02:
            best = (scale, lines)
    figure = _figure()
    drawn = []
    for i, line in enumerate(best[1]):
        units = frozenset({"0:title", *rows} if i == 0 else rows)
        slots = tuple((s, 0, len(whole.columns.slots[s])) for s in line)
        drawn.append(canvas.draw(_View(slots=slots, units=units), figure))
    sheet = _fit(drawn, SLIDE_SIZE, margin=SLIDE_MARGIN, across=False)
    sheet.name = "00-tong-quan"
    return sheet
