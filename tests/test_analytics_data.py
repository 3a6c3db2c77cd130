"""The generated analytics sample in data/analytics: what users, `cx demo` and the notebooks rely on."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from journeymap import load_journey

ROOT = Path(__file__).resolve().parents[1]
FOLDER = ROOT / "data" / "analytics"
SCRIPT = FOLDER / "generate.py"
DESIGNED = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"
FILES = ("events.csv", "survey.csv", "tickets.csv")
ISO_SECONDS = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"

# Transitions the lived journey adds to the designed one (README, "Lived versus designed").
UNDESIGNED = {("cong_thanh_toan", "xac_nhan_don"), ("theo_doi_don", "chat_cskh"), ("chat_cskh", "theo_doi_don")}


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(FOLDER / name, dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def designed():
    return load_journey(DESIGNED)


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    frame = _read("events.csv")
    frame["time"] = pd.to_datetime(frame["timestamp"], format="%Y-%m-%dT%H:%M:%S")
    return frame


@pytest.fixture(scope="module")
def survey() -> pd.DataFrame:
    return _read("survey.csv")


@pytest.fixture(scope="module")
def tickets() -> pd.DataFrame:
    return _read("tickets.csv")


def _pairs(events: pd.DataFrame) -> pd.Series:
    """Directly-follows pairs of the log, with how often each occurs."""
    following = events.groupby("case_id", sort=False)["touchpoint"].shift(-1)
    pairs = pd.DataFrame({"u": events["touchpoint"], "v": following}).dropna()
    return pairs.value_counts()


def test_files_have_the_documented_columns():
    assert _read("events.csv").columns.tolist() == ["case_id", "touchpoint", "stage", "timestamp"]
    assert _read("survey.csv").columns.tolist() == [
        "response_id",
        "case_id",
        "touchpoint",
        "answered_at",
        "nps",
        "csat",
        "ces",
    ]
    assert _read("tickets.csv").columns.tolist() == [
        "ticket_id",
        "case_id",
        "touchpoint",
        "opened_at",
        "resolved_at",
        "channel",
    ]
    for name in FILES:
        raw = (FOLDER / name).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw, name


def test_events_are_a_log_of_the_designed_touchpoints(events, designed):
    graph = designed.graph
    assert 4000 <= events["case_id"].nunique() <= 6000
    assert (FOLDER / "events.csv").stat().st_size < 3_000_000
    assert events["case_id"].str.fullmatch(r"C\d{4}").all()
    assert set(events["touchpoint"]) <= set(graph.nodes)
    assert (events["stage"] == events["touchpoint"].map(lambda t: graph.nodes[t]["stage"])).all()
    assert events["timestamp"].str.match(ISO_SECONDS).all()
    # Sorted by case, then time, with time strictly increasing within a case.
    assert events["case_id"].is_monotonic_increasing
    steps = events.groupby("case_id")["time"].diff().dropna()
    assert (steps > pd.Timedelta(0)).all()


def test_the_lived_journey_differs_from_the_designed_one_as_documented(events, designed):
    pairs = _pairs(events)
    observed = set(pairs.index)
    designed_edges = set(designed.graph.edges)
    assert observed - designed_edges == UNDESIGNED
    assert pairs[("theo_doi_don", "chat_cskh")] >= 50
    # A designed transition nobody takes.
    assert ("voucher_mua_lai", "trang_san_pham") in designed_edges
    assert ("voucher_mua_lai", "trang_san_pham") not in observed
    # Some customers skip search and land on the product page, which the design never starts at.
    first = events.groupby("case_id")["touchpoint"].first()
    assert set(first) == {"livestream", "tim_kiem_app", "trang_san_pham"}
    assert 0.15 <= (first == "trang_san_pham").mean() <= 0.25
    # More customers leave the cart than designed (0.34), and payments are retried more.
    cart = events["touchpoint"] == "gio_hang"
    ends_at_cart = events.groupby("case_id", sort=False)["touchpoint"].shift(-1)[cart].isna().mean()
    assert ends_at_cart > designed.graph.nodes["gio_hang"]["drop_off"] + 0.1
    payments = (events["touchpoint"] == "cong_thanh_toan").sum()
    assert pairs[("cong_thanh_toan", "cong_thanh_toan")] / payments > 0.15


def test_survey_answers_are_in_range_with_blanks(survey, events):
    assert survey["response_id"].is_unique and survey["response_id"].str.fullmatch(r"R\d{5}").all()
    assert set(survey["case_id"]) <= set(events["case_id"])
    assert survey["case_id"].is_unique
    assert 0.20 <= len(survey) / events["case_id"].nunique() <= 0.30
    assert survey["answered_at"].str.match(ISO_SECONDS).all()
    assert survey["answered_at"].is_monotonic_increasing
    for column, low, high in (("nps", 0, 10), ("csat", 1, 5), ("ces", 1, 7)):
        answered = survey.loc[survey[column] != "", column]
        assert answered.str.fullmatch(r"\d+").all(), column
        assert answered.astype(int).between(low, high).all(), column
        assert answered.astype(int).nunique() == high - low + 1, column
        assert 0 < (survey[column] == "").sum() < 0.2 * len(survey), column
    assert not ((survey["nps"] == "") & (survey["csat"] == "") & (survey["ces"] == "")).any()


def test_survey_rates_the_last_frontstage_step_before_after_sales(survey, events, designed):
    graph = designed.graph
    frontstage = events["touchpoint"].map(lambda t: graph.nodes[t].get("lane", "frontstage") == "frontstage")
    rateable = events[frontstage & (events["stage"] != "Hậu mãi")]
    last = rateable.groupby("case_id").tail(1).set_index("case_id")
    expected = survey["case_id"].map(last["touchpoint"])
    assert (survey["touchpoint"] == expected).all()
    assert (pd.to_datetime(survey["answered_at"]).to_numpy() > survey["case_id"].map(last["time"]).to_numpy()).all()


def test_survey_answers_follow_the_lived_experience(survey, events):
    scores = survey[["nps", "csat", "ces"]].replace("", None).astype(float)
    chatted = survey["case_id"].isin(events.loc[events["touchpoint"] == "chat_cskh", "case_id"])
    assert scores.loc[chatted, "nps"].mean() < scores.loc[~chatted, "nps"].mean() - 2
    assert scores.loc[chatted, "ces"].mean() < scores.loc[~chatted, "ces"].mean() - 1
    assert scores["nps"].corr(scores["csat"]) > 0.5
    by_step = scores.groupby(survey["touchpoint"])["ces"].mean()
    assert by_step["gio_hang"] < by_step["livestream"] - 2


def test_tickets_belong_to_the_cases_that_reached_support(tickets, events):
    assert tickets["ticket_id"].is_unique and tickets["ticket_id"].str.fullmatch(r"T\d{4}").all()
    support = events[events["touchpoint"].isin(["chat_cskh", "yeu_cau_tra"])]
    first_visit = support.groupby(["case_id", "touchpoint"])["timestamp"].min()
    assert len(tickets) == len(first_visit)
    opened = tickets.set_index(["case_id", "touchpoint"])["opened_at"]
    assert opened.sort_index().equals(first_visit.rename("opened_at"))
    assert set(tickets["channel"]) == {"app", "chat", "fanpage", "hotline"}
    assert (tickets.loc[tickets["touchpoint"] == "yeu_cau_tra", "channel"] == "app").all()


def test_ticket_times_are_plausible(tickets):
    resolved = tickets[tickets["resolved_at"] != ""]
    assert 0.03 <= 1 - len(resolved) / len(tickets) <= 0.15
    assert resolved["resolved_at"].str.match(ISO_SECONDS).all()
    opened_at = pd.to_datetime(resolved["opened_at"])
    resolved_at = pd.to_datetime(resolved["resolved_at"])
    hours = (resolved_at - opened_at).dt.total_seconds() / 3600
    assert (hours >= 0).all()
    assert hours.min() < 6 and hours.max() > 7 * 24
    # Clock hours and working hours must differ visibly: most tickets stay open over a night,
    # and some over a Sunday.
    assert (resolved_at.dt.date > opened_at.dt.date).mean() > 0.5
    spans_sunday = (resolved_at.dt.normalize() - opened_at.dt.normalize()).dt.days >= 7 - opened_at.dt.day_of_week
    assert spans_sunday.mean() > 0.2


def test_readme_shows_what_the_script_prints_for_these_files():
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    for name in FILES:
        digest = hashlib.sha256((FOLDER / name).read_bytes()).hexdigest()
        assert f"sha256 {name} {digest}" in readme, f"README.md lists an old checksum of {name}: regenerate and paste"
    cases = _read("events.csv")["case_id"].nunique()
    assert re.search(rf"{cases:,} cases, {len(_read('events.csv')):,} events", readme)


def test_regenerating_reproduces_the_files_byte_for_byte(tmp_path):
    designed_before = DESIGNED.read_bytes()
    run = subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(tmp_path)], capture_output=True, text=True, check=True
    )
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (FOLDER / name).read_bytes(), name
    assert DESIGNED.read_bytes() == designed_before
    readme = (FOLDER / "README.md").read_text(encoding="utf-8")
    assert run.stdout.strip() in readme


def test_another_seed_gives_other_data(tmp_path):
    subprocess.run(
        [sys.executable, str(SCRIPT), "--output", str(tmp_path), "--seed", "7"], check=True, capture_output=True
    )
    assert (tmp_path / "events.csv").read_bytes() != (FOLDER / "events.csv").read_bytes()
