"""Customer comments on a journey: attach them to touchpoints, summarise them, write the numbers back.

:func:`attach_feedback` finds the touchpoint(s) each comment is about, by a column of touchpoint ids or
names or by the touchpoint names and aliases mentioned in the text (typed with or without diacritics),
and adds the sentiment and causes of :func:`nlp.classify_feedback` when they are not there yet.
:func:`summarize_feedback` turns that into one row per touchpoint with shares, cause counts and
representative quotes; :func:`set_feedback` writes the numbers onto the touchpoints' ``metrics``.
:func:`other_complaints` groups the complaints that name none of the causes into themes
(:mod:`nlp.themes`), with counts per touchpoint.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

from .errors import DataError
from .resolve import DEFAULT_TOUCHPOINT_COLUMN, TouchpointResolver, touchpoint_key
from .text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd
    from spacy.tokenizer import Tokenizer

    from nlp.model import FeedbackModel
    from nlp.tables import Table

    from .journey import Journey

__all__ = [
    "FEEDBACK_METRICS",
    "LABEL_SOURCES",
    "OTHER_COMPLAINTS_K_RANGE",
    "OTHER_COMPLAINTS_MIN",
    "OTHER_COMPLAINTS_SAMPLE_FOR_K",
    "UNMATCHED",
    "FeedbackNumbers",
    "OtherComplaints",
    "OtherTheme",
    "attach_feedback",
    "feedback_numbers",
    "other_complaints",
    "pick_quotes",
    "set_feedback",
    "summarize_feedback",
    "summary_touchpoints",
]

UNMATCHED = "(unmatched)"
"""The summary row of comments that matched no touchpoint."""

FEEDBACK_METRICS = ("comments", "negative_share", "neutral_share", "positive_share")
"""Metric keys :func:`set_feedback` writes (plus one ``cause_<id>`` count per cause mentioned)."""

LABEL_SOURCES = ("given", "model", "mixed")
"""Where comment labels come from (``attrs["labels"]`` of :func:`attach_feedback` and
:func:`summarize_feedback`): the input's own ``sentiment``/``causes`` columns (a person's coding),
the classifier, or both; :data:`journeymap.terms.SOURCES` names them in Vietnamese."""

_SENTIMENTS = ("negative", "neutral", "positive")
_MAX_LISTED = 20
_SHOWN_CHARS = 50  # of a value quoted in a message; a longer one is cut, its length given


def attach_feedback(
    journey: Journey,
    comments: Table | pd.DataFrame | str | Path,
    *,
    text_column: str = "text",
    touchpoint_column: str | None = DEFAULT_TOUCHPOINT_COLUMN,
    classify: bool | Literal["auto"] = "auto",
    model: FeedbackModel | str | Path | None = None,
) -> pd.DataFrame:
    """Find the touchpoints each comment is about, and classify the comments if needed.

    Matching, per comment:

    1. By ``touchpoint_column``, when the comments have it and the cell is not empty, by the
       toolkit's one rule (:class:`journeymap.resolve.TouchpointResolver`, the rule that
       :func:`~journeymap.compare.compare_journeys` and
       :func:`~journeymap.discover.discover_journey` use): a touchpoint id, name or alias (compared
       case-insensitively, with diacritics and runs of spaces ignored), or the id the value would
       be given. A value that names no touchpoint, or several (a shared name or alias), is an
       error.
    2. Otherwise by the text: every touchpoint whose ``name`` or one of whose ``aliases`` occurs in
       the comment as whole words, compared without diacritics and case, so ``"tra hang"``,
       ``"Trả hàng"`` and ``"TRẢ HÀNG"`` all match the alias ``"trả hàng"``. Overlapping mentions
       keep the longest (``"voucher mua lại"`` wins over ``"voucher"``); an alias shared by several
       touchpoints matches all of them. A comment may be about several touchpoints; they are listed
       in the order they are first mentioned.
    3. A comment matching nothing is kept with an empty list.

    Parameters
    ----------
    journey : Journey
        The journey whose touchpoints the comments are attached to.
    comments : pandas.DataFrame or path
        The comments, or a CSV/TSV/XLSX/JSONL file of them (read as text with
        :func:`nlp.read_table`, e.g. the output of ``cx classify``).
    text_column : str
        The column holding the comment text.
    touchpoint_column : str or None, default "touchpoint"
        A column naming the touchpoint each comment is about (e.g. the survey that collected it).
        The default column is used when the comments have it; another name must exist. ``None``
        matches every comment by its text.
    classify : {"auto", True, False}
        ``"auto"`` runs :func:`nlp.classify_feedback` when the ``sentiment`` or ``causes`` column is
        missing and adds only the columns that are missing; ``True`` always runs it and replaces the
        classifier's columns; ``False`` never runs it, and then ``sentiment`` and ``causes`` must be
        present.
    model : nlp.FeedbackModel or path, optional
        The model used when classifying; the shipped model by default. A model trained on another
        codebook (``cx train``) adds the columns its heads are named after (``topic``,
        ``topic_confidence``, a multi-label ``themes`` as lists, ``p_<label>``) with its own labels;
        :func:`summarize_feedback` counts this codebook's ``sentiment`` and ``causes`` only.

    Returns
    -------
    pandas.DataFrame
        A copy of every comment row, in order, with all its columns, plus ``touchpoints`` (list of
        touchpoint ids, possibly empty), ``matched_by`` (``"column"``, ``"alias"`` or ``""``) and the
        classifier's columns (``sentiment``, ``sentiment_confidence``, ``causes``, ``p_<cause>``,
        ``text_status``). ``causes`` becomes a list of cause ids (files hold them comma-separated),
        ``sentiment_confidence`` a float, and ``text_status`` is added when absent. ``attrs["labels"]``
        says where the sentiment and causes come from: ``"given"`` (columns of the input: a person's
        coding), ``"model"`` (all predicted) or ``"mixed"`` (see :data:`LABEL_SOURCES`).

    Raises
    ------
    DataError
        A missing column; a touchpoint column value that names no touchpoint or several (the message
        lists the rows, the values and the journey's ids); a sentiment other than negative, neutral
        or positive on a comment with text; ``classify=False`` without ``sentiment``/``causes``.
    ValueError
        ``classify`` not ``True``, ``False`` or ``"auto"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng online", stages=["Mua", "Đổi trả"])
    >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["voucher"])
    >>> j.add_touchpoint("tra_hang", name="Yêu cầu trả hàng", stage="Đổi trả", aliases=["trả hàng"])
    >>> comments = pd.DataFrame({
    ...     "text": ["TRA HANG mất 2 tuần, áp voucher cũng lỗi", "Giao nhanh, cảm ơn shop", "Trả hàng dễ"],
    ...     "sentiment": ["negative", "positive", "positive"],
    ...     "causes": ["wait_time", "", ""],
    ... })
    >>> attached = attach_feedback(j, comments)
    >>> attached[["touchpoints", "matched_by"]].values.tolist()
    [[['tra_hang', 'gio_hang'], 'alias'], [[], ''], [['tra_hang'], 'alias']]
    >>> attached["causes"].tolist()
    [['wait_time'], [], []]
    """
    if not (isinstance(classify, bool) or classify == "auto"):
        raise ValueError(f"classify must be True, False or 'auto'; got {classify!r}")
    frame, rows, source = _read_comments(comments)
    if touchpoint_column == DEFAULT_TOUCHPOINT_COLUMN and touchpoint_column not in frame.columns:
        touchpoint_column = None
    _require_columns(frame, [text_column] + ([touchpoint_column] if touchpoint_column is not None else []), source)

    texts = frame[text_column].tolist()
    if touchpoint_column is not None:
        by_column = _touchpoints_from_column(
            journey, frame[touchpoint_column].tolist(), touchpoint_column, rows, source
        )
    else:
        by_column = [None] * len(frame)

    label_columns = ["sentiment", "causes"]
    loaded = None
    if model is not None and classify is not False:
        # A model trained on another codebook names its own columns (cx train --label-column …).
        from nlp.persist import load_model

        loaded = model = load_model(model) if isinstance(model, (str, Path)) else model
        label_columns = [name for name, head in ((model.sentiment_name, model.sentiment),
                                                 (model.causes_name, model.causes)) if head is not None]
    missing = [c for c in label_columns if c not in frame.columns]
    if classify is False and missing:
        raise DataError(
            f"{source} has no {' or '.join(map(repr, missing))} column and classify=False; "
            f"give pre-classified comments (columns 'sentiment' and 'causes') or use classify='auto'"
        )
    # Where the labels come from, for every page that shows a figure made of them (LABEL_SOURCES).
    labels = "model" if classify is True or len(missing) == len(label_columns) else "mixed" if missing else "given"
    if classify is True or missing:
        from nlp.model import classify_feedback

        predicted = classify_feedback(texts, model=model)
        for column in predicted.columns:
            if classify is True or column not in frame.columns:
                frame[column] = predicted[column].to_numpy()
    lists, check_sentiment = ["causes"], True
    if loaded is not None:
        lists += [loaded.causes_name] if loaded.causes is not None else []
        # the sentiment check is this codebook's; another codebook's labels are its own business
        check_sentiment = loaded.sentiment is not None and set(loaded.sentiment.classes_) <= set(_SENTIMENTS)
    _normalize_classified(frame, texts, rows, source, lists=lists, check_sentiment=check_sentiment)

    need_alias = [i for i, ids in enumerate(by_column) if ids is None]
    found = _match_aliases(journey, [texts[i] for i in need_alias])
    touchpoints: list[list[str]] = [[] if ids is None else ids for ids in by_column]
    matched_by = ["" if ids is None else "column" for ids in by_column]
    for i, ids in zip(need_alias, found):
        touchpoints[i] = ids
        matched_by[i] = "alias" if ids else ""
    frame["touchpoints"] = _object_column(touchpoints)
    frame["matched_by"] = matched_by
    frame.attrs["labels"] = labels
    return frame


def summarize_feedback(
    journey: Journey,
    comments: Table | pd.DataFrame | str | Path,
    *,
    text_column: str = "text",
    quotes: int = 3,
    touchpoint_column: str | None = DEFAULT_TOUCHPOINT_COLUMN,
    classify: bool | Literal["auto"] = "auto",
    model: FeedbackModel | str | Path | None = None,
) -> pd.DataFrame:
    """Comments per touchpoint: how many, how negative, which causes, and what customers wrote.

    The one call from raw comments to the per-touchpoint summary: comments that are not yet attached
    (a file, or a frame without the ``touchpoints`` column that :func:`attach_feedback` adds) are
    attached first, with ``touchpoint_column``, ``classify`` and ``model`` passed on. A comment
    attached to several touchpoints counts once for each of them.

    Quotes are chosen, per touchpoint, among its comments with text, in this order: negative
    comments that name the touchpoint's most frequent cause, then other negative comments, then the
    rest; within each group the highest ``sentiment_confidence`` first (then the order of the
    rows). A text already quoted (compared ignoring case and runs of spaces) is skipped. Quotes are
    the whole comments exactly as written.

    Parameters
    ----------
    journey : Journey
        The journey the comments were attached to.
    comments : pandas.DataFrame or path
        The output of :func:`attach_feedback` (columns ``touchpoints``, ``sentiment``, ``causes`` and
        ``text_column``; ``sentiment_confidence`` and ``text_status`` are used when present), or
        comments not yet attached: a frame or a CSV/TSV/XLSX/JSONL file.
    text_column : str
        The column holding the comment text.
    quotes : int
        How many quotes to keep per touchpoint.
    touchpoint_column, classify, model
        Passed to :func:`attach_feedback` when the comments are not attached yet; ignored otherwise.

    Returns
    -------
    pandas.DataFrame
        Indexed by touchpoint id (named ``touchpoint``), one row per touchpoint in journey order,
        including those without comments, then the row ``"(unmatched)"`` for comments attached to
        none. Columns: ``name``, ``stage``, ``comments`` (comments with text), ``empty`` (empty or
        non-text comments, counted apart and never quoted), ``negative_share``, ``neutral_share``,
        ``positive_share`` (fractions of ``comments``, 0 when there are none), ``cause_<id>`` (the
        number of comments naming each cause: the six causes of :mod:`nlp.labels`, then any other
        id found, alphabetically), ``top_causes`` (list of ``(cause, count)`` for the causes named,
        most frequent first, ties by cause id) and ``quotes`` (list of texts). ``attrs["labels"]``
        carries where the labels come from, as set by :func:`attach_feedback`.

    Raises
    ------
    DataError
        A missing column, a touchpoint id that is not in the journey, or a bad sentiment.
    ValueError
        ``quotes`` not an integer >= 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng online", stages=["Đổi trả"])
    >>> j.add_touchpoint("tra_hang", name="Yêu cầu trả hàng", stage="Đổi trả", aliases=["trả hàng"])
    >>> attached = attach_feedback(j, pd.DataFrame({
    ...     "text": ["Trả hàng chờ 2 tuần chưa xong", "tra hang qua lau", "Trả hàng dễ", "Ship nhanh"],
    ...     "sentiment": ["negative", "negative", "positive", "positive"],
    ...     "sentiment_confidence": [0.7, 0.9, 0.8, 0.9],
    ...     "causes": ["wait_time,unresolved", "wait_time", "", ""],
    ... }))
    >>> summary = summarize_feedback(j, attached, quotes=2)
    >>> summary.loc["tra_hang", ["comments", "empty", "cause_wait_time", "cause_rude_staff"]].tolist()
    [3, 0, 2, 0]
    >>> summary.loc["tra_hang", ["negative_share", "positive_share"]].round(3).tolist()
    [0.667, 0.333]
    >>> summary.loc["tra_hang", "top_causes"]
    [('wait_time', 2), ('unresolved', 1)]
    >>> summary.loc["tra_hang", "quotes"]
    ['tra hang qua lau', 'Trả hàng chờ 2 tuần chưa xong']
    >>> summary.loc["(unmatched)", "quotes"]
    ['Ship nhanh']
    """
    import pandas as pd

    if isinstance(quotes, bool) or not isinstance(quotes, int) or quotes < 0:
        raise ValueError(f"quotes must be an integer >= 0; got {quotes!r}")
    if not isinstance(comments, pd.DataFrame) or "touchpoints" not in comments.columns:
        comments = attach_feedback(journey, comments, text_column=text_column, touchpoint_column=touchpoint_column,
                                   classify=classify, model=model)
    attached = comments
    source = "attached comments"
    _require_columns(attached, [text_column, "touchpoints", "sentiment", "causes"], source)
    frame = attached.copy()
    rows = [f"index {label!r}" for label in frame.index]
    texts = frame[text_column].tolist()
    _normalize_classified(frame, texts, rows, source)

    ids = list(journey.graph.nodes)
    buckets: dict[str, list[int]] = {key: [] for key in [*ids, UNMATCHED]}
    unknown: list[tuple[str, Any]] = []
    for position, value in enumerate(frame["touchpoints"].tolist()):
        attached_to = _as_id_list(value)
        for tp in attached_to:
            if tp in buckets and tp != UNMATCHED:
                buckets[tp].append(position)
            else:
                unknown.append((rows[position], tp))
        if not attached_to:
            buckets[UNMATCHED].append(position)
    if unknown:
        raise DataError(
            f"{source}: column 'touchpoints' names touchpoints that are not in journey {journey.title!r}: "
            f"{_listed(f'{row}: {_shown(tp)}' for row, tp in unknown)}; ids: {', '.join(ids)}"
        )

    status = frame["text_status"].tolist()
    sentiments = frame["sentiment"].tolist()
    causes = frame["causes"].tolist()
    confidence = frame["sentiment_confidence"].tolist() if "sentiment_confidence" in frame.columns else None
    cause_ids = _cause_ids(causes)

    records = []
    for key, positions in buckets.items():
        usable = [p for p in positions if status[p] == "ok"]
        n = len(usable)
        counts = {c: 0 for c in cause_ids}
        for p in usable:
            for c in set(causes[p]):
                counts[c] += 1
        top = sorted(((c, k) for c, k in counts.items() if k), key=lambda item: (-item[1], item[0]))
        attrs = journey.graph.nodes[key] if key != UNMATCHED else {}
        record: dict[str, Any] = {
            "name": attrs.get("name", ""),
            "stage": attrs.get("stage", ""),
            "comments": n,
            "empty": len(positions) - n,
        }
        for sentiment in _SENTIMENTS:
            hits = sum(1 for p in usable if sentiments[p] == sentiment)
            record[f"{sentiment}_share"] = hits / n if n else 0.0
        record.update({f"cause_{c}": counts[c] for c in cause_ids})
        record["top_causes"] = top
        record["quotes"] = pick_quotes(
            usable, texts, sentiments, causes, confidence, top[0][0] if top else None, quotes
        )
        records.append(record)
    summary = pd.DataFrame.from_records(records, index=pd.Index(list(buckets), name="touchpoint"))
    if attached.attrs.get("labels") in LABEL_SOURCES:
        summary.attrs["labels"] = attached.attrs["labels"]
    return summary


def set_feedback(journey: Journey, summary: pd.DataFrame) -> None:
    """Write comment numbers onto the touchpoints' ``metrics``, in place.

    For each touchpoint row of ``summary`` (the ``"(unmatched)"`` row is skipped), the feedback keys
    a previous call wrote (``comments``, the ``*_share`` keys and every ``cause_<id>`` key) are
    replaced by: ``comments``; when there are comments, ``negative_share``, ``neutral_share`` and
    ``positive_share`` as percentages (0–100, one decimal, like ``csat``) and ``cause_<id>``
    counts for the causes named at least once. Other metrics, and the touchpoints' text (pain
    points, opportunities), are left alone; touchpoints without a summary row are not touched.

    Parameters
    ----------
    journey : Journey
        Modified in place, like :func:`networkx.set_node_attributes`.
    summary : pandas.DataFrame
        The output of :func:`summarize_feedback`.

    Raises
    ------
    DataError
        A summary row for a touchpoint that is not in the journey, or a missing column.

    Examples
    --------
    >>> import pandas as pd
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng online", stages=["Đổi trả"])
    >>> j.add_touchpoint("tra_hang", name="Yêu cầu trả hàng", stage="Đổi trả", metrics={"csat": 72.5})
    >>> attached = attach_feedback(j, pd.DataFrame({
    ...     "text": ["Trả hàng chờ 2 tuần", "Yêu cầu trả hàng xong trong 1 ngày", "yeu cau tra hang ok"],
    ...     "sentiment": ["negative", "positive", "neutral"], "causes": ["wait_time", "", ""]}))
    >>> set_feedback(j, summarize_feedback(j, attached))
    >>> j.graph.nodes["tra_hang"]["metrics"]
    {'csat': 72.5, 'comments': 2, 'negative_share': 0.0, 'neutral_share': 50.0, 'positive_share': 50.0}
    """
    source = "feedback summary"
    _require_columns(summary, list(FEEDBACK_METRICS), source)
    labels = summary_touchpoints(journey, summary, source=source)
    cause_columns = [c for c in summary.columns if str(c).startswith("cause_")]
    for label in labels:
        row = summary.loc[label].to_dict()
        attrs = journey.graph.nodes[label]
        metrics = {
            k: v
            for k, v in (attrs.get("metrics") or {}).items()
            if k not in FEEDBACK_METRICS and not k.startswith("cause_")
        }
        comments = int(row["comments"])
        metrics["comments"] = comments
        if comments:
            for key in FEEDBACK_METRICS[1:]:
                metrics[key] = round(float(row[key]) * 100, 1)
            metrics.update({c: int(row[c]) for c in cause_columns if row[c]})
        attrs["metrics"] = metrics


# -- reading and checking -------------------------------------------------------------------------


def _read_comments(comments: Table | pd.DataFrame | str | Path) -> tuple[pd.DataFrame, list[str], str]:
    """The comments as a new DataFrame, how to name each row in messages, and what to call the table."""
    from nlp.tables import load_table

    table = load_table(comments, "comments")
    return table.frame.copy(), table.rows, table.source


@dataclass(frozen=True)
class FeedbackNumbers:
    """A touchpoint's comment numbers, as :func:`feedback_numbers` reads them."""


    comments: int
    negative_share: float | None
    causes: list[tuple[str, int]]


