"""The workshop deck (``cx deck``, :func:`journeymap.deck.journey_deck`), read back with python-pptx.

What a consultant relies on: one slide per stage with the touchpoints as a real table, Vietnamese text
as text (diacritics intact), the same numbers as the report, quotes only when comments are given,
nothing overflowing a slide, clear errors before any work, and no half-written file. The last test
converts the deck with LibreOffice and checks every page draws something; it is skipped when
``soffice`` is missing, but fails when ``CI`` is set (``.ci/run`` installs LibreOffice).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt
from typer.testing import CliRunner

from journeymap import Journey, fmt, load_journey
from journeymap.cli import app
from journeymap.deck import journey_deck
from journeymap.errors import DataError
from journeymap.markov import conversion
from journeymap.report.sections import pain_section
from journeymap.samples import data_dir

DATA = data_dir()
JOURNEYS = DATA / "journeys"
SAMPLE = JOURNEYS / "mua_hang_va_doi_tra.yaml"
COMMENTS = DATA / "analytics" / "comments.csv"
EVENTS = DATA / "analytics" / "events.csv"
FOOTER_TOP = 510.0  # slide content ends above the footer (540 pt slide)


def _titles(deck) -> list[str]:
    return [slide.shapes.title.text for slide in deck.slides]


def _slide(deck, title: str):
    return next(slide for slide in deck.slides if slide.shapes.title.text == title)


def _tables(slide) -> list:
    return [shape.table for shape in slide.shapes if shape.has_table]


def _cells(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _all_text(deck) -> str:
    parts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def _check_geometry(deck) -> None:
    """Every shape inside the slide; every table above the footer with rows as tall as planned."""
    width, height = deck.slide_width, deck.slide_height
    for number, slide in enumerate(deck.slides, start=1):
        for shape in slide.shapes:
            assert shape.left >= 0 and shape.top >= 0, (number, shape.name)
            assert shape.left + shape.width <= width and shape.top + shape.height <= height, (number, shape.name)
            if shape.has_table:
                bottom = shape.top + sum(row.height for row in shape.table.rows)
                assert bottom <= Pt(FOOTER_TOP), (number, shape.name, Pt(bottom).pt if False else bottom / 12700)
                assert sum(column.width for column in shape.table.columns) <= width - shape.left


@pytest.fixture(scope="module")
def full_deck(tmp_path_factory: pytest.TempPathFactory):
    """The e-commerce sample with the bundled comments and event log: every kind of slide."""
    out = tmp_path_factory.mktemp("deck") / "hội_thảo.pptx"
    written = journey_deck(SAMPLE, out, feedback=COMMENTS, events=EVENTS)
    assert written == out
    return Presentation(out), out


def test_the_deck_is_16_9_with_a_slide_per_stage_and_every_section(full_deck):
    deck, _ = full_deck
    journey = load_journey(SAMPLE)
    assert deck.slide_width * 9 == deck.slide_height * 16
    titles = _titles(deck)
    assert titles[:2] == [journey.title, "Bản đồ hành trình"]
    for number, stage in enumerate(journey.stages, start=1):
        assert titles.count(f"Giai đoạn {number}/{len(journey.stages)}: {stage}") == 1
    for title in ("Chuyển đổi và rời bỏ", "Nếu giảm rời bỏ: chuyển đổi tăng bao nhiêu", "Xếp hạng điểm đau",
                  "Khách hàng nói gì: nguyên nhân được nhắc đến", "Thiết kế và thực tế"):
        assert title in titles
    assert any(t.startswith("Khách hàng nói gì: Thời gian chờ lâu") for t in titles)  # a cause in Vietnamese
    # the canvas is the only picture
    pictures = [number for number, slide in enumerate(deck.slides) for shape in slide.shapes if shape.shape_type == 13]
    assert pictures == [1]
    _check_geometry(deck)


def test_the_canvas_picture_is_drawn_for_the_slide_and_fills_its_area(full_deck):
    from io import BytesIO

    from PIL import Image

    deck, _ = full_deck
    (picture,) = [shape for shape in deck.slides[1].shapes if shape.shape_type == 13]
    with Image.open(BytesIO(picture.image.blob)) as image:
        size = image.size
    shown = (picture.width / 12700, picture.height / 12700)  # EMU -> pt
    # drawn at 2 px per slide point (a 1920-pixel projector), not at 150 dpi and shrunk to 3,200 px
    assert size[0] <= 2 * shown[0] + 2 and size[1] <= 2 * shown[1] + 2
    # the canvas's white border is trimmed, so the picture reaches the content area's edges
    free_w = deck.slide_width / 12700 - 2 * picture.left / 12700
    assert shown[0] == pytest.approx(free_w, abs=1) or picture.top + picture.height > Pt(FOOTER_TOP - 40)


def test_stage_tables_hold_the_touchpoints_in_vietnamese(full_deck):
    deck, _ = full_deck
    rows = _cells(_tables(_slide(deck, "Giai đoạn 2/7: Đặt hàng"))[0])
    assert rows[0] == ["Điểm chạm", "Kênh", "CES (1–7)", "Rời bỏ", "Cảm xúc", "Điểm đau", "Cơ hội"]
    cart = next(row for row in rows if row[0].startswith("Giỏ hàng"))
    name = "Giỏ hàng & áp mã giảm giá"
    assert cart[0] == name and unicodedata.is_normalized("NFC", cart[0])
    assert cart[1] == "Ứng dụng"  # channel "app" in Vietnamese
    assert cart[2].startswith("3/7") and cart[3] == "34%" and cart[4].startswith("−1")
    assert "Có 4 loại mã (mã shop, mã sàn, mã freeship, mã ví)" in cart[5]
    assert cart[6].startswith("• Tự động chọn tổ hợp mã tiết kiệm nhất")
    # text is real text in Arial tagged Vietnamese, not a picture
    run = _tables(_slide(deck, "Giai đoạn 2/7: Đặt hàng"))[0].cell(1, 0).text_frame.paragraphs[0].runs[0]
    assert run.font.name == "Arial"


def test_every_pain_point_and_opportunity_is_shown_whole(full_deck):
    deck, _ = full_deck
    text = _all_text(deck)
    for _, attrs in load_journey(SAMPLE).graph.nodes(data=True):
        for item in [*attrs.get("pain_points", []), *attrs.get("opportunities", [])]:
            assert f"• {item}" in text


def test_the_numbers_are_the_reports(full_deck):
    deck, _ = full_deck
    journey = load_journey(SAMPLE)
    kpis = "\n".join(shape.text_frame.text for shape in _slide(deck, "Chuyển đổi và rời bỏ").shapes
                     if shape.has_text_frame)
    assert fmt.percent(conversion(journey).probability) in kpis  # "10,7%"
    pain = _tables(_slide(deck, "Xếp hạng điểm đau"))[0]
    from journeymap.feedback import summarize_feedback

    expected = pain_section(journey, summarize_feedback(journey, COMMENTS))["rows"][0]
    assert _cells(pain)[1][:4] == [str(expected["rank"]), expected["name"], expected["stage"], expected["score"]]
    sources = "\n".join(shape.text_frame.text for shape in _slide(deck, "Xếp hạng điểm đau").shapes
                        if shape.has_text_frame)
    assert "giá trị thiết kế" in sources and "comments.csv" in sources and "do người gán" in sources


def test_quotes_per_cause_come_from_the_comments(full_deck):
    deck, _ = full_deck
    slide = next(s for s in deck.slides if s.shapes.title.text == "Khách hàng nói gì: Thời gian chờ lâu")
    quotes = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame and "“" in shape.text_frame.text]
    assert 1 <= len(quotes) <= 3
    import pandas as pd

    texts = set(pd.read_csv(COMMENTS, dtype=str)["text"])
    for quote in quotes:
        said = quote.split("”")[0].lstrip("“")
        assert said in texts  # quoted as written


def test_designed_versus_lived_has_both_conversions(full_deck):
    deck, _ = full_deck
    slide = _slide(deck, "Thiết kế và thực tế")
    text = "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
    assert "Thiết kế: 10,7%" in text and "Thực tế: " in text and "điểm %" in text


@pytest.mark.parametrize("path", sorted(JOURNEYS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_sample_journey_makes_a_deck_that_fits(tmp_path, path):
    out = journey_deck(path, tmp_path / "deck.pptx")
    deck = Presentation(out)
    journey = load_journey(path)
    titles = _titles(deck)
    for number, stage in enumerate(journey.stages, start=1):
        assert f"Giai đoạn {number}/{len(journey.stages)}: {stage}" in titles
    _check_geometry(deck)
    text = _all_text(deck)
    for _, attrs in journey.graph.nodes(data=True):
        assert attrs["name"] in text
    # without comments or an event log, their slides are left out and the pain slide says so
    assert not any(t.startswith(("Khách hàng nói gì", "Thiết kế và thực tế")) for t in titles)
    assert "chưa có bình luận" in text


@pytest.fixture(scope="module")
def persona_decks(tmp_path_factory: pytest.TempPathFactory):
    """The home-loan sample with a photo for Chị Mai: its deck, and the deck for Chị Mai alone written
    by ``cx deck --persona`` (built once, read by the persona test and the command's test)."""
    from PIL import Image

    folder = tmp_path_factory.mktemp("persona")
    source = (JOURNEYS / "vay_mua_nha.yaml").read_text(encoding="utf-8")
    (folder / "vay.yaml").write_text(source.replace("  - name: Chị Mai\n", "  - name: Chị Mai\n    photo: mai.png\n", 1),
                                     encoding="utf-8")
    Image.new("RGB", (120, 90), "#3a7").save(folder / "mai.png")
    everyone = journey_deck(folder / "vay.yaml", folder / "vay.pptx")
    one = folder / "hội thảo chị mai.pptx"
    result = CliRunner().invoke(app, ["deck", str(folder / "vay.yaml"), "-o", str(one), "--persona", "chị mai"])
    return Presentation(everyone), one, result


def test_personas_on_the_title_slide_and_a_moment_of_truth_marked(persona_decks):
    deck, one_path, result = persona_decks
    title = deck.slides[0]
    text = "\n".join(shape.text_frame.text for shape in title.shapes if shape.has_text_frame)
    for expected in ("Chị Mai", "Anh Tuấn", "“Tôi chỉ cần biết chắc mỗi tháng phải trả bao nhiêu",
                     "• Vay được 70% giá trị căn hộ", "Nỗi bực dọc"):
        assert expected in text
    assert sum(shape.shape_type == 13 for shape in title.shapes) == 1  # the photo
    advice = _cells(_tables(_slide(deck, "Giai đoạn 2/6: Tư vấn & nộp hồ sơ"))[0])
    assert "◆ khoảnh khắc quyết định" in next(row[0] for row in advice if row[0].startswith("Gặp chuyên viên"))

    assert result.exit_code == 0, result.output
    one = Presentation(one_path)
    text = "\n".join(shape.text_frame.text for shape in one.slides[0].shapes if shape.has_text_frame)
    assert "Chị Mai" in text and "Anh Tuấn" not in text
    assert "persona Chị Mai" in "\n".join(shape.text_frame.text for shape in one.slides[1].shapes
                                            if shape.has_text_frame)


def _crowded_journey() -> Journey:
    j = Journey("Hành trình dài", stages=["Đăng ký"])
    for i in range(14):
        j.add_touchpoint(f"b{i}", name=f"Bước {i} — xác thực thông tin khách hàng", stage="Đăng ký", channel="web",
                         ces=3, drop_off=0.05, emotion=-1,
                         pain_points=[f"Khách phải nhập lại số căn cước lần thứ {i} vì biểu mẫu bị xoá khi mất mạng."],
                         opportunities=["Lưu nháp tự động mỗi 10 giây."])
        if i:
            j.add_transition(f"b{i - 1}", f"b{i}")
    return j


def test_a_crowded_stage_continues_on_a_second_slide(tmp_path):
    deck = Presentation(journey_deck(_crowded_journey(), tmp_path / "dai.pptx"))
    titles = _titles(deck)
    assert "Giai đoạn 1/1: Đăng ký" in titles and "Giai đoạn 1/1: Đăng ký (tiếp)" in titles
    names = [row[0] for title in titles if title.startswith("Giai đoạn 1/1")
             for row in _cells(_tables(_slide(deck, title))[0])[1:]]
    assert names == [f"Bước {i} — xác thực thông tin khách hàng" for i in range(14)]  # each once, in order
    for slide in deck.slides:
        for table in _tables(slide):
            for row in table.rows:
                for cell in row.cells:
                    for run in (r for p in cell.text_frame.paragraphs for r in p.runs):
                        assert run.font.size is None or run.font.size.pt >= 9  # 10 pt × 0,9 for bullets
    _check_geometry(deck)


def test_an_endless_text_is_cut_with_an_ellipsis_and_still_fits(tmp_path):
    j = Journey("Một bước", stages=["Đăng ký"])
    j.add_touchpoint("form", name="Điền đơn", stage="Đăng ký", pain_points=["Chờ đợi mãi không xong. " * 300])
    deck = Presentation(journey_deck(j, tmp_path / "dai.pptx"))
    rows = _cells(_tables(_slide(deck, "Giai đoạn 1/1: Đăng ký"))[0])
    assert rows[1][5].startswith("• Chờ đợi mãi không xong.") and rows[1][5].endswith("…")
    _check_geometry(deck)


def test_bad_outputs_and_persona_are_refused_before_any_work(tmp_path):
    with pytest.raises(DataError, match=r"\.pptx"):
        journey_deck(SAMPLE, tmp_path / "deck.pdf")
    (tmp_path / "old.pptx").mkdir()
    with pytest.raises(DataError, match="is a folder"):
        journey_deck(SAMPLE, tmp_path / "old.pptx")
    shutil.copy(COMMENTS, tmp_path / "comments.pptx")
    before = (tmp_path / "comments.pptx").read_bytes()
    with pytest.raises(DataError, match="refusing to overwrite the input file"):
        journey_deck(SAMPLE, tmp_path / "comments.pptx", feedback=tmp_path / "comments.pptx")
    assert (tmp_path / "comments.pptx").read_bytes() == before
    with pytest.raises(DataError, match=r"persona 'Chị Lan' is not a persona of journey .*'Chị Mai', 'Anh Tuấn'"):
        journey_deck(JOURNEYS / "vay_mua_nha.yaml", tmp_path / "lan.pptx", persona="Chị Lan")
    with pytest.raises(DataError, match="not both"):
        journey_deck(SAMPLE, tmp_path / "both.pptx", events=EVENTS, compare_to=SAMPLE)
    with pytest.raises(TypeError, match="journey must be"):
        journey_deck(42, tmp_path / "x.pptx")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["comments.pptx", "old.pptx"]


def test_a_failure_while_writing_leaves_no_file_and_the_old_deck_untouched(tmp_path, monkeypatch):
    from journeymap.deck import _pptx

    out = tmp_path / "deck.pptx"
    out.write_bytes(b"the deck of last week")

    def broken(self, path):
        Path(path).write_bytes(b"PK half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(_pptx.Slides, "save", broken)
    small = Journey("Một bước", stages=["Đăng ký"])  # the failure is in saving: any deck will do
    small.add_touchpoint("form", name="Điền đơn", stage="Đăng ký")
    with pytest.raises(OSError, match="disk full"):
        journey_deck(small, out)
    assert out.read_bytes() == b"the deck of last week"
    assert [p.name for p in tmp_path.iterdir()] == ["deck.pptx"]


def test_current_versus_future_state(tmp_path):
    current = load_journey(SAMPLE)
    future = current.copy(title="Mua hàng (tương lai)")
    future.update_touchpoint("gio_hang", drop_off=0.2)
    future.remove_touchpoint("voucher_mua_lai", reconnect=True) if "voucher_mua_lai" in future.graph else None
    deck = Presentation(journey_deck(current, tmp_path / "so_sanh.pptx", compare_to=future))
    assert "Hiện tại và tương lai" in _titles(deck)


def test_cx_deck(tmp_path, persona_decks):
    runner = CliRunner()
    _, out, result = persona_decks  # cx deck vay.yaml -o "hội thảo chị mai.pptx" --persona "chị mai"
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output and out.stat().st_size > 0
    bad = runner.invoke(app, ["deck", str(SAMPLE), "-o", str(tmp_path / "deck.key")])
    assert bad.exit_code == 1 and "cannot tell the format" in bad.output and ".pptx" in bad.output
    missing = runner.invoke(app, ["deck", str(SAMPLE), "-o", str(tmp_path / "d.pptx"), "--events", "khong_co.csv"])
    assert missing.exit_code == 1 and "khong_co.csv does not exist" in missing.output
    persona = runner.invoke(app, ["deck", str(JOURNEYS / "vay_mua_nha.yaml"), "-o", str(tmp_path / "p.pptx"),
                                  "--persona", "Chị Lan"])
    assert persona.exit_code == 1 and "Traceback" not in persona.output and "its personas" in persona.output


def test_cx_help_does_not_load_python_pptx():
    code = ("import sys; from journeymap.cli import app; from typer.testing import CliRunner\n"
            "assert CliRunner().invoke(app, ['deck', '--help']).exit_code == 0\n"
            "print(sorted({'pptx', 'lxml', 'PIL'} & {m.split('.')[0] for m in sys.modules}))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- as LibreOffice draws it ----------------------------------------------------------------------


def _soffice() -> str:
    executable = shutil.which("soffice") or shutil.which("libreoffice")
    if executable is None:
        reason = ("LibreOffice is not installed (looked for 'soffice' and 'libreoffice' on PATH); install it with: "
                  "apt-get install --no-install-recommends libreoffice-impress")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must convert the deck to PDF.")
        pytest.skip(reason)
    return executable


def test_libreoffice_draws_every_slide(full_deck, tmp_path):
    from PIL import Image, ImageStat

    soffice = _soffice()
    if shutil.which("pdftoppm") is None:
        if os.environ.get("CI"):
            pytest.fail("pdftoppm (poppler-utils) is not installed; CI must render the deck's PDF")
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    deck, path = full_deck
    profile = tmp_path / "profile"  # its own LibreOffice profile: no clash with a running instance
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=180)
    pdf = tmp_path / (path.stem + ".pdf")
    subprocess.run(["pdftoppm", "-r", "20", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == len(deck.slides)
    for page in pages:
        with Image.open(page) as image:
            grey = image.convert("L")
            assert grey.size[0] * 9 == pytest.approx(grey.size[1] * 16, rel=0.02)
            assert ImageStat.Stat(grey).stddev[0] > 5, f"{page.name} is blank"


def test_the_deck_uses_only_public_names_of_the_report_and_the_canvas():
    """What the deck takes from the rest of journeymap (the report, the canvas, the feedback summary,
    the words) is public: no private name, no private module such as ``draw.canvas._style``."""
    import ast

    import journeymap.deck

    private, imported = [], []
    for path in Path(journeymap.deck.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level >= 2 or (node.level == 0 and (node.module or "").startswith("journeymap.")):
                module = (node.module or "").removeprefix("journeymap.")
                names = [f"{path.name}: {module}.{a.name}" for a in node.names]
                imported += names
                if any(part.startswith("_") for part in module.split(".") if part):
                    private += names
                else:
                    private += [n for n, a in zip(names, node.names) if a.name.startswith("_")]
    assert any(".pick_quotes" in name for name in imported)  # the check sees the deck's imports
    assert not private, private
