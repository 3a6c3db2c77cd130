"""Build the Graphviz DOT text of a journey map (no Graphviz needed for this step).

The text carries every position (``layout=nop2``), so ``dot -Tsvg journey.dot`` draws exactly
what :func:`journeymap.render_journey` draws.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass
from typing import Literal

from .. import fmt
from ..experience import ExperienceType
from ..journey import Journey
from ..terms import VISIBILITY_GLOSS, VISIBILITY_TERM, column_name
from ..text import excerpt
from .layout import (
    CHIP_PT,
    CHIP_ROW,
    EDGE_PT,
    EXIT_PT,
    LABEL_PAD,
    LANE_PT,
    MARGIN,
    META_PT,
    NAME_PT,
    PERSONA_PT,
    STAGE_PT,
    TITLE_PT,
    VISIBILITY_PT,
    JourneyLayout,
    Label,
    NodeBox,
    layout_journey,
    line_height,
    text_width,
)

__all__ = ["ColorBy", "journey_dot_and_layout", "journey_to_dot"]

ColorBy = Literal["emotion", "ces", "none"]

FONT = "DejaVu Sans,Arial,Helvetica,sans-serif"
EMOTION_FILL = {-2: "#f08a80", -1: "#f9c59d", 0: "#fbeaa8", 1: "#c6e5a2", 2: "#8fd08c"}
EMOTION_NAME = {-2: "rất tiêu cực", -1: "tiêu cực", 0: "trung tính", 1: "tích cực", 2: "rất tích cực"}
CES_FILL = {1: "#f08a80", 2: "#f5a88f", 3: "#f9c59d", 4: "#fbeaa8", 5: "#dde8a5", 6: "#c6e5a2", 7: "#8fd08c"}
NO_DATA_FILL = "#eceff1"
CHIP_FILL = {
    ExperienceType.SENSE: "#aed6f1",
    ExperienceType.FEEL: "#f5b7b1",
    ExperienceType.THINK: "#d7bde2",
    ExperienceType.ACT: "#fad7a0",
    ExperienceType.RELATE: "#abebc6",
}
STAGE_FILL = ("#f6f8fb", "#edf1f6")
EDGE_COLOR = "#51606b"
BACK_EDGE_COLOR = "#8e5ea2"
EXIT_COLOR = "#c0392b"
MOMENT_COLOR = "#b7791f"  # a moment of truth's border and marker, here and on the canvas
# The most characters a tooltip shows of a touchpoint's name, pain points and opportunities; the rest
# ends in "…". Graphviz refuses any string over 16 KB, which a long enough text would otherwise make;
# the journey file keeps every word. (Labels are cut to fit their boxes by the layout.)
TOOLTIP_CHARS = 2000


def journey_to_dot(journey: Journey, *, color_by: ColorBy = "emotion", max_width: float | None = None) -> str:
    """The journey map as DOT text, with stages as columns and lanes as bands.

    Everything is placed by :func:`journeymap.draw.layout.layout_journey`: no label box overlaps
    another, a touchpoint, a line of visibility or the legend; a long journey's stages are laid in
    several rows so the picture is at most about twice as wide as it is tall. Labels are drawn
    after the transitions, on white, so a line never hides a figure.

    Parameters
    ----------
    journey
        The journey to draw.
    color_by
        Fill touchpoints by ``"emotion"`` (−2…+2), by ``"ces"`` (1…7) or ``"none"``.
    max_width
        For narrow pages: the drawing at most this many points wide (rows of stages and the legend's
        lines wrapped to it; see :func:`journeymap.draw.layout.layout_journey`), however tall.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    >>> j.add_touchpoint("ivr", name='"Bấm phím 1" & <chờ>', stage="Liên hệ", ces=2)
    >>> dot = journey_to_dot(j, color_by="ces")
    >>> '&quot;Bấm phím 1&quot; &amp; &lt;chờ&gt;' in dot
    True
    """
    return journey_dot_and_layout(journey, color_by=color_by, max_width=max_width)[0]


def journey_dot_and_layout(journey: Journey, *, color_by: ColorBy = "emotion",
                           max_width: float | None = None) -> tuple[str, JourneyLayout]:
    """:func:`journey_to_dot`'s text and the layout it draws (where its rows of stages are, to cut pages)."""
    if color_by not in ("emotion", "ces", "none"):
        raise ValueError(f"color_by must be 'emotion', 'ces' or 'none'; got {color_by!r}")
    journey.validate()
    volumes = [attrs["volume"] for _, _, attrs in journey.graph.edges(data=True) if attrs.get("volume")]
    max_volume = max(volumes, default=0.0)
    moments = any(attrs.get("moment_of_truth") for _, attrs in journey.graph.nodes(data=True))
    backstage = any(attrs.get("lane") == "backstage" for _, attrs in journey.graph.nodes(data=True))
    frontstage = any(attrs.get("lane", "frontstage") == "frontstage" for _, attrs in journey.graph.nodes(data=True))
    legend_max = LEGEND_MAX_W if max_width is None else min(LEGEND_MAX_W, max_width - 2 * MARGIN - 24)
    legend_rows = _legend_rows(color_by, max_volume, moments=moments, visibility=backstage and frontstage,
                               max_w=legend_max)
    legend_w, legend_h = _legend_size(legend_rows)
    layout = layout_journey(journey, legend_height=legend_h, legend_width=legend_w, max_width=max_width)
    height = layout.height

    def pt(x: float, y: float) -> str:
        return f"{x:.1f},{height - y:.1f}"

    out = [
        "digraph journey {",
        (f'  graph [layout=nop2, bb="0,0,{layout.width:.1f},{height:.1f}", outputorder=edgesfirst,'
        f' bgcolor=white, pad=0.2, fontname="{FONT}",'
        f' _background="{_background(layout)}"];'),
        f'  node [fontname="{FONT}", fontsize=10, margin=0, penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize={EDGE_PT}, color="{EDGE_COLOR}", fontcolor="#37474f", arrowsize=0.8];',
    ]
    out.append(_title_node(layout, pt))
    for i, ((left, right), lines) in enumerate(zip(layout.stage_spans, layout.stage_lines)):
        rows = "".join(
            f'<TR><TD HEIGHT="{line_height(STAGE_PT)}"><B>{_esc(line)}</B></TD></TR>' for line in lines
        )
        out.append(
            f'  "stage:{i}" [id="stage-{i}", shape=box, style="rounded,filled", fillcolor="#34495e", color="#34495e",'
            f' fontcolor=white, fontsize={STAGE_PT}, fixedsize=true, width={(right - left - 6) / 72:.3f}, height={30 / 72:.3f},'
            f' pos="{pt((left + right) / 2, layout.stage_header_y[i])}",'
            f' label=<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>>];'
        )
    out.extend(_lane_labels(layout, pt))

    for node, box in layout.nodes.items():
        attrs = journey.graph.nodes[node]
        style = "rounded,filled" + (",dashed" if box.lane == "backstage" else "")
        goal = attrs.get("goal", False)
        moment = attrs.get("moment_of_truth", False)
        tooltip = _tooltip(attrs)
        edge = "#1e8449" if goal else (MOMENT_COLOR if moment else "#455a64")
        out.append(
            f'  "{node}" [id="tp-{node}", shape=box, style="{style}", fillcolor="{_fill(attrs, color_by)}",'
            f' color="{edge}", penwidth={2.6 if goal or moment else 1.2},'
            f' fixedsize=true, width={box.w / 72:.3f}, height={box.h / 72:.3f}, pos="{pt(box.x, box.y)}",'
            f' tooltip="{_dot_string(tooltip)}", label={_node_label(attrs, box)}];'
        )
    for node, (x, y) in layout.exits.items():
        share = journey.graph.nodes[node]["drop_off"]
        label = layout.exit_labels[node]
        out.append(
            f'  "exit:{node}" [id="exit-{node}", shape=plain, fontcolor="{EXIT_COLOR}", fontsize={EXIT_PT},'
            f' pos="{pt(label.x, label.y)}", label=<{_box_table(label, bold=True)}>];'
        )
        out.append(
            f'  "{node}" -> "exit:{node}" [color="{EXIT_COLOR}", penwidth={1 + 3 * share:.2f}, arrowsize=0.7,'
            f' pos="e,{pt(x, y + 22)} {pt(x, y)} {pt(x, y + 4)} {pt(x, y + 9)} {pt(x, y + 14)}"];'
        )
    for k, (x0, x1, y) in enumerate(layout.visibility_lines):
        out.append(f'  "visibility:{k}:a" [shape=point, style=invis, width=0.01, pos="{pt(x0, y)}"];')
        out.append(f'  "visibility:{k}:b" [shape=point, style=invis, width=0.01, pos="{pt(x1, y)}"];')
        out.append(
            f'  "visibility:{k}:a" -> "visibility:{k}:b" [id="visibility-line-{k}", color="#78909c", style=dashed,'
            f' dir=none, penwidth=1.2, tooltip="{_dot_string(VISIBILITY_TERM)}",'
            f' pos="{pt(x0, y)} {pt((2 * x0 + x1) / 3, y)} {pt((x0 + 2 * x1) / 3, y)} {pt(x1, y)}"];'
        )
    for route in layout.edges:
        attrs = journey.graph.edges[route.source, route.target]
        volume = attrs.get("volume")
        width = 1.2 + 5.0 * (volume / max_volume) ** 0.5 if volume and max_volume else 1.4
        spline = " ".join(pt(x, y) for x, y in route.points)
        color = BACK_EDGE_COLOR if route.backward else EDGE_COLOR
        text = " · ".join(route.label.lines) if route.label else ""
        out.append(
            f'  "{route.source}" -> "{route.target}" [id="edge-{route.source}-{route.target}", color="{color}",'
            f' penwidth={width:.2f}, tooltip="{_dot_string(text)}", pos="e,{pt(*route.end)} {spline}"];'
        )
        if route.label:
            out.append(
                f'  "label:{route.source}->{route.target}" [id="label-{route.source}-{route.target}", shape=plain,'
                f' fontsize={EDGE_PT}, fontcolor="#37474f", pos="{pt(route.label.x, route.label.y)}",'
                f' tooltip="{_dot_string(text)}", label=<{_box_table(route.label)}>];'
            )
    out.append(_legend_node(layout, legend_rows, pt))
    out.append("}")
    return "\n".join(out) + "\n", layout


