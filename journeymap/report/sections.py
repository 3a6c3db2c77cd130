"""The report's sections: conversion, metrics, feedback, pain and designed versus lived, as template data."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import fmt
from ..errors import DataError
from ..journey import Journey
from ..terms import cause_name
from .charts import _GRAPHVIZ_READABLE, _bar_chart, _embed_svg, _interval_chart, _sentiment_bar
from .inputs import _Input, _names

if TYPE_CHECKING:
    import pandas as pd

    from ..compare import JourneyComparison
    from ..markov import Conversion

__all__ = ["conversion_section", "pain_section"]
"""The sections other parts of journeymap build too (the deck); the rest serve the report's page only."""

_VARIANTS = 10  # the most frequent paths shown in the designed-versus-lived section
_WHERE_SHOWN = 4  # touchpoints named per theme of "Phàn nàn khác" (the most comments first), the rest counted



# -- sections -----------------------------------------------------------------------------------------


def conversion_section(journey: Journey, notes: list[str]) -> dict[str, Any] | None:
    """Conversion and drop-off from the designed probabilities, as the report and the deck show them.

    ``None`` (with a sentence added to ``notes`` saying why) when the journey has no goal or nobody
    reaches one; else the formatted figures: ``probability``, ``goals``, ``steps``, ``chart``, the
    per-touchpoint ``rows`` and the :class:`~journeymap.markov.Conversion` as ``result``.
    """
    from ..markov import conversion, removal_effects

    if not any(attrs.get("goal") for _, attrs in journey.graph.nodes(data=True)):
        notes.append("Không tính chuyển đổi: hành trình chưa có điểm chạm đích (goal: true).")
        return None
    try:
        result = conversion(journey)
    except DataError as error:
        notes.append(f"Không tính chuyển đổi: {error}")
        return None
    try:
        effects = removal_effects(journey).set_index("touchpoint")["removal_effect"].to_dict()
    except DataError:
        effects = {}  # nobody converts: there is nothing to attribute
    names = _names(journey)
    graph = journey.graph
    rows = []
    for node in result.visits:
        attrs = graph.nodes[node]
        rows.append([
            names[node] + (" (đích)" if node in result.by_goal else ""),
            attrs["stage"],
            fmt.percent(result.reach[node]),
            fmt.percent(result.drop_by_touchpoint[node]),
            fmt.percent(attrs.get("drop_off")),
            fmt.percent(effects.get(node)) if node not in result.by_goal else fmt.DASH,
        ])
    lost = sorted(((names[n], share) for n, share in result.drop_by_touchpoint.items() if share > 0.0005),
                  key=lambda item: -item[1])
    chart = _bar_chart([(name, share, fmt.percent(share)) for name, share in lost[:10]],
                       title="Tỷ lệ khách hàng rời bỏ tại mỗi điểm chạm") if lost else None
    goals = ", ".join(f"{names[g]} {fmt.percent(p)}" for g, p in result.by_goal.items())
    return {
        "biggest": (lost[0][0], fmt.percent(lost[0][1])) if lost else None,
        "reached_goals": fmt.join(names[g] for g, p in result.by_goal.items() if p >= 0.0005),
        "probability": fmt.percent(result.probability),
        "goals": goals,
        "steps": fmt.number(result.expected_steps, 1),
        "steps_to_convert": None if result.expected_steps_to_convert is None
        else fmt.number(result.expected_steps_to_convert, 1),
        "hours_to_convert": None if result.expected_hours_to_convert is None
        else fmt.hours(result.expected_hours_to_convert),
        "chart": chart,
        "rows": rows,
        "unreached": sum(1 for node, reach in result.reach.items() if reach < 1e-12 and node not in result.by_goal),
        "result": result,
    }


@dataclass(frozen=True)
class _Metric:
    column: str
    title: str
    digits: int
    suffix: str = ""

    @property
    def is_ttr(self) -> bool:
        return self.column.startswith("ttr")


_SCORES = (_Metric("nps", "NPS", 1), _Metric("csat", "CSAT", 1, "%"), _Metric("ces", "CES", 2))
_TTR = _Metric("ttr_hours", "Thời gian giải quyết (giờ)", 1)
_SCALES = {"nps": "−100 … 100", "csat": "% hài lòng (4–5 trên 5)", "ces": "1 rất khó … 7 rất dễ"}