def feedback_numbers(journey: Journey, summary: pd.DataFrame | None = None) -> dict[str, FeedbackNumbers]:
    """Comment numbers per touchpoint, from a :func:`summarize_feedback` table or, without one, from
    the metrics :func:`set_feedback` wrote; the canvas and the pain ranking both read them here.

    Raises
    ------
    DataError
        For a table that is not a summary (columns listed) or holds values out of range (rows listed).
    """
    out: dict[str, FeedbackNumbers] = {}
    if summary is None:
        for node, attrs in journey.graph.nodes(data=True):
            metrics = attrs.get("metrics") or {}
            if "comments" not in metrics:
                continue
            causes = [(k[len("cause_"):], int(v)) for k, v in metrics.items() if k.startswith("cause_") and v]
            share = metrics.get("negative_share")
            out[node] = FeedbackNumbers(
                int(metrics["comments"]),
                None if share is None else float(share) / 100,
                sorted(causes, key=lambda item: (-item[1], item[0])),
            )
        return out

    required = ["comments", "negative_share", "top_causes"]
    missing = [c for c in required if c not in summary.columns]
    if missing:
        raise DataError(
            f"feedback has no column {', '.join(map(repr, missing))}; give the output of summarize_feedback "
            f"(attach_feedback's output must be summarised first); its columns are: "
            f"{', '.join(map(repr, map(str, summary.columns)))}"
        )
    summary_touchpoints(journey, summary, source="feedback")
    bad: dict[str, list[str]] = {"comments": [], "negative_share": [], "top_causes": []}
    for label, comments, share, top in zip(
        summary.index, summary["comments"], summary["negative_share"], summary["top_causes"]
    ):
        if label == UNMATCHED:
            continue
        count = _whole_number(comments)
        fraction = _fraction(share)
        counted = _cause_counts(top)
        for column, value, ok in (
            ("comments", comments, count is not None),
            ("negative_share", share, fraction is not None),
            ("top_causes", top, counted is not None),
        ):
            if not ok:
                bad[column].append(f"index {label!r}: {_shown(value)}")
        if count is not None and fraction is not None and counted is not None:
            out[label] = FeedbackNumbers(count, fraction if count else None, counted)
    allowed = {
        "comments": "a whole number >= 0",
        "negative_share": "a share between 0 and 1",
        "top_causes": "a list of (cause id, count) pairs",
    }
    problems = [f"column {c!r} must hold {allowed[c]}; got {_listed(rows)}" for c, rows in bad.items() if rows]
    if problems:
        raise DataError("feedback: " + "; ".join(problems))
    return out


