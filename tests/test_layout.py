from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from journeymap import load_journey
from journeymap.draw.layout import layout_journey, wrap_text


@given(st.text(max_size=200), st.integers(min_value=1, max_value=40))
def test_wrap_keeps_every_character(text, width):
    lines = wrap_text(text, width)
    assert all(len(line) <= width for line in lines)
    assert "".join("".join(lines).split()) == "".join(text.split())


def test_wrap_breaks_at_spaces():
    assert wrap_text("Quét chip NFC trên căn cước công dân", 16) == ["Quét chip NFC", "trên căn cước", "công dân"]


def _overlap(a, b) -> bool:
    return abs(a.x - b.x) < (a.w + b.w) / 2 and abs(a.y - b.y) < (a.h + b.h) / 2


def test_touchpoints_never_overlap_and_sit_in_their_stage(sample_path):
    journey = load_journey(sample_path)
    layout = layout_journey(journey)
    boxes = list(layout.nodes.values())
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert not _overlap(a, b), (a.id, b.id)
        left, right = layout.stage_spans[journey.stages.index(journey.graph.nodes[a.id]["stage"])]
        assert left < a.x - a.w / 2 and a.x + a.w / 2 < right
    assert len(layout.edges) == journey.graph.number_of_edges()


def test_a_step_sits_right_of_the_step_leading_to_it(good_file):
    layout = layout_journey(load_journey(good_file))
    assert layout.nodes["doi_chieu"].x > layout.nodes["ekyc"].x  # same stage, ekyc leads to it
    assert layout.nodes["doi_chieu"].y > layout.nodes["ekyc"].y  # backstage below
    assert layout.visibility_y is not None
    assert layout.nodes["ekyc"].y < layout.visibility_y < layout.nodes["doi_chieu"].y
