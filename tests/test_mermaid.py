"""What a CX team pasting the Mermaid journey into GitHub or Notion relies on: the exact text, scores, escaping."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from journeymap import Journey, TouchpointSpec, load_journey, render_journey
from journeymap.draw.mermaid import journey_to_mermaid, touchpoint_score, write_mermaid

SAMPLES = sorted(Path(__file__).resolve().parents[1].joinpath("data", "journeys").glob("*.yaml"))
# The statements Mermaid's journey lexer (journey.jison) tries before a task name, case-insensitively.
KEYWORD = re.compile(r"(?i)journey|title\s|section\s|acctitle|accdescr")


def _decode(text: str) -> str:
    return re.sub(r"#(\d+);", lambda m: chr(int(m.group(1))), text)


def _parse(text: str) -> dict:
    """Read Mermaid journey text the way Mermaid's grammar splits it, then decode the entity codes."""
    lines = text.split("\n")
    assert lines[0] == "journey" and lines[-1] == ""
    title, sections = None, []
    for line in lines[1:-1]:
        # Mermaid swaps entity codes for placeholders before lexing: what is left must be plain text.
        plain = re.sub(r"#\d+;", "\x00", line.strip())
        assert "#" not in plain and ";" not in plain and "%%" not in plain, line
        if plain.lower().startswith("title "):
            assert title is None and not sections
            title = _decode(line.strip()[6:])
        elif plain.lower().startswith("section "):
            sections.append((_decode(line.strip()[8:]), []))
        else:
            assert not KEYWORD.match(plain), line
            name, score, actors = line.strip().split(":")
            sections[-1][1].append((_decode(name), int(score), [_decode(a.strip()) for a in actors.split(",")]))
    return {"title": title, "sections": sections}


@pytest.fixture
def clinic() -> Journey:
    j = Journey(
        "Khám ngoại trú",
        stages=["Đặt lịch", "Đăng ký", "Khám", "Tái khám"],
        persona="Chị Lan 40 tuổi, đưa mẹ đi khám",
    )
    j.add_touchpoint("app", name="Đặt lịch qua ứng dụng", stage="Đặt lịch", emotion=1, ces=7)
    j.add_touchpoint("his", name="Hệ thống HIS cấp số", stage="Đăng ký", lane="backstage", ces=2)
    j.add_touchpoint("quay", name="Quầy đăng ký: bốc số", stage="Đăng ký", emotion=-2)
    j.add_touchpoint("phong", name="Phòng khám số 5", stage="Khám", ces=4)
    j.add_touchpoint("nhac", name="Tin nhắn nhắc lịch", stage="Đặt lịch")
    j.add_touchpoint("kho", name="Kho dược", stage="Khám", lane="backstage")
    return j


def test_exact_text_for_a_small_journey(clinic):
    assert journey_to_mermaid(clinic) == (
        "journey\n"
        "    title Khám ngoại trú\n"
        "    section Đặt lịch\n"
        "      Đặt lịch qua ứng dụng: 4: Chị Lan 40 tuổi\n"
        "      Tin nhắn nhắc lịch: 3: Chị Lan 40 tuổi\n"
        "    section Đăng ký\n"
        "      Quầy đăng ký#58; bốc số: 1: Chị Lan 40 tuổi\n"
        "    section Khám\n"
        "      Phòng khám số 5: 3: Chị Lan 40 tuổi\n"
    )


@pytest.mark.parametrize(
    ("emotion", "ces", "expected"),
    [
        *[(e, None, s) for e, s in [(-2, 1), (-1, 2), (0, 3), (1, 4), (2, 5)]],
        *[(e, None, s) for e, s in [(-1.5, 2), (-0.5, 3), (0.4, 3), (0.5, 4), (1.5, 5)]],  # half up
        (-2, 7, 1),  # the emotion wins over the CES
        *[(None, c, s) for c, s in [(1, 1), (2, 2), (3, 2), (4, 3), (5, 4), (6, 4), (7, 5), (1.75, 2), (3.25, 3)]],
        (None, None, 3),
    ],
)
def test_score_from_emotion_then_ces_then_neutral(emotion, ces, expected):
    tp = TouchpointSpec(id="t", name="Bước", stage="S", emotion=emotion, ces=ces)
    assert touchpoint_score(tp) == expected