def _whole_number(value: Any) -> int | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return int(number) if number >= 0 and number.is_integer() else None


def _fraction(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= 1 else None


def _cause_counts(value: Any) -> list[tuple[str, int]] | None:
    if not isinstance(value, (list, tuple)):
        return None
    out = []
    for item in value:
        if not isinstance(item, (list, tuple)) or len(item) != 2 or _whole_number(item[1]) is None:
            return None
        out.append((str(item[0]), int(item[1])))
    return out


def summary_touchpoints(journey: Journey, summary: pd.DataFrame, *, source: str = "feedback summary") -> list[str]:
    """The touchpoint rows of a :func:`summarize_feedback` table; an error names any not in the journey."""
    labels = [label for label in summary.index if label != UNMATCHED]
    unknown = [label for label in labels if label not in journey.graph]
    if unknown:
        raise DataError(
            f"{source} has rows for touchpoints that are not in journey {journey.title!r}: "
            f"{_listed(repr(label) for label in unknown)}; ids: {', '.join(map(str, journey.graph.nodes))}"
        )
    return labels


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], source: str) -> None:
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise DataError(
            f"{source} has no column {', '.join(map(repr, missing))}; "
            f"its columns are: {', '.join(map(repr, map(str, frame.columns)))}"
        )


def _is_missing(value: Any) -> bool:
    import pandas as pd

    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _is_blank(value: Any) -> bool:
    return _is_missing(value) or (isinstance(value, str) and not value.strip())


