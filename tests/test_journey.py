from __future__ import annotations

import copy

import networkx as nx
import pytest

from journeymap import DataError, ExperienceType, Journey, JourneyValidationError, loads_journey


def test_build_in_code_and_run_networkx_algorithms():
    j = Journey("Gọi tổng đài", stages=["Liên hệ", "Giải quyết"], persona="Khách hàng trả sau")
    j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2, drop_off=0.3, experience=["think"])
    j.add_touchpoint("agent", name="Tư vấn viên", stage="Giải quyết", emotion=1, goal=True)
    j.add_transition("ivr", "agent", volume=700)
    j.add_transition("ivr", "ivr", volume=200)
    assert isinstance(j.graph, nx.DiGraph)
    assert j.graph.nodes["ivr"]["ces"] == 2
    assert j.graph.edges["ivr", "agent"]["volume"] == 700
    assert nx.shortest_path(j.graph, "ivr", "agent") == ["ivr", "agent"]
    assert list(nx.simple_cycles(j.graph)) == [["ivr"]]
    assert j.touchpoint("ivr").experience == [ExperienceType.THINK]
    assert j.graph.graph["stages"] == ["Liên hệ", "Giải quyết"]


def test_building_rejects_bad_values_with_place():
    j = Journey("X", stages=["A"])
    with pytest.raises(JourneyValidationError, match=r"touchpoint 'a' → ces: must be a number from 1"):
        j.add_touchpoint("a", name="A", stage="A", ces=0)
    with pytest.raises(JourneyValidationError, match="not one of the journey's stages"):
        j.add_touchpoint("b", name="B", stage="Z")
    j.add_touchpoint("a", name="A", stage="A")
    with pytest.raises(JourneyValidationError, match="duplicate touchpoint id 'a'"):
        j.add_touchpoint("a", name="A again", stage="A")
    with pytest.raises(JourneyValidationError, match="unknown touchpoint 'zz'"):
        j.add_transition("a", "zz")
    with pytest.raises(JourneyValidationError, match="probability"):
        j.add_transition("a", "a", probability=2)
    with pytest.raises(KeyError, match="ids: a"):
        j.touchpoint("nope")


def test_direct_graph_edits_are_checked_by_validate():
    j = Journey("X", stages=["A"])
    j.add_touchpoint("a", name="A", stage="A")
    j.graph.nodes["a"]["ces"] = 12
    with pytest.raises(JourneyValidationError, match="ces"):
        j.validate()


def test_transitions_default_to_listed_order():
    j = loads_journey(
        "journey: X\nstages: [A, B]\ntouchpoints:\n"
        "  - {id: a, name: A, stage: A}\n  - {id: b, name: B, stage: A}\n  - {id: c, name: C, stage: B}\n"
    )
    assert list(j.graph.edges) == [("a", "b"), ("b", "c")]


def test_experience_labels():
    assert [t.label_vi for t in ExperienceType] == ["Giác quan", "Cảm xúc", "Tư duy", "Hành động", "Liên kết"]
    assert ExperienceType("relate").label_en == "Relate"
    assert "sense" == ExperienceType.SENSE


# -- editing -------------------------------------------------------------------------------------------


def _cart() -> Journey:
    j = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", ces=3, drop_off=0.34, pain_points=["Nhập mã tay"])
    j.add_touchpoint("ma_giam_gia", name="Áp mã giảm giá", stage="Đặt hàng", metrics={"csat": 70})
    j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán", goal=True)
    j.add_transition("gio_hang", "ma_giam_gia", volume=600, probability=0.6)
    j.add_transition("ma_giam_gia", "thanh_toan", volume=500)
    j.add_transition("gio_hang", "thanh_toan", volume=100)
    j.add_transition("ma_giam_gia", "ma_giam_gia", volume=80)
    return j


def test_update_touchpoint_changes_only_the_fields_given_and_none_clears():
    j = _cart()
    j.update_touchpoint("gio_hang", ces=5, drop_off=None, emotion=0, pain_points=["Còn phải nhập mã bằng tay."])
    assert j.graph.nodes["gio_hang"] == {
        "name": "Giỏ hàng", "stage": "Đặt hàng", "lane": "frontstage", "ces": 5.0, "emotion": 0.0,
        "pain_points": ["Còn phải nhập mã bằng tay."],
    }
    j.update_touchpoint("gio_hang", stage="Thanh toán", name="Giỏ hàng mới")
    assert j.touchpoint("gio_hang").stage == "Thanh toán"
    assert list(j.graph) == ["gio_hang", "ma_giam_gia", "thanh_toan"]  # the touchpoint keeps its place
    j.validate()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"chanel": "app"}, r"touchpoint 'gio_hang': unknown key 'chanel'; did you mean 'channel'\? Allowed keys: id, name"),
        ({"ces": 9}, r"touchpoint 'gio_hang' → ces: must be a number from 1 \(very hard\) to 7 \(very easy\) \(found 9\)"),
        ({"stage": "Giao hàng"}, r"touchpoint 'gio_hang' → stage: stage 'Giao hàng' is not one of the journey's stages"),
        ({"name": None}, r"touchpoint 'gio_hang': required key 'name' is missing"),
        ({"id": "cart"}, r"touchpoint 'gio_hang' → id: the id is changed with rename_touchpoint"),
        ({"experience": ["feel", "smell"]}, r"touchpoint 'gio_hang' → experience\[1\]"),
    ],
)
def test_a_refused_touchpoint_update_names_the_field_and_changes_nothing(fields, message):
    j = _cart()
    before = j.to_dict()
    with pytest.raises(JourneyValidationError, match=message) as caught:
        j.update_touchpoint("gio_hang", **{"ces": 4, **fields})
    assert isinstance(caught.value, DataError)
    assert j.to_dict() == before


