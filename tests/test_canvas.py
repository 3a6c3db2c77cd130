"""The workshop canvas: nothing overlaps, every name is readable text, rows and lanes are where people look."""

from __future__ import annotations

import copy
import itertools
import struct
import subprocess
import sys
import textwrap
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.lines import Line2D
from matplotlib.text import Text

from journeymap import DataError, Journey, attach_feedback, load_journey, set_feedback, summarize_feedback
from journeymap.draw.canvas import PNG_DPI, canvas_svg, journey_canvas, render_canvas

ROOT = Path(__file__).resolve().parents[1]
ECOMMERCE = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"
COMMENTS = ROOT / "data" / "analytics" / "comments.csv"
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def ecommerce() -> Journey:
    return load_journey(ECOMMERCE)


@pytest.fixture(scope="module")
def feedback(ecommerce: Journey) -> pd.DataFrame:
    # comments.csv carries hand-made sentiment and causes, so classify=False runs no model.
    attached = attach_feedback(ecommerce, COMMENTS, touchpoint_column="touchpoint", classify=False)
    return summarize_feedback(ecommerce, attached)


def _texts(figure) -> list[Text]:
    return [t for t in figure.findobj(Text) if t.get_text()]


def _by_gid(figure, gid: str) -> Text:
    (text,) = [t for t in figure.findobj(Text) if t.get_gid() == gid]
    return text


def _svg_texts(svg: str) -> dict[str, list[str]]:
    """Lines of text under each element id (a wrapped name is one <text> per line)."""
    root = ET.fromstring(svg)
    return {
        g.get("id"): [t.text or "" for t in g.iter(f"{SVG}text")]
        for g in root.iter(f"{SVG}g")
        if g.get("id") and any(True for _ in g.iter(f"{SVG}text"))
    }


def _small_journey() -> Journey:
    j = Journey("Khám bệnh", stages=["Đặt lịch", "Khám"])
    j.add_touchpoint("dat_lich", name="Đặt lịch qua Zalo", stage="Đặt lịch", ces=5)
    j.add_touchpoint("kham", name="Bác sĩ khám", stage="Khám", ces=3)
    return j


# -- never overlapping --------------------------------------------------------------------------------


def _assert_no_overlap_and_inside_cells(figure, dpi: float) -> int:
    """Extents as drawn at ``dpi`` (the renderer lays text out exactly as it draws it; no pixels needed)."""
    figure.set_dpi(dpi)
    renderer = figure.canvas.get_renderer()
    boxes = [(t, t.get_window_extent(renderer)) for t in _texts(figure)]
    tolerance = 0.5  # pixels: antialiasing, not layout
    outside = [
        t.get_text()
        for t, box in boxes
        if not (
            t.get_clip_box().x0 - tolerance <= box.x0
            and box.x1 <= t.get_clip_box().x1 + tolerance
            and t.get_clip_box().y0 - tolerance <= box.y0
            and box.y1 <= t.get_clip_box().y1 + tolerance
        )
    ]
    assert outside == []
    overlapping = [
        (a.get_text(), b.get_text())
        for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2)
        if min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0) > tolerance
        and min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0) > tolerance
    ]
    assert overlapping == []
    return len(boxes)


@pytest.mark.parametrize("dpi", [72, PNG_DPI])
def test_no_two_texts_overlap_and_each_stays_in_its_cell(ecommerce, dpi):
    figure = journey_canvas(ecommerce)
    assert _assert_no_overlap_and_inside_cells(figure, dpi) > 250  # every pain point, chip and label counted


