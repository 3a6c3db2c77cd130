"""Discover a journey from 1 and 10 million events; target at least 3x faster than pm4py, with less memory.

The logs are simulated with ``journeymap.simulate.simulate_events`` on the e-commerce sample journey
``data/journeys/mua_hang_va_doi_tra.yaml`` (seed 0). A pilot run estimates events per case, and
whole cases are kept until the log first reaches the requested number of events. Each log is written
once, with DuckDB, to a Parquet file in a cache folder (``--workdir``, default a folder in the system
temp directory) and reused by later runs.

Every engine then runs in its own fresh subprocess reading that file (libraries are imported before
the clock starts), and reports its wall time, its CPU time (all threads) and its peak resident
memory (``getrusage(RUSAGE_SELF).ru_maxrss``, which includes the interpreter and the libraries it
imported). Printed side by side, in one run:

- ours, from the file: ``discover_journey(path, goal=[nhan_hang, hoan_tien])``: DuckDB reads and
  checks the Parquet file, orders every case, counts touchpoints, transitions, times, starts and
  drop-offs and builds the ``Journey``. Reading the file is part of that call (no separate load time);
- ours, from a DataFrame: the file loaded into pandas through DuckDB (load), then
  ``discover_journey(frame, ...)`` (discover), the like-for-like of pm4py's discover-only time;
- pm4py (reference, AGPL, in the separate virtualenv given by ``--pm4py-python``):
  ``pandas.read_parquet`` (load), then ``pm4py.format_dataframe``, ``pm4py.discover_dfg`` and
  ``pm4py.discover_performance_dfg`` (discover: directly-follows counts, start and end activities,
  median and mean times).

Speed-up = pm4py's load+discover time / ours from the file; memory ratio = pm4py's peak RSS / ours.
Then it checks that both engines found the same directly-follows counts exactly, the same start and
end counts, and the same median and mean times (ours are rounded to 4 decimals of an hour), and
prints "agree" or the differences. Both engines may use every CPU the machine offers (DuckDB does,
pandas mostly uses one), so ours can show more CPU seconds than wall seconds.

Usage: ``python benchmarks/discover_benchmark.py [--sizes 1000000 10000000] [--pm4py-python PATH]
[--workdir DIR] [--repeat 1]``; ``--sizes 100000`` for a quick run. Takes about two minutes for both
sizes, most of it pm4py's, plus about 20 s the first time to simulate and write the logs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[1]
JOURNEY = REPOSITORY / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"
GOALS = ["nhan_hang", "hoan_tien"]
DEFAULT_PM4PY_PYTHON = REPOSITORY / ".venv-bench" / "bin" / "python"
TARGET_SPEEDUP = 3.0
TARGET_MIB_10M = 4096
PILOT_CASES = 50_000
HOURS_TOLERANCE = 0.5e-4 + 1e-9  # ours are rounded to 4 decimals

# Runs in the pm4py virtualenv, which does not have journeymap: only pandas, pyarrow and pm4py.
PM4PY_CHILD = r"""
import json, resource, sys, time
import pandas as pd
import pm4py

