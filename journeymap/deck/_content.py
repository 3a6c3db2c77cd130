"""What the deck's slides say: each slide from the functions the canvas and the report use, so a figure
on a slide is the figure the canvas, the report and the ``cx`` commands print."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import fmt
from ..terms import ces_name, channel_name
from ._fit import Para
from ._pptx import (
    ACCENT,
    BOX_PAD,
    CARD_EDGE,
    CARD_FILL,
    CONTENT_BOTTOM,
    CONTENT_W,
    MARGIN,
    MUTED,
    Cell,
    Slides,
    paginate,
)

if TYPE_CHECKING:
    import pandas as pd

    from .. import PersonaSpec
    from ..compare import JourneyComparison
    from ..journey import Journey

MOMENT = "◆ khoảnh khắc quyết định"  # the canvas's words for a moment of truth
MOMENT_FILL = "FFF4D6"
MOMENT_INK = "8A6100"
PAIN_INK = "B03A2E"
OPPORTUNITY_INK = "2E7D32"
GREY_INK = "90A4AE"
WHAT_IF_TOP = 5
PICTURE_PX_PER_PT = 2.0  # pixels of a slide picture per point of the slide (960 pt wide: 1920 px)
LOST_TOP = 8
PAIN_TOP = 12
QUOTES = 3
TRANSITIONS_TOP = 8


@dataclass
class FeedbackInput:
    """The comments, attached and summarised once, and where their labels came from."""

    attached: pd.DataFrame
    summary: pd.DataFrame
    labels: str  # a Vietnamese phrase: who labelled sentiment and causes
    origin: str  # the file's name, or "DataFrame"
    text_column: str


@dataclass
class LivedInput:
    comparison: JourneyComparison
    designed_conversion: float | None
    lived_conversion: float | None
    origin: str  # "nhật ký sự kiện events.csv" or the other journey's file


# -- title and personas ---------------------------------------------------------------------------


def title_slides(deck: Slides, journey: Journey, personas: Sequence[PersonaSpec], persona: str | None,
                 date: str) -> None:
    slide, _ = deck.slide(journey.title, title_size=34)
    y = 70.0
    meta = (f"{len(journey.stages)} giai đoạn · {journey.graph.number_of_nodes()} điểm chạm · "
            f"hội thảo hành trình khách hàng · {date}")
    y += deck.text(slide, [Para(meta, color=MUTED)], MARGIN, y, CONTENT_W, 26, 13, 10)
    if journey.description:
        y += deck.text(slide, [Para(journey.description)], MARGIN, y, CONTENT_W, 64, 16, 11) + 4
    if not personas:
        if journey.persona:
            deck.text(slide, [Para("Khách hàng", bold=True, color=ACCENT), Para(journey.persona)], MARGIN, y + 8,
                      CONTENT_W, CONTENT_BOTTOM - y - 8, 18, 12)
        return
    per_slide = 3
    for start in range(0, len(personas), per_slide):
        if start:
            slide, y = deck.slide("Chân dung khách hàng (tiếp)")
        group = personas[start:start + per_slide]
        gap = 14.0
        width = (CONTENT_W - gap * (per_slide - 1)) / per_slide if len(personas) > 1 else CONTENT_W * 0.62
        top = y + 8
        for index, spec in enumerate(group):
            _persona_card(deck, slide, journey, spec, MARGIN + index * (width + gap), top, width,
                          CONTENT_BOTTOM - top, view=persona is not None)


def _persona_card(deck: Slides, slide: Any, journey: Journey, spec: PersonaSpec, x: float, y: float, w: float,
                  h: float, *, view: bool) -> None:
    from ..draw.photo import persona_photo

    deck.box(slide, x, y, w, h)
    inner_x, inner_w = x + 4, w - 8
    top = y + 4
    photo = persona_photo(journey, spec.photo, size=256)
    head = [Para(spec.name, bold=True, scale=1.15)]
    if view:
        head.append(Para("bản trình bày theo góc nhìn của persona này", scale=0.8, color=MUTED))
    if photo is not None:
        side = 64.0
        deck.picture(slide, photo, inner_x + BOX_PAD, top + BOX_PAD, side, side, centre=False)
        deck.text(slide, head, inner_x + side + BOX_PAD, top, inner_w - side - BOX_PAD, side + 2 * BOX_PAD, 16, 11,
                  anchor="middle", shrink_box=False)
        top += side + 2 * BOX_PAD
        head = []
    paras = list(head)
    if spec.quote:
        paras.append(Para(f"“{spec.quote}”", italic=True, color=ACCENT, space_before=0.3 if head else 0))
    if spec.description:
        paras.append(Para(spec.description, scale=0.9, space_before=0.3))
    for heading, items in (("Mục tiêu", spec.goals), ("Nỗi bực dọc", spec.frustrations)):
        if items:
            paras.append(Para(heading, bold=True, scale=0.9, color=MUTED, space_before=0.4))
            paras += [Para(f"• {item}", scale=0.9) for item in items]
    deck.text(slide, paras, inner_x, top, inner_w, y + h - top - 4, 16, 10)


# -- the canvas -----------------------------------------------------------------------------------


def canvas_slide(deck: Slides, journey: Journey, summary: pd.DataFrame | None, persona: str | None) -> None:
    """The whole canvas, as large as the slide's free area allows (its aspect kept, centred)."""
    from ..draw.canvas import canvas_image

    subtitle = "Toàn cảnh hành trình; chi tiết từng giai đoạn ở các trang sau"
    if persona is not None:
        subtitle += f" · góc nhìn của persona {persona}"
    slide, top = deck.slide("Bản đồ hành trình", subtitle)
    box_h = CONTENT_BOTTOM - top
    # Drawn for the box at PICTURE_PX_PER_PT (a 1920-pixel projector shows a 960 pt slide), without
    # the canvas's white border, so a small canvas fills the box rather than floating in margins.
    image = canvas_image(journey, (CONTENT_W * PICTURE_PX_PER_PT, box_h * PICTURE_PX_PER_PT), feedback=summary,
                         persona=persona, persona_cards=False)
    deck.picture(slide, image, MARGIN, top, CONTENT_W, box_h)


