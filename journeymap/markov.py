"""Conversion as an absorbing Markov chain.

A customer at a touchpoint either moves on along one of its transitions or leaves (drops off);
reaching a goal touchpoint (``goal: true``) absorbs the customer as converted. The same chain drives
:func:`journeymap.simulate.simulate_events` and is the one :func:`journeymap.discover.discover_journey`
writes its edge probabilities for.

The transition rule
-------------------
:func:`transition_probabilities` turns a journey into ``P[(u, v)]`` (share of the customers at
``u`` who go to ``v`` next) and ``drop[u]`` (share who leave at ``u``), with
``Σ_v P[(u, v)] + drop[u] = 1``. For each touchpoint ``u``, the first rule that applies wins:

1. **Goals absorb.** A goal touchpoint has no outgoing probability and ``drop`` 0. With
   ``absorb_goals=False`` (what the simulator uses, since real customers carry on after a goal)
   goals follow the rules below like any other touchpoint.
2. **No out-transitions.** ``drop`` is 1: everyone who reaches ``u`` leaves there.
3. **Every out-transition has a** ``probability``. Probabilities are shares of *everyone* at ``u``
   (the schema's definition).

   a. They sum to less than 1: they are taken as they are and the rest leaves,
      ``drop = 1 − Σ probability``. This is what discovery writes (``probability`` = transitions /
      events at ``u``), and a ``drop_off`` on ``u`` is then *not* used: discovery's ``drop_off`` is
      per customer (customers who end there / customers who visit), and with retries and loops a
      per-customer share overstates the per-visit exit that the chain needs.
   b. They sum to 1 (or more): they are the split of those who continue, normalised to sum 1, and
      the continuing share is ``1 − drop_off`` when ``u`` has a ``drop_off``, else 1. This is how a
      designed file reads ``{probability: 0.6}``, ``{probability: 0.4}`` next to ``drop_off: 0.06``.
      A designer who means a split must make the probabilities add up to 1 (0.34 + 0.33 + 0.33,
      not 0.33 × 3) or give volumes instead.
4. **Otherwise** the continuing share is ``1 − drop_off`` when ``u`` has a ``drop_off``; else
   ``Σ out-volume / volume`` (capped at 1) when ``u`` has a ``volume`` above 0 and every
   out-transition has a ``volume``; else 1. It is split by ``volume`` when every out-transition has
   one (and they are not all 0), else equally.

Where customers start
---------------------
:func:`start_distribution`: an explicit ``start=`` (a touchpoint id, or a mapping id → weight); else
the touchpoints' ``starts`` (normalised) when any touchpoint has one; else the touchpoints with no
incoming transition other than a self-loop, weighted by their ``volume`` when all of them have one,
else equally; else (every touchpoint is in a cycle) the first touchpoint.

The analyses solve linear systems with the fundamental matrix ``N = (I − Q)⁻¹`` of the transient
(non-goal) touchpoints reachable from the start, without forming the inverse.

Examples
--------
>>> from journeymap import Journey
>>> j = Journey("Mở thẻ", stages=["Đăng ký"])
>>> j.add_touchpoint("form", name="Điền form", stage="Đăng ký", drop_off=0.4)
>>> j.add_touchpoint("otp", name="Nhập OTP", stage="Đăng ký", drop_off=0.5)
>>> j.add_touchpoint("xong", name="Mở thẻ thành công", stage="Đăng ký", goal=True)
>>> j.add_transition("form", "otp")
>>> j.add_transition("otp", "otp")     # half of those who continue retry the OTP
>>> j.add_transition("otp", "xong")
>>> round(conversion(j).probability, 4)   # 0.6 × (0.25 / (1 − 0.25))
0.2
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from . import fmt
from .errors import DataError
from .journey import Journey

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "Conversion",
    "WhatIf",
    "conversion",
    "conversion_by_goal",
    "removal_effects",
    "start_distribution",
    "transition_probabilities",
    "what_if",
]

# Float noise below this is not a real drop-off; a "drop" of 1e-17 would hide a trap.
_EPS = 1e-12
# Probabilities summing to 1 within this are a split (rule 3b), not shares with a remainder.
_SUM_TOL = 1e-9


# -- the rule ----------------------------------------------------------------------------------------


def transition_probabilities(
    journey: Journey | nx.DiGraph,
    *,
    absorb_goals: bool = True,
    goals: str | Iterable[str] | None = None,
) -> tuple[dict[tuple[str, str], float], dict[str, float]]:
    """The chain of a journey: next-step probabilities and drop-off per touchpoint.

    The rule and its precedence are in the module docstring (:mod:`journeymap.markov`).

    Parameters
    ----------
    journey : Journey or networkx.DiGraph
        The journey (or its graph).
    absorb_goals : bool
        Goals absorb (no outgoing probability, drop 0). ``False`` treats them like any touchpoint.
    goals : str or iterable of str, optional
        Touchpoint ids to treat as goals instead of those marked ``goal: true``.

    Returns
    -------
    P : dict
        ``(u, v) → probability`` for every transition whose source does not absorb.
    drop : dict
        ``u → share of the customers at u who leave there``, for every touchpoint.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Khám bệnh", stages=["Khám"])
    >>> j.add_touchpoint("kham", name="Phòng khám", stage="Khám", drop_off=0.1)
    >>> j.add_touchpoint("xn", name="Xét nghiệm", stage="Khám")
    >>> j.add_touchpoint("thuoc", name="Nhận thuốc", stage="Khám", goal=True)
    >>> j.add_transition("kham", "xn", volume=300)
    >>> j.add_transition("kham", "thuoc", volume=600)
    >>> j.add_transition("xn", "kham", probability=0.9)  # discovered-style: the other 10% leave
    >>> P, drop = transition_probabilities(j)
    >>> {edge: round(p, 4) for edge, p in P.items()}
    {('kham', 'xn'): 0.3, ('kham', 'thuoc'): 0.6, ('xn', 'kham'): 0.9}
    >>> {u: round(d, 4) for u, d in drop.items()}
    {'kham': 0.1, 'xn': 0.1, 'thuoc': 0.0}
    """
    graph = _graph(journey)
    goal_set = set(_goal_ids(graph, goals)) if absorb_goals else set()
    P: dict[tuple[str, str], float] = {}
    drop: dict[str, float] = {}
    for u in graph.nodes:
        if u in goal_set:
            drop[u] = 0.0
            continue
        cont, split = _node_rule(graph, u)
        for v, share in split.items():
            P[(u, v)] = cont * share
        drop[u] = 1.0 - cont if cont < 1.0 - _EPS else 0.0
    return P, drop


def _node_rule(graph: nx.DiGraph, u: str) -> tuple[float, dict[str, float]]:
    """(continuing share, split of the continuing share over the out-transitions) of ``u``."""
    targets = list(graph.successors(u))
    if not targets:
        return 0.0, {}
    node = graph.nodes[u]
    drop_off = node.get("drop_off")
    probs = [graph.edges[u, v].get("probability") for v in targets]
    if all(p is not None for p in probs):
        total = float(sum(probs))
        if total <= 0:
            return 0.0, _fallback_split(graph, u, targets)
        split = {v: float(p) / total for v, p in zip(targets, probs)}
        if total < 1.0 - _SUM_TOL:
            return total, split
        return (1.0 if drop_off is None else 1.0 - float(drop_off)), split
    if drop_off is not None:
        cont = 1.0 - float(drop_off)
    else:
        volumes = [graph.edges[u, v].get("volume") for v in targets]
        volume = node.get("volume")
        if volume and all(x is not None for x in volumes):
            cont = min(1.0, float(sum(volumes)) / float(volume))
        else:
            cont = 1.0
    return cont, _fallback_split(graph, u, targets)


def _fallback_split(graph: nx.DiGraph, u: str, targets: list[str]) -> dict[str, float]:
    volumes = [graph.edges[u, v].get("volume") for v in targets]
    if all(x is not None for x in volumes) and sum(volumes) > 0:
        total = float(sum(volumes))
        return {v: float(x) / total for v, x in zip(targets, volumes)}
    return {v: 1.0 / len(targets) for v in targets}


def start_distribution(
    journey: Journey | nx.DiGraph, *, start: str | Mapping[str, float] | None = None
) -> dict[str, float]:
    """Where customers begin: touchpoint id → share (the shares sum to 1; zeros are left out).

    See "Where customers start" in the module docstring for the rule.

    Raises
    ------
    ValueError
        ``start`` names unknown touchpoints, or has negative, non-finite or all-zero weights.
    DataError
        The journey's ``starts`` are all 0.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng", stages=["Khám phá"])
    >>> j.add_touchpoint("live", name="Livestream", stage="Khám phá", volume=300)
    >>> j.add_touchpoint("tim", name="Tìm kiếm", stage="Khám phá", volume=100)
    >>> j.add_touchpoint("sp", name="Trang sản phẩm", stage="Khám phá")
    >>> j.add_transition("live", "sp")
    >>> j.add_transition("tim", "sp")
    >>> start_distribution(j)
    {'live': 0.75, 'tim': 0.25}
    >>> start_distribution(j, start="sp")
    {'sp': 1.0}
    """
    graph = _graph(journey)
    if start is not None:
        weights = {start: 1.0} if isinstance(start, str) else dict(start)
        _check_ids(graph, list(weights), "start")
        bad = {k: w for k, w in weights.items() if not _is_number(w) or not math.isfinite(w) or w < 0}
        if bad:
            raise ValueError(f"start=: weights must be finite numbers ≥ 0; got {bad}")
        source = "start="
    elif any(graph.nodes[n].get("starts") is not None for n in graph.nodes):
        weights = {n: float(graph.nodes[n].get("starts") or 0.0) for n in graph.nodes}
        source = "the touchpoints' `starts`"
        if sum(weights.values()) <= 0:
            raise DataError(
                f"journey {_title(graph)!r}: every touchpoint's `starts` is 0, so no customer begins anywhere; "
                "set `starts` above 0 on at least one touchpoint, or pass start="
            )
    else:
        sources = [n for n in graph.nodes if all(p == n for p in graph.predecessors(n))]
        if not sources:
            return {next(iter(graph.nodes)): 1.0}
        volumes = [graph.nodes[n].get("volume") for n in sources]
        if all(v is not None for v in volumes) and sum(volumes) > 0:
            weights = dict(zip(sources, map(float, volumes)))
        else:
            weights = dict.fromkeys(sources, 1.0)
        source = "the entry touchpoints"
    total = float(sum(weights.values()))
    if total <= 0:
        raise ValueError(f"start=: the weights sum to 0; give at least one touchpoint a weight above 0 (from {source})")
    return {n: float(w) / total for n, w in weights.items() if w > 0}


# -- results -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Conversion:
    """How customers end a journey, from :func:`conversion`.

    Attributes
    ----------
    probability : float
        End-to-end conversion: the share of customers who reach a goal.
    expected_steps : float
        Expected number of touchpoint visits per customer until they convert or leave (the goal
        touchpoint counts as one visit; a retry at the same touchpoint counts again).
    expected_steps_to_convert : float or None
        The same, counting only customers who convert (``None`` when nobody converts).
    expected_hours_to_convert : float or None
        Expected time from the first touchpoint to the goal for customers who convert, from the
        transitions' ``mean_hours`` (else ``median_hours``; a transition with neither counts 0 h).
        ``None`` when no transition has a time, or nobody converts.
    by_goal : dict
        Conversion per goal touchpoint (sums to ``probability``).
    visits : dict
        Expected visits per customer, per touchpoint.
    reach : dict
        Probability that a customer ever reaches each touchpoint.
    drop_by_touchpoint : dict
        Share of all customers lost at each touchpoint; with ``probability`` it sums to 1.
    start : dict
        The start distribution used.
    """

    probability: float
    expected_steps: float
    expected_steps_to_convert: float | None
    expected_hours_to_convert: float | None
    by_goal: dict[str, float]
    visits: dict[str, float]
    reach: dict[str, float]
    drop_by_touchpoint: dict[str, float]
    start: dict[str, float]
    names: dict[str, str] = field(repr=False, compare=False, default_factory=dict)

    def __repr__(self) -> str:
        hours = "None" if self.expected_hours_to_convert is None else f"{self.expected_hours_to_convert:.1f}"
        steps = "None" if self.expected_steps_to_convert is None else f"{self.expected_steps_to_convert:.2f}"
        goals = ", ".join(f"{g}: {p:.1%}" for g, p in self.by_goal.items())
        return (
            f"Conversion(probability={self.probability:.1%}, expected_steps={self.expected_steps:.2f}, "
            f"expected_steps_to_convert={steps}, expected_hours_to_convert={hours}, by_goal={{{goals}}})"
        )

    def to_frame(self) -> pd.DataFrame:
        """One row per touchpoint: touchpoint, name, goal, start, visits, reach, dropped, converted."""
        import pandas as pd

        ids = list(self.visits)
        return pd.DataFrame(
            {
                "touchpoint": ids,
                "name": [self.names.get(n, n) for n in ids],
                "goal": [n in self.by_goal for n in ids],
                "start": [self.start.get(n, 0.0) for n in ids],
                "visits": [self.visits[n] for n in ids],
                "reach": [self.reach[n] for n in ids],
                "dropped": [self.drop_by_touchpoint[n] for n in ids],
                "converted": [self.by_goal.get(n, 0.0) for n in ids],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures as plain Python values (JSON-ready)."""
        return {
            "probability": self.probability,
            "expected_steps": self.expected_steps,
            "expected_steps_to_convert": self.expected_steps_to_convert,
            "expected_hours_to_convert": self.expected_hours_to_convert,
            "by_goal": dict(self.by_goal),
            "visits": dict(self.visits),
            "reach": dict(self.reach),
            "drop_by_touchpoint": dict(self.drop_by_touchpoint),
            "start": dict(self.start),
        }


