"""Journeys as spreadsheets: an Excel workbook (``.xlsx``) or CSV files, with Vietnamese headers.

A designer plans a journey in Excel or Google Sheets; :func:`read_journey_xlsx` and
:func:`write_journey_xlsx` read and write it, and :func:`journeymap.load_journey` /
:func:`journeymap.save_journey` / ``cx convert`` do so by the ``.xlsx`` suffix. Nothing is lost
between a journey file and its workbook: the workbook holds every field.

The workbook's sheets (found by name; their order does not matter):

- **Hướng dẫn**: how to fill the workbook (not read);
- **Hành trình**: one item a row, ``Mục`` | ``Giá trị``: *Tên hành trình* (required), *Mô tả*,
  *Persona (một dòng)* (the older one-line persona) and *Chuyển tiếp* (``không có`` when the
  journey has no transitions at all; left empty, an empty *Chuyển tiếp* sheet means "in the order
  listed");
- **Persona**: ``Tên``, ``Ảnh``, ``Câu nói``, ``Mô tả``, ``Mục tiêu``, ``Nỗi bực dọc``, ``Thông tin``;
- **Giai đoạn**: ``Tên``, ``Mục tiêu``, ``KPI``, ``Thời gian`` (stages in row order);
- **Hàng bản đồ** (optional): the canvas rows, top to bottom: ``Mã`` (a built-in row's key, or the
  key of a row of your own) and ``Tiêu đề`` (the title of a row of your own);
- **Điểm chạm**: one touchpoint a row (see :data:`TOUCHPOINT_COLUMNS` for every header), plus one
  column per row of your own, headed by its title;
- **Theo persona** (optional): values that differ per persona: ``Điểm chạm``, ``Persona``, then
  ``Cảm xúc``, ``Tỷ lệ rời bỏ``, ``CES``, ``Điểm đau``, ``Khách nghĩ``, ``Khách nói``, ``Khách làm``;
- **Chuyển tiếp**: ``Từ``, ``Đến`` (a touchpoint's id or name), ``Lượt khách``, ``Xác suất``,
  ``Nhãn``, ``Trung vị (giờ)``, ``Trung bình (giờ)``; no rows: touchpoints follow in listed order.

How cells are read, as a person fills them: rows above the header (a merged title) and blank rows
are skipped; spaces at the ends of a cell or of a line are dropped; a header may also be the
journey file's key (``drop_off``); numbers typed as text (``"1200"``, ``"0,25"``) are numbers;
a share (``Tỷ lệ rời bỏ``, ``Xác suất``) may be ``0.25``, ``25%`` typed as text, or a cell formatted
as a percentage; a list (``Điểm đau``, ``KPI``) is one item a line (or ``- `` bullets, whose lines
indented by two spaces continue an item); *Trải nghiệm* is a list separated by commas or lines;
yes/no columns take ``có`` / ``x`` / ``TRUE`` (empty is no); *Thông tin* of a persona is lines
``Nhãn: giá trị`` or a list. A column the workbook does not know is an error, never dropped.

Every problem names its sheet, row and column (``Điểm chạm!I7 (Tỷ lệ rời bỏ): must be a share …``).

The CSV form (:func:`read_journey_csv`, :func:`write_journey_csv`) is a pair of files:
``X.touchpoints.csv`` (the touchpoints sheet) and ``X.transitions.csv`` (the transitions sheet)
beside it. The journey's own fields sit at the top of the touchpoints file, above its header row,
one labelled row each, as a person lays out a title block in a spreadsheet (:data:`PAIR_ROWS`)::

    Tên hành trình,Vay mua nhà
    Mô tả hành trình,…
    Giai đoạn – Tên,Tìm hiểu,Tư vấn,Giải ngân
    Giai đoạn – Mục tiêu,Hiểu lãi suất,,Nhận tiền đúng hạn
    Persona – Tên,Chị Mai,Anh Tuấn
    Persona – Câu nói,"Mình cần biết…",…
    Hàng bản đồ – Mã,name,emotion,chinh_sach
    Hàng bản đồ – Tiêu đề,,,Chính sách

    Mã,Tên,Giai đoạn,Kênh,…

The ``Giai đoạn –``, ``Persona –`` and ``Hàng bản đồ –`` rows are those sheets turned on their
side: one stage (persona, canvas row) a column, one field a row, named as the sheet's column
(``Giai đoạn – KPI``, ``Persona – Nỗi bực dọc`` …). Every one of these rows is optional: without
``Tên hành trình`` the title is the file's name (``X``); without ``Giai đoạn – Tên`` the stages are
taken in the order the touchpoints name them; without the transitions file the touchpoints follow
in listed order. So the pair holds every field of a journey but the per-persona values
(*Theo persona*), which need the workbook; :func:`write_journey_csv` refuses a journey that has
them rather than drop them. The older third file, ``X.journey.csv`` (the *Hành trình* items, then
one ``Giai đoạn`` row per stage), is still read when it sits beside the pair; an item given both
there and in the touchpoints file is an error naming both cells.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from nlp.errors import DataError, require_file
from nlp.output import AtomicFile, atomic_path
from nlp.tables import xlsx_text_problem

from ._parse import Document, read_bytes, read_text
from ._schema import BUILTIN_LANES
from .errors import JourneyValidationError, Problem, excerpt
from .experience import ExperienceType
from .journey import Journey
from .resolve import derived_id, resolver_of_entries, touchpoint_ids, touchpoint_key
from .validation import validate_journey_data

__all__ = [
    "BY_PERSONA_COLUMNS",
    "CSV_SUFFIX",
    "PAIR_ROWS",
    "PERSONA_COLUMNS",
    "SHEETS",
    "STAGE_COLUMNS",
    "TOUCHPOINT_COLUMNS",
    "TRANSITION_COLUMNS",
    "read_journey_csv",
    "read_journey_xlsx",
    "write_journey_csv",
    "write_journey_xlsx",
]


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the journey file's key (``metrics.csat`` for a nested one), its header
    and how its cells are read and written."""

    key: str
    header: str
    kind: str = "text"
    width: int = 16


SHEETS = {
    "guide": "Hướng dẫn",
    "journey": "Hành trình",
    "personas": "Persona",
    "stages": "Giai đoạn",
    "lanes": "Hàng bản đồ",
    "touchpoints": "Điểm chạm",
    "by_persona": "Theo persona",
    "transitions": "Chuyển tiếp",
    "lists": "Danh mục",
}
"""The sheets of a journey workbook, by what they hold."""

