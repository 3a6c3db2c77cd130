"""Read journey documents (YAML or JSON) and remember where each key sits in the file.

Every limit below gives a :class:`JourneyValidationError` that names the file and the place:

- only a regular file is read: a device (``/dev/zero``), a FIFO or a socket is refused before it
  is opened; a file may be at most :data:`MAX_FILE_BYTES` (50 MB);
- the text is UTF-8 (with or without a byte-order mark), or UTF-16/UTF-32 with one; a YAML file may
  not hold control characters other than tab and line breaks;
- lists and mappings may be nested at most :data:`MAX_DEPTH` (64) levels deep;
- YAML anchors, aliases (``&x`` … ``*x``) and merge keys (``<<: *x``) work as in PyYAML's safe
  loader, but an alias is never walked twice, and the values aliases add may not pass
  :data:`MAX_ALIAS_VALUES` (100,000) or the number of values written in the file, when that is
  more: an "alias bomb" is refused at the alias that passes the limit;
- YAML tags other than YAML's own scalars (``!!str``, ``!!int``, ``!!float``, ``!!bool``,
  ``!!null``, ``!!timestamp``, ``!!binary``) are refused, so no tag ever runs code;
- every text, keys included, is NFC-normalised (``unicodedata.normalize("NFC", …)``), so the same
  words typed with composed or decomposed diacritics are one text.

YAML is read with libyaml's C parser (``yaml.CSafeLoader``) when PyYAML was built with it, else
with PyYAML's own (same results, slower). YAML here is YAML 1.1, as in PyYAML: unquoted ``no`` is
false, ``12:30`` is the number 750 and ``007`` is 7; :attr:`Document.scalars` keeps such texts so
that the validator can say to quote them where text is expected.
"""

from __future__ import annotations

import json
import os
import re
import stat
import sys
from array import array
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

import yaml

from .errors import JourneyValidationError, Problem, excerpt
from .text import describe_char, normalise_text

if TYPE_CHECKING:
    from ._formats import JourneyFormat

__all__ = ["MAX_ALIAS_VALUES", "MAX_DEPTH", "MAX_FILE_BYTES", "Document", "format_for", "parse_document", "read_bytes", "read_text"]

Path_ = tuple[Hashable, ...]
Format = Literal["yaml", "json"]

MAX_FILE_BYTES = 50 * 2**20
"""The largest journey file read, in bytes (50 MB)."""
MAX_DEPTH = 64
"""How deep lists and mappings may be nested (a journey needs 5 levels)."""
MAX_ALIAS_VALUES = 100_000
"""How many values YAML aliases may add to a document (or as many as the file writes, if more)."""


@dataclass
class Document:
    """Parsed data, plus the line of every key and list item (1-based) where known.

    ``scalars`` maps the path of a plain YAML scalar that was read as something other than text
    (``no`` → false, ``12:30`` → 750, ``007`` → 7) to the text written in the file.
    ``normalised`` says every text in ``data`` is already as a journey keeps it
    (:func:`journeymap.text.normalise_text`), as :func:`parse_document` leaves it.
    """

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    scalars: dict[Path_, str] = field(default_factory=dict)
    normalised: bool = False
    item_lines: dict[Path_, array[int]] = field(default_factory=dict, repr=False)
    split_lists: list[tuple[Path_, int, list[str]]] = field(default_factory=list)
    """Flow lists (``[a, b]``) of unquoted texts whose later items start in lower case: likely one
    sentence YAML split at its commas. ``(path, line, items)``; :func:`journeymap.validate_journey`
    warns about them."""
    _finder: _JsonLines | None = field(default=None, repr=False, compare=False)

    def line_of(self, path: Path_) -> int | None:
        """Line of ``path``, or of its nearest enclosing key when the path itself is absent."""
        path = tuple(path)
        if self._finder is not None:  # JSON reads its line numbers only when a problem asks for one
            self._finder.find(path)
        for end in range(len(path), -1, -1):
            line = self.line(path[:end])
            if line is not None:
                return line
        return None

    def line(self, path: Path_) -> int | None:
        """Line of exactly ``path`` (a key's, or a list item's), if known."""
        line = self.lines.get(path)
        if line is None and path and type(path[-1]) is int:  # list items' lines are kept compactly, per list
            items = self.item_lines.get(path[:-1])
            if items is not None and 0 <= path[-1] < len(items):
                line = items[path[-1]]
        return line