@dataclass(frozen=True)
class WhatIf:
    """Conversion before and after a change, from :func:`what_if`.

    Attributes
    ----------
    before, after : Conversion
    change : float
        ``after − before`` conversion, in percentage points.
    summary : str
        One Vietnamese sentence saying what changed and what it does to conversion.
    """

    before: Conversion
    after: Conversion
    change: float
    summary: str

    def __repr__(self) -> str:
        return (
            f"WhatIf(before={self.before.probability:.1%}, after={self.after.probability:.1%}, "
            f"change={self.change:+.1f} điểm)"
        )

    def __str__(self) -> str:
        return self.summary

    def to_frame(self) -> pd.DataFrame:
        """One row per touchpoint: reach and share of customers lost there, before and after."""
        import pandas as pd

        ids = list(self.before.visits)
        return pd.DataFrame(
            {
                "touchpoint": ids,
                "name": [self.before.names.get(n, n) for n in ids],
                "reach_before": [self.before.reach[n] for n in ids],
                "reach_after": [self.after.reach[n] for n in ids],
                "dropped_before": [self.before.drop_by_touchpoint[n] for n in ids],
                "dropped_after": [self.after.drop_by_touchpoint[n] for n in ids],
            }
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "before": self.before.to_dict(),
            "after": self.after.to_dict(),
            "change": self.change,
            "summary": self.summary,
        }