JOURNEY_ITEMS = (
    Column("journey", "Tên hành trình"),
    Column("description", "Mô tả"),
    Column("persona", "Persona (một dòng)"),
    Column("transitions", "Chuyển tiếp"),
)
PERSONA_COLUMNS = (
    Column("name", "Tên", width=24),
    Column("photo", "Ảnh", width=20),
    Column("quote", "Câu nói", width=36),
    Column("description", "Mô tả", width=36),
    Column("goals", "Mục tiêu", "list", 36),
    Column("frustrations", "Nỗi bực dọc", "list", 36),
    Column("facts", "Thông tin", "facts", 30),
)
STAGE_COLUMNS = (
    Column("name", "Tên", width=24),
    Column("goal", "Mục tiêu", width=36),
    Column("kpis", "KPI", "list", 30),
    Column("duration", "Thời gian", "duration", 14),
)
LANE_COLUMNS = (Column("key", "Mã", width=18), Column("title", "Tiêu đề", width=28))
TOUCHPOINT_COLUMNS = (
    Column("id", "Mã", width=18),
    Column("name", "Tên", width=30),
    Column("stage", "Giai đoạn", width=18),
    Column("channel", "Kênh", width=12),
    Column("lane", "Làn", width=12),
    Column("experience", "Trải nghiệm", "experience", 16),
    Column("ces", "CES (1–7)", "number", 10),
    Column("emotion", "Cảm xúc (−2…+2)", "number", 12),
    Column("drop_off", "Tỷ lệ rời bỏ", "share", 12),
    Column("goal", "Đích", "bool", 8),
    Column("moment_of_truth", "Khoảnh khắc quyết định", "bool", 12),
    Column("volume", "Lượt khách", "number", 12),
    Column("starts", "Lượt bắt đầu", "number", 12),
    Column("owner", "Phụ trách", width=18),
    Column("description", "Mô tả", width=36),
    Column("thinks", "Khách nghĩ", width=30),
    Column("says", "Khách nói", width=30),
    Column("does", "Khách làm", width=30),
    Column("pain_points", "Điểm đau", "list", 40),
    Column("opportunities", "Cơ hội", "list", 40),
    Column("aliases", "Tên gọi khác", "list", 24),
    Column("personas", "Persona", "list", 18),
    Column("metrics.csat", "CSAT (%)", "percentage", 10),
    Column("metrics.nps", "NPS", "number", 8),
    Column("metrics.ces", "CES đo được", "number", 10),
    Column("metrics.ttr_hours", "Thời gian xử lý (giờ)", "number", 12),
    Column("metrics.*", "Chỉ số khác", "metrics", 24),
)
"""The columns of the *Điểm chạm* sheet (and of ``X.touchpoints.csv``), in order."""
BY_PERSONA_COLUMNS = (
    Column("touchpoint", "Điểm chạm", width=22),
    Column("persona", "Persona", width=20),
    Column("emotion", "Cảm xúc (−2…+2)", "number", 12),
    Column("drop_off", "Tỷ lệ rời bỏ", "share", 12),
    Column("ces", "CES (1–7)", "number", 10),
    Column("pain_points", "Điểm đau", "list", 40),
    Column("thinks", "Khách nghĩ", width=30),
    Column("says", "Khách nói", width=30),
    Column("does", "Khách làm", width=30),
)
TRANSITION_COLUMNS = (
    Column("from", "Từ", width=22),
    Column("to", "Đến", width=22),
    Column("volume", "Lượt khách", "number", 12),
    Column("probability", "Xác suất", "share", 10),
    Column("label", "Nhãn", width=24),
    Column("median_hours", "Trung vị (giờ)", "number", 12),
    Column("mean_hours", "Trung bình (giờ)", "number", 12),
)
_LANE_PREFIX = "Hàng: "  # a custom row's column header when its title is a built-in column's
_NO_TRANSITIONS = "không có"
_IN_ORDER = "theo thứ tự"
CSV_SUFFIX = ".touchpoints.csv"
"""The suffix of a journey's touchpoints CSV; ``.transitions.csv`` (and, in the older form, ``.journey.csv``)
sits beside it."""
_DESCRIPTION_ROW = "Mô tả hành trình"  # "Mô tả" alone is a touchpoint column
PAIR_BLOCKS = {"stages": ("Giai đoạn", STAGE_COLUMNS), "personas": ("Persona", PERSONA_COLUMNS),
               "lanes": ("Hàng bản đồ", LANE_COLUMNS)}
"""The sheets the touchpoints CSV carries on their side above its header: ``(row title, columns)``."""


def _pair_row_title(block: str, column: Column) -> str:
    return f"{PAIR_BLOCKS[block][0]} – {column.header}"


PAIR_ROWS: tuple[str, ...] = (
    *(_DESCRIPTION_ROW if c.key == "description" else c.header for c in JOURNEY_ITEMS),
    *(_pair_row_title(block, c) for block, (_, columns) in PAIR_BLOCKS.items() for c in columns),
)
"""The titles of the rows the touchpoints CSV may have above its header: the journey's items, then the
stages, personas and canvas rows on their side (a dash, a colon or a hyphen may join the two parts)."""
_CHANNELS = ("app", "web", "phone", "branch", "counter", "email", "chat", "chatbot", "sms", "zalo", "social",
             "ivr", "kiosk", "delivery", "home", "survey", "system", "internal")


# -- reading ---------------------------------------------------------------------------------------------

@dataclass
class _Cell:
    value: Any
    label: str  # where it is, for messages: "Điểm chạm!I7 (Tỷ lệ rời bỏ)"
    percent: bool = False  # a number formatted as a percentage


@dataclass
class _Table:
    """The rows of one sheet (or CSV file) under its header row, blank rows left out."""

    name: str
    header: list[tuple[int, str, str]]  # (column index, header text, the header cell's label)
    rows: list[tuple[str, dict[int, _Cell]]]  # (row label, cells by column index)


