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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from journeymap.text import fold_diacritics

from .normalize import normalize_texts

__all__ = ["FeedbackVectorizer", "FOLDED_PREFIX", "LEXICON_PREFIX", "NEGATED_PREFIX", "NEGATORS", "mark_negation"]

#: Prefix of the folded-view features, so ``cho`` (from "cho") and ``~cho`` (from "chờ") differ.
FOLDED_PREFIX = "~"
#: Prefix of a word in a negation's scope, so ``¬tốt`` (from "không tốt") and ``tốt`` differ.
NEGATED_PREFIX = "¬"
#: Prefix of the lexicon features: ``#lex:positive`` and ``#lex:negative``.
LEXICON_PREFIX = "#lex:"
_FLIP = {"positive": "negative", "negative": "positive"}
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


class _LexiconIndex:
    """Find a lexicon's terms in a comment's tokens, longest first, typed with or without tone marks.

    Terms are normalised like comments. A term of two or more syllables also matches a comment typed
    without tone marks ("tuyet voi"), but never a different accented word ("lịch sử" is not "lịch
    sự"); single syllables match only as written ("chan" may be chán, chân or chăn). A ``neutral``
    term matches and counts for nothing: it keeps the syllables of a compound from matching alone
    ("yêu cầu" is a request, not "yêu"; "giải thích" is not "thích").
    """

    def __init__(self, lexicon: Mapping[str, str]) -> None:
        terms = list(lexicon)
        self.exact: dict[tuple[str, ...], str] = {}
        self.folded: dict[tuple[str, ...], str] = {}
        for term, normalised in zip(terms, normalize_texts(terms), strict=True):
            key = tuple(_TOKEN.findall(normalised))
            if not key:
                continue
            self.exact[key] = lexicon[term]
            if len(key) > 1:  # two terms that fold alike ("tin dùng", "tín dụng") are ambiguous untoned
                folded = tuple(fold_diacritics(normalised).split())
                same = self.folded.get(folded, lexicon[term]) == lexicon[term]
                self.folded[folded] = lexicon[term] if same else "neutral"
        lengths: dict[str, set[int]] = {}
        for key in [*self.exact, *self.folded]:
            lengths.setdefault(key[0], set()).add(len(key))
        #: For each token a term can start with, the terms' lengths, longest first.
        self.lengths = {token: sorted(ns, reverse=True) for token, ns in lengths.items()}
        #: The same tokens negated or not: a comment with none of them has no hit.
        self.first = set(lengths) | {NEGATED_PREFIX + token for token in lengths}

    def hits(self, marked: Sequence[str], folded: Sequence[str]) -> list[tuple[int, int, str]]:
        """``(start, end, polarity)`` of each term in negation-marked tokens; a negated term flips."""
        starts = [i for i, token in enumerate(marked) if token in self.first]
        if not starts:
            return []
        if len(folded) != len(marked):  # a token that folds to nothing (a stray combining mark)
            folded = [fold_diacritics(t) for t in marked]
        bare = [t[1:] if t[0] == NEGATED_PREFIX else t for t in marked]  # inline: called per comment
        found = []
        end = 0
        for i in starts:
            if i < end:  # inside the term found last
                continue
            for n in self.lengths[bare[i]]:
                if i + n > len(bare):
                    continue
                span = tuple(bare[i : i + n])
                polarity = self.exact.get(span)
                if polarity is None and n > 1:  # untoned text only: "lich su" is not "lịch sử"
                    untoned = tuple(_bare(t) for t in folded[i : i + n])
                    polarity = self.folded.get(untoned) if untoned == span else None
                if polarity is not None:
                    if polarity != "neutral":
                        if any(t.startswith(NEGATED_PREFIX) for t in marked[i : i + n]):
                            polarity = _FLIP[polarity]
                        found.append((i, i + n, polarity))
                    end = i + n
                    break
        return found


def _bare(token: str) -> str:
    return token[1:] if token.startswith(NEGATED_PREFIX) else token


def _from_negator(marked: Sequence[str], i: int) -> int:
    """Where the phrase of the word at ``i`` starts: back at its negator when the word is negated."""
    while i > 0 and marked[i].startswith(NEGATED_PREFIX):
        i -= 1
    return i


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
    lexicon : mapping of str to str, optional
        ``{term: "positive" | "negative" | "neutral"}`` (see :func:`nlp.lexicon.read_lexicon`). Each
        term found in a comment adds to the feature ``#lex:positive`` or ``#lex:negative``; a negated
        term ("không tốt") counts for the other polarity; a neutral term counts for nothing and
        keeps its syllables from matching alone ("yêu cầu").

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
        lexicon: Mapping[str, str] | None = None,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.folded_ngrams = folded_ngrams
        self.min_df = min_df
        self.segment = segment
        self.negation_scope = negation_scope
        self.lexicon = lexicon

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
        if self.lexicon is not None:
            wrong = [(t, p) for t, p in dict(self.lexicon).items()
                     if not isinstance(t, str) or p not in ("positive", "negative", "neutral")]
            if wrong:
                raise ValueError(f"lexicon must map terms to 'positive', 'negative' or 'neutral'; got {wrong[0]!r}"
                                 + (f" and {len(wrong) - 1} more" if len(wrong) > 1 else ""))

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
        folded: list[str] = []
        if tokens and (high or self.lexicon):
            folded = fold_diacritics(" ".join(tokens).replace("_", " ")).split()
        if high:
            features.extend(_ngrams(folded, low, high, FOLDED_PREFIX))
        if self.lexicon:
            hits = self._lexicon_hits(*self._lexicon_view(prepared, tokens, folded))
            features.extend(LEXICON_PREFIX + polarity for _, _, polarity in hits)
        return features

    def lexicon_terms(self, prepared: str) -> list[tuple[str, str]]:
        """The lexicon terms of a prepared comment as it wrote them (with their negator), and their polarity.

        >>> vec = FeedbackVectorizer(lexicon={"tuyệt vời": "positive", "tốt": "positive"})
        >>> vec.lexicon_terms(vec.prepare(["Tuyet voi, nhưng pin ko tốt lắm"])[0])
        [('tuyet voi', 'positive'), ('không tốt', 'negative')]
        """
        if not self.lexicon:
            return []
        marked, folded = self._lexicon_view(prepared, mark_negation(_TOKEN.findall(prepared), self.negation_scope))
        return [(" ".join(_bare(t) for t in marked[_from_negator(marked, start) : end]), polarity)
                for start, end, polarity in self._lexicon_hits(marked, folded)]

    def _lexicon_view(self, prepared: str, tokens: list[str], folded: list[str] | None = None) -> tuple[
        list[str], list[str]
    ]:
        """The negation-marked tokens the lexicon is matched on, and their folded forms: syllables, even
        when the comment was word-segmented."""
        if self.segment:
            tokens, folded = mark_negation(_TOKEN.findall(prepared.replace("_", " ")), self.negation_scope), None
        if folded is None:
            folded = fold_diacritics(" ".join(tokens)).split()
        return tokens, folded

    def _lexicon_hits(self, marked: list[str], folded: list[str]) -> list[tuple[int, int, str]]:
        index = getattr(self, "_lexicon_index", None)
        if index is None or index[0] is not self.lexicon:  # built once per lexicon, on first use
            index = self._lexicon_index = (self.lexicon, _LexiconIndex(self.lexicon))
        return index[1].hits(marked, folded)

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
        params.setdefault("lexicon", None)
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
