"""Themes beyond the codebook: nlp.themes, cx themes, "Phàn nàn khác" in the report and top_theme in cx pain."""

from __future__ import annotations

from functools import cache

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from journeymap.cli import app
from nlp.errors import DataError
from nlp.tables import TableWriter
from nlp.themes import DEFAULT_K_RANGE, find_themes, select_comments, stopwords

runner = CliRunner()

#: Words that are never a key phrase by themselves, whatever the data (the brief's list and more).
FUNCTION_WORDS = {"thì", "là", "mà", "của", "bị", "được", "rất", "quá", "nhé", "ạ", "mình", "shop", "không", "có",
                  "và", "cho", "với", "em", "anh", "chị", "nha", "luôn", "lắm", "này", "đó", "rồi", "cũng", "vẫn"}

PAPERWORK = ["thủ tục giấy tờ quá nhiều, đi lại 4 lần", "giấy tờ rườm rà, thủ tục lâu", "thu tuc giay to phien phuc",
             "thủ tục giấy tờ lằng nhằng mất cả buổi", "làm thủ tục giấy tờ cả tuần chưa xong"]
FEES = ["phí thường niên cao quá", "phí cao, chuyển tiền cũng tính phí", "tính phí cao vô lý", "phí quản lý tài khoản cao",
        "phi thuong nien cao qua"]
APP = ["app lỗi đăng nhập", "app bị lỗi không đăng nhập được", "đăng nhập app lỗi hoài", "app lỗi, đăng nhập không vào",
       "app cứ lỗi đăng nhập mãi"]
MIXED = PAPERWORK + FEES + APP


@cache
def corpus_complaints() -> list[str]:
    from nlp.corpus import load_corpus

    return [r.text for r in load_corpus() if r.sentiment == "negative" and not r.causes][:1500]


def test_same_seed_same_themes_and_the_three_groups_are_found() -> None:
    first = find_themes(MIXED, 3, seed=7)
    second = find_themes(list(MIXED), 3, seed=7)
    assert first == second
    groups = [{first.assignments[i] for i in range(start, start + 5)} for start in (0, 5, 10)]
    assert all(len(group) == 1 for group in groups) and len({g.pop() for g in groups}) == 3
    assert sorted(t.count for t in first.themes) == [5, 5, 5]


def test_a_comment_typed_without_diacritics_joins_its_theme_and_phrases_keep_diacritics() -> None:
    result = find_themes(MIXED, 3)
    assert result.assignments[2] == result.assignments[0]  # "thu tuc giay to phien phuc"
    paperwork = result.themes[result.assignments[0] - 1]
    assert "thủ tục giấy tờ" in paperwork.key_phrases


def test_key_phrases_are_never_function_words_alone_nor_made_only_of_stopwords() -> None:
    edge, alone, phrases = stopwords()
    # typed without diacritics, these can only be function words
    bare = {"khong", "duoc", "nhe", "minh", "shop", "cua", "rat", "nhung", "vay", "roi"}
    result = find_themes(corpus_complaints(), 8, seed=0)
    seen = 0
    for theme in result.themes:
        assert theme.key_phrases
        for phrase in theme.key_phrases:
            seen += 1
            words = phrase.split()
            assert phrase not in FUNCTION_WORDS, (theme.label, phrase)
            assert phrase not in phrases
            assert not all(w in alone or w in bare for w in words), (theme.label, phrase)
            assert words[-1] not in edge, (theme.label, phrase)
    assert seen >= 8 * 5
    # "thủ tục" and "thủ tục giấy" are never both listed: no phrase holds another of its theme
    for theme in result.themes:
        for a in theme.key_phrases:
            assert not any(a != b and f" {a} " in f" {b} " for b in theme.key_phrases), theme.key_phrases


DELIVERY = ["giao hàng chậm cả tuần mới tới", "hẹn thứ hai mà thứ sáu mới giao hàng", "shop giao trễ 5 ngày",
            "giao trễ, gọi shipper không nghe", "giao hang lâu quá", "giao chậm, chờ giao lại 3 ngày",
            "đặt 2 tuần chưa thấy giao hàng", "giao chậm mà còn thiếu món", "giao trễ hẹn hoài", "giao chậm hết chỗ nói"]


