"""Place touchpoints on a grid and route the transitions between them.

Stages are columns in order, left to right. Inside a stage, a touchpoint sits one column to the
right of the touchpoints that lead to it (longest path over forward edges), so a stage reads as a
small flow; a stage longer than ``MAX_STEPS`` steps continues on the next row. Frontstage touchpoints sit in the upper band and backstage ones in the lower band,
below the line of visibility. Transitions are routed through the empty channels between columns
and rows, with rounded corners, so the drawing needs no general-purpose spline router (which takes
tens of seconds on a few hundred touchpoints); Graphviz only paints what is computed here.

Coordinates are in points, y growing downwards; :mod:`journeymap.draw.dot` flips them for Graphviz.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Literal

from ..journey import Journey
from ..text import excerpt

__all__ = ["EdgeRoute", "JourneyLayout", "NodeBox", "layout_journey", "name_lines", "wrap_text"]

NODE_W = 180.0
NAME_CHARS = 24
NAME_LINES = 8  # a box shows at most this many lines of a name; the tooltip shows all of it
GAP_X = 96.0
STAGE_PAD = 16.0
LEFT_MARGIN = 118.0
TITLE_H = 64.0
HEADER_H = 34.0
BAND_PAD = 22.0
EXIT_SPACE = 64.0
ARROW = 9.0
MAX_STEPS = 8  # a stage wider than this wraps onto further rows
CORNER = 12.0

Lane = Literal["frontstage", "backstage"]


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


@dataclass
class EdgeRoute:
    source: str
    target: str
    points: list[tuple[float, float]]  # cubic Bézier control points: p0 (c1 c2 p)*
    end: tuple[float, float]  # where the arrowhead touches the target
    label_pos: tuple[float, float]
    backward: bool


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


def node_height(name_lines: int, chip_rows: int) -> float:
    return 16.0 + 16.0 * name_lines + 15.0 + 19.0 * chip_rows


def layout_journey(journey: Journey, *, legend_height: float = 0.0) -> JourneyLayout:
    """Compute positions for every touchpoint and a route for every transition."""
    graph = journey.graph
    order = {n: i for i, n in enumerate(graph.nodes)}
    stages = journey.stages

    # Column of each touchpoint inside its stage: longest path over forward (file-order) edges.
    step: dict[str, int] = {}
    for node in graph.nodes:  # file order is a topological order of the forward edges
        stage = graph.nodes[node]["stage"]
        preds = [
            step[p]
            for p in graph.predecessors(node)
            if p in step and graph.nodes[p]["stage"] == stage and order[p] < order[node]
        ]
        step[node] = max(preds) + 1 if preds else 0
    stage_index = {s: i for i, s in enumerate(stages)}
    steps_in_stage = [1] * len(stages)
    for node, s in step.items():
        i = stage_index[graph.nodes[node]["stage"]]
        steps_in_stage[i] = max(steps_in_stage[i], min(s, MAX_STEPS - 1) + 1)
    first_column = [sum(steps_in_stage[:i]) for i in range(len(stages))]

    cells: dict[tuple[int, Lane], list[str]] = defaultdict(list)
    for node in graph.nodes:
        attrs = graph.nodes[node]
        column = first_column[stage_index[attrs["stage"]]] + step[node] % MAX_STEPS
        cells[(column, attrs.get("lane", "frontstage"))].append(node)

    wrapped = {n: name_lines(graph.nodes[n]["name"]) for n in graph.nodes}
    chips = {n: (1 if len(graph.nodes[n].get("experience", [])) <= 3 else 2) for n in graph.nodes}
    heights = {n: node_height(len(wrapped[n]), chips[n]) for n in graph.nodes}

    pitch_x = NODE_W + GAP_X
    x0 = LEFT_MARGIN + STAGE_PAD + NODE_W / 2

    def column_x(column: int) -> float:
        return x0 + column * pitch_x

    y = TITLE_H + HEADER_H + 10.0
    header_y = TITLE_H + HEADER_H / 2
    bands: dict[Lane, tuple[float, float]] = {}
    row_height: dict[Lane, float] = {}
    nodes: dict[str, NodeBox] = {}
    visibility_y = None
    for lane in ("frontstage", "backstage"):
        lane_cells = {c: ids for (c, ln), ids in cells.items() if ln == lane}
        if not lane_cells:
            continue
        if lane == "backstage" and bands:
            visibility_y = y + 6.0
            y += 12.0
        tallest = max(heights[n] for ids in lane_cells.values() for n in ids)
        rows = max(len(ids) for ids in lane_cells.values())
        pitch_y = tallest + EXIT_SPACE
        top = y
        for column, ids in lane_cells.items():
            for row, node in enumerate(ids):
                nodes[node] = NodeBox(
                    node,
                    column_x(column),
                    top + BAND_PAD + tallest / 2 + row * pitch_y,
                    NODE_W,
                    heights[node],
                    lane,
                    column,
                    row,
                    wrapped[node],
                    chips[node],
                )
        y = top + BAND_PAD + rows * pitch_y
        bands[lane] = (top, y)
        row_height[lane] = pitch_y

    stage_spans = []
    for i in range(len(stages)):
        left = column_x(first_column[i]) - NODE_W / 2 - STAGE_PAD
        right = column_x(first_column[i] + steps_in_stage[i] - 1) + NODE_W / 2 + STAGE_PAD
        stage_spans.append((left, right))
    width = stage_spans[-1][1] + 30.0
    legend_y = y + 24.0
    height = legend_y + legend_height + 20.0

    router = _Router(nodes, row_height)
    edges = [router.route(u, v) for u, v in graph.edges]
    exits = {
        n: (box.x + 44.0, box.y + box.h / 2)
        for n, box in nodes.items()
        if graph.nodes[n].get("drop_off")
    }
    return JourneyLayout(
        nodes, edges, stage_spans, header_y, bands, visibility_y, width, height, legend_y, exits
    )


class _Router:
    """Orthogonal routes through the gaps between columns and rows, drawn with rounded corners."""

    def __init__(self, nodes: dict[str, NodeBox], row_height: dict[Lane, float]) -> None:
        self.nodes = nodes
        self.row_height = row_height
        self.occupied = {(b.column, b.lane, b.row) for b in nodes.values()}
        self.channel_use: dict[tuple[str, float], int] = defaultdict(int)

    def _offset(self, kind: str, key: float) -> float:
        used = self.channel_use[(kind, key)]
        self.channel_use[(kind, key)] += 1
        return ((used % 5) - 2) * 6.0

    def _right_channel(self, box: NodeBox) -> float:
        x = box.x + box.w / 2 + GAP_X / 2
        return x + self._offset("v", x)

    def _above(self, box: NodeBox) -> float:
        top = box.y - self._row_top_offset(box)
        y = top - 13.0
        return y + self._offset("h", y) / 2

    def _row_top_offset(self, box: NodeBox) -> float:
        # every node in a row is centred on the same y; use the row's tallest for the channel
        pitch = self.row_height[box.lane]
        return (pitch - EXIT_SPACE) / 2

    def route(self, u: str, v: str) -> EdgeRoute:
        a, b = self.nodes[u], self.nodes[v]
        if u == v:
            right, top = a.x + a.w / 2, a.y - a.h / 2
            pts = [(right, a.y - a.h / 4), (right + 22, a.y - a.h / 4), (right + 22, top - 18),
                   (right - 26, top - 18), (right - 26, top)]
            return self._finish(u, v, pts, (right + 10, top - 26), backward=True)
        if b.column > a.column:
            start = (a.x + a.w / 2, a.y)
            end = (b.x - b.w / 2, b.y)
            same_row = a.lane == b.lane and a.row == b.row
            clear = all(
                (c, a.lane, a.row) not in self.occupied for c in range(a.column + 1, b.column)
            )
            if same_row and clear:
                pts = [start, end]
                label = ((start[0] + end[0]) / 2, a.y - 13)
            elif b.column == a.column + 1:
                cx = self._right_channel(a)
                pts = [start, (cx, a.y), (cx, b.y), end]
                label = ((start[0] + cx) / 2, a.y - 13)
            else:
                cx1 = self._right_channel(a)
                cx2 = b.x - b.w / 2 - GAP_X / 2 + self._offset("v", b.x - b.w / 2 - GAP_X / 2)
                yc = self._above(b)
                pts = [start, (cx1, a.y), (cx1, yc), (cx2, yc), (cx2, b.y), end]
                label = ((cx1 + cx2) / 2, yc - 11)
            return self._finish(u, v, pts, label, backward=False)
        if b.column == a.column:
            cx = self._right_channel(a)
            start = (a.x + a.w / 2, a.y + 8)
            end = (b.x + b.w / 2, b.y - 8)
            pts = [start, (cx, start[1]), (cx, end[1]), end]
            return self._finish(u, v, pts, (cx + 4, (start[1] + end[1]) / 2), backward=True)
        # backward: leave from the top, run left above the rows, drop into the target's top
        sx = a.x - a.w / 4
        tx = b.x + b.w / 4
        y1 = self._above(a)
        start = (sx, a.y - a.h / 2)
        end = (tx, b.y - b.h / 2)
        if a.lane == b.lane and a.row == b.row:
            pts = [start, (sx, y1), (tx, y1), end]
            label = ((sx + tx) / 2, y1 - 11)
        else:
            y2 = self._above(b)
            cx = b.x + b.w / 2 + GAP_X / 2 + self._offset("v", b.x + b.w / 2 + GAP_X / 2)
            pts = [start, (sx, y1), (cx, y1), (cx, y2), (tx, y2), end]
            label = ((sx + cx) / 2, y1 - 11)
        return self._finish(u, v, pts, label, backward=True)

    def _finish(
        self,
        u: str,
        v: str,
        polyline: list[tuple[float, float]],
        label: tuple[float, float],
        *,
        backward: bool,
    ) -> EdgeRoute:
        end = polyline[-1]
        before = polyline[-2]
        dx, dy = end[0] - before[0], end[1] - before[1]
        length = max((dx * dx + dy * dy) ** 0.5, 1e-9)
        cut = min(ARROW, length * 0.5)
        tip_base = (end[0] - dx / length * cut, end[1] - dy / length * cut)
        points = _rounded_bezier([*polyline[:-1], tip_base])
        return EdgeRoute(u, v, points, end, label, backward)


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
