"""The words the pictures, tables and report print: one place, so a term reads the same everywhere.

A channel stays an id in the journey file (``app``, ``branch`` …) and in machine-readable columns;
what a person reads is :func:`channel_name`. The line of visibility of a service blueprint has one
name (:data:`VISIBILITY_TERM`) and one plain-language gloss (:data:`VISIBILITY_GLOSS`) for legends.
"""

from __future__ import annotations

__all__ = ["CES_NAMES", "CHANNEL_NAMES", "COLUMN_NAMES", "SOURCES", "VISIBILITY_GLOSS", "VISIBILITY_TERM", "cause_name",
           "ces_level", "ces_name", "channel_name", "column_name", "source_name"]

VISIBILITY_TERM = "Đường ranh giới hữu hình"
"""The line of visibility (Shostack's service blueprint): above it what the customer sees."""

VISIBILITY_GLOSS = "trên: khách hàng nhìn thấy · dưới: hậu trường"
"""What the line means, in plain words, for a legend beside :data:`VISIBILITY_TERM`."""

CHANNEL_NAMES: dict[str, str] = {
    "app": "Ứng dụng",
    "web": "Website",
    "phone": "Điện thoại",
    "branch": "Chi nhánh",
    "counter": "Quầy",
    "email": "Email",
    "chat": "Chat",
    "chatbot": "Chatbot",
    "sms": "Tin nhắn SMS",
    "zalo": "Zalo",
    "social": "Mạng xã hội",
    "ivr": "Tổng đài tự động",
    "kiosk": "Kiosk",
    "delivery": "Giao hàng",
    "home": "Tại nhà",
    "survey": "Khảo sát",
    "system": "Hệ thống",
    "internal": "Nội bộ",
}
"""Vietnamese names of the channel ids the samples, starters and spreadsheet lists use."""


def channel_name(channel: str | None) -> str:
    """The Vietnamese name of a channel id; a channel written in the team's own words comes back as is.

    >>> channel_name("social"), channel_name("Hotline 1900"), channel_name(None)
    ('Mạng xã hội', 'Hotline 1900', '')
    """
    if not channel:
        return ""
    return CHANNEL_NAMES.get(channel.strip().lower(), channel)


CES_NAMES: dict[int, str] = {1: "rất khó", 2: "khó", 3: "hơi khó", 4: "trung bình", 5: "hơi dễ", 6: "dễ", 7: "rất dễ"}
"""The seven levels of the Customer Effort Score (1 = very hard … 7 = very easy), as the canvas,
its legend and the deck name them."""


def ces_name(ces: float) -> str:
    """The name of the level of a CES score (1–7): rounded to the nearest level, kept within 1–7.

    >>> ces_name(6), ces_name(3.6), ces_name(2.5), ces_name(9)
    ('dễ', 'trung bình', 'khó', 'rất dễ')
    """
    return CES_NAMES[ces_level(ces)]


def ces_level(ces: float) -> int:
    """The level (1–7) of a CES score, as :func:`ces_name` names it and the canvas colours it.

    >>> ces_level(3.6), ces_level(0)
    (4, 1)
    """
    return max(1, min(7, round(ces)))


SOURCES: dict[str, str] = {
    "designed": "thiết kế",
    "measured": "đo được",
    "lived": "nhật ký sự kiện",
    "given": "người gán nhãn",
    "model": "mô hình gán nhãn",
    "mixed": "người gán nhãn, mô hình bổ sung",
}
"""Where a figure comes from, as a page says it beside the figure (a tag, or a column "Nguồn"):
written in the journey file by its designers; measured from survey answers or tickets; measured
from an event log; comment labels given in the input (a person's coding), predicted by the shipped
model, or both."""


def source_name(source: str | None) -> str:
    """The Vietnamese tag of a :data:`SOURCES` id (an unknown one comes back as is).

    >>> source_name("measured"), source_name("model")
    ('đo được', 'mô hình gán nhãn')
    """
    return "" if not source else SOURCES.get(source, source)


