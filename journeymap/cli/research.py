"""``cx agreement``: agreement between coders of open-ended comments, for researchers.

Argument parsing and printing only, over :mod:`nlp.agreement`; registered on the ``cx`` app by
:mod:`journeymap.cli`. Nothing heavy is imported until the command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ._common import fail, not_an_input

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


def register(app: typer.Typer) -> None:
    """Add the researcher's commands to the ``cx`` app."""
    app.command()(agreement)
