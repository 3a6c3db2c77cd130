"""Draw the real development set's comments from ``../shared/data`` (run once; deterministic).

The texts stay in ``../shared``: this prints, for each drawn comment, the SHA-1 of its text (UTF-8,
exactly as in the source CSV), its source, the source's split and the part of the development set it
belongs to. ``labels.csv`` keys every label by that SHA-1.

- ViSpamReviews: every real review (``spam_type`` 0) with 1–4 stars, and 400 five-star ones drawn at
  random (seed 13), from all three splits. Reviews from its ``test`` split are the ``holdout`` part
  (measured, never read for error analysis); the rest are the ``study`` part.
- UTS2017_Bank: 400 comments drawn at random (seed 13) from its ``train`` split (its ``test`` split
  stays the blind sentiment benchmark); all ``study``.

Exact duplicate texts are drawn once.

    python data/realdev/sample.py ../shared/data > drawn.csv
"""

from __future__ import annotations

import csv
import hashlib
import random
import sys
from pathlib import Path

SEED = 13
FIVE_STAR = 400
BANK = 400


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def draw(shared: Path) -> list[dict[str, str]]:
    seen: set[str] = set()
    drawn: list[dict[str, str]] = []

    def add(text: str, source: str, split: str) -> None:
        key = sha1(text)
        if key in seen or not any(ch.isalpha() for ch in text):
            return
        seen.add(key)
        part = "holdout" if (source == "vispam_reviews" and split == "test") else "study"
        drawn.append({"sha1": key, "source": source, "source_split": split, "part": part, "text": text})

    five: list[tuple[str, str]] = []
    for split in ("train", "dev", "test"):
        with (shared / "vispam_reviews" / f"{split}.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                if row["spam_type"] != "0":
                    continue
                if row["rating"] == "5":
                    five.append((row["text"], split))
                else:
                    add(row["text"], "vispam_reviews", split)
    for text, split in random.Random(SEED).sample(five, FIVE_STAR):
        add(text, "vispam_reviews", split)
    with (shared / "uts2017_bank" / "train.csv").open(encoding="utf-8", newline="") as handle:
        bank = [row["text"] for row in csv.DictReader(handle)]
    for text in random.Random(SEED).sample(bank, BANK):
        add(text, "uts2017_bank", "train")
    return drawn


if __name__ == "__main__":
    rows = draw(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
    writer = csv.DictWriter(sys.stdout, fieldnames=["sha1", "source", "source_split", "part", "text"])
    writer.writeheader()
    writer.writerows(rows)
