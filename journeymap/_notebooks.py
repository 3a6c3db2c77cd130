"""Keep the committed notebooks (``notebooks/*.ipynb``) run, small and current.

The notebooks are committed *with* their outputs, so a repository's preview shows the canvases,
tables and charts. This re-runs them and saves them::

    python -m journeymap._notebooks            # run every notebook and save it with its outputs
    python -m journeymap._notebooks 02_classify_feedback.ipynb
    python -m journeymap._notebooks --check    # run them and compare, saving nothing (exit 1 if stale)

Run it from a development checkout after changing a notebook or what it shows (the test
``tests/test_notebooks.py`` fails until you do). Each notebook runs in its own folder, as Jupyter
runs it, with ``JOURNEYMAP_PREVIEW=1`` so :func:`journeymap.show` adds a small PNG preview to each
picture; the saved notebook keeps only that preview of each picture (the zoomable SVG comes back
when you run the notebook yourself), which keeps each file well under 2 MB. A notebook is saved
only when every cell ran without an error, and saved whole (written beside it, then renamed).

What "current" means (:func:`fingerprint`): the same code cells, each with outputs, none an error,
and the same text in every output (printed text, and the plain-text form of tables and pictures)
once what differs from machine to machine is taken out (memory addresses, folders, timings).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .display import OUTPUT_MARK, PREVIEW_VARIABLE

__all__ = ["fingerprint", "notebook_paths", "problems", "run_notebook", "slim"]

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
#: The largest a committed notebook may be.
MAX_BYTES = 2_000_000
TIMEOUT = 900

_VOLATILE = [
    (re.compile(r" at 0x[0-9a-fA-F]+"), ""),  # <pandas.io.formats.style.Styler at 0x7f…>
    (re.compile(r"[^\s'\"]*/(output/)"), r"\1"),  # the notebook's folder, wherever it ran
    (re.compile(r"(/tmp|/var/folders|[A-Za-z]:\\)[^\s'\"]*"), "<tmp>"),
    (re.compile(r"\d+(\.\d+)? ?(s|seconds|ms)\b"), "<time>"),
]


def notebook_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The notebooks in ``folder``, in order (``01_…`` first)."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def run_notebook(path: Path, *, folder: Path | None = None, previews: bool = True) -> Any:
    """Run the notebook at ``path`` in ``folder`` (default: its own) and return it with its outputs.

    Raises ``nbclient.exceptions.CellExecutionError`` when a cell fails.
    """
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(path, as_version=4)
    # The kernel inherits the environment: previews on or off, and this checkout's code first on the
    # path (not whichever copy of the toolkit the environment has installed).
    wanted = {PREVIEW_VARIABLE: "1" if previews else "0",
              "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    saved = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        client = NotebookClient(notebook, timeout=TIMEOUT, kernel_name="python3", record_timing=False,
                                resources={"metadata": {"path": str(folder or path.parent)}})
        client.execute()
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return notebook


def slim(notebook: Any) -> Any:
    """``notebook`` as committed: each picture of :func:`journeymap.show` keeps its PNG preview only."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            mark = output.get("metadata", {}).get(OUTPUT_MARK)
            if mark and mark.get("preview") and "image/png" in output.get("data", {}):
                output["data"].pop("text/html", None)
    return notebook


def _text(output: Any) -> str:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
    else:
        data = output.get("data", {})
        text = data.get("text/plain", "")
        if OUTPUT_MARK in output.get("metadata", {}):
            text = "[picture] " + text
        elif "image/png" in data:
            text = "[image] " + text
    text = "".join(text) if isinstance(text, list) else str(text)
    for pattern, replacement in _VOLATILE:
        text = pattern.sub(replacement, text)
    return text


#: The tag of a code cell whose printed text depends on the machine (such as whether the development
#: checkout's shared data sets are there): it must still run and print, but its text is not compared.
MACHINE_DEPENDENT = "machine-dependent"


