"""The workshop report: one self-contained HTML file a consultant can e-mail to a client.

:func:`build_report` puts the journey and whatever data came with it into one page:

- always: the title, persona and description; the journey-map canvas
  (:func:`journeymap.draw.canvas.canvas_svg`); the flow diagram (:func:`journeymap.draw.render.journey_to_svg`);
  conversion and drop-off from the designed probabilities (:func:`journeymap.markov.conversion`,
  :func:`journeymap.markov.removal_effects`; left out, with a note in the footer, when the journey
  has no goal); the pain ranking (:func:`journeymap.pain.pain_ranking`), from drop-off and CES, and
  from the comments when they are given;
- ``feedback``: the comments per touchpoint — negative share, cause chart and quotes as written;
- ``survey`` and ``tickets``: NPS, CSAT and CES with their intervals, and time to resolution;
- ``events``: the journey as lived, compared with the design.

An input that is not given leaves its section out entirely. Measured survey and ticket metrics are
written onto a copy of the journey (:func:`journeymap.metrics.set_metrics`), so the canvas and the
pain ranking show what was measured; the journey passed in is not changed.

The file loads nothing: CSS is inline, the pictures are inline SVG, there is no JavaScript, no
web font and no link that fetches anything, so it opens offline and in a mail client's preview.
All text from the journey and the data is escaped by Jinja2's autoescaping; the SVG of the canvas
and of the diagram is trusted markup, because their renderers escape the text they draw. Numbers
are written the Vietnamese way: ``12.500``, ``10,7%``, ``−12,6``. Printing (or "Save as PDF") gives
A4 landscape pages without cut tables or pictures.
"""

from __future__ import annotations

import copy
import datetime as _dt
import math
import os
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from nlp.errors import refuse_overwrite, require_file

from .. import fmt
from ..errors import DataError
from ..journey import Journey

if TYPE_CHECKING:
    import pandas as pd

    from nlp.tables import Table

    from ..compare import JourneyComparison
    from ..markov import Conversion

__all__ = ["SECTIONS", "build_report", "report_sections", "write_report"]

TableInput = Union["Table", "pd.DataFrame", str, "PathLike[str]"]
"""What a table input of the report may be: a loaded :class:`nlp.Table`, a DataFrame or a path."""

SECTIONS: dict[str, str] = {
    "canvas": "Bản đồ hành trình",
    "flow": "Sơ đồ luồng khách hàng",
    "conversion": "Chuyển đổi và rời bỏ",
    "metrics": "Chỉ số trải nghiệm",
    "feedback": "Khách hàng nói gì",
    "pain": "Xếp hạng điểm đau",
    "lived": "Thiết kế và thực tế",
}
"""Section ids of the report (the HTML ``id`` of each ``<section>``) and their Vietnamese headings."""

REPORT_SUFFIXES = (".html", ".htm")
# Colours shared with the canvas and the Graphviz diagram (journeymap.draw.dot), so all pictures agree.
_NEGATIVE, _NEUTRAL, _POSITIVE = "#f08a80", "#fbeaa8", "#8fd08c"
_BAR = "#e8796d"
# SVG charts: 12 px text; a character of the sans-serif fallbacks is at most ~7 px wide on average.
_CHAR_PX = 7.0
_LINE_PX = 15.0
_VARIANTS = 10
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


# -- inputs ------------------------------------------------------------------------------------------


@dataclass
class _Input:
    """One data input: where it came from (for the footer), its columns, and the table read once."""

    label: str
    origin: str
    columns: list[str]
    table: Table | None = None


def _as_path(data: Any, parameter: str) -> Path | None:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return None
    if isinstance(data, (str, PathLike)):
        return require_file(data, parameter)
    raise TypeError(f"{parameter} must be a pandas DataFrame or the path of a file; got {type(data).__name__}")


def _describe_table(data: Any, parameter: str, label: str) -> _Input:
    """A small table input (comments, survey, tickets), read once: every section gets this table."""
    from nlp.tables import load_table

    table = load_table(data, parameter)
    origin = "DataFrame" if table.path is None else table.path.name
    return _Input(label, f"{origin}, {fmt.number(len(table.frame))} dòng", [str(c) for c in table.frame.columns], table)


