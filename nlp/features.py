"""Turning comments into features: TF-IDF over two views of each normalised comment.

* the normalised text's tokens, one and two at a time (``chờ lâu``, ``không được``, ``😡``);
* the same tokens with diacritics folded, one to three at a time (``~cho lau``), so that a comment
  typed without tone marks meets the same features as one typed with them.

In both views the words a negation governs are marked (``negation_scope``): in "không nhiệt tình
lắm" they are ``¬nhiệt ¬tình ¬lắm``, so "nhiệt tình" keeps its praise weight and "không … nhiệt
tình" learns its own, wherever the negation stands ("rất không nhiệt tình", "không được nhiệt tình
cho lắm"). This is the classic negation tagging of bag-of-words sentiment (Das & Chen 2001; Pang,
Lee & Vaithyanathan 2002).

Tokens are syllables, words of punctuation and single emoji. Word segmentation with underthesea is
optional (``segment=True``): ``benchmarks/classify_benchmark.py`` measures what it buys.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from journeymap.text import fold_diacritics

from .normalize import normalize_texts

__all__ = ["FeedbackVectorizer", "FOLDED_PREFIX", "NEGATED_PREFIX", "NEGATORS", "mark_negation"]

#: Prefix of the folded-view features, so ``cho`` (from "cho") and ``~cho`` (from "chờ") differ.
FOLDED_PREFIX = "~"
#: Prefix of a word in a negation's scope, so ``¬tốt`` (from "không tốt") and ``tốt`` differ.
NEGATED_PREFIX = "¬"
#: Words that negate what follows, after normalisation ("ko", "k", "hok" are already "không").
#: "chưa" and "chẳng" typed without tone marks are left out: "chua" is also "sour", "chang" "young man".
NEGATORS = frozenset({"không", "khong", "chẳng", "chả", "chưa", "đừng", "chớ"})
#: "không những …", "không chỉ …" mean "not only …": no negation.
_NOT_ONLY = frozenset({"những", "chỉ", "nhung", "chi"})
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _ngrams(tokens: Sequence[str], low: int, high: int, prefix: str = "") -> list[str]:
    grams = [prefix + t for t in tokens] if low <= 1 else []
    for n in range(max(2, low), high + 1):
        grams.extend(prefix + " ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


def mark_negation(tokens: Sequence[str], scope: int) -> list[str]:
    """Prefix with :data:`NEGATED_PREFIX` the ``scope`` words after each negator, within its clause.

    A negation's scope ends after ``scope`` words, at punctuation or an emoji, or at the next
    negator (which opens its own).

    >>> mark_negation("rất không hài lòng , sẽ không quay lại".split(), 6)
    ['rất', 'không', '¬hài', '¬lòng', ',', 'sẽ', 'không', '¬quay', '¬lại']
    >>> mark_negation("không những rẻ mà còn ngon".split(), 6)
    ['không', 'những', 'rẻ', 'mà', 'còn', 'ngon']
    """
    if not scope or NEGATORS.isdisjoint(tokens):
        return list(tokens)
    marked: list[str] = []
    left = 0
    for i, token in enumerate(tokens):
        if token in NEGATORS:
            follows = tokens[i + 1] if i + 1 < len(tokens) else ""
            left = 0 if follows in _NOT_ONLY else scope
            marked.append(token)
        elif not (token[0].isalnum() or token[0] == "_"):
            left = 0
            marked.append(token)
        elif left:
            marked.append(NEGATED_PREFIX + token)
            left -= 1
        else:
            marked.append(token)
    return marked


class FeedbackVectorizer(TransformerMixin, BaseEstimator):
    """TF-IDF features of raw Vietnamese comments, normalised with :func:`nlp.normalize_text`.

    Parameters
    ----------
    word_ngrams : tuple of int
        N-gram range over the normalised tokens; ``(0, 0)`` turns the view off.
    folded_ngrams : tuple of int
        N-gram range over the diacritic-folded tokens; ``(0, 0)`` turns the view off.
    min_df : int
        Keep features seen in at least this many training comments.
    segment : bool
        Join multi-syllable words with underthesea's ``word_tokenize`` before the normalised view.
    negation_scope : int
        Mark up to this many words after a negator (see :func:`mark_negation`); 0 turns it off.

    Examples
    --------
    >>> vec = FeedbackVectorizer(min_df=1).fit(["chờ lâu quá", "cho lau qua", "nhân viên vui vẻ"])
    >>> X = vec.transform(["Chờ lâuuuu"])
    >>> sorted(vec.get_feature_names_out()[X.indices])
    ['chờ', 'chờ lâu', 'lâu', '~cho', '~cho lau', '~lau']
    """

    def __init__(
        self,
        *,
        word_ngrams: tuple[int, int] = (1, 2),
        folded_ngrams: tuple[int, int] = (1, 3),
        min_df: int = 2,
        segment: bool = False,
        negation_scope: int = 6,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.folded_ngrams = folded_ngrams
        self.min_df = min_df
        self.segment = segment
        self.negation_scope = negation_scope

    def _check_params(self) -> None:
        for name in ("word_ngrams", "folded_ngrams"):
            value = getattr(self, name)
            if (
                not isinstance(value, (tuple, list))
                or len(value) != 2
                or not all(isinstance(v, (int, np.integer)) and v >= 0 for v in value)
                or value[0] > value[1]
                or (value[0] == 0) != (value[1] == 0)
            ):
                raise ValueError(
                    f"{name} must be a pair (low, high) with 1 <= low <= high, or (0, 0) to turn the "
                    f"view off; got {value!r}"
                )
        if tuple(self.word_ngrams) == (0, 0) and tuple(self.folded_ngrams) == (0, 0):
            raise ValueError("word_ngrams and folded_ngrams are both (0, 0): no features left")
        if not isinstance(self.min_df, (int, np.integer)) or self.min_df < 1:
            raise ValueError(f"min_df must be an integer >= 1; got {self.min_df!r}")
        if not isinstance(self.negation_scope, (int, np.integer)) or self.negation_scope < 0:
            raise ValueError(f"negation_scope must be an integer >= 0 (0 turns it off); got {self.negation_scope!r}")

    def prepare(self, texts: Iterable[str]) -> list[str]:
        """Normalise (and, with ``segment=True``, word-segment) raw comments."""
        normalised = normalize_texts(texts)
        if not self.segment:
            return normalised
        from underthesea import word_tokenize

        return [word_tokenize(text, format="text") for text in normalised]

    def analyze(self, prepared: str) -> list[str]:
        """The features of one prepared comment, before the vocabulary filter."""
        tokens = mark_negation(_TOKEN.findall(prepared), self.negation_scope)
        features: list[str] = []
        low, high = self.word_ngrams
        if high:
            features.extend(_ngrams(tokens, low, high))
        low, high = self.folded_ngrams
        if high and tokens:
            folded = fold_diacritics(" ".join(tokens).replace("_", " ")).split()
            features.extend(_ngrams(folded, low, high, FOLDED_PREFIX))
        return features

    def _tfidf(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=self.analyze, min_df=self.min_df, sublinear_tf=True, dtype=np.float32
        )

    def fit(self, X: Iterable[str], y: Any = None) -> FeedbackVectorizer:
        self.fit_transform(X)
        return self

    def fit_transform(self, X: Iterable[str], y: Any = None) -> Any:
        self._check_params()
        self.tfidf_ = self._tfidf()
        features = self.tfidf_.fit_transform(self.prepare(X))
        self.feature_names_ = self.tfidf_.get_feature_names_out()
        return features

    def transform(self, X: Iterable[str]) -> Any:
        check_is_fitted(self, "tfidf_")
        return self.transform_prepared(self.prepare(X))

    def transform_prepared(self, prepared: Sequence[str]) -> Any:
        """Features of comments already passed through :meth:`prepare`."""
        check_is_fitted(self, "tfidf_")
        return self.tfidf_.transform(prepared)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        # Kept from fitting: sklearn's own sorts the whole vocabulary on every call, which made
        # explanations cost milliseconds per comment.
        check_is_fitted(self, "feature_names_")
        return self.feature_names_

    # Persistence as plain arrays (see nlp.persist): the vocabulary in index order and the idf.
    def to_arrays(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        check_is_fitted(self, "tfidf_")
        params = self.get_params()
        params["word_ngrams"] = list(params["word_ngrams"])
        params["folded_ngrams"] = list(params["folded_ngrams"])
        return (
            {"params": params, "vocabulary": self.get_feature_names_out().tolist()},
            {"idf": self.tfidf_.idf_.astype(np.float64)},
        )

    @classmethod
    def from_arrays(cls, meta: dict[str, Any], arrays: dict[str, np.ndarray]) -> FeedbackVectorizer:
        params = dict(meta["params"])
        params.setdefault("negation_scope", 0)  # files written before negation marking existed
        params["word_ngrams"] = tuple(params["word_ngrams"])
        params["folded_ngrams"] = tuple(params["folded_ngrams"])
        vectorizer = cls(**params)
        vectorizer._check_params()
        vocabulary = meta["vocabulary"]
        idf = np.asarray(arrays["idf"], dtype=np.float64)
        if len(vocabulary) != len(idf):
            raise ValueError(f"model file is inconsistent: {len(vocabulary)} features but {len(idf)} idf values")
        tfidf = vectorizer._tfidf()
        tfidf.vocabulary_ = {term: index for index, term in enumerate(vocabulary)}
        tfidf.fixed_vocabulary_ = True
        tfidf.idf_ = idf
        vectorizer.tfidf_ = tfidf
        vectorizer.feature_names_ = np.asarray(vocabulary, dtype=object)
        return vectorizer
