"""Issue 15, item 6: property-based fuzzing of the ``cx`` commands with hostile-but-plausible input.

Hypothesis generates journey files (YAML and JSON, valid ones full of Vietnamese text in NFC and NFD,
emoji, quotes, ``<>&``, backslashes and very long names, and invalid mutations of them), comment
tables (CSV, TSV, XLSX, JSONL; cells starting with ``= + - @``, line breaks, carriage returns,
quotes, commas, empty cells, numbers, huge integers; ragged rows; UTF-8 with and without BOM,
UTF-16) and event logs with odd timestamps, and runs the commands in-process (typer's CliRunner).
For every command the property is the same:

* exit 0 and every file written is well formed (SVG and GraphML parse as XML, JSON as strict JSON,
  XLSX with openpyxl, PDF has its ``%PDF`` header and ``%%EOF`` trailer, PNG its signature), or
* exit 1 with a short message (no ``Traceback``, no Python exception escaping cx's handler, no
  line longer than a readable excerpt) and no output left behind;
* and nothing is lost or moved: ``cx classify`` writes as many rows as it read, ids in the same
  order, every text cell identical to the input (after NFC), since ``--excel-safe`` is off.

The default run is bounded for CI: every property has a fixed number of examples and a fixed seed
(``derandomize=True``), about a minute on two cores. A longer run with fresh random examples::

    HYPOTHESIS_PROFILE=long python -m pytest tests/test_fuzz.py -m "" -p no:cacheprovider

(``HYPOTHESIS_PROFILE=long`` runs 20 times as many examples per property, not derandomized; add
``--hypothesis-seed=N`` to replay a run, and ``--hypothesis-show-statistics`` to see the time spent.)
The PNG/PDF drawings and the HTML report are marked ``slow``: the default run leaves them out, ``-m slow`` runs them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import GOOD  # tests/conftest.py: a small valid journey
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from journeymap.cli import app

try:  # the outputs are our own files, but a hardened parser costs nothing when it is there
    from defusedxml import ElementTree as XML  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - depends on the environment
    from xml.etree import ElementTree as XML


# -- settings --------------------------------------------------------------------------------------

# Random text holds characters DejaVu Sans has no glyph for (CJK, say): drawn as boxes, with a warning.
pytestmark = pytest.mark.filterwarnings("ignore:Glyph .* missing from font")

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
LONG = PROFILE == "long"
_BASE = settings(
    deadline=None,
    derandomize=not LONG,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def fuzz(examples: int) -> settings:
    """The settings of one property: ``examples`` in CI, 20 times more in the long run."""
    phases = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]  # no "explain": slow
    return settings(_BASE, max_examples=examples * (20 if LONG else 1), phases=phases)


runner = CliRunner()


@pytest.fixture(scope="module", autouse=True)
def shipped_model() -> Iterator[Any]:
    """The shipped model, loaded once for the module (every command that classifies asks for it)."""
    from nlp import batch, persist

    model = persist.load_model()
    real = persist.load_model

    def cached(directory: Any = None) -> Any:
        return model if directory is None else real(directory)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(persist, "load_model", cached)
        patch.setattr(batch, "load_model", cached)
        yield model


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@contextmanager
def folder(base: Path) -> Iterator[Path]:
    """A fresh folder for one example (hypothesis cannot take function-scoped fixtures)."""
    path = Path(tempfile.mkdtemp(dir=base))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# -- text --------------------------------------------------------------------------------------------

VI_WORDS = [
    "Nhận biết", "Đăng ký", "Thanh toán", "Giỏ hàng", "Khiếu nại", "Chờ lâu quá", "ổn", "Xác thực khuôn mặt",
    "Bảo hành", "Giao hàng", "tệ", "Ứng dụng", "Tư vấn viên", "ĐẶT HÀNG", "thời gian chờ", "nhân viên thô lỗ",
    "Tổng đài & IVR", "gọi mãi không ai nghe", "Cảm ơn shop", "Quỹ đạo", "Nguyễn Thị Hương", "ưng ý", "Hỗ trợ",
]
# Allowed in every text field, but easy to get wrong: markup, quoting, escapes, YAML specials, emoji.
HOSTILE_WORDS = [
    '"', "'", "''", "<", ">", "&", "&amp;", "<script>alert(1)</script>", "]]>", "<!--", "\\", "\\N", "\\G",
    "\\L", "\\n", "\\\\", "{", "}", "|", "%s", "%(x)s", "${x}", "{{ x }}", "#", ":", "- x", "*a", "&a",
    "!!python/object", "---", "...", "…", "—", "–", "😤", "👍🏽", "👨\u200d👩\u200d👧", "🇻🇳", "❤️", "=1+1",
    "+84 912", "-1", "@SUM(A1)", "#N/A", "null", "~", "yes", "no", "007", "12:30", "1e400", "NaN", "\u00a0",
    "ﬁ", "Å", "ǅ", "ß", "İ",
]
SAFE_CHARS = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"))


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@st.composite
def vi_text(draw: st.DrawFn, *, max_words: int = 6, long: bool = True) -> str:
    """Vietnamese text with hostile pieces; starts with a word, so it is never blank."""
    words = [draw(st.sampled_from(VI_WORDS))]
    words += draw(st.lists(st.one_of(st.sampled_from(VI_WORDS), st.sampled_from(HOSTILE_WORDS),
                                     st.text(SAFE_CHARS, min_size=1, max_size=8)), max_size=max_words))
    text = " ".join(words).strip()
    if long and draw(st.integers(0, 15)) == 0:  # now and then a very long one
        text = (text + " ") * draw(st.integers(50, 400))
        text = text.strip()
    return text


# -- journeys ----------------------------------------------------------------------------------------

IDS = st.from_regex(r"[a-z][a-z0-9_]{0,11}", fullmatch=True)
NUMBER = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def journeys(draw: st.DrawFn) -> dict[str, Any]:
    """A valid journey document as a dict (NFC text)."""
    stages = draw(st.lists(vi_text(max_words=3, long=False), min_size=1, max_size=4, unique_by=nfc))
    ids = draw(st.lists(IDS, min_size=1, max_size=6, unique=True))
    touchpoints = []
    for id_ in ids:
        tp: dict[str, Any] = {"id": id_, "name": draw(vi_text()), "stage": draw(st.sampled_from(stages))}
        optional = {
            "channel": st.sampled_from(["app", "web", "phone", "Zalo OA", "chi nhánh"]),
            "lane": st.sampled_from(["frontstage", "backstage"]),
            "ces": st.one_of(st.integers(1, 7), st.floats(1, 7)),
            "drop_off": st.floats(0, 1),
            "experience": st.lists(st.sampled_from(["sense", "feel", "think", "act", "relate"]), unique=True),
            "emotion": st.one_of(st.integers(-2, 2), st.floats(-2, 2)),
            "goal": st.booleans(),
            "volume": NUMBER,
            "starts": NUMBER,
            "owner": vi_text(max_words=2, long=False),
            "description": st.lists(vi_text(max_words=4, long=False), min_size=1, max_size=3).map("\n".join),
            "aliases": st.lists(vi_text(max_words=2, long=False), max_size=3),
            "pain_points": st.lists(vi_text(max_words=5), max_size=3),
            "opportunities": st.lists(vi_text(max_words=5, long=False), max_size=2),
            "metrics": st.fixed_dictionaries({}, optional={
                "csat": st.floats(0, 100), "nps": st.integers(-100, 100), "ces": st.floats(1, 7),
                "ttr_hours": st.floats(0, 1000), "first_contact_resolution": st.floats(0, 1)}),
        }
        for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True, max_size=8)):
            tp[key] = draw(optional[key])
        touchpoints.append(tp)
    data: dict[str, Any] = {"journey": draw(vi_text()), "stages": stages, "touchpoints": touchpoints}
    if draw(st.booleans()):
        data["persona"] = draw(vi_text())
    if draw(st.booleans()):
        data["description"] = draw(st.lists(vi_text(long=False), min_size=1, max_size=3).map("\n".join))
    if draw(st.booleans()):
        pair = st.tuples(st.sampled_from(ids), st.sampled_from(ids))
        transitions = []
        for source, target in draw(st.lists(pair, max_size=8, unique=True)):
            tr: dict[str, Any] = {"from": source, "to": target}
            if draw(st.booleans()):
                tr["volume"] = draw(NUMBER)
            if draw(st.booleans()):
                tr["label"] = draw(vi_text(max_words=2, long=False))
            if draw(st.booleans()):
                tr["median_hours"] = draw(st.floats(0, 500))
            transitions.append(tr)
        data["transitions"] = transitions
    return data


def normalize_strings(data: Any, form: str) -> Any:
    if isinstance(data, str):
        return unicodedata.normalize(form, data)
    if isinstance(data, list):
        return [normalize_strings(v, form) for v in data]
    if isinstance(data, dict):
        return {normalize_strings(k, form): normalize_strings(v, form) for k, v in data.items()}
    return data


@st.composite
def journey_files(draw: st.DrawFn, data: Any = None) -> tuple[str, bytes]:
    """(suffix, bytes) of a journey document written the ways people and tools write them."""
    data = draw(journeys()) if data is None else data
    data = normalize_strings(data, draw(st.sampled_from(["NFC", "NFD"])))
    suffix = draw(st.sampled_from([".yaml", ".yml", ".json"]))
    if suffix == ".json":
        text = json.dumps(data, ensure_ascii=draw(st.booleans()), indent=draw(st.sampled_from([None, 2])))
    else:
        text = yaml.safe_dump(data, allow_unicode=draw(st.booleans()), sort_keys=False, width=10**6,
                              default_flow_style=draw(st.sampled_from([False, None])))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    return suffix, text.encode(encoding)


# Ways a journey file goes wrong; each takes the valid data and returns other data.
CONTROL = ["\x00", "\x01", "\x07", "\x0b", "\x1b", "\x7f", "\x85", "\ufffe", "\uffff", "\ufeff", "\u2028",
           "\u202e", "\ud7ff", "\U0010fffd"]


def _first_tp(data: dict[str, Any]) -> dict[str, Any]:
    return data["touchpoints"][0]


MUTATIONS: dict[str, Any] = {
    "no journey": lambda d, x: {k: v for k, v in d.items() if k != "journey"},
    "no stages": lambda d, x: {k: v for k, v in d.items() if k != "stages"},
    "touchpoints empty": lambda d, x: {**d, "touchpoints": []},
    "touchpoints text": lambda d, x: {**d, "touchpoints": x},
    "stages mapping": lambda d, x: {**d, "stages": {"a": 1}},
    "top-level list": lambda d, x: [d],
    "top-level text": lambda d, x: x,
    "top-level null": lambda d, x: None,
    "unknown key": lambda d, x: {**d, "touchpointz": []},
    "ces out of range": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "ces": 9}, *d["touchpoints"][1:]]},
    "ces text": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "ces": x}, *d["touchpoints"][1:]]},
    "ces bool": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "ces": True}, *d["touchpoints"][1:]]},
    "drop_off > 1": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "drop_off": 1.5}, *d["touchpoints"][1:]]},
    "huge int": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "volume": 10**400}, *d["touchpoints"][1:]]},
    "id uppercase": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "id": "Giỏ_Hàng"}, *d["touchpoints"][1:]]},
    "duplicate id": lambda d, x: {**d, "touchpoints": [*d["touchpoints"], _first_tp(d)]},
    "duplicate stage": lambda d, x: {**d, "stages": [*d["stages"], d["stages"][0]]},
    "unknown stage": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "stage": x}, *d["touchpoints"][1:]]},
    "unknown endpoint": lambda d, x: {**d, "transitions": [{"from": _first_tp(d)["id"], "to": "khong_co"}]},
    "name empty": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "name": ""}, *d["touchpoints"][1:]]},
    "name list": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "name": [x]}, *d["touchpoints"][1:]]},
    "aliases text": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "aliases": x}, *d["touchpoints"][1:]]},
    "many aliases": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "aliases": [x] * 3000}, *d["touchpoints"][1:]]},
    "metric text": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "metrics": {"csat": x}}, *d["touchpoints"][1:]]},
    "metric nested": lambda d, x: {**d, "touchpoints": [{**_first_tp(d), "metrics": {"x": {"y": 1}}}, *d["touchpoints"][1:]]},
    "deep nesting": lambda d, x: {**d, "persona": _nest(x, 60)},
}


def _nest(value: Any, depth: int) -> Any:
    for _ in range(depth):
        value = [value]
    return value


# Invalid on purpose: the YAML/JSON text itself is broken, or bytes no reader should take.
def _raw_mutations(text: str, suffix: str, draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["truncate", "byte", "cp1258", "utf-32", "utf-16-nobom", "tab", "alias",
                                 "merge", "dup-key", "empty", "bom-only", "scalars"]))
    if kind == "truncate":
        return text.encode()[: draw(st.integers(0, max(len(text.encode()) - 1, 0)))]
    if kind == "byte":
        raw = bytearray(text.encode())
        raw.insert(draw(st.integers(0, len(raw))), draw(st.sampled_from([0x00, 0x80, 0xC3, 0xFF, 0x0B, 0x1B])))
        return bytes(raw)
    if kind == "cp1258":
        return text.encode("cp1258", errors="replace")
    if kind == "utf-32":
        return text.encode("utf-32")
    if kind == "utf-16-nobom":
        return text.encode("utf-16-le")
    if kind == "tab":
        return ("\t" + text.replace("\n", "\n\t")).encode()
    if kind == "alias" and suffix != ".json":
        return b"a: &a [x, y]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\njourney: *c\nstages: *b\ntouchpoints: *c\n"
    if kind == "merge" and suffix != ".json":
        return (b"base: &b {stage: A, name: X}\njourney: J\nstages: [A]\n"
                b"touchpoints:\n  - <<: *b\n    id: a\n  - <<: *b\n    id: b\n")
    if kind == "dup-key":
        return (text + ("\njourney: khác\n" if suffix != ".json" else "")).encode()
    if kind == "empty":
        return b""
    if kind == "bom-only":
        return codecs.BOM_UTF8
    return b"journey: no\nstages: [12:30, 007, no, ~]\ntouchpoints: [{id: a, name: 1e400, stage: 007}]\n"


@st.composite
def broken_journey_files(draw: st.DrawFn, *, control: bool = False) -> tuple[str, bytes]:
    """(suffix, bytes) of a journey file that is probably invalid; sometimes valid after all."""
    data = draw(journeys())
    if control:  # a control character or non-character somewhere a name is
        where = draw(st.sampled_from(["journey", "stage", "name", "alias", "label", "pain"]))
        char = draw(st.sampled_from(CONTROL))
        bad = f"Giỏ{char}hàng"
        tp = _first_tp(data)
        if where == "journey":
            data["journey"] = bad
        elif where == "stage":
            data["stages"][0] = bad
            for other in data["touchpoints"]:
                if other["stage"] == data["stages"][0]:
                    other["stage"] = bad
            tp["stage"] = bad
        elif where == "name":
            tp["name"] = bad
        elif where == "alias":
            tp["aliases"] = [bad]
        elif where == "label":
            data["transitions"] = [{"from": tp["id"], "to": tp["id"], "label": bad}]
        else:
            tp["pain_points"] = [bad]
        return draw(journey_files(data))
    x = draw(st.one_of(vi_text(long=False), st.sampled_from(HOSTILE_WORDS)))
    mutation = draw(st.sampled_from(sorted(MUTATIONS)))
    return draw(journey_files(MUTATIONS[mutation](data, x)))


@st.composite
def garbled_journey_files(draw: st.DrawFn) -> tuple[str, bytes]:
    """(suffix, bytes) of a journey file whose text is broken: cut short, a stray byte, another encoding…"""
    suffix, raw = draw(journey_files())
    text = raw.decode("utf-16" if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig")
    return suffix, _raw_mutations(text, suffix, draw)


# -- checking what cx did ---------------------------------------------------------------------------

MAX_LINE = 2_000  # a readable message cuts long values to an excerpt (20 of them fit)
MAX_MESSAGE = 20_000


def invoke(*args: object) -> Any:
    return runner.invoke(app, [str(a) for a in args])


def leftovers(where: Path) -> list[str]:
    return sorted(p.name for p in where.rglob("*") if ".partial" in p.name or p.name.startswith(".cx-"))


def assert_clean_failure(result: Any, *outputs: Path) -> None:
    """Exit 1, a message a person can read, no traceback, no output left."""
    assert result.exit_code == 1, (result.exit_code, result.output[-2000:], result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{type(result.exception).__name__} escaped cx's handler: {result.exception!r}"[:2000])
    output = result.output
    assert "Traceback" not in output, output[-3000:]
    assert output.strip(), "failed without saying why"
    assert len(output) <= MAX_MESSAGE, f"a message of {len(output):,} characters: {output[:300]!r}…"
    longest = max(output.splitlines(), key=len)
    assert len(longest) <= MAX_LINE, f"a message line of {len(longest):,} characters: {longest[:300]!r}…"
    for path in outputs:
        assert not path.exists(), f"{path.name} was left behind by a failed command"


def outcome(result: Any, *outputs: Path) -> bool:
    """True (and every output well formed) on exit 0; False after checking a clean failure."""
    if result.exit_code == 0:
        assert result.exception is None, repr(result.exception)
        assert "Traceback" not in result.output
        for path in outputs:
            check_well_formed(path)
        return True
    assert_clean_failure(result, *outputs)
    return False


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise AssertionError(f"JSON with {constant}: not JSON")
    return json.loads(text, parse_constant=refuse)


def check_well_formed(path: Path) -> None:
    """Parse ``path`` the way the program that opens it would."""
    assert path.is_file(), f"{path.name} was not written"
    raw = path.read_bytes()
    name = path.name.lower()
    if name.endswith((".svg", ".graphml")):
        XML.fromstring(raw)
    elif name.endswith(".json"):
        _strict_json(raw.decode("utf-8"))
    elif name.endswith((".yaml", ".yml")):
        yaml.safe_load(raw.decode("utf-8"))
    elif name.endswith(".jsonl"):
        for line in raw.decode("utf-8").splitlines():
            _strict_json(line)
    elif name.endswith((".csv", ".tsv")):
        text = raw.decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if name.endswith(".tsv") else ","))
        assert rows and all(len(row) == len(rows[0]) for row in rows), "ragged CSV written"
    elif name.endswith(".xlsx"):
        from openpyxl import load_workbook

        assert zipfile.is_zipfile(path)
        workbook = load_workbook(path)
        try:
            for row in workbook.worksheets[0].iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"formula in {cell.coordinate}: {cell.value!r}"
        finally:
            workbook.close()
    elif name.endswith(".pdf"):
        assert raw.startswith(b"%PDF-") and raw.rstrip().endswith(b"%%EOF"), "truncated PDF"
    elif name.endswith(".png"):
        assert raw.startswith(b"\x89PNG\r\n\x1a\n") and raw.endswith(b"IEND\xaeB`\x82"), "truncated PNG"
    elif name.endswith(".html"):
        from html.parser import HTMLParser

        text = raw.decode("utf-8")
        assert text.lstrip().lower().startswith("<!doctype html") and "</html>" in text[-200:]
        HTMLParser().feed(text)
    else:
        raw.decode("utf-8")


MARKUP = "<script>alert(1)</script>"


def assert_no_raw_markup(path: Path) -> None:
    """User text never reaches markup unescaped."""
    assert MARKUP not in path.read_text(encoding="utf-8"), f"unescaped user markup in {path.name}"


# -- comment tables ----------------------------------------------------------------------------------

HOSTILE_CELLS = [
    "=1+1", '=HYPERLINK("http://x","Bấm")', "+84 912 345 678", "-5", "@SUM(A1)", "=cmd|' /C calc'!A0", "",
    " ", "  ổn  ", "\n", "a\nb", "a\r\nb", "a\rb", "\r", '"', '""', 'nói "ổn"', "a,b", "a;b", "a\tb", "\tcmd",
    "0012", "1e5", "1,5", "1.000.000", "NaN", "nan", "NULL", "None", "N/A", "#N/A", "TRUE", "inf", "-0",
    str(2**53 + 1), str(2**64), "9" * 40, "Chờ lâu quá, gọi mãi không ai nghe 😤", "👍", "…",
    MARKUP, "\\N", "'", "'=1+1",
]
CELL = st.one_of(st.sampled_from(HOSTILE_CELLS), vi_text(max_words=4, long=False),
                 st.integers(300, 5000).map(lambda n: "9" * n),  # a 5,000-digit "number"
                 st.integers(-(10**30), 10**30).map(str), st.text(SAFE_CHARS, max_size=12))
CONTROL_CELLS = ["a\x00b", "\x01", "a\x0bb", "\x1b[31m", "\x7f", "\ufeffổn", "\ufffe"]
TEXT_COLUMNS = ["text", "bình luận", "Ý kiến khách hàng", "=comment", "ghi chú, khác", 'nói "gì"']
EXTRA_COLUMNS = ["kênh", "touchpoint", "sentiment", "điểm", "@note", "x y", "mã KH"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom"]


def encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-16-be-bom":
        return codecs.BOM_UTF16_BE + text.encode("utf-16-be")
    return text.encode(encoding)


class Comments:
    """A generated comment table: what was written, and the bytes of the file."""

    def __init__(self, suffix: str, header: list[str], rows: list[list[Any]], text_column: str, raw: bytes):
        self.suffix, self.header, self.rows, self.text_column, self.raw = suffix, header, rows, text_column, raw

    def __repr__(self) -> str:
        return f"Comments({self.suffix}, header={self.header!r}, rows={self.rows!r}, raw={self.raw[:400]!r})"

    def write(self, where: Path, stem: str = "comments") -> Path:
        path = where / f"{stem}{self.suffix}"
        path.write_bytes(self.raw)
        return path


def _xlsx_bytes(header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for r, row in enumerate([header, *rows], 1):
        for c, value in enumerate(row, 1):
            if value is None:
                continue
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even "=1+1": the file holds no formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@st.composite
def comment_tables(draw: st.DrawFn, *, suffixes: tuple[str, ...] = (".csv", ".tsv", ".xlsx", ".jsonl"),
                   control: bool = False) -> Comments:
    suffix = draw(st.sampled_from(suffixes))
    text_column = draw(st.sampled_from(TEXT_COLUMNS))
    extra = draw(st.lists(st.sampled_from(EXTRA_COLUMNS), unique=True, max_size=2))
    header = ["id", text_column, *extra]
    header = draw(st.permutations(header))
    n = draw(st.integers(1, 8))
    cell = st.one_of(CELL, st.sampled_from(CONTROL_CELLS)) if control else CELL
    if suffix == ".xlsx":  # what an .xlsx file can hold at all
        # XML reads \r\n and \r as \n: a workbook's cell holds line breaks as \n only
        cell = cell.filter(lambda v: len(v) <= 32_767 and not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", v))
        cell = cell.map(lambda v: re.sub(r"\r\n?", "\n", v))
    ids = draw(st.lists(st.one_of(st.integers(0, 10**6).map(lambda i: f"{i:05d}"), cell), min_size=n, max_size=n,
                        unique_by=nfc))
    rows = [[ids[i] if h == "id" else draw(cell) for h in header] for i in range(n)]
    if suffix == ".xlsx":
        for row in rows:  # numbers stay numbers in a workbook, sometimes
            for c, h in enumerate(header):
                if h == "điểm" and draw(st.booleans()):
                    row[c] = draw(st.one_of(st.integers(-(2**53), 2**53), st.floats(-1e9, 1e9)))
        raw = _xlsx_bytes(header, rows)
    elif suffix == ".jsonl":
        records = []
        for row in rows:
            record: dict[str, Any] = {}
            for h, v in zip(header, row):
                if h == "điểm":
                    v = draw(st.one_of(st.just(v), st.integers(-(2**70), 2**70), st.none(), st.booleans()))
                if h == text_column or h == "id" or draw(st.integers(0, 2)):
                    record[h] = v  # other keys are left out now and then
            records.append(record)
        header = list(dict.fromkeys(key for record in records for key in record))  # the columns, as they appear
        rows = [[record.get(h) for h in header] for record in records]
        lines = [json.dumps(record, ensure_ascii=draw(st.booleans())) for record in records]
        raw = encode("\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"])), draw(st.sampled_from(ENCODINGS[:3])))
    else:
        buffer = io.StringIO(newline="")
        # Python's csv quotes a lone CR only when it is part of the line ending, so a file with one ends rows in CRLF
        cr = any("\r" in str(v) for row in rows for v in row)
        writer = csv.writer(buffer, delimiter="\t" if suffix == ".tsv" else ",",
                            lineterminator="\r\n" if cr else draw(st.sampled_from(["\r\n", "\n"])),
                            quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])))
        writer.writerow(header)
        writer.writerows(rows)
        raw = encode(buffer.getvalue(), draw(st.sampled_from(ENCODINGS)))
    return Comments(suffix, header, rows, text_column, raw)


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    return nfc(str(value))


def read_written_table(path: Path) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of a table cx wrote, exactly as stored."""
    if path.suffix == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path)
        try:
            rows = [[cell.value for cell in row] for row in workbook.worksheets[0].iter_rows()]
        finally:
            workbook.close()
    elif path.suffix == ".jsonl":
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        header = list(records[0]) if records else []
        return header, [[record.get(h) for h in header] for record in records]
    else:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t" if path.suffix == ".tsv" else ","))
    return [str(h) for h in rows[0]], rows[1:]


