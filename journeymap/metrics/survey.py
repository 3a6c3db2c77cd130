"""Survey answers and tickets as tables: the metrics overall or per touchpoint, stage or column
(:func:`survey_metrics`), written onto a journey (:func:`set_metrics`)."""

from __future__ import annotations

from collections.abc import Sequence
from os import PathLike
from typing import TYPE_CHECKING

import networkx as nx

from ..errors import DataError
from .calendar import WorkingCalendar
from .scores import TtrUnit, _aggregate, _check_confidence, _check_ttr_options, _measure, _Rows, _show, _Ticket

if TYPE_CHECKING:
    import pandas as pd

    from nlp.tables import Table

    from ..journey import Journey

__all__ = ["measured_journey", "set_metrics", "survey_metrics"]


# Decimals kept when a value is written onto a touchpoint: survey scores are not more precise.
_WRITTEN_VALUES = {"nps": 1, "csat": 1, "ces": 2, "ttr_hours": 2, "ttr_working_hours": 2, "ttr_working_days": 2}
_WRITTEN_COUNTS = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n"}


# -- tables -----------------------------------------------------------------------------------------
def _load(data: Table | pd.DataFrame | str | PathLike[str]) -> tuple[pd.DataFrame, _Rows]:
    import pandas as pd

    from nlp.tables import load_table

    table = load_table(data, "data")
    if table.path is None:
        return table.frame, _Rows(table.frame.index, spreadsheet=False)
    return table.frame, _Rows(pd.RangeIndex(2, len(table.frame) + 2), spreadsheet=True, source=table.source)


def _columns(frame: pd.DataFrame) -> str:
    return ", ".join(map(repr, map(str, frame.columns))) or "(none)"


def _group_keys(
    frame: pd.DataFrame,
    rows: _Rows,
    by: str | Sequence[str] | None,
    journey: Journey | None,
    touchpoint_column: str,
) -> dict[str, pd.Series]:
    """The grouping columns by name, mapping touchpoints to stages and ordering them by the journey."""

    if by is None:
        names: list[str] = []
    elif isinstance(by, str):
        names = [by]
    else:
        names = list(by)
        if not names or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
            raise ValueError(f"by must be a column name, a sequence of distinct column names, or None; got {by!r}")
    keys: dict[str, pd.Series] = {}
    for name in names:
        if name in frame.columns:
            key = frame[name].reset_index(drop=True)
        elif name == "stage" and touchpoint_column in frame.columns:
            if journey is None:
                raise DataError(
                    f"{rows.prefix()}there is no 'stage' column to group by; pass journey= to map each row's "
                    f"{touchpoint_column!r} to its stage. The columns are: {_columns(frame)}"
                )
            key = _stages_of(frame[touchpoint_column].reset_index(drop=True), rows, journey, touchpoint_column)
        else:
            how = f" (or a {touchpoint_column!r} column and journey=)" if name == "stage" else ""
            raise DataError(f"{rows.prefix()}no column {name!r} to group by{how}; the columns are: {_columns(frame)}")
        if journey is not None and name in ("stage", touchpoint_column):
            order = journey.stages if name == "stage" else list(journey.graph.nodes)
            key = _in_order(key, order)
        keys[name] = key
    return keys


def _stages_of(touchpoints: pd.Series, rows: _Rows, journey: Journey, touchpoint_column: str) -> pd.Series:
    import numpy as np
    import pandas as pd

    stages = {node: attrs["stage"] for node, attrs in journey.graph.nodes(data=True)}
    known = touchpoints.isin(list(stages)).to_numpy()
    if not known.all():
        where = np.flatnonzero(~known)
        raise DataError(
            f"{rows.prefix()}column {touchpoint_column!r} names touchpoints that journey {journey.title!r} does not "
            f"have, so their stage is unknown ({', '.join(map(_show, pd.unique(touchpoints.iloc[where])))}): "
            + rows.listing(where, lambda p: _show(touchpoints.iloc[p]))
            + f"; the journey's touchpoint ids: {', '.join(map(str, stages))}"
        )
    return touchpoints.map(stages)


def _in_order(key: pd.Series, order: list[str]) -> pd.Series:
    """The key as a categorical in the journey's order, other values after it, sorted."""
    import pandas as pd

    listed = set(order)
    others = sorted({v for v in pd.unique(key.dropna()) if v not in listed}, key=str)
    return pd.Series(pd.Categorical(key, categories=[*order, *others]), name=key.name)


