"""Agreement between coders: Cohen's kappa, Fleiss' kappa and Krippendorff's alpha, per label, with
bootstrap confidence intervals, and the rows the coders disagree on, for adjudication.

How codes are read
------------------
Each coder's codes are one column: in one table (``coders=["lan", "minh"]`` names the columns), or
one file per coder joined on an id or text column (:func:`agreement_files`).

- A **single-label** group (the sentiment: one label per comment): a cell holds one label; an empty
  cell, ``NA``, ``N/A`` or ``#N/A`` means the coder did not code that row.
- A **several-labels** group (the causes): a cell holds the labels the coder gave, joined by ``,``
  or ``;`` (``"wait_time; rude_staff"``, the format ``cx train --labels-column`` reads) or by
  ``separator``. An *empty* cell means "coded: no label" (a comment with none of the causes is the
  commonest code); ``NA``, ``N/A`` or ``#N/A`` means not coded. A row missing from a coder's file
  is not coded either. Each label is then scored as its own present/absent code, the standard
  practice for multi-label coding (a 0/1 column per label converts to this form by joining the
  names of the labels marked 1).

What is reported
----------------
For each label (and, for a single-label group, the whole group as one nominal code, ``(all)``):
the share of coder pairs that agree, **Cohen's kappa** (exactly two coders; rows both coded;
:func:`sklearn.metrics.cohen_kappa_score`), **Fleiss' kappa** (any number of coders; only rows every
coder coded, as the statistic assumes a fixed number of ratings per row) and **Krippendorff's
alpha** (nominal; any number of coders, missing codes allowed: every row coded by two or more
counts; the ``krippendorff`` package). A row coded by one coder only adds to none of them and is
listed with the disagreements.

A statistic is *undefined* when chance agreement is already perfect: every code is the same (a
label nobody used, or everybody used everywhere), so agreement cannot be told from chance. It is
then ``None`` with a note saying so, never a silent NaN.

Confidence intervals are percentile bootstrap intervals over rows: ``bootstrap`` resamples of the
rows, drawn with replacement by a seeded generator, so the same data and seed give the same
intervals. Resamples in which a statistic is undefined are left out (and counted in the note).

Fleiss' kappa is computed here (a dozen lines, checked against Fleiss's published example in the
tests) rather than by statsmodels, whose import alone would add a large dependency for one formula.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError, excerpt

if TYPE_CHECKING:
    import pandas as pd

    from .codebook import Codebook, LabelGroup
    from .tables import Table

__all__ = ["ALL", "NOT_CODED", "AgreementReport", "LabelAgreement", "Score", "agreement", "agreement_files",
           "cohen_kappa", "fleiss_kappa", "item_note", "krippendorff_alpha"]

#: Cell values meaning "this coder did not code this row" (compared case-insensitively).
NOT_CODED = ("NA", "N/A", "#N/A")
_NOT_CODED = {x.casefold() for x in NOT_CODED}
_DEFAULT_SEPARATORS = re.compile(r"[,;]")
ALL = "(all)"
"""The label name of a single-label group's overall row."""


@dataclass(frozen=True)
class Score:
    """One statistic: its value and bootstrap interval, or ``None`` and a note saying why not."""

    value: float | None
    low: float | None = None
    high: float | None = None
    note: str = ""


@dataclass(frozen=True)
class LabelAgreement:
    """Agreement on one label (present/absent) or, for ``(all)``, on the whole single-label group."""

    label: str
    name: str
    pairable: int  # rows coded by two or more coders
    complete: int  # rows coded by every coder
    share: float  # rows where at least one coder gave the label (for (all): 1.0)
    percent_agreement: float | None
    cohen: Score | None  # None unless exactly two coders
    fleiss: Score
    alpha: Score