def _box_table(label: Label, *, bold: bool = False, size: int | None = None) -> str:
    """A label's lines, each centred in a row of the measured width and line height, on a white box
    exactly as large as the layout kept free (its padding around them)."""
    line = line_height(size or EDGE_PT)
    inner = label.w - 2 * LABEL_PAD
    rows = "".join(
        f'<TR><TD WIDTH="{inner:.0f}" HEIGHT="{line}" FIXEDSIZE="TRUE">{"<B>" if bold else ""}{_esc(text)}'
        f'{"</B>" if bold else ""}</TD></TR>'
        for text in label.lines
    )
    return (
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{LABEL_PAD:.0f}" BGCOLOR="white"><TR><TD>'
        f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE></TD></TR></TABLE>'
    )


def _esc(text: object) -> str:
    r"""Escape text for a Graphviz HTML-like label: quotes, <, >, &, line breaks and backslashes.

    Graphviz expands ``\N`` (the node's name), ``\G``, ``\E``, ``\T``, ``\H`` and ``\L`` even in
    HTML-like labels; a doubled backslash is drawn as one, so every backslash is doubled.
    """
    return html.escape(str(text), quote=True).replace("\\", "\\\\").replace("\n", "<BR/>")


def _dot_string(text: str) -> str:
    r"""Escape text for a quoted DOT attribute such as ``tooltip``.

    Such strings are unescaped twice (``\\`` → ``\``, then ``\N`` → the node's name), so a
    backslash is written as four.
    """
    return text.replace("\\", "\\\\\\\\").replace('"', '\\"').replace("\n", "\\n")