def survey_metrics(
    data: Table | pd.DataFrame | str | PathLike[str],
    *,
    by: str | Sequence[str] | None = None,
    journey: Journey | None = None,
    nps_column: str = "nps",
    csat_column: str = "csat",
    ces_column: str = "ces",
    opened_column: str = "opened_at",
    resolved_column: str = "resolved_at",
    touchpoint_column: str = "touchpoint",
    ttr_unit: TtrUnit = "hours",
    calendar: WorkingCalendar | None = None,
    skip_invalid: bool = False,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """NPS, CSAT, CES and time to resolution of a table of survey answers and/or tickets, overall or per group.

    Each metric whose column(s) the table has is measured (TTR needs both ``opened_column`` and
    ``resolved_column``). Blank answers are not counted, so one survey row may answer NPS and skip CES.

    Parameters
    ----------
    data
        A DataFrame, the path of a .csv, .tsv, .xlsx or .jsonl file (read as text, CSV with or
        without BOM), or a :class:`nlp.Table` already loaded by :func:`nlp.load_table`. A Spark
        DataFrame is measured inside the cluster, with the same table as result (TTR in clock
        hours only; see :mod:`journeymap.metrics._spark`). Messages name a file's rows by spreadsheet row number (the header is row 1) and
        a DataFrame's rows by index label.
    by
        Column name(s) to group by; None for one row over everything. ``"stage"`` without a stage
        column maps ``touchpoint_column`` to stages through ``journey``. With a journey, stages and
        touchpoints come in the journey's order.
    journey
        The journey whose touchpoints give each row's stage, and the order of the rows.
    nps_column, csat_column, ces_column, opened_column, resolved_column, touchpoint_column
        The table's column names.
    ttr_unit
        ``"hours"``, ``"working_hours"`` or ``"working_days"``.
    calendar
        Working calendar for the working units (default :class:`WorkingCalendar`).
    skip_invalid
        Skip invalid answers and tickets instead of failing; a ``<metric>_skipped`` column counts them.
    confidence
        Level of the intervals.

    Returns
    -------
    pandas.DataFrame
        The group column(s), then per metric its value, ``_low``, ``_high`` and ``_n``: ``nps``,
        ``csat`` (%), ``ces``, and ``ttr_hours`` / ``ttr_working_hours`` / ``ttr_working_days`` with
        ``resolved`` and ``unresolved`` ticket counts instead of ``_n``. A group without answers to a
        metric has n = 0 and NaN values. ``frame.attrs["skipped"]`` maps each metric to the invalid
        values skipped (``{"nps": 3, "csat": 0, …}``).

    Raises
    ------
    DataError
        When no metric column exists (naming the expected and the existing columns), for invalid
        answers or times unless ``skip_invalid`` (listing rows and values and what is allowed), for a
        missing group column, or for touchpoints the journey lacks when mapping them to stages.
    ValueError
        For a bad ``by``, ``ttr_unit``, ``calendar`` or ``confidence``.

    Examples
    --------
    >>> import pandas as pd
    >>> answers = pd.DataFrame({
    ...     "touchpoint": ["gio_hang", "gio_hang", "gio_hang", "giao_hang", "giao_hang"],
    ...     "nps": [10, 6, 9, 3, None],
    ...     "csat": [5, 2, 4, 4, 5],
    ...     "ces": [6, 2, "", 5, 7],
    ... })
    >>> table = survey_metrics(answers, by="touchpoint")
    >>> table[["touchpoint", "nps", "nps_n", "csat", "ces", "ces_n"]].round(1)
      touchpoint    nps  nps_n   csat  ces  ces_n
    0  giao_hang -100.0      1  100.0  6.0      2
    1   gio_hang   33.3      3   66.7  4.0      2
    >>> survey_metrics(answers)[["nps", "nps_low", "nps_high", "nps_n"]].round(1)
       nps  nps_low  nps_high  nps_n
    0  0.0    -65.7      65.7      4
    """
    import pandas as pd

    from .._sparklog import is_spark_frame

    _check_confidence(confidence)
    working = _check_ttr_options(ttr_unit, calendar, "ttr_unit")
    if is_spark_frame(data):
        return _on_spark(data, by=by, journey=journey, columns=(nps_column, csat_column, ces_column, opened_column,
                         resolved_column), touchpoint_column=touchpoint_column, ttr_unit=ttr_unit,
                         skip_invalid=skip_invalid, confidence=confidence)
    frame, rows = _load(data)
    if not len(frame):
        raise DataError(f"{rows.prefix()}the table has no rows")
    scores = {m: c for m, c in (("nps", nps_column), ("csat", csat_column), ("ces", ces_column)) if c in frame.columns}
    has_opened, has_resolved = opened_column in frame.columns, resolved_column in frame.columns
    if has_opened != has_resolved:
        present, absent = (opened_column, resolved_column) if has_opened else (resolved_column, opened_column)
        raise DataError(
            f"{rows.prefix()}no column {absent!r} to go with {present!r}: time to resolution needs both (a blank "
            f"{resolved_column!r} is an unresolved ticket); the columns are: {_columns(frame)}"
        )
    if not scores and not has_opened:
        raise DataError(
            f"{rows.prefix()}no metric column: expected at least one of {nps_column!r}, {csat_column!r}, "
            f"{ces_column!r}, or both {opened_column!r} and {resolved_column!r}; the columns are: {_columns(frame)}"
        )
    keys = _group_keys(frame, rows, by, journey, touchpoint_column)
    work, skipped = _measure(
        frame.reset_index(drop=True),
        rows,
        scores=scores,
        labels={m: f"column {c!r}" for m, c in scores.items()},
        times=(opened_column, resolved_column) if has_opened else None,
        ticket=_Ticket(f"column {opened_column!r}", f"column {resolved_column!r}"),
        unit=ttr_unit,
        calendar=working,
        skip_invalid=skip_invalid,
    )
    group_names = [f"_group_{i}" for i in range(len(keys))]
    for inner, key in zip(group_names, keys.values()):
        work[inner] = key.to_numpy() if not isinstance(key.dtype, pd.CategoricalDtype) else key.array
    table = _aggregate(work, group_names, unit=ttr_unit, confidence=confidence, skip_invalid=skip_invalid)
    table = table.rename(columns=dict(zip(group_names, keys)))
    for name, key in keys.items():
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype(key.cat.categories.dtype)
    table.attrs["skipped"] = skipped
    return table


def _on_spark(data: object, *, by: str | Sequence[str] | None, journey: Journey | None, columns: tuple[str, ...],
              touchpoint_column: str, ttr_unit: str, skip_invalid: bool, confidence: float) -> pd.DataFrame:
    """:func:`survey_metrics` of a Spark DataFrame (:mod:`journeymap.metrics._spark`), the same checks first."""
    from ._spark import spark_survey_metrics

    nps_column, csat_column, ces_column, opened_column, resolved_column = columns
    names = list(data.columns)  # type: ignore[attr-defined]
    listed = ", ".join(map(repr, names)) or "(none)"
    scores = {m: c for m, c in (("nps", nps_column), ("csat", csat_column), ("ces", ces_column)) if c in names}
    has_opened, has_resolved = opened_column in names, resolved_column in names
    if has_opened != has_resolved:
        present, absent = (opened_column, resolved_column) if has_opened else (resolved_column, opened_column)
        raise DataError(f"the Spark DataFrame: no column {absent!r} to go with {present!r}: time to resolution needs "
                        f"both; the columns are: {listed}")
    if not scores and not has_opened:
        raise DataError(f"the Spark DataFrame: no metric column: expected at least one of {nps_column!r}, "
                        f"{csat_column!r}, {ces_column!r}, or both {opened_column!r} and {resolved_column!r}; the "
                        f"columns are: {listed}")
    return spark_survey_metrics(
        data,  # type: ignore[arg-type]
        by=by, journey=journey, scores=scores, times=(opened_column, resolved_column) if has_opened else None,
        touchpoint_column=touchpoint_column, ttr_unit=ttr_unit, skip_invalid=skip_invalid, confidence=confidence,
    )


def set_metrics(journey: Journey, table: pd.DataFrame, *, touchpoint_column: str = "touchpoint") -> None:
    """Write measured metrics onto the journey's touchpoints (``metrics``), in place.

    Like :func:`networkx.set_node_attributes`: only the touchpoints in ``table`` change, and only the
    metrics it measured for them (a NaN value, from a touchpoint without answers, leaves the touchpoint's
    metric as it was). Values are rounded: NPS and CSAT to 1 decimal, CES and TTR to 2. Answer counts
    go alongside (``nps_n``, ``csat_n``, ``ces_n``; ``ttr_resolved`` and ``ttr_unresolved``).

    Parameters
    ----------
    journey
        The journey to annotate.
    table
        One row per touchpoint, as from ``survey_metrics(data, by="touchpoint")``: columns
        ``nps``, ``csat``, ``ces``, ``ttr_hours`` (or ``ttr_working_hours``, ``ttr_working_days``) and
        their counts.
    touchpoint_column
        The column of touchpoint ids.

    Raises
    ------
    DataError
        For rows naming touchpoints the journey lacks (listing them and the journey's ids), a touchpoint
        on several rows, a table without a metric column, or values outside the journey file's ranges.
        Nothing is written then.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng", stages=["Đặt hàng", "Giao hàng"])
    >>> j.add_touchpoint("gio_hang", name="Giỏ hàng & mã giảm giá", stage="Đặt hàng")
    >>> j.add_touchpoint("giao_hang", name="Giao hàng tận nơi", stage="Giao hàng")
    >>> import pandas as pd
    >>> answers = pd.DataFrame({"touchpoint": ["gio_hang"] * 3, "nps": [10, 6, 9], "ces": [6, 2, 4]})
    >>> table = survey_metrics(answers, by="touchpoint")
    >>> set_metrics(j, table)
    >>> j.graph.nodes["gio_hang"]["metrics"]
    {'nps': 33.3, 'nps_n': 3, 'ces': 4.0, 'ces_n': 3}
    >>> "metrics" in j.graph.nodes["giao_hang"]
    False
    """
    import pandas as pd
    from pydantic import ValidationError

    from .._schema import MetricsSpec

    rows = _Rows(table.index, spreadsheet=False)
    if touchpoint_column not in table.columns:
        raise DataError(
            f"the table has no {touchpoint_column!r} column of touchpoint ids; its columns: {_columns(table)}"
        )
    values = [c for c in _WRITTEN_VALUES if c in table.columns]
    if not values:
        raise DataError(
            f"the table has no metric column ({', '.join(map(repr, _WRITTEN_VALUES))}); its columns: {_columns(table)}"
        )
    ids = table[touchpoint_column].reset_index(drop=True)
    unknown = [p for p, tp in enumerate(ids) if tp not in journey.graph]
    if unknown:
        raise DataError(
            f"{touchpoint_column!r} names touchpoints that journey {journey.title!r} does not have: "
            + rows.listing(unknown, lambda p: _show(ids.iloc[p]))
            + f"; the journey's touchpoint ids: {', '.join(map(str, journey.graph.nodes))}"
        )
    repeated = ids[ids.duplicated(keep=False)]
    if len(repeated):
        raise DataError(
            f"{touchpoint_column!r} must name each touchpoint once (group by touchpoint only); repeated: "
            + rows.listing(list(repeated.index), lambda p: _show(ids.iloc[p]))
        )
    updates: dict[str, dict[str, float | int]] = {}
    for position, record in enumerate(table.to_dict(orient="records")):
        touchpoint = record[touchpoint_column]
        metrics = dict(journey.graph.nodes[touchpoint].get("metrics") or {})
        for column in values:
            value = record[column]
            if value is None or pd.isna(value):
                continue
            metrics[column] = round(float(value), _WRITTEN_VALUES[column]) + 0.0
            count = _WRITTEN_COUNTS.get(column)
            if count is not None and count in record and not pd.isna(record[count]):
                metrics[count] = int(record[count])
            if column.startswith("ttr_"):
                for side in ("resolved", "unresolved"):
                    if side in record and not pd.isna(record[side]):
                        metrics[f"ttr_{side}"] = int(record[side])
        try:
            MetricsSpec.model_validate(metrics)
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise DataError(f"{rows.name(position)} (touchpoint {touchpoint!r}): {details}; got {metrics}") from None
        updates[touchpoint] = metrics
    nx.set_node_attributes(journey.graph, updates, "metrics")



def measured_journey(
    journey: Journey, *tables: pd.DataFrame | None, touchpoint_column: str = "touchpoint"
) -> Journey:
    """A copy of ``journey`` carrying the measured metrics of its own touchpoints; ``journey`` is unchanged.

    The one way the report, its canvas and ``cx demo`` put survey and ticket results on a designed
    journey, so they all show the same figures: each table (one row per touchpoint, as from
    ``survey_metrics(data, by="touchpoint")``; ``None`` is skipped) is written with
    :func:`set_metrics` in turn, so a metric measured by an earlier table and again by a later one
    takes the later value. Rows for touchpoints the journey does not have (an "other" answer, a
    retired touchpoint) are left out rather than refused: they still count in the overall figures.
    A metric carries its answer count (``nps_n`` …), which is how pictures tell a measured figure from
    one typed into the journey file.

    Examples
    --------
    >>> import pandas as pd
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng", stages=["Đặt hàng"])
    >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", metrics={"nps": 35})
    >>> answers = pd.DataFrame({"touchpoint": ["gio_hang", "gio_hang", "khac"], "nps": [10, 6, 9]})
    >>> measured = measured_journey(j, survey_metrics(answers, by="touchpoint"))
    >>> measured.graph.nodes["gio_hang"]["metrics"], j.graph.nodes["gio_hang"]["metrics"]
    ({'nps': 0.0, 'nps_n': 2}, {'nps': 35.0})
    """
    import copy

    measured = copy.deepcopy(journey)
    for table in tables:
        if table is None:
            continue
        own = table[table[touchpoint_column].astype(str).isin(list(journey.graph))]
        if len(own):
            set_metrics(measured, own.reset_index(drop=True), touchpoint_column=touchpoint_column)
    return measured
