"""What a designer adds to a journey shows on the canvas: rows of their own, thinks / says / does,
owners, moments of truth, stage goals, persona cards and one persona's view."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.image import BboxImage
from matplotlib.lines import Line2D
from matplotlib.text import Text
from test_canvas import _assert_no_overlap_and_inside_cells, _by_gid, _svg_texts
from typer.testing import CliRunner

from journeymap import DataError, Journey, load_journey, loads_journey
from journeymap.cli import app
from journeymap.draw.canvas import PNG_DPI, canvas_svg, journey_canvas, render_canvas

ROOT = Path(__file__).resolve().parents[1]
LOAN = ROOT / "data" / "journeys" / "vay_mua_nha.yaml"
ECOMMERCE = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"


@pytest.fixture(scope="module")
def loan() -> Journey:
    return load_journey(LOAN)


def _text(figure, gid: str) -> str:
    return " ".join(_by_gid(figure, gid).get_text().split())


def _texts_with_prefix(figure, prefix: str) -> list[str]:
    return [" ".join(t.get_text().split()) for t in figure.findobj(Text) if (t.get_gid() or "").startswith(prefix)]


def _rows(figure) -> list[str]:
    """The frontstage rows' ids, top to bottom."""
    return [g for g in (t.get_gid() for t in figure.findobj(Text)) if (g or "").startswith("row-frontstage-")]


def _all_texts(figure) -> list[str]:
    return [" ".join(t.get_text().split()) for t in figure.findobj(Text) if t.get_text()]


LANES_JOURNEY = """
journey: Mở thẻ tín dụng
stages: [Đăng ký, Nhận thẻ]
lanes: [name, {title: Chính sách, key: chinh_sach}, emotion, says, {title: Hệ thống}, owner]
touchpoints:
  - {id: dang_ky, name: Đăng ký trên app, stage: Đăng ký, emotion: 1, owner: Khối thẻ, says: Nhanh quá,
     lanes: {chinh_sach: "Miễn phí năm đầu", he_thong: "App, eKYC"}}
  - {id: nhan_the, name: Nhận thẻ tại nhà, stage: Nhận thẻ, emotion: 2, ces: 6, pain_points: [Giao trễ]}
"""


# -- rows -------------------------------------------------------------------------------------------


def test_rows_follow_the_journeys_lanes_in_order_with_rows_of_the_teams_own():
    figure = journey_canvas(loads_journey(LANES_JOURNEY))
    # ces and pain_points have data but are not listed: a lanes list says which rows appear.
    assert _rows(figure) == [
        "row-frontstage-name", "row-frontstage-custom-chinh_sach", "row-frontstage-emotion",
        "row-frontstage-says", "row-frontstage-custom-he_thong", "row-frontstage-owner",
    ]
    assert _text(figure, "row-frontstage-custom-chinh_sach") == "Chính sách"
    assert _text(figure, "row-frontstage-custom-he_thong") == "Hệ thống"  # key folded from the title
    texts = _all_texts(figure)
    assert {"Miễn phí năm đầu", "App, eKYC", "“Nhanh quá”", "Khối thẻ"} <= set(texts)
    assert "Giao trễ" not in texts


def test_a_lanes_list_without_name_still_heads_each_column_with_the_touchpoint():
    journey = loads_journey(LANES_JOURNEY.replace("lanes: [name, ", "lanes: ["))
    assert _rows(journey_canvas(journey))[0] == "row-frontstage-name"


def test_without_lanes_owner_and_thinks_says_does_show_only_when_filled_in():
    journey = Journey("Gọi tổng đài", stages=["Liên hệ"])
    journey.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    assert _rows(journey_canvas(journey)) == ["row-frontstage-name", "row-frontstage-ces"]
    journey.update_touchpoint("ivr", owner="Trung tâm CSKH", thinks="Bấm phím nào đây?", does="Nghe menu 5 phút")
    figure = journey_canvas(journey)
    assert _rows(figure) == ["row-frontstage-name", "row-frontstage-owner", "row-frontstage-does", "row-frontstage-thinks",
                     "row-frontstage-ces"]
    assert {"Trung tâm CSKH", "Bấm phím nào đây?", "Nghe menu 5 phút"} <= set(_all_texts(figure))


