"""Clauses, negation and lexicon features, and the compiled (NumPy) path that must equal their definition."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nlp.corpus import load_corpus
from nlp.features import FeedbackVectorizer, clause_bounds
from nlp.lexicon import default_cause_lexicon_path, default_lexicon_path, read_cause_lexicon, read_lexicon

CAUSE_TERMS = {"giao hàng lâu": "wait_time", "ship chậm": "wait_time", "chờ lâu": "wait_time",
               "không trả lời": "unresolved", "giao hàng nhanh": "none", "thái độ lồi lõm": "rude_staff",
               "gọi tổng đài mãi không ai nghe máy": "unresolved", "không ai nghe máy": "unresolved"}


def clauses(text):
    tokens = text.split()
    return [" ".join(tokens[s:e]) for s, e in clause_bounds(tokens)]


@pytest.mark.parametrize(("text", "expected"), [
    ("phở ngon , giá ổn , mỗi tội đợi hơi lâu", ["phở ngon ,", "giá ổn ,", "mỗi tội đợi hơi lâu"]),
    # one word, or emoji alone, joins a neighbour
    ("ngon , giá ổn , mỗi tội đợi hơi lâu 😤 😤", ["ngon , giá ổn ,", "mỗi tội đợi hơi lâu 😤 😤"]),
    ("phòng đẹp nhưng lễ tân nhăn nhó", ["phòng đẹp", "nhưng lễ tân nhăn nhó"]),
    # an opener inside another opener does not cut again ("dù" in "mặc dù")
    ("mặc dù đông nhưng lên món nhanh", ["mặc dù đông", "nhưng lên món nhanh"]),
    ("hàng đẹp 😍 ship hơi chậm", ["hàng đẹp 😍", "ship hơi chậm"]),
    # untoned openers count too
    ("sp dep nhung giao lau", ["sp dep", "nhung giao lau"]),
    ("", []),
])
def test_clauses_end_at_punctuation_emoji_and_before_contrast_words(text, expected):
    assert clauses(text) == expected


def test_a_negation_ends_with_its_clause():
    _, marked, _ = FeedbackVectorizer().tokens("không ngon nhưng rẻ")
    assert marked == ["không", "¬ngon", "nhưng", "rẻ"]


def cause_features(text, **params):
    vectorizer = FeedbackVectorizer(cause_lexicon=CAUSE_TERMS, **params)
    return sorted(f for f in vectorizer.analyze(vectorizer.prepare([text])[0]) if f.startswith("#cause:"))


@pytest.mark.parametrize(("text", "expected"), [
    ("Giao hàng lâu, shop không trả lời", ["#cause:unresolved", "#cause:wait_time"]),
    # teencode expands to a toned syllable ("ko" → "không"); the rest typed untoned still matches
    ("giao hang lau, shop ko tra loi", ["#cause:unresolved", "#cause:wait_time"]),
    # a negator before a term governs it: the cause did not happen
    ("không phải chờ lâu", []),
    # a look-alike ("none") covers its words
    ("giao hàng nhanh", []),
    # terms longer than four syllables are found whole, typed with or without tone marks
    ("goi tong dai mai khong ai nghe may", ["#cause:unresolved"]),
])
def test_cause_lexicon_terms_become_cause_counts(text, expected):
    assert cause_features(text) == expected


def test_untoned_matching_never_confuses_two_toned_words():
    vectorizer = FeedbackVectorizer(lexicon={"lịch sự": "positive"})
    features = lambda text: [f for f in vectorizer.analyze(vectorizer.prepare([text])[0]) if f.startswith("#")]
    assert features("nv lich su") == ["#lex:positive"]
    assert features("xem lịch sử giao dịch") == []


@pytest.fixture(scope="module")
def fitted():
    train = [e.text for e in load_corpus(split="train")[::3]]
    vectorizer = FeedbackVectorizer(lexicon=read_lexicon(default_lexicon_path()),
                                    cause_lexicon=read_cause_lexicon(default_cause_lexicon_path()))
    return vectorizer.fit(train)


ODD = ["", "   ", "😡😡😡", "không không không tốt", "không những rẻ mà còn ngon", "x\u0300 ko", "a,b,,c", "ko",
       "¬tốt ko ngon", "_abc_ def", "mặc dù nhưng tuy", "chỉ có điều", "100k 200k 300k", "~ ~ # lex : positive"]


def assert_compiled_equals_definition(vectorizer, texts):
    prepared = vectorizer.prepare(texts)
    expected = vectorizer.tfidf_.transform(prepared)  # scikit-learn over the string features of analyze()
    docs, clause_rows, where = vectorizer.transform_clauses(prepared)
    assert docs.shape == expected.shape
    assert abs(docs - expected).max() < 1e-6
    assert docs.nnz == expected.nnz
    # the clauses are those of clause_bounds, each comment keeping at least one (possibly empty) clause
    for d, text in enumerate(prepared):
        rows = np.flatnonzero(where.doc == d)
        bounds = vectorizer.tokens(text)[2] or [(0, 0)]
        assert [(where.start[k] - where.doc_start[d], where.end[k] - where.doc_start[d]) for k in rows] == bounds
    assert clause_rows.shape[0] == len(where.doc)


def test_compiled_features_equal_their_definition_on_the_corpus(fitted):
    assert fitted._fast() is not None
    assert_compiled_equals_definition(fitted, [e.text for e in load_corpus(split="test")] + ODD)


PIECES = list("abcđêơưăâ àáạ,.!?😡_¬~#:") + [" không ", " nhưng ", " ko ", " giao hàng lâu ", " tốt ", " mặc dù "]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(PIECES), max_size=30).map("".join), min_size=1, max_size=8))
def test_compiled_features_equal_their_definition_on_any_text(fitted, texts):
    assert_compiled_equals_definition(fitted, texts)


def test_the_string_path_gives_the_same_clauses_and_features(fitted):
    texts = [e.text for e in load_corpus(split="test")[:300]] + ODD
    prepared = fitted.prepare(texts)
    fast = fitted.transform_clauses(prepared)
    fitted._compiled_ = False  # as for word-segmented models: feature strings, clause by clause
    try:
        slow = fitted.transform_clauses(prepared)
    finally:
        fitted._compiled_ = None
    assert abs(fast[0] - slow[0]).max() < 1e-6
    assert abs(fast[1] - slow[1]).max() < 1e-6
    assert (fast[2].doc == slow[2].doc).all()


def test_model_files_without_clauses_read_whole_comments():
    vectorizer = FeedbackVectorizer(min_df=1, clauses=False).fit(["ngon, giá ổn, mỗi tội đợi lâu", "tệ"])
    _, clause_rows, where = vectorizer.transform_clauses(vectorizer.prepare(["ngon, giá ổn, mỗi tội đợi lâu"]))
    assert clause_rows.shape[0] == 1 and list(where.doc) == [0]
