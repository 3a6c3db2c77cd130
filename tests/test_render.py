"""What a consultant relies on in the picture: formats, exact text, columns, lanes, exits."""

from __future__ import annotations

import itertools
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

from journeymap import Journey, load_journey, render_journey
from journeymap.draw.dot import journey_to_dot
from journeymap.draw.render import render_dot
from journeymap.errors import GraphvizNotFoundError

SVG = "{http://www.w3.org/2000/svg}"


def _svg_groups(svg_text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg_text)
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


def _text(group: ET.Element) -> str:
    return " ".join(t.text or "" for t in group.iter(f"{SVG}text"))


def _centre_x(group: ET.Element) -> float:
    xs = [float(t.get("x")) for t in group.iter(f"{SVG}text")]
    return sum(xs) / len(xs)


def _top_y(group: ET.Element) -> float:
    return min(float(t.get("y")) for t in group.iter(f"{SVG}text"))


@pytest.mark.parametrize(("fmt", "magic"), [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_bundled_graphviz_renders_every_format(good_file, tmp_path, fmt, magic):
    out = render_journey(load_journey(good_file), tmp_path / f"j.{fmt}", engine="bundled")
    assert out.read_bytes().startswith(magic)
    assert out.stat().st_size > 2000


@pytest.mark.skipif(shutil.which("dot") is None, reason="no system Graphviz 'dot' on PATH")
def test_system_graphviz_draws_the_same_svg_text(good_file):
    source = journey_to_dot(load_journey(good_file))
    system = _svg_groups(render_dot(source, "svg", engine="system").decode())
    bundled = _svg_groups(render_dot(source, "svg", engine="bundled").decode())
    assert {k: _text(v) for k, v in system.items() if k.startswith("tp-")} == {
        k: _text(v) for k, v in bundled.items() if k.startswith("tp-")
    }


def test_system_engine_without_dot_is_a_clear_error(good_file, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="no 'dot' program is on PATH"):
        render_dot("digraph{}", "svg", engine="system")


def test_special_characters_and_diacritics_render_exactly(tmp_path):
    j = Journey('Hành trình "đặc biệt" <b>&</b>', stages=["Giai đoạn <1>"])
    name = 'Ký tự "lạ" <script>alert(1)</script> & Đặng Thị Ngọc Ánh'
    j.add_touchpoint("x", name=name, stage="Giai đoạn <1>", channel="app & web")
    svg = render_journey(j, tmp_path / "j.svg", engine="bundled").read_text(encoding="utf-8")
    groups = _svg_groups(svg)
    assert _text(groups["tp-x"]).replace(" ", "") == (name + "app & web").replace(" ", "")
    assert _text(groups["title"]).startswith('Hành trình "đặc biệt" <b>&</b>')
    assert "Giai đoạn <1>" in _text(groups["stage-0"])
    assert "<script>" not in svg  # escaped, never live markup


def _extent(group: ET.Element) -> tuple[float, float, float, float]:
    """x0, y0, x1, y1 of a group's shapes (paths and polygons), in SVG units."""
    numbers = []
    for shape in (*group.iter(f"{SVG}path"), *group.iter(f"{SVG}polygon")):
        numbers += [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", shape.get("d") or shape.get("points") or "")]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def test_stages_read_in_order_and_backstage_is_below(sample_path):
    """Stages read left to right, row by row (a long journey wraps); each touchpoint sits under its own
    stage's header, and in every row of stages the backstage touchpoints are below the frontstage ones."""
    journey = load_journey(sample_path)
    groups = _svg_groups(render_dot(journey_to_dot(journey), "svg", engine="bundled").decode())
    headers = [_extent(groups[f"stage-{i}"]) for i in range(len(journey.stages))]
    assert [(round(h[1]), h[0]) for h in headers] == sorted((round(h[1]), h[0]) for h in headers)
    rows = sorted({round(h[1]) for h in headers})
    tops: dict[tuple[int, str], list[float]] = {}
    for tp in journey.touchpoints:
        box = _extent(groups[f"tp-{tp.id}"])
        header = headers[journey.stages.index(tp.stage)]
        assert header[0] < box[0] and box[2] < header[2]  # inside the stage's column
        row = max(r for r in rows if r < box[1])
        assert row == round(header[1])  # under its own row of stages
        tops.setdefault((row, tp.lane), []).append(box[1])
    for (row, lane), ys in tops.items():
        if lane == "backstage" and (row, "frontstage") in tops:
            assert min(ys) > max(tops[(row, "frontstage")])


def test_drop_off_exit_shows_percentage_and_every_transition_is_drawn(good_file):
    journey = load_journey(good_file)
    groups = _svg_groups(render_dot(journey_to_dot(journey), "svg", engine="bundled").decode())
    assert _text(groups["exit-fb_ad"]) == "40% rời bỏ"
    for u, v in journey.graph.edges:
        assert f"edge-{u}-{v}" in groups
    for u, v in journey.graph.edges:
        assert f"label-{u}-{v}" in groups  # every transition here has figures, drawn over the lines
    assert "1.200" in _text(groups["label-fb_ad-ekyc"])
    assert "87,5%" in _text(groups["label-ekyc-doi_chieu"])
    assert "Chú giải" in _text(groups["legend"])


def test_edge_width_grows_with_volume(good_file):
    dot = journey_to_dot(load_journey(good_file))
    width = {
        line.split('"')[1]: float(line.split("penwidth=")[1].split(",")[0])
        for line in dot.splitlines()
        if 'id="edge-' in line
    }
    assert width["fb_ad"] > width["chuyen_khoan"]  # 1200 customers vs 10


@pytest.mark.parametrize("color_by", ["emotion", "ces", "none"])
def test_colour_choice(good_file, color_by):
    dot = journey_to_dot(load_journey(good_file), color_by=color_by)
    fills = {line.split('"')[1]: line.split('fillcolor="')[1][:7] for line in dot.splitlines() if 'id="tp-' in line}
    if color_by == "emotion":
        assert fills["fb_ad"] != fills["ekyc"]  # +1 vs −1
    elif color_by == "ces":
        assert fills["fb_ad"] != fills["ekyc"]  # 6 vs 3
    else:
        assert set(fills.values()) == {"#ffffff"}


def test_bad_output_suffix_and_colour_are_rejected(good_file, tmp_path):
    journey = load_journey(good_file)
    with pytest.raises(ValueError, match=r"\.svg, \.png, \.pdf, \.dot"):
        render_journey(journey, tmp_path / "j.jpg")
    with pytest.raises(ValueError, match="color_by"):
        journey_to_dot(journey, color_by="mood")  # type: ignore[arg-type]


def test_dot_output_is_self_contained(good_file, tmp_path):
    out = render_journey(load_journey(good_file), tmp_path / "j.dot")
    text = out.read_text(encoding="utf-8")
    assert "layout=nop2" in text
    assert render_dot(text, "svg", engine="bundled").startswith(b"<?xml")


def test_journey_displays_itself_as_svg_in_jupyter(good_file):
    svg = load_journey(good_file)._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "Quảng cáo Facebook" in svg


def test_bad_engine_setting_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("CX_GRAPHVIZ", "cairo")
    with pytest.raises(ValueError, match="CX_GRAPHVIZ must be auto, system or bundled; got 'cairo'"):
        render_dot("digraph{}", "svg")


def test_a_name_of_a_hundred_thousand_letters_is_cut_to_its_lines_and_still_fits():
    """Fuzzed names made the flow layout measure every prefix of a giant word (minutes per drawing)."""
    from journeymap.draw.layout import fit_lines, text_width

    lines = fit_lines("y" * 100_000, 150, 10, bold=True, most=3)
    assert len(lines) == 3 and lines[-1].endswith("…")
    assert all(text_width(line, 10, bold=True) <= 150 for line in lines)
    whole = fit_lines("Đ" + "ạ" * 20_000, 150, 10)  # no limit: every letter kept, line by line
    assert "".join(whole) == "Đ" + "ạ" * 20_000 and all(text_width(line, 10) <= 150 for line in whole)


def test_the_flow_for_a4_pages_has_readable_text_and_every_part_of_the_drawing(sample_path):
    # The printed report's flow diagram: narrow enough for A4 landscape (273 mm inside the margins)
    # with text of at least 6 pt, cut into parts no taller than a page that follow one another.
    from journeymap.draw.layout import MIN_PRINT_PT
    from journeymap.draw.render import journey_page_svgs, journey_to_svg

    journey = load_journey(sample_path)
    pages = journey_page_svgs(journey, width_mm=273, height_mm=185, first_height_mm=161)
    assert len(pages) >= 2
    whole = ET.fromstring(journey_to_svg(journey, max_width=874))
    tops = []
    for k, page in enumerate(pages):
        root = ET.fromstring(page)
        width, height = (float(root.get(a).removesuffix("pt")) for a in ("width", "height"))
        _, top, view_w, view_h = (float(v) for v in root.get("viewBox").split())
        scale = width / view_w
        assert abs(width - 273 / 25.4 * 72) < 0.1 and height <= (161 if k == 0 else 185) / 25.4 * 72 + 0.1
        assert min(float(t.get("font-size")) for t in root.iter(f"{SVG}text")) * scale >= MIN_PRINT_PT
        tops.append((top, top + view_h))
    assert tops[0][0] == float(whole.get("viewBox").split()[1])
    assert all(abs(a[1] - b[0]) < 0.01 for a, b in itertools.pairwise(tops))
    assert abs(tops[-1][1] - sum(map(float, whole.get("viewBox").split()[1::2]))) < 0.01
    # every touchpoint is drawn with its Vietnamese name; each page holds only what reaches into its
    # band, so the pages together are not page-count times the drawing (the report embeds them all)
    groups: dict[str, ET.Element] = {}
    for page in pages:
        groups.update(_svg_groups(page))
    assert all(journey.graph.nodes[n]["name"].split()[0] in _text(groups[f"tp-{n}"]) for n in journey.graph.nodes)
    assert sum(map(len, pages)) < 1.6 * len(ET.tostring(whole, encoding="unicode"))


def test_the_flow_for_pages_refuses_a_size_that_is_not_positive(good_file):
    from journeymap.draw.layout import layout_journey
    from journeymap.draw.render import journey_page_svgs

    journey = load_journey(good_file)
    with pytest.raises(ValueError, match="width_mm must be a positive number of millimetres; got 0"):
        journey_page_svgs(journey, width_mm=0, height_mm=185)
    with pytest.raises(ValueError, match="first_height_mm must be a positive"):
        journey_page_svgs(journey, width_mm=273, height_mm=185, first_height_mm=float("nan"))
    with pytest.raises(ValueError, match="max_width must be a positive number of points; got -5"):
        layout_journey(journey, max_width=-5)
