"""NPS, CSAT, CES and time to resolution, one metric at a time, with their intervals (see
:mod:`journeymap.metrics` for the definitions)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

from .. import fmt
from ..errors import DataError
from .calendar import WorkingCalendar

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


__all__ = ["InvalidValuesError", "MetricResult", "TtrUnit", "ces", "csat", "nps", "ttr"]


TtrUnit = Literal["hours", "working_hours", "working_days"]
_TTR_UNITS = ("hours", "working_hours", "working_days")
_SHOWN = 20  # rows listed in one message before "… and N more"


@dataclass(frozen=True)
class _Scale:
    title: str
    low: int
    high: int


_SCALES = {"nps": _Scale("NPS", 0, 10), "csat": _Scale("CSAT", 1, 5), "ces": _Scale("CES", 1, 7)}


# -- results ----------------------------------------------------------------------------------------
@dataclass(frozen=True, repr=False)
class MetricResult:
    """One measured metric with its confidence interval.

    Attributes
    ----------
    name
        ``"NPS"``, ``"CSAT"``, ``"CES"`` or ``"TTR"``.
    value
        NPS −100…100, CSAT in %, CES 1…7, TTR in :attr:`unit`.
    n
        Answers counted (for TTR: resolved tickets).
    low, high
        The confidence interval (NaN when it cannot be estimated: CES or TTR from one value).
    confidence
        The interval's confidence level, e.g. 0.95.
    skipped
        Invalid answers (or tickets) skipped with ``skip_invalid=True``.
    unit
        ``"%"`` for CSAT; ``"hours"``, ``"working hours"`` or ``"working days"`` for TTR; else ``""``.
    resolved, unresolved
        For TTR, the resolved and the unresolved (blank ``resolved_at``) tickets; else None.
    """

    name: str
    value: float
    n: int
    low: float
    high: float
    confidence: float = 0.95
    skipped: int = 0
    unit: str = ""
    resolved: int | None = None
    unresolved: int | None = None

    def __str__(self) -> str:
        digits = 1 if self.name in ("NPS", "CSAT") else 2
        percent = "%" if self.unit == "%" else ""
        unit = f" {self.unit}" if self.unit and not percent else ""
        parts = []
        if math.isnan(self.low):
            parts.append("too few for an interval")
        else:
            parts.append(f"{fmt.percent(self.confidence)} CI {fmt.interval(self.low, self.high, digits, percent)}")
        if self.resolved is not None:
            parts.append(f"n = {fmt.number(self.n)} resolved, {fmt.number(self.unresolved or 0)} unresolved")
        else:
            parts.append(f"n = {fmt.number(self.n)}")
        if self.skipped:
            parts.append(f"{fmt.number(self.skipped)} skipped")
        return f"{self.name} {fmt.number(self.value, digits)}{percent}{unit} ({', '.join(parts)})"

    __repr__ = __str__


class InvalidValuesError(DataError):
    """Invalid answers or ticket times, listed with their rows; skipped instead with ``skip_invalid``.

    ``str()`` tells a Python caller to pass ``skip_invalid=True``; :meth:`naming` words the same
    message for another way of giving the option (the command line's ``--skip-invalid``).
    """

    def __init__(self, prefix: str, problems: list[str]) -> None:
        self.prefix = prefix
        self.problems = problems
        super().__init__(self.naming("skip_invalid=True"))

    def naming(self, option: str) -> str:
        """The message, with ``option`` as the way to skip the invalid values."""
        return (f"{self.prefix}invalid values (pass {option} to skip them and count them):\n"
                + "\n".join(f"  - {problem}" for problem in self.problems))


# -- where rows are, and how messages name them ---------------------------------------------------
@dataclass(frozen=True)
class _Rows:
    """How a row is named to the user: a file's spreadsheet row number, or a DataFrame's index label."""

    labels: Any
    spreadsheet: bool
    source: str | None = None

    def name(self, position: int) -> str:
        label = self.labels[position]
        return f"row {label}" if self.spreadsheet else f"index {_show(label)}"

    def listing(self, positions: Sequence[int] | np.ndarray, describe: Any) -> str:
        shown = ", ".join(f"{self.name(p)}: {describe(p)}" for p in positions[:_SHOWN])
        more = len(positions) - _SHOWN
        return shown + (f" … and {more} more" if more > 0 else "")

    def prefix(self) -> str:
        return f"{self.source}: " if self.source else ""


def _show(value: object) -> str:
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return str(bool(value))
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        return str(int(number)) if number.is_integer() else repr(number)
    if isinstance(value, datetime):
        return str(value)
    return repr(value)


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


# -- parsing ----------------------------------------------------------------------------------------
def _parse_scores(values: pd.Series, scale: _Scale) -> tuple[np.ndarray, np.ndarray]:
    """Answers as floats (NaN where blank or invalid), and the mask of invalid ones."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        scores = values.to_numpy(dtype="float64", na_value=np.nan)
        blank = np.isnan(scores)
    else:
        scores = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        blank = np.isnan(scores)
        # Only the few values that are not numbers need the slower look at their text.
        unread = values[blank].astype("string")
        blank[blank] = (unread.isna() | (unread.str.strip() == "")).to_numpy(dtype=bool)
    with np.errstate(invalid="ignore"):
        valid = (scores >= scale.low) & (scores <= scale.high) & (scores == np.floor(scores))
    invalid = ~blank & ~valid
    return np.where(valid, scores, np.nan), invalid


# A time zone written after a time of day: Z or an offset (+07:00, +0700, +07). A bare date such as
# 2026-01-05 must not look like "-05".
_ZONE = r"\d:\d\d(?::\d\d(?:\.\d+)?)?\s*([zZ]|[+-]\d\d(?::?\d\d)?)\s*$"


@dataclass(frozen=True)
class _Times:
    """One column of moments: UTC for the values that carry a time zone, the clock time as written
    for the others, and which is which."""

    moments: np.ndarray  # datetime64[us]
    blank: np.ndarray
    unreadable: np.ndarray
    aware: np.ndarray  # the value carries a time zone (offset, Z, or a tz-aware datetime)
    zones: frozenset[Any]  # the time zones used: a datetime.tzinfo, or an offset such as "+07:00"


def _parse_times(values: pd.Series) -> _Times:
    """Read one column of times (see :class:`_Times`); offsets are kept, not dropped."""
    import numpy as np
    import pandas as pd

    zones: set[Any] = set()
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        blank = values.isna().to_numpy()
        aware = ~blank
        zones.add(values.dt.tz)
        moments = values.dt.tz_convert("UTC").dt.tz_localize(None)
    elif pd.api.types.is_datetime64_dtype(values.dtype):
        blank = values.isna().to_numpy()
        aware = np.zeros(len(values), dtype=bool)
        moments = values
    else:
        # Text, or datetime objects (whose text carries their offset): a value with a zone is read in
        # UTC, one without as its clock time; whether they may be mixed is decided across columns.
        text = values.astype("string")
        offsets = text.str.extract(_ZONE, expand=False)
        aware = offsets.notna().to_numpy(dtype=bool)
        zones.update(_offset(o) for o in offsets[aware].unique())
        moments = pd.to_datetime(text, errors="coerce", format="ISO8601", utc=True).dt.tz_localize(None)
        blank = moments.isna().to_numpy().copy()
        unread = text[blank]
        blank[blank] = (unread.isna() | (unread.str.strip() == "")).to_numpy(dtype=bool)
    unreadable = moments.isna().to_numpy() & ~blank
    aware = aware & ~blank & ~unreadable
    return _Times(moments.to_numpy(dtype="datetime64[us]"), blank, unreadable, aware, frozenset(zones))


def _offset(text: str) -> str:
    """``+07:00`` from ``+07:00``, ``+0700`` or ``+07``; ``+00:00`` from ``Z``."""
    if text in ("Z", "z"):
        return "+00:00"
    digits = text[1:].replace(":", "")
    return f"{text[0]}{digits[:2]}:{digits[2:4] or '00'}"


def _wall_clock(times: _Times, zone: Any) -> np.ndarray:
    """The moments of an all-aware column as clock times in ``zone`` (an offset text or a tzinfo)."""
    import datetime as dt

    import pandas as pd

    if isinstance(zone, str):
        sign = -1 if zone.startswith("-") else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])))
    utc = pd.Series(times.moments).dt.tz_localize("UTC")
    return utc.dt.tz_convert(zone).dt.tz_localize(None).to_numpy(dtype="datetime64[us]")


