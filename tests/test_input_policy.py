"""Issue 15, readers: one policy for every table and event log (no index inferred, columns aligned,
formulas without values reported, paths taken literally, time zones kept, NFC text, special files
refused, messages that say where), each defect as the user met it."""

from __future__ import annotations

import codecs
import json
import os
import time
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap import load_journey
from journeymap.cli import app
from journeymap.discover import discover_journey, path_variants
from journeymap.feedback import summarize_feedback
from journeymap.metrics import survey_metrics, ttr
from nlp.errors import DataError, InputNotFoundError, require_file
from nlp.tables import MAX_CELL_CHARS, iter_table, read_table

runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# -- 1. no index inferred: a trailing comma on every row ------------------------------------------------

# NPS of these answers is +25 (4 promoters, 2 detractors of 8); the CSAT column would give −100.
SURVEY = "id,nps,csat\n" + "".join(
    f"{i},{nps},{csat},\n" for i, (nps, csat) in enumerate(zip([10, 9, 9, 10, 8, 7, 6, 0], [1, 2, 3, 1, 2, 3, 1, 2]), 1)
)


def test_trailing_comma_keeps_every_column_under_its_header_in_cx_metrics(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    result = invoke("metrics", path, "-o", tmp_path / "out.csv", "--headers", "ids")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "out.csv", encoding="utf-8-sig")
    assert table.loc[0, "nps"] == 25 and table.loc[0, "nps_n"] == 8
    assert table.loc[0, "csat_n"] == 8
    assert read_table(path)["id"].tolist() == [str(i) for i in range(1, 9)]


def test_trailing_comma_keeps_the_ids_in_cx_classify(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text("id,text,touchpoint\n001,Chờ lâu quá,Nhận biết,\n002,Nhân viên tốt,Mua,\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    result = invoke("classify", path, "-t", "text", "-o", out, "--headers", "ids")
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert table["id"].tolist() == ["001", "002"]
    assert table["text"].tolist() == ["Chờ lâu quá", "Nhân viên tốt"]
    assert table["touchpoint"].tolist() == ["Nhận biết", "Mua"]
    assert table.loc[0, "sentiment"] == "negative"


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("id,nps\n1,10,\n2,9,\n3,9,xin chào\n", r"row 4 \('xin chào'\)"),  # extra text after trailing commas
        ("id,nps\n1,10\n2,9\n3,9,10\n", r"row 4 has 3 fields but the header names 2 columns"),
    ],
)
def test_a_ragged_row_is_reported_with_its_row_not_shifted(tmp_path, content, where):
    path = tmp_path / "survey.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=where):
        read_table(path)
    result = invoke("metrics", path)
    assert result.exit_code == 1 and "row 4" in result.output and "Traceback" not in result.output


# -- 2. JSON Lines: a key first seen after a chunk -------------------------------------------------------


def test_jsonl_key_first_seen_after_row_10000_stays_under_its_header(tmp_path):
    path = tmp_path / "comments.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(12_000):
            row = {"id": f"{i:05d}", "text": "chờ lâu quá" if i % 2 else "nhân viên tốt"}
            if i >= 10_500:
                row = {"channel": "app", **row}  # a new key, first, in the second chunk
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    chunks = list(iter_table(path, chunk_size=5_000))
    assert [list(c.columns) for c in chunks] == [["id", "text", "channel"]] * 3
    frame = pd.concat(chunks, ignore_index=True)
    assert frame["channel"].isna().sum() == 10_500 and (frame["channel"].iloc[10_500:] == "app").all()
    assert frame["id"].tolist() == [f"{i:05d}" for i in range(12_000)]

    out = tmp_path / "out.csv"
    result = invoke("classify", path, "-t", "text", "-o", out)  # classifies in chunks of 10,000 rows
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert table["id"].tolist() == [f"{i:05d}" for i in range(12_000)]
    assert (table["channel"].iloc[10_500:] == "app").all() and (table["channel"].iloc[:10_500] == "").all()
    assert (table["text"].iloc[10_501::2] == "chờ lâu quá").all()


# -- 3. Excel formulas without a saved value -------------------------------------------------------------


