"""Sentiment lexicons: terms whose polarity is clear in customer feedback, read from a CSV file.

A lexicon gives the classifiers two extra features, one count per polarity of the terms a comment
uses (a negated term counts for the other polarity; see :class:`nlp.FeedbackVectorizer`). The
n-grams learn only the words the training comments contain; the lexicon carries what a term means
to comments whose wording the training set never saw. ``data/lexicon/sentiment_vi.csv`` is the
project's own (``cx train --lexicon default``); ``cx train --lexicon FILE`` takes any file of the
same shape.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

__all__ = ["POLARITIES", "default_lexicon_path", "read_lexicon"]

POLARITIES = ("positive", "negative", "neutral")


def default_lexicon_path() -> Path:
    """The project's lexicon, ``data/lexicon/sentiment_vi.csv`` (bundled in the package too)."""
    from journeymap.samples import data_dir

    return data_dir() / "lexicon" / "sentiment_vi.csv"


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
    from .tables import read_table

    table = read_table(path, columns=("term", "polarity"))
    lexicon: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, raw, polarity in zip(range(2, len(table) + 2), table["term"], table["polarity"], strict=True):
        term = " ".join(unicodedata.normalize("NFC", str(raw)).lower().split()) if isinstance(raw, str) else ""
        polarity = polarity.strip() if isinstance(polarity, str) else polarity
        if not term:
            raise ValueError(f"lexicon {path}, line {line}: the term is empty")
        if polarity not in POLARITIES:
            raise ValueError(f"lexicon {path}, line {line}: polarity {polarity!r} for {term!r}; "
                             f"allowed: {', '.join(POLARITIES)}")
        if lexicon.get(term, polarity) != polarity:
            raise ValueError(f"lexicon {path}, line {line}: {term!r} is {polarity} here but "
                             f"{lexicon[term]} on line {lines[term]}")
        lexicon[term], lines[term] = polarity, line
    return lexicon
