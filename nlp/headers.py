"""The Vietnamese headers of the columns ``cx classify`` adds, and the way back to their ids.

``cx classify`` writes Vietnamese headers by default (``Cảm xúc chung``, ``Xác suất: Thời gian chờ
lâu``, ``Trạng thái nội dung`` …) and the column ids with ``--headers ids`` (``sentiment``,
``p_wait_time``, ``text_status`` …). This module is the one mapping between the two: the writer
names a column with :func:`classified_header`, and every reader (:func:`nlp.tables.iter_table`, so
``cx pain --feedback``, ``cx report --feedback``, ``cx evaluate``, ``cx train``, ``cx sample``,
``cx themes`` and the library functions behind them) turns the headers back into ids with
:func:`classified_ids`, so a file written either way reads back the same.

The names of the labels and of the label groups are the shipped codebook's
(:func:`nlp.codebook.default_codebook`). A column of a model trained on another codebook whose
label or head the shipped codebook lacks keeps its id in the header (``Xác suất: gia_cao``), so it
reads back too.

Only the model's columns are named: the columns of the input (the user's own) are written as they
came. A table is read as a classified file only when it has the status column (``text_status`` or
``Trạng thái nội dung``, which ``cx classify`` always writes); there, a header that is exactly the
Vietnamese header of a model column whose id is not a column already is read as that id.

>>> classified_header("sentiment"), classified_header("p_wait_time"), classified_header("text_status")
('Cảm xúc chung', 'Xác suất: Thời gian chờ lâu', 'Trạng thái nội dung')
>>> classified_ids(["id", "text", "Cảm xúc chung", "Độ tin cậy: Cảm xúc chung", "Trạng thái nội dung"])
{'Cảm xúc chung': 'sentiment', 'Độ tin cậy: Cảm xúc chung': 'sentiment_confidence', 'Trạng thái nội dung': 'text_status'}
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

__all__ = ["HEADER_STYLES", "STATUS_COLUMN", "classified_header", "classified_ids"]

HEADER_STYLES = ("vi", "ids")
"""How ``cx classify`` heads its columns: Vietnamese for people (the default), ids for programs."""

STATUS_COLUMN = "text_status"
"""The column every classified file has (the model's verdict on the comment cell); its presence, by id or
by Vietnamese header, is what makes a table a classified file for :func:`classified_ids`."""

_FIXED = {STATUS_COLUMN: "Trạng thái nội dung"}
# "<prefix><head>" columns of a head, and "<head><suffix>" ones (the names --names adds)
_PREFIXES = {"_confidence": "Độ tin cậy: ", "_evidence": "Căn cứ: "}
_SUFFIXES = {"_vi": " (tên)", "_en": " (tên tiếng Anh)"}
_PROBABILITY = "Xác suất: "
_RENAMED = ("_cx", " (cx)")  # a model column renamed because the input had it (nlp.batch.classify_file)


@lru_cache(maxsize=1)
def _names() -> tuple[dict[str, str], dict[str, str]]:
    """``({group id: vi}, {label id of a several-labels group: vi})`` of the shipped codebook."""
    from .codebook import default_codebook

    book = default_codebook()
    groups = {group.id: group.vi for group in book.groups if group.vi}
    labels = {label.id: label.vi for group in book.groups if group.multi for label in group.labels if label.vi}
    return groups, labels


def _head(column: str) -> str:
    return _names()[0].get(column, column)


def classified_header(column: str) -> str:
    """The Vietnamese header of a column ``cx classify`` writes; any other column comes back as is.

    A head (``sentiment``, ``causes``) is named as the codebook names its group, ``<head>_confidence``
    and ``<head>_evidence`` after their head, ``p_<label>`` after the label, ``<head>_vi`` /
    ``<head>_en`` (``--names``) with ``(tên)`` / ``(tên tiếng Anh)``, a column renamed ``<id>_cx``
    (the input had ``<id>``) with ``(cx)``.

    >>> classified_header("causes"), classified_header("sentiment_vi"), classified_header("sentiment_cx")
    ('Nguyên nhân trải nghiệm xấu', 'Cảm xúc chung (tên)', 'Cảm xúc chung (cx)')
    >>> classified_header("p_gia_cao"), classified_header("khu_vuc")
    ('Xác suất: gia_cao', 'khu_vuc')
    """
    groups, labels = _names()
    if column in _FIXED:
        return _FIXED[column]
    if column in groups:
        return groups[column]
    if column.endswith(_RENAMED[0]):
        base = column[: -len(_RENAMED[0])]
        header = classified_header(base)
        return header + _RENAMED[1] if header != base else column
    if column.startswith("p_") and len(column) > 2:
        label = column[2:]
        return _PROBABILITY + labels.get(label, label)
    for suffix, prefix in _PREFIXES.items():
        if column.endswith(suffix) and len(column) > len(suffix):
            return prefix + _head(column[: -len(suffix)])
    for suffix, words in _SUFFIXES.items():
        if column.endswith(suffix) and len(column) > len(suffix):
            return _head(column[: -len(suffix)]) + words
    return column


def _candidate(header: str) -> str | None:
    """The column id whose :func:`classified_header` ``header`` may be (checked by the caller)."""
    groups, labels = _names()
    for column, vi in _FIXED.items():
        if header == vi:
            return column
    by_name = {vi: group for group, vi in groups.items()}
    if header in by_name:
        return by_name[header]
    if header.endswith(_RENAMED[1]):
        base = _candidate(header[: -len(_RENAMED[1])])
        return None if base is None else base + _RENAMED[0]
    if header.startswith(_PROBABILITY):
        name = header[len(_PROBABILITY):]
        return "p_" + next((label for label, vi in labels.items() if vi == name), name)
    for suffix, prefix in _PREFIXES.items():
        if header.startswith(prefix):
            return by_name.get(header[len(prefix):], header[len(prefix):]) + suffix
    for suffix, words in _SUFFIXES.items():
        if header.endswith(words):
            return by_name.get(header[: -len(words)], header[: -len(words)]) + suffix
    return None


def classified_ids(headers: Iterable[object]) -> dict[str, str]:
    """``{Vietnamese header: column id}`` for the headers of a table written by ``cx classify`` with
    Vietnamese headers; empty for any other table (no status column, see :data:`STATUS_COLUMN`).

    A header is read as an id only when it is exactly that id's :func:`classified_header` and the
    table has no column of that id already; every other header (the input's own columns) is left
    as it is.

    >>> classified_ids(["text", "Cảm xúc chung"])  # no status column: not a classified file
    {}
    >>> classified_ids(["sentiment", "Cảm xúc chung", "Trạng thái nội dung"])
    {'Trạng thái nội dung': 'text_status'}
    """
    names = [h for h in headers if isinstance(h, str)]
    if STATUS_COLUMN not in names and _FIXED[STATUS_COLUMN] not in names:
        return {}
    taken = set(names)
    found: dict[str, str] = {}
    for header in names:
        column = _candidate(header)
        if column is None or column == header or column in taken or classified_header(column) != header:
            continue
        found[header] = column
        taken.add(column)
    return found
