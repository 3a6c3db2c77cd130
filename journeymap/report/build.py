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
A4 landscape pages without cut tables or pictures; the canvas, the flow diagram and the diagram of
design and log together ("Thiết kế và thực tế") print as page-sized parts with text of at least
6 pt (:func:`journeymap.draw.canvas.canvas_page_svgs`, :func:`journeymap.draw.render.journey_page_svgs`:
the flow drawn two touchpoint columns a row and cut between rows), in place of the wide pictures the
screen shows.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Callable
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from nlp.output import check_output, format_of, write_text

from .. import fmt
from .._formats import REPORT_FORMATS
from ..journey import Journey
from ..terms import source_name
from .charts import _CANVAS_READABLE, _GRAPHVIZ_READABLE, _embed_svg
from .inputs import _describe_table, _Input, _load_journey, describe_events
from .sections import (
    _annotated,
    _feedback_section,
    _lived_section,
    _metrics_section,
    _summary_section,
    _survey_tables,
    _what_if_section,
    conversion_section,
    pain_section,
)

if TYPE_CHECKING:
    import pandas as pd

    from nlp.tables import Table


__all__ = ["SECTIONS", "build_report", "report_findings", "report_sections", "write_report"]

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

REPORT_SUFFIXES = tuple(REPORT_FORMATS)

PRINT_MM = (273.0, 185.0)
"""The printed page's room for a canvas tile: A4 landscape inside the template's 12 mm margins
(273 × 186 mm), a millimetre short so that rounding never pushes a tile onto a page of its own."""
PRINT_HEADING_MM = 24.0
"""What the canvas section's heading and note take above the first tile on paper."""


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


def report_date() -> _dt.date:
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
    context = _context(journey, feedback=feedback, survey=survey, events=events, tickets=tickets, title=title,
                       text_column=text_column, touchpoint_column=touchpoint_column, case_column=case_column,
                       timestamp_column=timestamp_column)
    return _template().render(**context)


def report_findings(
    journey: Journey | str | PathLike[str],
    *,
    feedback: TableInput | None = None,
    survey: TableInput | None = None,
    events: TableInput | None = None,
    tickets: TableInput | None = None,
    text_column: str = "text",
    touchpoint_column: str = "touchpoint",
    case_column: str = "case_id",
    timestamp_column: str = "timestamp",
) -> list[str]:
    """The sentences of the report's executive summary, as plain text (for a console or an e-mail).

    The same sentences, with the same figures, as the box at the top of :func:`build_report`'s page
    for the same inputs (parameters as there): conversion by design (and as lived, with ``events``),
    the touchpoint that loses most customers, the worst pain point and the cause customers name
    most there, and what halving that touchpoint's drop-off would do to conversion.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở thẻ", stages=["Đăng ký", "Kích hoạt"])
    >>> j.add_touchpoint("form", name="Điền đơn", stage="Đăng ký", ces=3, drop_off=0.4)
    >>> j.add_touchpoint("kich_hoat", name="Kích hoạt thẻ", stage="Kích hoạt", goal=True)
    >>> j.add_transition("form", "kich_hoat")
    >>> for line in report_findings(j):
    ...     print(line)
    Theo thiết kế, 60% khách hàng bắt đầu hành trình đi đến đích (Kích hoạt thẻ).
    Mất nhiều khách nhất tại “Điền đơn”: 40% số khách bắt đầu hành trình rời đi ở đây.
    Điểm đau lớn nhất là “Điền đơn” (điểm 0,53 trên thang 0–1: CES 3/7, rời bỏ 40%).
    Nếu tỷ lệ rời bỏ tại 'Điền đơn' giảm từ 40% xuống 20%, tỷ lệ chuyển đổi tăng từ 60% lên 80% (+20 điểm %).
    """
    context = _context(journey, feedback=feedback, survey=survey, events=events, tickets=tickets, title=None,
                       text_column=text_column, touchpoint_column=touchpoint_column, case_column=case_column,
                       timestamp_column=timestamp_column)
    return [finding["text"] for finding in context["summary"]]