@dataclass
class _Reader:
    """Builds journey-file data from tables, remembering the cell of every value for messages."""

    source: str
    problems: list[Problem] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    document: Document = field(default_factory=lambda: Document(None))

    def place(self, path: tuple[Any, ...], label: str) -> None:
        self.document.lines[path] = len(self.labels)
        self.labels.append(label)

    def problem(self, message: str, label: str) -> None:
        self.problems.append(Problem(message, label, len(self.labels)))
        self.labels.append(label)

    def entries(self, table: _Table | None, columns: Sequence[Column], path: str,
                extra: Callable[[str], str | None] | None = None) -> list[dict[str, Any]]:
        """One mapping per row of ``table``, keyed as in a journey file; ``extra`` names unknown headers' keys."""
        if table is None:
            return []
        known = _headers(columns)
        keys: dict[int, tuple[str, Column | None, str]] = {}
        for index, text, where in table.header:
            column = known.get(_fold_header(text))
            if column is not None:
                keys[index] = (column.key, column, text)
                continue
            lane = extra(text) if extra is not None else None
            if lane is not None:
                keys[index] = (f"lanes.{lane}", None, text)
                continue
            self.problem(f"unknown column {excerpt(text)}; the columns of this sheet are "
                         + ", ".join(c.header for c in columns) + (" and one column per row of your own (Hàng bản đồ)"
                                                                   if extra is not None else ""),
                         where)
        out: list[dict[str, Any]] = []
        for row_label, cells in table.rows:
            entry: dict[str, Any] = {}
            position = (path, len(out))
            self.place(position, row_label)
            for index, cell in cells.items():
                if index not in keys:
                    continue
                key, column, header = keys[index]
                cell = _Cell(cell.value, f"{cell.label} ({header})", cell.percent)
                value = self.convert(cell, column.kind if column else "text")
                if value is None:
                    continue
                parts = key.split(".")
                if parts[-1] == "*":  # other metrics, merged into the metrics mapping
                    if isinstance(value, dict):
                        entry.setdefault(parts[0], {}).update(value)
                        for name in value:
                            self.place((*position, parts[0], name), cell.label)
                    continue
                target = entry
                for part in parts[:-1]:
                    target = target.setdefault(part, {})
                target[parts[-1]] = value
                self.place((*position, *parts), cell.label)
            out.append(entry)
        return out

    def convert(self, cell: _Cell, kind: str) -> Any:
        """A cell's value as the journey file would hold it (``None`` for an empty cell)."""
        value = cell.value
        if isinstance(value, str):
            value = value.strip()
            if not value:
                return None
        if value is None:
            return None
        if kind == "duration" and isinstance(value, str):
            return value  # as in a journey file: the schema reads a plain number in text as hours
        if kind in ("number", "share", "percentage", "duration"):
            if isinstance(value, str):
                number = _number(value)
                if number is None:
                    return value  # text (a duration, "25%"): validation reads it or says what is allowed
                return number
            if kind == "percentage" and cell.percent and isinstance(value, (int, float)):
                return value * 100
            return _plain(value)
        if kind == "bool":
            if isinstance(value, bool):
                return value
            folded = touchpoint_key(str(_plain(value)))
            if folded in _YES:
                return True
            if folded in _NO:
                return False
            self.problem(f"{excerpt(value)} is not yes or no; write 'có' (or x) for yes and leave the cell empty for no",
                         cell.label)
            return None
        text = _text_of(value)
        if kind == "list":
            return _split_list(text)
        if kind == "experience":
            return [_EXPERIENCE.get(touchpoint_key(part), part) for part in re.split(r"[,;\n]", text) if part.strip()]
        if kind == "facts":
            return _read_facts(text)
        if kind == "metrics":
            metrics: dict[str, Any] = {}
            for line in text.split("\n"):
                if not line.strip():
                    continue
                name, sep, rest = line.partition(":")
                if not sep or not name.strip():
                    self.problem(f"{excerpt(line.strip())} is not 'name: number' (one metric a line, e.g. 'fcr: 72%')",
                                 cell.label)
                    continue
                number = _number(rest.strip())
                metrics[name.strip()] = number if number is not None else rest.strip()
            return metrics or None
        return text


_YES = {"co", "x", "true", "yes", "1", "dung", "v", "✓", "✔"}
_NO = {"khong", "false", "no", "0", "sai", "-"}
_EXPERIENCE = {
    **{touchpoint_key(t.value): t.value for t in ExperienceType},
    **{touchpoint_key(t.label_vi): t.value for t in ExperienceType},
    **{touchpoint_key(t.label_en): t.value for t in ExperienceType},
}
_NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|\d{1,3}(?:([.,  ])\d{3})(?:\1\d{3})+)")


def _number(text: str) -> int | float | None:
    """A number typed as text: ``1200``, ``0,25`` (decimal comma), ``1.200.000`` (grouped thousands)."""
    text = text.strip().replace("\u2212", "-")
    found = _NUMBER.fullmatch(text)
    if found is None:
        return None
    if found.group(1):  # thousands grouped (two groups at least, so never a decimal)
        return int(re.sub(r"[^\d+-]", "", text))
    number = float(text.replace(",", "."))
    return int(number) if number.is_integer() and not re.search(r"[.,]", text) else number


def _plain(value: Any) -> Any:
    """A whole float as an int (what YAML would give for ``6``); other values unchanged."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _text_of(value: Any) -> str:
    """A cell as text: numbers as written (1200, not 1200.0), dates in ISO form."""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return str(_plain(value))
    return str(value).strip()


_BULLET = re.compile(r"^(?:- |• |\* )")


def _split_list(text: str) -> list[str]:
    """A list cell: one item a line, or ``- `` bullets whose following lines indented by two spaces continue it."""
    lines = [line.rstrip() for line in text.split("\n")]
    if not _BULLET.match(lines[0].lstrip() if lines else ""):
        return [line.strip() for line in lines if line.strip()]
    items: list[str] = []
    for line in lines:
        if _BULLET.match(line):
            items.append(line[2:])
        elif line.strip() and items:
            items[-1] += "\n" + line.removeprefix("  ")
    return items


def _join_list(items: Sequence[str], *, colon: bool = False) -> str:
    """The cell text of a list, read back by :func:`_split_list` as the same items."""
    plain = all(
        item and item == item.strip() and "\n" not in item and not _BULLET.match(item) and not (colon and ": " in item)
        for item in items
    )
    if plain:
        return "\n".join(items)
    return "\n".join("- " + item.replace("\n", "\n  ") for item in items)


def _read_facts(text: str) -> dict[str, str] | list[str]:
    """*Thông tin*: lines ``Nhãn: giá trị`` make a mapping (a line indented by two spaces continues a
    value); anything else is a list (see :func:`_split_list`)."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    starts = [line for line in lines if not line.startswith("  ")]
    if _BULLET.match(lines[0]) or not all(": " in line or line.endswith(":") for line in starts):
        return _split_list(text)
    facts: dict[str, str] = {}
    last = None
    for line in lines:
        if line.startswith("  ") and last is not None:
            facts[last] += "\n" + line[2:]
            continue
        name, _, value = line.partition(":")
        last = name.strip()
        facts[last] = value.strip()
    return facts


def _fold_header(text: str) -> str:
    return touchpoint_key(str(text).strip())


def _headers(columns: Sequence[Column]) -> dict[str, Column]:
    """Every way a header may be written, folded: the header, the part before its brackets, the file's key."""
    known: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, column.header.split(" (")[0], column.key.removeprefix("metrics.")):
            known.setdefault(_fold_header(name), column)
        if column.key.startswith("metrics.") and column.key != "metrics.*":
            known.setdefault(_fold_header(column.key), column)
    return known


