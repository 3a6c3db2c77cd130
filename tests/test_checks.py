"""Modelling warnings: valid journeys that are probably not what their author meant."""

from __future__ import annotations

import warnings

import pytest
from typer.testing import CliRunner

from journeymap import Journey, JourneyValidationError, JourneyWarning, load_journey, sample_journey_paths, save_journey
from journeymap import validate_journey as validate_from_front_door
from journeymap.checks import validate_journey
from journeymap.cli import app

runner = CliRunner()


def _shop(**overrides) -> Journey:
    """Cart → checkout → paid: a small journey with nothing to warn about."""
    j = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán"])
    j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", volume=1000, drop_off=0.3)
    j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán", volume=700, drop_off=0.1)
    j.add_touchpoint("xong", name="Đặt hàng thành công", stage="Thanh toán", volume=630, goal=True)
    j.add_transition("gio_hang", "thanh_toan", volume=700)
    j.add_transition("thanh_toan", "xong", volume=630)
    return j


def _codes(found: list[JourneyWarning]) -> list[tuple[str, str]]:
    return [(w.code, w.place) for w in found]


def test_a_consistent_journey_has_no_warnings():
    assert validate_journey(_shop()) == []
    assert validate_from_front_door is validate_journey


def test_orphan_touchpoint():
    j = _shop()
    j.add_touchpoint("hotline", name="Gọi tổng đài", stage="Đặt hàng")
    j.add_transition("hotline", "hotline")  # a retry loop alone does not connect it
    found = validate_journey(j)
    assert ("orphan", "touchpoint 'hotline' (Gọi tổng đài)") in _codes(found)
    orphan = next(w for w in found if w.code == "orphan")
    assert "no transition to or from another touchpoint" in orphan.message
    assert "unreachable" not in [w.code for w in found]  # reported once, as an orphan


def test_touchpoint_unreachable_from_the_start():
    j = _shop()
    j.update_touchpoint("gio_hang", starts=1000)  # customers start at the cart only
    j.add_touchpoint("zalo", name="Nhắn Zalo", stage="Đặt hàng")
    j.add_transition("zalo", "thanh_toan")
    found = validate_journey(j)
    assert _codes(found) == [("unreachable", "touchpoint 'zalo' (Nhắn Zalo)")]
    assert "no path from where the journey starts ('Giỏ hàng')" in found[0].message
    assert "reach is 0%" in found[0].message


def test_empty_stage():
    j = _shop()
    j.add_stage("Sau mua")
    assert _codes(validate_journey(j)) == [("empty_stage", "stage 'Sau mua'")]


def test_goal_with_no_path_to_it():
    j = _shop()
    j.remove_transition("thanh_toan", "xong")
    j.add_transition("xong", "thanh_toan")  # drawn the wrong way round
    j.update_touchpoint("xong", volume=None)
    j.update_touchpoint("gio_hang", starts=1000)
    found = validate_journey(j)
    assert ("unreachable_goal", "touchpoint 'xong' (Đặt hàng thành công)") in _codes(found)
    assert "leads to this goal" in next(w for w in found if w.code == "unreachable_goal").message


def test_goal_that_the_figures_make_unreachable():
    j = _shop()
    j.update_touchpoint("thanh_toan", drop_off=1, volume=None)
    j.update_transition("thanh_toan", "xong", volume=None)
    j.update_touchpoint("xong", volume=None)
    found = validate_journey(j)
    assert _codes(found) == [("unreachable_goal", "touchpoint 'xong' (Đặt hàng thành công)")]
    assert "lose every customer before this goal" in found[0].message


def test_volumes_that_contradict_drop_off_give_both_figures():
    j = _shop()
    j.update_touchpoint("gio_hang", drop_off=0.2)  # the volumes say 30% leave
    found = validate_journey(j)
    assert _codes(found) == [
        ("volumes_vs_drop_off", "touchpoint 'gio_hang' (Giỏ hàng)"),
        ("volumes_vs_conversion", "touchpoint 'xong' (Đặt hàng thành công)"),
    ]
    assert found[0].message == "volumes imply 30% leave here (700 of 1.000 go on), drop_off implies 20%"
    # 630 / 1000 by the volumes; 0.8 × 0.9 by the drop-off figures, the conversion `cx conversion` shows
    assert found[1].message.startswith(
        "volumes imply 63% of customers reach this goal (630 of 1.000 who start), drop-off and probability "
        "figures imply 72%"
    )


