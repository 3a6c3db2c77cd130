""":func:`journeymap.metrics.survey_metrics` of a Spark DataFrame, computed inside the cluster.

Each row's answers and ticket times are read by Spark SQL under the pandas path's rules (whole numbers
in range or blank; ISO 8601 times, with a time zone converted to UTC, never mixed with times without
one); Spark counts, sums, averages and takes the sample standard deviation per group, and only those
few numbers per group reach the driver, where the intervals are computed by the same code as the
pandas path (:func:`journeymap.metrics.scores._finish`). The result is the pandas path's table.

On Spark, time to resolution is measured in clock hours (``ttr_unit="hours"``); working hours need
the calendar's day-by-day arithmetic, which runs on one machine. Invalid values are named by their
value and group (Spark has no row numbers).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import DataError
from .scores import _SCALES, InvalidValuesError, _finish, _plural, _show
from .survey import _in_order

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import Column, DataFrame

    from ..journey import Journey

# As scores._ZONE: Z or an offset (+07:00, +0700, +07) after a time of day.
_ZONE = r"\d:\d\d(:\d\d(\.\d+)?)?\s*([zZ]|[+-]\d\d(:?\d\d)?)\s*$"
_SOURCE = "the Spark DataFrame: "
_SHOWN = 10


def _text(column: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(f"`{column.replace('`', '``')}`").cast("string")


def _blank(column: str) -> Column:
    from pyspark.sql import functions as F

    return _text(column).isNull() | (F.trim(_text(column)) == "")


def _micros(column: str) -> tuple[Column, Column]:
    """Microseconds since 1970 (UTC for a value with a zone; the clock time otherwise), and whether the
    value carried a zone."""
    from pyspark.sql import functions as F

    text = F.trim(_text(column))
    aware = F.coalesce(text.rlike(_ZONE), F.lit(False))
    micros = F.when(aware, F.unix_micros(text.try_cast("timestamp"))).otherwise(
        F.timestamp_diff("MICROSECOND", F.lit("1970-01-01 00:00:00").cast("timestamp_ntz"),
                         text.try_cast("timestamp_ntz")))
    return micros, aware


def spark_survey_metrics(
    frame: DataFrame,
    *,
    by: str | Sequence[str] | None,
    journey: Journey | None,
    scores: dict[str, str],
    times: tuple[str, str] | None,
    touchpoint_column: str,
    ttr_unit: str,
    skip_invalid: bool,
    confidence: float,
) -> pd.DataFrame:
    """The pandas path's table (see :func:`journeymap.metrics.survey_metrics`) of a Spark DataFrame."""
    import pandas as pd
    from pyspark.sql import functions as F

    if times is not None and ttr_unit != "hours":
        raise ValueError(f"on Spark, time to resolution is measured in clock hours: ttr_unit must be 'hours'; got "
                         f"{ttr_unit!r} (working hours need one machine: pass a pandas DataFrame)")
    names = _group_names(by)
    columns = set(frame.columns)
    keys: list[Column] = []
    for name in names:
        if name in columns:
            keys.append(_text(name).alias(name) if name == touchpoint_column else F.col(f"`{name}`").alias(name))
        elif name == "stage" and touchpoint_column in columns:
            if journey is None:
                raise DataError(f"{_SOURCE}there is no 'stage' column to group by; pass journey= to map each row's "
                                f"{touchpoint_column!r} to its stage. The columns are: {', '.join(map(repr, columns))}")
            stages = {node: attrs["stage"] for node, attrs in journey.graph.nodes(data=True)}
            unknown = [r[0] for r in frame.select(_text(touchpoint_column)).distinct()
                       .filter(~F.col(touchpoint_column).isin(list(stages))).limit(_SHOWN).collect()]
            if unknown:
                raise DataError(
                    f"{_SOURCE}column {touchpoint_column!r} names touchpoints that journey {journey.title!r} does not "
                    f"have, so their stage is unknown ({', '.join(map(_show, unknown))}); the journey's touchpoint "
                    f"ids: {', '.join(stages)}")
            mapping = F.create_map(*(F.lit(v) for pair in stages.items() for v in pair))
            keys.append(mapping[_text(touchpoint_column)].alias(name))
        else:
            how = f" (or a {touchpoint_column!r} column and journey=)" if name == "stage" else ""
            raise DataError(f"{_SOURCE}no column {name!r} to group by{how}; the columns are: "
                            f"{', '.join(map(repr, sorted(columns)))}")
    per_row: list[Column] = list(keys)
    aggregates: list[Column] = []
    checks: dict[str, tuple[Column, Column]] = {}  # metric → (invalid, what to show)
    for metric, column in scores.items():
        scale = _SCALES[metric]
        number = F.trim(_text(column)).try_cast("double")
        valid = number.between(scale.low, scale.high) & (number == F.floor(number))
        invalid = ~_blank(column) & ~F.coalesce(valid, F.lit(False))
        value = F.when(valid, number)
        per_row += [value.alias(metric), invalid.alias(f"{metric}_bad")]
        checks[metric] = (invalid, _text(column))
        aggregates += [F.count(metric).alias(f"{metric}_n")]
        if metric == "nps":
            aggregates += [F.count(F.when(F.col("nps") >= 9, 1)).alias("_pro"),
                           F.count(F.when(F.col("nps") <= 6, 1)).alias("_det")]
        elif metric == "csat":
            aggregates += [F.count(F.when(F.col("csat") >= 4, 1)).alias("_top")]
        else:
            aggregates += [F.avg("ces").alias("_ces_mean"), F.stddev_samp("ces").alias("_ces_std")]
        aggregates += [F.count(F.when(F.col(f"{metric}_bad"), 1)).alias(f"{metric}_skipped")]
    if times is not None:
        opened, resolved = times
        opened_at, opened_aware = _micros(opened)
        resolved_at, resolved_aware = _micros(resolved)
        opened_bad = ~_blank(opened) & opened_at.isNull()
        resolved_bad = ~_blank(resolved) & resolved_at.isNull()
        orphan = _blank(opened) & ~_blank(resolved) & ~resolved_bad
        both = opened_at.isNotNull() & resolved_at.isNotNull()
        backwards = both & (resolved_at < opened_at)
        done = both & ~backwards
        per_row += [
            F.when(done, (resolved_at - opened_at) / 3600e6).alias("ttr"),
            (opened_at.isNotNull() & _blank(resolved)).alias("ttr_unresolved"),
            (opened_bad | resolved_bad | orphan | backwards).alias("ttr_bad"),
            F.when(opened_at.isNotNull(), opened_aware).alias("_opened_aware"),
            F.when(resolved_at.isNotNull(), resolved_aware).alias("_resolved_aware"),
        ]
        checks["ttr"] = (opened_bad | resolved_bad | orphan | backwards,
                         F.concat_ws(" → ", F.coalesce(_text(opened), F.lit("")), F.coalesce(_text(resolved),
                                                                                            F.lit(""))))
        aggregates += [F.count("ttr").alias("resolved"), F.avg("ttr").alias("_ttr_mean"),
                       F.stddev_samp("ttr").alias("_ttr_std"),
                       F.count(F.when(F.col("ttr_unresolved"), 1)).alias("unresolved"),
                       F.count(F.when(F.col("ttr_bad"), 1)).alias("ttr_skipped")]
    work = frame.select(*per_row)
    if times is not None:
        aware = work.agg(F.count(F.when(F.col("_opened_aware") | F.col("_resolved_aware"), 1)),
                         F.count(F.when(~F.col("_opened_aware") | ~F.col("_resolved_aware"), 1))).collect()[0]
        if aware[0] and aware[1]:
            raise DataError(
                f"{_SOURCE}times with a time zone and times without one cannot be compared: {aware[0]:,} tickets have "
                f"times with a time zone and {aware[1]:,} times without. Write every time with its offset "
                "(2026-01-05T08:30:00+07:00) or every time without (2026-01-05 08:30)")
    grouped = work.groupBy(*names).agg(*aggregates) if names else work.agg(*aggregates)
    counts = pd.DataFrame([r.asDict() for r in grouped.collect()])  # one row per group
    metrics: list[str] = [m for m in ("nps", "csat", "ces", "ttr") if m in scores or (m == "ttr" and times is not None)]
    skipped = {m: int(counts[f"{m}_skipped"].sum()) for m in metrics}
    if any(skipped.values()) and not skip_invalid:
        problems = []
        for metric, (invalid, shown) in checks.items():
            if not skipped[metric]:
                continue
            samples = [r[0] for r in frame.filter(invalid).select(shown).limit(_SHOWN).collect()]
            label = f"column {scores[metric]!r}" if metric in scores else f"columns {times[0]!r}/{times[1]!r}"  # type: ignore[index]
            allowed = (f"whole numbers {_SCALES[metric].low}–{_SCALES[metric].high}, or blank" if metric in scores
                       else "ISO 8601 date-times, resolved not before opened, or a blank resolved time")
            problems.append(f"{label}: {_plural(skipped[metric], 'invalid value')} (allowed: {allowed}): "
                            + ", ".join(map(_show, samples)) + (" …" if skipped[metric] > len(samples) else ""))
        raise InvalidValuesError(_SOURCE, problems)
    for column in counts.columns:
        if column not in names:
            counts[column] = pd.to_numeric(counts[column], errors="coerce").astype("float64")
    if names:
        for name in names:
            if journey is not None and name in ("stage", touchpoint_column):
                order = journey.stages if name == "stage" else list(journey.graph.nodes)
                counts[name] = _in_order(counts[name], order)
        counts = counts.sort_values(names, na_position="last", kind="stable").set_index(names)
    table = _finish(counts, metrics, names, unit=ttr_unit, confidence=confidence, skip_invalid=skip_invalid)
    for name in names:
        if isinstance(table[name].dtype, pd.CategoricalDtype):
            table[name] = table[name].astype(table[name].cat.categories.dtype)
    table.attrs["skipped"] = skipped
    return table


def _group_names(by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return []
    if isinstance(by, str):
        return [by]
    names = list(by)
    if not names or len(set(names)) != len(names) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"by must be a column name, a sequence of distinct column names, or None; got {by!r}")
    return names


__all__ = ["spark_survey_metrics"]
