from __future__ import annotations

import math

import pandas as pd
import pytest

from journeymap import DataError, Journey
from journeymap.feedback import attach_feedback, set_feedback, summarize_feedback
from journeymap.pain import pain_ranking


@pytest.fixture
def journey() -> Journey:
    j = Journey("Mở tài khoản", stages=["Đăng ký"])
    j.add_touchpoint("a", name="Điền form", stage="Đăng ký", ces=1, drop_off=0.5, volume=400)
    j.add_touchpoint("b", name="Xác thực eKYC", stage="Đăng ký", ces=4, drop_off=0.1, volume=100)
    j.add_touchpoint("c", name="Ký hợp đồng", stage="Đăng ký", drop_off=0.2, volume=100)
    j.add_touchpoint("d", name="Đối chiếu", stage="Đăng ký", lane="backstage", ces=1, drop_off=0.9, volume=400)
    j.add_touchpoint("e", name="Kích hoạt thẻ", stage="Đăng ký", volume=100)
    return j


def test_ranking_by_hand(journey):
    ranking = pain_ranking(journey, weights={"volume": 0.5})
    # a: (0.5 + 1) / 2 × √(400/400); b: (0.1 + 0.5) / 2 × √(100/400); c: 0.2 × 0.5 (no CES); e: no data.
    assert ranking["touchpoint"].tolist() == ["a", "b", "c", "e"]  # d is backstage
    assert ranking["rank"].tolist() == [1, 2, 3, 4]
    assert ranking["score"].tolist()[:3] == pytest.approx([0.75, 0.15, 0.1])
    assert math.isnan(ranking["score"].iloc[3])
    assert ranking["volume_factor"].tolist() == pytest.approx([1, 0.5, 0.5, 0.5])
    # The default weighs volume by its fourth root: a quarter of the largest volume keeps 71%.
    assert pain_ranking(journey)["volume_factor"].tolist() == pytest.approx([1, 0.25**0.25, 0.25**0.25, 0.25**0.25])
    assert ranking["effort"].tolist()[:2] == pytest.approx([1.0, 0.5])
    assert ranking["why"].tolist() == ["CES 1/7, rời bỏ 50%", "CES 4/7, rời bỏ 10%", "rời bỏ 20%",
                                       "chưa có dữ liệu để chấm điểm"]


def test_missing_components_are_left_out_and_listed(journey):
    ranking = pain_ranking(journey, weights={"volume": 0.5}).set_index("touchpoint")
    assert ranking.loc["a", "missing"] == ["negative", "causes"]
    assert ranking.loc["c", "missing"] == ["effort", "negative", "causes"]
    assert math.isnan(ranking.loc["c", "effort"])
    # c's score is its drop-off alone: the effort weight is not counted as a zero.
    assert ranking.loc["c", "score"] == pytest.approx(0.2 * 0.5)


def test_weights_change_the_order(journey):
    no_effort = pain_ranking(journey, weights={"effort": 0, "volume": 0.5})
    assert no_effort["touchpoint"].tolist()[:3] == ["a", "c", "b"]
    assert no_effort["score"].tolist()[:3] == pytest.approx([0.5, 0.1, 0.05])
    no_volume = pain_ranking(journey, weights={"volume": 0})
    assert no_volume["score"].tolist()[:3] == pytest.approx([0.75, 0.3, 0.2])


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"drop": 1}, r"weights: unknown name\(s\) 'drop'; allowed: volume, drop_off, effort, negative, causes"),
        ({"effort": -1}, r"weights\['effort'\] must be a finite number >= 0; got -1"),
        ({"effort": float("nan")}, r"weights\['effort'\]"),
        ({"drop_off": 0, "effort": 0, "negative": 0, "causes": 0}, r"at least one of drop_off, effort"),
    ],
)
def test_bad_weights(journey, weights, message):
    with pytest.raises(ValueError, match=message):
        pain_ranking(journey, weights=weights)


def test_ties_keep_journey_order():
    j = Journey("Hai bước", stages=["S"])
    for tp in ("y", "x"):
        j.add_touchpoint(tp, name=tp.upper(), stage="S", ces=4, drop_off=0.3, volume=10)
    assert pain_ranking(j)["touchpoint"].tolist() == ["y", "x"]


