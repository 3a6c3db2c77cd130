"""The flow and designed-versus-lived diagrams as Chromium draws them: nothing collides, the shape fits a page.

Each SVG is opened in headless Chromium (Debian's own, driven by Playwright; never downloaded) and
measured with ``getBBox``: every text line, label box, touchpoint box, line of visibility and the
legend. Checked on the five sample journeys, the designed-versus-lived diagram of ``cx demo``
(the sample design against the journey discovered from ``data/analytics/events.csv``) and a
generated journey of 60 touchpoints:

- no two lines of text overlap (so stacked Vietnamese lines have room for their diacritics, and
  no transition's figures print over another's);
- a touchpoint's text stays inside its box; no label box overlaps another label, a touchpoint, a
  line of visibility or the legend; labels are drawn after every transition line;
- legend entries on one line keep a visible gap between them;
- the drawing is at most twice as wide as it is tall (:data:`journeymap.draw.layout.MAX_ASPECT`);
- a screenshot is the expected size and not blank.

Without Chromium the test is skipped locally but fails when ``CI`` is set.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import pytest

pytest.importorskip("playwright")

from journeymap import Journey, compare_journeys, load_journey
from journeymap.discover import discover_journey
from journeymap.draw.render import journey_to_svg
from journeymap.samples import data_dir
from journeymap.terms import VISIBILITY_TERM

DATA = data_dir()
SAMPLES = sorted((DATA / "journeys").glob("*.yaml"))


def _chromium() -> str:
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        reason = ("Chromium is not installed (looked for 'chromium' on PATH and /usr/bin/chromium); "
                  "install it with: apt-get install chromium")
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must run the browser test of the flow diagrams.")
        pytest.skip(reason)
    return executable


def sixty_touchpoints() -> Journey:
    """Ten stages of six touchpoints (two backstage), long Vietnamese names, skips, loops and exits."""
    rng = random.Random(17)
    stages = [f"Giai đoạn {i + 1}: {w}" for i, w in enumerate(
        ["Nhận biết", "Tìm hiểu", "Cân nhắc", "Đăng ký", "Xác minh", "Thanh toán", "Giao nhận", "Sử dụng",
         "Hỗ trợ", "Trung thành"])]
    j = Journey("Hành trình tổng hợp sáu mươi điểm chạm", stages=stages,
                persona="Chị Hạnh, 35 tuổi, kế toán ở Đà Nẵng, dùng ứng dụng ngân hàng mỗi ngày")
    names = ["Xem quảng cáo trên Facebook và Zalo", "Đọc đánh giá của người dùng trên diễn đàn",
             "Gọi tổng đài hỏi về biểu phí và ưu đãi", "Điền biểu mẫu trên ứng dụng (họ tên, số CCCD, địa chỉ)",
             "Chụp ảnh căn cước công dân", "Hệ thống đối chiếu dữ liệu dân cư quốc gia"]
    channels = ["social", "web", "phone", "app", "app", "system"]
    ids: list[str] = []
    for s, stage in enumerate(stages):
        for k in range(6):
            tp = f"s{s}_{k}"
            j.add_touchpoint(tp, name=f"{names[k]} ({s + 1}.{k + 1})", stage=stage, channel=channels[k],
                             lane="backstage" if k >= 4 else "frontstage", emotion=rng.choice([-2, -1, 0, 1, 2]),
                             ces=rng.randint(1, 7), drop_off=rng.choice([None, 0.05, 0.125, 0.3]),
                             experience=rng.sample(["sense", "feel", "think", "act", "relate"], rng.randint(0, 4)),
                             moment_of_truth=(k == 2 and s % 3 == 0), goal=(s == 9 and k == 3))
            ids.append(tp)
    for i, tp in enumerate(ids[:-1]):
        j.add_transition(tp, ids[i + 1], volume=rng.randint(100, 20000), probability=rng.random())
        if i % 7 == 0 and i + 3 < len(ids):
            j.add_transition(tp, ids[i + 3], volume=rng.randint(10, 900), label="bỏ qua bước")
        if i % 11 == 5 and i >= 8:
            j.add_transition(tp, ids[i - 8], volume=rng.randint(10, 500), label="quay lại")
    return j


def _diagrams() -> dict[str, str]:
    svgs = {path.stem: journey_to_svg(load_journey(path)) for path in SAMPLES}
    designed = load_journey(DATA / "journeys" / "mua_hang_va_doi_tra.yaml")
    lived = discover_journey(DATA / "analytics" / "events.csv", stage_column="stage", reference=designed)
    svgs["thiet_ke_va_thuc_te"] = journey_to_svg(compare_journeys(designed, lived).to_journey())
    svgs["sau_muoi_diem_cham"] = journey_to_svg(sixty_touchpoints())
    # drawn for the printed report's A4 landscape pages: two touchpoint columns a row
    for path in SAMPLES:
        svgs[f"{path.stem}{PRINTED}"] = journey_to_svg(load_journey(path), max_width=PRINT_WIDTH)
    svgs[f"sau_muoi_diem_cham{PRINTED}"] = journey_to_svg(sixty_touchpoints(), max_width=PRINT_WIDTH)
    return svgs


# Runs in the page: every measured box, in the SVG's own units (getBBox of each element, mapped
# through its transform to the root's user space).
MEASURE = """() => {
  const svg = document.querySelector('svg');
  const root = svg.querySelector('g');
  const inv = root.getCTM().inverse();
  function box(el) {
    const b = el.getBBox();
    const m = inv.multiply(el.getCTM());
    const p = new DOMPoint(b.x, b.y).matrixTransform(m), q = new DOMPoint(b.x + b.width, b.y + b.height).matrixTransform(m);
    return [Math.min(p.x, q.x), Math.min(p.y, q.y), Math.max(p.x, q.x), Math.max(p.y, q.y)];
  }
  const groups = [...svg.querySelectorAll('g[id]')];
  const out = {texts: [], nodes: {}, labels: {}, lines: {}, legend: null, order: [], size: null};
  const r = svg.getBoundingClientRect();
  out.size = [r.width, r.height];
  for (const g of groups) {
    const id = g.id;
    if (id.startsWith('tp-')) {
      const shape = g.querySelector('path, polygon');
      out.nodes[id] = box(shape);
    } else if (/^(label-|exit-|lane-|visibility-label-|stage-|title$)/.test(id)) {
      out.labels[id] = box(g);
    } else if (id.startsWith('visibility-line-')) {
      out.lines[id] = box(g.querySelector('path'));
    } else if (id === 'legend') {
      out.legend = box(g);
    }
    if (g.classList.contains('edge') || id.startsWith('label-')) out.order.push(id);
  }
  for (const t of svg.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const g = t.closest('g.node, g.edge');
    out.texts.push({text: t.textContent, box: box(t), owner: g ? g.id : ''});
  }
  return out;
}"""


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory):
    from playwright.sync_api import sync_playwright

    executable = _chromium()
    folder = tmp_path_factory.mktemp("flow")
    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        for name, svg in _diagrams().items():
            path = folder / f"{name}.svg"
            path.write_text(svg, encoding="utf-8")
            page.goto(path.as_uri(), wait_until="load")
            results[name] = page.evaluate(MEASURE)
            results[name]["svg"] = svg
        # one screenshot, of the long journey, at its natural size
        page.goto((folder / "sau_muoi_diem_cham.svg").as_uri(), wait_until="load")
        width, height = (round(v) for v in results["sau_muoi_diem_cham"]["size"])
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(folder / "sau_muoi_diem_cham.png"))
        browser.close()
    return results, folder


PRINTED = "_a4"
PRINT_WIDTH = 874.0  # what journey_page_svgs asks for on A4 landscape: 6 pt at the page's 774 pt width
SCREEN = [p.stem for p in SAMPLES] + ["thiet_ke_va_thuc_te", "sau_muoi_diem_cham"]
NAMES = SCREEN + [f"{p.stem}{PRINTED}" for p in SAMPLES] + [f"sau_muoi_diem_cham{PRINTED}"]
MAX_ASPECT = 2.0  # journeymap.draw.layout.MAX_ASPECT: a landscape page or slide
TOLERANCE = 0.5  # of a point: boxes that merely touch do not collide


def _overlap(a, b, slack: float = TOLERANCE) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


def _inside(inner, outer, slack: float = 1.0) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack and inner[2] <= outer[2] + slack
            and inner[3] <= outer[3] + slack)


def _pairs(items: dict):
    keys = sorted(items)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            yield a, b


@pytest.mark.parametrize("name", NAMES)
def test_no_two_lines_of_text_overlap(measured, name):
    texts = measured[0][name]["texts"]
    assert len(texts) > 40
    clashes = [
        (a["text"], b["text"])
        for i, a in enumerate(texts)
        for b in texts[i + 1:]
        if _overlap(a["box"], b["box"])
    ]
    assert clashes == []


@pytest.mark.parametrize("name", NAMES)
def test_touchpoint_text_stays_inside_its_box(measured, name):
    result = measured[0][name]
    outside = [
        (t["owner"], t["text"]) for t in result["texts"]
        if t["owner"].startswith("tp-") and not _inside(t["box"], result["nodes"][t["owner"]])
    ]
    assert outside == []


@pytest.mark.parametrize("name", NAMES)
def test_labels_touch_no_label_box_line_of_visibility_or_legend(measured, name):
    result = measured[0][name]
    labels, nodes, lines = result["labels"], result["nodes"], result["lines"]
    assert result["legend"] is not None
    assert any(k.startswith("label-") for k in labels) and lines  # the figures and the line are measured
    clashes = [(a, b) for a, b in _pairs(labels) if _overlap(labels[a], labels[b])]
    clashes += [(a, b) for a in labels for b in nodes if _overlap(labels[a], nodes[b])]
    clashes += [(a, b) for a in labels for b in lines if _overlap(labels[a], lines[b])]
    clashes += [(a, b) for a, b in _pairs(nodes) if _overlap(nodes[a], nodes[b])]
    everything = {**labels, **nodes, **lines}
    clashes += [(a, "legend") for a in everything if _overlap(everything[a], result["legend"])]
    assert clashes == []


@pytest.mark.parametrize("name", NAMES)
def test_figures_are_drawn_over_every_transition_line(measured, name):
    order = measured[0][name]["order"]
    edges = [i for i, gid in enumerate(order) if not gid.startswith("label-")]
    labels = [i for i, gid in enumerate(order) if gid.startswith("label-")]
    assert labels and min(labels) > max(edges)


@pytest.mark.parametrize("name", NAMES)
def test_legend_entries_on_a_line_keep_apart(measured, name):
    result = measured[0][name]
    legend = [t["box"] for t in result["texts"] if t["owner"] == "legend"]
    assert len(legend) >= 10
    for i, a in enumerate(legend):
        for b in legend[i + 1:]:
            same_line = min(a[3], b[3]) - max(a[1], b[1]) > 2
            if same_line:
                gap = max(b[0] - a[2], a[0] - b[2])
                assert gap >= 4, (a, b)


@pytest.mark.parametrize("name", SCREEN)
def test_the_drawing_is_at_most_twice_as_wide_as_tall(measured, name):
    width, height = measured[0][name]["size"]
    assert width / height <= MAX_ASPECT + 0.01, (width, height)


@pytest.mark.parametrize("name", [n for n in NAMES if n.endswith(PRINTED)])
def test_the_drawing_for_pages_is_at_most_max_width_wide(measured, name):
    # getBoundingClientRect is in CSS pixels: 4/3 of a point
    width, _ = measured[0][name]["size"]
    assert width * 0.75 <= PRINT_WIDTH + 1
    assert measured[0][name]["svg"].count('id="stage-') == measured[0][name.removesuffix(PRINTED)]["svg"].count('id="stage-')


def test_the_sixty_touchpoint_journey_wraps_into_rows_of_stages(measured):
    result = measured[0]["sau_muoi_diem_cham"]
    assert len(result["lines"]) >= 2  # each row of stages has its own line of visibility
    assert len(result["nodes"]) == 60
    assert result["svg"].count("Nội bộ") == 0 and "Hệ thống" in result["svg"]  # channels in Vietnamese


def test_one_term_for_the_line_of_visibility(measured):
    for name in NAMES:
        svg = measured[0][name]["svg"]
        assert "đường hữu hình" not in svg
    lines = " ".join(t["text"] for t in measured[0]["thiet_ke_va_thuc_te"]["texts"] if t["owner"] == "legend")
    assert VISIBILITY_TERM in lines


def test_screenshot_has_the_drawing_size_and_is_not_blank(measured):
    from PIL import Image

    result, folder = measured
    width, height = (round(v) for v in result["sau_muoi_diem_cham"]["size"])
    with Image.open(folder / "sau_muoi_diem_cham.png") as image:
        assert image.size == (width, height)
        small = image.convert("RGB").resize((200, 200 * height // width))
        colours = small.getcolors(maxcolors=1 << 16) or []
        white = sum(count for count, rgb in colours if min(rgb) > 245)
        assert len(colours) > 50 and white < 0.9 * small.width * small.height
