"""``cx discover``, ``cx metrics``, ``cx conversion``, ``cx pain`` and ``cx compare`` on the bundled sample."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap import load_journey
from journeymap.cli import app
from journeymap.samples import data_dir

runner = CliRunner()
DATA = data_dir()
DESIGNED = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"
EVENTS = DATA / "analytics" / "events.csv"


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("lived") / "lived.yaml"
    result = invoke("discover", EVENTS, "-o", path, "--stage-column", "stage", "--reference", DESIGNED)
    assert result.exit_code == 0, result.output
    return path, result.output


def test_discover_writes_a_journey_and_prints_the_top_paths(lived):
    path, output = lived
    journey = load_journey(path)
    assert journey.touchpoint("gio_hang").name == "Giỏ hàng & áp mã giảm giá"  # names from the reference
    assert journey.graph.edges["theo_doi_don", "chat_cskh"]["volume"] == 114
    assert "6.000 khách hàng" in output and "most frequent paths" in output and "livestream → trang_san_pham" in output


def test_discover_errors_name_what_exists_and_never_overwrite_the_log(tmp_path):
    result = invoke("discover", EVENTS, "-o", tmp_path / "j.yaml", "--case-column", "khach_hang")
    assert result.exit_code == 1
    assert "khach_hang" in result.output and "case_id" in result.output and "timestamp" in result.output
    before = EVENTS.read_bytes()
    result = invoke("discover", EVENTS, "-o", EVENTS)
    assert result.exit_code == 1 and "refusing to overwrite" in result.output
    assert EVENTS.read_bytes() == before


def test_metrics_by_touchpoint_written_onto_the_journey(lived, tmp_path):
    path, _ = lived
    table, out = tmp_path / "metrics.csv", tmp_path / "with_metrics.yaml"
    result = invoke("metrics", DATA / "analytics" / "survey.csv", "--by", "touchpoint", "--journey", path,
                    "-o", table, "--write-journey", out, "--headers", "ids")  # a table for a program: column ids
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(table)
    assert {"touchpoint", "nps", "nps_low", "nps_high", "csat", "ces"} <= set(frame.columns)
    chat = load_journey(out).touchpoint("chat_cskh").metrics
    assert chat is not None
    assert chat.nps == pytest.approx(frame.set_index("touchpoint").loc["chat_cskh", "nps"], abs=0.05)


def test_metrics_ttr_in_working_hours_is_shorter_than_clock_hours():
    clock = invoke("metrics", DATA / "analytics" / "tickets.csv")
    working = invoke("metrics", DATA / "analytics" / "tickets.csv", "--ttr-unit", "working_hours")
    assert clock.exit_code == working.exit_code == 0, clock.output + working.output
    # Vietnamese headers on screen (issue 17); the unit in the header
    assert "Thời gian giải quyết (giờ)" in clock.output and "Thời gian giải quyết (giờ làm việc)" in working.output


def test_metrics_working_calendar_from_the_command_line(tmp_path):
    tickets = tmp_path / "tickets.csv"
    tickets.write_text("opened_at,resolved_at\n2026-02-13 16:00,2026-02-23 09:00\n", encoding="utf-8")
    table = tmp_path / "out.csv"
    result = invoke("metrics", tickets, "--ttr-unit", "working_hours", "--working-days", "Mon Tue Wed Thu Fri Sat",
                    "--working-hours", "08:00-17:00", *[f"--holiday=2026-02-{d}" for d in range(16, 22)], "-o", table)
    assert result.exit_code == 0, result.output
    # Friday 13, 16–17 (1 h); Saturday 14 is worked (9 h); Tết closes Monday 16 to Saturday 21;
    # Monday 23, 8–9 (1 h).
    assert pd.read_csv(table)["Thời gian giải quyết (giờ làm việc)"].iloc[0] == pytest.approx(11.0)
    bad = invoke("metrics", tickets, "--working-hours", "8 to 17")
    assert bad.exit_code == 1 and "--working-hours takes START-END" in bad.output


def test_metrics_bad_answers_are_listed_or_skipped_and_counted(tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("touchpoint,nps\ngio_hang,10\ngio_hang,11\nchat_cskh,không biết\nchat_cskh,2\n", encoding="utf-8")
    result = invoke("metrics", survey)
    assert result.exit_code == 1
    assert "row 3" in result.output and "row 4" in result.output and "0–10" in result.output
    result = invoke("metrics", survey, "--skip-invalid")
    assert result.exit_code == 0, result.output
    assert "skipped invalid answers: nps 2" in result.output


def test_write_journey_needs_a_journey(tmp_path):
    result = invoke("metrics", DATA / "analytics" / "survey.csv", "--by", "touchpoint",
                    "--write-journey", tmp_path / "x.yaml")
    assert result.exit_code == 1 and "--write-journey needs --journey" in result.output


def test_conversion_and_what_if():
    result = invoke("conversion", DESIGNED, "--what-if", "gio_hang=20%")
    assert result.exit_code == 0, result.output
    assert "conversion 10,7%" in result.output
    assert "giảm từ 34% xuống 20%" in result.output and "Removal effect" in result.output
    bad = invoke("conversion", DESIGNED, "--what-if", "gio_hang:0.2")
    assert bad.exit_code == 1 and "TOUCHPOINT=DROP_OFF" in bad.output


def test_pain_with_comments_ranks_and_writes(lived, tmp_path):
    path, _ = lived
    ranking = tmp_path / "pain.xlsx"
    result = invoke("pain", path, "--feedback", DATA / "analytics" / "comments.csv",
                    "--touchpoint-column", "touchpoint", "-o", ranking)
    assert result.exit_code == 0, result.output
    assert "Pain ranking" in result.output and "Chat với chăm sóc khách hàng của sàn" in result.output
    table = pd.read_excel(ranking)
    assert table["Hạng"].iloc[0] == 1 and len(table) == 15  # the frontstage touchpoints, Vietnamese headers


def test_compare_prints_the_undesigned_transitions_and_draws_both(lived, tmp_path):
    path, _ = lived
    drawing = tmp_path / "diff.svg"
    result = invoke("compare", DESIGNED, path, "-o", drawing)
    assert result.exit_code == 0, result.output
    assert "Observed but not designed" in result.output and "theo_doi_don" in result.output
    assert "Designed but never observed" in result.output and "voucher_mua_lai" in result.output
    assert "thực tế, ngoài thiết kế" in drawing.read_text(encoding="utf-8")