def test_volume_from_edges_starts_and_unknown():
    j = Journey("Luồng", stages=["S"])
    j.add_touchpoint("vao", name="Vào", stage="S", drop_off=0.7)
    j.add_touchpoint("giua", name="Giữa", stage="S", drop_off=0.5, starts=100)
    j.add_touchpoint("ra", name="Ra", stage="S", drop_off=0.5)
    j.add_touchpoint("le", name="Lẻ", stage="S", drop_off=0.5)
    j.add_transition("vao", "giua", volume=300)
    j.add_transition("giua", "giua", volume=999)  # retries are not new customers
    j.add_transition("giua", "ra", volume=200)
    ranking = pain_ranking(j, weights={"volume": 1}).set_index("touchpoint")
    # vao: 300 moved on = 30% of those who came; giua: 100 starts + 300; le: no data at all.
    assert ranking["volume"].to_dict() == pytest.approx({"vao": 1000, "giua": 400, "ra": 200, "le": math.nan},
                                                        nan_ok=True)
    assert ranking.loc["le", "volume_factor"] == pytest.approx(0.4)  # median of 1, 0.4 and 0.2
    assert ranking.loc["le", "missing"][0] == "volume"
    assert "volume" not in ranking.loc["giua", "missing"]


@pytest.fixture
def shop() -> tuple[Journey, pd.DataFrame]:
    j = Journey("Mua hàng online", stages=["Mua", "Giao hàng", "Đổi trả"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["voucher"], ces=3, drop_off=0.3, starts=1000)
    j.add_touchpoint("kho", name="Kho đóng gói", stage="Giao hàng", lane="backstage")
    j.add_touchpoint("giao_hang", name="Giao hàng", stage="Giao hàng", aliases=["shipper"], ces=5, drop_off=0.1)
    j.add_touchpoint("tra_hang", name="Yêu cầu trả hàng", stage="Đổi trả", aliases=["trả hàng"], drop_off=0.2)
    j.add_transition("gio_hang", "kho", volume=700)
    j.add_transition("kho", "giao_hang", volume=700)
    j.add_transition("giao_hang", "giao_hang", volume=50)
    j.add_transition("giao_hang", "tra_hang", volume=100)
    comments = pd.DataFrame({
        "text": ["Trả hàng chờ 2 tuần", "tra hang xong shipper khong den lay", "Shipper giao nhanh",
                 "Voucher lỗi, nhân viên quát khách", "Trả hàng dễ", "trả hàng chờ lâu, không ai xử lý"],
        "sentiment": ["negative", "negative", "positive", "negative", "positive", "negative"],
        "causes": ["wait_time,unresolved", "unresolved", "", "rude_staff", "", "wait_time,unresolved"],
    })
    return j, comments


def test_ranking_with_comments(shop):
    j, comments = shop
    summary = summarize_feedback(j, attach_feedback(j, comments))
    ranking = pain_ranking(j, summary).set_index("touchpoint")
    # gio_hang: (0.3 + 4/6 + 1 + 0.5 × 1/2) / 3.5 × 1
    # tra_hang: (0.2 + 0.75 + 0.5 × 5/8) / 2.5 × 0.1 ** 0.25   (no CES: weights renormalised)
    # giao_hang: (0.1 + 2/6 + 0.5 + 0.5 × 1/4) / 3.5 × 0.7 ** 0.25
    # tra_hang has a tenth of gio_hang's customers but is painful: it ranks above giao_hang.
    assert ranking.index.tolist() == ["gio_hang", "tra_hang", "giao_hang"]
    assert ranking["score"].tolist() == pytest.approx([
        (0.3 + 4 / 6 + 1 + 0.25) / 3.5,
        (0.2 + 0.75 + 0.3125) / 2.5 * 0.1**0.25,
        (0.1 + 2 / 6 + 0.5 + 0.125) / 3.5 * 0.7**0.25,
    ])
    assert ranking["score"].round(4).tolist() == [0.6333, 0.284, 0.2766]
    assert ranking["negative"].tolist() == [1.0, 0.75, 0.5]
    assert ranking["causes"].tolist() == [0.5, 0.625, 0.25]
    assert ranking.loc["tra_hang", "missing"] == ["effort"]
    assert ranking.loc["tra_hang", "top_causes"] == [("unresolved", 3), ("wait_time", 2)]
    assert ranking.loc["tra_hang", "why"] == (
        "75% bình luận tiêu cực, 1,25 nguyên nhân/bình luận, nhiều nhất: vấn đề/câu hỏi không được giải quyết"
    )

    set_feedback(j, summary)
    from_metrics = pain_ranking(j).set_index("touchpoint")
    assert from_metrics["score"].tolist() == pytest.approx(ranking["score"].tolist())
    assert from_metrics["top_causes"].tolist() == ranking["top_causes"].tolist()


def test_feedback_must_be_a_summary(shop):
    j, comments = shop
    attached = attach_feedback(j, comments)
    with pytest.raises(DataError, match=r"summarize_feedback"):
        pain_ranking(j, attached)
    summary = summarize_feedback(j, attached).rename(index={"kho": "kho_cu"})
    with pytest.raises(DataError, match=r"'kho_cu'"):
        pain_ranking(j, summary)
