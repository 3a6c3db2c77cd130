"""Read journey documents (YAML or JSON) and remember where each key sits in the file."""

from __future__ import annotations

import json
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import JourneyValidationError, Problem

__all__ = ["Document", "format_for", "parse_document", "read_text"]

Path_ = tuple[Hashable, ...]
Format = Literal["yaml", "json"]


@dataclass
class Document:
    """Parsed data, plus the line of every key and list item (1-based) where known."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """Line of ``path``, or of its nearest enclosing key when the path itself is absent."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


def format_for(path: Path) -> Format:
    from nlp.errors import DataError

    from ._formats import JOURNEY_FILE_FORMATS, journey_format

    try:
        # the name only: the message is prefixed with the path already
        return journey_format(Path(path.name), JOURNEY_FILE_FORMATS)  # type: ignore[return-value]  # yaml or json
    except DataError as exc:
        raise JourneyValidationError([Problem(str(exc))], source=str(path)) from None


def read_text(path: Path) -> str:
    """Read a text file as UTF-8 (with or without BOM) or BOM-marked UTF-16."""
    raw = path.read_bytes()
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise JourneyValidationError(
            [Problem(f"the file is not UTF-8 text (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line=line)],
            source=str(path),
        ) from None


def parse_document(text: str, fmt: Format, *, source: str | None = None) -> Document:
    """Parse ``text``; a syntax error raises :class:`JourneyValidationError` with its line."""
    if fmt == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = Problem(f"JSON syntax error: {exc.msg}", f"column {exc.colno}", exc.lineno)
            raise JourneyValidationError([problem], source=source) from None
        doc = Document(data)
        try:  # JSON is (almost always) valid YAML, which gives us key lines for free
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            return doc
        if node is not None:
            _walk(node, (), doc)
        return doc

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        what = getattr(exc, "problem", None) or str(exc)
        context = getattr(exc, "context", None)
        message = f"YAML syntax error: {what}" + (f" ({context})" if context else "")
        line = mark.line + 1 if mark is not None else None
        location = f"column {mark.column + 1}" if mark is not None else ""
        raise JourneyValidationError([Problem(message, location, line)], source=source) from None
    finally:
        loader.dispose()
    doc = Document(data)
    if node is not None:
        _walk(node, (), doc)
    return doc


def _walk(node: yaml.Node, path: Path_, doc: Document) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1
            if key in seen:
                where = "/".join(str(p) for p in path) or "top level"
                doc.problems.append(
                    Problem(
                        f"duplicate key {key!r} (also on line {seen[key]}); only one value can be kept",
                        where,
                        line,
                    )
                )
                continue
            seen[key] = line
            doc.lines[(*path, key)] = line
            _walk(value_node, (*path, key), doc)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            doc.lines[(*path, index)] = item.start_mark.line + 1
            _walk(item, (*path, index), doc)
