"""Reading and writing the comment tables people have: CSV, TSV, Excel and JSON Lines.

Everything is read as text, so IDs with leading zeros and the original values come back exactly.
CSV/TSV in UTF-8 (with or without BOM) and UTF-16 (what Excel's "Unicode Text" writes) are accepted;
anything else is a :class:`TableError` that says what was found. One reading policy holds for every
format (no column taken as the index, columns aligned by name, NFC text, a cell limit, formulas
without a saved value reported, paths taken literally and local, special files refused): see
:func:`iter_table`.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError, require_file

if TYPE_CHECKING:
    from typing import Self

    import pandas as pd

__all__ = ["FORMULA_STARTS", "MAX_CELL_CHARS", "TABLE_FORMATS", "TABLE_SUFFIXES", "Table", "TableError", "TableWriter",
           "decode_error", "detect_encoding", "excel_safe", "iter_table", "load_table", "read_table",
           "readable_table_suffix", "table_suffix", "utf16_without_bom", "xlsx_text_problem"]

TABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".jsonl")


#: A table that cannot be read (unknown format, undecodable bytes, missing column, no rows) is a
#: :class:`~nlp.errors.DataError`; ``TableError`` is its older name, kept so ``except TableError`` works.
TableError = DataError


#: Suffix → format of every table file; ``.txt`` is Excel's "Unicode Text" export (UTF-16, tab-separated).
TABLE_FORMATS = {".csv": ".csv", ".tsv": ".tsv", ".txt": ".tsv", ".xlsx": ".xlsx", ".jsonl": ".jsonl"}


def table_suffix(path: str | PathLike[str]) -> str:
    """The format of a table path, as its canonical suffix (``.txt`` counts as ``.tsv``); else a
    :class:`TableError` listing the suffixes allowed (see :func:`nlp.output.format_of`)."""
    from .output import format_of

    return format_of(path, TABLE_FORMATS)


def readable_table_suffix(path: str | PathLike[str]) -> str:
    """:func:`table_suffix` of an existing file; a missing file, a folder or a web address is an
    :class:`~nlp.errors.InputNotFoundError`, a device or a pipe a :class:`~nlp.errors.DataError`
    (see :func:`~nlp.errors.require_file`)."""
    return table_suffix(require_file(path, "table"))


MAX_CELL_CHARS = 1_000_000
"""The longest cell a table may hold, in characters. A comment is never that long; a cell that long is
almost always a quote left open (everything up to the next quote, often the end of the file,
becomes one cell) or a file that is not a table. Such a cell is a :class:`~nlp.errors.DataError`
naming its row and column, rather than a megabyte of text sent through the classifier."""


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` or ``utf-16`` from the byte-order mark; ``utf-8`` when there is none.

    Raises
    ------
    TableError
        If the file has no BOM and looks like UTF-16 (a NUL in every other byte: a program wrote
        UTF-16 without the mark), or its start is not valid UTF-8 (the message gives the byte
        offset, the line and an excerpt).
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    order = utf16_without_bom(head)
    if order is not None:
        raise TableError(
            f"{path} looks like UTF-16 ({order}) without a byte-order mark: every other byte is a NUL. "
            "Save it as 'CSV UTF-8' (Excel) or UTF-8, or as UTF-16 with a byte-order mark (Excel's "
            "'Unicode Text'), and try again"
        )
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the block edge
            raise decode_error(path, "utf-8") from None
    return "utf-8"


def utf16_without_bom(head: bytes) -> str | None:
    """``"little-endian"`` or ``"big-endian"`` when ``head`` (a file's first bytes) looks like UTF-16
    text written without a byte-order mark, else ``None``.

    Text in UTF-16 with mostly Latin letters (Vietnamese included: its letters are Latin with
    diacritics; spaces, digits and punctuation are ASCII) has a NUL in every other byte; UTF-8
    text has none.
    """
    sample = head[: 1 << 12]
    half = len(sample) // 2
    if half < 2:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "little-endian"
    if even > 0.4 * half and odd < 0.05 * half:
        return "big-endian"
    return None


def decode_error(path: Path, encoding: str, *, allowed: str = "UTF-8 or UTF-16") -> DataError:
    """The :class:`~nlp.errors.DataError` for a file that does not decode in ``encoding``.

    It gives the first bad byte's offset in the file, its line and an excerpt of the text around
    it. Readers decode in blocks and only know an offset inside their block, so the file is scanned
    again here (only when reading has already failed). ``allowed`` names the encodings the reader
    accepts.
    """
    codec = _plain_codec(path, encoding)
    decoder = codecs.getincrementaldecoder(codec)("strict")
    consumed = lines = 0
    line = ""  # the end of the current line, decoded
    with path.open("rb") as handle:
        while True:
            block = handle.read(1 << 20)
            pending = decoder.getstate()[0]
            try:
                text = decoder.decode(block, final=not block)
            except UnicodeDecodeError as error:
                data = error.object  # what was pending, then this block
                before = data[: error.start].decode(codec, errors="replace")
                lines += before.count("\n")
                line = (line + before).rsplit("\n", 1)[-1]
                after = data[error.end: error.end + 120].decode(codec, errors="replace").split("\n", 1)[0]
                excerpt = _excerpt(line.lstrip("\ufeff"), tail=True) + "\ufffd" + _excerpt(after)
                name = "UTF-16" if codec.startswith("utf-16") else allowed
                return DataError(
                    f"{path} is not {name}: byte 0x{data[error.start]:02x} at offset "
                    f"{consumed - len(pending) + error.start} (line {lines + 1}) cannot be decoded, here: "
                    f"{excerpt!r}. Save the file as 'CSV UTF-8' (Excel) or UTF-8 and try again; legacy "
                    "Vietnamese encodings (TCVN3, VNI, Windows-1258) are not read"
                )
            if not block:
                break
            consumed += len(block)
            lines += text.count("\n")
            line = (line + text[-1000:]).rsplit("\n", 1)[-1][-1000:]
    return DataError(f"{path} could not be decoded as {encoding}; save it as 'CSV UTF-8' (Excel) or UTF-8")


def _plain_codec(path: Path, encoding: str) -> str:
    """The codec that decodes the file's bytes one for one, its byte-order mark included, so an
    error's position is the position in the file."""
    if encoding != "utf-16":
        return "utf-8"
    with path.open("rb") as handle:
        return "utf-16-be" if handle.read(2) == codecs.BOM_UTF16_BE else "utf-16-le"


def _excerpt(text: str, limit: int = 30, *, tail: bool = False) -> str:
    if len(text) <= limit:
        return text
    return "…" + text[-limit:] if tail else text[:limit] + "…"


def _check_column(path: Path | str, columns: list[str], column: str, read_as: dict[str, str] | None = None) -> None:
    if column not in columns:
        as_id = (read_as or {}).get(column)
        hint = (f" (the header {column!r} of cx classify's Vietnamese form is read as its id {as_id!r}: "
                f"give {as_id!r})") if as_id else ""
        raise TableError(f"{path} has no column {column!r}{hint}; its columns are: {', '.join(map(repr, columns))}")


def iter_table(
    path: str | Path, *, columns: tuple[str, ...] = (), chunk_size: int = 50_000, delimiter: str | None = None,
    classified_headers: bool = True,
) -> Iterator[pd.DataFrame]:
    """Yield the table in chunks of ``chunk_size`` rows, every value as text (missing as ``None``).

    The one reading policy for every table format:

    - every chunk has the same columns, in the same order (a JSON Lines key first seen on row
      100,000 is a column from the first chunk on, empty where a row lacks it);
    - no column is ever taken as the index: a row with more fields than the header is an error
      naming its row, except trailing empty fields (a comma at the end of every row), which are
      dropped;
    - text (values and column names) is returned in Unicode NFC, so a name typed with decomposed
      accents ("Nhận biết" as ``e`` + combining marks) equals the same name typed precomposed;
    - a cell longer than :data:`MAX_CELL_CHARS` characters is an error naming its row and column;
    - an Excel cell holding a formula whose value was never saved (a workbook written by a script)
      is an error naming the cells, not an empty cell;
    - a file written by ``cx classify`` reads the same whichever headers it was written with: its
      Vietnamese headers (``Cảm xúc chung``, ``Xác suất: Thời gian chờ lâu`` …) come back as the
      column ids (``sentiment``, ``p_wait_time`` …; see :func:`nlp.headers.classified_ids`), the
      input's own columns as they are. ``classified_headers=False`` keeps every header as written.

    ``columns`` must exist (checked before any row is yielded; they are ids, as the rows have them).
    Memory stays bounded by the chunk.
    """
    suffix = readable_table_suffix(path)  # before Path(), which would turn https://x into https:/x
    path = Path(path)
    if suffix in (".csv", ".tsv"):
        chunks = _iter_csv(path, suffix, chunk_size, delimiter or ("\t" if suffix == ".tsv" else ","))
    elif suffix == ".jsonl":
        chunks = _iter_jsonl(path, chunk_size)
    else:
        chunks = _iter_xlsx(path, chunk_size)
    checked = False
    first_row = 2  # spreadsheet numbering: the header is row 1
    read_as: dict[str, str] = {}
    for chunk in chunks:
        chunk = _clean(path, chunk, first_row)
        if not checked:
            if classified_headers:
                from .headers import classified_ids

                read_as = classified_ids(chunk.columns)
            if read_as:
                chunk = chunk.rename(columns=read_as)
            for column in columns:
                _check_column(path, [str(c) for c in chunk.columns], column, read_as)
            checked = True
        elif read_as:
            chunk = chunk.rename(columns=read_as)
        first_row += len(chunk)
        yield chunk


_EXTRA = "\x00extra field {}"  # the name of a field beyond the header (no header can hold a NUL)


def _iter_csv(path: Path, suffix: str, chunk_size: int, sep: str) -> Iterator[pd.DataFrame]:
    import pandas as pd

    encoding = detect_encoding(path)
    options: dict[str, Any] = {
        "sep": sep, "dtype": str, "keep_default_na": False, "na_values": [], "encoding": encoding,
        "encoding_errors": "strict", "index_col": False,
    }
    header: list[str] = []
    try:
        header = [_nfc(str(name)) for name in pd.read_csv(path, nrows=0, **options).columns]
        if len(set(header)) < len(header):
            raise TableError(f"{path}: column names that differ only in Unicode normalisation (NFC/NFD) name the "
                             f"same column; the header: {', '.join(map(repr, header))}")
        extra = max(0, _first_record_width(path, encoding, sep) - len(header))
        # pandas takes a first column as the index when the first data row has one field more than the
        # header; naming the extra fields keeps every column under its own header.
        names = header + [_EXTRA.format(i + 1) for i in range(extra)]
        rows = 0
        with pd.read_csv(path, header=0, names=names, chunksize=chunk_size, **options) as reader:
            for chunk in reader:
                if extra:
                    chunk = _drop_trailing_fields(path, chunk, header, rows)
                if len(chunk):
                    rows += len(chunk)
                    yield chunk
        if not rows:
            raise TableError(f"{path} has a header but no rows")
    except UnicodeDecodeError:
        raise decode_error(path, encoding) from None
    except pd.errors.EmptyDataError:
        raise TableError(f"{path} is empty: expected a header row and at least one data row") from None
    except pd.errors.ParserError as error:
        raise _parser_error(path, suffix, error, len(header)) from None


def _first_record_width(path: Path, encoding: str, sep: str) -> int:
    """The number of fields of the first non-blank record after the header (0 if there is none)."""
    import csv

    with path.open(encoding=encoding, newline="") as handle:
        records = csv.reader(handle, delimiter=sep)
        try:
            next(records, None)
            for record in records:
                if record:
                    return len(record)
        except csv.Error:
            return 0  # pandas reports the malformed file
    return 0


def _drop_trailing_fields(path: Path, chunk: pd.DataFrame, header: list[str], before: int) -> pd.DataFrame:
    """The chunk without the fields beyond the header, when they are empty; a row with text there is
    an error."""
    extra = [c for c in chunk.columns if c not in header]
    filled = chunk[extra].fillna("").astype(str).apply(lambda column: column.str.strip() != "").any(axis=1)
    if filled.any():
        where = [int(p) for p in filled.to_numpy().nonzero()[0]]
        shown = ", ".join(
            f"row {before + p + 2} ({_excerpt(next(v for v in chunk.iloc[p][extra] if str(v).strip()), 40)!r})"
            for p in where[:10]
        )
        more = f" and {len(where) - 10} more" if len(where) > 10 else ""
        raise TableError(
            f"{path}: {len(where)} {'row has' if len(where) == 1 else 'rows have'} more fields than the header's "
            f"{len(header)} columns, with text beyond the last column: {shown}{more}. A value holding the delimiter "
            "must be quoted (\"Hà Nội, Việt Nam\"); or add the missing column names to the header"
        )
    return chunk[header]


def _parser_error(path: Path, suffix: str, error: Exception, columns: int) -> DataError:
    unclosed = re.search(r"EOF inside string starting at row (\d+)", str(error))
    if unclosed:
        return TableError(
            f"{path}: row {int(unclosed.group(1)) + 1} opens a quote (\") that is never closed, so the rest of the "
            "file would be one cell; close the quote, or remove it"
        )
    found = re.search(r"Expected \d+ fields in line (\d+), saw (\d+)", str(error))
    if found:
        return TableError(
            f"{path}: row {found.group(1)} has {found.group(2)} fields but the header names {columns} columns; a "
            "value holding the delimiter must be quoted (\"Hà Nội, Việt Nam\"), or the header needs more column names"
        )
    return TableError(f"{path} is not a well-formed {suffix[1:].upper()} file: {error}")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _clean(path: Path, frame: pd.DataFrame, first_row: int) -> pd.DataFrame:
    """Text values and column names in NFC, and no cell over :data:`MAX_CELL_CHARS` characters (a
    :class:`~nlp.errors.DataError` naming the row and column). Other values are left as they are
    and each column keeps its dtype.

    A column is checked whole: its longest text by ``max(map(len, …))`` and its normal form by one
    C call over its text joined by NULs (which compose with nothing), so text already in NFC, nearly
    all of it, costs no work per value in Python.
    """
    import pandas as pd

    frame.columns = [_nfc(c) if isinstance(c, str) else c for c in frame.columns]
    for position, column in enumerate(frame.columns):
        values = frame.iloc[:, position]
        text_dtype = isinstance(values.dtype, pd.StringDtype)
        if not (text_dtype or values.dtype == object):
            continue
        items = values.tolist()
        texts = items if text_dtype and not values.hasnans else [v for v in items if isinstance(v, str)]
        longest = max(map(len, texts), default=0)
        if longest > MAX_CELL_CHARS:
            where = next(i for i, v in enumerate(items) if isinstance(v, str) and len(v) == longest)
            raise TableError(
                f"{path}, row {first_row + where}, column {column!r}: a cell of {longest} characters, over the limit "
                f"of {MAX_CELL_CHARS} (it begins {_excerpt(items[where], 40)!r}). That is usually a quote (\") "
                "left open, which runs the cell on to the next quote; close the quote or remove it"
            )
        if not unicodedata.is_normalized("NFC", "\x00".join(texts)):
            normal = [_nfc(v) if isinstance(v, str) else v for v in items]
            frame.isetitem(position, pd.Series(normal, index=frame.index, dtype=values.dtype).array)
    return frame


def _iter_jsonl(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    """JSON Lines in two passes: the first checks every line and collects every key (in the order
    they first appear), so every chunk has every column; the second builds the chunks. A file that
    fits one chunk is parsed once."""
    import pandas as pd

    encoding = detect_encoding(path)
    keys: dict[str, None] = {}
    rows: list[dict[str, Any]] | None = []
    count = 0
    for row in _jsonl_rows(path, encoding):
        keys.update(dict.fromkeys(row))
        count += 1
        if rows is not None:
            rows.append(row)
            if len(rows) > chunk_size:
                rows = None  # more than one chunk: read again
    if not count:
        raise TableError(f"{path} has no rows")
    columns = [_nfc(k) for k in keys]
    if len(set(columns)) < len(columns):
        raise TableError(f"{path}: keys that differ only in Unicode normalisation (NFC/NFD) name the same column; "
                         f"keys: {', '.join(map(repr, columns))}")
    if rows is not None:
        yield pd.DataFrame(rows, columns=list(keys), dtype=object)
        return
    chunk: list[dict[str, Any]] = []
    for row in _jsonl_rows(path, encoding):
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield pd.DataFrame(chunk, columns=list(keys), dtype=object)
            chunk = []
    if chunk:
        yield pd.DataFrame(chunk, columns=list(keys), dtype=object)


_EXACT_INT = 2**53  # beyond it, an integer turned into a float (as pandas does for a column with blanks) is rounded


def _json_int(text: str) -> int | str:
    """A JSON integer as an ``int``, or as its text when a float could not hold it exactly (an id such
    as 9007199254740993): the text stays exact wherever the value goes. Numbers of more than 4,300
    digits (Python's limit for ``int()``) are kept as text too."""
    if len(text.lstrip("-")) > 15:
        try:
            number = int(text)
        except ValueError:  # more digits than int() converts
            return text
        return number if abs(number) <= _EXACT_INT else text
    return int(text)


def _exact(value: Any) -> Any:
    """An integer too large for a float to hold exactly, as its text (see :func:`_json_int`)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > _EXACT_INT:
        return str(value)
    return value


def _jsonl_rows(path: Path, encoding: str) -> Iterator[dict[str, Any]]:
    try:
        with path.open(encoding=encoding) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line, parse_int=_json_int)
                except json.JSONDecodeError as error:
                    raise TableError(f"{path}, line {number}: not valid JSON ({error.msg})") from None
                except RecursionError:
                    raise TableError(f"{path}, line {number}: nested too deeply to read") from None
                if not isinstance(row, dict):
                    raise TableError(f"{path}, line {number}: expected a JSON object, found {type(row).__name__}")
                yield row
    except UnicodeDecodeError:
        raise decode_error(path, encoding) from None


def _iter_xlsx(path: Path, chunk_size: int) -> Iterator[pd.DataFrame]:
    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
        raise TableError(f"{path} is not a readable .xlsx workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        _check_formulas(path, workbook, sheet)
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise TableError(f"{path}: the first sheet is empty")
        names = [_nfc(str(h)) if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        chunk: list[tuple[Any, ...]] = []
        any_rows = False
        for row in rows:
            chunk.append(tuple(map(_exact, row)) + (None,) * (len(names) - len(row)))
            if len(chunk) >= chunk_size:
                any_rows = True
                yield pd.DataFrame(chunk, columns=names, dtype=object)
                chunk = []
        if chunk:
            any_rows = True
            yield pd.DataFrame(chunk, columns=names, dtype=object)
        if not any_rows:
            raise TableError(f"{path} has a header but no rows")
    finally:
        workbook.close()


_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _check_formulas(path: Path, workbook: Any, sheet: Any) -> None:
    """Refuse a sheet with formulas whose value was never saved.

    A workbook written by a program (openpyxl, for one) stores formulas without their value; only
    Excel or LibreOffice computes and saves it. Read for values, such a cell is empty, so a column
    of them would be counted as blank answers. The sheet's XML is searched for a formula first
    (a fast byte scan), and parsed only when it has one.
    """
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    source = getattr(sheet, "_worksheet_path", None)
    archive = getattr(workbook, "_archive", None)
    if source is None or archive is None:  # not openpyxl's read-only sheet: nothing to check with
        return
    with archive.open(source) as handle:
        tail = b""
        while True:
            block = handle.read(1 << 20)
            if not block:
                return
            if _FORMULA.search(tail + block):
                break
            tail = block[-16:]
    cell, formula, value = (f"{{{SHEET_MAIN_NS}}}{tag}" for tag in ("c", "f", "v"))
    missing: list[str] = []
    with archive.open(source) as handle:
        for _, element in iterparse(handle, events=("end",)):
            if element.tag == cell:
                if element.find(formula) is not None and not _has_saved_value(element, value):
                    missing.append(element.get("r") or "?")
                element.clear()
    if missing:
        shown = ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")
        count = "1 cell" if len(missing) == 1 else f"{len(missing)} cells"
        raise TableError(
            f"{path}, sheet {sheet.title!r}: {shown} ({count}) hold formulas without a saved value, so their values "
            "cannot be read (the workbook was written by a program, not saved by Excel). Open the file in Excel or "
            "LibreOffice and save it, or paste the values in place of the formulas, and try again"
        )


def _has_saved_value(cell: Any, value_tag: str) -> bool:
    """Whether a formula cell stores its value: a ``<v>`` with text, or an empty one for a text result
    (``t="str"``, how Excel saves a formula that gives ""). openpyxl writes an empty ``<v/>``."""
    saved = cell.find(value_tag)
    if saved is None:
        return False
    return bool(saved.text) or cell.get("t") == "str"


def read_table(path: str | Path, *, columns: tuple[str, ...] = (), delimiter: str | None = None) -> pd.DataFrame:
    """The whole table as one DataFrame (see :func:`iter_table`)."""
    import pandas as pd

    return pd.concat(list(iter_table(path, columns=columns, delimiter=delimiter)), ignore_index=True)


@dataclass(frozen=True)
class Table:
    """A table as every reader of the toolkit takes it: the rows, where they came from, and how a
    message names one of them.

    Made by :func:`load_table`; every function that accepts "a path or a DataFrame" also accepts a
    ``Table``, so a file read once (by :func:`journeymap.build_report`, say) is not read again.
    """

    frame: pd.DataFrame
    """The rows: every value as read (text for files)."""
    source: str
    """The file's path, or what the caller called the DataFrame (``"comments"``)."""
    path: Path | None = None
    """The file it was read from; ``None`` for a DataFrame."""

    def row(self, position: int) -> str:
        """How a message names the row at ``position``: ``row 7`` (the file's line, the header
        being row 1, as a spreadsheet numbers it) or ``index 'a-07'`` (a DataFrame's label)."""
        if self.path is None:
            label = self.frame.index[position]
            return f"index {getattr(label, 'item', lambda: label)()!r}"  # 6, not np.int64(6)
        return f"row {position + 2}"

    @property
    def rows(self) -> list[str]:
        """:meth:`row` of every row, in order."""
        if self.path is None:
            return [f"index {label!r}" for label in self.frame.index.tolist()]
        return [f"row {position + 2}" for position in range(len(self.frame))]


def load_table(data: Table | pd.DataFrame | str | PathLike[str], name: str = "data", *,
               columns: tuple[str, ...] = ()) -> Table:
    """The one way the toolkit takes a table: a path (read by :func:`read_table`), a DataFrame, or a
    :class:`Table` already loaded (returned as it is).

    ``name`` is the parameter's name, used for a DataFrame's ``source`` and in messages; ``columns``
    must exist. A DataFrame is not copied.

    Raises
    ------
    InputNotFoundError
        The path names no file.
    DataError
        An unreadable file (see :func:`iter_table`) or a missing column.
    TypeError
        ``data`` is neither a path, a DataFrame nor a Table.

    >>> import pandas as pd
    >>> table = load_table(pd.DataFrame({"text": ["ổn"]}, index=["a-01"]), "comments")
    >>> table.source, table.rows
    ('comments', ["index 'a-01'"])
    >>> load_table(table, columns=("nps",))
    Traceback (most recent call last):
    ...
    nlp.errors.DataError: comments has no column 'nps'; its columns are: 'text'
    """
    import pandas as pd

    if isinstance(data, Table):
        table = data
    elif isinstance(data, pd.DataFrame):
        from .headers import classified_ids

        read_as = classified_ids(data.columns)
        table = Table(data.rename(columns=read_as) if read_as else data, name)
    elif isinstance(data, (str, PathLike)):
        path = require_file(data, name)
        return Table(read_table(path, columns=columns), str(data), path)
    else:
        raise TypeError(f"{name} must be a pandas DataFrame or the path of a .csv, .tsv, .xlsx or .jsonl file; "
                        f"got {type(data).__name__}")
    columns_there = [str(c) for c in table.frame.columns]
    for column in columns:
        _check_column(table.source, columns_there, column)
    return table


#: The first characters that make a spreadsheet read a CSV cell as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: Any) -> Any:
    """``value`` with a ``'`` in front when it is text starting with ``= + - @``, a tab or a carriage
    return, so a spreadsheet opening the CSV shows it as text instead of running it as a formula
    (OWASP's advice against CSV injection); anything else unchanged.

    Numbers stored as numbers are never changed; numbers held as text (``"-5"``) are quoted too.

    >>> excel_safe("=1+1"), excel_safe("-5"), excel_safe(-5), excel_safe("ổn")
    ("'=1+1", "'-5", -5, 'ổn')
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


# Excel keeps at most 32,767 characters in a cell; openpyxl would cut the rest off silently.
_XLSX_CELL_LIMIT = 32_767
# Characters XML 1.0 cannot hold, so neither can an .xlsx sheet: control characters other than tab and
# line breaks (openpyxl refuses these), surrogates and U+FFFE/U+FFFF (openpyxl writes those, making a
# workbook that neither Excel nor openpyxl can open).
_NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_text_problem(text: str) -> str | None:
    """What in ``text`` an .xlsx cell cannot hold exactly (to follow "holds" or "would hold"), or
    ``None`` when it can: over
    32,767 characters (Excel's limit; openpyxl would cut the rest silently), or a character XML 1.0
    cannot hold (control characters other than tab and line breaks, surrogates, U+FFFE/U+FFFF)."""
    if len(text) > _XLSX_CELL_LIMIT:
        return f"{len(text):,} characters; an .xlsx cell holds at most {_XLSX_CELL_LIMIT:,}"
    bad = _NOT_IN_XLSX.search(text)
    if bad is None:
        return None
    code = ord(bad.group())
    kind = "control character" if code < 32 else "surrogate" if code < 0xE000 else "non-character"
    return f"the {kind} U+{code:04X}, which an .xlsx file cannot store"


def _exact_only_as_text(value: Any) -> bool:
    """Whether an .xlsx cell can hold ``value`` exactly only as text: a whole number beyond 2**53, or
    a date-time with a time zone."""
    import numbers

    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return abs(int(value)) > 2**53
    return getattr(value, "tzinfo", None) is not None


class TableWriter:
    """Write DataFrame chunks to CSV, TSV, JSONL or XLSX, chosen by the output's suffix.

    CSV and TSV are written as UTF-8 with a BOM, so Excel shows Vietnamese correctly, rows ending in
    CRLF (RFC 4180), so a value holding a line break or a carriage return comes back whole.

    Nothing is half-written: rows go to a hidden temporary file beside ``path`` that replaces it
    only when :meth:`close` succeeds (use the writer in a ``with`` block: an exception inside it
    discards the rows and leaves ``path`` as it was). Missing parent folders are created; a path
    naming a folder, or with a suffix other than .csv, .tsv, .txt, .xlsx, .jsonl, is refused when
    the writer is made.

    In ``.xlsx``, every text cell is stored as text: a comment like ``=HYPERLINK(...)`` or ``#N/A``
    never becomes a formula or an error value; numbers stay numbers. Text Excel cannot hold (control
    characters, more than 32,767 characters) is a :class:`~nlp.errors.DataError` naming the row and
    column, never cut silently.

    ``excel_safe=True`` protects CSV and TSV output the OWASP way (see :func:`excel_safe`); it is
    off by default, so a CSV read back gives exactly what was written. It changes nothing in
    ``.xlsx`` (already typed) and ``.jsonl`` (not opened by spreadsheets).
    """

    def __init__(self, path: str | Path, *, excel_safe: bool = False) -> None:
        from .output import check_output

        self.path = check_output(path)
        self.suffix = table_suffix(self.path)
        self.excel_safe = excel_safe
        self._file: Any = None  # nlp.output.AtomicFile, made by the first write
        self._rows = 0
        self._workbook: Any = None
        self._sheet: Any = None
        self._sheet_name: str | None = None  # the sheet being written (write(sheet=…))
        self._sheet_rows = 0  # rows written to it
        self._header_written = False  # its header (.xlsx)
        self._handle: Any = None

    def write(self, frame: pd.DataFrame, *, sheet: str | None = None) -> None:
        """Append the rows of ``frame`` (its columns become the header on the first call).

        ``sheet`` names the ``.xlsx`` sheet the rows go to: a name not used yet starts a new sheet,
        with its own header from ``frame``'s columns. A CSV, TSV or JSONL file holds one table, so
        there a second sheet name is a :class:`~nlp.errors.DataError` (before anything is written).
        """
        from .output import AtomicFile

        if sheet is not None and sheet != self._sheet_name:
            if self.suffix != ".xlsx" and self._sheet_name is not None:
                raise DataError(f"{self.path}: a {self.suffix[1:].upper()} file holds one table, already "
                                f"{self._sheet_name!r}; write {sheet!r} to another file, or write .xlsx for both")
            if self.suffix == ".xlsx" and self._workbook is not None:
                self._sheet = self._workbook.create_sheet(title=sheet)
                self._header_written = False
                self._sheet_rows = 0
            self._sheet_name = sheet
        if self._file is None:
            self._file = AtomicFile(self.path)
        try:
            assert self._file.temp is not None
            self._write(frame, self._file.temp)
        except BaseException:
            self.discard()
            raise
        self._rows += len(frame)
        self._sheet_rows += len(frame)

    def _write(self, frame: pd.DataFrame, temp: Path) -> None:
        first = self._rows == 0 and self._handle is None and self._workbook is None
        if self.suffix in (".csv", ".tsv"):
            if self._handle is None:
                self._handle = temp.open("w", encoding="utf-8-sig", newline="")
            if self.excel_safe:
                frame = frame.map(excel_safe)
                frame.columns = [excel_safe(str(c)) for c in frame.columns]
            # CRLF ends rows (RFC 4180, what Excel writes): then a value holding a lone carriage return
            # is quoted, and read back as one value instead of splitting its row in two.
            frame.to_csv(self._handle, header=first, index=False, sep="\t" if self.suffix == ".tsv" else ",",
                         lineterminator="\r\n")
        elif self.suffix == ".jsonl":
            if self._handle is None:
                self._handle = temp.open("w", encoding="utf-8")
            for record in frame.to_dict(orient="records"):
                clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in record.items()}
                self._handle.write(json.dumps(clean, ensure_ascii=False, default=str) + "\n")
        else:
            if self._workbook is None:
                from openpyxl import Workbook

                self._workbook = Workbook(write_only=True)
                self._sheet = self._workbook.create_sheet(title=self._sheet_name)
            if not self._header_written:
                self._sheet.append(self._xlsx_row([str(c) for c in frame.columns], frame.columns, 1))
                self._header_written = True
            for offset, row in enumerate(frame.itertuples(index=False)):
                self._sheet.append(self._xlsx_row(row, frame.columns, self._sheet_rows + offset + 2))

    def _xlsx_row(self, values: Any, columns: Any, row: int) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        for column, value in zip(columns, values):
            if isinstance(value, float) and math.isnan(value):
                cells.append(None)
            elif _exact_only_as_text(value):
                # Excel keeps numbers as doubles (a whole number above 2**53 loses its last digits) and
                # has no time zones: such values go in as text, exactly as they read
                text = value.isoformat() if hasattr(value, "isoformat") else str(int(value))
                cell = WriteOnlyCell(self._sheet, value=text)
                cell.data_type = "s"
                cells.append(cell)
            elif isinstance(value, str):
                place = f"{self.path}" + (f", sheet {self._sheet_name!r}" if self._sheet_name else "")
                where = f"{place}: row {row}, column {str(column)!r}" if row > 1 else f"{place}: column name"
                problem = xlsx_text_problem(value)
                if problem is not None:
                    raise DataError(f"{where} holds {problem}. Write .csv, .tsv or .jsonl to keep the whole text, "
                                    "or change it in the input.")
                cell = WriteOnlyCell(self._sheet, value=value)
                cell.data_type = "s"  # text stays text: never a formula ("=…") or an error value ("#N/A")
                cells.append(cell)
            else:
                cells.append(value)
        return cells

    def close(self) -> None:
        """Finish the file and put it in place (nothing is written when no rows were)."""
        if self._file is None:
            return
        try:
            if self._handle is not None:
                self._handle.close()
                self._handle = None
            if self._workbook is not None:
                self._workbook.save(self._file.temp)
                self._workbook = None
            self._file.commit()
        except BaseException:
            self.discard()
            raise
        self._file = None

    def discard(self) -> None:
        """Drop what was written; the output is left as it was before the writer was made."""
        if self._handle is not None:
            with contextlib.suppress(OSError):
                self._handle.close()
            self._handle = None
        if self._workbook is not None:
            with contextlib.suppress(Exception):  # finish and remove openpyxl's own temporary sheet file
                self._sheet.close()
                self._sheet._writer.cleanup()
            self._workbook = self._sheet = None
        if self._file is not None:
            self._file.discard()
            self._file = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
        else:
            self.discard()
