"""Reading and writing the comment tables people have: CSV, TSV, Excel and JSON Lines.

Everything is read as text, so IDs with leading zeros and the original values come back exactly.
CSV/TSV in UTF-8 (with or without BOM) and UTF-16 (what Excel's "Unicode Text" writes) are accepted;
anything else is a :class:`TableError` that says what was found.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import math
import re
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

__all__ = ["FORMULA_STARTS", "TABLE_FORMATS", "TABLE_SUFFIXES", "Table", "TableError", "TableWriter", "detect_encoding", "excel_safe",
           "iter_table", "load_table", "read_table", "readable_table_suffix", "table_suffix"]

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


def readable_table_suffix(path: Path) -> str:
    """:func:`table_suffix` of an existing file; a missing file or a folder is an
    :class:`~nlp.errors.InputNotFoundError`."""
    return table_suffix(require_file(path, "table"))


def detect_encoding(path: Path) -> str:
    """``utf-8-sig`` or ``utf-16`` from the byte-order mark; ``utf-8`` when there is none.

    Raises
    ------
    TableError
        If the file has no BOM and its start is not valid UTF-8.
    """
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 4:  # not just a character cut at the block edge
            raise _decode_error(path, error) from None
    return "utf-8"


def _decode_error(path: Path, error: UnicodeDecodeError) -> TableError:
    return TableError(
        f"{path} is not UTF-8 or UTF-16: byte 0x{error.object[error.start]:02x} at offset {error.start} "
        "cannot be decoded. Save the file as 'CSV UTF-8' (Excel) or UTF-8 and try again."
    )


def _check_column(path: Path | str, columns: list[str], column: str) -> None:
    if column not in columns:
        raise TableError(f"{path} has no column {column!r}; its columns are: {', '.join(map(repr, columns))}")


def iter_table(
    path: str | Path, *, columns: tuple[str, ...] = (), chunk_size: int = 50_000, delimiter: str | None = None
) -> Iterator[pd.DataFrame]:
    """Yield the table in chunks of ``chunk_size`` rows, every value as text (missing as ``None``).

    ``columns`` must exist (checked before any row is yielded). Memory stays bounded by the chunk.
    """
    import pandas as pd

    path = Path(path)
    suffix = readable_table_suffix(path)
    if suffix in (".csv", ".tsv"):
        encoding = detect_encoding(path)
        sep = delimiter or ("\t" if suffix == ".tsv" else ",")
        try:
            reader = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, na_values=[], encoding=encoding,
                                 chunksize=chunk_size, encoding_errors="strict")
            checked = False
            rows = 0
            for chunk in reader:
                if not checked:
                    for column in columns:
                        _check_column(path, list(chunk.columns), column)
                    checked = True
                if len(chunk):
                    rows += len(chunk)
                    yield chunk
            if not rows:
                raise TableError(f"{path} has a header but no rows")
        except UnicodeDecodeError as error:
            raise _decode_error(path, error) from None
        except pd.errors.EmptyDataError:
            raise TableError(f"{path} is empty: expected a header row and at least one data row") from None
        except pd.errors.ParserError as error:
            raise TableError(f"{path} is not a well-formed {suffix[1:].upper()} file: {error}") from None
    elif suffix == ".jsonl":
        yield from _iter_jsonl(path, columns, chunk_size)
    else:
        yield from _iter_xlsx(path, columns, chunk_size)


def _iter_jsonl(path: Path, columns: tuple[str, ...], chunk_size: int) -> Iterator[pd.DataFrame]:
    import pandas as pd

    encoding = detect_encoding(path)
    rows: list[dict[str, Any]] = []
    seen: list[str] = []
    checked = False
    try:
        with path.open(encoding=encoding) as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as error:
                    raise TableError(f"{path}, line {number}: not valid JSON ({error.msg})") from None
                if not isinstance(row, dict):
                    raise TableError(f"{path}, line {number}: expected a JSON object, found {type(row).__name__}")
                for key in row:
                    if key not in seen:
                        seen.append(key)
                rows.append(row)
                if len(rows) >= chunk_size:
                    if not checked:
                        for column in columns:
                            _check_column(path, seen, column)
                        checked = True
                    yield pd.DataFrame(rows, columns=seen, dtype=object)
                    rows = []
    except UnicodeDecodeError as error:
        raise _decode_error(path, error) from None
    if not checked:
        if not rows:
            raise TableError(f"{path} has no rows")
        for column in columns:
            _check_column(path, seen, column)
    if rows:
        yield pd.DataFrame(rows, columns=seen, dtype=object)


def _iter_xlsx(path: Path, columns: tuple[str, ...], chunk_size: int) -> Iterator[pd.DataFrame]:
    import pandas as pd
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException) as error:
        raise TableError(f"{path} is not a readable .xlsx workbook: {error}") from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise TableError(f"{path}: the first sheet is empty")
        names = [str(h) if h is not None else f"column_{i + 1}" for i, h in enumerate(header)]
        for column in columns:
            _check_column(path, names, column)
        chunk: list[tuple[Any, ...]] = []
        any_rows = False
        for row in rows:
            chunk.append(tuple(row) + (None,) * (len(names) - len(row)))
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
        table = Table(data, name)
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
        self._handle: Any = None

    def write(self, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` (its columns become the header on the first call)."""
        from .output import AtomicFile

        if self._file is None:
            self._file = AtomicFile(self.path)
        try:
            assert self._file.temp is not None
            self._write(frame, self._file.temp)
        except BaseException:
            self.discard()
            raise
        self._rows += len(frame)

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
                self._sheet = self._workbook.create_sheet()
                self._sheet.append(self._xlsx_row([str(c) for c in frame.columns], frame.columns, 1))
            for offset, row in enumerate(frame.itertuples(index=False)):
                self._sheet.append(self._xlsx_row(row, frame.columns, self._rows + offset + 2))

    def _xlsx_row(self, values: Any, columns: Any, row: int) -> list[Any]:
        from openpyxl.cell import WriteOnlyCell

        cells: list[Any] = []
        for column, value in zip(columns, values):
            if isinstance(value, float) and math.isnan(value):
                cells.append(None)
            elif isinstance(value, str):
                where = f"{self.path}: row {row}, column {str(column)!r}" if row > 1 else f"{self.path}: column name"
                if len(value) > _XLSX_CELL_LIMIT:
                    raise DataError(f"{where} holds {len(value):,} characters; an .xlsx cell holds at most "
                                    f"{_XLSX_CELL_LIMIT:,}. Write .csv, .tsv or .jsonl to keep the whole text.")
                bad = _NOT_IN_XLSX.search(value)
                if bad is not None:
                    code = ord(bad.group())
                    kind = "control character" if code < 32 else "surrogate" if code < 0xE000 else "non-character"
                    raise DataError(f"{where} holds the {kind} U+{code:04X}, which an .xlsx file "
                                    "cannot store. Write .csv, .tsv or .jsonl, or remove it from the input.")
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
