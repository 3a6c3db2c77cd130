"""The HTML report as a person sees it: the bundled sample opened in headless Chromium (Debian's own).

Never downloads a browser: Playwright drives the system ``chromium`` that ``.ci/run`` installs. Without
it the test is skipped locally, but fails when ``CI`` is set, because CI must run it. Marked slow: a
cold start of the browser took ~20 s here (warm: the whole module runs in ~6 s).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright")

from journeymap import load_journey
from journeymap.report import write_report
from journeymap.samples import data_dir

DATA = data_dir()
SAMPLE = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"
ANALYTICS = DATA / "analytics"


def _chromium() -> str:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        reason = ("Chromium is not installed (looked for 'chromium' on PATH and /usr/bin/chromium); "
                  "install it with: apt-get install chromium")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must run the browser test of the HTML report.")
        pytest.skip(reason)
    return executable


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    folder = tmp_path_factory.mktemp("report")
    report = write_report(SAMPLE, folder / "bao_cao.html", feedback=ANALYTICS / "comments.csv",
                          survey=ANALYTICS / "survey.csv", tickets=ANALYTICS / "tickets.csv",
                          events=ANALYTICS / "events.csv")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        problems: list[str] = []
        page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri(), wait_until="load")
        yield page, problems, requests, folder
        browser.close()


def test_report_opens_without_errors_and_loads_nothing_else(opened):
    _page, problems, requests, _ = opened
    assert problems == []
    assert [url for url in requests if not url.startswith("file://")] == []
    assert len(requests) == 1  # the report itself: no stylesheet, font, image or script fetched


def test_canvas_and_every_touchpoint_name_are_on_the_page(opened):
    page = opened[0]
    # One canvas on screen; its A4 print tiles are hidden until printed.
    assert page.locator("#canvas svg:visible").count() == 1
    assert page.locator("#canvas figure.print-only").count() >= 2
    assert page.locator("#canvas figure.screen-only svg").bounding_box()["height"] > 300
    body = page.inner_text("body")
    for _, name in load_journey(SAMPLE).graph.nodes(data="name"):
        assert name in body, name
    canvas_text = page.locator("#canvas figure.screen-only svg").text_content()
    assert "Livestream bán hàng trên TikTok Shop" in " ".join(canvas_text.split())
    # wide pictures scroll inside their figure; the page itself never scrolls sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_full_page_screenshot_is_not_blank(opened):
    from matplotlib.image import imread

    page, _, _, folder = opened
    shot = folder / "bao_cao.png"
    page.screenshot(path=str(shot), full_page=True)
    grey = imread(shot)[:, :, :3].mean(axis=2)
    height, width = grey.shape
    assert width == 1366 and height > 5000  # every section is there, one under the other
    assert (grey < 0.8).mean() > 0.02 and grey.std() > 0.08


def test_printing_gives_pdf_pages_with_pictures_inside_them(opened):
    page = opened[0]
    page.emulate_media(media="print")
    try:
        widths = page.evaluate(
            "[...document.querySelectorAll('figure > svg')].map(s => [s.getBoundingClientRect().width,"
            " s.closest('figure').getBoundingClientRect().width])"
        )
        assert widths and all(svg <= figure + 1 for svg, figure in widths)
        pdf = page.pdf(prefer_css_page_size=True)
    finally:
        page.emulate_media(media="screen")
    assert pdf.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf)) >= 5  # A4 pages, each section on its own
