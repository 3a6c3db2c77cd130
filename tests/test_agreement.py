"""Agreement between coders (issue 18, item 3): the statistics against published worked examples,
the edge cases a researcher meets, and cx agreement."""

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook
from sklearn.metrics import cohen_kappa_score
from typer.testing import CliRunner

from journeymap.cli import app
from nlp.agreement import ALL, _cohen_from_pairs, agreement, agreement_files, cohen_kappa, fleiss_kappa
from nlp.codebook import default_codebook
from nlp.errors import DataError

runner = CliRunner()

# Krippendorff, "Computing Krippendorff's Alpha-Reliability" (2011), the reliability data with missing
# values: 4 observers, 12 units; "" is a unit the observer did not code. Nominal alpha = 0.743.
KRIPPENDORFF = {
    "A": ["1", "2", "3", "3", "2", "1", "4", "1", "2", "", "", ""],
    "B": ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", "", "3"],
    "C": ["", "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", ""],
    "D": ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", ""],
}

# Fleiss' kappa, the worked example on Wikipedia ("Fleiss' kappa"): 10 subjects, 14 raters, 5
# categories; P-bar = 0.378, P-bar-e = 0.213, kappa = 0.210.
FLEISS = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
          [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]]


def test_krippendorffs_own_example_with_missing_values():
    report = agreement(pd.DataFrame(KRIPPENDORFF), list("ABCD"), multi=False, bootstrap=0)
    overall = report.labels[0]
    assert overall.label == ALL
    assert round(overall.alpha.value, 3) == 0.743
    assert overall.pairable == 11  # unit 12 has one value: not pairable
    assert report.coded_by == {0: 0, 1: 1, 2: 1, 3: 2, 4: 8}
    assert report.labels[0].cohen is None  # four coders: no Cohen's kappa
    assert any("Cohen's kappa compares two coders" in note for note in report.notes)


def test_fleiss_published_example():
    assert round(fleiss_kappa(FLEISS), 3) == 0.210
    table = np.array(FLEISS)  # the same ratings as codes of 14 coders: the same kappa through agreement()
    codes = {f"r{j}": [] for j in range(14)}
    for row in table:
        values = [str(c) for c, n in enumerate(row) for _ in range(n)]
        for j, value in enumerate(values):
            codes[f"r{j}"].append(value)
    report = agreement(pd.DataFrame(codes), list(codes), multi=False, bootstrap=0)
    assert round(report.labels[0].fleiss.value, 3) == 0.210