# -- one slide per stage --------------------------------------------------------------------------

STAGE_HEADER = ("Điểm chạm", "Kênh", "CES (1–7)", "Rời bỏ", "Cảm xúc", "Điểm đau", "Cơ hội")
STAGE_WIDTHS = (158.0, 82.0, 70.0, 58.0, 76.0, 228.0, 228.0)


def stage_slides(deck: Slides, journey: Journey, nodes: dict[str, dict[str, Any]], excluded: frozenset[str],
                 view: str | None) -> int:
    """One slide per stage (two or more when its touchpoints do not fit one); returns the slides made."""
    made = 0
    header = [Cell.of(title) for title in STAGE_HEADER]
    for number, stage in enumerate(journey.stages, start=1):
        ids = [n for n, attrs in nodes.items() if attrs["stage"] == stage]
        ids.sort(key=lambda n: nodes[n].get("lane", "frontstage") != "frontstage")  # frontstage first, stable
        rows = [_stage_row(nodes[n], n in excluded) for n in ids]
        details = _stage_details(journey, stage)
        if view:
            details = f"{details} · {view}" if details else view
        title = f"Giai đoạn {number}/{len(journey.stages)}: {stage}"
        if not rows:
            slide, top = deck.slide(title, details)
            deck.text(slide, [Para("Giai đoạn này chưa có điểm chạm nào.", color=MUTED)], MARGIN, top, CONTENT_W,
                      40, 16, 12)
            made += 1
            continue
        top = deck.top_after(details)
        for index, page in enumerate(paginate(header, rows, STAGE_WIDTHS, CONTENT_BOTTOM - top)):
            slide, _ = deck.slide(title + (" (tiếp)" if index else ""), details)
            deck.table(slide, header, page, STAGE_WIDTHS, MARGIN, top)
            made += 1
    return made


def _stage_details(journey: Journey, stage: str) -> str:
    info = journey.stage_info.get(stage)
    if info is None:
        return ""
    parts = []
    if info.goal:
        parts.append(f"Mục tiêu: {info.goal}")
    if info.kpis:
        parts.append(f"KPI: {', '.join(info.kpis)}")
    if info.duration is not None:  # hours as a number, as the canvas writes them; or the team's own words
        parts.append(f"Thời gian: {fmt.hours(info.duration) if isinstance(info.duration, float) else info.duration}")
    return " · ".join(parts)


