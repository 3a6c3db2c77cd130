"""``cx report``: the self-contained HTML report of a journey and its data.

Argument parsing only, over :mod:`journeymap.report`; registered on the ``cx`` app by
:mod:`journeymap.cli`. Nothing heavy is imported until the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .analytics_cli import _existing, _fail, _not_an_input

__all__ = ["register"]


def report(
    journey: Annotated[Path, typer.Option("--journey", "-j", help="The designed journey (.yaml, .yml, .json).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The report to write (.html).")],
    feedback: Annotated[Path | None, typer.Option("--feedback", "-f", help="Customer comments (.csv, .tsv, .xlsx, .jsonl), classified or not.")] = None,
    survey: Annotated[Path | None, typer.Option("--survey", "-s", help="Survey answers: nps, csat, ces (per touchpoint with a 'touchpoint' column).")] = None,
    tickets: Annotated[Path | None, typer.Option("--tickets", "-t", help="Support tickets with opened_at and resolved_at, for time to resolution.")] = None,
    events: Annotated[Path | None, typer.Option("--events", "-e", help="Event log (.csv or .parquet): the journey as lived, compared with the design.")] = None,
    title: Annotated[str | None, typer.Option(help="The report's title (default: the journey's title).")] = None,
    text_column: Annotated[str, typer.Option(help="Column holding the comments' text.")] = "text",
) -> None:
    """One HTML file for the client: canvas, flow, conversion, metrics, comments, pain ranking, designed vs lived."""
    from .errors import DataError, GraphvizNotFoundError, RenderError
    from .report import REPORT_SUFFIXES, _build

    _existing(journey, "a journey file (.yaml, .yml, .json)")
    named = {"feedback": feedback, "survey": survey, "tickets": tickets, "events": events}
    for what, path in named.items():
        if path is not None:
            _existing(path, f"a table of {what}")
    _not_an_input(output, journey, *named.values())
    if output.suffix.lower() not in REPORT_SUFFIXES:
        _fail(f"the report is HTML: the output name must end in {' or '.join(REPORT_SUFFIXES)}; got {output.name!r}")
    try:
        built = _build(journey, feedback=feedback, survey=survey, tickets=tickets, events=events, title=title,
                       text_column=text_column)
    except (DataError, ValueError, GraphvizNotFoundError, RenderError) as exc:
        _fail(str(exc))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(built.html, encoding="utf-8")
    typer.echo(f"wrote {output}")
    typer.echo("sections: " + ", ".join(f"{key} ({heading})" for key, heading in built.sections))


def register(app: typer.Typer) -> None:
    """Add ``cx report`` to the ``cx`` app."""
    app.command()(report)
