"""Place touchpoints on a grid, route the transitions between them and place every label.

Stages are columns in order, left to right. Inside a stage, a touchpoint sits one column to the
right of the touchpoints that lead to it (longest path over forward edges), so a stage reads as a
small flow; a stage longer than its row allows continues on the next row of that stage. Frontstage
touchpoints sit in the upper band and backstage ones in the lower band, below the line of
visibility.

A long journey does not become a strip: its stages are laid in several rows ("blocks"), each with
its own stage headers, bands and line of visibility, so that the whole drawing is at most
:data:`MAX_ASPECT` times as wide as it is tall (2:1, a landscape page or slide) whenever stages
narrower than that exist; a single stage wider than that wraps its own steps onto more rows.
For printed pages, ``max_width`` instead packs each row with as many touchpoint columns as fit that
width (two on A4 landscape at 6 pt), whatever the height: the pages are cut between rows.

Transitions are routed through the empty channels between columns and rows (and, between blocks,
through the gutter above each block and the left margin), with rounded corners, so the drawing
needs no general-purpose spline router (which takes tens of seconds on a few hundred
touchpoints); Graphviz only paints what is computed here.

Every text is measured with the font the drawing names first (DejaVu Sans, which Matplotlib
bundles and which has every Vietnamese letter), line heights are explicit (1.4 times the font
size), and every label is placed where its box touches no touchpoint, no other label, no line of
visibility and not the legend: a transition's figures are tried beside each segment of its route,
then further away, and sit on a white box drawn over the lines.

Coordinates are in points, y growing downwards; :mod:`journeymap.draw.dot` flips them for Graphviz.
"""

from __future__ import annotations

import functools
import itertools
import math
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .. import fmt
from ..journey import Journey
from ..terms import VISIBILITY_TERM, channel_name
from ..text import excerpt

__all__ = [
    "MAX_ASPECT",
    "MIN_PRINT_PT",
    "Block",
    "EdgeRoute",
    "JourneyLayout",
    "Label",
    "NodeBox",
    "columns_within",
    "fit_lines",
    "layout_journey",
    "name_lines",
    "text_width",
    "wrap_text",
]

Rect = tuple[float, float, float, float]  # x0, y0, x1, y1

NODE_W = 180.0
TEXT_W = NODE_W - 28.0  # the widest line of text inside a touchpoint's box
NAME_CHARS = 24
NAME_LINES = 8  # a box shows at most this many lines of a name; the tooltip shows all of it
# Font sizes are whole points: Graphviz writes sizes rounded to whole points into the SVG.
NAME_PT, META_PT, CHIP_PT, EDGE_PT, EXIT_PT, STAGE_PT, LANE_PT, VISIBILITY_PT = 10, 8, 7, 9, 9, 10, 10, 8
TITLE_PT, PERSONA_PT = 17, 10
LINE_SPACING = 1.4  # a line of text is this many times its font size tall: room for stacked diacritics
CHIP_ROW = 19.0
NODE_PAD = 10.0
GAP_X = 96.0
STAGE_PAD = 16.0
LEFT_MARGIN = 140.0
RIGHT_MARGIN = 60.0
MARGIN = 20.0
GUTTER = 28.0  # above each block's stage headers: the channel transitions between blocks follow
HEADER_H = 34.0
BAND_PAD = 22.0
EXIT_SPACE = 64.0
BLOCK_GAP = 18.0
ARROW = 9.0
MAX_STEPS = 8  # a stage wider than this wraps onto further rows
CORNER = 12.0
MIN_PRINT_PT = 6.0
"""The smallest text a printed picture may have, in points (the canvas's ``paper=`` tiles and the
flow diagram's printed pages); 6 pt is the usual floor for printed captions and legends."""
MAX_ASPECT = 2.0
"""The widest a drawing is for its height (width / height), unless one stage alone is wider."""
LABEL_GAP = 3.0  # between a label's box and the line it belongs to
LABEL_PAD = 2.0  # inside a label's white box, around its text
TRUNK_X = LEFT_MARGIN - 24.0  # the vertical channel in the left margin, between blocks

Lane = Literal["frontstage", "backstage"]
LANE_NAMES: dict[str, str] = {"frontstage": "Tiền sảnh", "backstage": "Hậu trường"}


# -- measuring text ---------------------------------------------------------------------------------


@functools.cache
def _font(bold: bool, italic: bool) -> Any:
    from pathlib import Path

    from matplotlib import get_data_path
    from matplotlib.ft2font import FT2Font

    style = ("Bold" if bold else "") + ("Oblique" if italic else "")
    return FT2Font(str(Path(get_data_path()) / "fonts" / "ttf" / f"DejaVuSans{'-' + style if style else ''}.ttf"))


@functools.lru_cache(maxsize=65536)
def text_width(text: str, size: float, *, bold: bool = False, italic: bool = False) -> float:
    """Width in points of one line of ``text`` in DejaVu Sans at ``size`` points.

    >>> round(text_width("Giỏ hàng", 10)), text_width("", 10)
    (49, 0.0)
    """
    if not text:
        return 0.0
    font = _font(bold, italic)
    font.set_size(size, 72)
    font.set_text(text, 0.0)
    return float(font.get_width_height()[0]) / 64.0


