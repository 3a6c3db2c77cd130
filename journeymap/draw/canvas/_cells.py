"""What each cell of the canvas holds: a touchpoint's card, chips, bars, bullets, metrics, comments."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ... import fmt
from ...experience import ExperienceType
from ...feedback import FEEDBACK_METRICS, FeedbackNumbers
from ...terms import ces_level, ces_name, channel_name
from ..dot import CES_FILL, CHIP_FILL, EXIT_COLOR, MOMENT_COLOR
from ._panels import _number, _Panel, _signed
from ._style import (
    BACKSTAGE_CARD,
    BADGE,
    BAR_TRACK,
    BODY_PT,
    BULLET_INDENT,
    CARD_EDGE,
    CURVE_COLOR,
    EMOTION_H,
    EMOTION_PAD,
    EXCLUDED_TEXT,
    GOAL_EDGE,
    INK,
    MOMENT_TEXT,
    MUTED,
    NAME_PT,
    NEGATIVE_FILL,
    NUMBER_PT,
    OPPORTUNITY_COLOR,
    PAD_Y,
    PAIN_COLOR,
    ROW_TITLES,
    SMALL_PT,
    TOP_CAUSES,
    _FontStyle,
)
from ._text import _baseline, _Label, _Painter

# -- cells ------------------------------------------------------------------------------------------


@dataclass
class _Box:
    x: float
    y: float
    w: float
    h: float
    face: str
    edge: str = "none"
    lw: float = 0.0
    rounding: float = 0.0


@dataclass
class _Placed:
    label: _Label
    x: float
    y: float


@dataclass
class _Card:
    face: str
    edge: str
    lw: float
    dashed: bool


@dataclass
class _Cell:
    """Content of one cell, relative to its padded top-left corner."""

    items: list[_Box | _Placed] = field(default_factory=list)
    height: float = 0.0
    card: _Card | None = None

    def add(self, label: _Label, x: float = 0.0, gap: float = 0.0) -> None:
        """Add a label below what is there."""
        y = self.height + (gap if self.items else 0.0)
        self.items.append(_Placed(label, x, y))
        self.height = y + label.height

    def bar(self, share: float, width: float, color: str, gap: float = 4.0) -> None:
        y = self.height + gap
        self.items.append(_Box(0, y, width, 7, BAR_TRACK, rounding=2))
        if share > 0:
            self.items.append(_Box(0, y, max(width * min(share, 1.0), 3), 7, color, edge=_darker(color), lw=0.6,
                                   rounding=2))
        self.height = y + 7


def _darker(color: str) -> str:
    from matplotlib.colors import to_hex, to_rgb

    red, green, blue = to_rgb(color)
    return to_hex((red * 0.7, green * 0.7, blue * 0.7))


def _bullets(p: _Painter, cell: _Cell, items: Iterable[str], width: float, color: str) -> None:
    for text in items:
        bullet = p.label("•", width=BULLET_INDENT, size=BODY_PT, weight="bold", color=color)
        body = p.label(text, width=width - BULLET_INDENT, size=BODY_PT, color=INK)
        gap = 5.0 if cell.items else 0.0
        y = cell.height + gap
        cell.items.append(_Placed(bullet, 0, y))
        cell.items.append(_Placed(body, BULLET_INDENT, y))
        cell.height = y + body.height


def _name_cell(p: _Painter, panel: _Panel, node: str, width: float) -> _Cell:
    attrs = panel.nodes[node]
    status = panel.status.get(node)
    removed = status is not None and status.kind == "removed"
    backstage = attrs.get("lane") == "backstage"
    excluded = node in panel.excluded
    cell = _Cell()
    if status is not None:
        word, color = BADGE[status.kind]
        badge = p.label(word, width=width, size=SMALL_PT, weight="bold", color="white",
                        gid=f"{panel.prefix}badge-{node}")
        cell.items.append(_Box(0, 0, badge.width + 12, badge.height + 4, color, rounding=4))
        cell.items.append(_Placed(badge, 6, 2))
        cell.height = badge.height + 4
    cell.add(
        p.label(attrs["name"], width=width, size=NAME_PT, weight="bold", color=MUTED if removed or excluded else INK,
                gid=f"{panel.prefix}tp-{node}"),
        gap=5,
    )
    meta = [channel_name(attrs["channel"])] if attrs.get("channel") and ("channel", ROW_TITLES["channel"]) not in panel.rows else []
    if attrs.get("goal"):
        meta.append("★ mục tiêu")
    if meta:
        cell.add(p.label(" · ".join(meta), width=width, size=SMALL_PT, color=GOAL_EDGE if attrs.get("goal") else MUTED),
                 gap=3)
    if attrs.get("moment_of_truth"):
        cell.add(p.label(MOMENT_TEXT, width=width, size=SMALL_PT, weight="bold", color=MOMENT_COLOR,
                         gid=f"{panel.prefix}moment-{node}"), gap=3)
    if excluded:
        cell.add(p.label(EXCLUDED_TEXT, width=width, size=SMALL_PT, style="italic", color=MUTED), gap=3)
    if status is not None and status.changes:
        cell.add(p.label("đổi: " + " · ".join(status.changes), width=width, size=SMALL_PT, style="italic",
                         color=BADGE["changed"][1]), gap=4)
    goal = bool(attrs.get("goal"))
    moment = bool(attrs.get("moment_of_truth"))
    # A changed touchpoint is outlined over its whole column (see _draw_changes), not on the card.
    cell.card = _Card(
        face="#fafbfc" if removed or excluded else (BACKSTAGE_CARD if backstage else "white"),
        edge=CARD_EDGE if excluded else (GOAL_EDGE if goal else (MOMENT_COLOR if moment else CARD_EDGE)),
        lw=2.2 if (goal or moment) and not excluded else 1.0,
        dashed=backstage or removed or excluded,
    )
    return cell


def _text_cell(p: _Painter, text: Any, width: float, *, style: _FontStyle = "normal", color: str = INK,
               quoted: bool = False) -> _Cell | None:
    """A paragraph: what the customer thinks (italic), says (in quotes) or does, an owner, a custom row."""
    if text is None or not str(text).strip():
        return None
    body = f"“{str(text).strip()}”" if quoted else str(text)
    cell = _Cell()
    cell.add(p.label(body, width=width, size=BODY_PT, style=style, color=color))
    return cell


def _experience_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    types = [ExperienceType(t) for t in attrs.get("experience", [])]
    if not types:
        return None
    cell = _Cell()
    x = y = 0.0
    chip_h = 17.0
    for kind in types:
        text = p.label(kind.label_vi, width=width - 10, size=SMALL_PT, ha="center", va="baseline")
        chip_w = text.width + 10
        if x and x + chip_w > width:
            x, y = 0.0, y + chip_h + 4
        cell.items.append(_Box(x, y, chip_w, chip_h, CHIP_FILL[kind], rounding=8))
        cell.items.append(_Placed(text, x + chip_w / 2, y + chip_h / 2 + _baseline(SMALL_PT)))
        x += chip_w + 4
    cell.height = y + chip_h
    return cell


def _emotion_y(emotion: float) -> float:
    """Where an emotion sits inside the emotion row, from the row's top."""
    return EMOTION_PAD + (2 - emotion) * (EMOTION_H - 2 * EMOTION_PAD) / 4