def _shown(value: Any) -> str:
    """``repr(value)`` for a message; a long value cut to an excerpt that says how long it is."""
    text = repr(value)
    if len(text) <= _SHOWN_CHARS:
        return text
    size = len(value) if isinstance(value, str) else len(text)
    return f"{text[:_SHOWN_CHARS]}… ({size:,} characters)"


def _listed(items: Any) -> str:
    items = list(items)
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (" …" if len(items) > _MAX_LISTED else "")


def _object_column(values: list[Any]) -> Any:
    import numpy as np

    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _touchpoints_from_column(
    journey: Journey, values: list[Any], column: str, rows: list[str], source: str
) -> list[list[str] | None]:
    """Touchpoint ids named in ``column`` (``None`` where the cell is empty)."""
    resolver = TouchpointResolver(journey)
    found: list[list[str] | None] = []
    unknown: list[str] = []
    ambiguous: list[str] = []
    for position, value in enumerate(values):
        if _is_blank(value):
            found.append(None)
            continue
        match = resolver.find(str(value))
        if match.id is not None:
            found.append([match.id])
            continue
        found.append(None)
        if match.ambiguous:
            ambiguous.append(f"{rows[position]}: {_shown(value)} ({match.by} of {resolver.describe(match)})")
        else:
            unknown.append(f"{rows[position]}: {_shown(value)}")
    problems = []
    if unknown:
        problems.append(f"values that are no touchpoint's id, name or alias in {_listed(unknown)}")
    if ambiguous:
        problems.append(f"names shared by several touchpoints in {_listed(ambiguous)}; use the id")
    if problems:
        raise DataError(
            f"{source}: column {column!r} has " + "; ".join(problems)
            + f". Allowed: a touchpoint id, name or alias of journey {_shown(journey.title)}, or empty to match by "
            f"the text; ids: {', '.join(map(str, journey.graph.nodes))}"
        )
    return found