def line_height(size: float) -> float:
    """The height of one line of text at ``size`` points (:data:`LINE_SPACING` times the size)."""
    return round(size * LINE_SPACING)


def _longest(n: int, fits) -> int:
    """The largest ``k`` in 1..``n`` with ``fits(k)`` (1 when none does), by bisection: a text's width
    grows with its length, and measuring every length made a long fuzzed name take minutes."""
    low, high = 1, n
    while low < high:
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    return low


def _letters_end(text: str, most: float) -> int | None:
    """Where ``text`` passes ``most`` letters (combining marks are not letters), or ``None`` if it never does."""
    letters = 0
    for i, char in enumerate(text):
        letters += not unicodedata.combining(char)
        if letters > most:
            return i
    return None


def _cut_word(word: str, fits, most_letters: float) -> tuple[str, str]:
    """The longest start of ``word`` that ``fits`` (at least one letter with its marks) and the rest;
    no start with more than ``most_letters`` letters fits."""
    past = _letters_end(word, most_letters + 1)
    end = _longest(max(len(word) if past is None else past, 1), lambda k: fits(word[:k]))
    while 1 < end < len(word) and unicodedata.combining(word[end]):
        end -= 1
    return word[:end], word[end:]


def fit_lines(text: str, width: float, size: float, *, bold: bool = False, italic: bool = False,
              most: int | None = None) -> list[str]:
    """Break ``text`` into lines at most ``width`` points wide (at spaces; a longer word is cut).

    At most ``most`` lines: the last one shown then ends in ``…`` (the full text stays in the
    journey file and the drawing's tooltip).

    >>> fit_lines("Trang chi tiết sản phẩm (ảnh, bảng size, đánh giá)", 150, 10, bold=True)
    ['Trang chi tiết sản phẩm', '(ảnh, bảng size, đánh', 'giá)']
    >>> fit_lines("một hai ba bốn năm sáu bảy tám", 60, 10, most=2)
    ['một hai ba', 'bốn năm…']
    """

    # No glyph of DejaVu Sans but U+FFFC is narrower than a tenth of an em (the hair space), so a line
    # with more letters than this cannot fit: it is refused unmeasured (FreeType takes time that grows
    # faster than the length of the text, and a fuzzed name of thousands of letters took minutes).
    most_letters = width / (0.1 * size)

    def fits(line: str) -> bool:
        if len(line) > most_letters and _letters_end(line, most_letters) is not None:
            return False
        return text_width(line, size, bold=bold, italic=italic) <= width

    lines: list[str] = []
    current = ""
    for word in text.split():
        if most is not None and len(lines) > most:
            break  # enough lines to know the text is cut after line ``most``
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while not fits(word) and (most is None or len(lines) <= most):
            head, word = _cut_word(word, fits, most_letters)
            lines.append(head)
        current = word
    if current or not lines:
        lines.append(current)
    if most is not None and len(lines) > most:
        rest = " ".join(lines[most - 1:])
        # the longest cut of the rest (ending in "…") that fits; never the rest itself, which did not
        limit = _longest(len(rest) - 1, lambda k: fits(excerpt(rest, k)))
        lines = [*lines[: most - 1], excerpt(rest, limit)]
    return lines


def balanced_lines(text: str, width: float, size: float, *, bold: bool = False, italic: bool = False) -> list[str]:
    """:func:`fit_lines` into as few lines as ``width`` allows, made as even as possible.

    >>> balanced_lines("Đường ranh giới hữu hình", 90, 8, italic=True)
    ['Đường ranh', 'giới hữu hình']
    """
    lines = fit_lines(text, width, size, bold=bold, italic=italic)
    while len(lines) > 1 and width > 10:
        narrower = fit_lines(text, width - 2, size, bold=bold, italic=italic)
        if len(narrower) > len(lines):
            break
        lines, width = narrower, width - 2
    return lines


def wrap_text(text: str, width: int = NAME_CHARS) -> list[str]:
    """Break ``text`` into lines of at most ``width`` characters, at spaces where possible.

    Every character of the input is kept, so the name reads exactly as written.

    Examples
    --------
    >>> wrap_text("Màn hình \\"Xác thực khuôn mặt\\" trên ứng dụng", 20)
    ['Màn hình "Xác thực', 'khuôn mặt" trên ứng', 'dụng']
    """
    lines: list[str] = []
    current = ""
    for word in text.split():
        while len(word) > width:
            if current:
                lines.append(current)
                current = ""
            lines.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def name_lines(text: str, width: int = NAME_CHARS, most: int = NAME_LINES) -> list[str]:
    """:func:`wrap_text` of a touchpoint's name, at most ``most`` lines: a longer name ends in ``…``
    (the drawing's tooltip holds it whole).

    >>> name_lines("Một tên rất dài " * 3, 10, 2)
    ['Một tên', 'rất dài…']
    """
    lines = wrap_text(text, width)
    if len(lines) <= most:
        return lines
    return [*lines[: most - 1], excerpt(lines[most - 1] + " " + lines[most], width)]


# -- what the layout hands to the painter -----------------------------------------------------------


