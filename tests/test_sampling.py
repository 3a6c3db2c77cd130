"""What to label next (issue 18, item 2): the sampler, the labelling workbook, and reading it back in cx train."""

import json
import unicodedata

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from journeymap.cli import app
from nlp.codebook import default_codebook
from nlp.errors import DataError
from nlp.labelling import SHEET, read_labelling_workbook, write_labelling_workbook
from nlp.model import FeedbackPrediction, train_feedback_model
from nlp.persist import save_model
from nlp.sampling import choose, head_uncertainty, sample_comments, uncertainty

runner = CliRunner()

# A small corpus of distinct comments: sentiment and causes from templates, so a toy model trains in a second.
_WAIT = ["chờ {} phút mới tới lượt", "đợi {} tiếng không ai gọi", "giao hàng trễ {} ngày", "xếp hàng {} phút ở quầy"]
_RUDE = ["nhân viên quát khách {} lần", "bảo vệ cau có {} lần với mình", "tài xế cằn nhằn {} lần"]
_GOOD = ["phục vụ nhiệt tình, món ngon số {}", "nhân viên dễ thương, sẽ quay lại lần {}", "giao nhanh, hàng đẹp mẫu {}"]
_ASK = ["cho mình hỏi chi nhánh số {} mở mấy giờ", "shop ơi mẫu {} còn size M không", "tuần sau có mã giảm giá {} không"]


def _corpus() -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    texts, sentiments, causes = [], [], []
    for i in range(1, 7):
        for template in _WAIT:
            texts.append(template.format(i * 7)), sentiments.append("negative"), causes.append(("wait_time",))
        for template in _RUDE:
            texts.append(template.format(i + 1)), sentiments.append("negative"), causes.append(("rude_staff",))
        for template in _GOOD:
            texts.append(template.format(i)), sentiments.append("positive"), causes.append(())
        for template in _ASK:
            texts.append(template.format(i)), sentiments.append("neutral"), causes.append(())
    return texts, sentiments, causes


@pytest.fixture(scope="module")
def toy_model():
    texts, sentiments, causes = _corpus()
    return train_feedback_model(texts, sentiments=sentiments, causes=causes, min_df=1)


@pytest.fixture(scope="module")
def toy_model_dir(tmp_path_factory, toy_model):
    folder = tmp_path_factory.mktemp("model")
    save_model(toy_model, folder)
    return folder


def _varied(k: int) -> list[str]:
    """``k`` comments of the project's corpus that say different things."""
    from nlp.corpus import find_near_duplicates, load_corpus

    texts = [e.text for e in load_corpus(split="test")[: k + 40]]
    copies = {j for _, j, _ in find_near_duplicates(texts)}
    return [t for i, t in enumerate(texts) if i not in copies][:k]


@pytest.fixture(scope="module")
def shipped():
    from nlp.persist import load_model

    return load_model()


# --- the sampler -----------------------------------------------------------------------------------------------


def test_uncertainty_orders_a_tie_above_a_sure_prediction(toy_model):
    """Sentiment near a tie, or a cause near its threshold, is uncertain; a clear decision is not."""
    threshold = toy_model.causes.thresholds_
    far = np.where(threshold > 0.5, 0.0, 1.0)  # every cause as far from its threshold as it gets
    near = far.copy()
    near[0] = threshold[0]
    prediction = FeedbackPrediction(
        status=["ok"] * 4, keep=[0, 1, 2, 3], prepared=["a", "b", "c", "d"], units=None, clauses=None,
        sentiment_proba=np.array([[0.98, 0.01, 0.01], [0.34, 0.33, 0.33], [0.98, 0.01, 0.01], [0.6, 0.3, 0.1]]),
        sentiment=None, cause_proba=np.array([far, far, near, far]), causes_on=None)
    heads = head_uncertainty(toy_model, prediction)
    assert heads["single"][0] < heads["single"][3] < heads["single"][1] == pytest.approx(0.99)
    assert heads["multi"].tolist() == pytest.approx([0.0, 0.0, 1.0, 0.0])
    scores = uncertainty(toy_model, prediction)
    assert scores[0] < scores[3] < scores[1]  # sure < fairly sure < a three-way tie
    assert scores[2] > scores[0]  # a cause on its threshold makes a sure sentiment uncertain
    assert ((scores >= 0) & (scores <= 1)).all()