def _as_id_list(value: Any) -> list[str]:
    """A list of ids from a list, a tuple, a comma-separated string or an empty cell."""
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    if _is_blank(value):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    try:
        return [str(v).strip() for v in value if str(v).strip()]  # e.g. a NumPy array from Parquet
    except TypeError:
        raise TypeError(f"expected a list of ids or comma-separated text; got {value!r}") from None


def _normalize_classified(
    frame: pd.DataFrame, texts: list[Any], rows: list[str], source: str, lists: Sequence[str] = ("causes",),
    check_sentiment: bool = True,
) -> None:
    """Causes (and the other multi-label ``lists`` there are) as lists, confidence as floats,
    ``text_status`` present, sentiments checked when there are any; in place."""
    for column in dict.fromkeys(c for c in lists if c in frame.columns):
        bad, values = [], []
        for position, value in enumerate(frame[column].tolist()):
            try:
                values.append(_as_id_list(value))
            except TypeError:
                values.append([])
                bad.append(f"{rows[position]}: {_shown(value)}")
        if bad:
            raise DataError(
                f"{source}: column {column!r} must hold lists of label ids or comma-separated ids; got {_listed(bad)}"
            )
        frame[column] = _object_column(values)

    if "text_status" not in frame.columns:
        from nlp.model import text_status

        frame["text_status"] = [text_status(t) for t in texts]
    status = frame["text_status"].tolist()
    if not check_sentiment or "sentiment" not in frame.columns:
        return
    bad_sentiment = [
        f"{rows[p]}: {_shown(s)}"
        for p, s in enumerate(frame["sentiment"].tolist())
        if status[p] == "ok" and s not in _SENTIMENTS
    ]
    if bad_sentiment:
        raise DataError(
            f"{source}: column 'sentiment' must be one of {', '.join(_SENTIMENTS)} for every comment with text; "
            f"got {_listed(bad_sentiment)}"
        )

    if "sentiment_confidence" in frame.columns:
        frame["sentiment_confidence"] = _floats(frame["sentiment_confidence"].tolist(), "sentiment_confidence", rows,
                                                source)


