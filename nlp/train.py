"""Training and evaluating feedback models from labelled tables, with any codebook's labels."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError
from .model import LABELS_SEPARATOR, FeedbackModel, check_cause_labels, train_feedback_model
from .tables import TableError, read_table

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook
    from .labelling import LabelledWorkbook

__all__ = ["Evaluation", "Labelled", "codebook_manifest", "evaluate_model", "labelled_rows", "read_labelled",
           "train_model_from_table"]


def _rows(path: Path, text_column: str, label_column: str | None, labels_column: str | None,
          where: Mapping[str, str] | None) -> pd.DataFrame:
    if label_column is None and labels_column is None:
        raise ValueError("give label_column (one label per row), labels_column (several per row) or both")
    needed = tuple(c for c in (text_column, label_column, labels_column, *(where or {})) if c is not None)
    frame = read_table(path, columns=needed)
    frame.index = np.arange(2, len(frame) + 2)  # spreadsheet row numbers: the header is row 1
    for column, value in (where or {}).items():
        frame = frame[frame[column] == value]
        if frame.empty:
            raise TableError(f"{path}: no row has {column} = {value!r}")
    return frame


@dataclass
class Labelled:
    """What :func:`read_labelled` found: the texts and labels, the columns (or workbook groups)
    they came from, and, for a labelling workbook, its rows without a label."""

    texts: list[str]
    single: list[str] | None
    multi: list[tuple[str, ...]] | None
    label_column: str | None
    labels_column: str | None
    workbook: LabelledWorkbook | None = None


def _is_workbook(path: Path, workbook: bool | None) -> bool:
    """Whether to read ``path`` as a labelling workbook: ``workbook`` when given (a file that is not
    one is then refused by :func:`~nlp.labelling.read_labelling_workbook`, saying why), else whether
    it is one."""
    from .labelling import is_labelling_workbook

    if workbook is not None:
        return bool(workbook)
    return is_labelling_workbook(path)


def read_labelled(
    path: str | Path,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    labels_column: str | None = None,
    labels_separator: str = ",",
    where: Mapping[str, str] | None = None,
    codebook: Codebook | None = None,
    workbook: bool | None = None,
) -> Labelled:
    """:func:`labelled_rows`, with where the labels came from.

    A labelling workbook written by ``cx sample`` (:mod:`nlp.labelling`) is read as such when
    ``workbook`` is true, or, when it is ``None``, whenever ``path`` is one: ``label_column`` and
    ``labels_column`` then name its label groups (default: its only single-label group and its only
    several-labels group), ``text_column`` may be left out, and its rows without any label are
    skipped and listed in :attr:`Labelled.workbook`'s ``unlabelled``.
    """
    path = Path(path)
    if _is_workbook(path, workbook):
        from .labelling import read_labelling_workbook, workbook_labels

        if where:
            raise DataError(f"{path} is a labelling workbook, read whole: --where ({dict(where)}) selects rows of a "
                            "table. Leave rows unlabelled to leave them out")
        found = read_labelling_workbook(path, codebook=codebook)
        if text_column is not None and text_column != found.text_column:
            raise DataError(f"{path} is a labelling workbook whose comments are in the column {found.text_column!r}, "
                            f"not {text_column!r}; leave --text-column out")
        single_group, multi_group = workbook_labels(found, label_column, labels_column)
        return Labelled(found.texts, None if single_group is None else found.single[single_group],
                        None if multi_group is None else found.multi[multi_group], single_group, multi_group, found)
    if text_column is None:
        raise ValueError(f"{path} is a table, not a labelling workbook: give the column holding the comments "
                         "(text_column, --text-column)")
    texts, single, multi = _table_rows(path, text_column, label_column, labels_column, labels_separator, where,
                                       codebook)
    return Labelled(texts, single, multi, label_column, labels_column)


def labelled_rows(
    path: str | Path,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    labels_column: str | None = None,
    labels_separator: str = ",",
    where: Mapping[str, str] | None = None,
    codebook: Codebook | None = None,
    workbook: bool | None = None,
) -> tuple[list[str], list[str] | None, list[tuple[str, ...]] | None]:
    """Texts, single labels and label sets of a labelled table; every row or a clear error.

    With a ``codebook`` (:mod:`nlp.codebook`), every label must be one of the group coding its
    column (:meth:`~nlp.codebook.Codebook.group_for`: the group named after the column, else the
    codebook's only single-label or several-labels group).

    A labelling workbook written by ``cx sample`` is read as :func:`read_labelled` says: its rows
    without any label are skipped (see :func:`read_labelled` for their count).

    Raises
    ------
    TableError
        Listing the row numbers with an empty text or an empty single label (no row is dropped), or
        a label the codebook lacks (with its rows, the labels found and the codebook's labels).
    """
    found = read_labelled(path, text_column=text_column, label_column=label_column, labels_column=labels_column,
                          labels_separator=labels_separator, where=where, codebook=codebook, workbook=workbook)
    return found.texts, found.single, found.multi


def _table_rows(path: Path, text_column: str, label_column: str | None, labels_column: str | None,
                labels_separator: str, where: Mapping[str, str] | None, codebook: Codebook | None,
                ) -> tuple[list[str], list[str] | None, list[tuple[str, ...]] | None]:
    if labels_column is not None and not labels_separator:
        raise ValueError("labels_separator is empty: give the character that joins the labels, e.g. ',' or ';'")
    frame = _rows(path, text_column, label_column, labels_column, where)
    problems: list[str] = []
    texts = frame[text_column]
    empty = [str(i) for i, t in texts.items() if not isinstance(t, str) or not t.strip()]
    if empty:
        problems.append(f"empty {text_column!r} in rows {', '.join(empty[:20])}{' …' if len(empty) > 20 else ''}")
    single = None
    if label_column is not None:
        labels = frame[label_column]
        missing = [str(i) for i, v in labels.items() if v is None or not str(v).strip()]
        if missing:
            problems.append(f"empty {label_column!r} in rows {', '.join(missing[:20])}{' …' if len(missing) > 20 else ''}")
        single = [str(v).strip() for v in labels]
    multi = None
    if labels_column is not None:
        multi = [tuple(x.strip() for x in str(v or "").split(labels_separator) if x.strip()) for v in frame[labels_column]]
        for row, row_labels in zip(frame.index, multi):
            for label in row_labels:
                if LABELS_SEPARATOR in label:  # only possible with another labels_separator
                    check_cause_labels([label], f"{path}, row {row}, column {labels_column!r}: ")
    if problems:
        raise TableError(f"{path}: " + "; ".join(problems) + ". Fill or remove these rows and train again.")
    if codebook is not None:
        rows = [int(r) for r in frame.index]
        if single is not None and label_column is not None:
            _check_codebook(codebook, path, label_column, rows, [(x,) for x in single], multi=False)
        if multi is not None and labels_column is not None:
            _check_codebook(codebook, path, labels_column, rows, multi, multi=True)
    return [str(t) for t in texts], single, multi


def _check_codebook(codebook: Codebook, path: Path, column: str, rows: list[int],
                    labels: Sequence[tuple[str, ...]], *, multi: bool) -> None:
    group = codebook.group_for(column, multi=multi)
    bad = [str(row) for row, row_labels in zip(rows, labels) if any(x not in group.ids for x in row_labels)]
    if bad:
        shown = ", ".join(bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
        group.check([x for row_labels in labels for x in row_labels],
                    f"{path}, column {column!r} (row{'s' if len(bad) > 1 else ''} {shown})")


def codebook_manifest(codebook: Codebook, columns: Mapping[str, bool]) -> dict[str, Any]:
    """What a model's manifest records of the codebook it was trained with: its name, version,
    file and which group coded each column (``columns``: column → several labels or not)."""
    return {"codebook": {"name": codebook.name, "version": codebook.version, "file": Path(codebook.source).name,
                         "groups": {column: codebook.group_for(column, multi=multi).id
                                    for column, multi in columns.items()}}}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def train_model_from_table(
    path: str | Path,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    labels_column: str | None = None,
    labels_separator: str = ",",
    where: Mapping[str, str] | None = None,
    no_causes_for: Sequence[str] = (),
    manifest: Mapping[str, Any] | None = None,
    codebook: Codebook | None = None,
    workbook: bool | None = None,
    **options: Any,
) -> FeedbackModel:
    """Train a :class:`~nlp.model.FeedbackModel` on a labelled CSV, TSV, XLSX or JSONL table, or on
    a labelling workbook filled in Excel (``cx sample``; see :func:`read_labelled`).

    ``label_column`` trains the single-label head (named after the column) and ``labels_column``
    the multi-label head (labels joined by ``labels_separator``; empty means none; a label may not
    contain ``,``, which joins several labels in the classified output). ``where`` keeps
    only rows whose columns equal the given values, e.g. ``{"split": "train"}``. A ``codebook``
    checks every label (see :func:`labelled_rows`) and is recorded in the model's manifest. Other
    keyword options go to :func:`~nlp.model.train_feedback_model`.

    From a labelling workbook, the manifest's ``training_data`` also records
    ``unlabelled_rows``: how many of the workbook's rows had no label yet and were skipped.
    """
    path = Path(path)
    found = read_labelled(path, text_column=text_column, label_column=label_column, labels_column=labels_column,
                          labels_separator=labels_separator, where=where, codebook=codebook, workbook=workbook)
    label_column, labels_column = found.label_column, found.labels_column
    texts, single, multi = found.texts, found.single, found.multi
    info: dict[str, Any] = {
        "training_data": {"file": path.name, "sha256": _sha256(path), "rows": len(texts), "where": dict(where or {})},
    }
    if found.workbook is not None:
        info["training_data"]["unlabelled_rows"] = len(found.workbook.unlabelled)
    if codebook is not None:
        columns = {c: m for c, m in ((label_column, False), (labels_column, True)) if c is not None}
        info.update(codebook_manifest(codebook, columns))
    elif found.workbook is not None and found.workbook.codebook.get("codebook_file"):
        book = found.workbook.codebook
        groups = {c: c for c in (label_column, labels_column) if c is not None}
        info["codebook"] = {"name": book["codebook"], "version": book["codebook_version"],
                            "file": book["codebook_file"], "groups": groups}
    info.update(manifest or {})
    return train_feedback_model(
        texts, sentiments=single, causes=multi, sentiment_name=label_column or "sentiment",
        causes_name=labels_column or "causes", no_causes_for=no_causes_for, manifest=info, **options,
    )


def _expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> float:
    """Mean gap between confidence and accuracy over equal-width confidence bins, weighted by size."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    gap = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            gap += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(gap)


@dataclass
class Evaluation:
    """Scores of a model on a labelled table; ``str()`` gives the printed report."""

    rows: int
    single: dict[str, Any] = field(default_factory=dict)
    multi: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    unlabelled_rows: int = 0
    """A labelling workbook's rows with no label yet, skipped (not in ``rows``)."""

    def __str__(self) -> str:
        return self.text


def evaluate_model(
    model: FeedbackModel,
    path: str | Path,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    labels_column: str | None = None,
    labels_separator: str = ",",
    where: Mapping[str, str] | None = None,
    codebook: Codebook | None = None,
    workbook: bool | None = None,
) -> Evaluation:
    """Classification report, confusion matrix and per-label F1 of ``model`` on a labelled table
    (or a filled labelling workbook: see :func:`read_labelled`).

    ``label_column`` is compared with the model's single-label head, ``labels_column`` with its
    multi-label head. A ``codebook`` checks the gold labels first (see :func:`labelled_rows`).
    """
    from sklearn.metrics import accuracy_score, classification_report, confusion_matrix, f1_score

    path = Path(path)
    found = read_labelled(path, text_column=text_column, label_column=label_column, labels_column=labels_column,
                          labels_separator=labels_separator, where=where, codebook=codebook, workbook=workbook)
    texts, single, multi = found.texts, found.single, found.multi
    label_column, labels_column = found.label_column, found.labels_column
    predicted = model.classify(texts)
    evaluation = Evaluation(rows=len(texts),
                            unlabelled_rows=0 if found.workbook is None else len(found.workbook.unlabelled))
    lines = [f"{path.name}: {len(texts)} rows" + (f" where {dict(where)}" if where else "")
             + (f" (skipped {evaluation.unlabelled_rows} rows of the workbook with no label yet)"
                if evaluation.unlabelled_rows else "")]
    if single is not None:
        if model.sentiment is None:
            raise ValueError(f"the model has no single-label head to compare with {label_column!r}")
        pred = predicted[model.sentiment_name].tolist()
        # Scores average over the gold labels; a prediction outside them (or "" for an empty
        # comment) still counts as an error in each gold label's recall.
        gold_labels = sorted(set(single))
        labels = sorted(set(single) | set(pred))
        unknown = sorted(set(single) - set(model.sentiment_labels))
        report = classification_report(single, pred, labels=labels, digits=3, zero_division=0.0)
        matrix = confusion_matrix(single, pred, labels=labels)
        evaluation.single = {
            "accuracy": accuracy_score(single, pred),
            "macro_f1": f1_score(single, pred, average="macro", labels=gold_labels, zero_division=0.0),
            "weighted_f1": f1_score(single, pred, average="weighted", labels=gold_labels, zero_division=0.0),
            "per_label_f1": dict(zip(labels, f1_score(single, pred, average=None, labels=labels, zero_division=0.0).round(4).tolist())),
            "confusion_matrix": {"labels": labels, "matrix": matrix.tolist()},
        }
        width = max(len(x) for x in labels) + 2
        lines += ["", f"== {label_column} (model head {model.sentiment_name!r})", report.rstrip(), "",
                  "confusion matrix (rows: true, columns: predicted)",
                  " " * width + "".join(f"{x:>{width}}" for x in labels)]
        lines += [f"{t:<{width}}" + "".join(f"{v:>{width}}" for v in row) for t, row in zip(labels, matrix)]
        if unknown:
            lines.append(f"note: labels {unknown} are in the data but not in the model")
        confidence = predicted[f"{model.sentiment_name}_confidence"].to_numpy()
        evaluation.single["ece"] = _expected_calibration_error(confidence, np.array(single) == np.array(pred))
        lines.append(f"accuracy {evaluation.single['accuracy']:.4f}  macro-F1 {evaluation.single['macro_f1']:.4f}  "
                     f"weighted-F1 {evaluation.single['weighted_f1']:.4f}  "
                     f"calibration error (ECE) {evaluation.single['ece']:.4f}")
    if multi is not None:
        if model.causes is None:
            raise ValueError(f"the model has no multi-label head to compare with {labels_column!r}")
        names = model.cause_labels
        unknown = sorted({x for row in multi for x in row} - set(names))
        if unknown:
            raise ValueError(f"{path}: labels {unknown} in {labels_column!r} are not labels of the model: {names}")
        gold_on = np.array([[name in row for name in names] for row in multi], dtype=int)
        pred_on = np.array([[name in row.split(",") for name in names] for row in predicted[model.causes_name]],
                           dtype=int)
        report = classification_report(gold_on, pred_on, target_names=names, digits=3, zero_division=0.0)
        # "samples avg" scores comments without any label as 0 and misleads; the rest is kept.
        report = "\n".join(line for line in report.splitlines() if "samples avg" not in line)
        evaluation.multi = {
            "macro_f1": f1_score(gold_on, pred_on, average="macro", zero_division=0.0),
            "micro_f1": f1_score(gold_on, pred_on, average="micro", zero_division=0.0),
            "per_label_f1": dict(zip(names, f1_score(gold_on, pred_on, average=None,
                                                     zero_division=0.0).round(4).tolist())),
            "exact_match": float((gold_on == pred_on).all(axis=1).mean()),
            "brier": float(np.mean((predicted[[f"p_{name}" for name in names]].to_numpy() - gold_on) ** 2)),
        }
        lines += ["", f"== {labels_column} (model head {model.causes_name!r}), multi-label", report.rstrip(),
                  (f"macro-F1 {evaluation.multi['macro_f1']:.4f}  micro-F1 {evaluation.multi['micro_f1']:.4f}  "
                  f"exact match {evaluation.multi['exact_match']:.4f}  Brier score {evaluation.multi['brier']:.4f}")]
    evaluation.text = "\n".join(lines)
    return evaluation