def test_volumes_that_contradict_probabilities():
    j = _shop()
    j.update_touchpoint("gio_hang", drop_off=None)
    j.add_touchpoint("chat", name="Chat hỗ trợ", stage="Đặt hàng", drop_off=1)
    j.update_transition("gio_hang", "thanh_toan", probability=0.5)
    j.add_transition("gio_hang", "chat", volume=100, probability=0.1)
    found = validate_journey(j)
    assert ("volumes_vs_probability", "transition gio_hang → thanh_toan") in _codes(found)
    message = next(w.message for w in found if w.place == "transition gio_hang → thanh_toan")
    assert message == (
        "volumes imply 70% of the customers at 'Giỏ hàng' go to 'Thanh toán' (700 of 1.000), the probability "
        "figures imply 50%"
    )
    assert "transition gio_hang → chat" not in [w.place for w in found]  # 100 of 1.000 is 10%: agrees


def test_tolerance_decides_how_far_apart_figures_may_be():
    j = _shop()
    j.update_touchpoint("gio_hang", drop_off=0.285)  # 1.5 points from the volumes' 30%
    assert validate_journey(j) == []
    assert [w.code for w in validate_journey(j, tolerance=0.01)] == ["volumes_vs_drop_off", "volumes_vs_conversion"]
    with pytest.raises(ValueError, match="tolerance must be a share from 0 to 1"):
        validate_journey(j, tolerance=2)


def test_volume_checks_are_skipped_for_a_discovered_journey():
    j = _shop()
    j.update_touchpoint("gio_hang", drop_off=0.2)
    j.origin = "discovered"  # volumes count customers, probabilities visits: they differ by design
    assert validate_journey(j) == []


def test_steps_after_the_goal_are_listed_under_the_goal():
    j = _shop()
    j.add_stage("Sau mua")
    j.add_touchpoint("danh_gia", name="Viết đánh giá", stage="Sau mua")
    j.add_touchpoint("doi_tra", name="Đổi trả", stage="Sau mua")
    j.add_transition("xong", "danh_gia", volume=90)
    j.add_transition("danh_gia", "doi_tra", volume=10)
    found = validate_journey(j)
    assert _codes(found) == [("after_goal", "touchpoint 'xong' (Đặt hàng thành công)")]
    assert found[0].message.startswith(
        "2 touchpoints are reached only after this goal ('Viết đánh giá', 'Đổi trả'); conversion analyses end the "
        "journey at a goal, so they show with 0% reach"
    )


def test_endless_loop_is_a_warning_not_a_crash():
    j = Journey("Hỗ trợ", stages=["Liên hệ"])
    j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ")
    j.add_touchpoint("agent", name="Tư vấn viên", stage="Liên hệ")
    j.add_touchpoint("xong", name="Đã giải quyết", stage="Liên hệ", goal=True)
    j.add_transition("ivr", "agent")
    j.add_transition("agent", "ivr")
    j.add_touchpoint("web", name="Web", stage="Liên hệ")
    j.add_transition("web", "xong")
    j.add_transition("web", "ivr")
    codes = [w.code for w in validate_journey(j)]
    assert codes == ["endless_loop"]


def test_warnings_work_with_the_warnings_module():
    j = _shop()
    j.add_stage("Sau mua")
    (found,) = validate_journey(j)
    assert isinstance(found, UserWarning)
    assert str(found) == "stage 'Sau mua': has no touchpoint; add one, or remove the stage from the journey's stages"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        warnings.warn(found, stacklevel=1)
    assert caught[0].category is JourneyWarning and caught[0].message.code == "empty_stage"


