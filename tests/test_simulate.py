"""The event-log simulator walks the journey's Markov chain, reproducibly and with sensible times."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from journeymap import Journey, load_journey, sample_journey_paths
from journeymap.markov import transition_probabilities
from journeymap.simulate import CHANNEL_MEDIAN_HOURS, simulate_events


def retry_journey() -> Journey:
    j = Journey("Mở tài khoản", stages=["Đăng ký", "Sử dụng"])
    j.add_touchpoint("tai_app", name="Tải ứng dụng", stage="Đăng ký", channel="app", drop_off=0.2)
    j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", channel="app", drop_off=0.3)
    j.add_touchpoint("duyet", name="Duyệt hồ sơ", stage="Đăng ký", channel="internal")
    j.add_touchpoint("chuyen_khoan", name="Chuyển khoản đầu tiên", stage="Sử dụng", goal=True, drop_off=0.5)
    j.add_transition("tai_app", "ekyc", median_hours=2)
    j.add_transition("ekyc", "ekyc", volume=1, median_hours=0.5, mean_hours=1)
    j.add_transition("ekyc", "duyet", volume=3)
    j.add_transition("duyet", "chuyen_khoan", median_hours=0)
    j.add_transition("chuyen_khoan", "tai_app", median_hours=100)
    return j


def ecommerce() -> Journey:
    return load_journey(next(p for p in sample_journey_paths() if p.name == "mua_hang_va_doi_tra.yaml"))


def test_same_seed_same_frame_other_seed_other_frame():
    a = simulate_events(ecommerce(), cases=2000, seed=3)
    pd.testing.assert_frame_equal(a, simulate_events(ecommerce(), cases=2000, seed=3))
    assert not a.equals(simulate_events(ecommerce(), cases=2000, seed=4))


def test_columns_dtypes_and_case_ids():
    log = simulate_events(retry_journey(), cases=1000, seed=0)
    assert log.columns.tolist() == ["case_id", "touchpoint", "stage", "timestamp"]
    assert log["timestamp"].dtype == "datetime64[ns]"
    for column in ("case_id", "touchpoint", "stage"):
        assert pd.api.types.is_string_dtype(log[column])
    assert log["case_id"].iloc[0] == "C0001" and log["case_id"].iloc[-1] == "C1000"
    assert log["case_id"].is_monotonic_increasing
    assert set(log["touchpoint"]) <= set(retry_journey().graph.nodes)
    stage_of = {"tai_app": "Đăng ký", "ekyc": "Đăng ký", "duyet": "Đăng ký", "chuyen_khoan": "Sử dụng"}
    assert (log["stage"] == log["touchpoint"].map(stage_of)).all()
    assert isinstance(log.index, pd.RangeIndex)
    assert simulate_events(retry_journey(), cases=9, seed=0)["case_id"].iloc[0] == "C1"


def test_stop_at_goals_every_case_ends_at_a_goal_a_drop_or_max_steps():
    j = retry_journey()
    _, drop = transition_probabilities(j, absorb_goals=True)
    log = simulate_events(j, cases=3000, seed=1, stop_at_goals=True, max_steps=4)
    per_case = log.groupby("case_id")["touchpoint"].agg(["last", "size"])
    goal = per_case["last"] == "chuyen_khoan"
    dropped = per_case["last"].map(drop) > 0
    cut = per_case["size"] == 4
    assert (goal | dropped | cut).all()
    assert goal.any() and cut.any() and (dropped & ~cut).any()
    assert per_case["size"].max() == 4
    # The goal absorbs: it is never followed by anything.
    assert not (log["touchpoint"].eq("chuyen_khoan") & log["case_id"].eq(log["case_id"].shift(-1))).any()


def test_by_default_customers_carry_on_after_a_goal():
    log = simulate_events(ecommerce(), cases=5000, seed=2)
    after_goal = log.groupby("case_id")["touchpoint"].agg(lambda s: "nhan_hang" in s.values[:-1])
    assert after_goal.any()
    assert (log["touchpoint"] == "hoan_tien").any()  # the second goal, reached only after the first


def test_empirical_transition_shares_match_the_chain():
    j = ecommerce()
    P, drop = transition_probabilities(j, absorb_goals=False)
    log = simulate_events(j, cases=60_000, seed=5)
    same_case = log["case_id"].eq(log["case_id"].shift(-1))
    pairs = pd.DataFrame({"u": log["touchpoint"], "v": log["touchpoint"].shift(-1).where(same_case)})
    visits = pairs["u"].value_counts()
    counts = pairs.dropna().value_counts(["u", "v"])
    checked = 0
    for (u, v), p in P.items():
        n = visits.get(u, 0)
        if n < 500:
            continue
        share = counts.get((u, v), 0) / n
        assert abs(share - p) < 4 * math.sqrt(p * (1 - p) / n) + 1e-9, (u, v, share, p)
        checked += 1
    assert checked >= 15
    ended = pairs[pairs["v"].isna()]["u"].value_counts()
    for u in ("livestream", "gio_hang", "chat_cskh"):
        assert abs(ended.get(u, 0) / visits[u] - drop[u]) < 4 * math.sqrt(drop[u] * (1 - drop[u]) / visits[u])


def test_start_follows_the_start_distribution():
    j = retry_journey()
    j.graph.nodes["tai_app"]["starts"] = 3
    j.graph.nodes["ekyc"]["starts"] = 1
    first = simulate_events(j, cases=20_000, seed=0).groupby("case_id")["touchpoint"].first()
    assert (first == "ekyc").mean() == pytest.approx(0.25, abs=4 * math.sqrt(0.25 * 0.75 / 20_000))


def test_timestamps_increase_within_a_case_and_cases_start_within_the_period():
    log = simulate_events(retry_journey(), cases=5000, seed=0, start="2026-03-01 09:30", period_days=7)
    same_case = log["case_id"].eq(log["case_id"].shift())
    gaps = log["timestamp"].diff()[same_case]
    assert (gaps >= pd.Timedelta(seconds=1)).all()  # even after a 0-hour transition
    starts = log.groupby("case_id")["timestamp"].first()
    assert starts.min() >= pd.Timestamp("2026-03-01 09:30") and starts.max() < pd.Timestamp("2026-03-08 09:30")
    assert (log["timestamp"] == log["timestamp"].dt.floor("s")).all()


def test_gap_times_follow_median_mean_and_channel_defaults():
    log = simulate_events(retry_journey(), cases=20_000, seed=0)
    same_case = log["case_id"].eq(log["case_id"].shift())
    hours = (log["timestamp"].diff().dt.total_seconds() / 3600)[same_case]
    step = (log["touchpoint"].shift() + ">" + log["touchpoint"])[same_case]
    assert hours[step == "tai_app>ekyc"].median() == pytest.approx(2, rel=0.05)
    # Median 0.5 h and mean 1 h: the spread is fitted so the simulated mean is the mean.
    retries = hours[step == "ekyc>ekyc"]
    assert retries.median() == pytest.approx(0.5, rel=0.06)
    assert retries.mean() == pytest.approx(1.0, rel=0.1)
    # No time on the transition: the default for the reached touchpoint's channel (internal).
    assert hours[step == "ekyc>duyet"].median() == pytest.approx(CHANNEL_MEDIAN_HOURS["internal"], rel=0.05)


@pytest.mark.parametrize(
    ("kwargs", "parameter"),
    [
        ({"cases": 0}, "cases"),
        ({"cases": -5}, "cases"),
        ({"cases": 2.5}, "cases"),
        ({"cases": True}, "cases"),
        ({"cases": 10, "max_steps": 0}, "max_steps"),
        ({"cases": 10, "seed": -1}, "seed"),
        ({"cases": 10, "period_days": -1}, "period_days"),
        ({"cases": 10, "period_days": math.inf}, "period_days"),
        ({"cases": 10, "start": "không phải ngày"}, "start"),
        ({"cases": 10, "start": "2026-01-05 08:00+07:00"}, "start"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, parameter):
    with pytest.raises(ValueError, match=rf"^{parameter} must be .*; got"):
        simulate_events(retry_journey(), **kwargs)


def test_every_sample_journey_simulates():
    for path in sample_journey_paths():
        log = simulate_events(load_journey(path), cases=200, seed=0)
        assert log["case_id"].nunique() == 200
        assert np.all(log.groupby("case_id")["timestamp"].diff().dropna() > pd.Timedelta(0))
