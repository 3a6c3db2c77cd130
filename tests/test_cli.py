from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
from typer.testing import CliRunner

from journeymap import load_journey, sample_journey_paths
from journeymap.cli import app

runner = CliRunner()


def test_validate_ok_and_bad(good_file, tmp_path):
    result = runner.invoke(app, ["validate", str(good_file)])
    assert result.exit_code == 0, result.output
    assert "ok — 3 stages, 4 touchpoints, 5 transitions" in result.output
    bad = tmp_path / "bad.yaml"
    bad.write_text(good_file.read_text(encoding="utf-8").replace("ces: 6", "ces: 70"), encoding="utf-8")
    before = sorted(p.name for p in tmp_path.iterdir())
    result = runner.invoke(app, ["validate", str(good_file), str(bad)])
    assert result.exit_code == 1
    assert "line 9" in result.output and "ces" in result.output and "70" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written


def test_validate_missing_file():
    result = runner.invoke(app, ["validate", "no_such_journey.yaml"])
    assert result.exit_code == 1
    assert "does not exist" in result.output


def test_render_writes_the_requested_format(good_file, tmp_path):
    out = tmp_path / "sub" / "map.png"
    result = runner.invoke(app, ["render", str(good_file), "-o", str(out), "--color-by", "ces"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")


def test_render_never_overwrites_its_input(good_file):
    before = good_file.read_bytes()
    result = runner.invoke(app, ["render", str(good_file), "-o", str(good_file)])
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output
    assert good_file.read_bytes() == before


def test_render_invalid_journey_writes_nothing(good_file, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(good_file.read_text(encoding="utf-8").replace("drop_off: 0.40", "drop_off: 40"), encoding="utf-8")
    out = tmp_path / "bad.svg"
    result = runner.invoke(app, ["render", str(bad), "-o", str(out)])
    assert result.exit_code == 1
    assert "drop_off" in result.output and "0 to 1" in result.output
    assert not out.exists()


def test_render_unknown_suffix(good_file, tmp_path):
    result = runner.invoke(app, ["render", str(good_file), "-o", str(tmp_path / "map.jpeg")])
    assert result.exit_code == 1
    assert ".svg, .png, .pdf, .dot" in result.output


def test_convert_round_trip_through_graphml(good_file, tmp_path):
    graphml = tmp_path / "j.graphml"
    assert runner.invoke(app, ["convert", str(good_file), "-o", str(graphml)]).exit_code == 0
    back = tmp_path / "back.json"
    assert runner.invoke(app, ["convert", str(graphml), "-o", str(back)]).exit_code == 0
    data = json.loads(back.read_text(encoding="utf-8"))
    assert data["touchpoints"][1]["name"] == 'Màn hình "Xác thực khuôn mặt" <eKYC> & OTP'


def test_schema_command_prints_json_schema():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Customer journey"


def test_demo_renders_every_sample(tmp_path):
    out = tmp_path / "demo"
    result = runner.invoke(app, ["demo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    files = sorted(p.suffix for p in out.iterdir())
    assert files.count(".svg") == files.count(".png") == files.count(".pdf") == len(sample_journey_paths())
    assert str(out.resolve()) in result.output
    classified = out / "feedback_sample.classified.csv"
    assert classified.is_file() and "held-out comments of the bundled corpus classified" in result.output
    # labels in Vietnamese (nlp.labels), never the ids
    assert "causes:    Vấn đề/câu hỏi không được giải quyết" in result.output and "wait_time" not in result.output
    # The analytics part: the lived journey from the bundled log, with metrics and comment numbers.
    assert "e-commerce journey discovered from 15.565 events of 6.000 customers" in result.output
    lived = load_journey(out / "analytics" / "hanh_trinh_thuc_te_co_chi_so.yaml")
    assert lived.graph.edges["theo_doi_don", "chat_cskh"]["volume"] > 0  # undesigned, lived
    chat = lived.touchpoint("chat_cskh").metrics
    assert chat is not None and chat.nps is not None and chat.nps < 0 and chat.model_extra["comments"] > 0
    ranking = pd.read_csv(out / "analytics" / "xep_hang_diem_dau.csv")
    assert ranking["Hạng"].tolist() == list(range(1, len(ranking) + 1))  # Vietnamese headers by default
    assert (out / "analytics" / "thiet_ke_va_thuc_te.svg").stat().st_size > 10_000
    # The workshop set: canvas in three formats, flow diagram, Mermaid and the report, all printed.
    workshop = out / "workshop"
    for name in ("ban_do_hanh_trinh.svg", "ban_do_hanh_trinh.png", "ban_do_hanh_trinh.pdf", "so_do_luong.svg",
                 "hanh_trinh.mmd", "bao_cao.html"):
        assert (workshop / name).stat().st_size > 0 and str(workshop / name) in result.output
    assert (workshop / "hanh_trinh.mmd").read_text(encoding="utf-8").startswith("journey\n")
    assert "Chat với chăm sóc khách hàng của sàn" in (workshop / "bao_cao.html").read_text(encoding="utf-8")
    _one_set_of_numbers(out, result.output)


def _one_set_of_numbers(out, console: str) -> None:
    """Issue 17: for the same inputs, the console, the written tables, the canvas and the report of
    ``cx demo`` show the same pain score, CSAT and NPS for a touchpoint, each saying where it comes from.
    (Before: 0.48 / 72% negative in the console and CSV, 0,38 / 68% in the report; the PNG canvas
    showed the designed CSAT 78% / NPS +35, the report's canvas the measured 82,5% / +27.)"""
    import html as html_lib
    import re

    from journeymap import fmt

    ranking = pd.read_csv(out / "analytics" / "xep_hang_diem_dau.csv", dtype={"Mã điểm chạm": str})
    metrics = pd.read_csv(out / "analytics" / "chi_so_theo_diem_cham.csv").set_index("Mã điểm chạm")
    comments = pd.read_csv(out / "analytics" / "binh_luan_theo_diem_cham.csv").set_index("Mã điểm chạm")
    report = html_lib.unescape((out / "workshop" / "bao_cao.html").read_text(encoding="utf-8"))
    worst = ranking.iloc[0]
    touchpoint, name = worst["Mã điểm chạm"], worst["Điểm chạm"]
    score = fmt.number(worst["Điểm đau (0–1)"], 2)
    csat = fmt.number(metrics.loc[touchpoint, "CSAT (%)"], 1, trim=True) + "%"
    nps = fmt.signed(metrics.loc[touchpoint, "NPS"], 1)
    negative = fmt.percent(comments.loc[touchpoint, "Tỷ lệ tiêu cực"])
    assert negative == fmt.percent(worst["Tỷ lệ bình luận tiêu cực"])
    # the console's line for the worst pain point
    line = next(line for line in console.splitlines() if line.strip().startswith(name + " ("))
    assert f"điểm đau {score}" in line and f"CSAT {csat}" in line and f"NPS {nps}" in line
    assert "CES: đo được" in line and "bình luận: người gán nhãn" in line  # and where they come from
    # the report: the pain table row, the metrics table row, the feedback card
    pain = report.split('<section id="pain"')[1].split("</section>")[0]
    pain_row = re.search(rf"<td>{re.escape(name)}</td>.*?</tr>", pain, re.DOTALL).group(0)
    assert f"<span>{score}</span>" in pain_row and "CES: đo được" in pain_row and negative in pain_row
    metrics_row = re.search(rf"<tr><td>{re.escape(name)}</td>.*?</tr>", report.split('id="metrics"')[1], re.DOTALL).group(0)
    # a table column keeps its decimals (50,0%), the same figure as the console's 50%
    assert f'"num">{fmt.number(metrics.loc[touchpoint, "NPS"], 1)}<' in metrics_row
    assert f'"num">{fmt.number(metrics.loc[touchpoint, "CSAT (%)"], 1)}%<' in metrics_row
    card = report.split(f'id="feedback-{touchpoint}"')[1].split("</article>")[0]
    assert f"{negative} tiêu cực" in card
    # the executive summary names the same worst pain point and score, as in the console
    summary = report.split('id="summary"')[1].split("</aside>")[0]
    assert f"Điểm đau lớn nhất là “{name}” (điểm {score}" in summary
    assert f"Điểm đau lớn nhất là “{name}” (điểm {score}" in console
    # the canvas (SVG, the PNG's twin) shows the measured CSAT and NPS with their answer counts
    canvas = html_lib.unescape((out / "workshop" / "ban_do_hanh_trinh.svg").read_text(encoding="utf-8"))
    assert f"CSAT {fmt.number(metrics.loc['livestream', 'CSAT (%)'], 1, trim=True)}%" in canvas
    assert "CSAT 78%" not in canvas and "nps_n" not in canvas and "nps_n" not in report
    assert f"{fmt.number(metrics.loc['livestream', 'Số phản hồi NPS'])} phản hồi" in canvas


def test_help_and_import_do_not_load_heavy_libraries():
    code = (
        "import sys, journeymap, nlp; from journeymap.cli import app\n"
        "from typer.testing import CliRunner\n"
        "assert CliRunner().invoke(app, ['--help']).exit_code == 0\n"
        "heavy = {'spacy', 'underthesea', 'pandas', 'duckdb', 'sklearn', 'pygraphviz', 'matplotlib', 'jinja2',\n"
        "         'numpy', 'scipy', 'playwright', 'torch', 'pyspark', 'py4j', 'pyarrow'} & set(sys.modules)\n"
        "print(sorted(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_nlp_is_the_lower_layer_and_never_imports_journeymap():
    code = (
        "import importlib, pkgutil, sys, nlp\n"
        "for info in pkgutil.iter_modules(nlp.__path__):\n"
        "    importlib.import_module('nlp.' + info.name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'journeymap'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
