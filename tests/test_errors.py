"""One error contract for both packages: a root ``CxError``; input problems are ``DataError`` (a
``ValueError``); a missing input file is the same error everywhere (``InputNotFoundError``, also a
``FileNotFoundError``) and names the file; a broken model is ``ModelFileError``; ``cx`` prints any of
them as one line, without a traceback."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

import journeymap as jm
import nlp
from journeymap.cli import app
from nlp.errors import CxError, DataError, InputNotFoundError, ModelFileError


def test_one_hierarchy_for_both_packages():
    assert jm.CxError is nlp.CxError is CxError
    assert jm.DataError is nlp.DataError is DataError
    assert nlp.TableError is DataError  # the older name still catches table problems
    assert issubclass(DataError, ValueError)
    assert issubclass(InputNotFoundError, DataError) and issubclass(InputNotFoundError, FileNotFoundError)
    assert issubclass(ModelFileError, DataError)
    assert issubclass(jm.JourneyValidationError, DataError)
    for runtime in (jm.GraphvizNotFoundError, jm.RenderError):
        assert issubclass(runtime, CxError) and issubclass(runtime, RuntimeError)


@pytest.fixture(scope="module")
def journey():
    return jm.load_journey(next(p for p in jm.sample_journey_paths() if p.stem == "mua_hang_va_doi_tra"))


def _entry_points(journey):
    """Every public function that reads a named input file: (name, call with that path)."""
    return {
        "load_journey": lambda p: jm.load_journey(p),
        "read_graphml": lambda p: jm.read_graphml(p),
        "read_node_link": lambda p: jm.read_node_link(p),
        "discover_journey": lambda p: jm.discover_journey(p),
        "survey_metrics": lambda p: jm.survey_metrics(p),
        "attach_feedback": lambda p: jm.attach_feedback(journey, p, classify=False),
        "build_report(journey=)": lambda p: jm.build_report(p),
        "build_report(survey=)": lambda p: jm.build_report(journey, survey=p),
        "build_report(events=)": lambda p: jm.build_report(journey, events=p),
        "read_table": lambda p: nlp.read_table(p),
        "classify_file": lambda p: nlp.classify_file(p, text_column="text"),
    }


ENTRY_POINTS = ["load_journey", "read_graphml", "read_node_link", "discover_journey", "survey_metrics",
                "attach_feedback", "build_report(journey=)", "build_report(survey=)", "build_report(events=)",
                "read_table", "classify_file"]
SUFFIX = {"load_journey": ".yaml", "read_graphml": ".graphml", "read_node_link": ".node-link.json",
          "build_report(journey=)": ".yaml", "discover_journey": ".csv"}


@pytest.mark.parametrize("name", ENTRY_POINTS)
def test_a_missing_file_is_the_same_error_everywhere_and_names_the_file(name, journey, tmp_path):
    path = tmp_path / f"khong_co_tệp{SUFFIX.get(name, '.csv')}"
    with pytest.raises(InputNotFoundError) as caught:
        _entry_points(journey)[name](path)
    assert str(path) in str(caught.value)
    assert "does not exist" in str(caught.value)
    assert caught.value.filename == str(path)


@pytest.mark.parametrize("name", ["read_table", "classify_file", "survey_metrics", "discover_journey",
                                  "build_report(survey=)"])
def test_a_folder_given_as_a_file_says_so(name, journey, tmp_path):
    folder = tmp_path / "a_folder.csv"
    folder.mkdir()
    with pytest.raises(InputNotFoundError, match="is a folder"):
        _entry_points(journey)[name](folder)


@pytest.mark.parametrize("name", ["survey_metrics", "attach_feedback", "build_report(journey=)", "build_report(survey=)",
                                  "discover_journey"])
def test_a_wrong_argument_type_is_a_type_error(name, journey):
    with pytest.raises(TypeError):
        _entry_points(journey)[name](12345)


def test_a_malformed_table_is_a_data_error_naming_the_file_and_the_place(tmp_path):
    bad = tmp_path / "phản_hồi.csv"
    bad.write_bytes(b"text\n" + "Nhân viên tốt".encode("cp1258", errors="replace") + b"\xff\xfe\xfa\n")
    with pytest.raises(DataError) as caught:
        nlp.read_table(bad)
    assert str(bad) in str(caught.value)
    survey = tmp_path / "survey.csv"
    survey.write_text("nps,touchpoint\n9,a\n11,b\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        jm.survey_metrics(survey)
    assert "row 3" in str(caught.value) and "nps" in str(caught.value)


def test_a_broken_model_file_is_a_model_file_error(tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(nlp.model.default_model_path(), model_dir)
    meta = json.loads((model_dir / "model.json").read_text(encoding="utf-8"))
    del meta["causes_name"]
    (model_dir / "model.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelFileError, match="causes_name"):
        nlp.load_model(model_dir)
    with pytest.raises(ModelFileError, match="not found"):
        nlp.load_model(tmp_path / "no_model")


@pytest.mark.parametrize("args", [
    ["render", "khong_co.yaml", "-o", "x.svg"],
    ["classify", "khong_co.csv", "--text-column", "text"],
    ["report", "--journey", "khong_co.yaml", "-o", "r.html"],
    ["discover", "khong_co.csv", "-o", "j.yaml"],
])
def test_cx_prints_a_missing_file_as_one_line_without_a_traceback(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, args)
    assert result.exit_code != 0
    assert "khong_co" in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
