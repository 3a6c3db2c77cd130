"""The ``cx`` command line: a thin layer over the library (every command is a library call).

Only the standard library and Typer are imported at start-up so ``cx --help`` is instant.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from typer.core import TyperGroup

from ._common import fail, not_an_input

if TYPE_CHECKING:
    from typer._click import core as click  # the click that typer vendors, whose Context invoke() takes


class _CxGroup(TyperGroup):
    """Every ``cx`` command runs through here: an error cx raises on purpose (:class:`nlp.errors.CxError`,
    a bad input, a missing file, a broken model) is printed as one line without a traceback, exit 1.

    While a command runs, SIGTERM and SIGHUP (``kill``, a closed terminal) end it the way Ctrl-C does,
    by an exception, so every writer removes its temporary file (:mod:`nlp.output`): a killed ``cx``
    leaves no half-written output. The exit status is 128 + the signal's number, as a shell reports it."""

    def invoke(self, ctx: click.Context) -> object:
        from nlp.errors import CxError

        with _signals_as_exit():
            try:
                return super().invoke(ctx)
            except CxError as exc:
                fail(str(exc))


@contextmanager
def _signals_as_exit() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # signal handlers belong to the main thread
        yield
        return

    def stop(signum: int, frame: object) -> None:
        typer.secho(f"error: stopped by {signal.Signals(signum).name}; no partial output was left",
                    fg=typer.colors.RED, err=True)
        raise SystemExit(128 + signum)

    names = [name for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {name: signal.signal(getattr(signal, name), stop) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


app = typer.Typer(
    cls=_CxGroup,
    name="cx",
    help="Customer-experience toolkit for Vietnam: journey maps and Vietnamese feedback.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


class ColorBy(str, Enum):
    emotion = "emotion"
    ces = "ces"
    none = "none"


class Engine(str, Enum):
    auto = "auto"
    system = "system"
    bundled = "bundled"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Journey files (.yaml, .yml, .json).")],
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on modelling warnings too, not only on errors.")
    ] = False,
) -> None:
    """Check journey files and report [bold]every[/bold] problem with its line and what is allowed.

    A valid file may still get modelling warnings (an orphan or unreachable touchpoint, an empty stage,
    a goal nobody reaches, volumes that contradict drop-off or probabilities, steps after a goal),
    printed after its ok line; they do not fail the check unless --strict is given.
    """
    from nlp.errors import DataError, require_file

    from ..checks import validate_journey
    from ..errors import JourneyValidationError
    from ..io import load_journey

    failed = 0
    for path in files:  # every file is checked, whatever the ones before it held
        try:
            journey = load_journey(require_file(path, "journey file"))
            found = validate_journey(journey)
        except DataError as exc:  # JourneyValidationError, a missing file, …
            failed += 1
            message = str(exc) if isinstance(exc, JourneyValidationError) else f"error: {exc}"
            typer.secho(message, fg=typer.colors.RED, err=True)
            continue
        counted = f", {len(found)} warning{'s' if len(found) != 1 else ''}" if found else ""
        typer.secho(
            f"{path}: ok — {len(journey.stages)} stages, {journey.graph.number_of_nodes()} touchpoints, "
            f"{journey.graph.number_of_edges()} transitions{counted}",
            fg=typer.colors.GREEN,
        )
        for warning in found:
            typer.secho(f"  - warning [{warning.code}] {warning}", fg=typer.colors.YELLOW)
        if strict and found:
            failed += 1
    if failed:
        if strict:
            typer.secho(f"error: {failed} of {len(files)} file(s) failed (--strict counts warnings)",
                        fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


@app.command()
def render(
    file: Annotated[Path, typer.Argument(help="Journey file (.yaml, .yml, .json, .graphml, .node-link.json).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output file: .svg, .png, .pdf, .dot, or .mmd (Mermaid).")],
    color_by: Annotated[ColorBy, typer.Option(help="Fill touchpoints by emotion, by CES, or not at all.")] = ColorBy.emotion,
    engine: Annotated[Engine, typer.Option(help="Graphviz to use: system 'dot', the bundled one, or auto.")] = Engine.auto,
    backstage: Annotated[
        bool, typer.Option("--backstage", help="Mermaid (.mmd) only: add the backstage touchpoints in a last section.")
    ] = False,
    persona: Annotated[str | None, typer.Option(
        help="Mermaid (.mmd) only: score the steps as this persona (a name from the journey's personas) lives them: "
             "their by_persona emotion and CES; steps they do not take left out (as cx canvas --persona).")] = None,
) -> None:
    """Draw a journey map: stages as columns, lanes, CES, drop-off, emotion and experience types."""
    from nlp.errors import require_file

    from .._formats import drawing_format
    from ..convert import read_any
    from ..draw.mermaid import BackstageOnlyError
    from ..draw.render import render_journey

    require_file(file, "journey file")
    not_an_input(output, file)
    drawing_format(output)
    try:
        journey = read_any(file)
        written = render_journey(journey, output, color_by=color_by.value, engine=engine.value, backstage=backstage,
                                 persona=persona)
    except BackstageOnlyError as exc:
        fail(exc.advice("add --backstage"))
    except ValueError as exc:  # JourneyValidationError is a ValueError; Graphviz errors reach cx's handler
        fail(str(exc))
    typer.echo(f"wrote {written}")


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="Input: .yaml, .yml, .json, .xlsx, .touchpoints.csv, .node-link.json or .graphml.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Output, format chosen by suffix.")],
) -> None:
    """Convert between journey files (YAML/JSON), spreadsheets (.xlsx, CSV), node-link JSON and GraphML."""
    from nlp.errors import require_file

    from ..convert import convert_journey

    require_file(file, "journey file")
    try:
        written = convert_journey(file, output)
    except ValueError as exc:  # JourneyValidationError and DataError are ValueErrors
        fail(str(exc))
    typer.echo(f"wrote {written}")


