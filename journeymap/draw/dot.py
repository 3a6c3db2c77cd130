"""Build the Graphviz DOT text of a journey map (no Graphviz needed for this step).

The text carries every position (``layout=nop2``), so ``dot -Tsvg journey.dot`` draws exactly
what :func:`journeymap.render_journey` draws.
"""

from __future__ import annotations

import html
from typing import Literal

from .. import fmt
from ..experience import ExperienceType
from ..journey import Journey
from ..terms import channel_name, column_name
from ..text import excerpt
from .layout import JourneyLayout, layout_journey

__all__ = ["ColorBy", "journey_to_dot"]

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
LEGEND_HEIGHT = 118.0
LEGEND_CENTRE_X = 350.0  # the legend hugs the left margin
# The most characters a label shows of a title, persona, stage, channel or transition label, and a
# tooltip of a touchpoint's name, pain points and opportunities; the rest ends in "…" (names in a box:
# layout.NAME_LINES lines). Graphviz refuses any string over 16 KB, which a long enough text would
# otherwise make; the journey file keeps every word.
TITLE_CHARS, PERSONA_CHARS, STAGE_CHARS, CHANNEL_CHARS, EDGE_LABEL_CHARS, TOOLTIP_CHARS = 200, 300, 80, 40, 80, 2000


def journey_to_dot(journey: Journey, *, color_by: ColorBy = "emotion") -> str:
    """The journey map as DOT text, with stages as columns and lanes as bands.

    Parameters
    ----------
    journey
        The journey to draw.
    color_by
        Fill touchpoints by ``"emotion"`` (−2…+2), by ``"ces"`` (1…7) or ``"none"``.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    >>> j.add_touchpoint("ivr", name='"Bấm phím 1" & <chờ>', stage="Liên hệ", ces=2)
    >>> dot = journey_to_dot(j, color_by="ces")
    >>> '&quot;Bấm phím 1&quot; &amp; &lt;chờ&gt;' in dot
    True
    """
    if color_by not in ("emotion", "ces", "none"):
        raise ValueError(f"color_by must be 'emotion', 'ces' or 'none'; got {color_by!r}")
    journey.validate()
    layout = layout_journey(journey, legend_height=LEGEND_HEIGHT)
    height = layout.height

    def pt(x: float, y: float) -> str:
        return f"{x:.1f},{height - y:.1f}"

    out = [
        "digraph journey {",
        (f'  graph [layout=nop2, bb="0,0,{layout.width:.1f},{height:.1f}", outputorder=nodesfirst,'
        f' bgcolor=white, pad=0.2, fontname="{FONT}",'
        f' _background="{_background(layout)}"];'),
        f'  node [fontname="{FONT}", fontsize=10, margin=0, penwidth=1.2];',
        f'  edge [fontname="{FONT}", fontsize=9, color="{EDGE_COLOR}", fontcolor="#37474f", arrowsize=0.8];',
    ]
    out.append(_title_node(journey, layout, pt))
    for i, (stage, (left, right)) in enumerate(zip(journey.stages, layout.stage_spans)):
        label = f"<<B>{i + 1}. {_esc(excerpt(stage, STAGE_CHARS))}</B>>"
        out.append(
            f'  "stage:{i}" [id="stage-{i}", shape=box, style="rounded,filled", fillcolor="#34495e", color="#34495e",'
            f' fontcolor=white, fontsize=11, fixedsize=true, width={(right - left - 6) / 72:.3f}, height={30 / 72:.3f},'
            f' pos="{pt((left + right) / 2, layout.header_y)}", label={label}];'
        )
    out.extend(_lane_labels(layout, pt))

    volumes = [attrs["volume"] for _, _, attrs in journey.graph.edges(data=True) if attrs.get("volume")]
    max_volume = max(volumes, default=0.0)
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
            f' tooltip="{_dot_string(tooltip)}", label={_node_label(attrs, box.name_lines)}];'
        )
    for node, (x, y) in layout.exits.items():
        share = journey.graph.nodes[node]["drop_off"]
        out.append(
            f'  "exit:{node}" [id="exit-{node}", shape=plain, fontcolor="{EXIT_COLOR}", fontsize=9,'
            f' pos="{pt(x + 4, y + 31)}", label=<<B>{fmt.percent(share)} rời bỏ</B>>];'
        )
        out.append(
            f'  "{node}" -> "exit:{node}" [color="{EXIT_COLOR}", penwidth={1 + 3 * share:.2f}, arrowsize=0.7,'
            f' pos="e,{pt(x, y + 22)} {pt(x, y)} {pt(x, y + 4)} {pt(x, y + 9)} {pt(x, y + 14)}"];'
        )
    for route in layout.edges:
        attrs = journey.graph.edges[route.source, route.target]
        volume = attrs.get("volume")
        width = 1.2 + 5.0 * (volume / max_volume) ** 0.5 if volume and max_volume else 1.4
        text = _edge_text(attrs)
        spline = " ".join(pt(x, y) for x, y in route.points)
        extras = f', label=<{text}>, lp="{pt(*route.label_pos)}"' if text else ""
        color = BACK_EDGE_COLOR if route.backward else EDGE_COLOR
        out.append(
            f'  "{route.source}" -> "{route.target}" [id="edge-{route.source}-{route.target}", color="{color}",'
            f' penwidth={width:.2f}, pos="e,{pt(*route.end)} {spline}"{extras}];'
        )
    moments = any(attrs.get("moment_of_truth") for _, attrs in journey.graph.nodes(data=True))
    out.append(_legend_node(layout, color_by, pt, max_volume, moments=moments))
    out.append("}")
    return "\n".join(out) + "\n"


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