def _words(text: str) -> list[str]:
    import re

    from nlp.normalize import normalize_text
    from nlp.text import fold_diacritics

    return re.findall(r"\w+", fold_diacritics(normalize_text(text)))


def _said_in(phrase: str, words: list[str]) -> bool:
    from nlp.text import fold_diacritics

    return f" {fold_diacritics(phrase)} " in f" {' '.join(words)} "


def test_a_theme_about_delivery_is_labelled_with_giao_hang_and_every_phrase_is_said_in_it() -> None:
    texts = DELIVERY + FEES + APP + ["phí rút tiền cao hơn ngân hàng khác"]
    result = find_themes(texts, 3, seed=0)
    delivery = result.themes[result.assignments[0] - 1]
    assert {result.assignments[i] for i in range(len(DELIVERY))} == {delivery.number}
    assert "giao hàng" in delivery.label.split(" · ")
    for theme in result.themes:
        assert not set(theme.label.split(" · ")) & (FUNCTION_WORDS | {"giao", "hàng"}), theme.label
        members = [_words(t) for t, a in zip(texts, result.assignments) if a == theme.number]
        for phrase in theme.key_phrases:
            # a key phrase is something the theme's own comments say ("giao hàng" is no phrase of the fees)
            assert any(_said_in(phrase, words) for words in members), (theme.label, phrase)


@pytest.mark.parametrize(("domains", "size", "k"), [(("delivery", "bank", "education"), 600, 6),
                                                      (("delivery", "ecommerce"), 500, 5)])
def test_a_lone_syllable_is_a_key_phrase_only_when_said_alone(domains: tuple[str, ...], size: int, k: int) -> None:
    """Without word segmentation "ký" is half of "đăng ký", "động" of "tự động": a single syllable that the
    theme's comments mostly say inside one longer phrase is shown as that phrase, or not at all."""
    from collections import Counter
    from itertools import pairwise

    from nlp.corpus import load_corpus
    from nlp.text import fold_diacritics

    texts = [r.text for r in load_corpus() if r.sentiment == "negative" and r.domain in domains][:size]
    result = find_themes(texts, k, seed=0)
    halves = []
    for theme in result.themes:
        members = [_words(t) for t, a in zip(texts, result.assignments) if a == theme.number]
        for phrase in (p for p in theme.key_phrases if " " not in p):
            syllable = fold_diacritics(phrase)
            holding = [w for w in members if syllable in w]
            pairs = Counter(pair for w in holding for pair in {f"{a} {b}" for a, b in pairwise(w) if syllable in (a, b)})
            if pairs and pairs.most_common(1)[0][1] >= 0.5 * len(holding):
                halves.append((theme.label, phrase, pairs.most_common(1)[0]))
    assert halves == []


def test_quotes_are_real_rows_whole_texts_and_not_repeated() -> None:
    texts = corpus_complaints()
    result = find_themes(texts, 6, seed=0)
    for theme in result.themes:
        assert 1 <= len(theme.quotes) <= 3
        assert len(set(theme.quotes)) == len(theme.quotes)
        for quote, position in zip(theme.quotes, theme.quote_positions):
            assert texts[position] == quote  # the whole comment as written
            assert result.assignments[position] == theme.number


def test_auto_k_stays_within_its_bounds_and_says_how_it_chose() -> None:
    result = find_themes(corpus_complaints(), "auto", seed=0)
    low, high = DEFAULT_K_RANGE
    assert low <= result.k <= high
    assert set(result.k_scores) == set(range(low, high + 1))
    assert result.k_scores[result.k] == max(result.k_scores.values())
    small = find_themes(MIXED, "auto", k_range=(2, 12))
    assert 2 <= small.k <= len(MIXED) // 2


@pytest.mark.parametrize(("k", "message"), [
    (1, "k must be at least 2 themes (or 'auto'); got 1"),
    (40, "k = 40 themes for 15 comments with words to group; allowed: 2 to 15"),
    ("many", "k must be a whole number of themes >= 2 or 'auto'; got 'many'"),
])
def test_bad_k_says_what_is_allowed(k: object, message: str) -> None:
    with pytest.raises(DataError, match=message.replace("(", r"\(").replace(")", r"\)")):
        find_themes(MIXED, k)  # type: ignore[arg-type]


