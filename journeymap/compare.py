"""Compare two journeys: a design with the journey customers live, or a current state with a future one.

A designed journey is drawn in a workshop; a lived journey is discovered from an event log (see
``journeymap.discover``, which marks it ``origin="discovered"``). :func:`compare_journeys` pairs
their touchpoints and sorts every transition into "in both", "only in the first" ("designed but
never observed") and "only in the second" ("observed but not designed");
:meth:`JourneyComparison.to_journey` turns the result into one journey that
:func:`journeymap.render_journey` draws for the next workshop.

The texts name the two sides by what they are (:func:`side_labels`): "thiết kế" and "thực tế"
(designed, lived) when one journey was discovered from an event log, "hiện tại" and "tương lai"
(current, future) when both were designed.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import fmt
from .errors import DataError
from .journey import Journey
from .resolve import RULES, Rule, TouchpointResolver, touchpoint_key

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["JourneyComparison", "Match", "compare_journeys", "side_labels"]

Match = Literal["id", "name", "auto"]

DESIGNED, LIVED = "thiết kế", "thực tế"
LABEL_NOT_OBSERVED = "thiết kế, không thấy"
LABEL_NOT_DESIGNED = "thực tế, ngoài thiết kế"
# What each side is called in the English headings of `cx compare`.
SIDE_IN_ENGLISH = {
    DESIGNED: "the design",
    LIVED: "the data",
    "hiện tại": "the current state",
    "tương lai": "the future state",
    "kỳ trước": "the earlier log",
    "kỳ sau": "the later log",
}
# Counted from the data, so on the comparison map they come from the lived journey, never the design.
_MEASURED = ("volume", "starts", "drop_off")
_MAX_LISTED = 20


def side_labels(first: Journey, second: Journey) -> tuple[str, str]:
    """What texts call two compared journeys, from their :attr:`~journeymap.Journey.origin`.

    ``("thiết kế", "thực tế")`` (designed, lived) when only the second was discovered from an
    event log, ``("thực tế", "thiết kế")`` when only the first was, ``("hiện tại", "tương lai")``
    (current, future) when both were designed, and ``("kỳ trước", "kỳ sau")`` (earlier, later)
    when both were discovered.

    Examples
    --------
    >>> from journeymap import Journey
    >>> current = Journey("Mua hàng", stages=["Mua"])
    >>> side_labels(current, current.copy(title="Mua hàng (tương lai)"))
    ('hiện tại', 'tương lai')
    >>> side_labels(current, Journey("Nhật ký tháng 5", stages=["Mua"], origin="discovered"))
    ('thiết kế', 'thực tế')
    """
    discovered = (first.origin == "discovered", second.origin == "discovered")
    return {
        (False, True): (DESIGNED, LIVED),
        (True, False): (LIVED, DESIGNED),
        (False, False): ("hiện tại", "tương lai"),
        (True, True): ("kỳ trước", "kỳ sau"),
    }[discovered]


@dataclass(frozen=True, eq=False, repr=False)
class JourneyComparison:
    """What :func:`compare_journeys` found; every table is a :class:`pandas.DataFrame`.

    The names of the tables speak of a design and the data, the usual case; with two designed
    journeys (a current and a future state) ``designed`` is the first journey and ``lived`` the
    second, so ``only_designed`` is what the second drops and ``observed_not_designed`` what it
    adds. :attr:`labels` says what the texts call each side.

    Touchpoint ids in a table are those of the journey the row comes from: designed ids for
    ``only_designed``, ``designed_not_observed`` and ``common``, lived ids for ``only_lived`` and
    ``observed_not_designed``. Names (``name``, ``from_name``, ``to_name``) are the designed names
    wherever the touchpoint is matched, so the tables speak the workshop's vocabulary.

    Attributes
    ----------
    designed, lived
        Copies of the two journeys compared.
    matched
        Paired touchpoints: ``designed_id``, ``lived_id``, ``name`` (designed), ``lived_name`` and
        ``matched_by`` (the rule of :mod:`journeymap.resolve` that paired them: ``"id"``, ``"name"``,
        ``"alias"`` or ``"derived id"``), in designed
        order.
    only_designed
        Touchpoints designed but never seen in the data: ``id``, ``name``, ``stage``, in designed order.
    only_lived
        Touchpoints seen but not designed: ``id``, ``name``, ``stage``, ``volume``, largest volume first.
    designed_not_observed
        Designed transitions never observed (including every transition of an unseen touchpoint):
        ``from``, ``to``, ``from_name``, ``to_name``, ``designed_volume``, largest first.
    observed_not_designed
        Observed transitions the design lacks (including every transition of an undesigned
        touchpoint): ``from``, ``to``, ``from_name``, ``to_name``, ``volume`` and ``share`` — the
        transition's volume over all observed volume leaving the same touchpoint — largest first.
    common
        Transitions in both: ``from``, ``to``, ``from_name``, ``to_name``, ``designed_volume``,
        ``observed_volume``, ``designed_probability``, ``observed_probability``, in designed order.
    labels
        What the texts call the first and the second journey (see :func:`side_labels`), e.g.
        ``("thiết kế", "thực tế")`` or ``("hiện tại", "tương lai")``.
    """

    designed: Journey
    lived: Journey
    matched: pd.DataFrame
    only_designed: pd.DataFrame
    only_lived: pd.DataFrame
    designed_not_observed: pd.DataFrame
    observed_not_designed: pd.DataFrame
    common: pd.DataFrame
    labels: tuple[str, str]

    @property
    def _classic(self) -> bool:
        """A design against the data: the texts keep their long-standing wording."""
        return self.labels == (DESIGNED, LIVED)

    def summary(self) -> str:
        """A short Vietnamese paragraph: the counts and the three largest transitions only in the second journey.

        Against a discovered journey it speaks of design and data ("thiết kế", "thực tế"); between
        two designed journeys of the current and the future state ("hiện tại", "tương lai").

        Examples
        --------
        >>> from journeymap import Journey
        >>> designed = Journey("Mua hàng", stages=["Mua"])
        >>> designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua")
        >>> designed.add_touchpoint("thanh_toan", name="Thanh toán", stage="Mua")
        >>> designed.add_transition("gio_hang", "thanh_toan", volume=1000)
        >>> lived = Journey("Nhật ký tháng 5", stages=["Hành trình"], origin="discovered")
        >>> lived.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Hành trình")
        >>> lived.add_touchpoint("chat", name="Chat hỗ trợ", stage="Hành trình")
        >>> lived.add_transition("gio_hang", "chat", volume=1250)
        >>> print(compare_journeys(designed, lived).summary())
        So sánh thiết kế “Mua hàng” với thực tế “Nhật ký tháng 5”: 1 điểm chạm khớp nhau, 1 chỉ có trong \
