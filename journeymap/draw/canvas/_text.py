"""Measuring, wrapping and placing text in points, with the font's own glyph advances."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ._style import CURVE_COLOR, FONT, INK, LINE_SPACING, WIDTH_SLACK, _FontStyle

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.transforms import Affine2D, Transform, TransformedBbox



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
        self.artists: list[Artist] = []  # everything this painter drew, for :meth:`fit`
        self.size = (0.0, 0.0)  # the drawing's width and height in points, set by :meth:`finish`

    def add(self, artist: Artist) -> None:
        self.artists.append(artist)
        self.figure.add_artist(artist)

    def finish(self, width: float, height: float) -> None:
        self.size = (width, height)
        self.figure.set_size_inches(width / 72, height / 72)
        self._flip.clear().scale(1 / 72, -1 / 72).translate(0, height / 72)

    def fit(self, scale: float, left: float, top: float, sheet_height: float) -> None:
        """Show the finished drawing ``scale`` times its size with its top-left corner at (``left``,
        ``top``) points of a sheet ``sheet_height`` points high (the caller sizes the figure).

        Positions and clip boxes follow the transform; text sizes, line widths and markers are
        multiplied here, so the drawing is the same picture at another size (text stays text).
        """
        from matplotlib.lines import Line2D
        from matplotlib.patches import Patch
        from matplotlib.text import Text

        self._flip.clear().scale(scale / 72, -scale / 72).translate(left / 72, (sheet_height - top) / 72)
        for artist in self.artists:
            if isinstance(artist, Text):
                artist.set_fontsize(float(artist.get_fontsize()) * scale)
            elif isinstance(artist, Line2D):
                artist.set_linewidth(artist.get_linewidth() * scale)
                artist.set_markersize(artist.get_markersize() * scale)
                artist.set_markeredgewidth(artist.get_markeredgewidth() * scale)
            elif isinstance(artist, Patch):
                artist.set_linewidth(artist.get_linewidth() * scale)

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
        self.add(label.artist)

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
        self.add(
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

        self.add(
            Line2D(xs, ys, color=color, linewidth=lw, linestyle=(0, (5, 4)) if dashed else "solid",
                   transform=self.transform, zorder=z, gid=gid, solid_capstyle="butt")
        )

    def marker(self, x: float, y: float, *, face: str, shape: str = "o", size: float = 12.0, z: float = 5.0) -> None:
        from matplotlib.lines import Line2D

        self.add(
            Line2D([x], [y], marker=shape, markersize=size, markerfacecolor=face, markeredgecolor=CURVE_COLOR,
                   markeredgewidth=1.2, linestyle="none", transform=self.transform, zorder=z)
        )

    def curve(self, points: list[tuple[float, float]], *, gid: str) -> None:
        from matplotlib.patches import PathPatch
        from matplotlib.path import Path as MplPath

        vertices = _monotone_bezier(points)
        self.add(
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