def _fill(attrs: dict, color_by: ColorBy) -> str:
    if color_by == "emotion" and attrs.get("emotion") is not None:
        return EMOTION_FILL[max(-2, min(2, round(attrs["emotion"])))]
    if color_by == "ces" and attrs.get("ces") is not None:
        return CES_FILL[max(1, min(7, round(attrs["ces"])))]
    return NO_DATA_FILL if color_by != "none" else "#ffffff"


def _node_label(attrs: dict, box: NodeBox) -> str:
    """Name lines, meta lines and chips, each row as tall as the layout counted (explicit line spacing)."""
    rows = [
        f'<TR><TD HEIGHT="{line_height(NAME_PT)}"><FONT POINT-SIZE="{NAME_PT}"><B>{_esc(line)}</B></FONT></TD></TR>'
        for line in box.name_lines
    ]
    for parts in box.meta_lines or [[" "]]:
        shown = " · ".join(
            f'<FONT COLOR="{MOMENT_COLOR}"><B>{_esc(p)}</B></FONT>' if p.startswith("◆") else _esc(p) for p in parts
        )
        rows.append(
            f'<TR><TD HEIGHT="{line_height(META_PT)}"><FONT POINT-SIZE="{META_PT}" COLOR="#37474f">{shown}</FONT></TD></TR>'
        )
    types = [ExperienceType(t) for t in attrs.get("experience", [])]
    for chunk in (types[:3], types[3:]):
        if not chunk:
            continue
        cells = "".join(
            f'<TD BGCOLOR="{CHIP_FILL[t]}" STYLE="rounded"><FONT POINT-SIZE="{CHIP_PT}">{_esc(t.label_vi)}</FONT></TD>'
            for t in chunk
        )
        rows.append(
            f'<TR><TD HEIGHT="{CHIP_ROW:.0f}"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>{cells}</TR></TABLE></TD></TR>'
        )
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{"".join(rows)}</TABLE>>'