def _node_label(attrs: dict, name_lines: list[str]) -> str:
    name = "<BR/>".join(_esc(line) for line in name_lines)
    meta = [_esc(excerpt(channel_name(attrs["channel"]), CHANNEL_CHARS))] if attrs.get("channel") else []
    if attrs.get("ces") is not None:
        meta.append(f"CES {fmt.number(attrs['ces'], 1, trim=True)}/7")
    if attrs.get("goal"):
        meta.append("★ mục tiêu")
    if attrs.get("moment_of_truth"):
        meta.append(f'<FONT COLOR="{MOMENT_COLOR}"><B>◆ quyết định</B></FONT>')
    rows = [
        f'<TR><TD COLSPAN="3"><FONT POINT-SIZE="10.5"><B>{name}</B></FONT></TD></TR>',
        f'<TR><TD COLSPAN="3"><FONT POINT-SIZE="8.5" COLOR="#37474f">{" · ".join(meta) or " "}</FONT></TD></TR>',
    ]
    types = [ExperienceType(t) for t in attrs.get("experience", [])]
    for chunk in (types[:3], types[3:]):
        if not chunk:
            continue
        cells = "".join(
            f'<TD BGCOLOR="{CHIP_FILL[t]}" STYLE="rounded"><FONT POINT-SIZE="7.5">{_esc(t.label_vi)}</FONT></TD>'
            for t in chunk
        )
        rows.append(f'<TR><TD COLSPAN="3"><TABLE BORDER="0" CELLSPACING="2" CELLPADDING="1"><TR>{cells}</TR></TABLE></TD></TR>')
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{"".join(rows)}</TABLE>>'


def _tooltip(attrs: dict) -> str:
    parts = [attrs["name"]]
    if attrs.get("pain_points"):
        parts.append("Điểm đau: " + "; ".join(attrs["pain_points"]))
    if attrs.get("opportunities"):
        parts.append("Cơ hội: " + "; ".join(attrs["opportunities"]))
    if attrs.get("metrics"):
        parts.append("Chỉ số: " + ", ".join(f"{column_name(k)} {fmt.number(v, 1, trim=True)}" for k, v in attrs["metrics"].items()))
    return excerpt("\n".join(parts), TOOLTIP_CHARS)


def _edge_text(attrs: dict) -> str:
    parts = []
    if attrs.get("volume") is not None:
        parts.append(fmt.number(attrs["volume"], 1, trim=True))
    if attrs.get("probability") is not None:
        parts.append(fmt.percent(attrs["probability"]))
    if attrs.get("label"):
        parts.append(_esc(excerpt(attrs["label"], EDGE_LABEL_CHARS)))
    return " · ".join(parts)


def _background(layout: JourneyLayout) -> str:
    """xdot drawing under everything: stage columns and the line of visibility."""
    height = layout.height
    top = layout.header_y
    bottom = max(end for _, end in layout.bands.values())
    ops = []
    for i, (left, right) in enumerate(layout.stage_spans):
        color = STAGE_FILL[i % 2]
        ops.append(
            f"C 7 -{color} c 7 -{color} P 4 {left:.1f} {height - top:.1f} {right:.1f} {height - top:.1f} "
            f"{right:.1f} {height - bottom:.1f} {left:.1f} {height - bottom:.1f}"
        )
    if layout.visibility_y is not None:
        y = height - layout.visibility_y
        ops.append(f"c 7 -#78909c S 6 -dashed L 2 16.0 {y:.1f} {layout.width - 10:.1f} {y:.1f}")
    return " ".join(ops)


