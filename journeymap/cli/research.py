"""``cx agreement``, ``cx sample`` and ``cx themes``: agreement between coders of open-ended comments,
what to label next, and the themes of what the codebook misses, for researchers.

Argument parsing and printing only, over :mod:`nlp.agreement`, :mod:`nlp.sampling`, :mod:`nlp.themes` and
:mod:`nlp.labelling`; registered on the ``cx`` app by :mod:`journeymap.cli`. Nothing heavy is
imported until a command runs.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from ._common import fail, not_an_input
from .analytics import ExcelSafe, Headers, HeaderStyle

__all__ = ["register"]


def agreement(
    files: Annotated[list[Path], typer.Argument(help="One table with a column per coder (--coders), or one file per "
                                                     "coder (--column, --join): .csv, .tsv, .xlsx, .jsonl.")],
    coders: Annotated[str | None, typer.Option(
        "--coders", help="Comma-separated: the coders' columns (one file), or their names (one per file; default "
                         "the files' names).")] = None,
    column: Annotated[str | None, typer.Option(
        "--column", help="Several files: the column holding each coder's codes.")] = None,
    join: Annotated[str | None, typer.Option(
        "--join", help="Several files: the column matching rows across files (an id, or the comment text).")] = None,
    multi: Annotated[bool | None, typer.Option(
        "--multi/--single", help="A cell holds several labels joined by ',' or ';' (each label scored present/absent; "
                                 "an empty cell is 'no label') or exactly one (an empty cell is 'not coded'). Default: "
                                 "what the codebook's group says.")] = None,
    separator: Annotated[str | None, typer.Option(
        "--separator", help="What joins several labels in a cell, if not ',' or ';'.")] = None,
    codebook: Annotated[Path | None, typer.Option(
        "--codebook", help="Check every code against this codebook (.yaml, .yml, .json; 'default': sentiment and the "
                           "six causes) and show its Vietnamese names.")] = None,
    group: Annotated[str | None, typer.Option(
        "--group", help="The codebook's group the coders coded (e.g. causes).")] = None,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the table too (.csv, .tsv, .xlsx, .jsonl), numbers as numbers.")] = None,
    disagreements: Annotated[Path | None, typer.Option(
        "--disagreements", help="Write the rows the coders disagree on, or only one coded, with an empty "
                                "'adjudicated' column to fill.")] = None,
    bootstrap: Annotated[int, typer.Option(
        min=0, help="Bootstrap resamples of the rows for the confidence intervals; 0: none.")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the resampling: the same seed gives the same intervals.")] = 0,
    confidence: Annotated[float, typer.Option(min=0.5, max=0.999, help="Level of the intervals.")] = 0.95,
) -> None:
    """Agreement between coders, per label: Cohen's kappa (two coders), Fleiss' kappa and Krippendorff's alpha
    (any number, missing codes allowed), with bootstrap confidence intervals.

    A cell marked NA, N/A or #N/A (and, for one label per cell, an empty cell) is a row that coder did not code.
    A statistic that cannot be told from chance (every code the same) is reported as undefined.
    """
    from nlp.agreement import agreement as compute
    from nlp.agreement import agreement_files
    from nlp.codebook import load_codebook
    from nlp.tables import TableWriter, table_suffix

    for path in (output, disagreements):
        if path is not None:
            not_an_input(path, *files)
            table_suffix(path)
    if output is not None and disagreements is not None and output.absolute() == disagreements.absolute():
        fail("-o and --disagreements name the same file; give two names")
    names = [c.strip() for c in coders.split(",") if c.strip()] if coders else None
    book = None if codebook is None else load_codebook("default" if str(codebook) == "default" else codebook)
    options = {"multi": multi, "separator": separator, "codebook": book, "group": group, "bootstrap": bootstrap,
               "seed": seed, "confidence": confidence}
    if len(files) == 1:
        if column is not None or join is not None:
            fail("--column and --join match one file per coder; with one file, name the coders' columns with --coders")
        if not names:
            fail("name the coders' columns with --coders a,b (or give one file per coder with --column and --join)")
        report = compute(files[0], names, **options)  # type: ignore[arg-type]
    else:
        if column is None or join is None:
            fail("with one file per coder, give --column (the codes) and --join (the column matching rows, e.g. id)")
        report = agreement_files(files, column, join=join, coders=names, **options)
    typer.echo(_summary(report))
    if output is not None:
        from ..fmt import round_floats

        with TableWriter(output) as writer:
            writer.write(round_floats(report.table()))
        typer.echo(f"wrote {output}")
    if disagreements is not None:
        with TableWriter(disagreements) as writer:
            writer.write(report.disagreements)
        typer.echo(f"wrote {disagreements}: {len(report.disagreements)} rows to adjudicate")


def _summary(report: object) -> str:
    """The printed table: one line per label, figures as :mod:`journeymap.fmt` writes them."""
    from nlp.agreement import AgreementReport, item_note

    from .. import fmt

    assert isinstance(report, AgreementReport)
    coded = ", ".join(f"{fmt.number(rows)} by {n}" for n, rows in sorted(report.coded_by.items(), reverse=True) if rows)
    level = fmt.percent(report.confidence, 0)
    intervals = (f"[interval]: {level} bootstrap interval, {fmt.number(report.bootstrap)} resamples, seed "
                 f"{report.seed}" if report.bootstrap else "no intervals (--bootstrap 0)")
    head = (f"{len(report.coders)} coders ({', '.join(report.coders)}), {fmt.number(report.rows)} rows "
            f"(coded {coded}); {'several labels' if report.multi else 'one label'} per row")
    lines = [head, intervals, ""]
    header = ["label", "rows", "% agree"]
    first = report.labels[0]
    header += [{"cohen_kappa": "Cohen κ", "fleiss_kappa": "Fleiss κ", "krippendorff_alpha": "Krippendorff α"}[c]
               for c, _ in report.scores(first)]
    body: list[list[str]] = []
    notes: list[str] = []
    for item in report.labels:
        label = item.label + (f" ({item.name})" if item.name else "")
        agree = fmt.percent(item.percent_agreement) if item.percent_agreement is not None else fmt.DASH
        cells = [label, fmt.number(item.pairable), agree]
        found: dict[str, str] = {}
        for column, score in report.scores(item):
            if score.value is None:
                cells.append("undefined")
            elif score.low is None:
                cells.append(fmt.number(score.value, 3))
            else:
                cells.append(f"{fmt.number(score.value, 3)} [{fmt.interval(score.low, score.high, 2)}]")
            if score.note:
                found[column] = score.note
        if found:
            notes.append(f"{item.label}: {item_note(found)}")
        body.append(cells)
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    for row in [header, *body]:
        lines.append("  ".join(cell.ljust(width) if i == 0 else cell.rjust(width)
                               for i, (cell, width) in enumerate(zip(row, widths))).rstrip())
    lines += [f"note: {note}" for note in report.notes + notes]
    return "\n".join(lines)


class Only(str, Enum):
    no_cause = "no-cause"
    negative = "negative"
    all = "all"


#: The sheets of ``cx themes -o FILE.xlsx``, by header style.
THEME_SHEETS = {"vi": ("Chủ đề", "Bình luận"), "ids": ("themes", "comments")}


def themes(
    comments: Annotated[Path, typer.Argument(help="Comments: .csv, .tsv, .xlsx or .jsonl, classified or not.")],
    output: Annotated[Path, typer.Option(
        "--output", "-o", help="Write the themes: .xlsx holds two sheets (the themes, and every grouped comment "
                               "with its theme); .csv, .tsv, .jsonl hold the themes, --comments-output the rest.")],
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments.")] = "text",
    only: Annotated[Only, typer.Option(
        "--only", help="Which comments: no-cause (negative or neutral, naming none of the six causes: what the "
                       "codebook misses), negative, or all. Chosen by the table's sentiment and causes columns when "
                       "it has both, else by classifying with --model.")] = Only.no_cause,
    k: Annotated[str, typer.Option(
        "-k", "--themes", help="How many themes: a whole number >= 2, or auto (5 to 15, the most coherent).")] = "auto",
    model: Annotated[Path | None, typer.Option(
        "--model", "-m", help="Model folder for --only; default the shipped feedback-vi.")] = None,
    seed: Annotated[int, typer.Option(help="The same seed gives the same themes.")] = 0,
    quotes: Annotated[int, typer.Option(min=1, max=10, help="Quotes per theme.")] = 3,
    comments_output: Annotated[Path | None, typer.Option(
        "--comments-output", help="Write every grouped comment with its theme and weight to this file too "
                                  "(.csv, .tsv, .xlsx, .jsonl).")] = None,
    headers: Headers = HeaderStyle.vi,
    excel_safe: ExcelSafe = False,
) -> None:
    """Group comments into themes (TF-IDF and NMF over syllable phrases), with key phrases and quotes.

    For researchers: what customers complain about beyond the six causes (price and fees, paperwork,
    product quality, app bugs …). Deterministic for a seed. Each theme gets a label made of its top key
    phrases, its size and share, and quotes written exactly as customers wrote them.
    """
    from nlp.tables import TableWriter, table_suffix
    from nlp.themes import table_themes

    from .. import fmt

    targets = [path for path in (output, comments_output) if path is not None]
    for path in targets:
        not_an_input(path, comments)
        table_suffix(path)
    if comments_output is not None and comments_output.absolute() == output.absolute():
        fail("-o and --comments-output name the same file; give two names (or one .xlsx -o for both)")
    number: int | str = k.strip().lower()
    if number != "auto":
        try:
            number = int(str(number))
        except ValueError:
            fail(f"-k takes a whole number of themes >= 2 or 'auto'; got {k!r}")
    found = table_themes(comments, text_column=text_column, only=only.value, k=number,  # type: ignore[arg-type]
                         model=model, seed=seed, quotes=quotes)
    result = found.result
    style = headers.value
    theme_table = fmt.table(result.table(quotes), style)
    comment_table = fmt.table(found.comments(), style)
    chosen = {"given": "by the table's sentiment and causes columns", "model": "classified by the model", "": ""}
    kept = f"{fmt.number(len(found.texts))} of {fmt.number(found.total)} comments"
    if found.only != "all":
        kept += f" kept by --only {found.only} ({chosen[found.labels]})"
    typer.echo(kept)
    how = f"k = {result.k}" + (" (auto: " + ", ".join(f"{key} → {fmt.number(value, 3)}" for key, value in
                                                       result.k_scores.items()) + " mean NPMI)" if result.k_scores else "")
    typer.echo(f"{how}; seed {result.seed}")
    for theme in result.themes:
        typer.echo(f"{theme.number:>3}. {theme.label}  {fmt.number(theme.count)} ({fmt.percent(theme.share)})  "
                   f"{'; '.join(theme.key_phrases)}")
    if result.unthemed:
        typer.echo(f"  {fmt.number(result.unthemed)} comments in no theme (no phrase shared with other comments); "
                   "listed with an empty theme")
    sheets = THEME_SHEETS[style]
    with TableWriter(output, excel_safe=excel_safe) as writer:
        if writer.suffix == ".xlsx":
            writer.write(theme_table, sheet=sheets[0])
            writer.write(comment_table, sheet=sheets[1])
        else:
            writer.write(theme_table)
    if table_suffix(output) == ".xlsx":
        typer.echo(f"wrote {output}: sheets {sheets[0]!r} ({len(theme_table)} rows) and {sheets[1]!r} "
                   f"({len(comment_table)} rows)")
    else:
        typer.echo(f"wrote {output}: the themes ({len(theme_table)} rows)" + (
            "" if comments_output is not None else "; the comments with their themes: add --comments-output "
                                                    "FILE, or write -o FILE.xlsx for both"))
    if comments_output is not None:
        with TableWriter(comments_output, excel_safe=excel_safe) as writer:
            writer.write(comment_table)
        typer.echo(f"wrote {comments_output}: {len(comment_table)} comments with their themes")
class Strategy(str, Enum):
    """The ways ``cx sample`` picks comments (:data:`nlp.sampling.STRATEGIES`)."""

    uncertainty_diversity = "uncertainty+diversity"
    uncertainty = "uncertainty"
    random = "random"


def sample(
    file: Annotated[Path, typer.Argument(help="Comments to pick from: .csv, .tsv, .xlsx or .jsonl.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The labelling workbook to write (.xlsx).")],
    n: Annotated[int, typer.Option("-n", "--n", min=1, help="How many comments to pick.")] = 200,
    model: Annotated[Path | None, typer.Option(
        "--model", "-m", help="The model whose uncertainty picks the comments (the one the labels will train); "
                              "default the shipped feedback-vi.")] = None,
    text_column: Annotated[str, typer.Option("--text-column", "-t", help="Column holding the comments.")] = "text",
    id_column: Annotated[str | None, typer.Option(
        "--id-column", help="A column identifying each comment (an answer id), copied beside the row number.")] = None,
    codebook: Annotated[Path | None, typer.Option(
        "--codebook", help="The codebook giving the label columns, drop-downs and instructions (.yaml, .yml, .json); "
                           "default the shipped one (sentiment and the six causes).")] = None,
    show_guess: Annotated[bool, typer.Option(
        "--show-guess", help="Add the model's guesses in separate grey columns (never in the label columns). Off: "
                             "the coder is not steered by them.")] = False,
    strategy: Annotated[Strategy, typer.Option(
        help="uncertainty+diversity: the comments the model is least sure of, one per k-means group of them; "
             "uncertainty: the least sure alone; random: a simple random sample.")] = Strategy.uncertainty_diversity,
    seed: Annotated[int, typer.Option(help="The same seed picks the same comments.")] = 0,
    overwrite: Annotated[bool, typer.Option(
        "--overwrite", help="Replace an existing labelling workbook (its labels are lost).")] = False,
) -> None:
    """Pick the comments worth labelling next and write them to a labelling workbook to fill in Excel.

    The comments the model is least sure of (sentiment close to a tie, a cause close to its threshold),
    spread over what they say, near-duplicates set aside; one column per label group of the codebook with
    drop-down lists, a guide sheet in Vietnamese. Train on the filled workbook with cx train WORKBOOK -o MODEL.
    """
    from nlp.codebook import load_codebook
    from nlp.labelling import is_labelling_workbook, write_labelling_workbook
    from nlp.sampling import sample_comments

    from .. import fmt

    not_an_input(output, file)
    if output.suffix.lower() != ".xlsx":
        fail(f"the labelling workbook {output} must be an .xlsx file (it holds drop-down lists and several sheets); "
             "give a name ending in .xlsx")
    if output.exists() and is_labelling_workbook(output) and not overwrite:
        fail(f"{output} is already a labelling workbook, perhaps with labels in it; give another name, or "
             "--overwrite to replace it")
    book = None if codebook is None else load_codebook("default" if str(codebook) == "default" else codebook)
    table, picked = sample_comments(file, model, n=n, text_column=text_column, strategy=strategy.value, seed=seed)
    if id_column is not None and id_column not in table.frame.columns:
        fail(f"{file} has no column {id_column!r} (--id-column); its columns are: "
             f"{', '.join(map(repr, map(str, table.frame.columns)))}")
    write_labelling_workbook(output, table, picked, text_column=text_column, codebook=book, id_column=id_column,
                             show_guess=show_guess, model=str(model) if model is not None else "feedback-vi")
    set_aside = []
    if picked.not_text:
        set_aside.append(f"{fmt.number(picked.not_text)} empty or non-text")
    if picked.duplicates:
        set_aside.append(f"{fmt.number(picked.duplicates)} duplicates of a comment more worth labelling")
    typer.echo(f"picked {fmt.number(len(picked.positions))} of {fmt.number(picked.rows)} comments ({picked.strategy}, "
               f"seed {picked.seed})" + (f"; set aside: {', '.join(set_aside)}" if set_aside else ""))
    for note in picked.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"wrote {output}: fill the sheet 'Gán nhãn', then: cx train {output} -o MODEL")


def register(app: typer.Typer) -> None:
    """Add the researcher's commands to the ``cx`` app."""
    app.command()(agreement)
    app.command()(themes)
    app.command()(sample)