def _tooltip(attrs: dict) -> str:
    parts = [attrs["name"]]
    if attrs.get("pain_points"):
        parts.append("Điểm đau: " + "; ".join(attrs["pain_points"]))
    if attrs.get("opportunities"):
        parts.append("Cơ hội: " + "; ".join(attrs["opportunities"]))
    if attrs.get("metrics"):
        parts.append("Chỉ số: " + ", ".join(f"{column_name(k)} {fmt.number(v, 1, trim=True)}" for k, v in attrs["metrics"].items()))
    return excerpt("\n".join(parts), TOOLTIP_CHARS)


def _background(layout: JourneyLayout) -> str:
    """xdot drawing under everything: each block's stage columns."""
    height = layout.height
    ops = []
    for block in layout.blocks:
        top = block.header_y
        for i in block.stages:
            left, right = layout.stage_spans[i]
            color = STAGE_FILL[i % 2]
            ops.append(
                f"C 7 -{color} c 7 -{color} P 4 {left:.1f} {height - top:.1f} {right:.1f} {height - top:.1f} "
                f"{right:.1f} {height - block.bottom:.1f} {left:.1f} {height - block.bottom:.1f}"
            )
    return " ".join(ops)


def _lines_table(lines: list[str], size: int, *, bold: bool = False, italic: bool = False, align: str = "LEFT") -> str:
    open_, close = ("<B>" if bold else "") + ("<I>" if italic else ""), ("</I>" if italic else "") + ("</B>" if bold else "")
    rows = "".join(
        f'<TR><TD ALIGN="{align}" HEIGHT="{line_height(size)}"><FONT POINT-SIZE="{size}">{open_}{_esc(line)}{close}</FONT></TD></TR>'
        for line in lines
    )
    return f'<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">{rows}</TABLE>'


