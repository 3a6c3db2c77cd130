"""Spark gives the same results as the single-machine path: discovery (DuckDB), metrics (pandas) and
classification (one process), on the shared local[2] session of conftest.py's ``spark`` fixture."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from journeymap import DataError, Journey, load_journey
from journeymap.discover import discover_journey, discover_with_variants, path_variants

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "data" / "analytics" / "events.csv"
SAMPLE_JOURNEY = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"


def assert_same_journey(spark_journey: Journey, duck_journey: Journey) -> None:
    """Same touchpoints in the same order with the same counts and shares; same transitions in the same
    order with the same volumes and probabilities, hours within rounding."""
    assert list(spark_journey.graph.nodes(data=True)) == list(duck_journey.graph.nodes(data=True))
    assert spark_journey.stages == duck_journey.stages
    assert spark_journey.description == duck_journey.description
    ours = list(spark_journey.graph.edges(data=True))
    theirs = list(duck_journey.graph.edges(data=True))
    assert [(a, b) for a, b, _ in ours] == [(a, b) for a, b, _ in theirs]
    for (_, _, mine), (_, _, reference) in zip(ours, theirs):
        assert mine["volume"] == reference["volume"]
        assert mine["probability"] == pytest.approx(reference["probability"], rel=1e-12)
        for key in ("median_hours", "mean_hours"):
            assert math.isclose(mine[key], reference[key], abs_tol=1.5e-4), (key, mine, reference)


def test_bundled_log_same_journey_and_variants_on_both_engines(spark) -> None:
    options = {"stage_column": "stage", "goal": ["nhan_hang", "hoan_tien"], "min_touchpoint_share": 0.01}
    duck, duck_variants = discover_with_variants(EVENTS, top=8, **options)
    # a Spark DataFrame (engine chosen by the type); a path read by Spark: test_cli_discover_on_spark
    frame = spark.read.csv(str(EVENTS), header=True)
    on_spark, spark_variants = discover_with_variants(frame, top=8, **options)
    assert_same_journey(on_spark, duck)
    pd.testing.assert_frame_equal(spark_variants, duck_variants)


def generated_log(cases: int) -> pd.DataFrame:
    from journeymap.simulate import simulate_events

    return simulate_events(load_journey(SAMPLE_JOURNEY), cases=cases, seed=3)


def test_generated_log_with_offsets_ties_cohort_and_nfc(spark, tmp_path: Path) -> None:
    import unicodedata

    log = generated_log(3_000)
    # text with offsets (converted to UTC by both), touchpoint names typed in NFD for some events
    stamps = pd.to_datetime(log["timestamp"])
    log["timestamp"] = (stamps.dt.floor("h")).dt.strftime("%Y-%m-%dT%H:%M:%S+07:00")  # many ties in a case
    log["touchpoint"] = [unicodedata.normalize("NFD" if i % 3 else "NFC", f"Điểm {t}") for i, t in
                         enumerate(log["touchpoint"])]
    path = tmp_path / "log.parquet"
    log.to_parquet(path, index=False)
    options = {"goal": "Điểm nhan_hang", "start": "2026-01-08", "end": "2026-01-30T00:00:00+07:00"}
    duck = discover_journey(path, **options)
    assert_same_journey(discover_journey(str(path), engine="spark", **options), duck)
    assert path_variants(str(path), engine="spark", top=5).equals(path_variants(path, top=5))


@pytest.mark.slow
def test_million_event_log_same_journey(spark, tmp_path: Path) -> None:
    log = generated_log(120_000)
    assert len(log) >= 1_000_000
    path = tmp_path / "million.parquet"
    log.to_parquet(path, index=False)
    assert_same_journey(discover_journey(str(path), engine="spark", goal="nhan_hang"),
                        discover_journey(path, goal="nhan_hang"))


def test_parquet_with_nanosecond_timestamps_as_duckdb_reads_it(spark, tmp_path: Path) -> None:
    """pandas and DuckDB write datetime64[ns] as Parquet TIMESTAMP(NANOS), which Spark refuses to read
    (before: 'cannot be read by Spark: Illegal Parquet type'); now read as DuckDB reads it."""
    log = generated_log(300)
    log["timestamp"] = pd.to_datetime(log["timestamp"])
    assert str(log["timestamp"].dtype) == "datetime64[ns]"
    path = tmp_path / "nanos.parquet"
    log.to_parquet(path, index=False)
    assert_same_journey(discover_journey(str(path), engine="spark", goal="nhan_hang"),
                        discover_journey(path, goal="nhan_hang"))


def test_bad_events_are_listed_with_their_values(spark) -> None:
    frame = spark.createDataFrame(
        [("k1", "Giỏ hàng", "2026-01-05 08:00"), ("", "Thanh toán", "2026-01-05 08:10"),
         ("k2", "Giỏ hàng", "hôm qua"), ("k3", "Giỏ hàng", "2026-01-05T08:00:00+07:00")],
        "case_id string, touchpoint string, timestamp string",
    )
    with pytest.raises(DataError) as error:
        discover_journey(frame)
    message = str(error.value)
    assert "column 'case_id' is empty in 1 event" in message and "touchpoint='Thanh toán'" in message
    assert "1 value that is not a timestamp" in message and "'hôm qua'" in message
    assert "mixes times with a time-zone offset" in message
    with pytest.raises(DataError, match=r"has no columns? 'ts'.*its columns are: 'case_id', 'touchpoint'"):
        discover_journey(frame, timestamp_column="ts")


def test_engine_argument_is_checked(spark) -> None:
    frame = spark.createDataFrame([("k1", "a", "2026-01-05")], "case_id string, touchpoint string, timestamp string")
    with pytest.raises(ValueError, match="engine must be one of 'duckdb', 'spark'"):
        discover_journey(EVENTS, engine="polars")
    with pytest.raises(TypeError, match="engine='duckdb' cannot read a Spark DataFrame"):
        discover_journey(frame, engine="duckdb")
    with pytest.raises(DataError, match="cannot be read by Spark"):
        discover_journey("no_such_table_here", engine="spark")


# -- metrics ------------------------------------------------------------------------------------------


def test_survey_metrics_and_ttr_by_touchpoint_and_stage_equal_the_pandas_path(spark) -> None:
    from journeymap.metrics import survey_metrics

    journey = load_journey(SAMPLE_JOURNEY)
    survey = pd.read_csv(ROOT / "data" / "analytics" / "survey.csv", dtype=str, keep_default_na=False)
    tickets = pd.read_csv(ROOT / "data" / "analytics" / "tickets.csv", dtype=str, keep_default_na=False)
    for table, by in ((survey, "touchpoint"), (survey, "stage"), (tickets, "touchpoint"), (tickets, None)):
        expected = survey_metrics(table, by=by, journey=journey)
        got = survey_metrics(spark.createDataFrame(table), by=by, journey=journey)
        pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
        assert got.attrs["skipped"] == expected.attrs["skipped"]


def test_survey_metrics_invalid_answers_on_spark(spark) -> None:
    from journeymap.metrics import InvalidValuesError, survey_metrics

    answers = pd.DataFrame({"touchpoint": ["a", "a", "b", "b"], "nps": ["10", "11", "", "7"],
                            "csat": ["5", "4", "x", "3"]})
    frame = spark.createDataFrame(answers)
    with pytest.raises(InvalidValuesError) as error:
        survey_metrics(frame, by="touchpoint")
    assert "column 'nps': 1 invalid value (allowed: whole numbers 0–10, or blank): '11'" in str(error.value)
    assert "column 'csat': 1 invalid value" in str(error.value)
    expected = survey_metrics(answers, by="touchpoint", skip_invalid=True)
    got = survey_metrics(frame, by="touchpoint", skip_invalid=True)
    pd.testing.assert_frame_equal(got, expected, check_exact=False, rtol=1e-9)
    assert got.attrs["skipped"] == {"nps": 1, "csat": 1}


# -- classification -----------------------------------------------------------------------------------


def test_classify_column_equals_the_single_process_path(spark) -> None:
    from nlp import classify_feedback
    from nlp.spark import classify_column

    comments = pd.read_csv(ROOT / "data" / "analytics" / "comments.csv", dtype=str, keep_default_na=False)
    texts: list[object] = comments["text"].tolist()[:300]
    texts[3], texts[10], texts[20] = "", None, "   "  # empty cells kept and marked
    frame = spark.createDataFrame(pd.DataFrame({"id": range(len(texts)), "text": texts}), "id long, text string")
    got = classify_column(frame.repartition(3), "text").toPandas().sort_values("id").reset_index(drop=True)
    expected = classify_feedback(texts)
    assert got["id"].tolist() == list(range(len(texts)))
    assert pd.isna(got.loc[10, "text"])
    assert got["text"].drop(index=10).tolist() == texts[:10] + texts[11:]  # every row, Vietnamese text intact
    pd.testing.assert_frame_equal(got[list(expected.columns)], expected, check_dtype=False)
    assert got.loc[[3, 10, 20], "text_status"].tolist() == ["empty", "empty", "empty"]
    # not text: numbers in a column are marked as classify_feedback marks them
    numbers = spark.createDataFrame([(1, 5), (2, 7)], "id long, text long")
    assert classify_column(numbers, "text").toPandas()["text_status"].tolist() == \
        classify_feedback([5, 7])["text_status"].tolist()


def test_classify_column_loads_the_model_once_per_worker(spark) -> None:
    from nlp.spark import classify_column

    frame = spark.createDataFrame([(i, f"giao hàng chậm quá lần {i}") for i in range(400)], "id long, text string")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "20")  # 20 batches
    try:
        classified = classify_column(frame.coalesce(1), "text")

        def loads(rows):  # the loads counted in the Python worker that ran the batches
            import nlp.spark

            yield pd.DataFrame({"loads": [nlp.spark.LOADS]})

        assert classified.count() == 400
        counted = classified.mapInPandas(loads, "loads long").collect()
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")
    assert [r["loads"] for r in counted] == [1]


def test_classify_column_refuses_clashing_and_missing_columns(spark) -> None:
    from nlp.spark import classify_column

    frame = spark.createDataFrame([("a", "tốt")], "sentiment string, text string")
    with pytest.raises(DataError, match="already has the column.*'sentiment'"):
        classify_column(frame, "text")
    with pytest.raises(DataError, match="no column 'comment'; its columns are: 'sentiment', 'text'"):
        classify_column(frame, "comment")


# -- the command line (cx discover --engine spark, cx classify --engine spark) -------------------------


def cx(*args: object) -> Any:
    from typer.testing import CliRunner

    from journeymap.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_discover_on_spark_writes_the_duckdb_journey(spark, tmp_path: Path) -> None:
    options = ("--stage-column", "stage", "--goal", "nhan_hang", "--goal", "hoan_tien")
    duck = cx("discover", EVENTS, "-o", tmp_path / "duckdb.yaml", *options, "--variants", 4)
    on_spark = cx("discover", EVENTS, "-o", tmp_path / "spark.yaml", *options, "--variants", 4, "--engine", "spark")
    assert duck.exit_code == 0 and on_spark.exit_code == 0, on_spark.output
    assert (tmp_path / "spark.yaml").read_text(encoding="utf-8") == (tmp_path / "duckdb.yaml").read_text(encoding="utf-8")
    assert on_spark.stdout.replace("spark.yaml", "duckdb.yaml") == duck.stdout  # same summary, same top paths
    # a table name of the session's catalog
    spark.read.csv(str(EVENTS), header=True).createOrReplaceTempView("cx_test_events")
    try:
        by_name = cx("discover", "cx_test_events", "-o", tmp_path / "table.yaml", *options, "--variants", 0,
                     "--engine", "spark")
    finally:
        spark.catalog.dropTempView("cx_test_events")
    assert by_name.exit_code == 0, by_name.output
    assert (tmp_path / "table.yaml").read_text(encoding="utf-8") == (tmp_path / "duckdb.yaml").read_text(encoding="utf-8")


def test_spark_csv_rows_are_checked_like_duckdb(spark, tmp_path: Path) -> None:
    """A ragged row stops the Spark path with a DataError naming the file (before: a Java stack trace);
    a value that is not a timestamp is listed as the DuckDB path lists it."""
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("case_id,touchpoint,timestamp\nk1,Giỏ hàng,2026-01-05 08:00\n"
                      "k1,Thanh toán,2026-01-05 08:10,thừa\nk2,Giỏ hàng,2026-01-05 09:00\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"ragged.csv cannot be read: a row does not have as many columns as the "
                                        r"header.*Thanh toán.*same number of columns on every line"):
        discover_journey(str(ragged), engine="spark")
    with pytest.raises(DataError, match="Expected Number of Columns: 3 Found: 4"):  # DuckDB's words, same refusal
        discover_journey(ragged)
    late = tmp_path / "late.csv"
    late.write_text("case_id,touchpoint,timestamp\nk1,Giỏ hàng,2026-01-05 08:00\nk1,Thanh toán,hôm qua\n",
                    encoding="utf-8")
    result = cx("discover", late, "-o", tmp_path / "j.yaml", "--engine", "spark")
    assert result.exit_code == 1 and "1 value that is not a timestamp" in result.output
    assert "'hôm qua'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "j.yaml").exists()


def comment_table(tmp_path: Path) -> Path:
    """Real comments with an empty one, one holding a line break and a quote, and a 'causes' column the
    classifier also adds (kept, the model's written as causes_cx)."""
    comments = pd.read_csv(ROOT / "data" / "analytics" / "comments.csv", dtype=str, keep_default_na=False)
    table = comments[["id", "text", "causes"]].head(150).copy()
    table.loc[5, "text"] = ""
    table.loc[9, "text"] = 'Giao hàng chậm,\n"shop" trả lời cộc lốc'
    table.loc[12, "text"] = "=HYPERLINK(1) shop lừa đảo"
    path = tmp_path / "góp ý.csv"
    table.to_csv(path, index=False)
    return path


def test_cli_classify_on_spark_writes_what_the_local_engine_writes(spark, tmp_path: Path) -> None:
    source = comment_table(tmp_path)
    options = ("-t", "text", "--names", "vi", "--excel-safe")
    local = cx("classify", source, *options, "-o", tmp_path / "local.csv")
    assert local.exit_code == 0, local.output
    on_spark = cx("classify", source, *options, "-o", tmp_path / "spark.csv", "--engine", "spark")
    assert on_spark.exit_code == 0, on_spark.output
    assert on_spark.stdout.replace("spark.csv", "local.csv") == local.stdout  # rows, empty ones, the renamed column
    expected = pd.read_csv(tmp_path / "local.csv", dtype=str, keep_default_na=False)
    got = pd.read_csv(tmp_path / "spark.csv", dtype=str, keep_default_na=False)
    from nlp.headers import classified_header  # the model's columns in Vietnamese, as the local engine heads them

    assert list(got.columns) == list(expected.columns)
    assert {classified_header("causes_cx"), classified_header("sentiment_vi")} <= set(got.columns)
    assert got.loc[12, "text"] == "'=HYPERLINK(1) shop lừa đảo"
    numbers = [c for c in expected.columns
               if c.startswith(classified_header("p_x")[:-1]) or c == classified_header("sentiment_confidence")]
    text = [c for c in expected.columns if c not in numbers]
    pd.testing.assert_frame_equal(got[text], expected[text])  # same rows in the same order, Vietnamese intact
    pd.testing.assert_frame_equal(got[numbers].replace("", None).astype(float),
                                  expected[numbers].replace("", None).astype(float))
    # --parts: a folder of Parquet part files, the way Spark jobs write
    folder = tmp_path / "parts.parquet"
    parts = cx("classify", source, "-t", "text", "-o", folder, "--parts", "--engine", "spark")
    assert parts.exit_code == 0, parts.output
    assert (folder / "_SUCCESS").exists() and len(list(folder.glob("part-*.parquet"))) >= 1
    read = pd.read_parquet(folder).sort_values("id").reset_index(drop=True)
    sentiment = classified_header("sentiment")  # Parquet keeps the Vietnamese header too
    assert read[sentiment].tolist() == expected.sort_values("id")[sentiment].tolist()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["góp ý.csv", "local.csv", "parts.parquet", "spark.csv"]
    refused = cx("classify", source, "-t", "text", "-o", folder, "--engine", "spark", "--parts")
    assert refused.exit_code == 1 and "parts.parquet already exists; Spark writes a new folder" in refused.output
    refused = cx("classify", source, "-t", "text", "-o", folder, "--engine", "spark")  # one file: not over a folder
    assert refused.exit_code == 1 and "parts.parquet is a folder" in refused.output


def test_cli_classify_on_spark_failures_leave_no_output(spark, tmp_path: Path) -> None:
    """A job that fails half-way (a ragged row) leaves nothing named like the output, and an older output
    untouched; a missing text column is named with the file's columns."""
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("id,text\n1,tốt\n2,giao chậm,thừa\n3,ổn\n", encoding="utf-8")
    (tmp_path / "out.csv").write_text("older output\n", encoding="utf-8")
    failed = cx("classify", ragged, "-t", "text", "-o", tmp_path / "out.csv", "--engine", "spark")
    assert failed.exit_code == 1 and "ragged.csv cannot be read: a row does not have as many columns" in failed.output
    assert "Traceback" not in failed.output
    assert (tmp_path / "out.csv").read_text(encoding="utf-8") == "older output\n"
    failed = cx("classify", ragged, "-t", "text", "-o", tmp_path / "folder", "--engine", "spark")
    assert failed.exit_code == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "ragged.csv"]  # no temporary sibling either
    missing = cx("classify", ragged, "-t", "comment", "-o", tmp_path / "x.csv", "--engine", "spark")
    assert missing.exit_code == 1
    assert "ragged.csv has no column 'comment'; its columns are: 'id', 'text'" in missing.output


