"""The committed notebooks: run, with their outputs (a repository preview shows the pictures), small,
and current — a fresh run prints what the committed notebook shows.

This is where the default test run executes the notebooks (``notebooks`` is not in pytest's
``testpaths``, so nbmake does not run them a second time; ``pytest notebooks/01_….ipynb`` still
runs one with nbmake). Each runs on a copy in a temporary folder, so the committed files and
``notebooks/output/`` are never written by the tests. When a test here fails because a notebook or
what it prints changed, re-run and save them: ``python -m journeymap._notebooks``.
"""

from __future__ import annotations

import copy
import shutil

import nbformat
import pytest

from journeymap._notebooks import MAX_BYTES, differences, fingerprint, notebook_paths, problems, run_notebook, slim
from journeymap.display import OUTPUT_MARK

PATHS = notebook_paths()


def test_the_five_notebooks_are_there():
    assert [p.name[:3] for p in PATHS] == ["01_", "02_", "03_", "04_", "05_"]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_a_committed_notebook_has_its_outputs_small_and_without_errors(path):
    assert path.stat().st_size < MAX_BYTES, f"{path.name}: {path.stat().st_size:,} bytes"
    notebook = nbformat.read(path, as_version=4)
    assert problems(notebook, path.name) == []
    pictures = [o for c in notebook.cells for o in c.get("outputs", []) if OUTPUT_MARK in o.get("metadata", {})]
    images = [o for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert images, "no picture for a repository preview to show"
    for output in pictures:
        if output["metadata"][OUTPUT_MARK]["preview"]:
            # a repository preview shows the PNG; the SVG (hundreds of kB each) is not committed
            assert "image/png" in output["data"] and "text/html" not in output["data"]
    source = nbformat.writes(notebook)
    assert "tempfile" not in source and "mkdtemp" not in source  # files go beside the notebook


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_a_fresh_run_prints_what_the_committed_notebook_shows(path, tmp_path):
    before = path.read_bytes()
    committed = nbformat.read(path, as_version=4)
    ran = tmp_path / path.name
    shutil.copy(path, ran)
    fresh = slim(run_notebook(ran, previews=False))
    assert problems(fresh, path.name) == []
    assert differences(committed, fresh, path.name) == []
    assert (tmp_path / "output" / path.stem).is_dir()  # what it wrote went beside it
    assert path.read_bytes() == before  # the test never rewrites the committed notebook


def _notebook() -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("jm.show(j)\nprint(1)")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={"text/html": "<div>svg</div>", "image/png": "iVBO",
                                                     "text/plain": "J (canvas)"},
                               metadata={OUTPUT_MARK: {"preview": True}}),
        nbformat.v4.new_output("stream", name="stdout", text="written: /tmp/x1/output/04/bao_cao.html\n"),
    ]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# T"), cell])


def test_slim_keeps_the_preview_of_a_picture_only():
    notebook = slim(_notebook())
    assert set(notebook.cells[1].outputs[0]["data"]) == {"image/png", "text/plain"}


def test_the_fingerprint_ignores_where_and_when_it_ran_but_not_what_it_printed():
    committed, fresh = _notebook(), _notebook()
    fresh.cells[1].outputs[1]["text"] = "written: /work/repo/notebooks/output/04/bao_cao.html\n"
    assert fingerprint(committed) == fingerprint(fresh)
    assert differences(committed, slim(copy.deepcopy(fresh)), "n.ipynb") == []
    # printing cut into two outputs by timing is the same printing
    split = copy.deepcopy(committed)
    text = split.cells[1].outputs[1]["text"]
    split.cells[1].outputs[1:] = [nbformat.v4.new_output("stream", name="stdout", text=text[:9]),
                                  nbformat.v4.new_output("stream", name="stdout", text=text[9:])]
    assert fingerprint(split) == fingerprint(committed)
    fresh.cells[1].outputs[1]["text"] = "written: output/04/bao_cao_2.html\n"
    (found,) = differences(committed, fresh, "n.ipynb")
    assert "code cell 1 ('jm.show(j)')" in found and "bao_cao_2.html" in found
    assert "python -m journeymap._notebooks n.ipynb" in found
    fresh.cells[1].source = "jm.show(k)"
    assert differences(committed, fresh, "n.ipynb") == ["n.ipynb: the code cells differ from the run's"]


def test_a_cell_without_output_or_with_an_error_is_a_problem():
    notebook = _notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("import pandas"))
    notebook.cells.append(nbformat.v4.new_code_cell("1/0"))
    notebook.cells[-1].outputs = [nbformat.v4.new_output("error", ename="ZeroDivisionError", evalue="division by zero",
                                                          traceback=[])]
    found = problems(notebook, "n.ipynb")
    assert len(found) == 2
    assert "code cell 2 ('import pandas') has no output" in found[0]
    assert "code cell 3 ('1/0') ends in ZeroDivisionError: division by zero" in found[1]


def test_a_machine_dependent_cell_must_run_but_its_text_is_not_compared():
    committed, fresh = _notebook(), _notebook()
    for notebook in (committed, fresh):
        notebook.cells[1].metadata["tags"] = ["machine-dependent"]
    fresh.cells[1].outputs[1]["text"] = "skipped: no shared data\n"
    assert differences(committed, fresh, "n.ipynb") == []
    fresh.cells[1].outputs = fresh.cells[1].outputs[:1]
    assert differences(committed, fresh, "n.ipynb") != []
