"""The real development set: public customer comments labelled by the project, texts kept where they are.

``data/realdev/labels.csv`` holds the project's labels (sentiment and causes, by
``../shared/CODEBOOK.md``) for 1,915 real comments of two public research data sets, keyed by the
SHA-1 of each text. The texts are not in the repository: :func:`load_real_dev` reads them from the
data sets' own files (``../shared/data`` in a development checkout) and joins them to the labels.
See ``data/realdev/README.md`` for how the comments were drawn and labelled.

These comments are for measuring and studying errors only. The shipped model is never trained on
them, and nothing the project writes is copied from them.
"""

from __future__ import annotations

import csv
import hashlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import InputNotFoundError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SharedDataMissing", "agreement", "labels_path", "load_real_dev", "shared_data_dir"]

_SOURCES = {
    "vispam_reviews": ("train", "dev", "test"),
    "uts2017_bank": ("train", "test"),
}


class SharedDataMissing(InputNotFoundError):
    """The public data sets are not where they were looked for (a user's clone has no ``../shared``)."""


def labels_path() -> Path:
    """``data/realdev/labels.csv`` (bundled in the package too)."""
    from .text import data_dir

    return data_dir() / "realdev" / "labels.csv"


def shared_data_dir() -> Path:
    """Where the public data sets are: ``$CX_SHARED_DATA``, else ``../shared/data`` beside the checkout."""
    configured = os.environ.get("CX_SHARED_DATA")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent.parent / "shared" / "data"


def load_real_dev(data: str | Path | None = None, *, part: str | None = None) -> pd.DataFrame:
    """The labelled real comments with their texts.

    Parameters
    ----------
    data : path, optional
        The folder holding ``vispam_reviews/`` and ``uts2017_bank/`` (default :func:`shared_data_dir`).
    part : {"study", "holdout"}, optional
        Keep one part: ``study`` (read for error analysis) or ``holdout`` (only ever measured).

    Returns
    -------
    pandas.DataFrame
        One row per labelled comment, in the labels file's order: ``text``, ``sha1``, ``source``,
        ``source_split``, ``part``, ``sentiment``, ``causes`` (a tuple of cause ids) and the two
        labellers' passes (``a_sentiment``, ``a_causes``, ``b_sentiment``, ``b_causes``).

    Raises
    ------
    SharedDataMissing
        When a data set's file is not there, naming the folder looked in.
    ValueError
        When a labelled text is not found in its data set (the data set's files changed).
    """
    if part not in (None, "study", "holdout"):
        raise ValueError(f"part must be 'study' or 'holdout'; got {part!r}")
    folder = Path(data) if data is not None else shared_data_dir()
    texts: dict[str, str] = {}
    for source, splits in _SOURCES.items():
        for split in splits:
            path = folder / source / f"{split}.csv"
            if not path.is_file():
                raise SharedDataMissing(
                    f"{path} not found: the real development set's texts live in the public data sets "
                    "(../shared/data in a development checkout, or set CX_SHARED_DATA)")
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    texts.setdefault(hashlib.sha1(row["text"].encode("utf-8")).hexdigest(), row["text"])
    labels = _read_labels()
    missing = labels.loc[~labels["sha1"].isin(texts.keys())]
    if len(missing):
        raise ValueError(f"{len(missing)} labelled comments are not in {folder} (first SHA-1 "
                         f"{missing['sha1'].iloc[0]}): the data sets' files differ from the ones labelled")
    labels.insert(0, "text", labels["sha1"].map(texts))
    for column in ("causes", "a_causes", "b_causes"):
        labels[column] = labels[column].map(lambda value: tuple(c for c in value.split(",") if c))
    if part is not None:
        labels = labels.loc[labels["part"] == part].reset_index(drop=True)
    return labels


def agreement() -> pd.DataFrame:
    """Cohen's kappa between the two independent labelling passes, per label (reads only the labels).

    One row for sentiment (kappa over the three classes) and one per cause (kappa of its yes/no),
    with how many comments each pass gave the label, the share where the passes agree, and the
    number of comments adjudicated because the passes differed.

    Examples
    --------
    >>> table = agreement()
    >>> bool(table.loc["sentiment", "kappa"] > 0.8)
    True
    """
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score

    from .labels import CAUSES

    labels = _read_labels()
    rows = {"sentiment": {
        "kappa": cohen_kappa_score(labels["a_sentiment"], labels["b_sentiment"]),
        "agree": float((labels["a_sentiment"] == labels["b_sentiment"]).mean()),
        "pass_a": len(labels), "pass_b": len(labels), "final": len(labels),
    }}
    for cause in (c.id for c in CAUSES):
        a = labels["a_causes"].str.split(",").map(lambda row, c=cause: c in row)
        b = labels["b_causes"].str.split(",").map(lambda row, c=cause: c in row)
        final = labels["causes"].str.split(",").map(lambda row, c=cause: c in row)
        rows[cause] = {"kappa": cohen_kappa_score(a, b) if (a | b).any() else float("nan"),
                       "agree": float((a == b).mean()), "pass_a": int(a.sum()), "pass_b": int(b.sum()),
                       "final": int(final.sum())}
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.attrs["adjudicated"] = int((labels["resolution"] == "adjudicated").sum())
    return table


def _main() -> None:
    table = agreement()
    labels = _read_labels()
    print(f"{len(labels):,} comments ({(labels['source'] == 'vispam_reviews').sum():,} product reviews, "
          f"{(labels['source'] == 'uts2017_bank').sum():,} bank comments); two independent passes, "
          f"{table.attrs['adjudicated']:,} adjudicated")
    print(f"{'label':<24}{'kappa':>7}{'agree':>8}{'pass A':>8}{'pass B':>8}{'final':>7}")
    for name, row in table.iterrows():
        print(f"{name:<24}{row['kappa']:>7.3f}{row['agree']:>8.3f}{int(row['pass_a']):>8,}{int(row['pass_b']):>8,}"
              f"{int(row['final']):>7,}")
    print("\nfinal sentiment: " + ", ".join(f"{k} {v:,}" for k, v in labels["sentiment"].value_counts().items()))
    for part in ("study", "holdout"):
        print(f"{part}: {(labels['part'] == part).sum():,} comments")


def _read_labels() -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(labels_path(), dtype=str, keep_default_na=False, index_col=False)


if __name__ == "__main__":
    _main()
