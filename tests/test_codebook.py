"""Codebook files (issue 18, item 1): the shipped default, the loader's messages, and their use by
cx train, cx evaluate and cx classify --names."""

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap.cli import app
from nlp.codebook import default_codebook, default_codebook_path, load_codebook
from nlp.errors import DataError, InputNotFoundError
from nlp.labels import CAUSES, SENTIMENTS

runner = CliRunner()


def test_the_default_codebook_agrees_with_the_label_constants():
    book = default_codebook()
    assert [g.id for g in book.groups] == ["sentiment", "causes"]
    sentiment, causes = book.group("sentiment"), book.group("causes")
    assert not sentiment.multi and causes.multi
    assert [(x.id, x.vi, x.en) for x in sentiment.labels] == [(x.id, x.vi, x.en) for x in SENTIMENTS]
    assert [(x.id, x.vi, x.en) for x in causes.labels] == [(x.id, x.vi, x.en) for x in CAUSES]
    for label in (*sentiment.labels, *causes.labels):  # a researcher's codebook: every label documented
        assert label.definition and label.include and label.exclude and len(label.examples) >= 2
    assert book.version == "2"


def test_the_default_codebook_ships_inside_the_package():
    """Hatch puts every file under nlp/ into the wheel; the codebook is read from beside the module."""
    path = default_codebook_path()
    assert path.parent.parent.name == "nlp" and path.is_file()
    assert load_codebook(path) == load_codebook("default")


def test_a_json_codebook_reads_like_yaml(tmp_path):
    path = tmp_path / "mã.json"
    path.write_text(json.dumps({"codebook": "khảo sát", "groups": [
        {"id": "chủ_đề", "vi": "Chủ đề", "en": "Topic", "multi": True,
         "labels": [{"id": "giá", "vi": "Giá cả", "en": "Price", "examples": "Đắt quá"}]}]}, ensure_ascii=False),
        encoding="utf-8")
    book = load_codebook(path)
    assert book.name == "khảo sát" and book.group("chủ_đề").names("vi") == {"giá": "Giá cả"}
    assert book.group("chủ_đề").labels[0].examples == ("Đắt quá",)


@pytest.mark.parametrize(("text", "message"), [
    (("groups:\n  - id: s\n    multi: false\n    labels:\n      - id: a\n        vi: A\n        en: A\n"
      "        exlude: [x]\n"),
     ("line 8, groups[0].labels[0].exlude: unknown key 'exlude'; the keys allowed are: id (text), vi (text), "
      "en (text), definition (text), include (a list of text), exclude (a list of text)")),
    ("groups:\n  - id: s\n    multi: maybe\n    labels: [{id: a, vi: A, en: A}]\n",
     "line 3, groups[0].multi: expected true (several labels per comment) or false (exactly one); got 'maybe'"),
    ("groups:\n  - id: s\n    multi: true\n    labels:\n      - {id: a, vi: A, en: A}\n      - {id: a, vi: A, en: A}\n",
     "line 6, groups[0].labels[1].id: the label id 'a' is defined twice in the group"),
    ("groups:\n  - id: s\n    multi: true\n    labels:\n      - {id: 'a,b', vi: A, en: A}\n",
     "groups[0].labels[0].id: the label 'a,b' contains ','"),
    ("groups:\n  - id: s\n    multi: true\n    labels:\n      - {id: a, en: A}\n",
     "line 5, groups[0].labels[0]: the key 'vi' (text) is missing or empty; required keys: id, vi, en"),
    ("groups:\n  - id: s\n    multi: true\n    multi: false\n",
     "line 4: the key 'multi' is given twice in the same mapping (first on line 3)"),
    ("groups: 3\n", "line 1, groups: expected a list of at least one group; got 3"),
    ("groups: [\n", "not valid YAML"),
])
def test_a_broken_codebook_names_file_line_and_key(tmp_path, text, message):
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_codebook(path)
    assert str(caught.value).startswith(f"codebook {path}")
    assert message in str(caught.value)


def test_a_missing_codebook_or_a_wrong_suffix(tmp_path):
    with pytest.raises(InputNotFoundError, match="codebook .*nope.yaml does not exist"):
        load_codebook(tmp_path / "nope.yaml")
    (tmp_path / "book.txt").write_text("groups: []", encoding="utf-8")
    with pytest.raises(DataError, match=r"use one of: \.yaml, \.yml, \.json"):
        load_codebook(tmp_path / "book.txt")


def test_a_group_is_found_by_column_name_or_by_kind():
    book = default_codebook()
    assert book.group_for("sentiment", multi=False).id == "sentiment"
    assert book.group_for("nhãn", multi=False).id == "sentiment"  # the only single-label group
    with pytest.raises(DataError, match="group 'causes' is several-labels, but 'causes' is used as a single-label"):
        book.group_for("causes", multi=False)


