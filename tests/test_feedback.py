from __future__ import annotations

import time
from pathlib import Path

import pandas as pd
import pytest

from journeymap import DataError, Journey
from journeymap.feedback import UNMATCHED, attach_feedback, set_feedback, summarize_feedback


@pytest.fixture
def journey() -> Journey:
    j = Journey("Mua hàng online", stages=["Mua", "Giao hàng", "Đổi trả"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["voucher"], ces=3, drop_off=0.3, starts=1000)
    j.add_touchpoint("kho", name="Kho đóng gói", stage="Giao hàng", lane="backstage", aliases=["kho"])
    j.add_touchpoint("giao_hang", name="Giao hàng", stage="Giao hàng", aliases=["shipper", "giao hàng"], ces=5,
                     drop_off=0.1)
    j.add_touchpoint("tra_hang", name="Yêu cầu trả hàng", stage="Đổi trả", aliases=["trả hàng", "hoàn tiền"],
                     drop_off=0.2, pain_points=["Phải quay video mở hộp"], metrics={"csat": 55.5})
    j.add_transition("gio_hang", "kho", volume=700)
    j.add_transition("kho", "giao_hang", volume=700)
    j.add_transition("giao_hang", "giao_hang", volume=50)
    j.add_transition("giao_hang", "tra_hang", volume=100)
    return j


TEXTS = [
    "TRẢ HÀNG mà chờ 2 tuần chưa được hoàn tiền",
    "tra hang xong shipper khong den lay",
    "Shipper giao nhanh, thân thiện",
    "Áp voucher ở giỏ hàng bị lỗi, nhân viên quát khách",
    "Sản phẩm đẹp",
    "",
    "Trả hàng dễ dàng",
    "Trả hàng mà  chờ 2 tuần chưa được hoàn tiền",
]


@pytest.fixture
def comments() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(len(TEXTS))],
            "text": TEXTS,
            "sentiment": ["negative", "negative", "positive", "negative", "positive", "", "positive", "negative"],
            "sentiment_confidence": [0.9, 0.8, 0.95, 0.7, 0.6, None, 0.9, 0.95],
            "causes": ["wait_time,unresolved", "unresolved", "", "rude_staff", "", "", "", "wait_time,unresolved"],
        },
        index=range(10, 10 + len(TEXTS)),
    )


def test_aliases_match_with_and_without_diacritics_in_any_case(journey, comments):
    attached = attach_feedback(journey, comments, classify=False)
    assert attached["touchpoints"].tolist() == [
        ["tra_hang"],  # "TRẢ HÀNG" and "hoàn tiền" are both aliases of tra_hang
        ["tra_hang", "giao_hang"],  # no diacritics; order of first mention; "khong" is not the alias "kho"
        ["giao_hang"],
        ["gio_hang"],
        [],
        [],
        ["tra_hang"],
        ["tra_hang"],
    ]
    assert attached["matched_by"].tolist() == ["alias"] * 4 + [""] * 2 + ["alias"] * 2


def test_every_row_and_column_is_kept_in_order(journey, comments):
    attached = attach_feedback(journey, comments, classify=False)
    assert list(attached.index) == list(comments.index)
    assert list(attached.columns) == [*comments.columns, "text_status", "touchpoints", "matched_by"]
    assert attached["id"].tolist() == comments["id"].tolist()
    assert attached["causes"].tolist()[:2] == [["wait_time", "unresolved"], ["unresolved"]]
    assert attached["text_status"].tolist()[4:6] == ["ok", "empty"]
    assert comments["causes"].tolist()[0] == "wait_time,unresolved"  # the input is not modified


