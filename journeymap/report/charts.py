"""The report's inline pictures: bar and interval charts as SVG, sentiment bars, embedded diagrams."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from .. import fmt

# Colours shared with the canvas and the Graphviz diagram (journeymap.draw.dot), so all pictures agree.
_NEGATIVE, _NEUTRAL, _POSITIVE = "#f08a80", "#fbeaa8", "#8fd08c"
_BAR = "#e8796d"
# SVG charts: 12 px text; a character of the sans-serif fallbacks is at most ~7 px wide on average.
_CHAR_PX = 7.0
_LINE_PX = 15.0
# Shown on screen at no less than this share of their natural size: the canvas's text is 9–10 pt,
# Graphviz's 7–8 pt, so the diagrams need more of theirs to stay readable.
_CANVAS_READABLE = 0.6
_GRAPHVIZ_READABLE = 0.8


# -- inline pictures ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bar:
    lines: list[tuple[float, str]]  # (baseline y, text) of the wrapped label
    y: float
    width: float
    value: str
    value_x: float
    fill: str


@dataclass(frozen=True)
class _BarChart:
    """A horizontal bar chart; geometry in Python, text escaped by the template."""

    title: str
    width: float
    height: float
    label_width: float
    bar_height: float
    bars: list[_Bar]


def _wrap(text: str, width_px: float) -> list[str]:
    # Wrapped on spaces only: a word is never cut, a long one overflows into the left margin.
    return textwrap.wrap(str(text), max(8, int(width_px / _CHAR_PX)), break_long_words=False,
                         break_on_hyphens=False) or [""]


def _bar_chart(
    rows: Sequence[tuple[str, float, str]],
    *,
    title: str,
    label_width: float = 300,
    plot_width: float = 320,
    maximum: float | None = None,
    fill: str = _BAR,
) -> _BarChart:
    """Bars for ``(label, value, value text)`` rows, top to bottom in the given order."""
    bar_height, gap, value_room = 14.0, 9.0, 64.0
    top = max((value for _, value, _ in rows), default=0.0)
    scale = plot_width / (maximum or top or 1.0)
    bars, y = [], 4.0
    for label, value, text in rows:
        lines = _wrap(label, label_width - 12)
        row_height = max(bar_height, len(lines) * _LINE_PX)
        first = y + row_height / 2 - (len(lines) - 1) * _LINE_PX / 2 + 4
        width = max(0.0, value * scale)
        bars.append(_Bar(
            lines=[(first + i * _LINE_PX, line) for i, line in enumerate(lines)],
            y=y + (row_height - bar_height) / 2,
            width=width,
            value=text,
            value_x=label_width + width + 6,
            fill=fill,
        ))
        y += row_height + gap
    return _BarChart(title, label_width + plot_width + value_room, y, label_width, bar_height, bars)


@dataclass(frozen=True)
class _Interval:
    lines: list[tuple[float, str]]
    y: float
    x: float
    low: float
    high: float
    value: str


@dataclass(frozen=True)
class _IntervalChart:
    """Point estimates with their confidence intervals on one axis (NPS −100…100)."""

    title: str
    width: float
    height: float
    label_width: float
    plot_width: float
    ticks: list[tuple[float, str]]
    zero: float
    rows: list[_Interval]


def _interval_chart(
    rows: Sequence[tuple[str, float, float, float, str]],
    *,
    title: str,
    low: float,
    high: float,
    step: float,
    label_width: float = 300,
    plot_width: float = 420,
) -> _IntervalChart:
    def x(value: float) -> float:
        clipped = min(high, max(low, value))
        return label_width + (clipped - low) / (high - low) * plot_width

    items, y = [], 22.0
    for label, value, lo, hi, text in rows:
        lines = _wrap(label, label_width - 12)
        row_height = max(16.0, len(lines) * _LINE_PX)
        first = y + row_height / 2 - (len(lines) - 1) * _LINE_PX / 2 + 4
        centre = y + row_height / 2
        missing = fmt.is_missing(lo) or fmt.is_missing(hi)
        items.append(_Interval(
            lines=[(first + i * _LINE_PX, line) for i, line in enumerate(lines)],
            y=centre,
            x=x(value),
            low=x(value if missing else lo),
            high=x(value if missing else hi),
            value=text,
        ))
        y += row_height + 8
    count = round((high - low) / step)
    ticks = [(x(low + i * step), fmt.number(low + i * step)) for i in range(count + 1)]
    return _IntervalChart(title, label_width + plot_width + 70, y, label_width, plot_width, ticks,
                          x(0.0) if low <= 0 <= high else x(low), items)


@dataclass(frozen=True)
class _Segment:
    percent: float
    fill: str
    label: str


def _sentiment_bar(negative: float, neutral: float, positive: float) -> list[_Segment]:
    return [
        _Segment(round(share * 100, 2), fill, f"{fmt.percent(share, 0)} {name}")
        for share, fill, name in ((negative, _NEGATIVE, "tiêu cực"), (neutral, _NEUTRAL, "trung lập"),
                                  (positive, _POSITIVE, "tích cực"))
        if share > 0
    ]


# The prologue, comments and metadata (Matplotlib's names its web site) say nothing to a reader of the page.
_XML_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>|<!--.*?-->|<metadata>.*?</metadata>", re.DOTALL)
_SVG_ROOT = re.compile(r"<svg\b[^>]*>", re.DOTALL)
_TAG = re.compile(r"<[^<>]+>")
_STYLE = re.compile(r"<style\b[^>]*>.*?</style>", re.DOTALL)
_SIZE = re.compile(r'\s(width|height)="([\d.]+)(pt|px)?"')


def _embed_svg(svg: str, prefix: str, *, readable: float) -> str:
    """SVG text made fit to sit inside HTML next to other SVGs, scaled to the page width.

    The XML prologue, comments and metadata go; ids (and the ``url(#…)`` and ``href="#…"`` references to them) get
    ``prefix`` so two pictures never share an id; the fixed size becomes ``width: 100%`` capped at
    the natural width and, on screen, at least ``readable`` times it (the page scrolls sideways
    rather than shrink a wide map's text below reading size; print CSS lifts that minimum); the
    aspect ratio is kept by the ``viewBox``; a global ``*`` style rule is scoped to this picture.
    """
    def in_tag(match: re.Match[str]) -> str:
        tag = re.sub(r'(\s)id="([^"]+)"', rf'\1id="{prefix}\2"', match.group(0))
        tag = re.sub(r"url\(#([^)]+)\)", rf"url(#{prefix}\1)", tag)
        return re.sub(r'href="#([^"]+)"', rf'href="#{prefix}\1"', tag)

    def in_style(match: re.Match[str]) -> str:
        return match.group(0).replace("*{", f"#{prefix}root *{{")

    # Only tags and <style> elements are rewritten: text content (escaped, so never "<") stays as drawn.
    text = _XML_PROLOGUE.sub("", svg).strip()
    text = _TAG.sub(in_tag, text)
    text = _STYLE.sub(in_style, text)
    root = _SVG_ROOT.search(text)
    if root is None:
        raise ValueError(f"expected SVG text with an <svg> element; got {svg[:80]!r}")
    tag = root.group(0)
    sizes = {name: (float(value), unit or "px") for name, value, unit in _SIZE.findall(tag)}
    natural = sizes.get("width")
    style = "width:100%;height:auto"
    if natural:
        style += f";max-width:{natural[0]:g}{natural[1]};min-width:{natural[0] * readable:.0f}{natural[1]}"
    new_tag = _SIZE.sub("", tag)
    new_tag = new_tag[:-1].rstrip("/ ") + f' id="{prefix}root" style="{style}" preserveAspectRatio="xMinYMin meet">'
    return text[:root.start()] + new_tag + text[root.end():]