def _emotion_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    emotion = attrs.get("emotion")
    if emotion is None:
        return None
    text = p.label(_signed(emotion), width=width, size=SMALL_PT, weight="bold", color=CURVE_COLOR, ha="center",
                   va="baseline")
    # Above the marker, or below it at the top of the scale: the curve runs sideways, so it never hides the number.
    y = _emotion_y(emotion) - PAD_Y
    cell = _Cell()
    cell.items.append(_Placed(text, width / 2, y - 10 if emotion < 1.5 else y + 9 + 0.8 * SMALL_PT))
    cell.height = EMOTION_H - 2 * PAD_Y
    return cell


def _ces_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    ces = attrs.get("ces")
    if ces is None:
        return None
    level = ces_level(ces)
    cell = _Cell()
    cell.add(p.label(f"{_number(ces)}/7 · {ces_name(ces)}", width=width, size=NUMBER_PT, weight="bold"))
    cell.bar(ces / 7, width, CES_FILL[level])
    return cell


def _drop_off_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    share = attrs.get("drop_off")
    if share is None:
        return None
    cell = _Cell()
    cell.add(p.label(fmt.percent(share), width=width, size=NUMBER_PT, weight="bold", color=EXIT_COLOR))
    cell.bar(share, width, EXIT_COLOR)
    return cell


def _list_cell(p: _Painter, values: list[str], width: float, color: str) -> _Cell | None:
    if not values:
        return None
    cell = _Cell()
    _bullets(p, cell, values, width, color)
    return cell