def _lane_labels(layout: JourneyLayout, pt) -> list[str]:
    out = []
    for b, block in enumerate(layout.blocks):
        for lane, label in block.lane_labels.items():
            out.append(
                f'  "lane:{b}:{lane}" [id="lane-{b}-{lane}", shape=plain, fontcolor="#455a64",'
                f' pos="{pt(label.x, label.y)}", label=<{_lines_table(label.lines, LANE_PT, bold=True)}>];'
            )
        if block.visibility_label is not None:
            label = block.visibility_label
            out.append(
                f'  "lane:{b}:visibility" [id="visibility-label-{b}", shape=plain, fontcolor="#607d8b",'
                f' pos="{pt(label.x, label.y)}", label=<{_lines_table(label.lines, VISIBILITY_PT, italic=True)}>];'
            )
    return out


def _title_node(layout: JourneyLayout, pt) -> str:
    label = layout.title
    assert label is not None
    title, persona = label.lines[: layout.title_lines], label.lines[layout.title_lines:]
    rows = [
        f'<TR><TD ALIGN="LEFT" HEIGHT="{line_height(TITLE_PT)}"><FONT POINT-SIZE="{TITLE_PT}"><B>{_esc(line)}</B></FONT></TD></TR>'
        for line in title
    ]
    rows += [
        f'<TR><TD ALIGN="LEFT" HEIGHT="{line_height(PERSONA_PT)}"><FONT POINT-SIZE="{PERSONA_PT}" COLOR="#455a64">'
        f'{_esc(line)}</FONT></TD></TR>'
        for line in persona
    ]
    return (
        f'  "title" [id="title", shape=plain, pos="{pt(label.x, label.y)}",'
        f' label=<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0" FIXEDSIZE="TRUE" WIDTH="{label.w:.0f}"'
        f' HEIGHT="{label.h:.0f}">{"".join(rows)}</TABLE>>];'
    )


# -- the legend: entries measured and wrapped into lines, with space between them --------------------

LEGEND_PT = 8
LEGEND_MAX_W = 760.0
LEGEND_LINE = 20.0
LEGEND_GAP = 16.0  # between two entries of a line
SWATCH_W = 14.0


@dataclass
class _Entry:
    text: str
    color: str | None = None  # the text's colour
    swatch: str | None = None  # a coloured square before the text
    chip: bool = False  # the text itself on the swatch colour (an experience chip)
    bold: bool = False
    dashes: bool = False  # a short dashed line before the text (the line of visibility)

    @property
    def width(self) -> float:
        w = text_width(self.text, LEGEND_PT, bold=self.bold) + 6
        if self.swatch and not self.chip:
            w += SWATCH_W + 6
        if self.dashes:
            w += text_width("– – –", LEGEND_PT) + 6
        return w


