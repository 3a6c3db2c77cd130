"""An event log on Apache Spark for :mod:`journeymap.discover` (``engine="spark"``).

The same contract as the DuckDB path (:mod:`journeymap._eventlog`, described in
:mod:`journeymap.discover`), computed by Spark inside the cluster: the events are checked, ordered
and counted with Spark SQL; only small aggregates (one row per touchpoint, transition, stage or
path variant) come back to the driver. Where Spark's world differs:

- A path is read the way Spark reads paths: ``.csv`` (header row, read as text; a local file's
  delimiter ``,``, ``;`` or tab is taken from its header) and ``.parquet`` files, a folder of Parquet
  parts (any other path with a ``/``, including ``s3a://``, ``hdfs://`` and Hadoop glob patterns),
  or else a table name of the session's catalog (``db.events``).
- Events with the same timestamp keep the DataFrame's row order
  (:func:`pyspark.sql.functions.monotonically_increasing_id`): the file order for a file Spark reads;
  after a shuffle Spark defines no order, so give such logs distinct timestamps.
- Timestamps are Spark ``timestamp`` (an instant: taken in UTC), ``timestamp_ntz`` or ``date``
  columns (taken as they are), or text parsed as the DuckDB path does; the session's time zone
  never changes a result.
- Rows in error messages are named by their case, touchpoint and timestamp values (Spark has no
  row numbers).

The checked events are persisted (``MEMORY_AND_DISK``) for the few passes discovery makes and
unpersisted when it ends.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.errors import InputNotFoundError, require_file

from ._eventlog import _MAX_LISTED, _MAX_SAMPLES, SUFFIXES, DateLike, _bound, _Columns, _csv_header, _require_columns
from .errors import DataError

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame, SparkSession

_EPOCH = datetime(1970, 1, 1)
# As _OFFSET_SQL in _eventlog: a time zone after a time of day (Z, +07:00, +0700, UTC, Asia/Ho_Chi_Minh).
_OFFSET_REGEX = r"\d:\d\d(:\d\d(\.\d+)?)?\s*[A-Za-z+-]"
_NAIVE_MICROS = "timestampdiff(MICROSECOND, TIMESTAMP_NTZ'1970-01-01 00:00:00', {})"
INSTALL_HINT = "pip install 'cx-vn[spark]' (and a Java 17 or 21 runtime, e.g. Debian's openjdk-17-jre-headless)"


def spark_session() -> SparkSession:
    """The active SparkSession (the one ``spark-submit`` or a notebook made), else a new default one."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise ImportError(f"engine='spark' needs pyspark: {INSTALL_HINT}") from None
    return SparkSession.getActiveSession() or SparkSession.builder.getOrCreate()


def read_events(spark: SparkSession, events: str | Path, what: str = "event log", *, delimiter: str | None = None,
                multiline: bool = False) -> DataFrame:
    """A DataFrame over a path or table name, by the rules in this module's docstring.

    A CSV row with more or fewer columns than the header stops the first Spark job reading it
    (``mode=FAILFAST``; :func:`spark_errors` turns that into a DataError). ``multiline`` reads quoted
    fields holding line breaks (comments do), at the price of one task per file."""
    from pyspark.errors import AnalysisException

    text = str(events)
    suffix = Path(text).suffix.lower()
    local = "://" not in text
    try:
        if suffix == ".csv":
            if local:
                found = _csv_header(require_file(text, what))[1]
                delimiter = delimiter or found
            frame = spark.read.csv(text, header=True, sep=delimiter or ",", quote='"', escape='"', mode="FAILFAST",
                                   encoding="UTF-8", inferSchema=False, multiLine=multiline)
            if frame.columns and frame.columns[0].startswith("\ufeff"):
                frame = frame.withColumnRenamed(frame.columns[0], frame.columns[0][1:])
            return frame
        if suffix == ".parquet" or "/" in text or "\\" in text or (local and Path(text).exists()):
            if local and not any(c in text for c in "*?[{") and not Path(text).exists():
                raise InputNotFoundError(f"{what} {text} does not exist")
            if suffix not in ("", ".parquet") and local and Path(text).is_file():
                raise DataError(f"{text}: unsupported file type {suffix!r}; use one of {', '.join(SUFFIXES)}, a "
                                "folder of Parquet files or a table name")
            try:
                return spark.read.parquet(text)
            except AnalysisException as error:
                if "TIMESTAMP(NANOS" not in str(error):
                    raise
                return _nanosecond_parquet(spark, text, what)
        return spark.table(text)
    except AnalysisException as error:
        raise DataError(f"{what} {text} cannot be read by Spark: {_reason(error)}") from None


