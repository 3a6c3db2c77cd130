"""Writing output files: one format-by-suffix rule, one check of the output path, one atomic writer.

Every file cx writes (tables, journeys, drawings, the canvas, the report, the schema, model files)
goes through here, for both packages (:mod:`journeymap` uses it too: :mod:`nlp` is the lower layer):

- :func:`format_of` reads a file's format from its suffix, with one message for a suffix it does not
  know: ``cannot tell the format of X from its suffix '.foo'; use one of: ...``.
- :func:`check_output` is run *before* any work: an output that names an existing folder, sits
  under a file, or is one of the command's inputs is refused with a :class:`~nlp.errors.DataError`.
- :func:`atomic_path` (and :func:`write_text`, :func:`write_bytes`, :func:`atomic_folder`) write
  into a hidden temporary file beside the output (``.<name>.<random>.partial<suffix>``) and rename
  it over the output only when the writing succeeded: an exception, Ctrl-C or ``kill`` (``cx``
  turns SIGTERM into an exit) leaves no half-written file and any previous output untouched.
  Missing parent folders are created.

Every temporary file or folder is also registered before it is created, and whatever is still
registered when the interpreter exits is removed (:mod:`atexit`): a signal that lands between the
creation of a temporary file and the ``try`` that would discard it leaves nothing either. Only a crash
of the interpreter itself (``kill -9``, power loss) can leave a hidden ``.partial`` file behind; it is
never the output's name.
"""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from os import PathLike
from pathlib import Path
from typing import TypeVar

from .errors import DataError, refuse_overwrite

__all__ = ["AtomicFile", "atomic_folder", "atomic_path", "check_output", "format_of", "write_bytes", "write_text"]

T = TypeVar("T")


def format_of(path: str | PathLike[str], formats: Mapping[str, T]) -> T:
    """The format ``formats`` gives the suffix of ``path``; else a :class:`~nlp.errors.DataError`.

    ``formats`` maps suffixes (lower case, with the dot; several dots allowed, e.g.
    ``.node-link.json``) to formats; the longest suffix the name ends with wins, case-insensitively.
    The message lists the suffixes in the mapping's order.

    >>> format_of("Khảo sát.XLSX", {".csv": "csv", ".xlsx": "xlsx"})
    'xlsx'
    >>> format_of("graph.node-link.json", {".json": "journey", ".node-link.json": "node-link"})
    'node-link'
    >>> format_of("notes.docx", {".csv": "csv", ".xlsx": "xlsx"})
    Traceback (most recent call last):
    ...
    nlp.errors.DataError: cannot tell the format of notes.docx from its suffix '.docx'; use one of: .csv, .xlsx
    """
    path = Path(path)
    name = path.name.lower()
    matches = [suffix for suffix in formats if name.endswith(suffix) and len(name) > len(suffix)]
    if matches:
        return formats[max(matches, key=len)]
    found = f"its suffix {path.suffix!r}" if path.suffix else "its name (it has no suffix)"
    raise DataError(f"cannot tell the format of {path} from {found}; use one of: {', '.join(formats)}")


def check_output(output: str | PathLike[str], *inputs: object, what: str = "output") -> Path:
    """``output`` as a :class:`~pathlib.Path`, checked before any work is done.

    Refused with a :class:`~nlp.errors.DataError`: an existing folder (a file name is needed), a
    path under an existing *file* (its folder cannot be created), or one of ``inputs`` (see
    :func:`~nlp.errors.refuse_overwrite`; inputs that are not paths are skipped). Missing parent
    folders are fine: the writers create them.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     check_output(folder)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    nlp.errors.DataError: the output ... is a folder; give a file name inside it, e.g. .../result...
    """
    if isinstance(output, (bytes, bytearray)):
        output = output.decode()
    if not isinstance(output, (str, PathLike)):
        raise TypeError(f"{what} must be a path (str or os.PathLike); got {type(output).__name__}")
    path = Path(output)
    if path.is_dir():
        example = path / f"result{path.suffix or ''}"
        raise DataError(f"the {what} {path} is a folder; give a file name inside it, e.g. {example}")
    _check_parent(path, what)
    refuse_overwrite(path, *inputs)
    return path


def _check_parent(path: Path, what: str) -> None:
    for parent in path.absolute().parents:
        if parent.exists():
            if not parent.is_dir():
                raise DataError(f"cannot write the {what} {path}: {parent} is a file, not a folder")
            return


#: Temporary files and folders not yet renamed or removed (path -> is a folder), removed at exit.
_LIVE: dict[Path, bool] = {}
_OWNER = os.getpid()