def _context(
    journey: Journey | str | PathLike[str],
    *,
    feedback: TableInput | None,
    survey: TableInput | None,
    events: TableInput | None,
    tickets: TableInput | None,
    title: str | None,
    text_column: str,
    touchpoint_column: str,
    case_column: str,
    timestamp_column: str,
) -> dict[str, Any]:
    """Everything the template shows, computed once (:func:`build_report` and :func:`report_findings`)."""
    from markupsafe import Markup

    from .. import __version__
    from ..draw.canvas import canvas_page_svgs, canvas_svg
    from ..draw.render import journey_page_svgs, journey_to_svg

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

    conversion_data = conversion_section(journey, notes)
    lived_section = None
    if events is not None:
        described = describe_events(events)
        inputs.append(described)
        lived_section = _lived_section(
            journey, events, described, None if conversion_data is None else conversion_data["result"],
            case_column=case_column, touchpoint_column=touchpoint_column, timestamp_column=timestamp_column,
            print_mm=PRINT_MM,
        )
        lived_section["svg"] = Markup(lived_section["svg"])
        lived_section["svg_print"] = [Markup(svg) for svg in lived_section["svg_print"]]
    pain_data = pain_section(annotated, summary)
    what_if = _what_if_section(journey, conversion_data, pain_data)
    if conversion_data is not None:
        conversion_data["what_if"] = what_if

    context: dict[str, Any] = {
        "title": title or journey.title,
        "journey": {
            "title": journey.title,
            "persona": journey.persona,
            "personas": _persona_cards(journey),
            "description": journey.description,
            "stages": journey.stages,
            "touchpoints": journey.graph.number_of_nodes(),
            "transitions": journey.graph.number_of_edges(),
        },
        "canvas": Markup(_embed_svg(canvas_svg(annotated, feedback=summary, persona_cards=False), "canvas-", readable=_CANVAS_READABLE)),
        # Printed instead of the wide canvas: A4 landscape tiles filling the page inside the 12 mm
        # margins (the first one shorter, under the section's heading), text at least 6 pt; the title
        # and persona are the report's own.
        "canvas_print": [Markup(_embed_svg(svg, f"canvas-p{i}-", readable=0.0)) for i, svg in enumerate(
            canvas_page_svgs(annotated, feedback=summary, persona_cards=False, title=False, width_mm=PRINT_MM[0],
                             height_mm=PRINT_MM[1], first_height_mm=PRINT_MM[1] - PRINT_HEADING_MM))],
        "flow": Markup(_embed_svg(journey_to_svg(annotated), "flow-", readable=_GRAPHVIZ_READABLE)),
        # Printed instead of the wide flow diagram: drawn two touchpoint columns a row, cut into A4
        # landscape pages (text at least 6 pt), the first one under the section's heading.
        "flow_print": [Markup(_embed_svg(svg, f"flow-p{i}-", readable=0.0)) for i, svg in enumerate(
            journey_page_svgs(annotated, width_mm=PRINT_MM[0], height_mm=PRINT_MM[1],
                              first_height_mm=PRINT_MM[1] - PRINT_HEADING_MM))],
        "conversion": conversion_data,
        "metrics": metrics_section,
        "feedback": feedback_section,
        "pain": pain_data,
        "lived": lived_section,
        "summary": _summary_section(conversion_data, lived_section, pain_data, what_if),
        "labels": None if summary is None else source_name(summary.attrs.get("labels")),
        "inputs": inputs,
        "notes": notes,
        "version": __version__,
        "today": report_date().strftime("%d/%m/%Y"),
        "sections": SECTIONS,
    }
    present = [key for key in SECTIONS if key in ("canvas", "flow") or context[key] is not None]
    context["present"] = present
    return context


def _persona_cards(journey: Journey) -> list[dict[str, Any]]:
    """What the report's persona cards show, for a journey that declares ``personas`` (the older
    one-line ``persona`` stays a line under the title). The photo is embedded (a small PNG as a data
    address), so the report stays one file; without a readable photo, the initials."""
    import base64
    import io

    from ..draw.photo import initials, persona_photo

    if not journey.graph.graph.get("personas"):
        return []
    cards = []
    for persona in journey.personas:
        picture = persona_photo(journey, persona.photo, size=160)
        photo = None
        if picture is not None:
            buffer = io.BytesIO()
            picture.save(buffer, format="PNG")
            photo = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
        facts = list(persona.facts.items()) if isinstance(persona.facts, dict) else [(None, f) for f in persona.facts]
        cards.append({
            "name": persona.name, "initials": initials(persona.name), "photo": photo, "quote": persona.quote,
            "description": persona.description, "goals": persona.goals, "frustrations": persona.frustrations,
            "facts": facts,
        })
    return cards


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
    DataError
        A suffix other than ``.html``/``.htm``, or ``path`` naming a folder or one of the input
        files (checked before the report is built).

    The file is written through a temporary file renamed when complete (never half-written);
    missing folders are created.

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
    format_of(path, REPORT_FORMATS)
    out = check_output(path, journey, feedback, survey, events, tickets)
    html = build_report(journey, feedback=feedback, survey=survey, events=events, tickets=tickets, title=title,
                        text_column=text_column, touchpoint_column=touchpoint_column, case_column=case_column,
                        timestamp_column=timestamp_column)
    return write_text(out, html)
