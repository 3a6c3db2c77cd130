"""The labelling workbook: the comments to label, in an Excel file a researcher fills, read back to train.

:func:`write_labelling_workbook` writes the comments :mod:`nlp.sampling` picked into an ``.xlsx``
workbook with these sheets:

``Gán nhãn`` (first, the one to fill)
    One row per comment, in the input's order: ``Dòng`` (the comment's row in the input file, the
    header being row 1), the id column if one was given, the comment (wrapped), then the label
    columns of the codebook, then ``Ghi chú`` (free notes, never read).

    - A single-label group (the sentiment) is **one column with a drop-down list** of the group's
      Vietnamese names: one click and one choice per comment.
    - A several-labels group (the causes) is **one column per label** with a drop-down holding
      ``x``: mark each label that applies, leave the others empty. Excel's drop-downs cannot pick
      several values in one cell, and typing ``wait_time,unresolved`` is slow and easy to get
      wrong; a column per label is one keystroke per label (``x``, Enter), can be filled down,
      filtered and counted, and an empty cell plainly means "not this label". ``1`` is read as a
      mark too, ``0`` as none.
    - A codebook with no single-label group gets a ``(không có nhãn nào)`` column per several-labels
      group, so "none of these labels" can be told from "not labelled yet".

    The header is frozen with the comment beside it. The model's guess is not in the workbook
    unless asked for (``show_guess``), so it cannot steer the coder; asked for, it goes in separate
    grey columns headed ``Mô hình đoán: …``, never in the label columns.
``Hướng dẫn``
    What to do, in Vietnamese, and the codebook: every group and label with its definition, what
    it includes and excludes, and examples.
``Danh sách`` and ``cx`` (hidden)
    The drop-downs' lists, and what :func:`read_labelling_workbook` needs to read the workbook back
    without the codebook file: which column is which label, the codebook's labels and names.

:func:`read_labelling_workbook` reads the filled workbook (through :func:`~nlp.tables.load_table`,
the one table reader): a row whose label cells are all empty is not labelled yet and is skipped,
and counted; a row with labels must have one in every single-label column. Any other value is a
:class:`~nlp.errors.DataError` naming the sheet, the row, the column and what is allowed.
``cx train`` reads such a workbook directly (see :func:`nlp.train.labelled_rows`).
"""

from __future__ import annotations

import datetime as _dt
import math
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, excerpt, require_file

if TYPE_CHECKING:
    from .codebook import Codebook, LabelGroup
    from .sampling import Sample
    from .tables import Table

__all__ = ["FORMAT", "LabelledWorkbook", "is_labelling_workbook", "read_labelling_workbook",
           "write_labelling_workbook"]

FORMAT = "cx-labelling-workbook/1"
SHEET = "Gán nhãn"
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh sách"
META_SHEET = "cx"
ROW_HEADER = "Dòng"
NOTE_HEADER = "Ghi chú"
NONE_LABEL = "(không có nhãn nào)"
MARK = "x"
#: What marks a label in a several-labels column (compared case-insensitively), and what leaves it out.
MARKS = ("x", "1", "✓", "✔")
BLANKS = ("", "0")
_GUESS = "Mô hình đoán"
_HEADER_FILL, _GUESS_FILL = "305496", "E7E6E6"


@dataclass(frozen=True)
class _Column:
    header: str
    kind: str  # row, id, text, single, multi, none, note, guess
    group: str = ""
    label: str = ""
    width: float = 16


@dataclass
class LabelledWorkbook:
    """What :func:`read_labelling_workbook` found in a filled labelling workbook."""

    path: Path
    texts: list[str]
    """The labelled comments, in the sheet's order."""
    single: dict[str, list[str]]
    """Per single-label group: the label id of each labelled comment."""
    multi: dict[str, list[tuple[str, ...]]]
    """Per several-labels group: the label ids of each labelled comment (possibly none)."""
    rows: list[int]
    """The sheet's row number of each labelled comment."""
    unlabelled: list[int]
    """The sheet's rows with no label at all, skipped."""
    text_column: str
    codebook: dict[str, str] = field(default_factory=dict)
    """The name, version and file of the codebook the workbook was written with."""

    @property
    def groups(self) -> dict[str, bool]:
        """Every label group of the workbook: ``{group id: several labels per comment}``."""
        return {**{g: False for g in self.single}, **{g: True for g in self.multi}}

    def where(self, group: str) -> str:
        """How a message names the group's column(s)."""
        return f"{self.path}, sheet {SHEET!r}, group {group!r}"


