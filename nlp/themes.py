"""Themes in open-ended comments: what customers complain about beyond the codebook's labels.

:func:`find_themes` groups comments into ``k`` themes (given, or chosen automatically) by
non-negative matrix factorisation (scikit-learn's NMF) of their TF-IDF matrix, and describes each
theme the way a researcher reads one: key phrases, a label made of them, how many comments it holds
and representative quotes, whole and as written.

How the text is read
    Every comment is normalised by :func:`nlp.normalize.normalize_text` (lower case, teencode
    expanded, links and phone numbers masked); its diacritics are then folded
    (:func:`nlp.text.fold_diacritics`), so a comment typed without tone marks lands in the same
    theme as one typed with them. The features are syllable n-grams of 1 to 3 syllables, so
    Vietnamese words of two syllables ("thủ tục", "giấy tờ") are phrases. Numbers, emoji and masks
    are left out. Key phrases are shown as customers wrote them most often, with diacritics.

Stopwords
    The project's list of Vietnamese function words (``data/lexicon/stopwords_vi.txt``, read by
    :func:`stopwords`): an n-gram that starts or ends with one is no feature, so a phrase made only of
    function words ("thì là", "được không") never becomes a key phrase. A negator (không, chưa,
    chẳng, chả) may start a phrase ("không hoàn tiền").

Choosing ``k`` (``k="auto"``)
    Every ``k`` in ``k_range`` (default 5 to 15, narrowed so that a theme holds 5 comments on average) is
    fitted on up to 10,000 comments (``sample_for_k``) drawn with the seed, and scored by the mean NPMI
    coherence of each theme's top key phrases (how much more often they occur in the same comment than chance,
    -1 … 1; Bouma 2009, as used by Lau et al. 2014 to rate topics); the best ``k`` wins, a tie going
    to the smaller ``k``. Every score is kept in :attr:`ThemeResult.k_scores`.

Determinism
    The same comments, ``k`` and ``seed`` give the same themes, phrases, quotes and numbers.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import DataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    from scipy import sparse

__all__ = ["DEFAULT_K_RANGE", "NEGATORS", "ONLY", "SAMPLE_FOR_K", "UNTHEMED_LABEL", "TableThemes", "Theme", "ThemeResult", "find_themes",
           "select_comments", "stopwords", "stopwords_path", "table_themes"]

DEFAULT_K_RANGE = (5, 15)
"""The numbers of themes ``k="auto"`` tries (both ends included)."""

NEGATORS = frozenset({"không", "chưa", "chẳng", "chả"})
"""Function words that may start a key phrase (a negated complaint), never stand alone."""

ONLY = ("no-cause", "negative", "all")
"""Which comments :func:`select_comments` keeps (see there)."""

SAMPLE_FOR_K = 10_000
"""The most comments ``k="auto"`` fits each candidate ``k`` on (a seeded sample of them): see :func:`find_themes`."""
_LEAST_SAMPLE_FOR_K = 100
_PER_THEME = 5  # k="auto" keeps k at most the comments / this
_TOP_FOR_COHERENCE = 10
_MASK = re.compile(r"<(?:url|email|phone)>")
_WORD = re.compile(r"\w+")
_WORD_OR_BREAK = re.compile(r"\w+|[.,;:!?()\[\]{}…\n\"“”/|+=*&-]+")
_BREAK = "|"  # where a phrase cannot run on: punctuation, a number, a mask
_DIGIT_OR_UNDERSCORE = re.compile(r"[\d_]")


def stopwords_path() -> Path:
    """The project's Vietnamese stopword list (``data/lexicon/stopwords_vi.txt``)."""
    from .text import data_dir

    return data_dir() / "lexicon" / "stopwords_vi.txt"