def _stage_row(attrs: dict[str, Any], excluded: bool) -> list[Cell]:
    from ..draw.dot import EMOTION_NAME

    small = 0.85
    name = [Para(attrs["name"], bold=True)]
    if attrs.get("moment_of_truth"):
        name.append(Para(MOMENT, scale=small, color=MOMENT_INK))
    if attrs.get("goal"):
        name.append(Para("điểm chạm đích", scale=small, color=ACCENT))
    if attrs.get("lane", "frontstage") != "frontstage":
        name.append(Para("hậu trường: khách hàng không thấy", scale=small, color=MUTED))
    fill = MOMENT_FILL if attrs.get("moment_of_truth") else None
    channel = Cell.of(channel_name(attrs.get("channel")) or fmt.DASH)
    if excluded:
        grey = [Para(p.text, scale=p.scale, bold=p.bold, color=GREY_INK) for p in name]
        grey.append(Para("không áp dụng cho persona này", scale=small, color=GREY_INK))
        return [Cell(tuple(grey)), channel, *[Cell.of(fmt.DASH) for _ in range(5)]]
    ces = attrs.get("ces")
    ces_cell = Cell.of(fmt.DASH) if ces is None else Cell.of(
        Para(f"{fmt.number(ces, 1, trim=True)}/7", bold=True), Para(ces_name(ces), scale=small))
    emotion = attrs.get("emotion")
    emotion_cell = Cell.of(fmt.DASH) if emotion is None else Cell.of(
        Para(fmt.signed(emotion, 1), bold=True), Para(EMOTION_NAME[max(-2, min(2, round(emotion)))], scale=small))
    drop = attrs.get("drop_off")
    return [
        Cell(tuple(name), fill),
        channel,
        ces_cell,
        Cell.of(Para(fmt.percent(drop), bold=drop is not None)),
        emotion_cell,
        _bullets(attrs.get("pain_points") or [], PAIN_INK),
        _bullets(attrs.get("opportunities") or [], OPPORTUNITY_INK),
    ]


def _bullets(items: Sequence[str], color: str) -> Cell:
    if not items:
        return Cell.of(fmt.DASH)
    return Cell(tuple(Para(f"• {item}", scale=0.9, space_before=0.25 if i else 0.0) for i, item in enumerate(items)))


# -- conversion and what-if -----------------------------------------------------------------------


def conversion_slides(deck: Slides, journey: Journey, section: dict[str, Any] | None, notes: list[str],
                      persona: str | None) -> None:
    """Conversion and where customers leave (the report's numbers), then the largest what-if gains."""
    source = _flow_source(journey)
    if persona is not None:
        source += f" Tính cho mọi khách hàng của hành trình, không riêng persona {persona}."
    if section is None:
        slide, top = deck.slide("Chuyển đổi và rời bỏ")
        deck.text(slide, [Para(note) for note in notes] or [Para("Không tính được chuyển đổi.")], MARGIN, top,
                  CONTENT_W, 120, 18, 12)
        return
    result = section["result"]
    slide, top = deck.slide("Chuyển đổi và rời bỏ", source)
    left_w = 290.0
    kpi = [Para("Tỷ lệ chuyển đổi", bold=True, color=MUTED), Para(section["probability"], scale=2.6, bold=True,
                                                                     color=ACCENT)]
    if len(result.by_goal) > 1:
        kpi.append(Para(f"Theo điểm đích: {section['goals']}", scale=0.85, space_before=0.3))
    kpi.append(Para(f"Mỗi khách đi qua trung bình {section['steps']} điểm chạm", scale=0.85, space_before=0.5))
    if section["steps_to_convert"] is not None:
        kpi.append(Para(f"Khách chuyển đổi: {section['steps_to_convert']} điểm chạm", scale=0.85))
    if section["hours_to_convert"] is not None:
        kpi.append(Para(f"Thời gian đến khi chuyển đổi: {section['hours_to_convert']}", scale=0.85))
    deck.text(slide, kpi, MARGIN, top, left_w, CONTENT_BOTTOM - top, 18, 11, fill="F4F6F8")

    ids = list(result.visits)
    rows_by_id = dict(zip(ids, section["rows"]))
    lost = sorted((n for n, share in result.drop_by_touchpoint.items() if share > 0.0005),
                  key=lambda n: -result.drop_by_touchpoint[n])[:LOST_TOP]
    header = [Cell.of("Nơi khách hàng rời bỏ nhiều nhất"), Cell.of("Giai đoạn"),
              Cell.of("Khách đến đây", align="right"), Cell.of("Rời bỏ tại đây (trên tổng số khách)", align="right")]
    rows = [[Cell.of(rows_by_id[n][0]), Cell.of(rows_by_id[n][1]), Cell.of(rows_by_id[n][2], align="right"),
             Cell.of(Para(rows_by_id[n][3], bold=True), align="right")] for n in lost]
    widths = (250.0, 150.0, 90.0, 106.0)
    x = MARGIN + left_w + 14
    if rows:
        page = paginate(header, rows, widths, CONTENT_BOTTOM - top)[0]
        deck.table(slide, header, page, widths, x, top)
    else:
        deck.text(slide, [Para("Không có khách hàng nào rời bỏ giữa chừng.")], x, top, sum(widths), 40, 16, 12)


