import unicodedata

import pytest

from nlp.features import FeedbackVectorizer
from nlp.lexicon import POLARITIES, default_lexicon_path, read_lexicon
from nlp.normalize import normalize_text
from nlp.tables import TableError

LEXICON = {"tuyệt vời": "positive", "tốt": "positive", "chán": "negative", "lừa đảo": "negative",
           "lịch sự": "positive", "yêu": "positive", "yêu cầu": "neutral"}


def lexicon_features(text, **params):
    vectorizer = FeedbackVectorizer(lexicon=LEXICON, **params)
    return sorted(f for f in vectorizer.analyze(vectorizer.prepare([text])[0]) if f.startswith("#lex:"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tuyệt vời, nhân viên tốt", ["#lex:positive", "#lex:positive"]),
        # a negated term counts for the other polarity
        ("pin ko tốt lắm", ["#lex:negative"]),
        ("không hề chán", ["#lex:positive"]),
        # several syllables match typed without tone marks too; one syllable does not ("chan" is also chân)
        ("tuyet voi", ["#lex:positive"]),
        ("dau chan qua", []),
        ("app lừa đảo, chán", ["#lex:negative", "#lex:negative"]),
        ("cho hỏi giờ mở cửa", []),
        # typed without tone marks a compound matches, but never a different accented word
        ("nv lich su", ["#lex:positive"]),
        ("xem lịch sử giao dịch", []),
        # a neutral compound keeps its syllable from matching alone
        ("yêu cầu hoàn tiền", []),
        ("yêu shop", ["#lex:positive"]),
    ],
)
def test_lexicon_terms_become_polarity_counts(text, expected):
    assert lexicon_features(text) == expected


def test_lexicon_matches_syllables_when_words_are_segmented():
    assert lexicon_features("dịch vụ tuyệt vời", segment=True) == ["#lex:positive"]


def test_without_a_lexicon_there_are_no_lexicon_features():
    vectorizer = FeedbackVectorizer(min_df=1).fit(["tuyệt vời", "chán"])
    assert not any(f.startswith("#lex:") for f in vectorizer.get_feature_names_out())


def test_bad_lexicon_mapping_names_the_entry():
    with pytest.raises(ValueError, match=r"lexicon must map terms to 'positive', 'negative' or 'neutral'; got \('tốt', 'good'\)"):
        FeedbackVectorizer(lexicon={"tốt": "good"}).fit(["tốt", "tốt lắm"])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("term,polarity\ntốt,good\n", r"line 2: polarity 'good' for 'tốt'; allowed: positive, negative, neutral"),
        ("term,polarity\ntốt,positive\n,negative\n", r"line 3: the term is empty"),
        ("term,polarity\ntốt,positive\nTốt,negative\n", r"line 3: 'tốt' is negative here but positive on line 2"),
    ],
)
def test_bad_lexicon_files_are_clear_errors(tmp_path, content, message):
    path = tmp_path / "lex.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_lexicon(path)


def test_missing_lexicon_file_or_column_is_a_clear_error(tmp_path):
    with pytest.raises(TableError, match="missing.csv does not exist"):
        read_lexicon(tmp_path / "missing.csv")
    path = tmp_path / "lex.csv"
    path.write_text("word,sign\ntốt,+\n", encoding="utf-8")
    with pytest.raises(TableError, match="has no column 'term'; its columns are: 'word', 'sign'"):
        read_lexicon(path)


def test_the_project_lexicon_is_clean():
    lexicon = read_lexicon(default_lexicon_path())
    assert len(lexicon) >= 1000
    assert set(lexicon.values()) == set(POLARITIES)
    for compound in ("yêu cầu", "giải thích", "vui lòng", "xin lỗi"):  # common words in complaints
        assert lexicon[compound] == "neutral", compound
    for term in lexicon:
        assert term == unicodedata.normalize("NFC", term) and 1 <= len(term.split()) <= 4, term
        # a term that normalises to nothing (punctuation alone) could never match a comment
        assert normalize_text(term), term


def test_the_cause_lexicon_reads_the_six_causes_and_look_alikes(tmp_path):
    from nlp.lexicon import default_cause_lexicon_path, read_cause_lexicon

    terms = read_cause_lexicon(default_cause_lexicon_path())
    assert {"wait_time", "unresolved", "rude_staff", "needs_not_understood", "too_automated", "not_personalized",
            "none"} == set(terms.values())
    path = tmp_path / "c.csv"
    path.write_text("term,cause\nGiao Hàng  Lâu,wait_time\nđợi mãi,waiting\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 3: cause 'waiting' for 'đợi mãi'; allowed: wait_time, "):
        read_cause_lexicon(path)
    # any label of your own codebook when causes=None
    assert read_cause_lexicon(path, causes=None) == {"giao hàng lâu": "wait_time", "đợi mãi": "waiting"}
    path.write_text("term,cause\nđợi mãi,chờ lâu!\n", encoding="utf-8")
    with pytest.raises(ValueError, match="allowed: a label made of letters, digits and _, or none"):
        read_cause_lexicon(path, causes=None)