def _labelled(tmp_path, sentiment="negative", causes="wait_time"):
    path = tmp_path / "nhãn.csv"
    pd.DataFrame({"text": ["Chờ lâu quá mà nhân viên còn gắt", "Ngon, sẽ quay lại", "Cho hỏi mấy giờ mở cửa"] * 4,
                  "sentiment": [sentiment, "positive", "neutral"] * 4,
                  "causes": [causes, "", ""] * 4}).to_csv(path, index=False)
    return path


def test_train_with_a_codebook_refuses_a_label_it_lacks_listing_both_sets(tmp_path):
    path = _labelled(tmp_path, sentiment="tiêu cực")
    result = runner.invoke(app, ["train", str(path), "-t", "text", "--label-column", "sentiment",
                                 "--codebook", "default", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1
    assert ("column 'sentiment' (rows 2, 5, 8, 11) has the label 'tiêu cực', which the codebook's group 'sentiment' "
            "does not define; its labels are: negative, neutral, positive. The labels found: neutral, positive, "
            "tiêu cực") in " ".join(result.output.split())
    assert not (tmp_path / "m").exists()
    path = _labelled(tmp_path, causes="wait_time,giá")
    result = runner.invoke(app, ["evaluate", "models/feedback-vi", str(path), "-t", "text", "--labels-column", "causes",
                                 "--codebook", str(default_codebook_path())])
    assert result.exit_code == 1 and "has the label 'giá'" in result.output


def test_train_with_a_codebook_records_it_in_the_model(tmp_path):
    path = _labelled(tmp_path)
    result = runner.invoke(app, ["train", str(path), "-t", "text", "--label-column", "sentiment",
                                 "--labels-column", "causes", "--codebook", "default", "-o", str(tmp_path / "m")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "m" / "model.json").read_text(encoding="utf-8"))["manifest"]
    assert manifest["codebook"] == {"name": "cx-vn feedback", "version": "2", "file": "default.yaml",
                                    "groups": {"sentiment": "sentiment", "causes": "causes"}}
    result = runner.invoke(app, ["evaluate", str(tmp_path / "m"), str(path), "-t", "text", "--label-column",
                                 "sentiment", "--codebook", "default"])
    assert result.exit_code == 0, result.output


def test_classify_adds_vietnamese_names_and_keeps_the_ids(tmp_path):
    path = tmp_path / "ý kiến.csv"
    pd.DataFrame({"text": ["Đợi cả tiếng, nhân viên còn quát khách", "", "Rất hài lòng"]}).to_csv(path, index=False)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["classify", str(path), "-t", "text", "--names", "vi", "-o", str(out), "--headers", "ids"])
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(out, keep_default_na=False)
    columns = list(frame.columns)
    assert columns[columns.index("sentiment") + 1] == "sentiment_vi"
    assert columns[columns.index("causes") + 1] == "causes_vi"
    first = frame.iloc[0]
    assert first["sentiment"] == "negative" and first["sentiment_vi"] == "Tiêu cực"
    assert set(first["causes"].split(",")) == {"wait_time", "rude_staff"}
    assert set(first["causes_vi"].split("; ")) == {"Thời gian chờ lâu", "Nhân viên thô lỗ/giận dữ"}
    assert frame.iloc[1]["sentiment_vi"] == "" and frame.iloc[1]["causes_vi"] == ""  # empty comment
    result = runner.invoke(app, ["classify", str(path), "-t", "text", "--names", "en", "-o", str(tmp_path / "en.csv")])
    assert pd.read_csv(tmp_path / "en.csv").loc[2, "Cảm xúc chung (tên tiếng Anh)"] == "Positive"
    result = runner.invoke(app, ["classify", str(path), "-t", "text", "-o", str(tmp_path / "ids.csv"), "--headers", "ids"])
    assert not any(c.endswith(("_vi", "_en")) for c in pd.read_csv(tmp_path / "ids.csv").columns)


def test_classify_names_from_a_codebook_that_lacks_a_model_label(tmp_path):
    book = tmp_path / "book.yaml"
    book.write_text("groups:\n  - id: sentiment\n    multi: false\n    labels:\n"
                    "      - {id: negative, vi: Chê, en: Bad}\n      - {id: positive, vi: Khen, en: Good}\n",
                    encoding="utf-8")
    path = tmp_path / "c.csv"
    path.write_text("text\nổn\n", encoding="utf-8")
    result = runner.invoke(app, ["classify", str(path), "-t", "text", "--names", "vi", "--codebook", str(book)])
    assert result.exit_code == 1
    assert ("the model's single-label head 'sentiment' has the label 'neutral', which the codebook's group "
            "'sentiment' does not define; its labels are: negative, positive") in " ".join(result.output.split())
    assert not (tmp_path / "c.classified.csv").exists()