def test_cohens_kappa_on_the_textbook_two_by_two():
    """Wikipedia's "Cohen's kappa" example: 50 grant proposals, both yes 20, A yes B no 5, A no B yes
    10, both no 15: p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    a = ["yes"] * 25 + ["no"] * 25
    b = ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    report = agreement(pd.DataFrame({"a": a, "b": b}), ["a", "b"], multi=False, bootstrap=0)
    overall = report.labels[0]
    assert overall.cohen.value == pytest.approx(0.4) and overall.percent_agreement == pytest.approx(0.7)


def test_the_bootstraps_fast_cohen_equals_sklearn():
    rng = np.random.default_rng(3)
    for k in (2, 3, 5):
        a, b = rng.integers(0, k, 200), rng.integers(0, k, 200)
        assert _cohen_from_pairs(a * k + b, k) == pytest.approx(cohen_kappa_score(a, b))


def test_intervals_are_repeatable_for_a_seed_and_hold_the_estimate():
    rng = np.random.default_rng(0)
    truth = rng.choice(["negative", "neutral", "positive"], 300)
    noisy = np.where(rng.random(300) < 0.8, truth, rng.choice(["negative", "neutral", "positive"], 300))
    frame = pd.DataFrame({"lan": truth, "minh": noisy})
    first = agreement(frame, ["lan", "minh"], multi=False, bootstrap=300, seed=7)
    again = agreement(frame, ["lan", "minh"], multi=False, bootstrap=300, seed=7)
    other = agreement(frame, ["lan", "minh"], multi=False, bootstrap=300, seed=8)
    assert first.table().equals(again.table())
    assert not first.table().equals(other.table())
    for score in (first.labels[0].cohen, first.labels[0].fleiss, first.labels[0].alpha):
        assert score.low < score.value < score.high and score.high - score.low < 0.2


def test_one_coder_is_refused():
    with pytest.raises(DataError, match=r"agreement needs at least two coders; got 1 \(lan\)"):
        agreement(pd.DataFrame({"lan": ["a"]}), ["lan"], multi=False)


def test_all_agree_on_one_code_is_undefined_not_nan():
    frame = pd.DataFrame({"lan": ["wait_time", "", ""], "minh": ["wait_time", "", ""]})
    report = agreement(frame, ["lan", "minh"], codebook=default_codebook(), group="causes", bootstrap=50)
    rude = next(item for item in report.labels if item.label == "rude_staff")
    for score in (rude.cohen, rude.fleiss, rude.alpha):
        assert score.value is None and score.low is None
        assert "undefined: every coder left out 'rude_staff' on every row" in score.note
    row = report.table().set_index("label").loc["rude_staff"]
    assert np.isnan(row["cohen_kappa"]) and "cannot be told from chance" in row["note"]
    wait = next(item for item in report.labels if item.label == "wait_time")
    assert wait.alpha.value == 1.0 and wait.percent_agreement == 1.0


def test_a_row_coded_by_one_coder_counts_nowhere_and_is_listed():
    frame = pd.DataFrame({"text": ["a", "b", "c", "d"], "lan": ["positive", "negative", "neutral", "NA"],
                          "minh": ["positive", "negative", "", "neutral"]})
    report = agreement(frame, ["lan", "minh"], multi=False, bootstrap=0)
    assert report.labels[0].pairable == 2 and report.labels[0].cohen.value == 1.0
    listed = report.disagreements
    assert listed["text"].tolist() == ["c", "d"]
    assert listed["issue"].tolist() == ["coded by lan only", "coded by minh only"]
    with pytest.raises(DataError, match="no row is coded by two or more of the coders lan, minh"):
        agreement(frame.iloc[2:], ["lan", "minh"], multi=False)


def test_a_label_the_codebook_lacks_names_coder_rows_and_both_sets(tmp_path):
    path = tmp_path / "mã hoá.csv"
    pd.DataFrame({"lan": ["wait_time; giá", "", "giá"], "minh": ["wait_time", "", ""]}).to_csv(path, index=False)
    with pytest.raises(DataError) as caught:
        agreement(path, ["lan", "minh"], codebook=default_codebook(), group="causes")
    message = str(caught.value)
    assert f"{path}, coder 'lan' (row 2, row 4) has the label 'giá'" in message
    assert "its labels are: wait_time, needs_not_understood, unresolved" in message
    assert "The labels found: giá, wait_time" in message


def test_several_labels_in_a_cell_are_scored_per_label():
    frame = pd.DataFrame({"lan": ["wait_time; rude_staff", "unresolved", "", "wait_time"],
                          "minh": ["wait_time,rude_staff", "unresolved;wait_time", "", "wait_time"]})
    report = agreement(frame, ["lan", "minh"], multi=True, bootstrap=0)
    by_label = {item.label: item for item in report.labels}
    assert sorted(by_label) == ["rude_staff", "unresolved", "wait_time"]
    assert by_label["rude_staff"].cohen.value == 1.0
    assert by_label["wait_time"].percent_agreement == 0.75
    assert report.disagreements["in_dispute"].tolist() == ["wait_time"]


def test_cx_agreement_one_table_writes_the_table_and_the_disagreements(tmp_path):
    path = tmp_path / "mã hoá.xlsx"
    pd.DataFrame({"id": ["r1", "r2", "r3", "r4"], "text": ["Đợi lâu", "Nhân viên gắt", "Ngon", "Gọi mãi"],
                  "lan": ["wait_time", "rude_staff", "", "unresolved"],
                  "minh": ["wait_time", "", "", "unresolved; wait_time"]}).to_excel(path, index=False)
    table, listed = tmp_path / "agreement.xlsx", tmp_path / "adjudicate.csv"
    result = runner.invoke(app, ["agreement", str(path), "--coders", "lan,minh", "--codebook", "default",
                                 "--group", "causes", "-o", str(table), "--disagreements", str(listed),
                                 "--bootstrap", "100"])
    assert result.exit_code == 0, result.output
    assert "2 coders (lan, minh), 4 rows (coded 4 by 2); several labels per row" in result.output
    assert "wait_time (Thời gian chờ lâu)" in result.output and "Krippendorff α" in result.output
    assert "undefined" in result.output  # the causes nobody coded
    sheet = load_workbook(table).active
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["label", "name", "rows_pairable", "rows_all_coders"] and "krippendorff_alpha_low" in header
    rows = pd.read_csv(listed, keep_default_na=False)
    assert rows["text"].tolist() == ["Nhân viên gắt", "Gọi mãi"] and rows["adjudicated"].tolist() == ["", ""]
    assert rows["row"].tolist() == ["row 3", "row 5"]


def test_cx_agreement_one_file_per_coder(tmp_path):
    pd.DataFrame({"id": ["a", "b", "c"], "sentiment": ["positive", "negative", "neutral"]}).to_csv(
        tmp_path / "lan.csv", index=False)
    pd.DataFrame({"id": ["c", "a", "d"], "sentiment": ["neutral", "positive", "negative"]}).to_csv(
        tmp_path / "minh.csv", index=False)
    result = runner.invoke(app, ["agreement", str(tmp_path / "lan.csv"), str(tmp_path / "minh.csv"),
                                 "--column", "sentiment", "--join", "id", "--codebook", "default",
                                 "--group", "sentiment", "--bootstrap", "0"])
    assert result.exit_code == 0, result.output
    assert "4 rows (coded 2 by 2, 2 by 1); one label per row" in result.output
    assert "(all)" in result.output and "no intervals" in result.output
    report = agreement_files([tmp_path / "lan.csv", tmp_path / "minh.csv"], "sentiment", join="id", multi=False,
                             bootstrap=0)
    assert report.disagreements["id"].tolist() == ["b", "d"]
    assert report.disagreements["issue"].tolist() == ["coded by lan only", "coded by minh only"]


@pytest.mark.parametrize(("args", "message"), [
    (["--coders", "lan"], "agreement needs at least two coders; got 1 (lan)"),
    ([], "name the coders' columns with --coders a,b"),
    (["--coders", "lan,nga", "--single"], "has no column 'nga'"),
    (["--coders", "lan,minh"], "say whether a cell holds one label or several (--multi)"),
    (["--coders", "lan,minh", "--multi", "-o", "{path}"], "refusing to overwrite the input file"),
])
def test_cx_agreement_errors_are_one_line(tmp_path, args, message):
    path = tmp_path / "codes.csv"
    pd.DataFrame({"lan": ["a", "b"], "minh": ["a", "a"]}).to_csv(path, index=False)
    result = runner.invoke(app, ["agreement", str(path), *[a.replace("{path}", str(path)) for a in args]])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split()) and "Traceback" not in result.output


def test_a_repeated_join_value_names_its_rows(tmp_path):
    pd.DataFrame({"id": ["a", "a"], "c": ["x", "y"]}).to_csv(tmp_path / "lan.csv", index=False)
    pd.DataFrame({"id": ["a"], "c": ["x"]}).to_csv(tmp_path / "minh.csv", index=False)
    with pytest.raises(DataError, match=r"lan.csv: id 'a' is in row 2, row 3"):
        agreement_files([tmp_path / "lan.csv", tmp_path / "minh.csv"], "c", join="id", multi=False)