def _describe_events(events: Any) -> _Input:
    """Columns of an event log without loading it (it may hold millions of rows)."""
    path = _as_path(events, "events")
    if path is None:
        return _Input("Nhật ký sự kiện", f"DataFrame, {fmt.number(len(events))} dòng", [str(c) for c in events.columns])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        from ..discover import _csv_header

        columns, _ = _csv_header(path)
    elif suffix == ".parquet":
        import duckdb

        with duckdb.connect() as con:
            columns = [d[0] for d in con.execute("SELECT * FROM read_parquet(?) LIMIT 0", [str(path)]).description]
    else:
        raise DataError(f"events: {path} must be a .csv or .parquet file; got the suffix {path.suffix!r}")
    return _Input("Nhật ký sự kiện", path.name, columns)


def _load_journey(journey: Journey | str | PathLike[str]) -> tuple[Journey, str]:
    if isinstance(journey, Journey):
        return journey, "đối tượng Journey"
    if isinstance(journey, (str, PathLike)):
        from ..convert import read_any

        path = require_file(journey, "journey")
        return read_any(path), path.name
    raise TypeError(f"journey must be a journeymap.Journey or the path of a journey file; got {type(journey).__name__}")


def _names(journey: Journey) -> dict[str, str]:
    return {node: attrs["name"] for node, attrs in journey.graph.nodes(data=True)}


# -- sections -----------------------------------------------------------------------------------------


def _conversion_section(journey: Journey, notes: list[str]) -> dict[str, Any] | None:
    from ..markov import conversion, removal_effects

    if not any(attrs.get("goal") for _, attrs in journey.graph.nodes(data=True)):
        notes.append("Không tính chuyển đổi: hành trình chưa có điểm chạm đích (goal: true).")
        return None
    try:
        result = conversion(journey)
    except DataError as error:
        notes.append(f"Không tính chuyển đổi: {error}")
        return None
    try:
        effects = removal_effects(journey).set_index("touchpoint")["removal_effect"].to_dict()
    except DataError:
        effects = {}  # nobody converts: there is nothing to attribute
    names = _names(journey)
    graph = journey.graph
    rows = []
    for node in result.visits:
        attrs = graph.nodes[node]
        rows.append([
            names[node] + (" (đích)" if node in result.by_goal else ""),
            attrs["stage"],
            fmt.percent(result.reach[node]),
            fmt.percent(result.drop_by_touchpoint[node]),
            fmt.percent(attrs.get("drop_off")),
            fmt.percent(effects.get(node)) if node not in result.by_goal else fmt.DASH,
        ])
    lost = sorted(((names[n], share) for n, share in result.drop_by_touchpoint.items() if share > 0.0005),
                  key=lambda item: -item[1])
    chart = _bar_chart([(name, share, fmt.percent(share)) for name, share in lost[:10]],
                       title="Tỷ lệ khách hàng rời bỏ tại mỗi điểm chạm") if lost else None
    goals = ", ".join(f"{names[g]} {fmt.percent(p)}" for g, p in result.by_goal.items())
    return {
        "probability": fmt.percent(result.probability),
        "goals": goals,
        "steps": fmt.number(result.expected_steps, 1),
        "steps_to_convert": None if result.expected_steps_to_convert is None
        else fmt.number(result.expected_steps_to_convert, 1),
        "hours_to_convert": None if result.expected_hours_to_convert is None
        else fmt.hours(result.expected_hours_to_convert),
        "chart": chart,
        "rows": rows,
        "unreached": sum(1 for node, reach in result.reach.items() if reach < 1e-12 and node not in result.by_goal),
        "result": result,
    }


@dataclass(frozen=True)
class _Metric:
    column: str
    title: str
    digits: int
    suffix: str = ""

    @property
    def is_ttr(self) -> bool:
        return self.column.startswith("ttr")


_SCORES = (_Metric("nps", "NPS", 1), _Metric("csat", "CSAT", 1, "%"), _Metric("ces", "CES", 2))
_TTR = _Metric("ttr_hours", "Thời gian giải quyết (giờ)", 1)
_SCALES = {"nps": "−100 … 100", "csat": "% hài lòng (4–5 trên 5)", "ces": "1 rất khó … 7 rất dễ"}


