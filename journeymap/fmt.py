r"""One way to write figures for people, in Vietnamese: decimal comma, thousands dot.

Every output that a person reads (the flow diagram, the canvas, the report, the ``cx`` console
tables) writes its numbers through these functions, so that one figure reads the same everywhere:
``0.227`` is ``22,7%`` and ``12500`` is ``12.500`` in every file. Tables written for machines
(CSV, XLSX, JSON) keep numbers as numbers, rounded by :func:`round_floats`.

>>> number(12500), number(1234.56, 1), percent(0.227), percent(0.7), signed(-12)
('12.500', '1.234,6', '22,7%', '70%', '−12')
>>> hours(0.5), hours(2.5), hours(52)
('30\xa0phút', '2,5\xa0giờ', '52\xa0giờ (2,2\xa0ngày)')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DASH", "MINUS", "hours", "interval", "is_missing", "join", "number", "percent", "points",
           "round_floats", "signed"]

MINUS = "\u2212"
"""The minus sign (U+2212), which does not break from its number as a hyphen does."""
DASH = "—"
"""What a missing figure prints as."""
NBSP = "\u00a0"


def is_missing(value: Any) -> bool:
    """``None``, NaN and pandas' missing values.

    >>> is_missing(None), is_missing(float("nan")), is_missing(0)
    (True, True, False)
    """
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def number(value: Any, digits: int = 0, *, trim: bool = False) -> str:
    """A number with a thousands dot and a decimal comma, rounded to ``digits`` decimals.

    ``trim`` drops trailing zeros of the decimals (``2,50`` → ``2,5``, ``2,0`` → ``2``). A negative
    number gets a true minus sign, a number that rounds to zero never prints as ``−0``, and a missing
    value prints as an em dash.

    >>> number(12500), number(-0.04, 1), number(2.5, 2), number(2.5, 2, trim=True), number(None)
    ('12.500', '0,0', '2,50', '2,5', '—')
    """
    if is_missing(value):
        return DASH
    rounded = round(float(value), digits)
    if rounded == 0:
        rounded = 0.0
    text = f"{abs(rounded):,.{max(digits, 0)}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return (MINUS if rounded < 0 else "") + text


def percent(share: Any, digits: int = 1) -> str:
    """A share (0–1) as a percentage with at most ``digits`` decimals: ``0.1067`` → ``10,7%``.

    >>> percent(0.1067), percent(0.25), percent(1), percent(0.00004)
    ('10,7%', '25%', '100%', '0%')
    """
    return DASH if is_missing(share) else number(float(share) * 100, digits, trim=True) + "%"


def signed(value: Any, digits: int = 0) -> str:
    """A change or a score that can go either way, always with its sign: ``+35``, ``−12``, ``0``.

    >>> signed(35), signed(-12.26, 1), signed(0.01)
    ('+35', '−12,3', '0')
    """
    if is_missing(value):
        return DASH
    text = number(value, digits, trim=True)
    return text if text.startswith(MINUS) or text == "0" else "+" + text


def points(change: Any, digits: int = 1) -> str:
    """A change of a percentage, in percentage points: ``0.025`` → ``+2,5 điểm %``.

    >>> points(0.025), points(-0.1)
    ('+2,5 điểm %', '−10 điểm %')
    """
    return DASH if is_missing(change) else f"{signed(float(change) * 100, digits)} điểm %"


def hours(value: Any) -> str:
    r"""A duration given in hours, in the unit a person would use.

    Under an hour in minutes; under two days in hours (one decimal); beyond that in hours with the
    days beside them. The number and its unit are joined by a no-break space.

    >>> hours(0.25), hours(1), hours(36.04), hours(72)
    ('15\xa0phút', '1\xa0giờ', '36\xa0giờ', '72\xa0giờ (3\xa0ngày)')
    """
    if is_missing(value):
        return DASH
    value = float(value)
    if value < 1:
        return f"{number(value * 60)}{NBSP}phút"
    text = f"{number(value, 1, trim=True)}{NBSP}giờ"
    if value < 48:
        return text
    return f"{text} ({number(value / 24, 1, trim=True)}{NBSP}ngày)"


def interval(low: Any, high: Any, digits: int = 0, suffix: str = "") -> str:
    """A confidence interval: ``12,5% … 30%``.

    >>> interval(-3, 41.5, 1)
    '−3,0 … 41,5'
    """
    if is_missing(low) or is_missing(high):
        return DASH
    return f"{number(low, digits)}{suffix} … {number(high, digits)}{suffix}"


def join(items: Iterable[str], last: str = "và") -> str:
    """Items as a Vietnamese list: ``a, b và c``.

    >>> join(["chờ lâu"]), join(["chờ lâu", "thái độ", "không giải quyết"])
    ('chờ lâu', 'chờ lâu, thái độ và không giải quyết')
    """
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {last} " + items[-1]


def round_floats(frame: pd.DataFrame, digits: int = 4) -> pd.DataFrame:
    """A copy of ``frame`` whose float columns are rounded to ``digits`` decimals, for written tables.

    Integers, text and missing values are left as they are.

    >>> import pandas as pd
    >>> round_floats(pd.DataFrame({"share": [0.48446837997064474], "n": [3]})).to_dict("records")
    [{'share': 0.4845, 'n': 3}]
    """
    import numpy as np

    floats = frame.select_dtypes(np.floating).columns
    if not len(floats):
        return frame
    out = frame.copy()
    out[floats] = out[floats].round(digits)
    return out