def _floats(values: list[Any], column: str, rows: list[str], source: str) -> list[float]:
    out, bad = [], []
    for position, value in enumerate(values):
        if _is_blank(value):
            out.append(math.nan)
            continue
        try:
            out.append(float(value))
        except (TypeError, ValueError):
            out.append(math.nan)
            bad.append(f"{rows[position]}: {_shown(value)}")
    if bad:
        raise DataError(f"{source}: column {column!r} must hold numbers (or be empty); got {_listed(bad)}")
    return out


# -- matching by aliases ----------------------------------------------------------------------------


def _match_aliases(journey: Journey, texts: list[Any]) -> list[list[str]]:
    """The touchpoints whose name or aliases each text mentions, in order of first mention."""
    import spacy
    from spacy.matcher import PhraseMatcher
    from spacy.util import filter_spans

    # The Vietnamese tokenizer without pyvi splits on spaces only, so "hàng," would not match "hàng";
    # folded text is plain Latin letters, which the multi-language rules split from punctuation.
    pipeline = spacy.blank("xx")
    owners: dict[str, list[str]] = {}
    for tp, attrs in journey.graph.nodes(data=True):
        for phrase in [attrs["name"], *attrs.get("aliases", [])]:
            key = touchpoint_key(phrase)
            if key and tp not in owners.setdefault(key, []):
                owners[key].append(tp)
    matcher = PhraseMatcher(pipeline.vocab, attr="LOWER")
    for key in owners:
        matcher.add(key, [pipeline.make_doc(key)])

    folded = (fold_diacritics(t) if isinstance(t, str) else "" for t in texts)
    found = []
    tokenizer = cast("Tokenizer", pipeline.tokenizer)  # spaCy types the attribute as a plain callable
    for doc in tokenizer.pipe(folded, batch_size=1000):
        ids: dict[str, None] = {}
        for span in filter_spans(matcher(doc, as_spans=True)):
            ids.update(dict.fromkeys(owners[span.label_]))
        found.append(list(ids))
    return found


