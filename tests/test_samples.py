"""The bundled sample journeys are what the workshop material promises."""

from __future__ import annotations

import networkx as nx

from journeymap import ExperienceType, load_journey, sample_journey_paths


def test_at_least_three_samples():
    assert len(sample_journey_paths()) >= 3


def test_sample_has_both_lanes_loops_every_experience_type_and_metrics(sample_path):
    journey = load_journey(sample_path)
    tps = journey.touchpoints
    assert {tp.lane for tp in tps} == {"frontstage", "backstage"}
    assert list(nx.nodes_with_selfloops(journey.graph))
    assert any(len(cycle) > 1 for cycle in nx.simple_cycles(journey.graph))
    assert {t for tp in tps for t in tp.experience} == set(ExperienceType)
    assert sum(tp.metrics is not None for tp in tps) >= 3
    assert any(tp.goal for tp in tps)