def _drop_down_names(group: LabelGroup) -> list[str]:
    """The values a single-label group's drop-down offers: the Vietnamese names, unless two labels
    share one (then the ids)."""
    names = [label.vi or label.id for label in group.labels]
    folded = [unicodedata.normalize("NFC", name).casefold() for name in names]
    return names if len(set(folded)) == len(folded) else list(group.ids)


def _group_title(group: LabelGroup) -> str:
    return group.vi or group.en or group.id


def _columns(codebook: Codebook, *, text_column: str, id_column: str | None,
             guesses: Sequence[tuple[str, str]]) -> list[_Column]:
    columns = [_Column(ROW_HEADER, "row", width=7)]
    if id_column is not None:
        columns.append(_Column(id_column, "id", width=12))
    columns.append(_Column(text_column, "text", width=70))
    any_single = any(not g.multi for g in codebook.groups)
    several_multi = sum(g.multi for g in codebook.groups) > 1
    for group in codebook.groups:
        title = _group_title(group)
        if not group.multi:
            columns.append(_Column(f"{title} ({group.id})", "single", group.id, width=18))
            continue
        # A label's column is headed by its name and id; by its group's id too when there are several groups.
        prefix = f"{group.id}: " if several_multi else ""
        for label in group.labels:
            columns.append(_Column(f"{prefix}{label.vi or label.id} ({label.id})", "multi", group.id, label.id, 15))
        if not any_single:
            columns.append(_Column(f"{prefix}{NONE_LABEL}", "none", group.id, width=15))
    columns.append(_Column(NOTE_HEADER, "note", width=24))
    columns += [_Column(header, "guess", key, width=18) for header, key in guesses]
    seen: set[str] = set()
    for i, column in enumerate(columns):  # a header taken twice (an input column named "Dòng") gets a mark
        header = column.header
        while header in seen:
            header += " (cx)"
        seen.add(header)
        if header != column.header:
            columns[i] = _Column(header, column.kind, column.group, column.label, column.width)
    return columns


def _text(sheet: Any, row: int, column: int, value: str, where: str) -> Any:
    """Put ``value`` in a cell as text (never a formula or an error value), or a DataError."""
    from .tables import xlsx_text_problem

    problem = xlsx_text_problem(value)
    if problem is not None:
        raise DataError(f"{where} holds {problem}; the labelling workbook cannot keep it. Correct it in the input.")
    cell = sheet.cell(row, column)
    cell.value = value
    cell.data_type = "s"
    return cell


