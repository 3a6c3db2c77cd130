"""Authoring journeys the way designers work: optional ids, names in transitions, percent text, the
richer model (personas, stage details, moments of truth, thinks/says/does, custom canvas rows) and
YAML syntax errors that say how to quote (issue 16, items 2 and 3)."""

from __future__ import annotations

import textwrap

import jsonschema
import pytest
import yaml

from journeymap import Journey, JourneyValidationError, dumps_journey, load_journey, loads_journey, sample_journey_paths
from journeymap.schema import journey_json_schema


def _problems(text: str) -> str:
    with pytest.raises(JourneyValidationError) as info:
        loads_journey(textwrap.dedent(text), source="j.yaml")
    return str(info.value)


# -- ids are optional; transitions name touchpoints by id or by name ------------------------------------

NO_IDS = """\
journey: Vay mua nhà
stages: [Tư vấn, Thẩm định, Giải ngân]
touchpoints:
  - name: Trả kỳ đầu
    stage: Giải ngân
  - name: Trả-kỳ-đầu
    stage: Giải ngân
  - name: Tư vấn gói vay
    stage: Tư vấn
  - id: tra_ky_dau_2
    name: Thẩm định hồ sơ
    stage: Thẩm định
  - name: Đăng ký
    stage: Tư vấn
transitions:
  - {from: Tư vấn gói vay, to: THAM DINH HO SO}
  - {from: tra_ky_dau_2, to: Trả kỳ đầu}
  - {from: Đăng ký, to: Tư vấn gói vay}
"""


def test_touchpoints_without_ids_get_unique_slugs_of_their_names_in_file_order():
    journey = loads_journey(NO_IDS)
    assert list(journey.graph.nodes) == ["tra_ky_dau", "tra_ky_dau_3", "tu_van_goi_vay", "tra_ky_dau_2", "dang_ky"]
    assert journey.touchpoint("tra_ky_dau_3").name == "Trả-kỳ-đầu"


def test_transitions_may_name_touchpoints_by_name_folded_or_exact():
    journey = loads_journey(NO_IDS)
    assert set(journey.graph.edges) == {
        ("tu_van_goi_vay", "tra_ky_dau_2"), ("tra_ky_dau_2", "tra_ky_dau"), ("dang_ky", "tu_van_goi_vay"),
    }


def test_saved_journey_writes_the_generated_ids_and_reads_back_equal():
    journey = loads_journey(NO_IDS)
    text = dumps_journey(journey)
    assert "id: tu_van_goi_vay" in text and "{from: tu_van_goi_vay, to: tra_ky_dau_2}" in text
    assert loads_journey(text) == journey


def test_an_exact_name_wins_over_names_that_only_fold_alike():
    journey = loads_journey("""\
        journey: X
        stages: [A]
        touchpoints:
          - {name: Giỏ hàng, stage: A}
          - {name: Gio hang, stage: A}
          - {name: Thanh toán, stage: A}
        transitions:
          - {from: Gio hang, to: Thanh toán}
          - {from: Giỏ hàng, to: Thanh toán}
        """.replace("        ", ""))
    assert set(journey.graph.edges) == {("gio_hang_2", "thanh_toan"), ("gio_hang", "thanh_toan")}


def test_a_name_two_touchpoints_share_is_an_error_naming_both():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - {id: a, name: Giỏ hàng, stage: A}
          - {id: b, name: Giỏ hàng, stage: A}
          - {id: c, name: Thanh toán, stage: A}
        transitions:
          - {from: giỏ hàng, to: c}
        """)
    assert "line 8, transitions[0] (giỏ hàng → c) → from: transition from 'giỏ hàng' names 2 touchpoints" in message
    assert "'a' ('Giỏ hàng'), 'b' ('Giỏ hàng'); write the id of the one meant" in message


def test_an_unknown_name_in_a_transition_is_reported_with_a_suggestion():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - {name: Tư vấn, stage: A}
          - {name: Ký hợp đồng, stage: A}
        transitions:
          - {from: Tư vấn, to: Ký hợp đồn g}
        """)
    assert "transition to unknown touchpoint 'Ký hợp đồn g' (no touchpoint has this id or name)" in message
    assert "Known ids: tu_van, ky_hop_dong" in message


