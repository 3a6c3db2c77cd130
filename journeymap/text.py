"""Small text helpers shared by both halves of the toolkit."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["flatten_lists", "fold_diacritics"]


def _folding_table() -> dict[int, str | None]:
    # One translate() table instead of a per-character NFD loop: folding runs on every comment the
    # classifiers see, so it has to cost microseconds.
    table: dict[int, str | None] = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0x00C0, 0x2000):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != char and base:
            table[code] = base
    for code in range(0x0300, 0x0370):  # stray combining marks in text that is not NFC
        table[code] = None
    return table


_FOLD = _folding_table()


def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so typed-without-marks text compares equal.

    Examples
    --------
    >>> fold_diacritics("Đăng ký")
    'dang ky'
    >>> fold_diacritics("Hoa\u0300 bi\u0300nh")  # decomposed input folds the same way
    'hoa binh'
    """
    return text.translate(_FOLD).casefold()


def _flat(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(" ".join(map(str, v)) if isinstance(v, (list, tuple)) else str(v) for v in value)
    return value


def flatten_lists(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose list cells read as text, for CSV and Excel files people open.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"top_causes": [[("unresolved", 10), ("wait_time", 7)], []]})
    >>> flatten_lists(table)["top_causes"].tolist()
    ['unresolved 10; wait_time 7', '']
    """
    flat = frame.copy()
    for column in flat.columns[flat.dtypes == object]:
        flat[column] = flat[column].map(_flat)
    return flat
