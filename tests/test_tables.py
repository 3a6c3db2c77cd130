import codecs

import pandas as pd
import pytest

from nlp.tables import TableError, TableWriter, detect_encoding, iter_table, read_table

ROWS = [("001", "Chờ lâu quá 😡"), ("002", "nhân viên \"dễ thương\", nhiệt tình"), ("003", "")]
CSV = "id,comment\n" + "".join(f'{i},"{t.replace(chr(34), chr(34) * 2)}"\n' for i, t in ROWS)


@pytest.mark.parametrize(
    ("encoding", "bom", "expected"),
    [("utf-8", b"", "utf-8"), ("utf-8", codecs.BOM_UTF8, "utf-8-sig"), ("utf-16-le", codecs.BOM_UTF16_LE, "utf-16"),
     ("utf-16-be", codecs.BOM_UTF16_BE, "utf-16")],
)
def test_csv_in_every_encoding_excel_writes(tmp_path, encoding, bom, expected):
    path = tmp_path / "comments.csv"
    path.write_bytes(bom + CSV.encode(encoding))
    assert detect_encoding(path) == expected
    frame = read_table(path, columns=("comment",))
    assert frame["id"].tolist() == ["001", "002", "003"]  # leading zeros kept: read as text
    assert frame["comment"].tolist() == [t for _, t in ROWS]


def test_excel_unicode_text_export(tmp_path):
    path = tmp_path / "comments.txt"  # Excel "Unicode Text": UTF-16 with BOM, tab-separated
    path.write_bytes(codecs.BOM_UTF16_LE + "id\tcomment\n001\tChờ lâu\n".encode("utf-16-le"))
    assert read_table(path)["comment"].tolist() == ["Chờ lâu"]


def test_undecodable_file_says_where_and_what_to_do(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_bytes("id,comment\n1,Chờ lâu\n".encode("cp1258", errors="replace") + b"2,\xff\xfe\xfd\n")
    with pytest.raises(TableError, match=r"not UTF-8 or UTF-16: byte 0x[0-9a-f]{2} at offset \d+.*CSV UTF-8"):
        read_table(path)


def test_missing_column_lists_the_columns_that_exist(tmp_path):
    path = tmp_path / "comments.csv"
    path.write_text(CSV, encoding="utf-8")
    with pytest.raises(TableError, match="has no column 'text'; its columns are: 'id', 'comment'"):
        read_table(path, columns=("text",))


@pytest.mark.parametrize(("content", "message"), [("", "is empty"), ("id,comment\n", "header but no rows")])
def test_empty_files(tmp_path, content, message):
    path = tmp_path / "comments.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TableError, match=message):
        read_table(path)


def test_unsupported_suffix(tmp_path):
    path = tmp_path / "comments.docx"
    path.write_bytes(b"x")
    with pytest.raises(TableError, match=r"comments\.docx from its suffix '\.docx'; use one of: \.csv, \.tsv, \.txt, \.xlsx, \.jsonl"):
        read_table(path)


def test_jsonl_and_xlsx_round_trip_through_the_writer(tmp_path):
    frame = pd.DataFrame({"id": ["001", "002"], "comment": ["Chờ lâu 😡", None], "score": [3.5, float("nan")]})
    for suffix in (".jsonl", ".xlsx", ".csv", ".tsv"):
        path = tmp_path / f"out{suffix}"
        with TableWriter(path) as writer:
            writer.write(frame.iloc[:1])
            writer.write(frame.iloc[1:])
        back = read_table(path)
        assert back["id"].tolist() == ["001", "002"], suffix
        assert back["comment"].iloc[0] == "Chờ lâu 😡", suffix


def test_jsonl_errors_name_the_line(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text('{"text": "ổn"}\n{"text": \n', encoding="utf-8")
    with pytest.raises(TableError, match="line 2: not valid JSON"):
        read_table(path)
    path.write_text('{"text": "ổn"}\n["a"]\n', encoding="utf-8")
    with pytest.raises(TableError, match="line 2: expected a JSON object, found list"):
        read_table(path)


def test_chunks_keep_every_row_in_order(tmp_path):
    path = tmp_path / "many.csv"
    pd.DataFrame({"id": range(2500), "comment": ["ổn"] * 2500}).to_csv(path, index=False)
    chunks = list(iter_table(path, columns=("comment",), chunk_size=1000))
    assert [len(c) for c in chunks] == [1000, 1000, 500]
    assert pd.concat(chunks)["id"].astype(int).tolist() == list(range(2500))


def test_xlsx_missing_column_and_blank_header(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["id", None])
    book.active.append(["001", "Chờ lâu"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    with pytest.raises(TableError, match="its columns are: 'id', 'column_2'"):
        read_table(path, columns=("comment",))
    assert read_table(path)["column_2"].tolist() == ["Chờ lâu"]