def test_a_written_id_must_still_be_snake_case():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - {id: Trả-kỳ-đầu, name: Trả kỳ đầu, stage: A}
        """)
    assert "→ id: must be lowercase letters, digits and underscores" in message


# -- percent text ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("written", "share"), [("25%", 0.25), ("25 %", 0.25), ("'25,5%'", 0.255), ("'7.5 %'", 0.075),
                                                ("0.25", 0.25)])
def test_percent_text_is_read_as_a_share_wherever_a_share_is_expected(written, share):
    journey = loads_journey(textwrap.dedent(f"""\
        journey: X
        personas: [{{name: Lan}}]
        stages: [A]
        touchpoints:
          - {{id: a, name: A, stage: A, drop_off: {written}, by_persona: {{Lan: {{drop_off: {written}}}}},
              metrics: {{csat: 85%, fcr: {written}}}}}
        transitions:
          - {{from: a, to: a, probability: {written}}}
        """))
    attrs = journey.graph.nodes["a"]
    assert attrs["drop_off"] == pytest.approx(share)
    assert attrs["by_persona"]["Lan"]["drop_off"] == pytest.approx(share)
    assert attrs["metrics"] == {"csat": 85, "fcr": pytest.approx(share)}
    assert journey.graph.edges["a", "a"]["probability"] == pytest.approx(share)


def test_a_percent_over_100_is_out_of_range_with_the_allowed_values():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - {id: a, name: A, stage: A, drop_off: 125%}
        """)
    assert "drop_off: must be a share from 0 to 1 (0.4 means 40% leave here), or a percentage such as '40%'" in message


def test_the_json_schema_accepts_percent_text_for_shares():
    data = {"journey": "x", "stages": ["A"], "touchpoints": [{"name": "A", "stage": "A", "drop_off": "25,5 %"}]}
    jsonschema.validate(data, journey_json_schema())
    data["touchpoints"][0]["drop_off"] = "nhiều"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, journey_json_schema())


# -- YAML syntax errors say how to quote ------------------------------------------------------------------

def test_an_unquoted_colon_in_a_name_says_to_quote_it_and_shows_the_line():
    message = _problems("""\
        journey: Vay mua nhà
        stages: [Tư vấn]
        touchpoints:
          - name: Tư vấn: gói vay
            stage: Tư vấn
        """)
    assert "line 4, column 17: YAML syntax error: mapping values are not allowed" in message
    assert "Line 4 reads: '- name: Tư vấn: gói vay'" in message
    assert "A colon followed by a space (': ') inside a text starts a new key" in message
    assert 'put the text in double quotes: - name: "Tư vấn: gói vay"' in message