def format_for(path: Path) -> JourneyFormat:
    """The journey file format of ``path`` (:data:`journeymap._formats.JOURNEY_FILE_FORMATS`), else a
    :class:`JourneyValidationError` naming the file and the suffixes allowed."""
    from nlp.errors import DataError

    from ._formats import JOURNEY_FILE_FORMATS, journey_format

    try:
        # the name only: the message is prefixed with the path already
        return journey_format(Path(path.name), JOURNEY_FILE_FORMATS)
    except DataError as exc:
        raise JourneyValidationError([Problem(str(exc))], source=str(path)) from None


def read_text(path: Path) -> str:
    """Read a journey file as text: UTF-8 (with or without BOM), or UTF-16/UTF-32 with a BOM.

    Only a regular file is read (a device such as ``/dev/zero``, a FIFO or a socket is refused
    before anything is read), and at most :data:`MAX_FILE_BYTES`.
    """
    raw = read_bytes(path)
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            break
    else:
        codec = "utf-8-sig"
        nul = raw.find(b"\x00")
        if nul >= 0:
            raise JourneyValidationError(
                [
                    Problem(
                        "the file contains NUL bytes, as UTF-16 or UTF-32 text without a byte-order mark does; "
                        "save it as UTF-8",
                        line=raw.count(b"\n", 0, nul) + 1,
                    )
                ],
                source=str(path),
            )
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].decode(codec, errors="replace").count("\n") + 1
        what = "UTF-8" if codec == "utf-8-sig" else codec.upper()
        raise JourneyValidationError(
            [Problem(f"the file is not {what} text (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line=line)],
            source=str(path),
        ) from None
    return text


# Byte-order marks, UTF-32 before UTF-16 (the UTF-32-LE mark starts with the UTF-16-LE one).
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SPECIAL_FILES = (
    (stat.S_ISCHR, "a character device, such as /dev/zero"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing special files before opening them and files over :data:`MAX_FILE_BYTES`."""
    source = str(path)
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise JourneyValidationError([Problem(f"cannot read the file: {exc.strerror}")], source=source) from None
    if not stat.S_ISREG(mode):
        kind = next((what for test, what in _SPECIAL_FILES if test(mode)), "not a regular file")
        raise JourneyValidationError(
            [Problem(f"the path names {kind}, not a file; give a journey file (.yaml, .yml or .json)")], source=source
        )
    # O_NONBLOCK: should the path become a FIFO after the check above, opening it does not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise JourneyValidationError([Problem("the path does not name a regular file")], source=source)
        raw = handle.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        size = max(len(raw), os.stat(path).st_size)
        raise JourneyValidationError(
            [
                Problem(
                    f"the file is {size:,} bytes; a journey file may be at most {MAX_FILE_BYTES:,} bytes "
                    f"({MAX_FILE_BYTES // 2**20} MB)"
                )
            ],
            source=source,
        )
    return raw


def parse_document(text: str, fmt: Format, *, source: str | None = None) -> Document:
    """Parse ``text`` into data and the line of every key; a problem raises :class:`JourneyValidationError`.

    Syntax errors, control characters in a YAML file, nesting deeper than :data:`MAX_DEPTH`, aliases
    that would expand past :data:`MAX_ALIAS_VALUES` values, unsupported YAML tags and unreadable
    numbers are reported with their line and column. Duplicate keys are collected in
    :attr:`Document.problems` for the validator to report with every other problem. Every text
    (keys and values) is NFC-normalised.
    """
    text = text.removeprefix("\ufeff")  # a byte-order mark left at the start of a string
    if fmt == "json":
        return _parse_json(text, source)
    bad = _NOT_YAML.search(text)
    if bad is not None:
        line, column = _position(text, bad.start())
        raise JourneyValidationError(
            [
                Problem(
                    f"the character {describe_char(bad.group())} is not allowed in a YAML file; delete it "
                    "(text may hold tabs and line breaks, but no other control characters)",
                    f"column {column}",
                    line,
                )
            ],
            source=source,
        )
    document = Document(None, normalised=True)
    document.data = _Builder(document, source).run(text)
    return document


# What YAML 1.1 allows in a file (PyYAML's Reader.NON_PRINTABLE, inverted).
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of ``text[index]``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _parse_json(text: str, source: str | None) -> Document:
    duplicates = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        mapping = dict(items)
        duplicates = duplicates or len(mapping) != len(items)
        return mapping

    try:
        data = json.loads(text, object_pairs_hook=pairs)
    except json.JSONDecodeError as exc:
        problem = Problem(f"JSON syntax error: {exc.msg}", f"column {exc.colno}", exc.lineno)
        raise JourneyValidationError([problem], source=source) from None
    except ValueError:  # Python refuses to convert an integer of more than sys.get_int_max_str_digits() digits
        digits = re.search(rf"\d{{{_max_int_digits() + 1},}}", text)
        line, column = _position(text, digits.start() if digits else 0)
        size = len(digits.group()) if digits else 0
        raise JourneyValidationError([Problem(_too_long_number(size), f"column {column}", line)], source=source) from None
    except RecursionError:  # deeper than Python's own limit (about 1,000 levels)
        raise _too_deep_json(text, source) from None

    document = Document(None, normalised=True)
    finder = _JsonLines(document, text, source)
    try:
        document.data = _normalised_json(data, 0)
    except _TooDeepError:
        raise _too_deep_json(text, source) from None
    if duplicates:  # duplicate keys are problems whatever else the file holds: find them, with their lines
        finder.find_all()
        if not document.problems:
            document.problems.append(Problem("a JSON object repeats a key; only one value can be kept"))
    else:  # line numbers are only needed to report a problem: find them when first asked for
        document._finder = finder
    return document


class _TooDeepError(Exception):
    pass


_JSON_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')  # strings (skipped whole) and brackets


def _too_deep_json(text: str, source: str | None) -> JourneyValidationError:
    """The error for JSON nested deeper than :data:`MAX_DEPTH`, at the bracket that passes it."""
    depth = 0
    for token in _JSON_NESTING.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, column = _position(text, token.start())
                return JourneyValidationError([Problem(_TOO_DEEP, f"column {column}", line)], source=source)
        elif char in "]}":
            depth -= 1
    return JourneyValidationError([Problem(_TOO_DEEP)], source=source)


_PLAIN = (int, float, bool, type(None))


def _normalised_json(value: Any, depth: int) -> Any:
    """``value`` with every text normalised, refusing nesting deeper than :data:`MAX_DEPTH`."""
    kind = type(value)
    if kind is str:
        return normalise_text(value)
    if kind is list:
        if depth >= MAX_DEPTH:
            raise _TooDeepError
        return [
            normalise_text(v) if type(v) is str else v if type(v) in _PLAIN else _normalised_json(v, depth + 1)
            for v in value
        ]
    if kind is dict:
        if depth >= MAX_DEPTH:
            raise _TooDeepError
        return {normalise_text(k): _normalised_json(v, depth + 1) for k, v in value.items()}
    return value


class _JsonLines:
    """The lines of a JSON document's keys and items, found on demand.

    JSON is (almost always) valid YAML, and YAML's parser gives positions: the text is walked as
    YAML events, only as far as a question needs (a problem in the first key of a 17 MB file does
    not wait for the rest). When YAML cannot read the text, lines stay unknown.
    """

    def __init__(self, document: Document, text: str, source: str | None) -> None:
        self.document = document
        self.source = source
        self.closed: set[Path_] = set()  # collections walked to their end
        self.steps: Iterator[None] | None = self._walk(text)

    def find(self, path: Path_) -> None:
        """Walk until ``path`` has its line, or its parent collection has ended without it."""
        document, closed, parent = self.document, self.closed, path[:-1]
        while self.steps is not None and document.line(path) is None and parent not in closed:
            self._step()

    def find_all(self) -> None:
        while self.steps is not None:
            self._step()

    def _step(self) -> None:
        assert self.steps is not None
        try:
            next(self.steps)
        except (StopIteration, ValueError, yaml.YAMLError):  # ValueError: text libyaml cannot take (lone surrogates)
            self.steps = None

    def _walk(self, text: str) -> Iterator[None]:
        loader = _Loader(text)
        lines, problems, item_lines = self.document.lines, self.document.problems, self.document.item_lines
        # open collections: [path, is a mapping, pending key (mapping) or item lines (sequence), keys seen]
        stack: list[list[Any]] = []
        try:
            while loader.check_event():
                event = loader.get_event()
                kind = type(event)
                if kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                    self.closed.add(stack.pop()[0])
                elif kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                    line = event.start_mark.line + 1
                    path: Path_ = ()
                    if stack:
                        top = stack[-1]
                        if not top[1]:
                            path = (*top[0], len(top[2]))
                            top[2].append(line)
                        elif top[2] is _NO_KEY:  # a key
                            key = normalise_text(event.value) if kind is yaml.ScalarEvent else None
                            seen = top[3]
                            if key in seen:
                                where = "/".join(str(p) for p in top[0]) or "top level"
                                problems.append(Problem(_duplicate(key, seen[key]), where, line))
                            else:
                                seen[key] = line
                                lines[(*top[0], key)] = line
                            top[2] = key
                            yield
                            continue
                        else:
                            path = (*top[0], top[2])
                            top[2] = _NO_KEY
                    if kind is not yaml.ScalarEvent:
                        if len(stack) >= MAX_DEPTH:
                            raise JourneyValidationError(
                                [Problem(_TOO_DEEP, f"column {event.start_mark.column + 1}", line)], source=self.source
                            )
                        mapping = kind is yaml.MappingStartEvent
                        items: array[int] = array("I")
                        if not mapping:
                            item_lines[path] = items
                        stack.append([path, mapping, _NO_KEY if mapping else items, {}])
                yield
        finally:
            loader.dispose()


def _duplicate(key: Any, first: int) -> str:
    return f"duplicate key {excerpt(key)} (also on line {first}); only one value can be kept"


def _max_int_digits() -> int:
    return getattr(sys, "get_int_max_str_digits", lambda: 4300)() or 4300


def _too_long_number(digits: int) -> str:
    return (
        f"a number of {digits:,} digits is too long to read (at most {_max_int_digits():,}); "
        f"whole numbers are kept exactly up to 2^53 = {2**53:,}"
    )


_TOO_DEEP = (
    f"lists and mappings are nested more than {MAX_DEPTH} levels deep; a journey needs at most 5 "
    "(is a bracket left open?)"
)

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_VALUE = "tag:yaml.org,2002:value"  # a plain "=", which YAML 1.1 reserves; read as text
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALAR_TAGS = {
    tag: yaml.SafeLoader.yaml_constructors[tag]
    for tag in (
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:binary",
        _TIMESTAMP,
    )
}
_NO_KEY: Any = object()
# Plain scalars that YAML 1.1 reads as these numbers, whatever else it allows (18 digits: exact, quick).
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\Z")
_PLAIN_FLOAT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})\.[0-9]{1,17}\Z")


@dataclass(slots=True)
class _Frame:
    """An open mapping or sequence while its events arrive."""

    path: Path_
    mapping: bool
    value: Any
    anchor: str | None
    line: int
    size: int = 1  # values it holds once aliases are expanded, itself included
    depth: int = 1  # levels of nesting, itself included
    key: Any = _NO_KEY
    merge_key: bool = False  # the pending key is YAML's merge key "<<"
    seen: dict[Any, int] = field(default_factory=dict)
    merges: list[tuple[dict[Any, Any], int]] = field(default_factory=list)
    items: array[int] = field(default_factory=lambda: array("I"))  # a sequence's item lines
    flow_text: bool = False  # a flow sequence ([a, b]) of plain, unquoted texts so far


class _Builder:
    """Build data from the YAML event stream, without recursion and without walking an alias twice.

    PyYAML's own composer and constructor recurse (a deep file exhausts Python's stack) and the
    node tree they build makes every alias a second path to walk. Events arrive flat, so this
    builder checks nesting as it goes, keeps each anchored value once (an alias reuses it, as
    PyYAML does) and counts how many values aliases add, refusing an alias bomb before it grows.
    """

    def __init__(self, document: Document, source: str | None) -> None:
        self.doc = document
        self.source = source
        self.anchors: dict[str, tuple[Any, int, int] | None] = {}  # None while the anchored collection is open
        self.written = 0
        self.aliased = 0

    def fail(self, message: str, mark: Any) -> NoReturn:
        raise JourneyValidationError([Problem(message, f"column {mark.column + 1}", mark.line + 1)], source=self.source)

    def run(self, text: str) -> Any:
        loader = None
        try:
            loader = _Loader(text)
            return self._build(loader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            message = f"YAML syntax error: {exc.problem or exc}" + (f" ({exc.context})" if exc.context else "")
            message += _syntax_hint(exc, text)
            line = mark.line + 1 if mark is not None else None
            location = f"column {mark.column + 1}" if mark is not None else ""
            raise JourneyValidationError([Problem(message, location, line)], source=self.source) from None
        except yaml.YAMLError as exc:  # ReaderError: characters YAML does not allow (checked before, kept as a guard)
            raise JourneyValidationError([Problem(f"YAML error: {exc}")], source=self.source) from None
        finally:
            if loader is not None:
                loader.dispose()

    def _build(self, loader: Any) -> Any:
        stack: list[_Frame] = []
        result: Any = None
        documents = 0
        check_event, get_event = loader.check_event, loader.get_event
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while check_event():
            event = get_event()
            kind = type(event)
            if kind is mapping_end or kind is sequence_end:
                frame = stack.pop()
                if frame.flow_text and _split_sentence(frame):
                    self.doc.split_lists.append((frame.path, frame.line, list(frame.value)))
                value = self._close(frame)
                if frame.anchor is not None:
                    self.anchors[frame.anchor] = (value, frame.size, frame.depth)
                result = self._place(stack, value, frame.size, frame.depth, event.start_mark)
                continue
            if kind is not scalar_event and kind is not mapping_start and kind is not sequence_start and kind is not alias_event:
                if kind is yaml.DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        self.fail("a journey file holds one YAML document; remove this second one (after '---')", event.start_mark)
                continue  # the stream's and the document's start and end

            # A node starts: where it goes and on which line.
            mark = event.start_mark
            self.written += 1
            top = stack[-1] if stack else None

            if kind is scalar_event and top is not None and event.tag is None and event.anchor is None:
                # The common case, made quick: text, or a plain decimal number, in an open collection.
                text = event.value
                if not event.implicit[0] or (text and text[0] not in _IMPLICIT_FIRST):
                    value = normalise_text(text)
                elif _PLAIN_INT.match(text):
                    value = int(text)
                elif _PLAIN_FLOAT.match(text):
                    value = float(text)
                else:
                    value = _NO_KEY
                if value is not _NO_KEY:
                    if not top.mapping:
                        if top.flow_text and not (event.implicit[0] and isinstance(value, str)):
                            top.flow_text = False
                        top.items.append(mark.line + 1)
                        top.value.append(value)
                        top.size += 1
                        continue
                    if top.key is _NO_KEY:
                        self._key(top, value, False, mark)
                        continue
                    if not top.merge_key:
                        top.value[top.key] = value
                        top.key = _NO_KEY
                        top.size += 1
                        continue

            is_key = top is not None and top.mapping and top.key is _NO_KEY
            path: Path_ | None = None
            if top is None:
                path = ()
            elif not top.mapping:
                path = (*top.path, len(top.value))
                top.items.append(mark.line + 1)
            elif not is_key:
                path = (*top.path, "<<") if top.merge_key else (*top.path, top.key)

            if top is not None and not top.mapping and top.flow_text and (
                    kind is not scalar_event or not event.implicit[0]):
                top.flow_text = False  # a quoted or tagged text, an alias or a collection as an item
            if kind is scalar_event:
                merge, value = self._scalar(event, is_key, path)
                if top is not None and not top.mapping and not isinstance(value, str):
                    top.flow_text = False  # a plain item that is not text ("no", "12:30")
                if event.anchor is not None:
                    self.anchors[event.anchor] = (value, 1, 0)
                if is_key:
                    assert top is not None
                    self._key(top, value, merge, mark)
                else:
                    result = self._place(stack, value, 1, 0, mark)
            elif kind is alias_event:
                value, size, depth = self._alias(event, len(stack), mark)
                if is_key:
                    if isinstance(value, (list, dict)):
                        self.fail(f"a key must be a plain value, not the list or mapping of alias *{event.anchor}", mark)
                    assert top is not None
                    self._key(top, value, False, mark)
                else:
                    result = self._place(stack, value, size, depth, mark)
            else:  # a mapping or a sequence starts
                if is_key:
                    self.fail("a key must be a plain value (text or a number), not a list or a mapping", mark)
                mapping = kind is mapping_start
                if event.tag not in (None, "!", _MAP if mapping else _SEQ):
                    self.fail(_unsupported_tag(event.tag), mark)
                if len(stack) >= MAX_DEPTH:
                    self.fail(_TOO_DEEP, mark)
                assert path is not None
                frame = _Frame(path, mapping, {} if mapping else [], event.anchor, mark.line + 1)
                if not mapping:
                    self.doc.item_lines[path] = frame.items
                    frame.flow_text = bool(event.flow_style)
                stack.append(frame)
                if event.anchor is not None:
                    self.anchors[event.anchor] = None
        return result

    def _scalar(self, event: Any, is_key: bool, path: Path_ | None) -> tuple[bool, Any]:
        """``(is the merge key, value)`` of a scalar event."""
        tag = event.tag
        text = event.value
        if tag is None or tag == "!":
            tag = _resolve(text, event.implicit[0])
        if tag == _STR or tag == _VALUE:
            return False, normalise_text(text)
        if tag == _MERGE:
            return is_key, text
        construct = _SCALAR_TAGS.get(tag)
        if construct is None:
            self.fail(_unsupported_tag(event.tag or tag), event.start_mark)
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        try:
            value = construct(self.constructor, node)
        except ValueError:
            if tag == _TIMESTAMP:  # looks like a date but is none (2024-02-30): keep the text
                return False, normalise_text(text)
            self.fail(_too_long_number(sum(c.isdigit() for c in text)), event.start_mark)
        except yaml.YAMLError as exc:
            self.fail(f"cannot read {excerpt(text)} as {tag.rsplit(':', 1)[-1]}: {exc}", event.start_mark)
        if path is not None and text and event.implicit[0] and (isinstance(value, (bool, date)) or value is None or str(value) != text):
            self.doc.scalars[path] = text
        return False, value

    def _alias(self, event: Any, depth: int, mark: Any) -> tuple[Any, int, int]:
        name = event.anchor
        if name not in self.anchors:
            self.fail(f"alias *{name} names no anchor &{name} above it", mark)
        entry = self.anchors[name]
        if entry is None:
            self.fail(f"alias *{name} is inside the list or mapping it names (&{name}); it would contain itself", mark)
        value, size, nesting = entry
        if depth + nesting > MAX_DEPTH:
            self.fail(_TOO_DEEP, mark)
        self.aliased += size
        limit = max(MAX_ALIAS_VALUES, self.written)
        if self.aliased > limit:
            self.fail(
                f"alias *{name} brings the values added by aliases to {self.aliased:,}, over the limit of {limit:,} "
                "(the larger of 100,000 and the number of values written in the file); "
                "aliases that repeat aliases multiply (an 'alias bomb'): write the values out or use fewer levels",
                mark,
            )
        return value, size, nesting

    def _key(self, frame: _Frame, key: Any, merge: bool, mark: Any) -> None:
        line = mark.line + 1
        frame.key = key
        frame.merge_key = merge
        if merge:
            return
        if key in frame.seen:
            where = "/".join(str(p) for p in frame.path) or "top level"
            self.doc.problems.append(Problem(_duplicate(key, frame.seen[key]), where, line))
            return
        frame.seen[key] = line
        self.doc.lines[(*frame.path, key)] = line

    def _place(self, stack: list[_Frame], value: Any, size: int, depth: int, mark: Any) -> Any:
        """Put a finished value into the open collection; return it when it is the whole document."""
        if not stack:
            return value
        top = stack[-1]
        top.size += size
        top.depth = max(top.depth, depth + 1)
        if not top.mapping:
            top.value.append(value)
        elif top.merge_key:
            sources = value if isinstance(value, list) else [value]
            if not all(isinstance(s, dict) for s in sources):
                self.fail("the merge key '<<' takes a mapping (<<: *defaults) or a list of mappings", mark)
            top.merges.extend((s, mark.line + 1) for s in sources)
            top.key, top.merge_key = _NO_KEY, False
        else:
            top.value[top.key] = value
            top.key = _NO_KEY
        return None

    def _close(self, frame: _Frame) -> Any:
        """The finished collection; for a mapping with merge keys, the merged mapping."""
        if not frame.merges:
            return frame.value
        merged: dict[Any, Any] = {}
        for source, line in frame.merges:  # the first merged mapping wins over later ones, written keys over all
            for key, value in source.items():
                if key not in merged and key not in frame.value:
                    merged[key] = value
                    self.doc.lines[(*frame.path, key)] = line
        merged.update(frame.value)
        return merged

    @property
    def constructor(self) -> Any:
        return _CONSTRUCTOR


#: Lists whose items are ids or lower-case words by nature: a lower-case item there is no sign of a split.
_LOWER_CASE_LISTS = frozenset({"aliases", "experience", "lanes"})


def _split_sentence(frame: _Frame) -> bool:
    """Whether a flow list of plain texts reads like one sentence split at its commas: it starts with
    a capital letter and a later item goes on in lower case ("[Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày]")."""
    items = frame.value
    return (len(items) > 1 and items[0][:1].isupper() and any(item[:1].islower() for item in items[1:])
            and not (frame.path and frame.path[-1] in _LOWER_CASE_LISTS))


def _line_text(text: str, line: int) -> str:
    """Line ``line`` (0-based) of ``text``, shortened for a message."""
    lines = text.split("\n")
    shown = lines[line].rstrip("\r") if 0 <= line < len(lines) else ""
    return shown if len(shown) <= 100 else shown[:100] + "…"


_KEY_VALUE = re.compile(r"^(\s*(?:-\s+)?)([^\s:#'\"][^:#]*?):\s+(.+?)\s*$")


def _syntax_hint(exc: yaml.MarkedYAMLError, text: str) -> str:
    """What most likely caused a YAML syntax error in a journey file, and how to write it instead.

    Designers type names and notes as they speak them: ``name: Tư vấn: gói vay`` (a second ``": "``
    starts a key), ``[Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày`` (a bracket list split at commas and
    left open), ``name: "Tư vấn" gói vay`` (a quote that ends before the text does).
    """
    problem, context = str(exc.problem or ""), str(exc.context or "")
    mark = exc.problem_mark
    if mark is None:
        return ""
    line = _line_text(text, mark.line)
    if problem.startswith("mapping values are not allowed"):
        found = _KEY_VALUE.match(line)
        fix = ""
        if found is not None:
            indent, key, value = found.groups()
            quoted = value.replace("\\", "\\\\").replace('"', '\\"')
            fix = f'; put the text in double quotes: {indent.strip() + " " if indent.strip() else ""}{key}: "{quoted}"'
        return (f". Line {mark.line + 1} reads: {line.strip()!r}. A colon followed by a space (': ') inside a text "
                f"starts a new key in YAML, so text holding ': ' must be quoted{fix}")
    if "flow sequence" in context or "flow mapping" in context:
        opened = exc.context_mark.line + 1 if exc.context_mark is not None else mark.line + 1
        start = _line_text(text, opened - 1).strip()
        brackets = "[ ]" if "sequence" in context else "{ }"
        return (f". The list in {brackets} that opens on line {opened} ({start!r}) is not closed where YAML expects, "
                "often because an item holds a comma, a colon and a space, or a bracket: inside brackets a comma "
                "separates items. Put such an item in double quotes, e.g. [\"Tờ trình qua 3 cấp ký, mỗi cấp 1–2 ngày\"], "
                "or write the list one item per line, each starting with '- '")
    if "block mapping" in context or "block sequence" in context:
        return (f". Line {mark.line + 1} reads: {line.strip()!r}. A text that starts with a quote must end with the "
                "same quote, and a text holding ': ', ' #' or starting with [ { \" ' must be quoted whole, e.g. "
                "name: \"Tư vấn \\\"gói vay\\\" 3 ngày\"")
    return ""


def _resolve(text: str, plain: bool) -> str:
    """The tag of an untagged scalar, as PyYAML's resolver gives it (YAML 1.1: ``no`` is a boolean)."""
    if plain:
        for tag, pattern in _IMPLICIT.get(text[:1], []) + _IMPLICIT.get(None, []):
            if pattern.match(text):
                return tag
    return _STR


def _unsupported_tag(tag: str | None) -> str:
    if tag is not None and tag.startswith("tag:yaml.org,2002:"):
        tag = "!!" + tag.removeprefix("tag:yaml.org,2002:")
    return (
        f"the YAML tag {tag!r} is not supported; journey files hold plain text, numbers, true/false, "
        "lists and mappings (remove the tag)"
    )


_IGNORED_EVENTS = (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when PyYAML was built with it
_IMPLICIT: dict[Any, list[tuple[str, re.Pattern[str]]]] = yaml.resolver.Resolver.yaml_implicit_resolvers
_IMPLICIT_FIRST = frozenset(_IMPLICIT)  # first characters of plain scalars that may be something other than text
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