@cache
def stopwords() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The stopword list: ``(edge, alone, phrases)``.

    ``edge``: single syllables no key phrase starts or ends with (negators may start one);
    ``alone``: syllables never a key phrase by themselves (``edge`` and the ``~`` lines);
    ``phrases``: stopwords of several syllables, never a key phrase. All in Unicode NFC, with
    diacritics.

    >>> edge, alone, phrases = stopwords()
    >>> {"thì", "là", "mà", "của", "bị", "được", "rất", "quá", "nhé", "ạ", "mình", "shop"} <= edge
    True
    >>> "đi" in alone and "đi" not in edge, "tuy nhiên" in phrases
    (True, True)
    """
    import unicodedata

    edge: set[str] = set()
    alone: set[str] = set()
    phrases: set[str] = set()
    for line in stopwords_path().read_text(encoding="utf-8").splitlines():
        line = unicodedata.normalize("NFC", line.split("#", 1)[0].strip().lower())
        if not line:
            continue
        soft = line.startswith("~")
        word = line.lstrip("~").strip()
        if " " in word:
            phrases.add(word)
        elif soft:
            alone.add(word)
        else:
            edge.add(word)
    return frozenset(edge), frozenset(alone | edge), frozenset(phrases)


def _syllables(normalized: str) -> list[str]:
    """The syllables of a normalised comment as written, with :data:`_BREAK` where punctuation, a
    number or a mask was (no phrase runs across one)."""
    out: list[str] = []
    for piece in _WORD_OR_BREAK.findall(_MASK.sub(" | ", normalized)):
        if (piece[0].isalnum() or piece[0] == "_") and not _DIGIT_OR_UNDERSCORE.search(piece):
            out.append(piece)
            continue
        if out and out[-1] != _BREAK:
            out.append(_BREAK)
    return out


class _Analyzer:
    """Syllable n-grams (1–3), diacritics folded, whose first and last syllables are no stopwords.

    Stopwords are matched on the syllables as written, before folding: folded, "chờ" (wait) and
    "đăng" (đăng nhập) would be the stopwords "cho" and "đang". A syllable typed without tone marks
    ("co", "khong", "dang") could be several words; it counts as a stopword when, in the comments
    that wrote it with marks, its stopword forms are the more frequent ("co": "có" far more often
    than "cô" or "cỏ"); when no comment wrote it with marks, when it folds from a stopword."""

    def __init__(self, written: list[list[str]]) -> None:
        from .text import fold_diacritics

        self.fold = cache(fold_diacritics)
        self.edge, self.alone, self.phrases = stopwords()
        marked: Counter[str] = Counter()
        for words in written:
            marked.update(words)
        stop_share: dict[str, list[int]] = {}
        for word, count in marked.items():
            folded = self.fold(word)
            if folded != word:
                tally = stop_share.setdefault(folded, [0, 0, 0])
                tally[0] += count
                tally[1] += count if word in self.edge else 0
                tally[2] += count if word in self.alone else 0
        bare_edge = {self.fold(w) for w in self.edge} - set(stop_share)
        bare_alone = {self.fold(w) for w in self.alone} - set(stop_share)
        bare_edge |= {f for f, (total, edge, _) in stop_share.items() if edge * 2 > total}
        bare_alone |= {f for f, (total, _, alone) in stop_share.items() if alone * 2 > total}
        self.bare_edge, self.bare_alone = frozenset(bare_edge), frozenset(bare_alone)
        self.negators = NEGATORS | {self.fold(w) for w in NEGATORS}
        self.phrases = frozenset(self.fold(p) for p in self.phrases)

    def _edge(self, word: str, folded: str) -> bool:
        return word in self.edge or (word == folded and word in self.bare_edge)

    def could_be_phrase(self, written: tuple[str, ...], folded: tuple[str, ...]) -> bool:
        """Whether these syllables, as written, make a phrase the analyzer counts."""
        if len(written) == 1:
            return not (written[0] in self.alone or (written[0] == folded[0] and written[0] in self.bare_alone))
        first_ok = not self._edge(written[0], folded[0]) or written[0] in self.negators
        return first_ok and not self._edge(written[-1], folded[-1])

    def __call__(self, written: list[str]) -> tuple[list[str], list[str]]:
        """The n-grams (folded) and the folded syllables."""
        fold, phrases = self.fold, self.phrases
        tokens = [fold(w) for w in written]
        edges = [w in self.edge or (w == f and w in self.bare_edge) for w, f in zip(written, tokens)]
        out: list[str] = []
        n = len(tokens)
        for i in range(n):
            first = written[i]
            if first == _BREAK:
                continue
            if not (first in self.alone or (first == tokens[i] and first in self.bare_alone)) and len(first) > 1:
                out.append(tokens[i])
            if edges[i] and first not in self.negators:
                continue
            if i + 1 < n and written[i + 1] != _BREAK:
                two = f"{tokens[i]} {tokens[i + 1]}"
                if not edges[i + 1] and two not in phrases:
                    out.append(two)
                three = f"{two} {tokens[i + 2]}" if i + 2 < n else ""
                if three and not edges[i + 2] and written[i + 2] != _BREAK and three not in phrases:
                    out.append(three)
        return out, tokens


@dataclass(frozen=True)
class Theme:
    """One theme: its number (1 = the most comments), label, key phrases, size and quotes."""

    number: int
    label: str
    key_phrases: tuple[str, ...]
    count: int
    share: float
    """``count`` over all comments given (themed or not)."""
    quotes: tuple[str, ...]
    """Whole comments as written, the most typical first, no two alike."""
    quote_positions: tuple[int, ...]
    """Positions of the quotes in the comments given."""


@dataclass(frozen=True)
class ThemeResult:
    """What :func:`find_themes` found."""

    themes: list[Theme]
    assignments: list[int | None]
    """Per comment, the number of its theme; ``None`` for a comment no theme holds (empty, or no
    phrase shared with other comments)."""
    weights: list[float | None]
    """Per comment, how much of it is its theme: its theme's share of its NMF weights, 0–1."""
    k: int
    k_scores: dict[int, float] = field(default_factory=dict)
    """With ``k="auto"``: the coherence of each ``k`` tried (the highest won)."""
    seed: int = 0

    @property
    def unthemed(self) -> int:
        """Comments no theme holds."""
        return sum(1 for a in self.assignments if a is None)

    def table(self, quotes: int = 3) -> pd.DataFrame:
        """One row per theme, most comments first, then a row for the comments no theme holds (when
        there are any): ``theme``, ``label``, ``key_phrases`` (text, ``; ``-separated), ``comments``
        (how many), ``share`` and ``quote_1`` … ``quote_<quotes>``."""
        import pandas as pd

        records: list[dict[str, Any]] = []
        for theme in self.themes:
            record: dict[str, Any] = {"theme": theme.number, "label": theme.label,
                                      "key_phrases": "; ".join(theme.key_phrases), "comments": theme.count,
                                      "share": theme.share}
            for i in range(quotes):
                record[f"quote_{i + 1}"] = theme.quotes[i] if i < len(theme.quotes) else ""
            records.append(record)
        total = len(self.assignments)
        if self.unthemed:
            record = {"theme": None, "label": UNTHEMED_LABEL, "key_phrases": "", "comments": self.unthemed,
                      "share": self.unthemed / total if total else math.nan}
            records.append({**record, **{f"quote_{i + 1}": "" for i in range(quotes)}})
        return pd.DataFrame.from_records(records, columns=["theme", "label", "key_phrases", "comments", "share",
                                                           *(f"quote_{i + 1}" for i in range(quotes))])

    def comments(self, texts: Sequence[Any], rows: Sequence[Any] | None = None) -> pd.DataFrame:
        """One row per comment, in order: ``row`` (``rows``, or 1, 2, …), ``text`` (as given), ``theme``
        (number, empty when none), ``label`` and ``weight`` (0–1)."""
        import pandas as pd

        if len(texts) != len(self.assignments):
            raise ValueError(f"{len(texts)} texts for {len(self.assignments)} assignments")
        labels = {t.number: t.label for t in self.themes}
        return pd.DataFrame({
            "row": list(rows) if rows is not None else list(range(1, len(texts) + 1)),
            "text": list(texts),
            "theme": pd.Series(self.assignments, dtype=object),
            "label": [labels.get(a, "") if a is not None else "" for a in self.assignments],
            "weight": [math.nan if w is None else w for w in self.weights],
        })


