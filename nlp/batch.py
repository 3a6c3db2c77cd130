"""Classifying a whole file of comments, streamed in chunks so memory stays bounded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .headers import HEADER_STYLES, classified_header
from .model import LABELS_SEPARATOR, FeedbackModel
from .output import check_output
from .persist import load_model
from .tables import TableWriter, iter_table, readable_table_suffix, table_suffix

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook

__all__ = ["NAMES_SEPARATOR", "ClassifiedFile", "add_label_names", "classify_file", "count_rows",
           "default_output_path"]

#: What joins several label *names* in one cell (``Thời gian chờ lâu; Nhân viên thô lỗ/giận dữ``):
#: names are prose and may hold the ``,`` that joins ids.
NAMES_SEPARATOR = "; "


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
    names: str = "ids",
    codebook: Codebook | None = None,
    headers: str = "ids",
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
    names : {"ids", "vi", "en"}
        ``"vi"`` or ``"en"`` adds, after each label column of the model (``sentiment``, ``causes``), a
        column with the labels' Vietnamese or English names from the ``codebook`` (default: the
        shipped one, :func:`nlp.codebook.default_codebook`): ``sentiment_vi``, ``causes_vi``, several
        names joined by ``"; "``. The id columns stay as they are. ``"ids"`` (the default) adds none.
    headers : {"ids", "vi"}
        How the model's columns are headed: by their ids (the default here, for programs) or in
        Vietnamese (``cx classify``'s default, for people: ``Cảm xúc chung``, ``Xác suất: Thời gian
        chờ lâu``, ``Trạng thái nội dung``; see :func:`nlp.headers.classified_header`). The input's
        columns keep their headers either way, and every reader of the toolkit
        (:func:`nlp.tables.iter_table`) reads both forms back the same.

    The output is written to a hidden temporary file beside it and renamed when every row is done:
    a failure or an interruption leaves no output (and an older output untouched). Missing folders
    of the output are created.

    Raises
    ------
    TableError
        Unreadable input, a missing column (the message lists the existing ones), or an output path
        that is the input itself, names a folder or has an unknown suffix, a label of the model that
        the codebook lacks (all checked before any row is classified).
    """
    path = Path(path)
    readable_table_suffix(path)
    output = check_output(default_output_path(path) if output is None else output, path)
    table_suffix(output)
    if model is None or isinstance(model, (str, Path)):
        model = load_model(model)
    if headers not in HEADER_STYLES:
        raise ValueError(f"headers must be one of {', '.join(map(repr, HEADER_STYLES))}; got {headers!r}")
    label_names = _label_names(model, names, codebook)
    rows = not_classified = 0
    renamed: dict[str, str] = {}
    with TableWriter(output, excel_safe=excel_safe) as writer:
        # the input's own headers are written as they are (classified_headers=False); a model column the
        # input has already, by its id or by its Vietnamese header, is written as <id>_cx
        for chunk in iter_table(path, columns=(text_column,), chunk_size=chunk_size, delimiter=delimiter,
                                classified_headers=False):
            # Four decimals are plenty for a probability in a spreadsheet and halve the file size.
            result = model.classify(chunk[text_column].tolist(), explain=explain).round(4)
            result.index = chunk.index
            add_label_names(result, label_names, names)
            taken = {str(c) for c in chunk.columns}
            for column in result.columns:
                if column in taken or classified_header(column) in taken:
                    renamed[column] = f"{column}_cx"
            not_classified += int((result["text_status"] != "ok").sum())
            result = result.rename(columns=renamed)
            if headers == "vi":
                result = result.rename(columns={c: classified_header(c) for c in result.columns
                                                if classified_header(c) not in taken})
            writer.write(chunk.join(result))
            rows += len(chunk)
            if progress is not None:
                progress(rows)
    return ClassifiedFile(output=output, rows=rows, not_classified=not_classified, renamed=renamed)


def _label_names(model: FeedbackModel, names: str, codebook: Codebook | None) -> dict[tuple[str, bool], dict[str, str]]:
    """``{(head column, several labels): {id: name}}`` for ``names``; the model's labels checked
    against the codebook."""
    from .codebook import NAMES, default_codebook

    if names not in NAMES:
        raise ValueError(f"names must be one of {', '.join(NAMES)}; got {names!r}")
    if names == "ids":
        return {}
    book = codebook if codebook is not None else default_codebook()
    found: dict[tuple[str, bool], dict[str, str]] = {}
    for head, labels, multi in ((model.sentiment_name, model.sentiment_labels if model.sentiment else None, False),
                                (model.causes_name, model.cause_labels if model.causes else None, True)):
        if labels is None:
            continue
        group = book.group_for(head, multi=multi)
        group.check(labels, f"the model's {'several-labels' if multi else 'single-label'} head {head!r}")
        found[(head, multi)] = group.names(names)
    return found


def add_label_names(result: pd.DataFrame, label_names: dict[tuple[str, bool], dict[str, str]], names: str) -> None:
    """Insert ``<head>_<names>`` after each label column of ``result`` (in place): the names of its
    labels, several joined by :data:`NAMES_SEPARATOR`; an empty prediction stays empty."""
    for (head, multi), mapping in label_names.items():
        if head not in result.columns:
            continue
        if multi:
            values = [NAMES_SEPARATOR.join(mapping[x] for x in str(v).split(LABELS_SEPARATOR) if x) if v else ""
                      for v in result[head]]
        else:
            values = [mapping.get(v, "") if v else "" for v in result[head]]
        column = f"{head}_{names}"
        if column in result.columns:  # a head named like another's name column: keep both
            column += "_name"
        result.insert(list(result.columns).index(head) + 1, column, values)
