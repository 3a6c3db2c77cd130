"""The default label set: sentiment and the six causes of a bad experience (see the codebook)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CAUSES", "SENTIMENTS", "Label"]


@dataclass(frozen=True)
class Label:
    """A stable label id with its Vietnamese and English display names.

    Examples
    --------
    >>> CAUSES[0].id, CAUSES[0].vi
    ('wait_time', 'Thời gian chờ lâu')
    """

    id: str
    vi: str
    en: str


SENTIMENTS: tuple[Label, ...] = (
    Label("negative", "Tiêu cực", "Negative"),
    Label("neutral", "Trung lập", "Neutral"),
    Label("positive", "Tích cực", "Positive"),
)

CAUSES: tuple[Label, ...] = (
    Label("wait_time", "Thời gian chờ lâu", "Long waiting time"),
    Label("needs_not_understood", "Nhân viên không hiểu nhu cầu khách hàng", "Staff do not understand the customer's needs"),
    Label("unresolved", "Vấn đề/câu hỏi không được giải quyết", "Problem or question left unresolved"),
    Label("too_automated", "Quá nhiều tự động, không có tương tác con người", "Too much automation, no human contact"),
    Label("not_personalized", "Dịch vụ không cá nhân hóa", "Service not personalised"),
    Label("rude_staff", "Nhân viên thô lỗ/giận dữ", "Rude or angry staff"),
)
