"""The shape of the code, beside a reference commit: module sizes, import arrows, circles, start-up time.

    python benchmarks/structure.py                 # against 390c890, main when issues 13-19 were filed
    python benchmarks/structure.py --reference REF

The reference is checked out into a temporary git worktree (removed afterwards), so both columns are
measured in one run on this machine. Imports are read with grimp (import-linter's engine), which
parses the files without running them; an arrow counts every import, at module level or inside a
function (tests/test_structure.py checks the layers and that there are no import circles).
Start-up is the wall time of a fresh interpreter that imports journeymap (or prints `cx --help`),
the best of 15 runs.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("journeymap", "nlp")
DEFAULT_REFERENCE = "390c890"

_GRAPH_SCRIPT = r"""
import json, sys
import grimp
graph = grimp.build_graph("journeymap", "nlp", cache_dir=None)
edges = []
for importer in sorted(graph.modules):
    for imported in sorted(graph.find_modules_directly_imported_by(importer)):
        edges.append([importer, imported])
json.dump(edges, sys.stdout)
"""


def _arrows(tree: Path) -> list[tuple[str, str]]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", _GRAPH_SCRIPT], cwd=tree, env=env, capture_output=True,
                         text=True, check=True).stdout
    return [tuple(edge) for edge in json.loads(out)]


def _seconds(tree: Path, code: str, runs: int = 15) -> float:
    """Wall time of a fresh interpreter running ``code`` (start-up included: what a user waits for)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=tree, env=env, capture_output=True, check=False)
        best = min(best, time.perf_counter() - start)
    return best


def measure(tree: Path) -> dict[str, object]:
    sizes = {}
    for package in PACKAGES:
        for path in sorted((tree / package).rglob("*.py")):
            sizes[str(path.relative_to(tree))] = sum(1 for _ in path.open(encoding="utf-8"))
    arrows = _arrows(tree)

    def pairs(importer: str, imported: str) -> list[tuple[str, str]]:
        return sorted({(a, b) for a, b in arrows if a.split(".")[0] == importer and b.split(".")[0] == imported})

    help_code = "import sys; sys.argv = ['cx', '--help']\nfrom journeymap.cli import app\ntry:\n    app()\nexcept SystemExit:\n    pass"
    return {
        "modules": len(sizes),
        "lines": sum(sizes.values()),
        "largest": sorted(sizes.items(), key=lambda kv: -kv[1])[:5],
        "over_800": sum(1 for n in sizes.values() if n > 800),
        "nlp_to_journeymap": pairs("nlp", "journeymap"),
        "journeymap_to_nlp": pairs("journeymap", "nlp"),
        "import_journeymap_s": _seconds(tree, "import journeymap"),
        "cx_help_s": _seconds(tree, help_code),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", default=DEFAULT_REFERENCE, help="commit to compare with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cx-structure-") as folder:
        ref_tree = Path(folder) / "reference"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(ref_tree), args.reference], cwd=ROOT,
                       check=True)
        try:
            before, after = measure(ref_tree), measure(ROOT)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(ref_tree)], cwd=ROOT, check=False)

    def row(label: str, a: object, b: object) -> None:
        print(f"{label:<44}{a!s:>16}{b!s:>16}")

    print(f"{'':<44}{args.reference:>16}{'this tree':>16}")
    row("modules (journeymap/, nlp/)", before["modules"], after["modules"])
    row("lines", f"{before['lines']:,}", f"{after['lines']:,}")
    row("modules over 800 lines", before["over_800"], after["over_800"])
    row("import arrows nlp → journeymap (pairs)", len(before["nlp_to_journeymap"]), len(after["nlp_to_journeymap"]))
    row("import arrows journeymap → nlp (pairs)", len(before["journeymap_to_nlp"]), len(after["journeymap_to_nlp"]))
    row("import journeymap (ms, best of 15)", f"{before['import_journeymap_s'] * 1000:.0f}",
        f"{after['import_journeymap_s'] * 1000:.0f}")
    row("cx --help (ms, best of 15)", f"{before['cx_help_s'] * 1000:.0f}", f"{after['cx_help_s'] * 1000:.0f}")
    for name, result in (("reference", before), ("this tree", after)):
        print(f"\n{name}: largest modules " + ", ".join(f"{p} {n:,}" for p, n in result["largest"]))
        for a, b in result["nlp_to_journeymap"][:10]:
            print(f"{name}: nlp → journeymap: {a} → {b}")


if __name__ == "__main__":
    main()
