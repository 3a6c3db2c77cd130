"""``cx discover``, ``cx metrics``, ``cx conversion``, ``cx pain`` and ``cx compare``: journey analytics.

Argument parsing only, over the library's functions; registered on the ``cx`` app by
:mod:`journeymap.cli`. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from ._common import TOUCHPOINT_COLUMN, MasterOption, fail, not_an_input, read_journey

if TYPE_CHECKING:
    import pandas as pd

    from ..journey import Journey

__all__ = ["register"]


def _show(frame: pd.DataFrame, *, rows: int = 30, empty: str = "(no rows)", headers: HeaderStyle | None = None) -> None:
    """Print the first ``rows`` rows as a console table; ``empty`` when there is none (never pandas'
    "Empty DataFrame"). With ``headers``, the rows are the written table's (:func:`journeymap.fmt.table`:
    the same rounding and headers), so the console and the file say the same."""
    import pandas as pd

    from .. import fmt

    if frame.empty:
        typer.echo(empty)
        return
    if headers is not None:
        frame = fmt.table(frame, headers.value, rounded=True)  # a person reads the console
    with pd.option_context("display.max_columns", 30, "display.width", 160, "display.max_colwidth", 60,
                           "display.float_format", _number):
        typer.echo(frame.head(rows).to_string(index=False))
    if len(frame) > rows:
        typer.echo(f"… {len(frame) - rows} more rows")


def _number(value: float) -> str:
    from .. import fmt
    return fmt.number(value, 3, trim=True)


class HeaderStyle(str, Enum):
    vi = "vi"
    ids = "ids"


Headers = Annotated[HeaderStyle, typer.Option(
    "--headers", help="Written table's form: vi (for people: Vietnamese headers, causes and channels named in "
                      "Vietnamese, numbers rounded as the report shows them) or ids (for programs: column ids, "
                      "numbers at full precision, dot decimal). The console rounds either way.")]

ExcelSafe = Annotated[bool, typer.Option(
    "--excel-safe", help="CSV/TSV output: put a ' before text starting with = + - @ (or a tab), so a spreadsheet "
                         "cannot run it as a formula. Off: the CSV holds the exact values. XLSX needs no option.")]


def _check_outputs(inputs: tuple[Path | None, ...], table: Path | None = None, journey: Path | None = None) -> None:
    """Refuse, before any work, an output that is an input or a folder, or whose suffix names no format."""
    from nlp.tables import table_suffix

    from ..convert import kind_of

    for target in (table, journey):
        if target is not None:
            not_an_input(target, *inputs)
    if table is not None:
        table_suffix(table)
    if journey is not None:
        kind_of(journey)


def _write_table(frame: pd.DataFrame, output: Path, *, headers: HeaderStyle, excel_safe: bool = False) -> None:
    from .. import fmt

    fmt.write_table(frame, output, headers=headers.value, excel_safe=excel_safe)
    typer.echo(f"wrote {output}")


def _save(journey: Journey, output: Path) -> None:
    from ..convert import write_any

    write_any(journey, output)
    typer.echo(f"wrote {output}")


class DiscoverEngine(str, Enum):
    duckdb = "duckdb"
    spark = "spark"




def discover(
    events: Annotated[str, typer.Argument(
        help="Event log: .csv or .parquet, one row per event. With --engine spark also a folder of Parquet "
             "files (hdfs://, s3a://, globs) or a table name of the Spark catalog.", show_default=False)],
    output: Annotated[Path, typer.Option("--output", "-o", help="Journey file to write (.yaml or .json).")],
    case_column: Annotated[str, typer.Option(help="Column identifying the customer or case.")] = "case_id",
    touchpoint_column: Annotated[str, typer.Option(help="Column naming the touchpoint (activity).")] = "touchpoint",
    timestamp_column: Annotated[str, typer.Option(help="Column with the event time.")] = "timestamp",
    stage_column: Annotated[str | None, typer.Option(help="Column with the stage, when the log has one.")] = None,
    goal: Annotated[list[str] | None, typer.Option(help="Touchpoint whose reach means success (repeatable).")] = None,
    min_touchpoint_share: Annotated[float, typer.Option(help="Keep touchpoints visited by at least this share of cases.")] = 0.0,
    min_transition_share: Annotated[float, typer.Option(help="Keep transitions taken by at least this share of cases.")] = 0.0,
    start: Annotated[str | None, typer.Option(help="Only cases whose first event is on or after this date.")] = None,
    end: Annotated[str | None, typer.Option(help="Only cases whose first event is before this date.")] = None,
    reference: Annotated[Path | None, typer.Option(help="Designed journey to take names, stages and goals from.")] = None,
    title: Annotated[str | None, typer.Option(help="Title of the discovered journey.")] = None,
    variants: Annotated[int, typer.Option(help="Also print the N most frequent paths (0: none).")] = 5,
    engine: Annotated[DiscoverEngine, typer.Option(
        help="duckdb: this machine. spark: Spark SQL on the --master's cores; only the counts come back "
             "(same journey; pip install -e '.\\[spark]' and Java 17+).")] = DiscoverEngine.duckdb,
    master: MasterOption = None,
) -> None:
    """Discover the lived journey from an event log: volumes, times between steps, drop-off.

    With --engine spark the log is checked and counted by Spark (progress on standard error) and the
    journey file is written here, as with DuckDB; both engines give the same journey.
    """
    from contextlib import AbstractContextManager, nullcontext

    from nlp.errors import require_file

    from ..discover import discover_journey, discover_with_variants

    spark = engine is DiscoverEngine.spark
    if master is not None and not spark:
        fail("--master is for --engine spark; add --engine spark or leave --master out")
    local = not spark or "://" not in events
    if not spark:
        require_file(Path(events), "event log")
    _check_outputs((Path(events) if local else None, reference), journey=output)
    designed = read_journey(reference) if reference is not None else None
    running: AbstractContextManager[Any] = nullcontext()
    if spark:
        from .._sparkjob import progress, session

        running = progress(session(master, app_name="cx discover"))
    columns: dict[str, Any] = {
        "case_column": case_column, "touchpoint_column": touchpoint_column, "timestamp_column": timestamp_column,
    }
    try:
        options: dict[str, Any] = {
            **columns, "stage_column": stage_column, "goal": goal or None, "start": start, "end": end,
            "min_touchpoint_share": min_touchpoint_share, "min_transition_share": min_transition_share,
            "reference": designed, "title": title,
        }
        if spark:
            options["engine"] = "spark"
        source: Any = events if spark else Path(events)
        top = None
        with running:
            if variants > 0:  # one reading of the log for both
                journey, top = discover_with_variants(source, top=variants, **options)
            else:
                journey = discover_journey(source, **options)
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    typer.echo(f"{journey!r}\n{journey.description or ''}")
    _save(journey, output)
    if top is not None:
        typer.secho(f"\n{len(top)} most frequent paths", bold=True)
        _show(top[["cases", "share", "variant"]])


class TtrUnit(str, Enum):
    hours = "hours"
    working_hours = "working_hours"
    working_days = "working_days"


def metrics(
    file: Annotated[Path, typer.Argument(help="Survey answers and/or tickets: .csv, .tsv, .xlsx or .jsonl.")],
    by: Annotated[list[str] | None, typer.Option(help="Group by: touchpoint, stage or any column (repeatable).")] = None,
    journey_file: Annotated[Path | None, typer.Option("--journey", "-j", help="Journey: maps touchpoints to stages, and receives the results with --write-journey.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the table (.csv, .tsv, .xlsx, .jsonl).")] = None,
    write_journey: Annotated[Path | None, typer.Option(help="Write the journey with the measured metrics on its touchpoints.")] = None,
    ttr_unit: Annotated[TtrUnit, typer.Option(help="TTR in clock hours, or in working hours/days of the calendar below.")] = TtrUnit.hours,
    skip_invalid: Annotated[bool, typer.Option(help="Skip out-of-range or non-numeric answers (and report how many) instead of failing.")] = False,
    working_days: Annotated[str, typer.Option(help="Working weekdays for working-hours TTR.")] = "Mon Tue Wed Thu Fri",
    working_hours: Annotated[str, typer.Option(help="Working intervals of a day, comma-separated.")] = "08:00-12:00,13:30-17:30",
    holiday: Annotated[list[str] | None, typer.Option(help="A date not worked, YYYY-MM-DD (repeatable).")] = None,
    headers: Headers = HeaderStyle.vi,
    excel_safe: ExcelSafe = False,
) -> None:
    """NPS, CSAT, CES and time to resolution, overall or per touchpoint, stage or column."""
    from nlp.errors import require_file

    from ..metrics import InvalidValuesError, WorkingCalendar, set_metrics, survey_metrics

    try:
        intervals = [tuple(part.split("-")) for part in working_hours.split(",")]
        if any(len(pair) != 2 for pair in intervals):
            raise ValueError(f"--working-hours takes START-END intervals separated by commas, e.g. "
                             f"08:00-12:00,13:30-17:30; got {working_hours!r}")
        # WorkingCalendar parses "HH:MM" and ISO dates itself, with messages that name the bad value.
        calendar = WorkingCalendar(weekmask=working_days, hours=cast(Any, intervals), holidays=cast(Any, holiday or ()))
    except ValueError as exc:
        fail(str(exc))

    require_file(file, "table of answers")
    _check_outputs((file, journey_file), table=output, journey=write_journey)
    journey = read_journey(journey_file) if journey_file is not None else None
    if write_journey is not None and journey is None:
        fail("--write-journey needs --journey: the journey the metrics are written onto")
    group = None if not by else (by[0] if len(by) == 1 else by)
    try:
        table = survey_metrics(file, by=group, journey=journey, ttr_unit=ttr_unit.value,
                               calendar=None if ttr_unit is TtrUnit.hours else calendar,
                               skip_invalid=skip_invalid)
    except InvalidValuesError as exc:
        fail(exc.naming("--skip-invalid"))  # the flag, not the Python keyword
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    _show(table, rows=60, headers=headers)
    skipped = {k: v for k, v in table.attrs.get("skipped", {}).items() if v}
    if skipped:
        typer.secho("skipped invalid answers: " + ", ".join(f"{k} {v}" for k, v in skipped.items()),
                    fg=typer.colors.YELLOW)
    if output is not None:
        _write_table(table, output, headers=headers, excel_safe=excel_safe)
    if write_journey is not None and journey is not None:
        if group != "touchpoint":
            fail("--write-journey writes per-touchpoint results: use --by touchpoint")
        try:
            set_metrics(journey, table)
        except ValueError as exc:  # a DataError is a ValueError
            fail(str(exc))
        _save(journey, write_journey)


def conversion(
    file: Annotated[Path, typer.Argument(help="Journey file (designed, or discovered with cx discover).")],
    what_if: Annotated[list[str] | None, typer.Option("--what-if", help="TOUCHPOINT=DROP_OFF, e.g. gio_hang=0.2 (repeatable).")] = None,
    goal: Annotated[list[str] | None, typer.Option(help="Goal touchpoint id, instead of the file's goal: true (repeatable).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the per-touchpoint table with the removal effect (.csv, .tsv, .xlsx, .jsonl).")] = None,
    headers: Headers = HeaderStyle.vi,
    excel_safe: ExcelSafe = False,
) -> None:
    """Conversion through the journey as a Markov chain: end to end, per touchpoint, and what-if."""
    from .. import fmt
    from ..markov import conversion as conversion_of
    from ..markov import removal_effects
    from ..markov import what_if as what_if_of

    _check_outputs((file,), table=output)
    journey = read_journey(file)
    changes: dict[str, float] = {}
    for value in what_if or []:
        touchpoint, sep, share = value.partition("=")
        try:
            changes[touchpoint] = float(share.rstrip("%")) / (100 if share.endswith("%") else 1)
        except ValueError:
            fail(f"--what-if takes TOUCHPOINT=DROP_OFF (0–1 or a percentage), got {value!r}")
        if not sep:
            fail(f"--what-if takes TOUCHPOINT=DROP_OFF (0–1 or a percentage), got {value!r}")
    goals = goal or None
    try:
        result = conversion_of(journey, goals=goals)
        effects = removal_effects(journey, goals=goals)
        change = what_if_of(journey, drop_off=changes, goals=goals) if changes else None
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    typer.secho(f"{journey.title}: conversion {fmt.percent(result.probability)}", bold=True)
    steps = result.expected_steps_to_convert
    hours = result.expected_hours_to_convert
    typer.echo(f"expected touchpoints per customer {fmt.number(result.expected_steps, 2)}"
               + (f"; {fmt.number(steps, 2)} for those who convert" if steps is not None else "")
               + (f"; {fmt.number(hours, 1)} h to convert" if hours is not None else ""))
    typer.secho("\nPer touchpoint", bold=True)
    _show(result.to_frame())
    typer.secho("\nRemoval effect (share of conversion that depends on the touchpoint)", bold=True)
    _show(effects)
    if change is not None:
        typer.secho(f"\n{change.summary}", bold=True)
    if output is not None:
        table = result.to_frame().merge(effects[["touchpoint", "conversion_without", "removal_effect"]],
                                        on="touchpoint", how="left")
        _write_table(table, output, headers=headers, excel_safe=excel_safe)


def pain(
    file: Annotated[Path, typer.Argument(help="Journey file.")],
    feedback: Annotated[Path | None, typer.Option("--feedback", "-f", help="Comments (.csv, .tsv, .xlsx, .jsonl), classified or not.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments.")] = "text",
    touchpoint_column: Annotated[str, typer.Option(help="Column naming each row's touchpoint (id, name or alias); without it, or where a cell is empty, comments are matched by the aliases they mention.")] = TOUCHPOINT_COLUMN,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the ranking (.csv, .tsv, .xlsx, .jsonl).")] = None,
    write_journey: Annotated[Path | None, typer.Option(help="Write the journey with comment counts and shares on its touchpoints.")] = None,
    headers: Headers = HeaderStyle.vi,
    excel_safe: ExcelSafe = False,
) -> None:
    """Rank touchpoints by pain: drop-off, effort, negative comments and their causes, weighted by volume.

    With --feedback, the complaints that name none of the six causes are grouped into themes (as in cx themes, 5 to 10
    of them): the column "top_theme" names each touchpoint's most frequent one and its count.
    """
    from nlp.errors import require_file

    from ..feedback import attach_feedback, other_complaints, set_feedback, summarize_feedback
    from ..pain import pain_ranking

    _check_outputs((file, feedback), table=output, journey=write_journey)
    journey = read_journey(file)
    summary = None
    themes = None
    try:
        if feedback is not None:
            require_file(feedback, "table of comments")
            attached = attach_feedback(journey, feedback, text_column=text_column, touchpoint_column=touchpoint_column)
            summary = summarize_feedback(journey, attached, text_column=text_column)
            # the complaints the six causes miss, grouped into themes: the top one per touchpoint
            complaints = other_complaints(journey, attached, text_column=text_column)
            themes = {} if complaints is None else complaints.top_by_touchpoint()
        ranking = pain_ranking(journey, summary, themes=themes)
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    if summary is not None:
        typer.secho("Comments per touchpoint", bold=True)
        _show(summary.reset_index()[["touchpoint", "comments", "negative_share", "top_causes"]]
              if "touchpoint" not in summary.columns else summary[["touchpoint", "comments", "negative_share", "top_causes"]],
              headers=headers)
        typer.echo("")
    typer.secho("Pain ranking (work down from the top)", bold=True)
    shown = ["rank", "touchpoint", "name", "score", "why", "source"] + (["top_theme"] if themes else [])
    _show(ranking[shown], headers=headers,
          empty="No touchpoint to rank: the journey has no frontstage touchpoint (pain is ranked on the "
                "touchpoints customers meet; backstage ones are left out).")
    if output is not None:
        _write_table(ranking, output, headers=headers, excel_safe=excel_safe)
    if write_journey is not None:
        if summary is not None:
            set_feedback(journey, summary)
        _save(journey, write_journey)


def compare(
    designed: Annotated[Path, typer.Argument(help="The designed journey file (or the current state).")],
    lived: Annotated[Path, typer.Argument(help="The lived journey (from cx discover), or the future state.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Draw both in one diagram (.svg, .png, .pdf) or save it as a journey (.yaml).")] = None,
) -> None:
    """Designed versus lived (transitions designed but never taken, taken but never designed), or current versus future state.

    A journey made by cx discover is the lived one ("thực tế"); two designed journeys are compared as
    the current ("hiện tại") and the future ("tương lai") state.
    """
    from nlp.output import format_of

    from .._formats import DRAWING_FORMATS, JOURNEY_FILE_FORMATS
    from ..compare import DESIGNED, LIVED, SIDE_IN_ENGLISH, compare_journeys
    from ..draw.render import render_journey

    kind = None
    if output is not None:
        not_an_input(output, designed, lived)
        kind = format_of(output, {**JOURNEY_FILE_FORMATS, **DRAWING_FORMATS})
    comparison = None
    try:
        comparison = compare_journeys(read_journey(designed), read_journey(lived))
    except ValueError as exc:  # a DataError is a ValueError
        fail(str(exc))
    typer.echo(comparison.summary())
    if comparison.labels == (DESIGNED, LIVED):
        headings = ("Observed but not designed", "Designed but never observed", "Touchpoints designed, never seen",
                    "Touchpoints seen, not designed")
    else:
        first, second = (SIDE_IN_ENGLISH[label] for label in comparison.labels)
        headings = (f"Transitions only in {second}", f"Transitions only in {first}", f"Touchpoints only in {first}",
                    f"Touchpoints only in {second}")
    frames = (comparison.observed_not_designed, comparison.designed_not_observed, comparison.only_designed,
              comparison.only_lived)
    for title, frame in zip(headings, frames):
        if len(frame):
            typer.secho(f"\n{title}", bold=True)
            _show(frame)
    if output is not None:
        union = comparison.to_journey()
        try:
            if kind in JOURNEY_FILE_FORMATS.values():
                _save(union, output)
            else:
                typer.echo(f"wrote {render_journey(union, output)}")
        except ValueError as exc:  # Graphviz errors reach cx's handler, which prints them the same way
            fail(str(exc))


def register(app: typer.Typer) -> None:
    """Add the analytics commands to the ``cx`` app."""
    for command in (discover, metrics, conversion, pain, compare):
        app.command()(command)