@dataclass
class NodeBox:
    id: str
    x: float
    y: float
    w: float
    h: float
    lane: Lane
    column: int
    row: int
    name_lines: list[str]
    chip_rows: int
    meta_lines: list[list[str]] = field(default_factory=list)  # each line: its parts, joined by " · "
    block: int = 0

    @property
    def rect(self) -> Rect:
        return (self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2)


@dataclass
class Label:
    """A box of text: centre, size, and its lines (already fitted to the box)."""

    x: float
    y: float
    w: float
    h: float
    lines: list[str]

    @property
    def rect(self) -> Rect:
        return (self.x - self.w / 2, self.y - self.h / 2, self.x + self.w / 2, self.y + self.h / 2)


@dataclass
class EdgeRoute:
    source: str
    target: str
    points: list[tuple[float, float]]  # cubic Bézier control points: p0 (c1 c2 p)*
    end: tuple[float, float]  # where the arrowhead touches the target
    label_pos: tuple[float, float]
    backward: bool
    path: list[tuple[float, float]] = field(default_factory=list)  # the orthogonal polyline
    label: Label | None = None


@dataclass
class Block:
    """One row of stages: its gutter channel, stage headers, bands and line of visibility."""

    stages: list[int]
    top: float
    header_y: float
    bands: dict[Lane, tuple[float, float]]
    visibility_y: float | None
    bottom: float
    right: float
    lane_labels: dict[Lane, Label] = field(default_factory=dict)
    visibility_label: Label | None = None


@dataclass
class JourneyLayout:
    nodes: dict[str, NodeBox]
    edges: list[EdgeRoute]
    stage_spans: list[tuple[float, float]]
    header_y: float
    bands: dict[Lane, tuple[float, float]]
    visibility_y: float | None
    width: float
    height: float
    legend_y: float = 0.0
    exits: dict[str, tuple[float, float]] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    stage_header_y: list[float] = field(default_factory=list)
    stage_lines: list[list[str]] = field(default_factory=list)
    exit_labels: dict[str, Label] = field(default_factory=dict)
    title: Label | None = None
    title_lines: int = 0  # how many of title.lines are the title (the rest: the persona)
    legend: Label | None = None

    @property
    def visibility_lines(self) -> list[tuple[float, float, float]]:
        """Each block's line of visibility as (x from, x to, y)."""
        return [(16.0, b.right, b.visibility_y) for b in self.blocks if b.visibility_y is not None]


# -- texts of a touchpoint and a transition ---------------------------------------------------------


def meta_parts(attrs: Mapping[str, Any]) -> list[str]:
    """The small line under a touchpoint's name: channel (in Vietnamese), CES, goal, moment of truth."""
    parts = [excerpt(channel_name(attrs["channel"]), 40)] if attrs.get("channel") else []
    if attrs.get("ces") is not None:
        parts.append(f"CES {fmt.number(attrs['ces'], 1, trim=True)}/7")
    if attrs.get("goal"):
        parts.append("★ mục tiêu")
    if attrs.get("moment_of_truth"):
        parts.append("◆ quyết định")
    return parts


def edge_label_lines(attrs: Mapping[str, Any]) -> list[str]:
    """A transition's figures: ``volume · share`` on one line, its own label (cut to fit) below."""
    figures = []
    if attrs.get("volume") is not None:
        figures.append(fmt.number(attrs["volume"], 1, trim=True))
    if attrs.get("probability") is not None:
        figures.append(fmt.percent(attrs["probability"]))
    lines = [" · ".join(figures)] if figures else []
    if attrs.get("label"):
        lines.extend(fit_lines(excerpt(str(attrs["label"]), 80), 150, EDGE_PT, most=2))
    return lines


def label_box(lines: list[str], size: float, *, bold: bool = False, italic: bool = False,
              pad: float = LABEL_PAD) -> tuple[float, float]:
    """Width and height of a box holding ``lines`` at ``size`` points with ``pad`` around them."""
    width = max((text_width(line, size, bold=bold, italic=italic) for line in lines), default=0.0)
    return math.ceil(width + 2 * pad + 2), len(lines) * line_height(size) + 2 * pad


def _meta_lines(parts: list[str]) -> list[list[str]]:
    lines: list[list[str]] = []
    for part in parts:
        if lines and text_width(" · ".join([*lines[-1], part]), META_PT) <= TEXT_W:
            lines[-1].append(part)
        else:
            lines.append([part])
    return lines


def node_height(name_count: int, chip_rows: int, meta_count: int = 1) -> float:
    """A touchpoint box's height: its name, meta and chip lines at their line heights, and padding."""
    return 2 * NODE_PAD + name_count * line_height(NAME_PT) + max(meta_count, 1) * line_height(META_PT) + CHIP_ROW * chip_rows


# -- the layout -------------------------------------------------------------------------------------


@dataclass
class _Content:
    """What the layout needs of a journey, whatever the rows of stages."""

    step: dict[str, int]
    stage_of: dict[str, int]
    names: dict[str, list[str]]
    metas: dict[str, list[list[str]]]
    chips: dict[str, int]
    heights: dict[str, float]
    stage_lines: list[list[str]]