def test_no_comments_or_only_function_words_are_refused() -> None:
    with pytest.raises(DataError, match="no comments to group"):
        find_themes([])
    with pytest.raises(DataError, match="0 of 3 comments have words to group"):
        find_themes(["", "thì là mà", None])


def test_empty_and_missing_comments_are_kept_without_a_theme() -> None:
    result = find_themes([*MIXED, "", None, "xyzw"], 3)
    assert result.assignments[-3:] == [None, None, None]
    assert result.unthemed == 3
    table = result.table()
    assert table["comments"].sum() == len(MIXED) + 3  # nothing lost
    assert table["label"].iloc[-1] == "(không thuộc chủ đề nào)"


def test_select_comments_no_cause_keeps_negative_and_neutral_without_causes() -> None:
    sentiments = ["negative", "neutral", "positive", "negative", "negative"]
    causes = [[], [], [], ["wait_time"], []]
    assert select_comments(sentiments, causes, "no-cause", ["ok", "ok", "ok", "ok", "empty"]) == [0, 1]
    assert select_comments(sentiments, causes, "negative") == [0, 3, 4]
    assert select_comments(sentiments, causes, "all") == [0, 1, 2, 3, 4]
    with pytest.raises(DataError, match="only must be one of no-cause, negative, all"):
        select_comments(sentiments, causes, "some")


