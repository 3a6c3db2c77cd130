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

A comment is also cut into clauses (:func:`clause_bounds`): at sentence punctuation, commas and emoji,
and before the words that open a contrast or a new point ("nhưng", "tuy nhiên", "mỗi tội", "có
điều", "điểm trừ" …). A negation's scope ends with its clause, and
:meth:`FeedbackVectorizer.transform_clauses` gives each clause's features (its own n-grams and
lexicon terms) as well as the whole comment's, so a cause stated in one clause of a long review can
be scored on that clause alone.

Features are computed by token ids in NumPy (:mod:`nlp._compiled`); :meth:`FeedbackVectorizer.analyze`
is their definition as strings, and the two give the same matrix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ._compiled import CompiledFeatures, Lexicon, Syntax
from .normalize import EMOJI, normalize_texts
from .text import fold_diacritics

__all__ = [
    "CAUSE_PREFIX", "CLAUSE_OPENERS", "FOLDED_PREFIX", "LEXICON_PREFIX", "NEGATED_PREFIX", "NEGATORS", "VECTORIZER",
    "Clauses", "FeedbackVectorizer", "VectorizerParams", "clause_bounds", "mark_negation",
]

#: Prefix of the folded-view features, so ``cho`` (from "cho") and ``~cho`` (from "chờ") differ.
FOLDED_PREFIX = "~"
#: Prefix of a word in a negation's scope, so ``¬tốt`` (from "không tốt") and ``tốt`` differ.
NEGATED_PREFIX = "¬"
#: Prefix of the lexicon features: ``#lex:positive`` and ``#lex:negative``.
LEXICON_PREFIX = "#lex:"
#: Prefix of the cause lexicon's features: ``#cause:wait_time`` …
CAUSE_PREFIX = "#cause:"
_FLIP = {"positive": "negative", "negative": "positive"}
#: Words that negate what follows, after normalisation ("ko", "k", "hok" are already "không").
#: "chưa" and "chẳng" typed without tone marks are left out: "chua" is also "sour", "chang" "young man".
NEGATORS = frozenset({"không", "khong", "chẳng", "chả", "chưa", "đừng", "chớ"})
#: "không những …", "không chỉ …" mean "not only …": no negation.
_NOT_ONLY = frozenset({"những", "chỉ", "nhung", "chi"})
_TOKEN = re.compile(r"\w+|[^\w\s]")
#: Words that open a new clause: a contrast, a reservation or an added point. Each also counts typed
#: without tone marks and, with ``segment=True``, as one word-segmented token ("tuy_nhiên").
CLAUSE_OPENERS: tuple[str, ...] = (
    "nhưng", "tuy nhiên", "tuy", "mặc dù", "dù", "song le", "mỗi tội", "có điều", "điểm trừ", "được cái",
    "chỉ tiếc", "tiếc là", "tiếc cái", "ngoài ra", "bù lại", "duy chỉ", "chỉ có điều", "khổ nỗi", "phải cái",
)

def _emoji() -> frozenset[str]:
    ranges = re.findall(r"(.)-(.)", EMOJI)
    return frozenset(chr(c) for low, high in ranges for c in range(ord(low), ord(high) + 1))


#: Tokens that end a clause (they stay with it): sentence punctuation, commas, ellipses and emoji.
_CLAUSE_END = frozenset(".!?;,…") | _emoji()


def _openers() -> dict[str, list[tuple[str, ...]]]:
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for opener in CLAUSE_OPENERS:
        for form in {opener, fold_diacritics(opener)}:
            words = tuple(form.split())
            for key in {words, ("_".join(words),)}:
                by_first.setdefault(key[0], []).append(key)
    for keys in by_first.values():
        keys.sort(key=len, reverse=True)
    return by_first


_OPENERS = _openers()
_BREAKS = _CLAUSE_END | frozenset(_OPENERS)