def test_a_channel_row_takes_the_channel_off_the_name_card():
    journey = loads_journey(LANES_JOURNEY.replace(
        "lanes: [name,", "lanes: [name, channel,").replace("stage: Đăng ký,", "stage: Đăng ký, channel: app,"))
    figure = journey_canvas(journey)
    assert _texts_with_prefix(figure, "row-frontstage-channel") == ["Kênh"]
    # once, and named in Vietnamese (journeymap.terms.channel_name), not as the id "app"
    assert _all_texts(figure).count("Ứng dụng") == 1 and "app" not in _all_texts(figure)


# -- moments of truth, stage details ----------------------------------------------------------------


def test_a_moment_of_truth_is_marked_on_its_card_on_the_curve_and_in_the_legend(loan):
    figure = journey_canvas(loan)
    marked = sorted(t.get_gid().removeprefix("moment-") for t in figure.findobj(Text)
                    if (t.get_gid() or "").startswith("moment-"))
    assert marked == ["giai_ngan", "thong_bao_phe_duyet", "tu_van_rm"]
    assert _text(figure, "moment-tu_van_rm") == "◆ khoảnh khắc quyết định"
    diamonds = [line for line in figure.findobj(Line2D) if line.get_marker() == "D"]
    assert len(diamonds) == 3 + 1  # three on the emotion curve, one in the legend
    assert "viền vàng, ◆ = khoảnh khắc quyết định" in _all_texts(figure)
    # A journey without moments of truth keeps its legend as it was.
    assert "viền vàng, ◆ = khoảnh khắc quyết định" not in _all_texts(journey_canvas(load_journey(ECOMMERCE)))


def test_stage_goals_kpis_and_durations_sit_under_the_stage_headers(loan):
    figure = journey_canvas(loan)
    assert _text(figure, "row-stage-details") == "Mục tiêu giai đoạn"
    assert _text(figure, "stage-0-goal") == "Biết mình vay được bao nhiêu và trả mỗi tháng bao nhiêu"
    assert _text(figure, "stage-0-kpis") == "KPI: Lượt dùng công cụ tính khoản vay · Tỷ lệ để lại số điện thoại"
    assert _text(figure, "stage-0-duration") == "Thời gian: 1–2 tuần"
    assert _text(figure, "stage-4-duration") == "Thời gian: 48 giờ (2 ngày)"  # a number is hours (no-break spaces)
    assert not _texts_with_prefix(figure, "stage-5-duration")  # the last stage gives none
    assert not _texts_with_prefix(journey_canvas(load_journey(ECOMMERCE)), "row-stage-details")


@pytest.mark.parametrize("dpi", [72, PNG_DPI])
def test_the_rich_sample_has_no_overlapping_or_clipped_text(loan, dpi):
    assert _assert_no_overlap_and_inside_cells(journey_canvas(loan), dpi) > 200
    _assert_no_overlap_and_inside_cells(journey_canvas(loan, persona="Anh Tuấn"), dpi)


# -- personas ---------------------------------------------------------------------------------------


def test_every_persona_gets_a_card_with_quote_goals_frustrations_and_facts(loan):
    figure = journey_canvas(loan)
    assert _texts_with_prefix(figure, "persona-name-") == ["Chị Mai", "Anh Tuấn"]
    texts = _all_texts(figure)
    assert "“Tôi chỉ cần biết chắc mỗi tháng phải trả bao nhiêu, kể cả sau khi hết ưu đãi.”" in texts
    assert "Vay được 70% giá trị căn hộ với lãi suất cố định ít nhất 2 năm." in texts
    assert "Phải xin nghỉ làm nhiều buổi để lên chi nhánh ký giấy tờ." in texts
    assert {"Tuổi: 31", "Tuổi: 42", "Mục tiêu", "Nỗi bực dọc", "Thông tin"} <= set(texts)
    assert {"CM", "AT"} <= set(texts)  # no photo: initials in the circle
    assert not any(t.startswith("Chân dung khách hàng") for t in texts)


def test_the_older_one_line_persona_keeps_its_line_under_the_title():
    figure = journey_canvas(load_journey(ECOMMERCE))
    assert any(t.startswith("Chân dung khách hàng: Nữ nhân viên văn phòng") for t in _all_texts(figure))
    assert not _texts_with_prefix(figure, "persona-name-")


PHOTO_JOURNEY = """
journey: Khám bệnh
personas:
  - {name: Cô Hoa, photo: %s, quote: Tôi ngại xếp hàng}
stages: [Khám]
touchpoints:
  - {id: kham, name: Khám, stage: Khám, emotion: 0}
"""


