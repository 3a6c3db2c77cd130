"""One touchpoint rule: comments, event logs and lived journeys find the same touchpoint for one text."""

from __future__ import annotations

import pandas as pd
import pytest

import journeymap as jm
from journeymap import DataError
from journeymap.resolve import TouchpointResolver


@pytest.fixture
def designed():
    j = jm.Journey("Mua hàng", stages=["Mua", "Sau mua"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["cart", "voucher"])
    j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Mua", goal=True)
    j.add_touchpoint("mua_lai", name="Email mua lại", stage="Sau mua", aliases=["Voucher"])
    j.add_transition("gio_hang", "thanh_toan", probability=1.0)
    j.add_transition("thanh_toan", "mua_lai", probability=1.0)
    return j


def _via_comments(journey, text):
    frame = pd.DataFrame({"text": ["ổn"], "touchpoint": [text], "sentiment": ["neutral"], "causes": [""]})
    return jm.attach_feedback(journey, frame)["touchpoints"].iloc[0][0]


def _via_event_log(journey, text):
    log = pd.DataFrame({"case": ["k1", "k1"], "touchpoint": [text, "Thanh toán"],
                        "timestamp": ["2026-01-05 08:00", "2026-01-05 08:30"]})
    lived = jm.discover_journey(log, case_column="case", reference=journey)
    return next(n for n, a in lived.graph.nodes(data=True) if a["volume"] and n != "thanh_toan")


def _via_lived_journey(journey, text):
    lived = jm.Journey("Nhật ký", stages=["Hành trình"])
    lived.add_touchpoint("tp_1", name=text, stage="Hành trình")
    matched = jm.compare_journeys(journey, lived).matched
    return matched["designed_id"].iloc[0] if len(matched) else None


@pytest.mark.parametrize("text", ["gio_hang", "Giỏ hàng", "GIO   HANG", "cart", "CART", "Giỏ-hàng"])
@pytest.mark.parametrize("route", [_via_comments, _via_event_log, _via_lived_journey])
def test_every_route_finds_the_same_touchpoint(designed, text, route):
    # an alias such as "cart" was matched by compare_journeys, made a new touchpoint in
    # discover_journey(reference=) and refused by attach_feedback(touchpoint_column=)
    assert route(designed, text) == "gio_hang"


@pytest.mark.parametrize("route", [_via_comments, _via_event_log, _via_lived_journey])
def test_a_shared_alias_is_an_error_naming_both_touchpoints_on_every_route(designed, route):
    with pytest.raises(DataError) as error:
        route(designed, "VOUCHER")
    assert "'gio_hang'" in str(error.value) and "'mua_lai'" in str(error.value)


def test_the_rule_order_decides_before_ambiguity(designed):
    designed.add_touchpoint("email", name="Email", stage="Sau mua", aliases=["giỏ hàng"])
    resolver = TouchpointResolver(designed)
    # "Giỏ hàng" is gio_hang's name and email's alias: the name rule decides first
    assert resolver.find("giỏ hàng") == (("gio_hang",), "name")
    assert resolver.find("không có").ids == ()
    with pytest.raises(ValueError, match="unknown touchpoint rules"):
        TouchpointResolver(designed, rules=["id", "slug"])


def test_the_touchpoint_column_is_used_by_default_and_none_matches_by_text(designed):
    frame = pd.DataFrame({"text": ["cart lỗi", "giỏ hàng lỗi"], "touchpoint": ["thanh_toan", ""],
                          "sentiment": ["negative"] * 2, "causes": [""] * 2})
    default = jm.attach_feedback(designed, frame)
    assert default["touchpoints"].tolist() == [["thanh_toan"], ["gio_hang"]]
    assert default["matched_by"].tolist() == ["column", "alias"]
    by_text = jm.attach_feedback(designed, frame, touchpoint_column=None)
    assert by_text["touchpoints"].tolist() == [["gio_hang"], ["gio_hang"]]
    with pytest.raises(DataError, match="'kenh'"):
        jm.attach_feedback(designed, frame, touchpoint_column="kenh")  # a named column must exist


def test_one_call_from_raw_comments_to_the_summary(designed, tmp_path):
    frame = pd.DataFrame({"text": ["cart lỗi mãi", "thanh toán nhanh", "chán"],
                          "touchpoint": ["", "Thanh toán", ""],
                          "sentiment": ["negative", "positive", "negative"], "causes": ["unresolved", "", ""]})
    path = tmp_path / "binh_luan.csv"
    frame.to_csv(path, index=False)
    by_hand = jm.summarize_feedback(designed, jm.attach_feedback(designed, frame))
    for comments in (frame, path):
        summary = jm.summarize_feedback(designed, comments)
        pd.testing.assert_frame_equal(summary, by_hand)
    assert summary.loc[["gio_hang", "thanh_toan", "(unmatched)"], "comments"].tolist() == [1, 1, 1]


def test_every_command_defaults_to_the_same_touchpoint_column():
    import typer.main

    from journeymap.cli import app
    from journeymap.resolve import DEFAULT_TOUCHPOINT_COLUMN

    group = typer.main.get_command(app)
    defaults = {name: param.default for name, command in group.commands.items() for param in command.params
                if param.name == "touchpoint_column"}
    assert set(defaults) >= {"discover", "pain", "canvas", "report"}
    assert set(defaults.values()) == {DEFAULT_TOUCHPOINT_COLUMN}