def assert_rows_kept(table: Comments, out: Path) -> None:
    """Every input row is in the output, in order, with its text cells unchanged (after NFC)."""
    header, rows = read_written_table(out)
    wanted = [nfc(h) for h in table.header]
    assert [nfc(h) for h in header[: len(wanted)]] == wanted, (header, wanted)
    assert len(rows) == len(table.rows), f"{len(table.rows)} rows in, {len(rows)} rows out"
    for column, name in enumerate(table.header):
        if name == "điểm" and table.suffix in (".xlsx", ".jsonl"):
            continue  # numbers: their text form depends on the format
        sent = [_as_text(row[column]) for row in table.rows]
        got = [_as_text(row[column]) for row in rows]
        if out.suffix == ".xlsx":  # a line break is a line break: openpyxl writes CR as &#13;, XML reads a raw CR as LF
            sent = [re.sub(r"\r\n?", "\n", value) for value in sent]
            got = [re.sub(r"\r\n?", "\n", value) for value in got]
        assert got == sent, f"column {name!r} changed:\n in: {sent!r}\nout: {got!r}"
    # cx classify's Vietnamese header (--headers vi, its default), or the id (classify_file's default)
    status = header.index("Trạng thái nội dung" if "Trạng thái nội dung" in header else "text_status")
    assert {row[status] for row in rows} <= {"ok", "empty", "not_text"}