def _survey_tables(
    data: Any, journey: Journey, described: _Input, touchpoint_column: str
) -> tuple[pd.DataFrame | None, pd.DataFrame]:
    from ..metrics import survey_metrics

    by_touchpoint = None
    if touchpoint_column in described.columns:
        by_touchpoint = survey_metrics(data, by=touchpoint_column, journey=journey, touchpoint_column=touchpoint_column)
    return by_touchpoint, survey_metrics(data)


def _metrics_section(
    sources: list[tuple[pd.DataFrame | None, pd.DataFrame]], journey: Journey, touchpoint_column: str
) -> dict[str, Any]:
    """Survey scores and time to resolution; a metric comes from the first source that measured it."""
    chosen: list[tuple[_Metric, pd.DataFrame | None, pd.DataFrame]] = []
    for metric in (*_SCORES, _TTR):
        source = next(((by, overall) for by, overall in sources if metric.column in overall.columns), None)
        if source is not None:
            chosen.append((metric, *source))
    scores = [item for item in chosen if not item[0].is_ttr]
    ttr = [item for item in chosen if item[0].is_ttr]
    tables = [table for table in (
        _metric_table(scores, journey, touchpoint_column, caption="Điểm khảo sát theo điểm chạm được đánh giá"),
        _metric_table(ttr, journey, touchpoint_column, caption="Thời gian giải quyết phiếu hỗ trợ"),
    ) if table is not None]

    nps_chart = None
    names = _names(journey)
    for metric, by_touchpoint, _ in scores:
        answered = [] if by_touchpoint is None else by_touchpoint[by_touchpoint["nps_n"] > 0].to_dict(orient="records")
        if metric.column == "nps" and answered:
            nps_chart = _interval_chart(
                [(names.get(str(r[touchpoint_column]), str(r[touchpoint_column])), r["nps"], r["nps_low"],
                  r["nps_high"], fmt.number(r["nps"], 1)) for r in answered],
                title="NPS theo điểm chạm với khoảng tin cậy 95%", low=-100, high=100, step=50,
            )
    kpis = []
    for metric, _, overall in chosen:
        record = overall.iloc[0].to_dict()
        value = record.get(metric.column)
        if fmt.is_missing(value):
            continue
        if metric.is_ttr:
            kpis.append(("Thời gian giải quyết", fmt.hours(value),
                         f"{fmt.number(record['resolved'])} phiếu đã giải quyết, {fmt.number(record['unresolved'])} chưa"))
        else:
            kpis.append((metric.title, fmt.number(value, metric.digits) + metric.suffix,
                         f"{_SCALES[metric.column]}; {fmt.number(record[f'{metric.column}_n'])} phản hồi · nguồn: đo được"))
    return {"tables": tables, "nps_chart": nps_chart, "kpis": kpis}


def _count(record: Mapping[Any, Any], metric: _Metric) -> float:
    if metric.is_ttr:
        return float(record.get("resolved") or 0) + float(record.get("unresolved") or 0)
    return float(record.get(f"{metric.column}_n") or 0)


def _metric_cells(record: Mapping[Any, Any] | None, metric: _Metric) -> list[str]:
    if record is None or not _count(record, metric):
        return [fmt.DASH, fmt.DASH, fmt.DASH]
    value = record[metric.column]
    shown = fmt.number(value, metric.digits) + ("" if fmt.is_missing(value) else metric.suffix)
    interval = fmt.interval(record[f"{metric.column}_low"], record[f"{metric.column}_high"], metric.digits, metric.suffix)
    if metric.is_ttr:
        return [shown, interval, f"{fmt.number(record['resolved'])} / {fmt.number(record['unresolved'])}"]
    return [shown, interval, fmt.number(record[f"{metric.column}_n"])]


def _metric_table(
    chosen: list[tuple[_Metric, pd.DataFrame | None, pd.DataFrame]],
    journey: Journey,
    touchpoint_column: str,
    *,
    caption: str,
) -> dict[str, Any] | None:
    """Rows of the touchpoints with answers (journey order, then others), and the whole journey."""
    if not chosen:
        return None
    records: dict[str, dict[_Metric, Mapping[Any, Any]]] = {}
    for metric, by_touchpoint, _ in chosen:
        if by_touchpoint is None:
            continue
        for record in by_touchpoint.to_dict(orient="records"):
            if _count(record, metric):
                records.setdefault(str(record[touchpoint_column]), {})[metric] = record
    position = {node: i for i, node in enumerate(journey.graph)}
    names = _names(journey)
    rows = []
    for node in sorted(records, key=lambda v: (position.get(v, len(position)), v)):
        row = [names.get(node, node)]
        for metric, _, _ in chosen:
            row.extend(_metric_cells(records[node].get(metric), metric))
        rows.append(row)
    total = ["Toàn hành trình"]
    for metric, _, overall in chosen:
        total.extend(_metric_cells(overall.iloc[0].to_dict(), metric))
    headers = [(m.title, "đã / chưa giải quyết" if m.is_ttr else "n") for m, _, _ in chosen]
    return {"caption": caption, "headers": headers, "rows": rows, "total": total}


