"""Modelling warnings: a journey that keeps the contract but is probably not what its author meant.

:func:`validate_journey` first checks the contract (as loading does) and then looks for mistakes
that a file can make while being valid. Each finding is a :class:`JourneyWarning` with a ``code``:

``orphan``
    A touchpoint with no transition to or from any other touchpoint (in a journey of several).
``unreachable``
    A touchpoint that no path from the journey's start reaches (see
    :func:`journeymap.markov.start_distribution` for where a journey starts), so its reach is 0%.
``unreachable_goal``
    A goal (``goal: true``) that no customer can reach: no path leads to it from the start, or the
    drop-off and probability figures lose every customer on the way.
``after_goal``
    Touchpoints that customers reach only after a goal (one warning per goal, listing them).
    Conversion analyses end a customer's journey at the goal, so they show with 0% reach
    (expected for after-sales steps drawn on purpose).
``empty_stage``
    A stage with no touchpoint.
``no_start``
    Every touchpoint's ``starts`` is 0, so no customer begins anywhere.
``endless_loop``
    Touchpoints customers can reach but never leave, neither dropping off nor reaching a goal.
``volumes_vs_drop_off``
    A touchpoint's ``drop_off`` against the share its volumes imply: customers reaching it (its
    ``volume``, else the volumes of the transitions into it plus its ``starts``) against the
    volumes of the transitions out of it to other touchpoints.
``volumes_vs_probability``
    A transition's probability (as :func:`journeymap.markov.transition_probabilities` reads it)
    against its volume over the volume of its source touchpoint.
``volumes_vs_conversion``
    The share of customers reaching a goal by the volumes (the goal's volume over the customers
    who start) against the conversion the drop-off and probability figures give (what
    ``cx conversion`` and the report show).

``split_list``
    In the file the journey was read from, a list written in brackets (``[a, b]``) whose first item
    starts with a capital letter and a later one in lower case: YAML splits such a list at every
    comma, so "[Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày]" became two items. Quote the sentence or
    write the list one item per line if it was meant as one.

The three volume checks compare two shares and warn when they are more than ``tolerance`` apart
(2 percentage points by default); they are skipped for a journey discovered from an event log,
whose volumes count customers while its probabilities count visits.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

import networkx as nx

from . import fmt
from .errors import DataError, JourneyValidationError, Problem
from .journey import Journey
from .markov import conversion_by_goal, start_distribution, transition_probabilities
from .text import excerpt

__all__ = ["DEFAULT_TOLERANCE", "JourneyWarning", "WarningCode", "validate_journey"]

WarningCode = Literal[
    "orphan",
    "unreachable",
    "unreachable_goal",
    "after_goal",
    "empty_stage",
    "no_start",
    "endless_loop",
    "volumes_vs_drop_off",
    "volumes_vs_probability",
    "volumes_vs_conversion",
    "split_list",
]
DEFAULT_TOLERANCE = 0.02
"""How far apart (as a share: 0.02 is 2 percentage points) two figures may be before a volume warning."""
_EPS = 1e-9


class JourneyWarning(UserWarning):
    """One modelling warning: what looks wrong (``message``), where (``place``) and its ``code``.

    It is a :class:`UserWarning`, so it can also go through Python's :mod:`warnings` machinery:
    ``warnings.warn(w)`` shows it, and ``warnings.simplefilter("error", JourneyWarning)`` turns it
    into an exception.

    Parameters
    ----------
    code
        One of the codes in :mod:`journeymap.checks`, e.g. ``"orphan"``.
    message
        What is wrong and what to do about it.
    place
        Where: ``touchpoint 'ekyc' (Xác thực eKYC)``, ``stage 'Sau mua'``, ``transition a → b``.
    """

    def __init__(self, code: str, message: str, place: str = "") -> None:
        super().__init__(code, message, place)
        self.code = code
        self.message = message
        self.place = place

    def __str__(self) -> str:
        return f"{self.place}: {self.message}" if self.place else self.message

    def __repr__(self) -> str:
        return f"JourneyWarning(code={self.code!r}, place={self.place!r}, message={self.message!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JourneyWarning):
            return NotImplemented
        return (self.code, self.message, self.place) == (other.code, other.message, other.place)

    def __hash__(self) -> int:
        return hash((self.code, self.message, self.place))


def validate_journey(
    journey: Journey, *, strict: bool = False, tolerance: float = DEFAULT_TOLERANCE
) -> list[JourneyWarning]:
    """Check a journey: raise on a broken contract, return the modelling warnings.

    Parameters
    ----------
    journey : Journey
        The journey (its graph may have been edited directly; it is checked as it is now).
    strict : bool
        Raise the warnings too, as one :class:`~journeymap.errors.JourneyValidationError` listing
        them (what ``cx validate --strict`` does).
    tolerance : float
        For the volume checks: how far apart two shares may be, from 0 to 1 (default 0.02, i.e.
        2 percentage points).

    Returns
    -------
    list of JourneyWarning
        Grouped by check (stages first, goals' conversion last), in journey order within a check;
        empty when the journey looks as meant.

    Raises
    ------
    JourneyValidationError
        When the journey breaks the journey file's contract (every problem listed), or when
        ``strict`` and there are warnings.

    Examples
    --------
    >>> j = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán", "Giao hàng", "Sau mua"])
    >>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", volume=1000, drop_off=0.2)
    >>> j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán", goal=True, volume=600)
    >>> j.add_touchpoint("danh_gia", name="Viết đánh giá", stage="Sau mua")
    >>> j.add_transition("gio_hang", "thanh_toan", volume=600)
    >>> j.add_transition("thanh_toan", "danh_gia", volume=90)
    >>> for w in validate_journey(j):
    ...     print(w.code, "|", w)
    empty_stage | stage 'Giao hàng': has no touchpoint; add one, or remove the stage from the journey's stages
    volumes_vs_drop_off | touchpoint 'gio_hang' (Giỏ hàng): volumes imply 40% leave here (600 of 1.000 go on), \
drop_off implies 20%
    after_goal | touchpoint 'thanh_toan' (Thanh toán): 1 touchpoint is reached only after this goal ('Viết đánh giá'); \
conversion analyses end the journey at a goal, so it shows with 0% reach. Expected for after-sales steps drawn on \
purpose; to measure them, use another goal (cx conversion --goal)
    volumes_vs_conversion | touchpoint 'thanh_toan' (Thanh toán): volumes imply 60% of customers reach this goal \
(600 of 1.000 who start), drop-off and probability figures imply 80% (the conversion cx conversion and the report show)
    """
    if not isinstance(journey, Journey):
        raise TypeError(f"journey must be a journeymap.Journey; got {type(journey).__name__}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not 0 <= tolerance <= 1:
        raise ValueError(f"tolerance must be a share from 0 to 1 (0.02 = 2 percentage points); got {tolerance!r}")
    journey.validate()
    found = _Checker(journey, float(tolerance)).run()
    if strict and found:
        raise JourneyValidationError(
            [Problem(f"{w.message} [warning: {w.code}]", w.place) for w in found],
            source=f"journey {journey.title!r} (--strict: warnings fail)",
        )
    return found


class _Checker:
    """The checks of :func:`validate_journey` over one journey's graph."""

    def __init__(self, journey: Journey, tolerance: float) -> None:
        self.journey = journey
        self.graph: nx.DiGraph = journey.graph
        self.tolerance = tolerance
        self.goals = [n for n, goal in self.graph.nodes(data="goal") if goal]
        self.found: list[JourneyWarning] = []

    def run(self) -> list[JourneyWarning]:
        self._split_lists()
        self._empty_stages()
        orphans = self._orphans()
        starts = self._starts()
        measured = self.journey.origin != "discovered"
        flagged: set[str] = set()
        if measured:
            flagged = self._drop_off_against_volumes()
        if starts is not None:
            self._reachability(starts, orphans)
        if measured:
            self._probabilities_against_volumes(flagged)
        chain = self._conversion()
        if starts is not None and chain is not None:
            self._goals(starts, chain, measured)
        return self.found

    # -- the file ---------------------------------------------------------------------------------
    def _split_lists(self) -> None:
        for where, line, items in self.journey.split_lists:
            shown = ", ".join(items)
            self._warn("split_list", f"line {line}: {where}",
                       f"YAML read [{excerpt(shown, 120)}] as {len(items)} items "
                       f"({' | '.join(excerpt(i, 40) for i in items)}): inside [ ], every comma starts a new item. "
                       f"If it is one sentence, put it in quotes (\"{excerpt(shown, 60)}\") or write the list one "
                       "item per line (- …)")

    # -- structure --------------------------------------------------------------------------------
    def _empty_stages(self) -> None:
        used = {stage for _, stage in self.graph.nodes(data="stage")}
        for stage in self.journey.stages:
            if stage not in used:
                self._warn("empty_stage", f"stage {stage!r}",
                           "has no touchpoint; add one, or remove the stage from the journey's stages")

    def _orphans(self) -> set[str]:
        if self.graph.number_of_nodes() < 2:
            return set()
        orphans = {n for n in self.graph if all(m == n for m in nx.all_neighbors(self.graph, n))}
        for node in self.graph:
            if node in orphans:
                self._warn("orphan", self._touchpoint(node),
                           "has no transition to or from another touchpoint, so no customer passes through it; "
                           "add a transition, or remove the touchpoint")
        return orphans

    def _starts(self) -> list[str] | None:
        try:
            return list(start_distribution(self.graph))
        except DataError as exc:
            self._warn("no_start", "starts", str(exc))
            return None

    def _reachability(self, starts: list[str], orphans: set[str]) -> None:
        reached = self._reach(starts, through_goals=True)
        before_goal = self._reach(starts, through_goals=False)
        begin = ", ".join([self._name(s) for s in starts[:5]] + (["…"] if len(starts) > 5 else []))
        for node in self.graph:
            if node in orphans:
                continue
            if node not in reached:
                what = "goal" if node in self.goals else "touchpoint"
                self._warn(
                    "unreachable_goal" if node in self.goals else "unreachable",
                    self._touchpoint(node),
                    f"no path from where the journey starts ({begin}) leads to this {what}, so its reach is 0%; "
                    "add a transition into it, or give it `starts`",
                )
        after: dict[str, list[str]] = {}
        beyond = {g: nx.descendants(self.graph, g) for g in self.goals if g in before_goal}
        for node in self.graph:
            if node in reached and node not in before_goal:
                first = next(g for g, later in beyond.items() if node in later)
                after.setdefault(first, []).append(node)
        for goal, nodes in after.items():
            listed = ", ".join(self._name(n) for n in nodes[:4]) + (f", … ({len(nodes)} in all)" if len(nodes) > 4 else "")
            self._warn(
                "after_goal",
                self._touchpoint(goal),
                f"{_count(len(nodes))} touchpoint{'s are' if len(nodes) > 1 else ' is'} reached only after this goal "
                f"({listed}); conversion analyses end the journey at a goal, so {'they show' if len(nodes) > 1 else 'it shows'} "
                "with 0% reach. Expected for after-sales steps drawn on purpose; to measure them, "
                "use another goal (cx conversion --goal)",
            )

    def _reach(self, starts: Iterable[str], *, through_goals: bool) -> set[str]:
        goals = set(self.goals)
        seen = set(starts)
        stack = [s for s in seen if through_goals or s not in goals]
        while stack:
            node = stack.pop()
            for nxt in self.graph.successors(node):
                if nxt not in seen:
                    seen.add(nxt)
                    if through_goals or nxt not in goals:
                        stack.append(nxt)
        return seen

    def _conversion(self) -> dict[str, float] | None:
        if not self.goals:
            return None
        try:
            return conversion_by_goal(self.graph)
        except DataError as exc:  # customers trapped in a loop; nothing else fails on a valid journey
            self._warn("endless_loop", "transitions", str(exc))
            return None

    def _goals(self, starts: list[str], chain: dict[str, float], measured: bool) -> None:
        reached = self._reach(starts, through_goals=False)
        total = self._starting_customers(starts) if measured else None
        for goal in self.goals:
            if goal not in reached:
                continue  # reported by _reachability
            share = chain.get(goal, 0.0)
            if share <= _EPS:
                self._warn("unreachable_goal", self._touchpoint(goal),
                           "the drop-off and probability figures lose every customer before this goal, so "
                           "conversion to it is 0%; check the drop_off (1 means everyone leaves) and the probabilities "
                           "on the way")
                continue
            volume = self._volume(goal)
            if total is None or volume is None:
                continue
            by_volume = volume / total
            if abs(by_volume - share) > self.tolerance:
                self._warn(
                    "volumes_vs_conversion",
                    self._touchpoint(goal),
                    f"volumes imply {fmt.percent(by_volume)} of customers reach this goal ({_count(volume)} of "
                    f"{_count(total)} who start), drop-off and probability figures imply {fmt.percent(share)} "
                    "(the conversion cx conversion and the report show)",
                )

    # -- volumes ----------------------------------------------------------------------------------
    def _drop_off_against_volumes(self) -> set[str]:
        flagged = set()
        for node, attrs in self.graph.nodes(data=True):
            drop_off = attrs.get("drop_off")
            volume = self._volume(node)
            onward = self._onward(node)
            if drop_off is None or node in self.goals or not volume or onward is None:
                continue
            by_volume = max(0.0, 1.0 - onward / volume)
            if abs(by_volume - float(drop_off)) > self.tolerance:
                flagged.add(node)
                self._warn(
                    "volumes_vs_drop_off",
                    self._touchpoint(node),
                    f"volumes imply {fmt.percent(by_volume)} leave here ({_count(onward)} of {_count(volume)} go on), "
                    f"drop_off implies {fmt.percent(float(drop_off))}",
                )
        return flagged

    def _probabilities_against_volumes(self, flagged: set[str]) -> None:
        chain, _ = transition_probabilities(self.graph)
        for u, v, attrs in self.graph.edges(data=True):
            if u == v or u in flagged or attrs.get("probability") is None or attrs.get("volume") is None:
                continue
            volume = self._volume(u)
            if not volume or (u, v) not in chain:
                continue
            by_volume = float(attrs["volume"]) / volume
            if abs(by_volume - chain[(u, v)]) > self.tolerance:
                self._warn(
                    "volumes_vs_probability",
                    f"transition {u} → {v}",
                    f"volumes imply {fmt.percent(by_volume)} of the customers at {self._name(u)} go to {self._name(v)} "
                    f"({_count(attrs['volume'])} of {_count(volume)}), the probability figures imply "
                    f"{fmt.percent(chain[(u, v)])}",
                )

    def _volume(self, node: str) -> float | None:
        """Customers reaching ``node``: its ``volume``, else its in-transitions' volumes plus its ``starts``."""
        attrs = self.graph.nodes[node]
        if attrs.get("volume") is not None:
            return float(attrs["volume"])
        incoming = [volume for u, _, volume in self.graph.in_edges(node, data="volume") if u != node]
        if not incoming or any(v is None for v in incoming):
            return None
        return float(sum(incoming)) + float(attrs.get("starts") or 0.0)

    def _onward(self, node: str) -> float | None:
        """Customers going on from ``node`` to other touchpoints, when every such transition has a volume."""
        out = [volume for _, v, volume in self.graph.out_edges(node, data="volume") if v != node]
        if not out or any(v is None for v in out):
            return None
        return float(sum(out))

    def _starting_customers(self, starts: list[str]) -> float | None:
        if any(s is not None for _, s in self.graph.nodes(data="starts")):
            return float(sum(s or 0.0 for _, s in self.graph.nodes(data="starts")))
        volumes = [self.graph.nodes[s].get("volume") for s in starts]
        if any(v is None for v in volumes):
            return None
        total = float(sum(volumes))
        return total or None

    # -- wording ----------------------------------------------------------------------------------
    def _warn(self, code: str, place: str, message: str) -> None:
        self.found.append(JourneyWarning(code, message, place))

    def _name(self, node: str) -> str:
        return repr(excerpt(str(self.graph.nodes[node].get("name", node)), 50))

    def _touchpoint(self, node: str) -> str:
        return f"touchpoint {node!r} ({excerpt(str(self.graph.nodes[node].get('name', node)), 50)})"



def _count(value: Any) -> str:
    return fmt.number(value, 1, trim=True)