# -- properties: cx classify ------------------------------------------------------------------------

@fuzz(40)
@given(table=comment_tables(), out_suffix=st.sampled_from([".csv", ".xlsx", ".tsv", ".jsonl"]))
def test_classify_keeps_every_row_in_place(base: Path, table: Comments, out_suffix: str) -> None:
    with folder(base) as where:
        source = table.write(where)
        out = where / "out" / f"classified{out_suffix}"
        result = invoke("classify", source, "-t", table.text_column, "-o", out)
        if outcome(result, out):
            assert_rows_kept(table, out)
            assert f"{len(table.rows)} rows" in result.output
        assert source.read_bytes() == table.raw  # the input is never touched
        assert not leftovers(where)


def write_file(where: Path, name: str, raw: bytes) -> Path:
    path = where / name
    path.write_bytes(raw)
    return path


def journey_json(path: Path) -> dict[str, Any]:
    """A journey file cx wrote, as data (NFC), read without cx."""
    text = path.read_text(encoding="utf-8")
    data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    return normalize_strings(data, "NFC")


def assert_same_text(data: dict[str, Any], written: dict[str, Any]) -> None:
    """Every title, stage, name and alias survived (compared after NFC)."""
    data = normalize_strings(data, "NFC")
    assert written["journey"] == data["journey"]
    assert written["stages"] == data["stages"]
    assert [tp["id"] for tp in written["touchpoints"]] == [tp["id"] for tp in data["touchpoints"]]
    for old, new in zip(data["touchpoints"], written["touchpoints"]):
        for key in ("name", "stage", "aliases", "pain_points", "opportunities", "owner", "description"):
            if old.get(key) not in (None, []):
                assert new.get(key) == old[key], (key, old.get(key), new.get(key))