thiết kế, 1 chỉ có trong dữ liệu; 0 chuyển tiếp có ở cả hai, 1 được thiết kế nhưng không thấy trong dữ liệu, \
1 xảy ra ngoài thiết kế. Chuyển tiếp ngoài thiết kế nhiều nhất: Giỏ hàng → Chat hỗ trợ (1.250 lượt, 100%).
        >>> future = designed.copy(title="Mua hàng (tương lai)")
        >>> future.remove_transition("gio_hang", "thanh_toan")
        >>> future.add_touchpoint("vi", name="Ví điện tử", stage="Mua")
        >>> future.add_transition("gio_hang", "vi", volume=900)
        >>> print(compare_journeys(designed, future).summary())
        So sánh hiện tại “Mua hàng” với tương lai “Mua hàng (tương lai)”: 2 điểm chạm khớp nhau, 0 chỉ có ở \
hiện tại, 1 chỉ có ở tương lai; 0 chuyển tiếp có ở cả hai, 1 chỉ có ở hiện tại, 1 chỉ có ở tương lai. \
Chuyển tiếp chỉ có ở tương lai nhiều nhất: Giỏ hàng → Ví điện tử (900 lượt, 100%).
        """
        first, second = self.labels
        if not self._classic:
            text = (
                f"So sánh {first} “{self.designed.title}” với {second} “{self.lived.title}”: "
                f"{len(self.matched)} điểm chạm khớp nhau, {len(self.only_designed)} chỉ có ở {first}, "
                f"{len(self.only_lived)} chỉ có ở {second}; {len(self.common)} chuyển tiếp có ở cả hai, "
                f"{len(self.designed_not_observed)} chỉ có ở {first}, "
                f"{len(self.observed_not_designed)} chỉ có ở {second}."
            )
            return text + self._top(f" Chuyển tiếp chỉ có ở {second} nhiều nhất: ",
                                    f" Không có chuyển tiếp nào chỉ có ở {second}.")
        text = (
            f"So sánh thiết kế “{self.designed.title}” với thực tế “{self.lived.title}”: "
            f"{len(self.matched)} điểm chạm khớp nhau, {len(self.only_designed)} chỉ có trong thiết kế, "
            f"{len(self.only_lived)} chỉ có trong dữ liệu; {len(self.common)} chuyển tiếp có ở cả hai, "
            f"{len(self.designed_not_observed)} được thiết kế nhưng không thấy trong dữ liệu, "
            f"{len(self.observed_not_designed)} xảy ra ngoài thiết kế."
        )
        return text + self._top(" Chuyển tiếp ngoài thiết kế nhiều nhất: ", " Không có chuyển tiếp nào ngoài thiết kế.")

    def _top(self, lead: str, none: str) -> str:
        """The three largest transitions only in the second journey, after ``lead``; else ``none``."""
        if self.observed_not_designed.empty:
            return none
        top = []
        for row in self.observed_not_designed.head(3).itertuples(index=False):
            figures = []
            if not fmt.is_missing(row.volume):  # NaN when the lived journey carries no volumes
                figures.append(f"{fmt.number(row.volume, 1, trim=True)} lượt")
            if not fmt.is_missing(row.share):
                figures.append(fmt.percent(row.share))
            top.append(f"{row.from_name} → {row.to_name}" + (f" ({', '.join(figures)})" if figures else ""))
        return lead + "; ".join(top) + "."

    def to_journey(self) -> Journey:
        """One journey holding both: every touchpoint and transition, each transition labelled.

        The designed touchpoints keep their designed ids and annotations, but their ``volume``,
        ``starts`` and ``drop_off`` are the observed ones (a designed touchpoint never seen gets
        ``volume`` 0 and no drop-off). Undesigned touchpoints keep their lived ids (``_2``, ``_3`` …
        is appended if a designed touchpoint already uses the id) and go to their lived stage when
        the design has it; otherwise to the stage of the matched touchpoint that sends them the most
        customers (or, failing that, receives the most from them), so a detour is drawn where it
        happens; otherwise their lived stage is added at the end.

        Transitions carry the observed volume, probability and times, and a ``label``:
        ``"thiết kế, không thấy"`` (volume 0) for a designed transition never observed,
        ``"thực tế, ngoài thiết kế"`` for an observed transition the design lacks, and for a
        transition in both the designed volume (``"thiết kế 9.000"``), which the drawing shows next
        to the observed volume. The journey's description is :meth:`summary` and its title ends
        ``": thiết kế và thực tế"``.

        Other pairs of journeys (see :attr:`labels`) are labelled with their own words: for a
        current and a future state, ``"chỉ có ở hiện tại"`` (volume 0), ``"chỉ có ở tương lai"``,
        ``"hiện tại 9.000"`` and a title ending ``": hiện tại và tương lai"``; the figures drawn
        are then the future state's.

        Examples
        --------
        >>> from journeymap import Journey
        >>> designed = Journey("Mua hàng", stages=["Mua"])
        >>> designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua")
        >>> designed.add_touchpoint("thanh_toan", name="Thanh toán", stage="Mua")
        >>> designed.add_transition("gio_hang", "thanh_toan", volume=1000)
        >>> lived = Journey("Nhật ký tháng 5", stages=["Hành trình"], origin="discovered")
        >>> lived.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Hành trình", volume=1300)
        >>> lived.add_touchpoint("chat", name="Chat hỗ trợ", stage="Hành trình", volume=1250)
        >>> lived.add_transition("gio_hang", "chat", volume=1250)
        >>> union = compare_journeys(designed, lived).to_journey()
        >>> for u, v, label in union.graph.edges(data="label"):
        ...     print(u, "→", v, ":", label)
        gio_hang → thanh_toan : thiết kế, không thấy
        gio_hang → chat : thực tế, ngoài thiết kế
        >>> union.graph.nodes["chat"]["stage"]  # placed where its customers come from
        'Mua'
        """
        designed, lived = self.designed, self.lived
        to_union: dict[str, str] = dict(zip(self.matched["lived_id"], self.matched["designed_id"]))
        taken = set(designed.graph)
        for node in lived.graph:
            if node in to_union:
                continue
            union_id, n = node, 2
            while union_id in taken:
                union_id, n = f"{node}_{n}", n + 1
            taken.add(union_id)
            to_union[node] = union_id
        lived_of = dict(zip(self.matched["designed_id"], self.matched["lived_id"]))

        first, second = self.labels
        not_observed, not_designed = (
            (LABEL_NOT_OBSERVED, LABEL_NOT_DESIGNED) if self._classic else (f"chỉ có ở {first}", f"chỉ có ở {second}")
        )
        union = Journey(
            f"{designed.title}: {first} và {second}",
            stages=designed.stages,
            persona=designed.persona,
            description=self.summary(),
        )
        for node, attrs in designed.graph.nodes(data=True):
            fields = {k: v for k, v in attrs.items() if k not in _MEASURED}
            if node in lived_of:
                fields.update({k: v for k, v in lived.graph.nodes[lived_of[node]].items() if k in _MEASURED})
            else:
                fields["volume"] = 0
            union.add_touchpoint(node, **copy.deepcopy(fields))
        paired = set(lived_of.values())
        for node, attrs in lived.graph.nodes(data=True):
            if node in paired:
                continue
            stage = _stage_for(node, lived, designed, paired, to_union)
            if stage not in union.stages:
                union.add_stage(stage)
            union.add_touchpoint(to_union[node], **copy.deepcopy({**attrs, "stage": stage}))

        observed = {(to_union[u], to_union[v]): attrs for u, v, attrs in lived.graph.edges(data=True)}
        for u, v, attrs in designed.graph.edges(data=True):
            seen = observed.get((u, v))
            if seen is None:
                union.add_transition(u, v, volume=0, label=not_observed)
            else:
                planned = attrs.get("volume")
                label = f"{first} {fmt.number(planned, 1, trim=True)}" if planned is not None else None
                union.add_transition(u, v, **_timed(seen), label=label)
        for (u, v), attrs in observed.items():
            if not designed.graph.has_edge(u, v):
                union.add_transition(u, v, **_timed(attrs), label=not_designed)
        return union

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}={len(getattr(self, name))}"
            for name in (
                "matched",
                "only_designed",
                "only_lived",
                "common",
                "designed_not_observed",
                "observed_not_designed",
            )
        )
        return f"JourneyComparison({counts})"


def compare_journeys(designed: Journey, lived: Journey, *, match: Match = "auto") -> JourneyComparison:
    """Compare a designed journey with the journey lived in the data, or a current state with a future one.

    The result's texts (:meth:`~JourneyComparison.summary`, the labels of
    :meth:`~JourneyComparison.to_journey`) speak of design and data ("thiết kế", "thực tế") when
    ``lived`` was discovered from an event log (its ``origin`` is ``"discovered"``), and of the
    current and the future state ("hiện tại", "tương lai") when both journeys were designed; see
    :func:`side_labels`.

    Touchpoints are paired first, then every transition is sorted by whether it is designed,
    observed, or both. A transition touching an unpaired touchpoint is "designed, not observed"
    (designed side) or "observed, not designed" (lived side).

    Parameters
    ----------
    designed
        The journey as drawn in a workshop (the hypothesis), or the current state.
    lived
        The journey as customers live it, e.g. from ``journeymap.discover.discover_journey``,
        whose touchpoint ids are the log's values slugified and whose names are the raw values;
        or the future state to compare the current one with.
    match
        How touchpoints are paired; every mode reads the lived touchpoint's id, then its name, then
        its aliases through :class:`journeymap.resolve.TouchpointResolver`, the rule that
        :func:`~journeymap.discover.discover_journey` and :func:`~journeymap.feedback.attach_feedback`
        use too. ``"id"``: equal ids only. ``"name"``: a designed touchpoint's name, else one of its
        aliases, once both sides are folded (diacritics removed, lower-cased, runs of whitespace
        collapsed), so ``"Giỏ hàng"`` in the log pairs with a designed touchpoint whose aliases
        include ``"gio hang"``. ``"auto"`` (default): ids, names, aliases, then the id a text would
        be given (``"Giỏ-hàng"`` → ``gio_hang``).

    Returns
    -------
    JourneyComparison
        The tables, :meth:`~JourneyComparison.summary` and :meth:`~JourneyComparison.to_journey`.

    Raises
    ------
    DataError
        When a pairing is ambiguous: a lived touchpoint whose name matches two designed
        touchpoints, or a designed touchpoint matched by two lived ones (e.g. the log spells the
        same step two ways). Every ambiguity is listed with both candidates; nothing is picked
        silently.
    ValueError
        When ``match`` is not ``"id"``, ``"name"`` or ``"auto"``.

    Examples
    --------
    >>> from journeymap import Journey
    >>> designed = Journey("Mua hàng", stages=["Đặt hàng", "Thanh toán"])
    >>> designed.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Đặt hàng", aliases=["gio hang"])
    >>> designed.add_touchpoint("thanh_toan", name="Thanh toán", stage="Thanh toán")
    >>> designed.add_transition("gio_hang", "thanh_toan", volume=1000)
    >>> lived = Journey("Nhật ký sự kiện", stages=["Hành trình"], origin="discovered")
    >>> lived.add_touchpoint("gio_hang_2", name="GIỎ  HÀNG", stage="Hành trình", volume=1300)
    >>> lived.add_touchpoint("thanh_toan", name="thanh_toan", stage="Hành trình", volume=900)
    >>> lived.add_touchpoint("chat", name="Chat hỗ trợ", stage="Hành trình", volume=300)
    >>> lived.add_transition("gio_hang_2", "thanh_toan", volume=900, probability=0.69)
    >>> lived.add_transition("gio_hang_2", "chat", volume=300, probability=0.23)
    >>> comparison = compare_journeys(designed, lived)
    >>> comparison
    JourneyComparison(matched=2, only_designed=0, only_lived=1, common=1, designed_not_observed=0, \
observed_not_designed=1)
    >>> comparison.matched[["designed_id", "lived_id", "matched_by"]]
      designed_id    lived_id matched_by
    0    gio_hang  gio_hang_2       name
    1  thanh_toan  thanh_toan         id
    >>> comparison.observed_not_designed[["from", "to", "volume", "share"]]
             from    to  volume  share
    0  gio_hang_2  chat   300.0   0.25
    >>> comparison.common[["from", "to", "designed_volume", "observed_volume"]]
           from          to  designed_volume  observed_volume
    0  gio_hang  thanh_toan           1000.0            900.0
    """
    if match not in ("id", "name", "auto"):
        raise ValueError(f"match must be 'id', 'name' or 'auto'; got {match!r}")
    for parameter, value in (("designed", designed), ("lived", lived)):
        if not isinstance(value, Journey):
            raise TypeError(f"{parameter} must be a journeymap.Journey; got {type(value).__name__}")
    designed, lived = copy.deepcopy(designed), copy.deepcopy(lived)
    pairs = _pair_touchpoints(designed, lived, match)  # lived id -> (designed id, how)
    to_designed = {lv: d for lv, (d, _) in pairs.items()}
    dnodes, lnodes = designed.graph.nodes, lived.graph.nodes

    def lived_name(node: str) -> str:
        return dnodes[to_designed[node]]["name"] if node in to_designed else lnodes[node]["name"]

    by_designed = {d: (lv, how) for lv, (d, how) in pairs.items()}
    matched = [
        {"designed_id": d, "lived_id": lv, "name": dnodes[d]["name"], "lived_name": lnodes[lv]["name"], "matched_by": how}
        for d in designed.graph
        if d in by_designed
        for lv, how in [by_designed[d]]
    ]
    only_designed = [
        {"id": n, "name": a["name"], "stage": a["stage"]} for n, a in dnodes(data=True) if n not in by_designed
    ]
    only_lived = [
        {"id": n, "name": a["name"], "stage": a["stage"], "volume": a.get("volume")}
        for n, a in lnodes(data=True)
        if n not in to_designed
    ]

    # observed transitions between paired touchpoints, keyed by designed ids
    observed = {
        (to_designed[u], to_designed[v]): attrs
        for u, v, attrs in lived.graph.edges(data=True)
        if u in to_designed and v in to_designed
    }
    out_volume: dict[str, float] = defaultdict(float)
    for u, _, volume in lived.graph.edges(data="volume"):
        out_volume[u] += volume or 0.0
    common, designed_not_observed = [], []
    for u, v, attrs in designed.graph.edges(data=True):
        names = {"from": u, "to": v, "from_name": dnodes[u]["name"], "to_name": dnodes[v]["name"]}
        seen = observed.get((u, v))
        if seen is None:
            designed_not_observed.append({**names, "designed_volume": attrs.get("volume")})
        else:
            common.append(
                {
                    **names,
                    "designed_volume": attrs.get("volume"),
                    "observed_volume": seen.get("volume"),
                    "designed_probability": attrs.get("probability"),
                    "observed_probability": seen.get("probability"),
                }
            )
    observed_not_designed = []
    for u, v, attrs in lived.graph.edges(data=True):
        if u in to_designed and v in to_designed and designed.graph.has_edge(to_designed[u], to_designed[v]):
            continue
        volume = attrs.get("volume")
        observed_not_designed.append(
            {
                "from": u,
                "to": v,
                "from_name": lived_name(u),
                "to_name": lived_name(v),
                "volume": volume,
                "share": volume / out_volume[u] if volume is not None and out_volume[u] else None,
            }
        )

    return JourneyComparison(
        designed=designed,
        lived=lived,
        labels=side_labels(designed, lived),
        matched=_frame(matched, ["designed_id", "lived_id", "name", "lived_name", "matched_by"]),
        only_designed=_frame(only_designed, ["id", "name", "stage"]),
        only_lived=_frame(only_lived, ["id", "name", "stage", "volume"], sort_by="volume"),
        designed_not_observed=_frame(
            designed_not_observed, ["from", "to", "from_name", "to_name", "designed_volume"], sort_by="designed_volume"
        ),
        observed_not_designed=_frame(
            observed_not_designed, ["from", "to", "from_name", "to_name", "volume", "share"], sort_by="volume"
        ),
        common=_frame(
            common,
            [
                "from",
                "to",
                "from_name",
                "to_name",
                "designed_volume",
                "observed_volume",
                "designed_probability",
                "observed_probability",
            ],
        ),
    )


_RULES: dict[str, tuple[Rule, ...]] = {"id": ("id",), "name": ("name", "alias"), "auto": RULES}


def _matched_text(journey: Journey, node: str, rule: Rule, text: str) -> str:
    """The name or alias of ``node`` that ``text`` matched under ``rule``, for messages."""
    attrs = journey.graph.nodes[node]
    if rule == "alias":
        key = touchpoint_key(text)
        return next((a for a in attrs.get("aliases", []) if touchpoint_key(a) == key), text)
    return node if rule in ("id", "derived id") else attrs["name"]


def _pair_touchpoints(designed: Journey, lived: Journey, match: Match) -> dict[str, tuple[str, str]]:
    resolver = TouchpointResolver(designed, _RULES[match])
    pairs: dict[str, tuple[str, str]] = {}
    problems: list[str] = []
    for node, attrs in lived.graph.nodes(data=True):
        texts = ([node] if match != "name" else []) + ([attrs["name"], *attrs.get("aliases", [])] if match != "id" else [])
        for text in texts:
            found = resolver.find(text)
            if found.ambiguous:
                assert found.by is not None
                candidates = ", ".join(
                    f"{d!r} ({found.by} {_matched_text(designed, d, found.by, text)!r})" for d in found.ids
                )
                problems.append(
                    f"lived touchpoint {node!r} (name {attrs['name']!r}) matches {len(found.ids)} designed "
                    f"touchpoints: {candidates}"
                )
                break
            if found.id is not None and found.by is not None:
                pairs[node] = (found.id, found.by)
                break
    claimed: dict[str, list[str]] = defaultdict(list)
    for node, (candidate, _) in pairs.items():
        claimed[candidate].append(node)
    for candidate, nodes in claimed.items():
        if len(nodes) > 1:
            claimants = ", ".join(
                f"{n!r} (by {pairs[n][1]}, name {lived.graph.nodes[n]['name']!r})" for n in nodes
            )
            problems.append(f"designed touchpoint {candidate!r} is matched by {len(nodes)} lived touchpoints: {claimants}")
    if problems:
        listed = [f"  - {p}" for p in problems[:_MAX_LISTED]] + (["  - …"] if len(problems) > _MAX_LISTED else [])
        raise DataError(
            f"ambiguous touchpoint match ({len(problems)}):\n"
            + "\n".join(listed)
            + "\nEach touchpoint may pair with at most one on the other side: rename the touchpoint in the "
            "event log, remove the shared name or alias from one designed touchpoint, or pass match='id'."
        )
    return pairs


def _stage_for(node: str, lived: Journey, designed: Journey, paired: set[str], to_union: dict[str, str]) -> str:
    """The stage of an undesigned touchpoint on the comparison map (see ``to_journey``)."""
    stage = str(lived.graph.nodes[node]["stage"])
    if stage in designed.stages:
        return stage
    senders = [(volume or 0, u) for u, _, volume in lived.graph.in_edges(node, data="volume") if u in paired]
    receivers = [(volume or 0, v) for _, v, volume in lived.graph.out_edges(node, data="volume") if v in paired]
    for neighbours in (senders, receivers):
        if neighbours:
            # max() keeps the first of equal volumes, so ties go to the lived journey's edge order
            _, heaviest = max(neighbours, key=lambda item: item[0])
            return str(designed.graph.nodes[to_union[heaviest]]["stage"])
    return stage


def _timed(attrs: dict[str, Any]) -> dict[str, Any]:
    return {k: attrs.get(k) for k in ("volume", "probability", "median_hours", "mean_hours")}


def _frame(rows: list[dict[str, Any]], columns: list[str], *, sort_by: str | None = None) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(rows, columns=columns)
    numeric = [c for c in columns if c.endswith(("volume", "probability", "share"))]
    frame = frame.astype(dict.fromkeys(numeric, "float64"))
    if sort_by is not None:
        # stable, so ties keep the journey's own order and the result is deterministic
        frame = frame.sort_values(sort_by, ascending=False, kind="stable", na_position="last").reset_index(drop=True)
    return frame
