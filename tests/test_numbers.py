"""Issue 17 items 4 and 5: one set of numbers, said where they come from, in Vietnamese.

The report's executive summary repeats figures of its sections word for word; written tables carry
Vietnamese headers unless ``--headers ids``, with values rounded the way the report shows them.
"""

from __future__ import annotations

import html as html_lib
import re

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap import fmt
from journeymap.cli import app
from journeymap.report import build_report, report_findings
from journeymap.samples import data_dir

DATA = data_dir()
SAMPLE = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"
ANALYTICS = DATA / "analytics"
runner = CliRunner()


@pytest.fixture(scope="module")
def report() -> str:
    return html_lib.unescape(build_report(SAMPLE, feedback=ANALYTICS / "comments.csv", survey=ANALYTICS / "survey.csv",
                                          tickets=ANALYTICS / "tickets.csv", events=ANALYTICS / "events.csv"))


def _section(page: str, key: str) -> str:
    return page.split(f'<section id="{key}"')[1].split("</section>")[0]


def test_executive_summary_leads_the_report_and_repeats_its_sections_figures(report):
    summary = report.split('id="summary"')[1].split("</aside>")[0]
    assert report.index('id="summary"') < report.index('<section id="canvas"')  # at the top, before the canvas
    items = [re.sub(r"<[^>]+>", "", item).split("→")[0].strip()
             for item in re.findall(r"<li>(.*?)</li>", summary, re.DOTALL)]
    assert len(items) == 4
    conversion, lived, pain = _section(report, "conversion"), _section(report, "lived"), _section(report, "pain")
    # 1. conversion by design and as lived: the figures of the conversion and lived sections
    designed = re.search(r"Theo thiết kế, (\S+) khách hàng", items[0]).group(1)
    assert f"<strong>{designed}</strong> khách hàng đạt điểm chạm đích" in conversion
    actual = re.search(r"thực tế là (\S+)\.", items[0]).group(1)
    assert f"thực tế <strong>{actual}</strong>" in lived
    # 2. the biggest drop-off: the first bar of the drop-off chart, with its value
    name, share = re.search(r"Mất nhiều khách nhất tại “(.+?)”: (\S+) số khách", items[1]).groups()
    first_bar = re.search(r'<text class="label".*?</text>.*?<text class="value"[^>]*>([^<]+)</text>', conversion, re.DOTALL)
    assert first_bar.group(1) == share and name.split()[0] in first_bar.group(0)
    # 3. the worst pain point, its score and why: row 1 of the pain ranking; its top cause from the comments
    worst, score = re.search(r"Điểm đau lớn nhất là “(.+?)” \(điểm (\S+) trên thang", items[2]).groups()
    first_row = re.search(r'<td class="rank">1</td><td>(.*?)</td>.*?<span>(.*?)</span>.*?<td>(.*?)</td>', pain, re.DOTALL)
    assert first_row.groups()[:2] == (worst, score) and first_row.group(3) in items[2]
    assert "Khách hàng phàn nàn nhiều nhất về:" in items[2]
    # 4. what fixing it would gain: the what-if sentence of the conversion section, word for word
    assert items[3].startswith(f"Nếu tỷ lệ rời bỏ tại '{worst}' giảm từ") and items[3] in conversion
    # the same sentences as plain text, for the console and cx demo
    findings = report_findings(SAMPLE, feedback=ANALYTICS / "comments.csv", survey=ANALYTICS / "survey.csv",
                               tickets=ANALYTICS / "tickets.csv", events=ANALYTICS / "events.csv")
    assert findings == items


def test_report_says_where_figures_come_from_in_plain_words(report):
    pain = _section(report, "pain")
    assert "<th>Nguồn</th>" in pain and "rời bỏ: thiết kế; CES: đo được; bình luận: người gán nhãn" in pain
    assert "Cảm xúc và nguyên nhân: người gán nhãn." in _section(report, "feedback")
    assert "Nguồn: đo được từ khảo sát" in _section(report, "metrics")
    # the analyst's term is a tooltip/footnote, not the explanation
    conversion = _section(report, "conversion")
    assert "hiệu ứng loại bỏ của chuỗi Markov" not in report
    assert '<abbr title="Thuật ngữ: hiệu ứng loại bỏ (removal effect)' in conversion
    assert "Hiệu ứng loại bỏ (removal effect)" in report.split('<footer id="sources">')[1]
    assert "nps_n" not in report and "csat_n" not in report