# -- properties: journey files -----------------------------------------------------------------------

@fuzz(30)
@given(data=journeys(), file=st.data())
def test_a_valid_journey_validates_and_converts_without_losing_text(base: Path, data: dict[str, Any],
                                                                     file: st.DataObject) -> None:
    suffix, raw = file.draw(journey_files(data))
    with folder(base) as where:
        source = write_file(where, f"hành trình{suffix}", raw)
        result = invoke("validate", source)
        assert result.exit_code == 0, result.output[-3000:]
        assert "ok" in result.output
        for target in ("out.json", "out.yaml", "out.graphml", "out.node-link.json"):
            result = invoke("convert", source, "-o", where / target)
            assert outcome(result, where / target) and result.exit_code == 0, result.output[-3000:]
        assert_same_text(data, journey_json(where / "out.json"))
        assert_same_text(data, journey_json(where / "out.yaml"))
        for copy in ("out.graphml", "out.node-link.json"):  # and the graph formats read back whole
            back = where / f"back-{copy.split('.')[1]}.json"
            result = invoke("convert", where / copy, "-o", back)
            assert result.exit_code == 0, result.output[-3000:]
            assert_same_text(data, journey_json(back))
        assert source.read_bytes() == raw
        assert not leftovers(where)


def _check_broken(where: Path, suffix: str, raw: bytes) -> None:
    source = write_file(where, f"j{suffix}", raw)
    result = invoke("validate", source)
    if not outcome(result):
        return
    # What validation accepts, every writer must write well formed.
    for target in ("out.graphml", "out.json", "out.svg"):
        command = "render" if target.endswith(".svg") else "convert"
        result = invoke(command, source, "-o", where / target)
        assert result.exit_code == 0, result.output[-3000:]
        check_well_formed(where / target)
    result = invoke("convert", where / "out.graphml", "-o", where / "back.yaml")
    assert result.exit_code == 0, result.output[-3000:]


