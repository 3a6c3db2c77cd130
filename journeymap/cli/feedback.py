"""``cx classify``, ``cx train`` and ``cx evaluate``: argument parsing only, over nlp's functions.

Registered on the ``cx`` app by :mod:`journeymap.cli`; imports nothing heavy at start-up.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ._common import MasterOption, fail
from .analytics import HeaderStyle

if TYPE_CHECKING:
    from nlp.codebook import Codebook

__all__ = ["register"]


def _where(values: list[str] | None) -> dict[str, str]:
    where: dict[str, str] = {}
    for value in values or []:
        column, sep, wanted = value.partition("=")
        if not sep or not column:
            fail(f"--where takes COLUMN=VALUE, got {value!r}")
        where[column] = wanted
    return where


TextColumn = Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments.")]
LabelColumn = Annotated[
    str | None, typer.Option("--label-column", help="Column with one label per row (e.g. sentiment).")
]
LabelsColumn = Annotated[
    str | None, typer.Option("--labels-column", help="Column with several labels per row, comma-separated (e.g. causes).")
]
LabelsSeparator = Annotated[
    str, typer.Option("--labels-separator", help="What joins the labels in --labels-column (e.g. ';'). "
                                                 "Labels may not contain ',': the output joins several with it.")
]
CodebookOption = Annotated[
    Path | None, typer.Option(
        "--codebook", help="A codebook (.yaml, .yml, .json; 'default' is the shipped one): every label in the data "
                           "must be one of its labels, else an error lists both.")
]


class Names(str, Enum):
    ids = "ids"
    vi = "vi"
    en = "en"


def _codebook(path: Path | None) -> Codebook | None:
    """The codebook at ``path`` (``default``: the shipped one), or ``None``."""
    if path is None:
        return None
    from nlp.codebook import load_codebook

    return load_codebook("default" if str(path) == "default" else path)


Where = Annotated[
    list[str] | None, typer.Option("--where", help="Keep only rows where COLUMN=VALUE (repeatable), e.g. split=test.")
]
WorkbookOption = Annotated[
    bool | None, typer.Option(
        "--workbook/--no-workbook", help="FILE is a labelling workbook written by cx sample (default: found out from "
                                         "the file). Its label groups are the columns: --label-column and "
                                         "--labels-column name them when it has several.")
]


def _labelled_input(file: Path, workbook: bool | None, text_column: str | None, label_column: str | None,
                    labels_column: str | None) -> bool:
    """Whether ``file`` (labelled comments for ``cx train`` and ``cx evaluate``) is read as a labelling
    workbook from ``cx sample``: ``--workbook``/``--no-workbook`` when given, else whether it is one.
    A plain table needs ``--text-column`` and a label column; a workbook names both itself.
    A missing file is named first."""
    from nlp.errors import require_file
    from nlp.labelling import is_labelling_workbook

    require_file(file, "labelled comments")
    is_workbook = workbook if workbook is not None else is_labelling_workbook(file)
    if not is_workbook:
        if text_column is None:
            fail("give --text-column: the column holding the comments (only a labelling workbook from cx sample "
                 "needs none)")
        if label_column is None and labels_column is None:
            fail("give --label-column (one label per row), --labels-column (several per row) or both")
    return is_workbook


class ClassifyEngine(str, Enum):
    local = "local"
    spark = "spark"


def classify(
    file: Annotated[str, typer.Argument(
        help="Comments: .csv, .tsv, .xlsx or .jsonl (UTF-8 or UTF-16). With --engine spark: .csv (UTF-8), "
             ".parquet, a folder of Parquet files (hdfs://, s3a://) or a table name.", show_default=False)],
    text_column: TextColumn,
    output: Annotated[str | None, typer.Option(
        "--output", "-o", help="Output file; default FILE.classified.<ext>. With --engine spark: a .csv or "
                               ".parquet file, or a folder of Parquet part files for any other name.",
        show_default=False)] = None,
    model: Annotated[Path | None, typer.Option("--model", "-m", help="Model folder; default the shipped feedback-vi.")] = None,
    explain: Annotated[bool, typer.Option("--explain", help="Add the phrases behind each decision.")] = False,
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter when it is not ',' (e.g. ';').")] = None,
    excel_safe: Annotated[bool, typer.Option(
        "--excel-safe", help="CSV/TSV output: put a ' before text starting with = + - @ (or a tab), so a spreadsheet "
                             "cannot run it as a formula. Off: the CSV holds the exact values. XLSX needs no option.")] = False,
    names: Annotated[Names, typer.Option(
        "--names", help="vi or en: add a column of the labels' Vietnamese or English names from the codebook after "
                        "each label column (sentiment_vi, causes_vi); the id columns stay. ids: add none.")] = Names.ids,
    codebook: Annotated[Path | None, typer.Option(
        "--codebook", help="The codebook giving the names (.yaml, .yml, .json); default the shipped one.")] = None,
    headers: Annotated[HeaderStyle, typer.Option(
        "--headers", help="Headers of the model's columns: vi (Vietnamese, for people: 'Cảm xúc chung', 'Xác suất: "
                          "Thời gian chờ lâu', 'Trạng thái nội dung') or ids (sentiment, p_wait_time, text_status, "
                          "for programs). Your own columns keep their headers; every cx command reads both forms. "
                          "Labels stay ids either way (--names adds their names).")] = HeaderStyle.vi,
    engine: Annotated[ClassifyEngine, typer.Option(
        help="local: one process on this machine. spark: Spark's executors on the --master's cores, the model "
             "shipped once to each (pip install -e '.\\[spark]' and Java 17+).")] = ClassifyEngine.local,
    master: MasterOption = None,
    parts: Annotated[bool, typer.Option(
        "--parts", help="With --engine spark: write OUTPUT as a folder of part files (one per Spark task, with "
                        "_SUCCESS), the way Spark jobs write, instead of collecting one file.")] = False,
) -> None:
    """Add sentiment and causes to every row of a comment file; the input is never modified.

    The model's columns have Vietnamese headers (--headers ids: their ids); cx pain --feedback, cx report
    --feedback, cx evaluate, cx train, cx sample and cx themes read the file written either way.
    The output is written whole or not at all: an error, Ctrl-C or kill leaves no partial file.

    With --engine spark the same predictions are made by Spark (progress on standard error). A .csv or
    .parquet output is one file with the input's rows in order; --parts, or a name without those
    suffixes, writes a folder of part files instead (Parquet without a suffix). Either is written under
    a hidden temporary name and renamed when the job succeeded.
    """
    if engine is ClassifyEngine.spark:
        _classify_on_spark(file, text_column, output, model=model, explain=explain, delimiter=delimiter,
                           excel_safe=excel_safe, names=names, codebook=codebook, master=master, parts=parts,
                           headers=headers)
        return
    if master is not None or parts:
        fail(f"{'--master' if master is not None else '--parts'} is for --engine spark; add --engine spark or "
             "leave it out")
    _classify_here(Path(file), text_column, None if output is None else Path(output), model=model, explain=explain,
                   delimiter=delimiter, excel_safe=excel_safe, names=names, codebook=codebook, headers=headers)


def _classify_here(file: Path, text_column: str, output: Path | None, *, model: Path | None, explain: bool,
                   delimiter: str | None, excel_safe: bool, names: Names, codebook: Path | None,
                   headers: HeaderStyle) -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.progress import TextColumn as Label

    from nlp.batch import classify_file, count_rows
    from nlp.errors import DataError

    total = count_rows(file)
    with Progress(Label("classifying"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, disable=total is not None and total < 20_000) as bar:
        task = bar.add_task("rows", total=total)
        try:
            result = classify_file(file, text_column=text_column, output=output, model=model, explain=explain,
                                   delimiter=delimiter, progress=lambda done: bar.update(task, completed=done),
                                   excel_safe=excel_safe, names=names.value,
                                   codebook=_codebook(codebook), headers=headers.value)
        except DataError as exc:  # a bad table or model file
            fail(str(exc))
    typer.echo(f"wrote {result.output}: {result.rows} rows")
    if result.not_classified:
        status = "'Trạng thái nội dung'" if headers is HeaderStyle.vi else "text_status"
        typer.echo(f"{result.not_classified} rows with an empty or non-text comment were kept and marked "
                   f"in the {status} column")
    from nlp.headers import classified_header

    for old, new in result.renamed.items():
        if headers is HeaderStyle.vi:
            typer.echo(f"the input already had a {old!r} or {classified_header(old)!r} column: the model's is "
                       f"written as {classified_header(new)!r}")
        else:
            typer.echo(f"the input already had a {old!r} column: the model's is written as {new!r}")


_ROW = "__cx_row"


def _classify_on_spark(file: str, text_column: str, output: str | None, *, model: Path | None, explain: bool,
                       delimiter: str | None, excel_safe: bool, names: Names, codebook: Path | None,
                       master: str | None, parts: bool, headers: HeaderStyle) -> None:
    """``cx classify --engine spark``: read with Spark, :func:`nlp.spark.classify_column`, write with
    :func:`journeymap._sparkjob.write_output`, then count the written rows."""
    from nlp.output import check_output

    from .._sparkjob import output_layout, progress, session, write_output
    from .._sparklog import read_events

    local_input = "://" not in file and Path(file).suffix.lower() in (".csv", ".parquet")
    if output is None:
        if not local_input:
            fail("give --output: the file or folder to write (a .csv or .parquet file, or a folder of Parquet parts)")
        output = str(Path(file).with_name(f"{Path(file).stem}.classified{Path(file).suffix}"))
    kind, folder = output_layout(output, parts)
    if "://" not in output:
        if folder and Path(output).exists():
            fail(f"{output} already exists; Spark writes a new folder of part files: remove it or name another output")
        if not folder:
            check_output(Path(output), Path(file) if "://" not in file else None)
    spark = session(master, app_name="cx classify")
    frame = read_events(spark, file, "comment file", delimiter=delimiter, multiline=True)
    if text_column not in frame.columns:
        fail(f"{file} has no column {text_column!r}; its columns are: {', '.join(map(repr, frame.columns))}")
    from pyspark.sql import functions as F

    from nlp.spark import classify_column

    # A CSV read with line breaks in its fields is one task per file: spread the rows over the cores,
    # remembering their order for a one-file output.
    parallelism = spark.sparkContext.defaultParallelism
    frame = frame.withColumn(_ROW, F.monotonically_increasing_id())
    if frame.rdd.getNumPartitions() < parallelism:
        frame = frame.repartition(parallelism)
    classified = classify_column(frame, text_column, model, explain=explain, decimals=4, names=names.value,
                                 codebook=_codebook(codebook), rename_clashing=True, headers=headers.value,
                                 source=file)
    if not folder:
        # One file: the classified rows meet in one task and are put back in the input's order there. The
        # classification stays spread over the cores (a shuffle, not coalesce(1), which would pull it into
        # that one task), and runs once (orderBy would run it a second time to sample its range).
        classified = classified.repartition(1).sortWithinPartitions(_ROW)
    classified = classified.drop(_ROW)
    from nlp.headers import classified_header, classified_ids

    # the model's columns the input had already, written as <id>_cx (by their header in Vietnamese)
    as_ids = classified_ids(classified.columns) if headers is HeaderStyle.vi else {}
    renamed = [as_ids.get(c, c) for c in classified.columns if as_ids.get(c, c).endswith("_cx")
               and as_ids.get(c, c) not in frame.columns]
    if kind == "csv":
        # The model's probabilities as the local engine writes them (0.0003, not Java's 3.0E-4); with
        # --excel-safe a ' before text a spreadsheet would run as a formula (nlp.tables.excel_safe).
        added = set(classified.columns) - set(frame.columns)
        classified = classified.select(*(
            F.col(f"`{name}`").cast("decimal(5,4)").alias(name) if name in added and dtype == "double" else
            F.when(F.col(f"`{name}`").rlike("^[=+\\-@\\t\\r]"), F.concat(F.lit("'"), F.col(f"`{name}`")))
            .otherwise(F.col(f"`{name}`")).alias(name) if excel_safe and dtype == "string" else F.col(f"`{name}`")
            for name, dtype in classified.dtypes))
    status = "text_status_cx" if "text_status_cx" in renamed else "text_status"
    if headers is HeaderStyle.vi:
        status = classified_header(status)
    with progress(spark):
        write_output(classified, output, parts=parts, source=file)
        status = f"`{status}`"
        written = spark.read.parquet(output) if kind == "parquet" else spark.read.csv(
            output, header=True, multiLine=True, quote='"', escape='"')
        counts = written.groupBy(F.col(status)).count().collect()
    rows = sum(int(r["count"]) for r in counts)
    not_classified = sum(int(r["count"]) for r in counts if r[0] != "ok")
    where = f"{output} (a folder of {kind} part files)" if folder else output
    typer.echo(f"wrote {where}: {rows} rows")
    if not_classified:
        typer.echo(f"{not_classified} rows with an empty or non-text comment were kept and marked in the "
                   f"{status.strip('`')!r} column")
    for new in renamed:  # as the local engine says it
        old = new[:-3]
        if headers is HeaderStyle.vi:
            typer.echo(f"the input already had a {old!r} or {classified_header(old)!r} column: the model's is "
                       f"written as {classified_header(new)!r}")
        else:
            typer.echo(f"the input already had a {old!r} column: the model's is written as {new!r}")


def train(
    file: Annotated[Path, typer.Argument(help="Labelled comments: .csv, .tsv, .xlsx or .jsonl, or a labelling "
                                              "workbook filled in Excel (cx sample).")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Folder to write the model into.")],
    text_column: Annotated[str | None, typer.Option(
        "--text-column", "-t", help="Column holding the comments (not needed for a labelling workbook).")] = None,
    label_column: LabelColumn = None,
    labels_column: LabelsColumn = None,
    labels_separator: LabelsSeparator = ",",
    where: Where = None,
    segment: Annotated[bool, typer.Option(help="Word-segment with underthesea first (slower).")] = False,
    negation_scope: Annotated[int, typer.Option(
        min=0, help="Mark up to this many words after không/chẳng/chưa… as negated; 0 turns it off.")] = 6,
    lexicon: Annotated[Path | None, typer.Option(
        help="A table (CSV, TSV, XLSX, JSONL) of sentiment words with term and polarity columns, counted "
             "as two extra features; 'default' is the project's Vietnamese lexicon.")] = None,
    cause_lexicon: Annotated[Path | None, typer.Option(
        help="A table of cause phrases with term and cause columns (cause: one of your --labels-column "
             "labels, or none), counted per clause; 'default' is the project's lexicon of the six causes.")] = None,
    clauses: Annotated[bool, typer.Option(
        help="Score each clause as well as the whole comment for the several-labels head.")] = True,
    no_causes_for: Annotated[list[str] | None, typer.Option(
        "--no-causes-for", help="Leave the several-labels column empty for comments predicted with this "
                                "single label (repeatable), for a codebook that asks for it.")] = None,
    sequence: Annotated[bool, typer.Option(
        help="Add a BiLSTM head to the single-label head (needs PyTorch; minutes, not seconds).")] = False,
    codebook: CodebookOption = None,
    workbook: WorkbookOption = None,
) -> None:
    """Train a model on your own labels (any codebook): one label per row, several, or both.

    A labelling workbook from cx sample is read as filled in Excel: rows with no label yet are skipped and
    counted, a cell holding something else than its drop-down allows is an error naming its row and column.
    """
    from nlp.errors import ModelFileError
    from nlp.lexicon import default_cause_lexicon_path, default_lexicon_path, read_cause_lexicon, read_lexicon
    from nlp.persist import save_model
    from nlp.train import train_model_from_table

    is_workbook = _labelled_input(file, workbook, text_column, label_column, labels_column)
    if output.exists() and not output.is_dir():
        fail(f"{output} is a file; a model is saved into a folder (model.json and arrays.npz): give a folder with -o")
    try:
        if lexicon is not None and str(lexicon) == "default":
            lexicon = default_lexicon_path()
        terms = None if lexicon is None else read_lexicon(lexicon)
        cause_terms = None
        if cause_lexicon is not None:
            if str(cause_lexicon) == "default":
                cause_terms = read_cause_lexicon(default_cause_lexicon_path())
            else:
                cause_terms = read_cause_lexicon(cause_lexicon, causes=None)
        model = train_model_from_table(file, text_column=text_column, label_column=label_column,
                                       labels_column=labels_column, labels_separator=labels_separator,
                                       where=_where(where), segment=segment, negation_scope=negation_scope,
                                       lexicon=terms, cause_lexicon=cause_terms, clauses=clauses,
                                       no_causes_for=tuple(no_causes_for or ()), sequence=sequence,
                                       codebook=_codebook(codebook), workbook=is_workbook)
    except (ValueError, TypeError, ImportError) as exc:
        fail(str(exc))
    try:
        save_model(model, output)
    except ModelFileError as exc:
        fail(str(exc))
    heads = []
    if model.sentiment is not None:
        heads.append(f"{model.sentiment_name}: {', '.join(model.sentiment_labels)}")
    if model.causes is not None:
        heads.append(f"{model.causes_name}: {', '.join(model.cause_labels)}")
    data = model.manifest["training_data"]
    typer.echo(f"trained on {data['rows']} rows; " + "; ".join(heads))
    if data.get("unlabelled_rows"):
        typer.echo(f"skipped {data['unlabelled_rows']} rows of the workbook with no label yet (every label cell empty)")
    if model.sequence is not None:
        typer.echo(f"sequence head: kept epoch {model.sequence.best_epoch_} of {model.sequence.epochs}, "
                   f"held-out accuracy {model.sequence.validation_accuracy_:.3f}")
    typer.echo(f"wrote {output}")


def evaluate(
    model: Annotated[Path, typer.Argument(help="Model folder (from cx train, or models/feedback-vi).")],
    file: Annotated[Path, typer.Argument(help="Labelled comments to score against: .csv, .tsv, .xlsx or .jsonl, "
                                              "or a labelling workbook filled in Excel (cx sample).")],
    text_column: Annotated[str | None, typer.Option(
        "--text-column", "-t", help="Column holding the comments (not needed for a labelling workbook).")] = None,
    label_column: LabelColumn = None,
    labels_column: LabelsColumn = None,
    labels_separator: LabelsSeparator = ",",
    where: Where = None,
    codebook: CodebookOption = None,
    workbook: WorkbookOption = None,
) -> None:
    """Print a classification report, confusion matrix and per-label F1 of a model on labelled data.

    A labelling workbook from cx sample is read as cx train reads it: rows with no label yet are skipped and
    counted, and its label groups are compared with the model's heads.
    """
    from nlp.persist import load_model
    from nlp.train import evaluate_model

    is_workbook = _labelled_input(file, workbook, text_column, label_column, labels_column)
    try:
        loaded = load_model(model)
        evaluation = evaluate_model(loaded, file, text_column=text_column, label_column=label_column,
                                    labels_column=labels_column, labels_separator=labels_separator,
                                    where=_where(where), codebook=_codebook(codebook), workbook=is_workbook)
    except ValueError as exc:  # bad tables and model files are DataErrors, ValueErrors
        fail(str(exc))
    typer.echo(str(evaluation))


def register(app: typer.Typer) -> None:
    """Add the feedback commands to the ``cx`` app."""
    app.command()(classify)
    app.command()(train)
    app.command()(evaluate)
