"""The self-contained HTML report (journeymap.report) and ``cx report``."""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest
from typer.testing import CliRunner

from journeymap import Journey, load_journey
from journeymap.errors import DataError
from journeymap.report import SECTIONS, build_report, write_report
from journeymap.report.charts import _embed_svg
from journeymap.samples import data_dir

DATA = data_dir()
SAMPLE = DATA / "journeys" / "mua_hang_va_doi_tra.yaml"
ANALYTICS = DATA / "analytics"
XSS = "<script>alert(1)</script>"
QUOTE = 'Điền đơn mất 20 phút, nút "Tiếp" & "Gửi" không bấm được'


class Page(HTMLParser):
    """What a reader (and a mail client) gets from the HTML: elements, attributes, text per section."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.section_text: dict[str, list[str]] = {}
        self.headings: dict[str, str] = {}
        self.blockquotes: list[str] = []
        self.styles: list[str] = []
        self._sections: list[str] = []
        self._depth: list[tuple[str, int]] = []
        self._open: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag in ("meta", "br", "hr", "img", "input", "link"):
            return
        self._open.append(tag)
        if tag == "section":
            self._sections.append(attributes.get("id") or "")
            self.section_text.setdefault(self._sections[-1], [])

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            closed = self._open.pop()
            if closed == "section" and self._sections:
                self._sections.pop()
            if closed == tag:
                break

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._sections:
            self.section_text[self._sections[-1]].append(data)
            if self._open and self._open[-1] == "h2":
                self.headings[self._sections[-1]] = data.strip()
        if "blockquote" in self._open:
            self.blockquotes.append(data.strip())
        if self._open and self._open[-1] == "style":
            self.styles.append(data)

    @property
    def sections(self) -> list[str]:
        return [a.get("id") or "" for t, a in self.tags if t == "section"]

    def body_text(self) -> str:
        return " ".join(" ".join(self.text).split())

    def text_of(self, section: str) -> str:
        return " ".join(" ".join(self.section_text.get(section, [])).split())


def small_journey() -> Journey:
    j = Journey('Mở thẻ <tín dụng> & "ưu đãi"', stages=["Đăng ký", "Kích hoạt"],
                persona="Nhân viên văn phòng 25–35 tuổi", description="Từ lúc điền đơn đến khi kích hoạt thẻ.")
    j.add_touchpoint("form", name="Điền đơn trên app", stage="Đăng ký", ces=3, drop_off=0.4, emotion=-1,
                     aliases=["dien don"])
    j.add_touchpoint("xss", name=XSS, stage="Đăng ký", ces=5, drop_off=0.1, emotion=0)
    j.add_touchpoint("doi_chieu", name="Đối chiếu dữ liệu", stage="Đăng ký", lane="backstage")
    j.add_touchpoint("kich_hoat", name="Kích hoạt thẻ", stage="Kích hoạt", goal=True, emotion=1)
    j.add_transition("form", "xss")
    j.add_transition("xss", "doi_chieu")
    j.add_transition("doi_chieu", "kich_hoat")
    return j


COMMENTS = pd.DataFrame({
    "text": [QUOTE, "Form gọn, ok", "<b>đậm</b> & chờ lâu quá", "dien don xong thi bi treo", "Không liên quan"],
    "sentiment": ["negative", "positive", "negative", "negative", "neutral"],
    "causes": ["wait_time", "", "wait_time,unresolved", "unresolved", ""],
    "touchpoint": ["form", "form", "xss", "", ""],
})
SURVEY = pd.DataFrame({"touchpoint": ["form", "form", "form", "xss"], "nps": [10, 6, 9, 3], "csat": [5, 2, 4, 4],
                       "ces": [6, 2, 4, 5]})
TICKETS = pd.DataFrame({
    "touchpoint": ["form", "form"],
    "opened_at": ["2026-01-05 08:00", "2026-01-06 08:00"],
    "resolved_at": ["2026-01-05 20:00", "2026-01-07 08:00"],
})
EVENTS = pd.DataFrame({
    "case_id": ["k1", "k1", "k1", "k1", "k2", "k2", "k3"],
    "touchpoint": ["form", "xss", "doi_chieu", "kich_hoat", "form", "xss", "form"],
    "stage": ["Đăng ký", "Đăng ký", "Đăng ký", "Kích hoạt", "Đăng ký", "Đăng ký", "Đăng ký"],
    "timestamp": ["2026-01-05 08:00", "2026-01-05 08:10", "2026-01-05 09:00", "2026-01-06 08:00",
                  "2026-01-05 10:00", "2026-01-05 10:30", "2026-01-05 11:00"],
})


@pytest.fixture(scope="module")
def reports() -> dict[str, str]:
    j = small_journey()
    return {
        "journey": build_report(j),
        "feedback": build_report(j, feedback=COMMENTS),
        "survey": build_report(j, survey=SURVEY, tickets=TICKETS),
        "events": build_report(j, events=EVENTS),
        "all": build_report(j, feedback=COMMENTS, survey=SURVEY, tickets=TICKETS, events=EVENTS, title="Báo cáo Q1"),
    }


@pytest.fixture(scope="module")
def sample_report() -> str:
    return build_report(SAMPLE, feedback=ANALYTICS / "comments.csv", survey=ANALYTICS / "survey.csv",
                        tickets=ANALYTICS / "tickets.csv", events=ANALYTICS / "events.csv")


@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ("journey", ["canvas", "flow", "conversion", "pain"]),
        ("feedback", ["canvas", "flow", "conversion", "feedback", "pain"]),
        ("survey", ["canvas", "flow", "conversion", "metrics", "pain"]),
        ("events", ["canvas", "flow", "conversion", "pain", "lived"]),
        ("all", ["canvas", "flow", "conversion", "metrics", "feedback", "pain", "lived"]),
    ],
)
def test_each_input_adds_its_sections_and_missing_ones_leave_no_shell(reports, inputs, expected):
    page = Page(reports[inputs])
    assert page.sections == expected
    assert page.headings == {key: SECTIONS[key] for key in expected}
    # the table of contents links exactly the sections present
    links = [a["href"] for t, a in page.tags if t == "a" and "href" in a]
    # the table of contents lists the sections in order; the executive summary before it links into them
    assert links[-len(expected):] == [f"#{key}" for key in expected]
    assert set(links) <= {f"#{key}" for key in expected}
    absent = set(SECTIONS) - set(expected)
    assert not any(f'id="{key}"' in reports[inputs] for key in absent)


def test_journey_alone_gives_conversion_from_the_designed_probabilities(reports):
    page = Page(reports["journey"])
    # 60% leave the form's 40% drop-off, then 90% pass the next step: 0.6 × 0.9
    assert "54% khách hàng đạt điểm chạm đích" in page.text_of("conversion")
    assert "Rời bỏ tại đây" in page.text_of("conversion")
    lost = page.text_of("conversion").split()
    assert "40%" in lost and "6%" in lost  # lost: 0.4, 0.6 × 0.1
    assert "Chân dung khách hàng: Nhân viên văn phòng 25–35 tuổi" in page.body_text()


def test_survey_and_tickets_give_scores_with_intervals_and_time_to_resolution(reports):
    text = Page(reports["survey"]).text_of("metrics")
    # form: promoters 10 and 9, detractor 6 → (2 − 1) / 3; overall adds a detractor: (2 − 2) / 4
    assert re.search(r"Điền đơn trên app 33,3 −\d+,\d … \d+,\d 3 ", text)
    assert re.search(r"Toàn hành trình 0,0 −\d+,\d … \d+,\d 4 ", text)
    assert "CSAT" in text and "CES" in text
    # tickets: 12 h and 24 h → 18 h, two resolved, none open
    assert re.search(r"Điền đơn trên app 18,0 \S+ … \S+ 2 / 0", text)


def test_measured_metrics_reach_the_canvas_but_not_the_callers_journey():
    j = small_journey()
    html = build_report(j, survey=SURVEY)
    assert "metrics" not in j.graph.nodes["form"]
    assert "NPS +33,3" in Page(html).text_of("canvas")
    assert "NPS" not in Page(build_report(j)).text_of("canvas")


def test_feedback_cards_quote_as_written_and_name_causes_in_vietnamese(reports):
    page = Page(reports["feedback"])
    text = page.text_of("feedback")
    assert QUOTE in page.blockquotes and "<b>đậm</b> & chờ lâu quá" in page.blockquotes
    assert "5 bình luận, 5 có nội dung" in text and "60% tiêu cực" in text
    assert "1 bình luận không gắn được" in text  # "Không liên quan" names no touchpoint
    # the form has its own comment by column and one matched by the alias "dien don"
    assert "Điền đơn trên app Đăng ký 3 bình luận · 67% tiêu cực" in text
    assert "Thời gian chờ lâu" in text and "Vấn đề/câu hỏi không được giải quyết" in text
    assert "wait_time" not in text


def test_pain_ranking_has_its_reasons(reports):
    text = Page(reports["all"]).text_of("pain")
    assert "Vì sao" in text and "CES" in text and "bình luận tiêu cực" in text
    assert "Đối chiếu dữ liệu" not in text  # backstage touchpoints are not ranked


def test_designed_vs_lived_section(reports):
    text = Page(reports["events"]).text_of("lived")
    assert "3 khách hàng (case), 7 sự kiện" in text
    assert "Chuyển đổi: thiết kế 54%" in text and "thực tế 33,3%" in text  # k1 of k1, k2, k3 reached the goal
    assert "Điền đơn trên app → " + XSS in text  # path variants use the journey's names


@pytest.mark.parametrize("inputs", ["journey", "all"])
def test_the_file_is_self_contained(reports, inputs):
    html = reports[inputs]
    page = Page(html)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed", "base"), tag
        for name in ("src", "href", "xlink:href", "action", "srcset", "data", "poster"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert not re.search(r"@import|@font-face", html, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(?!#)", html), "every url() points inside the page"
    assert not re.search(r"https?://", re.sub(r'xmlns(:\w+)?="[^"]*"', "", html)), "addresses only name namespaces"


def test_user_text_is_escaped_in_the_page_and_in_the_pictures(reports):
    html = reports["all"]
    assert XSS not in html and "<b>đậm</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    assert not any(tag == "script" for tag, _ in page.tags)
    # both embedded SVGs carry the name as escaped text (the flow diagram wraps it over lines, even inside a word)
    assert XSS in page.text_of("canvas")
    assert XSS in page.text_of("flow").replace(" ", "")
    assert QUOTE in page.blockquotes  # '"' and '&' survive as text
    assert 'Mở thẻ <tín dụng> & "ưu đãi"' in page.body_text()


def test_bundled_sample_with_every_input(sample_report):
    page = Page(sample_report)
    assert page.sections == list(SECTIONS)
    text = page.body_text()
    journey = load_journey(SAMPLE)
    for _, name in journey.graph.nodes(data="name"):
        assert name in text, name
    # NPS from survey.csv with its interval, the ticket TTR, and the lived journey's undesigned detour
    assert "Toàn hành trình −1,9 −5,8 … 2,1 1.501" in page.text_of("metrics")
    assert "Tra cứu & theo dõi đơn → Chat với chăm sóc khách hàng của sàn 114 16,7%" in page.text_of("lived")
    # the footer names the inputs' files, never their folders
    footer = text[text.index("Cách tạo báo cáo"):]
    for name in ("mua_hang_va_doi_tra.yaml", "comments.csv, 372 dòng", "survey.csv, 1.549 dòng",
                 "tickets.csv, 212 dòng", "events.csv"):
        assert name in footer
    assert str(ANALYTICS) not in sample_report
    assert "Hoàn về thẻ tín dụng ghi 7–14 ngày làm việc" in " ".join(page.blockquotes)  # diacritics intact


def test_print_and_language(reports):
    html = reports["journey"]
    page = Page(html)
    assert ("html", {"lang": "vi"}) in page.tags
    assert ("meta", {"charset": "utf-8"}) in page.tags
    css = " ".join(page.styles)
    assert "@page { size: A4 landscape; margin: 12mm; }" in css
    printing = css[css.index("@media print"):]
    assert "break-inside: avoid" in printing and "max-width: 100%" in printing
    assert '"DejaVu Sans"' in css and '"Noto Sans"' in css
    # pictures scale to the page: the SVGs' fixed sizes became a width of 100% with their aspect ratio
    for prefix in ("canvas-", "flow-"):
        root = re.search(rf'<svg[^>]*id="{prefix}root"[^>]*>', html).group(0)
        assert "width:100%;height:auto" in root and "viewBox" in root and ' width="' not in root


def test_journey_without_a_goal_has_no_conversion_and_says_why():
    j = Journey("Đặt bàn", stages=["Đặt bàn"])
    j.add_touchpoint("zalo", name="Nhắn Zalo đặt bàn", stage="Đặt bàn", ces=6)
    page = Page(build_report(j))
    assert page.sections == ["canvas", "flow", "pain"]
    assert "Không tính chuyển đổi: hành trình chưa có điểm chạm đích" in page.body_text()


def test_source_date_epoch_makes_the_same_inputs_give_the_same_page(monkeypatch):
    # Consultants keep reports under version control: a rebuild with nothing changed must not differ.
    j = small_journey()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    first = build_report(j, feedback=COMMENTS, survey=SURVEY, events=EVENTS)
    assert "ngày 01/01/2026" in first
    assert build_report(j, feedback=COMMENTS, survey=SURVEY, events=EVENTS) == first
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "hôm qua")
    with pytest.raises(ValueError, match="SOURCE_DATE_EPOCH must be a whole number of seconds.*'hôm qua'"):
        build_report(j)


def test_embedded_svg_ids_are_prefixed_and_text_is_untouched():
    svg = ('<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="400pt" height="100pt" viewBox="0 0 400 100">'
           '<defs><style>*{stroke-linejoin: round}</style><clipPath id="c1"/></defs>'
           '<g id="g1" clip-path="url(#c1)"><use xlink:href="#g1"/><text>id="x" url(#c1)</text></g></svg>')
    out = _embed_svg(svg, "p-", readable=0.6)
    assert out.startswith("<svg") and "<?xml" not in out and "DOCTYPE" not in out
    assert 'id="p-c1"' in out and 'clip-path="url(#p-c1)"' in out and 'xlink:href="#p-g1"' in out
    assert '<text>id="x" url(#c1)</text>' in out
    assert "#p-root *{stroke-linejoin" in out
    assert "max-width:400pt;min-width:240pt" in out and 'width="400pt"' not in out


def test_bad_inputs_say_which_and_what(tmp_path):
    j = small_journey()
    with pytest.raises(FileNotFoundError, match="survey .*nope.csv does not exist"):
        build_report(j, survey=tmp_path / "nope.csv")
    with pytest.raises(TypeError, match="feedback must be a pandas DataFrame or the path of a .csv, .tsv, .xlsx or .jsonl file; got list"):
        build_report(j, feedback=["Điền đơn lâu"])
    bad = SURVEY.assign(nps=[10, "mười", 9, 3])
    with pytest.raises(DataError, match="mười"):
        build_report(j, survey=bad)


def test_write_report_checks_the_name_and_never_overwrites_an_input(tmp_path):
    with pytest.raises(ValueError, match=r"j\.yaml from its suffix '\.yaml'; use one of: \.html, \.htm$"):
        write_report(small_journey(), tmp_path / "j.yaml")
    survey = tmp_path / "survey.html"  # an input that happens to have the report's suffix
    survey.write_text("touchpoint,nps\nform,9\n", encoding="utf-8")
    with pytest.raises(ValueError, match="refusing to overwrite the input file .*survey"):
        write_report(small_journey(), survey, survey=survey)
    assert survey.read_text(encoding="utf-8") == "touchpoint,nps\nform,9\n"
    out = write_report(small_journey(), tmp_path / "bao_cao.htm")
    assert out == tmp_path / "bao_cao.htm" and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


# -- cx report ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli():
    from journeymap.cli import app

    return app


def test_cli_writes_the_report_and_lists_its_sections(cli, tmp_path):
    out = tmp_path / "bao_cao" / "report.html"
    result = CliRunner().invoke(cli, ["report", "--journey", str(SAMPLE), "--feedback",
                                      str(ANALYTICS / "comments.csv"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.output
    assert "sections: canvas (Bản đồ hành trình), flow (Sơ đồ luồng khách hàng), conversion (Chuyển đổi và rời bỏ), " \
           "feedback (Khách hàng nói gì), pain (Xếp hạng điểm đau)" in result.output
    assert Page(out.read_text(encoding="utf-8")).sections == ["canvas", "flow", "conversion", "feedback", "pain"]


def test_cli_refuses_to_overwrite_an_input_and_reports_bad_files(cli, tmp_path):
    journey = tmp_path / "journey.yaml"
    shutil.copy(SAMPLE, journey)
    before = journey.read_bytes()
    result = CliRunner().invoke(cli, ["report", "--journey", str(journey), "-o", str(journey)])
    assert result.exit_code == 1 and "refusing to overwrite the input file" in result.output
    assert journey.read_bytes() == before
    comments = tmp_path / "comments.csv"
    shutil.copy(ANALYTICS / "comments.csv", comments)
    result = CliRunner().invoke(cli, ["report", "-j", str(journey), "-f", str(comments), "-o", str(comments)])
    assert result.exit_code == 1 and "refusing to overwrite the input file" in result.output
    result = CliRunner().invoke(cli, ["report", "-j", str(journey), "-s", str(tmp_path / "none.csv"),
                                      "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and "none.csv does not exist" in result.output
    result = CliRunner().invoke(cli, ["report", "-j", str(journey), "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1 and "r.pdf from its suffix '.pdf'; use one of: .html, .htm" in result.output
    bad = tmp_path / "survey.csv"
    bad.write_text("touchpoint,nps\ngio_hang,11\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["report", "-j", str(journey), "-s", str(bad), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 1 and "row 2" in result.output and "11" in result.output
    assert not (tmp_path / "r.html").exists()


def test_cx_canvas_draws_with_causes_and_diffs_two_states(tmp_path):
    from typer.testing import CliRunner

    from journeymap.cli import app
    from journeymap.samples import data_dir

    runner = CliRunner()
    journey = data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml"
    svg = tmp_path / "canvas.svg"
    result = runner.invoke(app, ["canvas", str(journey), "-o", str(svg), "--feedback",
                                 str(data_dir() / "analytics" / "comments.csv"), "--touchpoint-column", "touchpoint"])
    assert result.exit_code == 0, result.output
    text = svg.read_text(encoding="utf-8")
    assert all(word in text for word in ["Chat", "với", "chăm", "sóc", "khách", "hàng", "của", "sàn"])  # wrapped, never cut
    assert "Vấn đề/câu hỏi" in text  # the top cause of the customer-service chat, in Vietnamese

    future = tmp_path / "future.yaml"
    future.write_text(journey.read_text(encoding="utf-8").replace("ces: 2\n", "ces: 5\n", 1), encoding="utf-8")
    diff = tmp_path / "diff.png"
    result = runner.invoke(app, ["canvas", str(future), "--compare-to", str(journey), "--layout", "diff", "-o", str(diff)])
    assert result.exit_code == 0, result.output
    assert diff.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    result = runner.invoke(app, ["canvas", str(journey), "--layout", "diff", "-o", str(tmp_path / "x.svg")])
    assert result.exit_code == 1 and "--compare-to" in result.output