def _content(journey: Journey) -> _Content:
    graph = journey.graph
    order = {n: i for i, n in enumerate(graph.nodes)}
    stage_index = {s: i for i, s in enumerate(journey.stages)}
    step: dict[str, int] = {}
    for node in graph.nodes:  # file order is a topological order of the forward edges
        stage = graph.nodes[node]["stage"]
        preds = [
            step[p]
            for p in graph.predecessors(node)
            if p in step and graph.nodes[p]["stage"] == stage and order[p] < order[node]
        ]
        step[node] = max(preds) + 1 if preds else 0
    names = {n: fit_lines(graph.nodes[n]["name"], TEXT_W, NAME_PT, bold=True, most=NAME_LINES) for n in graph.nodes}
    metas = {n: _meta_lines(meta_parts(graph.nodes[n])) for n in graph.nodes}
    chips = {n: (0 if not graph.nodes[n].get("experience") else 1 if len(graph.nodes[n]["experience"]) <= 3 else 2)
             for n in graph.nodes}
    heights = {n: node_height(len(names[n]), chips[n], len(metas[n])) for n in graph.nodes}
    stage_lines = [
        fit_lines(f"{i + 1}. {excerpt(stage, 80)}", NODE_W + 2 * STAGE_PAD - 20, STAGE_PT, bold=True, most=2)
        for i, stage in enumerate(journey.stages)
    ]
    return _Content(step, {n: stage_index[graph.nodes[n]["stage"]] for n in graph.nodes}, names, metas, chips,
                    heights, stage_lines)


def _title_lines(journey: Journey, width: float) -> tuple[list[str], list[str]]:
    title = fit_lines(excerpt(journey.title, 200), width, TITLE_PT, bold=True, most=2)
    persona = (
        fit_lines(f"Chân dung khách hàng: {excerpt(journey.persona, 300)}", width, PERSONA_PT, most=2)
        if journey.persona else []
    )
    return title, persona


def _title_height(title: list[str], persona: list[str]) -> float:
    return 12.0 + len(title) * line_height(TITLE_PT) + len(persona) * line_height(PERSONA_PT) + 8.0


@dataclass
class _Placed:
    nodes: dict[str, NodeBox]
    blocks: list[Block]
    stage_spans: list[tuple[float, float]]
    stage_header_y: list[float]
    row_height: dict[tuple[int, Lane], float]
    width: float
    height: float
    title: tuple[list[str], list[str]]
    legend_y: float
    stage_left: dict[tuple[int, int], float]  # (block, column) -> the left edge of the column's stage


def _place(journey: Journey, content: _Content, partition: list[list[int]], max_steps: int,
           legend_size: tuple[float, float]) -> _Placed:
    graph = journey.graph
    stages = journey.stages
    steps_in_stage = [1] * len(stages)
    for node, s in content.step.items():
        i = content.stage_of[node]
        steps_in_stage[i] = max(steps_in_stage[i], min(s, max_steps - 1) + 1)
    pitch_x = NODE_W + GAP_X
    x0 = LEFT_MARGIN + STAGE_PAD + NODE_W / 2
    first_column = [0] * len(stages)
    block_of = [0] * len(stages)
    block_right: list[float] = []
    for b, members in enumerate(partition):
        column = 0
        for i in members:
            first_column[i] = column
            block_of[i] = b
            column += steps_in_stage[i]
        block_right.append(x0 + (column - 1) * pitch_x + NODE_W / 2 + STAGE_PAD)
    content_right = max(block_right)
    width = max(content_right + RIGHT_MARGIN, legend_size[0] + 2 * MARGIN, 600.0)
    title = _title_lines(journey, width - 2 * MARGIN)

    cells: dict[tuple[int, int, Lane], list[str]] = defaultdict(list)
    for node in graph.nodes:
        i = content.stage_of[node]
        column = first_column[i] + content.step[node] % max_steps
        cells[(block_of[i], column, graph.nodes[node].get("lane", "frontstage"))].append(node)

    def column_x(column: int) -> float:
        return x0 + column * pitch_x

    y = _title_height(*title)
    nodes: dict[str, NodeBox] = {}
    blocks: list[Block] = []
    row_height: dict[tuple[int, Lane], float] = {}
    for b, members in enumerate(partition):
        top = y
        header_y = top + GUTTER + HEADER_H / 2
        y = top + GUTTER + HEADER_H + 10.0
        bands: dict[Lane, tuple[float, float]] = {}
        visibility_y = None
        for lane in ("frontstage", "backstage"):
            lane_cells = {c: ids for (bb, c, ln), ids in cells.items() if bb == b and ln == lane}
            if not lane_cells:
                continue
            if lane == "backstage" and bands:
                visibility_y = y + 6.0
                y += 12.0
            tallest = max(content.heights[n] for ids in lane_cells.values() for n in ids)
            rows = max(len(ids) for ids in lane_cells.values())
            pitch_y = tallest + EXIT_SPACE
            band_top = y
            for column, ids in lane_cells.items():
                for row, node in enumerate(ids):
                    nodes[node] = NodeBox(
                        node, column_x(column), band_top + BAND_PAD + tallest / 2 + row * pitch_y, NODE_W,
                        content.heights[node], lane, column, row, content.names[node], content.chips[node],
                        content.metas[node], b,
                    )
            y = band_top + BAND_PAD + rows * pitch_y
            bands[lane] = (band_top, y)
            row_height[(b, lane)] = pitch_y
        if not bands:  # a block of stages without touchpoints still shows its headers
            bands["frontstage"] = (y, y + 40.0)
            y += 40.0
        blocks.append(Block(members, top, header_y, bands, visibility_y, y, block_right[b]))
        y += BLOCK_GAP
    stage_spans = []
    stage_header_y = []
    for i in range(len(stages)):
        left = column_x(first_column[i]) - NODE_W / 2 - STAGE_PAD
        right = column_x(first_column[i] + steps_in_stage[i] - 1) + NODE_W / 2 + STAGE_PAD
        stage_spans.append((left, right))
        stage_header_y.append(blocks[block_of[i]].header_y)
    stage_left = {
        (block_of[i], c): stage_spans[i][0]
        for i in range(len(stages))
        for c in range(first_column[i], first_column[i] + steps_in_stage[i])
    }
    legend_y = y + 6.0
    height = legend_y + legend_size[1] + MARGIN
    return _Placed(nodes, blocks, stage_spans, stage_header_y, row_height, width, height, title, legend_y,
                   stage_left)