def _legend_rows(color_by: ColorBy, max_volume: float, *, moments: bool, visibility: bool,
                 max_w: float = LEGEND_MAX_W) -> list[list[_Entry]]:
    if color_by == "emotion":
        title = "Màu = cảm xúc"
        colours = [_Entry(f"{fmt.signed(k)} {EMOTION_NAME[k]}", swatch=EMOTION_FILL[k]) for k in EMOTION_FILL]
    elif color_by == "ces":
        title = "Màu = CES (1 rất khó … 7 rất dễ)"
        colours = [_Entry(str(k), swatch=CES_FILL[k]) for k in CES_FILL]
    else:
        title, colours = "Không tô màu", []
    if color_by != "none":
        colours.append(_Entry("chưa có số liệu", swatch=NO_DATA_FILL))
    volume = (
        f"độ dày mũi tên = lượng khách (lớn nhất {fmt.number(max_volume, 1, trim=True)})" if max_volume else "mũi tên = luồng khách"
    )
    symbols = [
        _Entry(volume),
        _Entry("số trên mũi tên = lượt khách · tỷ lệ chuyển tiếp"),
        _Entry("mũi tên tím = quay lại / lặp", color=BACK_EDGE_COLOR),
        _Entry("mũi tên đỏ = khách rời bỏ (%)", color=EXIT_COLOR),
        _Entry("viền nét đứt = hậu trường"),
        _Entry("viền xanh đậm ★ = mục tiêu", color="#1e8449"),
    ]
    if moments:
        symbols.append(_Entry("viền vàng ◆ = khoảnh khắc quyết định", color=MOMENT_COLOR))
    if visibility:
        symbols.insert(0, _Entry(f"{VISIBILITY_TERM} ({VISIBILITY_GLOSS})", color="#455a64", dashes=True))
    rows: list[list[_Entry]] = [[_Entry("Chú giải", bold=True), _Entry(title)]]
    for group in (colours,
                  [_Entry("Loại trải nghiệm:"), *(_Entry(t.label_vi, swatch=CHIP_FILL[t], chip=True) for t in ExperienceType)],
                  symbols):
        line: list[_Entry] = []
        for entry in group:
            if line and sum(e.width for e in line) + LEGEND_GAP * len(line) + entry.width > max_w:
                rows.append(line)
                line = []
            line.append(entry)
        if line:
            rows.append(line)
    return rows


def _row_width(row: list[_Entry]) -> float:
    return sum(e.width for e in row) + (LEGEND_GAP + 2) * (len(row) - 1)


def _legend_size(rows: list[list[_Entry]]) -> tuple[float, float]:
    return math.ceil(max(_row_width(row) for row in rows) + 24), len(rows) * (LEGEND_LINE + 4) + 8


def _legend_cell(entry: _Entry) -> str:
    text = _esc(entry.text)
    if entry.bold:
        text = f"<B>{text}</B>"
    if entry.color:
        text = f'<FONT COLOR="{entry.color}">{text}</FONT>'
    text = f'<FONT POINT-SIZE="{LEGEND_PT}">{text}</FONT>'
    if entry.chip:
        return f'<TD BGCOLOR="{entry.swatch}" STYLE="rounded">{text}</TD>'
    cells = ""
    if entry.swatch:
        cells += f'<TD BGCOLOR="{entry.swatch}" WIDTH="{SWATCH_W:.0f}" HEIGHT="12" FIXEDSIZE="TRUE"> </TD><TD WIDTH="6"> </TD>'
    if entry.dashes:
        cells += f'<TD><FONT POINT-SIZE="{LEGEND_PT}" COLOR="#78909c">– – –</FONT></TD><TD WIDTH="6"> </TD>'
    return cells + f'<TD ALIGN="LEFT">{text}</TD>'


def _legend_node(layout: JourneyLayout, rows: list[list[_Entry]], pt) -> str:
    gap = f'<TD WIDTH="{LEGEND_GAP:.0f}"> </TD>'
    lines = "".join(
        f'<TR><TD ALIGN="LEFT" HEIGHT="{LEGEND_LINE:.0f}"><TABLE ALIGN="LEFT" BORDER="0" CELLBORDER="0" CELLSPACING="0"'
        f' CELLPADDING="1" FIXEDSIZE="TRUE" WIDTH="{_row_width(row):.0f}" HEIGHT="{LEGEND_LINE - 4:.0f}"><TR>'
        + gap.join(_legend_cell(e) for e in row)
        + "</TR></TABLE></TD></TR>"
        for row in rows
    )
    legend = layout.legend
    assert legend is not None
    table = (
        f'<TABLE BORDER="1" COLOR="#b0bec5" CELLBORDER="0" CELLSPACING="4" CELLPADDING="0" BGCOLOR="white"'
        f' FIXEDSIZE="TRUE" WIDTH="{legend.w:.0f}" HEIGHT="{legend.h:.0f}">{lines}</TABLE>'
    )
    return f'  "legend" [id="legend", shape=plain, pos="{pt(legend.x, legend.y)}", label=<{table}>];'
