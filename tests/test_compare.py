"""Designed versus lived: what a workshop learns from putting its journey next to the data."""

from __future__ import annotations

import copy
import math
import re
import unicodedata

import pytest

from journeymap import Journey, journey_to_dot, load_journey, sample_journey_paths
from journeymap.compare import compare_journeys
from journeymap.errors import DataError


def _designed() -> Journey:
    j = Journey("Mua hàng online", stages=["Đặt hàng", "Thanh toán", "Giao hàng"], persona="Khách mua lần đầu")
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", aliases=["gio hang", "cart"], volume=1000,
                     drop_off=0.3, ces=3)
    j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán", aliases=["trả tiền"])
    j.add_touchpoint("giao_hang", name="Giao hàng", stage="Giao hàng", goal=True)
    j.add_touchpoint("khao_sat", name="Khảo sát sau mua", stage="Giao hàng", drop_off=0.5, volume=300)
    j.add_transition("gio_hang", "thanh_toan", volume=800, probability=0.8)
    j.add_transition("thanh_toan", "giao_hang", volume=700)
    j.add_transition("giao_hang", "khao_sat", volume=300)
    j.add_transition("thanh_toan", "gio_hang", volume=100)
    return j


def _lived() -> Journey:
    j = Journey("Nhật ký tháng 5", stages=["Hành trình"], origin="discovered")
    j.add_touchpoint("gio_hang", name="gio_hang", stage="Hành trình", volume=1200, starts=1200, drop_off=0.25)
    j.add_touchpoint("tra_tien", name="Trả tiền", stage="Hành trình", volume=700)
    j.add_touchpoint("giao_hang_x", name="GIAO   HANG", stage="Hành trình", volume=650)
    j.add_touchpoint("chat", name="Chat hỗ trợ", stage="Hành trình", volume=400)
    j.add_transition("gio_hang", "tra_tien", volume=700, probability=0.7, median_hours=0.5, mean_hours=1.0)
    j.add_transition("tra_tien", "giao_hang_x", volume=650, probability=0.93)
    j.add_transition("gio_hang", "chat", volume=300, probability=0.25, median_hours=2.0)
    j.add_transition("chat", "gio_hang", volume=250)
    j.add_transition("tra_tien", "tra_tien", volume=50)
    j.add_transition("chat", "chat", volume=20)
    return j


def _records(frame, columns=None):
    frame = frame if columns is None else frame[columns]
    return [tuple(row) for row in frame.itertuples(index=False)]


def test_touchpoints_pair_by_id_then_by_alias_and_by_folded_name():
    comparison = compare_journeys(_designed(), _lived())
    assert _records(comparison.matched) == [
        ("gio_hang", "gio_hang", "Giỏ hàng", "gio_hang", "id"),
        ("thanh_toan", "tra_tien", "Thanh toán", "Trả tiền", "alias"),
        ("giao_hang", "giao_hang_x", "Giao hàng", "GIAO   HANG", "name"),
    ]
    assert _records(comparison.only_designed) == [("khao_sat", "Khảo sát sau mua", "Giao hàng")]
    assert _records(comparison.only_lived) == [("chat", "Chat hỗ trợ", "Hành trình", 400.0)]