@fuzz(40)
@given(file=broken_journey_files())
def test_a_broken_journey_is_refused_with_a_message(base: Path, file: tuple[str, bytes]) -> None:
    with folder(base) as where:
        _check_broken(where, *file)


@fuzz(25)
@given(file=garbled_journey_files())
def test_a_garbled_journey_file_is_refused_with_a_message(base: Path, file: tuple[str, bytes]) -> None:
    with folder(base) as where:
        _check_broken(where, *file)


@fuzz(15)
@given(file=broken_journey_files(control=True))
def test_control_characters_in_a_journey_are_refused_or_written_well_formed(base: Path, file: tuple[str, bytes]) -> None:
    with folder(base) as where:
        _check_broken(where, *file)


@fuzz(10)
@given(data=journeys())
def test_a_stage_named_in_another_unicode_form_is_the_same_stage(base: Path, data: dict[str, Any]) -> None:
    """A stage listed in NFC (as typed on Windows) and referenced in NFD (as macOS may save it)."""
    assume(any(nfc(s) != unicodedata.normalize("NFD", s) for s in data["stages"]))
    data = normalize_strings(data, "NFC")
    for tp in data["touchpoints"]:
        tp["stage"] = unicodedata.normalize("NFD", tp["stage"])
    with folder(base) as where:
        source = write_file(where, "j.yaml", yaml.safe_dump(data, allow_unicode=True).encode())
        result = invoke("validate", source)
        assert result.exit_code == 0, result.output[-2000:]


# -- properties: drawings ----------------------------------------------------------------------------

@fuzz(25)
@given(data=journeys(), file=st.data())
def test_render_writes_well_formed_drawings(base: Path, data: dict[str, Any], file: st.DataObject) -> None:
    suffix, raw = file.draw(journey_files(data))
    with folder(base) as where:
        source = write_file(where, f"j{suffix}", raw)
        for target in ("flow.svg", "flow.dot", "flow.mmd"):
            result = invoke("render", source, "-o", where / target)
            assert outcome(result, where / target) and result.exit_code == 0, result.output[-3000:]
            assert_no_raw_markup(where / target) if target.endswith(".svg") else None
        svg = XML.fromstring((where / "flow.svg").read_bytes())
        text = nfc(" ".join(svg.itertext()))
        for tp in data["touchpoints"]:  # every touchpoint is drawn (its name, perhaps cut short)
            assert tp["id"] in (where / "flow.dot").read_text(encoding="utf-8")
        assert text


@fuzz(20)
@given(data=journeys(), file=st.data())
def test_canvas_svg_is_well_formed(base: Path, data: dict[str, Any], file: st.DataObject) -> None:
    suffix, raw = file.draw(journey_files(data))
    with folder(base) as where:
        source = write_file(where, f"j{suffix}", raw)
        result = invoke("canvas", source, "-o", where / "canvas.svg")
        assert outcome(result, where / "canvas.svg") and result.exit_code == 0, result.output[-3000:]
        assert_no_raw_markup(where / "canvas.svg")
        assert not leftovers(where)


@pytest.mark.slow
@fuzz(8)
@given(data=journeys(), file=st.data(), suffix=st.sampled_from([".png", ".pdf"]))
def test_canvas_and_render_png_pdf_are_whole(base: Path, data: dict[str, Any], file: st.DataObject,
                                             suffix: str) -> None:
    journey_suffix, raw = file.draw(journey_files(data))
    with folder(base) as where:
        source = write_file(where, f"j{journey_suffix}", raw)
        for command in ("canvas", "render"):
            out = where / f"{command}{suffix}"
            result = invoke(command, source, "-o", out)
            assert outcome(result, out) and result.exit_code == 0, result.output[-3000:]
        assert not leftovers(where)


# -- survey answers and tickets --------------------------------------------------------------------

TIME_STYLES = {
    "iso": "%Y-%m-%dT%H:%M:%S", "space": "%Y-%m-%d %H:%M:%S", "minutes": "%Y-%m-%d %H:%M",
    "micro": "%Y-%m-%dT%H:%M:%S.%f", "utc": "%Y-%m-%dT%H:%M:%SZ", "vn": "%Y-%m-%dT%H:%M:%S+07:00",
}
ODD_TIMES = ["", " ", "not a date", "2026-02-29T10:00:00", "2026-13-01T00:00:00", "2026-01-05T24:00:01",
             "05/01/2026 10:00", "1700000000", "2026-01-05T10:00:00+25:00", "=NOW()", "0000-00-00 00:00:00",
             "9999-12-31T23:59:59", "1900-01-01T00:00:00", "2024-02-29T23:59:59.999999", " 2026-01-05 10:00 "]
BAD_ANSWERS = ["11", "-1", "abc", "7.5", "nan", "NaN", "inf", "-inf", "1e400", str(10**30), "9" * 400, " 9 ",
               "9.0", "=9", "١٠", "９", "TRUE", "4,5", "0x9"]
GOOD_IDS = ["fb_ad", "ekyc", "doi_chieu", "chuyen_khoan"]  # the touchpoints of tests/conftest.py's journey (doi_chieu: backstage)
MOMENTS = st.datetimes(min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2099, 12, 31))


def _when(moment: dt.datetime, style: str) -> str:
    return moment.strftime(TIME_STYLES[style])


class Survey:
    def __init__(self, suffix: str, header: list[str], rows: list[list[Any]], raw: bytes, expected: dict[str, float]):
        self.suffix, self.header, self.rows, self.raw, self.expected = suffix, header, rows, raw, expected

    def __repr__(self) -> str:
        return f"Survey({self.suffix}, {self.header!r}, {self.rows!r}, expected={self.expected!r})"


