"""Conversion as an absorbing Markov chain: hand-solved chains, the transition rule, errors."""

from __future__ import annotations

import math

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journeymap import DataError, Journey, load_journey, sample_journey_paths
from journeymap.markov import (
    Conversion,
    conversion,
    removal_effects,
    start_distribution,
    transition_probabilities,
    what_if,
)
from journeymap.simulate import simulate_events


def _journey(*touchpoints: tuple[str, dict], transitions: list[tuple[str, str, dict]]) -> Journey:
    j = Journey("Thử nghiệm", stages=["Giai đoạn"])
    for tp_id, fields in touchpoints:
        j.add_touchpoint(tp_id, name=fields.pop("name", tp_id.upper()), stage="Giai đoạn", **fields)
    for u, v, attrs in transitions:
        j.add_transition(u, v, **attrs)
    return j


def linear() -> Journey:
    """a (drop 0.2) → b (drop 0.5) → goal: conversion 0.8 × 0.5 = 0.4."""
    return _journey(
        ("a", {"name": "Quảng cáo", "drop_off": 0.2}),
        ("b", {"name": "Đăng ký", "drop_off": 0.5}),
        ("g", {"name": "Hoàn tất", "goal": True}),
        transitions=[("a", "b", {"median_hours": 1}), ("b", "g", {"median_hours": 5, "mean_hours": 2})],
    )


def loop() -> Journey:
    """a (drop 0.2) → b; b sends 1/4 back to a and 3/4 to the goal."""
    return _journey(
        ("a", {"drop_off": 0.2}),
        ("b", {}),
        ("g", {"goal": True}),
        transitions=[("a", "b", {}), ("b", "a", {"volume": 1}), ("b", "g", {"volume": 3})],
    )


# -- hand-solved chains ----------------------------------------------------------------------------


def test_linear_chain_with_drops():
    c = conversion(linear())
    assert c.probability == pytest.approx(0.4)
    assert c.by_goal == pytest.approx({"g": 0.4})
    assert c.visits == pytest.approx({"a": 1.0, "b": 0.8, "g": 0.4})
    assert c.reach == pytest.approx({"a": 1.0, "b": 0.8, "g": 0.4})
    assert c.drop_by_touchpoint == pytest.approx({"a": 0.2, "b": 0.4, "g": 0.0})
    assert c.expected_steps == pytest.approx(2.2)
    assert c.expected_steps_to_convert == pytest.approx(3.0)
    # a → b has only a median (1 h); b → g's mean (2 h) wins over its median (5 h).
    assert c.expected_hours_to_convert == pytest.approx(3.0)


def test_loop():
    c = conversion(loop())
    assert c.probability == pytest.approx(0.75)  # x = 0.8 (0.75 + 0.25 x)
    assert c.visits == pytest.approx({"a": 1.25, "b": 1.0, "g": 0.75})
    assert c.reach == pytest.approx({"a": 1.0, "b": 0.8, "g": 0.75})
    assert c.drop_by_touchpoint == pytest.approx({"a": 0.25, "b": 0.0, "g": 0.0})
    assert c.expected_steps == pytest.approx(3.0)
    # Given conversion the number of extra loops is geometric with ratio 0.2: 2 × 1.25 + 1 visits.
    assert c.expected_steps_to_convert == pytest.approx(3.5)
    assert c.expected_hours_to_convert is None


def test_self_loop_retry():
    j = _journey(
        ("otp", {"drop_off": 0.5}),
        ("ok", {"goal": True}),
        transitions=[
            ("otp", "otp", {"volume": 1, "median_hours": 0.1}),
            ("otp", "ok", {"volume": 1, "median_hours": 1}),
        ],
    )
    c = conversion(j)
    assert c.probability == pytest.approx(1 / 3)  # 0.25 / (1 − 0.25)
    assert c.visits["otp"] == pytest.approx(4 / 3)
    assert c.reach["otp"] == pytest.approx(1.0)
    assert c.expected_steps == pytest.approx(5 / 3)
    # Retries given conversion: geometric, mean 0.25 / 0.75 = 1/3 of a 0.1 h retry.
    assert c.expected_hours_to_convert == pytest.approx(1 + 0.1 / 3)


