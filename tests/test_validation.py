"""Every bad input the journey contract names is rejected with what, where and what is allowed."""

from __future__ import annotations

import json

import pytest

from journeymap import JourneyValidationError, loads_journey


def _problems(text: str, fmt: str = "yaml") -> list:
    with pytest.raises(JourneyValidationError) as info:
        loads_journey(text, fmt, source="j.yaml")
    assert isinstance(info.value, ValueError)
    return info.value.problems


@pytest.mark.parametrize(
    ("old", "new", "line", "expected"),
    [
        ("    ces: 6\n", "    ces: 9\n", 9, ["fb_ad", "ces", "1 (very hard) to 7 (very easy)", "9"]),
        ("    ces: 3\n", "    ces: 0\n", 17, ["ekyc", "ces", "0"]),
        ("    drop_off: 0.40\n", "    drop_off: 1.5\n", 10, ["drop_off", "0 to 1", "1.5"]),
        ("    emotion: 1\n", "    emotion: 3\n", 12, ["emotion", "-2", "+2", "3"]),
        ("    experience: [sense, feel]\n", "    experience: [sense, smell]\n", 11, ["experience", "smell", "sense, feel, think, act, relate"]),
        ("    lane: backstage\n", "    lane: offstage\n", 24, ["lane", "'frontstage' or 'backstage'", "offstage"]),
        ("    stage: Đăng ký\n    channel: app\n", "    stage: Dang ky\n    channel: app\n", 15, ["stage", "'Dang ky'", "did you mean 'Đăng ký'", "Nhận biết, Đăng ký, Sử dụng"]),
        ("{from: fb_ad, to: ekyc, volume: 1200}", "{from: fb_ad, to: ekc, volume: 1200}", 32, ["unknown touchpoint 'ekc'", "did you mean 'ekyc'", "transitions[0]"]),
        ("{from: fb_ad, to: ekyc, volume: 1200}", "{from: fb_ad, to: ekyc, volume: -5}", 32, ["volume", "0 or more", "-5"]),
        ("probability: 0.875", "probability: 1.2", 34, ["probability", "0 to 1", "1.2"]),
        ("  - id: doi_chieu\n", "  - id: ekyc\n", 21, ["duplicate touchpoint id 'ekyc'", "touchpoints[1]", "line 13"]),
        ("  - id: fb_ad\n", "  - id: Fb-Ad\n", 5, ["id", "lowercase", "Fb-Ad"]),
        ("metrics: {csat: 86, nps: 41, ttr_hours: 2.5}", "metrics: {csat: 86, nps: 141, ttr_hours: 2.5}", 30, ["nps", "-100 to 100", "141"]),
        ("metrics: {csat: 86, nps: 41, ttr_hours: 2.5}", "metrics: {csat: 86, nps: 41, ttr_hours: -1}", 30, ["ttr_hours", "0 or more"]),
        ("    ces: 6\n", "    cse: 6\n", 9, ["unknown key 'cse'", "did you mean 'ces'"]),
        ("    name: Quảng cáo Facebook\n", "", 5, ["required key 'name' is missing", "touchpoints[0] (id 'fb_ad')"]),
    ],
)
def test_bad_value_is_reported_with_place_value_and_allowed(good_text, old, new, line, expected):
    assert old in good_text
    problems = _problems(good_text.replace(old, new, 1))
    matching = [p for p in problems if expected[0] in str(p)]
    assert matching, problems
    text = str(matching[0])
    for fragment in expected:
        assert fragment in text, text
    assert matching[0].line == line


def test_missing_required_top_level_keys_are_named():
    problems = _problems("persona: ai đó\n")
    text = "\n".join(map(str, problems))
    for key in ("journey", "stages", "touchpoints"):
        assert f"required key '{key}' is missing" in text


def test_every_problem_is_reported_at_once(good_text):
    bad = (
        good_text.replace("    ces: 6\n", "    ces: 8\n")
        .replace("    emotion: -1\n", "    emotion: -7\n")
        .replace("to: doi_chieu", "to: nowhere")
        .replace("    stage: Sử dụng\n", "    stage: Hậu mãi\n")
    )
    problems = _problems(bad)
    assert len(problems) == 4
    assert [p.line for p in problems] == sorted(p.line for p in problems)


def test_yaml_syntax_error_has_line():
    problems = _problems("journey: x\nstages: [a, b\ntouchpoints: []\n")
    assert len(problems) == 1
    assert "YAML syntax error" in problems[0].message
    assert problems[0].line == 3


def test_json_syntax_error_has_line_and_column():
    problems = _problems('{\n  "journey": "x",\n  "stages": ["a",]\n}', "json")
    assert "JSON syntax error" in problems[0].message
    assert problems[0].line == 3
    assert "column" in problems[0].location


def test_json_validation_problems_carry_lines(good_text):
    import yaml

    data = yaml.safe_load(good_text)
    data["touchpoints"][1]["drop_off"] = 2
    problems = _problems(json.dumps(data, ensure_ascii=False, indent=2), "json")
    assert problems[0].line is not None and problems[0].line > 10
    assert "drop_off" in str(problems[0])


def test_duplicate_yaml_key_is_reported_not_silently_dropped(good_text):
    bad = good_text.replace("    ces: 6\n", "    ces: 6\n    ces: 2\n")
    problems = _problems(bad)
    assert "duplicate key 'ces'" in str(problems[0])
    assert problems[0].line == 10


def test_duplicate_stage_and_empty_file():
    assert "listed twice" in str(_problems("journey: x\nstages: [A, A]\ntouchpoints: [{id: a, name: a, stage: A}]\n")[0])
    assert "empty" in str(_problems("")[0])
    assert "mapping" in str(_problems("- a\n- b\n")[0])


def test_loops_and_self_loops_are_valid(good_text):
    journey = loads_journey(good_text)
    assert journey.graph.has_edge("ekyc", "ekyc")
    assert journey.graph.has_edge("chuyen_khoan", "fb_ad")
