from __future__ import annotations

import networkx as nx
import pytest

from journeymap import ExperienceType, Journey, JourneyValidationError, loads_journey


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