def test_a_bracket_list_left_open_says_where_it_opened_and_how_to_quote_items():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - id: a
            name: A
            stage: A
            pain_points: [Tờ trình qua 3 cấp ký, mỗi cấp [1–2 ngày]
        """)
    assert "(while parsing a flow sequence). The list in [ ] that opens on line 7" in message
    assert 'Put such an item in double quotes, e.g. ["Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày"]' in message


def test_a_colon_inside_a_bracket_list_item_says_it_was_read_as_a_mapping():
    message = _problems("""\
        journey: X
        stages: [A]
        touchpoints:
          - {id: a, name: A, stage: A, pain_points: [Chờ duyệt: 3 ngày]}
        """)
    assert ("pain_points[0]: 'Chờ duyệt: 3 ngày' was read as a mapping, because a colon followed by a space starts a "
            'key in YAML; write the text in quotes: "Chờ duyệt: 3 ngày"') in message


# -- the richer model --------------------------------------------------------------------------------------

RICH = """\
journey: Vay mua nhà lần đầu
personas:
  - name: Chị Lan
    photo: anh/lan.jpg
    quote: Tôi chỉ muốn biết khi nào có tiền.
    goals: [Vay đủ 70% giá trị căn hộ, Giải ngân trước ngày nhận nhà]
    frustrations: [Phải nộp giấy tờ nhiều lần]
    facts: {Tuổi: 32, Nghề nghiệp: Giáo viên}
  - name: Anh Minh
    facts: [Tự kinh doanh, Thu nhập không đều]
stages:
  - name: Tư vấn
    goal: Hiểu mình vay được bao nhiêu
    kpis: [Tỷ lệ khách để lại hồ sơ]
    duration: 1–2 ngày
  - Thẩm định
  - {name: Giải ngân, duration: 4}
lanes: [name, does, thinks, {title: Chính sách, key: chinh_sach}, {title: Hệ thống}, emotion, drop_off]
touchpoints:
  - name: Tư vấn tại chi nhánh
    stage: Tư vấn
    thinks: Lãi suất sau ưu đãi là bao nhiêu?
    says: Em tính giúp chị khoản trả hàng tháng.
    does: Mang sổ đỏ photo đến quầy
    lanes: {chinh_sach: Miễn phí tư vấn, he_thong: CRM}
    personas: [Chị Lan]
    by_persona:
      Chị Lan: {emotion: 1, drop_off: 10%, pain_points: [Chờ lâu]}
  - name: Thẩm định hồ sơ
    stage: Thẩm định
    moment_of_truth: true
    emotion: -1
  - name: Giải ngân
    stage: Giải ngân
    goal: true
"""


def test_the_richer_model_loads_and_saves_back_equal():
    journey = loads_journey(RICH)
    assert [p.name for p in journey.personas] == ["Chị Lan", "Anh Minh"]
    lan = journey.personas[0]
    assert lan.facts == {"Tuổi": "32", "Nghề nghiệp": "Giáo viên"} and lan.photo == "anh/lan.jpg"
    assert journey.personas[1].facts == ["Tự kinh doanh", "Thu nhập không đều"]
    assert journey.stages == ["Tư vấn", "Thẩm định", "Giải ngân"]
    assert journey.stage_info["Tư vấn"].kpis == ["Tỷ lệ khách để lại hồ sơ"]
    assert journey.stage_info["Giải ngân"].duration == 4 and journey.stage_info["Thẩm định"].goal is None
    lanes = journey.lanes
    assert lanes is not None and lanes[:3] == ["name", "does", "thinks"]
    assert [(lane.key, lane.title) for lane in lanes if not isinstance(lane, str)] == [
        ("chinh_sach", "Chính sách"), ("he_thong", "Hệ thống")]
    first = journey.touchpoint("tu_van_tai_chi_nhanh")
    assert first.does == "Mang sổ đỏ photo đến quầy" and first.lanes == {"chinh_sach": "Miễn phí tư vấn", "he_thong": "CRM"}
    assert first.by_persona["Chị Lan"].drop_off == pytest.approx(0.1) and first.personas == ["Chị Lan"]
    assert journey.touchpoint("tham_dinh_ho_so").moment_of_truth is True
    again = loads_journey(dumps_journey(journey))
    assert again == journey and dumps_journey(again) == dumps_journey(journey)
    jsonschema.validate(yaml.safe_load(RICH), journey_json_schema())


# vay_mua_nha.yaml is the sample written with the richer model (personas, lanes, moments of truth).
@pytest.mark.parametrize("path", [p for p in sample_journey_paths() if p.stem != "vay_mua_nha"], ids=lambda p: p.stem)
def test_existing_journeys_save_exactly_as_before(path):
    journey = load_journey(path)
    text = dumps_journey(journey)
    for new_key in ("personas:", "lanes:", "moment_of_truth", "by_persona", "thinks:", "kpis:"):
        assert new_key not in text
    assert dumps_journey(loads_journey(text)) == text


def test_the_older_persona_text_is_a_persona_with_only_a_name():
    journey = Journey("X", stages=["A"], persona="Nhân viên văn phòng 25–35 tuổi")
    assert [(p.name, p.goals) for p in journey.personas] == [("Nhân viên văn phòng 25–35 tuổi", [])]
    assert "personas" not in journey.to_dict()


def test_by_persona_names_the_older_persona_text_too():
    journey = loads_journey("""\
        journey: X
        persona: Sinh viên
        stages: [A]
        touchpoints:
          - {id: a, name: A, stage: A, by_persona: {Sinh viên: {emotion: -2}}}
        """.replace("        ", ""))
    assert journey.touchpoint("a").by_persona["Sinh viên"].emotion == -2


@pytest.mark.parametrize(("change", "expected"), [
    ("by_persona: {Chi Lan: {emotion: 1}}", ("line 6, touchpoints[0] (id 'a') → by_persona: 'Chi Lan' is not one of the "
                                             "journey's personas; did you mean 'Chị Lan'? Personas: Chị Lan")),
    ("personas: [Bà Hoa]", "→ personas: 'Bà Hoa' is not one of the journey's personas"),
    ("by_persona: {Chị Lan: {emotion: 5}}", "→ by_persona → Chị Lan → emotion: must be a number from -2"),
    ("by_persona: {Chị Lan: {feeling: 1}}", "by_persona → Chị Lan: unknown key 'feeling'. Allowed keys: emotion, drop_off"),
    ("lanes: {chinh_sch: x}", ("→ lanes: 'chinh_sch' is not the key of a row of your own in the journey's 'lanes' list; "
                              "did you mean 'chinh_sach'?")),
    ("moment_of_truth: có", "→ moment_of_truth: must be true or false"),
])
def test_wrong_shapes_of_the_new_touchpoint_fields_are_worded_for_authors(change, expected):
    message = _problems(f"""\
        journey: X
        personas: [{{name: Chị Lan}}]
        stages: [A]
        lanes: [name, {{title: Chính sách}}]
        touchpoints:
          - {{id: a, name: A, stage: A, {change}}}
        """)
    assert expected in message


@pytest.mark.parametrize(("top", "expected"), [
    ("persona: Lan\npersonas: [{name: Lan}]", "line 2, persona: give either 'persona' (one persona, as text) or 'personas'"),
    ("personas: [{name: Lan}, {name: Lan}]", "personas[1]: persona 'Lan' is listed twice (also personas[0])"),
    ("personas: [{name: Lan, goal: x}]", "personas[0]: unknown key 'goal'; did you mean 'goals'? Allowed keys: name, photo"),
    ("lanes: [name, thinkz]", "line 2, lanes[1]: must be a list of canvas rows: a built-in row (name, channel"),
    ("lanes: [name, {title: Hệ thống}, {title: He thong}]", "lanes[2]: canvas row 'he_thong' is listed twice"),
    ("lanes: [{title: Cảm xúc, key: emotion}]", "lanes[0] → key: the key 'emotion' of this row of your own is a built-in"),
])
def test_wrong_shapes_of_personas_and_lanes_are_worded_for_authors(top, expected):
    message = _problems("journey: X\n" + top + "\nstages: [A]\ntouchpoints: [{id: a, name: A, stage: A}]\n")
    assert expected in message


@pytest.mark.parametrize(("stage", "expected"), [
    ("{name: A, kpi: [x]}", "stages[0]: unknown key 'kpi'; did you mean 'kpis'? Allowed keys: name, goal, kpis, duration"),
    ("{name: A, duration: -3}", "stages[0] → duration"),
    ("{goal: x}", "stages[0]: required key 'name' is missing"),
    ("no", "stages[0]: 'no' was read as the boolean false; write it in quotes"),
])
def test_wrong_stage_details_are_worded_for_authors(stage, expected):
    message = _problems(f"journey: X\nstages: [{stage}]\ntouchpoints: [{{id: a, name: A, stage: A}}]\n")
    assert expected in message


def test_stage_names_written_as_mappings_are_the_stages_touchpoints_name():
    message = _problems("journey: X\nstages: [{name: Tư vấn}]\ntouchpoints: [{id: a, name: A, stage: Tu van}]\n")
    assert "stage 'Tu van' is not one of the journey's stages; did you mean 'Tư vấn'?" in message


def test_graphml_and_node_link_keep_the_new_fields(tmp_path):
    from journeymap import read_graphml, read_node_link, write_graphml, write_node_link

    journey = loads_journey(RICH)
    assert read_graphml(write_graphml(journey, tmp_path / "j.graphml")) == journey
    assert read_node_link(write_node_link(journey, tmp_path / "j.node-link.json")) == journey
