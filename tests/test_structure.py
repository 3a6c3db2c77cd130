"""The house's layers and types: import-linter's contracts (pyproject.toml), no import circles, mypy."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("journeymap", "nlp")


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    """import-linter's contracts of ``tree``'s pyproject.toml, over ``tree``'s packages."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(no_cache=True))"
    return subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, text=True,
                          check=False)


def test_the_layers_hold():
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "arrow"), [
    # even an import inside a function counts: nlp is the lower layer
    ("nlp/text.py", "def _late():\n    from journeymap import fmt\n", "nlp.text -> journeymap.fmt"),
    # the journey model must not reach up to the report
    ("journeymap/journey.py", "def _late():\n    from .report import build_report\n",
     "journeymap.journey -> journeymap.report"),
    # the layout, the drawing's lowest layer, must not reach up to the canvas
    ("journeymap/draw/layout.py", "def _late():\n    from .canvas import canvas_svg\n",
     "journeymap.draw.layout -> journeymap.draw.canvas"),
])
def test_an_import_from_a_higher_layer_breaks_a_contract(tmp_path, module, line, arrow):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "_models"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with (tmp_path / module).open("a", encoding="utf-8") as handle:
        handle.write("\n\n" + line)
    result = _lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout
    assert arrow in result.stdout and "0 broken" not in result.stdout


def _module_level_imports(package_root: Path) -> nx.DiGraph:
    """Imports that run when a module is imported: top-level statements, not functions or
    ``if TYPE_CHECKING:`` blocks."""
    files = {".".join(p.relative_to(package_root).with_suffix("").parts).removesuffix(".__init__"): p
             for package in PACKAGES for p in (package_root / package).rglob("*.py")}
    graph = nx.DiGraph()
    for module, path in files.items():
        is_package = path.name == "__init__.py"
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parent = module.split(".") if is_package else module.split(".")[:-1]
                    parent = parent[: len(parent) - node.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            else:
                continue
            for target in targets:
                # importing one's own package runs its __init__ first anyway: not a circle of its making
                if target in files and target != module and not module.startswith(target + "."):
                    graph.add_edge(module, target)
    return graph


def test_no_import_circles():
    circles = list(nx.simple_cycles(_module_level_imports(ROOT)))
    assert circles == [], [" → ".join([*c, c[0]]) for c in circles]


def test_mypy_finds_no_errors():
    from mypy import api

    stdout, stderr, status = api.run(["--config-file", str(ROOT / "pyproject.toml"), "--no-incremental"])
    assert status == 0, stdout + stderr


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *PACKAGES, "tests", "benchmarks"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