def test_two_goals():
    j = _journey(
        ("s", {"drop_off": 0.2}),
        ("mua", {"goal": True}),
        ("dat_coc", {"goal": True}),
        transitions=[("s", "mua", {"volume": 3}), ("s", "dat_coc", {"volume": 1})],
    )
    c = conversion(j)
    assert c.by_goal == pytest.approx({"mua": 0.6, "dat_coc": 0.2})
    assert c.probability == pytest.approx(0.8)
    assert c.expected_steps_to_convert == pytest.approx(2.0)


def test_goals_keyword_overrides_the_journey_goals():
    c = conversion(linear(), goals="b")
    assert c.by_goal == pytest.approx({"b": 0.8})
    assert c.visits["g"] == 0.0


def test_start_at_a_goal_counts_as_converted():
    c = conversion(linear(), start={"a": 1, "g": 1})
    assert c.probability == pytest.approx(0.5 * 0.4 + 0.5)


def test_unreachable_touchpoints_get_zeros_and_an_unreachable_loop_is_no_trap():
    j = linear()
    j.add_touchpoint("x", name="X", stage="Giai đoạn")
    j.add_touchpoint("y", name="Y", stage="Giai đoạn")
    j.add_transition("x", "y")
    j.add_transition("y", "x")
    c = conversion(j, start="a")
    assert c.probability == pytest.approx(0.4)
    assert c.visits["x"] == c.reach["y"] == 0.0


# -- the transition rule ---------------------------------------------------------------------------


def test_rule_designed_split_with_drop_off():
    # Probabilities summing to 1 are a split of those who continue (1 − drop_off).
    j = _journey(
        ("u", {"drop_off": 0.1}),
        ("v", {}),
        ("w", {}),
        transitions=[("u", "v", {"probability": 0.6, "volume": 1}), ("u", "w", {"probability": 0.4, "volume": 9})],
    )
    P, drop = transition_probabilities(j)
    assert P == pytest.approx({("u", "v"): 0.54, ("u", "w"): 0.36})
    assert drop == pytest.approx({"u": 0.1, "v": 1.0, "w": 1.0})


def test_rule_discovered_probabilities_are_taken_as_they_are():
    # Σ probability < 1: the rest leaves, and the node's per-case drop_off is not used.
    j = _journey(
        ("x", {"drop_off": 0.2}),
        ("g", {"goal": True}),
        transitions=[("x", "x", {"probability": 0.5}), ("x", "g", {"probability": 0.4})],
    )
    P, drop = transition_probabilities(j)
    assert P == pytest.approx({("x", "x"): 0.5, ("x", "g"): 0.4})
    assert drop["x"] == pytest.approx(0.1)
    c = conversion(j)
    # Per customer, the share lost at x is what discovery's drop_off says: 0.1 / (1 − 0.5).
    assert c.drop_by_touchpoint["x"] == pytest.approx(0.2)
    assert c.probability == pytest.approx(0.8)


def test_rule_probabilities_without_drop_off_sum_to_one():
    j = _journey(("u", {}), ("v", {}), transitions=[("u", "v", {"probability": 1.0})])
    P, drop = transition_probabilities(j)
    assert P == {("u", "v"): 1.0} and drop["u"] == 0.0


def test_rule_volume_ratio_and_volume_split():
    j = _journey(
        ("u", {"volume": 100}),
        ("v", {}),
        ("w", {}),
        transitions=[("u", "v", {"volume": 30}), ("u", "w", {"volume": 50})],
    )
    P, drop = transition_probabilities(j)
    assert P == pytest.approx({("u", "v"): 0.3, ("u", "w"): 0.5})
    assert drop["u"] == pytest.approx(0.2)


def test_rule_volume_ratio_is_capped_at_one():
    j = _journey(("u", {"volume": 10}), ("v", {}), transitions=[("u", "u", {"volume": 8}), ("u", "v", {"volume": 10})])
    P, drop = transition_probabilities(j)
    assert sum(P.values()) == pytest.approx(1.0) and drop["u"] == 0.0


