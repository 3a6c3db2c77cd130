"""Classifying a whole file of comments, streamed in chunks so memory stays bounded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .model import FeedbackModel
from .output import check_output
from .persist import load_model
from .tables import TableWriter, iter_table, readable_table_suffix, table_suffix

__all__ = ["ClassifiedFile", "classify_file", "count_rows", "default_output_path"]


@dataclass(frozen=True)
class ClassifiedFile:
    """What :func:`classify_file` wrote."""

    output: Path
    rows: int
    not_classified: int  # empty or non-text rows, kept and marked in ``text_status``
    renamed: dict[str, str]  # output columns renamed because the input already had them


def default_output_path(path: Path) -> Path:
    """``comments.csv`` → ``comments.classified.csv``, beside the input."""
    return path.with_name(f"{path.stem}.classified{path.suffix}")


def count_rows(path: Path) -> int | None:
    """Approximate data-row count of a CSV/TSV/JSONL file (line count), for a progress bar."""
    if path.suffix.lower() not in (".csv", ".tsv", ".txt", ".jsonl") or not path.is_file():
        return None
    lines = 0
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            lines += block.count(b"\n")
    return max(lines - (0 if path.suffix.lower() == ".jsonl" else 1), 0)


def classify_file(
    path: str | Path,
    *,
    text_column: str,
    output: str | Path | None = None,
    model: FeedbackModel | str | Path | None = None,
    explain: bool = False,
    chunk_size: int = 10_000,
    delimiter: str | None = None,
    progress: Callable[[int], None] | None = None,
    excel_safe: bool = False,
) -> ClassifiedFile:
    """Classify every row of a CSV, TSV, XLSX or JSONL file and write a copy with the predictions.

    Every input row is written, in order, with all its columns, followed by the model's columns
    (``sentiment``, ``sentiment_confidence``, ``causes``, ``p_<cause>``, ``text_status``). Rows with
    an empty or non-text comment keep empty predictions and are marked in ``text_status``.

    Parameters
    ----------
    path : path
        The input table; never modified.
    text_column : str
        The column holding the comments.
    output : path, optional
        Defaults to ``<name>.classified<suffix>`` beside the input; its suffix picks the format.
    progress : callable, optional
        Called with the number of rows finished after each chunk.
    excel_safe : bool
        For CSV/TSV output: put a ``'`` before text starting with ``= + - @``, a tab or a carriage
        return, so a spreadsheet cannot run it as a formula (see :func:`nlp.tables.excel_safe`).
        Off by default: the output then holds every input value exactly. ``.xlsx`` output needs
        no option: its text cells are always stored as text.

    The output is written to a hidden temporary file beside it and renamed when every row is done:
    a failure or an interruption leaves no output (and an older output untouched). Missing folders
    of the output are created.

    Raises
    ------
    TableError
        Unreadable input, a missing column (the message lists the existing ones), or an output path
        that is the input itself, names a folder or has an unknown suffix (all checked before any
        row is classified).
    """
    path = Path(path)
    readable_table_suffix(path)
    output = check_output(default_output_path(path) if output is None else output, path)
    table_suffix(output)
    if model is None or isinstance(model, (str, Path)):
        model = load_model(model)
    rows = not_classified = 0
    renamed: dict[str, str] = {}
    with TableWriter(output, excel_safe=excel_safe) as writer:
        for chunk in iter_table(path, columns=(text_column,), chunk_size=chunk_size, delimiter=delimiter):
            # Four decimals are plenty for a probability in a spreadsheet and halve the file size.
            result = model.classify(chunk[text_column].tolist(), explain=explain).round(4)
            result.index = chunk.index
            for column in result.columns:
                if column in chunk.columns:
                    renamed[column] = f"{column}_cx"
            not_classified += int((result["text_status"] != "ok").sum())
            writer.write(chunk.join(result.rename(columns=renamed)))
            rows += len(chunk)
            if progress is not None:
                progress(rows)
    return ClassifiedFile(output=output, rows=rows, not_classified=not_classified, renamed=renamed)
