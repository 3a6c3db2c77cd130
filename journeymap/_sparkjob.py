"""A ``cx`` command run as a Spark job (``--engine spark``): the session, Spark's progress, errors and outputs.

- :func:`session`: the active SparkSession when there is one (``spark-submit``'s, a notebook's, the
  tests'), else a new one on ``--master`` (default ``local[*]``). Under ``spark-submit`` without
  ``--master``, spark-submit's own ``--master`` and ``--conf`` decide. A missing pyspark or Java
  runtime, or a ``spark://`` master nobody answers at, is a :class:`~nlp.errors.DataError` saying
  what to install or which masters are allowed, before any JVM is started.
- :func:`progress`: the stage and task counts of Spark's own status tracker
  (:meth:`pyspark.SparkContext.statusTracker`), on standard error while a job runs.
- :func:`spark_errors`: a Spark failure a user can fix (a malformed CSV row) as a DataError naming the input.
- :func:`write_output`: a DataFrame written the way Spark jobs write (a folder of part files, with
  ``_SUCCESS``), or collected to one ``.csv``/``.parquet`` file. Either is written under a hidden
  temporary sibling name and renamed when the job succeeded: a failed or interrupted job leaves
  nothing named like the output.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from nlp.errors import DataError

from ._sparklog import INSTALL_HINT, _cut, spark_errors

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["DEFAULT_MASTER", "MASTERS", "progress", "session", "spark_errors", "write_output"]

DEFAULT_MASTER = "local[*]"
MASTERS = ("local[*]", "local[N]", "spark://HOST:PORT", "yarn", "k8s://https://HOST:PORT")
OUTPUT_FORMATS = (".csv", ".parquet")
_TEMP_MARK = ".cx-spark-partial"


def _install_error(what: str) -> DataError:
    return DataError(f"--engine spark needs {what}: {INSTALL_HINT}; or leave --engine out to run on this machine")


def session(master: str | None = None, *, app_name: str = "cx") -> SparkSession:
    """The SparkSession to run a command on; see the module's docstring."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise _install_error("pyspark, which is not installed") from None
    active = SparkSession.getActiveSession()
    if active is not None:
        running = active.sparkContext.master
        if master is not None and master != running:
            print(f"note: using the running Spark session (master {running}); --master {master} is not applied",
                  file=sys.stderr)
        return active
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ  # launched by spark-submit: its JVM is already running
    if not submitted and not os.environ.get("JAVA_HOME") and shutil.which("java") is None:
        raise _install_error("a Java runtime (17 or 21), and none was found (no java on PATH, no JAVA_HOME)")
    if master is not None:
        master = master.strip()
        _check_reachable(master)
    builder = SparkSession.builder.appName(app_name)
    if master is not None or not submitted:
        builder = builder.master(master or DEFAULT_MASTER)
        if (master or DEFAULT_MASTER).startswith("local"):
            # The Python workers on this machine run this Python (with cx installed), not the first python3 on PATH.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    if not submitted:
        # cx reports progress itself (progress()); Spark's console bar would draw over it.
        builder = builder.config("spark.ui.showConsoleProgress", "false")
    try:
        spark = builder.getOrCreate()
    except Exception as error:  # noqa: BLE001 - Py4J and PySpark errors of every kind: the reason is shown
        raise DataError(f"Spark could not start with --master {master or DEFAULT_MASTER}: {_reason(error)}; "
                        f"allowed masters: {', '.join(MASTERS)}") from None
    return spark


def _check_reachable(master: str) -> None:
    """Refuse a ``spark://`` master whose every host refuses or ignores a connection (Spark itself would
    retry for a minute before giving up)."""
    if not master.startswith("spark://"):
        return
    hosts = master[len("spark://"):].split(",")
    reasons = []
    for host in hosts:
        name, _, port = host.rpartition(":")
        if not name or not port.isdigit():
            raise DataError(f"--master {master}: {host!r} is not HOST:PORT; allowed masters: {', '.join(MASTERS)}")
        try:
            with socket.create_connection((name, int(port)), timeout=5):
                return
        except OSError as error:
            reasons.append(f"{host}: {error.strerror or error}")
    raise DataError(f"the Spark master at --master {master} cannot be reached ({'; '.join(reasons)}); start it, "
                    f"check the address, or use --master {DEFAULT_MASTER} to run on this machine's cores")