def _table(name: str, rows: list[tuple[str, list[_Cell]]], columns: Sequence[Column]) -> _Table:
    """The header (the first row naming a known column, so a title above it is skipped) and the rows under it."""
    known = _headers(columns)
    for position, (_, cells) in enumerate(rows):
        if any(isinstance(c.value, str) and _fold_header(c.value) in known for c in cells):
            header = [(i, _text_of(c.value), c.label) for i, c in enumerate(cells) if c.value is not None and _text_of(c.value)]
            body = [
                (label, {i: c for i, c in enumerate(cells) if c.value is not None and _text_of(c.value) != ""})
                for label, cells in rows[position + 1:]
            ]
            return _Table(name, header, [(label, cells) for label, cells in body if cells])
    return _Table(name, [], [])


def _journey(reader: _Reader, items: _Table | None, tables: dict[str, _Table | None], default_title: str,
             kind: str) -> Journey:
    """Journey-file data from the tables, validated; every problem named by its sheet, row and column."""
    data: dict[str, Any] = {}
    transitions_mode = None
    if items is not None:
        known = _headers(JOURNEY_ITEMS)
        known[_fold_header(_DESCRIPTION_ROW)] = JOURNEY_ITEMS[1]
        given: dict[str, str] = {}  # item -> the cell that gave it (the pair's rows and X.journey.csv may both)
        for label, cells in items.rows:
            first = cells.get(min(cells)) if cells else None
            if first is None:
                continue
            column = known.get(_fold_header(_text_of(first.value)))
            values = [c for i, c in sorted(cells.items()) if i > min(cells)]
            if column is None:
                if _fold_header(_text_of(first.value)) == _fold_header(SHEETS["stages"]) and kind == "csv":
                    if values:
                        data.setdefault("stages", []).append(reader.convert(values[0], "text"))
                        reader.place(("stages", len(data["stages"]) - 1), values[0].label)
                    continue
                allowed = ", ".join(c.header for c in JOURNEY_ITEMS) + (", Giai đoạn" if kind == "csv" else "")
                reader.problem(f"unknown item {excerpt(_text_of(first.value))}; the items are: {allowed}", first.label)
                continue
            value = reader.convert(values[0], "text") if values else None
            if column.key in given:
                reader.problem(f"{column.header} is given twice (first in {given[column.key]}); give it once",
                               first.label)
                continue
            given[column.key] = first.label
            if column.key == "transitions":
                transitions_mode = touchpoint_key(value) if value else None
                if transitions_mode not in (None, touchpoint_key(_NO_TRANSITIONS), touchpoint_key(_IN_ORDER)):
                    reader.problem(f"{excerpt(value)}: write '{_NO_TRANSITIONS}' for a journey without transitions, "
                                   f"or leave it empty", values[0].label)
                continue
            if value is not None:
                data[column.key] = value
                reader.place((column.key,), values[0].label)
    if "journey" not in data:
        data["journey"] = default_title
    personas = reader.entries(tables.get("personas"), PERSONA_COLUMNS, "personas")
    if personas:
        data["personas"] = personas
    stages = reader.entries(tables.get("stages"), STAGE_COLUMNS, "stages")
    if stages:
        if "stages" in data:  # X.journey.csv's Giai đoạn rows and the touchpoints file's Giai đoạn – Tên row
            table = tables["stages"]
            reader.problem(f"the stages are given twice: in {items.name if items else 'the journey file'} and in "
                           f"{table.name if table else 'the stages'}; give them once", table.header[0][2] if table
                           and table.header else reader.source)
        data["stages"] = [s["name"] if set(s) == {"name"} else s for s in stages]
    lanes_table = tables.get("lanes")
    lanes = reader.entries(lanes_table, LANE_COLUMNS, "lanes")
    if lanes:
        data["lanes"] = [lane["key"] if set(lane) == {"key"} else lane for lane in lanes]
    custom = {_fold_header(lane.get("title", "")): lane for lane in lanes if isinstance(lane, dict) and "title" in lane}

    def lane_column(header: str) -> str | None:
        folded = _fold_header(header.removeprefix(_LANE_PREFIX) if header.startswith(_LANE_PREFIX) else header)
        lane = custom.get(folded) or next((c for c in custom.values() if _fold_header(str(c.get("key"))) == folded), None)
        if lane is None:
            return None
        return str(lane.get("key") or derived_id(lane["title"]))

    touchpoints = reader.entries(tables.get("touchpoints"), TOUCHPOINT_COLUMNS, "touchpoints", lane_column)
    data["touchpoints"] = touchpoints
    if "stages" not in data:  # the CSV form without a journey file: stages in the order touchpoints name them
        data["stages"] = list(dict.fromkeys(tp["stage"] for tp in touchpoints if isinstance(tp.get("stage"), str)))
    _attach_by_persona(reader, tables.get("by_persona"), touchpoints)
    transitions = reader.entries(tables.get("transitions"), TRANSITION_COLUMNS, "transitions")
    if transitions:
        data["transitions"] = transitions
    elif transitions_mode == touchpoint_key(_NO_TRANSITIONS):
        data["transitions"] = []
    return _validated(reader, data)


def _attach_by_persona(reader: _Reader, table: _Table | None, touchpoints: list[dict[str, Any]]) -> None:
    """The *Theo persona* rows, put into their touchpoints' ``by_persona``."""
    rows = reader.entries(table, BY_PERSONA_COLUMNS, "by_persona")
    if not rows:
        return
    ids = touchpoint_ids(touchpoints)
    resolver = resolver_of_entries(touchpoints, ids)
    for index, row in enumerate(rows):
        label = reader.labels[reader.document.lines[("by_persona", index)]]
        name, persona = row.pop("touchpoint", None), row.pop("persona", None)
        if name is None or persona is None:
            reader.problem("each row needs its touchpoint (Điểm chạm: id or name) and its Persona", label)
            continue
        match = resolver.find(str(name))
        if match.id is None:
            what = f"names {len(match.ids)} touchpoints: {resolver.describe(match)}" if match.ambiguous else "is no touchpoint's id or name"
            reader.problem(f"{excerpt(name)} {what}", label)
            continue
        position = ids.index(match.id)
        variants = touchpoints[position].setdefault("by_persona", {})
        if persona in variants:
            reader.problem(f"persona {excerpt(persona)} has two rows for touchpoint {match.id!r}", label)
            continue
        variants[persona] = row
        for key in row:
            cell = reader.document.lines.get(("by_persona", index, key))
            if cell is not None:
                reader.document.lines[("touchpoints", position, "by_persona", persona, key)] = cell
        reader.document.lines[("touchpoints", position, "by_persona", persona)] = reader.document.lines[("by_persona", index)]