# -- analyses ----------------------------------------------------------------------------------------


def conversion(
    journey: Journey | nx.DiGraph,
    *,
    start: str | Mapping[str, float] | None = None,
    goals: str | Iterable[str] | None = None,
) -> Conversion:
    """End-to-end conversion of a journey, and where customers go and leave on the way.

    Visits are ``α N`` for the start distribution ``α`` over the transient (non-goal) touchpoints;
    reach is ``visits(u) / N[u, u]``; the share lost at ``u`` is ``visits(u) · drop(u)``. Figures
    *given conversion* use the chain conditioned on converting (Doob's h-transform with
    ``h(u)`` = probability of converting from ``u``): a step ``u → v`` has probability
    ``P(u, v) h(v) / h(u)`` there, which comes to ``E[hours | converted] =
    Σ_u visits(u) Σ_v P(u, v) h(v) hours(u, v) / conversion``.

    Parameters
    ----------
    journey : Journey or networkx.DiGraph
    start : str or mapping, optional
        Where customers begin (a touchpoint id or id → weight); see :func:`start_distribution`.
    goals : str or iterable of str, optional
        Goal touchpoint ids, overriding ``goal: true`` in the journey.

    Raises
    ------
    DataError
        The journey has no goal, or customers can loop forever between touchpoints without leaving
        or converting (the message names those touchpoints).
    ValueError
        ``start`` or ``goals`` names unknown touchpoints.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đổi trả", stages=["Đổi trả"])
    >>> j.add_touchpoint("yeu_cau", name="Yêu cầu trả hàng", stage="Đổi trả", drop_off=0.2)
    >>> j.add_touchpoint("chat", name="Chat CSKH", stage="Đổi trả", drop_off=0.5)
    >>> j.add_touchpoint("hoan_tien", name="Hoàn tiền", stage="Đổi trả", goal=True)
    >>> j.add_transition("yeu_cau", "hoan_tien", volume=3, median_hours=40)
    >>> j.add_transition("yeu_cau", "chat", volume=1, median_hours=2)
    >>> j.add_transition("chat", "yeu_cau", median_hours=20)
    >>> c = conversion(j)
    >>> round(c.probability, 4)   # 0.6 / (1 − 0.2 × 0.5)
    0.6667
    >>> round(c.probability + sum(c.drop_by_touchpoint.values()), 12)
    1.0
    >>> round(c.reach["chat"], 4), round(c.expected_hours_to_convert, 2)
    (0.2, 42.44)
    """
    graph = _graph(journey)
    goal_ids = _goal_ids(graph, goals)
    _require_goals(graph, goal_ids)
    P, drop = transition_probabilities(graph, goals=goal_ids)
    alpha = start_distribution(graph, start=start)
    return _solve(graph, goal_ids, P, drop, alpha)


