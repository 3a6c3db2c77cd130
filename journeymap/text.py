"""Small text helpers shared by both halves of the toolkit."""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from nlp.text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["excerpt", "flatten_lists", "fold_diacritics"]


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


def excerpt(text: str, limit: int) -> str:
    """``text`` when it has at most ``limit`` characters; else its start and ``…``, ``limit`` in all.

    For drawings, where a label cannot grow without end (Graphviz refuses an HTML label over 16 KB):
    the full text stays in the journey file and in the drawing's tooltip. The cut never separates
    a letter from its combining marks (Vietnamese typed in NFD), and ends at a word's end when
    one is near.

    Examples
    --------
    >>> excerpt("Giỏ hàng", 20), excerpt("Xác thực khuôn mặt", 10)
    ('Giỏ hàng', 'Xác thực…')
    """
    if len(text) <= limit:
        return text
    end = max(limit - 1, 0)
    space = text.rfind(" ", 0, end + 1)
    if space > end // 2:  # at a word's end when one is near
        end = space
    while end > 0 and unicodedata.combining(text[end]):
        end -= 1
    return text[:end].rstrip() + "…"