def _partitions(widths: list[int]) -> Iterable[list[list[int]]]:
    """Stages in order cut into 1, 2, 3 … rows of about equal width (in columns)."""
    total = sum(widths)
    seen: set[tuple[int, ...]] = set()
    for rows in range(1, len(widths) + 1):
        target = total / rows
        parts: list[list[int]] = [[]]
        filled = 0.0
        for i, w in enumerate(widths):
            if parts[-1] and filled + w / 2 > target * len(parts) and len(parts) < rows:
                parts.append([])
            parts[-1].append(i)
            filled += w
        key = tuple(len(p) for p in parts)
        if key not in seen:
            seen.add(key)
            yield parts


def columns_within(max_width: float) -> int:
    """The most touchpoint columns a row of stages has in a drawing at most ``max_width`` points wide
    (at least one).

    >>> columns_within(700), columns_within(1000), columns_within(100)
    (2, 3, 1)
    """
    one = LEFT_MARGIN + 2 * STAGE_PAD + NODE_W + RIGHT_MARGIN
    return max(1, int((max_width - one) // (NODE_W + GAP_X)) + 1)


def _packed(widths: list[int], columns: int) -> list[list[int]]:
    """Stages in order packed into rows of at most ``columns`` columns (a wider stage alone on its row)."""
    rows: list[list[int]] = [[]]
    used = 0
    for i, w in enumerate(widths):
        if rows[-1] and used + w > columns:
            rows.append([])
            used = 0
        rows[-1].append(i)
        used += w
    return rows


def layout_journey(journey: Journey, *, legend_height: float = 0.0, legend_width: float = 0.0,
                   edge_labels: Mapping[tuple[str, str], list[str]] | None = None,
                   max_width: float | None = None) -> JourneyLayout:
    """Compute positions for every touchpoint, a route for every transition and a place for every label.

    Parameters
    ----------
    journey
        The journey to lay out.
    legend_height, legend_width
        The legend's size, kept free under the drawing.
    edge_labels
        The lines of text of each transition's label; default :func:`edge_label_lines`.
    max_width
        A drawing for narrow pages: each row of stages at most this many points wide (at least one
        touchpoint column; see :func:`columns_within`), as many rows as that takes, whatever the
        height (printed pages cut it between rows). By default the rows are chosen so the drawing is
        at most :data:`MAX_ASPECT` times as wide as it is tall.
    """
    graph = journey.graph
    content = _content(journey)
    legend_size = (legend_width, legend_height)
    best: _Placed | None = None
    if max_width is not None:
        if not max_width > 0:
            raise ValueError(f"max_width must be a positive number of points; got {max_width!r}")
        columns = columns_within(max_width)
        max_steps = min(MAX_STEPS, columns)
        widths = [1] * len(journey.stages)
        for node, s in content.step.items():
            widths[content.stage_of[node]] = max(widths[content.stage_of[node]], min(s, max_steps - 1) + 1)
        best = _place(journey, content, _packed(widths, columns), max_steps, legend_size)
    else:
        for max_steps in (MAX_STEPS, 6, 4, 3, 2, 1):
            widths = [1] * len(journey.stages)
            for node, s in content.step.items():
                widths[content.stage_of[node]] = max(widths[content.stage_of[node]], min(s, max_steps - 1) + 1)
            for partition in _partitions(widths):
                placed = _place(journey, content, partition, max_steps, legend_size)
                if best is None or placed.width / placed.height < best.width / best.height:
                    best = placed
                if placed.width / placed.height <= MAX_ASPECT:
                    break
            if best is not None and best.width / best.height <= MAX_ASPECT:
                break
    assert best is not None
    placed = best

    title_lines, persona_lines = placed.title
    tw, th = label_box(title_lines, TITLE_PT, bold=True)
    pw, ph = label_box(persona_lines, PERSONA_PT) if persona_lines else (0.0, 0.0)
    title = Label(MARGIN + max(tw, pw) / 2, 8.0 + (th + ph) / 2, max(tw, pw), th + ph, title_lines + persona_lines)

    labels = _Labels(placed.width, placed.height)
    labels.block(title.rect)
    legend = Label(MARGIN + legend_width / 2, placed.legend_y + legend_height / 2, legend_width, legend_height, [])
    if legend_height:
        labels.block(legend.rect)
    for i, (left, right) in enumerate(placed.stage_spans):
        labels.block((left + 3, placed.stage_header_y[i] - 15, right - 3, placed.stage_header_y[i] + 15))
    for box in placed.nodes.values():
        labels.block(_grow(box.rect, 2))
    for block in placed.blocks:
        for lane, (top, bottom) in block.bands.items():
            lines = [LANE_NAMES[lane]]
            w, h = label_box(lines, LANE_PT, bold=True)
            block.lane_labels[lane] = Label(8 + w / 2, (top + bottom) / 2, w, h, lines)
            labels.block(block.lane_labels[lane].rect)
        if block.visibility_y is not None:
            labels.block((16.0, block.visibility_y - 3, block.right, block.visibility_y + 3))
            lines = balanced_lines(VISIBILITY_TERM, TRUNK_X - 30, VISIBILITY_PT, italic=True)
            w, h = label_box(lines, VISIBILITY_PT, italic=True)
            block.visibility_label = Label(12 + w / 2, block.visibility_y - 4 - h / 2, w, h, lines)
            labels.block(block.visibility_label.rect)

    exits: dict[str, tuple[float, float]] = {}
    exit_labels: dict[str, Label] = {}
    for n, box in placed.nodes.items():
        share = graph.nodes[n].get("drop_off")
        if not share:
            continue
        x, y = box.x + 44.0, box.y + box.h / 2
        exits[n] = (x, y)
        lines = [f"{fmt.percent(share)} rời bỏ"]
        w, h = label_box(lines, EXIT_PT, bold=True)
        exit_labels[n] = Label(x + 4, y + 31, w, h, lines)
        labels.block(exit_labels[n].rect)
        labels.block((x - 3, y, x + 3, y + 22))

    router = _Router(placed)
    edges = [router.route(u, v) for u, v in graph.edges]
    for route in edges:
        for a, b in itertools.pairwise(route.path):
            labels.soft(_grow(_segment_rect(a, b), 1.5))
    for route in edges:
        attrs = graph.edges[route.source, route.target]
        lines = edge_labels[(route.source, route.target)] if edge_labels is not None else edge_label_lines(attrs)
        if not lines:
            continue
        w, h = label_box(lines, EDGE_PT)
        x, y = labels.place(route.path, w, h)
        route.label = Label(x, y, w, h, lines)
        route.label_pos = (x, y)

    first = placed.blocks[0]
    return JourneyLayout(
        placed.nodes, edges, placed.stage_spans, first.header_y, first.bands, first.visibility_y, placed.width,
        placed.height, placed.legend_y, exits, placed.blocks, placed.stage_header_y, content.stage_lines,
        exit_labels, title, len(title_lines), legend,
    )


# -- placing labels ---------------------------------------------------------------------------------


def _grow(rect: Rect, by: float) -> Rect:
    return (rect[0] - by, rect[1] - by, rect[2] + by, rect[3] + by)


def _segment_rect(a: tuple[float, float], b: tuple[float, float]) -> Rect:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def _hit(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


class _Grid:
    """Rectangles bucketed on a coarse grid, for quick 'does this box touch any of them'."""

    CELL = 120.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Rect]] = defaultdict(list)

    def _keys(self, rect: Rect) -> Iterable[tuple[int, int]]:
        for i in range(int(rect[0] // self.CELL), int(rect[2] // self.CELL) + 1):
            for j in range(int(rect[1] // self.CELL), int(rect[3] // self.CELL) + 1):
                yield i, j

    def add(self, rect: Rect) -> None:
        for key in self._keys(rect):
            self.cells[key].append(rect)

    def count(self, rect: Rect, stop: int = 1_000_000) -> int:
        found: set[Rect] = set()
        for key in self._keys(rect):
            for other in self.cells.get(key, ()):
                if _hit(rect, other):
                    found.add(other)
                    if len(found) >= stop:
                        return len(found)
        return len(found)


class _Labels:
    """Free places for labels: never on a hard obstacle, preferably off the lines of transitions."""

    def __init__(self, width: float, height: float) -> None:
        self.width, self.height = width, height
        self.hard = _Grid()
        self.lines = _Grid()

    def block(self, rect: Rect) -> None:
        self.hard.add(rect)

    def soft(self, rect: Rect) -> None:
        self.lines.add(rect)

    def _candidates(self, path: list[tuple[float, float]], w: float, h: float) -> Iterable[tuple[float, float, float]]:
        """(cost, x, y) of places beside each segment of the route, the nearer the start the cheaper."""
        for k, (a, b) in enumerate(itertools.pairwise(path)):
            length = abs(b[0] - a[0]) + abs(b[1] - a[1])
            if length < 1:
                continue
            horizontal = abs(b[1] - a[1]) < 0.5
            along = w if horizontal else h
            for rank, t in enumerate((0.5, 0.35, 0.65, 0.2, 0.8, 0.05, 0.95)):
                if length >= along + 8:
                    # the box stays within the segment, clear of both its corners
                    lo, hi = 4 + along / 2, length - 4 - along / 2
                    s = lo + (hi - lo) * t
                else:
                    s = length * t
                px = a[0] + (b[0] - a[0]) * s / length
                py = a[1] + (b[1] - a[1]) * s / length
                cost = k * 2.0 + rank * 0.3 + (0 if length >= along + 8 else 1.5)
                if horizontal:
                    yield cost, px, py - h / 2 - LABEL_GAP
                    yield cost + 0.1, px, py + h / 2 + LABEL_GAP
                else:
                    yield cost, px + w / 2 + LABEL_GAP, py
                    yield cost + 0.1, px - w / 2 - LABEL_GAP, py

    def _inside(self, rect: Rect) -> bool:
        return rect[0] >= 4 and rect[1] >= 4 and rect[2] <= self.width - 4 and rect[3] <= self.height - 4

    def place(self, path: list[tuple[float, float]], w: float, h: float) -> tuple[float, float]:
        own = _Grid()
        for a, b in itertools.pairwise(path):
            own.add(_grow(_segment_rect(a, b), 1.0))
        best: tuple[float, float, float] | None = None
        for cost, x, y in self._candidates(path, w, h):
            rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            if not self._inside(rect) or self.hard.count(rect, 1):
                continue
            total = cost + 4.0 * self.lines.count(rect) + 6.0 * own.count(rect)
            if best is None or total < best[0]:
                best = (total, x, y)
        if best is None:  # nothing beside the route is free: the nearest free place around its middle
            a, b = path[len(path) // 2 - 1], path[len(path) // 2]
            cx, cy = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
            for radius in range(8, 2000, 8):
                ring = []
                for k in range(max(8, radius // 4)):
                    angle = 2 * math.pi * k / max(8, radius // 4)
                    x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
                    rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
                    if self._inside(rect) and not self.hard.count(rect, 1):
                        ring.append((self.lines.count(rect), radius, x, y))
                if ring:
                    _, _, x, y = min(ring)
                    best = (0.0, x, y)
                    break
        if best is None:
            best = (0.0, (path[0][0] + path[-1][0]) / 2, (path[0][1] + path[-1][1]) / 2)
        _, x, y = best
        rect = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
        self.hard.add(_grow(rect, 1.0))
        return x, y


# -- routing ----------------------------------------------------------------------------------------


class _Router:
    """Orthogonal routes through the gaps between columns and rows, drawn with rounded corners."""

    def __init__(self, placed: _Placed) -> None:
        self.nodes = placed.nodes
        self.blocks = placed.blocks
        self.stage_spans = placed.stage_spans
        self.row_height = placed.row_height
        self.occupied = {(b.block, b.column, b.lane, b.row) for b in self.nodes.values()}
        self.channel_use: dict[tuple[str, int, float], int] = defaultdict(int)
        self.stage_left = placed.stage_left

    def _offset(self, kind: str, block: int, key: float) -> float:
        used = self.channel_use[(kind, block, key)]
        self.channel_use[(kind, block, key)] += 1
        return ((used % 5) - 2) * 6.0

    def _right_channel(self, box: NodeBox) -> float:
        x = box.x + box.w / 2 + GAP_X / 2
        return x + self._offset("v", box.block, x)

    def _above(self, box: NodeBox) -> float:
        top = box.y - self._row_top_offset(box)
        y = top - 13.0
        return y + self._offset("h", box.block, y) / 2

    def _row_top_offset(self, box: NodeBox) -> float:
        # every node in a row is centred on the same y; use the row's tallest for the channel
        pitch = self.row_height[(box.block, box.lane)]
        return (pitch - EXIT_SPACE) / 2

    def _gutter(self, block: int) -> float:
        y = self.blocks[block].top + GUTTER / 2
        return y + self._offset("g", block, y) / 3

    def _entry_x(self, box: NodeBox) -> float:
        """The gap left of the box's stage: where a route from another block comes down."""
        left = self.stage_left[(box.block, box.column)]
        if left <= LEFT_MARGIN + 1:  # the first stage of its block: the left margin's trunk
            return TRUNK_X
        x = left - (GAP_X - 2 * STAGE_PAD) / 2
        return x + self._offset("e", box.block, x) / 2

    def route(self, u: str, v: str) -> EdgeRoute:
        a, b = self.nodes[u], self.nodes[v]
        if u == v:
            right, top = a.x + a.w / 2, a.y - a.h / 2
            pts = [(right, a.y - a.h / 4), (right + 22, a.y - a.h / 4), (right + 22, top - 18),
                   (right - 26, top - 18), (right - 26, top)]
            return self._finish(u, v, pts, backward=True)
        if a.block != b.block:
            return self._between_blocks(a, b)
        if b.column > a.column:
            start = (a.x + a.w / 2, a.y)
            end = (b.x - b.w / 2, b.y)
            same_row = a.lane == b.lane and a.row == b.row
            clear = all(
                (a.block, c, a.lane, a.row) not in self.occupied for c in range(a.column + 1, b.column)
            )
            if same_row and clear:
                pts = [start, end]
            elif b.column == a.column + 1:
                cx = self._right_channel(a)
                pts = [start, (cx, a.y), (cx, b.y), end]
            else:
                cx1 = self._right_channel(a)
                x2 = b.x - b.w / 2 - GAP_X / 2
                cx2 = x2 + self._offset("v", b.block, x2)
                yc = self._above(b)
                pts = [start, (cx1, a.y), (cx1, yc), (cx2, yc), (cx2, b.y), end]
            return self._finish(u, v, pts, backward=False)
        if b.column == a.column:
            cx = self._right_channel(a)
            start = (a.x + a.w / 2, a.y + 8)
            end = (b.x + b.w / 2, b.y - 8)
            pts = [start, (cx, start[1]), (cx, end[1]), end]
            return self._finish(u, v, pts, backward=True)
        # backward: leave from the top, run left above the rows, drop into the target's top
        sx = a.x - a.w / 4
        tx = b.x + b.w / 4
        y1 = self._above(a)
        start = (sx, a.y - a.h / 2)
        end = (tx, b.y - b.h / 2)
        if a.lane == b.lane and a.row == b.row:
            pts = [start, (sx, y1), (tx, y1), end]
        else:
            y2 = self._above(b)
            x = b.x + b.w / 2 + GAP_X / 2
            cx = x + self._offset("v", b.block, x)
            pts = [start, (sx, y1), (cx, y1), (cx, y2), (tx, y2), end]
        return self._finish(u, v, pts, backward=True)

    def _between_blocks(self, a: NodeBox, b: NodeBox) -> EdgeRoute:
        """From one row of stages to another: through the gutters above the blocks and the left margin."""
        forward = b.block > a.block
        if forward:  # out of the right side, down the channel right of the source to the next gutter
            cx = self._right_channel(a)
            g1 = self._gutter(a.block + 1)
            pts = [(a.x + a.w / 2, a.y), (cx, a.y), (cx, g1)]
            tx = b.x - b.w / 4
        else:  # out of the top, left above its row, up the gap left of its stage to its own gutter
            sx = a.x - a.w / 4
            y1 = self._above(a)
            ex = self._entry_x(a)
            g1 = self._gutter(a.block)
            pts = [(sx, a.y - a.h / 2), (sx, y1), (ex, y1), (ex, g1)]
            tx = b.x + b.w / 4
        g2 = self._gutter(b.block)
        ex = self._entry_x(b)
        yb = self._above(b)
        trunk = TRUNK_X + self._offset("t", 0, TRUNK_X) / 2
        if ex == TRUNK_X:  # the target's stage starts its block: straight down the trunk
            pts += [(trunk, g1), (trunk, yb)]
        else:
            if abs(g2 - g1) > 0.5:
                pts += [(trunk, g1), (trunk, g2)]
            pts += [(ex, g2), (ex, yb)]
        pts += [(tx, yb), (tx, b.y - b.h / 2)]
        return self._finish(a.id, b.id, pts, backward=not forward)

    def _finish(self, u: str, v: str, polyline: list[tuple[float, float]], *, backward: bool) -> EdgeRoute:
        end = polyline[-1]
        before = polyline[-2]
        dx, dy = end[0] - before[0], end[1] - before[1]
        length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        cut = min(ARROW, length * 0.5)
        tip_base = (end[0] - dx / length * cut, end[1] - dy / length * cut)
        points = _rounded_bezier([*polyline[:-1], tip_base])
        mid = polyline[len(polyline) // 2]
        return EdgeRoute(u, v, points, end, mid, backward, polyline)


def _rounded_bezier(poly: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Cubic Bézier control points for a polyline whose corners are rounded off."""
    pts = [p for i, p in enumerate(poly) if i == 0 or p != poly[i - 1]]
    if len(pts) == 1:
        pts = pts * 2
    out = [pts[0]]

    def line_to(p: tuple[float, float]) -> None:
        q = out[-1]
        out.extend([(q[0] + (p[0] - q[0]) / 3, q[1] + (p[1] - q[1]) / 3),
                    (q[0] + 2 * (p[0] - q[0]) / 3, q[1] + 2 * (p[1] - q[1]) / 3), p])

    for i in range(1, len(pts) - 1):
        prev, corner, nxt = pts[i - 1], pts[i], pts[i + 1]
        d_in = _dist(prev, corner)
        d_out = _dist(corner, nxt)
        r = min(CORNER, d_in / 2, d_out / 2)
        if r <= 0.5:
            line_to(corner)
            continue
        a = _toward(corner, prev, r)
        b = _toward(corner, nxt, r)
        line_to(a)
        out.extend([_toward(a, corner, r * 0.55), _toward(b, corner, r * 0.55), b])
    line_to(pts[-1])
    return out


def _dist(p: tuple[float, float], q: tuple[float, float]) -> float:
    return ((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) ** 0.5


def _toward(p: tuple[float, float], q: tuple[float, float], d: float) -> tuple[float, float]:
    """The point ``d`` along the segment from ``p`` towards ``q``."""
    length = _dist(p, q)
    if length == 0:
        return p
    return (p[0] + (q[0] - p[0]) * d / length, p[1] + (q[1] - p[1]) * d / length)