path = sys.argv[1]
wall, cpu = time.perf_counter(), time.process_time()
frame = pd.read_parquet(path)
load_wall, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
wall, cpu = time.perf_counter(), time.process_time()
log = pm4py.format_dataframe(frame, case_id="case_id", activity_key="touchpoint", timestamp_key="timestamp")
keys = dict(activity_key="concept:name", case_id_key="case:concept:name", timestamp_key="time:timestamp")
dfg, starts, ends = pm4py.discover_dfg(log, **keys)
performance, _, _ = pm4py.discover_performance_dfg(log, **keys)
discover_wall, discover_cpu = time.perf_counter() - wall, time.process_time() - cpu
print(json.dumps({
    "load": load_wall, "load_cpu": load_cpu, "discover": discover_wall, "discover_cpu": discover_cpu,
    "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "events": len(frame),
    "edges": [[a, b, int(n)] for (a, b), n in dfg.items()],
    "hours": [[a, b, float(p["median"]) / 3600, float(p["mean"]) / 3600] for (a, b), p in performance.items()],
    "starts": {k: int(v) for k, v in starts.items()}, "ends": {k: int(v) for k, v in ends.items()},
}))
"""


@dataclass
class Run:
    """One engine on one log: seconds (wall and CPU) and peak RSS, and what it found."""

    engine: str
    load: float | None  # None when loading is part of discovery
    discover: float
    cpu: float
    rss_mib: float
    found: dict[str, Any]

    @property
    def total(self) -> float:
        return self.discover + (self.load or 0.0)


# -- the logs ------------------------------------------------------------------------------------------


def prepare_log(events: int, workdir: Path) -> tuple[Path, int, int]:
    """The cached Parquet log of at least ``events`` events (whole cases); its path, events and cases."""
    import duckdb

    path = workdir / f"events_{events}_seed0.parquet"
    if not path.exists():
        from journeymap import load_journey
        from journeymap.simulate import simulate_events

        journey = load_journey(JOURNEY)
        per_case = len(simulate_events(journey, cases=PILOT_CASES, seed=0)) / PILOT_CASES
        cases = math.ceil(events / per_case * 1.01) + 1_000
        start = time.perf_counter()
        frame = simulate_events(journey, cases=cases, seed=0)
        while len(frame) < events:  # the pilot's estimate fell short: simulate more cases
            cases = math.ceil(cases * 1.05)
            frame = simulate_events(journey, cases=cases, seed=0)
        # Rows come in case order with zero-padded ids: keep every case up to the one holding event N.
        last_case = frame["case_id"].iloc[events - 1]
        partial = path.with_suffix(".partial")
        with duckdb.connect() as con:
            con.register("frame", frame)
            con.execute(
                f"COPY (SELECT * FROM frame WHERE case_id <= ?) TO '{partial}' (FORMAT parquet)", [last_case]
            )
        partial.rename(path)
        print(f"simulated {cases:,} cases in {time.perf_counter() - start:.1f} s → {path}")
        del frame
    with duckdb.connect() as con:
        n, n_cases = con.execute(f"SELECT count(*), count(DISTINCT case_id) FROM read_parquet('{path}')").fetchone()
    return path, n, n_cases


# -- the engines, each in a fresh process --------------------------------------------------------------


def child_ours(path: str, mode: str) -> None:
    """Run our discovery in this (fresh) process and print one JSON line."""
    import duckdb
    import pandas  # noqa: F401  # DuckDB imports it on first use; libraries load before the clock, as for pm4py

    from journeymap.discover import discover_journey

    load = load_cpu = None
    events: Any = path
    if mode == "frame":
        wall, cpu = time.perf_counter(), time.process_time()
        with duckdb.connect() as con:
            events = con.execute(f"SELECT * FROM read_parquet('{path}')").df()
        load, load_cpu = time.perf_counter() - wall, time.process_time() - cpu
    loaded_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    journey = discover_journey(events, goal=GOALS)
    discover, discover_cpu = time.perf_counter() - wall, time.process_time() - cpu
    graph = journey.graph
    print(json.dumps({
        "load": load, "load_cpu": load_cpu, "discover": discover, "discover_cpu": discover_cpu,
        "rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "loaded_kib": loaded_kib,
        "edges": [[u, v, int(a["volume"])] for u, v, a in graph.edges(data=True)],
        "hours": [[u, v, a["median_hours"], a["mean_hours"]] for u, v, a in graph.edges(data=True)],
        "starts": {n: int(a["starts"]) for n, a in graph.nodes(data=True) if a.get("starts")},
        # Visits that end at a touchpoint are its events not followed by another: events − Σ out-volume.
        "ends": {n: e for n in graph if (e := _ends(graph, n))},
    }))


def _ends(graph: Any, node: str) -> int:
    out = list(graph.out_edges(node, data=True))
    if not out:
        return int(graph.nodes[node]["volume"])  # every visit ends here
    events = round(out[0][2]["volume"] / out[0][2]["probability"])
    return events - sum(int(a["volume"]) for _, _, a in out)


def run_child(command: list[str], engine: str) -> Run:
    finished = subprocess.run(command, check=False, capture_output=True, text=True)
    if finished.returncode != 0:
        sys.exit(f"{engine} failed with exit code {finished.returncode}:\n{finished.stderr[-3000:]}")
    line = next(line for line in reversed(finished.stdout.splitlines()) if line.startswith("{"))
    data = json.loads(line)
    cpu = data["discover_cpu"] + (data["load_cpu"] or 0.0)
    return Run(engine, data["load"], data["discover"], cpu, data["rss_kib"] / 1024, data)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda run: run.total)


# -- comparing and printing ----------------------------------------------------------------------------


def differences(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """What differs between the two engines' findings (empty when they agree)."""
    found = []
    our_edges = {(a, b): n for a, b, n in ours["edges"]}
    their_edges = {(a, b): n for a, b, n in theirs["edges"]}
    for edge in sorted(set(our_edges) | set(their_edges)):
        if our_edges.get(edge) != their_edges.get(edge):
            found.append(f"transition {edge[0]} → {edge[1]}: ours {our_edges.get(edge)}, pm4py {their_edges.get(edge)}")
    for key in ("starts", "ends"):
        for node in sorted(set(ours[key]) | set(theirs[key])):
            if ours[key].get(node) != theirs[key].get(node):
                found.append(f"{key} at {node}: ours {ours[key].get(node)}, pm4py {theirs[key].get(node)}")
    their_hours = {(a, b): (median, mean) for a, b, median, mean in theirs["hours"]}
    for a, b, median, mean in ours["hours"]:
        other = their_hours.get((a, b))
        if other is None or abs(median - other[0]) > HOURS_TOLERANCE or abs(mean - other[1]) > HOURS_TOLERANCE:
            found.append(f"hours {a} → {b}: ours median {median}, mean {mean}; pm4py {other}")
    return found