def test_the_uncertainty_strategy_takes_the_least_sure_first(toy_model):
    texts = [*_corpus()[0][:20], "ok", "được"]
    picked = choose(toy_model, texts, 5, strategy="uncertainty")
    every = uncertainty(toy_model, toy_model.predict(texts))
    assert list(picked.uncertainty) == sorted(picked.uncertainty, reverse=True)
    assert picked.uncertainty[0] == pytest.approx(every.max())
    assert sorted(every, reverse=True)[4] <= picked.uncertainty.min() + 1e-12


@pytest.mark.parametrize("strategy", ["uncertainty+diversity", "uncertainty", "random"])
def test_the_same_seed_picks_the_same_comments(toy_model, strategy):
    texts = _corpus()[0] + _varied(60)
    first = choose(toy_model, texts, 12, strategy=strategy, seed=3)
    again = choose(toy_model, texts, 12, strategy=strategy, seed=3)
    assert first.positions == again.positions and len(first.positions) == 12
    assert len(set(first.positions)) == 12


def test_fifty_copies_of_one_complaint_do_not_fill_the_sample(shipped):
    """The same complaint 50 times (the same words, and nearly the same words: case, punctuation,
    diacritics) among varied comments: the sample holds it once."""
    complaint = "Chờ tổng đài 45 phút không ai nghe máy, bực mình quá"
    copies = [complaint, complaint.upper(), complaint + "!!!", "cho tong dai 45 phut khong ai nghe may, buc minh qua"]
    texts = [copies[i % len(copies)] for i in range(50)] + _varied(60)
    for strategy in ("uncertainty+diversity", "uncertainty"):
        picked = choose(shipped, texts, 15, strategy=strategy, seed=0)
        assert sum(p < 50 for p in picked.positions) <= 1, strategy
        assert len(picked.positions) == 15
        assert picked.duplicates >= 49


def test_diversity_spreads_the_sample_over_what_comments_say(shipped, monkeypatch):
    """Forty comments on one topic, the most uncertain of all, among varied ones: uncertainty alone
    takes mostly them; uncertainty+diversity (near-duplicate removal off, so only the clusters act)
    takes a few and spreads the rest. The uncertainty is set by the test (the forty highest), so the
    test is about the clusters whatever the shipped model finds hard."""
    import nlp.sampling

    cities = ["Đà Nẵng", "Huế", "Vinh", "Cần Thơ", "Hải Phòng", "Nha Trang", "Quy Nhơn", "Đà Lạt"]
    near = [f"App hãng toàn gợi ý combo khách sạn {3 + i % 3} sao cho mình, người chỉ đặt vé rẻ nhất đi "
            f"{cities[i % 8]} về trong ngày, lần thứ {i}." for i in range(40)]
    texts = near + _varied(120)
    scores = np.concatenate([np.linspace(1.0, 0.9, 40), np.linspace(0.8, 0.0, 120)])
    monkeypatch.setattr(nlp.sampling, "uncertainty", lambda model, prediction: scores)
    alone = choose(shipped, texts, 10, strategy="uncertainty", seed=0, duplicate_similarity=1.0)
    spread = choose(shipped, texts, 10, strategy="uncertainty+diversity", seed=0, duplicate_similarity=1.0)
    from_near = [sum(p < 40 for p in s.positions) for s in (alone, spread)]
    assert from_near[0] >= 6, from_near
    assert from_near[1] <= from_near[0] // 2, from_near


@pytest.mark.parametrize("strategy", ["uncertainty+diversity", "uncertainty", "random"])
def test_empty_cells_and_exclusions_are_never_picked(toy_model, strategy):
    texts = ["", None, 42, "  ", *_varied(20)]
    picked = choose(toy_model, texts, 30, exclude=[4, 5], strategy=strategy)
    assert picked.not_text == 4 and picked.excluded == 2
    assert not {0, 1, 2, 3, 4, 5} & set(picked.positions)
    assert len(picked.positions) == 18 - picked.duplicates and f"only {len(picked.positions)}" in picked.notes[0]


def test_bad_n_and_strategy(toy_model):
    with pytest.raises(DataError, match="n must be at least 1"):
        choose(toy_model, ["ổn"], 0)
    with pytest.raises(TypeError, match="whole number"):
        choose(toy_model, ["ổn"], "5")
    with pytest.raises(DataError, match="uncertainty\\+diversity, uncertainty, random"):
        choose(toy_model, ["ổn"], 1, strategy="smart")