def _formula_workbook(path: Path, *, cached: bool) -> Path:
    import re
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Khảo sát"
    sheet.append(["id", "nps", "nps_copy"])
    for row in range(2, 122):
        sheet.append([row - 1, 9, f"=B{row}"])  # openpyxl stores the formula, no value
    workbook.save(path)
    if cached:  # as Excel saves it: the formula and its value
        with zipfile.ZipFile(path) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        name = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        parts[name] = re.sub(rb"<f>(B\d+)</f>(<v\s*/>|<v></v>)?", rb"<f>\1</f><v>9</v>", parts[name])
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


def test_formulas_without_saved_values_are_reported_with_their_cells(tmp_path):
    path = _formula_workbook(tmp_path / "survey.xlsx", cached=False)
    with pytest.raises(DataError, match=r"survey\.xlsx, sheet 'Khảo sát': C2, C3, C4, .* … \(120 cells\) hold formulas "
                                        r"without a saved value.*Open the file in Excel or LibreOffice and save it"):
        read_table(path)
    result = invoke("metrics", path)
    assert result.exit_code == 1 and "120 cells" in result.output


def test_formulas_with_saved_values_read_their_values(tmp_path):
    path = _formula_workbook(tmp_path / "survey.xlsx", cached=True)
    assert read_table(path)["nps_copy"].tolist() == [9] * 120


# -- 4. event-log paths are literal, never globs ---------------------------------------------------------

LOG = "case_id,touchpoint,timestamp\n{case},{first},2026-01-05 08:00\n{case},{second},2026-01-05 09:00\n"


@pytest.fixture
def glob_folder(tmp_path):
    (tmp_path / "ev[1].csv").write_text(LOG.format(case="k1", first="that_file", second="b"), encoding="utf-8")
    (tmp_path / "ev1.csv").write_text(LOG.format(case="k1", first="other_file", second="b"), encoding="utf-8")
    (tmp_path / "sub?.csv").write_text(LOG.format(case="k1", first="that_file", second="b"), encoding="utf-8")
    (tmp_path / "suba.csv").write_text(LOG.format(case="k2", first="other_file", second="b"), encoding="utf-8")
    (tmp_path / "subb.csv").write_text(LOG.format(case="k3", first="other_file", second="b"), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["ev[1].csv", "sub?.csv"])
def test_event_log_paths_are_taken_literally(glob_folder, name):
    path = glob_folder / name
    journey = discover_journey(path)
    assert sorted(journey.graph.nodes) == ["b", "that_file"]
    assert "1 khách hàng" in journey.description
    assert path_variants(path)["cases"].tolist() == [1]
    result = invoke("discover", path, "-o", glob_folder / "lived.yaml")
    assert result.exit_code == 0, result.output
    assert sorted(load_journey(glob_folder / "lived.yaml").graph.nodes) == ["b", "that_file"]


def test_cx_report_reads_the_event_log_literally(glob_folder, good_file):
    result = invoke("report", "-j", good_file, "-e", glob_folder / "sub?.csv", "-o", glob_folder / "r.html")
    assert result.exit_code == 0, result.output
    html = (glob_folder / "r.html").read_text(encoding="utf-8")
    assert "that_file" in html and "other_file" not in html  # suba.csv and subb.csv are not merged in


def test_parquet_event_log_path_is_taken_literally(tmp_path):
    frame = pd.DataFrame({"case_id": ["k1", "k1"], "touchpoint": ["that_file", "b"],
                          "timestamp": pd.to_datetime(["2026-01-05 08:00", "2026-01-05 09:00"])})
    import duckdb

    for name, first in (("ev[1].parquet", "that_file"), ("ev1.parquet", "other_file")):
        with duckdb.connect() as con:
            con.register("f", frame.assign(touchpoint=[first, "b"]))
            con.execute("COPY f TO ? (FORMAT parquet)", [str(tmp_path / name)])
    assert sorted(discover_journey(tmp_path / "ev[1].parquet").graph.nodes) == ["b", "that_file"]


# -- 5. time zones kept across columns -------------------------------------------------------------------


def test_ttr_keeps_offsets_across_columns(tmp_path):
    assert ttr(["2026-01-05T01:00:00Z"], ["2026-01-05T09:00:00+07:00"]).value == 1.0  # not 8
    path = tmp_path / "tickets.csv"
    path.write_text("opened_at,resolved_at\n2026-01-05T01:00:00Z,2026-01-05T09:00:00+07:00\n"
                    "2026-01-05T02:00:00Z,2026-01-05T11:00:00+07:00\n", encoding="utf-8")
    assert survey_metrics(path)["ttr_hours"].iloc[0] == 1.5