def test_rule_equal_split_without_volumes():
    j = _journey(
        ("u", {"drop_off": 0.4}),
        ("v", {}),
        ("w", {}),
        transitions=[("u", "v", {"volume": 5}), ("u", "w", {})],
    )
    P, _ = transition_probabilities(j)
    assert P == pytest.approx({("u", "v"): 0.3, ("u", "w"): 0.3})


def test_rule_goals_absorb_unless_told_otherwise():
    j = loop()
    j.add_transition("g", "a")
    P, drop = transition_probabilities(j)
    assert ("g", "a") not in P and drop["g"] == 0.0
    P, drop = transition_probabilities(j, absorb_goals=False)
    assert P[("g", "a")] == 1.0 and drop["g"] == 0.0
    P, drop = transition_probabilities(linear(), absorb_goals=False)
    assert drop["g"] == 1.0  # a goal with nowhere to go ends the walk


def test_designed_sample_reads_as_designed():
    j = load_journey(next(p for p in sample_journey_paths() if p.name == "mua_hang_va_doi_tra.yaml"))
    P, drop = transition_probabilities(j)
    assert P[("xac_nhan_don", "cong_thanh_toan")] == pytest.approx(0.94 * 0.6)
    assert P[("cong_thanh_toan", "cong_thanh_toan")] == pytest.approx(0.95 * 400 / 3800)
    assert drop["he_thong_don"] == 0.0
    assert ("nhan_hang", "danh_gia") not in P


# -- start distribution ----------------------------------------------------------------------------


def test_start_from_starts_attribute():
    j = linear()
    j.graph.nodes["a"]["starts"] = 30
    j.graph.nodes["b"]["starts"] = 10
    assert start_distribution(j) == pytest.approx({"a": 0.75, "b": 0.25})


def test_start_sources_equal_without_volumes_and_first_when_all_cyclic():
    j = _journey(("a", {}), ("b", {}), ("c", {}), transitions=[("a", "a", {}), ("a", "c", {}), ("b", "c", {})])
    assert start_distribution(j) == {"a": 0.5, "b": 0.5}
    cyclic = _journey(("x", {}), ("y", {}), transitions=[("x", "y", {}), ("y", "x", {})])
    assert start_distribution(cyclic) == {"x": 1.0}


def test_explicit_start_mapping_is_normalised():
    assert start_distribution(linear(), start={"a": 3, "b": 1}) == {"a": 0.75, "b": 0.25}


# -- conservation ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sample_journey_paths(), ids=lambda p: p.stem)
def test_sample_journeys_convert_between_zero_and_one_and_conserve_customers(path):
    c = conversion(load_journey(path))
    assert 0 < c.probability < 1
    assert c.probability + sum(c.drop_by_touchpoint.values()) == pytest.approx(1.0, abs=1e-9)
    assert all(0 <= r <= 1 for r in c.reach.values())
    assert c.expected_steps_to_convert >= 1


def test_only_the_ecommerce_sample_has_times():
    hours = {p.stem: conversion(load_journey(p)).expected_hours_to_convert for p in sample_journey_paths()}
    assert hours.pop("mua_hang_va_doi_tra") > 24  # warehouse and delivery take days
    assert set(hours.values()) == {None}


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=2, max_value=7).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.floats(0.05, 1.0), min_size=n, max_size=n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(1, 50)), max_size=3 * n),
        )
    )
)
def test_conversion_plus_drops_is_one_on_random_chains(case):
    n, drops, edges = case
    j = Journey("Ngẫu nhiên", stages=["S"])
    for i in range(n - 1):
        j.add_touchpoint(f"t{i}", name=f"T{i}", stage="S", drop_off=drops[i])
    j.add_touchpoint(f"t{n - 1}", name="Đích", stage="S", goal=True)
    for u, v, volume in edges:
        j.add_transition(f"t{u}", f"t{v}", volume=volume)
    c = conversion(j, start="t0")
    assert c.probability + sum(c.drop_by_touchpoint.values()) == pytest.approx(1.0, abs=1e-9)
    assert 0 <= c.probability <= 1


# -- removal effects -------------------------------------------------------------------------------