def write_labelling_workbook(
    path: str | PathLike[str],
    table: Table,
    sample: Sample,
    *,
    text_column: str,
    codebook: Codebook | None = None,
    id_column: str | None = None,
    show_guess: bool = False,
    model: str = "",
) -> Path:
    """Write the labelling workbook of ``sample`` (rows of ``table``) to ``path`` (``.xlsx``).

    ``codebook`` (default: :func:`~nlp.codebook.default_codebook`) gives the label columns and the
    instructions; ``id_column`` adds the input's id to every row; ``show_guess`` adds the model's
    guesses in separate grey columns; ``model`` names the model in the instructions. Written
    atomically (an error leaves no file); see the module for the layout.

    Raises
    ------
    DataError
        ``path`` is not ``.xlsx`` or is an input, ``id_column`` is missing, or a comment holds text an
        ``.xlsx`` cell cannot (control characters, over 32,767 characters), naming its row.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter, quote_sheetname
    from openpyxl.worksheet.datavalidation import DataValidation

    from .codebook import default_codebook
    from .output import atomic_path, check_output
    from .tables import table_suffix

    path = check_output(path, *([table.path] if table.path is not None else []))
    if table_suffix(path) != ".xlsx":
        raise DataError(f"the labelling workbook {path} must be an .xlsx file (it holds drop-down lists and several "
                        "sheets); give a name ending in .xlsx")
    book = codebook or default_codebook()
    frame = table.frame
    for name, wanted in (("text_column", text_column), ("id_column", id_column)):
        if wanted is not None and wanted not in frame.columns:
            raise DataError(f"{table.source} has no column {wanted!r} ({name}); its columns are: "
                            f"{', '.join(map(repr, map(str, frame.columns)))}")
    if id_column is not None and id_column == text_column:
        raise DataError(f"the id column and the text column are both {id_column!r}; give the column that identifies "
                        "each comment (e.g. an answer's id) as the id column")
    guesses = _guesses(sample, book) if show_guess else []
    columns = _columns(book, text_column=text_column, id_column=id_column, guesses=[(h, h) for h, _ in guesses])
    guess_values = dict(guesses)
    order = sorted(range(len(sample.positions)), key=lambda k: sample.positions[k])  # the input's order

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor=_HEADER_FILL)
    guess_font, guess_fill = Font(italic=True, color="595959"), PatternFill("solid", fgColor=_GUESS_FILL)
    top = Alignment(vertical="top")
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(columns, start=1):
        cell = _text(sheet, 1, index, column.header, f"{path}: the column name {column.header!r}")
        cell.font = guess_font if column.kind == "guess" else header_font
        cell.fill = guess_fill if column.kind == "guess" else header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 80  # room for a label's name and id on 4 or 5 lines
    for number, k in enumerate(order, start=2):
        position = sample.positions[k]
        where = f"{table.source}, {table.row(position)}"
        for index, column in enumerate(columns, start=1):
            if column.kind == "row":
                label = frame.index[position] if table.path is None else position + 2
                value = label.item() if hasattr(label, "item") else label
                cell = sheet.cell(number, index)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    cell.value = value
                else:
                    cell = _text(sheet, number, index, str(value), where)
                cell.alignment = top
            elif column.kind in ("text", "id"):
                value = frame.iloc[position][text_column if column.kind == "text" else str(id_column)]
                if not _blank(value):
                    cell = _text(sheet, number, index, str(value), f"{where}, column {column.header!r}")
                    cell.alignment = wrap if column.kind == "text" else top
            elif column.kind == "guess":
                value = guess_values[column.group][k]
                cell = sheet.cell(number, index)
                if isinstance(value, str):
                    cell = _text(sheet, number, index, value, where)
                else:
                    cell.value = value
                    cell.number_format = "0%"
                cell.font, cell.fill, cell.alignment = guess_font, guess_fill, top
    last = len(order) + 1
    text_index = next(i for i, c in enumerate(columns, start=1) if c.kind == "text")
    sheet.freeze_panes = sheet.cell(2, text_index + 1).coordinate  # the header, and the comment beside the labels
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"

    lists = workbook.create_sheet(LISTS_SHEET)
    list_column = 0
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if column.kind == "single":
            group = book.group(column.group)
            list_column += 1
            list_letter = get_column_letter(list_column)
            _text(lists, 1, list_column, group.id, f"{path}: the group id {group.id!r}")
            names = _drop_down_names(group)
            for row, name in enumerate(names, start=2):
                _text(lists, row, list_column, name, f"the codebook {book.source}: the label {name!r}")
            rule = DataValidation(type="list", allow_blank=True, showDropDown=False,
                                  formula1=f"{quote_sheetname(LISTS_SHEET)}!${list_letter}$2:${list_letter}${len(names) + 1}")
            rule.error = f"Chọn một nhãn trong danh sách của nhóm {_group_title(group)}, hoặc để trống."
            rule.errorTitle = "Nhãn không có trong bộ mã"
            rule.prompt = f"Chọn một nhãn: {', '.join(names)}"
            rule.promptTitle = _group_title(group)[:32]
        elif column.kind in ("multi", "none"):
            rule = DataValidation(type="list", allow_blank=True, showDropDown=False, formula1=f'"{MARK}"')
            rule.error = f"Gõ {MARK} nếu nhãn đúng với ý kiến, hoặc để trống."
            rule.errorTitle = "Chỉ đánh dấu x"
        else:
            continue
        rule.showErrorMessage = True
        rule.errorStyle = "stop"
        sheet.add_data_validation(rule)
        rule.add(f"{letter}2:{letter}{max(last, 2)}")
    lists.sheet_state = "hidden"

    guide = workbook.create_sheet(GUIDE_SHEET, 1)
    _guide(guide, book, columns, sample, table, text_column=text_column, path=path, model=model,
           show_guess=show_guess)
    meta = workbook.create_sheet(META_SHEET)
    _meta(meta, book, columns, sample, table, text_column=text_column, model=model)
    meta.sheet_state = "hidden"
    workbook.active = 0
    with atomic_path(path) as temp:
        workbook.save(temp)
    return path


def _guesses(sample: Sample, book: Codebook) -> list[tuple[str, list[Any]]]:
    """The guess columns: ``(header, values in the order of sample.positions)``."""
    frame = sample.guesses
    if frame is None or not len(frame):
        return []
    columns: list[tuple[str, list[Any]]] = []
    for head, multi in sample.heads.items():
        if head not in frame.columns:
            continue
        try:
            group = book.group_for(head, multi=multi)
            names = group.names("vi")
            title = _group_title(group)
        except DataError:  # the codebook does not code this head: show the model's ids
            names, title = {}, head
        values = frame[head].tolist()
        if multi:
            shown = ["; ".join(names.get(x, x) for x in str(v).split(",") if x) or "(không có)" for v in values]
            columns.append((f"{_GUESS}: {title}", shown))
        else:
            columns.append((f"{_GUESS}: {title}", [names.get(str(v), str(v)) for v in values]))
            confidence = frame.get(f"{head}_confidence")
            if confidence is not None:
                columns.append((f"{_GUESS}: độ tin cậy ({title})", [float(c) for c in confidence]))
    columns.append((f"{_GUESS}: độ không chắc chắn", [float(u) for u in sample.uncertainty]))
    return columns


_STRATEGY_VI = {
    "uncertainty+diversity": "những ý kiến mô hình kém chắc chắn nhất, trải đều trên các chủ đề khác nhau",
    "uncertainty": "những ý kiến mô hình kém chắc chắn nhất",
    "random": "chọn ngẫu nhiên",
}


def _guide(sheet: Any, book: Codebook, columns: Sequence[_Column], sample: Sample, table: Table, *,
           text_column: str, path: Path, model: str, show_guess: bool) -> None:
    from openpyxl.styles import Alignment, Font

    bold, title_font = Font(bold=True), Font(bold=True, size=14)
    wrap = Alignment(wrap_text=True, vertical="top")
    source = table.path.name if table.path is not None else table.source
    single = [c for c in columns if c.kind == "single"]
    multi_groups = list(dict.fromkeys(c.group for c in columns if c.kind == "multi"))
    lines: list[tuple[str, Any]] = [
        ("Hướng dẫn gán nhãn", title_font),
        ((f"Tệp này có {len(sample.positions)} ý kiến chọn từ {source} "
          f"({_STRATEGY_VI.get(sample.strategy, sample.strategy)}; seed {sample.seed}"
          f"{f'; mô hình {model}' if model else ''})."), None),
        (f"Ở sheet '{SHEET}', mỗi dòng là một ý kiến: đọc cột '{text_column}', rồi gán nhãn theo bộ mã bên dưới.", None),
    ]
    for column in single:
        lines.append((f"• Cột '{column.header}': chọn đúng một nhãn trong danh sách thả xuống (bấm vào ô, chọn ở mũi tên).",
                      None))
    for group_id in multi_groups:
        group = book.group(group_id)
        labels = ", ".join(f"'{c.header}'" for c in columns if c.kind == "multi" and c.group == group_id)
        lines.append(((f"• {_group_title(group)}: gõ {MARK} vào mỗi cột nhãn đúng với ý kiến (có thể nhiều nhãn, "
                       f"hoặc không nhãn nào), để trống các nhãn không đúng. Các cột: {labels}."), None))
    if not single and multi_groups:
        lines.append((f"• Ý kiến không có nhãn nào của nhóm: gõ {MARK} vào cột '{NONE_LABEL}' của nhóm đó.", None))
    lines += [
        (("• Dòng chưa gán nhãn (mọi ô nhãn để trống) được bỏ qua khi huấn luyện, và cx train báo số dòng bỏ qua: "
          "có thể gán một phần rồi huấn luyện."), None),
        ((f"• Có thể sắp xếp, lọc dòng; không đổi tên hay xoá cột, không đổi thứ tự các sheet. Cột '{NOTE_HEADER}' "
          "để ghi chú tự do, không được đọc."), None),
        (f"• Các cột '{_GUESS}: …' (nền xám) là dự đoán của mô hình, chỉ để tham khảo: đọc kỹ ý kiến rồi tự quyết định."
         if show_guess else ("• Dự đoán của mô hình được ẩn để không ảnh hưởng người gán nhãn (cx sample --show-guess "
                             "để hiện)."), None),
        (f"Xong thì huấn luyện: cx train {path.name} -o mo_hinh_moi", None),
        ("", None),
        (f"Bộ mã: {book.name or Path(book.source).name}" + (f", phiên bản {book.version}" if book.version else ""),
         title_font),
    ]
    row = 1
    for text, font in lines:
        if text:
            cell = sheet.cell(row, 1)
            cell.value, cell.data_type = text, "s"
            if font is not None:
                cell.font = font
        row += 1
    headers = ["Nhãn", "Mã", "Định nghĩa", "Gồm", "Không gồm", "Ví dụ"]
    widths = [30, 22, 60, 45, 45, 55]
    for group in book.groups:
        row += 1
        kind = "nhiều nhãn cho mỗi ý kiến (gõ x)" if group.multi else "một nhãn cho mỗi ý kiến"
        _text(sheet, row, 1, f"{_group_title(group)} ({group.id}): {kind}", f"the codebook {book.source}").font = bold
        row += 1
        if group.definition:
            _text(sheet, row, 1, group.definition, f"the codebook {book.source}")
            row += 1
        for index, header in enumerate(headers, start=1):
            _text(sheet, row, index, header, "the guide").font = bold
        row += 1
        for label in group.labels:
            values = [label.vi, label.id, label.definition, "\n".join(f"• {x}" for x in label.include),
                      "\n".join(f"• {x}" for x in label.exclude), "\n".join(f"• {x}" for x in label.examples)]
            for index, value in enumerate(values, start=1):
                if value:
                    _text(sheet, row, index, value, f"the codebook {book.source}").alignment = wrap
            row += 1
    from openpyxl.utils import get_column_letter

    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _meta(sheet: Any, book: Codebook, columns: Sequence[_Column], sample: Sample, table: Table, *,
          text_column: str, model: str) -> None:
    source = table.path.name if table.path is not None else table.source
    rows: list[list[Any]] = [
        ["format", FORMAT], ["sheet", SHEET], ["source", source], ["text_column", text_column],
        ["codebook", book.name], ["codebook_version", book.version], ["codebook_file", Path(book.source).name],
        ["strategy", sample.strategy], ["seed", str(sample.seed)], ["model", model],
        ["written", _dt.date.today().isoformat()],
    ]
    rows += [["column", c.header, c.kind, c.group, c.label] for c in columns]
    for group in book.groups:
        for label in group.labels:
            rows.append(["label", group.id, "multi" if group.multi else "single", label.id, label.vi, label.en])
    for number, values in enumerate(rows, start=1):
        for index, value in enumerate(values, start=1):
            _text(sheet, number, index, str(value), "the workbook's description")


def _meta_rows(path: Path) -> list[tuple[Any, ...]] | None:
    """The rows of the hidden ``cx`` sheet, or ``None`` when the workbook has none."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
        raise DataError(f"{path} is not a readable .xlsx workbook: {error}") from None
    try:
        if META_SHEET not in workbook.sheetnames:
            return None
        rows = [tuple(r) for r in workbook[META_SHEET].iter_rows(values_only=True)]
        first = workbook.worksheets[0].title
    finally:
        workbook.close()
    if not rows or rows[0][:2] != ("format", FORMAT):
        return None
    sheet = next((r[1] for r in rows if r[0] == "sheet"), SHEET)
    if first != sheet:
        raise DataError(f"{path}: the first sheet is {first!r}, but the labels are in sheet {sheet!r}; move {sheet!r} "
                        "back to the first place (right-click its tab, Move) and save")
    return rows