def test_transitions_are_sorted_into_common_designed_only_and_observed_only():
    comparison = compare_journeys(_designed(), _lived())
    assert _records(comparison.common, ["from", "to", "from_name", "to_name", "designed_volume", "observed_volume"]) == [
        ("gio_hang", "thanh_toan", "Giỏ hàng", "Thanh toán", 800.0, 700.0),
        ("thanh_toan", "giao_hang", "Thanh toán", "Giao hàng", 700.0, 650.0),
    ]
    assert comparison.common["designed_probability"][0] == 0.8
    assert math.isnan(comparison.common["designed_probability"][1])
    assert list(comparison.common["observed_probability"]) == [0.7, 0.93]
    # a transition into a touchpoint nobody reached is "designed, not observed"; largest first
    assert _records(comparison.designed_not_observed) == [
        ("giao_hang", "khao_sat", "Giao hàng", "Khảo sát sau mua", 300.0),
        ("thanh_toan", "gio_hang", "Thanh toán", "Giỏ hàng", 100.0),
    ]
    # ids from the lived journey, names in the design's words; share = volume / all volume leaving the source
    assert _records(comparison.observed_not_designed) == [
        ("gio_hang", "chat", "Giỏ hàng", "Chat hỗ trợ", 300.0, 0.3),
        ("chat", "gio_hang", "Chat hỗ trợ", "Giỏ hàng", 250.0, 250 / 270),
        ("tra_tien", "tra_tien", "Thanh toán", "Thanh toán", 50.0, 50 / 700),
        ("chat", "chat", "Chat hỗ trợ", "Chat hỗ trợ", 20.0, 20 / 270),
    ]


def test_match_id_ignores_names_and_match_name_ignores_ids():
    by_id = compare_journeys(_designed(), _lived(), match="id")
    assert _records(by_id.matched, ["designed_id", "lived_id", "matched_by"]) == [("gio_hang", "gio_hang", "id")]
    assert list(by_id.only_lived["id"]) == ["tra_tien", "giao_hang_x", "chat"]
    assert len(by_id.common) == 0
    by_name = compare_journeys(_designed(), _lived(), match="name")
    # the lived "gio_hang" is named "gio_hang": no designed name or alias folds to that
    assert _records(by_name.matched, ["designed_id", "lived_id", "matched_by"]) == [
        ("thanh_toan", "tra_tien", "alias"),
        ("giao_hang", "giao_hang_x", "name"),
    ]
    assert "gio_hang" in list(by_name.only_lived["id"])


@pytest.mark.parametrize(
    ("lived_name", "designed_name", "aliases", "matched_by"),
    [
        ("Giỏ hàng", "Giỏ hàng & mã giảm giá", ["gio hang"], "alias"),  # diacritics only on the lived side
        ("gio hang", "Giỏ hàng", [], "name"),  # diacritics only on the designed side
        ("GIỎ   HÀNG", "Giỏ hàng", [], "name"),  # case and runs of spaces
        (unicodedata.normalize("NFD", "Giỏ hàng"), "Giỏ hàng", [], "name"),  # decomposed marks
        ("Voucher", "Giỏ hàng", ["Mã giảm giá", "VOUCHER"], "alias"),
    ],
)
def test_names_and_aliases_match_after_folding(lived_name, designed_name, aliases, matched_by):
    designed = Journey("Thiết kế", stages=["Mua"])
    designed.add_touchpoint("gio_hang", name=designed_name, stage="Mua", aliases=aliases)
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    lived.add_touchpoint("x", name=lived_name, stage="Hành trình")
    comparison = compare_journeys(designed, lived)
    assert _records(comparison.matched, ["designed_id", "lived_id", "matched_by"]) == [("gio_hang", "x", matched_by)]


def test_a_different_name_does_not_match():
    designed = Journey("Thiết kế", stages=["Mua"])
    designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua")
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    lived.add_touchpoint("gio", name="Giỏ", stage="Hành trình")
    comparison = compare_journeys(designed, lived)
    assert comparison.matched.empty
    assert list(comparison.matched.columns) == ["designed_id", "lived_id", "name", "lived_name", "matched_by"]


def test_a_name_shared_by_two_designed_touchpoints_is_an_error_naming_both():
    designed = Journey("Thiết kế", stages=["Mua", "Hậu mãi"])
    designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["voucher"])
    designed.add_touchpoint("voucher_mua_lai", name="Voucher mua lại", stage="Hậu mãi", aliases=["Voucher"])
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    lived.add_touchpoint("voucher", name="Voucher", stage="Hành trình")
    with pytest.raises(DataError) as info:
        compare_journeys(designed, lived)
    message = str(info.value)
    assert "lived touchpoint 'voucher' (name 'Voucher') matches 2 designed touchpoints" in message
    assert "'gio_hang' (alias 'voucher')" in message
    assert "'voucher_mua_lai' (alias 'Voucher')" in message
    assert "match='id'" in message
    # pairing by id only is unambiguous
    assert compare_journeys(designed, lived, match="id").matched.empty