UNTHEMED_LABEL = "(không thuộc chủ đề nào)"
"""The label of the comments no theme holds: empty, or sharing no phrase with the others."""


def _check_k(k: int | str, usable: int, k_range: tuple[int, int]) -> None:
    if isinstance(k, str):
        if k != "auto":
            raise DataError(f"k must be a whole number of themes >= 2 or 'auto'; got {k!r}")
        low, high = k_range
        if isinstance(low, bool) or isinstance(high, bool) or not (isinstance(low, int) and isinstance(high, int)) \
                or low < 2 or high < low:
            raise DataError(f"k_range must be two whole numbers 2 <= low <= high; got {k_range!r}")
        return
    if isinstance(k, bool) or not isinstance(k, int):
        raise TypeError(f"k must be an int or 'auto'; got {type(k).__name__}: {k!r}")
    if k < 2:
        raise DataError(f"k must be at least 2 themes (or 'auto'); got {k}")
    if k > usable:
        raise DataError(f"k = {k} themes for {usable} comments with words to group; allowed: 2 to {usable} "
                        "(or 'auto'), or give more comments")


def find_themes(
    texts: Sequence[Any],
    k: int | Literal["auto"] = "auto",
    *,
    seed: int = 0,
    k_range: tuple[int, int] = DEFAULT_K_RANGE,
    key_phrases: int = 8,
    quotes: int = 3,
    max_features: int = 20_000,
    where: str = "comments",
    sample_for_k: int = SAMPLE_FOR_K,
) -> ThemeResult:
    """Group comments into ``k`` themes with TF-IDF and NMF (see the module for how).

    Parameters
    ----------
    texts : sequence of str
        The comments, as written. A missing value (``None``, NaN) or an empty text is kept and
        belongs to no theme.
    k : int or "auto"
        The number of themes (2 or more, at most the comments with words); ``"auto"`` picks it
        from ``k_range`` by coherence.
    seed : int
        Seeds NMF's start and the sample ``"auto"`` fits on: the same seed gives the same themes.
    k_range : (int, int)
        The smallest and largest ``k`` that ``"auto"`` tries; narrowed to what the comments allow.
    key_phrases, quotes : int
        How many key phrases and quotes to give per theme.
    max_features : int
        The most frequent n-grams kept as features (a bound on memory for large inputs).
    where : str
        What to call the comments in messages (a file name, a column).
    sample_for_k : int
        With ``k="auto"``, the most comments each candidate ``k`` is fitted on (a sample drawn with
        ``seed`` when there are more; the chosen ``k`` is then fitted on all). Choosing ``k`` is most of
        the time on large inputs: a smaller sample is faster and may choose another ``k``.

    Returns
    -------
    ThemeResult
        The themes, most comments first, and each comment's theme and weight.

    Raises
    ------
    DataError
        No comments; fewer than 4 comments with words; ``k`` below 2 or above the comments with words;
        a bad ``k_range``.
    TypeError
        ``k`` neither an int nor ``"auto"``.

    Examples
    --------
    >>> comments = ["thủ tục giấy tờ quá nhiều, đi lại 4 lần", "giấy tờ rườm rà, thủ tục lâu",
    ...             "phí thường niên cao quá", "phí cao, chuyển tiền cũng tính phí", "thu tuc giay to phien phuc",
    ...             "app lỗi đăng nhập", "app bị lỗi không đăng nhập được", "tính phí cao vô lý"]
    >>> result = find_themes(comments, 3)
    >>> [(t.label, t.count) for t in result.themes]
    [('giấy tờ · thủ tục', 3), ('phí cao', 3), ('đăng nhập · app', 2)]
    >>> result.assignments[4], result.themes[0].quotes[1]  # typed without diacritics, same theme
    (1, 'thu tuc giay to phien phuc')
    """
    import numpy as np

    from .normalize import normalize_text

    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int; got {type(seed).__name__}: {seed!r}")
    if isinstance(sample_for_k, bool) or not isinstance(sample_for_k, int):
        raise TypeError(f"sample_for_k must be an int; got {type(sample_for_k).__name__}: {sample_for_k!r}")
    if sample_for_k < _LEAST_SAMPLE_FOR_K:
        raise DataError(f"sample_for_k must be at least {_LEAST_SAMPLE_FOR_K} comments; got {sample_for_k}")
    texts = list(texts)
    if not texts:
        raise DataError(f"{where}: no comments to group into themes; give at least 4 comments with text")
    normalized = [normalize_text(t) if isinstance(t, str) else "" for t in texts]
    written = [_syllables(t) for t in normalized]
    analyzer = _Analyzer(written)
    grams, tokens = [], []
    for syllables in written:
        gram, folded = analyzer(syllables)
        grams.append(gram)
        tokens.append(folded)
    has_words = [i for i, g in enumerate(grams) if g]
    if len(has_words) < 4:
        raise DataError(f"{where}: {len(has_words)} of {len(texts)} comments have words to group (the rest are empty "
                        "or only function words, numbers or emoji); themes need at least 4")
    _check_k(k, len(has_words), k_range)

    matrix, vocabulary = _tfidf([grams[i] for i in has_words], max_features)
    rows = np.asarray(matrix.getnnz(axis=1)).ravel() > 0
    kept = [has_words[i] for i in np.flatnonzero(rows)]
    matrix = matrix[rows]
    if matrix.shape[0] < 4:
        raise DataError(f"{where}: {matrix.shape[0]} of {len(texts)} comments share words with others; themes need "
                        "at least 4 comments that do")
    k_scores: dict[int, float] = {}
    if k == "auto":
        low, high = k_range
        # at least 5 comments a theme on average, and fewer themes than half the phrases
        high = max(2, min(high, matrix.shape[0] // _PER_THEME, matrix.shape[1] // 2))
        low = min(max(2, low), high)
        chosen, k_scores = _choose_k(matrix, vocabulary, range(low, high + 1), seed, sample_for_k)
    else:
        assert isinstance(k, int)
        if k > matrix.shape[0]:
            _check_k(k, matrix.shape[0], k_range)
        chosen = k
    w, h = _nmf(matrix, chosen, seed)

    totals = w.sum(axis=1)
    best = w.argmax(axis=1)
    zero = totals <= 0
    order_by_size = sorted(range(chosen), key=lambda t: (-int(((best == t) & ~zero).sum()), t))
    number = {t: n for n, t in enumerate(order_by_size, start=1)}

    assignments: list[int | None] = [None] * len(texts)
    weights: list[float | None] = [None] * len(texts)
    for row, position in enumerate(kept):
        if not zero[row]:
            assignments[position] = number[int(best[row])]
            weights[position] = float(w[row, best[row]] / totals[row])
    themes = []
    used_labels: set[str] = set()
    present = (matrix > 0).astype(np.float64).tocsr()
    parents = _parents(vocabulary)
    for t in order_by_size:
        members = np.flatnonzero((best == t) & ~zero)
        heaviest = [kept[int(r)] for r in members[np.argsort(-w[members, t], kind="stable")][:_FORMS_FROM]]
        occurs = _counter_of_phrases([tokens[p] for p in heaviest])
        holding = np.asarray(present[members].sum(axis=0)).ravel()
        scores = _phrase_scores(h[t], holding, parents, vocabulary)
        phrases = _as_written(_key_phrases(scores, vocabulary, key_phrases, occurs), heaviest, tokens, written,
                              analyzer)
        label = " · ".join(phrases[:2]) if phrases else f"chủ đề {number[t]}"
        if label in used_labels:
            label = f"{label} ({number[t]})"
        used_labels.add(label)
        picked = _quotes(members, w[:, t], tokens, kept, texts, quotes)
        themes.append(Theme(number[t], label, tuple(phrases), len(members), len(members) / len(texts),
                            tuple(texts[p] for p in picked), tuple(picked)))
    return ThemeResult(themes, assignments, weights, chosen, k_scores, seed)


def _tfidf(grams: list[list[str]], max_features: int) -> tuple[sparse.csr_matrix, list[str]]:
    """Sublinear TF-IDF of the n-grams, l2-normalised rows; n-grams in one comment only, or in more
    than half of them, left out (``max_features`` most frequent kept)."""
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    min_df = 2 if len(grams) < 5_000 else 3
    max_df = 0.5 if len(grams) >= 20 else 1.0
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=min_df, max_df=max_df,
                                 max_features=max_features, dtype=np.float64)
    try:
        matrix = vectorizer.fit_transform(grams)
    except ValueError:  # every n-gram pruned: no two comments share a phrase
        raise DataError("no phrase occurs in two comments or more: nothing to group them by; give more comments, "
                        "or longer ones") from None
    return matrix.tocsr(), list(vectorizer.get_feature_names_out())


def _identity(grams: list[str]) -> list[str]:
    return grams


def _nmf(matrix: sparse.csr_matrix, k: int, seed: int, *, tol: float = 1e-4, max_iter: int = 300
         ) -> tuple[np.ndarray, np.ndarray]:
    import warnings

    from sklearn.decomposition import NMF
    from sklearn.exceptions import ConvergenceWarning

    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=max_iter, tol=tol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # the themes are read, not the last digit of the loss
        w = model.fit_transform(matrix)
    return w, model.components_


def _choose_k(matrix: sparse.csr_matrix, vocabulary: list[str], ks: range, seed: int, sample: int = SAMPLE_FOR_K,
              ) -> tuple[int, dict[int, float]]:
    """The ``k`` of ``ks`` whose themes' top features are most coherent (mean NPMI), on a seeded sample."""
    import numpy as np

    rows = matrix.shape[0]
    if rows > sample:
        picked = np.sort(np.random.default_rng(seed).choice(rows, sample, replace=False))
        matrix = matrix[picked]
    binary = (matrix > 0).astype(np.float64).tocsc()
    df = np.asarray(binary.sum(axis=0)).ravel()
    n = float(binary.shape[0])
    scores: dict[int, float] = {}
    for k in ks:
        _, h = _nmf(matrix, k, seed, tol=1e-3, max_iter=150)  # a sketch is enough to rate k
        values = []
        for topic in h:
            top = _distinct_top(topic, _TOP_FOR_COHERENCE, vocabulary)
            values.append(_npmi(binary, df, n, top))
        scores[k] = round(float(np.mean(values)), 6)
    best = max(scores, key=lambda k: (scores[k], -k))
    return best, scores


def _distinct_top(topic: np.ndarray, top: int, vocabulary: list[str]) -> list[int]:
    """Indices of the ``top`` heaviest features, skipping those that overlap one already taken."""
    import numpy as np

    order = np.argsort(-topic, kind="stable")[: top * 6]
    taken: list[int] = []
    words: list[tuple[str, ...]] = []
    for index in order:
        if topic[index] <= 0:
            break
        gram = tuple(vocabulary[int(index)].split())
        if any(_overlap(gram, other) for other in words):
            continue
        taken.append(int(index))
        words.append(gram)
        if len(taken) == top:
            break
    return taken


def _npmi(binary: sparse.csc_matrix, df: np.ndarray, n: float, top: list[int]) -> float:
    """Mean normalised PMI of the pairs of ``top`` features over documents (Bouma 2009): -1 for a pair
    never together, 1 for one in every document."""
    import numpy as np

    if len(top) < 2:
        return 0.0
    columns = binary[:, top]
    together = (columns.T @ columns).toarray()
    a, b = np.triu_indices(len(top), k=1)
    joint = together[a, b] / n
    p = df[top] / n
    inside = (joint > 0) & (joint < 1)
    values = np.where(joint <= 0, -1.0, 1.0)
    j = joint[inside]
    values[inside] = np.log(j / (p[a[inside]] * p[b[inside]])) / -np.log(j)
    return float(np.mean(values))


def _overlap(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Whether two n-grams say the same thing twice: one holds the other, or one ends where the other
    starts ("thủ tục giấy" and "giấy tờ")."""
    if len(a) > len(b):
        a, b = b, a
    la, lb = len(a), len(b)
    if any(b[i:i + la] == a for i in range(lb - la + 1)):
        return True
    for size in range(1, la):
        if a[-size:] == b[:size] or b[-size:] == a[:size]:
            return True
    return False


def _key_phrases(scores: np.ndarray, vocabulary: list[str], count: int,
                 occurs: Callable[[tuple[str, ...]], int]) -> list[tuple[str, ...]]:
    """The theme's best-scored n-grams (:func:`_phrase_scores`) as ``count`` distinct phrases (folded syllables).

    Candidates come best first (a tie goes to two syllables, then three, then one: most Vietnamese
    words have two). One that overlaps a phrase already taken is not listed again; it extends that
    phrase instead when it scores at least :data:`_EXTEND` of it ("thủ tục" with "thủ tục giấy" and
    "giấy tờ" reads "thủ tục giấy tờ"), up to :data:`_LONGEST` syllables, and when the longer phrase
    ``occurs`` at least twice in the theme's comments ("khách sạn" and "sân bay", folded alike,
    never make "khách sạn bay"); a phrase holding the one taken replaces it only when it is what
    the theme's comments say :data:`_EXTEND` of the times ("giao" said 58 times, 8 of them in
    "hẹn giao", stays "giao").
    """
    import numpy as np

    heaviest = np.argsort(-scores, kind="stable")[: count * 30]
    preference = {2: 0, 3: 1, 1: 2}
    candidates = sorted(((float(scores[i]), vocabulary[int(i)]) for i in heaviest if scores[i] > 0),
                        key=lambda item: (-round(item[0], 9), preference.get(len(item[1].split()), 3), item[1]))
    taken: list[tuple[tuple[str, ...], float]] = []
    for weight, text in candidates:
        gram = tuple(text.split())
        for position, (phrase, phrase_weight) in enumerate(taken):
            if not _overlap(gram, phrase):
                continue
            merged = _merge(phrase, gram)
            if merged != phrase and weight >= _EXTEND * phrase_weight and len(merged) <= _LONGEST \
                    and occurs(merged) >= max(2, _EXTEND * occurs(phrase) if merged == gram else 0):
                taken[position] = (merged, phrase_weight)
                taken = _without_repeats(taken)
            break
        else:
            if len(taken) < count:
                taken.append((gram, weight))
    return [phrase for phrase, _ in taken]


_EXTEND = 0.5
_LENGTH_BONUS = (1.0, 1.0, 1.5, 1.0)  # by syllables: a phrase of two or three says more than one of the same weight
_CARRY = 0.1  # the least share of a part's comments a longer phrase must hold to take on its weight
_CARRY_WHOLE = 0.8  # … when the part has two syllables: nearly always (a third is often the next word, not the same one)


def _parents(vocabulary: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Pairs ``(part, whole)`` of feature indices: ``whole`` is one syllable longer than ``part`` and
    starts or ends with it ("giao" and "hàng" → "giao hàng"; "thủ tục" → "thủ tục giấy")."""
    import numpy as np

    index = {gram: i for i, gram in enumerate(vocabulary)}
    pairs: list[tuple[int, int]] = []
    for gram, i in index.items():
        parts = gram.split()
        if len(parts) < 2:
            continue
        for part in {" ".join(parts[:-1]), " ".join(parts[1:])}:
            if part in index:
                pairs.append((index[part], i))
    pairs.sort()
    found = np.array(pairs, dtype=np.int64).reshape(-1, 2)
    return found[:, 0], found[:, 1]


