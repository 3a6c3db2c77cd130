from __future__ import annotations

import os
import textwrap
from pathlib import Path

if os.environ.get("PYTEST_XDIST_WORKER"):
    # The default run puts one test file on each core (pytest-xdist): a worker's own maths libraries
    # (OpenBLAS, OpenMP in PyTorch) then use one thread each instead of every core, so two workers do not
    # run four threads on two cores. Set before numpy or torch is imported; inherited by subprocesses.
    for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_name, "1")

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


@pytest.fixture(scope="session")
def spark():
    """One SparkSession for the whole test run: local[2], two shuffle partitions, no UI, no Hive.

    Skipped without pyspark or Java; with CI set it fails instead, since CI must run the Spark tests
    (.ci/run installs Java, the test extra brings pyspark).
    """
    import os
    import shutil

    reason = None
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        reason = "pyspark is not installed (pip install -e '.[spark]')"
    if reason is None and shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        reason = "no Java runtime (apt-get install openjdk-17-jre-headless)"
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"{reason}. CI must run the Spark tests.")
        pytest.skip(reason)
    session = (
        SparkSession.builder.master("local[2]")
        .appName("cx-vn tests")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.catalogImplementation", "in-memory")
        .config("spark.driver.memory", "1g")
        # Tiny inputs: compiling is most of the cost. C1 only and no whole-stage code generation halve
        # the JVM's CPU time over the Spark tests; the results are the same (they compare results).
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.adaptive.enabled", "false")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
