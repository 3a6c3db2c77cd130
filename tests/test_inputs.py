"""One input contract: a table is taken one way (path, DataFrame or Table), read once, never overwritten."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import journeymap as jm
import nlp
import nlp.tables
from journeymap.cli import app
from nlp import DataError, Table, load_table

DATA = Path(__file__).resolve().parents[1] / "data"
ANALYTICS = DATA / "analytics"
SAMPLE = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"


def test_a_path_a_dataframe_and_a_table_are_taken_alike(tmp_path):
    path = tmp_path / "khao_sat.csv"
    path.write_text("touchpoint,nps\ngio_hang,9\ngio_hang,10\n", encoding="utf-8-sig")
    from_file = load_table(path, "survey")
    assert (from_file.source, from_file.path, from_file.rows) == (str(path), path, ["row 2", "row 3"])
    assert from_file.frame["nps"].tolist() == ["9", "10"]  # as written: text
    frame = pd.DataFrame({"nps": [9, 10]}, index=[101, 102])
    from_frame = load_table(frame, "survey")
    assert (from_frame.source, from_frame.path, from_frame.rows) == ("survey", None, ["index 101", "index 102"])
    assert load_table(from_file) is from_file  # a loaded table is passed through, not read again
    with pytest.raises(DataError, match=r"khao_sat.csv has no column 'ces'; its columns are: 'touchpoint', 'nps'"):
        load_table(from_file, columns=("ces",))
    with pytest.raises(TypeError, match="survey must be a pandas DataFrame or the path of a .csv, .tsv, .xlsx "
                                        "or .jsonl file; got list"):
        load_table([9, 10], "survey")


def test_every_reader_accepts_a_loaded_table_and_names_its_rows(tmp_path):
    path = tmp_path / "phieu.csv"
    path.write_text("touchpoint,nps\ngio_hang,9\ngio_hang,mười\n", encoding="utf-8")
    table = load_table(path, "survey")
    with pytest.raises(DataError, match="row 3"):
        jm.survey_metrics(table)
    journey = jm.load_journey(SAMPLE)
    comments = load_table(pd.DataFrame({"text": ["giỏ hàng lỗi"], "touchpoint": ["không có"]}), "comments")
    with pytest.raises(DataError, match=r"comments: column 'touchpoint' has .* index 0: 'không có'"):
        jm.attach_feedback(journey, comments)


def test_the_report_reads_each_table_once(monkeypatch):
    reads: Counter[str] = Counter()
    real = nlp.tables.read_table

    def counting(path, *args, **kwargs):
        reads[Path(path).name] += 1
        return real(path, *args, **kwargs)

    monkeypatch.setattr(nlp.tables, "read_table", counting)
    html = jm.build_report(SAMPLE, feedback=ANALYTICS / "comments.csv", survey=ANALYTICS / "survey.csv",
                           tickets=ANALYTICS / "tickets.csv")
    assert 'id="metrics"' in html and 'id="feedback"' in html
    # survey.csv and tickets.csv were read 3 times each, comments.csv twice
    assert reads == {"comments.csv": 1, "survey.csv": 1, "tickets.csv": 1}


@pytest.mark.parametrize("command", [
    ["classify", "{csv}", "-t", "text", "-o", "{csv}"],
    ["metrics", "{csv}", "-o", "{csv}"],
    ["pain", "{journey}", "--feedback", "{csv}", "-o", "{csv}"],
    ["render", "{journey}", "-o", "{journey}"],
    ["convert", "{journey}", "-o", "{journey}"],
    ["canvas", "{journey}", "-o", "{journey}"],
    ["report", "--journey", "{journey}", "--survey", "{csv}", "-o", "{csv}"],
])
def test_no_command_writes_over_its_input(command, tmp_path):
    csv = tmp_path / "binh_luan.csv"
    shutil.copy(ANALYTICS / "survey.csv", csv)
    csv.write_text(csv.read_text(encoding="utf-8-sig").replace("touchpoint,", "text,touchpoint,", 1), encoding="utf-8")
    journey = tmp_path / "hanh_trinh.yaml"
    shutil.copy(SAMPLE, journey)
    before = {p: p.read_bytes() for p in (csv, journey)}
    args = [a.format(csv=csv, journey=journey) for a in command]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    assert "refusing to overwrite the input file" in result.output, result.output
    assert {p: p.read_bytes() for p in before} == before
    assert "Traceback" not in result.output


def test_the_guard_is_one_function_for_both_packages(tmp_path):
    source = tmp_path / "a.csv"
    source.write_text("text\nổn\n", encoding="utf-8")
    with pytest.raises(DataError, match="refusing to overwrite the input file"):
        nlp.refuse_overwrite(source, None, pd.DataFrame(), source)
    assert nlp.refuse_overwrite(tmp_path / "new.csv", source) == tmp_path / "new.csv"
    assert isinstance(load_table(source), Table)