def test_two_lived_spellings_of_one_designed_touchpoint_is_an_error_naming_both():
    designed = Journey("Thiết kế", stages=["Mua"])
    designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua")
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    lived.add_touchpoint("gio_hang", name="gio_hang", stage="Hành trình")
    lived.add_touchpoint("gio_hang_2", name="Giỏ hàng", stage="Hành trình")
    with pytest.raises(DataError, match="designed touchpoint 'gio_hang' is matched by 2 lived touchpoints") as info:
        compare_journeys(designed, lived)
    assert "'gio_hang' (by id, name 'gio_hang')" in str(info.value)
    assert "'gio_hang_2' (by name, name 'Giỏ hàng')" in str(info.value)


def test_bad_match_value_names_the_parameter_and_the_allowed_values():
    with pytest.raises(ValueError, match=r"match must be 'id', 'name' or 'auto'; got 'alias'"):
        compare_journeys(_designed(), _lived(), match="alias")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="lived must be a journeymap.Journey; got str"):
        compare_journeys(_designed(), "lived.yaml")  # type: ignore[arg-type]


def test_summary_gives_the_counts_and_the_three_largest_undesigned_transitions():
    comparison = compare_journeys(_designed(), _lived())
    text = comparison.summary()
    assert text == (
        "So sánh thiết kế “Mua hàng online” với thực tế “Nhật ký tháng 5”: 3 điểm chạm khớp nhau, "
        "1 chỉ có trong thiết kế, 1 chỉ có trong dữ liệu; 2 chuyển tiếp có ở cả hai, 2 được thiết kế nhưng "
        "không thấy trong dữ liệu, 4 xảy ra ngoài thiết kế. Chuyển tiếp ngoài thiết kế nhiều nhất: "
        "Giỏ hàng → Chat hỗ trợ (300 lượt, 30%); Chat hỗ trợ → Giỏ hàng (250 lượt, 92,6%); "
        "Thanh toán → Thanh toán (50 lượt, 7,1%)."
    )
    assert "20 lượt" not in text  # the fourth is left out


def test_summary_without_volumes_or_undesigned_transitions():
    designed = _designed()
    lived = copy.deepcopy(designed)
    lived.origin = "discovered"
    assert compare_journeys(designed, lived).summary().endswith(
        "4 chuyển tiếp có ở cả hai, 0 được thiết kế nhưng không thấy trong dữ liệu, 0 xảy ra ngoài thiết kế. "
        "Không có chuyển tiếp nào ngoài thiết kế."
    )
    lived.add_transition("khao_sat", "gio_hang")  # no volume in the lived journey
    comparison = compare_journeys(designed, lived)
    assert math.isnan(comparison.observed_not_designed["share"][0])
    assert comparison.summary().endswith("nhiều nhất: Khảo sát sau mua → Giỏ hàng.")


def test_repr_shows_the_counts():
    assert repr(compare_journeys(_designed(), _lived())) == (
        "JourneyComparison(matched=3, only_designed=1, only_lived=1, common=2, designed_not_observed=2, "
        "observed_not_designed=4)"
    )


def test_comparison_does_not_change_when_the_journeys_are_edited_later():
    designed, lived = _designed(), _lived()
    comparison = compare_journeys(designed, lived)
    lived.graph.remove_node("chat")
    designed.graph.nodes["gio_hang"]["name"] = "Đổi tên"
    union = comparison.to_journey()
    assert "chat" in union.graph
    assert union.graph.nodes["gio_hang"]["name"] == "Giỏ hàng"