def is_labelling_workbook(path: str | PathLike[str]) -> bool:
    """Whether ``path`` is a workbook :func:`write_labelling_workbook` wrote (an ``.xlsx`` file with
    its hidden ``cx`` sheet)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx" or not path.is_file():
        return False
    return _meta_rows(path) is not None


def _nfc(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value)).strip()


def _blank(value: Any) -> bool:
    return (value is None or (isinstance(value, float) and math.isnan(value))
            or (isinstance(value, str) and not value.strip()))


def read_labelling_workbook(path: str | PathLike[str], *, codebook: Codebook | None = None) -> LabelledWorkbook:
    """The labelled comments of a filled labelling workbook (see the module).

    A row whose label cells are all empty is skipped and listed in
    :attr:`LabelledWorkbook.unlabelled`. Single-label cells take a label's Vietnamese name (what the
    drop-down offers), its English name or its id; several-labels cells take ``x`` or ``1`` (a mark)
    or ``0``/empty (no mark). With a ``codebook``, every label must also be one of its group's.

    Raises
    ------
    InputNotFoundError
        No such file.
    DataError
        Not a labelling workbook; a label column renamed or deleted; a cell with a value that is
        not allowed, or a row with labels but an empty single-label cell (the message names the
        sheet, each row and column, and what is allowed; up to 10 cells at once); no labelled row.
    """
    from openpyxl.utils import get_column_letter

    from .tables import load_table

    path = require_file(path, "labelling workbook")
    rows = _meta_rows(path) if path.suffix.lower() == ".xlsx" else None
    if rows is None:
        raise DataError(f"{path} is not a labelling workbook written by cx sample (it has no hidden sheet {META_SHEET!r}); "
                        "train on a table with --text-column and --label-column/--labels-column instead")
    info = {str(r[0]): ("" if len(r) < 2 or r[1] is None else str(r[1])) for r in rows if r and r[0] != "column" and r[0] != "label"}
    columns = [_Column(str(r[1]), str(r[2]), str(r[3] or ""), str(r[4] or "")) for r in rows if r and r[0] == "column"]
    labels: dict[str, dict[str, str]] = {}
    names: dict[str, list[str]] = {}
    for r in rows:
        if r and r[0] == "label":
            group, label_id = str(r[1]), str(r[3])
            lookup = labels.setdefault(group, {})
            for name in (label_id, r[4], r[5]):
                if name is not None and str(name).strip():
                    lookup.setdefault(_nfc(name).casefold(), label_id)
            names.setdefault(group, []).append(f"{r[4]} ({label_id})" if r[4] else label_id)
    table = load_table(path, "labelling workbook")
    frame = table.frame
    headers = [str(c) for c in frame.columns]
    missing = [c.header for c in columns if c.kind in ("text", "single", "multi", "none") and c.header not in headers]
    if missing:
        raise DataError(f"{path}, sheet {SHEET!r}: the column{'s' if len(missing) > 1 else ''} "
                        f"{', '.join(map(repr, missing))} {'are' if len(missing) > 1 else 'is'} missing (renamed or "
                        f"deleted?); its columns are: {', '.join(map(repr, headers))}. Give the column its name back")
    letter = {h: get_column_letter(i + 1) for i, h in enumerate(headers)}
    text_column = next(c.header for c in columns if c.kind == "text")
    single_groups = list(dict.fromkeys(c.group for c in columns if c.kind == "single"))
    multi_groups = list(dict.fromkeys(c.group for c in columns if c.kind in ("multi", "none")))
    result = LabelledWorkbook(path, [], {g: [] for g in single_groups}, {g: [] for g in multi_groups}, [], [],
                              text_column, {k: info.get(k, "") for k in ("codebook", "codebook_version", "codebook_file")})
    problems: list[str] = []

    def cell(row: int, column: _Column, what: str) -> str:
        return f"row {row}, column {letter[column.header]} ({column.header!r}): {what}"

    for position, values in enumerate(frame.to_dict(orient="records")):
        row = position + 2
        single: dict[str, str | None] = {}
        marked: dict[str, list[str]] = {g: [] for g in multi_groups}
        none_marked: set[str] = set()
        filled = False
        for column in columns:
            if column.kind not in ("single", "multi", "none"):
                continue
            value = values.get(column.header)
            if column.kind == "single":
                if _blank(value):
                    single[column.group] = None
                    continue
                filled = True
                found = labels.get(column.group, {}).get(_nfc(value).casefold())
                if found is None:
                    problems.append(cell(row, column, f"{excerpt(value)} is not a label of the group {column.group!r}; "
                                                      f"allowed: {', '.join(names.get(column.group, []))}. Pick one "
                                                      "from the cell's drop-down list, or empty the cell"))
                single[column.group] = found
                continue
            text = "" if _blank(value) else _nfc(value).casefold()
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value in (0, 1):
                text = str(int(value))
            if text in BLANKS:
                continue
            if text not in MARKS:
                problems.append(cell(row, column, f"{excerpt(value)} is not a mark; allowed: {MARK} (or 1) when the "
                                                  "label applies, empty (or 0) when it does not"))
                continue
            filled = True
            if column.kind == "none":
                none_marked.add(column.group)
            else:
                marked[column.group].append(column.label)
        if not filled:
            result.unlabelled.append(row)
            continue
        for column in columns:
            if column.kind == "single" and column.group in single and single[column.group] is None:
                problems.append(cell(row, column, "empty, while other label cells of the row are filled; choose a "
                                                  "label from the drop-down, or empty the whole row to leave it "
                                                  "unlabelled"))
        for group in none_marked:
            if marked[group]:
                column = next(c for c in columns if c.kind == "none" and c.group == group)
                problems.append(cell(row, column, f"marked, but so are {', '.join(marked[group])} of the same group; "
                                                  "mark the labels or 'none', not both"))
        text_value = values.get(text_column)
        if _blank(text_value):
            column = next(c for c in columns if c.kind == "text")
            problems.append(cell(row, column, "the comment is empty but the row has labels; put the comment back or "
                                              "empty the row's labels"))
        if len(problems) >= 10:
            break
        result.texts.append("" if _blank(text_value) else str(text_value))
        result.rows.append(row)
        for group in single_groups:
            result.single[group].append(single.get(group) or "")
        for group in multi_groups:
            result.multi[group].append(tuple(marked[group]))
    if problems:
        shown = problems[:10]
        raise DataError(f"{path}, sheet {SHEET!r}: {len(shown)}{'+' if len(problems) > 10 else ''} cell"
                        f"{'s' if len(shown) > 1 else ''} cannot be read: " + "; ".join(shown))
    if not result.rows:
        raise DataError(f"{path}, sheet {SHEET!r}: none of its {len(frame)} rows has a label yet; fill the label "
                        "columns of the rows you have coded (see the sheet 'Hướng dẫn') and train again")
    if codebook is not None:
        _check_codebook(result, codebook)
    return result


def _check_codebook(result: LabelledWorkbook, codebook: Codebook) -> None:
    """Every label of the workbook must be one of its codebook group's (a DataError listing both)."""
    for group_id, values in result.single.items():
        codebook.group_for(group_id, multi=False).check(values, result.where(group_id))
    for group_id, sets in result.multi.items():
        codebook.group_for(group_id, multi=True).check([x for s in sets for x in s], result.where(group_id))


