"""What both halves of the toolkit share from the lower layer: diacritic folding and the data folder."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

__all__ = ["data_dir", "fold_diacritics"]


def data_dir() -> Path:
    """The project's ``data/`` folder (inside the wheel, or the source checkout)."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "journeymap" / "_data", package / "data"):
        if (candidate / "journeys").is_dir():
            return candidate
    from .errors import InputNotFoundError

    raise InputNotFoundError(
        f"the bundled sample data was not found next to {package}; reinstall the package "
        "(pip install -e . from a source checkout)"
    )


@cache
def _folding_table() -> dict[int, str | None]:
    # One translate() table instead of a per-character NFD loop: folding runs on every comment the
    # classifiers see, so it has to cost microseconds. Built on first use, not at import (3 ms that
    # `cx --help` does not need).
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



def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so typed-without-marks text compares equal.

    Examples
    --------
    >>> fold_diacritics("Đăng ký")
    'dang ky'
    >>> fold_diacritics("Hoa\u0300 bi\u0300nh")  # decomposed input folds the same way
    'hoa binh'
    """
    return text.translate(_folding_table()).casefold()
