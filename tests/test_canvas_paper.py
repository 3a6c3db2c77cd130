"""The canvas sized for the room: ISO paper (fitted or tiled, text never under 6 pt), JPEG, 16:9 slides."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest
from matplotlib.text import Text
from PIL import Image
from typer.testing import CliRunner

from journeymap import Journey, load_journey
from journeymap.cli import app
from journeymap.draw.canvas import (
    MIN_PRINT_PT,
    MIN_SLIDE_PX,
    canvas_slides,
    paper_size,
    print_canvas,
    render_canvas,
)
from journeymap.draw.canvas._api import _prepare
from journeymap.draw.canvas._sheets import Sheet, paper_sheets, slide_sheets

ROOT = Path(__file__).resolve().parents[1]
JOURNEYS = sorted((ROOT / "data" / "journeys").glob("*.yaml"))
ECOMMERCE = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"
runner = CliRunner()


def _long_journey() -> Journey:
    stages = [f"Giai đoạn {i}" for i in range(12)]
    j = Journey("Hành trình dài", stages=stages)
    for i in range(60):
        j.add_touchpoint(
            f"tp_{i}", name=f"Điểm chạm số {i} có tên khá dài", stage=stages[i // 5], ces=1 + i % 7,
            emotion=(i % 5) - 2, drop_off=(i % 10) / 10, pain_points=["Khách phải chờ lâu ở quầy thủ tục"],
        )
    return j


def _sheets(journey: Journey, paper: str, orientation: str = "landscape") -> list[Sheet]:
    canvas = _prepare(journey, feedback=None, compare_to=None, layout="single", persona=None, persona_cards=True)
    return paper_sheets(canvas, paper, orientation)


def _gids(sheet: Sheet, prefix: str) -> set[str]:
    return {gid for p in sheet.painters for a in p.artists if isinstance(a, Text)
            and (gid := a.get_gid() or "").startswith(prefix)}


def _check_tiles(journey: Journey, sheets: list[Sheet], size: tuple[float, float]) -> None:
    for sheet in sheets:
        width, height = (x * 72 for x in sheet.figure.get_size_inches())
        assert abs(width - size[0]) < 0.01 and abs(height - size[1]) < 0.01
        assert sheet.smallest_text >= MIN_PRINT_PT - 1e-9  # the canvas's smallest font × the page's scale
    assert len({round(sheet.scale, 6) for sheet in sheets}) == 1  # one scale: same text, same size
    # Each stage sits in exactly one column of pages (its bands are pages of that column, none elsewhere).
    groups = [frozenset(g for g in _gids(sheet, "stage-") if re.fullmatch(r"stage-\d+", g)) for sheet in sheets]
    for i in range(len(journey.stages)):
        holding = {group for group in groups if f"stage-{i}" in group}
        assert len(holding) == 1, (journey.title, i, holding)
    # Every touchpoint is on a page; every row label is on every page of a column that has its rows.
    names = set().union(*(_gids(sheet, "tp-") for sheet in sheets))
    assert names == {f"tp-{tp.id}" for tp in journey.touchpoints}
    if len(sheets) > 1:
        for sheet in sheets:
            assert _gids(sheet, "row-stage"), "stage and row headers on every page"
            assert _gids(sheet, "page-marker")


@pytest.mark.parametrize("path", JOURNEYS, ids=lambda p: p.stem)
def test_a4_pages_are_a4_with_text_of_at_least_six_points(path):
    journey = load_journey(path)
    sheets = _sheets(journey, "A4")
    assert len(sheets) > 1  # a 15-touchpoint canvas (86 × 50 cm) cannot be read on one A4 page
    _check_tiles(journey, sheets, paper_size("A4"))
    markers = [t.get_text() for s in sheets for p in s.painters for t in p.artists
               if isinstance(t, Text) and t.get_gid() == "page-marker"]
    assert markers[0].startswith(f"{journey.title} · trang 1/{len(sheets)} · giai đoạn 1")


def test_sixty_touchpoints_on_a3_portrait_and_a_sample_on_one_a1_page():
    journey = _long_journey()
    sheets = _sheets(journey, "A3", "portrait")
    assert len(sheets) >= 6
    _check_tiles(journey, sheets, paper_size("A3", "portrait"))
    sample = load_journey(ECOMMERCE)
    (page,) = _sheets(sample, "A1")
    _check_tiles(sample, [page], paper_size("A1"))
    assert page.scale > 0.9 and not _gids(page, "page-marker")


def test_the_pdf_has_one_iso_page_per_tile_and_images_one_file_per_page(tmp_path):
    journey = load_journey(ECOMMERCE)
    (pdf,) = print_canvas(journey, tmp_path / "in.pdf", paper="a4", orientation="portrait")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    assert len(boxes) >= 2 and all(abs(float(w) - 595.28) < 0.05 and abs(float(h) - 841.89) < 0.05 for w, h in boxes)
    small = _long_journey()
    for i in range(6, 60):
        small.remove_touchpoint(f"tp_{i}")  # two stages of five: two columns of A4 portrait pages
    pngs = print_canvas(small, tmp_path / "in.png", paper="A4", orientation="portrait")
    assert len(pngs) >= 2 and [p.name for p in pngs] == [f"in-{k}.png" for k in range(1, len(pngs) + 1)]
    assert not (tmp_path / "in.png").exists()
    width, height = struct.unpack(">II", pngs[0].read_bytes()[16:24])
    assert abs(width - 1240) <= 1 and abs(height - 1754) <= 1  # A4 at 150 dpi
    assert render_canvas(journey, tmp_path / "one.svg", paper="A0") == tmp_path / "one.svg"
    assert 'width="3370.39' in (tmp_path / "one.svg").read_text(encoding="utf-8")[:2000]  # A0 landscape, 1 page


def test_jpeg_is_the_canvas_on_white(tmp_path):
    j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    for name in ("c.jpg", "c.JPEG"):
        out = render_canvas(j, tmp_path / name)
        assert out.read_bytes()[:3] == b"\xff\xd8\xff"
        with Image.open(out) as image:
            assert image.mode == "RGB" and image.getpixel((2, 2)) == (255, 255, 255)


BANK = ROOT / "data" / "journeys" / "mo_tai_khoan_ngan_hang.yaml"


@pytest.fixture(scope="module")
def slides() -> dict[Path, list[Sheet]]:
    """The slides of two sample journeys, built once for the tests that read them."""
    out = {}
    for path in (ECOMMERCE, BANK):
        canvas = _prepare(load_journey(path), feedback=None, compare_to=None, layout="single", persona=None,
                          persona_cards=False)
        out[path] = slide_sheets(canvas)
    return out


def _ink_columns(sheet: Sheet) -> tuple[int, int]:
    """The first and last pixel column of the slide with anything drawn in it."""
    import numpy as np

    sheet.figure.canvas.draw()
    pixels = np.asarray(sheet.figure.canvas.buffer_rgba())[:, :, :3]
    inked = np.flatnonzero((pixels < 245).any(axis=2).any(axis=0))
    return int(inked[0]), int(inked[-1])


def _has(attrs: dict, key: str) -> bool:
    value = (attrs.get("lanes") or {}).get(key.removeprefix("custom:")) if key.startswith("custom:") else attrs.get(key)
    return value is not None and value != [] and value != {} and value != ""


@pytest.mark.parametrize("path", [ECOMMERCE, BANK], ids=lambda p: p.stem)
def test_stage_slides_fill_the_width_and_show_only_the_rows_the_stage_has_data_for(slides, path):
    journey = load_journey(path)
    for sheet in slides[path][1:]:
        left, right = _ink_columns(sheet)
        assert (right - left + 1) / 1920 >= 0.9, (sheet.name, left, right)  # no wide side margins
        stage = journey.stages[int(sheet.name[:2]) - 1]
        rows = {gid.removeprefix("row-") for gid in _gids(sheet, "row-") if gid.startswith(("row-front", "row-back"))}
        assert "frontstage-name" in rows
        for row in rows:
            lane, key = row.split("-", 1)
            key = "custom:" + key.removeprefix("custom-") if key.startswith("custom-") else key
            in_stage = [journey.graph.nodes[tp.id] for tp in journey.touchpoints
                        if tp.stage == stage and tp.lane == lane]
            assert any(_has(attrs, key) for attrs in in_stage), (sheet.name, row)
    # Rows a stage has data for are all there: the e-commerce stage 3 has a backstage touchpoint with
    # pain points, stage 1 none (it used to show eight empty backstage rows).
    if path == ECOMMERCE:
        by_name = {sheet.name: sheet for sheet in slides[path]}
        assert {"row-backstage-name", "row-backstage-pain_points"} <= _gids(by_name["03-thanh-toan"], "row-back")
        assert not _gids(by_name["01-kham-pha"], "row-back")


def test_slides_are_16_9_with_readable_text_and_named_by_stage(tmp_path, slides):
    sheets = slides[ECOMMERCE]
    assert sheets[0].name == "00-tong-quan"
    for sheet in sheets:
        assert tuple(x * 72 for x in sheet.figure.get_size_inches()) == (1920, 1080)
    for sheet in sheets[1:]:
        assert sheet.smallest_text >= MIN_SLIDE_PX - 1e-9, sheet.name  # pt at 72 dpi = px
    stage_names = [s.name for s in sheets[1:] if not re.search(r"-\d$", s.name)]
    assert stage_names == ["01-kham-pha", "02-dat-hang", "03-thanh-toan", "04-giao-hang", "05-nhan-hang",
                           "06-doi-tra-hoan-tien", "07-hau-mai"]
    # Each stage slide shows that stage only, with the row headers.
    for sheet in sheets[1:]:
        number = int(sheet.name[:2]) - 1
        stages = {g for g in _gids(sheet, "stage-") if re.fullmatch(r"stage-\d+", g)}
        assert stages == {f"stage-{number}"} and _gids(sheet, "row-frontstage-name")
    two = Journey("Gọi tổng đài", stages=["Liên hệ", "Xử lý"])
    two.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    two.add_touchpoint("agent", name="Tư vấn viên", stage="Xử lý", ces=5)
    written = canvas_slides(two, tmp_path / "slides")
    assert [p.name for p in written] == ["00-tong-quan.png", "01-lien-he.png", "02-xu-ly.png"]
    with Image.open(written[1]) as image:
        assert image.size == (1920, 1080)


def test_the_cli_prints_tiles_and_slides_and_refuses_what_it_cannot(tmp_path):
    result = runner.invoke(app, ["canvas", str(ECOMMERCE), "-o", str(tmp_path / "a3.pdf"), "--paper", "a3"])
    assert result.exit_code == 0 and "a3.pdf" in result.output
    result = runner.invoke(app, ["canvas", str(ECOMMERCE), "-o", str(tmp_path / "slides.png"), "--slides"])
    assert result.exit_code == 1 and "slides are written into a folder" in result.output
    assert not (tmp_path / "slides.png").exists()
    result = runner.invoke(app, ["canvas", str(ECOMMERCE), "-o", str(tmp_path / "x.pdf"), "--orientation", "portrait"])
    assert result.exit_code == 1 and "--orientation needs --paper" in result.output
    result = runner.invoke(app, ["canvas", str(ECOMMERCE), "-o", str(tmp_path / "x.pdf"), "--paper", "B4"])
    assert result.exit_code != 0 and not (tmp_path / "x.pdf").exists()
    result = runner.invoke(app, ["canvas", "--help"])
    assert "NAME-1.png" in result.output.replace("\n", " ").replace("│", "")