def _lane_labels(layout: JourneyLayout, pt) -> list[str]:
    names = {"frontstage": ("Tiền sảnh", "frontstage"), "backstage": ("Hậu trường", "backstage")}
    out = []
    for lane, (top, bottom) in layout.bands.items():
        vi, en = names[lane]
        out.append(
            f'  "lane:{lane}" [shape=plain, fontcolor="#455a64", pos="{pt(56, (top + bottom) / 2)}",'
            f' label=<<B>{vi}</B><BR/><FONT POINT-SIZE="8">{en}</FONT>>];'
        )
    if layout.visibility_y is not None:
        out.append(
            f'  "lane:visibility" [shape=plain, fontcolor="#607d8b", fontsize=7.5,'
            f' pos="{pt(60, layout.visibility_y - 9)}", label=<<I>đường hữu hình</I>>];'
        )
    return out


def _title_node(journey: Journey, layout: JourneyLayout, pt) -> str:
    width = min(layout.width - 40, 1600.0)
    rows = [f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="17"><B>{_esc(excerpt(journey.title, TITLE_CHARS))}</B></FONT></TD></TR>']
    if journey.persona:
        rows.append(
            f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="10" COLOR="#455a64">Chân dung khách hàng: {_esc(excerpt(journey.persona, PERSONA_CHARS))}'
            "</FONT></TD></TR>"
        )
    return (
        f'  "title" [id="title", shape=plain, pos="{pt(20 + width / 2, 30)}",'
        f' label=<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1" WIDTH="{width:.0f}">{"".join(rows)}</TABLE>>];'
    )


def _legend_node(layout: JourneyLayout, color_by: ColorBy, pt, max_volume: float, *, moments: bool = False) -> str:
    swatch = '<TD BGCOLOR="{}" WIDTH="14" HEIGHT="12"> </TD><TD ALIGN="LEFT"><FONT POINT-SIZE="8">{}</FONT></TD>'
    if color_by == "emotion":
        title = "Màu = cảm xúc"
        cells = "".join(swatch.format(EMOTION_FILL[k], f"{fmt.signed(k)} {EMOTION_NAME[k]}") for k in EMOTION_FILL)
    elif color_by == "ces":
        title = "Màu = CES (1 rất khó … 7 rất dễ)"
        cells = "".join(swatch.format(CES_FILL[k], str(k)) for k in CES_FILL)
    else:
        title, cells = "Không tô màu", ""
    cells += swatch.format(NO_DATA_FILL, "chưa có số liệu") if color_by != "none" else ""
    chips = "".join(
        f'<TD BGCOLOR="{CHIP_FILL[t]}"><FONT POINT-SIZE="8">{t.label_vi}</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="8">{t.label_en.lower()} </FONT></TD>'
        for t in ExperienceType
    )
    volume = f"độ dày mũi tên = lượng khách (lớn nhất {fmt.number(max_volume, 1, trim=True)})" if max_volume else "mũi tên = luồng khách"
    symbols = (
        f'<FONT POINT-SIZE="8">{volume} · <FONT COLOR="{BACK_EDGE_COLOR}">mũi tên tím = quay lại / lặp</FONT> · '
        f'<FONT COLOR="{EXIT_COLOR}">mũi tên đỏ = khách rời bỏ (%)</FONT> · viền nét đứt = hậu trường · '
        f'viền xanh đậm ★ = mục tiêu'
        + (f' · <FONT COLOR="{MOMENT_COLOR}">viền vàng ◆ = khoảnh khắc quyết định</FONT>' if moments else "")
        + '</FONT>'
    )
    rows = [
        f'<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="9"><B>Chú giải</B> · {title}</FONT></TD></TR>',
        f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{cells}</TR></TABLE></TD></TR>',
        '<TR><TD ALIGN="LEFT"><FONT POINT-SIZE="8">Loại trải nghiệm (Schmitt):</FONT></TD></TR>',
        f'<TR><TD ALIGN="LEFT"><TABLE BORDER="0" CELLSPACING="3" CELLPADDING="1"><TR>{chips}</TR></TABLE></TD></TR>',
        f'<TR><TD ALIGN="LEFT">{symbols}</TD></TR>',
    ]
    table = f'<TABLE BORDER="1" COLOR="#b0bec5" CELLBORDER="0" CELLSPACING="2" CELLPADDING="4" BGCOLOR="white">{"".join(rows)}</TABLE>'
    return f'  "legend" [id="legend", shape=plain, pos="{pt(LEGEND_CENTRE_X, layout.legend_y + 55)}", label=<{table}>];'