def _feedback_section(
    journey: Journey, feedback: Any, described: _Input, *, text_column: str, touchpoint_column: str
) -> tuple[dict[str, Any], pd.DataFrame]:
    from nlp.labels import CAUSES

    from ..feedback import UNMATCHED, attach_feedback, summarize_feedback

    attached = attach_feedback(journey, feedback, text_column=text_column,
                               touchpoint_column=touchpoint_column if touchpoint_column in described.columns else None)
    summary = summarize_feedback(journey, attached, text_column=text_column)
    cause_names = {c.id: c.vi for c in CAUSES}
    usable = attached[attached["text_status"] == "ok"]
    touchpoints = summary.drop(index=UNMATCHED)
    # One scale for every card, so a longer bar means more comments anywhere on the page.
    most = max((k for causes in touchpoints["top_causes"] for _, k in causes), default=1)
    cards = []
    for node, row in touchpoints.iterrows():
        if not row["comments"]:
            continue
        chart = None
        if row["top_causes"]:
            chart = _bar_chart([(cause_names.get(c, c), float(k), fmt.number(k)) for c, k in row["top_causes"]],
                               title=f"Nguyên nhân được nhắc đến: {row['name']}", label_width=270, plot_width=150,
                               maximum=float(most))
        cards.append({
            "id": node,
            "name": row["name"],
            "stage": row["stage"],
            "comments": fmt.number(row["comments"]),
            "negative": fmt.percent(row["negative_share"], 0),
            "sentiment": _sentiment_bar(row["negative_share"], row["neutral_share"], row["positive_share"]),
            "chart": chart,
            "quotes": list(row["quotes"]),
        })
    negative = (usable["sentiment"] == "negative").mean() if len(usable) else math.nan
    return {
        "total": fmt.number(len(attached)),
        "with_text": fmt.number(len(usable)),
        "negative": fmt.percent(negative),
        "unmatched": fmt.number(summary.loc[UNMATCHED, "comments"]),
        "cards": cards,
        "other": _other_complaints(journey, attached, text_column),
    }, summary


def _other_complaints(journey: Journey, attached: pd.DataFrame, text_column: str) -> dict[str, Any]:
    """"Phàn nàn khác": the comments that are not positive and name none of the causes, as themes with
    their count per touchpoint and one quote (:func:`journeymap.feedback.other_complaints`)."""
    from nlp.themes import select_comments

    from ..feedback import OTHER_COMPLAINTS_MIN, UNMATCHED, _as_id_list, other_complaints

    found = other_complaints(journey, attached, text_column=text_column)
    if found is None:
        statuses = attached["text_status"].tolist() if "text_status" in attached.columns else None
        count = len(select_comments(attached["sentiment"].tolist(),
                                    [_as_id_list(c) for c in attached["causes"].tolist()], "no-cause", statuses))
        return {"comments": fmt.number(count), "themes": None, "minimum": fmt.number(OTHER_COMPLAINTS_MIN)}
    names = {**_names(journey), UNMATCHED: "không gắn điểm chạm"}
    rows = []
    for theme in found.themes:
        most = sorted(theme.by_touchpoint.items(), key=lambda item: -item[1])  # stable: journey order on ties
        where = " · ".join(f"{names.get(node, node)} {fmt.number(count)}" for node, count in most[:_WHERE_SHOWN])
        if len(most) > _WHERE_SHOWN:
            where += (f" · {fmt.number(len(most) - _WHERE_SHOWN)} điểm chạm khác "
                      f"{fmt.number(sum(count for _, count in most[_WHERE_SHOWN:]))}")
        rows.append([theme.label, "; ".join(theme.key_phrases[:5]), fmt.number(theme.comments), where, theme.quote])
    return {"comments": fmt.number(found.comments), "themes": fmt.number(len(found.themes)), "rows": rows,
            "unthemed": fmt.number(found.unthemed) if found.unthemed else None,
            "minimum": fmt.number(OTHER_COMPLAINTS_MIN)}