def _validated(reader: _Reader, data: dict[str, Any]) -> Journey:
    reader.document.data = data
    problems = list(reader.problems)
    try:
        spec = validate_journey_data(data, document=reader.document, source=reader.source)
    except JourneyValidationError as exc:
        problems += exc.problems
        spec = None
    if problems or spec is None:
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        shown = [_placed(p, reader.labels) for p in problems]
        raise JourneyValidationError(shown, source=reader.source)
    return Journey.from_spec(spec)


def _placed(problem: Problem, labels: list[str]) -> Problem:
    """``problem`` placed by its cell (``Điểm chạm!I7 (Tỷ lệ rời bỏ)``), or by its row followed by the place in
    the journey when no one cell holds it (a missing key, a duplicate id)."""
    if problem.line is None or problem.line >= len(labels):
        return problem
    label = labels[problem.line]
    is_cell = label.endswith(")")  # a cell's label ends with its column's header in brackets; a row's does not
    where = label if is_cell or not problem.location else f"{label}, {problem.location}"
    return Problem(problem.message, where, None, problem.value)


def _xlsx_rows(sheet: Any, values: Any) -> list[tuple[str, list[_Cell]]]:
    """A sheet's rows as cells with their ``Sheet!A1`` label; ``values`` is the same sheet read for values."""
    from openpyxl.utils import get_column_letter

    rows: list[tuple[str, list[_Cell]]] = []
    for row in values.iter_rows():
        cells = []
        for cell in row:
            if cell.value is None and sheet.cell(cell.row, cell.column).data_type == "f":
                raise JourneyValidationError(
                    [Problem("holds a formula whose value was never saved (the workbook was written by a program); "
                             "open it in Excel or LibreOffice and save it, or type the value",
                             f"{sheet.title}!{cell.coordinate}")])
            cells.append(_Cell(cell.value, f"{sheet.title}!{get_column_letter(cell.column)}{cell.row}",
                               isinstance(cell.value, (int, float)) and "%" in str(cell.number_format)))
        rows.append((f"{sheet.title}, row {row[0].row}" if row else sheet.title, cells))
    return rows