def test_removal_effect_of_a_bridge_is_one_and_of_a_side_branch_its_share():
    j = _journey(
        ("app", {"drop_off": 0.5}),
        ("web", {"drop_off": 0.5}),
        ("ekyc", {"drop_off": 0.5}),
        ("xong", {"goal": True}),
        transitions=[("app", "ekyc", {}), ("web", "ekyc", {}), ("ekyc", "xong", {})],
    )
    j.graph.nodes["app"]["starts"] = 3
    j.graph.nodes["web"]["starts"] = 1
    effects = removal_effects(j)
    assert effects["touchpoint"].tolist() == ["ekyc", "app", "web"]
    assert effects.columns.tolist() == ["touchpoint", "name", "reach", "conversion_without", "removal_effect"]
    assert effects["removal_effect"].tolist() == pytest.approx([1.0, 0.75, 0.25])
    assert effects["conversion_without"].tolist() == pytest.approx([0.0, 0.0625, 0.1875])
    assert effects.attrs["conversion"] == pytest.approx(0.25)


def test_removal_of_a_loop_touchpoint():
    effects = removal_effects(loop()).set_index("touchpoint")
    assert effects.loc["b", "removal_effect"] == pytest.approx(1.0)
    assert effects.loc["a", "removal_effect"] == pytest.approx(1.0)  # everyone starts at a


def test_removal_effects_need_some_conversion():
    j = _journey(("a", {"drop_off": 0.5}), ("g", {"goal": True}), transitions=[])
    with pytest.raises(DataError, match=r"no customer reaches a goal \(g\)"):
        removal_effects(j, start="a")


# -- what if ---------------------------------------------------------------------------------------


def test_what_if_exact_numbers_and_summary():
    result = what_if(linear(), drop_off={"b": 0.25})
    assert result.before.probability == pytest.approx(0.4)
    assert result.after.probability == pytest.approx(0.6)
    assert result.change == pytest.approx(20.0)
    assert result.summary == (
        "Nếu tỷ lệ rời bỏ tại 'Đăng ký' giảm từ 50% xuống 25%, tỷ lệ chuyển đổi tăng từ 40% lên 60% (+20 điểm %)."
    )
    assert str(result) == result.summary
    assert repr(result) == "WhatIf(before=40.0%, after=60.0%, change=+20.0 điểm)"


def test_what_if_transition_change_moves_the_difference_into_drop():
    result = what_if(loop(), transitions={("b", "a"): 0.0})
    assert result.after.probability == pytest.approx(0.6)  # b now loses its 25% instead of looping
    assert result.after.drop_by_touchpoint["b"] == pytest.approx(0.2)
    assert "giảm từ 75% xuống 60% (−15 điểm %)" in result.summary
    assert "tỷ lệ chuyển từ 'B' sang 'A' giảm từ 25% xuống 0%" in result.summary


def test_what_if_can_add_a_transition_and_join_several_changes():
    result = what_if(linear(), drop_off={"a": 0.1}, transitions={("b", "g"): 0.5})
    assert result.after.probability == pytest.approx(0.45)
    assert result.summary.startswith("Nếu tỷ lệ rời bỏ tại 'Quảng cáo' giảm từ 20% xuống 10% và tỷ lệ chuyển từ")
    shortcut = what_if(linear(), transitions={("a", "g"): 0.1})
    assert shortcut.after.probability == pytest.approx(0.1 + 0.8 * 0.5)


def test_what_if_is_monotone_in_drop_off():
    j = load_journey(next(p for p in sample_journey_paths() if p.name == "mua_hang_va_doi_tra.yaml"))
    after = [what_if(j, drop_off={"gio_hang": d}).after.probability for d in (0.6, 0.34, 0.2, 0.0)]
    assert after == sorted(after) and len(set(after)) == 4
    assert after[1] == pytest.approx(conversion(j).probability)


def test_what_if_on_a_node_with_all_customers_dropping_uses_the_designed_split():
    j = _journey(
        ("a", {"drop_off": 1.0}),
        ("g", {"goal": True}),
        ("h", {"goal": True}),
        transitions=[("a", "g", {"volume": 1}), ("a", "h", {"volume": 3})],
    )
    result = what_if(j, drop_off={"a": 0.2})
    assert result.after.by_goal == pytest.approx({"g": 0.2, "h": 0.6})


