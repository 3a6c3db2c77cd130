"""Hostile and careless journey files: each is read within bounds or refused with a message (issue 15).

Journey files (YAML, JSON), node-link JSON and GraphML: alias bombs, special files, huge values,
deep nesting, control characters, ``inf``, YAML 1.1 surprises, and the text that reaches drawings.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
import time
import tracemalloc
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import journeymap
from journeymap import (
    Journey,
    JourneyValidationError,
    _parse,
    load_journey,
    loads_journey,
    read_graphml,
    read_node_link,
)
from journeymap.cli import app
from journeymap.convert import convert_journey
from journeymap.errors import DataError

runner = CliRunner()
ROOT = Path(journeymap.__file__).resolve().parents[1]  # the tree under test, for the child process

ONE = "journey: Mở thẻ\nstages: [Nhận biết]\ntouchpoints:\n  - {id: a, name: Quầy, stage: Nhận biết}\n"


def _problems(text: str, fmt: str = "yaml") -> str:
    with pytest.raises(JourneyValidationError) as info:
        loads_journey(text, fmt, source="j." + fmt)
    return str(info.value)


def _bomb(aliases: int, levels: int) -> str:
    lines = ["journey: Bom", "stages: [A]", "touchpoints:", "  - id: a", "    name: A", "    stage: A",
             "    pain_points:", f"      - &a0 [{', '.join(['lol'] * aliases)}]"]
    for level in range(1, levels):
        lines.append(f"      - &a{level} [{', '.join([f'*a{level - 1}'] * aliases)}]")
    return "\n".join(lines) + "\n"


# 1. Aliases are walked once; an alias bomb is refused at the alias that passes the limit ---------------

def test_the_issues_alias_bomb_is_refused_in_bounded_time_and_memory(tmp_path):
    """9 aliases x 10 levels (1 KB): before, cx validate passed 4.4 GB. Run in a child under a 1 GB cap."""
    resource = pytest.importorskip("resource")
    assert resource  # the child sets the limit; importorskip skips where the module does not exist
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(_bomb(9, 10), encoding="utf-8")
    assert bomb.stat().st_size < 1100
    child = textwrap.dedent(
        f"""
        import resource, sys, time
        resource.setrlimit(resource.RLIMIT_AS, (2**30, 2**30))
        sys.path.insert(0, {str(ROOT)!r})
        from journeymap import load_journey
        start = time.perf_counter()
        try:
            load_journey({str(bomb)!r})
        except ValueError as exc:
            print(round(time.perf_counter() - start, 2), exc)
        """
    )
    result = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    seconds, message = result.stdout.split(" ", 1)
    assert float(seconds) < 2.0  # a bound far above the few milliseconds it takes
    assert re.search(r"line 1\d, column \d+: alias \*a\d brings the values added by aliases to", message), message
    assert "alias bomb" in message
    assert len(message) < 600


def test_a_smaller_alias_bomb_fails_fast_in_process():
    tracemalloc.start()
    start = time.perf_counter()
    try:
        message = _problems(_bomb(10, 6))  # 1,111,110 values once expanded
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - start < 2.0
    assert peak < 50 * 2**20
    assert "line 12, column " in message and "alias *a" in message and "over the limit of 100,000" in message


def test_aliases_within_the_limit_are_shared_not_reread():
    text = ONE.replace("stage: Nhận biết}", "stage: Nhận biết, pain_points: &p [Chậm, Lỗi OTP]}") + \
        "  - {id: b, name: Quầy 2, stage: Nhận biết, pain_points: *p}\n"
    journey = loads_journey(text)
    assert journey.touchpoint("b").pain_points == ["Chậm", "Lỗi OTP"]


def test_merge_keys_merge_and_written_keys_win_without_a_duplicate_key_problem():
    text = textwrap.dedent(
        """\
        journey: Mở thẻ
        stages: [Nhận biết, Đăng ký]
        touchpoints:
          - &app {id: a, name: Ứng dụng, stage: Nhận biết, channel: app, ces: 5}
          - <<: *app
            id: b
            name: Ứng dụng (đăng ký)
            stage: Đăng ký
          - {<<: [*app, {owner: Khối bán lẻ, channel: web}], id: c, name: Web, ces: 2}
        """
    )
    journey = loads_journey(text)
    b, c = journey.touchpoint("b"), journey.touchpoint("c")
    assert (b.stage, b.channel, b.ces, b.name) == ("Đăng ký", "app", 5, "Ứng dụng (đăng ký)")
    assert (c.stage, c.channel, c.ces, c.owner) == ("Nhận biết", "app", 2, "Khối bán lẻ")  # the first mapping wins


def test_a_problem_in_a_merged_key_points_at_the_merge_line():
    text = "journey: T\nstages: [A]\ntouchpoints:\n  - &x {id: a, name: A, stage: A, ces: 9}\n  - {<<: *x, id: b}\n"
    message = _problems(text)
    assert "line 4, touchpoints[0] (id 'a') → ces" in message
    assert "line 5, touchpoints[1] (id 'b') → ces" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("journey: *nowhere\n", "alias *nowhere names no anchor"),
        ("journey: &x [a, *x]\n", "inside the list or mapping it names"),
        ("journey: !!python/object/apply:os.system [ls]\n", "'!!python/object/apply:os.system' is not supported"),
        ("journey: !foo x\n", "'!foo' is not supported"),
        ("journey: A\n---\njourney: B\n", "one YAML document"),
        ("? [a, b]\n: c\n", "a key must be a plain value"),
    ],
)
def test_yaml_structures_a_journey_cannot_hold_are_refused_with_their_line(text, expected):
    message = _problems(text)
    assert expected in message and "line " in message


# 2. libyaml's C parser, with line numbers; the pure-Python parser gives the same --------------------------

def test_the_c_parser_is_used_when_pyyaml_has_it_and_both_parsers_agree(good_text, monkeypatch):
    if yaml.__with_libyaml__:
        assert _parse._Loader is yaml.CSafeLoader
    fast = _parse.parse_document(good_text, "yaml")
    monkeypatch.setattr(_parse, "_Loader", yaml.SafeLoader)
    slow = _parse.parse_document(good_text, "yaml")
    assert fast.data == slow.data == yaml.safe_load(good_text)
    assert fast.lines == slow.lines
    assert {k: list(v) for k, v in fast.item_lines.items()} == {k: list(v) for k, v in slow.item_lines.items()}
    assert fast.line(("touchpoints", 1, "ces")) == 17 and fast.line(("touchpoints", 1)) == 13


def test_5000_touchpoints_validate_in_seconds(tmp_path):
    tps = [{"id": f"t{i}", "name": f"Điểm chạm {i}", "stage": "Nhận biết", "ces": 3, "pain_points": ["Chậm"]}
           for i in range(5000)]
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump({"journey": "Lớn", "stages": ["Nhận biết"], "touchpoints": tps},
                                   allow_unicode=True, sort_keys=False), encoding="utf-8")
    start = time.perf_counter()
    assert load_journey(path).graph.number_of_nodes() == 5000
    assert time.perf_counter() - start < 20  # 10 s before on a quiet machine; about 1 s now (benchmarks/validate_large.py)


# 3. Special files, size, huge values ------------------------------------------------------------------

@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_symlink_to_dev_zero_is_refused_before_reading(tmp_path):
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(DataError, match="not a regular file") as info:
        load_journey(zero)
    assert not isinstance(info.value, FileNotFoundError)  # it exists: "does not exist" would be wrong
    with pytest.raises(JourneyValidationError, match="a character device, such as /dev/zero"):
        _parse.read_text(zero)  # the reader refuses it too, without require_file's check first


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = runner.invoke(app, ["validate", str(fifo)])
    assert result.exit_code == 1 and "not a regular file" in result.output
    with pytest.raises(JourneyValidationError, match=r"a FIFO \(named pipe\)"):
        _parse.read_text(fifo)


def test_a_file_over_the_size_limit_is_refused_with_the_limit(tmp_path, monkeypatch):
    assert _parse.MAX_FILE_BYTES == 50 * 2**20
    monkeypatch.setattr(_parse, "MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.yaml"
    path.write_text(ONE + "# " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(JourneyValidationError, match=r"the file is 2,\d{3} bytes; a journey file may be at most 1,000"):
        load_journey(path)


@pytest.mark.parametrize("field", ["journey", "name"])
def test_a_huge_list_where_text_is_expected_fails_fast_with_a_short_message(tmp_path, field):
    data = {"journey": "T", "stages": ["A"], "touchpoints": [{"id": "a", "name": "A", "stage": "A"}]}
    target = data if field == "journey" else data["touchpoints"][0]
    target[field] = list(range(300_000))
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(JourneyValidationError) as info:
        load_journey(path)
    assert time.perf_counter() - start < 10
    message = str(info.value)
    assert len(message) < 400, message[:400]
    assert "(a list of 300,000 items)" in message and "[0, 1, 2, 3, ...]" in message


def test_a_long_bad_text_is_quoted_as_an_excerpt_with_its_length():
    message = _problems(ONE.replace("name: Quầy", "name: \"" + "Quầy " * 100_000 + "\\x01\""))
    assert "(500,001 characters)" in message and len(message) < 500


# 4. Tracebacks become messages ---------------------------------------------------------------------------

def test_a_vertical_tab_is_a_message_and_validate_goes_on_to_the_next_file(tmp_path, good_file):
    bad = tmp_path / "bad.yaml"
    bad.write_text(ONE.replace("Quầy", "Quầy\x0bsố 1"), encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad), str(good_file), str(tmp_path / "missing.yaml"), str(good_file)])
    assert result.exit_code == 1
    assert "line 4, column 23: the character U+000B (LINE TABULATION) is not allowed in a YAML file" in result.output
    assert result.output.count("ok — 3 stages") == 2  # the files after the bad ones are still checked
    assert "missing.yaml does not exist" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16"])
def test_utf32_and_utf16_files_with_a_bom_are_read(tmp_path, encoding):
    path = tmp_path / "wide.yaml"
    path.write_bytes(ONE.encode(encoding))
    assert load_journey(path).stages == ["Nhận biết"]


def test_utf16_without_a_bom_is_named(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_bytes(ONE.encode("utf-16-le"))
    with pytest.raises(JourneyValidationError, match="NUL bytes, as UTF-16 or UTF-32 text without a byte-order mark"):
        load_journey(path)


@pytest.mark.parametrize(("text", "fmt"), [
    ("journey: " + "[" * 500 + "]" * 500 + "\n", "yaml"),
    ("journey:\n" + "".join("  " * i + "- \n" for i in range(1, 400)), "yaml"),
    ('{"journey": ' + "[" * 500 + "]" * 500 + "}", "json"),
    ('{"journey": ' + "[" * 5000 + "]" * 5000 + "}", "json"),  # past Python's recursion limit
])
def test_deep_nesting_is_refused_at_64_levels_with_its_line(text, fmt):
    message = _problems(text, fmt)
    assert "nested more than 64 levels deep" in message
    assert "line " in message


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_a_5000_digit_number_is_a_message(fmt):
    text = ONE.replace("stage: Nhận biết}", "stage: Nhận biết, volume: " + "9" * 5000 + "}")
    if fmt == "json":
        text = json.dumps(yaml.safe_load(ONE)).replace('"stage": "Nh', '"volume": ' + "9" * 5000 + ', "stage": "Nh')
    message = _problems(text, fmt)
    assert "a number of 5,000 digits is too long to read" in message and "line " in message


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_whole_numbers_above_2_53_are_refused_not_rounded(fmt):
    data = yaml.safe_load(ONE)
    data["touchpoints"][0]["volume"] = 2**53 + 1
    text = json.dumps(data) if fmt == "json" else yaml.safe_dump(data, allow_unicode=True)
    message = _problems(text, fmt)
    assert "volume: is a whole number larger than 2^53" in message and "9007199254740993" in message
    data["touchpoints"][0]["volume"] = 2**53
    assert loads_journey(json.dumps(data), "json").touchpoint("a").volume == 2**53


def test_broken_graphml_is_a_message_with_its_line(tmp_path):
    path = tmp_path / "j.graphml"
    path.write_text("<graphml>\n<graph><node id='a'></graph>\n", encoding="utf-8")
    with pytest.raises(JourneyValidationError, match=r"(?s)j.graphml: .*line 2, column \d+: not well-formed GraphML"):
        read_graphml(path)
    path.write_text("<graphml/>", encoding="utf-8")
    with pytest.raises(JourneyValidationError, match="cannot read the file as GraphML"):
        read_graphml(path)


@pytest.mark.parametrize(("data", "expected"), [
    ([1, 2], "expected networkx node-link JSON"),
    ({"nodes": 3, "edges": []}, "'nodes' is int 3"),
    ({"nodes": [{"name": "x"}], "edges": []}, "nodes[0]: 'id' must be a touchpoint id"),
    ({"nodes": [{"id": "a"}], "edges": [[1, 2]]}, "edges[0]: expected an object"),
    ({"nodes": [{"id": "a"}], "edges": [{"source": "a"}]}, "edges[0]: 'target' must be a touchpoint id"),
])
def test_node_link_json_of_the_wrong_shape_is_a_message(tmp_path, data, expected):
    path = tmp_path / "j.node-link.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(JourneyValidationError, match="j.node-link.json") as info:
        read_node_link(path)
    assert expected in str(info.value)


# 5. Text: control characters, non-characters, invisible characters; NFC ---------------------------------

@pytest.mark.parametrize(("escaped", "expected"), [
    ("\\x01", "the control character U+0001"),
    ("\\e", "the control character U+001B (ESCAPE)"),
    ("\\0", "the control character U+0000 (NUL)"),
    ("\\x85", "the control character U+0085 (NEXT LINE)"),
    ("\\uFFFE", "the non-character U+FFFE"),
    ("\\uFFFF", "the non-character U+FFFF"),
    ("\\uFEFF", "the invisible character U+FEFF (ZERO WIDTH NO-BREAK SPACE)"),
    ("\\u200B", "the invisible character U+200B (ZERO WIDTH SPACE)"),
    ("\\u202E", "the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("\\u2028", "the separator U+2028 (LINE SEPARATOR)"),
])
def test_bad_characters_in_any_text_field_are_refused_with_their_place(escaped, expected):
    text = textwrap.dedent(
        f"""\
        journey: Mở thẻ
        stages: [Nhận biết]
        touchpoints:
          - {{id: a, name: "Quầy{escaped}", stage: Nhận biết, pain_points: [ok, "Chờ{escaped}"]}}
        transitions:
          - {{from: a, to: a, label: "lặp{escaped}"}}
        """
    )
    message = _problems(text)
    assert f"line 4, touchpoints[0] (id 'a') → name: contains {expected} at character 5" in message
    assert f"touchpoints[0] (id 'a') → pain_points[1]: contains {expected} at character 4" in message
    assert f"line 6, transitions[0] (a → a) → label: contains {expected}" in message


def test_a_lone_surrogate_from_json_is_refused():
    data = yaml.safe_load(ONE)
    message = _problems(json.dumps(data).replace("Qu\\u1ea7y", "Qu\\ud800y"), "json")
    assert "name: contains the lone surrogate U+D800" in message


def test_metric_names_are_text_too():
    message = _problems(ONE.replace("stage: Nhận biết}", 'stage: Nhận biết, metrics: {"x\\x1by": 1}}'))
    assert "metrics: metric name 'x\\x1by' contains the control character U+001B" in message


@pytest.mark.parametrize("suffix", [".svg", ".graphml", ".pdf"])
def test_bad_text_never_reaches_a_written_file(tmp_path, suffix):
    bad = tmp_path / "bad.json"
    data = yaml.safe_load(ONE)
    data["touchpoints"][0]["name"] = "Quầy\x01\ufffe\ufeff"
    bad.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    command = ["convert", str(bad), "-o", str(out)] if suffix == ".graphml" else ["canvas", str(bad), "-o", str(out)]
    result = runner.invoke(app, command)
    assert result.exit_code == 1 and "U+0001" in result.output
    assert not out.exists()


def test_a_leading_bom_in_the_file_is_dropped_but_one_inside_a_name_is_refused(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ONE.encode())
    assert load_journey(path).title == "Mở thẻ"
    assert loads_journey("\ufeff" + ONE).title == "Mở thẻ"  # text handed over with its BOM
    assert "U+FEFF" in _problems(ONE.replace("name: Quầy", 'name: "\\uFEFFQuầy"'))


def test_text_is_nfc_so_a_stage_typed_decomposed_matches_its_stage():
    nfd_stage = unicodedata.normalize("NFD", "Nhận biết")
    text = ONE.replace("stage: Nhận biết}", f"stage: {nfd_stage}}}")
    assert text != ONE
    journey = loads_journey(text)  # before: "stage 'Nhận biết' is not one of the journey's stages; did you mean 'Nhận biết'?"
    assert journey.touchpoint("a").stage == "Nhận biết" and journey.stages == ["Nhận biết"]
    as_json = json.dumps(yaml.safe_load(text), ensure_ascii=False)
    assert loads_journey(as_json, "json").touchpoint("a").stage == "Nhận biết"
    api = Journey("T", stages=[nfd_stage])
    api.add_touchpoint("a", name=unicodedata.normalize("NFD", "Quầy"), stage=nfd_stage)
    assert api.validate().touchpoint("a").name == "Quầy"


def test_line_breaks_are_kept_as_newlines_so_graphml_round_trips_exactly(tmp_path):
    data = yaml.safe_load(ONE)
    data["touchpoints"][0]["description"] = "Dòng 1\r\nDòng 2\rDòng 3\tcột"
    source = tmp_path / "j.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    journey = load_journey(source)
    assert journey.touchpoint("a").description == "Dòng 1\nDòng 2\nDòng 3\tcột"
    graphml = convert_journey(source, tmp_path / "j.graphml")
    assert read_graphml(graphml) == journey


def _allowed(char: str) -> bool:
    from journeymap.text import text_problem

    return text_problem(char) is None


_ALLOWED_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)).filter(_allowed),
    min_size=1,
    max_size=24,
)


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=_ALLOWED_TEXT, stage=_ALLOWED_TEXT, pain=_ALLOWED_TEXT)
def test_the_canvas_draws_any_text_that_passes_validation(tmp_path, name, stage, pain):
    from journeymap.draw.canvas import render_canvas

    journey = Journey.from_dict(
        {"journey": name, "stages": [stage], "touchpoints": [
            {"id": "a", "name": name, "stage": stage, "pain_points": [pain], "channel": pain, "ces": 3},
        ]}
    )
    for suffix in (".pdf", ".svg"):
        out = render_canvas(journey, tmp_path / f"canvas{suffix}")
        data = out.read_bytes()
        if suffix == ".svg":
            ET.fromstring(data)  # well-formed XML
        else:
            assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")


# 6. inf and NaN ----------------------------------------------------------------------------------------

def test_inf_and_nan_are_refused_wherever_a_number_is_meant():
    text = textwrap.dedent(
        """\
        journey: T
        stages: [A]
        touchpoints:
          - {id: a, name: A, stage: A, volume: .inf, starts: .nan, metrics: {csat: .nan, doanh_thu: .inf}}
        transitions:
          - {from: a, to: a, volume: .inf, mean_hours: -.inf, median_hours: .nan}
        """
    )
    message = _problems(text)
    for place in ("→ volume", "→ starts", "metrics → csat", "metrics → doanh_thu", "(a → a) → volume",
                  "(a → a) → mean_hours", "(a → a) → median_hours"):
        assert f"{place}: must be a finite number, not infinity or NaN" in message, place
    as_json = '{"journey": "T", "stages": ["A"], "touchpoints": [{"id": "a", "name": "A", "stage": "A", "volume": Infinity}]}'
    assert "volume: must be a finite number" in _problems(as_json, "json")


# 7. YAML 1.1 reads some words and numbers as something else: say to quote them ---------------------------

@pytest.mark.parametrize(("written", "expected"), [
    ("no", "'no' was read as the boolean false; write it in quotes: \"no\""),
    ("on", "'on' was read as the boolean true; write it in quotes: \"on\""),
    ("12:30", ("'12:30' was read as the number 750 (YAML 1.1 reads digits separated by ':' as minutes and seconds);"
              " write it in quotes: \"12:30\"")),
    ("007", "'007' was read as the number 7; write it in quotes: \"007\""),
    ("2024-05-01", "'2024-05-01' was read as the date 2024-05-01; write it in quotes: \"2024-05-01\""),
    ("~", "'~' was read as empty (null); write it in quotes: \"~\""),
])
def test_yaml_scalars_read_as_something_else_get_a_hint_to_quote_them(written, expected):
    message = _problems(ONE.replace("name: Quầy", f"name: {written}"))
    assert f"line 4, touchpoints[0] (id 'a') → name: {expected}" in message
    assert "12:30" not in _problems(ONE.replace("name: Quầy", "name: '12:30', ces: 9"))  # quoted: text


# 8. Text that reaches drawings -------------------------------------------------------------------------

@pytest.mark.parametrize("engine", ["system", "bundled"])
def test_graphviz_escapes_are_drawn_as_written(tmp_path, engine):
    from journeymap.draw.render import journey_to_svg
    from journeymap.errors import GraphvizNotFoundError

    journey = Journey("Tiêu đề \\G", stages=["Giai đoạn \\E"], persona="Chân dung \\N")
    journey.add_touchpoint("a", name="Tên \\N \\G \\L \\E \\T \\H \\\\ hết \\", stage="Giai đoạn \\E",
                           pain_points=["Đau \\N"])
    journey.add_touchpoint("b", name="B", stage="Giai đoạn \\E")
    journey.add_transition("a", "b", label="nhãn \\T")
    try:
        svg = journey_to_svg(journey, engine=engine)
    except GraphvizNotFoundError:
        pytest.skip(f"no {engine} Graphviz")
    ET.fromstring(svg)
    for text in ("Tên \\N \\G \\L \\E \\T \\H \\\\ hết \\", "Tiêu đề \\G", "Giai đoạn \\E", "Chân dung \\N",
                 "nhãn \\T", "Đau \\N"):
        assert text in svg, text


def test_mermaid_names_the_cli_option_on_the_command_line(tmp_path):
    only_backstage = tmp_path / "j.yaml"
    only_backstage.write_text(ONE.replace("stage: Nhận biết}", "stage: Nhận biết, lane: backstage}"), encoding="utf-8")
    out = tmp_path / "j.mmd"
    result = runner.invoke(app, ["render", str(only_backstage), "-o", str(out)])
    assert result.exit_code == 1
    assert "add --backstage to draw its 1 backstage touchpoints" in result.output
    assert "backstage=True" not in result.output
    result = runner.invoke(app, ["render", str(only_backstage), "-o", str(out), "--backstage"])
    assert result.exit_code == 0, result.output
    assert "section Hậu trường" in out.read_text(encoding="utf-8")
