"""Classify a 1,000,000-row comment file with ``cx classify``; target peak memory under 1.5 GB.

Writes a CSV of ``--rows`` rows (``id,comment,score``) into a temporary folder (or ``--workdir``),
cycling through real comments: the uit_vsfc training texts from ``/work/shared/data`` (the folder
beside the repository), or the project's own ``data/feedback/feedback.csv`` when that is absent.
Ids are unique and mix a ``KH-`` prefix with zero-padded numbers (which must come back exactly),
scores vary, and every 997th comment is empty (it must be kept and marked ``text_status=empty``).

Then runs the virtualenv's ``cx classify`` on it in a subprocess, pinned to one CPU core like the
other benchmarks, and prints side by side with the target: rows, wall seconds, rows per second and
the child's peak resident memory (``getrusage(RUSAGE_CHILDREN).ru_maxrss``), with its CPU time
(wall time above it means other jobs shared the core). Finally it streams the input and the output
side by side to check that the output has every row, in order (same ids), and that the empty
comments are marked ``empty``. The generated files are deleted unless ``--keep``. Nothing is
written into the repository. Takes about two minutes for a million rows.

Usage: ``python benchmarks/classify_1m.py [--rows 1000000] [--workdir DIR] [--keep]``
"""

from __future__ import annotations

import argparse
import csv
import itertools
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

TARGET_MIB = 1536
EMPTY_EVERY = 997
REPOSITORY = Path(__file__).resolve().parents[1]
DATA_DIR = REPOSITORY.parent / "shared" / "data"


@dataclass
class Check:
    """What streaming the input and the output side by side found."""

    input_rows: int
    output_rows: int
    first_mismatch: int | None  # 1-based data row where the ids first differ
    empty_rows: int
    empty_marked: int  # empty comments whose text_status is "empty"
    other_status: int  # non-empty comments whose text_status is not "ok"

    @property
    def passed(self) -> bool:
        return (self.input_rows == self.output_rows and self.first_mismatch is None
                and self.empty_marked == self.empty_rows)


def source_comments() -> tuple[list[str], Path]:
    """Real comments to cycle through, and the file they come from."""
    shared = DATA_DIR / "uit_vsfc" / "train.csv"
    path = shared if shared.is_file() else REPOSITORY / "data" / "feedback" / "feedback.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        comments = [row["text"] for row in csv.DictReader(handle) if row["text"].strip()]
    return comments, path


def write_input(path: Path, rows: int, comments: list[str], *, seed: int = 7) -> int:
    """Write ``id,comment,score`` rows; every ``EMPTY_EVERY``-th comment is empty. Returns how many are."""
    rng = random.Random(seed)
    empty = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "comment", "score"])
        for i in range(rows):
            row_id = f"{i:08d}" if i % 2 else f"KH-{i:07d}"
            if i % EMPTY_EVERY == EMPTY_EVERY - 1:
                comment = ""
                empty += 1
            else:
                comment = comments[i % len(comments)]
            writer.writerow([row_id, comment, rng.choice(("1", "2", "3", "4", "5", "4.5", ""))])
    return empty


def run_cx(source: Path, output: Path) -> tuple[float, float, float]:
    """Run ``cx classify`` in a child process; wall seconds, CPU seconds and peak RSS (MiB) of the child."""
    cx = Path(sys.executable).parent / "cx"
    command = [str(cx), "classify", str(source), "--text-column", "comment", "--output", str(output)]
    start = time.perf_counter()
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if finished.returncode != 0:
        sys.exit(f"{' '.join(command)} failed with exit code {finished.returncode}:\n{finished.stderr}")
    print(finished.stdout.rstrip())
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss is in KiB on Linux


def check_output(source: Path, output: Path) -> Check:
    """Stream both files row by row: same ids in the same order, empty comments marked ``empty``."""
    input_rows = output_rows = empty_rows = empty_marked = other_status = 0
    first_mismatch = None
    with source.open(encoding="utf-8", newline="") as a, output.open(encoding="utf-8-sig", newline="") as b:
        given, written = csv.DictReader(a), csv.DictReader(b)
        for number, (row_in, row_out) in enumerate(itertools.zip_longest(given, written), start=1):
            input_rows += row_in is not None
            output_rows += row_out is not None
            if row_in is None or row_out is None:
                first_mismatch = first_mismatch or number
                continue
            if row_in["id"] != row_out["id"] and first_mismatch is None:
                first_mismatch = number
            if row_in["comment"] == "":
                empty_rows += 1
                empty_marked += row_out["text_status"] == "empty"
            else:
                other_status += row_out["text_status"] != "ok"
    return Check(input_rows, output_rows, first_mismatch, empty_rows, empty_marked, other_status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to generate")
    parser.add_argument("--workdir", type=Path, default=None, help="folder for the files; default a temporary one")
    parser.add_argument("--keep", action="store_true", help="keep the generated input and output files")
    args = parser.parse_args()
    if args.rows < 1:
        parser.error(f"--rows must be >= 1; got {args.rows}")
    if args.workdir is not None and REPOSITORY in (args.workdir.resolve(), *args.workdir.resolve().parents):
        parser.error(f"--workdir {args.workdir} is inside the repository; choose a folder outside {REPOSITORY}")

    for name in ("RAYON_NUM_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = "1"
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})  # inherited by cx

    workdir = Path(tempfile.mkdtemp(prefix="cx-1m-")) if args.workdir is None else args.workdir
    workdir.mkdir(parents=True, exist_ok=True)
    source, output = workdir / "comments_1m.csv", workdir / "comments_1m.classified.csv"
    try:
        comments, origin = source_comments()
        start = time.perf_counter()
        empty = write_input(source, args.rows, comments)
        written = time.perf_counter() - start
        print(f"input: {source} ({source.stat().st_size / 2**20:.0f} MiB, {args.rows:,} rows cycling "
              f"{len(comments):,} comments of {origin}, {empty:,} empty) written in {written:.1f} s")

        seconds, cpu_seconds, peak_mib = run_cx(source, output)
        print(f"output: {output} ({output.stat().st_size / 2**20:.0f} MiB)")
        check = check_output(source, output)

        verdict = "meets" if peak_mib < TARGET_MIB else "MISSES"
        print(f"\ncx classify, one core (CPU {cpu}), in a subprocess")
        print(f"{'rows':<28}{args.rows:>14,}")
        print(f"{'seconds (wall)':<28}{seconds:>14.1f}")
        print(f"{'CPU seconds (child)':<28}{cpu_seconds:>14.1f}")
        print(f"{'rows/s':<28}{args.rows / seconds:>14,.0f}")
        print(f"{'peak RSS (MiB)':<28}{peak_mib:>14,.0f}    target < {TARGET_MIB:,} MiB (1.5 GB) → {verdict}")
        order = "same ids in the same order" if check.first_mismatch is None else (
            f"ids differ from data row {check.first_mismatch:,}")
        print(f"\noutput rows: {check.output_rows:,} of {check.input_rows:,} input rows; {order}")
        print(f"empty comments marked text_status=empty: {check.empty_marked:,} of {check.empty_rows:,}; "
              f"non-empty comments not 'ok': {check.other_status:,}")
        print("checks: " + ("passed" if check.passed else "FAILED"))
    finally:
        if args.keep:
            print(f"kept {source} and {output}")
        elif args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            for path in (source, output):
                path.unlink(missing_ok=True)
    if not check.passed:
        sys.exit(1)


if __name__ == "__main__":
    main()
