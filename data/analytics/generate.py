"""Generate the synthetic analytics sample for the e-commerce journey: events, survey answers, tickets.

Run from the repository root::

    python data/analytics/generate.py                 # writes next to this script
    python data/analytics/generate.py --output DIR --seed 2026

Everything is synthetic. The designed journey ``data/journeys/mua_hang_va_doi_tra.yaml`` is read,
never written. The customers do not walk it as designed: :func:`build_lived_journey` makes a
modified copy, the *lived* journey, and :func:`journeymap.simulate.simulate_events` walks that copy.
The changes (the README's table "Lived versus designed" lists the same, with the story):

1. Starts: 55% ``livestream``, 25% ``tim_kiem_app``, 20% straight at ``trang_san_pham`` (links shared
   on Zalo/Facebook skip search); designed: the two entry touchpoints, half each.
2. ``gio_hang`` drop-off 0.34 → 0.52 (the freeship minimum makes customers leave the cart).
3. ``cong_thanh_toan`` drop-off 0.05 → 0.08, retry self-loop volume 400 → 1,300 (failed payments).
4. New ``cong_thanh_toan → xac_nhan_don`` (volume 600): after a failed payment, switch to COD.
5. New ``theo_doi_don → chat_cskh`` (850) and ``chat_cskh → theo_doi_don`` (150): late orders.
6. ``kiem_duyet_tra → chat_cskh`` 0.19 → 0.30, ``→ lay_hang_hoan`` 0.81 → 0.70: lapsed shop reviews.
7. ``voucher_mua_lai → trang_san_pham`` removed: nobody takes it (notifications muted).
8. Times: every transition gets its median and spread from :data:`LIVED_HOURS`, not from the
   designed file (so the output does not move when the file's times are edited). The medians are
   the designed ones except: warehouse → tracking 24 → 30 h with a long tail, return review 40 → 46 h,
   review → complaint 2 → 8 h, payment retry 0.05 → 0.08 h, and the new transitions.

The survey answers and ticket times are then derived from each simulated case's path, by the rules
in :func:`make_survey` and :func:`make_tickets`, so the data can be analysed end to end: log →
discovered journey → conversion → metrics → feedback → pain ranking.

Reproducible byte for byte: the same seed and the same ``journeymap`` give identical files. Random
draws come only from ``numpy.random.default_rng``: the simulator's own generator is seeded with
``seed``; the three post-processing steps each get their own stream, ``default_rng([seed, k])``
(k = 1 start hours, 2 survey, 3 tickets), so changing one step leaves the others' draws alone.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from journeymap import Journey, load_journey
from journeymap.markov import conversion
from journeymap.simulate import simulate_events

HERE = Path(__file__).resolve().parent
DESIGNED_PATH = HERE.parent / "journeys" / "mua_hang_va_doi_tra.yaml"

CASES = 6000
DEFAULT_SEED = 2026
START = "2026-01-05 00:00"
PERIOD_DAYS = 28
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"
FLOAT_FORMAT = "%.4f"

EVENT_COLUMNS = ["case_id", "touchpoint", "stage", "timestamp"]
SURVEY_COLUMNS = ["response_id", "case_id", "touchpoint", "answered_at", "nps", "csat", "ces"]
TICKET_COLUMNS = ["ticket_id", "case_id", "touchpoint", "opened_at", "resolved_at", "channel"]

LIVED_STARTS = {"livestream": 3300, "tim_kiem_app": 1500, "trang_san_pham": 1200}
LIVED_DROP_OFF = {"gio_hang": 0.52, "cong_thanh_toan": 0.08}
LIVED_VOLUMES = {
    ("cong_thanh_toan", "cong_thanh_toan"): 1300,
    ("cong_thanh_toan", "xac_nhan_don"): 600,
    ("theo_doi_don", "chat_cskh"): 850,
    ("chat_cskh", "theo_doi_don"): 150,
}
LIVED_PROBABILITIES = {("kiem_duyet_tra", "lay_hang_hoan"): 0.70, ("kiem_duyet_tra", "chat_cskh"): 0.30}
LIVED_REMOVED = [("voucher_mua_lai", "trang_san_pham")]

LIVED_HOURS: dict[tuple[str, str], tuple[float, float]] = {
    # (median hours, σ of the log). The designed file's medians, except where marked "lived";
    # σ 0.75 (the simulator's default) unless the step has a long tail.
    ("livestream", "trang_san_pham"): (0.05, 0.75),
    ("tim_kiem_app", "trang_san_pham"): (0.03, 0.75),
    ("trang_san_pham", "gio_hang"): (0.1, 0.9),
    ("gio_hang", "xac_nhan_don"): (0.2, 0.9),
    ("xac_nhan_don", "cong_thanh_toan"): (0.03, 0.6),
    ("xac_nhan_don", "he_thong_don"): (0.01, 0.6),
    ("cong_thanh_toan", "cong_thanh_toan"): (0.08, 0.75),  # lived: 0.05 designed; the bank-app round-trip
    ("cong_thanh_toan", "he_thong_don"): (0.01, 0.6),
    ("cong_thanh_toan", "gio_hang"): (0.1, 0.75),
    ("cong_thanh_toan", "xac_nhan_don"): (0.05, 0.75),  # lived: not designed
    ("he_thong_don", "kho_dong_goi"): (6.0, 0.8),
    ("kho_dong_goi", "theo_doi_don"): (30.0, 0.9),  # lived: 24 designed; shops pack late, long tail
    ("theo_doi_don", "shipper_goi"): (30.0, 0.8),
    ("theo_doi_don", "chat_cskh"): (54.0, 0.6),  # lived: not designed; customers wait 2 days, then ask
    ("shipper_goi", "shipper_goi"): (24.0, 0.75),
    ("shipper_goi", "nhan_hang"): (1.0, 0.75),
    ("nhan_hang", "danh_gia"): (30.0, 1.0),
    ("nhan_hang", "yeu_cau_tra"): (20.0, 0.8),
    ("yeu_cau_tra", "kiem_duyet_tra"): (46.0, 0.5),  # lived: 40 designed; shops run to the 48 h limit
    ("kiem_duyet_tra", "lay_hang_hoan"): (12.0, 0.75),
    ("kiem_duyet_tra", "chat_cskh"): (8.0, 0.75),  # lived: 2 designed
    ("chat_cskh", "chat_cskh"): (20.0, 0.9),
    ("chat_cskh", "yeu_cau_tra"): (30.0, 0.75),
    ("chat_cskh", "theo_doi_don"): (8.0, 0.75),  # lived: not designed
    ("lay_hang_hoan", "kho_hang_hoan"): (60.0, 0.6),
    ("kho_hang_hoan", "hoan_tien"): (96.0, 0.7),
    ("hoan_tien", "danh_gia"): (24.0, 1.0),
    ("danh_gia", "voucher_mua_lai"): (72.0, 0.5),
}
"""Lived time between two steps: median hours and spread, for every lived transition."""

START_HOUR_WEIGHTS = [
    1.5, 0.8, 0.4, 0.3, 0.3, 0.5, 1.2, 2.5, 3.5, 4.0, 4.0, 4.5,
    6.0, 5.5, 4.0, 3.5, 3.5, 4.0, 5.0, 7.0, 9.0, 10.0, 8.5, 4.0,
]  # fmt: skip
"""Relative share of journeys starting in each hour of the day: lunch break and the evening livestreams."""

SURVEY_RATE_BROWSED = 0.22
SURVEY_RATE_ORDERED = 0.45
SURVEY_DELAY_HOURS = (3.0, 1.0)
SURVEY_BLANK = {"nps": 0.03, "csat": 0.06, "ces": 0.12}
AFTER_SALES_STAGE = "Hậu mãi"
SLOW_FACTOR = 3

TICKET_TOUCHPOINTS = ("yeu_cau_tra", "chat_cskh")
CHAT_CHANNELS = {"chat": 0.80, "fanpage": 0.12, "hotline": 0.08}
CHAT_RESOLUTION_HOURS = (20.0, 1.0)
RETURN_CLOSE_HOURS = (48.0, 0.8)
UNRESOLVED_IF_GAVE_UP = 0.30
UNRESOLVED_OTHERWISE = 0.03
STAFFED_DAYS = 6
STAFFED_HOURS = (8, 21)


def build_lived_journey(designed: Journey) -> Journey:
    """A modified copy of the designed journey: how customers really walk it (changes 1–8 above)."""
    lived = Journey.from_dict(designed.to_dict())
    graph = lived.graph
    graph.graph["journey"] = f"{designed.title} (thực tế)"
    for touchpoint, starts in LIVED_STARTS.items():
        graph.nodes[touchpoint]["starts"] = starts
    for touchpoint, drop_off in LIVED_DROP_OFF.items():
        graph.nodes[touchpoint]["drop_off"] = drop_off
    graph.remove_edges_from(LIVED_REMOVED)
    for (u, v), volume in LIVED_VOLUMES.items():
        lived.add_transition(u, v, volume=volume)
    for (u, v), probability in LIVED_PROBABILITIES.items():
        graph.edges[u, v]["probability"] = probability
    missing = sorted(set(graph.edges) - set(LIVED_HOURS))
    extra = sorted(set(LIVED_HOURS) - set(graph.edges))
    if missing or extra:
        raise ValueError(
            f"LIVED_HOURS must list exactly the lived transitions; missing {missing}, not in the journey {extra}"
        )
    for (u, v), (median, sigma) in LIVED_HOURS.items():
        # The simulator reads the spread back from mean/median of a lognormal: σ = √(2 ln(mean/median)).
        graph.edges[u, v]["median_hours"] = median
        graph.edges[u, v]["mean_hours"] = median * math.exp(sigma**2 / 2)
    return lived.validate()


def simulate_lived_events(lived: Journey, *, seed: int) -> pd.DataFrame:
    """The event log: the simulator's walks, each case moved to a realistic hour of its start day.

    The simulator spreads starts uniformly over the clock; real shoppers start at lunch and in the
    evening (:data:`START_HOUR_WEIGHTS`). Every event of a case is shifted by the same amount, so the
    gaps between steps stay as simulated.
    """
    events = simulate_events(lived, cases=CASES, seed=seed, start=START, period_days=PERIOD_DAYS)
    rng = np.random.default_rng([seed, 1])
    starts = events.groupby("case_id", sort=False)["timestamp"].first()
    weights = np.array(START_HOUR_WEIGHTS) / sum(START_HOUR_WEIGHTS)
    hour = rng.choice(24, size=len(starts), p=weights)
    second = rng.integers(0, 3600, size=len(starts))
    new_starts = starts.dt.normalize() + pd.to_timedelta(hour * 3600 + second, unit="s")
    shift = (new_starts - starts).reindex(events["case_id"]).to_numpy()
    events["timestamp"] = events["timestamp"] + shift
    return events.sort_values(["case_id", "timestamp"], kind="stable").reset_index(drop=True)[EVENT_COLUMNS]


def make_survey(events: pd.DataFrame, designed: Journey, *, seed: int) -> pd.DataFrame:
    """Post-journey survey answers for about a quarter of the cases.

    Who answers: 22% of the customers who left before placing an order (never reached
    ``xac_nhan_don``), 45% of those who ordered.

    The rated step: the last frontstage touchpoint the customer reached outside the after-sales
    stage (reviews and vouchers come after the survey); ``answered_at`` is the last visit to it plus a
    lognormal delay (median 3 h). The path up to that visit sets the answers:

    * loops: visits to a touchpoint already visited (payment retries, repeated calls, chats);
    * slow steps: gaps longer than 3 × the lived median of their transition;
    * went through ``chat_cskh``; returned (``yeu_cau_tra``); refunded (``hoan_tien``);
      left after ordering without receiving (reached ``xac_nhan_don``, not ``nhan_hang``);
      left before ordering.

    CES (1–7) = designed ``ces`` of the rated touchpoint − 0.7 × min(loops, 3) − 0.5 × min(slow, 3)
    − 0.5 × chat + N(0, 0.9). NPS (0–10) = 8.4 + 0.4 × (CES − 4) − 2.0 × left after ordering
    − 1.0 × left before ordering − 0.8 × chat − 0.4 × min(loops, 3) − 0.4 × min(slow, 3)
    − 0.8 × returned + 1.0 × refunded + N(0, 1.6). CSAT (1–5) = 0.42 × NPS + 0.9 + N(0, 0.6), so it
    moves with NPS. NPS uses the unrounded CES, CSAT the unrounded NPS; all three are then rounded
    and clipped to their ranges.
    Each question is left blank independently (NPS 3%, CSAT 6%, CES 12%); a response with all three
    blank keeps its NPS.
    """
    rng = np.random.default_rng([seed, 2])
    graph = designed.graph
    lane = events["touchpoint"].map(lambda t: graph.nodes[t].get("lane", "frontstage"))
    rateable = (lane == "frontstage") & (events["stage"] != AFTER_SALES_STAGE)
    rated = events[rateable].groupby("case_id", sort=True).tail(1).set_index("case_id")

    cases = rated.index
    ordered = _reached(events, "xac_nhan_don").reindex(cases)
    rate = np.where(ordered, SURVEY_RATE_ORDERED, SURVEY_RATE_BROWSED)
    answers = rated[rng.random(len(cases)) < rate]

    until = answers["timestamp"].reindex(events["case_id"]).to_numpy()
    path = events[events["timestamp"].to_numpy() <= until]
    features = _path_features(path).reindex(answers.index)
    n = len(answers)
    loops = np.minimum(features["loops"], 3).to_numpy()
    slow = np.minimum(features["slow"], 3).to_numpy()
    chat = features["chat"].to_numpy(dtype=float)
    received = features["received"].to_numpy(dtype=bool)
    was_ordered = features["ordered"].to_numpy(dtype=bool)

    designed_ces = answers["touchpoint"].map(lambda t: graph.nodes[t]["ces"]).to_numpy(dtype=float)
    ces_latent = designed_ces - 0.7 * loops - 0.5 * slow - 0.5 * chat + rng.normal(0, 0.9, n)
    nps_latent = (
        8.4
        + 0.4 * (ces_latent - 4)
        - 2.0 * (was_ordered & ~received)
        - 1.0 * ~was_ordered
        - 0.8 * chat
        - 0.4 * loops
        - 0.4 * slow
        - 0.8 * features["returned"].to_numpy(dtype=float)
        + 1.0 * features["refunded"].to_numpy(dtype=float)
        + rng.normal(0, 1.6, n)
    )
    csat_latent = 0.42 * nps_latent + 0.9 + rng.normal(0, 0.6, n)
    scores = {
        "nps": np.clip(np.rint(nps_latent), 0, 10),
        "csat": np.clip(np.rint(csat_latent), 1, 5),
        "ces": np.clip(np.rint(ces_latent), 1, 7),
    }
    blank = {name: rng.random(n) < share for name, share in SURVEY_BLANK.items()}
    blank["nps"] &= ~(blank["csat"] & blank["ces"])

    delay = _lognormal_seconds(rng, *SURVEY_DELAY_HOURS, n)
    survey = pd.DataFrame(
        {
            "case_id": answers.index,
            "touchpoint": answers["touchpoint"].to_numpy(),
            "answered_at": answers["timestamp"].to_numpy() + pd.to_timedelta(delay, unit="s"),
            **{
                name: pd.array(np.where(blank[name], np.nan, values), dtype="Float64").astype("Int64")
                for name, values in scores.items()
            },
        }
    )
    survey = survey.sort_values(["answered_at", "case_id"], kind="stable").reset_index(drop=True)
    survey.insert(0, "response_id", [f"R{i:05d}" for i in range(1, len(survey) + 1)])
    return survey[SURVEY_COLUMNS]


def make_tickets(events: pd.DataFrame, *, seed: int) -> pd.DataFrame:
    """Support tickets: one per case and touchpoint for ``yeu_cau_tra`` and ``chat_cskh``.

    ``opened_at`` is the case's first visit to the touchpoint. Channel: ``app`` for return requests;
    for customer-service contacts (all logged as ``chat_cskh``) in-app ``chat`` 80%, ``fanpage`` 12%,
    ``hotline`` 8%.

    Resolution:

    * unresolved (blank ``resolved_at``) for 30% of the tickets whose case ended at that touchpoint
      (the customer gave up there), 3% of the others;
    * a return request whose case reached ``hoan_tien`` afterwards is resolved by the refund
      (``resolved_at`` = the refund event);
    * any other ticket is closed by staff: opened + lognormal (median 20 h for contacts, 48 h for
      return requests that ended without a refund), moved to the next staffed time when it falls
      outside Monday–Saturday 08:00–21:00 (staff close tickets when they are in), so resolution
      spans nights and Sundays.
    """
    rng = np.random.default_rng([seed, 3])
    wanted = events[events["touchpoint"].isin(TICKET_TOUCHPOINTS)]
    tickets = wanted.groupby(["case_id", "touchpoint"], sort=True)["timestamp"].min().rename("opened_at").reset_index()
    n = len(tickets)
    last_touchpoint = events.groupby("case_id")["touchpoint"].last()
    gave_up = (tickets["case_id"].map(last_touchpoint) == tickets["touchpoint"]).to_numpy()
    unresolved = rng.random(n) < np.where(gave_up, UNRESOLVED_IF_GAVE_UP, UNRESOLVED_OTHERWISE)

    refunds = events.loc[events["touchpoint"] == "hoan_tien", ["case_id", "timestamp"]]
    returns = tickets[tickets["touchpoint"] == "yeu_cau_tra"].reset_index()
    later = returns.merge(refunds, on="case_id")
    later = later[later["timestamp"] > later["opened_at"]].groupby("index")["timestamp"].min()
    refunded_at = pd.Series(pd.NaT, index=tickets.index, dtype="datetime64[ns]")
    refunded_at[later.index] = later

    is_chat = (tickets["touchpoint"] == "chat_cskh").to_numpy()
    close_median = np.where(is_chat, CHAT_RESOLUTION_HOURS[0], RETURN_CLOSE_HOURS[0])
    close_sigma = np.where(is_chat, CHAT_RESOLUTION_HOURS[1], RETURN_CLOSE_HOURS[1])
    handling = _lognormal_seconds(rng, close_median, close_sigma, n)
    closed_at = _next_staffed(tickets["opened_at"] + pd.to_timedelta(handling, unit="s"), rng)
    resolved_at = refunded_at.where(refunded_at.notna(), closed_at)
    tickets["resolved_at"] = resolved_at.where(~unresolved)

    names, shares = zip(*CHAT_CHANNELS.items())
    chat_channel = rng.choice(np.array(names), size=n, p=np.array(shares))
    tickets["channel"] = np.where(is_chat, chat_channel, "app")

    tickets = tickets.sort_values(["opened_at", "case_id", "touchpoint"], kind="stable").reset_index(drop=True)
    tickets.insert(0, "ticket_id", [f"T{i:04d}" for i in range(1, len(tickets) + 1)])
    return tickets[TICKET_COLUMNS]


def _reached(events: pd.DataFrame, touchpoint: str) -> pd.Series:
    return (events["touchpoint"] == touchpoint).groupby(events["case_id"]).any()


def _path_features(path: pd.DataFrame) -> pd.DataFrame:
    """Per case: loops, slow steps and which milestones the path reached."""
    case = path["case_id"]
    previous = path.groupby("case_id", sort=False)["touchpoint"].shift()
    gap_hours = path.groupby("case_id", sort=False)["timestamp"].diff().dt.total_seconds() / 3600
    median = pd.Series(
        [LIVED_HOURS.get((u, v), (math.inf, 0))[0] for u, v in zip(previous, path["touchpoint"])], index=path.index
    )
    flag = path["touchpoint"].to_numpy()
    return pd.DataFrame(
        {
            "loops": path.duplicated(["case_id", "touchpoint"]).groupby(case).sum(),
            "slow": (gap_hours > SLOW_FACTOR * median).groupby(case).sum(),
            "chat": pd.Series(flag == "chat_cskh", index=path.index).groupby(case).any(),
            "ordered": pd.Series(flag == "xac_nhan_don", index=path.index).groupby(case).any(),
            "received": pd.Series(flag == "nhan_hang", index=path.index).groupby(case).any(),
            "returned": pd.Series(flag == "yeu_cau_tra", index=path.index).groupby(case).any(),
            "refunded": pd.Series(flag == "hoan_tien", index=path.index).groupby(case).any(),
        }
    )


def _lognormal_seconds(
    rng: np.random.Generator, median_hours: float | np.ndarray, sigma: float | np.ndarray, n: int
) -> np.ndarray:
    """``n`` lognormal durations in whole seconds (at least 1)."""
    hours = np.exp(np.log(median_hours) + sigma * rng.standard_normal(n))
    return np.maximum(1, np.rint(hours * 3600)).astype(np.int64)


def _next_staffed(times: pd.Series, rng: np.random.Generator) -> pd.Series:
    """Times outside staffed hours moved to the next opening, plus up to 90 minutes of backlog."""
    opening, closing = STAFFED_HOURS
    day = times.dt.normalize()
    hour = times.dt.hour
    after_close = hour >= closing
    next_day = day + pd.to_timedelta(after_close.astype(int), unit="D")
    # Sunday (weekday 6) is not staffed: roll on to Monday.
    next_day = next_day + pd.to_timedelta((next_day.dt.day_of_week >= STAFFED_DAYS).astype(int), unit="D")
    backlog = pd.to_timedelta(rng.integers(0, 90 * 60, size=len(times)), unit="s")
    moved = next_day + pd.Timedelta(hours=opening) + backlog
    staffed = (hour >= opening) & ~after_close & (times.dt.day_of_week < STAFFED_DAYS)
    return times.where(staffed, moved)


def write_outputs(tables: dict[str, pd.DataFrame], output: Path) -> dict[str, str]:
    """Write each table as ``<name>.csv`` (UTF-8, ``\\n`` line ends); return name → SHA-256."""
    output.mkdir(parents=True, exist_ok=True)
    digests = {}
    for name, frame in tables.items():
        frame = frame.copy()
        for column in frame.columns:
            if pd.api.types.is_datetime64_any_dtype(frame[column]):
                frame[column] = frame[column].dt.strftime(TIME_FORMAT)
        path = output / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n", float_format=FLOAT_FORMAT)
        digests[name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def generate(output: Path, *, seed: int = DEFAULT_SEED) -> list[str]:
    """Generate the three files into ``output``; return the summary lines."""
    designed = load_journey(DESIGNED_PATH)
    lived = build_lived_journey(designed)
    events = simulate_lived_events(lived, seed=seed)
    survey = make_survey(events, designed, seed=seed)
    tickets = make_tickets(events, seed=seed)
    digests = write_outputs({"events": events, "survey": survey, "tickets": tickets}, output)

    designed_conversion = conversion(designed).probability
    lived_conversion = conversion(lived).probability
    received = _reached(events, "nhan_hang").mean()
    unresolved = int(tickets["resolved_at"].isna().sum())
    hours = (tickets["resolved_at"] - tickets["opened_at"]).dt.total_seconds() / 3600
    median_hours = hours.groupby(tickets["touchpoint"]).median()
    follows = events.groupby("case_id", sort=False)["touchpoint"].shift(-1)
    visits = events["touchpoint"].value_counts()

    def pairs(u: str, v: str) -> str:
        return f"{u} → {v} {((events['touchpoint'] == u) & (follows == v)).sum():,} of {visits.get(u, 0):,} events"

    ends_cart = (follows[events["touchpoint"] == "gio_hang"].isna()).mean()
    starts_product = (events.groupby("case_id", sort=False)["touchpoint"].first() == "trang_san_pham").sum()
    return [
        (
            f"seed {seed}: {events['case_id'].nunique():,} cases, {len(events):,} events "
            f"({events['timestamp'].min():%Y-%m-%d} … {events['timestamp'].max():%Y-%m-%d})"
        ),
        (
            f"conversion to a goal (Markov chain): designed {designed_conversion:.1%}, lived {lived_conversion:.1%}; "
            f"cases reaching nhan_hang in the log: {received:.1%}"
        ),
        (
            f"lived in the log: {pairs('theo_doi_don', 'chat_cskh')}; {pairs('cong_thanh_toan', 'cong_thanh_toan')}; "
            f"{pairs('voucher_mua_lai', 'trang_san_pham')}; {starts_product:,} cases start at trang_san_pham; "
            f"{ends_cart:.1%} of gio_hang visits end the case"
        ),
        f"survey: {len(survey):,} responses ({len(survey) / CASES:.1%} of cases); "
        + ", ".join(f"{c} blank {survey[c].isna().sum()}" for c in ("nps", "csat", "ces")),
        f"tickets: {len(tickets):,} ({(tickets['touchpoint'] == 'chat_cskh').sum():,} chat_cskh, "
        f"{(tickets['touchpoint'] == 'yeu_cau_tra').sum():,} yeu_cau_tra), {unresolved} unresolved; "
        "median hours to resolve: " + ", ".join(f"{tp} {h:.1f}" for tp, h in median_hours.items()),
        *(f"sha256 {name}.csv {digest}" for name, digest in digests.items()),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=HERE, help="folder to write into (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.seed < 0:
        parser.error(f"--seed must be a whole number ≥ 0; got {args.seed}")
    for line in generate(args.output, seed=args.seed):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