def _nanosecond_parquet(spark: SparkSession, text: str, what: str) -> DataFrame:
    """A Parquet file with nanosecond timestamps (what pandas and DuckDB write for ``datetime64[ns]``),
    which Spark does not read: read them as integers (``spark.sql.legacy.parquet.nanosAsLong``) and turn
    the columns the file's schema marks as nanosecond timestamps into microsecond ones (``timestamp``
    for an instant, ``timestamp_ntz`` for a time without a zone), as DuckDB reads them."""
    from pyspark.sql import functions as F

    advice = (f"{what} {text} holds nanosecond timestamps, which Spark cannot read; write them in microseconds "
              "(pandas: df.to_parquet(path, coerce_timestamps='us', allow_truncated_timestamps=True); "
              "DuckDB: CAST(column AS TIMESTAMP))")
    if "://" in text or any(c in text for c in "*?[{"):
        raise DataError(advice) from None
    try:
        import pyarrow as pa
        import pyarrow.dataset as ds

        schema = ds.dataset(text, format="parquet").schema
    except (ImportError, OSError, ValueError):
        raise DataError(advice) from None
    nanos = {f.name: f.type.tz is not None for f in schema if pa.types.is_timestamp(f.type) and f.type.unit == "ns"}
    spark.conf.set("spark.sql.legacy.parquet.nanosAsLong", "true")  # only changes files Spark would refuse
    frame = spark.read.parquet(text)
    for name, zoned in nanos.items():
        micros = F.floor(F.col(_quoted(name)) / 1000)
        frame = frame.withColumn(name, F.timestamp_micros(micros) if zoned else F.expr(
            f"timestampadd(MICROSECOND, floor({_quoted(name)} / 1000), TIMESTAMP_NTZ'1970-01-01 00:00:00')"))
    return frame


def _reason(error: Exception) -> str:
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return first.rstrip(".")


@contextmanager
def spark_errors(source: str) -> Iterator[None]:
    """Turn the Spark failures a user can fix into a DataError naming ``source``: a CSV row whose number
    of columns differs from the header's (read with ``mode=FAILFAST``)."""
    try:
        yield
    except Exception as error:
        text = str(error)
        if type(error).__module__.split(".")[0] not in ("py4j", "pyspark"):
            raise
        missing = re.search(r"ModuleNotFoundError: No module named '([^']+)'", text)
        if missing and "Python worker" in text:
            raise DataError(
                f"Spark's Python workers cannot import {missing.group(1)!r}: every executor needs the Python that "
                f"has cx-vn installed ({INSTALL_HINT}), or the package shipped with the job (spark-submit "
                "--archives with a packed virtualenv, or --py-files with the wheel; see benchmarks/README.md)"
            ) from None
        if "MALFORMED_RECORD" not in text:
            raise
        row = text.split("record parsing:", 1)[1].split("\n", 1)[0].strip().rstrip(".") if \
            "record parsing:" in text else "(not shown)"
        raise DataError(
            f"{source} cannot be read: a row does not have as many columns as the header (Spark stopped at the "
            f"first one it met: {_cut(row, 200)}). Expected UTF-8 text with one header row and the same number "
            "of columns on every line; a comment holding a line break or the delimiter must be in double quotes"
        ) from None