def test_results_as_tables_and_dicts():
    c = conversion(linear())
    frame = c.to_frame()
    assert frame.columns.tolist() == ["touchpoint", "name", "goal", "start", "visits", "reach", "dropped", "converted"]
    assert frame["name"].tolist() == ["Quảng cáo", "Đăng ký", "Hoàn tất"]
    assert frame["dropped"].sum() + frame["converted"].sum() == pytest.approx(1.0)
    assert c.to_dict()["by_goal"] == pytest.approx({"g": 0.4})
    assert repr(c).startswith("Conversion(probability=40.0%, expected_steps=2.20")
    assert isinstance(c, Conversion)
    table = what_if(linear(), drop_off={"b": 0.25}).to_frame().set_index("touchpoint")
    assert table.loc["b", "dropped_after"] == pytest.approx(0.2)


# -- errors ----------------------------------------------------------------------------------------


def test_no_goal_says_how_to_mark_one():
    j = _journey(("a", {}), ("b", {}), transitions=[("a", "b", {})])
    with pytest.raises(DataError, match=r"no goal touchpoint.*`goal: true`.*goals="):
        conversion(j)


def test_trap_names_the_touchpoints():
    j = _journey(
        ("a", {"drop_off": 0.5}),
        ("b", {"name": "Chờ duyệt"}),
        ("c", {"name": "Gọi tổng đài"}),
        ("g", {"goal": True}),
        transitions=[("a", "b", {}), ("a", "g", {}), ("b", "c", {}), ("c", "b", {})],
    )
    with pytest.raises(DataError, match=r"'b' \(Chờ duyệt\) ↔ 'c' \(Gọi tổng đài\) go round forever") as info:
        conversion(j)
    assert "'a'" not in str(info.value)


@pytest.mark.parametrize(
    ("call", "parameter", "bad"),
    [
        (lambda j: conversion(j, start="khong_co"), "start=", "'khong_co'"),
        (lambda j: conversion(j, start={"a": 1, "zz": 1}), "start=", "'zz'"),
        (lambda j: conversion(j, goals=["g", "dich"]), "goals=", "'dich'"),
        (lambda j: what_if(j, drop_off={"nope": 0.1}), "drop_off=", "'nope'"),
        (lambda j: what_if(j, transitions={("a", "x1"): 0.1}), "transitions=", "'x1'"),
    ],
)
def test_unknown_ids_are_listed_with_the_parameter(call, parameter, bad):
    with pytest.raises(
        ValueError, match=rf"{parameter}: unknown touchpoint id\(s\) {bad}; the journey's touchpoints are 'a', 'b', 'g'"
    ):
        call(linear())


@pytest.mark.parametrize("value", [1.5, -0.1, math.nan, "0.2"])
def test_drop_off_outside_zero_one(value):
    with pytest.raises(ValueError, match=r"drop_off=: values must be shares between 0 and 1; got 'a'"):
        what_if(linear(), drop_off={"a": value})


def test_what_if_errors():
    j = linear()
    with pytest.raises(ValueError, match="give the change"):
        what_if(j)
    with pytest.raises(ValueError, match=r"transitions=: values must be shares"):
        what_if(j, transitions={("a", "b"): 2})
    with pytest.raises(ValueError, match=r"transitions=: the probabilities out of 'a' would add up to 1.3"):
        what_if(j, transitions={("a", "g"): 0.5})
    with pytest.raises(ValueError, match=r"'a' appear in both drop_off= and transitions="):
        what_if(j, drop_off={"a": 0.1}, transitions={("a", "b"): 0.5})
    with pytest.raises(ValueError, match=r"'g' is a goal"):
        what_if(j, drop_off={"g": 0.1})
    with pytest.raises(ValueError, match=r"keys must be \(from, to\) pairs"):
        what_if(j, transitions={"a": 0.5})
    dead_end = _journey(("a", {}), ("b", {}), ("g", {"goal": True}), transitions=[("a", "g", {})])
    with pytest.raises(ValueError, match=r"drop_off=: touchpoint 'b' has no transitions"):
        what_if(dead_end, drop_off={"b": 0.5})