def _labelled(tmp_path, extra: int = 0):
    rows = [{"id": f"c{i}", "text": t, "sentiment": "negative", "causes": ""} for i, t in enumerate(MIXED)]
    rows += [{"id": "w1", "text": "chờ 2 tiếng không ai nghe máy", "sentiment": "negative", "causes": "wait_time"},
             {"id": "p1", "text": "nhân viên dễ thương, cảm ơn ạ", "sentiment": "positive", "causes": ""}]
    path = tmp_path / "comments.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def test_cx_themes_writes_two_sheets_with_vietnamese_headers_and_only_no_cause_rows(tmp_path) -> None:
    path = _labelled(tmp_path)
    out = tmp_path / "themes.xlsx"
    result = runner.invoke(app, ["themes", str(path), "-k", "3", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "15 of 17 comments kept by --only no-cause (by the table's sentiment and causes columns)" in result.output
    book = load_workbook(out)
    assert book.sheetnames == ["Chủ đề", "Bình luận"]
    themes = list(book["Chủ đề"].values)
    assert themes[0] == ("Chủ đề", "Tên chủ đề", "Cụm từ khóa", "Số bình luận", "Tỷ lệ", "Trích dẫn 1", "Trích dẫn 2",
                         "Trích dẫn 3")
    assert [row[3] for row in themes[1:]] == [5, 5, 5]
    assert any("thủ tục giấy tờ" in row[2] for row in themes[1:])
    comments = list(book["Bình luận"].values)
    assert comments[0] == ("Dòng", "Bình luận", "Chủ đề", "Tên chủ đề", "Mức thuộc chủ đề (0–1)")
    assert [row[0] for row in comments[1:]] == list(range(2, 17))  # spreadsheet rows of the kept comments
    assert [row[1] for row in comments[1:]] == MIXED
    quoted = {cell for row in themes[1:] for cell in row[5:] if cell}
    assert quoted <= set(MIXED)


def test_cx_themes_only_negative_keeps_comments_with_causes_and_csv_says_where_the_rest_is(tmp_path) -> None:
    path = _labelled(tmp_path)
    out = tmp_path / "themes.csv"
    result = runner.invoke(app, ["themes", str(path), "--only", "negative", "-k", "3", "-o", str(out),
                                 "--headers", "ids"])
    assert result.exit_code == 0, result.output
    assert "16 of 17 comments kept by --only negative" in result.output
    assert "add --comments-output FILE, or write -o FILE.xlsx for both" in result.output
    assert pd.read_csv(out, encoding="utf-8-sig")["comments"].sum() == 16
    both = tmp_path / "per_comment.csv"
    result = runner.invoke(app, ["themes", str(path), "--only", "all", "-k", "3", "-o", str(out),
                                 "--comments-output", str(both), "--headers", "ids"])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(both, encoding="utf-8-sig")) == 17


def test_cx_themes_classifies_with_the_model_when_the_table_has_no_labels(tmp_path) -> None:
    path = tmp_path / "raw.csv"
    texts = MIXED + ["Nhân viên tư vấn nhiệt tình, rất hài lòng ạ", "Cảm ơn shop, giao nhanh, hàng đẹp"]
    pd.DataFrame({"noi_dung": texts}).to_csv(path, index=False)
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["themes", str(path), "-t", "noi_dung", "-k", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "kept by --only no-cause (classified by the model)" in result.output
    kept = [row[1] for row in list(load_workbook(out)["Bình luận"].values)[1:]]
    assert "Cảm ơn shop, giao nhanh, hàng đẹp" not in kept  # positive: not a complaint
    assert set(kept) <= set(MIXED)


@pytest.mark.parametrize(("make", "args", "expected"), [
    (lambda p: p.write_text("text,sentiment,causes\n", encoding="utf-8"), [], "has a header but no rows"),
    (None, ["-k", "1"], "k must be at least 2 themes (or 'auto'); got 1"),
    (None, ["-k", "three"], "-k takes a whole number of themes >= 2 or 'auto'; got 'three'"),
    (None, ["-t", "comment"], "has no column 'comment'; its columns are: 'id', 'text', 'sentiment', 'causes'"),
])
def test_cx_themes_bad_input_says_what_where_and_what_is_allowed(tmp_path, make, args, expected) -> None:
    path = _labelled(tmp_path)
    if make is not None:
        make(path)
    result = runner.invoke(app, ["themes", str(path), "-o", str(tmp_path / "t.xlsx"), *args])
    assert result.exit_code == 1
    assert expected in " ".join(result.output.split())
    assert not (tmp_path / "t.xlsx").exists()


def test_table_writer_names_xlsx_sheets_and_refuses_a_second_table_in_csv(tmp_path) -> None:
    with TableWriter(tmp_path / "two.xlsx") as writer:
        writer.write(pd.DataFrame({"a": ["ổn"]}), sheet="Một")
        writer.write(pd.DataFrame({"b": [1, 2]}), sheet="Hai")
    book = load_workbook(tmp_path / "two.xlsx")
    assert [list(book[name].values) for name in book.sheetnames] == [[("a",), ("ổn",)], [("b",), (1,), (2,)]]
    with pytest.raises(DataError, match="a CSV file holds one table, already 'Một'; write 'Hai' to another file"), \
            TableWriter(tmp_path / "two.csv") as writer:
        writer.write(pd.DataFrame({"a": ["ổn"]}), sheet="Một")
        writer.write(pd.DataFrame({"b": [1]}), sheet="Hai")
    assert not (tmp_path / "two.csv").exists()


def _journey():
    from journeymap import Journey

    j = Journey("Mở tài khoản", stages=["Đăng ký"])
    j.add_touchpoint("quay", name="Quầy giao dịch", stage="Đăng ký", aliases=["giấy tờ", "thủ tục"], ces=3)
    j.add_touchpoint("app", name="Ứng dụng", stage="Đăng ký", aliases=["app"], ces=4)
    return j


def _comments() -> pd.DataFrame:
    return pd.DataFrame({"text": MIXED + ["chờ 2 tiếng ở quầy không ai tiếp", "app nhanh, thích lắm"],
                         "sentiment": ["negative"] * 16 + ["positive"],
                         "causes": [""] * 15 + ["wait_time", ""]})


def test_report_shows_other_complaints_with_counts_per_touchpoint_and_a_quote() -> None:
    import re

    from journeymap.report import build_report

    html = build_report(_journey(), feedback=_comments())
    start = html.index('id="feedback-other"')
    section = html[start: html.index("</section>", start)]
    text = " ".join(re.sub(r"<[^>]+>", " ", section).split())
    assert "Phàn nàn khác" in text
    assert "15 bình luận tiêu cực hoặc trung lập không nêu nguyên nhân nào" in text
    assert "Quầy giao dịch 5" in text and "Ứng dụng 5" in text and "không gắn điểm chạm 5" in text
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)]
    rows = [row for row in rows if row]
    assert len(rows) == 3
    assert [row[2] for row in rows] == ["5", "5", "5"]
    assert all(row[-1] in MIXED for row in rows)  # one quote per theme, the whole comment as written


