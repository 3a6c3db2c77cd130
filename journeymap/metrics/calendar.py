"""Working days and hours, for time to resolution in working hours: :class:`WorkingCalendar`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


__all__ = ["WorkingCalendar"]


_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
    >>> from journeymap.metrics import ttr
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
        raise TypeError(f"weekmask must be text: {allowed}; got {weekmask!r}")
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
        raise TypeError(f"hours must be {shape}; got {hours!r}")
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
        raise TypeError(f"holidays must be an iterable of dates; got {holidays!r}")
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


