"""A starter journey to fill in: ``cx new FILE`` (YAML with Vietnamese guidance) or ``cx new FILE --xlsx``."""

from __future__ import annotations

from pathlib import Path

from nlp.errors import DataError
from nlp.output import check_output, write_text

from ._formats import JOURNEY_FILE_FORMATS
from .io import loads_journey
from .journey import Journey

__all__ = ["STARTER_YAML", "starter_journey", "write_starter_journey"]

STARTER_YAML = """\
# Bản đồ hành trình khách hàng — điền rồi kiểm tra bằng: cx validate {name}
# Chữ sau dấu ':' có dấu ':' hoặc bắt đầu bằng [ {{ " ' thì đặt trong ngoặc kép: name: "Tư vấn: gói vay"
# Danh sách nhiều ý: mỗi ý một dòng, bắt đầu bằng '- ' (an toàn hơn [a, b] khi ý có dấu phẩy).
journey: Vay mua nhà lần đầu
description: Từ lúc khách tìm hiểu gói vay đến khi nhận giải ngân.

personas:                       # một hoặc nhiều persona; chỉ 'name' là bắt buộc
  - name: Chị Lan
    quote: Tôi chỉ muốn biết bao giờ có tiền.
    goals:
      - Vay đủ 70% giá trị căn hộ
    frustrations:
      - Phải nộp giấy tờ nhiều lần
    facts: {{Tuổi: 32, Nghề nghiệp: Giáo viên}}
    # photo: anh/chi_lan.jpg    # ảnh, đường dẫn tính từ thư mục của file này

stages:                         # các giai đoạn theo thứ tự; chỉ cần tên, chi tiết là tuỳ chọn
  - name: Tư vấn
    goal: Biết mình vay được bao nhiêu
    kpis:
      - Tỷ lệ khách để lại hồ sơ
    duration: 1–2 ngày          # chữ, hoặc một số giờ
  - Thẩm định
  - Giải ngân

touchpoints:                    # mỗi điểm chạm: name và stage là bắt buộc; id tự tạo từ name nếu bỏ trống
  - name: Tư vấn tại chi nhánh
    stage: Tư vấn
    channel: branch             # app, web, phone, branch, email, chat, …
    ces: 5                      # 1 (rất khó) … 7 (rất dễ)
    emotion: 1                  # −2 (rất tiêu cực) … +2 (rất tích cực)
    drop_off: 20%               # tỷ lệ khách rời bỏ ở đây: 0.2 hoặc 20%
    experience: [think, relate] # sense, feel, think, act, relate
    thinks: Lãi suất sau ưu đãi là bao nhiêu?
    says: Em tính giúp chị khoản trả hàng tháng.
    does: Mang giấy tờ photo đến quầy
    pain_points:
      - Chờ tư vấn viên hơn 30 phút
    opportunities:
      - Đặt lịch hẹn trước qua ứng dụng

  - name: Thẩm định hồ sơ
    stage: Thẩm định
    lane: backstage             # frontstage (khách thấy) hoặc backstage (hậu trường)
    owner: Phòng thẩm định
    moment_of_truth: true       # khoảnh khắc quyết định khách ở lại hay bỏ đi

  - name: Giải ngân
    stage: Giải ngân
    channel: app
    emotion: 2
    goal: true                  # đến đây là hành trình thành công

transitions:                    # bỏ trống: các điểm chạm nối theo thứ tự; from/to ghi id hoặc tên
  - {{from: Tư vấn tại chi nhánh, to: Thẩm định hồ sơ, probability: 80%}}
  - {{from: Thẩm định hồ sơ, to: Giải ngân}}
"""


def starter_journey() -> Journey:
    """The starter journey :func:`write_starter_journey` writes, as a :class:`Journey`.

    >>> starter_journey()
    Journey('Vay mua nhà lần đầu', 3 stages, 3 touchpoints, 2 transitions)
    """
    return loads_journey(STARTER_YAML.format(name="hanh_trinh.yaml"), source="starter journey")


def write_starter_journey(path: str | Path, *, xlsx: bool = False) -> Path:
    """Write a starter journey to fill in, which validates as it is.

    ``.yaml`` / ``.yml``: the journey with Vietnamese comments on every key. ``.xlsx`` (or
    ``xlsx=True``, which adds the suffix to a name without one): the workbook of
    :mod:`journeymap.spreadsheet`, with the example rows and the instructions sheet. An existing
    file is never overwritten.

    Raises
    ------
    DataError
        When ``path`` exists, or its suffix is neither a YAML one nor ``.xlsx``.
    """
    path = Path(path)
    if xlsx and not path.suffix:
        path = path.with_suffix(".xlsx")
    check_output(path)
    if path.exists():
        raise DataError(f"{path} exists; cx new never overwrites a file: give another name")
    kind = JOURNEY_FILE_FORMATS.get(path.suffix.lower())
    if xlsx and kind != "xlsx":
        raise DataError(f"--xlsx writes a workbook: give a name ending in .xlsx, not {path.name!r}")
    if kind == "xlsx":
        from .spreadsheet import write_journey_xlsx

        return write_journey_xlsx(starter_journey(), path)
    if kind != "yaml":
        raise DataError(f"cx new writes .yaml (with guidance comments) or .xlsx (a workbook); not {path.name!r}")
    return write_text(path, STARTER_YAML.format(name=path.name))
