import pandas as pd
import pytest

from nlp.batch import classify_file, count_rows, default_output_path
from nlp.tables import TableError, read_table


@pytest.fixture
def comments(tmp_path):
    path = tmp_path / "khao_sat.csv"
    frame = pd.DataFrame({
        "ma": ["007", "008", "009", "010", "011"],
        "y_kien": ["Chờ 2 tiếng mà nhân viên còn quát khách 😡", "", "12345", "nv tu van nhiet tinh, cam on",
                   "Gọi 5 lần vẫn chưa ai xử lý"],
        "sentiment": ["gold-neg", "", "", "gold-pos", "gold-neg"],  # a column the model also writes
    })
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def test_every_row_kept_in_order_with_its_columns(comments):
    before = comments.read_bytes()
    result = classify_file(comments, text_column="y_kien", chunk_size=2)
    assert comments.read_bytes() == before  # the input is untouched
    assert result.output == default_output_path(comments) == comments.with_name("khao_sat.classified.csv")
    out = read_table(result.output)
    assert out["ma"].tolist() == ["007", "008", "009", "010", "011"]
    assert out["sentiment"].tolist() == ["gold-neg", "", "", "gold-pos", "gold-neg"]  # original column intact
    assert result.renamed == {"sentiment": "sentiment_cx"}
    assert out["sentiment_cx"].tolist() == ["negative", "", "", "positive", "negative"]
    assert out["text_status"].tolist() == ["ok", "empty", "not_text", "ok", "ok"]
    assert result.rows == 5 and result.not_classified == 2
    assert "unresolved" in out.loc[4, "causes"]


@pytest.mark.parametrize("suffix", [".jsonl", ".xlsx", ".tsv"])
def test_output_format_follows_the_suffix(comments, tmp_path, suffix):
    result = classify_file(comments, text_column="y_kien", output=tmp_path / f"out{suffix}", explain=True)
    out = read_table(result.output)
    assert len(out) == 5
    assert "causes_evidence" in out.columns
    assert not any(p.name.startswith(".out") for p in tmp_path.iterdir())  # no partial file left behind


def test_never_overwrites_the_input(comments):
    with pytest.raises(TableError, match="refusing to overwrite the input"):
        classify_file(comments, text_column="y_kien", output=comments)


def test_a_failed_run_leaves_no_output(comments, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(TableError, match="its columns are: 'ma', 'y_kien', 'sentiment'"):
        classify_file(comments, text_column="comment", output=out)
    assert not out.exists()
    assert not any(".partial" in p.name for p in tmp_path.iterdir())


def test_count_rows_for_the_progress_bar(comments):
    assert count_rows(comments) == 5