def workbook_labels(result: LabelledWorkbook, label_column: str | None, labels_column: str | None
                    ) -> tuple[str | None, str | None]:
    """The groups to train on: those named, else the workbook's only single-label group and its only
    several-labels group; a :class:`DataError` for a name the workbook lacks or a choice it cannot make."""
    chosen: list[str | None] = []
    for name, given, groups in (("--label-column", label_column, list(result.single)),
                                ("--labels-column", labels_column, list(result.multi))):
        if given is not None:
            if given not in groups:
                other = result.multi if name == "--label-column" else result.single
                hint = (f"; {given!r} is a {'several-labels' if name == '--label-column' else 'single-label'} group: "
                        f"give it with {'--labels-column' if name == '--label-column' else '--label-column'}"
                        if given in other else "")
                raise DataError(f"{result.path} has no {'single-label' if name == '--label-column' else 'several-labels'} "
                                f"group {given!r} for {name}; its groups are: "
                                f"{', '.join(groups) or 'none'}{hint}")
            chosen.append(given)
        elif len(groups) == 1:
            chosen.append(groups[0])
        elif not groups:
            chosen.append(None)
        else:
            raise DataError(f"{result.path} has several {'single-label' if name == '--label-column' else 'several-labels'} "
                            f"groups ({', '.join(groups)}); name the one to train with {name}")
    return chosen[0], chosen[1]