def _cut(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with its length when it was longer."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def is_spark_frame(value: object) -> bool:
    """Whether ``value`` is a Spark DataFrame (classic or Spark Connect), without importing pyspark."""
    return any(c.__name__ == "DataFrame" and c.__module__.startswith("pyspark.sql") for c in type(value).__mro__)


def _quoted(name: str) -> str:
    return "`" + name.replace("`", "``") + "`"


def _micros_to_datetime(micros: int) -> datetime:
    return _EPOCH + timedelta(microseconds=micros)


def _datetime_to_micros(value: datetime) -> int:
    return (value - _EPOCH) // timedelta(microseconds=1)


class _SparkLog:
    """The checked events of the selected cases as a persisted Spark DataFrame (``pos``, ``case_id``,
    ``tp``, ``ts`` in microseconds, [``stage``]), answering :class:`journeymap._eventlog._Log`'s questions."""

    def __init__(self, log: DataFrame, source: str, cases: int) -> None:
        self.log = log
        self.source = source
        self.cases = cases
        self._goals: list[str] = []
        self._dropped: list[str] = []
        self._events: dict[str, int] = {}
        self._times: dict[str, tuple[int, int]] = {}

    def shares(self) -> dict[str, int]:
        from pyspark.sql import functions as F

        rows = self.log.groupBy("tp").agg(F.countDistinct("case_id").alias("cases"), F.count("*").alias("events"),
                                          F.min("ts").alias("first"), F.max("ts").alias("last"))
        collected = rows.collect()
        self._events = {r["tp"]: int(r["events"]) for r in collected}
        self._times = {r["tp"]: (r["first"], r["last"]) for r in collected}
        return {r["tp"]: int(r["cases"]) for r in collected}

    def mark_reached(self, goals: Sequence[str]) -> None:
        self._goals = list(goals)

    def drop(self, values: Sequence[str]) -> int:
        if not self._events:
            self.shares()
        self._dropped = list(values)
        return sum(self._events.get(v, 0) for v in values)

    def summary(self) -> tuple[int, datetime, datetime]:
        if not self._events:
            self.shares()
        kept = [v for v in self._events if v not in self._dropped]  # from shares(): no pass over the events
        first = min(self._times[v][0] for v in kept)
        last = max(self._times[v][1] for v in kept)
        return sum(self._events[v] for v in kept), _micros_to_datetime(first), _micros_to_datetime(last)

    def flow_rows(self, *, goals: bool, stage: bool) -> list[tuple[Any, ...]]:
        from pyspark.sql import Window
        from pyspark.sql import functions as F

        frame = self.log
        if goals:
            # Before the touchpoint filter, over the whole case: reaching a goal counts even when it is not drawn.
            reached = F.max(F.col("tp").isin(self._goals).cast("int")).over(Window.partitionBy("case_id"))
            frame = frame.withColumn("reached", reached)
        else:
            frame = frame.withColumn("reached", F.lit(0))
        if self._dropped:
            frame = frame.filter(~F.col("tp").isin(self._dropped))
        w = Window.partitionBy("case_id").orderBy("ts", "pos")
        steps = frame.select(
            "tp",
            F.col("stage") if stage else F.lit(None).cast("string").alias("stage"),
            (F.row_number().over(w) - 1).alias("before"),
            F.lead("tp").over(w).alias("next_tp"),
            ((F.lead("ts").over(w) - F.col("ts")) / 3600e6).alias("hours"),
            "reached",
        )
        measures = [
            F.count("*"),
            F.count(F.when(F.col("before") == 0, 1)),
            F.count(F.when(F.col("next_tp").isNull() & (F.col("reached") == 0), 1)),
            F.sum("before"),
            F.median("hours"),  # exact (Spark's percentile), as DuckDB's median
            F.avg("hours"),
        ]
        if stage:
            grouped = steps.groupingSets([["tp", "next_tp"], ["tp", "stage"]], "tp", "next_tp", "stage")
            rows = grouped.agg(F.grouping("next_tp").alias("by_stage"), *measures).collect()
            found = [(bool(r["by_stage"]), r["tp"], r["next_tp"], r["stage"], *r[4:]) for r in rows]
        else:
            found = [(False, r[0], r[1], None, *r[2:]) for r in steps.groupBy("tp", "next_tp").agg(*measures).collect()]
        # The DuckDB path's order (tp, next_tp NULLS FIRST, stage), so edges are added in the same order.
        return sorted(found, key=lambda r: (r[1], r[2] is not None, r[2] or "", r[3] is not None, r[3] or ""))

    def variant_rows(self, top: int) -> list[tuple[str, list[str], int]]:
        from pyspark.sql import functions as F

        paths = self.log.groupBy("case_id").agg(
            F.array_sort(F.collect_list(F.struct("ts", "pos", "tp"))).getField("tp").alias("path"))
        counted = (paths.groupBy("path").agg(F.count("*").alias("cases"))
                   .withColumn("variant", F.concat_ws(" → ", "path"))
                   .orderBy(F.desc("cases"), "variant").limit(top))
        return [(r["variant"], list(r["path"]), int(r["cases"])) for r in counted.collect()]


@contextmanager
def spark_event_log(
    events: Any, columns: _Columns, *, start: DateLike | None, end: DateLike | None
) -> Iterator[_SparkLog]:
    """Check the events on Spark and yield them as a :class:`_SparkLog` (persisted while open)."""
    lower, upper = _bound("start", start), _bound("end", end)
    if lower is not None and upper is not None and lower >= upper:
        raise ValueError(f"start must be before end; got start={start!r}, end={end!r}")
    if is_spark_frame(events):
        frame, source = events, "the Spark DataFrame"
    elif isinstance(events, (str, Path)):
        frame, source = read_events(spark_session(), events), str(events)
    else:
        raise TypeError(f"events must be a Spark DataFrame, a path Spark can read or a table name; got {type(events)}")
    _require_columns(frame.columns, columns, source)
    parsed = _parse(frame, columns, source).persist(_storage())
    held = [parsed]
    try:
        with spark_errors(source):
            log = _normalise(parsed, *_check(parsed, columns, source))
            if lower is not None or upper is not None:
                log = _select_cohort(log, lower, upper, source).persist(_storage())
                held.append(log)
            from pyspark.sql import functions as F

            cases = int(log.agg(F.countDistinct("case_id")).collect()[0][0])
            yield _SparkLog(log, source, cases)
    finally:
        for frame_held in held:
            frame_held.unpersist()


def _storage() -> Any:
    from pyspark import StorageLevel

    return StorageLevel.MEMORY_AND_DISK


def _parse(frame: DataFrame, columns: _Columns, source: str) -> DataFrame:
    """``pos``, ``case_id``, ``tp``, ``ts`` (microseconds since 1970, UTC for values with an offset),
    ``has_offset``, ``raw_ts`` (the value as text, for messages) [, ``stage``]."""
    from pyspark.sql import functions as F

    kinds = {name: kind for name, kind in frame.dtypes}
    kind = kinds[columns.timestamp]
    text = "CAST(ts AS STRING)"
    if kind in ("string", "void") or kind.startswith(("char", "varchar")):
        has_offset = f"coalesce({text} rlike '{_OFFSET_REGEX.replace(chr(92), chr(92) * 2)}', false)"
        micros = (f"CASE WHEN {has_offset} THEN unix_micros(try_cast({text} AS TIMESTAMP)) "
                  f"ELSE {_NAIVE_MICROS.format(f'try_cast({text} AS TIMESTAMP_NTZ)')} END")
    elif kind == "timestamp":
        has_offset, micros = "true", "unix_micros(ts)"
    elif kind in ("timestamp_ntz", "date"):
        has_offset, micros = "false", _NAIVE_MICROS.format("CAST(ts AS TIMESTAMP_NTZ)")
    else:
        raise DataError(
            f"{source}: column {columns.timestamp!r} holds {kind} values; expected timestamps, dates or ISO 8601 "
            "text such as '2026-01-05 08:30:00' or '2026-01-05T08:30:00+07:00'"
        )
    named = frame.select(*(F.col(_quoted(user)).alias(name) for name, user in columns.named()))
    selected = [
        F.monotonically_increasing_id().alias("pos"),
        F.col("c").cast("string").alias("case_id"),
        F.col("t").cast("string").alias("tp"),
        F.expr(micros).alias("ts"),
        F.expr(has_offset).alias("has_offset"),
        F.expr(text).alias("raw_ts"),
    ]
    if columns.stage is not None:
        selected.append(F.expr("nullif(trim(CAST(s AS STRING)), '')").alias("stage"))
    return named.select(*selected)


def _blank(column: str) -> Column:
    from pyspark.sql import functions as F

    return F.col(column).isNull() | (F.trim(F.col(column)) == "")


def _check(parsed: DataFrame, columns: _Columns, source: str) -> tuple[int, dict[str, list[str]]]:
    """Raise one DataError listing every kind of bad event; else the number of events with a non-ASCII
    case id and the distinct non-ASCII touchpoint (and stage) values, found in the same pass."""
    from pyspark.sql import functions as F

    names = ("tp", "stage") if columns.stage is not None else ("tp",)

    ts_ok = F.col("ts").isNotNull()
    counts = parsed.agg(
        F.count("*"),
        F.count(F.when(_blank("case_id"), 1)),
        F.count(F.when(_blank("tp"), 1)),
        F.count(F.when(~ts_ok, 1)),
        F.count(F.when(ts_ok & F.col("has_offset"), 1)),
        F.count(F.when(ts_ok & ~F.col("has_offset"), 1)),
        F.count(F.when(F.octet_length("case_id") != F.char_length("case_id"), 1)),
        *(F.collect_set(F.when(F.octet_length(c) != F.char_length(c), F.col(c))) for c in names),
    ).collect()[0]
    total, empty_case, empty_tp, bad_ts, with_offset, without_offset, non_ascii = (int(v) for v in counts[:7])
    if total == 0:
        raise DataError(f"{source} has no events: expected one row per event")

    def where(condition: Column, limit: int = _MAX_LISTED) -> list[Any]:
        return parsed.filter(condition).orderBy("pos").select("case_id", "tp", "raw_ts").limit(limit).collect()

    def described(rows: list[Any], count: int) -> str:
        shown = "; ".join(f"{columns.case}={r[0]!r}, {columns.touchpoint}={r[1]!r}, {columns.timestamp}={r[2]!r}"
                          for r in rows)
        return f"events ({shown}{'; …' if count > len(rows) else ''})"

    problems = []
    for count, column, name in ((empty_case, columns.case, "case_id"), (empty_tp, columns.touchpoint, "tp")):
        if count:
            events = "1 event" if count == 1 else f"{count:,} events"
            problems.append(f"column {column!r} is empty in {events}: {described(where(_blank(name)), count)}; "
                            "every event needs a value")
    if bad_ts:
        rows = where(~ts_ok)
        samples = list(dict.fromkeys("(empty)" if r[2] is None or not r[2].strip() else repr(r[2]) for r in rows))
        problems.append(
            f"column {columns.timestamp!r} has {bad_ts:,} "
            f"{'value that is not a timestamp' if bad_ts == 1 else 'values that are not timestamps'}, in "
            f"{described(rows, bad_ts)}, e.g. {', '.join(samples[:_MAX_SAMPLES])}; use ISO 8601 such as "
            "'2026-01-05 08:30:00' or '2026-01-05T08:30:00+07:00'"
        )
    if with_offset and without_offset:
        zoned = where(ts_ok & F.col("has_offset"), 3)
        naive = where(ts_ok & ~F.col("has_offset"), 3)
        problems.append(
            f"column {columns.timestamp!r} mixes times with a time-zone offset ({with_offset:,}, e.g. "
            f"{described(zoned, with_offset)}) and times without one ({without_offset:,}, e.g. "
            f"{described(naive, without_offset)}); write all of them one way"
        )
    if problems:
        raise DataError(f"{source}:\n" + "\n".join(f"  - {p}" for p in problems))
    return non_ascii, {name: list(values) for name, values in zip(names, counts[7:])}


def _nfc(value: str | None) -> str | None:
    return None if value is None else unicodedata.normalize("NFC", value)


def _normalise(parsed: DataFrame, non_ascii_cases: int, non_ascii_values: dict[str, list[str]]) -> DataFrame:
    """Names and ids in Unicode NFC, as the DuckDB path. Touchpoint and stage values are few: their
    distinct non-ASCII values are normalised on the driver and replaced. Case ids are many: only the
    events whose id is not ASCII (none in most logs) go through a Python function."""
    from pyspark.sql import functions as F

    log = parsed.drop("has_offset", "raw_ts")
    for column, values in non_ascii_values.items():
        changed = {v: n for v in values if (n := unicodedata.normalize("NFC", v)) != v}
        if changed:
            log = log.replace(changed, subset=[column])  # type: ignore[arg-type]
    if non_ascii_cases:
        nfc = F.udf(_nfc, "string")
        ascii_ids = F.octet_length("case_id") == F.char_length("case_id")
        log = log.filter(ascii_ids).unionByName(log.filter(~ascii_ids).withColumn("case_id", nfc("case_id")))
    return log


def _select_cohort(log: DataFrame, lower: datetime | None, upper: datetime | None, source: str) -> DataFrame:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = F.col("first")
    condition = F.lit(True)
    if lower is not None:
        condition = condition & (first >= _datetime_to_micros(lower))
    if upper is not None:
        condition = condition & (first < _datetime_to_micros(upper))
    selected = (log.withColumn("first", F.min("ts").over(Window.partitionBy("case_id")))
                .filter(condition).drop("first"))
    if selected.limit(1).count() == 0:
        low, high = log.agg(F.min("ts"), F.max("ts")).collect()[0]
        raise DataError(
            f"{source}: no case starts in the date range [start={lower}, end={upper}); the log's events run from "
            f"{_micros_to_datetime(low)} to {_micros_to_datetime(high)}"
        )
    return selected


__all__ = ["INSTALL_HINT", "is_spark_frame", "read_events", "spark_errors", "spark_event_log", "spark_session"]