def what_if_slide(deck: Slides, journey: Journey, section: dict[str, Any] | None, persona: str | None) -> None:
    """Halving the drop-off at each touchpoint that loses customers, one at a time (markov.what_if):
    the largest gains in conversion first."""
    if section is None:
        return
    gains = what_if_gains(journey)
    source = ("Mỗi dòng: giảm một nửa tỷ lệ rời bỏ tại một điểm chạm, các điểm chạm khác giữ nguyên "
              "(mô phỏng trên chuỗi chuyển tiếp của hành trình). ") + _flow_source(journey)
    slide, top = deck.slide("Nếu giảm rời bỏ: chuyển đổi tăng bao nhiêu", source)
    if not gains:
        deck.text(slide, [Para("Không có điểm chạm nào để thử: không khách hàng nào rời bỏ ở điểm chạm có bước tiếp theo.")],
                  MARGIN, top, CONTENT_W, 60, 16, 12)
        return
    best = gains[0]
    used = deck.text(slide, [Para(best[1].summary, bold=True, color=ACCENT)], MARGIN, top, CONTENT_W, 60, 18, 12)
    top += used + 8
    header = [Cell.of("Điểm chạm"), Cell.of("Giai đoạn"), Cell.of("Rời bỏ hiện nay", align="right"),
              Cell.of("Nếu giảm một nửa", align="right"), Cell.of("Chuyển đổi sau đó", align="right"),
              Cell.of("Thay đổi", align="right")]
    rows = []
    graph = journey.graph
    for node, change, old, new in gains:
        rows.append([Cell.of(Para(graph.nodes[node]["name"], bold=True)), Cell.of(graph.nodes[node]["stage"]),
                     Cell.of(fmt.percent(old), align="right"), Cell.of(fmt.percent(new), align="right"),
                     Cell.of(fmt.percent(change.after.probability), align="right"),
                     Cell.of(Para(fmt.points(change.after.probability - change.before.probability), bold=True),
                             align="right")])
    widths = (300.0, 180.0, 100.0, 100.0, 110.0, 110.0)
    page = paginate(header, rows, widths, CONTENT_BOTTOM - top)[0]
    deck.table(slide, header, page, widths, MARGIN, top)


def what_if_gains(journey: Journey) -> list[tuple[str, Any, float, float]]:
    """``(touchpoint, WhatIf, drop-off today, halved)`` for every touchpoint where customers leave
    and that has a next step, largest gain in conversion first, at most :data:`WHAT_IF_TOP`."""
    from ..markov import transition_probabilities, what_if

    goals = [n for n, attrs in journey.graph.nodes(data=True) if attrs.get("goal")]
    _, drop = transition_probabilities(journey.graph, goals=goals)
    found = []
    for node in journey.graph.nodes:
        old = drop.get(node, 0.0)
        if node in goals or old <= 0.0005 or not any(True for _ in journey.graph.successors(node)):
            continue
        change = what_if(journey, drop_off={node: old / 2})
        found.append((node, change, old, old / 2))
    found.sort(key=lambda item: -item[1].change)
    return [item for item in found if item[1].change > 0.0005][:WHAT_IF_TOP]