def _portrait(path: Path) -> None:
    from PIL import Image

    image = Image.new("RGB", (60, 90), (200, 30, 30))  # taller than wide: cropped to its middle square
    image.paste((30, 30, 200), (0, 0, 60, 45))  # top half blue
    image.save(path)


def test_a_photo_is_read_next_to_the_journey_file_and_drawn_upright(tmp_path):
    (tmp_path / "anh").mkdir()
    _portrait(tmp_path / "anh" / "hoa.png")
    path = tmp_path / "kham.yaml"
    path.write_text(PHOTO_JOURNEY % "anh/hoa.png", encoding="utf-8")
    journey = load_journey(path)
    assert journey.folder == tmp_path.resolve()
    figure = journey_canvas(journey)
    (image,) = figure.findobj(BboxImage)
    assert "CH" not in _all_texts(figure)
    out = render_canvas(journey, tmp_path / "c.png")
    from PIL import Image

    with Image.open(out) as drawn:
        box = image.get_window_extent(figure.canvas.get_renderer())
        scale = PNG_DPI / 72
        x = (box.x0 + box.x1) / 2 * scale
        top_y = drawn.height - (box.y1 - box.height * 0.3) * scale
        bottom_y = drawn.height - (box.y0 + box.height * 0.3) * scale
        red, _, blue = drawn.convert("RGB").getpixel((int(x), int(top_y)))
        assert blue > red  # the blue top half is at the top
        red, _, blue = drawn.convert("RGB").getpixel((int(x), int(bottom_y)))
        assert red > blue
    # journey.copy() keeps the folder, so a future state finds the photo too.
    assert journey.copy(title="Tương lai").folder == journey.folder


@pytest.mark.parametrize("photo", ["khong_co.png", "https://example.com/hoa.jpg", "hong.png"])
def test_a_missing_unreadable_or_web_photo_shows_initials_and_never_fails(tmp_path, photo):
    (tmp_path / "hong.png").write_bytes(b"not a picture")
    path = tmp_path / "kham.yaml"
    path.write_text(PHOTO_JOURNEY % photo, encoding="utf-8")
    figure = journey_canvas(load_journey(path))
    assert not figure.findobj(BboxImage)
    assert "CH" in _all_texts(figure)
    render_canvas(load_journey(path), tmp_path / "c.svg")


def test_a_persona_view_uses_their_values_and_greys_what_they_do_not_meet(loan):
    everyone = journey_canvas(loan)
    tuan = journey_canvas(loan, persona="Anh Tuấn")
    assert _text(tuan, "persona-view") == "Góc nhìn của persona: Anh Tuấn"
    assert _texts_with_prefix(tuan, "persona-name-") == ["Anh Tuấn"]
    texts = _all_texts(tuan)
    # nop_ho_so: ces 1 and drop-off 35% for Anh Tuấn (2 and 20% for everyone), his own pain point.
    assert "1/7 · rất khó" in texts and "2/7 · khó" not in texts
    assert "Không có sao kê lương, phải chứng minh thu nhập bằng sổ sách bán hàng và hoá đơn." in texts
    assert "Trung bình khách lên chi nhánh 2,4 lần mới đủ hồ sơ." not in texts
    assert "“Sổ sách của tôi viết tay, ngân hàng có nhận không?”" in texts
    # What he does not override stays the touchpoint's own.
    assert "Photo công chứng 14 loại giấy tờ, quay lại chi nhánh bổ sung." in texts
    # tinh_khoan_vay is Chị Mai's only: kept in its column, greyed, with no rows.
    assert _text(tuan, "tp-tinh_khoan_vay") == "Công cụ tính khoản vay trên ứng dụng"
    assert "không áp dụng cho persona này" in texts
    assert "6/7 · dễ" in _all_texts(everyone) and "Mỗi tháng 15 triệu, vợ chồng mình trả được." not in texts
    assert "chữ xám, nét đứt = persona này không đi qua điểm chạm" in texts
    mai = _all_texts(journey_canvas(loan, persona="chị mai"))  # case does not matter
    assert "không áp dụng cho persona này" not in mai and "2/7 · khó" in mai


def test_an_unknown_persona_names_the_journeys_personas(loan):
    with pytest.raises(DataError, match=r"persona 'Lan' is not a persona of journey 'Vay mua nhà tại ngân hàng'; "
                                        r"its personas: 'Chị Mai', 'Anh Tuấn'"):
        journey_canvas(loan, persona="Lan")
    with pytest.raises(TypeError, match="persona must be a persona's name"):
        journey_canvas(loan, persona=3)  # type: ignore[arg-type]