def _remove_live() -> None:
    if os.getpid() != _OWNER:  # a forked child (a worker pool) exits: the parent's files are not its own
        return
    for temp, folder in list(_LIVE.items()):
        if folder:
            shutil.rmtree(temp, ignore_errors=True)
        else:
            with suppress(FileNotFoundError):
                temp.unlink()
        _LIVE.pop(temp, None)


atexit.register(_remove_live)


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial{path.suffix}")


def _reserve(path: Path) -> Path:
    """Create a new, empty temporary file beside ``path`` (mode 0o666 less the umask, like any new file)."""
    for _ in range(100):
        temp = _temporary_name(path)
        _LIVE[temp] = False  # before the file exists, so an interrupt at any point leaves nothing at exit
        try:
            os.close(os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            del _LIVE[temp]  # someone else's file: never removed by us
            continue
        return temp
    raise FileExistsError(f"could not create a temporary file beside {path}")  # pragma: no cover


def _prepare(path: Path) -> None:
    if path.is_dir():
        raise DataError(f"the output {path} is a folder; give a file name inside it, e.g. {path / 'result'}")
    _check_parent(path, "output")
    path.parent.mkdir(parents=True, exist_ok=True)


class AtomicFile:
    """A temporary file beside ``path`` that becomes ``path`` on :meth:`commit` or disappears on
    :meth:`discard`. Prefer :func:`atomic_path`; this is for writers that live across calls
    (:class:`nlp.tables.TableWriter`)."""

    def __init__(self, path: str | PathLike[str]) -> None:
        self.path = Path(path)
        _prepare(self.path)
        self.temp: Path | None = _reserve(self.path)

    def commit(self) -> Path:
        """Rename the temporary file over ``path`` (atomic on the same file system)."""
        if self.temp is None:
            raise RuntimeError(f"{self.path} was already committed or discarded")
        try:
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        _LIVE.pop(self.temp, None)
        self.temp = None
        return self.path

    def discard(self) -> None:
        """Remove the temporary file; ``path`` is left as it was."""
        if self.temp is not None:
            with suppress(FileNotFoundError):
                self.temp.unlink()
            _LIVE.pop(self.temp, None)
            self.temp = None


@contextmanager
def atomic_path(path: str | PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path`` to write; on success it replaces ``path``.

    On any exception (including ``KeyboardInterrupt`` and ``SystemExit``) the temporary file is
    removed and ``path`` is left untouched (absent, or as it was). Missing parent folders are
    created; a folder at ``path`` is a :class:`~nlp.errors.DataError`. The temporary name keeps the
    suffix, for libraries that look at it.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     out = Path(folder) / "new" / "ý_kiến.txt"
    ...     with atomic_path(out) as temp:
    ...         _ = temp.write_text("ổn", encoding="utf-8")
    ...     out.read_text(encoding="utf-8"), sorted(p.name for p in out.parent.iterdir())
    ('ổn', ['ý_kiến.txt'])
    """
    handle = AtomicFile(path)
    try:
        assert handle.temp is not None
        yield handle.temp
    except BaseException:
        handle.discard()
        raise
    handle.commit()


def write_text(path: str | PathLike[str], text: str, *, encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`); return the path."""
    path = Path(path)
    with atomic_path(path) as temp, temp.open("w", encoding=encoding, newline=newline) as handle:
        handle.write(text)
    return path


def write_bytes(path: str | PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_path`); return the path."""
    path = Path(path)
    with atomic_path(path) as temp:
        temp.write_bytes(data)
    return path


@contextmanager
def atomic_folder(path: str | PathLike[str]) -> Iterator[Path]:
    """Yield a temporary folder beside ``path`` to fill; on success its files move into ``path``.

    A missing ``path`` is created by renaming the temporary folder (atomic). Into an existing folder
    each file is renamed over its namesake, other files there are kept. On any exception the
    temporary folder is removed and ``path`` is left untouched. An existing *file* at ``path`` is a
    :class:`~nlp.errors.DataError`.
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise DataError(f"{path} is a file; give a folder to write into")
    _check_parent(path, "output folder")
    path.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(100):
        temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
        _LIVE[temp] = True
        try:
            temp.mkdir()
        except FileExistsError:
            del _LIVE[temp]
            continue
        break
    try:
        yield temp
        if not path.exists():
            os.replace(temp, path)
        else:
            for item in sorted(temp.iterdir()):
                os.replace(item, path / item.name)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
        _LIVE.pop(temp, None)
