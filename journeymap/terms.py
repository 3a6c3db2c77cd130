"""The words the pictures, tables and report print: one place, so a term reads the same everywhere.

A channel stays an id in the journey file (``app``, ``branch`` …) and in machine-readable columns;
what a person reads is :func:`channel_name`. The line of visibility of a service blueprint has one
name (:data:`VISIBILITY_TERM`) and one plain-language gloss (:data:`VISIBILITY_GLOSS`) for legends.
"""

from __future__ import annotations

__all__ = ["CHANNEL_NAMES", "VISIBILITY_GLOSS", "VISIBILITY_TERM", "channel_name"]

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