def _zone_name(zone: Any) -> str:
    return zone if isinstance(zone, str) else str(zone)


def _align_zones(
    opened: _Times, resolved: _Times, raw: tuple[pd.Series, pd.Series], rows: _Rows, ticket: _Ticket, unit: str
) -> tuple[np.ndarray, np.ndarray]:
    """The two columns on one clock, or a DataError.

    Times with a time zone and times without cannot be compared (the zone of the naive ones is
    unknown), whichever columns they are in. With zones everywhere, clock hours are measured in UTC;
    working hours need the office's clock, so all times must then be in one zone.
    """
    import numpy as np

    labels = (ticket.opened_label, ticket.resolved_label)
    columns = (opened, resolved)
    has_aware = [bool(t.aware.any()) for t in columns]
    has_naive = [bool((~t.aware & ~t.blank & ~t.unreadable).any()) for t in columns]
    if any(has_aware) and any(has_naive):
        def examples(times: _Times, values: pd.Series, mask: np.ndarray) -> str:
            return rows.listing(np.flatnonzero(mask)[:3], lambda p: _show(values.iloc[p]))

        parts = []
        for label, times, values in zip(labels, columns, raw):
            naive = ~times.aware & ~times.blank & ~times.unreadable
            if times.aware.any():
                parts.append(f"{label} has times with a time zone ({examples(times, values, times.aware)})")
            if naive.any():
                parts.append(f"{label} has times without one ({examples(times, values, naive)})")
        raise DataError(
            f"{rows.prefix()}times with a time zone and times without one cannot be compared: "
            + "; ".join(parts) + ". Write every time with its offset (2026-01-05T08:30:00+07:00) or every time "
            "without (2026-01-05 08:30)"
        )
    if not any(has_aware) or unit == "hours":
        return opened.moments, resolved.moments  # UTC for aware times, so offsets count
    zones = opened.zones | resolved.zones
    if len(zones) > 1:
        raise DataError(
            f"{rows.prefix()}working hours are counted on the office's clock, but {labels[0]} and {labels[1]} use "
            f"{len(zones)} time zones ({', '.join(sorted(map(_zone_name, zones)))}); give every time in the office's "
            "time zone, or measure clock hours instead of working hours"
        )
    (zone,) = zones
    return _wall_clock(opened, zone), _wall_clock(resolved, zone)