def print_table(rows: list[tuple[int, int, list[Run]]], cpus: int) -> None:
    print(f"\njourney discovery, best of the runs; wall seconds (CPU seconds of the process, all threads); "
          f"{cpus} CPUs available")
    print(f"{'events':>12} {'cases':>11}  {'engine':<26}{'load s':>9}{'discover s':>12}{'load+discover s':>17}"
          f"{'CPU s':>8}{'peak RSS MiB':>14}{'speed-up':>10}{'memory':>8}")
    for events, cases, runs in rows:
        reference = next((run for run in runs if run.engine == "pm4py"), None)
        for run in runs:
            load = "—" if run.load is None else f"{run.load:.2f}"
            ratio = speed = ""
            if reference is not None and run is not reference:
                speed = f"{reference.total / run.total:.1f}x"
                ratio = f"{reference.rss_mib / run.rss_mib:.1f}x"
            print(f"{events:>12,} {cases:>11,}  {run.engine:<26}{load:>9}{run.discover:>12.2f}{run.total:>17.2f}"
                  f"{run.cpu:>8.1f}{run.rss_mib:>14,.0f}{speed:>10}{ratio:>8}")
    print("load: reading the Parquet file into pandas; for 'ours, from the file' DuckDB reads it inside the "
          "discovery call, so only load+discover applies")
    print("speed-up = pm4py load+discover / ours load+discover; memory = pm4py peak RSS / ours peak RSS")
    for events, _, runs in rows:
        frame = next(run for run in runs if run.engine == "ours, from a DataFrame")
        loaded = frame.found["loaded_kib"] / 1024
        print(f"ours, from a DataFrame, {events:,} events: {loaded:,.0f} MiB once the frame is loaded (the project's "
              f"environment has no pyarrow, so pandas holds the text as Python strings); discovery then peaks "
              f"{frame.rss_mib - loaded:,.0f} MiB above that")


