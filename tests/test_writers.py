"""Issue 15, the writers: no formula from user text in any .xlsx; ``--excel-safe`` CSV; every output
written whole or not at all (a temporary file renamed on success); output paths checked before any
work; one way to tell a format from a suffix; several labels joined unambiguously."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import journeymap as jm
import nlp
from journeymap.cli import app
from journeymap.samples import data_dir
from nlp.errors import DataError
from nlp.tables import TableWriter, read_table

ROOT = Path(jm.__file__).resolve().parent.parent  # the code under test, for the subprocess
DESIGNED = data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml"
HOSTILE = ['=HYPERLINK("http://x","Bấm")', "=1+1", "+1", "-1", "@SUM(A1)", "#N/A", "\tcmd", "ổn"]
runner = CliRunner()


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


def leftovers(folder: Path) -> list[str]:
    """Temporary files the writers could have left behind."""
    return sorted(p.name for p in folder.rglob("*") if ".partial" in p.name)


def xlsx_cells(path: Path) -> list[list[tuple[object, str]]]:
    """Every cell as (value, data_type), read without evaluating anything."""
    workbook = load_workbook(path)
    try:
        return [[(cell.value, cell.data_type) for cell in row] for row in workbook.worksheets[0].iter_rows()]
    finally:
        workbook.close()


def small_journey(name: str = "Giỏ hàng") -> jm.Journey:
    j = jm.Journey("Mua hàng", stages=["Mua", "Nhận"])
    j.add_touchpoint("gio_hang", name=name, stage="Mua", ces=3, drop_off=0.4, emotion=-1)
    j.add_touchpoint("nhan", name="Nhận hàng", stage="Nhận", goal=True, emotion=1)
    j.add_transition("gio_hang", "nhan")
    return j


# -- 1. no formula from user text in .xlsx ------------------------------------------------------------

def test_xlsx_text_is_stored_as_text_and_numbers_as_numbers(tmp_path):
    out = tmp_path / "out.xlsx"
    frame = pd.DataFrame({"=id": [f"{i:03d}" for i in range(len(HOSTILE))], "comment": HOSTILE,
                          "score": [1.5, -2, 3, 4, 5, 6, 7, float("nan")]})
    with TableWriter(out) as writer:
        writer.write(frame.iloc[:3])
        writer.write(frame.iloc[3:])
    rows = xlsx_cells(out)
    assert rows[0] == [("=id", "s"), ("comment", "s"), ("score", "s")]  # a header is text too
    assert [row[1] for row in rows[1:]] == [(text, "s") for text in HOSTILE]
    assert [row[0] for row in rows[1:]] == [(f"{i:03d}", "s") for i in range(len(HOSTILE))]
    assert [row[2] for row in rows[1:-1]] == [(1.5, "n"), (-2, "n"), (3, "n"), (4, "n"), (5, "n"), (6, "n"), (7, "n")]
    assert rows[-1][2][0] is None
    assert read_table(out)["comment"].tolist() == HOSTILE  # and read back exactly


def test_xlsx_refuses_text_it_cannot_hold_instead_of_cutting_it(tmp_path):
    out = tmp_path / "out.xlsx"
    with (pytest.raises(DataError, match=r"out\.xlsx: row 3, column 'comment' holds the control character U\+0001"),
          TableWriter(out) as writer):
        writer.write(pd.DataFrame({"comment": ["ổn", "a\x01b"]}))
    with (pytest.raises(DataError, match=r"row 2, column 'comment' holds 40,000 characters; .* at most 32,767"),
          TableWriter(out) as writer):
        writer.write(pd.DataFrame({"comment": ["x" * 40_000]}))
    assert not out.exists() and not leftovers(tmp_path)


def test_cx_classify_to_xlsx_keeps_a_hyperlink_comment_as_text(tmp_path):
    comments = tmp_path / "comments.csv"
    pd.DataFrame({"id": ["01", "02", "03", "04", "05"], "text": HOSTILE[:5]}).to_csv(comments, index=False)
    out = tmp_path / "out.xlsx"
    result = invoke("classify", comments, "-t", "text", "-o", out)
    assert result.exit_code == 0, result.output
    rows = xlsx_cells(out)
    text = rows[0].index(("text", "s"))
    assert [row[text] for row in rows[1:]] == [(t, "s") for t in HOSTILE[:5]]
    assert all(kind != "f" for row in rows for _, kind in row)
    confidence = rows[0].index(("Độ tin cậy: Cảm xúc chung", "s"))  # Vietnamese headers by default
    assert all(row[confidence][1] == "n" for row in rows[1:])  # numbers stay numbers


def test_cx_pain_and_metrics_to_xlsx_keep_hostile_names_as_text(tmp_path):
    journey = tmp_path / "j.yaml"
    jm.save_journey(small_journey(HOSTILE[0]), journey)
    out = tmp_path / "pain.xlsx"
    result = invoke("pain", journey, "-o", out)
    assert result.exit_code == 0, result.output
    rows = xlsx_cells(out)
    name = rows[0].index(("Điểm chạm", "s"))  # Vietnamese headers by default (issue 17)
    assert (HOSTILE[0], "s") in [row[name] for row in rows[1:]]
    assert all(kind != "f" for row in rows for _, kind in row)

    survey = tmp_path / "survey.csv"
    pd.DataFrame({"touchpoint": [HOSTILE[0], "=1+1", "@SUM(A1)"], "nps": [9, 3, 10]}).to_csv(survey, index=False)
    out = tmp_path / "metrics.xlsx"
    result = invoke("metrics", survey, "--by", "touchpoint", "-o", out)
    assert result.exit_code == 0, result.output
    rows = xlsx_cells(out)
    assert sorted(row[0] for row in rows[1:]) == sorted([(HOSTILE[0], "s"), ("=1+1", "s"), ("@SUM(A1)", "s")])
    assert all(kind != "f" for row in rows for _, kind in row)


# -- 2. --excel-safe CSV ------------------------------------------------------------------------------

def test_excel_safe_csv_quotes_formula_starts_and_is_off_by_default(tmp_path):
    frame = pd.DataFrame({"comment": HOSTILE + ["a\rb", "\rcr"], "n": range(len(HOSTILE) + 2)})
    exact, safe = tmp_path / "exact.csv", tmp_path / "safe.csv"
    with TableWriter(exact) as writer:
        writer.write(frame)
    with TableWriter(safe, excel_safe=True) as writer:
        writer.write(frame)
    assert read_table(exact)["comment"].tolist() == frame["comment"].tolist()  # round trip stays exact
    quoted = read_table(safe)["comment"].tolist()
    assert quoted == ['\'=HYPERLINK("http://x","Bấm")', "'=1+1", "'+1", "'-1", "'@SUM(A1)", "#N/A", "'\tcmd", "ổn",
                      "a\rb", "'\rcr"]
    assert read_table(safe)["n"].tolist() == [str(i) for i in range(len(HOSTILE) + 2)]


def test_cx_classify_pain_and_metrics_take_excel_safe(tmp_path):
    comments = tmp_path / "comments.csv"
    pd.DataFrame({"id": ["01", "02"], "text": ["=1+1", "-giao chậm"]}).to_csv(comments, index=False)
    for flag, expected in (([], ["=1+1", "-giao chậm"]), (["--excel-safe"], ["'=1+1", "'-giao chậm"])):
        out = tmp_path / f"out{len(flag)}.csv"
        result = invoke("classify", comments, "-t", "text", "-o", out, *flag)
        assert result.exit_code == 0, result.output
        assert read_table(out)["text"].tolist() == expected

    journey = tmp_path / "j.yaml"
    jm.save_journey(small_journey("=Giỏ hàng"), journey)
    for flag, expected in (([], "=Giỏ hàng"), (["--excel-safe"], "'=Giỏ hàng")):
        out = tmp_path / f"pain{len(flag)}.csv"
        assert invoke("pain", journey, "-o", out, *flag).exit_code == 0
        assert expected in read_table(out)["Điểm chạm"].tolist()

    survey = tmp_path / "survey.csv"
    pd.DataFrame({"touchpoint": ["@a", "b"], "nps": [9, 3]}).to_csv(survey, index=False)
    for flag, expected in (([], ["@a", "b"]), (["--excel-safe"], ["'@a", "b"])):
        out = tmp_path / f"metrics{len(flag)}.tsv"
        assert invoke("metrics", survey, "--by", "touchpoint", "-o", out, *flag).exit_code == 0
        assert sorted(read_table(out)["Mã điểm chạm"].tolist()) == expected


def test_classify_file_takes_excel_safe(tmp_path):
    comments = tmp_path / "c.csv"
    pd.DataFrame({"text": ["+84 gọi mãi không được"]}).to_csv(comments, index=False)
    result = nlp.classify_file(comments, text_column="text", output=tmp_path / "o.csv", excel_safe=True)
    assert read_table(result.output)["text"].tolist() == ["'+84 gọi mãi không được"]


# -- 3. written whole or not at all --------------------------------------------------------------------

class Boom(RuntimeError):
    pass


def _old(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:  # the builtin: some tests patch Path's writers
        handle.write(b"the previous output")
    return b"the previous output"


def _read(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def test_atomic_path_keeps_the_old_file_and_leaves_no_temporary_on_failure(tmp_path):
    from nlp.output import atomic_path

    out = tmp_path / "out.txt"
    before = _old(out)
    with pytest.raises(Boom), atomic_path(out) as temp:
        temp.write_bytes(b"half")
        raise Boom
    assert out.read_bytes() == before and not leftovers(tmp_path)
    with pytest.raises(KeyboardInterrupt), atomic_path(tmp_path / "new.txt") as temp:
        temp.write_bytes(b"half")
        raise KeyboardInterrupt
    assert not (tmp_path / "new.txt").exists() and not leftovers(tmp_path)


def _fail_after_writing(real):
    """Wrap a writer so that it writes (part of) its file, then raises."""
    def writer(*args, **kwargs):
        real(*args, **kwargs)
        raise Boom("the disk filled up half-way")
    return writer


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl", ".xlsx"])
def test_a_table_writer_that_fails_leaves_the_old_output(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    before = _old(out)
    with pytest.raises(Boom), TableWriter(out) as writer:
        writer.write(pd.DataFrame({"text": ["ổn"] * 100}))
        raise Boom
    assert out.read_bytes() == before and not leftovers(tmp_path)


def test_a_failed_xlsx_save_leaves_the_old_output(tmp_path, monkeypatch):
    from openpyxl import Workbook

    out = tmp_path / "out.xlsx"
    before = _old(out)
    monkeypatch.setattr(Workbook, "save", _fail_after_writing(Workbook.save))
    with pytest.raises(Boom), TableWriter(out) as writer:
        writer.write(pd.DataFrame({"text": ["ổn"]}))
    assert out.read_bytes() == before and not leftovers(tmp_path)


def test_a_failed_classify_run_leaves_the_old_output(tmp_path, monkeypatch):
    comments = tmp_path / "c.csv"
    pd.DataFrame({"text": ["giao chậm"] * 30}).to_csv(comments, index=False)
    out = tmp_path / "out.xlsx"
    before = _old(out)
    model = nlp.load_model()
    calls = []

    def classify(texts, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise Boom
        return type(model).classify(model, texts, **kwargs)

    monkeypatch.setattr(model, "classify", classify)
    with pytest.raises(Boom):
        nlp.classify_file(comments, text_column="text", output=out, model=model, chunk_size=10)
    assert out.read_bytes() == before and not leftovers(tmp_path)


@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf"])
def test_a_canvas_that_fails_while_saving_leaves_no_truncated_file(tmp_path, monkeypatch, suffix):
    from matplotlib.figure import Figure

    out = tmp_path / f"canvas{suffix}"
    before = _old(out)
    monkeypatch.setattr(Figure, "savefig", _fail_after_writing(Figure.savefig))
    with pytest.raises(Boom):
        jm.render_canvas(small_journey(), out)
    assert out.read_bytes() == before and not leftovers(tmp_path)
    new = tmp_path / "sub" / f"new{suffix}"
    with pytest.raises(Boom):
        jm.render_canvas(small_journey(), new)
    assert not new.exists() and not leftovers(tmp_path)


def test_journey_files_drawings_reports_and_models_are_written_whole(tmp_path, monkeypatch):
    import networkx as nx
    import numpy as np

    from journeymap import io as jio
    from journeymap.convert import write_any

    journey = small_journey()
    cases = {
        "j.yaml": lambda p: jm.save_journey(journey, p),
        "j.json": lambda p: write_any(journey, p),
        "j.node-link.json": lambda p: jm.write_node_link(journey, p),
        "j.graphml": lambda p: jm.write_graphml(journey, p),
        "j.dot": lambda p: jm.render_journey(journey, p),
        "j.mmd": lambda p: jm.write_mermaid(journey, p),
        "r.html": lambda p: jm.write_report(journey, p),
    }
    real_open, real_write_bytes = Path.open, Path.write_bytes

    def half_open(self, mode="r", *args, **kwargs):  # every text file written gets half its text, then fails
        handle = real_open(self, mode, *args, **kwargs)
        if "w" in mode:
            original = handle.write

            def write(text):
                original(text[: len(text) // 2])
                raise Boom
            handle.write = write
        return handle

    def half_write_bytes(self, data):
        real_write_bytes(self, data[: len(data) // 2])
        raise Boom

    monkeypatch.setattr(Path, "open", half_open)
    monkeypatch.setattr(Path, "write_bytes", half_write_bytes)
    monkeypatch.setattr(jio.nx, "write_graphml", _fail_after_writing(nx.write_graphml))
    for name, write in cases.items():
        out = tmp_path / name
        before = _old(out)
        with pytest.raises(Boom):
            write(out)
        assert _read(out) == before, name
        assert not leftovers(tmp_path), name
        new = tmp_path / "new" / name
        with pytest.raises(Boom):
            write(new)
        assert not new.exists() and not leftovers(tmp_path), name
    monkeypatch.undo()

    model_dir = tmp_path / "model"
    nlp.save_model(nlp.load_model(), model_dir)
    before = {p.name: p.read_bytes() for p in model_dir.iterdir()}
    monkeypatch.setattr(np, "savez_compressed", _fail_after_writing(np.savez_compressed))
    with pytest.raises(Boom):
        nlp.save_model(nlp.load_model(), model_dir)
    assert {p.name: p.read_bytes() for p in model_dir.iterdir()} == before
    with pytest.raises(Boom):
        nlp.save_model(nlp.load_model(), tmp_path / "new_model")
    assert not (tmp_path / "new_model").exists()
    assert not leftovers(tmp_path)


def test_a_model_saved_over_another_replaces_both_files(tmp_path):
    model = nlp.load_model()
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "README.md").write_text("ghi chú", encoding="utf-8")
    nlp.save_model(model, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["README.md", "arrays.npz", "model.json"]
    assert nlp.load_model(folder).cause_labels == model.cause_labels
    assert not leftovers(tmp_path)


# -- 4. a killed cx classify leaves nothing behind -----------------------------------------------------

@pytest.mark.skipif(not hasattr(signal, "SIGTERM") or os.name == "nt", reason="POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_killed_classify_leaves_no_partial_file(tmp_path, signum):
    comments = tmp_path / "big.csv"
    pd.DataFrame({"id": range(40_000), "text": ["giao hàng chậm quá, shop trả lời chậm"] * 40_000}).to_csv(
        comments, index=False)
    out = tmp_path / "out.csv"
    process = subprocess.Popen(
        [sys.executable, "-c", "from journeymap.cli import main; main()", "classify", str(comments), "-t", "text",
         "-o", str(out)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not leftovers(tmp_path) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert leftovers(tmp_path), "the run ended before it wrote anything"
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode != 0
    assert not out.exists()
    assert not leftovers(tmp_path), err.decode()
    if signum == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM
        assert b"stopped by SIGTERM" in err and b"Traceback" not in err


# -- 5. output paths: folders created, a folder refused before any work, suffixes checked first --------

def test_every_command_creates_missing_output_folders(tmp_path):
    comments = tmp_path / "c.csv"
    pd.DataFrame({"touchpoint": ["gio_hang"], "text": ["giao chậm"], "nps": [3]}).to_csv(comments, index=False)
    deep = tmp_path / "a" / "b"
    commands = [
        ("convert", DESIGNED, "-o", deep / "j.graphml"),
        ("schema", "-o", deep / "schema.json"),
        ("metrics", comments, "-o", deep / "m.csv"),
        ("pain", DESIGNED, "-o", deep / "p.xlsx"),
        ("compare", DESIGNED, DESIGNED, "-o", deep / "c.yaml"),
        ("classify", comments, "-t", "text", "-o", deep / "k.jsonl"),
        ("render", DESIGNED, "-o", deep / "r.mmd"),
    ]
    for command in commands:
        result = invoke(*command)
        assert result.exit_code == 0, (command, result.output)
        assert Path(command[-1]).is_file(), command
    assert not leftovers(tmp_path)


def test_an_output_naming_a_folder_is_refused_before_any_work(tmp_path, monkeypatch):
    comments = tmp_path / "c.csv"
    pd.DataFrame({"touchpoint": ["gio_hang"], "text": ["giao chậm"], "nps": [3]}).to_csv(comments, index=False)
    folder = tmp_path / "ket_qua.csv"
    folder.mkdir()
    import nlp.batch

    monkeypatch.setattr(nlp.batch, "load_model", lambda *a: pytest.fail("the model was loaded"))
    monkeypatch.setattr(nlp.batch, "iter_table", lambda *a, **k: pytest.fail("rows were read"))
    commands = [
        ("classify", comments, "-t", "text", "-o", folder),
        ("convert", DESIGNED, "-o", folder),
        ("schema", "-o", folder),
        ("metrics", comments, "-o", folder),
        ("pain", DESIGNED, "-o", folder),
        ("compare", DESIGNED, DESIGNED, "-o", folder),
        ("render", DESIGNED, "-o", folder),
        ("canvas", DESIGNED, "-o", folder),
        ("report", "-j", DESIGNED, "-o", folder),
        ("discover", data_dir() / "analytics" / "events.csv", "-o", folder),
    ]
    for command in commands:
        result = invoke(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "is a folder; give a file name inside it" in result.output, (command, result.output)
        assert "Traceback" not in result.output
    assert list(folder.iterdir()) == []
    with pytest.raises(DataError, match="is a folder"):
        nlp.classify_file(comments, text_column="text", output=folder)
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    from nlp.output import check_output

    with pytest.raises(DataError, match=r"a_file is a file, not a folder"):
        check_output(a_file / "out.csv")
    result = invoke("train", comments, "-t", "text", "--label-column", "touchpoint", "-o", a_file)
    assert result.exit_code == 1 and "is a file; a model is saved into a folder" in result.output


def test_an_unknown_output_suffix_is_refused_before_any_work(tmp_path):
    broken = tmp_path / "broken.csv"
    broken.write_text("touchpoint,nps\ngio_hang,11\n", encoding="utf-8")  # would fail if it were read
    cases = [
        (("metrics", broken, "-o", tmp_path / "m.docx"), "use one of: .csv, .tsv, .txt, .xlsx, .jsonl"),
        (("metrics", broken, "-j", DESIGNED, "--write-journey", tmp_path / "j.txt"), "use one of: .yaml, .yml, .json"),
        (("pain", DESIGNED, "-f", broken, "-o", tmp_path / "p.docx"), "use one of: .csv, .tsv"),
        (("classify", broken, "-t", "nope", "-o", tmp_path / "k.docx"), "use one of: .csv"),
        (("canvas", DESIGNED, "-f", broken, "-o", tmp_path / "c.gif"), "use one of: .svg, .png, .pdf, .jpg, .jpeg"),
        (("compare", DESIGNED, broken, "-o", tmp_path / "c.docx"), "use one of: .yaml, .yml, .json, .xlsx, .touchpoints.csv, .svg"),
        (("discover", broken, "-o", tmp_path / "d.txt"), "use one of: .yaml"),
        (("convert", DESIGNED, "-o", tmp_path / "c.txt"), "use one of: .yaml"),
        (("render", DESIGNED, "-o", tmp_path / "r.jpg"), "use one of: .svg, .png, .pdf, .dot, .mmd"),
        (("report", "-j", DESIGNED, "-s", broken, "-o", tmp_path / "r.pdf"), "use one of: .html, .htm"),
    ]
    for command, allowed in cases:
        result = invoke(*command)
        assert result.exit_code == 1, (command, result.output)
        assert "cannot tell the format of" in result.output and allowed in result.output, (command, result.output)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.csv"]


# -- 6. one suffix parsing -----------------------------------------------------------------------------

def test_every_kind_of_file_says_the_same_thing_about_an_unknown_suffix(tmp_path):
    from journeymap.convert import kind_of, write_any

    journey = small_journey()
    calls = {
        "table": lambda p: TableWriter(p),
        "journey (convert)": lambda p: write_any(journey, p),
        "drawing": lambda p: jm.render_journey(journey, p),
        "canvas": lambda p: jm.render_canvas(journey, p),
        "report": lambda p: jm.write_report(journey, p),
    }
    for kind, call in calls.items():
        with pytest.raises(DataError, match=r"^cannot tell the format of .*x\.foo from its suffix '\.foo'; use one of: \."):
            call(tmp_path / "x.foo")
        assert not (tmp_path / "x.foo").exists(), kind
    with pytest.raises(jm.JourneyValidationError, match=r"cannot tell the format of x\.foo from its suffix '\.foo'"):
        jm.load_journey(_written(tmp_path / "x.foo"))
    from nlp.output import format_of

    with pytest.raises(DataError, match=r"from its name \(it has no suffix\)"):
        format_of("README", {".md": "md"})
    assert kind_of(Path("a.NODE-LINK.json")) == "node-link"
    assert kind_of(Path("a.json")) == "journey"


def _written(path: Path) -> Path:
    path.write_text("journey: x\n", encoding="utf-8")
    return path


# -- 7. several labels in one cell -------------------------------------------------------------------

def test_a_label_containing_the_output_separator_is_refused_with_its_row(tmp_path):
    table = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["giao chậm", "nhân viên thô lỗ", "ổn"],
                  "causes": ["wait_time", "staff; giao hàng, vận chuyển", ""]}).to_csv(table, index=False)
    with pytest.raises(DataError, match=r"labels\.csv, row 3, column 'causes': the label 'giao hàng, vận chuyển' "
                                        r"contains ','"):
        nlp.train_model_from_table(table, text_column="text", labels_column="causes", labels_separator=";")
    with pytest.raises(DataError, match=r"the label 'a,b' contains ','"):
        nlp.train_feedback_model(["x", "y"], causes=[("a,b",), ()], min_df=1)
    result = invoke("train", table, "-t", "text", "--labels-column", "causes", "--labels-separator", ";",
                    "-o", tmp_path / "m")
    assert result.exit_code == 1 and "row 3" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()


def test_a_tampered_model_with_such_a_label_is_refused(tmp_path):
    folder = tmp_path / "m"
    nlp.save_model(nlp.load_model(), folder)
    meta = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    meta["causes"]["classes"][0] = "chờ, đợi"
    (folder / "model.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(nlp.ModelFileError, match="contains ','"):
        nlp.load_model(folder)


def test_atomic_folder_refuses_a_file(tmp_path):
    from nlp.output import atomic_folder

    a_file = tmp_path / "f"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="is a file"), atomic_folder(a_file):
        pass


def test_xlsx_keeps_big_ids_and_time_zones_exact_as_text(tmp_path):
    """Excel holds numbers as doubles and has no time zones: such values are written as their text."""
    out = tmp_path / "out.xlsx"
    opened = pd.Timestamp("2026-12-07 10:00", tz="Asia/Ho_Chi_Minh")
    writer = TableWriter(out)
    writer.write(pd.DataFrame({"id": [9007199254740993, 12], "opened_at": [opened, opened], "n": [1.5, 2.0]}))
    writer.close()
    sheet = load_workbook(out).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0] == ("9007199254740993", "2026-12-07T10:00:00+07:00", 1.5)
    assert rows[1][0] == 12  # an ordinary whole number stays a number


@pytest.mark.parametrize("suffix", [".graphml", ".json"])
def test_graph_writers_validate_a_journey_edited_through_the_graph(tmp_path, suffix):
    """GraphML and node-link writers check the contract, as save_journey does: no malformed XML."""
    journey = jm.load_journey(data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml")
    first = next(iter(journey.graph.nodes))
    journey.graph.nodes[first]["name"] = "Giỏ\x01hàng"  # bypasses update_touchpoint's checks
    out = tmp_path / f"j{suffix}"
    writer = jm.io.write_graphml if suffix == ".graphml" else jm.io.write_node_link
    with pytest.raises(DataError, match="control character"):
        writer(journey, out)
    assert not out.exists()


def test_an_interrupt_right_after_the_temporary_file_is_created_leaves_nothing(tmp_path):
    # The window a kill can hit: the hidden .partial file exists, but no try/finally owns it yet.
    script = (
        "import os, sys\n"
        "import nlp.output as output\n"
        "close = os.close\n"
        "def interrupted(fd):\n"
        "    close(fd)\n"
        "    raise KeyboardInterrupt\n"
        "output.os.close = interrupted\n"
        "output.AtomicFile(sys.argv[1])\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "out.csv")], check=False, cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode != 0 and "KeyboardInterrupt" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