def _check_confidence(confidence: object) -> None:
    if not isinstance(confidence, numbers.Real) or not 0 < float(confidence) < 1:
        raise ValueError(f"confidence must be a number between 0 and 1 (exclusive), such as 0.95; got {confidence!r}")


def _check_ttr_options(unit: object, calendar: object, unit_name: str) -> WorkingCalendar | None:
    if unit not in _TTR_UNITS:
        raise ValueError(f"{unit_name} must be one of {', '.join(map(repr, _TTR_UNITS))}; got {unit!r}")
    if calendar is not None and not isinstance(calendar, WorkingCalendar):
        raise ValueError(f"calendar must be a WorkingCalendar or None; got {calendar!r}")
    if unit == "hours":
        if calendar is not None:
            raise ValueError(
                f"calendar is used only with {unit_name}='working_hours' or 'working_days'; got {unit_name}='hours'"
            )
        return None
    return calendar or WorkingCalendar()


@dataclass(frozen=True)
class _Ticket:
    """Where a ticket's times are, for messages."""

    opened_label: str
    resolved_label: str


def _ttr_values(
    opened: pd.Series,
    resolved: pd.Series,
    rows: _Rows,
    ticket: _Ticket,
    unit: str,
    calendar: WorkingCalendar | None,
    problems: list[str],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Resolution times in ``unit`` (NaN unless resolved and valid), and the unresolved and invalid masks."""
    import numpy as np

    opened_times, resolved_times = _parse_times(opened), _parse_times(resolved)
    opened_at, resolved_at = _align_zones(opened_times, resolved_times, (opened, resolved), rows, ticket, unit)
    opened_blank, opened_bad = opened_times.blank, opened_times.unreadable
    resolved_blank, resolved_bad = resolved_times.blank, resolved_times.unreadable
    allowed = ("allowed: ISO 8601 date-times such as 2026-01-05 08:30, 2026-01-05T08:30:00 or "
               "2026-01-05T08:30:00+07:00, or blank")
    for label, bad, raw in ((ticket.opened_label, opened_bad, opened), (ticket.resolved_label, resolved_bad, resolved)):
        if bad.any():
            where = np.flatnonzero(bad)
            problems.append(
                f"{label}: {_plural(len(where), 'unreadable date-time')} ({allowed}): "
                + rows.listing(where, lambda p, raw=raw: _show(raw.iloc[p]))
            )
    orphan = opened_blank & ~resolved_blank & ~resolved_bad
    if orphan.any():
        where = np.flatnonzero(orphan)
        problems.append(
            f"{ticket.opened_label}: blank for {_plural(len(where), 'resolved ticket')} (a resolved ticket needs "
            "its opening time): " + rows.listing(where, lambda p: f"resolved {_show(resolved.iloc[p])}")
        )
    both = ~(opened_blank | opened_bad | resolved_blank | resolved_bad)
    backwards = np.zeros(len(opened), dtype=bool)
    backwards[both] = resolved_at[both] < opened_at[both]
    if backwards.any():
        where = np.flatnonzero(backwards)
        problems.append(
            f"{ticket.resolved_label}: {_plural(len(where), 'ticket was', 'tickets were')} resolved before being "
            f"opened (allowed: blank for unresolved, or not before {ticket.opened_label}): "
            + rows.listing(where, lambda p: f"opened {_show(opened.iloc[p])}, resolved {_show(resolved.iloc[p])}")
        )
    invalid = opened_bad | resolved_bad | orphan | backwards
    done = both & ~backwards
    unresolved = ~opened_blank & ~opened_bad & resolved_blank
    durations = np.full(len(opened), np.nan)
    if calendar is None:
        durations[done] = (resolved_at[done] - opened_at[done]) / np.timedelta64(1, "h")
    else:
        worked = calendar._working_seconds(resolved_at[done]) - calendar._working_seconds(opened_at[done])
        durations[done] = worked / 3600 / (calendar.hours_per_day if unit == "working_days" else 1)
    return durations, unresolved, invalid


def _measure(
    frame: pd.DataFrame,
    rows: _Rows,
    *,
    scores: dict[str, str],
    labels: dict[str, str],
    times: tuple[str, str] | None,
    ticket: _Ticket | None,
    unit: str,
    calendar: WorkingCalendar | None,
    skip_invalid: bool,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Per-row numbers to aggregate, and the invalid answers skipped per metric.

    Raises a DataError listing every invalid value of every column unless ``skip_invalid``.
    """
    import numpy as np
    import pandas as pd

    work = pd.DataFrame(index=pd.RangeIndex(len(frame)))
    problems: list[str] = []
    skipped: dict[str, int] = {}
    for metric, column in scores.items():
        scale = _SCALES[metric]
        values, invalid = _parse_scores(frame[column], scale)
        if invalid.any():
            where = np.flatnonzero(invalid)
            raw = frame[column]
            problems.append(
                f"{labels[metric]}: {_plural(len(where), 'invalid value')} (allowed: whole numbers "
                f"{scale.low}–{scale.high}, or blank): " + rows.listing(where, lambda p, raw=raw: _show(raw.iloc[p]))
            )
        work[metric] = values
        work[f"{metric}_skipped"] = invalid
        skipped[metric] = int(invalid.sum())
    if times is not None and ticket is not None:
        durations, unresolved, invalid = _ttr_values(
            frame[times[0]], frame[times[1]], rows, ticket, unit, calendar, problems
        )
        work["ttr"] = durations
        work["ttr_unresolved"] = unresolved
        work["ttr_skipped"] = invalid
        skipped["ttr"] = int(invalid.sum())
    if problems and not skip_invalid:
        raise InvalidValuesError(rows.prefix(), problems)
    if "nps" in work:
        work["nps_promoter"] = work["nps"] >= 9
        work["nps_detractor"] = work["nps"] <= 6
    if "csat" in work:
        work["csat_satisfied"] = work["csat"] >= 4
    return work, skipped


# -- statistics -------------------------------------------------------------------------------------
def _nps_interval(n: np.ndarray, promoters: np.ndarray, detractors: np.ndarray, z: float) -> tuple[np.ndarray, ...]:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        value = 100 * (promoters - detractors) / n
        p_plus = (promoters + 0.75) / (n + 3)
        p_minus = (detractors + 0.75) / (n + 3)
        half = 100 * z * np.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / (n + 3))
    empty = n == 0
    value = np.where(empty, np.nan, value)
    half = np.where(empty, np.nan, half)
    return value, np.clip(value - half, -100, 100), np.clip(value + half, -100, 100)