def test_progress_reports_sparks_stage_and_task_counts(spark) -> None:
    import io
    import time

    from journeymap._sparkjob import progress

    def slow(batches):
        for batch in batches:
            time.sleep(0.4)
            yield batch

    stream = io.StringIO()
    with progress(spark, stream=stream, every=0.05):
        spark.range(4, numPartitions=2).mapInPandas(slow, "id long").collect()
    assert re.search(r"spark: stage \d+: \d/2 tasks", stream.getvalue()), stream.getvalue()


def test_spark_engine_refuses_early_without_pyspark_java_or_master(tmp_path: Path) -> None:
    """Each refusal is one line saying what to install or which masters are allowed; no JVM is started."""
    pytest.importorskip("pyspark")
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"""
import os, sys
from typer.testing import CliRunner
from journeymap.cli import app
run = lambda *a: CliRunner().invoke(app, ["classify", {str(EVENTS)!r}, "-t", "touchpoint", "-o", "x.csv", *a])
print(run("--engine", "spark", "--master", "spark://127.0.0.1:{port}").output)
print(run("--master", "local[2]").output)
os.environ["PATH"] = os.path.dirname(sys.executable); os.environ.pop("JAVA_HOME", None)
print(run("--engine", "spark").output)
sys.modules["pyspark"] = sys.modules["pyspark.sql"] = None
print(run("--engine", "spark").output)
"""
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120).stdout
    assert f"the Spark master at --master spark://127.0.0.1:{port} cannot be reached" in out
    assert "--master is for --engine spark" in out
    assert "needs a Java runtime (17 or 21), and none was found" in out and "openjdk-17-jre-headless" in out
    assert "needs pyspark, which is not installed: pip install 'cx-vn[spark]'" in out
    assert "Traceback" not in out and not (tmp_path / "x.csv").exists()