COLUMN_NAMES: dict[str, str] = {
    # who and where
    "rank": "Hạng",
    "touchpoint": "Mã điểm chạm",
    "id": "Mã điểm chạm",
    "name": "Điểm chạm",
    "stage": "Giai đoạn",
    "channel": "Kênh",
    "lane": "Tầng",
    "goal": "Điểm chạm đích",
    # pain ranking
    "score": "Điểm đau (0–1)",
    "volume": "Lượt khách",
    "volume_factor": "Hệ số lượt khách",
    "drop_off": "Tỷ lệ rời bỏ",
    "effort": "Mức khó (từ CES)",
    "negative": "Tỷ lệ bình luận tiêu cực",
    "causes": "Nguyên nhân",
    "comments": "Số bình luận",
    "top_causes": "Nguyên nhân nhắc nhiều nhất",
    "missing": "Thiếu dữ liệu",
    "why": "Vì sao",
    "source": "Nguồn số liệu",
    # comments per touchpoint
    "empty": "Bình luận trống",
    "negative_share": "Tỷ lệ tiêu cực",
    "neutral_share": "Tỷ lệ trung lập",
    "positive_share": "Tỷ lệ tích cực",
    "quotes": "Trích dẫn",
    # survey and tickets
    "nps": "NPS",
    "nps_n": "Số phản hồi NPS",
    "csat": "CSAT (%)",
    "csat_n": "Số phản hồi CSAT",
    "ces": "CES (1–7)",
    "ces_n": "Số phản hồi CES",
    "ttr_hours": "Thời gian giải quyết (giờ)",
    "ttr_working_hours": "Thời gian giải quyết (giờ làm việc)",
    "ttr_working_days": "Thời gian giải quyết (ngày làm việc)",
    "resolved": "Phiếu đã giải quyết",
    "unresolved": "Phiếu chưa giải quyết",
    "ttr_resolved": "Phiếu đã giải quyết",
    "ttr_unresolved": "Phiếu chưa giải quyết",
    # conversion and comparison
    "start": "Tỷ lệ bắt đầu",
    "visits": "Lượt ghé (trung bình)",
    "reach": "Tỷ lệ đến",
    "dropped": "Rời bỏ tại đây",
    "converted": "Chuyển đổi",
    "conversion_without": "Chuyển đổi nếu bỏ điểm chạm",
    "removal_effect": "Mức phụ thuộc",
    "from": "Từ (mã)",
    "to": "Đến (mã)",
    "from_name": "Từ",
    "to_name": "Đến",
    "share": "Tỷ lệ",
    "designed_volume": "Lượt (thiết kế)",
    "designed_id": "Mã (thiết kế)",
    "lived_id": "Mã (thực tế)",
    "lived_name": "Tên (thực tế)",
    "matched_by": "Khớp theo",
    "cases": "Khách hàng",
    "variant": "Đường đi",
    # classified comments: sentiment, sentiment_confidence, text_status and p_<cause> are named by
    # nlp.headers.classified_header, as cx classify heads them
    "touchpoints": "Điểm chạm được nhắc",
    # themes of comments (cx themes)
    "theme": "Chủ đề",
    "label": "Tên chủ đề",
    "key_phrases": "Cụm từ khóa",
    "row": "Dòng",
    "text": "Bình luận",
    "weight": "Mức thuộc chủ đề (0–1)",
    "top_theme": "Phàn nàn khác nhiều nhất",
}
"""The Vietnamese header of each column id the toolkit writes (``cx pain``, ``cx metrics``, ``cx demo``
…). Written tables carry these headers by default and the ids with ``--headers ids``; the ids are
the API's column names. Patterned ids are named by :func:`column_name`."""

_CLASSIFIED = {"sentiment", "sentiment_confidence", "sentiment_evidence", "causes_evidence", "text_status"}
_INTERVAL = {"low": "cận dưới KTC 95%", "high": "cận trên KTC 95%"}


def cause_name(cause: str) -> str:
    """The Vietnamese name of a cause id of :data:`nlp.labels.CAUSES`; another codebook's label as is.

    >>> cause_name("wait_time"), cause_name("gia_cao")
    ('Thời gian chờ lâu', 'gia_cao')
    """
    from nlp.labels import CAUSES

    return next((c.vi for c in CAUSES if c.id == cause), cause)


def column_name(column: str) -> str:
    """The Vietnamese header of a column id: :data:`COLUMN_NAMES`, a metric's interval
    (``nps_low``), a cause count (``cause_<id>``), a theme's quote (``quote_<n>``), a column of
    ``cx classify`` (``sentiment``, ``p_<cause>``, ``text_status`` …: :func:`nlp.headers.classified_header`,
    the one mapping, so the headers read as in a classified file); else the id itself.

    >>> column_name("nps_n"), column_name("csat_low"), column_name("cause_wait_time"), column_name("khu_vuc")
    ('Số phản hồi NPS', 'CSAT (%) – cận dưới KTC 95%', 'Số bình luận nêu: Thời gian chờ lâu', 'khu_vuc')
    """
    if column in COLUMN_NAMES:
        return COLUMN_NAMES[column]
    base, _, side = column.rpartition("_")
    if side in _INTERVAL and base in COLUMN_NAMES:
        return f"{COLUMN_NAMES[base]} – {_INTERVAL[side]}"
    if column.startswith("cause_"):
        return f"Số bình luận nêu: {cause_name(column[len('cause_'):])}"
    if column.startswith("p_") or column in _CLASSIFIED:
        from nlp.headers import classified_header

        return classified_header(column)
    if column.startswith("quote_") and column[len("quote_"):].isdigit():
        return f"Trích dẫn {column[len('quote_'):]}"
    return column