def test_naive_and_aware_times_are_refused_naming_the_columns(tmp_path):
    path = tmp_path / "tickets.csv"
    path.write_text("opened_at,resolved_at\n2026-01-05T01:00:00Z,2026-01-05 09:00\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"times with a time zone and times without one cannot be compared: column "
                                        r"'opened_at' has times with a time zone \(row 2: '2026-01-05T01:00:00Z'\); "
                                        r"column 'resolved_at' has times without one \(row 2: '2026-01-05 09:00'\)"):
        survey_metrics(path)
    with pytest.raises(DataError, match="times with a time zone and times without one"):
        ttr(["2026-01-05T01:00:00Z", "2026-01-05 08:00"], ["2026-01-05T02:00:00Z", "2026-01-05 09:00"])


def test_event_log_times_with_any_zone_suffix_keep_it():
    rows = [("k1", "a", "2026-01-05T08:00:00+07:00:00"), ("k1", "b", "2026-01-05 01:30:00 UTC")]
    journey = discover_journey(pd.DataFrame(rows, columns=["case_id", "touchpoint", "timestamp"]))
    assert journey.graph.edges["a", "b"]["median_hours"] == 0.5  # not −6.5 h read as clock times
    rows = [("k1", "a", "2026-01-05 08:00:00 Asia/Ho_Chi_Minh"), ("k1", "b", "2026-01-05 09:00:00")]
    with pytest.raises(DataError, match="mixes times with a time-zone offset"):
        discover_journey(pd.DataFrame(rows, columns=["case_id", "touchpoint", "timestamp"]))


# -- 6. encoding messages, URLs --------------------------------------------------------------------------


