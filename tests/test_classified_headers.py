"""cx classify writes Vietnamese headers by default and ids with --headers ids; every reader of a
classified file (nlp.tables, so cx pain/report --feedback, cx evaluate, cx train, cx sample, cx themes)
reads both forms back the same (issue 17 item 5)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap.cli import app
from journeymap.samples import data_dir
from nlp.headers import classified_header, classified_ids
from nlp.tables import load_table, read_table

runner = CliRunner()
DESIGNED = data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml"


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def classified(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same comments classified with each header form, to CSV and XLSX."""
    where = tmp_path_factory.mktemp("classified")
    comments = read_table(data_dir() / "analytics" / "comments.csv")
    comments = comments.loc[::5, ["id", "source", "touchpoint", "text"]].rename(columns={"source": "Ghi chú nguồn"})
    comments.loc[comments.index[3], "text"] = ""  # an empty comment: kept, marked in the status column
    source = where / "ý kiến.csv"
    comments.to_csv(source, index=False)
    files: dict[str, Path] = {}
    for style in ("vi", "ids"):
        for suffix in (".csv", ".xlsx"):
            out = where / f"{style}{suffix}"
            args = ["classify", source, "-t", "text", "-o", out, "--names", "vi"]
            result = invoke(*args) if style == "vi" else invoke(*args, "--headers", "ids")  # vi: the default
            assert result.exit_code == 0, result.output
            files[f"{style}{suffix}"] = out
    return files


def _headers(path: Path) -> list[str]:
    raw = pd.read_excel(path, nrows=0) if path.suffix == ".xlsx" else pd.read_csv(path, nrows=0, encoding="utf-8-sig")
    return [str(c) for c in raw.columns]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cx_classify_heads_its_columns_in_vietnamese_by_default_and_keeps_the_users_columns(classified, suffix):
    vi, ids = _headers(classified[f"vi{suffix}"]), _headers(classified[f"ids{suffix}"])
    assert vi[:4] == ids[:4] == ["id", "Ghi chú nguồn", "touchpoint", "text"]  # the user's columns, never renamed
    assert vi[4:7] == ["Cảm xúc chung", "Cảm xúc chung (tên)", "Độ tin cậy: Cảm xúc chung"]
    assert "Xác suất: Thời gian chờ lâu" in vi and "Nguyên nhân trải nghiệm xấu" in vi
    assert vi[-1] == "Trạng thái nội dung" and ids[-1] == "text_status"
    assert ids[4:7] == ["sentiment", "sentiment_vi", "sentiment_confidence"] and "p_wait_time" in ids
    assert [classified_header(c) for c in ids] == vi  # one mapping, in nlp


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_both_header_forms_read_back_identically(classified, suffix):
    vi, ids = read_table(classified[f"vi{suffix}"]), read_table(classified[f"ids{suffix}"])
    pd.testing.assert_frame_equal(vi, ids)
    assert vi["sentiment"].iloc[0] in ("negative", "neutral", "positive")  # labels stay ids
    # a DataFrame read by pandas itself is taken the same way by every function that takes a table
    raw = pd.read_csv(classified["vi.csv"], dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(load_table(raw, "comments").frame.columns) == list(read_table(classified["ids.csv"]).columns)


def test_a_table_without_the_status_column_keeps_every_header():
    assert classified_ids(["text", "Cảm xúc chung", "Xác suất: Thời gian chờ lâu"]) == {}
    # the id already a column: the Vietnamese header is the user's own column, left alone
    assert classified_ids(["sentiment", "Cảm xúc chung", "text_status"]) == {}


def test_reclassifying_a_classified_file_reads_back_the_same_either_way(classified, tmp_path):
    outs = {}
    for style in ("vi", "ids"):
        outs[style] = tmp_path / f"again-{style}.csv"
        result = invoke("classify", classified["vi.csv"], "-t", "text", "-o", outs[style], "--headers", style)
        assert result.exit_code == 0, result.output
        assert "the model's is written as" in result.output
    assert "Cảm xúc chung (cx)" in _headers(outs["vi"]) and "Cảm xúc chung" in _headers(outs["ids"])
    vi, ids = read_table(outs["vi"]), read_table(outs["ids"])
    pd.testing.assert_frame_equal(vi, ids)
    assert {"sentiment", "sentiment_cx", "text_status", "text_status_cx"} <= set(vi.columns)


def _same_output(vi: str, ids: str, paths: dict[str, Path]) -> tuple[str, str]:
    for style, path in paths.items():
        vi, ids = vi.replace(str(path), style), ids.replace(str(path), style)
    return vi, ids


@pytest.mark.parametrize("reader", ["pain", "evaluate", "themes"])
def test_every_reader_of_a_classified_file_gives_the_same_result_for_both_forms(classified, tmp_path, reader):
    results = {}
    for style in ("vi", "ids"):
        for suffix in (".csv", ".xlsx"):
            path = classified[f"{style}{suffix}"]
            if reader == "pain":
                out = tmp_path / f"pain-{style}{suffix}.csv"
                result = invoke("pain", DESIGNED, "--feedback", path, "-o", out, "--headers", "ids")
                text = result.output + out.read_text(encoding="utf-8-sig")
            elif reader == "evaluate":
                result = invoke("evaluate", "models/feedback-vi", path, "-t", "text", "--label-column", "sentiment",
                                "--labels-column", "causes", "--where", "text_status=ok")
                text = result.output
            else:
                out = tmp_path / f"themes-{style}{suffix}.csv"
                result = invoke("themes", path, "-t", "text", "-o", out, "--only", "negative", "-k", "2")
                text = result.output + out.read_text(encoding="utf-8-sig")
            assert result.exit_code == 0, result.output
            results[(style, suffix)] = re.sub(r"\S*(vi|ids)\.(csv|xlsx)\S*", "FILE", text)
    assert results[("vi", ".csv")] == results[("ids", ".csv")]
    assert results[("vi", ".xlsx")] == results[("ids", ".xlsx")]
    if reader == "pain":  # the comments reached the ranking
        assert "negative_share" in results[("vi", ".csv")]


def test_report_reads_a_vietnamese_headed_classified_file(classified, tmp_path):
    pages = {}
    for style in ("vi", "ids"):
        out = tmp_path / f"report-{style}.html"
        result = invoke("report", "-j", DESIGNED, "-f", classified[f"{style}.csv"], "-o", out)
        assert result.exit_code == 0, result.output
        pages[style] = out.read_text(encoding="utf-8")
    sections = {style: re.findall(r'<section id="(?:pain|comments|feedback)".*?</section>', page, re.DOTALL)
                for style, page in pages.items()}
    assert sections["vi"] and sections["vi"] == sections["ids"]


def test_train_and_sample_take_the_vietnamese_headed_file(classified, tmp_path):
    result = invoke("train", classified["vi.xlsx"], "-t", "text", "--label-column", "sentiment",
                    "--where", "text_status=ok", "-o", tmp_path / "model")
    assert result.exit_code == 0, result.output
    result = invoke("sample", classified["vi.csv"], "-t", "text", "-o", tmp_path / "batch.xlsx", "-n", "5")
    assert result.exit_code == 0, result.output


def test_a_vietnamese_header_given_as_a_column_says_which_id_to_give(classified):
    result = invoke("evaluate", "models/feedback-vi", classified["vi.csv"], "-t", "text",
                    "--label-column", "Cảm xúc chung", "--where", "text_status=ok")
    assert result.exit_code == 1
    assert "is read as its id 'sentiment'" in " ".join(result.output.split())