def test_report_says_when_too_few_complaints_have_no_cause() -> None:
    from journeymap.report import build_report

    html = build_report(_journey(), feedback=_comments().iloc[[0, 1, 15, 16]])
    assert "cần ít nhất 10 bình luận như vậy" in html


def test_pain_ranking_names_the_top_other_complaint_per_touchpoint(tmp_path) -> None:
    from journeymap.feedback import attach_feedback, other_complaints, summarize_feedback
    from journeymap.pain import pain_ranking

    j = _journey()
    attached = attach_feedback(j, _comments())
    found = other_complaints(j, attached)
    assert found is not None
    ranking = pain_ranking(j, summarize_feedback(j, attached), themes=found.top_by_touchpoint())
    top = dict(zip(ranking["touchpoint"], ranking["top_theme"]))
    paperwork = next(t for t in found.themes if "thủ tục giấy tờ" in t.key_phrases)
    assert top["quay"] == f"{paperwork.label} (5)"
    assert "top_theme" not in pain_ranking(j, summarize_feedback(j, attached)).columns  # unchanged without themes


# -- themes are cheap inside the report and cx pain ---------------------------------------------------

def _sample_comments():
    from journeymap import load_journey
    from journeymap.samples import data_dir

    return load_journey(data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml"), data_dir() / "analytics" / "comments.csv"


def test_the_sample_reports_other_complaints_appear_and_are_the_same_every_time() -> None:
    import re

    from journeymap.feedback import attach_feedback, other_complaints
    from journeymap.report import build_report

    journey, comments = _sample_comments()
    html = build_report(journey, feedback=comments)
    start = html.index('id="feedback-other"')
    section = html[start: html.index("</section>", start)]
    assert "Phàn nàn khác" in section
    shown = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(r"<tr>(.*?)</tr>", section)]
    shown = [row for row in shown if row]
    attached = attach_feedback(journey, comments)
    first, second = other_complaints(journey, attached), other_complaints(journey, attached)
    assert first is not None and first == second
    # the report shows those same themes: the cheaper search for k (5 to 10, on at most 2,000 comments)
    # chose the 5 themes the sample showed when every k from 5 to 15 was tried
    assert [(row[0], row[2]) for row in shown] == [(t.label, str(t.comments)) for t in first.themes]
    assert [t.comments for t in first.themes] == [52, 36, 29, 29, 18]


def test_other_complaints_tries_5_to_10_themes_each_on_at_most_2000_comments(monkeypatch) -> None:
    import nlp.themes
    from journeymap.feedback import (
        OTHER_COMPLAINTS_K_RANGE,
        OTHER_COMPLAINTS_SAMPLE_FOR_K,
        attach_feedback,
        other_complaints,
    )
    from nlp.corpus import load_corpus

    assert (OTHER_COMPLAINTS_K_RANGE, OTHER_COMPLAINTS_SAMPLE_FOR_K) == ((5, 10), 2_000)
    texts = [r.text for r in load_corpus() if r.sentiment != "positive" and not r.causes][:2_200]
    fits: list[tuple[int, int]] = []
    fit = nlp.themes._nmf

    def recorded(matrix, k, seed, **options):
        fits.append((matrix.shape[0], k))
        return fit(matrix, k, seed, **options)

    monkeypatch.setattr(nlp.themes, "_nmf", recorded)
    j = _journey()
    comments = pd.DataFrame({"text": texts, "sentiment": "negative", "causes": ""})
    found = other_complaints(j, attach_feedback(j, comments))
    assert found is not None and found.comments == len(texts)
    *tried, final = fits
    assert [k for _, k in tried] == list(range(5, 11))
    assert {rows for rows, _ in tried} == {2_000}
    assert final[0] > 2_000 and final[1] == len(found.themes)


@pytest.mark.parametrize(("value", "error", "message"), [
    (50, DataError, "sample_for_k must be at least 100 comments; got 50"),
    ("1000", TypeError, "sample_for_k must be an int; got str: '1000'"),
])
def test_bad_sample_for_k_says_what_is_allowed(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        find_themes(MIXED, "auto", sample_for_k=value)  # type: ignore[arg-type]
