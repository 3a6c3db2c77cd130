"""One machine against Spark ``local[2]``: journey discovery (DuckDB) and classification (one process), in one run.

Two workloads, each at three sizes (the full size, a tenth and a hundredth of it, so the crossover
can be seen), each engine in its own fresh subprocess:

- **discovery** of ``--events`` events (default 10,000,000) simulated by
  ``benchmarks/discover_benchmark.py``'s ``prepare_log`` (the e-commerce sample journey, seed 0, a
  Parquet file cached in ``--workdir``): ``discover_journey(path, goal=[nhan_hang, hoan_tien])`` on
  DuckDB (which uses every core it is given) against the same call with ``engine="spark"``;
- **classification** of ``--comments`` comments (default 1,000,000) in a CSV written by
  ``benchmarks/classify_1m.py``'s ``write_input`` (real review texts cycled from the uit_vsfc training
  set in the shared data folder beside the repository, else the project's own feedback corpus; never
  copied into the repository): ``cx classify FILE -t comment -o OUT.csv`` (one process, one core)
  against the same command with ``--engine spark``: the same output file, rows in the same order.

Spark runs on ``--master`` (default ``local[2]``: this machine's two cores). Its time is shown with
and without the session's start-up (the JVM and its first job), which a long-running cluster
session pays once. Peak memory is sampled every 0.1 s over the child's whole process tree (with
psutil): the Python driver, and for Spark also the JVM and Spark's Python workers; the JVM's own peak
is shown beside it. Then the crossover: the smallest size at which Spark (start-up included) is at
least as fast, or "not reached on N local cores" with the figures. Each discovery run also returns
its journey's transition counts, and the two engines' are compared.

Usage: ``python benchmarks/spark_benchmark.py [--events 10000000] [--comments 1000000]
[--master local[2]] [--workdir DIR]``; ``--events 100000 --comments 10000`` for a quick run. Needs
``pip install -e '.[spark]'`` and Java 17+. The full run took 15 minutes on the shared two-core machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
GOALS = ["nhan_hang", "hoan_tien"]
sys.path.insert(0, str(Path(__file__).resolve().parent))


@dataclass
class Run:
    """One engine on one input, in a fresh process: seconds and peak memory of its process tree."""

    seconds: float  # the work, start-up included for Spark (the session is made inside the timer)
    startup: float  # Spark: the session's start-up and first job; 0 for one machine
    peak_mib: float  # the whole tree: driver, JVM, Python workers
    jvm_mib: float
    found: dict[str, Any]


# -- the children (each runs in its own process) --------------------------------------------------------


def child(kind: str, path: str, master: str, output: str) -> None:
    """Run one engine on one input and print a JSON line."""
    import pandas  # noqa: F401  # libraries load before the clock, for both engines

    start = time.perf_counter()
    startup = 0.0
    found: dict[str, Any] = {}
    if kind.endswith("spark"):
        from journeymap._sparkjob import session

        spark = session(master, app_name=f"cx benchmark {kind}")
        spark.range(1).count()  # the JVM, the session and a first job
        startup = time.perf_counter() - start
    if kind.startswith("discover"):
        from journeymap.discover import discover_journey

        journey = discover_journey(path, goal=GOALS, engine="spark" if kind.endswith("spark") else "duckdb")
        found["edges"] = sorted([u, v, int(a["volume"])] for u, v, a in journey.graph.edges(data=True))
        found["events"] = journey.description
    else:
        from journeymap.cli import app

        command = ["classify", path, "--text-column", "comment", "--output", output]
        if kind.endswith("spark"):
            command += ["--engine", "spark"]
        app(command, standalone_mode=False)
    seconds = time.perf_counter() - start
    print(json.dumps({"seconds": seconds, "startup": startup, "found": found}))


def run_child(kind: str, path: Path, master: str, output: Path) -> Run:
    """Run :func:`child` in a fresh process, sampling its process tree's memory."""
    import psutil

    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind, str(path), master, str(output)]
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY), "PYSPARK_PYTHON": sys.executable}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks = {"total": 0, "jvm": 0}
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.wait(0.1):
            total = jvm = 0
            try:
                for member in [root, *root.children(recursive=True)]:
                    try:
                        rss = member.memory_info().rss
                        total += rss
                        if member.name() == "java":
                            jvm += rss
                    except psutil.Error:
                        continue
            except psutil.Error:
                return
            peaks["total"], peaks["jvm"] = max(peaks["total"], total), max(peaks["jvm"], jvm)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stdout, stderr = process.communicate()
    done.set()
    sampler.join()
    if process.returncode != 0:
        sys.exit(f"{kind} on {path} failed with exit code {process.returncode}:\n{stderr[-3000:]}")
    data = json.loads(next(line for line in reversed(stdout.splitlines()) if line.startswith("{")))
    return Run(data["seconds"], data["startup"], peaks["total"] / 2**20, peaks["jvm"] / 2**20, data["found"])


# -- inputs ---------------------------------------------------------------------------------------------


