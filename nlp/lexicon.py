"""Sentiment lexicons: terms whose polarity is clear in customer feedback, read from a CSV file.

A lexicon gives the classifiers two extra features, one count per polarity of the terms a comment
uses (a negated term counts for the other polarity; see :class:`nlp.FeedbackVectorizer`). The
n-grams learn only the words the training comments contain; the lexicon carries what a term means
to comments whose wording the training set never saw. ``data/lexicon/sentiment_vi.csv`` is the
project's own (``cx train --lexicon default``); ``cx train --lexicon FILE`` takes any file of the
same shape.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

__all__ = ["POLARITIES", "default_cause_lexicon_path", "default_lexicon_path", "read_cause_lexicon", "read_lexicon"]

POLARITIES = ("positive", "negative", "neutral")


def default_lexicon_path() -> Path:
    """The project's lexicon, ``data/lexicon/sentiment_vi.csv`` (bundled in the package too)."""
    from .text import data_dir

    return data_dir() / "lexicon" / "sentiment_vi.csv"


def default_cause_lexicon_path() -> Path:
    """The project's cause lexicon, ``data/lexicon/causes_vi.csv`` (bundled in the package too)."""
    from .text import data_dir

    return data_dir() / "lexicon" / "causes_vi.csv"


def read_lexicon(path: str | Path) -> dict[str, str]:
    """Read a table with ``term`` and ``polarity`` columns (CSV, TSV, XLSX or JSONL) into ``{term: polarity}``.

    Terms are lower-cased and NFC-normalised; polarity is ``positive``, ``negative`` or ``neutral``
    (a compound that is not sentiment although a syllable of it is: "yêu cầu", "giải thích"). A
    missing file or column is a :class:`nlp.tables.TableError`; an empty term, an unknown polarity
    or a term listed twice with different polarities is a ``ValueError`` that names the line.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "lex.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("term,polarity\\nTuyệt vời,positive\\nlởm,negative\\n")
    >>> read_lexicon(path)
    {'tuyệt vời': 'positive', 'lởm': 'negative'}
    """
    return _read_terms(path, "polarity", POLARITIES)


def read_cause_lexicon(path: str | Path, causes: Sequence[str] | None = ("default",)) -> dict[str, str]:
    """Read a table with ``term`` and ``cause`` columns into ``{term: cause}``.

    ``cause`` is one of ``causes`` (by default the six causes of :data:`nlp.CAUSES`; ``None`` takes
    any label made of letters, digits and ``_``, for your own codebook) or ``none``: a look-alike that
    reports no bad experience although it uses a cause's words ("giao hàng nhanh", "không phải
    chờ"); it covers those words so that no shorter term matches inside it. Errors are as for
    :func:`read_lexicon`.

    Examples
    --------
    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "causes.csv")
    >>> _ = open(path, "w", encoding="utf-8").write("term,cause\\ngiao hàng lâu,wait_time\\ngiao hàng nhanh,none\\n")
    >>> read_cause_lexicon(path)
    {'giao hàng lâu': 'wait_time', 'giao hàng nhanh': 'none'}
    """
    if causes == ("default",):
        from .labels import CAUSES

        causes = [c.id for c in CAUSES]
    return _read_terms(path, "cause", None if causes is None else (*causes, "none"))


def _read_terms(path: str | Path, column: str, allowed: Sequence[str] | None) -> dict[str, str]:
    from .tables import read_table

    table = read_table(path, columns=("term", column))
    lexicon: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, raw, value in zip(range(2, len(table) + 2), table["term"], table[column], strict=True):
        term = " ".join(unicodedata.normalize("NFC", str(raw)).lower().split()) if isinstance(raw, str) else ""
        value = value.strip() if isinstance(value, str) else value
        if not term:
            raise ValueError(f"lexicon {path}, line {line}: the term is empty")
        if allowed is None and not (isinstance(value, str) and re.fullmatch(r"\w+", value)):
            raise ValueError(f"lexicon {path}, line {line}: {column} {value!r} for {term!r}; "
                             "allowed: a label made of letters, digits and _, or none")
        if allowed is not None and value not in allowed:
            raise ValueError(f"lexicon {path}, line {line}: {column} {value!r} for {term!r}; "
                             f"allowed: {', '.join(allowed)}")
        if lexicon.get(term, value) != value:
            raise ValueError(f"lexicon {path}, line {line}: {term!r} is {value} here but "
                             f"{lexicon[term]} on line {lines[term]}")
        lexicon[term], lines[term] = value, line
    return lexicon