# -- summarising ----------------------------------------------------------------------------------


def _cause_ids(causes: list[list[str]]) -> list[str]:
    from nlp.labels import CAUSES

    known = [c.id for c in CAUSES]
    others = sorted({c for row in causes for c in row} - set(known))
    return known + others


def pick_quotes(
    positions: list[int],
    texts: list[Any],
    sentiments: list[Any],
    causes: list[list[str]],
    confidence: list[float] | None,
    top_cause: str | None,
    k: int,
) -> list[str]:
    """Up to ``k`` comments to quote, of those at ``positions`` in the parallel lists ``texts``,
    ``sentiments`` (``"negative"`` …), ``causes`` (cause ids per comment) and ``confidence`` (the
    sentiment's, or None): negative comments naming ``top_cause`` first, then other negative ones,
    then the rest; the most confident first within each group, then in input order. A comment that
    repeats one already picked (same words, ignoring case and spacing) is skipped. The summary
    (:func:`summarize_feedback`, column ``quotes``), the report and the deck quote these.

    >>> pick_quotes([0, 1, 2, 3], ["Ổn", "Chờ lâu quá", "chờ  LÂU quá", "Phí cao"],
    ...             ["positive", "negative", "negative", "negative"], [[], ["wait"], ["wait"], ["price"]],
    ...             None, "price", 3)
    ['Phí cao', 'Chờ lâu quá', 'Ổn']
    """
    def order(p: int) -> tuple[int, float, int]:
        negative = sentiments[p] == "negative"
        group = 0 if negative and top_cause in causes[p] else 1 if negative else 2
        score = confidence[p] if confidence is not None else math.nan
        return group, -score if not math.isnan(score) else math.inf, p

    picked: list[str] = []
    seen: set[str] = set()
    for p in sorted(positions, key=order):
        if len(picked) == k:
            break
        key = " ".join(str(texts[p]).split()).casefold()
        if key not in seen:
            seen.add(key)
            picked.append(texts[p])
    return picked



# -- what the causes miss ---------------------------------------------------------------------------

OTHER_COMPLAINTS_MIN = 10
"""The fewest comments without a cause that :func:`other_complaints` groups into themes."""

OTHER_COMPLAINTS_K_RANGE = (5, 10)
"""The numbers of themes :func:`other_complaints` tries (``k="auto"``): a report's table, read at a glance."""

OTHER_COMPLAINTS_SAMPLE_FOR_K = 2_000
"""The most comments :func:`other_complaints` fits each candidate number of themes on (the chosen one is
fitted on all): what keeps the report and ``cx pain`` quick on a large feedback file."""


@dataclass(frozen=True)
class OtherTheme:
    """One theme of the complaints that name none of the causes, as the report and ``cx pain`` show it."""

    number: int
    label: str
    key_phrases: tuple[str, ...]
    comments: int
    by_touchpoint: dict[str, int]
    """Comments per touchpoint id (journey order, then :data:`UNMATCHED` for comments matched to none); a
    comment about two touchpoints counts for each."""
    quote: str


