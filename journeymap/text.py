"""Small text helpers shared by both halves of the toolkit."""

from __future__ import annotations

import unicodedata

__all__ = ["fold_diacritics"]


def fold_diacritics(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so typed-without-marks text compares equal.

    Examples
    --------
    >>> fold_diacritics("Đăng ký")
    'dang ky'
    """
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
