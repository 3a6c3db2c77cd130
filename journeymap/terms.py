"""The words the pictures, tables and report print: one place, so a term reads the same everywhere.

A channel stays an id in the journey file (``app``, ``branch`` …) and in machine-readable columns;
what a person reads is :func:`channel_name`. The line of visibility of a service blueprint has one
name (:data:`VISIBILITY_TERM`) and one plain-language gloss (:data:`VISIBILITY_GLOSS`) for legends.
"""

from __future__ import annotations

__all__ = ["CHANNEL_NAMES", "SOURCES", "VISIBILITY_GLOSS", "VISIBILITY_TERM", "channel_name", "source_name"]

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