def test_union_journey_labels_every_transition_and_keeps_designed_ids():
    union = compare_journeys(_designed(), _lived()).to_journey()
    union.validate()
    assert union.title == "Mua hàng online: thiết kế và thực tế"
    assert union.persona == "Khách mua lần đầu"
    assert union.stages == ["Đặt hàng", "Thanh toán", "Giao hàng"]
    assert list(union.graph.nodes) == ["gio_hang", "thanh_toan", "giao_hang", "khao_sat", "chat"]
    edges = {(u, v): attrs for u, v, attrs in union.graph.edges(data=True)}
    assert edges == {
        ("gio_hang", "thanh_toan"): {
            "volume": 700.0, "probability": 0.7, "median_hours": 0.5, "mean_hours": 1.0, "label": "thiết kế 800",
        },
        ("thanh_toan", "giao_hang"): {"volume": 650.0, "probability": 0.93, "label": "thiết kế 700"},
        ("giao_hang", "khao_sat"): {"volume": 0.0, "label": "thiết kế, không thấy"},
        ("thanh_toan", "gio_hang"): {"volume": 0.0, "label": "thiết kế, không thấy"},
        ("gio_hang", "chat"): {
            "volume": 300.0, "probability": 0.25, "median_hours": 2.0, "label": "thực tế, ngoài thiết kế",
        },
        ("chat", "gio_hang"): {"volume": 250.0, "label": "thực tế, ngoài thiết kế"},
        ("thanh_toan", "thanh_toan"): {"volume": 50.0, "label": "thực tế, ngoài thiết kế"},
        ("chat", "chat"): {"volume": 20.0, "label": "thực tế, ngoài thiết kế"},
    }


def test_union_journey_takes_counts_from_the_data_and_places_detours_where_they_happen():
    union = compare_journeys(_designed(), _lived()).to_journey()
    nodes = union.graph.nodes
    # designed annotations stay, measured ones come from the data
    assert nodes["gio_hang"]["ces"] == 3
    assert (nodes["gio_hang"]["volume"], nodes["gio_hang"]["starts"], nodes["gio_hang"]["drop_off"]) == (
        1200, 1200, 0.25,
    )
    assert nodes["giao_hang"]["goal"] is True
    assert nodes["thanh_toan"]["volume"] == 700  # counted at the lived "Trả tiền"
    assert nodes["khao_sat"]["volume"] == 0 and "drop_off" not in nodes["khao_sat"]
    # "Hành trình" is not a designed stage: the chat goes where its customers come from (giỏ hàng)
    assert nodes["chat"]["stage"] == "Đặt hàng"
    assert nodes["chat"]["name"] == "Chat hỗ trợ" and nodes["chat"]["volume"] == 400


def test_union_journey_draws_to_dot_with_the_labels():
    dot = journey_to_dot(compare_journeys(_designed(), _lived()).to_journey())
    assert 'id="tp-chat"' in dot and 'id="tp-khao_sat"' in dot
    assert 'id="edge-giao_hang-khao_sat"' in dot
    # the figures on the first line, the comparison's words below them
    assert _label_lines(dot, "giao_hang", "khao_sat") == ["0", "thiết kế, không thấy"]
    assert _label_lines(dot, "gio_hang", "chat") == ["300 · 25%", "thực tế, ngoài thiết kế"]
    assert _label_lines(dot, "gio_hang", "thanh_toan") == ["700 · 70%", "thiết kế 800"]