def test_longest_alias_wins_and_shared_alias_matches_all():
    j = Journey("Hậu mãi", stages=["Hậu mãi"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Hậu mãi", aliases=["voucher"])
    j.add_touchpoint("mua_lai", name="Email mua lại", stage="Hậu mãi", aliases=["voucher mua lại", "voucher"])
    frame = pd.DataFrame({"text": ["Voucher mua lai het han", "voucher khong dung duoc"],
                          "sentiment": ["negative", "negative"], "causes": ["", ""]})
    attached = attach_feedback(j, frame)
    assert attached["touchpoints"].tolist() == [["mua_lai"], ["gio_hang", "mua_lai"]]


def test_touchpoint_column_takes_ids_or_names_and_falls_back_to_aliases(journey):
    frame = pd.DataFrame({
        "text": ["Chờ lâu quá", "Shipper vui vẻ", "Ổn", "123", "Trả hàng nhanh"],
        "kenh": ["tra_hang", "", "GIAO HANG", "Yêu cầu trả hàng", None],
        "sentiment": ["negative", "positive", "neutral", "", "positive"],
        "causes": ["wait_time", "", "", "", ""],
    })
    attached = attach_feedback(journey, frame, touchpoint_column="kenh")
    assert attached["touchpoints"].tolist() == [["tra_hang"], ["giao_hang"], ["giao_hang"], ["tra_hang"], ["tra_hang"]]
    assert attached["matched_by"].tolist() == ["column", "alias", "column", "column", "alias"]
    summary = summarize_feedback(journey, attached)
    assert summary.loc["tra_hang", ["comments", "empty"]].tolist() == [2, 1]  # "123" is not text


def test_unknown_touchpoint_values_are_an_error_naming_rows_values_and_ids(journey):
    frame = pd.DataFrame({"text": ["a", "b", "c"], "kenh": ["tra_hang", "thanh_toan", "Kho hàng"],
                          "sentiment": ["neutral"] * 3, "causes": [""] * 3}, index=[5, 6, 7])
    with pytest.raises(DataError) as error:
        attach_feedback(journey, frame, touchpoint_column="kenh")
    message = str(error.value)
    assert "'kenh'" in message
    assert "index 6: 'thanh_toan'" in message and "index 7: 'Kho hàng'" in message
    assert "index 5" not in message
    assert "gio_hang, kho, giao_hang, tra_hang" in message


def test_file_errors_use_spreadsheet_row_numbers(journey, tmp_path: Path):
    path = tmp_path / "comments.csv"
    path.write_text("text,kenh,sentiment,sentiment_confidence,causes\n"
                    "Trả hàng chậm,tra_hang,negative,0.8,\"wait_time,unresolved\"\n"
                    "Ổn,sai_id,neutral,0.5,\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3: 'sai_id'"):
        attach_feedback(journey, path, touchpoint_column="kenh")
    attached = attach_feedback(journey, path)
    assert attached["causes"].tolist() == [["wait_time", "unresolved"], []]
    assert attached["sentiment_confidence"].tolist() == [0.8, 0.5]
    assert attached["touchpoints"].tolist() == [["tra_hang"], []]


def test_bad_sentiment_and_missing_columns_are_errors(journey, comments):
    bad = comments.assign(sentiment=["negative", "tệ", *comments["sentiment"].tolist()[2:]])
    with pytest.raises(DataError, match=r"'sentiment'.*index 11: 'tệ'"):
        attach_feedback(journey, bad)
    with pytest.raises(DataError, match=r"no column 'noi_dung'.*'text'"):
        attach_feedback(journey, comments, text_column="noi_dung")
    with pytest.raises(DataError, match=r"'sentiment'.*classify=False"):
        attach_feedback(journey, comments.drop(columns=["sentiment"]), classify=False)
    with pytest.raises(ValueError, match=r"classify must be True, False or 'auto'; got 'yes'"):
        attach_feedback(journey, comments, classify="yes")  # type: ignore[arg-type]


def test_shipped_model_classifies_when_columns_are_missing(journey):
    frame = pd.DataFrame({"text": [
        "Chờ 2 tiếng mà nhân viên còn quát khách 😡",
        "Nhân viên hỗ trợ nhiệt tình, cảm ơn chị!",
        "Shipper giao trễ 3 ngày",
        "",
        "Trả hàng mãi không xong",
    ]})
    attached = attach_feedback(journey, frame)
    assert attached.loc[0, "sentiment"] == "negative"
    assert attached.loc[0, "causes"] == ["wait_time", "rude_staff"]
    assert attached.loc[1, "causes"] == []
    assert attached["text_status"].tolist() == ["ok", "ok", "ok", "empty", "ok"]
    assert {"sentiment_confidence", "p_wait_time"} <= set(attached.columns)
    assert attached["touchpoints"].tolist()[2:] == [["giao_hang"], [], ["tra_hang"]]


def test_summary_counts_shares_causes_and_quotes(journey, comments):
    summary = summarize_feedback(journey, attach_feedback(journey, comments), quotes=3)
    assert list(summary.index) == ["gio_hang", "kho", "giao_hang", "tra_hang", UNMATCHED]
    tra = summary.loc["tra_hang"]
    assert (tra["comments"], tra["empty"]) == (4, 0)
    assert (tra["negative_share"], tra["neutral_share"], tra["positive_share"]) == (0.75, 0.0, 0.25)
    assert (tra["cause_wait_time"], tra["cause_unresolved"], tra["cause_rude_staff"]) == (2, 3, 0)
    assert tra["top_causes"] == [("unresolved", 3), ("wait_time", 2)]
    # Negatives naming the top cause by confidence (row 17, then row 10 — the same text, skipped —
    # then row 11), then the positive one; texts exactly as written.
    assert tra["quotes"] == [TEXTS[7], TEXTS[1], TEXTS[6]]

    giao = summary.loc["giao_hang"]
    assert (giao["comments"], giao["negative_share"], giao["positive_share"]) == (2, 0.5, 0.5)
    assert giao["quotes"] == [TEXTS[1], TEXTS[2]]
    assert summary.loc["kho", ["comments", "empty", "negative_share"]].tolist() == [0, 0, 0.0]
    assert summary.loc["kho", "top_causes"] == [] and summary.loc["kho", "quotes"] == []
    unmatched = summary.loc[UNMATCHED]
    assert (unmatched["comments"], unmatched["empty"], unmatched["positive_share"]) == (1, 1, 1.0)
    assert unmatched["quotes"] == ["Sản phẩm đẹp"]


def test_quotes_limit_and_ties_by_cause_id(journey, comments):
    summary = summarize_feedback(journey, attach_feedback(journey, comments), quotes=1)
    assert summary.loc["tra_hang", "quotes"] == [TEXTS[7]]
    tied = comments.assign(causes=["wait_time", "unresolved"] + [""] * 6)
    summary = summarize_feedback(journey, attach_feedback(journey, tied))
    assert summary.loc["tra_hang", "top_causes"] == [("unresolved", 1), ("wait_time", 1)]
    with pytest.raises(ValueError, match=r"quotes must be an integer >= 0; got -1"):
        summarize_feedback(journey, attach_feedback(journey, comments), quotes=-1)


def test_summary_rejects_touchpoints_of_another_journey(journey, comments):
    attached = attach_feedback(journey, comments)
    attached.loc[12, "touchpoints"] = ["thanh_toan"]
    with pytest.raises(DataError, match=r"index 12: 'thanh_toan'.*ids: gio_hang"):
        summarize_feedback(journey, attached)


def test_set_feedback_writes_metrics_in_place(journey, comments):
    summary = summarize_feedback(journey, attach_feedback(journey, comments))
    assert set_feedback(journey, summary) is None
    metrics = journey.graph.nodes["tra_hang"]["metrics"]
    assert metrics == {"csat": 55.5, "comments": 4, "negative_share": 75.0, "neutral_share": 0.0,
                       "positive_share": 25.0, "cause_wait_time": 2, "cause_unresolved": 3}
    assert journey.graph.nodes["kho"]["metrics"] == {"comments": 0}
    assert journey.graph.nodes["tra_hang"]["pain_points"] == ["Phải quay video mở hộp"]
    journey.validate()

    calmer = comments.assign(causes=[""] * 7 + ["wait_time"])
    set_feedback(journey, summarize_feedback(journey, attach_feedback(journey, calmer)))
    assert journey.graph.nodes["tra_hang"]["metrics"]["cause_wait_time"] == 1
    assert "cause_unresolved" not in journey.graph.nodes["tra_hang"]["metrics"]  # stale count removed


def test_set_feedback_rejects_rows_of_unknown_touchpoints(journey, comments):
    summary = summarize_feedback(journey, attach_feedback(journey, comments)).rename(index={"kho": "kho_cu"})
    with pytest.raises(DataError, match=r"'kho_cu'"):
        set_feedback(journey, summary)


def test_alias_matching_handles_thousands_of_comments_per_second(journey):
    frame = pd.DataFrame({"text": TEXTS * 1000, "sentiment": ["neutral"] * 8000, "causes": [""] * 8000})
    start = time.perf_counter()
    attached = attach_feedback(journey, frame)
    assert time.perf_counter() - start < 8
    assert attached["touchpoints"].tolist()[8:10] == [["tra_hang"], ["tra_hang", "giao_hang"]]


def test_a_model_of_another_codebook_adds_its_own_columns():
    # attach_feedback(model=<another codebook>) raised a bare KeyError: 'causes'
    import itertools

    from nlp.model import train_feedback_model

    price = ["giá hơi cao", "giá đắt quá", "phí ship cao", "giá rẻ hợp lý", "giá ổn"]
    shipping = ["giao hàng nhanh", "giao chậm 5 ngày", "shipper gọi trước", "giao đúng hẹn", "giao trễ"]
    texts, topics, themes = [], [], []
    for a, b in itertools.product(price, shipping):
        texts.append(f"{a}, {b}")
        topics.append("gia" if "giá" in a else "ship")
        themes.append([t for t, word in (("gia_ca", "giá"), ("giao_hang", "giao")) if word in a + b])
    model = train_feedback_model(texts * 2, sentiments=topics * 2, causes=themes * 2, sentiment_name="chu_de",
                                 causes_name="van_de")
    j = Journey("Mua", stages=["Mua"])
    j.add_touchpoint("giao", name="Giao hàng", stage="Mua", aliases=["giao"])
    attached = attach_feedback(j, pd.DataFrame({"text": ["giá đắt quá, giao trễ", "ổn", ""]}), model=model)
    assert {"chu_de", "chu_de_confidence", "van_de", "p_gia_ca", "text_status"} <= set(attached.columns)
    assert attached["van_de"].iloc[0] == ["gia_ca", "giao_hang"]  # a list, like causes
    assert attached["touchpoints"].tolist() == [["giao"], [], []]
    assert attached["text_status"].tolist()[2] == "empty"
    with pytest.raises(DataError, match="'sentiment'"):  # the summary counts this codebook's labels only
        summarize_feedback(j, attached)
