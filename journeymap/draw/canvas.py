"""The journey-map canvas for workshops: stages as columns, one row per kind of annotation.

The Graphviz diagram (:func:`journeymap.render_journey`) shows how customers flow; the canvas is
the classic journey-map poster. Stages are columns and each frontstage touchpoint gets a column
inside its stage, in journey order. The rows, top to bottom, are the stage headers, the
touchpoints (name, channel), the experience types, an emotion curve, CES, drop-off, pain points,
opportunities, metrics and, when comments are attached, their main causes. Below a dashed line
of visibility the backstage touchpoints sit in their stage columns with their own rows. A row
that no touchpoint has data for is left out.

Drawing uses matplotlib's object API only (a :class:`matplotlib.figure.Figure` with an Agg canvas,
never :mod:`matplotlib.pyplot`), so notebooks and servers keep their own figures and backend.
Colours are those of the diagram (:mod:`journeymap.draw.dot`), so both speak the same visual language.

Text is set in DejaVu Sans (bundled with matplotlib, with every Vietnamese glyph) and measured
with its own glyph advances, so wrapping, row heights and column widths come from the text
itself and no two texts overlap. Lines break at spaces only. A single word wider than the widest
column (a URL, ``VietQR/Momo/ZaloPay``) is broken after ``/`` or ``-``; a part still too wide is
broken between characters, with a hyphen at the end of each line. Each text is clipped to its
cell, so a renderer with a wider font cannot spill text into a neighbouring cell.

The SVG keeps text as text (searchable, selectable, found by a browser test) with the font
family list DejaVu Sans, Noto Sans, Liberation Sans, Arial, Helvetica, sans-serif. The layout is
measured with DejaVu Sans; browsers without it fall back to one of the others, all narrower, so
the text still fits its cell. User text is normalised to NFC (so ``"Hoà"`` typed
with combining marks shows as one glyph per letter) and never read as mathtext: ``"Giá $5"``
shows literally.

SVG elements carry ids: ``title``, ``stage-<i>``, ``tp-<touchpoint id>`` (the touchpoint's name),
``row-<lane>-<row>``, ``badge-<touchpoint id>`` (``layout="diff"``), ``emotion-curve``,
``visibility-line``, ``visibility-label`` and ``legend``; in ``layout="side_by_side"`` the lower
journey's ids start with ``compare-``.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .. import fmt
from .dot import CES_FILL, CHIP_FILL, EMOTION_FILL, EMOTION_NAME, EXIT_COLOR, STAGE_FILL
from ..experience import ExperienceType
from ..feedback import FEEDBACK_METRICS, FeedbackNumbers, feedback_numbers
from ..journey import Journey

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D, Transform, TransformedBbox
    from matplotlib.typing import RcKeyType

__all__ = ["CanvasLayout", "canvas_svg", "journey_canvas", "render_canvas"]

CanvasLayout = Literal["single", "side_by_side", "diff"]
_FontStyle = Literal["normal", "italic", "oblique"]

FORMATS: tuple[str, ...] = ("svg", "png", "pdf")
JOURNEY_SUFFIXES = (".yaml", ".yml", ".json")
PNG_DPI = 150
# A 60-touchpoint canvas is about 120 × 30 inches; at 150 dpi its pixel buffer would take 300 MB.
MAX_PNG_PIXELS = 50_000_000
FONT = "DejaVu Sans"

# Sizes in points: the figure is laid out in points, so these are also the sizes on paper.
MARGIN = 28.0
LABEL_W = 132.0
CELL_W = 150.0
CELL_MAX = 240.0
PAD_X = 8.0
PAD_Y = 8.0
ROW_MIN = 30.0
EMOTION_H = 112.0
EMOTION_PAD = 16.0
VISIBILITY_H = 36.0
LINE_SPACING = 1.3
BULLET_INDENT = 11.0
# Glyph advances ignore kerning and hinting; Agg at 150–200 dpi draws up to ~1.5% wider.
WIDTH_SLACK = 1.04
TOP_CAUSES = 3

TITLE_PT = 20.0
SUBTITLE_PT = 11.0
STAGE_PT = 11.5
NAME_PT = 10.5
BODY_PT = 9.5
SMALL_PT = 9.0
LABEL_PT = 10.0
NUMBER_PT = 11.0

INK = "#263238"
MUTED = "#607d8b"
GRID = "#d3dbe0"
STAGE_LINE = "#a9b7c0"
LABEL_FILL = "#e9eef2"
HEADER_FILL = "#34495e"
ABSENT_HEADER_FILL = "#cfd8dc"
CARD_EDGE = "#a3b1ba"
BACKSTAGE_CARD = "#f5f2f8"
GOAL_EDGE = "#1e8449"
PAIN_COLOR = "#c0392b"
OPPORTUNITY_COLOR = "#1e8449"
BAR_TRACK = "#e3e8ec"
CURVE_COLOR = "#455a64"
NEGATIVE_FILL = EMOTION_FILL[-2]
BADGE = {"added": ("mới", "#1565c0"), "changed": ("đổi", "#c87f0a"), "removed": ("bỏ", "#78909c")}
CES_NAME = {1: "rất khó", 2: "khó", 3: "hơi khó", 4: "trung bình", 5: "hơi dễ", 6: "dễ", 7: "rất dễ"}

_ROWS: tuple[tuple[str, str], ...] = (
    ("name", "Điểm chạm"),
    ("experience", "Loại trải nghiệm"),
    ("emotion", "Cảm xúc"),
    ("ces", "Mức độ dễ dàng (CES)"),
    ("drop_off", "Tỷ lệ rời bỏ"),
    ("pain_points", "Điểm đau"),
    ("opportunities", "Cơ hội cải thiện"),
    ("metrics", "Chỉ số đo lường"),
    ("feedback", "Bình luận & nguyên nhân chính"),
)
_BACKSTAGE_NAME_LABEL = "Hậu trường (khách hàng không thấy)"
VISIBILITY_LABEL = "Đường ranh giới khách hàng nhìn thấy"

# Fields compared for "đổi", in the order the changes are listed; numbers show before → after.
_CHANGE_LABELS: dict[str, str] = {
    "ces": "CES",
    "emotion": "cảm xúc",
    "drop_off": "rời bỏ",
    "pain_points": "điểm đau",
    "opportunities": "cơ hội",
    "metrics": "chỉ số",
    "experience": "loại trải nghiệm",
    "name": "tên",
    "channel": "kênh",
    "stage": "giai đoạn",
    "lane": "làn",
    "goal": "mục tiêu",
    "volume": "lượng khách",
    "starts": "lượt bắt đầu",
    "owner": "phụ trách",
    "description": "mô tả",
    "aliases": "tên gọi khác",
}

_RC: dict[RcKeyType, Any] = {
    "font.family": FONT,
    # The SVG's font-family list: "sans-serif" in a text's family expands to these, then sans-serif.
    "font.sans-serif": [FONT, "Noto Sans", "Liberation Sans", "Arial", "Helvetica"],
    "text.usetex": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "journeymap-canvas",
    "pdf.fonttype": 42,
    "figure.facecolor": "white",
}


def journey_canvas(
    journey: Journey,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
) -> Figure:
    """Draw the journey-map canvas as a matplotlib figure (never registered with pyplot).

    The figure is laid out in points at 72 dpi and grows with its content: about 150 pt per
    touchpoint column, row heights from the wrapped text. Body text is 9.5–10.5 pt at that size.

    Parameters
    ----------
    journey : Journey
        The journey to draw (with ``layout="diff"``: the journey *after* the change).
    feedback : pandas.DataFrame, optional
        The output of :func:`journeymap.summarize_feedback` for ``journey``; adds a row with each
        touchpoint's number of comments, negative share and top causes (Vietnamese names). Without
        it the row is drawn from the numbers :func:`journeymap.set_feedback` wrote into the
        touchpoints' ``metrics``, when there are any.
    compare_to : Journey, optional
        A second journey (the state *before*), for ``layout="side_by_side"`` or ``"diff"``.
    layout : {"single", "side_by_side", "diff"}
        ``"single"`` draws ``journey``. ``"side_by_side"`` stacks ``journey`` above ``compare_to``
        (stacked reads better when projected than two narrow canvases side by side), both over the
        union of their stages with the same column widths, so shared stages line up.
        ``"diff"`` draws ``journey`` once and marks, by touchpoint id, what changed since
        ``compare_to``: added touchpoints ("mới", green), removed ones ("bỏ", grey, drawn from
        ``compare_to`` in their old stage), and changed ones ("đổi", orange: any annotation
        differs) with the list of changes (e.g. ``CES 3 → 5 · điểm đau``) under the name.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with an Agg canvas. Save it with :func:`render_canvas` or :func:`canvas_svg`, which
        keep the SVG text as text.

    Raises
    ------
    ValueError
        ``layout`` not one of the three; ``compare_to`` missing for ``"side_by_side"``/``"diff"``
        or given with ``"single"``.
    DataError
        ``feedback`` without the columns of :func:`journeymap.summarize_feedback`, with rows for
        touchpoints not in the journey, or with impossible numbers.
    JourneyValidationError
        A journey whose graph was edited into an invalid state.

    Examples
    --------
    >>> from matplotlib.text import Text
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Nhận biết", "Đăng ký"], persona="Sinh viên năm cuối")
    >>> j.add_touchpoint("fb_ad", name="Quảng cáo Facebook", stage="Nhận biết", emotion=1, ces=6)
    >>> j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", emotion=-1, ces=3,
    ...                  pain_points=["Ảnh CCCD bị lóa"])
    >>> fig = journey_canvas(j)
    >>> [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "tp-ekyc"]
    ['Xác thực eKYC']
    >>> sorted(t.get_gid() for t in fig.findobj(Text) if (t.get_gid() or "").startswith("row-"))
    ['row-frontstage-ces', 'row-frontstage-emotion', 'row-frontstage-name', 'row-frontstage-pain_points', 'row-stage']
    """
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if layout not in ("single", "side_by_side", "diff"):
        raise ValueError(f"layout must be 'single', 'side_by_side' or 'diff'; got {layout!r}")
    if layout == "single" and compare_to is not None:
        raise ValueError(
            "compare_to is only used with layout='side_by_side' or layout='diff'; got layout='single'"
        )
    if layout != "single" and compare_to is None:
        raise ValueError(f"layout={layout!r} needs compare_to=<the other journey>; got compare_to=None")
    journey.validate()
    if compare_to is not None:
        compare_to.validate()
    numbers = feedback_numbers(journey, feedback)

    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(4, 3), dpi=72)
        FigureCanvasAgg(figure)
        painter = _Painter(figure)
        if layout == "single":
            panels = [_single_panel(journey, numbers, prefix="")]
        elif layout == "side_by_side":
            assert compare_to is not None
            panels = [
                _single_panel(journey, numbers, prefix=""),
                _single_panel(compare_to, feedback_numbers(compare_to, None), prefix="compare-",
                              caption=f"So sánh với: {compare_to.title}"),
            ]
        else:
            assert compare_to is not None
            panels = [_diff_panel(compare_to, journey, numbers)]
        _draw(painter, panels, diff=layout == "diff")
    return figure


def render_canvas(
    journey: Journey,
    path: str | Path,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
) -> Path:
    """Draw the canvas to ``path``; the suffix (``.svg``, ``.png``, ``.pdf``) picks the format.

    PNG is written at 150 dpi, readable when projected; a canvas so large that this would pass
    50 million pixels (about 60 touchpoints) gets the highest dpi that stays under it. SVG keeps
    text as text; PDF embeds DejaVu Sans as TrueType, so its text is selectable too.

    Parameters
    ----------
    journey, feedback, compare_to, layout
        As for :func:`journey_canvas`.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        A suffix other than ``.svg``, ``.png`` or ``.pdf``; a journey file suffix (``.yaml``,
        ``.yml``, ``.json``) is refused with its own message, so a journey is never overwritten by
        its picture.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    >>> j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     render_canvas(j, Path(folder) / "canvas.png").read_bytes()[:4]
    b'\\x89PNG'
    >>> render_canvas(j, "canvas.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'canvas.yaml' has a journey file suffix (.yaml, .yml, .json); ... use .svg, .png or .pdf
    """
    import matplotlib

    path = Path(path)
    fmt = _output_format(path)
    figure = journey_canvas(journey, feedback=feedback, compare_to=compare_to, layout=layout)
    with matplotlib.rc_context(_RC):
        figure.savefig(path, format=fmt, **_save_options(figure, fmt))
    return path


def canvas_svg(
    journey: Journey,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
) -> str:
    """The canvas as SVG text, with text kept as ``<text>`` elements (for HTML reports).

    Parameters
    ----------
    journey, feedback, compare_to, layout
        As for :func:`journey_canvas`.

    Returns
    -------
    str
        A standalone SVG document; user text is XML-escaped.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt chỗ"])
    >>> j.add_touchpoint("zalo", name="<Zalo> & cọc", stage="Đặt chỗ")
    >>> svg = canvas_svg(j)
    >>> "&lt;Zalo&gt; &amp; cọc" in svg
    True
    """
    import matplotlib

    figure = journey_canvas(journey, feedback=feedback, compare_to=compare_to, layout=layout)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", **_save_options(figure, "svg"))
    return buffer.getvalue().decode("utf-8")


# -- options and inputs -----------------------------------------------------------------------------


def _output_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JOURNEY_SUFFIXES:
        raise ValueError(
            f"{path.name!r} has a journey file suffix ({', '.join(JOURNEY_SUFFIXES)}); the canvas is never "
            f"written over a journey file: use {', '.join(f'.{f}' for f in FORMATS[:-1])} or .{FORMATS[-1]}"
        )
    fmt = suffix.lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(
            f"cannot tell the output format from {path.name!r}; the file name must end in "
            + ", ".join(f".{f}" for f in FORMATS)
        )
    return fmt


def _save_options(figure: Figure, fmt: str) -> dict[str, Any]:
    options: dict[str, Any] = {"facecolor": "white"}
    if fmt == "png":
        width, height = figure.get_size_inches()
        options["dpi"] = min(PNG_DPI, math.floor(math.sqrt(MAX_PNG_PIXELS / (width * height))))
        # Pillow's default level 6 spends a quarter of the drawing time to save ~12% of the bytes.
        options["pil_kwargs"] = {"compress_level": 3}
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


def _single_panel(
    journey: Journey, feedback: dict[str, FeedbackNumbers], *, prefix: str, caption: str | None = None
) -> _Panel:
    nodes = {n: dict(attrs) for n, attrs in journey.graph.nodes(data=True)}
    return _Panel(
        journey=journey,
        title=journey.title,
        caption=caption,
        persona=journey.persona,
        nodes=nodes,
        order=_order_by_lane_and_stage(nodes),
        status={},
        feedback=feedback,
        prefix=prefix,
        stages=journey.stages,
    )


def _diff_panel(before: Journey, after: Journey, feedback: dict[str, FeedbackNumbers]) -> _Panel:
    old = {n: dict(attrs) for n, attrs in before.graph.nodes(data=True)}
    new = {n: dict(attrs) for n, attrs in after.graph.nodes(data=True)}
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
    subtitle = (
        f"So với: {before.title} — " + ", ".join(f"{counts[k]} điểm chạm {BADGE[k][0]}" for k in BADGE)
    )
    return _Panel(
        journey=after,
        title=after.title,
        caption=None,
        persona=after.persona,
        nodes=nodes,
        order=order,
        status=status,
        feedback=feedback,
        prefix="",
        stages=_merge_order(after.stages, before.stages),
        subtitle=subtitle,
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


# -- measuring and wrapping text --------------------------------------------------------------------


@dataclass
class _Label:
    """A text artist, already wrapped, with its size in points."""

    artist: Text
    width: float
    height: float


class _Painter:
    """Measures, wraps and places everything, in points from the top-left corner (y grows down)."""

    def __init__(self, figure: Figure) -> None:
        from matplotlib.transforms import Affine2D

        self.figure = figure
        self.renderer: RendererBase = figure.canvas.get_renderer()  # type: ignore[attr-defined]
        self._flip: Affine2D = Affine2D()
        # Follows the figure's dpi, so the same artists draw at 72 dpi (SVG, PDF) and 150 dpi (PNG).
        self.transform: Transform = self._flip + figure.dpi_scale_trans
        self._fonts: dict[tuple[str, str], Any] = {}
        self._advance: dict[tuple[str, str, str], float] = {}
        self._props: dict[tuple[float, str, str], Any] = {}

    def finish(self, width: float, height: float) -> None:
        self.figure.set_size_inches(width / 72, height / 72)
        self._flip.clear().scale(1 / 72, -1 / 72).translate(0, height / 72)

    # measuring
    def _font(self, weight: str, style: _FontStyle) -> Any:
        from matplotlib.font_manager import FontProperties, findfont, get_font

        key = (weight, style)
        if key not in self._fonts:
            self._fonts[key] = get_font(findfont(FontProperties(family=FONT, weight=weight, style=style)))
        return self._fonts[key]

    def width(self, text: str, size: float, weight: str = "normal", style: _FontStyle = "normal") -> float:
        """Width in points, from unhinted glyph advances (cached per character) plus a little slack."""
        total = 0.0
        for char in text:
            key = (char, weight, style)
            advance = self._advance.get(key)
            if advance is None:
                font = self._font(weight, style)
                font.set_size(100, 72)
                code = ord(char)
                # A glyph DejaVu Sans lacks (an emoji) comes from a fallback font: count a full em.
                advance = font.load_char(code).linearHoriAdvance / 65536 if font.get_char_index(code) else 100.0
                self._advance[key] = advance
            total += advance
        return total * size / 100 * WIDTH_SLACK

    def wrap(self, text: str, width: float, size: float, weight: str = "normal",
             style: _FontStyle = "normal") -> list[str]:
        """Lines no wider than ``width``, broken at spaces; see :func:`_break_word` for long words."""
        def measure(s: str) -> float:
            return self.width(s, size, weight, style)

        lines: list[str] = []
        current, current_width = "", 0.0
        space = measure(" ")
        for word in _words(text):
            word_width = measure(word)
            if current and current_width + space + word_width <= width:
                current, current_width = f"{current} {word}", current_width + space + word_width
                continue
            if current:
                lines.append(current)
            pieces = _break_word(word, width, measure) if word_width > width else [word]
            lines.extend(pieces[:-1])
            current, current_width = pieces[-1], measure(pieces[-1])
        if current:
            lines.append(current)
        return lines

    def longest_word(self, text: str, size: float, weight: str = "normal") -> float:
        return max((self.width(w, size, weight) for w in _words(_nfc(text))), default=0.0)

    def label(
        self,
        text: str,
        *,
        width: float,
        size: float,
        weight: str = "normal",
        style: _FontStyle = "normal",
        color: str = INK,
        ha: str = "left",
        va: str = "top",
        gid: str | None = None,
    ) -> _Label:
        """A wrapped text artist; its height comes from the renderer (matplotlib's own line layout).

        ``va="baseline"`` is for one-line labels that must line up with their neighbours (chips,
        legend entries): aligning tops would push a line with tall stacked diacritics (``ễ``) down.
        """
        from matplotlib.text import Text

        key = (size, weight, style)
        if key not in self._props:
            from matplotlib.font_manager import FontProperties

            self._props[key] = FontProperties(family=[FONT, "sans-serif"], size=size, weight=weight, style=style)
        lines = self.wrap(_nfc(text), width, size, weight, style)
        artist = Text(
            0, 0, "\n".join(lines), fontproperties=self._props[key], color=color, ha=ha, va=va,
            linespacing=LINE_SPACING, parse_math=False, usetex=False, gid=gid, zorder=6,
        )
        artist.set_figure(self.figure)
        box = artist.get_window_extent(self.renderer)
        return _Label(artist, max(self.width(line, size, weight, style) for line in lines or [""]), box.height)

    # placing
    def clip(self, left: float, top: float, width: float, height: float) -> TransformedBbox:
        from matplotlib.transforms import Bbox, TransformedBbox

        return TransformedBbox(Bbox.from_bounds(left, top, width, height), self.transform)

    def place(self, label: _Label, x: float, y: float, clip: TransformedBbox) -> None:
        label.artist.set_position((x, y))
        label.artist.set_transform(self.transform)
        label.artist.set_clip_box(clip)
        self.figure.add_artist(label.artist)

    def rect(
        self,
        left: float,
        top: float,
        width: float,
        height: float,
        *,
        face: str,
        edge: str = "none",
        lw: float = 0.0,
        rounding: float = 0.0,
        dashed: bool = False,
        z: float = 1.0,
        gid: str | None = None,
    ) -> None:
        from matplotlib.patches import FancyBboxPatch

        style = f"round,pad=0,rounding_size={rounding}" if rounding else "square,pad=0"
        self.figure.add_artist(
            FancyBboxPatch(
                (left, top), width, height, boxstyle=style, facecolor=face, edgecolor=edge, linewidth=lw,
                linestyle=(0, (4, 3)) if dashed else "solid", transform=self.transform, zorder=z, gid=gid,
            )
        )

    def line(
        self, xs: list[float], ys: list[float], *, color: str, lw: float, dashed: bool = False, z: float = 2.0,
        gid: str | None = None,
    ) -> None:
        from matplotlib.lines import Line2D

        self.figure.add_artist(
            Line2D(xs, ys, color=color, linewidth=lw, linestyle=(0, (5, 4)) if dashed else "solid",
                   transform=self.transform, zorder=z, gid=gid, solid_capstyle="butt")
        )

    def marker(self, x: float, y: float, *, face: str, shape: str = "o", size: float = 12.0, z: float = 5.0) -> None:
        from matplotlib.lines import Line2D

        self.figure.add_artist(
            Line2D([x], [y], marker=shape, markersize=size, markerfacecolor=face, markeredgecolor=CURVE_COLOR,
                   markeredgewidth=1.2, linestyle="none", transform=self.transform, zorder=z)
        )

    def curve(self, points: list[tuple[float, float]], *, gid: str) -> None:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MplPath

        vertices = _monotone_bezier(points)
        self.figure.add_artist(
            PathPatch(MplPath(vertices, [MplPath.MOVETO] + [MplPath.CURVE4] * (len(vertices) - 1)),
                      facecolor="none", edgecolor=CURVE_COLOR, linewidth=2.2, transform=self.transform,
                      zorder=4, gid=gid, capstyle="round")
        )


def _nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", str(text))


def _words(text: str) -> list[str]:
    """Words between breakable spaces; a no-break space (``52\u00a0giờ``) keeps its words together."""
    return [w for w in re.split(r"[^\S\u00a0]+", text) if w]


def _baseline(size: float) -> float:
    """Baseline offset below the vertical centre that makes mixed-case Vietnamese text look centred."""
    return 0.36 * size


def _break_word(word: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Split a word wider than ``width``: after ``/`` or ``-`` first, else between characters with a hyphen.

    Examples
    --------
    >>> _break_word("VietQR/Momo/ZaloPay", 8, len)
    ['VietQR/', 'Momo/', 'ZaloPay']
    >>> _break_word("Nguyễn-Thị-Minh-Khai", 12, len)
    ['Nguyễn-Thị-', 'Minh-Khai']
    >>> _break_word("abcdefghij", 5, len)
    ['abcd-', 'efgh-', 'ij']
    """
    pieces: list[str] = []
    current = ""
    for part in re.findall(r"[^/\-]+[/\-]*|[/\-]+", word):
        if measure(current + part) <= width:
            current += part
            continue
        if current:
            pieces.append(current)
            current = ""
        if measure(part) <= width:
            current = part
            continue
        for char in part:
            if not current or measure(current + char + "-") <= width:
                current += char
            else:
                pieces.append(current + "-")
                current = char
    pieces.append(current)
    return pieces


def _monotone_bezier(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A smooth curve through the points that never overshoots them (Fritsch–Carlson), as cubic Béziers."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    n = len(points)
    slopes = [(ys[i + 1] - ys[i]) / (xs[i + 1] - xs[i]) for i in range(n - 1)]
    tangents = [slopes[0]]
    tangents += [0.0 if slopes[i - 1] * slopes[i] <= 0 else (slopes[i - 1] + slopes[i]) / 2 for i in range(1, n - 1)]
    tangents.append(slopes[-1])
    for i, slope in enumerate(slopes):
        if slope == 0:
            tangents[i] = tangents[i + 1] = 0.0
            continue
        a, b = tangents[i] / slope, tangents[i + 1] / slope
        if a * a + b * b > 9:
            scale = 3 / math.hypot(a, b)
            tangents[i], tangents[i + 1] = scale * a * slope, scale * b * slope
    vertices = [points[0]]
    for i in range(n - 1):
        h = xs[i + 1] - xs[i]
        vertices += [
            (xs[i] + h / 3, ys[i] + tangents[i] * h / 3),
            (xs[i + 1] - h / 3, ys[i + 1] - tangents[i + 1] * h / 3),
            points[i + 1],
        ]
    return vertices


# -- cells ------------------------------------------------------------------------------------------


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float
    face: str
    edge: str = "none"
    lw: float = 0.0
    rounding: float = 0.0


@dataclass
class _Placed:
    label: _Label
    x: float
    y: float


@dataclass
class _Card:
    face: str
    edge: str
    lw: float
    dashed: bool


@dataclass
class _Cell:
    """Content of one cell, relative to its padded top-left corner."""

    items: list[_Box | _Placed] = field(default_factory=list)
    height: float = 0.0
    card: _Card | None = None

    def add(self, label: _Label, x: float = 0.0, gap: float = 0.0) -> None:
        """Add a label below what is there."""
        y = self.height + (gap if self.items else 0.0)
        self.items.append(_Placed(label, x, y))
        self.height = y + label.height

    def bar(self, share: float, width: float, color: str, gap: float = 4.0) -> None:
        y = self.height + gap
        self.items.append(_Box(0, y, width, 7, BAR_TRACK, rounding=2))
        if share > 0:
            self.items.append(_Box(0, y, max(width * min(share, 1.0), 3), 7, color, edge=_darker(color), lw=0.6,
                                   rounding=2))
        self.height = y + 7


def _darker(color: str) -> str:
    from matplotlib.colors import to_hex, to_rgb

    red, green, blue = to_rgb(color)
    return to_hex((red * 0.7, green * 0.7, blue * 0.7))


def _bullets(p: _Painter, cell: _Cell, items: Iterable[str], width: float, color: str) -> None:
    for text in items:
        bullet = p.label("•", width=BULLET_INDENT, size=BODY_PT, weight="bold", color=color)
        body = p.label(text, width=width - BULLET_INDENT, size=BODY_PT, color=INK)
        gap = 5.0 if cell.items else 0.0
        y = cell.height + gap
        cell.items.append(_Placed(bullet, 0, y))
        cell.items.append(_Placed(body, BULLET_INDENT, y))
        cell.height = y + body.height


def _name_cell(p: _Painter, panel: _Panel, node: str, width: float) -> _Cell:
    attrs = panel.nodes[node]
    status = panel.status.get(node)
    removed = status is not None and status.kind == "removed"
    backstage = attrs.get("lane") == "backstage"
    cell = _Cell()
    if status is not None:
        word, color = BADGE[status.kind]
        badge = p.label(word, width=width, size=SMALL_PT, weight="bold", color="white",
                        gid=f"{panel.prefix}badge-{node}")
        cell.items.append(_Box(0, 0, badge.width + 12, badge.height + 4, color, rounding=4))
        cell.items.append(_Placed(badge, 6, 2))
        cell.height = badge.height + 4
    cell.add(
        p.label(attrs["name"], width=width, size=NAME_PT, weight="bold", color=MUTED if removed else INK,
                gid=f"{panel.prefix}tp-{node}"),
        gap=5,
    )
    meta = [attrs["channel"]] if attrs.get("channel") else []
    if attrs.get("goal"):
        meta.append("★ mục tiêu")
    if meta:
        cell.add(p.label(" · ".join(meta), width=width, size=SMALL_PT, color=GOAL_EDGE if attrs.get("goal") else MUTED),
                 gap=3)
    if status is not None and status.changes:
        cell.add(p.label("đổi: " + " · ".join(status.changes), width=width, size=SMALL_PT, style="italic",
                         color=BADGE["changed"][1]), gap=4)
    goal = bool(attrs.get("goal"))
    # A changed touchpoint is outlined over its whole column (see _draw_changes), not on the card.
    cell.card = _Card(
        face="#fafbfc" if removed else (BACKSTAGE_CARD if backstage else "white"),
        edge=GOAL_EDGE if goal else CARD_EDGE,
        lw=2.2 if goal else 1.0,
        dashed=backstage or removed,
    )
    return cell


def _experience_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    types = [ExperienceType(t) for t in attrs.get("experience", [])]
    if not types:
        return None
    cell = _Cell()
    x = y = 0.0
    chip_h = 17.0
    for kind in types:
        text = p.label(kind.label_vi, width=width - 10, size=SMALL_PT, ha="center", va="baseline")
        chip_w = text.width + 10
        if x and x + chip_w > width:
            x, y = 0.0, y + chip_h + 4
        cell.items.append(_Box(x, y, chip_w, chip_h, CHIP_FILL[kind], rounding=8))
        cell.items.append(_Placed(text, x + chip_w / 2, y + chip_h / 2 + _baseline(SMALL_PT)))
        x += chip_w + 4
    cell.height = y + chip_h
    return cell


def _emotion_y(emotion: float) -> float:
    """Where an emotion sits inside the emotion row, from the row's top."""
    return EMOTION_PAD + (2 - emotion) * (EMOTION_H - 2 * EMOTION_PAD) / 4


def _emotion_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    emotion = attrs.get("emotion")
    if emotion is None:
        return None
    text = p.label(_signed(emotion), width=width, size=SMALL_PT, weight="bold", color=CURVE_COLOR, ha="center",
                   va="baseline")
    # Above the marker, or below it at the top of the scale: the curve runs sideways, so it never hides the number.
    y = _emotion_y(emotion) - PAD_Y
    cell = _Cell()
    cell.items.append(_Placed(text, width / 2, y - 10 if emotion < 1.5 else y + 9 + 0.8 * SMALL_PT))
    cell.height = EMOTION_H - 2 * PAD_Y
    return cell


def _ces_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    ces = attrs.get("ces")
    if ces is None:
        return None
    level = max(1, min(7, round(ces)))
    cell = _Cell()
    cell.add(p.label(f"{_number(ces)}/7 · {CES_NAME[level]}", width=width, size=NUMBER_PT, weight="bold"))
    cell.bar(ces / 7, width, CES_FILL[level])
    return cell


def _drop_off_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    share = attrs.get("drop_off")
    if share is None:
        return None
    cell = _Cell()
    cell.add(p.label(fmt.percent(share), width=width, size=NUMBER_PT, weight="bold", color=EXIT_COLOR))
    cell.bar(share, width, EXIT_COLOR)
    return cell


def _list_cell(p: _Painter, values: list[str], width: float, color: str) -> _Cell | None:
    if not values:
        return None
    cell = _Cell()
    _bullets(p, cell, values, width, color)
    return cell


def _metric_lines(metrics: dict[str, Any]) -> list[str]:
    shown = {k: v for k, v in metrics.items() if k not in FEEDBACK_METRICS and not k.startswith("cause_")}
    lines = []
    if shown.get("csat") is not None:
        lines.append(f"CSAT {_number(shown.pop('csat'))}%")
    if shown.get("nps") is not None:
        lines.append(f"NPS {_signed(shown.pop('nps'))}")
    if shown.get("ces") is not None:
        lines.append(f"CES đo được {_number(shown.pop('ces'))}/7")
    if shown.get("ttr_hours") is not None:
        lines.append(f"Thời gian xử lý {fmt.hours(shown.pop('ttr_hours'))}")
    lines += [f"{key}: {_number(value)}" for key, value in shown.items() if value is not None]
    return lines


def _metrics_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    lines = _metric_lines(attrs.get("metrics") or {})
    if not lines:
        return None
    cell = _Cell()
    for line in lines:
        cell.add(p.label(line, width=width, size=BODY_PT), gap=3)
    return cell


def _feedback_cell(p: _Painter, numbers: FeedbackNumbers | None, width: float) -> _Cell | None:
    if numbers is None or not numbers.comments:
        return None
    from nlp.labels import CAUSES

    names = {c.id: c.vi for c in CAUSES}
    cell = _Cell()
    head = f"{_number(numbers.comments)} bình luận"
    if numbers.negative_share is not None:
        head += f" · {fmt.percent(numbers.negative_share)}\u00a0tiêu\u00a0cực"
    cell.add(p.label(head, width=width, size=BODY_PT, weight="bold"))
    if numbers.negative_share is not None:
        cell.bar(numbers.negative_share, width, NEGATIVE_FILL)
        cell.height += 3
    causes = [f"{names.get(cause, cause)}\u00a0({count})" for cause, count in numbers.causes[:TOP_CAUSES]]
    if causes:
        cell.height += 3
        _bullets(p, cell, causes, width, PAIN_COLOR)
    return cell


def _cell(p: _Painter, panel: _Panel, key: str, node: str, width: float) -> _Cell | None:
    if key == "name":
        return _name_cell(p, panel, node, width)
    status = panel.status.get(node)
    if status is not None and status.kind == "removed":
        return None
    attrs = panel.nodes[node]
    if key == "experience":
        return _experience_cell(p, attrs, width)
    if key == "emotion":
        return _emotion_cell(p, attrs, width)
    if key == "ces":
        return _ces_cell(p, attrs, width)
    if key == "drop_off":
        return _drop_off_cell(p, attrs, width)
    if key == "pain_points":
        return _list_cell(p, attrs.get("pain_points", []), width, PAIN_COLOR)
    if key == "opportunities":
        return _list_cell(p, attrs.get("opportunities", []), width, OPPORTUNITY_COLOR)
    if key == "metrics":
        return _metrics_cell(p, attrs, width)
    return _feedback_cell(p, panel.feedback.get(node), width)


# -- geometry ---------------------------------------------------------------------------------------


@dataclass
class _Columns:
    """Stage columns shared by every panel, so stages line up when two journeys are stacked."""

    stages: list[str]
    slots: dict[str, list[tuple[float, float]]]  # stage → (left, width) of each touchpoint column
    left: float
    right: float

    def span(self, stage: str) -> tuple[float, float]:
        slots = self.slots[stage]
        return slots[0][0], slots[-1][0] + slots[-1][1]


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
    return need


@dataclass
class _Row:
    key: str
    lane: str
    label: _Cell
    cells: dict[str, _Cell]
    height: float


def _rows(p: _Painter, panel: _Panel, columns: _Columns, lane: str) -> list[_Row]:
    placed = _placement(panel, columns, lane)
    if not placed:
        return []
    rows = []
    for key, title in _ROWS:
        cells = {}
        for node, (_, width) in placed.items():
            cell = _cell(p, panel, key, node, width - 2 * PAD_X)
            if cell is not None:
                cells[node] = cell
        if not cells:
            continue
        text = _BACKSTAGE_NAME_LABEL if key == "name" and lane == "backstage" else title
        label_width = LABEL_W - 2 * PAD_X - (26 if key == "emotion" else 0)
        label = _Cell()
        label.add(p.label(text, width=label_width, size=LABEL_PT, weight="bold", gid=f"{panel.prefix}row-{lane}-{key}"))
        if key == "emotion":
            for value in (2, 0, -2):
                tick = p.label(_signed(value), width=24, size=SMALL_PT, color=MUTED, ha="right", va="baseline")
                label.items.append(_Placed(tick, LABEL_W - 2 * PAD_X, _emotion_y(value) - PAD_Y + _baseline(SMALL_PT)))
            height = EMOTION_H
        else:
            height = max(ROW_MIN, label.height + 2 * PAD_Y, *(c.height + 2 * PAD_Y for c in cells.values()))
        rows.append(_Row(key, lane, label, cells, height))
    return rows


def _placement(panel: _Panel, columns: _Columns, lane: str) -> dict[str, tuple[float, float]]:
    out = {}
    for stage in columns.stages:
        for node, slot in zip(panel.order.get((lane, stage), []), columns.slots[stage]):
            out[node] = slot
    return out


# -- drawing ----------------------------------------------------------------------------------------


def _draw(p: _Painter, panels: list[_Panel], *, diff: bool) -> None:
    columns = _columns(p, panels)
    width = columns.right + MARGIN
    y = MARGIN
    present: set[str] = set()
    for index, panel in enumerate(panels):
        if index:
            p.line([MARGIN, width - MARGIN], [y + 24, y + 24], color=STAGE_LINE, lw=1.2, z=1)
            y += 48
        y = _draw_title(p, panel, width, y)
        y, keys = _draw_grid(p, panel, columns, y)
        present |= keys
    y = _draw_legend(p, present, diff, width, y + 22)
    p.finish(width, y + MARGIN)


def _draw_title(p: _Painter, panel: _Panel, width: float, top: float) -> float:
    inner = width - 2 * MARGIN
    cell = _Cell()
    if panel.caption is not None:
        cell.add(p.label(panel.caption, width=inner, size=SUBTITLE_PT, weight="bold", color=MUTED))
    cell.add(p.label(panel.title, width=inner, size=TITLE_PT, weight="bold", gid=f"{panel.prefix}title"), gap=4)
    if panel.persona:
        cell.add(p.label(f"Chân dung khách hàng: {panel.persona}", width=inner, size=SUBTITLE_PT, color=MUTED),
                 gap=5)
    if panel.subtitle:
        cell.add(p.label(panel.subtitle, width=inner, size=SUBTITLE_PT, color=INK), gap=5)
    _draw_cell(p, cell, MARGIN, top, inner, cell.height, pad=(0.0, 0.0))
    return top + cell.height + 16


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


def _draw_grid(p: _Painter, panel: _Panel, columns: _Columns, top: float) -> tuple[float, set[str]]:
    """Stage headers, frontstage rows, the line of visibility and backstage rows; returns the bottom."""
    header_h = _draw_headers(p, panel, columns, top)
    y = top + header_h
    grid_top = y
    keys: set[str] = set()
    for lane in ("frontstage", "backstage"):
        rows = _rows(p, panel, columns, lane)
        if not rows:
            continue
        if lane == "backstage":
            _draw_visibility(p, panel, columns, y)
            y += VISIBILITY_H
        lane_top = y
        placed = _placement(panel, columns, lane)
        for row in rows:
            _draw_row(p, panel, columns, row, placed, y)
            y += row.height
            keys.add(row.key)
        _draw_changes(p, panel, placed, lane_top, y)
        if lane == "backstage":
            keys.add("lane-backstage")
    _draw_stage_backgrounds(p, columns, grid_top, y)
    return y, keys


def _draw_headers(p: _Painter, panel: _Panel, columns: _Columns, top: float) -> float:
    labels = {}
    for i, stage in enumerate(columns.stages):
        left, right = columns.span(stage)
        absent = stage not in panel.journey.stages
        labels[stage] = p.label(
            f"{i + 1}. {stage}", width=right - left - 2 * PAD_X, size=STAGE_PT, weight="bold",
            color=MUTED if absent else "white", ha="center", gid=f"{panel.prefix}stage-{i}",
        )
    height = max(34.0, *(label.height + 2 * PAD_Y + 4 for label in labels.values()))
    label = p.label("Giai đoạn", width=LABEL_W - 2 * PAD_X, size=LABEL_PT, weight="bold", color=MUTED,
                    gid=f"{panel.prefix}row-stage")
    p.place(label, MARGIN + PAD_X, top + (height - label.height) / 2, p.clip(MARGIN, top, LABEL_W, height))
    for stage, text in labels.items():
        left, right = columns.span(stage)
        absent = stage not in panel.journey.stages
        p.rect(left + 2, top + 2, right - left - 4, height - 4, face=ABSENT_HEADER_FILL if absent else HEADER_FILL,
               rounding=4, z=2)
        p.place(text, (left + right) / 2, top + (height - text.height) / 2, p.clip(left, top, right - left, height))
    return height


def _draw_row(
    p: _Painter, panel: _Panel, columns: _Columns, row: _Row, placed: dict[str, tuple[float, float]], top: float
) -> None:
    p.rect(MARGIN, top, LABEL_W, row.height, face=LABEL_FILL, z=0.5)
    _draw_cell(p, row.label, MARGIN, top, LABEL_W, row.height)
    p.line([MARGIN, columns.right], [top + row.height] * 2, color=GRID, lw=0.8, z=1)
    for node, cell in row.cells.items():
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
            if status is not None and status.kind == "removed":
                continue
            emotion = panel.nodes[node].get("emotion")
            left, width = placed[node]
            if emotion is None:
                run = []
                runs.append(run)
                continue
            point = (left + width / 2, top + _emotion_y(emotion))
            run.append(point)
            p.marker(*point, face=EMOTION_FILL[max(-2, min(2, round(emotion)))])
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


def _draw_stage_backgrounds(p: _Painter, columns: _Columns, top: float, bottom: float) -> None:
    for i, stage in enumerate(columns.stages):
        left, right = columns.span(stage)
        p.rect(left, top, right - left, bottom - top, face=STAGE_FILL[i % 2], z=0.2)
        p.line([left, left], [top, bottom], color=STAGE_LINE, lw=1.0, z=1.2)
        for slot_left, _ in columns.slots[stage][1:]:
            p.line([slot_left, slot_left], [top, bottom], color=GRID, lw=0.6, z=1)
    p.line([columns.right, columns.right], [top, bottom], color=STAGE_LINE, lw=1.0, z=1.2)


# -- legend -----------------------------------------------------------------------------------------


def _draw_legend(p: _Painter, present: set[str], diff: bool, width: float, top: float) -> float:
    groups: list[tuple[str, list[tuple[str, str, str]]]] = []  # title, [(kind, colour, text)]
    if "emotion" in present:
        emotions = [("circle", EMOTION_FILL[k], f"{_signed(k)} {EMOTION_NAME[k]}") for k in range(-2, 3)]
        groups.append(("Cảm xúc", emotions))
    if "ces" in present:
        groups.append(("CES", [("square", CES_FILL[k], f"{k} {CES_NAME[k]}") for k in range(1, 8)]))
    if "experience" in present:
        groups.append(("Loại trải nghiệm", [("chip", CHIP_FILL[t], f"{t.label_vi} ({t.label_en.lower()})")
                                            for t in ExperienceType]))
    symbols = [("goal", GOAL_EDGE, "viền xanh, ★ = mục tiêu")]
    if "drop_off" in present:
        symbols.insert(0, ("bar", EXIT_COLOR, "thanh đỏ = tỷ lệ khách rời bỏ tại điểm chạm"))
    if "feedback" in present:
        symbols.append(("bar", NEGATIVE_FILL, "thanh hồng = tỷ lệ bình luận tiêu cực; (n) = số bình luận"))
    if "lane-backstage" in present:
        symbols.append(("dashed", "#607d8b", "viền nét đứt = hậu trường"))
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
    elif kind == "dashed":
        p.rect(x, y - 7, width, 14, face=BACKSTAGE_CARD, edge=color, lw=1.0, rounding=3, dashed=True, z=3)
    else:
        p.rect(x + 1, y - 6, 12, 12, face="white", edge=color, lw=2.2, rounding=3, z=3)

