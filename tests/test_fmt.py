"""One formatter: a figure reads the same in every output a person sees."""

from __future__ import annotations

import html
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

import journeymap as jm
from journeymap import fmt
from journeymap.cli import app


def test_numbers_the_vietnamese_way():
    assert [fmt.number(12500), fmt.number(1234.56, 1), fmt.number(-12.56, 1), fmt.number(-0.04, 1)] == \
        ["12.500", "1.234,6", "−12,6", "0,0"]
    assert [fmt.number(2.0, 1, trim=True), fmt.number(1_000_000.25, 2, trim=True)] == ["2", "1.000.000,25"]
    assert [fmt.percent(0.1067), fmt.percent(0.7), fmt.percent(float("nan")), fmt.percent(None)] == \
        ["10,7%", "70%", "—", "—"]
    assert [fmt.signed(3), fmt.signed(-3), fmt.signed(0), fmt.points(-0.025)] == ["+3", "−3", "0", "−2,5 điểm %"]
    assert [fmt.hours(0.5), fmt.hours(7.25), fmt.hours(72)] == ["30\u00a0phút", "7,2\u00a0giờ", "72\u00a0giờ (3\u00a0ngày)"]
    assert fmt.join(["a", "b", "c"]) == "a, b và c"


def test_written_tables_are_rounded_but_stay_numbers():
    frame = pd.DataFrame({"touchpoint": ["gio_hang"], "score": [0.48446837997064474], "comments": [12]})
    rounded = fmt.round_floats(frame)
    assert rounded.loc[0, "score"] == 0.4845 and rounded.loc[0, "comments"] == 12
    assert frame.loc[0, "score"] == 0.48446837997064474  # the caller's frame is not changed


@pytest.fixture
def journey(tmp_path):
    j = jm.Journey("Mua vé xe", stages=["Tìm", "Mua"])
    j.add_touchpoint("tim", name="Tìm chuyến", stage="Tìm", ces=4.5, drop_off=0.227,
                     metrics={"csat": 82.5, "nps": -12.3})
    j.add_touchpoint("mua", name="Thanh toán", stage="Mua", goal=True, ces=6)
    j.add_transition("tim", "mua", volume=12500)
    path = tmp_path / "mua_ve.yaml"
    jm.save_journey(j, path)
    return j, path


def _visible_text(markup: str) -> str:
    """Text a person reads in SVG, HTML or DOT labels: tags dropped, entities decoded, spaces joined."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\u00a0", " ").split())


def test_the_same_figures_read_the_same_in_every_output(journey):
    j, path = journey
    outputs = {
        "flow diagram (DOT)": _visible_text(jm.journey_to_dot(j)),
        "canvas (SVG)": _visible_text(jm.canvas_svg(j)),
        "report (HTML)": _visible_text(jm.build_report(j)),
    }
    # drop-off 0.227, CES 4.5, NPS −12.3, volume 12,500 and the conversion 1 − 0.227
    for figure in ("22,7%", "4,5/7", "−12,3"):
        for name, text in outputs.items():
            assert figure in text, f"{figure!r} is not in the {name}"
    for name in ("flow diagram (DOT)", "report (HTML)"):
        assert "12.500" in outputs[name], name
    for name, text in outputs.items():
        for wrong in ("22.7%", "22,70%", "23%", "4.5/7", "12,500", "12 500", "-12.3", "-12,3"):
            assert wrong not in text, f"{wrong!r} in the {name}"
    assert "77,3%" in outputs["report (HTML)"]

    console = CliRunner().invoke(app, ["conversion", str(path)])
    assert console.exit_code == 0, console.output
    assert "conversion 77,3%" in console.output and "77.3" not in console.output