@dataclass
class AgreementReport:
    """What :func:`agreement` found: per-label statistics and the rows to adjudicate."""

    coders: list[str]
    multi: bool
    rows: int
    coded_by: dict[int, int]  # number of coders -> rows coded by that many
    labels: list[LabelAgreement]
    disagreements: pd.DataFrame
    bootstrap: int
    seed: int
    confidence: float
    notes: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """One row per label, numbers as numbers (for -o .csv/.xlsx); an undefined statistic is empty
        and its reason is in ``note``."""
        import pandas as pd

        records = []
        for item in self.labels:
            record: dict[str, Any] = {"label": item.label, "name": item.name, "rows_pairable": item.pairable,
                                      "rows_all_coders": item.complete, "share_coded": item.share,
                                      "percent_agreement": item.percent_agreement}
            notes: dict[str, str] = {}
            for column, score in self.scores(item):
                record[column], record[f"{column}_low"], record[f"{column}_high"] = score.value, score.low, score.high
                if score.note:
                    notes[column] = score.note
            record["note"] = item_note(notes)
            records.append(record)
        return pd.DataFrame.from_records(records)

    def scores(self, item: LabelAgreement) -> list[tuple[str, Score]]:
        """``(column, score)`` of the statistics reported for ``item``: Cohen's kappa only for two coders."""
        found = [("cohen_kappa", item.cohen)] if len(self.coders) == 2 and item.cohen is not None else []
        return [*found, ("fleiss_kappa", item.fleiss), ("krippendorff_alpha", item.alpha)]


def item_note(notes: Mapping[str, str]) -> str:
    """The notes of one label's statistics as one text: once when they all say the same."""
    if not notes:
        return ""
    if len(set(notes.values())) == 1:
        return next(iter(notes.values()))
    return "; ".join(f"{column}: {note}" for column, note in notes.items())


# -- the statistics ---------------------------------------------------------------------------------


def _undefined(what: str) -> str:
    return f"undefined: {what}, so agreement cannot be told from chance"


