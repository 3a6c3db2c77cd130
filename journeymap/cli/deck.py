"""``cx deck``: the workshop deck (PowerPoint), over :func:`journeymap.deck.journey_deck`.

Argument parsing only; registered on the ``cx`` app by :mod:`journeymap.cli.main`. Nothing heavy is
imported until the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import TOUCHPOINT_COLUMN, fail, not_an_input

__all__ = ["register"]


def deck(
    journey: Annotated[Path, typer.Argument(help="The journey (.yaml, .yml, .json, .xlsx).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The deck to write (.pptx).")],
    feedback: Annotated[Path | None, typer.Option("--feedback", "-f", help="Customer comments (.csv, .tsv, .xlsx, .jsonl), classified or not: causes and quotes.")] = None,
    events: Annotated[Path | None, typer.Option("--events", "-e", help="Event log (.csv or .parquet): the journey as lived, compared with the design.")] = None,
    compare_to: Annotated[Path | None, typer.Option(help="Another journey to compare with: the lived one (cx discover) or a future state.")] = None,
    persona: Annotated[str | None, typer.Option(help="Show the journey as this persona (a name from the journey's personas) lives it.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments' text.")] = "text",
    touchpoint_column: Annotated[str, typer.Option(help="Column naming each row's touchpoint (id, name or alias) in the comments and the event log.")] = TOUCHPOINT_COLUMN,
) -> None:
    """A 16:9 PowerPoint deck for the workshop: persona, canvas, one slide per stage, conversion and
    what-if, pain ranking, quotes per cause, designed versus lived.

    All text is real, editable text (tables are PowerPoint tables), sized so nothing overflows; a stage with many touchpoints continues on a second slide ("(tiếp)")."""
    from nlp.errors import require_file
    from nlp.output import format_of

    from ..deck import DECK_FORMATS, journey_deck

    not_an_input(output, journey, feedback, events, compare_to)
    format_of(output, DECK_FORMATS)  # checked before any reading or drawing
    if events is not None and compare_to is not None:
        fail("give --events (an event log) or --compare-to (a journey), not both")
    require_file(journey, "journey file")
    for path, what in ((feedback, "table of comments"), (events, "event log"), (compare_to, "journey file")):
        if path is not None:
            require_file(path, what)
    try:
        written = journey_deck(journey, output, feedback=feedback, events=events, compare_to=compare_to,
                               persona=persona, text_column=text_column, touchpoint_column=touchpoint_column)
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    typer.echo(f"wrote {written}")


def register(app: typer.Typer) -> None:
    """Add ``cx deck`` to the ``cx`` app."""
    app.command()(deck)
