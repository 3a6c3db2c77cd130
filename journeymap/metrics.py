"""CX metrics from survey answers and support tickets: NPS, CSAT, CES and time to resolution.

The definitions are the contract:

- **NPS** (Net Promoter Score) from 0–10 "would you recommend" answers: % promoters (9–10) minus
  % detractors (0–6), from −100 to 100. Its interval is a Wald interval around the observed score
  whose variance comes from Rocks's adjusted-Wald proportions (B. Rocks, "Interval estimation for
  the Net Promoter Score", *The American Statistician* 70(4), 2016): 3/4 of an answer is added to
  the promoters and to the detractors and 3/2 to the passives, so with ``n + 3`` answers
  ``se = sqrt((p₊ + p₋ − (p₊ − p₋)²) / (n + 3))``. Unlike the plain Wald interval it keeps a width
  at small ``n`` and at 100 %; being centred on the observed score it always contains it. It is
  clipped to −100…100.
- **CSAT**: the share (%) of 1–5 answers that are 4 or 5, with a Wilson score interval.
- **CES** (Customer Effort Score): the mean of 1–7 answers (1 = very hard, 7 = very easy) with a
  Student t interval, clipped to 1…7. With fewer than two answers there is no spread to measure and
  the interval is NaN.
- **TTR** (time to resolution): Σ(resolved_at − opened_at) over the resolved tickets divided by their
  number, in clock hours, or in working hours of a :class:`WorkingCalendar` (working days = working
  hours / the calendar's hours per day), with a t interval (clipped at 0). Tickets with a blank
  ``resolved_at`` are unresolved: not in the mean, but counted and reported.

Answers must be whole numbers in range; blank answers are not counted (a respondent may answer NPS
and skip CES). Anything else is a :class:`~journeymap.errors.DataError` listing the rows, unless
``skip_invalid=True``, which skips them and reports how many.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from os import PathLike
from statistics import NormalDist
from typing import TYPE_CHECKING, Any, Literal

import networkx as nx

from . import fmt
from .errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from nlp.tables import Table

    from .journey import Journey

__all__ = ["MetricResult", "TtrUnit", "WorkingCalendar", "ces", "csat", "nps", "set_metrics", "survey_metrics", "ttr"]

TtrUnit = Literal["hours", "working_hours", "working_days"]
_TTR_UNITS = ("hours", "working_hours", "working_days")
_SHOWN = 20  # rows listed in one message before "… and N more"
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class _Scale:
    title: str
    low: int
    high: int


_SCALES = {"nps": _Scale("NPS", 0, 10), "csat": _Scale("CSAT", 1, 5), "ces": _Scale("CES", 1, 7)}

# Decimals kept when a value is written onto a touchpoint: survey scores are not more precise.
_WRITTEN_VALUES = {"nps": 1, "csat": 1, "ces": 2, "ttr_hours": 2, "ttr_working_hours": 2, "ttr_working_days": 2}
_WRITTEN_COUNTS = {"nps": "nps_n", "csat": "csat_n", "ces": "ces_n"}


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


# -- working calendar -------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkingCalendar:
    """Working days and hours, for time to resolution in working hours.

    Parameters
    ----------
    weekmask
        Working weekdays, as ``"Mon Tue Wed Thu Fri"`` or seven 0/1 digits from Monday
        (``"1111100"``, the default). Stored as the digits.
    hours
        The working intervals of a working day, in order and not overlapping, as
        ``datetime.time`` pairs or ``"HH:MM"`` text. The default, 8:00–12:00 and 13:30–17:30, is a
        Vietnamese office day with its lunch break. Stored as ``datetime.time`` pairs.
    holidays
        Dates that are not worked although their weekday is: any iterable of ``datetime.date``,
        ``datetime.datetime``, ``numpy.datetime64`` or ISO ``"YYYY-MM-DD"`` text. The keys of
        ``holidays.Vietnam(years=2026)`` (from the ``holidays`` package) work as they are. Stored
        as a sorted tuple of dates.

    Raises
    ------
    ValueError
        Naming the parameter, the value received and what is allowed.

    Examples
    --------
    Vietnamese public holidays are passed as dates. Tết Bính Ngọ (mùng 1 on 17/02/2026) closes the
    office from Monday 16 to Friday 20 February 2026, so a ticket opened on Friday 13 at 16:00 and
    resolved on Monday 23 at 9:00 took 2.5 working hours:

    >>> from datetime import date
    >>> tet = [date(2026, 2, day) for day in range(16, 21)]
    >>> calendar = WorkingCalendar(holidays=[date(2026, 1, 1), *tet, date(2026, 4, 30), date(2026, 5, 1)])
    >>> calendar.hours_per_day
    8.0
    >>> ttr(["2026-02-13 16:00"], ["2026-02-23 09:00"], unit="working_hours", calendar=calendar).value
    2.5

    A six-day week with one shift:

    >>> WorkingCalendar(weekmask="Mon Tue Wed Thu Fri Sat", hours=[("07:30", "16:30")]).weekmask
    '1111110'
    """

    weekmask: str = "1111100"
    hours: tuple[tuple[time, time], ...] = ((time(8), time(12)), (time(13, 30), time(17, 30)))
    holidays: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "weekmask", _parse_weekmask(self.weekmask))
        object.__setattr__(self, "hours", _parse_hours(self.hours))
        object.__setattr__(self, "holidays", _parse_holidays(self.holidays))

    @property
    def hours_per_day(self) -> float:
        """Working hours in one working day (8.0 for the default calendar)."""
        return sum(_seconds(end) - _seconds(start) for start, end in self.hours) / 3600

    def _working_seconds(self, moments: np.ndarray) -> np.ndarray:
        """Working seconds from a fixed epoch to each moment (``datetime64``), so a duration is a difference."""
        import numpy as np

        days = moments.astype("datetime64[D]")
        into_day = (moments - days) / np.timedelta64(1, "s")
        week = np.busdaycalendar(weekmask=self.weekmask, holidays=np.array(self.holidays, dtype="datetime64[D]"))
        per_day = self.hours_per_day * 3600
        worked_days = np.busday_count(np.datetime64("1970-01-01", "D"), days, busdaycal=week)
        worked_today = np.zeros(len(moments))
        for start, end in self.hours:
            begin = _seconds(start)
            worked_today += np.clip(into_day - begin, 0, _seconds(end) - begin)
        return worked_days * per_day + np.where(np.is_busday(days, busdaycal=week), worked_today, 0.0)


def _seconds(moment: time) -> float:
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _parse_weekmask(weekmask: object) -> str:
    allowed = "seven 0/1 digits from Monday such as '1111100', or day names such as 'Mon Tue Wed Thu Fri'"
    if not isinstance(weekmask, str):
        raise ValueError(f"weekmask must be text: {allowed}; got {weekmask!r}")
    if re.fullmatch(r"[01]{7}", weekmask):
        digits = weekmask
    else:
        names = weekmask.replace(",", " ").split()
        unknown = [name for name in names if name.title() not in _DAYS]
        if unknown or not names or len({n.title() for n in names}) != len(names):
            raise ValueError(f"weekmask must be {allowed}; got {weekmask!r}")
        days = {name.title() for name in names}
        digits = "".join("1" if day in days else "0" for day in _DAYS)
    if "1" not in digits:
        raise ValueError(f"weekmask must have at least one working day; got {weekmask!r}")
    return digits


def _parse_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d{1,2})[:h](\d{2})\s*", value)
        if match and int(match[1]) < 24 and int(match[2]) < 60:
            return time(int(match[1]), int(match[2]))
    raise ValueError(f"hours: a time must be a datetime.time or 'HH:MM' text from 00:00 to 23:59; got {value!r}")


def _parse_hours(hours: object) -> tuple[tuple[time, time], ...]:
    shape = "a sequence of (start, end) pairs such as ((time(8), time(12)), (time(13, 30), time(17, 30)))"
    if isinstance(hours, str) or not isinstance(hours, Iterable):
        raise ValueError(f"hours must be {shape}; got {hours!r}")
    pairs: list[tuple[time, time]] = []
    for pair in hours:
        if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
            raise ValueError(f"hours must be {shape}; got the item {pair!r}")
        start, end = _parse_time(pair[0]), _parse_time(pair[1])
        if end <= start:
            raise ValueError(
                f"hours: an interval must end after it starts, within one day; got {start:%H:%M}–{end:%H:%M}"
            )
        if pairs and start < pairs[-1][1]:
            before = pairs[-1]
            raise ValueError(
                f"hours: intervals must be in order and not overlap; {start:%H:%M}–{end:%H:%M} starts before "
                f"{before[0]:%H:%M}–{before[1]:%H:%M} ends"
            )
        pairs.append((start, end))
    if not pairs:
        raise ValueError(f"hours must have at least one interval: {shape}; got {hours!r}")
    return tuple(pairs)


def _parse_holidays(holidays: object) -> tuple[date, ...]:
    if isinstance(holidays, str) or not isinstance(holidays, Iterable):
        raise ValueError(f"holidays must be an iterable of dates; got {holidays!r}")
    days = set()
    for day in holidays:
        if isinstance(day, datetime):
            days.add(day.date())
        elif isinstance(day, date):
            days.add(day)
        elif isinstance(day, str):
            try:
                days.add(date.fromisoformat(day.strip()))
            except ValueError:
                raise ValueError(f"holidays: {day!r} is not an ISO date such as '2026-04-30'") from None
        elif type(day).__name__ == "datetime64":
            days.add(day.astype("datetime64[D]").item())
        else:
            raise ValueError(
                f"holidays must hold datetime.date, datetime, numpy.datetime64 or 'YYYY-MM-DD' text; got {day!r}"
            )
    return tuple(sorted(days))


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


def _parse_times(values: pd.Series, label: str, rows: _Rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Moments as naive ``datetime64[us]`` (wall-clock time), and the masks of blank and unreadable values."""
    import pandas as pd

    if isinstance(values.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_dtype(values.dtype):
        moments = values
        blank = moments.isna().to_numpy()
    else:
        try:
            moments = pd.to_datetime(values, errors="coerce", format="ISO8601")
        except ValueError:
            raise DataError(
                f"{rows.prefix()}{label} mixes time-zone offsets (or offsets and local times); give every "
                "time as local time without an offset, or all with the same offset"
            ) from None
        blank = moments.isna().to_numpy().copy()
        unread = values[blank].astype("string")
        blank[blank] = (unread.isna() | (unread.str.strip() == "")).to_numpy(dtype=bool)
    if isinstance(moments.dtype, pd.DatetimeTZDtype):
        # Working hours are about the office's wall clock, which is the time as recorded.
        moments = moments.dt.tz_localize(None)
    unreadable = moments.isna().to_numpy() & ~blank
    return moments.to_numpy(dtype="datetime64[us]"), blank, unreadable


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

    opened_at, opened_blank, opened_bad = _parse_times(opened, ticket.opened_label, rows)
    resolved_at, resolved_blank, resolved_bad = _parse_times(resolved, ticket.resolved_label, rows)
    allowed = "allowed: ISO 8601 date-times such as 2026-01-05 08:30 or 2026-01-05T08:30:00, or blank"
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
        raise DataError(
            f"{rows.prefix()}invalid values (pass skip_invalid=True to skip them and count them):\n"
            + "\n".join(f"  - {problem}" for problem in problems)
        )
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
    import pandas as pd

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

    if "nps" in work:
        put("nps", "nps", _nps_interval(array("nps_n"), array("_pro"), array("_det"), z), counts["nps_n"])
    if "csat" in work:
        put("csat", "csat", _wilson_interval(array("csat_n"), array("_top"), z), counts["csat_n"])
    if "ces" in work:
        interval = _t_interval(array("ces_n"), array("_ces_mean"), array("_ces_std"), confidence, 1, 7)
        put("ces", "ces", interval, counts["ces_n"])
    if "ttr" in work:
        interval = _t_interval(array("resolved"), array("_ttr_mean"), array("_ttr_std"), confidence, 0, np.inf)
        put("ttr", f"ttr_{unit}", interval, counts["resolved"])
    return out.reset_index(drop=not keys)


# -- one metric at a time ---------------------------------------------------------------------------
def _as_series(values: Iterable[Any], name: str) -> pd.Series:
    import pandas as pd

    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a sequence of values (a list, array or pandas Series); got {values!r}")
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
        text (local time). A blank ``resolved`` is an unresolved ticket: counted in ``unresolved``,
        not in the mean. A row with both blank is not a ticket.
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
        without BOM), or a :class:`nlp.Table` already loaded by :func:`nlp.load_table`. Messages name a file's rows by spreadsheet row number (the header is row 1) and
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

    _check_confidence(confidence)
    working = _check_ttr_options(ttr_unit, calendar, "ttr_unit")
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

    from ._schema import MetricsSpec

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