def cohen_kappa(first: Sequence[Any], second: Sequence[Any]) -> float | None:
    """Cohen's kappa of two coders' codes of the same rows (no missing values); ``None`` when
    undefined (both coders gave one and the same code everywhere).

    Computed by :func:`sklearn.metrics.cohen_kappa_score`.

    >>> cohen_kappa(["yes"] * 20 + ["yes"] * 5 + ["no"] * 10 + ["no"] * 15,
    ...             ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15)
    0.4
    """
    if len(first) != len(second):
        raise ValueError(f"the two coders have {len(first)} and {len(second)} codes; give one per row each")
    if not len(first) or len(set(first) | set(second)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    return round(float(cohen_kappa_score(list(first), list(second))), 12)


def _cohen_from_pairs(pairs: np.ndarray, k: int) -> float | None:
    """Cohen's kappa from pair codes ``first * k + second`` (the bootstrap's fast path)."""
    table = np.bincount(pairs, minlength=k * k).reshape(k, k).astype(float)
    total = table.sum()
    if total == 0:
        return None
    observed = np.trace(table) / total
    expected = float(table.sum(axis=1) @ table.sum(axis=0)) / total**2
    if expected >= 1 - 1e-12:
        return None
    return float((observed - expected) / (1 - expected))


def fleiss_kappa(counts: np.ndarray | Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from a rows × categories table of how many coders gave each category; every
    row must have the same number of codes (at least two). ``None`` when undefined (every code in
    the table is the same category).

    Fleiss (1971): the mean agreement per row, P̄, against the chance agreement from the category
    shares, P̄e: kappa = (P̄ − P̄e) / (1 − P̄e).

    >>> round(fleiss_kappa([[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0],
    ...                     [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2],
    ...                     [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]), 3)
    0.21
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or not table.size:
        return None
    raters = table.sum(axis=1)
    if not np.all(raters == raters[0]) or raters[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number (at least two) of codes in every row; got "
                         f"{sorted(set(raters.astype(int).tolist()))}")
    m = raters[0]
    per_row = (np.square(table).sum(axis=1) - m) / (m * (m - 1))
    shares = table.sum(axis=0) / table.sum()
    expected = float(np.square(shares).sum())
    if expected >= 1 - 1e-12:
        return None
    return float((per_row.mean() - expected) / (1 - expected))


def krippendorff_alpha(counts: np.ndarray | Sequence[Sequence[int]]) -> float | None:
    """Krippendorff's alpha for nominal codes, from a rows × categories table of how many coders gave
    each category (rows with fewer than two codes are left out, as alpha prescribes). ``None`` when
    undefined: no row has two codes, or every pairable code is the same category.

    Computed by the ``krippendorff`` package.

    >>> import numpy as np
    >>> nan = np.nan  # Krippendorff's own reliability data: 4 coders, 12 units
    >>> data = [[1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan], [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    ...         [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan], [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan]]
    >>> counts = np.array([[sum(row[u] == v for row in data) for v in (1, 2, 3, 4, 5)] for u in range(12)])
    >>> round(krippendorff_alpha(counts), 3)
    0.743
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2:
        return None
    table = table[table.sum(axis=1) >= 2]
    if not len(table) or np.count_nonzero(table.sum(axis=0)) < 2:
        return None
    import krippendorff

    return float(krippendorff.alpha(value_counts=table, level_of_measurement="nominal"))


# -- reading codes ----------------------------------------------------------------------------------


def _is_missing(value: Any) -> bool:
    return value is None or bool(isinstance(value, float) and np.isnan(value))


def _parse(value: Any, multi: bool, separator: str | None) -> str | frozenset[str] | None:
    """One cell as a code: a label, a set of labels, or ``None`` (not coded)."""
    if _is_missing(value):
        return frozenset() if multi else None
    text = str(value).strip()
    if text.casefold() in _NOT_CODED:
        return None
    if not multi:
        return text or None
    parts = text.split(separator) if separator else _DEFAULT_SEPARATORS.split(text)
    return frozenset(p.strip() for p in parts if p.strip())


@dataclass
class _Item:
    """One label (or the whole group) as category indices: rows × coders, -1 where not coded."""

    label: str
    codes: np.ndarray
    k: int


def _items(codes: Mapping[str, list[Any]], multi: bool, labels: list[str]) -> list[_Item]:
    coders = list(codes)
    rows = len(next(iter(codes.values())))
    items: list[_Item] = []
    if not multi:
        index = {label: i for i, label in enumerate(labels)}
        whole = np.full((rows, len(coders)), -1, dtype=np.int64)
        for j, coder in enumerate(coders):
            for i, code in enumerate(codes[coder]):
                if code is not None:
                    whole[i, j] = index[code]
        items.append(_Item(ALL, whole, len(labels)))
        for label_index, label in enumerate(labels):
            items.append(_Item(label, np.where(whole < 0, -1, (whole == label_index).astype(np.int64)), 2))
        return items
    for label in labels:
        binary = np.full((rows, len(coders)), -1, dtype=np.int64)
        for j, coder in enumerate(coders):
            for i, code in enumerate(codes[coder]):
                if code is not None:
                    binary[i, j] = int(label in code)
        items.append(_Item(label, binary, 2))
    return items


def _counts(codes: np.ndarray, k: int) -> np.ndarray:
    counts = np.zeros((codes.shape[0], k), dtype=np.int64)
    for j in range(codes.shape[1]):
        coded = codes[:, j] >= 0
        np.add.at(counts, (np.nonzero(coded)[0], codes[coded, j]), 1)
    return counts


def _percent_agreement(counts: np.ndarray) -> float | None:
    m = counts.sum(axis=1)
    pairs = (m * (m - 1)).sum()
    if pairs == 0:
        return None
    return float((counts * (counts - 1)).sum() / pairs)


class _Stats:
    """The three statistics of one item on any subset of its rows (the bootstrap passes resamples)."""

    def __init__(self, item: _Item, coders: int) -> None:
        self.k = item.k
        self.counts = _counts(item.codes, item.k)
        coded = (item.codes >= 0).sum(axis=1)
        self.complete = coded == coders
        self.pairable = coded >= 2
        self.two = coders == 2
        if self.two:
            both = self.complete
            self.pairs = item.codes[:, 0] * item.k + item.codes[:, 1]
            self.pairs_ok = both

    def cohen(self, rows: np.ndarray) -> float | None:
        chosen = rows[self.pairs_ok[rows]]
        return _cohen_from_pairs(self.pairs[chosen], self.k)

    def fleiss(self, rows: np.ndarray) -> float | None:
        chosen = rows[self.complete[rows]]
        return fleiss_kappa(self.counts[chosen]) if len(chosen) else None

    def alpha(self, rows: np.ndarray) -> float | None:
        return krippendorff_alpha(self.counts[rows[self.pairable[rows]]])


def _interval(values: list[float | None], confidence: float) -> tuple[float | None, float | None, int]:
    defined = np.array([v for v in values if v is not None], dtype=float)
    missing = len(values) - len(defined)
    if len(defined) < max(10, len(values) // 2):
        return None, None, missing
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(defined, [tail, 100 - tail])
    return float(low), float(high), missing


def _score(value: float | None, reason: str, samples: list[float | None], confidence: float) -> Score:
    if value is None:
        return Score(None, note=reason)
    if not samples:
        return Score(value)
    low, high, missing = _interval(samples, confidence)
    note = ""
    if low is None:
        note = f"no interval: undefined in {missing} of {len(samples)} resamples"
    elif missing:
        note = f"interval from {len(samples) - missing} of {len(samples)} resamples (undefined in the rest)"
    return Score(value, low, high, note)


def _reason(counts: np.ndarray, rows: np.ndarray, label: str) -> str:
    if not len(rows):
        return "no row is coded by the coders it needs"
    used = np.count_nonzero(counts[rows].sum(axis=0))
    if used < 2:
        if label == ALL:
            return _undefined("every coder gave the same label to every row")
        present = counts[rows][:, 1].sum() > 0
        return _undefined(f"every coder {'gave' if present else 'left out'} {label!r} on every row")
    return "undefined"


# -- the entry points -------------------------------------------------------------------------------


def agreement(
    data: Table | pd.DataFrame | str | PathLike[str],
    coders: Sequence[str],
    *,
    multi: bool | None = None,
    separator: str | None = None,
    codebook: Codebook | None = None,
    group: str | None = None,
    bootstrap: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> AgreementReport:
    """Agreement between the ``coders`` columns of one table (a path, a DataFrame or a
    :class:`~nlp.tables.Table`); see the module's documentation for how cells are read.

    Parameters
    ----------
    multi : bool, optional
        Several labels per cell (each label scored present/absent) or exactly one; default what the
        codebook's group says (required without a codebook).
    separator : str, optional
        What joins several labels in a cell; default ``,`` or ``;``.
    codebook, group : optional
        Check every code against the codebook's group (``group``, default the codebook's only
        single-label or several-labels group, as ``multi`` says); labels are listed in its order
        and named in Vietnamese in the table.
    bootstrap : int
        Resamples for the confidence intervals (0: none); ``seed`` makes them repeatable.

    Raises
    ------
    DataError
        Fewer than two coders, a coder named twice or not a column, no row coded by two coders, a
        code the codebook lacks (naming the coder, rows and both label sets).
    """
    from .tables import load_table

    coders = list(coders)
    if len(coders) < 2:
        raise DataError(f"agreement needs at least two coders; got {len(coders)} ({', '.join(coders) or 'none'}): "
                        "give each coder's column (--coders a,b) or one file per coder")
    doubled = sorted({c for c in coders if coders.count(c) > 1})
    if doubled:
        raise DataError(f"the coders {', '.join(map(repr, doubled))} are named twice; give each coder once")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1 (e.g. 0.95); got {confidence!r}")
    if bootstrap < 0:
        raise ValueError(f"bootstrap must be 0 (no intervals) or a number of resamples; got {bootstrap!r}")
    book_group = None
    if codebook is not None:
        if group is not None:
            book_group = codebook.group(group)
        elif multi is not None:
            book_group = codebook.group_for("", multi=multi)
        elif len(codebook.groups) == 1:
            book_group = codebook.groups[0]
        else:
            raise DataError(f"the codebook has the groups {', '.join(g.id for g in codebook.groups)}: say which one "
                            "the coders coded (--group)")
        if multi is None:
            multi = book_group.multi
        elif book_group.multi != multi:
            raise DataError(f"the codebook's group {book_group.id!r} is "
                            f"{'several-labels' if book_group.multi else 'single-label'}, but the codes are read as "
                            f"{'several' if multi else 'one'} label{'s' if multi else ''} per cell")
    if multi is None:
        raise DataError("say whether a cell holds one label or several (--multi), or give a codebook and its group")
    table = load_table(data, "codes", columns=tuple(coders))
    frame = table.frame
    codes = {coder: [_parse(v, multi, separator) for v in frame[coder].tolist()] for coder in coders}
    labels = _labels(codes, book_group, table)
    return _report(frame, table, codes, labels, multi, book_group, bootstrap, seed, confidence)


def _labels(codes: Mapping[str, list[Any]], group: LabelGroup | None, table: Table) -> list[str]:
    found: set[str] = set()
    for code_list in codes.values():
        for code in code_list:
            if isinstance(code, frozenset):
                found |= code
            elif code is not None:
                found.add(code)
    if group is None:
        return sorted(found)
    for coder, code_list in codes.items():
        bad = [table.row(i) for i, code in enumerate(code_list)
               if code is not None and any(x not in group.ids for x in ([code] if isinstance(code, str) else code))]
        if bad:
            shown = ", ".join(bad[:10]) + (f" and {len(bad) - 10} more" if len(bad) > 10 else "")
            group.check(found, f"{table.source}, coder {coder!r} ({shown})")
    return list(group.ids)


def _report(frame: pd.DataFrame, table: Table, codes: dict[str, list[Any]], labels: list[str], multi: bool,
            group: LabelGroup | None, bootstrap: int, seed: int, confidence: float) -> AgreementReport:
    coders = list(codes)
    rows = len(frame)
    coded = np.array([[c is not None for c in codes[coder]] for coder in coders], dtype=bool).T.reshape(rows, -1)
    per_row = coded.sum(axis=1)
    if not (per_row >= 2).any():
        raise DataError(f"{table.source}: no row is coded by two or more of the coders {', '.join(coders)} "
                        f"({rows} rows): agreement needs rows coded twice")
    if not labels:
        raise DataError(f"{table.source}: the coders gave no label at all; nothing to compare")
    names = group.names("vi") if group is not None else {}
    items = _items(codes, multi, labels)
    stats = [_Stats(item, len(coders)) for item in items]
    everything = np.arange(rows)
    rng = np.random.default_rng(seed)
    resamples = [rng.integers(0, rows, rows) for _ in range(bootstrap)]
    results: list[LabelAgreement] = []
    for item, stat in zip(items, stats):
        pairable = everything[stat.pairable]
        share = 1.0 if item.label == ALL else float((stat.counts[:, 1] > 0).sum() / max(1, (per_row > 0).sum()))
        cohen = None
        if stat.two:
            value = stat.cohen(everything)
            reason = _reason(stat.counts, everything[stat.complete], item.label)
            cohen = _score(value, reason, [stat.cohen(r) for r in resamples] if value is not None else [], confidence)
        value = stat.fleiss(everything)
        fleiss = _score(value, _reason(stat.counts, everything[stat.complete], item.label),
                        [stat.fleiss(r) for r in resamples] if value is not None else [], confidence)
        value = stat.alpha(everything)
        alpha = _score(value, _reason(stat.counts, pairable, item.label),
                       [stat.alpha(r) for r in resamples] if value is not None else [], confidence)
        results.append(LabelAgreement(item.label, names.get(item.label, ""), int(stat.pairable.sum()),
                                      int(stat.complete.sum()), share, _percent_agreement(stat.counts[pairable]),
                                      cohen, fleiss, alpha))
    notes = []
    if len(coders) != 2:
        notes.append(f"Cohen's kappa compares two coders; with {len(coders)}, read Fleiss' kappa and "
                     "Krippendorff's alpha")
    single = int((per_row == 1).sum())
    if single:
        notes.append(f"{single} row{'s are' if single != 1 else ' is'} coded by one coder only: not counted, listed "
                     "with the disagreements")
    if (per_row == 0).any():
        notes.append(f"{int((per_row == 0).sum())} rows are coded by nobody")
    return AgreementReport(coders, multi, rows, {n: int((per_row == n).sum()) for n in range(len(coders) + 1)},
                           results, _disagreements(frame, table, codes, coders, per_row), bootstrap, seed,
                           confidence, notes)


def _disagreements(frame: pd.DataFrame, table: Table, codes: dict[str, list[Any]], coders: list[str],
                   per_row: np.ndarray) -> pd.DataFrame:
    """The rows to adjudicate: every column of the input, then ``row``, ``issue``, ``in_dispute`` and
    an empty ``adjudicated`` column to fill."""

    keep, issues, disputes = [], [], []
    for i in range(len(frame)):
        given = {coder: codes[coder][i] for coder in coders if codes[coder][i] is not None}
        if len(given) == 1:
            keep.append(i)
            issues.append(f"coded by {next(iter(given))} only")
            disputes.append("")
        elif len(given) >= 2 and len(set(given.values())) > 1:
            keep.append(i)
            issues.append("disagreement")
            values = list(given.values())
            if isinstance(values[0], frozenset):
                union = frozenset().union(*values)
                common = frozenset.intersection(*values)
                disputes.append(", ".join(sorted(union - common)))
            else:
                disputes.append(" / ".join(f"{coder}: {code}" for coder, code in given.items()))
    out = frame.iloc[keep].copy()
    extra: dict[str, list[str] | str] = {"row": [table.row(i) for i in keep], "issue": issues,
                                         "in_dispute": disputes, "adjudicated": ""}
    for name, column_values in extra.items():
        column = name if name not in out.columns else f"{name}_cx"
        out[column] = column_values
    return out.reset_index(drop=True) if table.path is not None else out


def agreement_files(
    paths: Sequence[str | PathLike[str]],
    column: str,
    *,
    join: str,
    coders: Sequence[str] | None = None,
    **options: Any,
) -> AgreementReport:
    """Agreement between coders who each coded their own file: ``column`` of every file holds the
    codes, rows are matched on the ``join`` column (an id, or the comment text itself). A row
    missing from a file is not coded by that coder. Coders are named by ``coders`` or by the files'
    names. Other options as :func:`agreement`.

    Raises
    ------
    DataError
        Fewer than two files, a join value given twice or empty in a file (with its rows), coder names
        that are not distinct.
    """
    import pandas as pd

    from .tables import Table, load_table

    files = [Path(p) for p in paths]
    names = list(coders) if coders else [p.stem for p in files]
    if len(files) < 2:
        raise DataError(f"agreement between files needs one file per coder, at least two; got {len(files)}")
    if len(names) != len(files):
        raise DataError(f"{len(files)} files but {len(names)} coder names ({', '.join(names)}); give one name per file")
    if len(set(names)) != len(names):
        raise DataError(f"the files' names give the coders {', '.join(names)}, not all distinct: name the coders "
                        "with --coders, one per file in order")
    if join in names:
        raise DataError(f"the coder name {join!r} is also the join column; rename the coder with --coders")
    merged: pd.DataFrame | None = None
    for path, name in zip(files, names):
        table = load_table(path, "codes", columns=(join, column))
        frame = table.frame
        keys = frame[join]
        empty = [table.row(i) for i, v in enumerate(keys) if _is_missing(v) or not str(v).strip()]
        if empty:
            raise DataError(f"{path}: column {join!r} is empty in {', '.join(empty[:10])}; every row needs the value "
                            "that matches it to the other coders' files")
        doubled = keys[keys.duplicated(keep=False)]
        if len(doubled):
            first = doubled.iloc[0]
            rows = [table.row(int(i)) for i in np.nonzero((keys == first).to_numpy())[0]]
            raise DataError(f"{path}: {join} {excerpt(str(first))} is in {', '.join(rows)} ({len(doubled)} rows with a "
                            f"repeated {join!r} in all); each row must appear once per coder's file")
        # An empty cell is a code ("no label" in a several-labels column); a row missing from this file
        # is not: after the join it is marked not coded.
        part = frame[[join, column]].rename(columns={column: name}).fillna("")
        merged = part if merged is None else merged.merge(part, on=join, how="outer", sort=False)
    assert merged is not None
    merged = merged.fillna(NOT_CODED[0])
    merged.index = pd.Index(merged[join].tolist(), name=join)
    source = " + ".join(str(p) for p in files)
    return agreement(Table(merged, source), names, **options)