def _table_bytes(draw: st.DrawFn, suffix: str, header: list[str], rows: list[list[Any]]) -> bytes:
    if suffix == ".xlsx":
        return _xlsx_bytes(header, rows)
    if suffix == ".jsonl":
        return "".join(json.dumps(dict(zip(header, row)), ensure_ascii=False) + "\n" for row in rows).encode()
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter="\t" if suffix == ".tsv" else ",", lineterminator="\r\n").writerows([header, *rows])
    return encode(buffer.getvalue(), draw(st.sampled_from(ENCODINGS)))


@st.composite
def surveys(draw: st.DrawFn, *, clean: bool) -> Survey:
    """Survey answers and tickets; ``clean``: valid answers only, with the expected metrics."""
    suffix = draw(st.sampled_from([".csv", ".tsv", ".xlsx", ".jsonl"]))
    metrics = draw(st.lists(st.sampled_from(["nps", "csat", "ces", "ttr"]), min_size=1, max_size=4, unique=True))
    header = ["touchpoint"] + [m for m in metrics if m != "ttr"] + (["opened_at", "resolved_at"] if "ttr" in metrics else [])
    style = draw(st.sampled_from(sorted(TIME_STYLES)))
    n = draw(st.integers(1, 12))
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
    rows: list[list[Any]] = []
    answers: dict[str, list[float]] = {m: [] for m in metrics}
    for _ in range(n):
        row: list[Any] = [draw(st.sampled_from(GOOD_IDS))]
        for metric in header[1:]:
            if metric in scales:
                if draw(st.integers(0, 5)) == 0:
                    row.append(None if suffix in (".xlsx", ".jsonl") else "")  # a blank answer is not counted
                    continue
                value = draw(st.integers(*scales[metric]))
                answers[metric].append(value)
                row.append(value if suffix in (".xlsx", ".jsonl") and draw(st.booleans()) else str(value))
        if "ttr" in metrics:
            opened = draw(MOMENTS).replace(microsecond=0 if style != "micro" else draw(st.integers(0, 999_999)))
            hours = draw(st.integers(0, 2000)) / 4
            resolved = opened + dt.timedelta(hours=hours)
            answers["ttr"].append(hours)
            row += [_when(opened, style), _when(resolved, style)]
        rows.append(row)
    if not clean:
        for _ in range(draw(st.integers(1, 3))):
            r, c = draw(st.integers(0, n - 1)), draw(st.integers(0, len(header) - 1))
            rows[r][c] = draw(st.sampled_from(ODD_TIMES if header[c].endswith("_at") else BAD_ANSWERS + HOSTILE_CELLS[:8]))
    expected: dict[str, float] = {}
    if clean:
        for metric, values in answers.items():
            if not values:
                continue
            if metric == "nps":
                expected["nps"] = 100 * (sum(v >= 9 for v in values) - sum(v <= 6 for v in values)) / len(values)
            elif metric == "csat":
                expected["csat"] = 100 * sum(v >= 4 for v in values) / len(values)
            elif metric == "ces":
                expected["ces"] = sum(values) / len(values)
            else:
                expected["ttr_hours"] = sum(values) / len(values)
    return Survey(suffix, header, rows, _table_bytes(draw, suffix, header, rows), expected)


# -- properties: cx metrics -------------------------------------------------------------------------

@fuzz(30)
@given(survey=surveys(clean=True), out_suffix=st.sampled_from([".csv", ".xlsx", ".jsonl"]))
def test_metrics_of_valid_answers_are_the_textbook_values(base: Path, survey: Survey, out_suffix: str) -> None:
    with folder(base) as where:
        source = write_file(where, f"survey{survey.suffix}", survey.raw)
        out = where / f"metrics{out_suffix}"
        result = invoke("metrics", source, "-o", out, "--headers", "ids")  # a program reads the ids
        assert outcome(result, out) and result.exit_code == 0, result.output[-3000:]
        header, rows = read_written_table(out)
        assert len(rows) == 1
        got = dict(zip(header, rows[0]))
        for metric, value in survey.expected.items():
            assert float(got[metric]) == pytest.approx(value, abs=0.01), (metric, got)  # --headers ids: full precision
        per_touchpoint = where / f"by{out_suffix}"
        result = invoke("metrics", source, "--by", "touchpoint", "-o", per_touchpoint, "--headers", "ids")
        assert outcome(result, per_touchpoint) and result.exit_code == 0, result.output[-3000:]
        header, rows = read_written_table(per_touchpoint)
        for metric in ("nps", "csat", "ces"):  # every answer counted once, in one group
            if metric in survey.expected:
                column = header.index(f"{metric}_n")
                assert sum(int(float(row[column] or 0)) for row in rows) == int(float(got[f"{metric}_n"]))


@fuzz(30)
@given(survey=surveys(clean=False), skip=st.booleans(), out_suffix=st.sampled_from([".csv", ".xlsx", ".jsonl"]))
def test_metrics_of_bad_answers_fail_with_a_message_or_count_what_they_skip(base: Path, survey: Survey, skip: bool,
                                                                          out_suffix: str) -> None:
    with folder(base) as where:
        source = write_file(where, f"survey{survey.suffix}", survey.raw)
        out = where / f"metrics{out_suffix}"
        result = invoke("metrics", source, "--by", "touchpoint", "-o", out, "--headers", "ids",
                        *(["--skip-invalid"] if skip else []))
        if outcome(result, out):
            header, rows = read_written_table(out)
            for metric in ("nps", "csat", "ces"):
                if f"{metric}_n" in header:
                    column = header.index(f"{metric}_n")
                    assert sum(int(float(row[column] or 0)) for row in rows) <= len(survey.rows)
            for row in rows:  # no inf or NaN written as a number
                for name, value in zip(header, row):
                    if name != "touchpoint":
                        assert not (isinstance(value, float) and not math.isfinite(value)), row
                        assert str(value).lower() not in ("inf", "-inf", "infinity", "-infinity", "nan"), row
        assert source.read_bytes() == survey.raw


# -- event logs ----------------------------------------------------------------------------------------

TOUCHPOINT_NAMES = ["gio_hang", "Giỏ hàng", "gio hang", "GIỎ HÀNG", "Thanh toán", "=1+1", "<b>x</b>", "a,b", 'nói "ổn"',
                    "Chờ lâu quá 😤", "\\N", "x" * 300, "ổn"]


class EventLog:
    def __init__(self, raw: bytes, events: list[tuple[str, str, str]], odd: bool):
        self.raw, self.events, self.odd = raw, events, odd

    def __repr__(self) -> str:
        return f"EventLog(odd={self.odd}, events={self.events!r}, raw={self.raw[:600]!r})"


@st.composite
def event_logs(draw: st.DrawFn) -> EventLog:
    style = draw(st.sampled_from(sorted(TIME_STYLES)))
    cases = draw(st.lists(st.one_of(st.from_regex(r"C[0-9]{3}", fullmatch=True), st.sampled_from(HOSTILE_CELLS[:20])),
                          min_size=1, max_size=5, unique=True))
    pool = draw(st.lists(st.sampled_from(TOUCHPOINT_NAMES), min_size=1, max_size=5, unique=True))
    events = []
    for case in cases:
        start = draw(MOMENTS)
        for step in range(draw(st.integers(1, 5))):
            moment = start + dt.timedelta(minutes=draw(st.integers(0, 10_000)) + step)
            events.append((case, draw(st.sampled_from(pool)), _when(moment, style)))
    events = draw(st.permutations(events))  # logs are not sorted
    odd = draw(st.integers(0, 2)) == 0
    if odd:
        i = draw(st.integers(0, len(events) - 1))
        events[i] = (events[i][0], events[i][1], draw(st.sampled_from(ODD_TIMES + [_when(draw(MOMENTS), s) for s in TIME_STYLES])))
    buffer = io.StringIO(newline="")
    cr = any("\r" in value for event in events for value in event)  # see comment_tables
    csv.writer(buffer, lineterminator="\r\n" if cr else draw(st.sampled_from(["\r\n", "\n"]))).writerows(
        [("case_id", "touchpoint", "timestamp"), *events])
    return EventLog(encode(buffer.getvalue(), draw(st.sampled_from(["utf-8", "utf-8-sig"]))), events, odd)