@pytest.mark.parametrize(("emotion", "ces", "expected"), [(-2, 7, 5), (2, 1, 1), (-1, None, 2), (None, None, 3)])
def test_score_ces_looks_at_ces_first(emotion, ces, expected):
    tp = TouchpointSpec(id="t", name="Bước", stage="S", emotion=emotion, ces=ces)
    assert touchpoint_score(tp, score="ces") == expected


def test_score_option_reaches_the_task_lines(clinic):
    scores = [task[1] for _, tasks in _parse(journey_to_mermaid(clinic, score="ces"))["sections"] for task in tasks]
    assert scores == [5, 3, 1, 3]


def test_bad_score_names_the_parameter(clinic):
    with pytest.raises(ValueError, match=r"score must be 'emotion' or 'ces'; got 'nps'"):
        journey_to_mermaid(clinic, score="nps")
    with pytest.raises(ValueError, match=r"score must be 'emotion' or 'ces'; got 'CES'"):
        touchpoint_score(clinic.touchpoint("app"), score="CES")


@pytest.mark.parametrize(
    ("name", "written"),
    [
        ('Trang "Thanh toán": VietQR #1; 50%', 'Trang "Thanh toán"#58; VietQR #35;1#59; 50%'),
        ("Dòng một\nDòng hai\r\nba", "Dòng một Dòng hai ba"),
        ("  lề hai bên\t", "#32;#32;lề hai bên#32;"),
        (" ", "#32;"),
        ("Giảm 50%% %%{init}%%", "Giảm 50#37;#37; #37;#37;{init}#37;#37;"),
        ("Title bảo hiểm", "#84;itle bảo hiểm"),
        ("section 2", "#115;ection 2"),
        ("Journeys", "#74;ourneys"),
        ("accDescr {x}", "#97;ccDescr {x}"),
        ("Titlebar", "Titlebar"),
        ("A & B <b>", "A & B <b>"),
        ("#58;", "#35;58#59;"),
        ("x ¶ß ﬂ°°1", "x #182;ß #64258;°°1"),
    ],
)
def test_task_names_are_escaped_and_decode_back(name, written):
    j = Journey("J", stages=["S"])
    j.add_touchpoint("t", name=name, stage="S", emotion=0)
    line = journey_to_mermaid(j).splitlines()[3]
    assert line == f"      {written}: 3: Khách hàng"
    assert _parse(journey_to_mermaid(j))["sections"][0][1][0][0] == re.sub(r"\r\n|[\r\n\t]", " ", name)


def test_title_section_and_actor_escaping_round_trips():
    title = 'Hành trình: "đặc biệt" #1; & <b>x</b>'
    j = Journey(title, stages=["Giai đoạn: 1 #a;", "  lề  "], persona="Chị Lan; kế toán: #1, Hà Nội")
    j.add_touchpoint("a", name="Bước a", stage="Giai đoạn: 1 #a;")
    j.add_touchpoint("b", name="Bước b", stage="  lề  ")
    text = journey_to_mermaid(j)
    assert '    title Hành trình#58; "đặc biệt" #35;1#59; #38; #60;b#62;x#60;/b#62;\n' in text
    assert "    section Giai đoạn#58; 1 #35;a#59;\n" in text
    assert "    section #32;#32;lề#32;#32;\n" in text
    parsed = _parse(text)
    assert parsed["title"] == title
    assert [s for s, _ in parsed["sections"]] == j.stages
    assert parsed["sections"][0][1] == [("Bước a", 3, ["Chị Lan; kế toán: #1"])]


def test_persona_up_to_the_first_comma_is_the_actor(clinic):
    assert journey_to_mermaid(clinic).splitlines()[3].endswith(": 4: Chị Lan 40 tuổi")
    clinic.graph.graph.pop("persona")
    assert journey_to_mermaid(clinic).splitlines()[3].endswith(": 4: Khách hàng")


def test_actors_override(clinic):
    text = journey_to_mermaid(clinic, actors=["Bà Hoa, 68 tuổi", "Con gái"])
    assert text.splitlines()[3] == "      Đặt lịch qua ứng dụng: 4: Bà Hoa#44; 68 tuổi, Con gái"
    assert _parse(text)["sections"][0][1][0][2] == ["Bà Hoa, 68 tuổi", "Con gái"]
    assert journey_to_mermaid(clinic, actors="Bà Hoa").splitlines()[3].endswith(": 4: Bà Hoa")


