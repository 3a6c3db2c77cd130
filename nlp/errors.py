"""The errors cx raises on purpose, for both packages (:mod:`nlp` and :mod:`journeymap`).

Every one derives from :class:`CxError`, so a program (and the ``cx`` command) can catch them all
at once, and each also derives from the builtin a caller would naturally catch:

- :class:`DataError` (a :class:`ValueError`): an input cannot be used as given — a table with a
  missing column, an unreadable encoding, a bad value in a named row, a journey that breaks the
  contract. The message says what is wrong, where (file, row, column) and what is allowed.
- :class:`InputNotFoundError` (a :class:`DataError` and a :class:`FileNotFoundError`): a file or
  folder named as an input does not exist, or is a folder where a file was expected.
- :class:`ModelFileError` (a :class:`DataError`): a model directory that is missing, incomplete or
  not a cx feedback model.

A wrong argument type is a plain :class:`TypeError`, as in the standard library.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path

__all__ = ["CxError", "DataError", "InputNotFoundError", "ModelFileError", "refuse_overwrite", "require_file"]


class CxError(Exception):
    """The root of every error cx raises on purpose."""


class DataError(CxError, ValueError):
    """An input (a table, a journey, comments, a model's data) cannot be used as given.

    The message says what is wrong, where and what is allowed. Rows are named as the user sees
    them: in a file, by spreadsheet row number (the header is row 1, the first data row is row 2);
    in a DataFrame, by its index label.
    """


class InputNotFoundError(DataError, FileNotFoundError):
    """A file or folder named as an input does not exist (or is a folder where a file is expected).

    ``except FileNotFoundError`` and ``except DataError`` both catch it.
    """

    def __init__(self, message: str, path: str | PathLike[str] | None = None) -> None:
        super().__init__(message)
        self.filename = None if path is None else str(path)

    def __str__(self) -> str:  # OSError's own __str__ would print "None" for errno/strerror
        return str(self.args[0]) if self.args else ""


class ModelFileError(DataError):
    """A model directory that is missing, incomplete or not a cx feedback model."""


def require_file(path: str | PathLike[str], what: str = "file") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it names an existing file; else :class:`InputNotFoundError`.

    ``what`` names the input in the message ("journey file", "event log", "table").

    >>> require_file("no/such/comments.csv", "table")
    Traceback (most recent call last):
    ...
    nlp.errors.InputNotFoundError: table no/such/comments.csv does not exist
    """
    if isinstance(path, (bytes, bytearray)):
        path = path.decode()
    if not isinstance(path, (str, PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike); got {type(path).__name__}")
    path = Path(path)
    if path.is_dir():
        raise InputNotFoundError(f"{what} {path} is a folder; give a file", path)
    if not path.is_file():
        if path.exists():  # /dev/zero, a FIFO, a socket: reading one never ends, or waits
            raise DataError(f"{what} {path} is not a regular file (a device, FIFO or socket); give a file")
        raise InputNotFoundError(f"{what} {path} does not exist", path)
    return path


def refuse_overwrite(output: str | PathLike[str], *inputs: object) -> Path:
    """``output`` as a :class:`~pathlib.Path`, unless it is one of the ``inputs`` (then :class:`DataError`).

    The one guard every writer uses, so no command can write its result over a file it reads.
    Inputs that are not paths (a DataFrame, ``None``) are skipped.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     comments = pathlib.Path(folder) / "comments.csv"
    ...     _ = comments.write_text("text\\nổn\\n", encoding="utf-8")
    ...     refuse_overwrite(comments, None, comments)
    Traceback (most recent call last):
    ...
    nlp.errors.DataError: refusing to overwrite the input file .../comments.csv; choose another output name
    """
    output = Path(output)
    if not output.exists():
        return output
    for source in inputs:
        if isinstance(source, (str, PathLike)) and Path(source).exists() and output.resolve() == Path(source).resolve():
            raise DataError(f"refusing to overwrite the input file {source}; choose another output name")
    return output