def sizes(full: int) -> list[int]:
    """A hundredth, a tenth and the full size (the small ones dropped below 1,000)."""
    return [size for size in (full // 100, full // 10, full) if size >= 1_000] or [full]


def comment_file(rows: int, workdir: Path) -> Path:
    from classify_1m import source_comments, write_input

    path = workdir / f"comments_{rows}.csv"
    if not path.exists():
        comments, origin = source_comments()
        partial = path.with_suffix(".partial")
        write_input(partial, rows, comments)
        partial.rename(path)
        print(f"wrote {path} ({path.stat().st_size / 2**20:,.0f} MiB): {rows:,} comments cycling {len(comments):,} "
              f"of {origin.relative_to(origin.parents[2])}", flush=True)
    return path


# -- printing -------------------------------------------------------------------------------------------


def crossover(rows: list[tuple[int, Run, Run]], cores: str) -> str:
    faster = [(size, one, spark) for size, one, spark in rows if spark.seconds <= one.seconds]
    if not faster:
        best = min(rows, key=lambda r: r[2].seconds / r[1].seconds)
        return (f"not reached on {cores}: at {best[0]:,} Spark took {best[2].seconds / best[1].seconds:.1f}x "
                "the single-machine time")
    size = faster[0][0]
    index = [r[0] for r in rows].index(size)
    if index == 0:
        return f"reached at the smallest size tried ({size:,}) or before"
    before, after = rows[index - 1], rows[index]
    # log-linear interpolation of the time ratio between the two sizes around the crossing
    r0 = math.log(before[2].seconds / before[1].seconds)
    r1 = math.log(after[2].seconds / after[1].seconds)
    at = math.exp(math.log(before[0]) + (math.log(after[0]) - math.log(before[0])) * r0 / (r0 - r1))
    return f"between {before[0]:,} and {after[0]:,} (about {at:,.0f} by interpolation)"


def table(title: str, unit: str, single: str, rows: list[tuple[int, Run, Run]], cores: str) -> None:
    print(f"\n{title}")
    print(f"{unit:>12}  {single + ' s':>16}{'Spark s':>10}{'(start-up)':>12}{'Spark/one':>11}"
          f"{'one peak MiB':>14}{'Spark peak MiB':>16}{'(of it JVM)':>13}")
    for size, one, spark in rows:
        print(f"{size:>12,}  {one.seconds:>16.1f}{spark.seconds:>10.1f}{f'({spark.startup:.1f})':>12}"
              f"{spark.seconds / one.seconds:>10.1f}x{one.peak_mib:>14,.0f}{spark.peak_mib:>16,.0f}"
              f"{f'({spark.jvm_mib:,.0f})':>13}")
    print(f"crossover: {crossover(rows, cores)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000_000, help="events in the largest log")
    parser.add_argument("--comments", type=int, default=1_000_000, help="comments in the largest file")
    parser.add_argument("--master", default="local[2]", help="Spark master (default local[2])")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cx-spark-benchmark",
                        help="cache folder for the generated inputs (outputs are deleted)")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    if min(args.events, args.comments) < 1:
        parser.error("--events and --comments must be >= 1")
    if REPOSITORY in (args.workdir.resolve(), *args.workdir.resolve().parents):
        parser.error(f"--workdir {args.workdir} is inside the repository; choose a folder outside {REPOSITORY}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    from discover_benchmark import prepare_log

    cores = f"{args.master} ({len(os.sched_getaffinity(0))} CPUs available to this process)"
    print(f"Spark {args.master} against one machine; inputs in {args.workdir}", flush=True)

    discovery = []
    agree = []
    for size in sizes(args.events):
        path, events, cases = prepare_log(size, args.workdir)
        one = run_child("discover-duckdb", path, args.master, Path(os.devnull))
        spark = run_child("discover-spark", path, args.master, Path(os.devnull))
        agree.append((events, one.found["edges"] == spark.found["edges"], len(one.found["edges"])))
        discovery.append((events, one, spark))
        print(f"  discovery, {events:,} events ({cases:,} cases): DuckDB {one.seconds:.1f} s, Spark "
              f"{spark.seconds:.1f} s", flush=True)

    classification = []
    for size in sizes(args.comments):
        source = comment_file(size, args.workdir)
        out = args.workdir / f"comments_{size}.classified.csv"
        try:
            one = run_child("classify-local", source, args.master, out)
            out.unlink()
            spark = run_child("classify-spark", source, args.master, out)
        finally:
            out.unlink(missing_ok=True)
        classification.append((size, one, spark))
        print(f"  classification, {size:,} comments: one process {one.seconds:.1f} s, Spark {spark.seconds:.1f} s",
              flush=True)

    print(f"\nwall seconds in a fresh process; Spark's include its start-up (in brackets); peak RSS of the whole "
          f"process tree (driver, JVM, Python workers) sampled every 0.1 s; Spark on {cores}")
    table("journey discovery: discover_journey(path) from Parquet, DuckDB vs engine='spark'", "events", "DuckDB",
          discovery, cores)
    for events, same, transitions in agree:
        print(f"  {events:,} events: {'the same' if same else 'DIFFERENT'} {transitions} transition counts on both")
    table("classification: cx classify FILE.csv -o OUT.csv, one process (one core) vs --engine spark", "comments",
          "one process", classification, cores)


if __name__ == "__main__":
    main()