def _phrase_scores(topic: np.ndarray, holding: np.ndarray, parents: tuple[np.ndarray, np.ndarray],
                   vocabulary: list[str]) -> np.ndarray:
    """Each feature's score as a key phrase of one theme: its NMF weight, moved from a part to the
    longer phrases the theme's comments say it in.

    Without word segmentation a syllable is often half a word: "giao" is "giao hàng", "thông" is
    "thông báo". So a syllable hands each two-syllable phrase holding it the share of its weight that
    phrase's comments are of its own, in this theme (``holding``: comments of the theme holding each
    feature), when that share is at least :data:`_CARRY`, and keeps what no such phrase takes: a
    syllable said mostly in one word ("ngân" in "ngân hàng") gives nearly all its weight away, one
    said on its own ("tệ", "giá") keeps it. A two-syllable phrase then does the same for the
    three-syllable phrases holding it, when one holds at least :data:`_CARRY_WHOLE` of its comments
    ("động gọi" is "tự động gọi"). Scores are then weighed by length (:data:`_LENGTH_BONUS`).
    """
    import numpy as np

    # a phrase none of the theme's comments say is no key phrase of it, whatever its weight
    scores = np.where((topic > 0) & (holding >= min(2.0, holding.max())), topic, 0.0).astype(np.float64)
    part, whole = parents
    lengths = np.fromiter((min(g.count(" ") + 1, 3) for g in vocabulary), dtype=np.int64, count=len(vocabulary))
    for size, least in ((1, _CARRY), (2, _CARRY_WHOLE)):
        edges = (lengths[part] == size) & (holding[part] > 0)
        p, q = part[edges], whole[edges]
        share = holding[q] / holding[p]
        keep = share >= least
        p, q, share = p[keep], q[keep], share[keep]
        handed = np.zeros_like(scores)
        np.add.at(handed, p, share)
        # a comment can say several of the longer phrases: what a part hands on is at most its weight
        share = share / np.maximum(handed[p], 1.0)
        received = np.zeros_like(scores)
        np.add.at(received, q, share * scores[p])
        scores = scores * np.clip(1.0 - handed, 0.0, 1.0) + received
    return scores * np.asarray(_LENGTH_BONUS)[lengths]


