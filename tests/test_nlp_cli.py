import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap.cli import app
from nlp.corpus import corpus_path

runner = CliRunner()


def test_classify_writes_beside_the_input(tmp_path):
    path = tmp_path / "c.csv"
    pd.DataFrame({"comment": ["Chờ lâu quá, gọi mãi không ai nghe", "Cảm ơn shop, giao nhanh 👍", ""]}).to_csv(path, index=False)
    result = runner.invoke(app, ["classify", str(path), "--text-column", "comment"])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output and "3 rows" in result.output
    assert "1 rows with an empty or non-text comment were kept" in result.output
    assert (tmp_path / "c.classified.csv").is_file()


def test_classify_errors_are_one_clear_line(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("id,comment\n1,ổn\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(path), "--text-column", "text"])
    assert result.exit_code == 1
    assert "has no column 'text'; its columns are: 'id', 'comment'" in result.output
    result = runner.invoke(app, ["classify", str(tmp_path / "missing.csv"), "--text-column", "text"])
    assert result.exit_code == 1 and "does not exist" in result.output


def test_train_then_evaluate_with_a_custom_codebook(tmp_path):
    """A researcher's own labels: the corpus's service domain as a topic codebook."""
    model_dir = tmp_path / "topic-model"
    table = tmp_path / "topics.csv"
    pd.read_csv(corpus_path()).iloc[::3].to_csv(table, index=False)  # a third of the corpus is plenty
    result = runner.invoke(app, ["train", str(table), "--text-column", "text", "--label-column", "domain",
                                 "--where", "split=train", "-o", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "domain: airline, bank" in result.output
    result = runner.invoke(app, ["evaluate", str(model_dir), str(table), "--text-column", "text",
                                 "--label-column", "domain", "--where", "split=test"])
    assert result.exit_code == 0, result.output
    assert "confusion matrix" in result.output
    weighted = float(result.output.split("weighted-F1 ")[1].split()[0])
    assert weighted > 0.6  # 14 topics: chance is 0.07


def test_train_can_turn_negation_marking_off(tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["không tốt", "không tốt lắm", "chẳng ngon", "chẳng ngon gì", "không tốt chút nào",
                           "tốt", "tốt lắm", "ngon", "ngon lắm", "rất tốt"],
                  "label": ["neg"] * 5 + ["pos"] * 5}).to_csv(path, index=False)
    for scope, marked in (("0", False), ("6", True)):
        result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--label-column", "label",
                                     "--negation-scope", scope, "-o", str(tmp_path / scope)])
        assert result.exit_code == 0, result.output
        meta = json.loads((tmp_path / scope / "model.json").read_text(encoding="utf-8"))
        assert meta["vectorizer"]["params"]["negation_scope"] == int(scope)
        assert any("¬" in f for f in meta["vectorizer"]["vocabulary"]) is marked
    result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--label-column", "label",
                                 "--negation-scope", "-1", "-o", str(tmp_path / "bad")])
    assert result.exit_code != 0 and "negation-scope" in result.output
    assert not (tmp_path / "bad").exists()


def test_train_with_a_lexicon(tmp_path):
    path = tmp_path / "labels.csv"
    pd.DataFrame({"text": ["tệ quá", "chán ghê", "dở tệ", "lởm", "kém lắm", "tuyệt vời", "xịn xò", "hài lòng",
                           "đỉnh thật", "ưng lắm"],
                  "label": ["neg"] * 5 + ["pos"] * 5}).to_csv(path, index=False)
    command = ["train", str(path), "--text-column", "text", "--label-column", "label", "-o"]
    result = runner.invoke(app, [*command, str(tmp_path / "m"), "--lexicon", "default"])
    assert result.exit_code == 0, result.output
    vocabulary = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))["vectorizer"]["vocabulary"]
    assert {"#lex:positive", "#lex:negative"} <= set(vocabulary)
    result = runner.invoke(app, [*command, str(tmp_path / "bad"), "--lexicon", str(tmp_path / "missing.csv")])
    assert result.exit_code == 1 and "missing.csv" in result.output
    assert not (tmp_path / "bad").exists()


