r"""One way to write figures for people, in Vietnamese: decimal comma, thousands dot.

Every output that a person reads (the flow diagram, the canvas, the report, the ``cx`` console
tables) writes its numbers through these functions, so that one figure reads the same everywhere:
``0.227`` is ``22,7%`` and ``12500`` is ``12.500`` in every file. Written tables (CSV, XLSX,
JSONL) keep numbers as numbers: for people (Vietnamese headers, the default) rounded by :func:`table`
to the digits the report shows (:data:`DIGITS`); for programs (``headers="ids"``) at full precision.

>>> number(12500), number(1234.56, 1), percent(0.227), percent(0.7), signed(-12)
('12.500', '1.234,6', '22,7%', '70%', '−12')
>>> hours(0.5), hours(2.5), hours(52)
('30\xa0phút', '2,5\xa0giờ', '52\xa0giờ (2,2\xa0ngày)')
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DASH", "DIGITS", "HEADERS", "MINUS", "hours", "interval", "is_missing", "join", "number", "percent",
           "points", "round_floats", "signed", "table", "write_table"]

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


DIGITS: dict[str, int] = {
    "score": 2, "volume_factor": 2,
    "drop_off": 3, "effort": 3, "negative": 3, "causes": 3, "negative_share": 3, "neutral_share": 3,
    "positive_share": 3, "share": 3, "reach": 3, "start": 3, "dropped": 3, "converted": 3, "removal_effect": 3,
    "conversion_without": 3, "sentiment_confidence": 3, "visits": 2, "weight": 3,
    "nps": 1, "csat": 1, "ces": 2, "ttr_hours": 1, "ttr_working_hours": 1, "ttr_working_days": 2,
}
"""Decimals a written table keeps per column id, the ones the report and the console show: a
pain score to 2 (``0,38``), a share to 3 (``0.516`` is the ``51,6%`` on the page), NPS and CSAT
to 1, CES to 2. An interval (``nps_low``) follows its metric, a probability (``p_<cause>``) keeps
3; other floats keep 4."""

HEADERS = ("vi", "ids")
"""The header styles of written tables: Vietnamese for people (the default), ids for machines."""

_COUNTS = {"resolved", "unresolved", "comments", "empty", "cases", "volume", "designed_volume", "ttr_resolved",
           "ttr_unresolved"}
_COMPONENTS_VI = {"volume": "lượt khách", "drop_off": "tỷ lệ rời bỏ", "effort": "CES", "negative": "bình luận tiêu cực",
                  "causes": "nguyên nhân"}


def _digits(column: str) -> int:
    if column in DIGITS:
        return DIGITS[column]
    base, _, side = column.rpartition("_")
    if side in ("low", "high") and base in DIGITS:
        return DIGITS[base]
    return 3 if column.startswith("p_") else 4


def table(frame: pd.DataFrame, headers: str = "vi", *, rounded: bool | None = None) -> pd.DataFrame:
    """``frame`` as a written table (CSV, XLSX, JSONL) or console table shows it: one way for every
    ``cx`` command and ``cx demo``.

    ``headers="vi"`` (the default) is the form for people: floats rounded per column
    (:data:`DIGITS`), so a file says what the report says; Vietnamese headers
    (:func:`journeymap.terms.column_name`); channel ids as their names and list cells as text with
    cause ids named in Vietnamese (``Thời gian chờ lâu 3; …``). ``headers="ids"`` is the form for
    programs: the columns keep their ids, lists keep the ids (``wait_time 3; …``) and floats keep
    their full precision (a program rounds, or computes on, the exact value; a file written with
    a dot decimal, as every written table is). The numbers agree: the ids form rounded per
    :data:`DIGITS` is the Vietnamese form's. ``rounded`` overrides the rounding (the console
    rounds either way).

    Raises
    ------
    ValueError
        ``headers`` other than ``"vi"`` or ``"ids"``.

    >>> import pandas as pd
    >>> ranking = pd.DataFrame({"name": ["Giỏ hàng"], "score": [0.4796], "negative_share": [0.72004],
    ...                         "top_causes": [[("unresolved", 3)]], "channel": ["social"]})
    >>> table(ranking).to_dict("records")
    [{'Điểm chạm': 'Giỏ hàng', 'Điểm đau (0–1)': 0.48, 'Tỷ lệ tiêu cực': 0.72, 'Nguyên nhân nhắc nhiều nhất': 'Vấn đề/câu hỏi không được giải quyết 3', 'Kênh': 'Mạng xã hội'}]
    >>> table(ranking, headers="ids").to_dict("records")
    [{'name': 'Giỏ hàng', 'score': 0.4796, 'negative_share': 0.72004, 'top_causes': 'unresolved 3', 'channel': 'social'}]
    """
    import numpy as np
    import pandas as pd

    from .terms import cause_name, channel_name, column_name
    from .text import flatten_lists

    if headers not in HEADERS:
        raise ValueError(f"headers must be one of {', '.join(map(repr, HEADERS))}; got {headers!r}")
    if rounded is None:
        rounded = headers == "vi"
    out = frame.copy()
    for column in out.select_dtypes(np.floating).columns:
        if rounded:
            out[column] = out[column].round(_digits(str(column)))
        key = str(column)
        if (key.endswith("_n") or key in _COUNTS) and (out[column].dropna() % 1 == 0).all():
            # a count left float by a merge's gaps: 112, not 112.0; a gap stays empty (None: CSV, XLSX and JSONL take it)
            out[column] = pd.Series([None if is_missing(v) else int(v) for v in out[column]], index=out.index, dtype=object)
    if headers == "vi":
        def named(value: Any, name: Any) -> Any:
            if isinstance(value, (list, tuple)):
                return [named(item, name) for item in value]
            return name(value) if isinstance(value, str) else value

        for column in out.columns:
            key = str(column)
            if key in ("top_causes", "causes"):
                out[column] = out[column].map(lambda v: named(v, cause_name))
            elif key == "missing":
                out[column] = out[column].map(lambda v: named(v, lambda c: _COMPONENTS_VI.get(c, c)))
            elif key == "channel":
                out[column] = out[column].map(lambda v: channel_name(v) if isinstance(v, str) else v)
    out = flatten_lists(out)
    if headers == "vi":
        # the pain ranking's "causes" is a number (cause mentions per comment), elsewhere a list of causes
        out.columns = ["Nguyên nhân mỗi bình luận (0–1)" if str(c) == "causes" and pd.api.types.is_numeric_dtype(out[c])
                       else column_name(str(c)) for c in out.columns]
    return out


def write_table(frame: pd.DataFrame, path: str | Path, *, headers: str = "vi", excel_safe: bool = False) -> Path:
    """Write :func:`table` of ``frame`` to ``path`` (.csv, .tsv, .xlsx, .jsonl) with
    :class:`nlp.tables.TableWriter`: CSV in UTF-8 with a BOM, so Excel shows Vietnamese; written
    whole or not at all. ``headers="vi"`` rounds as the report shows; ``headers="ids"`` keeps full
    precision. The one writer of ``cx pain``/``cx metrics``/``cx conversion -o`` and ``cx demo``."""
    from nlp.tables import TableWriter

    prepared = table(frame, headers)
    with TableWriter(path, excel_safe=excel_safe) as writer:
        writer.write(prepared)
    return Path(path)
