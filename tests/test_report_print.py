"""The HTML report printed to A4 landscape in Chromium: the canvas in readable tiles, no mostly blank page.

Drives the system ``chromium`` as tests/test_report_browser.py does (skipped locally without it, a
failure in CI) and renders the PDF's pages with ``pdftoppm`` (poppler-utils, installed by .ci/run).
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("playwright")

from journeymap.draw.canvas import MIN_PRINT_PT
from journeymap.report import write_report
from journeymap.samples import data_dir

DATA = data_dir()
SAMPLE = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"
ANALYTICS = DATA / "analytics"


def _tool(name: str, package: str) -> str:
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        reason = f"{name} is not installed; install it with: apt-get install {package}"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must print the report.")
        pytest.skip(reason)
    return found


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, list[np.ndarray], str]:
    from playwright.sync_api import sync_playwright

    chromium = _tool("chromium", "chromium")
    pdftoppm = _tool("pdftoppm", "poppler-utils")
    folder = tmp_path_factory.mktemp("print")
    report = write_report(SAMPLE, folder / "bao_cao.html", feedback=ANALYTICS / "comments.csv",
                          survey=ANALYTICS / "survey.csv", tickets=ANALYTICS / "tickets.csv",
                          events=ANALYTICS / "events.csv")
    html = report.read_text(encoding="utf-8")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        page = browser.new_page()
        page.goto(report.as_uri(), wait_until="load")
        pdf = page.pdf(prefer_css_page_size=True)
        browser.close()
    (folder / "bao_cao.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "30", "-gray", "-png", str(folder / "bao_cao.pdf"), str(folder / "p")],
                   check=True)
    pages = [np.asarray(Image.open(p).convert("L"), dtype=float) / 255
             for p in sorted(folder.glob("p-*.png"), key=lambda p: int(re.findall(r"\d+", p.stem)[-1]))]
    return pdf, pages, html


def _ink_ends(grey: np.ndarray) -> float:
    """Where the last inked row of a page is, as a share of the page height."""
    inked = np.nonzero((grey < 0.9).any(axis=1))[0]
    return inked.max() / len(grey) if inked.size else 0.0


def _tiles(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<figure class="canvas-page print-only">\s*<svg[^>]*viewBox="0 0 ([\d.]+) ([\d.]+)"', html)


def test_a4_landscape_and_the_canvas_pages_are_full(printed):
    pdf, pages, html = printed
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(abs(float(w) - 841.89) < 1 and abs(float(h) - 595.28) < 1 for w, h in boxes)
    # Page 1 is the overview; the canvas section starts on page 2 with its heading and first tile.
    canvas_pages = pages[1:1 + len(_tiles(html))]
    for number, grey in enumerate(canvas_pages, start=2):
        assert _ink_ends(grey) > 0.45, f"canvas page {number} is mostly blank"
        assert grey.std() > 0.05, f"page {number} is blank"


def test_no_page_is_mostly_blank(printed):
    # Sections and long tables break across pages (headers repeated), so a section whose figure or
    # table does not fit the rest of a page no longer leaves that page blank (29 pages, three of them
    # under a third inked, before).
    _, pages, html = printed
    blank = [n for n, grey in enumerate(pages[:-1], start=1) if _ink_ends(grey) < 0.3]
    assert not blank, f"pages {blank} of {len(pages)} are mostly blank"
    assert "thead { display: table-header-group; }" in html


def test_the_canvas_tiles_fill_the_page_and_the_legend_is_printed_once(printed):
    _, _, html = printed
    tiles = _tiles(html)
    # 185 mm tall (the first 24 mm shorter, under the section heading): the sample's canvas takes 6
    # pages instead of 10 tiles of 150 mm whose rows ended half way down.
    heights = [float(h) / 72 * 25.4 for _, h in tiles]
    assert abs(heights[0] - 161) < 0.5 and all(abs(h - 185) < 0.5 for h in heights[1:])
    assert len(tiles) <= 6
    printed_canvas = html.split('class="canvas-page print-only"', 1)[1].split("</section>")[0]
    assert printed_canvas.count('id="canvas-p') and len(re.findall(r'id="canvas-p\d+-legend"', printed_canvas)) == 1


def test_the_canvas_prints_in_tiles_with_readable_text(printed):
    _, _, html = printed
    tiles = _tiles(html)
    assert len(tiles) >= 2
    # Each tile is 273 mm wide on paper (the A4 landscape width inside the 12 mm margins) and drawn at
    # that width, so its font sizes are the printed sizes.
    for width, _ in tiles:
        assert abs(float(width) - 273 / 25.4 * 72) < 0.5
    sizes = [float(s) for s in re.findall(r"font-size[:=]\s*\"?([\d.]+)px",
                                          html.split('class="canvas-page print-only"', 1)[1].split("</section>")[0])]
    assert sizes and min(sizes) >= MIN_PRINT_PT - 0.01


def _printed_flow(html: str, section_id: str = "flow") -> list[tuple[float, float, float, list[float]]]:
    """Each SVG a section prints: (scale on paper, viewBox top, viewBox height, its font sizes)."""
    section = html.split(f'<section id="{section_id}">', 1)[1].split("</section>", 1)[0]
    page_w = 273 / 25.4 * 72  # the A4 landscape width inside the 12 mm margins, in points
    out = []
    for figure in re.findall(r'<figure class="([^"]*)">(.*?)</figure>', section, flags=re.DOTALL):
        if "screen-only" in figure[0]:
            continue
        _, top, width, height = (float(v) for v in re.search(r'viewBox="([-\d.]+) ([-\d.]+) ([\d.]+) ([\d.]+)"',
                                                             figure[1]).groups())
        sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', figure[1])]
        out.append((min(1.0, page_w / width), top, height, sizes))
    return out


def test_the_flow_diagram_prints_on_pages_with_readable_text(printed):
    # Before: the one 2,631 pt wide diagram shrunk to the page width, its smallest text about 2 pt.
    # Now: drawn two touchpoint columns a row and cut into page-high parts, text at least 6 pt.
    _, _, html = printed
    parts = _printed_flow(html)
    assert len(parts) >= 2
    smallest = min(min(sizes) * scale for scale, _, _, sizes in parts)
    assert smallest >= MIN_PRINT_PT - 0.01, f"the printed flow's smallest text is {smallest:.1f} pt"
    for scale, _, height, _ in parts:
        assert height * scale <= 185 / 25.4 * 72 + 0.5  # each part fits a page
    # the parts follow one another: nothing of the drawing is left out or printed twice
    for (_, top, height, _), (_, next_top, _, _) in itertools.pairwise(parts):
        assert abs(top + height - next_top) < 0.05
    assert "Sơ đồ luồng khách hàng" in html


def test_designed_versus_lived_prints_on_pages_with_readable_text(printed):
    # Before: the one wide diagram of design and log together shrunk to the page width (its smallest
    # text about 2 pt). Now it prints like the flow diagram: two touchpoint columns a row, cut into
    # page-high parts with text of at least 6 pt; the screen keeps the wide diagram.
    _, _, html = printed
    parts = _printed_flow(html, "lived")
    assert len(parts) >= 2
    smallest = min(min(sizes) * scale for scale, _, _, sizes in parts)
    assert smallest >= MIN_PRINT_PT - 0.01, f"the printed diagram's smallest text is {smallest:.1f} pt"
    for scale, _, height, _ in parts:
        assert height * scale <= 185 / 25.4 * 72 + 0.5
    for (_, top, height, _), (_, next_top, _, _) in itertools.pairwise(parts):
        assert abs(top + height - next_top) < 0.05
    section = html.split('<section id="lived">', 1)[1].split("</section>", 1)[0]
    # what tells design and log apart is printed too, and the wide diagram stays for the screen
    printed_part = section.split('class="flow-page print-only"', 1)[1]
    assert "thiết kế, không thấy" in printed_part and "thực tế, ngoài thiết kế" in printed_part
    assert re.search(r'<figure class="scroll screen-only">\s*<svg', section)