def pain_section(journey: Journey, summary: pd.DataFrame | None) -> dict[str, Any] | None:
    """The pain ranking (:func:`journeymap.pain.pain_ranking`) as the report and the deck show it.

    ``None`` when no touchpoint can be scored; else ``rows`` (rank, name, stage, score, bar, why,
    source, best first) and whether the comments (``summary``) took part (``uses_feedback``).
    """
    from ..pain import pain_ranking

    ranking = pain_ranking(journey, summary)
    if ranking["score"].isna().all():
        return None
    top = ranking["score"].max()
    rows = []
    for r in ranking.to_dict(orient="records"):
        scored = not fmt.is_missing(r["score"])
        rows.append({
            "id": r["touchpoint"],
            "rank": r["rank"],
            "name": r["name"],
            "stage": r["stage"],
            "score": fmt.number(r["score"], 2) if scored else fmt.DASH,
            "bar": (r["score"] / top * 100) if scored and top > 0 else 0.0,
            "why": r["why"],
            "source": r["source"],
            "top_cause": _top_cause(r["top_causes"]),
        })
    return {"rows": rows, "uses_feedback": summary is not None}


def _top_cause(top: list[tuple[str, int]]) -> tuple[str, str] | None:
    """The cause customers name most (all of them when tied), in Vietnamese, and how many comments."""
    if not top:
        return None
    most = top[0][1]
    names = [cause_name(c) for c, k in top if k == most]
    return fmt.join([names[0][:1].lower() + names[0][1:]] + [n[:1].lower() + n[1:] for n in names[1:]]), fmt.number(most)


def _what_if_section(journey: Journey, conversion: dict[str, Any] | None, pain: dict[str, Any] | None) -> dict[str, Any] | None:
    """What fixing the worst pain point would gain: conversion with its drop-off halved.

    The worst-ranked touchpoint that loses customers (a designed drop-off above 0, not a goal) is
    tried with half its drop-off (:func:`journeymap.markov.what_if`); the sentence appears in the
    conversion section and, word for word, in the executive summary."""
    from ..markov import what_if

    if conversion is None or pain is None:
        return None
    graph = journey.graph
    for row in pain["rows"]:
        attrs = graph.nodes[row["id"]]
        share = attrs.get("drop_off")
        if row["score"] == fmt.DASH or not share or attrs.get("goal") or not any(True for _ in graph.successors(row["id"])):
            continue
        try:
            change = what_if(journey, drop_off={row["id"]: share / 2})
        except DataError:
            return None
        return {"name": row["name"], "summary": change.summary, "change": fmt.points(change.change / 100),
                "after": fmt.percent(change.after.probability)}
    return None


def _summary_section(
    conversion: dict[str, Any] | None,
    lived: dict[str, Any] | None,
    pain: dict[str, Any] | None,
    what_if: dict[str, Any] | None,
) -> list[dict[str, str]]:
    """The executive summary: a few plain sentences, each figure copied from the section it links to."""
    findings = []
    if conversion is not None:
        text = (f"Theo thiết kế, {conversion['probability']} khách hàng bắt đầu hành trình đi đến đích "
                f"({conversion['reached_goals'] or conversion['goals']}).")
        if lived is not None and lived["lived"] is not None:
            text += f" Nhật ký sự kiện cho thấy thực tế là {lived['lived']}."
        findings.append({"section": "conversion", "text": text})
        if conversion["biggest"] is not None:
            name, share = conversion["biggest"]
            findings.append({"section": "conversion",
                             "text": f"Mất nhiều khách nhất tại “{name}”: {share} số khách bắt đầu hành trình rời đi ở đây."})
    if pain is not None:
        worst = pain["rows"][0]
        text = f"Điểm đau lớn nhất là “{worst['name']}” (điểm {worst['score']} trên thang 0–1: {worst['why']})."
        if worst["top_cause"] is not None:
            cause, count = worst["top_cause"]
            text += f" Khách hàng phàn nàn nhiều nhất về: {cause} ({count} bình luận{' mỗi nguyên nhân' if ' và ' in cause else ''})."
        findings.append({"section": "pain", "text": text})
    if what_if is not None:
        findings.append({"section": "conversion", "text": what_if["summary"]})
    return findings