def _flow_source(journey: Journey) -> str:
    if journey.origin == "discovered":
        return "Nguồn: lượt khách đo được trong nhật ký sự kiện (hành trình thực tế)."
    return "Nguồn: giá trị thiết kế trong tệp hành trình (lượt khách, xác suất và tỷ lệ rời bỏ)."


# -- pain ranking ---------------------------------------------------------------------------------


def pain_slides(deck: Slides, journey: Journey, section: dict[str, Any] | None, ranking: pd.DataFrame | None,
                feedback: FeedbackInput | None, persona: str | None) -> None:
    title = "Xếp hạng điểm đau"
    if section is None or ranking is None:
        slide, top = deck.slide(title)
        deck.text(slide, [Para("Chưa chấm được điểm đau: không điểm chạm nào có rời bỏ, CES hay bình luận.")],
                  MARGIN, top, CONTENT_W, 60, 16, 12)
        return
    sources = pain_sources(journey, ranking, feedback)
    if persona is not None:
        sources += f" Tính cho mọi khách hàng, không riêng persona {persona}."
    header = [Cell.of("#", align="right"), Cell.of("Điểm chạm"), Cell.of("Giai đoạn"),
              Cell.of("Điểm đau (0–1)", align="right"), Cell.of("Vì sao")]
    widths = (34.0, 250.0, 150.0, 86.0, 380.0)
    rows = []
    for row in section["rows"][:PAIN_TOP]:
        if row["score"] == fmt.DASH:
            continue
        rows.append([Cell.of(str(row["rank"]), align="right"), Cell.of(Para(row["name"], bold=True)),
                     Cell.of(row["stage"]), Cell.of(Para(row["score"], bold=True), align="right"), Cell.of(row["why"])])
    top = deck.top_after(sources)
    pages = paginate(header, rows, widths, CONTENT_BOTTOM - top)
    for index, page in enumerate(pages):
        slide, _ = deck.slide(title + (" (tiếp)" if index else ""), sources)
        deck.table(slide, header, page, widths, MARGIN, top)


def pain_sources(journey: Journey, ranking: pd.DataFrame, feedback: FeedbackInput | None) -> str:
    """Where the pain ranking's numbers come from, in plain words, for the slide."""
    graph = journey.graph
    measured_ces = sum(1 for _, attrs in graph.nodes(data=True) if (attrs.get("metrics") or {}).get("ces") is not None)
    drop = ("rời bỏ đo được trong nhật ký sự kiện" if journey.origin == "discovered"
            else "rời bỏ theo giá trị thiết kế trong tệp hành trình")
    ces = "CES theo giá trị thiết kế" + (f" (đo được ở {measured_ces} điểm chạm)" if measured_ces else "")
    if feedback is not None:
        comments = int(ranking["comments"].sum())
        said = (f"bình luận: {fmt.number(comments)} lượt gắn với điểm chạm, từ {feedback.origin}, "
                f"cảm xúc và nguyên nhân {feedback.labels}")
    else:
        said = "chưa có bình luận của khách hàng"
    return f"Nguồn số liệu: {drop}; {ces}; {said}. Điểm càng cao càng đau; có tính cả lượng khách đi qua."


# -- what customers say ---------------------------------------------------------------------------


