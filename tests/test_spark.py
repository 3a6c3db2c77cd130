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