@pytest.mark.parametrize("actors", [[], ["Bà Hoa", "  "], [""]])
def test_blank_actors_are_refused(clinic, actors):
    with pytest.raises(ValueError, match=r"actors must be .* got " + re.escape(repr(actors))):
        journey_to_mermaid(clinic, actors=actors)


def test_sections_follow_stage_order_and_backstage_is_opt_in(clinic):
    hidden = _parse(journey_to_mermaid(clinic))["sections"]
    assert [s for s, _ in hidden] == ["Đặt lịch", "Đăng ký", "Khám"]  # "Tái khám" has no touchpoint
    assert "Hệ thống HIS cấp số" not in journey_to_mermaid(clinic)
    shown = _parse(journey_to_mermaid(clinic, backstage=True))["sections"]
    assert [s for s, _ in shown] == ["Đặt lịch", "Đăng ký", "Khám", "Hậu trường (dưới Đường ranh giới hữu hình)"]
    assert shown[-1][1] == [("Hệ thống HIS cấp số", 2, ["Chị Lan 40 tuổi"]), ("Kho dược", 3, ["Chị Lan 40 tuổi"])]
    assert shown[:3] == hidden


def test_a_journey_with_only_backstage_touchpoints_says_what_to_do():
    j = Journey("Hậu cần", stages=["Kho"])
    j.add_touchpoint("kho", name="Đóng gói", stage="Kho", lane="backstage")
    with pytest.raises(ValueError, match=r"no frontstage touchpoint.*backstage=True.*1 backstage"):
        journey_to_mermaid(j)
    assert journey_to_mermaid(j, backstage=True).endswith("    section Hậu trường (dưới Đường ranh giới hữu hình)\n      Đóng gói: 3: Khách hàng\n")


def test_a_touchpoint_in_an_unknown_stage_is_named(clinic):
    clinic.graph.nodes["phong"]["stage"] = "Không có"
    with pytest.raises(ValueError, match=r"'phong' \(stage 'Không có'\)"):
        journey_to_mermaid(clinic)


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_samples_export_every_frontstage_touchpoint_in_order(path):
    journey = load_journey(path)
    parsed = _parse(journey_to_mermaid(journey))
    assert parsed["title"] == journey.title
    everyone = [p.name.split(",")[0].strip() for p in journey.personas]
    expected = []
    for stage in journey.stages:
        front = [tp for tp in journey.touchpoints if tp.stage == stage and tp.lane == "frontstage"]
        if front:
            # A moment of truth starts with "◆ "; a step met by some personas only lists them.
            expected.append((stage, [(("◆ " if tp.moment_of_truth else "") + tp.name, touchpoint_score(tp),
                                      [a for a in everyone if a in tp.personas] or everyone) for tp in front]))
    assert parsed["sections"] == expected
    assert {score for _, tasks in parsed["sections"] for _, score, _ in tasks} <= {1, 2, 3, 4, 5}
    backstage = [tp.name for tp in journey.touchpoints if tp.lane == "backstage"]
    last_section, last_tasks = _parse(journey_to_mermaid(journey, backstage=True))["sections"][-1]
    assert backstage and last_section == "Hậu trường (dưới Đường ranh giới hữu hình)" and [task[0] for task in last_tasks] == backstage


def test_render_journey_writes_mermaid_for_mmd(clinic, tmp_path):
    out = render_journey(clinic, tmp_path / "kham.MMD")
    assert out == tmp_path / "kham.MMD"
    assert out.read_bytes() == journey_to_mermaid(clinic).encode("utf-8")
    by_ces = render_journey(clinic, tmp_path / "kham_ces.mmd", color_by="ces").read_text(encoding="utf-8")
    assert by_ces == journey_to_mermaid(clinic, score="ces")


def test_render_journey_lists_mmd_among_the_formats(clinic, tmp_path):
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot, \.mmd"):
        render_journey(clinic, tmp_path / "kham.mermaid")