def fingerprint(notebook: Any) -> list[tuple[str, list[str]]]:
    """Each code cell's source and the normalised text of its outputs, in order (a cell tagged
    :data:`MACHINE_DEPENDENT`: how many outputs it has)."""
    found = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = cell.get("outputs", [])
        if MACHINE_DEPENDENT in cell.get("metadata", {}).get("tags", []):
            found.append((cell.source, [f"[{MACHINE_DEPENDENT}: {len(outputs)} outputs]"]))
        else:
            found.append((cell.source, _texts(outputs)))
    return found


def _texts(outputs: list[Any]) -> list[str]:
    """The outputs' texts, consecutive printing to one stream as one text (how a kernel's printing
    is cut into outputs depends on timing, not on the code)."""
    texts: list[str] = []
    stream = None
    for output in outputs:
        name = output.get("name") if output.get("output_type") == "stream" else None
        if name is not None and name == stream:
            texts[-1] += _text(output)
        else:
            texts.append(_text(output))
        stream = name
    return texts


def problems(notebook: Any, name: str) -> list[str]:
    """What is wrong with a committed notebook on its own: cells without outputs, errors."""
    found = []
    for number, cell in enumerate((c for c in notebook.cells if c.cell_type == "code"), start=1):
        first = cell.source.splitlines()[0] if cell.source else "(empty)"
        if not cell.get("outputs"):
            found.append(f"{name}: code cell {number} ({first!r}) has no output: run python -m journeymap._notebooks")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                found.append(f"{name}: code cell {number} ({first!r}) ends in {output.get('ename')}: "
                             f"{output.get('evalue', '')[:200]}")
            elif output.get("output_type") == "stream" and output.get("name") == "stderr":
                found.append(f"{name}: code cell {number} ({first!r}) wrote to stderr: {_text(output)[:200]!r}")
    return found


def differences(committed: Any, fresh: Any, name: str) -> list[str]:
    """Where a fresh run's outputs differ from the committed ones (first difference per cell)."""
    old, new = fingerprint(committed), fingerprint(fresh)
    if [source for source, _ in old] != [source for source, _ in new]:
        return [f"{name}: the code cells differ from the run's"]
    found = []
    for number, ((source, before), (_, after)) in enumerate(zip(old, new), start=1):
        if before != after:
            first = source.splitlines()[0] if source else "(empty)"
            found.append(f"{name}: code cell {number} ({first!r}) printed {after!r}, the committed notebook shows "
                         f"{before!r}: run python -m journeymap._notebooks {name}")
    return found


def _save(notebook: Any, path: Path) -> None:
    import nbformat

    from nlp.output import write_text

    write_text(path, nbformat.writes(notebook) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m journeymap._notebooks", description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="notebook names or paths (default: every notebooks/NN_*.ipynb)")
    parser.add_argument("--check", action="store_true", help="run and compare with the committed notebooks; save nothing")
    args = parser.parse_args(argv)
    import nbformat
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    paths = [Path(n) if Path(n).exists() else NOTEBOOKS / n for n in args.notebooks] or notebook_paths()
    failed = False
    for path in paths:
        print(f"running {path.name} …", flush=True)
        try:
            fresh = slim(run_notebook(path))
        except (CellExecutionError, DeadKernelError, CellTimeoutError) as error:
            # a cell failed: say which, save nothing, go on with the next notebook
            print(f"{path.name}: not saved: {error}", file=sys.stderr)
            failed = True
            continue
        found = problems(fresh, path.name)
        if args.check:
            found += differences(nbformat.read(path, as_version=4), fresh, path.name)
        elif not found:
            _save(fresh, path)
            size = path.stat().st_size
            print(f"saved {path} ({size / 1e6:.2f} MB)")
            if size > MAX_BYTES:
                found.append(f"{path.name} is {size / 1e6:.1f} MB, more than {MAX_BYTES / 1e6:.0f} MB: show smaller pictures")
        for problem in found:
            print(problem, file=sys.stderr)
        failed = failed or bool(found)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