def _wilson_interval(n: np.ndarray, hits: np.ndarray, z: float) -> tuple[np.ndarray, ...]:
    import numpy as np

    with np.errstate(invalid="ignore", divide="ignore"):
        share = hits / n
        denominator = 1 + z**2 / n
        centre = (share + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(share * (1 - share) / n + z**2 / (4 * n**2)) / denominator
    return 100 * share, np.clip(100 * (centre - half), 0, 100), np.clip(100 * (centre + half), 0, 100)


def _t_interval(
    n: np.ndarray, mean: np.ndarray, std: np.ndarray, confidence: float, lowest: float, highest: float
) -> tuple[np.ndarray, ...]:
    import numpy as np
    from scipy import stats

    with np.errstate(invalid="ignore", divide="ignore"):
        degrees = np.where(n > 1, n - 1, np.nan)
        half = stats.t.ppf((1 + confidence) / 2, degrees) * std / np.sqrt(n)
    return mean, np.clip(mean - half, lowest, highest), np.clip(mean + half, lowest, highest)


def _aggregate(
    work: pd.DataFrame, keys: list[str], *, unit: str, confidence: float, skip_invalid: bool
) -> pd.DataFrame:
    """One row per group: value, low, high and n per metric (and the skipped counts when skipping)."""
    import numpy as np

    spec: dict[str, tuple[str, str]] = {}
    if "nps" in work:
        spec |= {"nps_n": ("nps", "count"), "_pro": ("nps_promoter", "sum"), "_det": ("nps_detractor", "sum")}
    if "csat" in work:
        spec |= {"csat_n": ("csat", "count"), "_top": ("csat_satisfied", "sum")}
    if "ces" in work:
        spec |= {"ces_n": ("ces", "count"), "_ces_mean": ("ces", "mean"), "_ces_std": ("ces", "std")}
    if "ttr" in work:
        spec |= {
            "resolved": ("ttr", "count"),
            "_ttr_mean": ("ttr", "mean"),
            "_ttr_std": ("ttr", "std"),
            "unresolved": ("ttr_unresolved", "sum"),
        }
    metrics = [m for m in ("nps", "csat", "ces", "ttr") if m in work]
    spec |= {f"{m}_skipped": (f"{m}_skipped", "sum") for m in metrics}
    by = keys or np.zeros(len(work), dtype="int8")  # one group over everything
    grouped = work.groupby(by, sort=True, dropna=False, observed=True)
    counts = grouped.agg(**spec)
    return _finish(counts, metrics, keys, unit=unit, confidence=confidence, skip_invalid=skip_invalid)


def _finish(
    counts: pd.DataFrame, metrics: list[str], keys: list[str], *, unit: str, confidence: float, skip_invalid: bool
) -> pd.DataFrame:
    """The table from per-group counts, sums, means and standard deviations (one row per group, indexed
    by the group keys): the one place the intervals are computed, for pandas and for Spark
    (:mod:`journeymap.metrics._spark`)."""
    import numpy as np
    import pandas as pd

    z = NormalDist().inv_cdf((1 + confidence) / 2)
    out = pd.DataFrame(index=counts.index)

    def put(metric: str, name: str, interval: tuple[np.ndarray, ...], n: pd.Series) -> None:
        out[name], out[f"{name}_low"], out[f"{name}_high"] = interval
        if metric == "ttr":
            out["resolved"] = n.astype("int64")
            out["unresolved"] = counts["unresolved"].astype("int64")
        else:
            out[f"{name}_n"] = n.astype("int64")
        if skip_invalid:
            out[f"{metric}_skipped"] = counts[f"{metric}_skipped"].astype("int64")

    def array(column: str) -> np.ndarray:
        return counts[column].to_numpy(dtype="float64")

    if "nps" in metrics:
        put("nps", "nps", _nps_interval(array("nps_n"), array("_pro"), array("_det"), z), counts["nps_n"])
    if "csat" in metrics:
        put("csat", "csat", _wilson_interval(array("csat_n"), array("_top"), z), counts["csat_n"])
    if "ces" in metrics:
        interval = _t_interval(array("ces_n"), array("_ces_mean"), array("_ces_std"), confidence, 1, 7)
        put("ces", "ces", interval, counts["ces_n"])
    if "ttr" in metrics:
        interval = _t_interval(array("resolved"), array("_ttr_mean"), array("_ttr_std"), confidence, 0, np.inf)
        put("ttr", f"ttr_{unit}", interval, counts["resolved"])
    return out.reset_index(drop=not keys)


# -- one metric at a time ---------------------------------------------------------------------------
def _as_series(values: Iterable[Any], name: str) -> pd.Series:
    import pandas as pd

    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of values (a list, array or pandas Series); got {values!r}")
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    if not len(series):
        raise DataError(f"{name} is empty: there is nothing to measure")
    return series


def _score_metric(metric: str, scores: Iterable[Any], *, skip_invalid: bool, confidence: float) -> MetricResult:
    import pandas as pd

    _check_confidence(confidence)
    series = _as_series(scores, "scores")
    scale = _SCALES[metric]
    rows = _Rows(series.index, spreadsheet=False)
    frame = pd.DataFrame({metric: series.reset_index(drop=True)})
    work, skipped = _measure(
        frame, rows, scores={metric: metric}, labels={metric: f"{scale.title} answers"}, times=None, ticket=None,
        unit="hours", calendar=None, skip_invalid=skip_invalid,
    )
    row = _aggregate(work, [], unit="hours", confidence=confidence, skip_invalid=skip_invalid).iloc[0]
    n = int(row[f"{metric}_n"])
    if n == 0:
        raise DataError(
            f"no {scale.title} answers to measure: {_plural(len(series), 'value')}, "
            f"{len(series) - skipped[metric]} blank, {skipped[metric]} invalid and skipped"
        )
    return MetricResult(
        scale.title, float(row[metric]), n, float(row[f"{metric}_low"]), float(row[f"{metric}_high"]),
        confidence=confidence, skipped=skipped[metric], unit="%" if metric == "csat" else "",
    )


def nps(scores: Iterable[Any], *, skip_invalid: bool = False, confidence: float = 0.95) -> MetricResult:
    """Net Promoter Score of 0–10 "would you recommend" answers: % promoters (9–10) − % detractors (0–6).

    Parameters
    ----------
    scores
        Answers: numbers or numeric text; blanks (None, NaN, empty text) are not counted.
    skip_invalid
        Skip answers that are not whole numbers 0–10 (and report how many) instead of failing.
    confidence
        Level of the interval (see the module notes for the method).

    Returns
    -------
    MetricResult
        ``value`` from −100 to 100, ``low``/``high``, ``n`` answers counted, ``skipped``.

    Raises
    ------
    DataError
        For invalid answers (listing their positions and values) unless ``skip_invalid``, or when no
        answer is left to measure.

    Examples
    --------
    Four promoters, two passives and two detractors out of eight:

    >>> result = nps([10, 9, 9, "10", 8, 7, 6, 0, None])
    >>> result
    NPS 25,0 (95% CI −22,6 … 72,6, n = 8)
    >>> result.value, result.n
    (25.0, 8)
    >>> nps([10, 9, 7.5, "mười"], skip_invalid=True).skipped
    2
    """
    return _score_metric("nps", scores, skip_invalid=skip_invalid, confidence=confidence)


def csat(scores: Iterable[Any], *, skip_invalid: bool = False, confidence: float = 0.95) -> MetricResult:
    """Customer satisfaction: the share (%) of 1–5 answers that are 4 or 5, with a Wilson interval.

    Parameters
    ----------
    scores
        Answers: numbers or numeric text; blanks are not counted.
    skip_invalid
        Skip answers that are not whole numbers 1–5 (and report how many) instead of failing.
    confidence
        Level of the interval.

    Returns
    -------
    MetricResult
        ``value`` in %, with ``low``/``high`` in %.

    Raises
    ------
    DataError
        For invalid answers unless ``skip_invalid``, or when no answer is left.

    Examples
    --------
    >>> csat([5, 4, 4, 3, 1])
    CSAT 60,0% (95% CI 23,1% … 88,2%, n = 5)
    """
    return _score_metric("csat", scores, skip_invalid=skip_invalid, confidence=confidence)


def ces(scores: Iterable[Any], *, skip_invalid: bool = False, confidence: float = 0.95) -> MetricResult:
    """Customer Effort Score: the mean of 1–7 answers (1 = very hard, 7 = very easy), with a t interval.

    Parameters
    ----------
    scores
        Answers: numbers or numeric text; blanks are not counted.
    skip_invalid
        Skip answers that are not whole numbers 1–7 (and report how many) instead of failing.
    confidence
        Level of the interval, which is clipped to 1…7 (NaN from a single answer).

    Returns
    -------
    MetricResult

    Raises
    ------
    DataError
        For invalid answers unless ``skip_invalid``, or when no answer is left.

    Examples
    --------
    >>> ces([6, 5, 7, 4, ""])
    CES 5,50 (95% CI 3,45 … 7,00, n = 4)
    """
    return _score_metric("ces", scores, skip_invalid=skip_invalid, confidence=confidence)


def ttr(
    opened: Iterable[Any],
    resolved: Iterable[Any],
    *,
    unit: TtrUnit = "hours",
    calendar: WorkingCalendar | None = None,
    skip_invalid: bool = False,
    confidence: float = 0.95,
) -> MetricResult:
    """Mean time to resolution: Σ(resolved − opened) over the resolved tickets / their number.

    Parameters
    ----------
    opened, resolved
        When each ticket was opened and resolved, in the same order: ``datetime`` values or ISO 8601
        text. A blank ``resolved`` is an unresolved ticket: counted in ``unresolved``, not in the
        mean. A row with both blank is not a ticket. Times are either all local clock times or all
        with a time zone (``Z``, ``+07:00``, tz-aware datetimes), across both columns: a mix is a
        DataError, since the zone of a time without one is unknown. With time zones, clock hours
        are exact whatever the offsets (``01:00Z`` to ``09:00+07:00`` is 1 hour); working hours
        need every time in one zone (the office's), whose clock they are counted on.
    unit
        ``"hours"`` (clock hours), ``"working_hours"`` or ``"working_days"`` (working hours divided
        by the calendar's hours per day).
    calendar
        The working calendar for the working units; default :class:`WorkingCalendar` (Mon–Fri,
        8:00–12:00 and 13:30–17:30, no holidays).
    skip_invalid
        Skip unreadable times, resolutions before the opening and resolved tickets without an
        opening time (and report how many) instead of failing.
    confidence
        Level of the t interval around the mean (clipped at 0; NaN from a single ticket).

    Returns
    -------
    MetricResult
        ``n`` and ``resolved`` are the resolved tickets, ``unresolved`` the others.

    Raises
    ------
    DataError
        For invalid times unless ``skip_invalid`` (listing positions and values), or when no ticket
        is resolved.
    ValueError
        For an unknown ``unit``, or a ``calendar`` given with ``unit="hours"``.

    Examples
    --------
    A ticket opened on Friday at 16:00 and resolved on Monday at 9:00 took 65 clock hours but 2.5
    working hours (16:00–17:30 on Friday, 8:00–9:00 on Monday):

    >>> opened = ["2026-01-09 16:00", "2026-01-12 11:00", "2026-01-12 15:00"]
    >>> resolved = ["2026-01-12 09:00", "2026-01-12 14:30", ""]
    >>> ttr(opened[:1], resolved[:1]).value
    65.0
    >>> ttr(opened[:1], resolved[:1], unit="working_hours").value
    2.5
    >>> ttr(opened, resolved, unit="working_hours")
    TTR 2,25 working hours (95% CI 0,00 … 5,43, n = 2 resolved, 1 unresolved)
    """
    import pandas as pd

    _check_confidence(confidence)
    working = _check_ttr_options(unit, calendar, "unit")
    opened_series, resolved_series = _as_series(opened, "opened"), _as_series(resolved, "resolved")
    if len(opened_series) != len(resolved_series):
        raise ValueError(
            f"opened and resolved must have one value per ticket; got {len(opened_series)} and {len(resolved_series)}"
        )
    rows = _Rows(opened_series.index, spreadsheet=False)
    frame = pd.DataFrame(
        {"opened": opened_series.reset_index(drop=True), "resolved": resolved_series.reset_index(drop=True)}
    )
    work, skipped = _measure(
        frame, rows, scores={}, labels={}, times=("opened", "resolved"), ticket=_Ticket("opened", "resolved"),
        unit=unit, calendar=working, skip_invalid=skip_invalid,
    )
    row = _aggregate(work, [], unit=unit, confidence=confidence, skip_invalid=skip_invalid).iloc[0]
    n, unresolved = int(row["resolved"]), int(row["unresolved"])
    if n == 0:
        raise DataError(
            f"no resolved ticket to measure: {_plural(unresolved, 'ticket')} unresolved (blank resolved), "
            f"{skipped['ttr']} invalid and skipped"
        )
    name = f"ttr_{unit}"
    return MetricResult(
        "TTR", float(row[name]), n, float(row[f"{name}_low"]), float(row[f"{name}_high"]), confidence=confidence,
        skipped=skipped["ttr"], unit=unit.replace("_", " "), resolved=n, unresolved=unresolved,
    )