def _blank(value: str) -> bool:
    return not value.strip()


@fuzz(30)
@given(log=event_logs(), suffix=st.sampled_from([".yaml", ".json"]))
def test_discover_counts_every_case_and_touchpoint(base: Path, log: EventLog, suffix: str) -> None:
    with folder(base) as where:
        source = write_file(where, "sự kiện.csv", log.raw)
        out = where / f"lived{suffix}"
        result = invoke("discover", source, "-o", out)
        if not outcome(result, out):
            return
        assert invoke("validate", out).exit_code == 0  # what discover writes, cx reads
        lived = journey_json(out)
        cases = {case for case, _, _ in log.events}
        assert sum(tp.get("starts") or 0 for tp in lived["touchpoints"]) == len(cases)
        visits: dict[str, set[str]] = {}
        for case, touchpoint, _ in log.events:
            visits.setdefault(nfc(touchpoint), set()).add(case)
        names = {nfc(tp["name"]): tp.get("volume") for tp in lived["touchpoints"]}
        assert len(lived["touchpoints"]) == len(visits), (sorted(names), sorted(visits))
        for name, volume in names.items():
            assert volume == len(visits[name]), (name, volume, visits)
        assert MARKUP not in out.read_text(encoding="utf-8") or suffix != ".svg"