def _label_lines(dot: str, source: str, target: str) -> list[str]:
    """The lines of text a transition's label shows in the DOT text."""
    line = next(x for x in dot.splitlines() if f'id="label-{source}-{target}"' in x)
    return [re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<TD WIDTH[^>]*>(.*?)</TD>", line)]


def test_union_journey_renames_a_clashing_id_and_adds_a_stage_for_an_isolated_touchpoint():
    designed = Journey("Thiết kế", stages=["Liên hệ"])
    designed.add_touchpoint("chat", name="Chat Zalo", stage="Liên hệ")
    designed.add_touchpoint("hotline", name="Tổng đài", stage="Liên hệ")
    designed.add_transition("chat", "hotline", volume=10)
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    lived.add_touchpoint("chat", name="Chat trên web", stage="Hành trình")
    lived.add_touchpoint("tong_dai", name="Tổng đài", stage="Hành trình")
    lived.add_touchpoint("email", name="Email", stage="Hành trình")
    lived.add_transition("tong_dai", "chat", volume=5)
    comparison = compare_journeys(designed, lived, match="name")
    union = comparison.to_journey()
    union.validate()
    assert list(union.graph.nodes) == ["chat", "hotline", "chat_2", "email"]
    assert union.graph.nodes["chat_2"]["name"] == "Chat trên web"
    assert union.graph.nodes["chat_2"]["stage"] == "Liên hệ"  # sent there from the paired "Tổng đài"
    assert union.graph.nodes["email"]["stage"] == "Hành trình"  # no paired neighbour: its own stage, added last
    assert union.stages == ["Liên hệ", "Hành trình"]
    assert union.graph.edges["hotline", "chat_2"]["label"] == "thực tế, ngoài thiết kế"
    assert union.graph.edges["chat", "hotline"]["label"] == "thiết kế, không thấy"
    journey_to_dot(union)


def test_sample_journey_against_a_modified_copy_of_itself():
    path = next(p for p in sample_journey_paths() if p.name == "mua_hang_va_doi_tra.yaml")
    designed = load_journey(path)
    lived = copy.deepcopy(designed)
    lived.graph.remove_edge("chat_cskh", "yeu_cau_tra")
    lived.add_transition("gio_hang", "chat_cskh", volume=800)
    comparison = compare_journeys(designed, lived)
    assert repr(comparison) == (
        "JourneyComparison(matched=19, only_designed=0, only_lived=0, common=25, designed_not_observed=1, "
        "observed_not_designed=1)"
    )
    assert (comparison.matched["matched_by"] == "id").all()
    assert _records(comparison.designed_not_observed, ["from", "to", "designed_volume"]) == [
        ("chat_cskh", "yeu_cau_tra", 70.0)
    ]
    # gio_hang already sends 6.400 customers on to xac_nhan_don: 800 / 7.200
    assert _records(comparison.observed_not_designed, ["from", "to", "volume", "share"]) == [
        ("gio_hang", "chat_cskh", 800.0, 800 / 7200)
    ]
    assert comparison.only_designed.empty and comparison.only_lived.empty
    # two designed journeys: a current and a future state, never "thực tế" (lived)
    assert comparison.labels == ("hiện tại", "tương lai")
    assert comparison.summary().startswith(
        "So sánh hiện tại “Mua hàng trên sàn thương mại điện tử và đổi trả” với tương lai “Mua hàng trên sàn "
        "thương mại điện tử và đổi trả”: 19 điểm chạm khớp nhau, 0 chỉ có ở hiện tại, 0 chỉ có ở tương lai; "
        "25 chuyển tiếp có ở cả hai, 1 chỉ có ở hiện tại, 1 chỉ có ở tương lai. Chuyển tiếp chỉ có ở tương lai "
        "nhiều nhất: Giỏ hàng & áp mã giảm giá → Chat với chăm sóc khách hàng của sàn (800 lượt, 11,1%)."
    )
    assert "thực tế" not in comparison.summary() and "thiết kế" not in comparison.summary()
    union = comparison.to_journey()
    union.validate()
    assert union.title == "Mua hàng trên sàn thương mại điện tử và đổi trả: hiện tại và tương lai"
    assert union.graph.number_of_edges() == 27
    assert union.graph.edges["chat_cskh", "yeu_cau_tra"]["label"] == "chỉ có ở hiện tại"
    assert union.graph.edges["gio_hang", "chat_cskh"]["label"] == "chỉ có ở tương lai"
    assert union.graph.edges["gio_hang", "xac_nhan_don"]["label"] == "hiện tại 6.400"
    dot = journey_to_dot(union)
    assert 'id="edge-gio_hang-chat_cskh"' in dot and "thực tế" not in dot and "thiết kế" not in dot


@pytest.mark.parametrize(
    ("first", "second", "labels"),
    [
        ("designed", "discovered", ("thiết kế", "thực tế")),
        ("discovered", "designed", ("thực tế", "thiết kế")),
        ("designed", "designed", ("hiện tại", "tương lai")),
        ("discovered", "discovered", ("kỳ trước", "kỳ sau")),
    ],
)
def test_the_sides_are_named_by_how_each_journey_was_made(first, second, labels):
    one, other = _designed(), _lived()
    one.origin, other.origin = first, second
    comparison = compare_journeys(one, other)
    assert comparison.labels == labels
    assert comparison.summary().startswith(f"So sánh {labels[0]} “Mua hàng online” với {labels[1]} “Nhật ký tháng 5”")
    assert comparison.to_journey().title == f"Mua hàng online: {labels[0]} và {labels[1]}"


def test_a_discovered_journey_is_lived_after_saving_and_loading(tmp_path):
    from journeymap import discover_journey, save_journey

    events = tmp_path / "events.csv"
    events.write_text(
        "case_id,touchpoint,timestamp\n1,gio_hang,2026-05-01 10:00\n1,thanh_toan,2026-05-01 10:05\n"
        "2,gio_hang,2026-05-01 11:00\n2,chat,2026-05-01 11:02\n",
        encoding="utf-8",
    )
    lived = load_journey(save_journey(discover_journey(events), tmp_path / "lived.yaml"))
    assert lived.origin == "discovered"
    comparison = compare_journeys(_designed(), lived)
    assert comparison.labels == ("thiết kế", "thực tế")
    assert comparison.summary().startswith("So sánh thiết kế “Mua hàng online” với thực tế “Hành trình thực tế”")


def test_undesigned_touchpoint_goes_to_the_stage_of_its_heaviest_sender_else_receiver():
    designed = Journey("Thiết kế", stages=["Liên hệ", "Giải quyết"])
    designed.add_touchpoint("hotline", name="Tổng đài", stage="Liên hệ")
    designed.add_touchpoint("xu_ly", name="Xử lý yêu cầu", stage="Giải quyết")
    designed.add_transition("hotline", "xu_ly", volume=100)
    lived = Journey("Dữ liệu", stages=["Hành trình"], origin="discovered")
    # the isolated "email" comes first: adding its stage must not pull the others into that stage
    for node, name in [("email", "Email"), ("hotline", "Tổng đài"), ("xu_ly", "Xử lý"), ("khieu_nai", "Khiếu nại"),
                       ("tu_tim", "Tự tìm")]:
        lived.add_touchpoint(node, name=name, stage="Hành trình")
    lived.add_transition("hotline", "khieu_nai", volume=5)
    lived.add_transition("xu_ly", "khieu_nai", volume=9)
    lived.add_transition("khieu_nai", "hotline", volume=14)
    lived.add_transition("tu_tim", "hotline", volume=3)
    lived.add_transition("tu_tim", "xu_ly", volume=7)
    union = compare_journeys(designed, lived).to_journey()
    assert union.graph.nodes["khieu_nai"]["stage"] == "Giải quyết"  # 9 from xu_ly outweigh 5 from hotline
    assert union.graph.nodes["tu_tim"]["stage"] == "Giải quyết"  # no paired sender: 7 of its 10 go to xu_ly
    assert union.graph.nodes["email"]["stage"] == "Hành trình"
    assert union.stages == ["Liên hệ", "Giải quyết", "Hành trình"]