def print_verdicts(rows: list[tuple[int, int, list[Run]]]) -> None:
    print(f"\ntargets: >= {TARGET_SPEEDUP:.0f}x faster than pm4py (load+discover, ours from the file) with less "
          f"peak memory; 10M events within {TARGET_MIB_10M:,} MiB (4 GB)")
    for events, _, runs in rows:
        ours = runs[0]
        reference = next((run for run in runs if run.engine == "pm4py"), None)
        parts = []
        if reference is not None:
            speed = reference.total / ours.total
            parts.append(f"{speed:.1f}x faster → {'meets' if speed >= TARGET_SPEEDUP else 'MISSES'}")
            less = ours.rss_mib < reference.rss_mib
            parts.append(f"{ours.rss_mib:,.0f} vs {reference.rss_mib:,.0f} MiB → {'meets' if less else 'MISSES'}")
        if events >= 10_000_000:
            within = ours.rss_mib < TARGET_MIB_10M
            parts.append(f"within 4 GB: {ours.rss_mib:,.0f} MiB → {'meets' if within else 'MISSES'}")
        print(f"{events:>12,} events: " + ("; ".join(parts) if parts else "no pm4py figures to compare with"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000], help="events per log")
    parser.add_argument("--pm4py-python", type=Path, default=DEFAULT_PM4PY_PYTHON,
                        help="python of the virtualenv with pm4py (default .venv-bench/bin/python)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "cx-discover-benchmark",
                        help="cache folder for the generated Parquet logs")
    parser.add_argument("--repeat", type=int, default=1, help="fresh-process runs per engine; the best is shown")
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_ours(args.child[1], args.child[0])
        return
    if min(args.sizes) < 1 or args.repeat < 1:
        parser.error(f"--sizes and --repeat must be >= 1; got --sizes {args.sizes}, --repeat {args.repeat}")
    if REPOSITORY in (args.workdir.resolve(), *args.workdir.resolve().parents):
        parser.error(f"--workdir {args.workdir} is inside the repository; choose a folder outside {REPOSITORY}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    pm4py_python = args.pm4py_python if args.pm4py_python.exists() else None
    if pm4py_python is None:
        print(f"{args.pm4py_python} not found: pm4py figures are skipped. Create the reference environment with\n"
              f"  python3 -m venv {REPOSITORY / '.venv-bench'} && {REPOSITORY / '.venv-bench/bin/pip'} install "
              f"-r {REPOSITORY / 'benchmarks/requirements-pm4py.txt'}")

    rows = []
    agreement = []
    for size in args.sizes:
        path, events, cases = prepare_log(size, args.workdir)
        print(f"log: {path} ({path.stat().st_size / 2**20:.0f} MiB, {events:,} events, {cases:,} cases)")
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]
        runs = [best([run_child([*me, "path", str(path)], "ours, from the file") for _ in range(args.repeat)]),
                best([run_child([*me, "frame", str(path)], "ours, from a DataFrame") for _ in range(args.repeat)])]
        if pm4py_python is not None:
            runs.append(best([run_child([str(pm4py_python), "-c", PM4PY_CHILD, str(path)], "pm4py")
                              for _ in range(args.repeat)]))
            found = differences(runs[0].found, runs[2].found)
            agreement.append((events, len(runs[0].found["edges"]), found))
        rows.append((events, cases, runs))

    print_table(rows, len(os.sched_getaffinity(0)))
    if agreement:
        print("\nours vs pm4py (transition counts exactly; starts; ends; median and mean hours within rounding):")
        for events, transitions, found in agreement:
            if found:
                print(f"{events:>12,} events: {len(found)} DIFFERENCES")
                for line in found[:20]:
                    print(f"    {line}")
            else:
                print(f"{events:>12,} events: agree ({transitions} transitions)")
    print_verdicts(rows)


if __name__ == "__main__":
    main()