def test_diacritics_are_written_as_utf8_nfc(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Thanh toán bằng thẻ")
    j = Journey(unicodedata.normalize("NFD", "Khám bệnh"), stages=["Đặt lịch"], persona="Ông Đặng Văn Ánh")
    j.add_touchpoint("tt", name=decomposed, stage="Đặt lịch", emotion=2)
    data = write_mermaid(j, tmp_path / "j.mmd").read_bytes()
    assert data.decode("utf-8") == (
        "journey\n    title Khám bệnh\n    section Đặt lịch\n      Thanh toán bằng thẻ: 5: Ông Đặng Văn Ánh\n"
    )
    assert unicodedata.is_normalized("NFC", data.decode("utf-8"))
    assert b"\r" not in data


# -- a persona's view (issue 16 item 3): the scores of by_persona, as the canvas draws them --------------

HOME_LOAN = Path(__file__).resolve().parents[1] / "data" / "journeys" / "vay_mua_nha.yaml"


def _scores(text: str) -> dict[str, int]:
    return {name: score for _, tasks in _parse(text)["sections"] for name, score, _ in tasks}


def test_mermaid_scores_the_chosen_personas_values_of_a_two_persona_journey():
    """Before: by_persona was ignored, so Anh Tuấn's 'Nộp hồ sơ vay' (emotion −2, CES 1) scored as the
    touchpoint's own −1 (2), the same as for Chị Mai. Now persona= scores each persona's own values."""
    journey = load_journey(HOME_LOAN)
    assert [p.name for p in journey.personas] == ["Chị Mai", "Anh Tuấn"]
    own = _scores(journey_to_mermaid(journey))
    tuan_text = journey_to_mermaid(journey, persona="Anh Tuấn")
    tuan, mai = _scores(tuan_text), _scores(journey_to_mermaid(journey, persona="chị mai"))  # case aside
    assert own["Nộp hồ sơ vay"] == mai["Nộp hồ sơ vay"] == 2  # emotion −1 → 2
    assert tuan["Nộp hồ sơ vay"] == 1  # Anh Tuấn: emotion −2 → 1
    assert tuan["◆ Gặp chuyên viên tư vấn tại chi nhánh"] == 3 and mai["◆ Gặp chuyên viên tư vấn tại chi nhánh"] == 4
    for persona, scores in (("Chị Mai", mai), ("Anh Tuấn", tuan)):
        for tp in journey.touchpoints:
            if tp.lane != "frontstage":
                continue
            name = ("◆ " if tp.moment_of_truth else "") + tp.name
            if tp.personas and persona not in tp.personas:
                assert name not in scores  # a step the persona never takes is left out
                continue
            variant = tp.by_persona.get(persona)
            lived = tp if variant is None else tp.model_copy(update={k: v for k, v in
                                                                     (("emotion", variant.emotion), ("ces", variant.ces))
                                                                     if v is not None})
            assert scores[name] == touchpoint_score(lived), (persona, name)
    assert "Công cụ tính khoản vay trên ứng dụng" in mai and "Công cụ tính khoản vay trên ứng dụng" not in tuan
    parsed = _parse(tuan_text)
    assert parsed["title"] == f"{journey.title} — góc nhìn của Anh Tuấn"
    assert {actor for _, tasks in parsed["sections"] for _, _, actors in tasks for actor in actors} == {"Anh Tuấn"}


def test_an_unknown_persona_is_named_with_the_journeys_personas():
    journey = load_journey(HOME_LOAN)
    with pytest.raises(ValueError, match=r"persona 'Chị Lan' is not a persona of journey .*'Chị Mai', 'Anh Tuấn'"):
        journey_to_mermaid(journey, persona="Chị Lan")
    with pytest.raises(TypeError):
        journey_to_mermaid(journey, persona=3)  # type: ignore[arg-type]


def test_cx_render_persona_writes_that_personas_mermaid_and_refuses_it_for_the_flow_diagram(tmp_path):
    from typer.testing import CliRunner

    from journeymap.cli import app

    runner = CliRunner()
    out = tmp_path / "tuan.mmd"
    result = runner.invoke(app, ["render", str(HOME_LOAN), "-o", str(out), "--persona", "Anh Tuấn"])
    assert result.exit_code == 0, result.output
    assert _scores(out.read_text(encoding="utf-8"))["Nộp hồ sơ vay"] == 1
    result = runner.invoke(app, ["render", str(HOME_LOAN), "-o", str(tmp_path / "flow.svg"), "--persona", "Anh Tuấn"])
    assert result.exit_code == 1 and "write .mmd" in result.output and not (tmp_path / "flow.svg").exists()