def _lived_section(
    journey: Journey,
    events: Any,
    described: _Input,
    designed_conversion: Conversion | None,
    *,
    case_column: str,
    touchpoint_column: str,
    timestamp_column: str,
    print_mm: tuple[float, float],
) -> dict[str, Any]:
    """The designed-versus-lived section; ``print_mm`` is the printed page's width and height (each
    printed page of the diagram starts a page of its own)."""
    from ..compare import compare_journeys
    from ..discover import discover_with_variants
    from ..draw.render import journey_page_svgs, journey_to_svg
    from ..markov import conversion
    from ..text import fold_diacritics

    # One reading of the log (it may hold millions of events) for both the journey and its paths.
    lived, variants = discover_with_variants(
        events, top=_VARIANTS, case_column=case_column, touchpoint_column=touchpoint_column,
        timestamp_column=timestamp_column, reference=journey, stage_column="stage" if "stage" in described.columns else None,
    )
    comparison: JourneyComparison = compare_journeys(journey, lived)
    both = comparison.to_journey()  # the design and the log on one diagram
    try:
        lived_conversion = conversion(lived)
    except DataError:
        lived_conversion = None  # the log reaches none of the design's goals

    # path_variants gives the values as written in the log; show the journey's names where they match.
    by_value = {node: attrs["name"] for node, attrs in lived.graph.nodes(data=True)}
    by_value.update({fold_diacritics(attrs["name"]): attrs["name"] for _, attrs in lived.graph.nodes(data=True)})

    def shown(value: str) -> str:
        return by_value.get(value, by_value.get(fold_diacritics(value), value))

    names = _names(journey)
    reach_rows = []
    if designed_conversion is not None and lived_conversion is not None:
        for designed_id, lived_id in zip(comparison.matched["designed_id"], comparison.matched["lived_id"]):
            before = designed_conversion.reach.get(designed_id)
            after = lived_conversion.reach.get(lived_id)
            if before is None or after is None or max(before, after) < 0.0005:
                continue
            reach_rows.append([names[designed_id], fmt.percent(before), fmt.percent(after), fmt.points(after - before)])

    def transitions(frame: pd.DataFrame, *, with_share: bool) -> list[list[str]]:
        out = []
        for r in frame.to_dict(orient="records"):
            row = [f"{r['from_name']} → {r['to_name']}"]
            if with_share:
                row += [fmt.number(r["volume"]), fmt.percent(r["share"])]
            else:
                row += [fmt.number(r["designed_volume"])]
            out.append(row)
        return out

    return {
        "description": lived.description,
        "designed": None if designed_conversion is None else fmt.percent(designed_conversion.probability),
        "lived": None if lived_conversion is None else fmt.percent(lived_conversion.probability),
        "counts": {
            "matched": len(comparison.matched),
            "only_designed": len(comparison.only_designed),
            "only_lived": len(comparison.only_lived),
            "common": len(comparison.common),
            "not_observed": len(comparison.designed_not_observed),
            "not_designed": len(comparison.observed_not_designed),
        },
        "svg": _embed_svg(journey_to_svg(both), "lived-", readable=_GRAPHVIZ_READABLE),
        # Printed instead of the wide diagram, as the flow diagram is: two touchpoint columns a row,
        # cut into A4 landscape pages with text of at least 6 pt.
        "svg_print": [_embed_svg(svg, f"lived-p{i}-", readable=0.0) for i, svg in enumerate(
            journey_page_svgs(both, width_mm=print_mm[0], height_mm=print_mm[1]))],
        "not_designed": transitions(comparison.observed_not_designed, with_share=True),
        "not_observed": transitions(comparison.designed_not_observed, with_share=False),
        "only_designed": [[r["name"], r["stage"]] for r in comparison.only_designed.to_dict(orient="records")],
        "only_lived": [[r["name"], r["stage"], fmt.number(r["volume"])]
                       for r in comparison.only_lived.to_dict(orient="records")],
        "reach": reach_rows,
        "variants": [[str(i), " → ".join(shown(v) for v in r["touchpoints"]), fmt.number(r["cases"]), fmt.percent(r["share"])]
                     for i, r in enumerate(variants.to_dict(orient="records"), start=1)],
    }


def _annotated(journey: Journey, tables: Iterable[pd.DataFrame | None], touchpoint_column: str) -> Journey:
    """A copy of the journey carrying the measured metrics of its own touchpoints."""
    from ..metrics import measured_journey

    return measured_journey(journey, *tables, touchpoint_column=touchpoint_column)
