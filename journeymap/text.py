"""Small text helpers shared by both halves of the toolkit."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

from nlp.text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["describe_char", "excerpt", "flatten_lists", "fold_diacritics", "normalise_text", "text_problem"]


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


# Characters journey text may not hold (see text_problem). Built from ranges, not from unicodedata at
# import time, so that importing stays instant.
_PLANE_NONCHARACTERS = "".join(f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(1, 17))
_FORBIDDEN = re.compile(
    "["
    "\x00-\x08\x0b-\x1f\x7f-\x9f"  # control characters but tab and line feed (C0, DEL, C1)
    "\ud800-\udfff"  # lone surrogates (broken UTF-16)
    "\ufdd0-\ufdef\ufffe\uffff" + _PLANE_NONCHARACTERS +  # non-characters
    # invisible format characters: soft hyphen, Mongolian vowel separator, zero-width space, left-to-right
    # and right-to-left marks, line and paragraph separators, bidirectional embeddings, overrides and
    # isolates, word joiner and invisible operators, byte-order mark, interlinear annotation
    "\u00ad\u180e\u200b\u200e\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "]"
)
_CONTROL_NAMES = {0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE"}
_NEWLINES = re.compile("\r\n?")


def describe_char(char: str) -> str:
    r"""``U+001B (ESCAPE)``: the code point of a character, and its Unicode name when it has one.

    >>> describe_char("\x1b"), describe_char("\ufeff")
    ('U+001B (ESCAPE)', 'U+FEFF (ZERO WIDTH NO-BREAK SPACE)')
    """
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    return f"U+{code:04X}" + (f" ({name})" if name else "")


def normalise_text(text: str) -> str:
    r"""Journey text as it is kept: NFC-normalised, and ``\r\n`` or ``\r`` line breaks as ``\n``.

    >>> normalise_text("Nha\u0323\u0302n bie\u0302\u0301t\r\nxong") == "Nhận biết\nxong"
    True
    """
    if "\r" in text:
        text = _NEWLINES.sub("\n", text)
    return text if text.isascii() else unicodedata.normalize("NFC", text)


def text_problem(text: str) -> str | None:
    r"""What makes ``text`` unfit for a journey (a name, a stage, a pain point …), or ``None``.

    Journey text may hold any letter, digit, sign, emoji, space, tab and line break. It may not hold
    control characters (NUL, ESC …), lone surrogates, non-characters (U+FFFE, U+FFFF …) or
    invisible format characters (the byte-order mark U+FEFF, zero-width space U+200B, soft hyphen,
    bidirectional controls, U+2028/U+2029): they corrupt SVG and GraphML files, crash PDF drawing,
    or make two texts that look the same differ. Zero-width joiners (U+200C, U+200D), used in emoji
    and some scripts, are allowed.

    >>> text_problem("Quầy giao dịch 🏦") is None
    True
    >>> text_problem("Quầy\ufeff")
    'contains the invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE) at character 5; delete it'
    """
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    char = found.group()
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "the control character"
        advice = "text may hold tabs and line breaks but no other control characters"
    elif 0xD800 <= code <= 0xDFFF:
        kind, advice = "the lone surrogate", "it is not a character (broken UTF-16); delete it"
    elif code in (0x2028, 0x2029):
        kind, advice = "the separator", "use a plain line break instead"
    elif 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        kind, advice = "the non-character", "delete it"
    else:
        kind, advice = "the invisible character", "delete it"
    return f"contains {kind} {describe_char(char)} at character {found.start() + 1:,}; {advice}"


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