def test_a_refused_update_lists_every_problem():
    j = _cart()
    with pytest.raises(JourneyValidationError) as caught:
        j.update_touchpoint("gio_hang", ces=0, stage="Khác", drop_off=2)
    assert [p.location.split(" → ")[-1] for p in caught.value.problems] == ["stage", "ces", "drop_off"]


def test_editing_an_unknown_touchpoint_or_transition_is_a_key_error_listing_what_exists():
    j = _cart()
    with pytest.raises(KeyError, match="no touchpoint 'gio' in journey 'Mua hàng'; ids: gio_hang, ma_giam_gia"):
        j.update_touchpoint("gio", ces=4)
    with pytest.raises(KeyError, match="ids: gio_hang"):
        j.rename_touchpoint("gio", "x")
    with pytest.raises(KeyError, match="ids: gio_hang"):
        j.remove_touchpoint("gio")
    with pytest.raises(KeyError, match=r"no transition thanh_toan → gio_hang .*transitions from 'thanh_toan': none"):
        j.update_transition("thanh_toan", "gio_hang", volume=3)
    with pytest.raises(KeyError, match=r"transitions from 'gio_hang': gio_hang → ma_giam_gia, gio_hang → thanh_toan"):
        j.remove_transition("gio_hang", "gio_hang")


def test_rename_touchpoint_keeps_its_transitions_attributes_and_place():
    j = _cart()
    graph = j.graph
    j.rename_touchpoint("ma_giam_gia", "voucher")
    assert j.graph is graph  # renamed in place: a notebook holding journey.graph sees it
    assert list(j.graph) == ["gio_hang", "voucher", "thanh_toan"]
    assert list(j.graph.edges(data="volume")) == [
        ("gio_hang", "voucher", 600.0), ("gio_hang", "thanh_toan", 100.0),
        ("voucher", "thanh_toan", 500.0), ("voucher", "voucher", 80.0),
    ]
    assert j.graph.edges["gio_hang", "voucher"]["probability"] == 0.6
    assert j.graph.nodes["voucher"]["metrics"] == {"csat": 70.0}
    j.validate()


def test_a_refused_rename_changes_nothing():
    j = _cart()
    before = j.to_dict()
    with pytest.raises(JourneyValidationError, match="id 'thanh_toan' is already used by another touchpoint"):
        j.rename_touchpoint("gio_hang", "thanh_toan")
    with pytest.raises(JourneyValidationError, match=r"touchpoint 'gio_hang' → id: must be lowercase letters.*found 'Giỏ'"):
        j.rename_touchpoint("gio_hang", "Giỏ")
    assert j.to_dict() == before


def test_remove_touchpoint_removes_its_transitions_and_can_reconnect():
    j = _cart()
    j.remove_touchpoint("ma_giam_gia")
    assert list(j.graph.edges) == [("gio_hang", "thanh_toan")]
    assert j.graph.edges["gio_hang", "thanh_toan"] == {"volume": 100.0}
    k = _cart()
    k.add_touchpoint("web", name="Web", stage="Đặt hàng")
    k.add_transition("web", "ma_giam_gia")
    k.remove_touchpoint("ma_giam_gia", reconnect=True)
    # the existing gio_hang → thanh_toan keeps its volume; web gets a new, figure-less transition; no self-loop
    assert {(u, v): attrs for u, v, attrs in k.graph.edges(data=True)} == {
        ("gio_hang", "thanh_toan"): {"volume": 100.0}, ("web", "thanh_toan"): {},
    }
    k.validate()


def test_the_last_touchpoint_cannot_be_removed():
    j = Journey("X", stages=["A"])
    j.add_touchpoint("a", name="A", stage="A")
    with pytest.raises(JourneyValidationError, match="the journey's only touchpoint"):
        j.remove_touchpoint("a")
    assert list(j.graph) == ["a"]


