"""Discover the journey customers actually live from an event log (which case touched what, when).

The log is aggregated by DuckDB in SQL on a private in-memory connection, so a log of ten
million events is never held in pandas: a CSV or Parquet path is streamed by DuckDB, a DataFrame is
scanned in place. The result is an ordinary :class:`~journeymap.Journey` that can be drawn with
``cx render``, saved with :func:`journeymap.save_journey`, compared with a designed journey or fed
to the Markov chain of :mod:`journeymap.markov`.

How the log is read (the contract of :func:`discover_journey` and :func:`path_variants`):

- Events of a case are ordered by timestamp; events with the same timestamp keep their order in
  the file or DataFrame. Directly-follows pairs within a case are the transitions; a touchpoint
  repeated consecutively is a self-loop.
- Timestamps are datetime columns or ISO 8601-like text (``2026-01-05 08:30``,
  ``2026-01-05T08:30:00+07:00``, ``2026-01-05``). Text with a time zone after the time (``Z``, an
  offset such as ``+07:00``, ``+0700`` or ``+07:00:00``, or a name such as ``UTC`` or
  ``Asia/Ho_Chi_Minh``) and time-zone-aware datetimes are converted to UTC; times without one are
  taken as they are. A log mixing the two is an error, since their differences would be off by the
  offset.
- A path is read literally: ``ev[1].csv`` is that file, never a pattern matching ``ev1.csv``, and
  ``sub?.csv`` never several files. Touchpoint, stage and case names are compared in Unicode NFC.
- ``start``/``end`` select whole cases whose **first** event lies in ``[start, end)`` (a cohort),
  so journeys are never cut in the middle. Naive bounds are compared as given (UTC for logs with
  offsets); bounds with an offset are converted to UTC.
- On Spark (``engine="spark"`` or a Spark DataFrame) the same contract holds, computed inside the
  cluster; paths, tie order and row names follow Spark's ways (:mod:`journeymap._sparklog`).
- Rows in error messages are named as the user sees them: in a CSV file by spreadsheet row
  (header = row 1, first data row = row 2, blank lines counted), in a Parquet file by record
  number (first record = 1), in a DataFrame by index label.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from . import fmt
from ._eventlog import _MAX_LISTED, DateLike, EventLog, _Columns, _event_log, _listed
from ._schema import ID_PATTERN
from .errors import DataError
from .journey import Journey
from .resolve import RULES, TouchpointResolver, derived_id

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_STAGE", "discover_journey", "discover_with_variants", "path_variants"]

#: The one stage of a journey discovered without a stage column or a reference journey.
DEFAULT_STAGE = "Hành trình"
DEFAULT_TITLE = "Hành trình thực tế"
_ID_RE = re.compile(ID_PATTERN)
# What the reference journey lends a matched touchpoint (goal only when ``goal`` is not given).
_REFERENCE_FIELDS = ("name", "stage", "channel", "lane", "ces", "emotion", "experience", "aliases")



def discover_journey(
    events: EventLog,
    *,
    case_column: str = "case_id",
    touchpoint_column: str = "touchpoint",
    timestamp_column: str = "timestamp",
    stage_column: str | None = None,
    goal: str | Sequence[str] | None = None,
    min_touchpoint_share: float = 0.0,
    min_transition_share: float = 0.0,
    start: DateLike | None = None,
    end: DateLike | None = None,
    reference: Journey | None = None,
    title: str | None = None,
    engine: str | None = None,
) -> Journey:
    """The journey as lived: touchpoints, transitions, volumes and times counted from an event log.

    Parameters
    ----------
    events
        A DataFrame, or the path of a ``.csv`` (UTF-8, delimiter ``,``, ``;`` or tab, read as
        text) or ``.parquet`` file. One row per event. A Spark DataFrame is discovered on Spark
        (see ``engine``).
    case_column, touchpoint_column, timestamp_column
        Columns holding the case (customer or order), the touchpoint reached and when. Touchpoint
        values may be any text; see *Touchpoint ids* below.
    stage_column
        Optional column of stage names. Each touchpoint takes its most frequent stage (ties: the
        earlier stage); stages are ordered by the mean position of their events (see Notes). Without it (and without ``reference``) there is one stage, ``"Hành trình"``.
    goal
        Touchpoint value(s), as written in the log, whose reach means success. Goal touchpoints
        get ``goal=True`` and no ``drop_off``.
    min_touchpoint_share
        Keep touchpoints visited by at least this share (0–1) of the cases. Events at the others
        are removed *before* transitions are computed, so their neighbours reconnect (as in
        process-mining tools).
    min_transition_share
        Drop transitions whose volume (occurrences, so a loop taken twice counts twice) is below
        this share (0–1) times the number of cases. Remaining transitions keep their probability,
        so a dropped transition counts as an end in the Markov chain.
    start, end
        Keep whole cases whose first event is in ``[start, end)`` (cohort semantics). Strings,
        dates, datetimes or :class:`pandas.Timestamp`.
    reference
        A designed journey. A log value matches a reference touchpoint by the toolkit's one rule
        (:class:`journeymap.resolve.TouchpointResolver`): its id, its folded name (diacritics
        removed, lower case), one of its aliases, or the id the value would be given, tried in that
        order; each reference touchpoint is matched once, and a value naming several touchpoints
        is a :class:`~journeymap.errors.DataError`. A matched touchpoint takes the reference's id, ``name``, ``stage``,
        ``channel``, ``lane``, ``ces``, ``emotion``, ``experience``, ``aliases`` and, when
        ``goal`` is None, ``goal``. Stages then follow the reference's order (the stages in use),
        followed by any extra ones by mean position; an unmatched touchpoint without a
        stage value goes to ``"Hành trình"``. The persona is copied.
    title
        The journey's title; default ``"Hành trình thực tế"`` (or the reference's title with
        ``(thực tế)``).
    engine
        ``"duckdb"`` (one machine) or ``"spark"``: the log is checked and aggregated by Spark SQL
        inside the cluster and only the small aggregates reach the driver. ``"spark"`` reads a
        Spark DataFrame, or a path or table name with the active SparkSession (``spark-submit``'s,
        else a new ``local[*]`` one): see :mod:`journeymap._sparklog` for how Spark reads paths
        and orders ties. Default (None): Spark for a Spark DataFrame, DuckDB for everything else.
        Both engines give the same journey (hours within floating-point rounding). Needs
        ``pip install 'cx-vn[spark]'`` and Java 17+.

    Returns
    -------
    Journey
        Nodes carry ``name`` (the value in the log), ``stage``, ``volume`` (distinct cases visiting),
        ``starts`` (cases whose first event is there; absent when 0), ``drop_off`` (share of the
        cases visiting it whose last event is there and that never reached a goal, 4 decimals;
        not set on goals) and ``goal``. Edges carry ``volume`` (directly-follows occurrences),
        ``probability`` (volume / events at the source, so ``1 − Σ`` out-probabilities is the share
        of visits that end there), ``median_hours`` and ``mean_hours`` (4 decimals). Touchpoints
        are added in stage order, then by mean position (then value), so the map reads left to
        right.
        The description says, in Vietnamese, how many cases and events over which dates, and
        ``origin`` is ``"discovered"`` (saved with the journey), so :func:`journeymap.compare_journeys`
        calls it "thực tế" (lived) next to a designed journey.

    Raises
    ------
    DataError
        Missing columns (the message lists those that exist), an unreadable file or an unsupported
        suffix, timestamps that do not parse (rows and sample values), empty case or touchpoint
        values (rows), mixed time-zone conventions, an empty log, a log emptied by the date range
        or the touchpoint filter, goal values absent from the log (the touchpoints that exist are
        listed).
    ValueError
        For a share outside [0, 1], ``start`` not before ``end`` or an unreadable bound.

    Notes
    -----
    *Touchpoint ids*: a value matching ``^[a-z0-9_]+$`` is its own id; any other is folded
    (:func:`journeymap.resolve.derived_id`), lower-cased, with runs of other characters turned
    into ``_`` and outer ``_`` stripped (``"touchpoint"`` when nothing is left); clashes get
    ``_2``, ``_3``… The value itself becomes the ``name``.

    *Position* of an event: how many events of its case come before it (0 for the first). Touchpoints
    and stages are ordered by the mean position of their events. A position relative to the case's
    length (rank / length) was tried and dropped: every case that ends at a touchpoint puts it at
    1, so entry points where many visitors leave at once (a livestream, a search page) and steps
    with a high drop-off were drawn after the steps that follow them.

    Whether a case reached a goal is decided before the touchpoint filter, so a case that reached
    a rare goal touchpoint is not a drop-off. The number of cases behind every share is the
    number of cases in the date range.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({
    ...     "case_id": ["k1", "k1", "k1", "k2", "k2"],
    ...     "touchpoint": ["Giỏ hàng", "Thanh toán", "Nhận hàng", "Giỏ hàng", "Thanh toán"],
    ...     "timestamp": ["2026-01-05 08:00", "2026-01-05 08:06", "2026-01-07 10:00",
    ...                   "2026-01-06 20:00", "2026-01-06 20:30"],
    ... })
    >>> j = discover_journey(log, goal="Nhận hàng")
    >>> list(j.graph.nodes)
    ['gio_hang', 'thanh_toan', 'nhan_hang']
    >>> tp = j.touchpoint("thanh_toan")
    >>> tp.name, tp.volume, tp.drop_off   # k2 stopped at payment: 1 of the 2 cases there
    ('Thanh toán', 2.0, 0.5)
    >>> j.graph.edges["gio_hang", "thanh_toan"]
    {'volume': 2.0, 'probability': 1.0, 'median_hours': 0.3, 'mean_hours': 0.3}
    >>> j.description
    'Khám phá từ nhật ký sự kiện: 2 khách hàng (case), 5 sự kiện, từ 05/01/2026 đến 07/01/2026.'
    """
    _check_share("min_touchpoint_share", min_touchpoint_share)
    _check_share("min_transition_share", min_transition_share)
    goals = _goal_values(goal)
    columns = _Columns(case_column, touchpoint_column, timestamp_column, stage_column)
    with _open_log(events, columns, start=start, end=end, engine=engine) as log:
        return _discover(log, columns, goals=goals, min_touchpoint_share=min_touchpoint_share,
                         min_transition_share=min_transition_share, reference=reference, title=title)


def _discover(
    log: _Aggregates,
    columns: _Columns,
    *,
    goals: list[str] | None,
    min_touchpoint_share: float,
    min_transition_share: float,
    reference: Journey | None,
    title: str | None,
) -> Journey:
    """:func:`discover_journey` on an open log (whose table it changes: dropped touchpoints go)."""
    shares = log.shares()
    values = sorted(shares)
    if goals is not None:
        missing = [g for g in goals if g not in shares]
        if missing:
            raise DataError(
                f"{log.source}: goal {_listed(missing)} never occurs in column {columns.touchpoint!r}; "
                f"the touchpoints in the log are: {_listed(values)}"
            )
    ids, designs = _touchpoint_ids(values, reference, log.source, columns.touchpoint)
    if goals is None:
        goals = [v for v in values if v in designs and designs[v].get("goal")]
    kept = [v for v in values if shares[v] >= min_touchpoint_share * log.cases]
    if not kept:
        top = max(values, key=lambda v: (shares[v], v))
        raise DataError(
            f"{log.source}: min_touchpoint_share={min_touchpoint_share} removes every touchpoint; the most "
            f"visited, {top!r}, is visited by {shares[top] / log.cases:.4f} of the {log.cases:,} cases"
        )
    if goals:
        # Before the touchpoint filter: reaching a goal counts even when the goal is not drawn.
        log.mark_reached(goals)
    dropped = [v for v in values if v not in kept]
    removed_events = log.drop(dropped) if dropped else 0
    events_kept, first, last = log.summary()
    flows = _count_flows(log.flow_rows(goals=bool(goals), stage=columns.stage is not None))

    nodes = {v: _NodeStats(shares[v], *flows.nodes[v]) for v in kept}
    stages, stage_of = _order_stages(kept, nodes, designs, reference, flows.stage_counts, flows.stage_position)
    if title is None:
        title = DEFAULT_TITLE if reference is None else f"{reference.title} (thực tế)"
    description = _describe(log.cases, events_kept, first, last, removed_events, len(dropped), min_touchpoint_share)
    journey = Journey(
        title,
        stages=stages,
        persona=None if reference is None else reference.persona,
        description=description,
        origin="discovered",
    )
    goal_set = set(goals)
    position = {s: i for i, s in enumerate(stages)}
    for value in sorted(kept, key=lambda v: (position[stage_of[v]], nodes[v].position, v)):
        stats = nodes[value]
        fields: dict[str, Any] = {}
        if value in designs:
            design = designs[value]
            fields.update({key: design[key] for key in _REFERENCE_FIELDS if key in design})
        fields.update(name=fields.get("name", value), stage=stage_of[value], volume=stats.volume)
        if stats.starts:
            fields["starts"] = stats.starts
        if value in goal_set:
            fields["goal"] = True
        else:
            fields["drop_off"] = round(stats.dropped / stats.volume, 4)
        journey.add_touchpoint(ids[value], **fields)
    threshold = min_transition_share * log.cases
    for (source, target), (volume, median_hours, mean_hours) in flows.edges.items():
        if volume >= threshold:
            journey.add_transition(
                ids[source],
                ids[target],
                volume=volume,
                probability=volume / nodes[source].events,
                median_hours=round(median_hours, 4),
                mean_hours=round(mean_hours, 4),
            )
    return journey


def path_variants(
    events: EventLog,
    *,
    case_column: str = "case_id",
    touchpoint_column: str = "touchpoint",
    timestamp_column: str = "timestamp",
    top: int = 10,
    start: DateLike | None = None,
    end: DateLike | None = None,
    engine: str | None = None,
) -> pd.DataFrame:
    """The most frequent paths: each case's whole sequence of touchpoints, counted.

    Events are ordered, timestamps read and ``start``/``end`` applied exactly as in
    :func:`discover_journey` (whole cases whose first event is in ``[start, end)``); no touchpoint
    is filtered out.

    Parameters
    ----------
    events, case_column, touchpoint_column, timestamp_column, start, end
        As for :func:`discover_journey`.
    top
        How many variants to return (at least 1).
    engine
        As for :func:`discover_journey`: Spark collects only the ``top`` rows to the driver.

    Returns
    -------
    pandas.DataFrame
        Columns ``variant`` (the values joined by ``" → "``), ``touchpoints`` (tuple of values),
        ``cases`` and ``share`` (of all cases in the range); most frequent first, ties broken by
        ``variant`` text (code-point order), so the order is deterministic.

    Raises
    ------
    DataError
        As :func:`discover_journey`, for bad or missing data.
    ValueError
        For ``top`` below 1, a bad ``start``/``end``.

    Examples
    --------
    >>> import pandas as pd
    >>> log = pd.DataFrame({
    ...     "case_id": ["k1", "k1", "k2", "k2", "k3"],
    ...     "touchpoint": ["Giỏ hàng", "Thanh toán", "Giỏ hàng", "Thanh toán", "Giỏ hàng"],
    ...     "timestamp": pd.to_datetime(["2026-01-05 08:00", "2026-01-05 08:06", "2026-01-06 20:00",
    ...                                  "2026-01-06 20:30", "2026-01-07 09:00"]),
    ... })
    >>> for row in path_variants(log).itertuples():
    ...     print(row.variant, row.touchpoints, row.cases, round(row.share, 3))
    Giỏ hàng → Thanh toán ('Giỏ hàng', 'Thanh toán') 2 0.667
    Giỏ hàng ('Giỏ hàng',) 1 0.333
    """
    _check_top(top)
    columns = _Columns(case_column, touchpoint_column, timestamp_column, None)
    with _open_log(events, columns, start=start, end=end, engine=engine) as log:
        return _variants(log, top)


def _variants(log: _Aggregates, top: int) -> pd.DataFrame:
    import pandas as pd

    rows = log.variant_rows(top)
    return pd.DataFrame(
        {
            "variant": [r[0] for r in rows],
            "touchpoints": [tuple(r[1]) for r in rows],
            "cases": [int(r[2]) for r in rows],
            "share": [r[2] / log.cases for r in rows],
        }
    )


def discover_with_variants(
    events: EventLog,
    *,
    top: int = 10,
    case_column: str = "case_id",
    touchpoint_column: str = "touchpoint",
    timestamp_column: str = "timestamp",
    stage_column: str | None = None,
    goal: str | Sequence[str] | None = None,
    min_touchpoint_share: float = 0.0,
    min_transition_share: float = 0.0,
    start: DateLike | None = None,
    end: DateLike | None = None,
    reference: Journey | None = None,
    title: str | None = None,
    engine: str | None = None,
) -> tuple[Journey, pd.DataFrame]:
    """:func:`discover_journey` and :func:`path_variants` from one reading of the log.

    The same results as the two calls (the variants count every touchpoint, before
    ``min_touchpoint_share`` drops any), for half the reading: a log of millions of events is read
    and checked once. ``cx discover`` and :func:`journeymap.build_report` use it.

    >>> import pandas as pd
    >>> log = pd.DataFrame({"case_id": ["k1", "k1", "k2"], "touchpoint": ["Giỏ hàng", "Thanh toán", "Giỏ hàng"],
    ...                     "timestamp": ["2026-01-05 08:00", "2026-01-05 08:06", "2026-01-06 20:00"]})
    >>> journey, variants = discover_with_variants(log, top=5)
    >>> journey.graph.number_of_nodes(), variants["variant"].tolist()
    (2, ['Giỏ hàng', 'Giỏ hàng → Thanh toán'])
    """
    _check_top(top)
    _check_share("min_touchpoint_share", min_touchpoint_share)
    _check_share("min_transition_share", min_transition_share)
    goals = _goal_values(goal)
    columns = _Columns(case_column, touchpoint_column, timestamp_column, stage_column)
    with _open_log(events, columns, start=start, end=end, engine=engine) as log:
        variants = _variants(log, top)  # before _discover drops rare touchpoints from the table
        journey = _discover(log, columns, goals=goals, min_touchpoint_share=min_touchpoint_share,
                            min_transition_share=min_transition_share, reference=reference, title=title)
    return journey, variants


# -- the engines --------------------------------------------------------------------------------------------

ENGINES = ("duckdb", "spark")


class _Aggregates(Protocol):
    """What discovery asks of a checked log; :class:`journeymap._eventlog._Log` (DuckDB) and
    :class:`journeymap._sparklog._SparkLog` answer alike."""

    @property
    def source(self) -> str: ...
    @property
    def cases(self) -> int: ...

    def shares(self) -> dict[str, int]: ...
    def mark_reached(self, goals: Sequence[str]) -> None: ...
    def drop(self, values: Sequence[str]) -> int: ...
    def summary(self) -> tuple[int, datetime, datetime]: ...
    def flow_rows(self, *, goals: bool, stage: bool) -> list[tuple[Any, ...]]: ...
    def variant_rows(self, top: int) -> list[tuple[str, list[str], int]]: ...


def _open_log(
    events: EventLog, columns: _Columns, *, start: DateLike | None, end: DateLike | None, engine: str | None
) -> AbstractContextManager[_Aggregates]:
    """The checked log on the engine asked for: DuckDB unless ``engine="spark"`` or a Spark DataFrame."""
    from ._sparklog import is_spark_frame

    if engine is not None and engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(map(repr, ENGINES))} (or None: Spark for a Spark "
                         f"DataFrame, DuckDB otherwise); got {engine!r}")
    spark_frame = is_spark_frame(events)
    if engine == "duckdb" and spark_frame:
        raise TypeError("engine='duckdb' cannot read a Spark DataFrame; use engine='spark' (or leave engine out), "
                        "or give a pandas DataFrame or a file")
    if engine == "spark" or spark_frame:
        if not spark_frame and not isinstance(events, (str, Path)):
            raise TypeError(f"engine='spark' reads a Spark DataFrame, a path or a table name; got {type(events)}")
        from ._sparklog import spark_event_log

        return spark_event_log(events, columns, start=start, end=end)
    return _event_log(events, columns, start=start, end=end)


# -- aggregation --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NodeStats:
    volume: int  # distinct cases
    events: int
    starts: int
    dropped: int  # cases ending here without having reached a goal
    position: float  # mean number of events before it in its case


@dataclass(frozen=True)
class _Flows:
    nodes: dict[str, tuple[int, int, int, float]]  # value → events, starts, dropped, position
    edges: dict[tuple[str, str], tuple[int, float, float]]  # (from, to) → volume, median and mean hours
    stage_counts: dict[str, Counter[str]]  # value → stage → events
    stage_position: dict[str, float]  # stage → mean position of its events


def _count_flows(rows: Sequence[tuple[Any, ...]]) -> _Flows:
    """Fold the rows of the log's one window pass (``_Log.flow_rows``): per touchpoint, per transition,
    per stage.

    Grouping by (touchpoint, next touchpoint) gives the transitions, and with ``next_tp`` NULL the
    case ends; summing a touchpoint's groups gives its events, starts and position.
    """
    totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0, 0.0])
    edges: dict[tuple[str, str], tuple[int, float, float]] = {}
    stage_counts: dict[str, Counter[str]] = defaultdict(Counter)
    stage_sums: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])
    for by_stage, tp, next_tp, stage_name, events, starts, dropped, position_sum, median_hours, mean_hours in rows:
        if by_stage:
            if stage_name is not None:
                stage_counts[tp][stage_name] = events
                stage_sums[stage_name][0] += events
                stage_sums[stage_name][1] += position_sum
            continue
        total = totals[tp]
        total[0] += events
        total[1] += starts
        total[2] += dropped
        total[3] += position_sum
        if next_tp is not None:
            edges[tp, next_tp] = (events, median_hours, mean_hours)
    return _Flows(
        nodes={tp: (int(e), int(s), int(d), p / e) for tp, (e, s, d, p) in totals.items()},
        edges=edges,
        stage_counts=dict(stage_counts),
        stage_position={name: p / e for name, (e, p) in stage_sums.items()},
    )


# -- building the journey -----------------------------------------------------------------------------


def _touchpoint_ids(
    values: Sequence[str], reference: Journey | None, source: str, column: str
) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """Touchpoint id of each value, and the attributes of the reference touchpoint each matched value takes.

    Values are matched by :class:`journeymap.resolve.TouchpointResolver` (id, folded name, alias,
    derived id). A reference touchpoint is taken at most once, by the values matched by the earliest
    rule first; a value whose touchpoint is already taken becomes a touchpoint of its own. A value
    that names several reference touchpoints (a shared name or alias) is an error.
    """
    slugs = {v: derived_id(v) for v in values}
    matched: dict[str, str] = {}
    if reference is not None:
        resolver = TouchpointResolver(reference)
        found = {v: resolver.find(v) for v in values}
        ambiguous = [f"{v!r} ({m.by} of {resolver.describe(m)})" for v, m in found.items() if m.ambiguous]
        if ambiguous:
            raise DataError(
                f"{source}: values of column {column!r} name several touchpoints of the reference journey "
                f"{reference.title!r}: {'; '.join(ambiguous[:_MAX_LISTED])}. Give those touchpoints "
                "different names and aliases, or write the touchpoint id in the log."
            )
        taken: set[str] = set()
        for rule in RULES:
            for value in values:
                match = found[value]
                if match.by == rule and match.id is not None and value not in matched and match.id not in taken:
                    matched[value] = match.id
                    taken.add(match.id)
        designs = {value: reference.graph.nodes[id_] for value, id_ in matched.items()}
    else:
        designs = {}
    ids = dict(matched)
    used = set(ids.values())
    # Values that are ids already keep them before any derived id can take them.
    for value in sorted(values, key=lambda v: not _ID_RE.match(v)):
        if value in ids:
            continue
        candidate, n = slugs[value], 1
        while candidate in used:
            n += 1
            candidate = f"{slugs[value]}_{n}"
        ids[value] = candidate
        used.add(candidate)
    return ids, designs


def _order_stages(
    values: Sequence[str],
    nodes: Mapping[str, _NodeStats],
    designs: Mapping[str, Mapping[str, Any]],
    reference: Journey | None,
    stage_counts: Mapping[str, Counter[str]],
    stage_position: Mapping[str, float],
) -> tuple[list[str], dict[str, str]]:
    """The journey's stages in order, and the stage of each touchpoint value."""
    stage_of: dict[str, str] = {}
    for value in values:
        if value in designs:
            stage_of[value] = designs[value]["stage"]
        elif stage_counts.get(value):
            counts = stage_counts[value]
            stage_of[value] = min(counts, key=lambda s: (-counts[s], stage_position[s], s))
        else:
            stage_of[value] = DEFAULT_STAGE
    # A stage no event names (the default one, a reference stage) sits at the mean position of its
    # touchpoints' events.
    weighted: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for value, stage in stage_of.items():
        weighted[stage][0] += nodes[value].position * nodes[value].events
        weighted[stage][1] += nodes[value].events

    def key(stage: str) -> tuple[float, str]:
        total, events = weighted[stage]
        return stage_position.get(stage, total / events), stage

    designed = [s for s in reference.stages if s in weighted] if reference is not None else []
    extra = sorted((s for s in weighted if s not in designed), key=key)
    return designed + extra, stage_of


def _describe(cases: int, events: int, first: datetime, last: datetime, removed: int, dropped: int,
              share: float) -> str:
    sentence = (
        f"Khám phá từ nhật ký sự kiện: {fmt.number(cases)} khách hàng (case), {fmt.number(events)} sự kiện, "
        f"từ {first:%d/%m/%Y} đến {last:%d/%m/%Y}"
    )
    if dropped:
        sentence += (
            f"; đã bỏ {fmt.number(removed)} sự kiện tại {dropped} điểm chạm có dưới "
            f"{fmt.percent(share, 2)} khách hàng ghé qua"
        )
    return sentence + "."


# -- small helpers ------------------------------------------------------------------------------------


def _check_top(top: object) -> None:
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be an integer >= 1; got {top!r}")


def _check_share(name: str, value: float) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number between 0 and 1 (a share of cases); got {value!r}")


def _goal_values(goal: str | Sequence[str] | None) -> list[str] | None:
    if goal is None:
        return None
    goals = [goal] if isinstance(goal, str) else list(goal)
    if not goals or not all(isinstance(g, str) and g for g in goals):
        raise ValueError(f"goal must be a touchpoint value or a list of them, as written in the log; got {goal!r}")
    return goals
