from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from journeymap import sample_journey_paths

GOOD = textwrap.dedent(
    """\
    journey: Mở tài khoản ngân hàng số
    persona: Nhân viên văn phòng 25–35 tuổi
    stages: [Nhận biết, Đăng ký, Sử dụng]
    touchpoints:
      - id: fb_ad
        name: Quảng cáo Facebook
        stage: Nhận biết
        channel: social
        ces: 6
        drop_off: 0.40
        experience: [sense, feel]
        emotion: 1
      - id: ekyc
        name: Màn hình "Xác thực khuôn mặt" <eKYC> & OTP
        stage: Đăng ký
        channel: app
        ces: 3
        experience: [think, act]
        emotion: -1
        pain_points: [Ảnh CCCD bị lóa]
      - id: doi_chieu
        name: Hệ thống đối chiếu dữ liệu
        stage: Đăng ký
        lane: backstage
        experience: [relate]
      - id: chuyen_khoan
        name: Chuyển khoản đầu tiên
        stage: Sử dụng
        goal: true
        metrics: {csat: 86, nps: 41, ttr_hours: 2.5}
    transitions:
      - {from: fb_ad, to: ekyc, volume: 1200}
      - {from: ekyc, to: ekyc, volume: 300}
      - {from: ekyc, to: doi_chieu, volume: 1050, probability: 0.875}
      - {from: doi_chieu, to: chuyen_khoan, volume: 980}
      - {from: chuyen_khoan, to: fb_ad, volume: 10}
    """
)


@pytest.fixture
def good_text() -> str:
    return GOOD


@pytest.fixture
def good_file(tmp_path: Path) -> Path:
    path = tmp_path / "journey.yaml"
    path.write_text(GOOD, encoding="utf-8")
    return path


@pytest.fixture(params=[p.name for p in sample_journey_paths()])
def sample_path(request: pytest.FixtureRequest) -> Path:
    return next(p for p in sample_journey_paths() if p.name == request.param)
