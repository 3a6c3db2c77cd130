"""The vectorizer's features computed by token ids in NumPy: the same matrix, about ten times faster.

:meth:`nlp.FeedbackVectorizer.analyze` defines the features of a comment as strings (n-grams of the
negation-marked tokens, n-grams of their folded forms, lexicon counts); scikit-learn's
``TfidfVectorizer`` then looks every string up in the vocabulary. That costs a Python string join
and a dictionary lookup per feature, about 150 per review. Here each distinct token is looked up
once (and cached); its n-grams become integer keys (``id₁·B + id₂`` …) computed for a whole batch at
once and found in the vocabulary's sorted keys with ``searchsorted``. Lexicon terms are matched the
same way, longest first, and only the few hits are walked in Python to keep them from overlapping.

Features can be computed over any spans of a comment's tokens (its clauses as well as the whole
comment): an n-gram or a lexicon term never crosses the end of a span.

``tests/test_features.py`` checks that the matrix equals scikit-learn's over the corpus.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np

from .text import fold_diacritics

__all__ = ["CompiledFeatures", "Lexicon", "Syntax"]

_MAX_CACHE = 1_000_000  # distinct tokens remembered before the cache of unknown ones is dropped
_CHUNK = 4  # syllables per key chunk of a lexicon term


def _keys(ids: np.ndarray, valid_from: np.ndarray, n: int, base: int) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of the n-grams starting at each position, and where they are valid.

    ``valid_from[p]`` is how many positions from ``p`` to the end of its span; an n-gram is valid
    when it fits in the span and none of its ids is unknown (-1).
    """
    m = len(ids) - n + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    key = ids[:m].copy()
    ok = (valid_from[:m] >= n) & (ids[:m] >= 0)
    for j in range(1, n):
        part = ids[j : j + m]
        ok &= part >= 0
        key = key * base + part
    return key, ok


def _lookup(keys: np.ndarray, ok: np.ndarray, table_keys: np.ndarray, table_values: np.ndarray) -> np.ndarray:
    """The value of each valid key in a sorted table, -1 where absent or invalid."""
    out = np.full(len(keys), -1, dtype=np.int64)
    if not len(table_keys) or not len(keys):
        return out
    at = np.flatnonzero(ok)
    wanted = keys[at]
    where = np.searchsorted(table_keys, wanted)
    where[where >= len(table_keys)] = 0
    hit = table_keys[where] == wanted
    out[at[hit]] = table_values[where[hit]]
    return out