@pytest.mark.parametrize("dpi", [72, PNG_DPI])
def test_no_overlap_with_feedback_causes_attached(ecommerce, feedback, dpi):
    figure = journey_canvas(ecommerce, feedback=feedback)
    _assert_no_overlap_and_inside_cells(figure, dpi)
    cell = " ".join(_by_gid(figure, "tp-chat_cskh").get_text().split())
    assert cell == "Chat với chăm sóc khách hàng của sàn"
    texts = [" ".join(t.get_text().split()) for t in _texts(figure)]
    # chat_cskh: 26 comments, 19 negative; causes counted by hand from comments.csv.
    assert "26 bình luận · 73,1% tiêu cực" in texts
    assert "Vấn đề/câu hỏi không được giải quyết (10)" in texts
    assert "Thời gian chờ lâu (7)" in texts


# -- text in the SVG ----------------------------------------------------------------------------------


def test_every_touchpoint_name_is_searchable_text_with_words_intact(ecommerce):
    lines = _svg_texts(canvas_svg(ecommerce))
    for tp in ecommerce.touchpoints:
        shown = lines[f"tp-{tp.id}"]
        assert " ".join(shown) == " ".join(tp.name.split())  # wrapped only between words
        assert all(line == line.strip() and line for line in shown)


def test_svg_keeps_diacritics_as_nfc_text_and_escapes_markup():
    j = Journey("Hành trình", stages=["Giai đoạn"])
    decomposed = unicodedata.normalize("NFD", "Hoà đơn <b>& Ướt")
    j.add_touchpoint("x", name=decomposed, stage="Giai đoạn", pain_points=["Chờ <script>alert(1)</script>"])
    svg = canvas_svg(j)
    assert "Hoà đơn &lt;b&gt;&amp; Ướt" in svg
    assert decomposed not in svg
    assert "<script>" not in svg
    assert "font-family: 'DejaVu Sans'" in svg


def test_dollar_signs_and_percent_show_literally_not_as_mathtext():
    j = Journey("Khuyến mãi", stages=["Mua"])
    j.add_touchpoint("sale", name="Giá $5 & 50% off", stage="Mua", pain_points=["Mã $x^2$ không áp được"])
    figure = journey_canvas(j)
    name = _by_gid(figure, "tp-sale")
    assert name.get_text() == "Giá $5 & 50% off"
    assert name._preprocess_math(name.get_text()) == ("Giá $5 & 50% off", False)
    svg = canvas_svg(j)
    assert "Giá $5 &amp; 50% off" in svg
    assert "Mã $x^2$ không áp" in svg


def test_a_word_wider_than_any_column_breaks_after_slashes_then_with_hyphens():
    url = "vietqr.io/" + "/".join(["thanh-toan-don-hang"] * 6)
    code = "X" * 90
    j = Journey("Thanh toán", stages=["Trả tiền"])
    j.add_touchpoint("qr", name="Quét mã", stage="Trả tiền", pain_points=[url, code])
    figure = journey_canvas(j)
    texts = [t.get_text() for t in _texts(figure)]
    (url_text,) = [t for t in texts if t.startswith("vietqr.io/")]
    (code_text,) = [t for t in texts if t.startswith("XXX")]
    url_lines = url_text.split("\n")
    assert len(url_lines) > 1 and "".join(url_lines) == url
    assert all(line.endswith(("/", "-")) for line in url_lines[:-1])
    code_lines = code_text.split("\n")
    assert len(code_lines) > 1 and all(line.endswith("-") for line in code_lines[:-1])
    assert "".join(line.removesuffix("-") for line in code_lines) == code
    _assert_no_overlap_and_inside_cells(figure, 72)


# -- files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "magic"), [(".svg", b"<?xml"), (".png", b"\x89PNG\r\n\x1a\n"), (".pdf", b"%PDF-")])
def test_writes_svg_png_and_pdf_by_suffix(tmp_path, suffix, magic):
    j = _small_journey()
    out = render_canvas(j, tmp_path / f"canvas{suffix.upper()}")
    data = out.read_bytes()
    assert data.startswith(magic)
    if suffix == ".png":
        width, height = struct.unpack(">II", data[16:24])
        inches = journey_canvas(j).get_size_inches()
        assert abs(width - inches[0] * PNG_DPI) <= 1 and abs(height - inches[1] * PNG_DPI) <= 1
    if suffix == ".pdf":
        assert b"DejaVuSans" in data  # the font is embedded, so the PDF's text is the real text