def _reason(error: BaseException) -> str:
    """The first line of a Spark or Py4J error that says something, without the Java stack."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    for line in lines:
        if not line.startswith(("An error occurred while calling", "at ")):
            return _cut(line.removeprefix(": ").rstrip("."), 300)
    return type(error).__name__


@contextmanager
def progress(spark: SparkSession, *, stream: TextIO | None = None, every: float = 0.5) -> Iterator[None]:
    """Report Spark's own stage and task counts on ``stream`` (standard error) while the block runs.

    On a terminal one line is redrawn in place; elsewhere (a log file, CI) a line is written when a
    stage starts or ends and at most every 10 seconds in between. Nothing is written when no job runs.
    """
    out = stream or sys.stderr
    tracker = spark.sparkContext.statusTracker()
    done = threading.Event()
    tty = bool(getattr(out, "isatty", lambda: False)())

    def report() -> None:
        last, last_time, width = "", 0.0, 0
        stages: set[int] = set()
        while not done.wait(every):
            infos = [info for stage in tracker.getActiveStageIds() if (info := tracker.getStageInfo(stage))]
            if not infos:
                continue
            parts = [f"stage {i.stageId}: {i.numCompletedTasks}/{i.numTasks} tasks"
                     + (f" ({i.numActiveTasks} running)" if i.numActiveTasks else "")
                     + (f", {i.numFailedTasks} failed" if i.numFailedTasks else "") for i in sorted(
                         infos, key=lambda i: i.stageId)]
            line = "spark: " + "; ".join(parts)
            ids = {i.stageId for i in infos}
            now = time.monotonic()
            if tty:
                if line != last:
                    out.write("\r" + line.ljust(width))
                    out.flush()
                    width = len(line)
            elif ids != stages or (line != last and now - last_time >= 10):
                out.write(line + "\n")
                out.flush()
                last_time = now
            last, stages = line, ids
        if tty and width:
            out.write("\r" + " " * width + "\r")
            out.flush()

    thread = threading.Thread(target=report, name="cx-spark-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def output_layout(output: str, parts: bool) -> tuple[str, bool]:
    """The format (``csv`` or ``parquet``) of ``output`` and whether it is a folder of part files: one
    file for a name ending in ``.csv`` or ``.parquet``, a folder with ``parts`` or for any other name
    (then Parquet)."""
    suffix = Path(output.rstrip("/")).suffix.lower()
    if suffix == ".csv":
        return "csv", parts
    if suffix == ".parquet":
        return "parquet", parts
    if suffix in (".tsv", ".xlsx", ".jsonl", ".json", ".txt"):
        raise DataError(f"--engine spark writes {', '.join(OUTPUT_FORMATS)} files or a folder of Parquet parts; "
                        f"got {output} (use the default engine for {suffix})")
    return "parquet", True


def write_output(frame: DataFrame, output: str, *, parts: bool = False, source: str = "the input") -> tuple[str, bool]:
    """Write ``frame`` to ``output`` (see :func:`output_layout`); its format and whether it is a folder.

    One file is written by one Spark task and then renamed from Spark's temporary folder; an existing
    file of that name is replaced only then. Give it a frame of one partition in the order wanted
    (``repartition(1).sortWithinPartitions(...)``); any other frame is coalesced to one partition,
    which keeps its order but runs everything since the last shuffle in that one task. A folder is never replaced: an existing one is refused before the job starts.
    CSV: UTF-8 (no byte-order mark), a header row, fields with a comma, quote or line break in double
    quotes, an empty cell for a missing value.
    """
    kind, folder = output_layout(output, parts)
    fs = _FileSystem(frame.sparkSession, output)
    if folder and fs.exists(output):
        raise DataError(f"{output} already exists; Spark writes a new folder of part files: remove it or name "
                        "another output")
    if not folder and fs.is_dir(output):
        raise DataError(f"{output} is a folder; name a file ({', '.join(OUTPUT_FORMATS)}) or add --parts")
    temporary = fs.sibling(output, f".{fs.name(output)}.{secrets.token_hex(4)}{_TEMP_MARK}")
    writer = (frame if folder else frame.coalesce(1)).write.mode("errorifexists")
    if kind == "csv":
        writer = writer.option("header", True).option("quote", '"').option("escape", '"').option(
            "encoding", "UTF-8").option("emptyValue", "")
    try:
        with spark_errors(source):
            writer.format(kind).save(temporary)
        if folder:
            fs.rename(temporary, output)
        else:
            written = [p for p in fs.list(temporary) if fs.name(p).startswith("part-")]
            if len(written) != 1:
                raise RuntimeError(f"Spark wrote {len(written)} part files into {temporary}; expected one")
            fs.replace(written[0], output)
    finally:
        fs.delete(temporary)
    return kind, folder


class _FileSystem:
    """The few file operations a job's output needs: on this machine with :mod:`os` (atomic rename, no
    Hadoop ``.crc`` files beside the output), elsewhere (``hdfs://``, ``s3a://``, …) with Hadoop's
    FileSystem API through the session's JVM."""

    def __init__(self, spark: SparkSession, output: str) -> None:
        self.local = "://" not in output or output.startswith("file://")
        self._spark = spark

    def _path(self, path: str) -> Any:
        jvm = self._spark.sparkContext._jvm
        assert jvm is not None
        return jvm.org.apache.hadoop.fs.Path(path)

    def _fs(self, path: str) -> Any:
        return self._path(path).getFileSystem(self._spark.sparkContext._jsc.hadoopConfiguration())

    @staticmethod
    def _os(path: str) -> Path:
        return Path(path.removeprefix("file://"))

    def exists(self, path: str) -> bool:
        return self._os(path).exists() if self.local else bool(self._fs(path).exists(self._path(path)))

    def is_dir(self, path: str) -> bool:
        return self._os(path).is_dir() if self.local else bool(self._fs(path).isDirectory(self._path(path)))

    def name(self, path: str) -> str:
        return path.rstrip("/").rsplit("/", 1)[-1]

    def sibling(self, path: str, name: str) -> str:
        if self.local:
            target = self._os(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            return str(target.with_name(name))
        return path.rstrip("/").rsplit("/", 1)[0] + "/" + name

    def list(self, folder: str) -> list[str]:
        if self.local:
            return [str(p) for p in sorted(self._os(folder).iterdir())]
        return [str(s.getPath().toString()) for s in self._fs(folder).listStatus(self._path(folder))]

    def rename(self, source: str, target: str) -> None:
        if self.local:
            os.rename(self._os(source), self._os(target))
        elif not self._fs(source).rename(self._path(source), self._path(target)):
            raise OSError(f"could not rename {source} to {target}")

    def replace(self, source: str, target: str) -> None:
        if self.local:
            os.replace(self._os(source), self._os(target))
            return
        fs = self._fs(target)
        if fs.exists(self._path(target)):
            fs.delete(self._path(target), False)
        self.rename(source, target)

    def delete(self, path: str) -> None:
        if self.local:
            shutil.rmtree(self._os(path), ignore_errors=True)
            return
        with suppress(Exception):
            self._fs(path).delete(self._path(path), True)
