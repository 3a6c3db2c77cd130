"""What to label next: the comments that would teach a model most, without the same complaint twice.

:func:`sample_comments` picks ``n`` comments of a table for people to label, by one of
:data:`STRATEGIES`:

``"uncertainty+diversity"`` (the default)
    The comments the model is least sure of, spread over what they say. Every usable comment gets
    an *uncertainty* (:func:`uncertainty`); exact duplicates (the same words once case, diacritics,
    spacing and punctuation are set aside) and near-duplicates of a more uncertain comment are set
    aside (see :func:`choose`); the
    ``pool_factor * n`` (10 n) most uncertain comments left are clustered into ``n`` groups
    (scikit-learn's :class:`~sklearn.cluster.MiniBatchKMeans`, k-means++ seeding, each comment
    weighted by its uncertainty, on a 100-dimensional LSA projection of the TF-IDF rows), and the
    comment nearest each group's centre is taken. This is "diverse mini-batch active learning"
    (Zhdanov, 2019): the pool keeps what is informative, the clusters keep it from being 200
    copies of one complaint.
``"uncertainty"``
    The ``n`` most uncertain comments, exact and near-duplicates set aside, nothing more.
``"random"``
    A simple random sample of the usable comments, duplicates included as they occur: the
    baseline, and what to label when the aim is to estimate how often each label occurs.

Empty and non-text cells (see :func:`nlp.model.text_status`) are never picked; they are counted
in :attr:`Sample.not_text`. The same table, model, ``n``, strategy and ``seed`` always give the
same sample. ``benchmarks/sampling_benchmark.py`` measures the learning curve of the strategies on
the project's corpus.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .errors import DataError
from .text import fold_diacritics

if TYPE_CHECKING:
    import pandas as pd

    from .model import FeedbackModel, FeedbackPrediction
    from .tables import Table

__all__ = ["DEFAULT_STRATEGY", "STRATEGIES", "Sample", "choose", "head_uncertainty", "sample_comments", "uncertainty"]

#: The ways :func:`sample_comments` picks comments; the first is the default.
STRATEGIES = ("uncertainty+diversity", "uncertainty", "random")
DEFAULT_STRATEGY = STRATEGIES[0]
_LSA_DIMENSIONS = 100
_BLOCK = 256
_PUNCTUATION = re.compile(r"[^\w\s]+")


@dataclass
class Sample:
    """The comments :func:`sample_comments` (or :func:`choose`) picked, and what it set aside.

    ``positions`` are 0-based positions in the input, in the order the strategy picked them (the
    most informative first for the model-guided strategies); ``uncertainty`` gives theirs.
    """

    positions: list[int]
    uncertainty: np.ndarray
    strategy: str
    seed: int
    rows: int
    """Every row of the input."""
    usable: int
    """Rows with a comment to classify, before the excluded ones were taken out."""
    not_text: int
    """Empty or non-text rows, never picked."""
    excluded: int = 0
    """Usable rows left out because the caller asked (``exclude``: already labelled)."""
    duplicates: int = 0
    """Rows set aside as an exact or near-duplicate of a comment more worth labelling (model-guided
    strategies only; counted among the rows looked at before ``n`` distinct ones were found)."""
    clusters: int = 0
    """How many groups the pool was clustered into (``uncertainty+diversity``)."""
    notes: list[str] = field(default_factory=list)
    guesses: pd.DataFrame | None = None
    """The model's classification of the picked comments (as :meth:`~nlp.model.FeedbackModel.classify`
    gives it), in the order of ``positions``."""
    heads: dict[str, bool] = field(default_factory=dict)
    """The model's heads, as the columns of ``guesses`` name them: ``{"sentiment": False, "causes": True}``
    (``True``: several labels per comment)."""


def head_uncertainty(model: FeedbackModel, prediction: FeedbackPrediction) -> dict[str, np.ndarray]:
    """How unsure each head of ``model`` is of each classified comment of ``prediction``, 0 (sure) to 1.

    - ``"single"`` (the sentiment): ``1 - margin``, one minus the gap between the two most probable
      labels: 1 for a tie, 0 when one label has all the probability.
    - ``"multi"`` (the causes): for each label, how close its probability ``p`` is to the label's
      threshold ``t`` (the model's ``thresholds_``): ``1 - |p - t| / t`` below the threshold and
      ``1 - |p - t| / (1 - t)`` above, so 1 on the threshold and 0 at 0 or 1; the comment's value
      is that of its closest label.

    One value per comment of ``prediction.keep`` (the classified ones), in that order; a head the
    model lacks is left out.
    """
    heads: dict[str, np.ndarray] = {}
    if prediction.sentiment_proba is not None and prediction.sentiment_proba.shape[1] >= 2:
        top = np.sort(np.asarray(prediction.sentiment_proba, dtype=float), axis=1)[:, ::-1]
        heads["single"] = np.clip(1.0 - (top[:, 0] - top[:, 1]), 0.0, 1.0)
    if prediction.cause_proba is not None and model.causes is not None and prediction.cause_proba.shape[1]:
        proba = np.asarray(prediction.cause_proba, dtype=float)
        threshold = np.asarray(model.causes.thresholds_, dtype=float)[None, :]
        span = np.where(proba < threshold, threshold, 1.0 - threshold)
        heads["multi"] = np.clip(1.0 - np.abs(proba - threshold) / span, 0.0, 1.0).max(axis=1)
    return heads


def uncertainty(model: FeedbackModel, prediction: FeedbackPrediction) -> np.ndarray:
    """How worth labelling each classified comment of ``prediction`` is, from 0 to 1: the higher of
    its heads' uncertainties (:func:`head_uncertainty`) once each is turned into its rank among the
    comments (0 for the surest, 1 for the least sure).

    Ranks put the two heads on one scale: a comment among the least sure for the sentiment *or* for
    a cause comes first, so a batch teaches both heads. (Averaging the raw values let the sentiment
    lead: on the project's corpus the causes then learnt less than from random comments; see
    ``benchmarks/sampling_benchmark.py``.) The values are relative to the batch.

    >>> from nlp import load_model
    >>> model = load_model()
    >>> texts = ["Phở ngon, nước dùng đậm đà, sẽ quay lại", "giao hàng hơi chậm nhưng hàng ổn"]
    >>> head_uncertainty(model, model.predict(texts))["single"].round(2).tolist()  # positive, or not?
    [0.0, 0.72]
    >>> uncertainty(model, model.predict(texts)).tolist()
    [0.0, 1.0]
    """
    from scipy.stats import rankdata

    heads = head_uncertainty(model, prediction)
    n = len(prediction.keep)
    if not heads or n == 0:
        return np.zeros(n)
    ranks = [(rankdata(values, method="min") - 1) / max(n - 1, 1) for values in heads.values()]
    return np.max(ranks, axis=0)


def _check_n(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise TypeError(f"n must be a whole number of comments; got {type(n).__name__} {n!r}")
    if n < 1:
        raise DataError(f"n must be at least 1 (the number of comments to pick); got {n}")
    return int(n)


def _check_strategy(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise DataError(f"unknown sampling strategy {strategy!r}; use one of: {', '.join(STRATEGIES)}")
    return strategy


def _key(prepared: str) -> str:
    """What two comments share when they are the same words: case, diacritics, punctuation and
    spacing aside."""
    return " ".join(_PUNCTUATION.sub(" ", fold_diacritics(prepared)).split())


def choose(
    model: FeedbackModel,
    texts: Sequence[Any],
    n: int,
    *,
    strategy: str = DEFAULT_STRATEGY,
    seed: int = 0,
    exclude: Iterable[int] = (),
    pool_factor: int = 10,
    duplicate_similarity: float = 0.8,
) -> Sample:
    """Pick ``n`` of ``texts`` to label (see the module for the strategies).

    ``exclude`` holds positions never to pick (comments already labelled). When fewer than ``n``
    distinct usable comments exist, all of them are picked and a note says so.

    A comment is a near-duplicate of a more uncertain one when the cosine of their TF-IDF vectors of
    character 3–5-grams, case and diacritics folded (as :func:`nlp.corpus.find_near_duplicates`
    compares them), reaches ``duplicate_similarity`` (0.8; 1 turns near-duplicates off). Comments of
    fewer than 4 words are only compared exactly. These vectors do not depend on the model's
    vocabulary, so two comments in words the model never saw are not taken for copies.

    Raises
    ------
    TypeError
        ``n`` is not a whole number, ``texts`` is a single string.
    DataError
        ``n`` below 1, an unknown strategy, ``pool_factor`` below 1 or ``duplicate_similarity``
        outside (0, 1].
    """
    n = _check_n(n)
    strategy = _check_strategy(strategy)
    if isinstance(texts, str):
        raise TypeError("texts must be a list of comments, not a single string")
    if isinstance(pool_factor, bool) or not isinstance(pool_factor, numbers.Integral) or pool_factor < 1:
        raise DataError(f"pool_factor must be a whole number of at least 1; got {pool_factor!r}")
    if not 0 < duplicate_similarity <= 1:
        raise DataError(f"duplicate_similarity must be above 0 and at most 1; got {duplicate_similarity!r}")
    values = list(texts)
    prediction = model.predict(values)
    keep = np.asarray(prediction.keep, dtype=np.int64)
    scores = uncertainty(model, prediction)
    skip = {int(i) for i in exclude}
    allowed = np.array([int(i) not in skip for i in keep], dtype=bool)
    sample = Sample([], np.zeros(0), strategy, seed, rows=len(values), usable=len(keep),
                    not_text=len(values) - len(keep), excluded=int((~allowed).sum()))
    candidates = np.flatnonzero(allowed)  # indices into keep
    if strategy == "random":
        rng = np.random.default_rng(seed)
        chosen = rng.choice(candidates, size=min(n, len(candidates)), replace=False) if len(candidates) else candidates
    else:
        # The most uncertain first; ties in input order, so the result never depends on sorting details.
        order = candidates[np.lexsort((candidates, -scores[candidates]))]
        order, exact = _drop_exact(order, prediction.prepared)
        docs = prediction.units.docs if prediction.units is not None else None
        limit = n if strategy == "uncertainty" else n * int(pool_factor)
        pool, near = _drop_near(prediction.prepared, order, limit, duplicate_similarity)
        sample.duplicates = exact + near
        if strategy == "uncertainty" or len(pool) <= n:
            chosen = pool[:n]
        else:
            chosen, sample.clusters = _diverse(docs, pool, scores, n, seed)
    chosen = np.asarray(chosen, dtype=np.int64)
    if len(chosen) < n:
        what = "usable comments" if strategy == "random" else "distinct usable comments"
        sample.notes.append(f"only {len(chosen)} {what} were left to pick from, fewer than the {n} asked for: all "
                            "of them are in the sample")
    sample.positions = [int(keep[i]) for i in chosen]
    sample.uncertainty = scores[chosen]
    if model.sentiment is not None:
        sample.heads[model.sentiment_name] = False
    if model.causes is not None:
        sample.heads[model.causes_name] = True
    if len(chosen):
        sample.guesses = model.classify([values[p] for p in sample.positions]).reset_index(drop=True)
    return sample


def _drop_exact(order: np.ndarray, prepared: Sequence[str]) -> tuple[np.ndarray, int]:
    """``order`` without the later copies of a comment (the first, most uncertain, stays)."""
    seen: set[str] = set()
    kept: list[int] = []
    for i in order.tolist():
        key = _key(prepared[i])
        if key in seen:
            continue
        seen.add(key)
        kept.append(i)
    return np.asarray(kept, dtype=np.int64), len(order) - len(kept)


_MIN_WORDS = 4


class _Grams:
    """TF-IDF vectors of the character 3–5-grams of comments, case and diacritics folded, rows
    L2-normalised; the IDF is learnt on the first comments asked for. Comments of fewer than
    ``_MIN_WORDS`` words get an empty row (they are only compared exactly)."""

    def __init__(self, prepared: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self.prepared = prepared
        self.hashing = HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), alternate_sign=False, norm=None,
                                         n_features=1 << 20)
        self.idf: Any = None

    def _counts(self, which: np.ndarray) -> Any:
        texts = [_key(self.prepared[i]) for i in which.tolist()]
        return self.hashing.transform([t if len(t.split()) >= _MIN_WORDS else "" for t in texts])

    def fit(self, which: np.ndarray) -> None:
        from sklearn.feature_extraction.text import TfidfTransformer

        self.idf = TfidfTransformer(sublinear_tf=True).fit(self._counts(which))

    def rows(self, which: np.ndarray) -> Any:
        return self.idf.transform(self._counts(which))


def _drop_near(prepared: Sequence[str], order: np.ndarray, limit: int, similarity: float) -> tuple[np.ndarray, int]:
    """The first ``limit`` comments of ``order`` whose character n-gram vector (:class:`_Grams`) has a
    cosine below ``similarity`` with every comment kept before it, and how many were dropped on the way.

    Candidates are compared in blocks, so the cost grows with the comments looked at times the
    comments kept, never a full similarity matrix.
    """
    from scipy import sparse

    if similarity >= 1:
        return order[:limit], 0
    grams = _Grams(prepared)
    grams.fit(order[: max(_BLOCK, min(4 * limit, 5000))])  # the IDF of the comments most likely looked at
    kept: list[int] = []
    kept_rows: Any = None
    dropped = 0
    start = 0
    while len(kept) < limit and start < len(order):
        block = order[start : start + _BLOCK]
        start += len(block)
        rows = grams.rows(block)
        if kept_rows is None:
            against = np.zeros(len(block))
        else:
            against = np.asarray((rows @ kept_rows.T).max(axis=1).todense()).ravel()
        inner = (rows @ rows.T).tocsr()
        taken: list[int] = []
        for j, i in enumerate(block.tolist()):
            if against[j] >= similarity:
                dropped += 1
                continue
            if taken:
                row = inner.getrow(j)
                close = row.indices[row.data >= similarity]
                if np.isin(close, taken).any():
                    dropped += 1
                    continue
            taken.append(j)
            kept.append(i)
            if len(kept) >= limit:
                break
        chosen = rows[taken]
        kept_rows = chosen if kept_rows is None else sparse.vstack([kept_rows, chosen], format="csr")
    return np.asarray(kept, dtype=np.int64), dropped


def _diverse(docs: Any, pool: np.ndarray, scores: np.ndarray, n: int, seed: int) -> tuple[np.ndarray, int]:
    """``n`` of ``pool``: the comment nearest the centre of each of ``n`` uncertainty-weighted k-means
    groups, then (for groups left empty) the most uncertain comments not yet taken."""
    from sklearn.cluster import MiniBatchKMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.preprocessing import normalize
    from threadpoolctl import threadpool_limits

    rows = docs[pool]
    dimensions = min(_LSA_DIMENSIONS, rows.shape[1] - 1, len(pool) - 1)
    weights = np.maximum(scores[pool], 1e-6)
    kmeans = MiniBatchKMeans(n_clusters=n, init="k-means++", random_state=seed, n_init=1,
                             batch_size=max(1024, 3 * n), max_no_improvement=20)
    # One thread (BLAS and OpenMP): the pool is small (10 n comments), and threads waiting for each
    # other on a busy machine cost many times the work itself; one thread also gives the same
    # numbers on every machine.
    with threadpool_limits(1):
        if dimensions >= 2:
            points = normalize(TruncatedSVD(dimensions, random_state=seed).fit_transform(rows))
        else:
            points = rows.toarray()
        labels = kmeans.fit_predict(points, sample_weight=weights)
    distance = np.linalg.norm(points - kmeans.cluster_centers_[labels], axis=1)
    chosen: list[int] = []
    for cluster in range(n):
        members = np.flatnonzero(labels == cluster)
        if len(members):
            nearest = members[np.lexsort((members, distance[members]))[0]]
            chosen.append(int(nearest))
    taken = set(chosen)
    for position in range(len(pool)):  # pool is in uncertainty order
        if len(chosen) >= n:
            break
        if position not in taken:
            chosen.append(position)
    # Most uncertain first, as the other strategies give them.
    picked = pool[np.asarray(chosen, dtype=np.int64)]
    return picked[np.lexsort((picked, -scores[picked]))], len(set(labels.tolist()))


def sample_comments(
    data: Table | pd.DataFrame | str | PathLike[str],
    model: FeedbackModel | str | PathLike[str] | None = None,
    *,
    n: int = 200,
    text_column: str = "text",
    strategy: str = DEFAULT_STRATEGY,
    seed: int = 0,
    exclude: Iterable[int] = (),
    pool_factor: int = 10,
    duplicate_similarity: float = 0.8,
) -> tuple[Table, Sample]:
    """Read a comment table (:func:`~nlp.tables.load_table`: CSV, TSV, XLSX, JSONL or a DataFrame)
    and pick ``n`` of its comments to label with :func:`choose`.

    ``model`` is a :class:`~nlp.model.FeedbackModel` or a model folder (default: the shipped
    model); it is the model whose uncertainty is measured: give the one the labels will train.

    Returns the table (for its rows, ids and row names) and the :class:`Sample`.

    >>> import pandas as pd
    >>> table, sample = sample_comments(pd.DataFrame({"text": ["Chờ lâu quá", "Tốt", "", "Chờ lâu quá!!"]}), n=5)
    >>> sorted(sample.positions), sample.not_text, sample.duplicates
    ([0, 1], 1, 1)
    """
    from .tables import load_table

    _check_n(n)
    _check_strategy(strategy)
    table = load_table(data, "comments", columns=(text_column,))
    if model is None or isinstance(model, (str, PathLike)):
        from .persist import load_model

        model = load_model(None if model is None else Path(model))
    sample = choose(model, table.frame[text_column].tolist(), n, strategy=strategy, seed=seed, exclude=exclude,
                    pool_factor=pool_factor, duplicate_similarity=duplicate_similarity)
    return table, sample
