"""Which touchpoints hurt most: a ranked list of frontstage touchpoints for a CX team to work down."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING

import networkx as nx

from . import fmt
from .feedback import feedback_numbers

if TYPE_CHECKING:
    import pandas as pd

    from .journey import Journey

__all__ = ["DEFAULT_PAIN_WEIGHTS", "pain_ranking"]

DEFAULT_PAIN_WEIGHTS: Mapping[str, float] = {
    "volume": 0.25,
    "drop_off": 1.0,
    "effort": 1.0,
    "negative": 1.0,
    "causes": 0.5,
}
"""Default weights of :func:`pain_ranking` (``volume`` is an exponent, the others weights of a mean)."""

_COMPONENTS = ("drop_off", "effort", "negative", "causes")


def pain_ranking(
    journey: Journey,
    feedback: pd.DataFrame | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    themes: Mapping[str, tuple[str, int]] | None = None,
) -> pd.DataFrame:
    """Rank the frontstage touchpoints by how much pain they cause, worst first.

    Backstage touchpoints are left out: customers do not experience them directly, and their
    effect shows up in the frontstage touchpoints they serve.

    Each touchpoint gets four components, each between 0 and 1 (1 = worst):

    - ``drop_off``: the touchpoint's ``drop_off``.
    - ``effort``: ``(7 − CES) / 6``, so CES 1 (very hard) gives 1 and CES 7 gives 0; the measured
      ``metrics["ces"]`` is used when present, else the touchpoint's ``ces``.
    - ``negative``: the share of its comments that are negative.
    - ``causes``: cause mentions per comment (a comment naming two causes counts two) divided by 2
      and capped at 1: complaints usually name one cause, so without the halving most touchpoints
      with complaints would sit at the cap and the component would not tell them apart.

    and a volume factor from the customers who reach it, ``V``: the touchpoint's ``volume``; else
    its ``starts`` plus the volumes of its incoming transitions (self-loops left out: those are
    retries, not new customers), when every such transition has a volume; else, for an entry
    touchpoint, the volumes of its outgoing transitions divided by ``1 − drop_off``. The score is::

        score = (Σ_{c in A} w_c · x_c) / (Σ_{c in A} w_c) × (V / V_max) ** w_volume

    where ``A`` holds the components that are available for the touchpoint and ``V_max`` is the
    largest ``V`` among the ranked touchpoints. Default weights: ``drop_off`` 1, ``effort`` 1,
    ``negative`` 1, ``causes`` 0.5 (causes are named mostly in negative comments, so a full weight
    would count the same signal twice) and ``volume`` 0.25, a fourth root, so a touchpoint with a
    sixteenth of the largest volume keeps half its score: volume matters, but one huge touchpoint does
    not bury a small painful one. ``volume`` 0 ignores volume; 1 makes the score proportional to it.

    Missing data: a component the touchpoint has no data for (no CES, no drop-off, no comments) is
    left out and the remaining weights renormalised; an unknown ``V`` gets the median factor of the
    touchpoints whose ``V`` is known (1 when none is). Both are listed in ``missing``. A touchpoint
    with no component at all has a NaN score and is ranked last. Ties keep the journey's order.

    Comment numbers come from ``feedback`` when given, else from the touchpoints' ``metrics``
    written by :func:`journeymap.feedback.set_feedback` (``comments``, ``negative_share`` and
    ``cause_<id>``).

    Parameters
    ----------
    journey : Journey
        The journey to rank.
    feedback : pandas.DataFrame, optional
        The output of :func:`journeymap.feedback.summarize_feedback`.
    themes : mapping, optional
        Per touchpoint id, the theme of its complaints that name no cause and how many comments it
        holds (:meth:`journeymap.feedback.OtherComplaints.top_by_touchpoint`): adds the column
        ``top_theme`` ("label (n)", empty for a touchpoint without one). It does not change the score.
    weights : mapping, optional
        Replace some of :data:`DEFAULT_PAIN_WEIGHTS`; keys ``volume``, ``drop_off``, ``effort``,
        ``negative``, ``causes``; values finite and >= 0, with at least one component above 0.

    Returns
    -------
    pandas.DataFrame
        One row per frontstage touchpoint, best-ranked first: ``rank`` (1, 2, …), ``touchpoint``,
        ``name``, ``stage``, ``score``, ``volume`` (``V``, NaN when unknown), ``volume_factor``,
        ``drop_off``, ``effort``, ``negative``, ``causes`` (NaN when missing), ``comments``,
        ``top_causes`` (up to three ``(cause, count)``), ``missing`` (list of what was left out) and
        ``why``: a short Vietnamese sentence naming the two components that add most to the score;
        ``source``: where the figures come from (:data:`journeymap.terms.SOURCES`), e.g.
        ``"rời bỏ: thiết kế; CES: đo được; bình luận: người gán nhãn"`` — drop-off from the journey
        file or, for a journey discovered from an event log, from the log; CES measured when the
        touchpoint's ``metrics`` carry ``ces`` with its answer count ``ces_n``
        (:func:`journeymap.metrics.set_metrics`), else the designed ``ces``; comment labels as
        :func:`journeymap.feedback.summarize_feedback` recorded them.

    Raises
    ------
    ValueError
        Unknown weight names (the message lists the allowed ones), or a bad weight value.
    DataError
        ``feedback`` without the summary's columns, or with rows for touchpoints not in the journey.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Đăng ký", "Sử dụng"])
    >>> j.add_touchpoint("form", name="Điền thông tin", stage="Đăng ký", ces=6, drop_off=0.1, starts=1000)
    >>> j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", ces=2, drop_off=0.3)
    >>> j.add_touchpoint("doi_chieu", name="Đối chiếu dữ liệu", stage="Đăng ký", lane="backstage")
    >>> j.add_touchpoint("chuyen_khoan", name="Chuyển khoản đầu tiên", stage="Sử dụng", goal=True)
    >>> j.add_transition("form", "ekyc", volume=900)
    >>> j.add_transition("ekyc", "doi_chieu", volume=630)
    >>> j.add_transition("doi_chieu", "chuyen_khoan", volume=600)
    >>> ranking = pain_ranking(j)
    >>> ranking[["rank", "touchpoint", "score"]].round(3).values.tolist()
    [[1, 'ekyc', 0.552], [2, 'form', 0.133], [3, 'chuyen_khoan', nan]]
    >>> ranking.loc[0, "why"]
    'CES 2/7, rời bỏ 30%'
    >>> ranking.loc[0, "missing"]
    ['negative', 'causes']
    """
    import pandas as pd

    w = _checked_weights(weights)
    graph = journey.graph
    ranked = [n for n, attrs in graph.nodes(data=True) if attrs.get("lane", "frontstage") == "frontstage"]
    comments = _comment_numbers(journey, feedback)

    volumes = {n: _customers_reaching(graph, n) for n in ranked}
    known = [v for v in volumes.values() if v is not None]
    largest = max(known, default=0.0)
    factors = {n: (v / largest) ** w["volume"] for n, v in volumes.items() if v is not None and largest > 0}
    fill_factor = statistics.median(factors.values()) if factors else 1.0

    drop_source = "lived" if journey.origin == "discovered" else "designed"
    label_source = None if feedback is None else feedback.attrs.get("labels")
    records = []
    for order, n in enumerate(ranked):
        attrs = graph.nodes[n]
        measured = attrs.get("metrics") or {}
        ces = measured.get("ces", attrs.get("ces"))
        count, negative_share, mentions, top = comments.get(n, (0, None, None, []))
        x: dict[str, float | None] = {
            "drop_off": attrs.get("drop_off"),
            "effort": None if ces is None else (7 - ces) / 6,
            "negative": negative_share if count else None,
            "causes": min(1.0, mentions / count / 2) if count and mentions is not None else None,
        }
        available = {c: value for c, value in x.items() if value is not None}
        missing = [c for c in _COMPONENTS if x[c] is None]
        if n not in factors:
            missing.insert(0, "volume")
        total_weight = sum(w[c] for c in available)
        factor = factors.get(n, fill_factor)
        if total_weight > 0:
            score = sum(w[c] * value for c, value in available.items()) / total_weight * factor
        else:
            score = math.nan
        records.append({
            "touchpoint": n,
            "name": attrs["name"],
            "stage": attrs["stage"],
            "score": score,
            "volume": math.nan if volumes[n] is None else volumes[n],
            "volume_factor": factor,
            **{c: math.nan if x[c] is None else x[c] for c in _COMPONENTS},
            "comments": count,
            "top_causes": top[:3],
            "missing": missing,
            "why": _why(x, w, ces, count, mentions, top, score),
            "source": _source(x, drop_source, "measured" if "ces_n" in measured and "ces" in measured else "designed",
                              label_source),
            "_order": order,
        })
    # Rounding before sorting keeps floating-point noise from breaking ties the journey order settles.
    records.sort(key=lambda r: (math.isnan(r["score"]), -round(r["score"], 9) if not math.isnan(r["score"]) else 0,
                                r["_order"]))
    for rank, record in enumerate(records, start=1):
        record["rank"] = rank
        del record["_order"]
    columns = ["rank", "touchpoint", "name", "stage", "score", "volume", "volume_factor", *_COMPONENTS,
               "comments", "top_causes", "missing", "why", "source"]
    ranking = pd.DataFrame.from_records(records, columns=columns)
    if themes is not None:
        ranking.insert(columns.index("top_causes") + 1, "top_theme",
                       [f"{themes[n][0]} ({themes[n][1]})" if n in themes else "" for n in ranking["touchpoint"]])
    return ranking


def _checked_weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    merged = dict(DEFAULT_PAIN_WEIGHTS)
    if weights is None:
        return merged
    allowed = ", ".join(DEFAULT_PAIN_WEIGHTS)
    unknown = [k for k in weights if k not in DEFAULT_PAIN_WEIGHTS]
    if unknown:
        raise ValueError(f"weights: unknown name(s) {', '.join(map(repr, unknown))}; allowed: {allowed}")
    for key, value in weights.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ValueError(f"weights[{key!r}] must be a finite number >= 0; got {value!r}")
        merged[key] = float(value)
    if not any(merged[c] > 0 for c in _COMPONENTS):
        raise ValueError(
            f"weights: at least one of {', '.join(_COMPONENTS)} must be above 0; got {dict(weights)!r}"
        )
    return merged


def _customers_reaching(graph: nx.DiGraph, node: str) -> float | None:
    attrs = graph.nodes[node]
    if attrs.get("volume") is not None:
        return float(attrs["volume"])
    incoming = [d.get("volume") for u, _, d in graph.in_edges(node, data=True) if u != node]
    if (incoming or attrs.get("starts") is not None) and all(v is not None for v in incoming):
        return float(attrs.get("starts") or 0) + sum(incoming)
    outgoing = [d.get("volume") for _, v, d in graph.out_edges(node, data=True) if v != node]
    if not incoming and outgoing and all(v is not None for v in outgoing):
        # Customers who moved on are the (1 − drop_off) share of those who arrived.
        kept = 1 - (attrs.get("drop_off") or 0)
        return sum(outgoing) / kept if kept > 0 else None
    return None


def _comment_numbers(
    journey: Journey, feedback: pd.DataFrame | None
) -> dict[str, tuple[int, float | None, float | None, list[tuple[str, int]]]]:
    """Per touchpoint: comments, negative share (0–1), cause mentions, top causes."""
    return {
        n: (f.comments, f.negative_share, float(sum(count for _, count in f.causes)), f.causes)
        for n, f in feedback_numbers(journey, feedback).items()
    }


def _why(
    x: Mapping[str, float | None],
    w: Mapping[str, float],
    ces: float | None,
    comments: int,
    mentions: float | None,
    top: list[tuple[str, int]],
    score: float,
) -> str:
    if math.isnan(score):
        return "chưa có dữ liệu để chấm điểm"
    contributions = [(w[c] * value, -i, c) for i, c in enumerate(_COMPONENTS)
                     if (value := x[c]) is not None and w[c] * value > 0]
    strongest = [c for _, _, c in sorted(contributions, reverse=True)[:2]]
    if not strongest:
        return "không có dấu hiệu đau nào"
    per_comment = mentions / comments if mentions is not None and comments else None
    phrases = {
        "drop_off": lambda: f"rời bỏ {fmt.percent(x['drop_off'])}",
        "effort": lambda: f"CES {fmt.number(ces, 1, trim=True)}/7",
        "negative": lambda: f"{fmt.percent(x['negative'])} bình luận tiêu cực",
        "causes": lambda: (
            f"{fmt.number(per_comment, 2, trim=True)} nguyên nhân/bình luận, nhiều nhất: {_cause_name(top[0][0])}"
        ),
    }
    return ", ".join(phrases[c]() for c in strongest)


def _source(x: Mapping[str, float | None], drop: str, effort: str, labels: str | None) -> str:
    """Where the figures behind a score come from, in the words of :data:`journeymap.terms.SOURCES`."""
    from .terms import source_name

    parts = []
    if x["drop_off"] is not None:
        parts.append(f"rời bỏ: {source_name(drop)}")
    if x["effort"] is not None:
        parts.append(f"CES: {source_name(effort)}")
    if x["negative"] is not None:
        parts.append("bình luận" + (f": {source_name(labels)}" if labels else ""))
    return "; ".join(parts)


def _cause_name(cause: str) -> str:
    from nlp.labels import CAUSES

    name = next((c.vi for c in CAUSES if c.id == cause), cause)
    return name[:1].lower() + name[1:]