def _survey_tables(
    data: Any, journey: Journey, described: _Input, touchpoint_column: str
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    from ..metrics import survey_metrics

    by_touchpoint = None
    if touchpoint_column in described.columns:
        by_touchpoint = survey_metrics(data, by=touchpoint_column, journey=journey, touchpoint_column=touchpoint_column)
    return by_touchpoint, survey_metrics(data)


def _metrics_section(
    sources: list[tuple[pd.DataFrame | None, pd.DataFrame]], journey: Journey, touchpoint_column: str
) -> dict[str, Any]:
    """Survey scores and time to resolution; a metric comes from the first source that measured it."""
    chosen: list[tuple[_Metric, pd.DataFrame | None, pd.DataFrame]] = []
    for metric in (*_SCORES, _TTR):
        source = next(((by, overall) for by, overall in sources if metric.column in overall.columns), None)
        if source is not None:
            chosen.append((metric, *source))
    scores = [item for item in chosen if not item[0].is_ttr]
    ttr = [item for item in chosen if item[0].is_ttr]
    tables = [table for table in (
        _metric_table(scores, journey, touchpoint_column, caption="Điểm khảo sát theo điểm chạm được đánh giá"),
        _metric_table(ttr, journey, touchpoint_column, caption="Thời gian giải quyết phiếu hỗ trợ"),
    ) if table is not None]

    nps_chart = None
    names = _names(journey)
    for metric, by_touchpoint, _ in scores:
        answered = [] if by_touchpoint is None else by_touchpoint[by_touchpoint["nps_n"] > 0].to_dict(orient="records")
        if metric.column == "nps" and answered:
            nps_chart = _interval_chart(
                [(names.get(str(r[touchpoint_column]), str(r[touchpoint_column])), r["nps"], r["nps_low"],
                  r["nps_high"], fmt.number(r["nps"], 1)) for r in answered],
                title="NPS theo điểm chạm với khoảng tin cậy 95%", low=-100, high=100, step=50,
            )
    kpis = []
    for metric, _, overall in chosen:
        record = overall.iloc[0].to_dict()
        value = record.get(metric.column)
        if fmt.is_missing(value):
            continue
        if metric.is_ttr:
            kpis.append(("Thời gian giải quyết", fmt.hours(value),
                         f"{fmt.number(record['resolved'])} phiếu đã giải quyết, {fmt.number(record['unresolved'])} chưa"))
        else:
            kpis.append((metric.title, fmt.number(value, metric.digits) + metric.suffix,
                         f"{_SCALES[metric.column]}; n = {fmt.number(record[f'{metric.column}_n'])}"))
    return {"tables": tables, "nps_chart": nps_chart, "kpis": kpis}


def _count(record: Mapping[Any, Any], metric: _Metric) -> float:
    if metric.is_ttr:
        return float(record.get("resolved") or 0) + float(record.get("unresolved") or 0)
    return float(record.get(f"{metric.column}_n") or 0)


def _metric_cells(record: Mapping[Any, Any] | None, metric: _Metric) -> list[str]:
    if record is None or not _count(record, metric):
        return [fmt.DASH, fmt.DASH, fmt.DASH]
    value = record[metric.column]
    shown = fmt.number(value, metric.digits) + ("" if fmt.is_missing(value) else metric.suffix)
    interval = fmt.interval(record[f"{metric.column}_low"], record[f"{metric.column}_high"], metric.digits, metric.suffix)
    if metric.is_ttr:
        return [shown, interval, f"{fmt.number(record['resolved'])} / {fmt.number(record['unresolved'])}"]
    return [shown, interval, fmt.number(record[f"{metric.column}_n"])]


def _metric_table(
    chosen: list[tuple[_Metric, pd.DataFrame | None, pd.DataFrame]],
    journey: Journey,
    touchpoint_column: str,
    *,
    caption: str,
) -> dict[str, Any] | None:
    """Rows of the touchpoints with answers (journey order, then others), and the whole journey."""
    if not chosen:
        return None
    records: dict[str, dict[_Metric, Mapping[Any, Any]]] = {}
    for metric, by_touchpoint, _ in chosen:
        if by_touchpoint is None:
            continue
        for record in by_touchpoint.to_dict(orient="records"):
            if _count(record, metric):
                records.setdefault(str(record[touchpoint_column]), {})[metric] = record
    position = {node: i for i, node in enumerate(journey.graph)}
    names = _names(journey)
    rows = []
    for node in sorted(records, key=lambda v: (position.get(v, len(position)), v)):
        row = [names.get(node, node)]
        for metric, _, _ in chosen:
            row.extend(_metric_cells(records[node].get(metric), metric))
        rows.append(row)
    total = ["Toàn hành trình"]
    for metric, _, overall in chosen:
        total.extend(_metric_cells(overall.iloc[0].to_dict(), metric))
    headers = [(m.title, "đã / chưa giải quyết" if m.is_ttr else "n") for m, _, _ in chosen]
    return {"caption": caption, "headers": headers, "rows": rows, "total": total}


def _feedback_section(
    journey: Journey, feedback: Any, described: _Input, *, text_column: str, touchpoint_column: str
) -> tuple[dict[str, Any], pd.DataFrame]:
    from nlp.labels import CAUSES

    from ..feedback import UNMATCHED, attach_feedback, summarize_feedback

    attached = attach_feedback(journey, feedback, text_column=text_column,
                               touchpoint_column=touchpoint_column if touchpoint_column in described.columns else None)
    summary = summarize_feedback(journey, attached, text_column=text_column)
    cause_names = {c.id: c.vi for c in CAUSES}
    usable = attached[attached["text_status"] == "ok"]
    touchpoints = summary.drop(index=UNMATCHED)
    # One scale for every card, so a longer bar means more comments anywhere on the page.
    most = max((k for causes in touchpoints["top_causes"] for _, k in causes), default=1)
    cards = []
    for node, row in touchpoints.iterrows():
        if not row["comments"]:
            continue
        chart = None
        if row["top_causes"]:
            chart = _bar_chart([(cause_names.get(c, c), float(k), fmt.number(k)) for c, k in row["top_causes"]],
                               title=f"Nguyên nhân được nhắc đến: {row['name']}", label_width=270, plot_width=150,
                               maximum=float(most))
        cards.append({
            "id": node,
            "name": row["name"],
            "stage": row["stage"],
            "comments": fmt.number(row["comments"]),
            "negative": fmt.percent(row["negative_share"], 0),
            "sentiment": _sentiment_bar(row["negative_share"], row["neutral_share"], row["positive_share"]),
            "chart": chart,
            "quotes": list(row["quotes"]),
        })
    negative = (usable["sentiment"] == "negative").mean() if len(usable) else math.nan
    return {
        "total": fmt.number(len(attached)),
        "with_text": fmt.number(len(usable)),
        "negative": fmt.percent(negative),
        "unmatched": fmt.number(summary.loc[UNMATCHED, "comments"]),
        "cards": cards,
    }, summary


def _pain_section(journey: Journey, summary: pd.DataFrame | None) -> dict[str, Any] | None:
    from ..pain import pain_ranking

    ranking = pain_ranking(journey, summary)
    if ranking["score"].isna().all():
        return None
    top = ranking["score"].max()
    rows = []
    for r in ranking.to_dict(orient="records"):
        scored = not fmt.is_missing(r["score"])
        rows.append({
            "rank": r["rank"],
            "name": r["name"],
            "stage": r["stage"],
            "score": fmt.number(r["score"], 2) if scored else fmt.DASH,
            "bar": (r["score"] / top * 100) if scored and top > 0 else 0.0,
            "why": r["why"],
        })
    return {"rows": rows, "uses_feedback": summary is not None}


def _lived_section(
    journey: Journey,
    events: Any,
    described: _Input,
    designed_conversion: Conversion | None,
    *,
    case_column: str,
    touchpoint_column: str,
    timestamp_column: str,
) -> dict[str, Any]:
    from ..compare import compare_journeys
    from ..discover import discover_with_variants
    from ..draw.render import journey_to_svg
    from ..markov import conversion
    from ..text import fold_diacritics

    # One reading of the log (it may hold millions of events) for both the journey and its paths.
    lived, variants = discover_with_variants(
        events, top=_VARIANTS, case_column=case_column, touchpoint_column=touchpoint_column,
        timestamp_column=timestamp_column, reference=journey, stage_column="stage" if "stage" in described.columns else None,
    )
    comparison: JourneyComparison = compare_journeys(journey, lived)
    try:
        lived_conversion = conversion(lived)
    except DataError:
        lived_conversion = None  # the log reaches none of the design's goals

    # path_variants gives the values as written in the log; show the journey's names where they match.
    by_value = {node: attrs["name"] for node, attrs in lived.graph.nodes(data=True)}
    by_value.update({fold_diacritics(attrs["name"]): attrs["name"] for _, attrs in lived.graph.nodes(data=True)})

    def shown(value: str) -> str:
        return by_value.get(value, by_value.get(fold_diacritics(value), value))

    names = _names(journey)
    reach_rows = []
    if designed_conversion is not None and lived_conversion is not None:
        for designed_id, lived_id in zip(comparison.matched["designed_id"], comparison.matched["lived_id"]):
            before = designed_conversion.reach.get(designed_id)
            after = lived_conversion.reach.get(lived_id)
            if before is None or after is None or max(before, after) < 0.0005:
                continue
            reach_rows.append([names[designed_id], fmt.percent(before), fmt.percent(after), fmt.points(after - before)])

    def transitions(frame: pd.DataFrame, *, with_share: bool) -> list[list[str]]:
        out = []
        for r in frame.to_dict(orient="records"):
            row = [f"{r['from_name']} → {r['to_name']}"]
            if with_share:
                row += [fmt.number(r["volume"]), fmt.percent(r["share"])]
            else:
                row += [fmt.number(r["designed_volume"])]
            out.append(row)
        return out

    return {
        "description": lived.description,
        "designed": None if designed_conversion is None else fmt.percent(designed_conversion.probability),
        "lived": None if lived_conversion is None else fmt.percent(lived_conversion.probability),
        "counts": {
            "matched": len(comparison.matched),
            "only_designed": len(comparison.only_designed),
            "only_lived": len(comparison.only_lived),
            "common": len(comparison.common),
            "not_observed": len(comparison.designed_not_observed),
            "not_designed": len(comparison.observed_not_designed),
        },
        "svg": _embed_svg(journey_to_svg(comparison.to_journey()), "lived-", readable=_GRAPHVIZ_READABLE),
        "not_designed": transitions(comparison.observed_not_designed, with_share=True),
        "not_observed": transitions(comparison.designed_not_observed, with_share=False),
        "only_designed": [[r["name"], r["stage"]] for r in comparison.only_designed.to_dict(orient="records")],
        "only_lived": [[r["name"], r["stage"], fmt.number(r["volume"])]
                       for r in comparison.only_lived.to_dict(orient="records")],
        "reach": reach_rows,
        "variants": [[str(i), " → ".join(shown(v) for v in r["touchpoints"]), fmt.number(r["cases"]), fmt.percent(r["share"])]
                     for i, r in enumerate(variants.to_dict(orient="records"), start=1)],
    }


def _annotated(journey: Journey, tables: Iterable[pd.DataFrame | None], touchpoint_column: str) -> Journey:
    """A copy of the journey carrying the measured metrics of its own touchpoints."""
    from ..metrics import set_metrics

    annotated = copy.deepcopy(journey)
    for table in tables:
        if table is None:
            continue
        own = table[table[touchpoint_column].astype(str).isin(list(journey.graph))]
        if len(own):
            set_metrics(annotated, own.reset_index(drop=True), touchpoint_column=touchpoint_column)
    return annotated


def _template() -> Any:
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("journeymap.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    filters: dict[str, Callable[..., str]] = {"number": fmt.number, "percent": fmt.percent}
    environment.filters.update(filters)
    return environment.get_template("report.html.j2")


def _report_date() -> _dt.date:
    """The date a report is stamped with: today, or the day of ``SOURCE_DATE_EPOCH`` when it is set.

    ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) is the reproducible-builds convention, which
    Matplotlib follows for the canvas's PDF too: with it set, building the same inputs twice gives
    the same bytes.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None:
        return _dt.date.today()
    try:
        return _dt.datetime.fromtimestamp(int(epoch), tz=_dt.timezone.utc).date()
    except (ValueError, OverflowError, OSError):
        raise ValueError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970-01-01 UTC; got {epoch!r}"
        ) from None


def build_report(
    journey: Journey | str | PathLike[str],
    *,
    feedback: TableInput | None = None,
    survey: TableInput | None = None,
    events: TableInput | None = None,
    tickets: TableInput | None = None,
    title: str | None = None,
    text_column: str = "text",
    touchpoint_column: str = "touchpoint",
    case_column: str = "case_id",
    timestamp_column: str = "timestamp",
) -> str:
    """The journey and its data as one self-contained HTML page (Vietnamese), ready to e-mail.

    Sections (their HTML ids are the keys of :data:`SECTIONS`): the canvas and the flow diagram,
    always; ``conversion`` when the journey has a goal; ``pain`` when at least one touchpoint can be
    scored; ``feedback`` with ``feedback``; ``metrics`` with ``survey`` or ``tickets``; ``lived``
    with ``events``. A missing input leaves its section out; the footer says how the report was
    made (toolkit version, date, the inputs' file names — never their folders). The date is today's,
    or the day of ``SOURCE_DATE_EPOCH`` when that is set: then the same inputs give the same page.

    Parameters
    ----------
    journey : Journey or path
        The designed journey, or its file (.yaml, .json, .graphml, .node-link.json).
    feedback : pandas.DataFrame or path, optional
        Customer comments, classified or not (:func:`journeymap.feedback.attach_feedback` classifies
        them with the shipped model when ``sentiment``/``causes`` are missing). A
        ``touchpoint_column`` in the table names each comment's touchpoint; empty cells, and every
        comment when there is no such column, are matched by the touchpoints' names and aliases.
    survey : pandas.DataFrame or path, optional
        Survey answers (``nps``, ``csat``, ``ces``; per touchpoint when the table has a
        ``touchpoint_column``), read by :func:`journeymap.metrics.survey_metrics`; ``opened_at`` and
        ``resolved_at`` columns add time to resolution.
    events : pandas.DataFrame or path, optional
        An event log (.csv or .parquet) for :func:`journeymap.discover.discover_journey`, with the
        journey as reference and its ``stage`` column when it has one.
    tickets : pandas.DataFrame or path, optional
        Support tickets (``opened_at``, ``resolved_at``) for time to resolution; a metric present in
        both ``survey`` and ``tickets`` is taken from ``survey``.
    title : str, optional
        The report's title; the journey's title by default.
    text_column : str
        The comments' text column.
    touchpoint_column : str
        The column naming the touchpoint in the comments, the survey, the tickets and the event log.
    case_column, timestamp_column : str
        The event log's case and time columns.

    Returns
    -------
    str
        The HTML text (UTF-8 when written; see :func:`write_report`).

    Raises
    ------
    DataError
        Bad data in an input (the message names the file or table, the rows and the columns).
    InputNotFoundError
        An input path that does not exist (a ``FileNotFoundError`` and a ``DataError``).
    TypeError
        An input that is neither a DataFrame nor a path.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở thẻ tín dụng", stages=["Đăng ký", "Kích hoạt"], persona="Nhân viên văn phòng")
    >>> j.add_touchpoint("form", name="Điền đơn <online>", stage="Đăng ký", ces=3, drop_off=0.4)
    >>> j.add_touchpoint("kich_hoat", name="Kích hoạt thẻ", stage="Kích hoạt", goal=True)
    >>> j.add_transition("form", "kich_hoat")
    >>> html = build_report(j)
    >>> html.startswith("<!DOCTYPE html>") and '<html lang="vi">' in html
    True
    >>> [s for s in SECTIONS if f'<section id="{s}"' in html]
    ['canvas', 'flow', 'conversion', 'pain']
    >>> "Điền đơn &lt;online&gt;" in html
    True
    """
    from markupsafe import Markup

    from .. import __version__
    from ..draw.canvas import canvas_svg
    from ..draw.render import journey_to_svg

    journey, journey_origin = _load_journey(journey)
    inputs = [_Input("Hành trình", journey_origin, [])]
    notes: list[str] = []

    summary = None
    feedback_section = None
    if feedback is not None:
        described = _describe_table(feedback, "feedback", "Bình luận của khách hàng")
        inputs.append(described)
        feedback_section, summary = _feedback_section(journey, described.table, described, text_column=text_column,
                                                      touchpoint_column=touchpoint_column)

    metric_sources: list[tuple[pd.DataFrame | None, pd.DataFrame]] = []
    for data, parameter, label in ((survey, "survey", "Khảo sát"), (tickets, "tickets", "Phiếu hỗ trợ")):
        if data is not None:
            described = _describe_table(data, parameter, label)
            inputs.append(described)
            metric_sources.append(_survey_tables(described.table, journey, described, touchpoint_column))
    annotated = _annotated(journey, (by for by, _ in metric_sources), touchpoint_column)
    metrics_section = _metrics_section(metric_sources, journey, touchpoint_column) if metric_sources else None

    conversion_section = _conversion_section(journey, notes)
    lived_section = None
    if events is not None:
        described = _describe_events(events)
        inputs.append(described)
        lived_section = _lived_section(
            journey, events, described, None if conversion_section is None else conversion_section["result"],
            case_column=case_column, touchpoint_column=touchpoint_column, timestamp_column=timestamp_column,
        )
        lived_section["svg"] = Markup(lived_section["svg"])

    context: dict[str, Any] = {
        "title": title or journey.title,
        "journey": {
            "title": journey.title,
            "persona": journey.persona,
            "description": journey.description,
            "stages": journey.stages,
            "touchpoints": journey.graph.number_of_nodes(),
            "transitions": journey.graph.number_of_edges(),
        },
        "canvas": Markup(_embed_svg(canvas_svg(annotated, feedback=summary), "canvas-", readable=_CANVAS_READABLE)),
        "flow": Markup(_embed_svg(journey_to_svg(annotated), "flow-", readable=_GRAPHVIZ_READABLE)),
        "conversion": conversion_section,
        "metrics": metrics_section,
        "feedback": feedback_section,
        "pain": _pain_section(annotated, summary),
        "lived": lived_section,
        "inputs": inputs,
        "notes": notes,
        "version": __version__,
        "today": _report_date().strftime("%d/%m/%Y"),
        "sections": SECTIONS,
    }
    present = [key for key in SECTIONS if key in ("canvas", "flow") or context[key] is not None]
    context["present"] = present
    return _template().render(**context)


def report_sections(html: str) -> list[tuple[str, str]]:
    """The ``(key, heading)`` of each :data:`SECTIONS` entry a built report contains, in order.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt bàn"])
    >>> j.add_touchpoint("zalo", name="Nhắn Zalo đặt bàn", stage="Đặt bàn")
    >>> [key for key, _ in report_sections(build_report(j))]
    ['canvas', 'flow']
    """
    return [(key, heading) for key, heading in SECTIONS.items() if f'<section id="{key}"' in html]


def write_report(
    journey: Journey | str | PathLike[str],
    path: str | PathLike[str],
    *,
    feedback: TableInput | None = None,
    survey: TableInput | None = None,
    events: TableInput | None = None,
    tickets: TableInput | None = None,
    title: str | None = None,
    text_column: str = "text",
    touchpoint_column: str = "touchpoint",
    case_column: str = "case_id",
    timestamp_column: str = "timestamp",
) -> Path:
    """Write :func:`build_report` to ``path`` (UTF-8) and return it.

    Parameters
    ----------
    journey, feedback, survey, events, tickets, title, text_column, touchpoint_column, case_column, timestamp_column
        As for :func:`build_report`.
    path : path
        The file to write; its name must end in ``.html`` or ``.htm``, and it must not be one of
        the inputs.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        A suffix other than ``.html``/``.htm``, or ``path`` naming one of the input files.

    Examples
    --------
    >>> import tempfile
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt bàn"])
    >>> j.add_touchpoint("zalo", name="Nhắn Zalo đặt bàn", stage="Đặt bàn")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = write_report(j, Path(folder) / "bao_cao.html")
    ...     "Nhắn Zalo đặt bàn" in out.read_text(encoding="utf-8")
    True
    """
    out = Path(path)
    if out.suffix.lower() not in REPORT_SUFFIXES:
        raise ValueError(f"path must end in {' or '.join(REPORT_SUFFIXES)}; got {out.name!r}")
    refuse_overwrite(out, journey, feedback, survey, events, tickets)
    html = build_report(journey, feedback=feedback, survey=survey, events=events, tickets=tickets, title=title,
                        text_column=text_column, touchpoint_column=touchpoint_column, case_column=case_column,
                        timestamp_column=timestamp_column)
    out.write_text(html, encoding="utf-8")
    return out