def test_a_huge_canvas_png_stays_under_the_pixel_budget(tmp_path):
    stages = [f"Giai đoạn {i}" for i in range(12)]
    j = Journey("Hành trình dài", stages=stages)
    for i in range(60):
        j.add_touchpoint(
            f"tp_{i}", name=f"Điểm chạm số {i} có tên khá dài", stage=stages[i // 5], ces=1 + i % 7,
            emotion=(i % 5) - 2, drop_off=(i % 10) / 10, pain_points=["Khách phải chờ lâu ở quầy thủ tục"],
        )
    out = render_canvas(j, tmp_path / "long.png")
    width, height = struct.unpack(">II", out.read_bytes()[16:24])
    assert width > 8 * height > 0  # sixty columns side by side
    assert width * height <= 50_000_000


def test_unknown_suffix_and_journey_files_are_refused(ecommerce, tmp_path):
    with pytest.raises(ValueError, match=r"canvas\.gif from its suffix '\.gif'; use one of: \.svg, \.png, \.pdf, \.jpg, \.jpeg$"):
        render_canvas(ecommerce, tmp_path / "canvas.gif")
    journey_file = tmp_path / "journey.yaml"
    journey_file.write_text(ECOMMERCE.read_text(encoding="utf-8"), encoding="utf-8")
    for name in ("journey.yaml", "journey.JSON"):
        with pytest.raises(ValueError, match="never written over a journey file"):
            render_canvas(ecommerce, tmp_path / name)
    assert journey_file.read_text(encoding="utf-8") == ECOMMERCE.read_text(encoding="utf-8")
    assert not (tmp_path / "journey.JSON").exists()


# -- where things are ---------------------------------------------------------------------------------


def test_backstage_touchpoints_sit_below_the_line_of_visibility(ecommerce):
    figure = journey_canvas(ecommerce)
    renderer = figure.canvas.get_renderer()
    (line,) = [a for a in figure.findobj(Line2D) if a.get_gid() == "visibility-line"]
    line_y = line.get_transform().transform((line.get_xdata()[0], line.get_ydata()[0]))[1]
    label = _by_gid(figure, "visibility-label")
    assert label.get_text() == "Đường ranh giới hữu hình"
    for tp in ecommerce.touchpoints:
        box = _by_gid(figure, f"tp-{tp.id}").get_window_extent(renderer)
        if tp.lane == "backstage":
            assert box.y1 < line_y, tp.id  # display y grows upwards
        else:
            assert box.y0 > line_y, tp.id


def test_stages_are_columns_in_order_and_touchpoints_in_their_stage(ecommerce):
    figure = journey_canvas(ecommerce)
    stage_x = [_by_gid(figure, f"stage-{i}").get_position()[0] for i in range(len(ecommerce.stages))]
    assert stage_x == sorted(stage_x)
    name_x = {tp.id: _by_gid(figure, f"tp-{tp.id}").get_position()[0] for tp in ecommerce.touchpoints}
    for tp in ecommerce.touchpoints:
        i = ecommerce.stages.index(tp.stage)
        # a header is centred over its stage; the stage's columns start after the previous centre
        assert (stage_x[i - 1] if i else 0) < name_x[tp.id] < (stage_x[i + 1] if i + 1 < len(stage_x) else 1e9)
    front = [tp.id for tp in ecommerce.touchpoints if tp.lane == "frontstage" and tp.stage == "Khám phá"]
    assert [name_x[n] for n in front] == sorted(name_x[n] for n in front)


def _row_gids(figure) -> list[str]:
    return sorted(t.get_gid() for t in figure.findobj(Text) if (t.get_gid() or "").startswith("row-"))


def test_rows_without_data_are_left_out():
    j = _small_journey()
    assert _row_gids(journey_canvas(j)) == ["row-frontstage-ces", "row-frontstage-name", "row-stage"]
    assert not [a for a in journey_canvas(j).findobj(Line2D) if a.get_gid() == "visibility-line"]
    j.add_touchpoint("ho_so", name="Lấy hồ sơ bệnh án", stage="Khám", lane="backstage", metrics={"ttr_hours": 2})
    j.graph.nodes["kham"]["emotion"] = -1
    assert _row_gids(journey_canvas(j)) == [
        "row-backstage-metrics", "row-backstage-name", "row-frontstage-ces", "row-frontstage-emotion",
        "row-frontstage-name", "row-stage",
    ]


def test_comment_numbers_written_by_set_feedback_make_the_causes_row():
    j = _small_journey()
    attached = pd.DataFrame({
        "text": ["Chờ 2 tiếng mới được khám", "Bác sĩ cáu gắt, chờ lâu", "Khám kỹ, dễ hiểu"],
        "touchpoints": [["kham"], ["kham"], ["kham"]],
        "sentiment": ["negative", "negative", "positive"],
        "causes": [["wait_time"], ["rude_staff", "wait_time"], []],
    })
    set_feedback(j, summarize_feedback(j, attached))
    figure = journey_canvas(j)
    assert "row-frontstage-feedback" in _row_gids(figure)
    texts = [" ".join(t.get_text().split()) for t in _texts(figure)]
    assert "3 bình luận · 66,7% tiêu cực" in texts
    assert texts.index("Thời gian chờ lâu (2)") < texts.index("Nhân viên thô lỗ/giận dữ (1)")
    assert "comments: 3" not in " ".join(texts)  # feedback numbers are not repeated as metrics


def test_feedback_table_problems_name_the_column_and_rows():
    j = _small_journey()
    good = pd.DataFrame(
        {"comments": [4, 2], "negative_share": [0.5, 0.0], "top_causes": [[("wait_time", 2)], []]},
        index=pd.Index(["kham", "dat_lich"], name="touchpoint"),
    )
    journey_canvas(j, feedback=good)
    with pytest.raises(DataError, match=r"no column 'top_causes'"):
        journey_canvas(j, feedback=good.drop(columns="top_causes"))
    with pytest.raises(DataError, match=r"'ghost'"):
        journey_canvas(j, feedback=good.rename(index={"kham": "ghost"}))
    bad = good.assign(negative_share=[1.5, 0.0])
    message = r"column 'negative_share' must hold a share between 0 and 1; got index 'kham': 1\.5"
    with pytest.raises(DataError, match=message):
        journey_canvas(j, feedback=bad)


# -- two journeys -------------------------------------------------------------------------------------


def _future(ecommerce: Journey) -> Journey:
    future = copy.deepcopy(ecommerce)
    g = future.graph
    g.nodes["gio_hang"]["ces"] = 5
    g.nodes["chat_cskh"]["pain_points"] = ["Vẫn phải kể lại từ đầu khi đổi nhân viên."]
    g.nodes["kho_dong_goi"]["drop_off"] = 0.01
    g.remove_node("voucher_mua_lai")
    future.add_touchpoint("goi_y_size", name="Gợi ý size theo số đo", stage="Khám phá", ces=6, emotion=1)
    future.add_stage("Thành viên thân thiết")
    future.add_touchpoint("hang_thanh_vien", name="Lên hạng thành viên", stage="Thành viên thân thiết")
    return future


def test_diff_marks_exactly_the_touchpoints_that_changed(ecommerce):
    figure = journey_canvas(_future(ecommerce), compare_to=ecommerce, layout="diff")
    badges = {t.get_gid().removeprefix("badge-"): t.get_text() for t in _texts(figure)
              if (t.get_gid() or "").startswith("badge-")}
    assert badges == {
        "gio_hang": "đổi", "chat_cskh": "đổi", "kho_dong_goi": "đổi",
        "voucher_mua_lai": "bỏ", "goi_y_size": "mới", "hang_thanh_vien": "mới",
    }
    texts = [" ".join(t.get_text().split()) for t in _texts(figure)]
    assert "đổi: CES 3 → 5" in texts
    assert "đổi: điểm đau" in texts
    assert "đổi: rời bỏ 2% → 1%" in texts
    # two designed journeys are the current and the future state, never "thực tế" (lived)
    assert "Tương lai so với hiện tại: Mua hàng trên sàn thương mại điện tử và đổi trả — 2 điểm chạm mới, " \
           "3 điểm chạm đổi, 1 điểm chạm bỏ" in texts
    # the removed touchpoint is still drawn, in its old stage, after the stage's other touchpoints
    assert _by_gid(figure, "tp-voucher_mua_lai").get_position()[0] > _by_gid(figure, "tp-danh_gia").get_position()[0]
    _assert_no_overlap_and_inside_cells(figure, 72)


def test_side_by_side_stacks_the_journeys_with_shared_stages_aligned(ecommerce):
    future = _future(ecommerce)
    figure = journey_canvas(future, compare_to=ecommerce, layout="side_by_side")
    for i in range(len(future.stages)):
        top, bottom = _by_gid(figure, f"stage-{i}"), _by_gid(figure, f"compare-stage-{i}")
        assert top.get_position()[0] == bottom.get_position()[0]
        assert top.get_position()[1] < bottom.get_position()[1]  # layout y grows downwards
    assert _by_gid(figure, "compare-tp-voucher_mua_lai").get_text()
    assert not [t for t in figure.findobj(Text) if t.get_gid() == "tp-voucher_mua_lai"]
    assert _by_gid(figure, "tp-goi_y_size").get_text() == "Gợi ý size theo số đo"
    lines = _svg_texts(canvas_svg(future, compare_to=ecommerce, layout="side_by_side"))
    assert " ".join(lines["compare-tp-chat_cskh"]) == "Chat với chăm sóc khách hàng của sàn"
    texts = [" ".join(t.get_text().split()) for t in _texts(figure)]
    assert "So sánh với hiện tại: Mua hàng trên sàn thương mại điện tử và đổi trả" in texts


def test_a_design_compared_with_a_discovered_journey_is_named_design_and_lived(ecommerce):
    lived = copy.deepcopy(ecommerce)
    lived.origin = "discovered"
    texts = [" ".join(t.get_text().split()) for t in _texts(journey_canvas(_future(ecommerce), compare_to=lived,
                                                                           layout="diff"))]
    assert any(t.startswith("Thiết kế so với thực tế: Mua hàng trên sàn") for t in texts)
    texts = [" ".join(t.get_text().split()) for t in _texts(journey_canvas(_future(ecommerce), compare_to=lived,
                                                                           layout="side_by_side"))]
    assert "So sánh với thực tế: Mua hàng trên sàn thương mại điện tử và đổi trả" in texts


def test_bad_options_name_the_parameter(ecommerce):
    with pytest.raises(ValueError, match=r"layout must be 'single', 'side_by_side' or 'diff'; got 'grid'"):
        journey_canvas(ecommerce, layout="grid")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"layout='diff' needs compare_to"):
        journey_canvas(ecommerce, layout="diff")
    with pytest.raises(ValueError, match=r"compare_to is only used with"):
        journey_canvas(ecommerce, compare_to=ecommerce)


# -- no global state ----------------------------------------------------------------------------------


def test_the_figure_is_not_registered_with_pyplot(ecommerce):
    figure = journey_canvas(ecommerce)
    assert isinstance(figure.canvas, FigureCanvasAgg)
    assert figure.canvas.manager is None
    script = textwrap.dedent(
        f"""
        import sys
        from journeymap import load_journey
        from journeymap.draw.canvas import canvas_svg
        canvas_svg(load_journey({str(ECOMMERCE)!r}))
        print("matplotlib.pyplot" in sys.modules)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert result.stdout.strip() == "False"