def test_sample_comments_reads_a_table_and_names_a_missing_text_column(tmp_path, toy_model):
    path = tmp_path / "ý_kiến.csv"
    pd.DataFrame({"nhan_xet": _varied(5)}).to_csv(path, index=False)
    with pytest.raises(DataError, match="has no column 'text'; its columns are: 'nhan_xet'"):
        sample_comments(path, toy_model, n=2)
    table, picked = sample_comments(path, toy_model, n=2, text_column="nhan_xet")
    assert table.path == path and len(picked.positions) == 2


# --- the labelling workbook ------------------------------------------------------------------------------------


def _write(tmp_path, toy_model, **options):
    texts = ["Nhân viên thu ngân gắt gỏng, chờ 40 phút", "Phở ngon, giá hơi mắc", *_varied(10)]
    frame = pd.DataFrame({"ma": [f"a-{i:02d}" for i in range(len(texts))], "text": texts})
    table, picked = sample_comments(frame, toy_model, n=6)
    path = tmp_path / "gán_nhãn.xlsx"
    write_labelling_workbook(path, table, picked, text_column="text", id_column="ma", **options)
    return path, table, picked


def test_the_workbook_has_drop_downs_instructions_and_no_guess_by_default(tmp_path, toy_model):
    path, table, picked = _write(tmp_path, toy_model)
    workbook = load_workbook(path)
    assert workbook.sheetnames[:2] == [SHEET, "Hướng dẫn"]
    sheet = workbook[SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Dòng", "ma", "text", "Cảm xúc chung (sentiment)"]
    assert "Thời gian chờ lâu (wait_time)" in headers and "Ghi chú" in headers
    assert not any("Mô hình" in h for h in headers)  # the guess is not in the workbook at all
    assert sheet.max_row == 7 and sheet.freeze_panes == "D2"
    assert sheet["C2"].alignment.wrap_text
    rules = {str(rule.sqref): rule for rule in sheet.data_validations.dataValidation}
    sentiment = rules["D2:D7"]
    assert sentiment.type == "list" and sentiment.formula1 == "'Danh sách'!$A$2:$A$4"
    assert [c.value for c in workbook["Danh sách"]["A"]][1:] == ["Tiêu cực", "Trung lập", "Tích cực"]
    assert workbook["Danh sách"].sheet_state == "hidden" and workbook["cx"].sheet_state == "hidden"
    wait = headers.index("Thời gian chờ lâu (wait_time)") + 1
    letter = sheet.cell(1, wait).column_letter
    assert rules[f"{letter}2:{letter}7"].formula1 == '"x"'
    # Vietnamese survives, in NFC, and every text cell is text.
    texts = {sheet.cell(r, 3).value for r in range(2, 8)}
    expected = {table.frame["text"][p] for p in picked.positions}
    assert texts == expected and all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert all(sheet.cell(r, 3).data_type == "s" for r in range(2, 8))
    rows = [sheet.cell(r, 1).value for r in range(2, 8)]
    assert rows == sorted(rows)  # the input's order
    guide = "\n".join(str(c.value) for row in workbook["Hướng dẫn"].iter_rows() for c in row if c.value)
    assert "chọn đúng một nhãn trong danh sách thả xuống" in guide
    assert "Ngồi chờ gần một tiếng mới tới lượt khám." in guide  # the codebook's examples
    assert "được ẩn" in guide


def test_show_guess_adds_marked_columns_beside_empty_label_columns(tmp_path, toy_model):
    path, _, _ = _write(tmp_path, toy_model, show_guess=True)
    sheet = load_workbook(path)[SHEET]
    headers = [c.value for c in sheet[1]]
    guess = [i for i, h in enumerate(headers, start=1) if h.startswith("Mô hình đoán")]
    labels = [i for i, h in enumerate(headers, start=1) if h.endswith(")") and i > 3 and i not in guess]
    assert guess and min(guess) > max(labels)
    assert sheet.cell(1, guess[0]).fill.fgColor.rgb.endswith("E7E6E6")
    values = {sheet.cell(r, guess[0]).value for r in range(2, 8)}
    assert values <= {"Tiêu cực", "Trung lập", "Tích cực"}
    assert all(sheet.cell(r, c).value is None for r in range(2, 8) for c in labels)  # never pre-filled


def test_writing_refuses_other_formats_and_a_missing_id_column(tmp_path, toy_model):
    table, picked = sample_comments(pd.DataFrame({"text": _varied(4)}), toy_model, n=2)
    with pytest.raises(DataError, match=r"must be an \.xlsx file"):
        write_labelling_workbook(tmp_path / "x.csv", table, picked, text_column="text")
    with pytest.raises(DataError, match="no column 'id'"):
        write_labelling_workbook(tmp_path / "x.xlsx", table, picked, text_column="text", id_column="id")
    assert not list(tmp_path.iterdir())


def _fill(path, rows: dict[int, dict[str, str]]) -> None:
    """Fill cells of the labelling sheet by header, as a researcher does in Excel."""
    workbook = load_workbook(path)
    sheet = workbook[SHEET]
    headers = {c.value: c.column for c in sheet[1]}
    for row, values in rows.items():
        for header, value in values.items():
            sheet.cell(row, headers[header]).value = value
    workbook.save(path)


SENTIMENT = "Cảm xúc chung (sentiment)"
WAIT = "Thời gian chờ lâu (wait_time)"
RUDE = "Nhân viên thô lỗ/giận dữ (rude_staff)"


def test_an_unknown_label_names_the_sheet_row_column_and_what_is_allowed(tmp_path, toy_model):
    path, _, _ = _write(tmp_path, toy_model)
    _fill(path, {2: {SENTIMENT: "Tiêu cực", WAIT: "x"}, 4: {SENTIMENT: "vui vẻ"}, 5: {SENTIMENT: "neutral", RUDE: "có"}})
    with pytest.raises(DataError) as error:
        read_labelling_workbook(path)
    message = str(error.value)
    assert f"sheet {SHEET!r}" in message
    assert "row 4, column D ('Cảm xúc chung (sentiment)'): 'vui vẻ' is not a label of the group 'sentiment'" in message
    assert "allowed: Tiêu cực (negative), Trung lập (neutral), Tích cực (positive)" in message
    assert "row 5, column" in message and "'có' is not a mark; allowed: x (or 1)" in message


def test_a_row_with_causes_but_no_sentiment_is_an_error_not_a_guess(tmp_path, toy_model):
    path, _, _ = _write(tmp_path, toy_model)
    _fill(path, {3: {WAIT: "x"}})
    with pytest.raises(DataError, match=r"row 3, column D \('Cảm xúc chung \(sentiment\)'\): empty, while other label"):
        read_labelling_workbook(path)


def test_reading_back_skips_empty_rows_and_accepts_ids_names_and_marks(tmp_path, toy_model):
    path, _, _ = _write(tmp_path, toy_model)
    _fill(path, {2: {SENTIMENT: "Tiêu cực", WAIT: "x", RUDE: "X"}, 3: {SENTIMENT: "positive"},
                 5: {SENTIMENT: " trung lập ", WAIT: 0, RUDE: 1}})
    found = read_labelling_workbook(path, codebook=default_codebook())
    assert found.rows == [2, 3, 5] and found.unlabelled == [4, 6, 7]
    assert found.single == {"sentiment": ["negative", "positive", "neutral"]}
    assert found.multi == {"causes": [("wait_time", "rude_staff"), (), ("rude_staff",)]}


def test_a_plain_table_given_as_a_workbook_is_refused(tmp_path):
    path = tmp_path / "t.xlsx"
    pd.DataFrame({"text": ["ổn"], "sentiment": ["positive"]}).to_excel(path, index=False)
    with pytest.raises(DataError, match="not a labelling workbook written by cx sample"):
        read_labelling_workbook(path)
    result = runner.invoke(app, ["train", str(path), "--workbook", "-o", str(tmp_path / "m")])
    assert result.exit_code == 1 and "not a labelling workbook" in result.output


# --- cx sample and cx train ------------------------------------------------------------------------------------


def test_cx_sample_then_fill_then_cx_train(tmp_path, toy_model_dir):
    from nlp.corpus import load_corpus

    examples = load_corpus(split="test")[:120]
    comments = tmp_path / "ý_kiến.csv"
    pd.DataFrame({"id": [e.id for e in examples], "text": [e.text for e in examples]}).to_csv(comments, index=False)
    workbook = tmp_path / "to_label.xlsx"
    result = runner.invoke(app, ["sample", str(comments), "--model", str(toy_model_dir), "-n", "40", "-o",
                                 str(workbook), "--id-column", "id", "--seed", "1"])
    assert result.exit_code == 0, result.output
    assert "picked 40 of 120 comments (uncertainty+diversity, seed 1)" in result.output
    # The researcher labels 36 of the 40 rows (with the corpus's labels) and leaves 4 for later.
    sheet = load_workbook(workbook)[SHEET]
    book = default_codebook()
    names = book.group("sentiment").names("vi")
    headers = {c.value for c in sheet[1]}
    truth = {e.id: e for e in examples}
    filled = [truth[sheet.cell(row, 2).value] for row in range(2, 38)]
    causes = {c for e in filled for c in e.causes}
    kept = {c for c in causes if 2 <= sum(c in e.causes for e in filled) <= len(filled) - 2}
    fill = {}
    for row, example in enumerate(filled, start=2):
        fill[row] = {SENTIMENT: names[example.sentiment]}
        fill[row].update({next(h for h in headers if h.endswith(f"({c})")): "x" for c in example.causes if c in kept})
    _fill(workbook, fill)
    model_dir = tmp_path / "mô_hình"
    result = runner.invoke(app, ["train", str(workbook), "-o", str(model_dir)])
    assert result.exit_code == 0, result.output
    assert "trained on 36 rows" in result.output
    assert "skipped 4 rows of the workbook with no label yet" in result.output
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    assert meta["manifest"]["training_data"]["unlabelled_rows"] == 4
    assert meta["manifest"]["codebook"]["groups"] == {"sentiment": "sentiment", "causes": "causes"}
    from nlp.persist import load_model

    model = load_model(model_dir)
    assert set(model.cause_labels) == kept and len(kept) >= 2
    assert set(model.sentiment_labels) == {e.sentiment for e in filled}
    result = runner.invoke(app, ["sample", str(comments), "-n", "5", "-o", str(workbook)])
    assert result.exit_code == 1 and "already a labelling workbook" in result.output  # the labels are not lost


def test_cx_evaluate_reads_a_filled_workbook_as_cx_train_does(tmp_path, toy_model_dir):
    texts, sentiments, causes = _corpus()
    comments = tmp_path / "ý_kiến.csv"
    pd.DataFrame({"text": texts}).to_csv(comments, index=False)
    workbook = tmp_path / "to_label.xlsx"
    result = runner.invoke(app, ["sample", str(comments), "--model", str(toy_model_dir), "-n", "12", "-o",
                                 str(workbook), "--seed", "2"])
    assert result.exit_code == 0, result.output
    sheet = load_workbook(workbook)[SHEET]
    names = default_codebook().group("sentiment").names("vi")
    truth = {t: (s, c) for t, s, c in zip(texts, sentiments, causes)}
    fill = {}
    for row in range(2, 12):  # the researcher labels 10 of the 12 rows
        sentiment, named = truth[sheet.cell(row, 2).value]
        fill[row] = {SENTIMENT: names[sentiment], **{WAIT if c == "wait_time" else RUDE: "x" for c in named}}
    _fill(workbook, fill)
    result = runner.invoke(app, ["evaluate", str(toy_model_dir), str(workbook)])  # no -t, no label columns
    assert result.exit_code == 0, result.output
    assert "to_label.xlsx: 10 rows (skipped 2 rows of the workbook with no label yet)" in result.output
    assert "== sentiment (model head 'sentiment')" in result.output
    assert "== causes (model head 'causes'), multi-label" in result.output
    # the same rows, from the Python API
    from nlp.persist import load_model
    from nlp.train import evaluate_model

    evaluation = evaluate_model(load_model(toy_model_dir), workbook)
    assert evaluation.rows == 10 and evaluation.unlabelled_rows == 2 and evaluation.single and evaluation.multi
    # a plain table still needs its columns named, and a missing file is named first
    result = runner.invoke(app, ["evaluate", str(toy_model_dir), str(comments)])
    assert result.exit_code == 1 and "give --text-column" in result.output
    result = runner.invoke(app, ["evaluate", str(toy_model_dir), str(tmp_path / "không_có.xlsx")])
    assert result.exit_code == 1 and "không_có.xlsx" in result.output


def test_cx_sample_errors(tmp_path, toy_model_dir):
    comments = tmp_path / "c.csv"
    pd.DataFrame({"noi_dung": _varied(5)}).to_csv(comments, index=False)
    result = runner.invoke(app, ["sample", str(comments), "-n", "0", "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 2 and "-n" in result.output
    result = runner.invoke(app, ["sample", str(comments), "--model", str(toy_model_dir), "-o", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 1 and "has no column 'text'; its columns are: 'noi_dung'" in result.output
    result = runner.invoke(app, ["sample", str(comments), "-t", "noi_dung", "-o", str(tmp_path / "o.csv")])
    assert result.exit_code == 1 and "must be an .xlsx file" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv"]