class _NgramTable:
    """The vocabulary's n-grams of one view as sorted integer keys over that view's token ids."""

    def __init__(self, grams: Mapping[tuple[str, ...], int]) -> None:
        tokens = sorted({t for gram in grams for t in gram})
        self.ids = {t: i for i, t in enumerate(tokens)}
        self.base = len(tokens) + 1
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        by_n: dict[int, list[tuple[int, int]]] = {}
        for gram, index in grams.items():
            key = 0
            for t in gram:
                key = key * self.base + self.ids[t]
            by_n.setdefault(len(gram), []).append((key, index))
        for n, pairs in by_n.items():
            pairs.sort()
            self.tables[n] = (np.array([k for k, _ in pairs], dtype=np.int64),
                              np.array([v for _, v in pairs], dtype=np.int64))
        #: The feature of each token id as a unigram (-1 if none), and a last entry for unknown (-1) ids.
        self.unigram = np.full(self.base, -1, dtype=np.int64)
        if 1 in self.tables:
            self.unigram[self.tables[1][0]] = self.tables[1][1]

    def fits(self, high: int) -> bool:
        return self.base ** max(high, 1) < 2**62

    def features(self, ids: np.ndarray, valid_from: np.ndarray, low: int, high: int,
                 crossing: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(position, feature index) of every vocabulary n-gram with ``low <= n <= high``.

        With ``crossing`` (items left in each position's clause), only the n-grams that reach
        past the end of their clause.
        """
        positions, features = [], []
        for n in range(low, high + 1):
            if n not in self.tables or (crossing is not None and n == 1):
                continue
            if n == 1:
                found = self.unigram[ids]  # ids of -1 read the last entry, which is -1
                hit = np.flatnonzero(found >= 0)
                positions.append(hit)
                features.append(found[hit])
                continue
            key, ok = _keys(ids, valid_from, n, self.base)
            if crossing is not None:
                ok &= crossing[: len(ok)] < n
            found = _lookup(key, ok, *self.tables[n])
            hit = np.flatnonzero(found >= 0)
            positions.append(hit)
            features.append(found[hit])
        if not positions:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(positions), np.concatenate(features)


class Lexicon:
    """A lexicon as the features need it: its term tables and how its hits count.

    ``exact`` and ``folded`` map term tuples (normalised syllables; their untoned forms) to a
    category; ``blocking`` is the category that counts for nothing but covers its syllables;
    ``columns`` maps each other category to its feature column (-1 when the vocabulary lacks it).
    ``negation`` is ``"flip"`` (a term with a negated syllable counts for the other of two
    categories, ``("negative", "positive")``) or ``"outside"`` (a term whose first syllable a negator
    before it governs counts for nothing: "không phải chờ lâu").
    """

    def __init__(self, exact: Mapping[tuple[str, ...], str], folded: Mapping[tuple[str, ...], str], *,
                 blocking: str, columns: Mapping[str, int], negation: str) -> None:
        self.exact_terms = exact
        self.folded_terms = folded
        self.blocking = blocking
        self.categories = sorted(columns)
        self.columns = np.array([columns[c] for c in self.categories], dtype=np.int64)
        self.negation = negation
        if negation == "flip" and self.categories != ["negative", "positive"]:
            raise ValueError(f"a flipping lexicon has the categories negative and positive; got {self.categories}")


class _LexiconTable:
    """A lexicon's terms as integer keys over the ids of their syllables (exact and untoned forms)."""

    def __init__(self, lexicon: Lexicon, ids: Mapping[str, int], base: int) -> None:
        exact, folded = lexicon.exact_terms, lexicon.folded_terms
        self.lexicon = lexicon
        self.base = base
        self.longest = max((len(term) for term in [*exact, *folded]), default=0)
        code = {c: i + 1 for i, c in enumerate(lexicon.categories)}
        code[lexicon.blocking] = 0
        # A term longer than _CHUNK syllables is keyed in chunks: the key of its first chunk is looked
        # up in a table of those keys, whose row number continues the key into the next chunk, so
        # keys stay within 64 bits however long the term.
        self.chains: dict[tuple[int, int], dict[int, int]] = {}  # (length, stage) -> {key: code}

        def chain(term: tuple[str, ...]) -> int:
            ids_ = [ids[t] for t in term]
            key, done, stage = 0, 0, 0
            while True:
                chunk = ids_[done : done + _CHUNK]
                for i in chunk:
                    key = key * base + i
                done += len(chunk)
                if done == len(ids_):
                    return key
                codes = self.chains.setdefault((len(ids_), stage), {})
                if key not in codes:
                    codes[key] = len(codes)
                key, stage = codes[key], stage + 1

        def table(terms: Mapping[tuple[str, ...], str]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
            by_n: dict[int, list[tuple[int, int]]] = {}
            for term, category in terms.items():
                if category in code:
                    by_n.setdefault(len(term), []).append((chain(term), code[category]))
            return {n: (np.array(sorted(k for k, _ in pairs), dtype=np.int64),
                        np.array([v for _, v in sorted(pairs)], dtype=np.int64)) for n, pairs in by_n.items()}

        self.exact = table(exact)
        self.folded = table({term: p for term, p in folded.items() if len(term) > 1})
        self.chain_tables = {stage: (np.array(sorted(codes), dtype=np.int64),
                                     np.array([codes[k] for k in sorted(codes)], dtype=np.int64))
                             for stage, codes in self.chains.items()}
        #: Per length, whether a token id can start a term of that length (last entry: unknown ids).
        self.starts: dict[int, np.ndarray] = {}
        for term in [*exact, *(t for t in folded if len(t) > 1)]:
            first = self.starts.setdefault(len(term), np.zeros(base, dtype=bool))
            first[ids[term[0]]] = True

    def fits(self) -> bool:
        widest = max((len(codes) for codes in self.chains.values()), default=1)
        return self.base ** min(max(self.longest, 1), _CHUNK) * max(widest, 1) < 2**62

    def _keys(self, ids: np.ndarray, valid_from: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys of the n-syllable spans at each position, chunk by chunk as the tables were built."""
        first = min(n, _CHUNK)
        key, ok = _keys(ids, valid_from, first, self.base)
        m = len(ids) - n + 1
        if m <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
        key, ok = key[:m], ok[:m] & (valid_from[:m] >= n)
        done, stage = first, 0
        while done < n:
            code = _lookup(key, ok, *self.chain_tables.get((n, stage), (np.zeros(0, np.int64),) * 2))
            ok &= code >= 0
            chunk = min(_CHUNK, n - done)
            part, part_ok = _keys(ids[done:], valid_from[done:], chunk, self.base)
            key = np.where(ok, code, 0) * self.base**chunk + part[:m]
            ok &= part_ok[:m]
            done, stage = done + chunk, stage + 1
        return key, ok

    def hits(self, bare: np.ndarray, folded: np.ndarray, untoned: np.ndarray, negated: np.ndarray,
             valid_from: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position, feature column) of each counted term.

        At each position the longest term wins (the exact spelling before the untoned one); terms
        are taken left to right and never overlap; a blocking term counts for nothing but still
        covers its syllables; negation counts as :class:`Lexicon` says.
        """
        size = len(bare)
        length = np.zeros(size, dtype=np.int64)
        category = np.zeros(size, dtype=np.int64)
        for n in range(self.longest, 0, -1):
            if n not in self.starts:
                continue
            key, ok = self._keys(bare, valid_from, n)
            if not len(key):
                continue
            open_ = (self.starts[n][bare[: len(key)]] | self.starts[n][folded[: len(key)]]) & (length[: len(key)] == 0)
            open_ &= valid_from[: len(key)] >= n
            found = _lookup(key, ok & open_, *self.exact[n]) if n in self.exact else np.full(len(key), -1)
            if n in self.folded:  # a syllable typed without tone marks lets the untoned form match
                some_untoned = untoned[: len(key)].copy()
                for j in range(1, n):
                    some_untoned |= untoned[j : j + len(key)]
                loose_key, loose_ok = self._keys(folded, valid_from, n)
                loose = _lookup(loose_key, loose_ok & open_ & some_untoned & (found < 0), *self.folded[n])
                found = np.where(found >= 0, found, loose)
            hit = np.flatnonzero(found >= 0)
            length[hit] = n
            category[hit] = found[hit]
        starts = np.flatnonzero(length)
        if not len(starts):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        flip = self.lexicon.negation == "flip"
        negated_before = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(negated, out=negated_before[1:])
        positions, columns = [], []
        end = -1
        for i in starts.tolist():  # the hits only: a few per comment
            if i < end:
                continue
            end = i + int(length[i])
            code = int(category[i])
            if code == 0:  # blocking
                continue
            column = code - 1
            if flip:
                if negated_before[end] > negated_before[i]:
                    column = 1 - column
            elif negated[i]:  # governed by a negator before the term
                continue
            positions.append(i)
            columns.append(column)
        return np.array(positions, dtype=np.int64), self.lexicon.columns[np.array(columns, dtype=np.int64)]


class Syntax:
    """What the clause splitter and the negation marker look at (see :mod:`nlp.features`)."""

    def __init__(self, *, negators: frozenset[str], not_only: frozenset[str], clause_end: frozenset[str],
                 openers: Mapping[str, Sequence[tuple[str, ...]]], negation_scope: int, clauses: bool,
                 negated_prefix: str, min_clause_words: int) -> None:
        self.negators = negators
        self.not_only = not_only
        self.clause_end = clause_end
        self.openers = openers
        self.negation_scope = negation_scope
        self.clauses = clauses
        self.negated_prefix = negated_prefix
        self.min_clause_words = min_clause_words


class CompiledFeatures:
    """Counts of a fitted vectorizer's features over the clauses of comments, without feature strings.

    Parameters
    ----------
    vocabulary : sequence of str
        Feature names in column order, as :meth:`FeedbackVectorizer.get_feature_names_out` gives them.
    word_ngrams, folded_ngrams : tuple of int
        The vectorizer's n-gram ranges.
    lexicon : tuple of (exact, folded) term mappings, optional
        :class:`nlp.features._LexiconIndex`'s ``exact`` and ``folded`` tables.
    syntax : Syntax
        Clause ends, clause openers and negators, as :func:`nlp.features.clause_bounds` and
        :func:`nlp.features.mark_negation` use them.
    """

    def __init__(self, vocabulary: Collection[str], *, word_ngrams: tuple[int, int], folded_ngrams: tuple[int, int],
                 lexicons: Sequence[Lexicon], folded_prefix: str, special: Sequence[str], syntax: Syntax) -> None:
        self.size = len(vocabulary)
        self.word_ngrams = tuple(word_ngrams)
        self.folded_ngrams = tuple(folded_ngrams)
        self.syntax = syntax
        word: dict[tuple[str, ...], int] = {}
        folded: dict[tuple[str, ...], int] = {}
        for index, name in enumerate(vocabulary):
            if name in special:  # a lexicon's count, placed by the Lexicon's columns
                continue
            if name.startswith(folded_prefix):
                gram = tuple(name[len(folded_prefix):].split(" "))
                if all(gram):  # "~ x" is the word bigram of the token "~", not a folded gram
                    folded[gram] = index
                    continue
            word[tuple(name.split(" "))] = index
        self.word = _NgramTable(word)
        self.folded = _NgramTable(folded)
        # One id per syllable of any lexicon, so that a token's lexicon id serves them all.
        tokens = sorted({t for lex in lexicons for term in [*lex.exact_terms, *lex.folded_terms] for t in term})
        self.lexicon_ids = {t: i for i, t in enumerate(tokens)}
        self.lexicons = [_LexiconTable(lex, self.lexicon_ids, len(tokens) + 1) for lex in lexicons
                         if (lex.columns >= 0).any()]
        # Per distinct token (a code): what its features need, and what the clause splitter and the
        # negation marker need. Tokens that are in no table share one code per kind.
        self._index: dict[str, int] = {}
        self._columns: dict[str, list[Any]] = {name: [] for name in (
            "word_id", "pieces", "bare_id", "folded_id", "untoned", "negated", "word", "negator", "not_only", "end", "opener",
            "negated_code", "string")}
        self._arrays: dict[str, np.ndarray] | None = None
        self._unknown: dict[bool, int] = {}
        for is_word in (True, False):
            self._unknown[is_word] = self._new_code("a" if is_word else "\x00", shared=True)

    @property
    def usable(self) -> bool:
        """Whether integer keys cannot overflow for these n-gram ranges (else use the string path)."""
        return (self.word.fits(self.word_ngrams[1]) and self.folded.fits(self.folded_ngrams[1])
                and all(lexicon.fits() for lexicon in self.lexicons))

    def _lookups(self, token: str) -> tuple[int, tuple[int, ...], int, int]:
        prefix = self.syntax.negated_prefix
        bare = token[1:] if token.startswith(prefix) and len(token) > 1 else token
        pieces = tuple(self.folded.ids.get(p, -1) for p in fold_diacritics(token.replace("_", " ")).split())
        return (self.word.ids.get(token, -1), pieces, self.lexicon_ids.get(bare, -1),
                self.lexicon_ids.get(fold_diacritics(bare), -1))

    def _new_code(self, token: str, *, shared: bool = False) -> int:
        syntax = self.syntax
        prefix = syntax.negated_prefix
        negated = token.startswith(prefix) and len(token) > 1
        bare = token[1:] if negated else token
        word_id, pieces, bare_id, folded_id = self._lookups(token)
        columns = self._columns
        code = len(columns["word_id"])
        values = {
            "word_id": -1 if shared else word_id, "pieces": (-1,) if shared else pieces,
            "bare_id": -1 if shared else bare_id, "folded_id": -1 if shared else folded_id,
            "untoned": _untoned(bare), "negated": negated,
            "word": token[0].isalnum() or token[0] == "_", "negator": token in syntax.negators,
            "not_only": token in syntax.not_only, "end": token in syntax.clause_end,
            "opener": token in syntax.openers, "negated_code": code if shared else -1,
            "string": None if shared else token,
        }
        for name, value in values.items():
            columns[name].append(value)
        self._arrays = None
        return code

    def _code(self, token: str) -> int:
        """The code of a token, added on first sight."""
        syntax = self.syntax
        word_id, pieces, bare_id, folded_id = self._lookups(token)
        is_word = token[0].isalnum() or token[0] == "_"
        plain = (word_id < 0 and bare_id < 0 and folded_id < 0 and pieces == (-1,) and token not in syntax.negators
                 and token not in syntax.not_only and token not in syntax.clause_end and token not in syntax.openers)
        if plain and is_word:  # its negated form must be unknown too
            negated_word, negated_pieces, _, _ = self._lookups(syntax.negated_prefix + token)
            plain = negated_word < 0 and negated_pieces == (-1,)
        code = self._unknown[is_word] if plain else self._new_code(token)
        if len(self._index) >= _MAX_CACHE:  # forget the tokens that share a code; keep the rest
            shared = set(self._unknown.values())
            self._index = {t: c for t, c in self._index.items() if c not in shared}
        self._index[token] = code
        return code

    def _negated_codes(self, codes: np.ndarray) -> np.ndarray:
        """The code of each token's negated form (``¬token``), added where missing."""
        negated_code = self._columns["negated_code"]
        strings = self._columns["string"]
        for code in np.unique(codes).tolist():
            if negated_code[code] < 0:
                negated_code[code] = self._new_code(self.syntax.negated_prefix + strings[code])
                self._arrays = None
        return self._tables()["negated_code"][codes]

    def _tables(self) -> dict[str, np.ndarray]:
        if self._arrays is None:
            columns = self._columns
            pieces = columns["pieces"]
            counts = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
            starts = np.zeros(len(counts) + 1, dtype=np.int64)
            np.cumsum(counts, out=starts[1:])
            arrays = {name: np.array(columns[name], dtype=bool) for name in
                      ("untoned", "negated", "word", "negator", "not_only", "end", "opener")}
            for name in ("word_id", "bare_id", "folded_id", "negated_code"):
                arrays[name] = np.array(columns[name], dtype=np.int64)
            arrays["piece_count"] = counts
            arrays["piece_start"] = starts
            arrays["piece_flat"] = np.fromiter((i for p in pieces for i in p), dtype=np.int64, count=int(starts[-1]))
            self._arrays = arrays
        return self._arrays

    def clause_counts(self, docs: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray, np.ndarray, Any, Any]:
        """Cut comments (lists of raw tokens) into clauses and count the features of each comment and clause.

        Returns the clauses' ``start`` and ``end`` (positions in all comments' tokens laid end to
        end), the comment of each clause, and the sparse count matrices ``(comments, features)``
        and ``(clauses, features)``. A comment without tokens has one empty clause.
        """
        lengths = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        doc_start = np.zeros(len(docs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=doc_start[1:])
        tokens = [t for d in docs for t in d]
        index, code_of = self._index, self._code
        codes = np.fromiter((index[t] if t in index else code_of(t) for t in tokens), dtype=np.int64,
                            count=len(tokens))
        tables = self._tables()
        size = len(tokens)
        first = np.zeros(size + 1, dtype=bool)  # a clause starts at this position
        first[doc_start[:-1]] = True
        if self.syntax.clauses and size:
            first[np.flatnonzero(tables["end"][codes]) + 1] = True
            self._open_clauses(tokens, codes, tables, doc_start, first)
            first[size] = False
            self._merge_short(codes, tables, doc_start, first)
        first[size] = False
        marked = self._mark_negation(codes, tables, first) if self.syntax.negation_scope else codes
        start = np.flatnonzero(first[:size])
        start = start[lengths[np.searchsorted(doc_start, start, side="right") - 1] > 0]
        empty = doc_start[:-1][lengths == 0]
        unit_doc = np.searchsorted(doc_start, start, side="right") - 1
        end = np.append(start[1:], size)
        end = np.minimum(end, doc_start[unit_doc + 1])
        if len(empty):
            start = np.concatenate([start, empty])
            end = np.concatenate([end, empty])
            unit_doc = np.concatenate([unit_doc, np.flatnonzero(lengths == 0)])
            order = np.lexsort((start, unit_doc))
            start, end, unit_doc = start[order], end[order], unit_doc[order]
        return (start, end, unit_doc, *self._count(marked, doc_start, start, end, unit_doc))

    def _open_clauses(self, tokens: list[str], codes: np.ndarray, tables: dict[str, np.ndarray],
                      doc_start: np.ndarray, first: np.ndarray) -> None:
        """Start a clause at each opener not already at one (see :func:`nlp.features.clause_bounds`)."""
        candidates = np.flatnonzero(tables["opener"][codes])
        if not len(candidates):
            return
        doc_end = doc_start[np.searchsorted(doc_start, candidates, side="right")]
        openers = self.syntax.openers
        skip = 0
        for i, limit in zip(candidates.tolist(), doc_end.tolist(), strict=True):
            if i < skip:
                continue
            for opener in openers[tokens[i]]:
                n = len(opener)
                if n == 1 or (i + n <= limit and tuple(tokens[i : i + n]) == opener):
                    first[i] = True
                    skip = i + n
                    break

    def _merge_short(self, codes: np.ndarray, tables: dict[str, np.ndarray], doc_start: np.ndarray,
                     first: np.ndarray) -> None:
        """Join clauses too short to stand alone to a neighbour (see ``nlp.features._merge_short``)."""
        size = len(codes)
        starts = np.flatnonzero(first[:size])
        if len(starts) < 2:
            return
        words_before = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(tables["word"][codes], out=words_before[1:])
        doc = np.searchsorted(doc_start, starts, side="right") - 1
        ends = np.append(starts[1:], size)
        ends = np.minimum(ends, doc_start[doc + 1])
        short = (words_before[ends] - words_before[starts]) < self.syntax.min_clause_words
        opens_doc = starts == doc_start[doc]
        drop = short & ~opens_doc
        # the first clause of a comment, when short, takes in the next clause of the same comment
        follower = np.flatnonzero(opens_doc[:-1] & short[:-1] & (doc[1:] == doc[:-1])) + 1
        drop[follower] = True
        first[starts[drop]] = False

    def _mark_negation(self, codes: np.ndarray, tables: dict[str, np.ndarray], first: np.ndarray) -> np.ndarray:
        """Codes with the words a negator governs replaced by their ``¬`` forms (see ``mark_negation``)."""
        size = len(codes)
        negator = tables["negator"][codes]
        if not negator.any():
            return codes
        word = tables["word"][codes]
        positions = np.arange(size, dtype=np.int64)
        event = np.where(negator | ~word, positions, -1)  # a negator, or a token that ends any scope
        last = np.maximum.accumulate(event)
        before = np.empty(size, dtype=np.int64)
        before[0] = -1
        before[1:] = last[:-1]
        clause_start = np.maximum.accumulate(np.where(first[:size], positions, 0))
        governed = before >= clause_start
        q = np.where(governed, before, 0)
        follows = np.minimum(q + 1, size - 1)
        governed &= negator[q] & ~tables["not_only"][codes[follows]] & word & ~negator
        governed &= positions - q <= self.syntax.negation_scope
        if not governed.any():
            return codes
        marked = codes.copy()
        marked[governed] = self._negated_codes(codes[governed])
        return marked

    def _count(self, codes: np.ndarray, doc_start: np.ndarray, start: np.ndarray, end: np.ndarray,
               unit_doc: np.ndarray) -> tuple[Any, Any]:
        """Feature counts of the comments and of their clauses, which cut the comments end to end.

        A clause's n-grams and lexicon terms are its own; a comment's are its clauses' plus the
        n-grams that reach across a clause boundary, so each n-gram is looked up once.
        """
        from scipy import sparse

        tables = self._tables()
        size = len(codes)
        n_clauses, n_docs = len(start), len(doc_start) - 1
        positions = np.arange(size, dtype=np.int64)
        clause_of = np.repeat(np.arange(n_clauses), end - start)
        clause_left = end[clause_of] - positions  # items left in the position's clause, itself included
        doc_of = unit_doc[clause_of]
        doc_left = doc_start[1:][doc_of] - positions
        rows, cols, doc_rows, doc_cols = [], [], [], []
        low, high = self.word_ngrams
        if high:
            ids = tables["word_id"][codes]
            at, feature = self.word.features(ids, clause_left, low, high)
            rows.append(clause_of[at])
            cols.append(feature)
            at, feature = self.word.features(ids, doc_left, low, high, crossing=clause_left)
            doc_rows.append(doc_of[at])
            doc_cols.append(feature)
        for lexicon in self.lexicons:
            at, feature = lexicon.hits(tables["bare_id"][codes], tables["folded_id"][codes], tables["untoned"][codes],
                                       tables["negated"][codes], clause_left)
            keep = feature >= 0
            rows.append(clause_of[at[keep]])
            cols.append(feature[keep])
        low, high = self.folded_ngrams
        if high:
            # Each token's folded pieces (one, nearly always); a piece belongs to its token's clause.
            count = tables["piece_count"][codes]
            before = np.zeros(size + 1, dtype=np.int64)
            np.cumsum(count, out=before[1:])
            pieces = _expand(tables["piece_start"][codes], count, tables["piece_flat"])
            token_of = np.repeat(positions, count)
            piece_positions = np.arange(len(pieces), dtype=np.int64)
            piece_clause_left = before[end[clause_of[token_of]]] - piece_positions
            piece_doc_left = before[doc_start[1:][doc_of[token_of]]] - piece_positions
            at, feature = self.folded.features(pieces, piece_clause_left, low, high)
            rows.append(clause_of[token_of[at]])
            cols.append(feature)
            at, feature = self.folded.features(pieces, piece_doc_left, low, high, crossing=piece_clause_left)
            doc_rows.append(doc_of[token_of[at]])
            doc_cols.append(feature)

        def matrix(r: list[np.ndarray], c: list[np.ndarray], n: int) -> Any:
            row = np.concatenate(r) if r else np.zeros(0, dtype=np.int64)
            col = np.concatenate(c) if c else np.zeros(0, dtype=np.int64)
            counts = sparse.csr_matrix((np.ones(len(row), dtype=np.float64), (row, col)), shape=(n, self.size))
            counts.sum_duplicates()
            return counts

        clauses = matrix(rows, cols, n_clauses)
        owner = sparse.csr_matrix((np.ones(n_clauses), (unit_doc, np.arange(n_clauses))), shape=(n_docs, n_clauses))
        return owner @ clauses + matrix(doc_rows, doc_cols, n_docs), clauses


def _untoned(token: str) -> bool:
    """Whether a token is a word typed without tone marks (it has a letter and folds to itself)."""
    return fold_diacritics(token) == token and any(c.isalpha() for c in token)


def _gather(start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Positions of every span's items, laid end to end; each position's span; items left in its span."""
    total = int(length.sum())
    unit_of = np.repeat(np.arange(len(length)), length)
    first = np.zeros(len(length) + 1, dtype=np.int64)
    np.cumsum(length, out=first[1:])
    offset = np.arange(total, dtype=np.int64) - first[:-1][unit_of]
    gather = start[unit_of] + offset
    valid_from = length[unit_of] - offset
    return gather, unit_of, valid_from


def _expand(start: np.ndarray, count: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """``flat[start[i] : start[i] + count[i]]`` for every i, concatenated."""
    if len(count) and (count == 1).all():
        return flat[start]
    gather, _, _ = _gather(start, count)
    return flat[gather]