def feedback_slides(deck: Slides, journey: Journey, feedback: FeedbackInput) -> None:
    """The causes customers name (how often, where), then one slide of quotes per cause."""
    from nlp.labels import CAUSES

    from ..feedback import pick_quotes

    attached = feedback.attached
    names = {c.id: c.vi for c in CAUSES}
    usable = [p for p, status in enumerate(attached["text_status"].tolist()) if status == "ok"]
    texts = attached[feedback.text_column].tolist()
    sentiments = attached["sentiment"].tolist()
    causes = [list(c) for c in attached["causes"].tolist()]
    touchpoints = attached["touchpoints"].tolist()
    confidence = (attached["sentiment_confidence"].tolist() if "sentiment_confidence" in attached.columns else None)
    by_cause: dict[str, list[int]] = {}
    for p in usable:
        for cause in dict.fromkeys(causes[p]):
            by_cause.setdefault(cause, []).append(p)
    order = sorted(by_cause, key=lambda c: (-len(by_cause[c]), c))
    tp_names = {n: attrs["name"] for n, attrs in journey.graph.nodes(data=True)}
    source = f"Nguồn: {fmt.number(len(usable))} bình luận có nội dung từ {feedback.origin}; nguyên nhân {feedback.labels}."

    def where(positions: list[int]) -> list[tuple[str, int]]:
        counts: dict[str, int] = {}
        for p in positions:
            for tp in touchpoints[p] or []:
                counts[tp] = counts.get(tp, 0) + 1
        return sorted(counts.items(), key=lambda item: -item[1])[:3]

    slide, top = deck.slide("Khách hàng nói gì: nguyên nhân được nhắc đến", source)
    if not order:
        deck.text(slide, [Para("Không bình luận nào nêu nguyên nhân của một trải nghiệm chưa tốt.")], MARGIN, top,
                  CONTENT_W, 60, 16, 12)
        return
    header = [Cell.of("Nguyên nhân"), Cell.of("Số bình luận", align="right"), Cell.of("Tỷ lệ", align="right"),
              Cell.of("Nhắc nhiều nhất ở")]
    widths = (300.0, 110.0, 90.0, 400.0)
    rows = []
    for cause in order:
        positions = by_cause[cause]
        rows.append([Cell.of(Para(names.get(cause, cause), bold=True)),
                     Cell.of(fmt.number(len(positions)), align="right"),
                     Cell.of(fmt.percent(len(positions) / len(usable)), align="right"),
                     Cell.of(", ".join(f"{tp_names.get(tp, tp)} ({fmt.number(k)})" for tp, k in where(positions))
                             or "chưa gắn với điểm chạm nào")])
    deck.table(slide, header, paginate(header, rows, widths, CONTENT_BOTTOM - top)[0], widths, MARGIN, top)

    for cause in order[:len(CAUSES)]:
        positions = by_cause[cause]
        negative = sum(1 for p in positions if sentiments[p] == "negative")
        spots = ", ".join(tp_names.get(tp, tp) for tp, _ in where(positions))
        subtitle = (f"{fmt.number(len(positions))} bình luận nhắc đến, {fmt.percent(negative / len(positions))} "
                    f"tiêu cực" + (f" · nhiều nhất ở {spots}" if spots else ""))
        slide, top = deck.slide(f"Khách hàng nói gì: {names.get(cause, cause)}", subtitle)
        quotes = pick_quotes(positions, texts, sentiments, causes, confidence, cause, QUOTES)
        where_of: dict[str, int] = {}
        for p in positions:
            where_of.setdefault(" ".join(str(texts[p]).split()).casefold(), p)
        gap = 10.0
        height = (CONTENT_BOTTOM - top - gap * (QUOTES - 1)) / QUOTES
        for index, quote in enumerate(quotes):
            p = where_of[" ".join(str(quote).split()).casefold()]
            at = ", ".join(tp_names.get(tp, tp) for tp in touchpoints[p] or []) or "chưa gắn với điểm chạm nào"
            paras = [Para(f"“{quote}”", italic=True),
                     Para(f"— {at} · {_sentiment_vi(sentiments[p])}", scale=0.75, color=MUTED, space_before=0.3)]
            deck.text(slide, paras, MARGIN, top + index * (height + gap), CONTENT_W, height, 20, 12,
                      fill=CARD_FILL, edge=CARD_EDGE, anchor="middle", shrink_box=False)


def _sentiment_vi(sentiment: Any) -> str:
    from nlp.labels import SENTIMENTS

    return next((s.vi.lower() for s in SENTIMENTS if s.id == sentiment), str(sentiment))


# -- designed versus lived ------------------------------------------------------------------------


