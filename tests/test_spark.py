"""Spark gives the same results as the single-machine path: discovery (DuckDB), metrics (pandas) and
classification (one process), on the shared local[2] session of conftest.py's ``spark`` fixture."""

from __future__ import annotations

import math
from pathlib import Path

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
    # a path read by Spark, and a Spark DataFrame (engine chosen by the type)
    on_spark, spark_variants = discover_with_variants(EVENTS, top=8, engine="spark", **options)
    assert_same_journey(on_spark, duck)
    pd.testing.assert_frame_equal(spark_variants, duck_variants)
    frame = spark.read.csv(str(EVENTS), header=True)
    assert_same_journey(discover_journey(frame, **options), duck)


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