def read_journey_xlsx(path: str | Path) -> Journey:
    """Read and validate a journey workbook (see the module's description of its sheets).

    Raises
    ------
    JourneyValidationError
        Listing every problem with its sheet, row and column, e.g.
        ``Điểm chạm!I7 (Tỷ lệ rời bỏ): must be a share from 0 to 1 … (found 'abc')``.
    InputNotFoundError
        When the file does not exist.
    """
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = require_file(path, "journey workbook")
    source = str(path)
    raw = read_bytes(path)
    try:
        formulas = load_workbook(io.BytesIO(raw))
        values = load_workbook(io.BytesIO(raw), data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as exc:
        raise JourneyValidationError([Problem(f"not a readable .xlsx workbook: {excerpt(str(exc))}")], source=source) from None
    by_name = {touchpoint_key(name): name for name in values.sheetnames}
    if touchpoint_key(SHEETS["touchpoints"]) not in by_name:
        raise JourneyValidationError(
            [Problem(f"the workbook has no sheet {SHEETS['touchpoints']!r} (its sheets: {', '.join(values.sheetnames)}); "
                     "a journey workbook needs at least the sheets " + ", ".join(
                         repr(SHEETS[k]) for k in ("journey", "stages", "touchpoints")))], source=source)
    columns = {"personas": PERSONA_COLUMNS, "stages": STAGE_COLUMNS, "lanes": LANE_COLUMNS,
               "touchpoints": TOUCHPOINT_COLUMNS, "by_persona": BY_PERSONA_COLUMNS, "transitions": TRANSITION_COLUMNS}
    tables: dict[str, _Table | None] = {}
    items = None
    try:
        for key, sheet_name in SHEETS.items():
            name = by_name.get(touchpoint_key(sheet_name))
            if name is None or key in ("guide", "lists"):
                continue
            rows = _xlsx_rows(formulas[name], values[name])
            if key == "journey":
                items = _Table(name, [], [(label, {i: c for i, c in enumerate(cells) if _text_of(c.value) != ""})
                                          for label, cells in rows if any(_text_of(c.value) for c in cells)])
                items.rows = [r for r in items.rows if _fold_header(_text_of(r[1][min(r[1])].value)) != _fold_header("Mục")]
            else:
                tables[key] = _table(name, rows, columns[key])
    except JourneyValidationError as exc:
        raise JourneyValidationError(exc.problems, source=source) from None
    return _journey(_Reader(source), items, tables, path.stem, "xlsx")


def _csv_rows(path: Path) -> list[tuple[str, list[_Cell]]]:
    text = read_text(path)
    rows = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            rows.append((f"{path.name}, row {number}",
                         [_Cell(value, f"{path.name}, row {number}, column {_column_letter(i)}") for i, value in enumerate(record)]))
    except csv.Error as exc:
        raise JourneyValidationError([Problem(f"not a well-formed CSV file: {exc}")], source=str(path)) from None
    return rows


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def _csv_paths(path: Path) -> tuple[Path, Path, Path]:
    """``X.touchpoints.csv`` → (it, ``X.transitions.csv``, ``X.journey.csv``)."""
    name = path.name
    if not name.lower().endswith(CSV_SUFFIX):
        raise DataError(f"{path}: a journey's CSV files are named X{CSV_SUFFIX}, X.transitions.csv and X.journey.csv; "
                        f"give the touchpoints file (ending in {CSV_SUFFIX})")
    stem = name[: -len(CSV_SUFFIX)]
    return path, path.with_name(stem + ".transitions.csv"), path.with_name(stem + ".journey.csv")


def _loose(text: str) -> str:
    """A row title folded, its parts joined by one space whatever joined them (``–``, ``:``, ``-``)."""
    return " ".join(re.findall(r"[0-9a-z]+", touchpoint_key(str(text))))


def _pair_titles() -> dict[str, tuple[str, Column]]:
    """Every way a journey row's title may be written, loosely folded → (what it holds, its column); never
    a touchpoint column's header (``Mô tả``, ``Persona``), so a header row is never taken for one."""
    headers = {_loose(name) for name in _headers(TOUCHPOINT_COLUMNS)}
    titles: dict[str, tuple[str, Column]] = {}
    for column in JOURNEY_ITEMS:
        title = _DESCRIPTION_ROW if column.key == "description" else column.header
        for name in (title, title.split(" (")[0]):
            if _loose(name) not in headers:
                titles.setdefault(_loose(name), ("items", column))
    for block, (block_title, columns) in PAIR_BLOCKS.items():
        for column in columns:
            for name in (column.header, column.header.split(" (")[0], column.key):
                titles.setdefault(_loose(f"{block_title} {name}"), (block, column))
    return titles


_PAIR_TITLES = _pair_titles()


def _pair_rows(reader: _Reader, name: str, rows: list[tuple[str, list[_Cell]]]) -> tuple[
        list[tuple[str, dict[int, _Cell]]], dict[str, _Table], list[tuple[str, list[_Cell]]]]:
    """Split the touchpoints CSV into the journey's rows above its header (items, and the stages,
    personas and canvas rows on their side) and the touchpoints table (from its header on)."""
    known = _headers(TOUCHPOINT_COLUMNS)
    items: list[tuple[str, dict[int, _Cell]]] = []
    blocks: dict[str, list[tuple[int, Column, dict[int, _Cell], str]]] = {}
    block_rows: dict[str, list[int]] = {}
    seen: dict[tuple[str, str], str] = {}
    rest: list[tuple[str, list[_Cell]]] = []
    for position, (label, cells) in enumerate(rows):
        filled = {i: c for i, c in enumerate(cells) if c.value.strip()}
        if not filled:
            continue
        first = filled[min(filled)]
        found = _PAIR_TITLES.get(_loose(first.value))
        if found is None:
            if any(_fold_header(c.value) in known for c in filled.values()):
                rest = rows[position:]
                break
            if len(filled) > 1:
                reader.problem(f"the row {excerpt(first.value)} above the header is not one of the journey's rows; "
                               f"they are: {', '.join(PAIR_ROWS)} (a row with a single cell is taken as a title)",
                               first.label)
            continue
        block, column = found
        if (block, column.key) in seen:
            reader.problem(f"{excerpt(first.value.strip())} is given twice (first in {seen[(block, column.key)]}); "
                           "give it once", first.label)
            continue
        seen[(block, column.key)] = first.label
        if block == "items":
            items.append((label, filled))
        else:
            values = {i: c for i, c in filled.items() if i > min(filled)}
            blocks.setdefault(block, []).append((len(blocks.get(block, [])), column, values, first.label))
            block_rows.setdefault(block, []).append(position + 1)
    tables: dict[str, _Table] = {}
    for block, fields in blocks.items():
        header = [(index, column.header, where) for index, column, _, where in fields]
        places = sorted({i for _, _, values, _ in fields for i in values})
        numbers = block_rows[block]
        where = f"row {numbers[0]}" if len(numbers) == 1 else f"rows {', '.join(map(str, numbers))}"
        body = [(f"{name}, {where} ({PAIR_BLOCKS[block][0]} – …), column {_column_letter(i)}",
                 {index: values[i] for index, _, values, _ in fields if i in values}) for i in places]
        tables[block] = _Table(name, header, body)
    return items, tables, rest


def read_journey_csv(path: str | Path) -> Journey:
    """Read and validate a journey from ``X.touchpoints.csv`` (its journey rows above the header
    included) and, when they exist, ``X.transitions.csv`` and the older ``X.journey.csv`` beside it
    (see the module's description). UTF-8 (Excel's "CSV UTF-8"), with or without a byte-order mark.

    Raises
    ------
    JourneyValidationError
        Every problem with its file, row and column (``vay.touchpoints.csv, row 9, column C (Tỷ lệ
        rời bỏ): must be a share …``).
    """
    touchpoints_path, transitions_path, journey_path = _csv_paths(require_file(path, "touchpoints CSV"))
    reader = _Reader(str(touchpoints_path))
    pair_items, blocks, rest = _pair_rows(reader, touchpoints_path.name, _csv_rows(touchpoints_path))
    tables: dict[str, _Table | None] = {"touchpoints": _table(touchpoints_path.name, rest, TOUCHPOINT_COLUMNS), **blocks}
    if transitions_path.exists():
        tables["transitions"] = _table(transitions_path.name, _csv_rows(transitions_path), TRANSITION_COLUMNS)
    items = _Table(touchpoints_path.name, [], pair_items) if pair_items else None
    if journey_path.exists():
        rows = [(label, {i: c for i, c in enumerate(cells) if c.value.strip()}) for label, cells in _csv_rows(journey_path)]
        old = [r for r in rows if r[1] and _fold_header(r[1][min(r[1])].value) != _fold_header("Mục")]
        items = _Table(journey_path.name if items is None else f"{touchpoints_path.name} and {journey_path.name}", [],
                       (items.rows if items else []) + old)
    title = touchpoints_path.name[: -len(CSV_SUFFIX)]
    return _journey(reader, items, tables, title, "csv")


# -- writing ---------------------------------------------------------------------------------------------

def _cell_value(value: Any, column: Column) -> Any:
    """The value a column's cell holds for a journey-file value."""
    if value is None or value == [] or value == {} or value is False:
        return None
    if column.kind == "bool":
        return "có" if value else None
    if column.kind in ("list",):
        return _join_list([str(v) for v in value])
    if column.kind == "experience":
        return ", ".join(value)
    if column.kind == "facts":
        if isinstance(value, dict):
            return "\n".join(f"{k}: {str(v).replace(chr(10), chr(10) + '  ')}" for k, v in value.items())
        return _join_list(value, colon=True)
    if column.kind == "metrics":
        return "\n".join(f"{k}: {v!r}" for k, v in value.items())
    return value


def _lookup(entry: dict[str, Any], key: str) -> Any:
    if key == "metrics.*":
        metrics = entry.get("metrics") or {}
        return {k: v for k, v in metrics.items() if k not in ("csat", "nps", "ces", "ttr_hours")} or None
    value: Any = entry
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _lane_headers(lanes: list[Any] | None) -> list[tuple[str, str]]:
    """``(key, header)`` of the touchpoint columns of the rows of one's own."""
    taken = set(_headers(TOUCHPOINT_COLUMNS))
    out = []
    for lane in lanes or []:
        if isinstance(lane, dict):
            title = lane["title"]
            clash = _fold_header(title) in taken or title.startswith(_LANE_PREFIX)
            out.append((lane["key"], _LANE_PREFIX + title if clash else title))
            taken.add(_fold_header(title))
    return out


def _sheet_rows(journey: Journey) -> dict[str, tuple[list[str], list[list[Any]], list[Column]]]:
    """Every sheet's header and rows, from the journey in file form."""
    data = journey.to_dict()
    lanes = data.get("lanes")
    lane_columns = _lane_headers(lanes)
    sheets: dict[str, tuple[list[str], list[list[Any]], list[Column]]] = {}
    items = [[c.header, data.get(c.key)] for c in JOURNEY_ITEMS if c.key in ("journey", "description", "persona")]
    if not data["transitions"] and len(data["touchpoints"]) > 1:
        items.append([JOURNEY_ITEMS[3].header, _NO_TRANSITIONS])
    sheets["journey"] = (["Mục", "Giá trị"], items, [Column("item", "Mục", width=22), Column("value", "Giá trị", width=60)])

    def rows(entries: list[dict[str, Any]], columns: Sequence[Column]) -> list[list[Any]]:
        return [[_cell_value(_lookup(e, c.key), c) for c in columns] for e in entries]

    sheets["personas"] = ([c.header for c in PERSONA_COLUMNS], rows(data.get("personas", []), PERSONA_COLUMNS),
                          list(PERSONA_COLUMNS))
    stages = [s if isinstance(s, dict) else {"name": s} for s in data["stages"]]
    sheets["stages"] = ([c.header for c in STAGE_COLUMNS], rows(stages, STAGE_COLUMNS), list(STAGE_COLUMNS))
    if lanes is not None:
        lane_rows = [[lane, None] if isinstance(lane, str) else [lane["key"], lane["title"]] for lane in lanes]
        sheets["lanes"] = ([c.header for c in LANE_COLUMNS], lane_rows, list(LANE_COLUMNS))
    tp_columns = list(TOUCHPOINT_COLUMNS) + [Column(f"lanes.{key}", header, width=28) for key, header in lane_columns]
    sheets["touchpoints"] = ([c.header for c in tp_columns], rows(data["touchpoints"], tp_columns), tp_columns)
    variants = [{"touchpoint": tp["id"], "persona": name, **values}
                for tp in data["touchpoints"] for name, values in (tp.get("by_persona") or {}).items()]
    if variants:
        sheets["by_persona"] = ([c.header for c in BY_PERSONA_COLUMNS], rows(variants, BY_PERSONA_COLUMNS),
                                list(BY_PERSONA_COLUMNS))
    sheets["transitions"] = ([c.header for c in TRANSITION_COLUMNS], rows(data["transitions"], TRANSITION_COLUMNS),
                             list(TRANSITION_COLUMNS))
    return sheets


_GUIDE = (
    "Bản đồ hành trình khách hàng: cách điền workbook này",
    "",
    "• Hành trình: tên hành trình (bắt buộc) và mô tả.",
    ("• Persona: mỗi persona một dòng. Mục tiêu, Nỗi bực dọc: mỗi ý một dòng trong ô (Alt+Enter để xuống dòng). "
     "Thông tin: mỗi dòng 'Nhãn: giá trị', ví dụ 'Tuổi: 32'."),
    ("• Giai đoạn: các giai đoạn theo thứ tự, từ trên xuống. Mục tiêu, KPI (mỗi KPI một dòng), Thời gian "
     "('1–2 ngày', hoặc một số giờ) là tuỳ chọn."),
    ("• Điểm chạm: mỗi điểm chạm một dòng. Chỉ cần Tên và Giai đoạn; Mã có thể để trống (cx tạo từ Tên, "
     "ví dụ 'Trả kỳ đầu' → tra_ky_dau)."),
    ("  Làn: frontstage (khách thấy) hoặc backstage (hậu trường). Trải nghiệm: sense, feel, think, act, relate "
     "(nhiều loại cách nhau bằng dấu phẩy)."),
    ("  CES: 1 (rất khó) … 7 (rất dễ). Cảm xúc: −2 … +2. Tỷ lệ rời bỏ: 0,25 hoặc 25%. Đích, Khoảnh khắc quyết "
     "định: 'có' hoặc để trống."),
    "  Điểm đau, Cơ hội, Tên gọi khác: mỗi ý một dòng trong ô. Chỉ số khác: mỗi dòng 'tên: số', ví dụ 'fcr: 72%'.",
    ("• Hàng bản đồ (tuỳ chọn): các hàng của bản đồ từ trên xuống. Hàng có sẵn ghi mã (" + ", ".join(BUILTIN_LANES)
     + "); hàng riêng của nhóm ghi Mã và Tiêu đề, rồi thêm một cột cùng tiêu đề ở sheet Điểm chạm."),
    "• Theo persona (tuỳ chọn): giá trị khác nhau theo persona (cảm xúc, tỷ lệ rời bỏ …) của một điểm chạm.",
    ("• Chuyển tiếp: khách đi từ điểm chạm nào (Từ) sang điểm chạm nào (Đến), ghi Mã hoặc Tên. Để trống cả sheet: "
     "các điểm chạm nối theo thứ tự liệt kê."),
    "",
    "Kiểm tra: cx validate ten_file.xlsx   Chuyển sang YAML: cx convert ten_file.xlsx -o ten_file.yaml",
)


def write_journey_xlsx(journey: Journey, path: str | Path) -> Path:
    """Write the journey as a workbook designers fill in Excel or Google Sheets.

    Sheets as described in the module; frozen header rows, column widths, wrapped text, drop-down
    lists for the stage, lane, experience type, channel, yes/no columns and persona, and an
    instructions sheet. Every text cell is stored as text (never a formula). Written atomically.

    Raises
    ------
    DataError
        When a text is longer than an Excel cell holds (32,767 characters), naming its place.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    journey.validate()
    sheets = _sheet_rows(journey)
    workbook = Workbook()
    guide = workbook.active
    guide.title = SHEETS["guide"]
    for line in _GUIDE:
        guide.append([line])
    guide["A1"].font = Font(bold=True, size=14)
    guide.column_dimensions["A"].width = 130
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="305496")
    wrap = Alignment(wrap_text=True, vertical="top")
    placed: dict[str, Any] = {}
    for key, (header, rows, columns) in sheets.items():
        sheet = workbook.create_sheet(SHEETS[key])
        placed[key] = sheet
        for index, (text, column) in enumerate(zip(header, columns), start=1):
            cell = sheet.cell(1, index, text)
            cell.data_type = "s"  # a row of the team's own is titled by the user: never a formula
            cell.font, cell.fill = bold, fill
            sheet.column_dimensions[get_column_letter(index)].width = column.width
        for number, row in enumerate(rows, start=2):
            for index, (value, column) in enumerate(zip(row, columns), start=1):
                if value is None:
                    continue
                cell = sheet.cell(number, index)
                if isinstance(value, str):
                    problem = xlsx_text_problem(value)
                    if problem is not None:
                        raise DataError(f"{path}: {SHEETS[key]}!{cell.coordinate} ({column.header}) would hold {problem}. "
                                        "Keep the journey as YAML")
                    cell.value = value
                    cell.data_type = "s"  # text stays text: never a formula ("=…") or an error value
                    if "\n" in value:
                        cell.alignment = wrap
                else:
                    cell.value = value
                    if column.kind == "share" and isinstance(value, (int, float)):
                        cell.number_format = "0%" if math.isclose(value * 100, round(value * 100)) else "0.0##%"
        sheet.freeze_panes = "C2" if key == "touchpoints" else "A2"
    _validations(workbook, placed, journey, quote_sheetname, DataValidation)
    with atomic_path(path) as temp:
        workbook.save(temp)
    return path


def _validations(workbook: Any, sheets: dict[str, Any], journey: Journey, quote: Any, validation: Any) -> None:
    """Drop-down lists: stage, lane, experience, channel, yes/no, persona and touchpoint references."""
    lists = workbook.create_sheet(SHEETS["lists"])
    channels = list(dict.fromkeys([*_CHANNELS, *(a["channel"] for _, a in journey.graph.nodes(data=True) if a.get("channel"))]))
    for row, channel in enumerate(channels, start=1):
        lists.cell(row, 1).value = channel
        lists.cell(row, 1).data_type = "s"
    lists.sheet_state = "hidden"
    limit = 1000

    def add(key: str, column_key: str, formula: str, *, strict: bool = True, prompt: str = "") -> None:
        sheet = sheets.get(key)
        if sheet is None:
            return
        headers = [c.value for c in sheet[1]]
        columns = {"touchpoints": TOUCHPOINT_COLUMNS, "by_persona": BY_PERSONA_COLUMNS, "transitions": TRANSITION_COLUMNS}[key]
        header = next(c.header for c in columns if c.key == column_key)
        if header not in headers:
            return
        letter = _column_letter(headers.index(header))
        rule = validation(type="list", formula1=formula, allow_blank=True, showDropDown=False)
        rule.errorStyle = "stop" if strict else "warning"
        rule.showErrorMessage = True
        rule.error = prompt or "Chọn một giá trị trong danh sách."
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{limit}")

    stages = quote(SHEETS["stages"])
    touchpoints = quote(SHEETS["touchpoints"])
    personas = quote(SHEETS["personas"])
    add("touchpoints", "stage", f"{stages}!$A$2:$A${limit}", prompt="Giai đoạn phải có trong sheet Giai đoạn.")
    add("touchpoints", "lane", '"frontstage,backstage"', prompt="Làn: frontstage (khách thấy) hoặc backstage.")
    add("touchpoints", "experience", '"sense,feel,think,act,relate"', strict=False,
        prompt="Loại trải nghiệm Schmitt: sense, feel, think, act, relate; nhiều loại cách nhau bằng dấu phẩy.")
    add("touchpoints", "channel", f"{quote(SHEETS['lists'])}!$A$1:$A${len(channels)}", strict=False,
        prompt="Kênh ngoài danh sách vẫn được.")
    for flag in ("goal", "moment_of_truth"):
        add("touchpoints", flag, '"có"', prompt="Ghi 'có' hoặc để trống.")
    add("by_persona", "persona", f"{personas}!$A$2:$A${limit}", prompt="Persona phải có trong sheet Persona.")
    for key, column in (("by_persona", "touchpoint"), ("transitions", "from"), ("transitions", "to")):
        add(key, column, f"{touchpoints}!$A$2:$A${limit}", strict=False, prompt="Ghi Mã hoặc Tên của một điểm chạm.")


def _pair_preamble(sheets: dict[str, tuple[list[str], list[list[Any]], list[Column]]]) -> list[list[Any]]:
    """The journey's rows above the touchpoints header: its items, then the stages, personas and canvas
    rows on their side (a field a row, only the fields some entry has; the names always)."""
    out: list[list[Any]] = []
    for item, value in sheets["journey"][1]:
        if value is not None:
            out.append([_DESCRIPTION_ROW if item == JOURNEY_ITEMS[1].header else item, value])
    for block in PAIR_BLOCKS:
        if block not in sheets or not sheets[block][1]:
            continue
        _, rows, columns = sheets[block]
        for position, column in enumerate(columns):
            values = [row[position] for row in rows]
            if position == 0 or any(v is not None for v in values):
                out.append([_pair_row_title(block, column), *values])
    return out


def _csv_float(value: float) -> str:
    """A float as a CSV cell a person and :func:`_number` both read: its shortest exact digits, never in
    exponent form (``1e-05`` → ``0.00001``), so a number comes back a number."""
    from decimal import Decimal

    text = repr(value)
    return text if "e" not in text else format(Decimal(text), "f")


def write_journey_csv(journey: Journey, path: str | Path) -> Path:
    """Write the journey as a pair of CSV files, ``X.touchpoints.csv`` (the journey's own rows above
    its header: title, description, stages, personas, canvas rows; see the module's description)
    and ``X.transitions.csv``, in UTF-8 with a BOM so Excel shows Vietnamese; ``path`` names the
    touchpoints file. Both are written or neither.

    Raises
    ------
    DataError
        When the journey has per-persona values (*Theo persona*), which only the workbook holds,
        rather than leaving them out; or when an older ``X.journey.csv`` sits beside ``path``: it
        would be read with the new pair, so it is left for the user to remove.
    """
    touchpoints_path, transitions_path, journey_path = _csv_paths(Path(path))
    if journey_path.exists():
        raise DataError(f"{touchpoints_path}: {journey_path.name} sits beside it, and would be read with the new pair "
                        f"(its items given twice); the touchpoints file now holds the journey's name and stages itself. "
                        f"Remove or rename {journey_path}, or write the pair elsewhere")
    sheets = _sheet_rows(journey)
    if sheets.get("by_persona") and sheets["by_persona"][1]:
        raise DataError(f"{touchpoints_path}: the CSV pair holds every field but the per-persona values "
                        f"({SHEETS['by_persona']}), which this journey has and which would be lost. Write .xlsx "
                        "(or .yaml) instead")
    preamble = _pair_preamble(sheets)
    files = [
        (touchpoints_path, [*preamble, *([[]] if preamble else []), sheets["touchpoints"][0], *sheets["touchpoints"][1]]),
        (transitions_path, [sheets["transitions"][0], *sheets["transitions"][1]]),
    ]
    handles = [AtomicFile(target) for target, _ in files]
    try:
        for handle, (_, table) in zip(handles, files):
            assert handle.temp is not None
            with handle.temp.open("w", encoding="utf-8-sig", newline="") as out:
                writer = csv.writer(out, lineterminator="\r\n")
                for row in table:
                    writer.writerow(["" if v is None else (_csv_float(v) if isinstance(v, float) else v) for v in row])
        for handle in handles:
            handle.commit()
    except BaseException:
        for handle in handles:
            handle.discard()
        raise
    return touchpoints_path