def test_discover_takes_a_touchpoint_typed_in_nfc_and_nfd_as_one(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Thanh toán")
    source = write_file(tmp_path, "events.csv", f"case_id,touchpoint,timestamp\nA,Thanh toán,2026-01-01T10:00:00\n"
                                                f"A,{nfd},2026-01-01T11:00:00\n".encode())
    result = invoke("discover", source, "-o", tmp_path / "lived.yaml")
    assert result.exit_code == 0, result.output
    assert len(journey_json(tmp_path / "lived.yaml")["touchpoints"]) == 1


# -- properties: cx pain, cx canvas with comments ------------------------------------------------------

@st.composite
def feedback_tables(draw: st.DrawFn) -> Comments:
    """Comments for tests/conftest.py's journey: a touchpoint column (ids, names, aliases, junk), maybe
    sentiment and causes already there."""
    table = draw(comment_tables(suffixes=(".csv", ".tsv", ".xlsx", ".jsonl")))
    names = GOOD_IDS + ["Quảng cáo Facebook", "Chuyển khoản đầu tiên", "", "khong_co", "=1+1"]
    header = [h if h != "touchpoint" else "touchpoint" for h in table.header]
    rows = [list(row) for row in table.rows]
    if "touchpoint" in header:
        column = header.index("touchpoint")
        for row in rows:
            row[column] = draw(st.sampled_from(names))
    if draw(st.booleans()):
        header += ["sentiment", "causes"] if "sentiment" not in header else ["causes"]
        for row in rows:
            row += [draw(st.sampled_from(["negative", "positive", "neutral", "", "tệ"]))] if len(row) < len(header) - 1 else []
            row += [draw(st.sampled_from(["", "wait_time", "wait_time,rude_staff", "không rõ"]))]
    return Comments(table.suffix, header, rows, table.text_column, _table_bytes(draw, table.suffix, header, rows))


@fuzz(20)
@given(table=feedback_tables(), out_suffix=st.sampled_from([".csv", ".xlsx"]))
def test_pain_ranks_every_touchpoint_once(base: Path, table: Comments, out_suffix: str) -> None:
    with folder(base) as where:
        journey = write_file(where, "j.yaml", GOOD.encode())
        source = table.write(where)
        out, written = where / f"pain{out_suffix}", where / "with-feedback.yaml"
        result = invoke("pain", journey, "-f", source, "-t", table.text_column, "-o", out, "--write-journey", written,
                        "--headers", "ids")
        if outcome(result, out, written):
            header, rows = read_written_table(out)
            ids = [row[header.index("touchpoint")] for row in rows]
            assert sorted(ids) == sorted(set(GOOD_IDS) - {"doi_chieu"})  # every frontstage touchpoint, once
            assert invoke("validate", written).exit_code == 0
        assert source.read_bytes() == table.raw


# -- the HTML report -----------------------------------------------------------------------------------

@pytest.mark.slow
@fuzz(6)
@given(table=feedback_tables(), survey=surveys(clean=False), log=event_logs())
def test_report_is_whole_html_with_user_text_escaped(base: Path, table: Comments, survey: Survey,
                                                     log: EventLog) -> None:
    with folder(base) as where:
        journey = write_file(where, "j.yaml", GOOD.replace("Quảng cáo Facebook", MARKUP).encode())
        comments = table.write(where)
        answers = write_file(where, f"survey{survey.suffix}", survey.raw)
        events = write_file(where, "events.csv", log.raw)
        out = where / "report.html"
        result = invoke("report", "-j", journey, "-f", comments, "-t", table.text_column, "-s", answers,
                        "--tickets", answers, "-e", events, "-o", out)
        if outcome(result, out):
            assert_no_raw_markup(out)
        result = invoke("report", "-j", journey, "-f", comments, "-t", table.text_column, "-o", where / "r2.html")
        if outcome(result, where / "r2.html"):
            assert_no_raw_markup(where / "r2.html")


# -- ragged rows, control characters, chunks ---------------------------------------------------------

@st.composite
def ragged_csv(draw: st.DrawFn) -> Comments:
    """A CSV whose rows have more or fewer fields than its header (a trailing comma on every row, a
    row cut short, a stray extra field)."""
    table = draw(comment_tables(suffixes=(".csv",)))
    kind = draw(st.sampled_from(["trailing comma", "short row", "long row"]))
    lines = []
    for i, row in enumerate(table.rows):
        row = list(row)
        if kind == "trailing comma":
            row.append("")
        elif kind == "short row" and i == len(table.rows) - 1 and len(row) > 1:
            row = row[:-1]
        elif kind == "long row" and i == 0:
            row.append(draw(CELL))
        lines.append(row)
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows([table.header, *lines])
    kept = [row[: len(table.header)] + [""] * (len(table.header) - len(row)) for row in lines]
    return Comments(".csv", table.header, kept, table.text_column, buffer.getvalue().encode())


@fuzz(20)
@given(table=ragged_csv())
def test_classify_of_ragged_rows_fails_or_keeps_every_row_in_place(base: Path, table: Comments) -> None:
    with folder(base) as where:
        source = table.write(where)
        out = where / "out.csv"
        if outcome(invoke("classify", source, "-t", table.text_column, "-o", out), out):
            assert_rows_kept(table, out)


@fuzz(20)
@given(table=comment_tables(suffixes=(".csv", ".tsv", ".jsonl"), control=True),
       out_suffix=st.sampled_from([".csv", ".xlsx", ".jsonl"]))
def test_classify_of_control_characters_keeps_them_or_names_the_cell(base: Path, table: Comments,
                                                                   out_suffix: str) -> None:
    with folder(base) as where:
        source = table.write(where)
        out = where / f"out{out_suffix}"
        result = invoke("classify", source, "-t", table.text_column, "-o", out)
        if outcome(result, out):
            assert_rows_kept(table, out)
        elif out_suffix == ".xlsx" and "control character" in result.output:
            assert re.search(r"row \d+, column ", result.output), result.output  # it names the cell


LATE_KEY = Comments(".jsonl", ["id", "text", "kênh"], [["1", "ổn", None], ["2", "tệ", "Zalo"]], "text",
                    '{"id": "1", "text": "ổn"}\n{"id": "2", "text": "tệ", "kênh": "Zalo"}\n'.encode())


@fuzz(20)
@given(table=comment_tables(suffixes=(".csv", ".jsonl", ".xlsx")), chunk=st.integers(1, 3))
@example(table=LATE_KEY, chunk=1)
def test_classify_in_small_chunks_keeps_every_row_in_place(base: Path, shipped_model: Any, table: Comments,
                                                           chunk: int) -> None:
    """What a 10,000-row chunk does to a 30,000-row file, in a few rows (nlp.batch.classify_file)."""
    from nlp.batch import classify_file

    with folder(base) as where:
        source = table.write(where)
        out = where / "out.csv"
        try:
            classify_file(source, text_column=table.text_column, output=out, model=shipped_model, chunk_size=chunk)
        except ValueError as error:  # DataError: one readable line
            assert len(str(error)) <= MAX_LINE and "Traceback" not in str(error)
            return
        assert_rows_kept(table, out)


# -- security ----------------------------------------------------------------------------------------

def test_no_command_opens_a_network_connection(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """cx works offline: nothing it runs in-process resolves a host name or connects anywhere."""
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access: {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    journey = write_file(tmp_path, "j.yaml", GOOD.encode())
    comments = write_file(tmp_path, "c.csv", "id,text,touchpoint\n1,Chờ lâu quá,ekyc\n2,ổn,fb_ad\n".encode())
    events = write_file(tmp_path, "e.csv", b"case_id,touchpoint,timestamp\nA,fb_ad,2026-01-01 10:00\nA,ekyc,2026-01-01 11:00\n")
    for command in (["classify", comments, "-t", "text", "-o", tmp_path / "out.xlsx"],
                    ["canvas", journey, "-f", comments, "-o", tmp_path / "canvas.svg"],
                    ["render", journey, "-o", tmp_path / "flow.svg"],
                    ["discover", events, "-o", tmp_path / "lived.yaml"],
                    ["report", "-j", journey, "-f", comments, "-e", events, "-o", tmp_path / "report.html"]):
        result = invoke(*command)
        assert result.exit_code == 0, (command[0], result.output[-2000:], result.exception)


# -- what the fuzzing found, pinned down ---------------------------------------------------------------

def test_render_draws_a_journey_with_very_long_texts(tmp_path: Path) -> None:
    """A 5,000-character name, title, stage or label made Graphviz refuse the DOT ("syntax error …
    longer than 16384?"): a valid journey cx validate accepts could not be drawn. Labels now end in
    "…" (the tooltip and the journey file keep the text)."""
    import journeymap as jm

    long = unicodedata.normalize("NFD", ("Nhận biết & <b>\"đậm\"</b> \\N " * 300).strip())
    journey = jm.Journey(long, stages=[long], persona=long)
    journey.add_touchpoint("a", name=long, stage=long, channel=long, pain_points=[long] * 3, opportunities=[long])
    journey.add_touchpoint("b", name="Nhận hàng", stage=long)
    journey.add_transition("a", "b", label=long)
    source = tmp_path / "j.yaml"
    jm.save_journey(journey, source)
    for suffix in (".svg", ".png", ".dot"):
        result = invoke("render", source, "-o", tmp_path / f"flow{suffix}")
        assert result.exit_code == 0, result.output[-2000:]
        check_well_formed(tmp_path / f"flow{suffix}")
    svg = (tmp_path / "flow.svg").read_text(encoding="utf-8")
    assert "Nhận hàng" in nfc(svg) and "…" in svg
    assert len(svg) < 200_000  # the labels are excerpts, not 5,000 characters each


def test_excerpt_keeps_short_text_and_cuts_at_a_word_without_splitting_a_letter() -> None:
    from journeymap.draw.layout import name_lines
    from journeymap.text import excerpt

    assert excerpt("Giỏ hàng", 8) == "Giỏ hàng"
    nfd = unicodedata.normalize("NFD", "Nhận")
    assert excerpt(nfd * 10, 6) == nfd[:5] + "…"  # "Nhậ": the letter with both its marks
    assert excerpt(nfd * 10, 5) == "Nh…"  # never an "a" whose marks were cut off
    assert excerpt("Xác thực khuôn mặt", 12) == "Xác thực…"
    lines = name_lines("rất dài " * 100)
    assert len(lines) == 8 and lines[-1].endswith("…")
    assert name_lines("Giỏ hàng") == ["Giỏ hàng"]


def test_xlsx_output_refuses_a_non_character_instead_of_writing_a_broken_workbook(tmp_path: Path) -> None:
    """U+FFFE in a comment passed openpyxl's check and made an .xlsx that Excel and openpyxl cannot
    open (XML 1.0 has no such character), exit 0. Now it is refused like a control character: the
    cell named, nothing written."""
    comments = write_file(tmp_path, "c.csv", "id,text\n1,ổn\n2,lỗi \ufffe ở đây\n3,\uffff\n".encode())
    out = tmp_path / "out.xlsx"
    result = invoke("classify", comments, "-t", "text", "-o", out)
    assert_clean_failure(result, out)
    assert "row 3, column 'text' holds the non-character U+FFFE" in result.output
    assert not leftovers(tmp_path)
    result = invoke("classify", comments, "-t", "text", "-o", tmp_path / "out.csv")  # CSV holds it exactly
    assert result.exit_code == 0, result.output
    assert "lỗi \ufffe ở đây" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")


def test_a_long_bad_value_in_comments_is_quoted_as_an_excerpt_with_its_length(tmp_path: Path) -> None:
    """A 5,000-digit 'sentiment' printed whole made a 5,000-character error line (cx pain, canvas,
    report). Now the value is cut, with its length."""
    journey = write_file(tmp_path, "j.yaml", GOOD.encode())
    comments = write_file(tmp_path, "c.csv", f"id,text,sentiment,touchpoint\n1,Chờ lâu quá,{'9' * 5000},ekyc\n"
                                             f"2,ổn,positive,{'x' * 3000}\n".encode())
    result = invoke("pain", journey, "-f", comments)
    assert_clean_failure(result)
    assert "(5,000 characters)" in result.output or "(3,000 characters)" in result.output, result.output
    comments.write_text(f"id,text,sentiment_confidence\n1,ổn,{'x' * 4000}\n", encoding="utf-8")
    result = invoke("pain", journey, "-f", comments)
    assert_clean_failure(result)
    assert "(4,000 characters)" in result.output, result.output
