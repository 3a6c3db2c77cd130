"""journeymap.show and comments_table: what a designer sees in a notebook cell."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import pytest

import journeymap as jm
from journeymap.display import OUTPUT_MARK, PREVIEW_WIDTH


@pytest.fixture(scope="module")
def loan() -> jm.Journey:
    return jm.load_journey(next(p for p in jm.sample_journey_paths() if p.stem == "vay_mua_nha"))


def _svg_root(html: str) -> str:
    found = re.search(r"<svg\b[^>]*>", html)
    assert found, html[:300]
    return found.group(0)


def test_a_wide_canvas_fits_the_cell_and_zooms_to_its_natural_size(loan):
    shown = jm.show(loan, preview=False)
    html = shown._repr_html_()
    # one SVG, inside a container that never grows past the cell and scrolls when zoomed
    assert html.count("<svg") == 1 and "1. Tìm hiểu" in html
    uid = re.search(r'<div class="cx-show" id="([^"]+)"', html).group(1)
    assert f"#{uid} .cx-frame svg{{display:block;width:100%;max-width:100%;height:auto}}" in html
    assert f"#{uid} .cx-frame{{max-width:100%;overflow:auto" in html
    # the zoom switch: a checkbox and its label; checked, the SVG takes its own width in CSS pixels
    natural_pt = float(re.search(r'width="([0-9.]+)pt"', _svg_root(html)).group(1))
    assert natural_pt * 4 / 3 > 1500  # wider than a notebook cell: the reason for all this
    assert f"input:checked~.cx-frame svg{{width:{round(natural_pt * 4 / 3)}px;max-width:none}}" in html
    assert f'<input type="checkbox" id="{uid}-zoom"' in html and f'<label for="{uid}-zoom">' in html
    assert "<script" not in html  # works where scripts are not run
    assert shown.preview is None and repr(shown) == "Vay mua nhà tại ngân hàng (canvas)"


def test_two_pictures_in_one_notebook_get_their_own_ids_and_the_same_ids_on_every_run(loan):
    first, second = jm.show(loan, preview=False).html, jm.show(loan, preview=False).html
    ids = [re.search(r'id="(cx-show-[^"]+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1]
    # the id is a counter and a hash of the picture: no random part, so re-run notebooks diff cleanly
    assert ids[0].split("-")[-1] == ids[1].split("-")[-1]


def test_canvas_options_reach_the_canvas(loan):
    html = jm.show(loan, persona="Anh Tuấn", preview=False).html
    assert 'id="persona-view"' in html


def test_the_preview_is_a_small_png_and_marks_the_output(loan):
    shown = jm.show(loan, preview=True)
    bundle, metadata = shown._repr_mimebundle_()
    png = base64.b64decode(bundle["image/png"])
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG" and image.width == PREVIEW_WIDTH
    assert len(png) < 400_000
    assert bundle["text/html"] == shown.html and "Vay mua nhà" in bundle["text/plain"]
    assert metadata == {OUTPUT_MARK: {"preview": True}}


def test_previews_follow_the_environment_by_default(loan, monkeypatch):
    monkeypatch.setenv("JOURNEYMAP_PREVIEW", "1")
    assert jm.show(loan, kind="flow").preview is not None
    monkeypatch.delenv("JOURNEYMAP_PREVIEW")
    assert jm.show(loan, kind="flow").preview is None


def test_the_flow_diagram_fits_too(loan):
    html = jm.show(loan, kind="flow", preview=False).html
    assert "<svg" in html and "width:100%" in html and "<?xml" not in html and "<!DOCTYPE" not in html


def test_a_file_next_to_the_notebook_gets_a_link_that_opens_it(loan, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a notebook's kernel runs in the notebook's folder
    svg = tmp_path / "output" / "ban đồ.svg"
    svg.parent.mkdir()
    svg.write_text(jm.canvas_svg(loan), encoding="utf-8")
    html = jm.show(svg).html
    assert 'href="output/ban%20%C4%91%E1%BB%93.svg" target="_blank"' in html
    assert "<svg" in html and "width:100%" in html


def test_an_image_file_is_embedded_and_fitted(tmp_path, monkeypatch):
    from PIL import Image

    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (3000, 500), "white").save(tmp_path / "wide.png")
    shown = jm.show(tmp_path / "wide.png", preview=True)
    assert 'src="data:image/png;base64,' in shown.html and "width:3000px;max-width:none" in shown.html
    with Image.open(io.BytesIO(shown.preview)) as preview:
        assert preview.width == PREVIEW_WIDTH


def test_a_report_is_shown_in_a_frame(tmp_path, monkeypatch):
    (tmp_path / "elsewhere").mkdir()
    report = tmp_path / "bao_cao.html"
    report.write_text('<html><body><h1>Báo cáo "A&B"</h1></body></html>', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    html = jm.show(report, height=500).html
    assert '<iframe src="bao_cao.html"' in html and "height:500px" in html and "width:100%" in html
    # outside the notebook's folder there is no URL to give: the document goes in srcdoc, escaped
    monkeypatch.chdir(tmp_path / "elsewhere")
    html = jm.show(report).html
    assert 'srcdoc="&lt;html&gt;&lt;body&gt;&lt;h1&gt;Báo cáo &quot;A&amp;B&quot;' in html


def test_svg_text_is_accepted_and_other_things_are_refused(loan, tmp_path):
    assert "<svg" in jm.show('<?xml version="1.0"?>\n<svg width="10" height="10"></svg>').html
    with pytest.raises(jm.DataError, match="not SVG"):
        jm.show("<p>hello</p>")
    with pytest.raises(TypeError, match="Journey, SVG text or the path"):
        jm.show(42)
    with pytest.raises(TypeError, match="persona only for a journey"):
        jm.show("<svg></svg>", persona="x")
    with pytest.raises(jm.InputNotFoundError, match="no such file"):
        jm.show(tmp_path / "missing.svg")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(jm.DataError, match=r"suffix '.txt' is none of .svg"):
        jm.show(tmp_path / "notes.txt")
    with pytest.raises(ValueError, match="kind must be"):
        jm.show(loan, kind="poster")


CLASSIFIED = pd.DataFrame({
    "sentiment": ["negative", "positive", ""],
    "sentiment_confidence": [0.87654, 0.912, float("nan")],
    "causes": ["wait_time,rude_staff", "", ""],
    "p_wait_time": [0.8123, 0.04, float("nan")],
    "text_status": ["ok", "ok", "empty"],
    "text": ["Chờ 2 tiếng mà nhân viên còn quát khách", "nhân viên tư vấn nhiệt tình", ""],
})


def test_comments_read_text_first_with_vietnamese_names_and_two_decimals():
    styler = jm.comments_table(CLASSIFIED)
    shown = styler.data
    assert list(shown.columns) == ["Bình luận", "Cảm xúc chung", "Độ tin cậy: Cảm xúc chung", "Nguyên nhân",
                                   "Xác suất: Thời gian chờ lâu", "Trạng thái nội dung"]
    assert shown.iloc[0].tolist()[:4] == ["Chờ 2 tiếng mà nhân viên còn quát khách", "Tiêu cực", 0.87654,
                                          "Thời gian chờ lâu; Nhân viên thô lỗ/giận dữ"]
    html = styler.to_html()
    assert ">0.88<" in html and ">0.81<" in html and "0.8765" not in html
    # the comment wraps instead of running one word per line or off the screen
    assert re.search(r"_row0_col0, [^{]*\{\s*white-space: normal;\s*min-width: 14em;\s*max-width: 30em;", html)
    assert CLASSIFIED["sentiment"].iloc[0] == "negative"  # the caller's frame is untouched


def test_names_written_by_the_classifier_stand_in_for_the_ids_and_ids_stay_available():
    frame = CLASSIFIED.assign(causes_vi=["Thời gian chờ lâu; Nhân viên thô lỗ/giận dữ", "", ""])
    shown = jm.comments_table(frame, columns=["causes", "causes_vi"]).data
    assert list(shown.columns) == ["Bình luận", "Nguyên nhân"]
    # a comment's id is not a touchpoint's: "id" reads "Mã", the evidence columns are named too
    evidence = CLASSIFIED.assign(id=["a-1", "a-2", "a-3"], causes_evidence="", touchpoints=[["gio_hang", "chat"], [], []])
    assert jm.comments_table(evidence, columns=["touchpoints"]).data.iloc[0, 1] == "gio_hang; chat"
    assert list(jm.comments_table(evidence, columns=["id", "causes_evidence"]).data.columns) == [
        "Bình luận", "Mã", "Cụm từ dẫn đến nguyên nhân"]
    ids = jm.comments_table(frame, names="ids", columns=["sentiment", "causes"]).data
    assert list(ids.columns) == ["text", "sentiment", "causes"] and ids.iloc[0, 1] == "negative"


def test_comments_table_says_which_column_is_missing():
    with pytest.raises(jm.DataError, match=r"no comment column among the columns \['a'\]; name it with text="):
        jm.comments_table(pd.DataFrame({"a": [1]}))
    with pytest.raises(jm.DataError, match=r"no column 'tone'; the table's columns are"):
        jm.comments_table(CLASSIFIED, columns=["tone"])
    with pytest.raises(TypeError, match="pandas DataFrame"):
        jm.comments_table(["a"])