_LONGEST = 5


def _merge(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[str, ...]:
    """``a`` and ``b`` as one phrase: the longer when one holds the other, else joined where they meet."""
    for outer, inner in ((a, b), (b, a)):
        if any(outer[i:i + len(inner)] == inner for i in range(len(outer) - len(inner) + 1)):
            return outer
    for size in range(min(len(a), len(b)) - 1, 0, -1):
        if a[-size:] == b[:size]:
            return a + b[size:]
        if b[-size:] == a[:size]:
            return b + a[size:]
    return a


def _without_repeats(taken: list[tuple[tuple[str, ...], float]]) -> list[tuple[tuple[str, ...], float]]:
    """``taken`` without a phrase that an earlier (heavier) one now holds."""
    out: list[tuple[tuple[str, ...], float]] = []
    for phrase, weight in taken:
        if not any(_merge(other, phrase) == other for other, _ in out):
            out.append((phrase, weight))
    return out


def _counter_of_phrases(documents: list[list[str]]) -> Callable[[tuple[str, ...]], int]:
    """How many times a phrase (folded syllables) occurs whole in ``documents``."""
    def occurs(phrase: tuple[str, ...]) -> int:
        size, first = len(phrase), phrase[0]
        return sum(1 for tokens in documents for i, token in enumerate(tokens)
                   if token == first and tuple(tokens[i:i + size]) == phrase)
    return occurs


_FORMS_FROM = 3_000  # a theme's heaviest comments read for how its phrases are written


def _as_written(phrases: list[tuple[str, ...]], positions: list[int], tokens: list[list[str]],
                written: list[list[str]], analyzer: _Analyzer) -> list[str]:
    """Each folded phrase as the theme's comments write it most often (a tie goes to the form with
    diacritics, which count three times); a phrase its comments never hold whole (joined from two) as its syllables' forms."""
    forms: dict[tuple[str, ...], Counter[tuple[str, ...]]] = {phrase: Counter() for phrase in phrases}
    syllables: dict[str, Counter[str]] = {}
    starts: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrases:
        starts.setdefault(phrase[0], []).append(phrase)
    wanted = {part for phrase in phrases for part in phrase}
    for position in positions:
        folded, words = tokens[position], written[position]
        for i, token in enumerate(folded):
            if token in wanted:
                syllables.setdefault(token, Counter())[words[i]] += 1
            for phrase in starts.get(token, ()):
                if tuple(folded[i:i + len(phrase)]) == phrase:
                    form = tuple(words[i:i + len(phrase)])
                    if analyzer.could_be_phrase(form, phrase):  # "thị", not the "thì" that folds like it
                        forms[phrase][form] += 1

    def best(counts: Counter[Any], bare: Any) -> Any:
        # a form with diacritics counts three times: it says which word it is, its bare copy does not
        return max(counts.items(), key=lambda item: (item[1] * (1 if item[0] == bare else 3), item[0]))[0]

    out = []
    for phrase in phrases:
        if forms[phrase]:
            out.append(" ".join(best(forms[phrase], phrase)))
        else:
            out.append(" ".join(best(syllables[part], part) if part in syllables else part for part in phrase))
    return out


def _quotes(members: np.ndarray, weights: np.ndarray, tokens: list[list[str]], kept: list[int], texts: list[Any],
            count: int) -> list[int]:
    """Positions of up to ``count`` quotes: the members with the highest theme weight, skipping a
    comment equal to one taken (case and spaces aside) or sharing most of its syllables with one."""
    import numpy as np

    order = members[np.argsort(-weights[members], kind="stable")]
    picked: list[int] = []
    seen: list[set[str]] = []
    keys: set[str] = set()
    for row in order:
        if len(picked) == count:
            break
        position = kept[int(row)]
        key = " ".join(str(texts[position]).split()).casefold()
        words = set(tokens[position]) - {_BREAK}
        if key in keys or any(_jaccard(words, other) >= 0.6 for other in seen):
            continue
        keys.add(key)
        seen.append(words)
        picked.append(position)
    return picked


def _jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def select_comments(
    sentiments: Sequence[Any], causes: Sequence[Sequence[str]], only: str = "no-cause",
    statuses: Sequence[Any] | None = None,
) -> list[int]:
    """Positions of the comments to group into themes, by their classification.

    ``only``: ``"no-cause"`` keeps comments that name none of the codebook's causes and are not
    positive — negative, and neutral too, because effort complaints are often read as neutral
    ("thủ tục giấy tờ quá nhiều, đi lại 4 lần"); ``"negative"`` keeps the negative ones, causes or
    not; ``"all"`` keeps every comment. A comment whose ``statuses`` entry is not ``"ok"`` (empty,
    not text) is never kept.

    >>> select_comments(["negative", "neutral", "positive", "negative"], [[], [], [], ["wait_time"]])
    [0, 1]
    >>> select_comments(["negative", "neutral", "positive", "negative"], [[], [], [], ["wait_time"]], "negative")
    [0, 3]
    """
    if only not in ONLY:
        raise DataError(f"only must be one of {', '.join(ONLY)}; got {only!r}")
    out = []
    for position, (sentiment, named) in enumerate(zip(sentiments, causes)):
        if statuses is not None and statuses[position] != "ok":
            continue
        if only == "all" or (only == "negative" and sentiment == "negative") or (
                only == "no-cause" and sentiment in ("negative", "neutral") and not list(named)):
            out.append(position)
    return out


_ONLY_WORDS = {
    "no-cause": "negative or neutral and naming none of the causes",
    "negative": "negative",
    "all": "with text",
}


@dataclass(frozen=True)
class TableThemes:
    """The themes of a table's comments (:func:`table_themes`) and which rows they come from."""

    result: ThemeResult
    rows: list[Any]
    """How each grouped comment is found in the input: its spreadsheet row number (a file: the header is
    row 1) or its index label (a DataFrame)."""
    texts: list[Any]
    """The grouped comments, as written."""
    total: int
    """Rows in the table."""
    only: str
    labels: str
    """Where the sentiment and causes that chose the rows come from: ``"given"`` (the table's
    ``sentiment`` and ``causes`` columns), ``"model"`` (classified here) or ``""`` (``only="all"``)."""
    source: str

    def comments(self) -> pd.DataFrame:
        """One row per grouped comment: ``row``, ``text``, ``theme``, ``label``, ``weight``."""
        return self.result.comments(self.texts, self.rows)


def table_themes(
    data: Any,
    *,
    text_column: str = "text",
    only: str = "no-cause",
    k: int | Literal["auto"] = "auto",
    model: Any = None,
    seed: int = 0,
    quotes: int = 3,
) -> TableThemes:
    """Themes of the comments of a table (a path or a DataFrame, read by :func:`nlp.tables.load_table`).

    ``only`` picks the rows first (:func:`select_comments`): by the table's own ``sentiment`` and
    ``causes`` columns when it has both (a person's coding, or ``cx classify``'s output), else by
    classifying the comments with ``model`` (the shipped one by default). ``only="all"`` classifies
    nothing. Rows left out are counted (:attr:`TableThemes.total`), never silently lost.

    Raises
    ------
    DataError
        The table cannot be read, has no ``text_column``, no row is kept by ``only``, or
        :func:`find_themes` refuses the comments (too few, a bad ``k``).
    """
    from .tables import load_table

    if only not in ONLY:
        raise DataError(f"only must be one of {', '.join(ONLY)}; got {only!r}")
    table = load_table(data, "comments", columns=(text_column,))
    frame = table.frame
    if not len(frame):
        raise DataError(f"{table.source} has no rows: no comments to group into themes")
    texts = frame[text_column].tolist()
    labels = ""
    if only == "all":
        keep = [p for p, t in enumerate(texts) if isinstance(t, str) and t.strip()]
    else:
        if "sentiment" in frame.columns and "causes" in frame.columns:
            labels = "given"
            sentiments = [str(s).strip().lower() if isinstance(s, str) else s for s in frame["sentiment"].tolist()]
            causes = [[c.strip() for c in str(v).split(",") if c.strip()] if isinstance(v, str) else []
                      for v in frame["causes"].tolist()]
        else:
            from .model import classify_feedback

            labels = "model"
            predicted = classify_feedback(texts, model=model)
            sentiments = predicted["sentiment"].tolist()
            causes = [[c for c in str(v).split(",") if c] for v in predicted["causes"].tolist()]
        statuses = ["ok" if isinstance(t, str) and t.strip() else "empty" for t in texts]
        keep = select_comments(sentiments, causes, only, statuses)
    if not keep:
        raise DataError(f"{table.source}: none of its {len(texts):,} comments is {_ONLY_WORDS[only]} "
                        f"(only={only!r}); nothing to group. Allowed: only = {', '.join(ONLY)}")
    chosen = [texts[p] for p in keep]
    rows = [p + 2 for p in keep] if table.path is not None else [frame.index[p] for p in keep]
    result = find_themes(chosen, k, seed=seed, quotes=quotes, where=table.source)
    return TableThemes(result, rows, chosen, len(texts), only, labels, table.source)