@dataclass(frozen=True)
class OtherComplaints:
    """The comments that are not positive and name none of the causes, grouped into themes."""

    themes: list[OtherTheme]
    comments: int
    """How many comments were grouped (themed or not)."""
    unthemed: int

    def top_by_touchpoint(self) -> dict[str, tuple[str, int]]:
        """Per touchpoint id, the theme with most of its comments (the smaller number on a tie) and the count."""
        best: dict[str, tuple[str, int]] = {}
        for theme in self.themes:
            for node, count in theme.by_touchpoint.items():
                if node != UNMATCHED and count > best.get(node, ("", 0))[1]:
                    best[node] = (theme.label, count)
        return best


def other_complaints(
    journey: Journey, attached: pd.DataFrame, *, text_column: str = "text", k: int | Literal["auto"] = "auto",
    seed: int = 0, k_range: tuple[int, int] = OTHER_COMPLAINTS_K_RANGE, sample_for_k: int = OTHER_COMPLAINTS_SAMPLE_FOR_K,
) -> OtherComplaints | None:
    """Themes of the comments the causes miss: negative or neutral, naming none of the causes
    (:func:`nlp.themes.select_comments` with ``"no-cause"``), grouped by :func:`nlp.themes.find_themes`,
    with counts per touchpoint and one quote each.

    Made to be cheap, since the report and ``cx pain --feedback`` run it on every feedback input: with
    ``k="auto"`` it tries 5 to 10 themes (``k_range``, :data:`OTHER_COMPLAINTS_K_RANGE`; ``cx themes``
    tries 5 to 15), each on at most 2,000 of the comments (``sample_for_k``,
    :data:`OTHER_COMPLAINTS_SAMPLE_FOR_K`; ``cx themes``: 10,000), then fits the chosen number on all of them.

    ``attached`` is :func:`attach_feedback`'s output. ``None`` when there are fewer than
    :data:`OTHER_COMPLAINTS_MIN` such comments with words to group (too few for themes).

    Examples
    --------
    >>> import pandas as pd
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Đăng ký"])
    >>> j.add_touchpoint("quay", name="Quầy giao dịch", stage="Đăng ký", aliases=["quầy"])
    >>> j.add_touchpoint("app", name="Ứng dụng", stage="Đăng ký", aliases=["app"])
    >>> texts = ["quầy bắt làm thủ tục giấy tờ quá nhiều", "thủ tục giấy tờ rườm rà ở quầy", "quầy đòi thêm giấy tờ",
    ...          "thủ tục giấy tờ lằng nhằng", "app lỗi đăng nhập hoài", "app đăng nhập lỗi", "app lỗi không đăng nhập được",
    ...          "đăng nhập app lỗi mãi", "phí thường niên cao", "phí cao quá", "app nhanh, thích lắm"]
    >>> comments = pd.DataFrame({"text": texts, "sentiment": ["negative"] * 10 + ["positive"], "causes": [""] * 11})
    >>> found = other_complaints(j, attach_feedback(j, comments), k=3)
    >>> [(t.label, t.comments, t.by_touchpoint) for t in found.themes]  # doctest: +NORMALIZE_WHITESPACE
    [('đăng nhập · app lỗi', 4, {'app': 4}), ('thủ tục giấy tờ · quầy', 4, {'quay': 3, '(unmatched)': 1}),
     ('cao · phí', 2, {'(unmatched)': 2})]
    >>> found.top_by_touchpoint()
    {'app': ('đăng nhập · app lỗi', 4), 'quay': ('thủ tục giấy tờ · quầy', 3)}
    """
    from nlp.errors import DataError as NlpDataError
    from nlp.themes import find_themes, select_comments

    _require_columns(attached, [text_column, "touchpoints", "sentiment", "causes"], "attached comments")
    statuses = attached["text_status"].tolist() if "text_status" in attached.columns else None
    picked = select_comments(attached["sentiment"].tolist(), [_as_id_list(c) for c in attached["causes"].tolist()],
                             "no-cause", statuses)
    if len(picked) < OTHER_COMPLAINTS_MIN:
        return None
    texts = [attached[text_column].iloc[p] for p in picked]
    try:
        result = find_themes(texts, k, seed=seed, quotes=1, where="comments without a cause", k_range=k_range,
                             sample_for_k=sample_for_k)
    except NlpDataError:
        return None  # too few comments with words in common to group
    touchpoints = [list(attached["touchpoints"].iloc[p]) for p in picked]
    order = {node: i for i, node in enumerate(journey.graph)}
    themes = []
    for theme in result.themes:
        counts: dict[str, int] = {}
        for assigned, nodes in zip(result.assignments, touchpoints):
            if assigned == theme.number:
                for node in nodes or [UNMATCHED]:
                    counts[node] = counts.get(node, 0) + 1
        ordered = dict(sorted(counts.items(), key=lambda item: order.get(item[0], len(order))))
        themes.append(OtherTheme(theme.number, theme.label, theme.key_phrases, theme.count, ordered,
                                 theme.quotes[0] if theme.quotes else ""))
    return OtherComplaints(themes, len(picked), result.unthemed)