def test_update_and_remove_transition():
    j = _cart()
    j.update_transition("gio_hang", "ma_giam_gia", probability=None, volume=650, label="sau khi áp mã")
    assert j.graph.edges["gio_hang", "ma_giam_gia"] == {"volume": 650.0, "label": "sau khi áp mã"}
    before = j.to_dict()
    with pytest.raises(JourneyValidationError, match=r"transition gio_hang → ma_giam_gia → probability: must be a share"):
        j.update_transition("gio_hang", "ma_giam_gia", probability=1.5)
    with pytest.raises(JourneyValidationError, match="unknown key 'volumes'; did you mean 'volume'"):
        j.update_transition("gio_hang", "ma_giam_gia", volumes=3)
    with pytest.raises(JourneyValidationError, match="ends are not changed"):
        j.update_transition("gio_hang", "ma_giam_gia", to="thanh_toan")
    assert j.to_dict() == before
    j.remove_transition("ma_giam_gia", "ma_giam_gia")
    assert not j.graph.has_edge("ma_giam_gia", "ma_giam_gia") and "ma_giam_gia" in j.graph


def test_copy_is_independent_of_the_original():
    current = _cart()
    current.origin = "designed"
    before = current.to_dict()
    future = current.copy(title="Mua hàng (tương lai)")
    future.update_touchpoint("gio_hang", ces=6)
    future.graph.nodes["gio_hang"]["pain_points"].append("sửa thẳng trên graph")
    future.graph.nodes["ma_giam_gia"]["metrics"]["csat"] = 90
    future.graph.graph["stages"].append("Giao hàng")
    future.remove_touchpoint("thanh_toan")
    assert current.to_dict() == before
    assert future.title == "Mua hàng (tương lai)" and current.title == "Mua hàng"
    assert future.origin == "designed"
    assert copy.copy(current) == current and copy.copy(current).graph is not current.graph
    assert copy.copy(current).graph.graph["stages"] is not current.graph.graph["stages"]
    with pytest.raises(JourneyValidationError, match="title"):
        current.copy(title="")


def test_to_frame_lists_touchpoints_in_stage_order_with_every_field():
    j = _cart()
    j.add_touchpoint("hotline", name="Tổng đài", stage="Đặt hàng", lane="backstage")  # added last, shown in its stage
    frame = j.to_frame()
    assert list(frame["id"]) == ["gio_hang", "ma_giam_gia", "hotline", "thanh_toan"]
    assert list(frame.columns[:5]) == ["id", "name", "stage", "channel", "lane"]
    assert {"ces", "drop_off", "emotion", "goal", "volume", "starts", "pain_points", "metrics.csat"} <= set(frame.columns)
    assert "metrics" not in frame.columns and "metrics.nps" not in frame.columns  # only the metrics present
    row = frame.set_index("id").loc["gio_hang"]
    assert row["ces"] == 3 and row["pain_points"] == ["Nhập mã tay"] and not row["goal"]
    assert frame.set_index("id").loc["ma_giam_gia", "metrics.csat"] == 70
    assert frame["ces"].dtype == "float64" and frame["goal"].dtype == bool
    frame.loc[0, "ces"] = 7  # a copy: the journey does not change
    assert j.touchpoint("gio_hang").ces == 3


def test_to_frame_of_transitions():
    j = _cart()
    frame = j.to_frame("transitions")
    assert list(frame.columns) == [
        "from", "to", "from_name", "to_name", "volume", "probability", "label", "median_hours", "mean_hours"
    ]
    assert [tuple(r) for r in frame[["from", "to", "to_name", "volume"]].itertuples(index=False)] == [
        ("gio_hang", "ma_giam_gia", "Áp mã giảm giá", 600.0), ("gio_hang", "thanh_toan", "Thanh toán", 100.0),
        ("ma_giam_gia", "thanh_toan", "Thanh toán", 500.0), ("ma_giam_gia", "ma_giam_gia", "Áp mã giảm giá", 80.0),
    ]
    assert frame["label"].isna().all() and frame["probability"].dtype == "float64"
    with pytest.raises(ValueError, match="kind must be 'touchpoints' or 'transitions'; got 'edges'"):
        j.to_frame("edges")  # type: ignore[arg-type]


@pytest.mark.parametrize("suffix", [".yaml", ".json", ".graphml", ".node-link.json"])
def test_origin_is_saved_and_loaded(tmp_path, suffix):
    from journeymap.convert import read_any, write_any

    j = _cart()
    assert j.origin == "designed" and "origin" not in j.to_dict()  # a designed file stays as written
    j.origin = "discovered"
    path = write_any(j, tmp_path / f"lived{suffix}")
    assert read_any(path).origin == "discovered"
    with pytest.raises(JourneyValidationError, match="origin: must be 'designed' or 'discovered'"):
        j.origin = "lived"  # type: ignore[assignment]
    with pytest.raises(JourneyValidationError, match=r"origin.*'designed' \(the default\) or 'discovered'"):
        loads_journey("journey: X\norigin: lived\nstages: [A]\ntouchpoints: [{id: a, name: A, stage: A}]\n")


def test_an_unknown_keyword_lists_the_touchpoints_keys_not_the_journeys():
    j = Journey("X", stages=["A"])
    with pytest.raises(JourneyValidationError) as caught:
        j.add_touchpoint("a", name="A", stage="A", chanel="app")
    (problem,) = caught.value.problems
    assert problem.location == "touchpoint 'a'"  # was "touchpoint 'a' → top level"
    assert problem.message.startswith("unknown key 'chanel'; did you mean 'channel'? Allowed keys: id, name, stage, ")
