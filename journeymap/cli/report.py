"""``cx report`` and ``cx canvas``: the self-contained HTML report, and the journey-map canvas.

Argument parsing only, over :mod:`journeymap.report`; registered on the ``cx`` app by
:mod:`journeymap.cli`. Nothing heavy is imported until the command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ._common import TOUCHPOINT_COLUMN, fail, not_an_input, read_journey

__all__ = ["register"]


def report(
    journey: Annotated[Path, typer.Option("--journey", "-j", help="The designed journey (.yaml, .yml, .json).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The report to write (.html).")],
    feedback: Annotated[Path | None, typer.Option("--feedback", "-f", help="Customer comments (.csv, .tsv, .xlsx, .jsonl), classified or not.")] = None,
    survey: Annotated[Path | None, typer.Option("--survey", "-s", help="Survey answers: nps, csat, ces (per touchpoint with a 'touchpoint' column).")] = None,
    tickets: Annotated[Path | None, typer.Option("--tickets", help="Support tickets with opened_at and resolved_at, for time to resolution.")] = None,
    events: Annotated[Path | None, typer.Option("--events", "-e", help="Event log (.csv or .parquet): the journey as lived, compared with the design.")] = None,
    title: Annotated[str | None, typer.Option(help="The report's title (default: the journey's title).")] = None,
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments' text.")] = "text",
    touchpoint_column: Annotated[str, typer.Option(help="Column naming each row's touchpoint (id, name or alias) in the comments, survey and tickets.")] = TOUCHPOINT_COLUMN,
) -> None:
    """One HTML file for the client: canvas, flow, conversion, metrics, comments, pain ranking, designed vs lived."""
    from nlp.errors import require_file
    from nlp.output import format_of, write_text

    from .._formats import REPORT_FORMATS
    from ..report.build import build_report, report_sections

    require_file(journey, "journey file")
    named = {"feedback": feedback, "survey": survey, "tickets": tickets, "events": events}
    for what, path in named.items():
        if path is not None:
            require_file(path, f"table of {what}")
    not_an_input(output, journey, *named.values())
    format_of(output, REPORT_FORMATS)
    try:
        html = build_report(journey, feedback=feedback, survey=survey, tickets=tickets, events=events, title=title,
                            text_column=text_column, touchpoint_column=touchpoint_column)
    except ValueError as exc:  # a DataError is a ValueError; Graphviz errors reach cx's handler
        fail(str(exc))
    write_text(output, html)
    typer.echo(f"wrote {output}")
    sections = report_sections(html)
    typer.echo("sections: " + ", ".join(f"{key} ({heading})" for key, heading in sections))


class Layout(str, Enum):
    single = "single"
    side_by_side = "side_by_side"
    diff = "diff"


class PaperSize(str, Enum):
    A4 = "A4"
    A3 = "A3"
    A2 = "A2"
    A1 = "A1"
    A0 = "A0"


class Orientation(str, Enum):
    landscape = "landscape"
    portrait = "portrait"


def canvas(
    journey: Annotated[Path, typer.Argument(help="The journey (.yaml, .yml, .json).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The canvas to write: .svg, .png, .pdf or .jpg (.jpeg); with --slides, a folder.")],
    feedback: Annotated[Path | None, typer.Option("--feedback", "-f", help="Comments (.csv, .tsv, .xlsx, .jsonl): adds the top causes per touchpoint.")] = None,
    touchpoint_column: Annotated[str, typer.Option(help="Column naming each row's touchpoint (id, name or alias); without it, or where a cell is empty, comments are matched by the aliases they mention.")] = TOUCHPOINT_COLUMN,
    compare_to: Annotated[Path | None, typer.Option(help="The other state (e.g. the current journey when JOURNEY is the future one).")] = None,
    layout: Annotated[Layout, typer.Option(help="One canvas; both states stacked; or one canvas marking what changed.")] = Layout.single,
    persona: Annotated[str | None, typer.Option(help="Draw the journey as this persona (a name from the journey's personas) lives it: their by_persona values, touchpoints they do not meet greyed.")] = None,
    paper: Annotated[PaperSize | None, typer.Option(case_sensitive=False, help="Print on this ISO paper size: the canvas fits one page when its smallest text stays >= 6 pt, else it is tiled onto several pages (row headers repeated, 'trang 2/3 · giai đoạn …' on each). A PDF holds every page; .png/.jpg/.svg write one file per page: NAME-1.png, NAME-2.png …")] = None,
    orientation: Annotated[Orientation | None, typer.Option(case_sensitive=False, help="With --paper: landscape (the default) or portrait.")] = None,
    slides: Annotated[bool, typer.Option("--slides", help="Write 16:9 slides (1920x1080 PNG) into the folder -o: 00-tong-quan.png, then one per stage (01-nhan-biet.png …), smallest text 12 px (body 12.7 px).")] = False,
) -> None:
    """The journey-map canvas: stages as columns, lanes for touchpoints, experience, emotion, CES, drop-off and more.

    Rows follow the journey's `lanes` (rows of the team's own too); persona cards, stage goals and
    moments of truth are drawn when the journey gives them. Without --paper the page is as large as
    the canvas (a wall poster); --paper A4 … A0 prints it on paper; --slides makes a deck of images."""
    from nlp.errors import require_file

    from ..draw.canvas import canvas_slides, print_canvas, render_canvas, slides_folder
    from ..draw.canvas._panels import _output_format
    from ..feedback import summarize_feedback

    not_an_input(output, journey, feedback, compare_to)
    if slides:
        if paper is not None or orientation is not None:
            fail("--slides makes 16:9 images; --paper and --orientation are for printing: use one or the other")
        try:
            slides_folder(output)
        except ValueError as exc:
            fail(f"-o {output}: {exc}")
    else:
        if orientation is not None and paper is None:
            fail("--orientation needs --paper: one of A4, A3, A2, A1, A0")
        _output_format(output)  # checked before any reading or drawing
    designed = read_journey(journey)
    other = read_journey(compare_to) if compare_to is not None else None
    if layout is not Layout.single and other is None:
        fail(f"--layout {layout.value} needs --compare-to: the other journey")
    try:
        summary = None
        if feedback is not None:
            require_file(feedback, "table of comments")
            summary = summarize_feedback(designed, feedback, touchpoint_column=touchpoint_column)
        if slides:
            written = canvas_slides(designed, output, feedback=summary, compare_to=other, layout=layout.value,
                                    persona=persona)
        elif paper is not None:
            written = print_canvas(designed, output, feedback=summary, compare_to=other, layout=layout.value,
                                   persona=persona, paper=paper.value,
                                   orientation=(orientation or Orientation.landscape).value)
        else:
            written = [render_canvas(designed, output, feedback=summary, compare_to=other, layout=layout.value,
                                     persona=persona)]
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    if len(written) == 1:
        typer.echo(f"wrote {written[0]}")
    else:
        typer.echo(f"wrote {len(written)} files: " + ", ".join(str(path) for path in written))



def register(app: typer.Typer) -> None:
    """Add ``cx report`` and ``cx canvas`` to the ``cx`` app."""
    app.command()(report)
    app.command()(canvas)