def lived_slides(deck: Slides, journey: Journey, lived: LivedInput) -> None:
    comparison = lived.comparison
    first, second = comparison.labels
    classic = comparison.labels == ("thiết kế", "thực tế")
    title = "Thiết kế và thực tế" if classic else f"{first.capitalize()} và {second}"
    slide, top = deck.slide(title, f"So sánh hành trình “{journey.title}” với {lived.origin}.")
    half = (CONTENT_W - 14) / 2
    kpi = [Para("Tỷ lệ chuyển đổi", bold=True, color=MUTED)]
    for label, value in ((first, lived.designed_conversion), (second, lived.lived_conversion)):
        shown = fmt.DASH if value is None else fmt.percent(value)
        kpi.append(Para(f"{label.capitalize()}: {shown}", scale=1.6, bold=True, color=ACCENT, space_before=0.2))
    if lived.designed_conversion is not None and lived.lived_conversion is not None:
        kpi.append(Para(f"Chênh lệch: {fmt.points(lived.lived_conversion - lived.designed_conversion)}",
                        space_before=0.3))
    used = deck.text(slide, kpi, MARGIN, top, half, 200, 18, 11, fill="F4F6F8")
    counts = [
        ("Điểm chạm khớp nhau", len(comparison.matched)),
        (f"Điểm chạm chỉ có ở {first}", len(comparison.only_designed)),
        (f"Điểm chạm chỉ có ở {second}", len(comparison.only_lived)),
        ("Chuyển tiếp có ở cả hai", len(comparison.common)),
        ("Thiết kế nhưng không thấy trong dữ liệu" if classic else f"Chuyển tiếp chỉ có ở {first}",
         len(comparison.designed_not_observed)),
        ("Xảy ra ngoài thiết kế" if classic else f"Chuyển tiếp chỉ có ở {second}",
         len(comparison.observed_not_designed)),
    ]
    header = [Cell.of("Đếm được"), Cell.of("Số", align="right")]
    rows = [[Cell.of(label), Cell.of(Para(fmt.number(value), bold=True), align="right")] for label, value in counts]
    widths = (half - 80, 80.0)
    deck.table(slide, header, paginate(header, rows, widths, CONTENT_BOTTOM - top)[0], widths, MARGIN + half + 14, top)
    deck.text(slide, [Para(comparison.summary(), scale=0.9)], MARGIN, top + used + 10, half,
              CONTENT_BOTTOM - top - used - 10, 14, 10)

    not_designed = comparison.observed_not_designed.head(TRANSITIONS_TOP)
    not_observed = comparison.designed_not_observed.head(TRANSITIONS_TOP)
    if not len(not_designed) and not len(not_observed):
        return
    slide, top = deck.slide(f"{title}: chuyển tiếp khác nhau",
                            "Lượt: số lần khách đi qua chuyển tiếp trong dữ liệu; tỷ lệ: trên mọi lượt rời điểm chạm "
                            "đó." if classic else None)
    left = (f"Xảy ra ngoài thiết kế ({fmt.number(len(comparison.observed_not_designed))})" if classic
            else f"Chỉ có ở {second}")
    right = (f"Thiết kế nhưng không thấy ({fmt.number(len(comparison.designed_not_observed))})" if classic
             else f"Chỉ có ở {first}")
    header_l = [Cell.of(left), Cell.of("Lượt", align="right"), Cell.of("Tỷ lệ", align="right")]
    rows_l = [[Cell.of(f"{r['from_name']} → {r['to_name']}"), Cell.of(fmt.number(r["volume"]), align="right"),
               Cell.of(fmt.percent(r["share"]), align="right")] for r in not_designed.to_dict(orient="records")]
    header_r = [Cell.of(right), Cell.of("Lượt thiết kế", align="right")]
    rows_r = [[Cell.of(f"{r['from_name']} → {r['to_name']}"), Cell.of(fmt.number(r["designed_volume"]), align="right")]
              for r in not_observed.to_dict(orient="records")]
    widths_l: tuple[float, ...] = (half - 130, 70.0, 60.0)
    widths_r: tuple[float, ...] = (half - 90, 90.0)
    for head, body, columns, x in ((header_l, rows_l, widths_l, MARGIN), (header_r, rows_r, widths_r, MARGIN + half + 14)):
        if not body:
            body = [[Cell.of("không có"), *[Cell.of("") for _ in columns[1:]]]]
        deck.table(slide, head, paginate(head, body, columns, CONTENT_BOTTOM - top)[0], columns, x, top)
