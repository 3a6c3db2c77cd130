"""The project's labelled feedback corpus (``data/feedback/feedback.csv``) and its quality checks.

Run ``python -m nlp.corpus`` to print the counts quoted in the data card.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .labels import CAUSES, SENTIMENTS
from .text import fold_diacritics

__all__ = ["FeedbackExample", "corpus_path", "corpus_stats", "find_near_duplicates", "load_corpus"]

COLUMNS = ("id", "domain", "style", "split", "sentiment", "causes", "text")
Split = Literal["train", "test"]


@dataclass(frozen=True)
class FeedbackExample:
    id: str
    domain: str
    style: str
    split: str
    sentiment: str
    causes: tuple[str, ...]
    text: str
    #: Who wrote it, for the rounds from 9 on (``r9-w1`` …); empty for rounds 1–8.
    writer: str = ""


def corpus_path() -> Path:
    """Path of the bundled corpus file."""
    from .text import data_dir

    return data_dir() / "feedback" / "feedback.csv"


def load_corpus(path: str | Path | None = None, *, split: Split | None = None) -> list[FeedbackExample]:
    """Read the corpus, checking every row's labels; ``split`` keeps only ``"train"`` or ``"test"``.

    Raises
    ------
    ValueError
        Naming the row and column of any unknown label, split or missing column.

    Examples
    --------
    >>> test = load_corpus(split="test")
    >>> {ex.split for ex in test}
    {'test'}
    """
    path = Path(path) if path is not None else corpus_path()
    sentiments = {s.id for s in SENTIMENTS}
    causes = {c.id for c in CAUSES}
    rows: list[FeedbackExample] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {missing}; columns present: {reader.fieldnames}")
        for line, row in enumerate(reader, start=2):
            labels = tuple(c.strip() for c in row["causes"].split(",") if c.strip())
            bad = [c for c in labels if c not in causes]
            if row["sentiment"] not in sentiments or bad or row["split"] not in ("train", "test"):
                raise ValueError(
                    f"{path}, line {line} (id {row['id']}): sentiment {row['sentiment']!r}, causes {labels}, "
                    f"split {row['split']!r}; allowed sentiments {sorted(sentiments)}, causes {sorted(causes)}, "
                    "splits train/test"
                )
            if split is None or row["split"] == split:
                rows.append(FeedbackExample(row["id"], row["domain"], row["style"], row["split"], row["sentiment"],
                                            labels, row["text"], row.get("writer") or ""))
    return rows


def find_near_duplicates(
    texts: list[str], *, threshold: float = 0.75, min_words: int = 4
) -> list[tuple[int, int, float]]:
    """Pairs ``(i, j, similarity)`` of texts that say nearly the same thing.

    Similarity is the cosine of TF-IDF character 3–5-grams of the texts with case and
    diacritics folded, so a comment and its copy typed without diacritics count as duplicates.
    Texts shorter than ``min_words`` words ("ok", "cảm ơn") are only compared for exact equality.

    Examples
    --------
    >>> pairs = find_near_duplicates(["Chờ tổng đài 30 phút không ai nghe máy",
    ...                               "cho tong dai 30 phut khong ai nghe may",
    ...                               "Chờ tổng đài 30 phút không ai nghe máy!!",
    ...                               "Nhân viên rất nhiệt tình, cảm ơn chị"])
    >>> [(i, j) for i, j, _ in pairs]
    [(0, 1), (0, 2), (1, 2)]
    """
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    folded = [" ".join(fold_diacritics(t).split()) for t in texts]
    pairs: list[tuple[int, int, float]] = []
    seen: dict[str, int] = {}
    for i, text in enumerate(folded):
        if text in seen:
            pairs.append((seen[text], i, 1.0))
        seen.setdefault(text, i)
    long_ids = [i for i, t in enumerate(folded) if len(t.split()) >= min_words]
    if len(long_ids) < 2:
        return sorted(set(pairs))
    matrix = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
        [folded[i] for i in long_ids]
    )
    ids = np.asarray(long_ids)
    for start in range(0, len(long_ids), 2000):  # a block of rows at a time: the pairs, not every product
        block = (matrix[start:start + 2000] @ matrix.T).tocoo()
        keep = (block.data >= threshold) & (block.row + start < block.col)
        for a, b, value in zip(block.row[keep] + start, block.col[keep], block.data[keep], strict=True):
            pairs.append((int(ids[a]), int(ids[b]), round(float(min(value, 1.0)), 3)))
    return sorted(set(pairs))


def corpus_stats(examples: list[FeedbackExample]) -> dict[str, Counter]:
    """Counts per split, sentiment, cause, domain and style, as quoted in the data card."""
    return {
        "split": Counter(e.split for e in examples),
        "sentiment": Counter(e.sentiment for e in examples),
        "cause": Counter(c for e in examples for c in e.causes),
        "negative_without_cause": Counter(e.split for e in examples if e.sentiment == "negative" and not e.causes),
        "several_causes": Counter(e.split for e in examples if len(e.causes) > 1),
        "domain": Counter(e.domain for e in examples),
        "style": Counter(e.style for e in examples),
        "causes_in_non_negative": Counter(e.split for e in examples if e.sentiment != "negative" and e.causes),
        "held_out_writers": Counter(e.writer.split("-")[0] for e in examples if e.writer and e.split == "test"),
    }


def _main() -> None:
    examples = load_corpus()
    print(f"{len(examples)} comments in {corpus_path()}")
    for name, counts in corpus_stats(examples).items():
        print(f"\n{name}:")
        for key, value in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            print(f"  {key:<24}{value:>6}")


if __name__ == "__main__":
    _main()