def clause_bounds(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """``(start, end)`` of each clause of a comment's tokens; every token is in exactly one clause.

    A clause ends after sentence punctuation, a comma or an emoji, and before a word of
    :data:`CLAUSE_OPENERS`; a clause of fewer than :data:`MIN_CLAUSE_WORDS` words then joins its
    neighbour.

    >>> tokens = "phở ngon , giá ổn , mỗi tội đợi hơi lâu".split()
    >>> [" ".join(tokens[s:e]) for s, e in clause_bounds(tokens)]
    ['phở ngon ,', 'giá ổn ,', 'mỗi tội đợi hơi lâu']
    >>> tokens = "ngon , rẻ , mỗi tội đợi hơi lâu 😤 😤".split()  # one word or emoji alone joins a neighbour
    >>> [" ".join(tokens[s:e]) for s, e in clause_bounds(tokens)]
    ['ngon , rẻ ,', 'mỗi tội đợi hơi lâu 😤 😤']
    >>> tokens = "phòng sạch nhưng lễ tân nhăn nhó 😒 sẽ không quay lại".split()
    >>> [" ".join(tokens[s:e]) for s, e in clause_bounds(tokens)]
    ['phòng sạch', 'nhưng lễ tân nhăn nhó 😒', 'sẽ không quay lại']
    >>> tokens = "mặc dù đông nhưng lên món nhanh".split()
    >>> [" ".join(tokens[s:e]) for s, e in clause_bounds(tokens)]
    ['mặc dù đông', 'nhưng lên món nhanh']
    """
    bounds: list[tuple[int, int]] = []
    start = skip = 0
    for i in [i for i, token in enumerate(tokens) if token in _BREAKS]:
        token = tokens[i]
        if token in _CLAUSE_END:
            bounds.append((start, i + 1))
            start = i + 1
        elif i >= skip:  # not inside an opener just found ("dù" in "mặc dù")
            for opener in _OPENERS[token]:
                if len(opener) == 1 or tuple(tokens[i : i + len(opener)]) == opener:
                    if i > start:
                        bounds.append((start, i))
                        start = i
                    skip = i + len(opener)
                    break
    if start < len(tokens):
        bounds.append((start, len(tokens)))
    return _merge_short(tokens, bounds)


#: A clause needs this many words to stand alone; a shorter one ("ngon ,", "😍 😍", "ok") joins its
#: neighbour, so that one word or an emoji is never scored as a clause of its own.
MIN_CLAUSE_WORDS = 2


def _merge_short(tokens: Sequence[str], bounds: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join each clause of fewer than :data:`MIN_CLAUSE_WORDS` words to the one before it (the first
    clause to the one after it). One pass: two short clauses side by side join each other."""
    if len(bounds) < 2:
        return bounds
    short = [sum(1 for t in tokens[s:e] if t[0].isalnum() or t[0] == "_") < MIN_CLAUSE_WORDS for s, e in bounds]
    keep = [True] * len(bounds)  # whether clause k still starts a clause of its own
    for k in range(1, len(bounds)):
        if short[k]:
            keep[k] = False
    if short[0]:
        keep[1] = False
    merged: list[tuple[int, int]] = []
    for k, (s, e) in enumerate(bounds):
        if keep[k] or not merged:
            merged.append((s, e))
        else:
            merged[-1] = (merged[-1][0], e)
    return merged


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
    sự"); single syllables match only as written ("chan" may be chán, chân or chăn). A ``blocking``
    term (``neutral`` in a sentiment lexicon, ``none`` in a cause lexicon) matches and counts for
    nothing: it keeps the syllables of a compound from matching alone ("yêu cầu" is a request, not
    "yêu"; "giao hàng nhanh" is not "giao hàng … chậm").

    ``negation="flip"``: a term with a negated syllable counts for the other polarity ("không tốt").
    ``negation="outside"``: a term governed by a negator before it counts for nothing ("không phải
    chờ lâu"); a term may start with its own negator ("không trả lời").
    """

    def __init__(self, lexicon: Mapping[str, str], *, blocking: str = "neutral", negation: str = "flip") -> None:
        self.blocking = blocking
        self.negation = negation
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
                self.folded[folded] = lexicon[term] if same else blocking
        lengths: dict[str, set[int]] = {}
        for key in self.exact:
            lengths.setdefault(key[0], set()).add(len(key))
        self.folded_lengths: dict[str, set[int]] = {}
        for key in self.folded:
            self.folded_lengths.setdefault(key[0], set()).add(len(key))
        #: For each token a term can start with (as written, or untoned), the terms' lengths.
        self.lengths = lengths

    def hits(self, marked: Sequence[str]) -> list[tuple[int, int, str]]:
        """``(start, end, category)`` of each counted term in negation-marked tokens."""
        bare = [_bare(t) for t in marked]
        starts = [i for i, token in enumerate(bare) if token in self.lengths or fold_diacritics(token) in
                  self.folded_lengths]
        found = []
        end = 0
        for i in starts:
            if i < end:  # inside the term found last
                continue
            lengths = self.lengths.get(bare[i], set()) | self.folded_lengths.get(fold_diacritics(bare[i]), set())
            for n in sorted(lengths, reverse=True):
                if i + n > len(bare):
                    continue
                span = tuple(bare[i : i + n])
                polarity = self.exact.get(span)
                if polarity is None and n > 1 and any(_untoned(t) for t in span):
                    # a syllable typed without tone marks: "lich su", "không tra loi"; all of them typed
                    # with tone marks must match exactly ("lịch sử" is not "lịch sự")
                    polarity = self.folded.get(tuple(fold_diacritics(t) for t in span))
                if polarity is not None:
                    end = i + n
                    if polarity == self.blocking:
                        break
                    if self.negation == "flip":
                        if any(t.startswith(NEGATED_PREFIX) and len(t) > 1 for t in marked[i : i + n]):
                            polarity = _FLIP[polarity]
                    elif marked[i].startswith(NEGATED_PREFIX) and len(marked[i]) > 1:
                        break  # governed by a negator before the term
                    found.append((i, i + n, polarity))
                    break
        return found


def _untoned(token: str) -> bool:
    """Whether a token is a word typed without tone marks (it has a letter and folds to itself)."""
    return fold_diacritics(token) == token and any(c.isalpha() for c in token)


def _bare(token: str) -> str:
    return token[1:] if token.startswith(NEGATED_PREFIX) and len(token) > 1 else token


def _from_negator(marked: Sequence[str], i: int) -> int:
    """Where the phrase of the word at ``i`` starts: back at its negator when the word is negated."""
    while i > 0 and marked[i].startswith(NEGATED_PREFIX) and len(marked[i]) > 1:
        i -= 1
    return i


@dataclass(frozen=True)
class VectorizerParams:
    """The vectorizer's parameters that a model is trained with (see :class:`FeedbackVectorizer`)."""

    word_ngrams: tuple[int, int] = (1, 2)
    folded_ngrams: tuple[int, int] = (1, 3)
    min_df: int = 2
    segment: bool = False
    negation_scope: int = 6
    clauses: bool = True


VECTORIZER = VectorizerParams()
"""The defaults, in one place: :class:`FeedbackVectorizer`, the text classifiers of
:mod:`nlp.classifiers`, :func:`nlp.model.train_feedback_model` and the shipped model's options all
read them from here."""


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
    cause_lexicon : mapping of str to str, optional
        ``{term: cause id | "none"}`` (see :func:`nlp.lexicon.read_cause_lexicon`). Each term found in
        a clause adds to the feature ``#cause:<id>``, unless a negator before it governs it ("không
        phải chờ lâu"); a ``none`` term counts for nothing and covers its syllables ("giao hàng
        nhanh").
    clauses : bool
        Cut comments into clauses (:func:`clause_bounds`): features and negation scopes stay inside a
        clause, and :meth:`transform_clauses` gives each clause's features. Model files from before
        clauses existed load with ``False`` (one clause per comment).

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
        word_ngrams: tuple[int, int] = VECTORIZER.word_ngrams,
        folded_ngrams: tuple[int, int] = VECTORIZER.folded_ngrams,
        min_df: int = VECTORIZER.min_df,
        segment: bool = VECTORIZER.segment,
        negation_scope: int = VECTORIZER.negation_scope,
        lexicon: Mapping[str, str] | None = None,
        cause_lexicon: Mapping[str, str] | None = None,
        clauses: bool = VECTORIZER.clauses,
    ) -> None:
        self.word_ngrams = word_ngrams
        self.folded_ngrams = folded_ngrams
        self.min_df = min_df
        self.segment = segment
        self.negation_scope = negation_scope
        self.lexicon = lexicon
        self.cause_lexicon = cause_lexicon
        self.clauses = clauses

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
        if self.cause_lexicon is not None:
            wrong = [(t, c) for t, c in dict(self.cause_lexicon).items()
                     if not isinstance(t, str) or not isinstance(c, str) or not re.fullmatch(r"\w+", c)]
            if wrong:
                raise ValueError(f"cause_lexicon must map terms to cause ids (letters, digits, _) or 'none'; "
                                 f"got {wrong[0]!r}" + (f" and {len(wrong) - 1} more" if len(wrong) > 1 else ""))

    def prepare(self, texts: Iterable[str]) -> list[str]:
        """Normalise (and, with ``segment=True``, word-segment) raw comments."""
        normalised = normalize_texts(texts)
        if not self.segment:
            return normalised
        from underthesea import word_tokenize

        return [word_tokenize(text, format="text") for text in normalised]

    def tokens(self, prepared: str) -> tuple[list[str], list[str], list[tuple[int, int]]]:
        """A prepared comment's tokens, the same negation-marked, and its clauses' ``(start, end)``.

        >>> vec = FeedbackVectorizer()
        >>> tokens, marked, clauses = vec.tokens("không ngon nhưng rẻ")
        >>> marked, clauses
        (['không', '¬ngon', 'nhưng', 'rẻ'], [(0, 2), (2, 4)])
        """
        tokens = _TOKEN.findall(prepared)
        if not self.clauses:
            return tokens, mark_negation(tokens, self.negation_scope), [(0, len(tokens))] if tokens else []
        bounds = clause_bounds(tokens)
        if not self.negation_scope or NEGATORS.isdisjoint(tokens):
            return tokens, tokens, bounds
        marked: list[str] = []
        for start, end in bounds:
            marked.extend(mark_negation(tokens[start:end], self.negation_scope))
        return tokens, marked, bounds

    def analyze(self, prepared: str) -> list[str]:
        """The features of one prepared comment as strings, before the vocabulary filter.

        N-grams run over the whole comment; lexicon terms and a negation's scope stay inside their
        clause. The features of one clause (:meth:`transform_clauses`) are those of its tokens alone.
        """
        _, marked, bounds = self.tokens(prepared)
        features = self._analyze_marked(marked, lexicons=False)
        for start, end in bounds:
            features.extend(self._lexicon_features(marked[start:end]))
        return features

    def _analyze_marked(self, marked: list[str], *, lexicons: bool = True) -> list[str]:
        features: list[str] = []
        low, high = self.word_ngrams
        if high:
            features.extend(_ngrams(marked, low, high))
        low, high = self.folded_ngrams
        if high and marked:
            folded = fold_diacritics(" ".join(marked).replace("_", " ")).split()
            features.extend(_ngrams(folded, low, high, FOLDED_PREFIX))
        if lexicons:
            features.extend(self._lexicon_features(marked))
        return features

    def _lexicon_features(self, marked: list[str]) -> list[str]:
        """The lexicon features of one clause's negation-marked tokens."""
        if not (self.lexicon or self.cause_lexicon):
            return []
        view = self._lexicon_view(marked)
        features: list[str] = []
        if self.lexicon:
            features.extend(LEXICON_PREFIX + polarity for _, _, polarity in self._lexicon_hits(view))
        if self.cause_lexicon:
            features.extend(CAUSE_PREFIX + cause for _, _, cause in self._lexicon_hits(view, causes=True))
        return features

    def lexicon_terms(self, prepared: str, *, causes: bool = False) -> list[tuple[str, str]]:
        """The lexicon terms of a prepared comment as it wrote them (with their negator), and their polarity.

        With ``causes=True``, the cause lexicon's terms and their causes.

        >>> vec = FeedbackVectorizer(lexicon={"tuyệt vời": "positive", "tốt": "positive"})
        >>> vec.lexicon_terms(vec.prepare(["Tuyet voi, nhưng pin ko tốt lắm"])[0])
        [('tuyet voi', 'positive'), ('không tốt', 'negative')]
        """
        if not (self.cause_lexicon if causes else self.lexicon):
            return []
        _, marked, bounds = self.tokens(prepared)
        terms: list[tuple[str, str]] = []
        for s, e in bounds:
            view = self._lexicon_view(marked[s:e])
            terms.extend((" ".join(_bare(t) for t in view[_from_negator(view, start) : end]), polarity)
                         for start, end, polarity in self._lexicon_hits(view, causes=causes))
        return terms

    def _lexicon_view(self, marked: list[str]) -> list[str]:
        """The negation-marked tokens of a clause the lexicon is matched on: syllables, even when the
        comment was word-segmented."""
        if not self.segment:
            return marked
        syllables = " ".join(_bare_text(marked)).replace("_", " ").split()
        return mark_negation(syllables, self.negation_scope)

    def _lexicon_hits(self, marked: list[str], *, causes: bool = False) -> list[tuple[int, int, str]]:
        return self._lexicon_index(causes).hits(marked)

    def _lexicon_index(self, causes: bool) -> _LexiconIndex:
        """The index of the sentiment lexicon or of the cause lexicon, built once per lexicon."""
        lexicon = self.cause_lexicon if causes else self.lexicon
        cache = self.__dict__.setdefault("_lexicon_indexes", {})
        built = cache.get(causes)
        if built is None or built[0] is not lexicon:
            terms = {} if lexicon is None else lexicon  # no lexicon: an index that finds nothing
            index = (_LexiconIndex(terms, blocking="none", negation="outside") if causes
                     else _LexiconIndex(terms))
            built = cache[causes] = (lexicon, index)
        return built[1]

    def _tfidf(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=self.analyze, min_df=self.min_df, sublinear_tf=True, dtype=np.float32
        )

    def fit(self, X: Iterable[str], y: Any = None) -> FeedbackVectorizer:
        self._fit_prepared(self.prepare(X))
        return self

    def fit_transform(self, X: Iterable[str], y: Any = None) -> Any:
        return self.fit_clauses(X)[0]

    def fit_clauses(self, X: Iterable[str]) -> tuple[Any, Any, Clauses]:
        """Fit, then :meth:`transform_clauses` the same comments (normalised once)."""
        prepared = self.prepare(X)
        self._fit_prepared(prepared)
        return self.transform_clauses(prepared)

    def _fit_prepared(self, prepared: list[str]) -> None:
        self._check_params()
        self.tfidf_ = self._tfidf()
        try:
            self.tfidf_.fit(prepared)
        except ValueError as error:  # scikit-learn's advice ("try a lower min_df") names knobs cx train lacks
            if "no terms remain" not in str(error) and "empty vocabulary" not in str(error):
                raise
            raise ValueError(
                f"the {len(prepared)} training comments share no word that appears in at least {self.min_df} "
                "of them (min_df): too few comments to learn from. Give at least 2 comments per label, and a "
                "few dozen for a useful model") from None
        self.feature_names_ = self.tfidf_.get_feature_names_out()
        # None: not built yet (see _fast); False: integer keys would overflow, use the string path
        self._compiled_: CompiledFeatures | Literal[False] | None = None

    def transform(self, X: Iterable[str]) -> Any:
        check_is_fitted(self, "tfidf_")
        return self.transform_prepared(self.prepare(X))

    def transform_prepared(self, prepared: Sequence[str]) -> Any:
        """Features of comments already passed through :meth:`prepare`."""
        return self.transform_clauses(prepared)[0]

    def transform_clauses(self, prepared: Sequence[str]) -> tuple[Any, Any, Clauses]:
        """TF-IDF features of each prepared comment, of each of its clauses, and where the clauses are.

        Returns ``(comments, clauses, where)``: ``comments`` has one row per comment, ``clauses`` one
        row per clause (in comment order, then clause order), and ``where`` (:class:`Clauses`) the
        clauses' tokens and comments. With ``clauses=False`` each comment is one clause.
        """
        check_is_fitted(self, "tfidf_")
        fast = self._fast()
        docs = [_TOKEN.findall(text) for text in prepared]
        if fast is not None:
            start, end, doc, doc_counts, counts = fast.clause_counts(docs)
            where = Clauses(docs, start, end, doc)
        else:  # word-segmented, or n-grams too long for integer keys: feature strings, clause by clause
            from sklearn.feature_extraction.text import CountVectorizer

            where = Clauses.of(docs, [self.tokens(text)[2] for text in prepared])
            tokens = where.tokens
            texts = [" ".join(tokens[s:e]) for s, e in zip(where.start.tolist(), where.end.tolist(), strict=True)]
            counts = CountVectorizer.transform(self.tfidf_, texts).astype(np.float64)
            doc_counts = CountVectorizer.transform(self.tfidf_, list(prepared)).astype(np.float64)
        return self._tfidf_of_counts(doc_counts), self._tfidf_of_counts(counts), where

    def _tfidf_of_counts(self, counts: Any) -> Any:
        """Sublinear TF times IDF, rows L2-normalised: what the fitted ``TfidfVectorizer`` computes."""
        from sklearn.preprocessing import normalize

        counts = counts.tocsr().astype(np.float64)
        counts.eliminate_zeros()
        np.log(counts.data, out=counts.data)
        counts.data += 1.0
        counts.data *= self.tfidf_.idf_[counts.indices]
        return normalize(counts, norm="l2", copy=False).astype(np.float32)

    def _fast(self) -> CompiledFeatures | None:
        """The compiled features (built on first use), or ``None`` where only the string path applies."""
        compiled: CompiledFeatures | Literal[False] | None = getattr(self, "_compiled_", None)
        if compiled is None:
            if self.segment:
                return None
            names = self.get_feature_names_out()
            column = {str(name): j for j, name in enumerate(names) if str(name).startswith(("#lex:", CAUSE_PREFIX))}
            lexicons = []
            if self.lexicon:
                index = self._lexicon_index(False)
                lexicons.append(Lexicon(index.exact, index.folded, blocking="neutral", negation="flip", columns={
                    p: column.get(LEXICON_PREFIX + p, -1) for p in ("negative", "positive")}))
            if self.cause_lexicon:
                index = self._lexicon_index(True)
                causes = {c for c in self.cause_lexicon.values() if c != "none"}
                lexicons.append(Lexicon(index.exact, index.folded, blocking="none", negation="outside", columns={
                    c: column.get(CAUSE_PREFIX + c, -1) for c in causes}))
            syntax = Syntax(negators=NEGATORS, not_only=_NOT_ONLY, clause_end=_CLAUSE_END, openers=_OPENERS,
                            negation_scope=int(self.negation_scope), clauses=bool(self.clauses),
                            negated_prefix=NEGATED_PREFIX, min_clause_words=MIN_CLAUSE_WORDS)
            compiled = CompiledFeatures(
                self.get_feature_names_out(), word_ngrams=self.word_ngrams,
                folded_ngrams=self.folded_ngrams, lexicons=lexicons, folded_prefix=FOLDED_PREFIX,
                special=list(column), syntax=syntax,
            )
            self._compiled_ = compiled = compiled if compiled.usable else False
        return compiled or None

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
        params.setdefault("cause_lexicon", None)
        params.setdefault("clauses", False)  # … and before clauses
        params["word_ngrams"] = tuple(params["word_ngrams"])
        params["folded_ngrams"] = tuple(params["folded_ngrams"])
        vectorizer = cls(**params)
        vectorizer._check_params()
        vocabulary = meta["vocabulary"]
        if not isinstance(vocabulary, list) or not all(isinstance(term, str) for term in vocabulary):
            raise ValueError("the vectorizer's vocabulary must be a list of strings")
        if len(set(vocabulary)) != len(vocabulary):
            raise ValueError("the vectorizer's vocabulary repeats terms")
        idf = np.asarray(arrays["idf"], dtype=np.float64)
        if idf.shape != (len(vocabulary),):
            raise ValueError(f"model file is inconsistent: {len(vocabulary)} features but idf has shape {idf.shape}")
        if not (np.isfinite(idf) & (idf > 0)).all():
            raise ValueError("idf holds values that are not finite positive numbers")
        tfidf = vectorizer._tfidf()
        tfidf.vocabulary_ = {term: index for index, term in enumerate(vocabulary)}
        tfidf.fixed_vocabulary_ = True
        tfidf.idf_ = idf
        vectorizer.tfidf_ = tfidf
        vectorizer.feature_names_ = np.asarray(vocabulary, dtype=object)
        vectorizer._compiled_ = None
        return vectorizer


def _bare_text(marked: Sequence[str]) -> list[str]:
    return [_bare(t) for t in marked]


class Clauses:
    """Where the clauses of a batch of comments are: clause ``k`` of comment ``doc[k]`` is
    ``tokens[start[k]:end[k]]``, in the comments' raw tokens laid end to end."""

    __slots__ = ("doc", "doc_start", "end", "start", "tokens")

    def __init__(self, docs: Sequence[Sequence[str]], start: np.ndarray, end: np.ndarray, doc: np.ndarray) -> None:
        self.doc_start = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(d) for d in docs], out=self.doc_start[1:])
        self.tokens = [t for d in docs for t in d]
        self.start, self.end, self.doc = start, end, doc

    @classmethod
    def of(cls, docs: Sequence[Sequence[str]], bounds: Sequence[Sequence[tuple[int, int]]]) -> Clauses:
        """From each comment's clause bounds (a comment without tokens gets one empty clause)."""
        offsets = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum([len(d) for d in docs], out=offsets[1:])
        rows = [(offsets[d] + s, offsets[d] + e, d) for d, b in enumerate(bounds) for s, e in (b or [(0, 0)])]
        start, end, doc = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True)) if rows else (
            np.zeros(0, dtype=np.int64),) * 3
        return cls(docs, start, end, doc)

    def text(self, k: int) -> str:
        """Clause ``k`` as its normalised tokens joined by spaces."""
        return " ".join(self.tokens[self.start[k] : self.end[k]])