def test_train_reports_empty_labels_by_row(tmp_path):
    path = tmp_path / "labelled.csv"
    path.write_text("text,label\nchờ lâu,neg\ntốt,\nhay,pos\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--label-column", "label",
                                 "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "empty 'label' in rows 3" in result.output
    assert not (tmp_path / "m").exists()


def test_evaluate_the_shipped_model_on_the_test_split():
    from nlp.model import default_model_path

    result = runner.invoke(app, ["evaluate", str(default_model_path()), str(corpus_path()), "--text-column", "text",
                                 "--label-column", "sentiment", "--labels-column", "causes", "--where", "split=test"])
    assert result.exit_code == 0, result.output
    assert "wait_time" in result.output and "macro-F1" in result.output


def test_train_with_the_sequence_head_then_evaluate(tmp_path):
    pytest.importorskip("torch", reason="the sequence head needs PyTorch (pip install 'cx-vn[neural]')")
    frame = pd.read_csv(corpus_path())
    path = tmp_path / "labelled.csv"
    frame[frame["split"] == "train"].sample(400, random_state=0).to_csv(path, index=False)
    model_dir = tmp_path / "m"
    result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--label-column", "sentiment",
                                 "--sequence", "-o", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "sequence head: kept epoch" in result.output
    assert "sequence" in json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    result = runner.invoke(app, ["evaluate", str(model_dir), str(path), "--text-column", "text",
                                 "--label-column", "sentiment"])
    assert result.exit_code == 0, result.output
    assert "weighted-F1" in result.output


def test_the_sequence_head_needs_a_single_label_column(tmp_path):
    result = runner.invoke(app, ["train", str(corpus_path()), "--text-column", "text", "--labels-column", "causes",
                                 "--sequence", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "the sequence head is a second single-label head" in result.output
    assert not (tmp_path / "m").exists()


def test_labels_joined_by_another_separator(tmp_path):
    """A codebook whose multi-label column joins labels with ';' (as many exports do)."""
    frame = pd.read_csv(corpus_path()).iloc[::4]  # a quarter of the corpus: enough to learn every cause
    frame["causes"] = frame["causes"].fillna("").str.replace(",", ";")
    path = tmp_path / "semicolons.csv"
    frame.to_csv(path, index=False)
    model_dir = tmp_path / "m"
    result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--labels-column", "causes",
                                 "--labels-separator", ";", "--where", "split=train", "-o", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "causes: needs_not_understood, not_personalized, rude_staff" in result.output
    result = runner.invoke(app, ["evaluate", str(model_dir), str(path), "--text-column", "text", "--labels-column",
                                 "causes", "--labels-separator", ";", "--where", "split=test"])
    assert result.exit_code == 0, result.output
    assert float(result.output.split("macro-F1 ")[1].split()[0]) > 0.7  # labels read apart: far above chance


def test_an_empty_labels_separator_is_a_clear_error(tmp_path):
    result = runner.invoke(app, ["train", str(corpus_path()), "--text-column", "text", "--labels-column", "causes",
                                 "--labels-separator", "", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "labels_separator is empty" in result.output
    assert not (tmp_path / "m").exists()


def _causes_table(tmp_path):
    rows = [("đợi lên món lâu quá", "negative", "wait"), ("ship chậm, chờ cả tuần", "negative", "wait"),
            ("giao hang lau vl", "negative", "wait"), ("nhân viên quát khách", "negative", "rude"),
            ("thái độ như hạch", "negative", "rude"), ("nv cọc tính, nói trống không", "negative", "rude"),
            ("ngon, rẻ, mỗi tội đợi hơi lâu", "positive", "wait"), ("phòng đẹp, nhân viên thân thiện", "positive", ""),
            ("giao nhanh, hàng đẹp", "positive", ""), ("cho hỏi mấy giờ mở cửa", "neutral", ""),
            ("giá bao nhiêu ạ", "neutral", ""), ("áo đẹp, vải mát", "positive", "")] * 2
    path = tmp_path / "labels.csv"
    pd.DataFrame(rows, columns=["text", "stance", "reasons"]).to_csv(path, index=False)
    return path


def test_train_with_a_cause_lexicon_clauses_and_no_causes_for(tmp_path):
    table = _causes_table(tmp_path)
    lexicon = tmp_path / "causes.csv"
    lexicon.write_text("term,cause\nđợi lâu,wait\nquát khách,rude\ngiao nhanh,none\n", encoding="utf-8")
    out = tmp_path / "m"
    result = runner.invoke(app, ["train", str(table), "--text-column", "text", "--label-column", "stance",
                                 "--labels-column", "reasons", "--cause-lexicon", str(lexicon),
                                 "--no-causes-for", "positive", "-o", str(out)])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "model.json").read_text(encoding="utf-8"))
    assert meta["no_causes_for"] == ["positive"]
    assert meta["vectorizer"]["params"]["clauses"] is True
    assert meta["vectorizer"]["params"]["cause_lexicon"] == {"đợi lâu": "wait", "quát khách": "rude", "giao nhanh": "none"}
    # a cause lexicon naming a label the table does not have is refused, naming it
    lexicon.write_text("term,cause\nđợi lâu,waiting\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(table), "--text-column", "text", "--labels-column", "reasons",
                                 "--cause-lexicon", str(lexicon), "-o", str(tmp_path / "m2")])
    assert result.exit_code == 1 and "the cause lexicon names ['waiting']" in result.output
    assert not (tmp_path / "m2").exists()


def test_train_without_clauses(tmp_path):
    out = tmp_path / "m"
    result = runner.invoke(app, ["train", str(_causes_table(tmp_path)), "--text-column", "text",
                                 "--labels-column", "reasons", "--no-clauses", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert json.loads((out / "model.json").read_text(encoding="utf-8"))["vectorizer"]["params"]["clauses"] is False


def test_a_broken_model_archive_is_one_clear_line_not_aborted(tmp_path):
    """An empty arrays.npz used to end in numpy's EOFError, which the command line turned into "Aborted."."""
    from nlp.persist import load_model, save_model

    model_dir = save_model(load_model(), tmp_path / "m")
    (model_dir / "arrays.npz").write_bytes(b"")
    comments = tmp_path / "c.csv"
    comments.write_text("text\nChờ lâu quá\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(comments), "-t", "text", "--model", str(model_dir)])
    assert result.exit_code == 1
    assert "arrays.npz is not a NumPy .npz archive" in result.output
    assert "Aborted" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "c.classified.csv").exists()


def test_train_on_too_few_comments_says_so_without_naming_knobs_the_cli_lacks(tmp_path):
    path = tmp_path / "two.csv"
    path.write_text("text,label\nchờ lâu,neg\ntốt lắm,pos\n", encoding="utf-8")
    result = runner.invoke(app, ["train", str(path), "--text-column", "text", "--label-column", "label",
                                 "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert "the 2 training comments share no word" in result.output and "too few comments" in result.output
    assert "max_df" not in result.output and "Traceback" not in result.output