def removal_effects(
    journey: Journey | nx.DiGraph,
    *,
    start: str | Mapping[str, float] | None = None,
    goals: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """How much conversion depends on each touchpoint (Markov attribution's removal effect).

    Removing a touchpoint loses every customer who reaches it (as in Markov attribution models);
    ``removal_effect = 1 − conversion_without / conversion`` is the share of conversion that
    passes through it. A touchpoint every converting customer must cross has effect 1.

    Returns
    -------
    pandas.DataFrame
        One row per non-goal touchpoint, columns ``touchpoint``, ``name``, ``reach``,
        ``conversion_without``, ``removal_effect``; largest effect first (ties in journey order).
        ``attrs["conversion"]`` holds the journey's conversion.

    Raises
    ------
    DataError
        As :func:`conversion`, and when nobody converts (there is nothing to attribute).

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Đăng ký"])
    >>> for tp in ["app", "web", "ekyc"]:
    ...     j.add_touchpoint(tp, name=tp.upper(), stage="Đăng ký", drop_off=0.5)
    >>> j.add_touchpoint("xong", name="Xong", stage="Đăng ký", goal=True)
    >>> j.add_transition("app", "ekyc")
    >>> j.add_transition("web", "ekyc")
    >>> j.add_transition("ekyc", "xong")
    >>> removal_effects(j)[["touchpoint", "removal_effect"]]
      touchpoint  removal_effect
    0       ekyc             1.0
    1        app             0.5
    2        web             0.5
    """
    import pandas as pd

    graph = _graph(journey)
    goal_ids = _goal_ids(graph, goals)
    _require_goals(graph, goal_ids)
    P, drop = transition_probabilities(graph, goals=goal_ids)
    alpha = start_distribution(graph, start=start)
    base = _solve(graph, goal_ids, P, drop, alpha)
    if base.probability <= _EPS:
        raise DataError(
            f"journey {_title(graph)!r}: no customer reaches a goal ({', '.join(goal_ids)}), "
            "so there is no conversion to attribute to touchpoints"
        )
    rows = []
    goal_set = set(goal_ids)
    for u in graph.nodes:
        if u in goal_set:
            continue
        P_removed = {edge: p for edge, p in P.items() if edge[0] != u}
        without = _solve(graph, goal_ids, P_removed, {**drop, u: 1.0}, alpha).probability
        rows.append(
            {
                "touchpoint": u,
                "name": graph.nodes[u].get("name", u),
                "reach": base.reach[u],
                "conversion_without": without,
                "removal_effect": max(0.0, 1.0 - without / base.probability),
            }
        )
    frame = pd.DataFrame(rows, columns=["touchpoint", "name", "reach", "conversion_without", "removal_effect"])
    frame = frame.sort_values("removal_effect", ascending=False, kind="stable").reset_index(drop=True)
    frame.attrs["conversion"] = base.probability
    return frame


def what_if(
    journey: Journey | nx.DiGraph,
    *,
    drop_off: Mapping[str, float] | None = None,
    transitions: Mapping[tuple[str, str], float] | None = None,
    start: str | Mapping[str, float] | None = None,
    goals: str | Iterable[str] | None = None,
) -> WhatIf:
    """Conversion if some touchpoints lost fewer (or more) customers, or routed them differently.

    Parameters
    ----------
    drop_off : mapping, optional
        Touchpoint id → new drop-off (0–1). The customers who continue keep today's split over the
        touchpoint's transitions.
    transitions : mapping, optional
        ``(from, to)`` → new probability (0–1, a share of *everyone* at ``from``). The source's other
        transitions keep their probabilities; the difference comes out of (or goes into) the source's
        drop-off, so the probabilities out of one touchpoint may add up to at most 1. A transition
        the journey does not have yet is added.
    start, goals
        As in :func:`conversion`.

    Returns
    -------
    WhatIf
        ``before`` and ``after`` :class:`Conversion`, the ``change`` in percentage points and a
        one-sentence Vietnamese ``summary`` (touchpoints named by their ``name``).

    Raises
    ------
    ValueError
        No change given; unknown touchpoint ids (listed); values outside [0, 1]; a touchpoint in both
        ``drop_off`` and ``transitions``; a goal as the touchpoint changed (goals absorb, so the change
        could not alter conversion); a lower drop-off at a touchpoint with no transitions; or
        probabilities out of one touchpoint adding up to more than 1.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mua hàng", stages=["Đặt hàng"])
    >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", drop_off=0.34)
    >>> j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Đặt hàng", drop_off=0.05)
    >>> j.add_touchpoint("xong", name="Đặt hàng thành công", stage="Đặt hàng", goal=True)
    >>> j.add_transition("gio_hang", "thanh_toan")
    >>> j.add_transition("thanh_toan", "xong")
    >>> print(what_if(j, drop_off={"gio_hang": 0.2}))
    Nếu tỷ lệ rời bỏ tại 'Giỏ hàng' giảm từ 34% xuống 20%, tỷ lệ chuyển đổi tăng từ 62,7% lên 76% (+13,3 điểm %).
    >>> what_if(j, transitions={("gio_hang", "thanh_toan"): 0.7})
    WhatIf(before=62.7%, after=66.5%, change=+3.8 điểm)
    """
    graph = _graph(journey)
    drop_off = dict(drop_off or {})
    transitions = dict(transitions or {})
    if not drop_off and not transitions:
        raise ValueError("what_if: give the change to try with drop_off={id: share} and/or transitions={(from, to): p}")
    goal_ids = _goal_ids(graph, goals)
    _require_goals(graph, goal_ids)
    goal_set = set(goal_ids)

    _check_ids(graph, list(drop_off), "drop_off")
    for key in transitions:
        if not (isinstance(key, tuple) and len(key) == 2):
            raise ValueError(f"transitions=: keys must be (from, to) pairs of touchpoint ids; got {key!r}")
    _check_ids(graph, list(dict.fromkeys(t for key in transitions for t in key)), "transitions")
    _check_shares(drop_off, "drop_off")
    _check_shares(transitions, "transitions")
    both = sorted(set(drop_off) & {u for u, _ in transitions})
    if both:
        raise ValueError(
            f"what_if: touchpoint(s) {_listing(both)} appear in both drop_off= and transitions=; "
            "change either a touchpoint's drop-off or its transitions' probabilities, not both"
        )
    changed_goals = [u for u in [*drop_off, *(u for u, _ in transitions)] if u in goal_set]
    if changed_goals:
        raise ValueError(
            f"what_if: {_listing(list(dict.fromkeys(changed_goals)))} is a goal; customers who reach a goal have "
            "already converted, so its drop-off and transitions do not change conversion"
        )

    P, drop = transition_probabilities(graph, goals=goal_ids)
    alpha = start_distribution(graph, start=start)
    before = _solve(graph, goal_ids, P, drop, alpha)

    P_new, drop_new = dict(P), dict(drop)
    phrases = []
    for u, new in drop_off.items():
        old_cont = 1.0 - drop[u]
        targets = list(graph.successors(u))
        if not targets and new < 1.0:
            raise ValueError(
                f"drop_off=: touchpoint {u!r} has no transitions, so everyone who reaches it leaves; "
                f"a drop-off of {new} would have nowhere to send the others (add a transition, or use transitions=)"
            )
        # A touchpoint that loses everyone today has no observed split; its designed one is used.
        split = {v: P[(u, v)] / old_cont for v in targets} if old_cont > _EPS else _node_rule(graph, u)[1]
        for v in targets:
            P_new[(u, v)] = (1.0 - new) * split[v]
        drop_new[u] = float(new)
        phrases.append(f"tỷ lệ rời bỏ tại {_name(graph, u)!r} {_moved(drop[u], new)}")
    for (u, v), new in transitions.items():
        old = P.get((u, v), 0.0)
        P_new[(u, v)] = float(new)
        phrases.append(f"tỷ lệ chuyển từ {_name(graph, u)!r} sang {_name(graph, v)!r} {_moved(old, new)}")
    for u in dict.fromkeys(u for u, _ in transitions):
        out = {v: p for (s, v), p in P_new.items() if s == u}
        total = sum(out.values())
        if total > 1.0 + _SUM_TOL:
            shares = ", ".join(f"{v}: {p:g}" for v, p in out.items())
            raise ValueError(
                f"transitions=: the probabilities out of {u!r} would add up to {total:.4g} ({shares}); "
                "they are shares of everyone at the touchpoint and may add up to at most 1"
            )
        drop_new[u] = max(0.0, 1.0 - total)
    after = _solve(graph, goal_ids, P_new, drop_new, alpha)
    change = (after.probability - before.probability) * 100
    summary = f"Nếu {fmt.join(phrases)}, tỷ lệ chuyển đổi {_conversion_moved(before.probability, after.probability)}."
    return WhatIf(before=before, after=after, change=change, summary=summary)


# -- the linear algebra ------------------------------------------------------------------------------


def _solve(
    graph: nx.DiGraph,
    goal_ids: list[str],
    P: Mapping[tuple[str, str], float],
    drop: Mapping[str, float],
    alpha: Mapping[str, float],
) -> Conversion:
    import numpy as np

    goal_set = set(goal_ids)
    nodes = list(graph.nodes)
    successors, transient = _transient(graph, goal_set, P, drop, alpha)

    index = {u: i for i, u in enumerate(transient)}
    goal_index = {g: j for j, g in enumerate(goal_ids)}
    n, m = len(transient), len(goal_ids)
    Q = np.zeros((n, n))
    R = np.zeros((n, m))
    hours = np.zeros((n, n))
    goal_hours = np.zeros((n, m))
    any_time = False
    for u in transient:
        for v, p in successors[u]:
            t = _hours(graph, u, v)
            any_time = any_time or t is not None
            if v in goal_index:
                R[index[u], goal_index[v]] += p
                goal_hours[index[u], goal_index[v]] = t or 0.0
            else:
                Q[index[u], index[v]] += p
                hours[index[u], index[v]] = t or 0.0
    d = np.array([drop[u] for u in transient])
    a = np.array([alpha.get(u, 0.0) for u in transient])
    a_goal = np.array([alpha.get(g, 0.0) for g in goal_ids])

    A = np.eye(n) - Q
    visits_t = np.linalg.solve(A.T, a) if n else np.zeros(0)
    by_goal_v = a_goal + visits_t @ R
    probability = float(by_goal_v.sum())
    h = np.linalg.solve(A, R.sum(axis=1)) if n else np.zeros(0)
    # reach(u) = visits(u) / N[u, u]; the diagonal needs N's columns, one solve with many right-hand sides.
    n_diag = np.diag(np.linalg.solve(A, np.eye(n))) if n else np.zeros(0)
    reach_t = visits_t / n_diag if n else np.zeros(0)

    expected_steps = float(visits_t.sum() + probability)
    steps_to_convert = hours_to_convert = None
    if probability > _EPS:
        steps_to_convert = float((visits_t @ h + probability) / probability)
        if any_time:
            per_visit = (Q * hours) @ h + (R * goal_hours).sum(axis=1)
            hours_to_convert = float(visits_t @ per_visit / probability)

    visits = dict.fromkeys(nodes, 0.0)
    reach = dict.fromkeys(nodes, 0.0)
    dropped = dict.fromkeys(nodes, 0.0)
    for u, i in index.items():
        visits[u] = float(visits_t[i])
        reach[u] = float(min(1.0, reach_t[i]))
        dropped[u] = float(visits_t[i] * d[i])
    by_goal = {g: float(by_goal_v[j]) for g, j in goal_index.items()}
    for g, p in by_goal.items():
        visits[g] = reach[g] = p
    return Conversion(
        probability=probability,
        expected_steps=expected_steps,
        expected_steps_to_convert=steps_to_convert,
        expected_hours_to_convert=hours_to_convert,
        by_goal=by_goal,
        visits=visits,
        reach=reach,
        drop_by_touchpoint=dropped,
        start=dict(alpha),
        names={u: str(graph.nodes[u].get("name", u)) for u in nodes},
    )


def _transient(
    graph: nx.DiGraph,
    goal_set: set[str],
    P: Mapping[tuple[str, str], float],
    drop: Mapping[str, float],
    alpha: Mapping[str, float],
) -> tuple[dict[str, list[tuple[str, float]]], list[str]]:
    """(successors with their probability, the reachable non-goal touchpoints in journey order); raises on a trap."""
    successors: dict[str, list[tuple[str, float]]] = {u: [] for u in graph.nodes}
    for (u, v), p in P.items():
        if p > 0 and u not in goal_set:
            successors[u].append((v, p))

    # Only touchpoints customers can reach enter the system, so an unreachable loop is no trap.
    reachable: set[str] = set()
    seen = set(alpha)
    stack = [u for u in alpha if u not in goal_set]
    while stack:
        u = stack.pop()
        reachable.add(u)
        for v, _ in successors[u]:
            if v not in seen:
                seen.add(v)
                if v not in goal_set:
                    stack.append(v)
    transient = [u for u in graph.nodes if u in reachable]
    _check_traps(graph, transient, successors, drop, goal_set)
    return successors, transient


def conversion_by_goal(
    journey: Journey | nx.DiGraph,
    *,
    start: str | Mapping[str, float] | None = None,
    goals: str | Iterable[str] | None = None,
) -> dict[str, float]:
    """The share of customers who reach each goal: :attr:`Conversion.by_goal` without the rest.

    One sparse linear solve, so it stays fast for journeys of thousands of touchpoints, where
    :func:`conversion` (which also finds every touchpoint's reach) takes seconds.

    Raises
    ------
    DataError, ValueError
        As :func:`conversion`.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở thẻ", stages=["Đăng ký"])
    >>> j.add_touchpoint("form", name="Điền form", stage="Đăng ký", drop_off=0.4)
    >>> j.add_touchpoint("xong", name="Mở thẻ thành công", stage="Đăng ký", goal=True)
    >>> j.add_transition("form", "xong")
    >>> conversion_by_goal(j)
    {'xong': 0.6}
    """
    import numpy as np
    from scipy.sparse import coo_matrix, identity
    from scipy.sparse.linalg import spsolve

    graph = _graph(journey)
    goal_ids = _goal_ids(graph, goals)
    _require_goals(graph, goal_ids)
    P, drop = transition_probabilities(graph, goals=goal_ids)
    alpha = start_distribution(graph, start=start)
    successors, transient = _transient(graph, set(goal_ids), P, drop, alpha)
    by_goal = {g: alpha.get(g, 0.0) for g in goal_ids}
    if not transient:
        return by_goal
    index = {u: i for i, u in enumerate(transient)}
    rows, cols, values = [], [], []
    for u in transient:
        for v, p in successors[u]:
            if v in index:
                rows.append(index[u])
                cols.append(index[v])
                values.append(p)
    n = len(transient)
    A = (identity(n, format="csc") - coo_matrix((values, (rows, cols)), shape=(n, n)).tocsc()).T.tocsc()
    visits = np.atleast_1d(spsolve(A, np.array([alpha.get(u, 0.0) for u in transient])))
    for u in transient:
        for v, p in successors[u]:
            if v in by_goal:
                by_goal[v] += float(visits[index[u]] * p)
    return by_goal


def _check_traps(
    graph: nx.DiGraph,
    transient: list[str],
    successors: Mapping[str, list[tuple[str, float]]],
    drop: Mapping[str, float],
    goal_set: set[str],
) -> None:
    """Raise when I − Q is singular: reachable touchpoints from which no customer ever leaves or converts."""
    inside = set(transient)
    sub = nx.DiGraph()
    sub.add_nodes_from(transient)
    exits = set()
    for u in transient:
        if drop[u] > _EPS:
            exits.add(u)
        for v, _ in successors[u]:
            if v in goal_set:
                exits.add(u)
            elif v in inside:
                sub.add_edge(u, v)
    can_exit = set(exits)
    stack = list(exits)
    while stack:  # one backward search from every exit at once (linear, where ancestors() per exit is quadratic)
        for u in sub.predecessors(stack.pop()):
            if u not in can_exit:
                can_exit.add(u)
                stack.append(u)
    trapped = inside - can_exit
    if not trapped:
        return
    loops = [sorted(c, key=transient.index) for c in nx.attracting_components(sub.subgraph(trapped))]
    described = "; ".join(" ↔ ".join(f"{u!r} ({_name(graph, u)})" for u in loop) for loop in loops)
    raise DataError(
        f"journey {_title(graph)!r}: customers who reach {described} go round forever — no drop-off there "
        "and no path to a goal; give one of those touchpoints a drop_off or a transition towards a goal"
    )


def _hours(graph: nx.DiGraph, u: str, v: str) -> float | None:
    edge = graph.edges[u, v] if graph.has_edge(u, v) else {}
    for key in ("mean_hours", "median_hours"):
        if edge.get(key) is not None:
            return float(edge[key])
    return None


# -- small helpers -----------------------------------------------------------------------------------


def _graph(journey: Journey | nx.DiGraph) -> nx.DiGraph:
    if isinstance(journey, Journey):
        return journey.graph
    if isinstance(journey, nx.DiGraph):
        return journey
    raise TypeError(f"journey must be a journeymap.Journey or a networkx.DiGraph; got {type(journey).__name__}")


def _title(graph: nx.DiGraph) -> str:
    return str(graph.graph.get("journey", "(untitled)"))


def _name(graph: nx.DiGraph, u: str) -> str:
    return str(graph.nodes[u].get("name", u))


def _goal_ids(graph: nx.DiGraph, goals: str | Iterable[str] | None) -> list[str]:
    if goals is None:
        return [n for n, attrs in graph.nodes(data=True) if attrs.get("goal")]
    ids = [goals] if isinstance(goals, str) else list(dict.fromkeys(goals))
    if not ids:
        raise ValueError("goals=: got an empty list; pass at least one touchpoint id, or None to use `goal: true`")
    _check_ids(graph, ids, "goals")
    return ids


def _require_goals(graph: nx.DiGraph, goal_ids: list[str]) -> None:
    if not goal_ids:
        raise DataError(
            f"journey {_title(graph)!r} has no goal touchpoint, so conversion is undefined; mark the touchpoint(s) "
            "whose reach means success with `goal: true` in the journey file, or pass goals=['touchpoint_id', …]"
        )


def _check_ids(graph: nx.DiGraph, ids: list[Any], parameter: str) -> None:
    unknown = [i for i in ids if i not in graph]
    if unknown:
        raise ValueError(
            f"{parameter}=: unknown touchpoint id(s) {_listing(unknown)}; "
            f"the journey's touchpoints are {_listing(list(graph.nodes))}"
        )


def _check_shares(values: Mapping[Any, Any], parameter: str) -> None:
    bad = {k: v for k, v in values.items() if not _is_number(v) or not 0.0 <= v <= 1.0}
    if bad:
        shown = ", ".join(f"{k!r}: {v!r}" for k, v in list(bad.items())[:20])
        raise ValueError(f"{parameter}=: values must be shares between 0 and 1; got {shown}")


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and not math.isnan(value)


def _listing(items: list[Any], limit: int = 20) -> str:
    shown = ", ".join(repr(i) for i in items[:limit])
    return shown + (", …" if len(items) > limit else "")


def _moved(old: float, new: float) -> str:
    if abs(new - old) < 5e-4:
        return f"giữ nguyên {fmt.percent(new)}"
    verb = "tăng từ {} lên {}" if new > old else "giảm từ {} xuống {}"
    return verb.format(fmt.percent(old), fmt.percent(new))


def _conversion_moved(old: float, new: float) -> str:
    if abs(new - old) < 5e-4:
        return f"không đổi ({fmt.percent(old)})"
    verb = "tăng từ {} lên {} ({})" if new > old else "giảm từ {} xuống {} ({})"
    return verb.format(fmt.percent(old), fmt.percent(new), fmt.points(new - old))