def test_utf16_without_bom_is_named(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_bytes("text,touchpoint\nChờ lâu,Nhận biết\n".encode("utf-16-le"))
    with pytest.raises(DataError, match=r"looks like UTF-16 \(little-endian\) without a byte-order mark"):
        read_table(path, columns=("text",))
    log = tmp_path / "events.csv"
    log.write_bytes(codecs.BOM_UTF16_LE + "case_id,touchpoint,timestamp\n".encode("utf-16-le"))
    with pytest.raises(DataError, match=r"is UTF-16; an event log must be UTF-8"):
        discover_journey(log)


def test_a_bad_byte_deep_in_a_file_gives_its_real_offset_line_and_text(tmp_path):
    head = ("id,text\n" + "".join(f"{i},bình thường\n" for i in range(8_000))).encode()
    path = tmp_path / "comments.csv"
    path.write_bytes(head + b"8000,caf\xe9 ngon\n8001,ok\n")
    offset = len(head) + len(b"8000,caf")
    assert offset > 150_000
    with pytest.raises(DataError, match=rf"byte 0xe9 at offset {offset} \(line 8002\) cannot be decoded, here: "
                                        r"'8000,caf\ufffd ngon'"):
        read_table(path)


@pytest.mark.parametrize("url", ["https://example.com/khao_sat.csv", "http://10.0.0.1/events.csv"])
def test_a_url_is_refused_as_not_a_local_file(url):
    with pytest.raises(InputNotFoundError, match=r"is a web address: cx reads local files only"):
        read_table(url)
    result = invoke("metrics", url)
    assert result.exit_code == 1 and "web address" in result.output and "https:/" not in result.output.replace(url, "")


# -- 7. special files, long cells ------------------------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_link_to_a_device_is_refused_before_reading(tmp_path):
    link = tmp_path / "zero.csv"
    link.symlink_to("/dev/zero")
    started = time.perf_counter()
    with pytest.raises(DataError, match=r"zero\.csv \(a link to /dev/zero\) is a device, not a regular file"):
        read_table(link)
    with pytest.raises(DataError, match="is a device"):
        discover_journey(link)
    assert time.perf_counter() - started < 5


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_is_refused_before_reading(tmp_path):
    fifo = tmp_path / "comments.csv"
    os.mkfifo(fifo)  # opening it to read would wait for a writer forever
    with pytest.raises(DataError, match=r"is a named pipe \(FIFO\), not a regular file"):
        read_table(fifo)
    with pytest.raises(DataError, match="named pipe"):
        require_file(fifo, "event log")
    result = invoke("metrics", fifo)
    assert result.exit_code == 1 and "named pipe" in result.output


def test_a_cell_over_the_limit_names_its_row_and_column(tmp_path):
    path = tmp_path / "comments.csv"
    lines = "3,lorem ipsum\n" * (MAX_CELL_CHARS // 14 + 10)
    path.write_text(f'id,text\n1,ổn\n2,"a quote closed much later\n{lines}"\n4,ổn\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3, column 'text': a cell of \d+ characters, over the limit of 1000000 "
                                        r"\(it begins 'a quote closed much later.*'\)\. That is usually a quote \(\"\) "
                                        r"left open"):
        read_table(path)
    path.write_text('id,text\n1,ổn\n2,"a quote never closed\n3,ổn\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"row 3 opens a quote \(\"\) that is never closed"):
        read_table(path)


# -- 8. NFC ----------------------------------------------------------------------------------------------


def test_decomposed_text_matches_precomposed_names(tmp_path, good_file):
    journey = load_journey(good_file)
    comments = tmp_path / "comments.csv"
    comments.write_text(nfd("văn bản,điểm chạm\nQuảng cáo lừa đảo quá,Quảng cáo Facebook\n"), encoding="utf-8")
    summary = summarize_feedback(journey, comments, text_column="văn bản", touchpoint_column="điểm chạm")
    assert summary.loc["fb_ad", "comments"] == 1
    survey = tmp_path / "survey.tsv"
    survey.write_text(nfd("stage\tnps\nNhận biết\t10\nĐăng ký\t3\n"), encoding="utf-8")
    table = survey_metrics(survey, by="stage", journey=journey)
    assert table["stage"].astype(str).tolist()[:2] == ["Nhận biết", "Đăng ký"]
    assert table["nps_n"].tolist()[:2] == [1, 1]
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text(json.dumps({nfd("điểm chạm"): nfd("Nhận biết")}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert read_table(jsonl).to_dict("records") == [{"điểm chạm": "Nhận biết"}]


def test_decomposed_event_log_names_are_one_touchpoint():
    rows = [("k1", nfd("Nhận biết"), "2026-01-05 08:00"), ("k1", "Mua", "2026-01-05 09:00"),
            ("k2", "Nhận biết", "2026-01-05 08:00"), ("k2", "Mua", "2026-01-05 10:00")]
    journey = discover_journey(pd.DataFrame(rows, columns=["case_id", "touchpoint", "timestamp"]))
    assert journey.graph.number_of_nodes() == 2
    assert journey.graph.edges["nhan_biet", "mua"]["volume"] == 2


# -- 9. messages, exact ids ------------------------------------------------------------------------------


def test_skip_invalid_is_named_as_the_flag_on_the_command_line_and_the_keyword_in_python(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("nps\n9\n11\n", encoding="utf-8")
    result = invoke("metrics", path)
    assert result.exit_code == 1 and "pass --skip-invalid to skip them" in result.output
    assert "skip_invalid=True" not in result.output
    with pytest.raises(DataError, match=r"pass skip_invalid=True to skip them"):
        survey_metrics(path)


def test_cx_pain_with_nothing_to_rank_says_so(tmp_path):
    path = tmp_path / "journey.yaml"
    path.write_text("journey: Thử\nstages: [A]\ntouchpoints:\n  - id: a\n    name: Một\n    stage: A\n"
                    "    lane: backstage\n", encoding="utf-8")
    result = invoke("pain", path)
    assert result.exit_code == 0, result.output
    assert "Empty DataFrame" not in result.output and "No touchpoint to rank" in result.output


def test_integers_beyond_2_53_keep_their_exact_text(tmp_path):
    path = tmp_path / "survey.jsonl"
    path.write_text('{"id": 9007199254740993, "nps": 9}\n{"id": 9007199254740995, "nps": 10}\n{"nps": 3}\n',
                    encoding="utf-8")
    assert read_table(path)["id"].tolist()[:2] == ["9007199254740993", "9007199254740995"]
    table = survey_metrics(path, by="id")
    assert table["id"].tolist()[:2] == ["9007199254740993", "9007199254740995"]
    huge = tmp_path / "huge.jsonl"
    huge.write_text('{"id": ' + "7" * 5000 + ', "text": "ổn"}\n', encoding="utf-8")  # beyond int()'s 4,300 digits
    assert read_table(huge)["id"].iloc[0] == "7" * 5000