def test_start_errors():
    with pytest.raises(ValueError, match=r"start=: weights must be finite numbers ≥ 0; got \{'a': -1\}"):
        conversion(linear(), start={"a": -1})
    with pytest.raises(ValueError, match="start=: the weights sum to 0"):
        conversion(linear(), start={"a": 0})
    j = linear()
    j.graph.nodes["a"]["starts"] = 0
    with pytest.raises(DataError, match="every touchpoint's `starts` is 0"):
        conversion(j)
    with pytest.raises(ValueError, match="goals=: got an empty list"):
        conversion(linear(), goals=[])
    with pytest.raises(TypeError, match="journeymap.Journey or a networkx.DiGraph"):
        conversion({"a": 1})


def test_works_on_a_plain_graph():
    assert conversion(nx.DiGraph(linear().graph)).probability == pytest.approx(0.4)


# -- agreement with simulation ---------------------------------------------------------------------


def test_monte_carlo_agrees_with_conversion():
    # Every transition has a mean above its median, so the simulated gaps have exactly those means.
    j = _journey(
        ("a", {"drop_off": 0.2}),
        ("b", {"drop_off": 0.1}),
        ("g", {"goal": True}),
        ("h", {"goal": True}),
        transitions=[
            ("a", "b", {"volume": 3, "median_hours": 1, "mean_hours": 2}),
            ("a", "a", {"volume": 1, "median_hours": 0.5, "mean_hours": 0.6}),
            ("b", "a", {"volume": 1, "median_hours": 3, "mean_hours": 4}),
            ("b", "g", {"volume": 2, "median_hours": 10, "mean_hours": 12}),
            ("b", "h", {"volume": 1, "median_hours": 4, "mean_hours": 5}),
        ],
    )
    expected = conversion(j)
    cases = 40_000
    log = simulate_events(j, cases=cases, seed=7, stop_at_goals=True)
    per_case = log.groupby("case_id").agg(
        last=("touchpoint", "last"),
        events=("touchpoint", "size"),
        first=("timestamp", "first"),
        end=("timestamp", "last"),
    )
    for goal, p in expected.by_goal.items():
        observed = (per_case["last"] == goal).mean()
        assert abs(observed - p) < 4 * math.sqrt(p * (1 - p) / cases), goal
    steps = per_case["events"]
    assert abs(steps.mean() - expected.expected_steps) < 4 * steps.std() / math.sqrt(cases)
    converted = per_case[per_case["last"].isin(["g", "h"])]
    hours = (converted["end"] - converted["first"]).dt.total_seconds() / 3600
    assert abs(hours.mean() - expected.expected_hours_to_convert) < 4 * hours.std() / math.sqrt(len(hours))
    steps_converted = converted["events"]
    assert abs(steps_converted.mean() - expected.expected_steps_to_convert) < 4 * steps_converted.std() / math.sqrt(
        len(converted)
    )


def test_a_journey_discovered_from_a_log_reproduces_the_log_exactly():
    from journeymap.discover import discover_journey

    designed = load_journey(next(p for p in sample_journey_paths() if p.name == "mua_hang_va_doi_tra.yaml"))
    cases = 30_000
    log = simulate_events(designed, cases=cases, seed=11, stop_at_goals=True)
    c = conversion(discover_journey(log, reference=designed))
    # The log's visit counts solve v = α + vQ for the discovered Q (probability = volume / events),
    # so conversion and the losses per touchpoint are the log's own shares. Reading discovery's
    # per-case drop_off instead (rule 3a's alternative) would give about 0.5 points less here.
    last = log.groupby("case_id")["touchpoint"].last()
    assert c.probability == pytest.approx((last == "nhan_hang").mean(), abs=1e-9)
    for touchpoint, share in last.value_counts(normalize=True).drop("nhan_hang").items():
        assert c.drop_by_touchpoint[touchpoint] == pytest.approx(share, abs=1e-9)
    p = conversion(designed).probability
    assert abs(c.probability - p) < 4 * math.sqrt(p * (1 - p) / cases)