def test_a_persona_view_of_a_diff_compares_the_two_states_as_that_persona(loan):
    future = loan.copy(title="Vay mua nhà (tương lai)")
    future.update_touchpoint("nop_ho_so", by_persona={"Anh Tuấn": {"ces": 4}})
    svg = canvas_svg(future, compare_to=loan, layout="diff", persona="Anh Tuấn")
    texts = _svg_texts(svg)
    assert texts["badge-nop_ho_so"] == ["đổi"]
    assert texts["persona-view"] == ["Góc nhìn của persona: Anh Tuấn"]


def test_cx_canvas_persona_draws_that_view_and_names_the_choices(tmp_path):
    runner = CliRunner()
    out = tmp_path / "tuan.svg"
    result = runner.invoke(app, ["canvas", str(LOAN), "-o", str(out), "--persona", "Anh Tuấn"])
    assert result.exit_code == 0, result.output
    assert _svg_texts(out.read_text(encoding="utf-8"))["persona-view"] == ["Góc nhìn của persona: Anh Tuấn"]
    result = runner.invoke(app, ["canvas", str(LOAN), "-o", str(tmp_path / "x.svg"), "--persona", "Lan"])
    assert result.exit_code == 1
    assert "its personas: 'Chị Mai', 'Anh Tuấn'" in result.output
    assert not (tmp_path / "x.svg").exists()
    assert "Traceback" not in result.output


# -- flow diagram, Mermaid, report ------------------------------------------------------------------


def test_the_flow_diagram_marks_moments_of_truth_with_a_gold_border_and_a_legend_entry(loan):
    from journeymap.draw.dot import MOMENT_COLOR, journey_to_dot

    dot = journey_to_dot(loan)
    line = next(x for x in dot.splitlines() if x.startswith('  "tu_van_rm" ['))
    assert f'color="{MOMENT_COLOR}", penwidth=2.6' in line and "◆ quyết định" in line
    plain = next(x for x in dot.splitlines() if x.startswith('  "nop_ho_so" ['))
    assert MOMENT_COLOR not in plain
    assert "viền vàng ◆ = khoảnh khắc quyết định" in dot
    assert "khoảnh khắc quyết định" not in journey_to_dot(load_journey(ECOMMERCE))


def test_mermaid_names_moments_of_truth_and_lists_the_personas_who_meet_each_step(loan):
    from journeymap.draw.mermaid import journey_to_mermaid

    lines = journey_to_mermaid(loan).splitlines()
    assert "      ◆ Gặp chuyên viên tư vấn tại chi nhánh: 4: Chị Mai, Anh Tuấn" in lines
    assert "      Công cụ tính khoản vay trên ứng dụng: 4: Chị Mai" in lines  # personas: [Chị Mai]
    assert "      Nộp hồ sơ vay: 2: Khách" in journey_to_mermaid(loan, actors="Khách").splitlines()


def test_the_report_shows_a_card_per_persona_near_the_top_with_an_embedded_photo(tmp_path):
    from journeymap.report.build import build_report

    (tmp_path / "mai.png").write_bytes(b"")  # unreadable: initials
    text = LOAN.read_text(encoding="utf-8").replace("  - name: Anh Tuấn\n", "  - name: Anh Tuấn\n    photo: tuan.png\n")
    (tmp_path / "vay.yaml").write_text(text, encoding="utf-8")
    _portrait(tmp_path / "tuan.png")
    html = build_report(tmp_path / "vay.yaml")
    assert html.index('id="persona-0"') < html.index('id="persona-1"') < html.index('<section id="canvas"')
    assert "<h3>Chị Mai</h3>" in html and "<h3>Anh Tuấn</h3>" in html
    assert '<div class="avatar" aria-hidden="true">CM</div>' in html
    assert '<img class="avatar" src="data:image/png;base64,' in html and 'alt="Ảnh Anh Tuấn"' in html
    assert "“Tôi buôn bán mười năm nay, có tiền thật mà ngân hàng cứ đòi sao kê lương.”" in html
    assert "<li><b>Tuổi:</b> 31</li>" in html
    assert "Chân dung khách hàng:</b>" not in html  # the one-line persona is for older journeys
    # the cards are shown once: the canvas the report embeds leaves them to the report's header
    assert "persona-name-" not in html
    assert "persona-name-0" in canvas_svg(load_journey(tmp_path / "vay.yaml"))
    assert "Chân dung khách hàng:</b> Nữ nhân viên văn phòng" in build_report(ECOMMERCE)
