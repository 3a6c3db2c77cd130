"""Journey discovery from event logs: every figure of a small log computed by hand.

The hand log (five cases, 18 events; H = Trang chủ, C = Giỏ hàng, P = Thanh toán, G = Nhận hàng,
the goal, S = Chat CSKH):

    k1  H 01-05 08:00 → C 08:30 → P 09:00 → P 09:30 (self-loop) → G 01-06 09:30
    k2  H 01-06 10:00 → C 11:00 → H 11:30 (loop back) → C 12:00 → P 14:00 → G 01-08 14:00
    k3  H 01-07 20:00 → C 20:15                                    (never reaches the goal)
    k4  C 01-08 10:00 → S 10:00                                    (same timestamp: file order)
    k5  H 01-09 08:00 → G 01-10 08:00 → S 20:00                    (carries on after the goal)

Rows are shuffled in the frame (except k4's tie), so ordering by timestamp is exercised.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from journeymap import DataError, Journey, dumps_journey, load_journey, loads_journey
from journeymap.discover import DEFAULT_STAGE, discover_journey, path_variants

DATA = Path(__file__).resolve().parents[1] / "data"

H, C, P, G, S = "Trang chủ", "Giỏ hàng", "Thanh toán", "Nhận hàng", "Chat CSKH"

ROWS = [
    ("k1", G, "2026-01-06 09:30", "Nhận hàng"),
    ("k2", H, "2026-01-06 10:00", "Khám phá"),
    ("k1", H, "2026-01-05 08:00", "Khám phá"),
    ("k1", C, "2026-01-05 08:30", "Đặt hàng"),
    ("k1", P, "2026-01-05 09:30", "Thanh toán"),
    ("k1", P, "2026-01-05 09:00", "Thanh toán"),
    ("k2", C, "2026-01-06 11:00", "Đặt hàng"),
    ("k2", H, "2026-01-06 11:30", "Khám phá"),
    ("k2", G, "2026-01-08 14:00", "Nhận hàng"),
    ("k2", C, "2026-01-06 12:00", "Đặt hàng"),
    ("k2", P, "2026-01-06 14:00", "Thanh toán"),
    ("k3", C, "2026-01-07 20:15", "Khám phá"),
    ("k3", H, "2026-01-07 20:00", "Khám phá"),
    ("k4", C, "2026-01-08 10:00", "Đặt hàng"),
    ("k4", S, "2026-01-08 10:00", "Hỗ trợ"),
    ("k5", S, "2026-01-10 20:00", "Hỗ trợ"),
    ("k5", H, "2026-01-09 08:00", "Khám phá"),
    ("k5", G, "2026-01-10 08:00", "Nhận hàng"),
]


def make_log(rows: list[tuple[str, str, str, str]] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["case_id", "touchpoint", "timestamp", "stage"])


@pytest.fixture
def log() -> pd.DataFrame:
    return make_log()


@pytest.fixture
def journey(log: pd.DataFrame) -> Journey:
    return discover_journey(log, goal=G)


def node(journey: Journey, touchpoint: str) -> dict:
    return journey.graph.nodes[touchpoint]


def edge(journey: Journey, source: str, target: str) -> dict:
    return journey.graph.edges[source, target]


# -- the figures ----------------------------------------------------------------------------------------


def test_touchpoints_ids_names_and_order(journey: Journey) -> None:
    # Mean position (events before it in its case): H 0.4, C 1.2, S 1.5 (step 1 for k4, 2 for k5),
    # P 3, G 3.33.
    assert list(journey.graph.nodes) == ["trang_chu", "gio_hang", "chat_cskh", "thanh_toan", "nhan_hang"]
    assert [node(journey, n)["name"] for n in journey.graph.nodes] == [H, C, S, P, G]
    assert journey.stages == [DEFAULT_STAGE] == ["Hành trình"]
    assert {node(journey, n)["stage"] for n in journey.graph.nodes} == {"Hành trình"}


def test_node_volume_starts_drop_off_and_goal(journey: Journey) -> None:
    expected = {
        # volume = distinct cases; starts = first events; drop_off = ended there without the goal / volume
        "trang_chu": {"volume": 4, "starts": 4, "drop_off": 0.0},
        "gio_hang": {"volume": 4, "starts": 1, "drop_off": 0.25},  # k3 stops at the cart
        "thanh_toan": {"volume": 2, "drop_off": 0.0},
        "nhan_hang": {"volume": 3, "goal": True},
        "chat_cskh": {"volume": 2, "drop_off": 0.5},  # k4 stops there; k5 too, but k5 had reached the goal
    }
    for touchpoint, figures in expected.items():
        attrs = node(journey, touchpoint)
        measured = {k: attrs[k] for k in ("volume", "starts", "drop_off", "goal") if k in attrs}
        assert measured == figures, touchpoint


def test_edges_volume_probability_and_hours(journey: Journey) -> None:
    expected = {
        # volume, probability = volume / events at the source, median and mean hours
        ("trang_chu", "gio_hang"): (4, 4 / 5, 0.5, 0.5625),  # 0.5, 1, 0.5, 0.25 h
        ("trang_chu", "nhan_hang"): (1, 1 / 5, 24.0, 24.0),
        ("gio_hang", "thanh_toan"): (2, 2 / 5, 1.25, 1.25),  # 0.5 and 2 h
        ("gio_hang", "trang_chu"): (1, 1 / 5, 0.5, 0.5),  # the loop back
        ("gio_hang", "chat_cskh"): (1, 1 / 5, 0.0, 0.0),  # the timestamp tie
        ("thanh_toan", "thanh_toan"): (1, 1 / 3, 0.5, 0.5),  # the self-loop
        ("thanh_toan", "nhan_hang"): (2, 2 / 3, 36.0, 36.0),  # 24 and 48 h
        ("nhan_hang", "chat_cskh"): (1, 1 / 3, 12.0, 12.0),
    }
    assert set(journey.graph.edges) == set(expected)
    for (u, v), (volume, probability, median, mean) in expected.items():
        attrs = edge(journey, u, v)
        assert (attrs["volume"], attrs["median_hours"], attrs["mean_hours"]) == (volume, median, mean), (u, v)
        assert attrs["probability"] == pytest.approx(probability, abs=1e-12), (u, v)
    # 1 − Σ out-probabilities is the share of visits that end there: one of five cart visits (k3).
    out = sum(edge(journey, "gio_hang", v)["probability"] for v in journey.graph.successors("gio_hang"))
    assert out == pytest.approx(0.8)


def test_timestamp_ties_keep_file_order() -> None:
    tie_first_s = [("k4", S, "2026-01-08 10:00", ""), ("k4", C, "2026-01-08 10:00", "")]
    journey = discover_journey(make_log(tie_first_s))
    assert list(journey.graph.edges) == [("chat_cskh", "gio_hang")]


def test_description_says_cases_events_and_dates(journey: Journey) -> None:
    assert journey.description == (
        "Khám phá từ nhật ký sự kiện: 5 khách hàng (case), 18 sự kiện, từ 05/01/2026 đến 10/01/2026."
    )
    assert journey.title == "Hành trình thực tế"


def test_result_validates_and_round_trips(journey: Journey) -> None:
    assert journey.validate() is journey
    for fmt in ("yaml", "json"):
        assert loads_journey(dumps_journey(journey, fmt), fmt) == journey


def test_without_goal_every_end_is_a_drop(log: pd.DataFrame) -> None:
    journey = discover_journey(log)
    assert node(journey, "nhan_hang")["drop_off"] == round(2 / 3, 4)  # k1 and k2 end there
    assert node(journey, "chat_cskh")["drop_off"] == 1.0
    assert not any(attrs.get("goal") for _, attrs in journey.graph.nodes(data=True))


def test_several_goals(log: pd.DataFrame) -> None:
    journey = discover_journey(log, goal=[G, S])
    assert node(journey, "chat_cskh")["goal"] is True
    assert "drop_off" not in node(journey, "chat_cskh")
    assert node(journey, "gio_hang")["drop_off"] == 0.25


# -- stages ---------------------------------------------------------------------------------------------


def test_stage_column_majority_and_order_by_position(log: pd.DataFrame) -> None:
    journey = discover_journey(log, stage_column="stage", goal=G)
    # Mean position of the events naming each stage: Khám phá 0.5 (H and k3's cart), Đặt hàng 1.25,
    # Hỗ trợ 1.5, Thanh toán 3, Nhận hàng 3.33 — not alphabetical, which would put Đặt hàng last.
    assert journey.stages == ["Khám phá", "Đặt hàng", "Hỗ trợ", "Thanh toán", "Nhận hàng"]
    stages = {n: attrs["stage"] for n, attrs in journey.graph.nodes(data=True)}
    assert stages == {
        "trang_chu": "Khám phá",
        "gio_hang": "Đặt hàng",  # 4 of its 5 events
        "thanh_toan": "Thanh toán",
        "nhan_hang": "Nhận hàng",
        "chat_cskh": "Hỗ trợ",
    }
    assert list(journey.graph.nodes) == ["trang_chu", "gio_hang", "chat_cskh", "thanh_toan", "nhan_hang"]


def test_touchpoints_are_added_stage_first() -> None:
    # S1's events sit at position 1.43 on average, S2's (b only) at 2, so S1 comes first and all its
    # touchpoints come before b, even a5 and a7 (position 3) that b (2) precedes.
    rows = [
        ("k1", "a1", "2026-01-01 08:00", "S1"),
        ("k1", "a2", "2026-01-01 09:00", "S1"),
        ("k1", "b", "2026-01-01 10:00", "S2"),
        ("k1", "a7", "2026-01-01 11:00", "S1"),
        ("k2", "a1", "2026-01-02 08:00", "S1"),
        ("k2", "a3", "2026-01-02 09:00", "S1"),
        ("k2", "a4", "2026-01-02 10:00", "S1"),
        ("k2", "a5", "2026-01-02 11:00", "S1"),
    ]
    journey = discover_journey(make_log(rows), stage_column="stage")
    assert journey.stages == ["S1", "S2"]
    assert list(journey.graph.nodes) == ["a1", "a2", "a3", "a4", "a5", "a7", "b"]


def test_one_event_cases_sit_at_the_start() -> None:
    # Most visitors leave the landing page at once; the page still comes before the cart. (By rank /
    # case length the landing page would sit at 0.89 and the cart at 0.67.)
    rows = [(f"v{i}", "landing", "2026-01-01 08:00", "") for i in range(5)]
    rows += [("k1", "landing", "2026-01-01 09:00", ""), ("k1", "cart", "2026-01-01 09:05", ""),
             ("k1", "checkout", "2026-01-01 09:10", "")]
    assert list(discover_journey(make_log(rows)).graph.nodes) == ["landing", "cart", "checkout"]


# -- filters --------------------------------------------------------------------------------------------


def test_transition_filter_keeps_probabilities(log: pd.DataFrame) -> None:
    journey = discover_journey(log, goal=G, min_transition_share=0.4)  # volume >= 0.4 × 5 cases = 2
    assert set(journey.graph.edges) == {("trang_chu", "gio_hang"), ("gio_hang", "thanh_toan"),
                                        ("thanh_toan", "nhan_hang")}
    assert edge(journey, "gio_hang", "thanh_toan")["probability"] == pytest.approx(0.4)
    assert journey.graph.number_of_nodes() == 5


def test_touchpoint_filter_reconnects_neighbours(log: pd.DataFrame) -> None:
    # P and S are visited by 2 of 5 cases (< 0.5): their events go before pairs are formed.
    journey = discover_journey(log, goal=G, min_touchpoint_share=0.5)
    assert list(journey.graph.nodes) == ["trang_chu", "gio_hang", "nhan_hang"]
    expected = {
        ("trang_chu", "gio_hang"): (4, 0.8, 0.5),
        ("gio_hang", "trang_chu"): (1, 0.2, 0.5),
        ("gio_hang", "nhan_hang"): (2, 0.4, 37.5),  # k1 25 h, k2 50 h, through the removed payment
        ("trang_chu", "nhan_hang"): (1, 0.2, 24.0),
    }
    measured = {(u, v): (a["volume"], a["probability"], a["median_hours"]) for u, v, a in journey.graph.edges(data=True)}
    assert measured == expected  # 4/5 and 0.8 are the same float
    # k3 and k4 now both end at the cart; k5 ends at the goal once S is gone.
    assert node(journey, "gio_hang")["drop_off"] == 0.5
    assert node(journey, "gio_hang")["volume"] == 4
    assert journey.description.endswith("; đã bỏ 5 sự kiện tại 2 điểm chạm có dưới 50% khách hàng ghé qua.")


def test_goal_reached_counts_even_when_filtered_out(log: pd.DataFrame) -> None:
    # S is a goal but too rare to draw: k4, which reached it, is not a drop-off at the cart.
    journey = discover_journey(log, goal=[G, S], min_touchpoint_share=0.5)
    assert node(journey, "gio_hang")["drop_off"] == 0.25  # only k3


@pytest.mark.parametrize("name", ["min_touchpoint_share", "min_transition_share"])
@pytest.mark.parametrize("value", [-0.1, 1.5, "0.2"])
def test_share_must_be_between_0_and_1(log: pd.DataFrame, name: str, value: object) -> None:
    with pytest.raises(ValueError, match=rf"{name} must be a number between 0 and 1.*got {value!r}"):
        discover_journey(log, **{name: value})


def test_touchpoint_filter_emptying_the_log(log: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"min_touchpoint_share=1\.0 removes every touchpoint; the most visited, "
                                        r"'Trang chủ', is visited by 0\.8000 of the 5 cases"):
        discover_journey(log, min_touchpoint_share=1.0)


# -- date range -----------------------------------------------------------------------------------------


def test_date_range_keeps_whole_cases_by_first_event(log: pd.DataFrame) -> None:
    # k2 starts on 01-06 (out) though its events run to 01-08; k5 starts exactly at the end (out).
    journey = discover_journey(log, start="2026-01-07", end=pd.Timestamp("2026-01-09 08:00"))
    assert {n: a["volume"] for n, a in journey.graph.nodes(data=True)} == {
        "trang_chu": 1, "gio_hang": 2, "chat_cskh": 1}
    assert journey.description.startswith("Khám phá từ nhật ký sự kiện: 2 khách hàng (case), 4 sự kiện, "
                                          "từ 07/01/2026 đến 08/01/2026")
    later = discover_journey(log, start="2026-01-07", end="2026-01-09 08:00:01")
    assert node(later, "nhan_hang")["volume"] == 1


def test_date_range_open_ends(log: pd.DataFrame) -> None:
    from datetime import date

    assert node(discover_journey(log, end=date(2026, 1, 6)), "trang_chu")["volume"] == 1  # k1 only
    assert node(discover_journey(log, start="2026-01-09"), "trang_chu")["volume"] == 1  # k5 only


def test_date_range_leaving_nothing(log: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"no case starts in the date range \[start=2027-01-01 00:00:00, end=None\); "
                                        r"the log's events run from 2026-01-05 08:00:00 to 2026-01-10 20:00:00"):
        discover_journey(log, start="2027-01-01")


@pytest.mark.parametrize(("start", "end", "message"), [
    ("2026-02-01", "2026-01-01", "start must be before end"),
    ("đầu tháng", None, "start must be a date or datetime"),
    (None, 20260101.5, "end must be a date or datetime"),
])
def test_bad_date_range(log: pd.DataFrame, start: object, end: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        discover_journey(log, start=start, end=end)


# -- time zones -----------------------------------------------------------------------------------------


def test_offsets_convert_to_utc() -> None:
    rows = [("k1", "a", "2026-01-05T03:00:00+07:00", ""), ("k1", "b", "2026-01-05T01:00:00Z", "")]
    journey = discover_journey(make_log(rows))
    assert edge(journey, "a", "b")["median_hours"] == 5.0  # 20:00 UTC the day before → 01:00 UTC
    assert "từ 04/01/2026 đến 05/01/2026" in journey.description
    with pytest.raises(DataError, match="no case starts"):
        discover_journey(make_log(rows), start="2026-01-05")
    assert discover_journey(make_log(rows), start="2026-01-05T00:00+07:00").graph.number_of_nodes() == 2


def test_timezone_aware_datetimes() -> None:
    frame = make_log([("k1", "a", "", ""), ("k1", "b", "", "")])
    frame["timestamp"] = pd.to_datetime(["2026-01-05 08:00", "2026-01-05 09:30"]).tz_localize("Asia/Ho_Chi_Minh")
    journey = discover_journey(frame, start="2026-01-05 01:00", end="2026-01-05 01:00:01")  # 08:00 +07 in UTC
    assert edge(journey, "a", "b")["mean_hours"] == 1.5


def test_mixed_offsets_are_an_error() -> None:
    rows = [("k1", "a", "2026-01-05 08:00", ""), ("k1", "b", "2026-01-05T09:00+07:00", ""),
            ("k2", "a", "2026-01-05", "")]
    with pytest.raises(DataError, match=r"mixes times with a time-zone offset \(1, e\.g\. index labels 1\) and "
                                        r"times without one \(2, e\.g\. index labels 0, 2\)"):
        discover_journey(make_log(rows))


# -- files ----------------------------------------------------------------------------------------------


def write_parquet(frame: pd.DataFrame, path: Path) -> Path:
    con = duckdb.connect()
    con.register("frame", frame)
    con.execute(f"COPY frame TO '{path}' (FORMAT parquet)")
    con.close()
    return path


def test_csv_and_parquet_give_the_same_journey(log: pd.DataFrame, tmp_path: Path) -> None:
    expected = discover_journey(log, goal=G, stage_column="stage")
    csv_path = tmp_path / "events.csv"
    log.to_csv(csv_path, index=False)
    typed = log.assign(timestamp=pd.to_datetime(log["timestamp"]))
    for events in (csv_path, str(csv_path), write_parquet(log, tmp_path / "text.parquet"),
                   write_parquet(typed, tmp_path / "typed.parquet"), typed):
        assert discover_journey(events, goal=G, stage_column="stage") == expected, events


def test_csv_with_semicolons_bom_and_own_column_names(tmp_path: Path) -> None:
    path = tmp_path / "nhat_ky.csv"
    path.write_text("Mã KH;Điểm chạm;Thời điểm;pos\n007;Giỏ hàng;2026-01-05 08:00;x\n007;Thanh toán;2026-01-05 08:30;y\n",
                    encoding="utf-8-sig")  # a column named like the internal row number is no trouble
    journey = discover_journey(path, case_column="Mã KH", touchpoint_column="Điểm chạm",
                               timestamp_column="Thời điểm")
    assert edge(journey, "gio_hang", "thanh_toan")["median_hours"] == 0.5


def test_csv_timestamp_ties_keep_file_order(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("case_id,touchpoint,timestamp\n1,b,2026-01-05 08:00\n1,a,2026-01-05 08:00\n", encoding="utf-8")
    assert list(discover_journey(path).graph.edges) == [("b", "a")]


# -- touchpoint ids -------------------------------------------------------------------------------------


def test_vietnamese_values_become_ids_and_stay_names() -> None:
    rows = [("k1", v, f"2026-01-05 0{i}:00", "") for i, v in enumerate(
        ["Đăng ký tài khoản", "Xác thực eKYC (CCCD)", "gio_hang", "Gio-hang", "Giỏ hàng", "!!!", "Điểm #2"])]
    journey = discover_journey(make_log(rows))
    names = {n: a["name"] for n, a in journey.graph.nodes(data=True)}
    assert names == {
        "dang_ky_tai_khoan": "Đăng ký tài khoản",
        "xac_thuc_ekyc_cccd": "Xác thực eKYC (CCCD)",
        "gio_hang": "gio_hang",  # already an id: kept
        "gio_hang_2": "Gio-hang",
        "gio_hang_3": "Giỏ hàng",
        "touchpoint": "!!!",
        "diem_2": "Điểm #2",
    }
    assert journey.validate() is journey


def test_numbers_as_values() -> None:
    frame = pd.DataFrame({"case_id": [1, 1], "touchpoint": [101, 205],
                          "timestamp": pd.to_datetime(["2026-01-05", "2026-01-06"])})
    journey = discover_journey(frame)
    assert list(journey.graph.edges(data="volume")) == [("101", "205", 1)]


# -- reference journey ----------------------------------------------------------------------------------


@pytest.fixture
def reference() -> Journey:
    design = Journey("Mua hàng online", stages=["Khám phá", "Mua", "Nhận hàng"], persona="Khách mua online")
    design.add_touchpoint("trang_chu", name="Trang chủ ứng dụng", stage="Khám phá", channel="app", ces=6)
    design.add_touchpoint("cart", name="GIỎ HÀNG", stage="Mua", channel="app", ces=3, emotion=-1,
                          experience=["think"], aliases=["gio hang", "giỏ"], lane="frontstage")
    design.add_touchpoint("nhan_hang", name="Nhận hàng tại nhà", stage="Nhận hàng", channel="home", goal=True)
    design.add_touchpoint("danh_gia", name="Đánh giá", stage="Nhận hàng")
    return design


def test_reference_lends_ids_names_stages_and_goals(log: pd.DataFrame, reference: Journey) -> None:
    journey = discover_journey(log, reference=reference)
    assert journey.title == "Mua hàng online (thực tế)"
    assert journey.persona == "Khách mua online"
    assert journey.stages == ["Khám phá", "Mua", "Nhận hàng", DEFAULT_STAGE]
    assert list(journey.graph.nodes) == ["trang_chu", "cart", "nhan_hang", "chat_cskh", "thanh_toan"]
    cart = node(journey, "cart")  # matched by folded name: "giỏ hàng" = "GIỎ HÀNG"
    assert {k: cart[k] for k in ("name", "stage", "channel", "ces", "emotion", "experience", "aliases", "volume")} \
        == {"name": "GIỎ HÀNG", "stage": "Mua", "channel": "app", "ces": 3, "emotion": -1,
            "experience": ["think"], "aliases": ["gio hang", "giỏ"], "volume": 4}
    assert node(journey, "trang_chu")["name"] == "Trang chủ ứng dụng"  # matched by derived id
    assert node(journey, "nhan_hang")["goal"] is True  # the goal comes from the design
    assert node(journey, "cart")["drop_off"] == 0.25
    assert node(journey, "thanh_toan")["stage"] == DEFAULT_STAGE


def test_explicit_goal_overrides_the_reference(log: pd.DataFrame, reference: Journey) -> None:
    journey = discover_journey(log, reference=reference, goal=S)
    assert "goal" not in node(journey, "nhan_hang")
    assert node(journey, "chat_cskh")["goal"] is True


# -- path variants --------------------------------------------------------------------------------------


def test_path_variants(log: pd.DataFrame) -> None:
    extra = make_log([("k6", C, "2026-01-08 09:00", ""), ("k6", H, "2026-01-08 08:00", "")])
    variants = path_variants(pd.concat([log, extra], ignore_index=True), top=3)
    assert list(variants.columns) == ["variant", "touchpoints", "cases", "share"]
    assert variants["variant"].tolist() == [
        "Trang chủ → Giỏ hàng",  # k3 and k6
        "Giỏ hàng → Chat CSKH",  # then ties by text
        "Trang chủ → Giỏ hàng → Thanh toán → Thanh toán → Nhận hàng",
    ]
    assert variants["touchpoints"].iloc[0] == (H, C)
    assert variants["cases"].tolist() == [2, 1, 1]
    assert variants["share"].tolist() == pytest.approx([2 / 6, 1 / 6, 1 / 6])


def test_path_variants_date_range_and_files(log: pd.DataFrame, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    log.to_csv(path, index=False)
    variants = path_variants(path, start="2026-01-08", end="2026-01-09")
    assert variants.to_dict("list") == {"variant": ["Giỏ hàng → Chat CSKH"], "touchpoints": [(C, S)],
                                        "cases": [1], "share": [1.0]}


@pytest.mark.parametrize("top", [0, -1, 2.5, True])
def test_path_variants_bad_top(log: pd.DataFrame, top: object) -> None:
    with pytest.raises(ValueError, match=rf"top must be an integer >= 1; got {top!r}"):
        path_variants(log, top=top)


# -- bad input ------------------------------------------------------------------------------------------


def test_missing_columns_lists_those_that_exist(log: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"the DataFrame has no columns 'time', 'phase'; its columns are: "
                                        r"'case_id', 'touchpoint', 'timestamp', 'stage'"):
        discover_journey(log, timestamp_column="time", stage_column="phase")


def test_missing_column_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("khach,diem,luc\n1,a,2026-01-05\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"events\.csv has no columns 'case_id', 'touchpoint', 'timestamp'; its "
                                        r"columns are: 'khach', 'diem', 'luc'"):
        discover_journey(path)


def test_missing_column_in_parquet(log: pd.DataFrame, tmp_path: Path) -> None:
    path = write_parquet(log, tmp_path / "events.parquet")
    with pytest.raises(DataError, match=r"has no column 'ca'; its columns are: 'case_id', 'touchpoint'"):
        path_variants(path, case_column="ca")


@pytest.mark.parametrize("name", ["events.xlsx", "events", "events.json"])
def test_unsupported_suffix(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match=r"unsupported file type .*; use one of \.csv, \.parquet"):
        discover_journey(path)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataError, match=r"nothing\.csv does not exist"):
        discover_journey(tmp_path / "nothing.csv")
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    with pytest.raises(DataError, match="is a folder"):
        discover_journey(folder)


def test_events_of_the_wrong_type() -> None:
    with pytest.raises(TypeError, match="events must be a pandas DataFrame or a path"):
        discover_journey([("k1", "a", "2026-01-05")])  # type: ignore[arg-type]


def test_unreadable_files(tmp_path: Path) -> None:
    parquet = tmp_path / "events.parquet"
    parquet.write_bytes(b"not parquet at all")
    with pytest.raises(DataError, match=r"events\.parquet is not a readable Parquet file"):
        discover_journey(parquet)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"case_id,touchpoint,timestamp,caf\xe9\n")
    with pytest.raises(DataError, match=r"latin\.csv is not UTF-8: byte 0xe9 at offset 32 \(line 1\).*Save the file as "
                                        r"'CSV UTF-8'"):
        discover_journey(latin)
    latin.write_bytes(b"case_id,touchpoint,timestamp\n" + b"1,a,2026-01-05\n" * 20_000 + b"1,caf\xe9,2026-01-05\n")
    with pytest.raises(DataError, match=r"latin\.csv is not UTF-8: byte 0xe9 at offset 300034 \(line 20002\) cannot be "
                                        r"decoded, here: '1,caf\ufffd,2026-01-05'"):
        discover_journey(latin)
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("case_id,touchpoint,timestamp\n1,a,2026-01-05\n1,b,2026-01-06,extra\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"ragged\.csv cannot be read: .*Line: 3"):
        discover_journey(ragged)


def test_empty_logs(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(DataError, match=r"empty\.csv is empty: expected a header row"):
        discover_journey(empty)
    header = tmp_path / "header.csv"
    header.write_text("case_id,touchpoint,timestamp\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"header\.csv has no events"):
        discover_journey(header)
    with pytest.raises(DataError, match="the DataFrame has no events"):
        path_variants(make_log([]))


def test_bad_timestamps_in_csv_give_spreadsheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        "case_id,touchpoint,timestamp\n"
        "1,a,2026-01-05 08:00\n"  # row 2
        "1,b,hôm qua\n"  # row 3
        "\n"  # row 4: a blank line still counts as a spreadsheet row
        "2,a,2026-01-05 08:00\n"  # row 5
        "2,b,\n"  # row 6
        "3,c,05/01/2026\n",  # row 7
        encoding="utf-8",
    )
    with pytest.raises(DataError) as caught:
        discover_journey(path)
    message = str(caught.value)
    assert "column 'timestamp' has 3 values that are not timestamps, in rows (spreadsheet numbering, header = " \
           "row 1) 3, 6, 7, e.g. 'hôm qua', (empty), '05/01/2026'; use ISO 8601" in message


def test_bad_timestamps_in_a_frame_give_index_labels() -> None:
    frame = make_log([("k1", "a", "2026-01-05", ""), ("k1", "b", "ngày mai", ""), ("k2", "a", "2026-13-45", "")])
    frame.index = ["r1", "r2", "r3"]
    with pytest.raises(DataError, match=r"2 values that are not timestamps, in index labels r2, r3, "
                                        r"e\.g\. 'ngày mai', '2026-13-45'"):
        discover_journey(frame)


def test_bad_timestamps_in_parquet_give_record_numbers(tmp_path: Path) -> None:
    frame = make_log([("k1", "a", "2026-01-05", ""), ("k1", "b", "sáng nay", "")])
    with pytest.raises(DataError, match=r"1 value that is not a timestamp, in records \(first record = 1\) 2, "):
        discover_journey(write_parquet(frame, tmp_path / "events.parquet"))


def test_many_bad_rows_are_cut_after_20() -> None:
    frame = make_log([("k", "a", "x", "")] * 25)
    with pytest.raises(DataError, match=r"25 values .* index labels 0, 1, 2, .*, 18, 19, …, e\.g\. 'x';"):
        discover_journey(frame)


def test_timestamps_of_the_wrong_type() -> None:
    frame = pd.DataFrame({"case_id": ["k"], "touchpoint": ["a"], "timestamp": [20260105]})
    with pytest.raises(DataError, match=r"column 'timestamp' holds BIGINT values; expected datetimes or ISO 8601"):
        discover_journey(frame)


def test_empty_case_and_touchpoint_values_give_rows(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("case_id,touchpoint,timestamp\n1,a,2026-01-05\n,b,2026-01-05\n2,  ,2026-01-06\n3,,bad\n",
                    encoding="utf-8")
    with pytest.raises(DataError) as caught:
        discover_journey(path)
    message = str(caught.value)
    assert "column 'case_id' is empty in rows (spreadsheet numbering, header = row 1) 3 (1 event);" in message
    assert "column 'touchpoint' is empty in rows (spreadsheet numbering, header = row 1) 4, 5 (2 events);" in message
    assert "1 value that is not a timestamp, in rows (spreadsheet numbering, header = row 1) 5," in message


def test_empty_values_in_a_frame() -> None:
    frame = pd.DataFrame({"case_id": ["k1", None, "k2"], "touchpoint": ["a", "b", None],
                          "timestamp": pd.to_datetime(["2026-01-05", "2026-01-05", None])})
    with pytest.raises(DataError) as caught:
        discover_journey(frame)
    message = str(caught.value)
    assert "column 'case_id' is empty in index labels 1 (1 event);" in message
    assert "column 'touchpoint' is empty in index labels 2 (1 event);" in message
    assert "1 value that is not a timestamp, in index labels 2, e.g. (empty)" in message


def test_goal_not_in_the_log_lists_touchpoints(log: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"goal 'Thanh toan', 'Đã nhận' never occurs in column 'touchpoint'; the "
                                        r"touchpoints in the log are: 'Chat CSKH', 'Giỏ hàng', 'Nhận hàng', "
                                        r"'Thanh toán', 'Trang chủ'"):
        discover_journey(log, goal=[G, "Thanh toan", "Đã nhận"])


@pytest.mark.parametrize("goal", [[], [""], [3]])
def test_bad_goal_parameter(log: pd.DataFrame, goal: object) -> None:
    with pytest.raises(ValueError, match="goal must be a touchpoint value or a list of them"):
        discover_journey(log, goal=goal)  # type: ignore[arg-type]


def test_large_csv_keeps_row_numbers(tmp_path: Path) -> None:
    # Large enough for DuckDB to scan the file in parallel chunks; the numbering must still follow the file.
    rows = 1_200_000  # about 40 MB, more than one 32 MB read buffer
    path = tmp_path / "big.csv"
    con = duckdb.connect()
    con.execute(
        f"""COPY (SELECT 'C' || (i // 3) AS case_id, 'tp' || (i % 7) AS touchpoint,
                 CASE WHEN i IN (123456, 1199998) THEN 'sai' ELSE '2026-01-05 08:00:00' END AS timestamp
                 FROM range({rows}) t(i) ORDER BY i) TO '{path}' (HEADER)"""
    )
    con.close()
    with pytest.raises(DataError, match=r"rows \(spreadsheet numbering, header = row 1\) 123458, 1200000, e\.g\. 'sai'"):
        discover_journey(path)


def test_one_reading_gives_what_the_two_calls_give() -> None:
    from journeymap.discover import discover_with_variants

    events = DATA / "analytics" / "events.csv"
    designed = load_journey(DATA / "journeys" / "mua_hang_va_doi_tra.yaml")
    options = {"stage_column": "stage", "reference": designed, "min_touchpoint_share": 0.05}
    journey, variants = discover_with_variants(events, top=7, **options)
    alone = discover_journey(events, **options)
    assert dict(journey.graph.nodes(data=True)) == dict(alone.graph.nodes(data=True))
    assert dict(journey.graph.edges) == dict(alone.graph.edges)
    assert journey.description == alone.description
    # the variants count every touchpoint, before min_touchpoint_share drops any
    pd.testing.assert_frame_equal(variants, path_variants(events, top=7))
