"""Synthetic event logs: customers walking a journey's Markov chain.

Each simulated customer (a *case*) starts at a touchpoint drawn from the journey's start
distribution (:func:`journeymap.markov.start_distribution`) and moves by the chain of
:func:`journeymap.markov.transition_probabilities` until they drop off or reach ``max_steps``
events. Every visit is one event.

Time between two events
-----------------------
Lognormal around a median, in hours:

* the transition's ``median_hours``, with spread ``σ = √(2 ln(mean_hours / median_hours))`` when it
  also has a larger ``mean_hours`` (so a discovered journey re-simulates with its own timing;
  σ is capped at 2), else ``σ = 0.75`` (half of the gaps within ×0.6…×1.66 of the median);
* else the transition's ``mean_hours``, as the mean of a lognormal with ``σ = 0.75``;
* else a default by the channel of the touchpoint reached (``σ = 0.75``):

  =========================================  ==============
  channel                                    median
  =========================================  ==============
  system                                     36 seconds
  app, web, kiosk, ivr, chatbot              3 minutes
  social                                     6 minutes
  phone, counter                             15 minutes
  chat, sms, survey                          30 minutes
  branch, home, and channels not listed      1 hour
  email                                      12 hours
  internal, delivery                         1 day
  =========================================  ==============

Timestamps have whole seconds and two events of a case are at least one second apart, so sorting a
case by time keeps its order.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

import networkx as nx

from .journey import Journey
from .markov import start_distribution, transition_probabilities

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CHANNEL_MEDIAN_HOURS", "DEFAULT_SIGMA", "simulate_events"]

CHANNEL_MEDIAN_HOURS: dict[str, float] = {
    "system": 0.01,
    "app": 0.05,
    "web": 0.05,
    "kiosk": 0.05,
    "ivr": 0.05,
    "chatbot": 0.05,
    "social": 0.1,
    "phone": 0.25,
    "counter": 0.25,
    "chat": 0.5,
    "sms": 0.5,
    "survey": 0.5,
    "branch": 1.0,
    "home": 1.0,
    "email": 12.0,
    "internal": 24.0,
    "delivery": 24.0,
}
"""Median hours before an event at a touchpoint of this channel, when the transition has no time."""

DEFAULT_SIGMA = 0.75
"""Spread (σ of the log) of the time between events when the transition does not imply one."""

_OTHER_CHANNEL_HOURS = 1.0
_MAX_SIGMA = 2.0


def simulate_events(
    journey: Journey | nx.DiGraph,
    *,
    cases: int,
    seed: int = 0,
    start: str = "2026-01-05 08:00",
    period_days: float = 28,
    max_steps: int = 200,
    stop_at_goals: bool = False,
) -> pd.DataFrame:
    """Simulate an event log of ``cases`` customers walking the journey.

    Parameters
    ----------
    journey : Journey or networkx.DiGraph
    cases : int
        Number of customers (≥ 1).
    seed : int
        Seed of the random generator: the same seed gives the same frame.
    start : str
        When the first customer may start (anything :class:`pandas.Timestamp` parses).
    period_days : float
        Customers start uniformly at random over this many days from ``start``.
    max_steps : int
        At most this many events per customer (≥ 1); a walk still going is cut there.
    stop_at_goals : bool
        Stop at goal touchpoints (they absorb). By default customers carry on after a goal, as
        real ones do (they review, return, ask for refunds).

    Returns
    -------
    pandas.DataFrame
        Columns ``case_id`` (``"C"`` and the case number, zero-padded to the width of ``cases``),
        ``touchpoint`` (the touchpoint id), ``stage``, ``timestamp`` (``datetime64[ns]``); ordered by
        case, then time.

    Raises
    ------
    ValueError
        A parameter out of range (the message names it), or a ``start`` that is not a date.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Đăng ký", "Sử dụng"])
    >>> j.add_touchpoint("tai_app", name="Tải ứng dụng", stage="Đăng ký", channel="app", drop_off=0.2)
    >>> j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", channel="app", drop_off=0.3)
    >>> j.add_touchpoint("chuyen_khoan", name="Chuyển khoản đầu tiên", stage="Sử dụng", goal=True)
    >>> j.add_transition("tai_app", "ekyc", median_hours=0.1)
    >>> j.add_transition("ekyc", "ekyc", volume=1)
    >>> j.add_transition("ekyc", "chuyen_khoan", volume=3, median_hours=24)
    >>> log = simulate_events(j, cases=1000, seed=1)
    >>> log.columns.tolist(), log["case_id"].iloc[0]
    (['case_id', 'touchpoint', 'stage', 'timestamp'], 'C0001')
    >>> log["case_id"].nunique(), int((log["touchpoint"] == "tai_app").sum())
    (1000, 1000)
    """
    import numpy as np
    import pandas as pd

    graph = journey.graph if isinstance(journey, Journey) else journey
    cases = _positive_int(cases, "cases")
    max_steps = _positive_int(max_steps, "max_steps")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0; got {seed!r}")
    if (
        isinstance(period_days, bool)
        or not isinstance(period_days, numbers.Real)
        or not (math.isfinite(period_days) and period_days >= 0)
    ):
        raise ValueError(f"period_days must be a finite number of days ≥ 0; got {period_days!r}")
    try:
        origin = pd.Timestamp(start)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"start must be a date and time such as '2026-01-05 08:00'; got {start!r} ({exc})") from None
    if origin is pd.NaT or origin.tzinfo is not None:
        raise ValueError(
            f"start must be a local date and time without time zone, such as '2026-01-05 08:00'; got {start!r}"
        )

    nodes = list(graph.nodes)
    index = {u: i for i, u in enumerate(nodes)}
    n = len(nodes)
    P, _ = transition_probabilities(graph, absorb_goals=stop_at_goals)
    probs = np.zeros((n, n + 1))
    for (u, v), p in P.items():
        probs[index[u], index[v]] = p
    # The last column is "the walk ends here" (drop-off, or absorption at a goal).
    probs[:, n] = np.clip(1.0 - probs[:, :n].sum(axis=1), 0.0, None)
    cumulative = np.cumsum(probs, axis=1)
    cumulative /= cumulative[:, -1:]
    # Row u lives in [u, u + 1], so one sorted array serves every case's next-step draw at once.
    flat = (cumulative + np.arange(n)[:, None]).ravel()

    log_median, sigma = _timing(graph, nodes, np)

    rng = np.random.default_rng(seed)
    alpha = start_distribution(graph)
    first_cdf = np.cumsum([alpha.get(u, 0.0) for u in nodes])
    first_cdf /= first_cdf[-1]
    state = np.minimum(np.searchsorted(first_cdf, rng.random(cases), side="right"), n - 1).astype(np.int32)
    clock = np.floor(rng.random(cases) * (period_days * 86_400)).astype(np.int64)
    active = np.arange(cases, dtype=np.int32)

    steps_case, steps_node, steps_time = [active], [state], [clock]
    for _ in range(1, max_steps):
        draw = rng.random(active.size)
        target = np.searchsorted(flat, state + draw, side="right") - state.astype(np.int64) * (n + 1)
        moving = target < n
        active, previous, state = active[moving], state[moving], target[moving].astype(np.int32)
        if not active.size:
            break
        hours = np.exp(log_median[previous, state] + sigma[previous, state] * rng.standard_normal(active.size))
        clock = clock[moving] + np.maximum(1, np.rint(hours * 3600)).astype(np.int64)
        steps_case.append(active)
        steps_node.append(state)
        steps_time.append(clock)

    # Place each step's events straight at their row (case order, then step): no sort of the whole log.
    lengths = np.zeros(cases, dtype=np.int64)
    for step_cases in steps_case:
        lengths[step_cases] += 1
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    total = int(lengths.sum())
    case_of = np.empty(total, dtype=np.int32)
    node_of = np.empty(total, dtype=np.int32)
    seconds = np.empty(total, dtype=np.int64)
    for step, (step_cases, step_nodes, step_times) in enumerate(zip(steps_case, steps_node, steps_time)):
        rows = offsets[step_cases] + step
        case_of[rows] = step_cases
        node_of[rows] = step_nodes
        seconds[rows] = step_times
    del steps_case, steps_node, steps_time

    # Columns are built one at a time, freeing each source array, to keep the peak memory low.
    seconds *= 1_000_000_000
    seconds += origin.as_unit("ns").value
    columns: dict[str, Any] = {"timestamp": seconds.view("datetime64[ns]")}
    touchpoint_ids = np.array(nodes, dtype=object)
    columns["touchpoint"] = pd.Series(touchpoint_ids[node_of], dtype="str", copy=False)
    stages = np.array([graph.nodes[u].get("stage") for u in nodes], dtype=object)
    columns["stage"] = pd.Series(stages[node_of], dtype="str", copy=False)
    del node_of
    width = len(str(cases))
    case_ids = np.array([f"C{i:0{width}d}" for i in range(1, cases + 1)], dtype=object)
    columns["case_id"] = pd.Series(case_ids[case_of], dtype="str", copy=False)
    del case_of, case_ids
    return pd.DataFrame({name: columns[name] for name in ("case_id", "touchpoint", "stage", "timestamp")}, copy=False)


def _timing(graph: nx.DiGraph, nodes: list[str], np: Any) -> tuple[Any, Any]:
    """Log-median hours and σ of the gap before an event, for every (from, to) pair."""
    n = len(nodes)
    by_channel = [CHANNEL_MEDIAN_HOURS.get(str(graph.nodes[v].get("channel")), _OTHER_CHANNEL_HOURS) for v in nodes]
    median = np.tile(np.array(by_channel, dtype=float), (n, 1))
    sigma = np.full((n, n), DEFAULT_SIGMA)
    index = {u: i for i, u in enumerate(nodes)}
    for u, v, attrs in graph.edges(data=True):
        i, j = index[u], index[v]
        med, mean = attrs.get("median_hours"), attrs.get("mean_hours")
        if med is not None:
            median[i, j] = med
            if mean is not None and med > 0 and mean > med:
                sigma[i, j] = min(_MAX_SIGMA, math.sqrt(2 * math.log(mean / med)))
        elif mean is not None:
            median[i, j] = mean * math.exp(-(DEFAULT_SIGMA**2) / 2)
    with np.errstate(divide="ignore"):
        # A zero median gives exp(−inf) = 0 hours, which the one-second floor then lifts.
        return np.log(median), sigma


def _positive_int(value: Any, name: str) -> int:
    import numpy as np

    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a whole number ≥ 1; got {value!r}")
    return int(value)
