"""Small text helpers shared by both halves of the toolkit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nlp.text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["flatten_lists", "fold_diacritics"]


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
