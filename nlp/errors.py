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

import os
import re
import reprlib
import stat
from os import PathLike
from pathlib import Path
from typing import Any

__all__ = ["EXCERPT_CHARS", "CxError", "DataError", "InputNotFoundError", "ModelFileError", "excerpt", "refuse_overwrite",
           "require_file"]


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


# A web address: any scheme followed by ://, or a well-known scheme whose // a Path has already
# collapsed to / (the command line hands over https://x as the Path https:/x).
_URL = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|(?:https?|ftps?|sftp|s3|gs|gcs|az|abfss?|hf|file):/)(?P<rest>.*)",
                  re.IGNORECASE)


def require_file(path: str | PathLike[str], what: str = "file") -> Path:
    """``path`` as a :class:`~pathlib.Path` when it names an existing regular file; else an error that
    says what the path names instead.

    ``what`` names the input in the message ("journey file", "event log", "table"). The path is
    taken literally and must be local: a web address (``https://…``) is refused, since cx reads
    local files only and never uses the network. A folder, a device (``/dev/zero``, also through a
    symbolic link), a named pipe or a socket is refused before anything is read from it: reading one
    would never end or would read something other than a file.

    Raises
    ------
    InputNotFoundError
        Nothing exists at the path, it is a folder, or it is a web address.
    DataError
        It exists but is not a regular file (a device, a FIFO, a socket).

    >>> require_file("no/such/comments.csv", "table")
    Traceback (most recent call last):
    ...
    nlp.errors.InputNotFoundError: table no/such/comments.csv does not exist
    >>> require_file("https://example.com/comments.csv", "table")
    Traceback (most recent call last):
    ...
    nlp.errors.InputNotFoundError: table https://example.com/comments.csv is a web address: cx reads local files only (it never uses the network); download the file and give its path
    """
    if isinstance(path, (bytes, bytearray)):
        path = path.decode()
    if not isinstance(path, (str, PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike); got {type(path).__name__}")
    text = os.fspath(path)
    url = _URL.match(text)
    if url:
        address = text if "://" in text else text.split(":", 1)[0] + "://" + url.group("rest").lstrip("/")
        raise InputNotFoundError(
            f"{what} {address} is a web address: cx reads local files only (it never uses the network); "
            "download the file and give its path",
            text,
        )
    path = Path(path)
    try:
        mode = path.stat().st_mode  # follows symbolic links: what would be read
    except FileNotFoundError:
        if path.is_symlink():
            raise InputNotFoundError(f"{what} {path} is a link to {os.readlink(path)}, which does not exist", path) from None
        raise InputNotFoundError(f"{what} {path} does not exist", path) from None
    except OSError as error:  # no permission on a folder on the way, a name too long, …
        raise InputNotFoundError(f"{what} {path} cannot be opened: {error.strerror or error}", path) from None
    if stat.S_ISDIR(mode):
        raise InputNotFoundError(f"{what} {path} is a folder; give a file", path)
    if not stat.S_ISREG(mode):
        kind = ("a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "a named pipe (FIFO)" if stat.S_ISFIFO(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        link = f" (a link to {os.path.realpath(path)})" if path.is_symlink() else ""
        raise DataError(f"{what} {path}{link} is {kind}, not a regular file; cx reads regular files only")
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


EXCERPT_CHARS = 60
"""How much of a long text a message quotes."""

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = EXCERPT_CHARS, EXCERPT_CHARS, 40


def excerpt(value: Any) -> str:
    """A short, printable quote of ``value`` for a message, with the size of what was left out.

    Texts longer than 60 characters are cut, lists and mappings show their first items; control
    characters show as escapes (``repr``), so a message never carries them to the terminal.

    >>> excerpt("Nhận biết")
    "'Nhận biết'"
    >>> excerpt("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (1,000 characters)"
    >>> excerpt(list(range(2_000_000)))
    '[0, 1, 2, 3, ...] (a list of 2,000,000 items)'
    """
    if isinstance(value, str):
        if len(value) <= EXCERPT_CHARS:
            return repr(value)
        quoted = repr(value[:EXCERPT_CHARS])
        return f"{quoted[:-1]}…{quoted[-1]} ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 128:  # str() of a huge integer is slow, or refused
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        shown = _REPR.repr(value)
        if len(value) > 4 or "..." in shown:
            kind = {list: "list", tuple: "tuple", dict: "mapping"}.get(type(value), "collection")
            return f"{shown} (a {kind} of {len(value):,} items)"
        return shown
    return _REPR.repr(value)