def _metric_lines(metrics: dict[str, Any]) -> list[str]:
    """The metrics row, in words: a measured figure with its number of answers (``nps_n`` …, written
    by :func:`journeymap.metrics.set_metrics`), one typed into the journey file tagged "thiết kế"."""
    from ...terms import column_name

    shown = {k: v for k, v in metrics.items() if k not in FEEDBACK_METRICS and not k.startswith("cause_")}

    def source(*counts: str, unit: str = "phản hồi") -> str:
        found = [shown.pop(c) for c in counts if shown.get(c) is not None]
        return f" · {fmt.number(sum(found))} {unit}" if found else " (thiết kế)"

    lines = []
    if shown.get("csat") is not None:
        lines.append(f"CSAT {_number(shown.pop('csat'))}%" + source("csat_n"))
    if shown.get("nps") is not None:
        lines.append(f"NPS {_signed(shown.pop('nps'))}" + source("nps_n"))
    if shown.get("ces") is not None:
        lines.append(f"CES đo được {_number(shown.pop('ces'))}/7" + source("ces_n"))
    if shown.get("ttr_hours") is not None:
        lines.append(f"Thời gian xử lý {fmt.hours(shown.pop('ttr_hours'))}" + source("ttr_resolved", unit="phiếu"))
    shown.pop("ttr_unresolved", None)
    lines += [f"{column_name(key)}: {_number(value)}" for key, value in shown.items() if value is not None]
    return lines


def _metrics_cell(p: _Painter, attrs: dict[str, Any], width: float) -> _Cell | None:
    lines = _metric_lines(attrs.get("metrics") or {})
    if not lines:
        return None
    cell = _Cell()
    for line in lines:
        cell.add(p.label(line, width=width, size=BODY_PT), gap=3)
    return cell


def _feedback_cell(p: _Painter, numbers: FeedbackNumbers | None, width: float) -> _Cell | None:
    if numbers is None or not numbers.comments:
        return None
    from nlp.labels import CAUSES

    names = {c.id: c.vi for c in CAUSES}
    cell = _Cell()
    head = f"{_number(numbers.comments)} bình luận"
    if numbers.negative_share is not None:
        head += f" · {fmt.percent(numbers.negative_share)}\u00a0tiêu\u00a0cực"
    cell.add(p.label(head, width=width, size=BODY_PT, weight="bold"))
    if numbers.negative_share is not None:
        cell.bar(numbers.negative_share, width, NEGATIVE_FILL)
        cell.height += 3
    causes = [f"{names.get(cause, cause)}\u00a0({count})" for cause, count in numbers.causes[:TOP_CAUSES]]
    if causes:
        cell.height += 3
        _bullets(p, cell, causes, width, PAIN_COLOR)
    return cell


def _cell(p: _Painter, panel: _Panel, key: str, node: str, width: float) -> _Cell | None:
    """The cell of row ``key`` (a built-in row, or ``custom:<key>`` for a row of the team's own)."""
    if key == "name":
        return _name_cell(p, panel, node, width)
    status = panel.status.get(node)
    if status is not None and status.kind == "removed" or node in panel.excluded:
        return None
    attrs = panel.nodes[node]
    if key.startswith("custom:"):
        return _text_cell(p, (attrs.get("lanes") or {}).get(key.removeprefix("custom:")), width)
    if key == "channel":
        return _text_cell(p, channel_name(attrs.get(key)) or None, width)
    if key in ("owner", "does", "description"):
        return _text_cell(p, attrs.get(key), width)
    if key == "thinks":
        return _text_cell(p, attrs.get(key), width, style="italic")
    if key == "says":
        return _text_cell(p, attrs.get(key), width, quoted=True)
    if key == "experience":
        return _experience_cell(p, attrs, width)
    if key == "emotion":
        return _emotion_cell(p, attrs, width)
    if key == "ces":
        return _ces_cell(p, attrs, width)
    if key == "drop_off":
        return _drop_off_cell(p, attrs, width)
    if key == "pain_points":
        return _list_cell(p, attrs.get("pain_points", []), width, PAIN_COLOR)
    if key == "opportunities":
        return _list_cell(p, attrs.get("opportunities", []), width, OPPORTUNITY_COLOR)
    if key == "metrics":
        return _metrics_cell(p, attrs, width)
    return _feedback_cell(p, panel.feedback.get(node), width)