def test_report_footer_does_not_name_a_python_class():
    from journeymap import load_journey

    page = build_report(load_journey(SAMPLE))
    assert "đối tượng Journey" not in page and "tạo trực tiếp trong Python (không đọc từ tệp)" in page


def test_label_source_follows_the_comments():
    from journeymap import load_journey
    from journeymap.feedback import summarize_feedback

    journey = load_journey(SAMPLE)
    given = summarize_feedback(journey, ANALYTICS / "comments.csv")
    model = summarize_feedback(journey, ANALYTICS / "comments.csv", classify=True)
    assert given.attrs["labels"] == "given" and model.attrs["labels"] == "model"
    from journeymap.pain import pain_ranking

    assert pain_ranking(journey, model)["source"].iloc[0].endswith("bình luận: mô hình gán nhãn")


def test_pain_table_has_vietnamese_headers_and_rounded_values_or_ids_and_full_precision_on_request(tmp_path):
    people, machines = tmp_path / "pain.csv", tmp_path / "pain_ids.xlsx"
    args = ["pain", str(SAMPLE), "--feedback", str(ANALYTICS / "comments.csv")]
    shown = runner.invoke(app, [*args, "-o", str(people)])
    assert shown.exit_code == 0, shown.output
    assert runner.invoke(app, [*args, "-o", str(machines), "--headers", "ids"]).exit_code == 0
    vi = pd.read_csv(people)
    ids = pd.read_excel(machines)
    assert list(vi.columns[:5]) == ["Hạng", "Mã điểm chạm", "Điểm chạm", "Giai đoạn", "Điểm đau (0–1)"]
    assert "Nguồn số liệu" in vi.columns and "source" in ids.columns
    assert list(ids.columns[:5]) == ["rank", "touchpoint", "name", "stage", "score"]
    # for people rounded as the report shows them (2 decimals for a score); for programs at full precision
    # (before: rounded either way); the numbers agree: the precise ones, rounded, are the people's
    assert all(round(v, 2) == v for v in vi["Điểm đau (0–1)"].dropna())
    assert any(round(v, 2) != v for v in ids["score"].dropna())
    assert ids["score"].round(2).dropna().tolist() == vi["Điểm đau (0–1)"].dropna().tolist()
    assert ids["negative"].round(3).dropna().tolist() == vi["Tỷ lệ bình luận tiêu cực"].dropna().tolist()
    # the console prints the file's rounded score, not a third digit (before: 0,376 on screen, 0.3757 in the file)
    assert f" {fmt.number(vi['Điểm đau (0–1)'].iloc[0], 2)} " in shown.output
    # causes named in Vietnamese for people, ids for machines
    assert "Vấn đề/câu hỏi không được giải quyết" in " ".join(vi["Nguyên nhân nhắc nhiều nhất"].dropna())
    assert "unresolved" in " ".join(ids["top_causes"].dropna())


def test_metrics_table_names_counts_and_intervals_in_vietnamese(tmp_path):
    out = tmp_path / "metrics.csv"
    result = runner.invoke(app, ["metrics", str(ANALYTICS / "survey.csv"), "--by", "touchpoint", "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"Số phản hồi NPS", "NPS – cận dưới KTC 95%", "CSAT (%)", "CES (1–7)"} <= set(table.columns)
    assert "nps_n" not in result.output and "Số phản hồi NPS" in result.output
    assert all(round(v, 1) == v for v in table["NPS"].dropna())


def test_conversion_writes_its_table(tmp_path):
    out = tmp_path / "conversion.csv"
    result = runner.invoke(app, ["conversion", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert {"Điểm chạm", "Tỷ lệ đến", "Mức phụ thuộc"} <= set(table.columns)


def test_headers_option_refuses_other_styles(tmp_path):
    result = runner.invoke(app, ["pain", str(SAMPLE), "-o", str(tmp_path / "x.csv"), "--headers", "english"])
    assert result.exit_code != 0 and "vi" in result.output and "ids" in result.output
    with pytest.raises(ValueError, match="headers must be one of 'vi', 'ids'"):
        fmt.table(pd.DataFrame({"score": [0.5]}), headers="en")


def test_pictures_name_channels_in_vietnamese():
    from journeymap import load_journey
    from journeymap.draw.canvas import canvas_svg
    from journeymap.draw.render import journey_to_svg

    journey = load_journey(SAMPLE)
    for svg in (canvas_svg(journey), journey_to_svg(journey)):
        text = html_lib.unescape(svg)
        assert "Mạng xã hội" in text  # the livestream's channel id is "social"
        assert not re.search(r">\s*social\s*<", text) and "social ·" not in text