@app.command()
def new(
    file: Annotated[Path, typer.Argument(help="The journey to create: .yaml (with guidance comments) or .xlsx.")],
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Write the spreadsheet template (adds .xlsx to a name without a suffix).")] = False,
) -> None:
    """Start a journey: a starter file with Vietnamese guidance that validates as it is."""
    from ..starter import write_starter_journey

    written = write_starter_journey(file, xlsx=xlsx)
    typer.echo(f"wrote {written}; fill it in, then: cx validate {written}")


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file instead of printing.")] = None,
) -> None:
    """Print the JSON Schema of journey files (for editor autocompletion)."""
    from nlp.output import write_text

    from ..schema import journey_json_schema_text

    if output is not None:
        not_an_input(output)
    text = journey_json_schema_text()
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text(output, text)
        typer.echo(f"wrote {output}")


@app.command()
def demo(
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder for the demo files.")] = Path("cx-demo"),
) -> None:
    """Draw the sample journeys, classify the sample comments, analyse the sample event log and make the
    workshop deliverables (canvas, report, Mermaid); print where the files are."""
    from .. import fmt
    from ..demo import run_analytics_demo, run_deliverables_demo, run_demo, run_feedback_demo

    if output.exists() and not output.is_dir():
        fail(f"the demo writes into a folder, and {output} is a file; give a folder name with -o")
    results = run_demo(output)
    typer.secho(f"cx demo: {len(results)} sample journeys validated and drawn into {output.resolve()}", bold=True)
    for result in results:
        typer.echo(f"\n{result.journey}\n  from {result.source}")
        for path in result.files:
            typer.echo(f"  → {path}")
    feedback = run_feedback_demo(output)
    typer.secho(f"\nFeedback: {fmt.number(feedback.rows)} held-out comments of the bundled corpus classified", bold=True)
    typer.echo(f"  → {feedback.output}")
    typer.echo("  sentiment: " + ", ".join(f"{_label_name(k, 'SENTIMENTS')} {fmt.number(v)}" for k, v in feedback.sentiment.items()))
    typer.echo("  causes:    " + ", ".join(f"{_label_name(k, 'CAUSES')} {fmt.number(v)}" for k, v in feedback.causes.items()))
    analytics = run_analytics_demo(output)
    typer.secho(
        f"\nAnalytics: e-commerce journey discovered from {fmt.number(analytics.events)} events of "
        f"{fmt.number(analytics.cases)} customers",
        bold=True,
    )
    typer.echo(f"  conversion: designed {fmt.percent(analytics.designed_conversion)}, "
               f"lived {fmt.percent(analytics.lived_conversion)}; "
               f"{analytics.undesigned_transitions} transitions customers take that nobody designed")
    typer.echo("  worst pain points (the report's ranking, same figures):")
    for line in analytics.pain_top:
        typer.echo(f"    {line}")
    typer.echo("  executive summary (as at the top of workshop/bao_cao.html):")
    for line in analytics.findings:
        typer.echo(f"    • {line}")
    for path in analytics.files:
        typer.echo(f"  → {path}")
    typer.secho("\nWorkshop deliverables for the e-commerce journey: canvas, flow diagram, Mermaid, report", bold=True)
    for path in run_deliverables_demo(output):
        typer.echo(f"  → {path}")


def _label_name(label: str, kind: str) -> str:
    """A label id of the shipped codebook (nlp.labels) in Vietnamese; another label as is."""
    from nlp import labels

    return next((item.vi for item in getattr(labels, kind) if item.id == label), label)


def _register_commands() -> None:
    from .analytics import register as register_analytics
    from .deck import register as register_deck
    from .feedback import register as register_feedback
    from .report import register as register_report
    from .research import register as register_research

    register_analytics(app)
    register_report(app)
    register_feedback(app)
    register_research(app)
    register_deck(app)


_register_commands()


def main() -> None:  # pragma: no cover - console entry point
    app()