def test_strict_raises_the_warnings_and_a_broken_journey_raises_always():
    j = _shop()
    j.add_stage("Sau mua")
    with pytest.raises(JourneyValidationError, match=r"stage 'Sau mua': has no touchpoint.*\[warning: empty_stage\]"):
        validate_journey(j, strict=True)
    j.graph.nodes["gio_hang"]["ces"] = 70  # edited around the API: the contract is checked first
    with pytest.raises(JourneyValidationError, match="ces"):
        validate_journey(j)


@pytest.mark.parametrize("path", sample_journey_paths(), ids=lambda p: p.name)
def test_bundled_journeys_warn_only_about_their_after_sales_steps(path):
    found = validate_journey(load_journey(path))
    expected = {
        "ho_tro_vien_thong.yaml": [("after_goal", "xac_nhan_khac_phuc", 2)],
        "kham_benh_vien.yaml": [("after_goal", "nha_thuoc", 2)],
        "mo_tai_khoan_ngan_hang.yaml": [],
        "mua_hang_va_doi_tra.yaml": [("after_goal", "nhan_hang", 8)],
        "vay_mua_nha.yaml": [],
    }[path.name]
    assert [(w.code, w.place.split("'")[1], int(w.message.split()[0])) for w in found] == expected


def test_cx_validate_prints_warnings_after_the_ok_line_and_strict_fails(tmp_path):
    j = _shop()
    j.add_stage("Sau mua")
    path = save_journey(j, tmp_path / "mua_hang.yaml")
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].endswith("ok — 3 stages, 3 touchpoints, 2 transitions, 1 warning")
    assert lines[1] == (
        "  - warning [empty_stage] stage 'Sau mua': has no touchpoint; add one, or remove the stage from the "
        "journey's stages"
    )
    strict = runner.invoke(app, ["validate", "--strict", str(path)])
    assert strict.exit_code == 1
    assert "warning [empty_stage]" in strict.output and "--strict" in strict.output
    clean = save_journey(_shop(), tmp_path / "clean.yaml")
    assert runner.invoke(app, ["validate", "--strict", str(clean)]).exit_code == 0


def test_a_journey_of_5000_touchpoints_is_checked_in_seconds():
    import time

    j = Journey("Lớn", stages=["A"])
    for i in range(5000):
        j.add_touchpoint(f"t{i}", name=f"Bước {i}", stage="A", drop_off=0.001, goal=i == 4999)
    for i in range(4999):
        j.add_transition(f"t{i}", f"t{i + 1}")
    began = time.perf_counter()
    assert validate_journey(j) == []
    assert time.perf_counter() - began < 10  # the trap search was quadratic: about 45 s


_SPLIT = """\
journey: Vay mua nhà
stages: [Nộp hồ sơ, Giải ngân]
touchpoints:
  - name: Nộp hồ sơ
    stage: Nộp hồ sơ
    pain_points: [Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày]
    aliases: [hồ sơ vay, nộp giấy tờ]
    opportunities: ["Ký số", "gom chữ ký"]
  - name: Giải ngân
    stage: Giải ngân
    goal: true
    pain_points: [Chờ lâu, Phí cao]
transitions:
  - {from: Nộp hồ sơ, to: Giải ngân}
"""


def test_a_sentence_split_by_a_yaml_flow_list_is_a_warning_naming_its_line(tmp_path):
    """A designer's "[Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày]" silently became two bullets; now it is flagged."""
    from journeymap import load_journey

    path = tmp_path / "vay.yaml"
    path.write_text(_SPLIT, encoding="utf-8")
    journey = load_journey(path)
    assert journey.touchpoint("nop_ho_so").pain_points == ["Tờ trình qua 3 cấp ký", "mỗi cấp 1–2 ngày"]  # kept as read
    found = validate_journey(journey)
    assert [w.code for w in found] == ["split_list"]  # not the aliases, the quoted items or two capitalised items
    warning = found[0]
    assert warning.place == "line 6: touchpoints[0] → pain_points"
    assert '"Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày"' in warning.message and "2 items" in warning.message
    with pytest.raises(JourneyValidationError, match="split_list"):
        validate_journey(journey, strict=True)
    quoted = _SPLIT.replace("[Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày]", '["Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày"]')
    path.write_text(quoted, encoding="utf-8")
    assert validate_journey(load_journey(path)) == []
