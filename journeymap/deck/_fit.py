"""Text that fits its box: measured, wrapped, shrunk within limits, cut with an ellipsis only at the end.

PowerPoint and LibreOffice wrap a text box's text themselves; the deck only has to choose a font size
(and, for a table, row heights) so that the wrapped text stays inside its box. The text is measured
with DejaVu Sans (bundled with matplotlib, every Vietnamese glyph), and the deck sets it in Arial
(:data:`FONT`), whose glyphs are about 11% narrower (Liberation Sans, its metric twin, stands in for
it on Linux): a line that fits when measured fits when shown, so a box never overflows because its
text wraps onto one more line than planned.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

FONT = "Arial"
"""The font the deck's text is set in (on every Windows and macOS; Liberation Sans on Linux)."""

LINE = 1.25
"""A line's height for a font size (single spacing is about 1.15–1.2 for Arial; the rest is slack)."""

ELLIPSIS = "…"


@functools.lru_cache(maxsize=4)
def _font(bold: bool):  # -> PIL.ImageFont.FreeTypeFont
    import os

    import matplotlib
    from PIL import ImageFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(os.path.join(matplotlib.get_data_path(), "fonts", "ttf", name), 100)


@functools.lru_cache(maxsize=65536)
def _advance(text: str, bold: bool) -> float:
    """Width of ``text`` at 100 pt, in points (glyph advances, kerning ignored: a little wider)."""
    return float(_font(bold).getlength(text))


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of ``text`` set at ``size`` pt, in points."""
    return _advance(text, bold) * size / 100


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pt, as a text box breaks it: at spaces, and
    a word wider than the box between characters. A line break in the text starts a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if text_width(candidate, size, bold) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            while text_width(word, size, bold) > width and len(word) > 1:  # a word wider than the box
                cut = max(1, _longest_prefix(word, width, size, bold))
                lines.append(word[:cut])
                word = word[cut:]
            line = word
        lines.append(line)
    return lines


def _longest_prefix(word: str, width: float, size: float, bold: bool) -> int:
    low, high = 0, len(word)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(word[:middle], size, bold) <= width:
            low = middle
        else:
            high = middle - 1
    return low


@dataclass(frozen=True)
class Para:
    """One paragraph of a text box or a table cell."""

    text: str
    scale: float = 1.0  # its size relative to the box's size
    bold: bool = False
    italic: bool = False
    color: str | None = None  # "#rrggbb"; None: the box's colour
    space_before: float = 0.0  # in lines of its own size

    def lines(self, width: float, size: float) -> int:
        return len(wrap(self.text, width, size * self.scale, self.bold))

    def height(self, width: float, size: float) -> float:
        own = size * self.scale
        return (self.lines(width, size) + self.space_before) * own * LINE


def block_height(paras: Sequence[Para], width: float, size: float) -> float:
    """The height of ``paras`` wrapped into ``width`` pt at ``size`` pt, in points."""
    return sum(p.height(width, size) for p in paras)


@dataclass(frozen=True)
class Fitted:
    """What :func:`fit` chose: the size and the paragraphs to show (cut when they could not fit)."""

    size: float
    paras: tuple[Para, ...]
    cut: bool = False


def sizes(largest: float, smallest: float, step: float = 0.5) -> list[float]:
    """Font sizes to try, largest first."""
    count = round((largest - smallest) / step)
    return [largest - i * step for i in range(count + 1)]


def fit(paras: Sequence[Para], width: float, height: float, largest: float, smallest: float) -> Fitted:
    """The largest size from ``largest`` down to ``smallest`` at which ``paras`` fit ``width`` ×
    ``height`` pt; when even ``smallest`` is too large, the text at ``smallest`` cut to the box with an
    ellipsis (the last resort)."""
    paras = tuple(p for p in paras if p.text)
    for size in sizes(largest, smallest):
        if block_height(paras, width, size) <= height:
            return Fitted(size, paras)
    return Fitted(smallest, cut_to(paras, width, height, smallest), cut=True)


def cut_to(paras: Sequence[Para], width: float, height: float, size: float) -> tuple[Para, ...]:
    """The paragraphs that fit ``height`` at ``size``; the last one shown cut at a word with "…"."""
    kept: list[Para] = []
    used = 0.0
    for para in paras:
        needed = para.height(width, size)
        if used + needed <= height:
            kept.append(para)
            used += needed
            continue
        own = size * para.scale * LINE
        room = math.floor((height - used) / own + 1e-9) - para.space_before
        if room >= 1:
            kept.append(_cut(para, width, size, int(room)))
        elif kept:
            kept[-1] = _ellipsis(kept[-1], width, size)
        break
    return tuple(kept)


def _cut(para: Para, width: float, size: float, lines: int) -> Para:
    """``para`` cut at a word so that it, with "…", takes at most ``lines`` lines."""
    words = para.text.split(" ")
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        candidate = replace(para, text=" ".join(words[:middle]).rstrip(" ,.;:–-") + ELLIPSIS)
        if candidate.lines(width, size) <= lines:
            low = middle
        else:
            high = middle - 1
    if low == 0:  # not even one word: cut between characters
        text = para.text
        while text and replace(para, text=text + ELLIPSIS).lines(width, size) > lines:
            text = text[:-1]
        return replace(para, text=text + ELLIPSIS)
    return replace(para, text=" ".join(words[:low]).rstrip(" ,.;:–-") + ELLIPSIS)


def _ellipsis(para: Para, width: float, size: float) -> Para:
    """``para`` ending with "…" (the paragraphs after it did not fit), in as many lines as it had."""
    if para.text.endswith(ELLIPSIS):
        return para
    lines = para.lines(width, size)
    dotted = replace(para, text=para.text + ELLIPSIS)
    return dotted if dotted.lines(width, size) <= lines else _cut(para, width, size, lines)
