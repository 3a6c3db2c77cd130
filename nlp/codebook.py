"""Codebooks: what each label of a coding scheme means, in a YAML or JSON file.

A codebook holds one or more *groups* of labels. A single-label group (``multi: false``, such as
the sentiment) gives every comment exactly one of its labels; a several-labels group
(``multi: true``, such as the causes) gives a comment any number of them, none included. Every
label has a stable ``id`` (what data files and models hold), a Vietnamese and an English name, a
definition, what it includes and excludes, and examples::

    codebook: my survey          # a name (optional)
    version: 1                   # optional
    groups:
      - id: causes               # the column or model head it codes
        vi: Nguyên nhân
        en: Causes
        multi: true
        definition: ...          # optional
        labels:
          - id: wait_time
            vi: Thời gian chờ lâu
            en: Long waiting time
            definition: ...      # optional, as are include, exclude and examples (lists of text)
            include: [queues, late delivery]
            exclude: [a slow app]
            examples: ["Đợi gần một tiếng mới tới lượt."]

The codebook of the shipped model (sentiment and the six causes) is :func:`default_codebook`; it
agrees with :data:`nlp.labels.SENTIMENTS` and :data:`nlp.labels.CAUSES`. Copy its file
(``nlp/codebooks/default.yaml``) to start one of your own.

Every problem in a codebook file is a :class:`~nlp.errors.DataError` naming the file, the line
(YAML) and the key path (``groups[1].labels[0].vi``), and saying what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from os import PathLike
from pathlib import Path
from typing import Any, Literal

from .errors import DataError, excerpt, require_file

__all__ = [
    "NAMES",
    "Codebook",
    "CodebookLabel",
    "LabelGroup",
    "default_codebook",
    "default_codebook_path",
    "load_codebook",
]

#: What ``--names`` may ask for: the labels' ids, or their Vietnamese or English names.
NAMES = ("ids", "vi", "en")

_BOOK_KEYS = {"codebook": "a name", "version": "a number or text", "description": "text", "groups": "a list of groups"}
_GROUP_KEYS = {"id": "text", "vi": "text", "en": "text", "multi": "true or false", "definition": "text",
               "labels": "a list of labels"}
_LABEL_KEYS = {"id": "text", "vi": "text", "en": "text", "definition": "text", "include": "a list of text",
               "exclude": "a list of text", "examples": "a list of text"}
_LIST_KEYS = ("include", "exclude", "examples")


@dataclass(frozen=True)
class CodebookLabel:
    """One label: its id, names, definition, what it includes and excludes, and examples."""

    id: str
    vi: str
    en: str
    definition: str = ""
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()

    def name(self, names: str = "vi") -> str:
        """The label as ``names`` asks: ``"vi"``, ``"en"`` or ``"ids"``."""
        return {"ids": self.id, "vi": self.vi, "en": self.en}[names]


@dataclass(frozen=True)
class LabelGroup:
    """A group of labels coding one thing: one label per comment (``multi=False``) or several."""

    id: str
    vi: str
    en: str
    multi: bool
    labels: tuple[CodebookLabel, ...]
    definition: str = ""

    @property
    def ids(self) -> tuple[str, ...]:
        """The label ids, in the codebook's order."""
        return tuple(label.id for label in self.labels)

    def names(self, names: str = "vi") -> dict[str, str]:
        """``{id: name}`` for ``names`` in ``"vi"``, ``"en"``, ``"ids"``."""
        if names not in NAMES:
            raise ValueError(f"names must be one of {', '.join(NAMES)}; got {names!r}")
        return {label.id: label.name(names) for label in self.labels}

    def check(self, labels: Iterable[str], where: str) -> None:
        """Refuse labels the group does not define: a :class:`DataError` listing both sets.

        ``where`` says where the labels come from ("comments.csv, column 'causes'").

        >>> default_codebook().group("sentiment").check(["positive", "happy"], "survey.csv, column 'code'")
        Traceback (most recent call last):
        ...
        nlp.errors.DataError: survey.csv, column 'code' has the label 'happy', which the codebook's group 'sentiment' does not define; its labels are: negative, neutral, positive. The labels found: happy, positive. Add the label to the codebook or correct the data.
        """
        found = sorted({str(label) for label in labels})
        unknown = [label for label in found if label not in self.ids]
        if unknown:
            which = "the label" if len(unknown) == 1 else "the labels"
            raise DataError(
                f"{where} has {which} {', '.join(repr(x) for x in unknown[:20])}"
                f"{f' and {len(unknown) - 20} more' if len(unknown) > 20 else ''}, which the codebook's group "
                f"{self.id!r} does not define; its labels are: {', '.join(self.ids)}. The labels found: "
                f"{', '.join(found[:40])}{' …' if len(found) > 40 else ''}. Add the label to the codebook or "
                "correct the data."
            )


@dataclass(frozen=True)
class Codebook:
    """Groups of labels with their definitions, read by :func:`load_codebook`."""

    groups: tuple[LabelGroup, ...]
    name: str = ""
    version: str = ""
    source: str = ""

    def group(self, group_id: str) -> LabelGroup:
        """The group ``group_id``; else a :class:`DataError` listing the groups."""
        for group in self.groups:
            if group.id == group_id:
                return group
        raise DataError(f"the codebook {self.source or self.name} has no group {group_id!r}; its groups are: "
                        f"{', '.join(g.id for g in self.groups)}")

    def group_for(self, column: str, *, multi: bool) -> LabelGroup:
        """The group coding ``column``: the group with that id, else the only single-label
        (``multi=False``) or several-labels (``multi=True``) group; else a :class:`DataError`.

        >>> default_codebook().group_for("nhan_xet", multi=True).id
        'causes'
        """
        kind = "several-labels" if multi else "single-label"
        for group in self.groups:
            if group.id == column:
                if group.multi != multi:
                    other = "single-label" if multi else "several-labels"
                    raise DataError(f"the codebook's group {column!r} is {other}, but {column!r} is used as a "
                                    f"{kind} column; set multi: {str(multi).lower()} in the codebook or use the "
                                    "other option")
                return group
        fitting = [group for group in self.groups if group.multi == multi]
        if len(fitting) == 1:
            return fitting[0]
        if not fitting:
            raise DataError(f"the codebook {self.source or self.name} has no {kind} group (multi: "
                            f"{str(multi).lower()}) for {column!r}; its groups are: "
                            f"{', '.join(g.id for g in self.groups)}")
        raise DataError(f"the codebook {self.source or self.name} has several {kind} groups "
                        f"({', '.join(g.id for g in fitting)}) and none is named {column!r}: name the group after "
                        "the column it codes")


def default_codebook_path() -> Path:
    """The file of the default codebook (sentiment and the six causes), inside the package."""
    return Path(__file__).with_name("codebooks") / "default.yaml"


@lru_cache(maxsize=1)
def default_codebook() -> Codebook:
    """The codebook of the shipped model: the sentiment and the six causes (version 2: causes do not
    depend on the sentiment).

    >>> book = default_codebook()
    >>> [g.id for g in book.groups], book.group("causes").names("vi")["wait_time"]
    (['sentiment', 'causes'], 'Thời gian chờ lâu')
    """
    return load_codebook(default_codebook_path())


class _Where(str):
    """A key path with the line it starts on, for messages."""


def _yaml_loader() -> Any:
    import yaml

    class Loader(yaml.SafeLoader):
        """SafeLoader that remembers each mapping's line and refuses a key given twice."""

    def construct_mapping(loader: Any, node: Any, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (str, int, float, bool)) and key in seen:
                raise DataError(f"line {key_node.start_mark.line + 1}: the key {key!r} is given twice in the same "
                                f"mapping (first on line {seen[key]}); give each key once")
            if isinstance(key, (str, int, float, bool)):
                seen[key] = key_node.start_mark.line + 1
        mapping = _Lined(yaml.SafeLoader.construct_mapping(loader, node, deep=True))
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {k: v for k, v in seen.items()}
        return mapping

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return Loader


class _Lined(dict):
    """A mapping read from YAML, with the line it starts on and the line of each key."""

    line: int | None = None
    key_lines: dict[Any, int] = {}  # noqa: RUF012 - replaced per instance


def _read(path: Path) -> Any:
    text = path.read_bytes()
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DataError(f"codebook {path} is not UTF-8 (byte {error.start}); save it as UTF-8") from None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(decoded)
        except json.JSONDecodeError as error:
            raise DataError(f"codebook {path}, line {error.lineno}, column {error.colno}: not valid JSON: "
                            f"{error.msg}") from None
    import yaml

    try:
        return yaml.load(decoded, Loader=_yaml_loader())  # a SafeLoader subclass
    except DataError as error:
        raise DataError(f"codebook {path}, {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        raise DataError(f"codebook {path}{line}: not valid YAML: {problem}") from None


class _Reader:
    """Turns the parsed file into a :class:`Codebook`, naming file, line and key path in every message."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, where: str, mapping: Any, key: str | None, message: str) -> DataError:
        line = None
        if isinstance(mapping, _Lined):
            line = mapping.key_lines.get(key, mapping.line) if key is not None else mapping.line
        at = f", line {line}" if line is not None else ""
        path = f"{where}.{key}" if key is not None and where else key or where or "the top level"
        return DataError(f"codebook {self.path}{at}, {path}: {message}")

    def mapping(self, value: Any, where: str, parent: Any, key: str | None, allowed: Mapping[str, str],
                required: tuple[str, ...]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(where, parent, key, f"expected a mapping with the keys {', '.join(allowed)}; got "
                                                f"{type(value).__name__} {excerpt(value)}")
        for name in value:
            if name not in allowed:
                raise self.fail(where, value, name if isinstance(name, str) else None,
                                f"unknown key {excerpt(name)}; the keys allowed are: "
                                + ", ".join(f"{k} ({v})" for k, v in allowed.items()))
        for name in required:
            if name not in value or value[name] is None or value[name] == "":
                raise self.fail(where, value, None, f"the key {name!r} ({allowed[name]}) is missing or empty; "
                                                    f"required keys: {', '.join(required)}")
        return value

    def text(self, mapping: Mapping[str, Any], key: str, where: str) -> str:
        value = mapping.get(key, "")
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.fail(where, mapping, key, f"expected text; got {type(value).__name__} {excerpt(value)}")
        return str(value).strip()

    def texts(self, mapping: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
        value = mapping.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value.strip(),)
        if not isinstance(value, list) or any(isinstance(v, (dict, list, bool)) or v is None for v in value):
            raise self.fail(where, mapping, key, f"expected a list of text; got {excerpt(value)}")
        return tuple(str(v).strip() for v in value)

    def label(self, value: Any, where: str, parent: Any, key: str, multi: bool) -> CodebookLabel:
        data = self.mapping(value, where, parent, key, _LABEL_KEYS, ("id", "vi", "en"))
        label_id = self.text(data, "id", where)
        if multi and "," in label_id:
            raise self.fail(where, data, "id", f"the label {label_id!r} contains ','; several labels are written in "
                                               "one cell joined by ',', so a label of a multi group cannot contain it")
        return CodebookLabel(label_id, self.text(data, "vi", where), self.text(data, "en", where),
                             self.text(data, "definition", where),
                             *(self.texts(data, k, where) for k in _LIST_KEYS))

    def group(self, value: Any, where: str, parent: Any) -> LabelGroup:
        data = self.mapping(value, where, parent, None, _GROUP_KEYS, ("id", "multi", "labels"))
        multi = data["multi"]
        if not isinstance(multi, bool):
            raise self.fail(where, data, "multi", f"expected true (several labels per comment) or false (exactly "
                                                  f"one); got {excerpt(multi)}")
        labels_value = data["labels"]
        if not isinstance(labels_value, list) or not labels_value:
            raise self.fail(where, data, "labels", f"expected a list of at least one label; got {excerpt(labels_value)}")
        labels = [self.label(v, f"{where}.labels[{i}]", data, "labels", multi) for i, v in enumerate(labels_value)]
        seen: set[str] = set()
        for i, label in enumerate(labels):
            if label.id in seen:
                raise self.fail(f"{where}.labels[{i}]", labels_value[i], "id",
                                f"the label id {label.id!r} is defined twice in the group; give each label once")
            seen.add(label.id)
        return LabelGroup(self.text(data, "id", where), self.text(data, "vi", where), self.text(data, "en", where),
                          multi, tuple(labels), self.text(data, "definition", where))

    def book(self, value: Any) -> Codebook:
        data = self.mapping(value, "", None, None, _BOOK_KEYS, ("groups",))
        groups_value = data["groups"]
        if not isinstance(groups_value, list) or not groups_value:
            raise self.fail("", data, "groups", f"expected a list of at least one group; got {excerpt(groups_value)}")
        groups = [self.group(v, f"groups[{i}]", data) for i, v in enumerate(groups_value)]
        seen: set[str] = set()
        for i, group in enumerate(groups):
            if group.id in seen:
                raise self.fail(f"groups[{i}]", groups_value[i], "id",
                                f"the group id {group.id!r} is used twice; give each group once")
            seen.add(group.id)
        return Codebook(tuple(groups), self.text(data, "codebook", ""), self.text(data, "version", ""),
                        str(self.path))


def load_codebook(path: str | PathLike[str] | Literal["default"]) -> Codebook:
    """Read a codebook from a YAML (``.yaml``, ``.yml``) or JSON (``.json``) file; ``"default"`` is
    :func:`default_codebook`.

    Raises
    ------
    InputNotFoundError
        No such file.
    DataError
        A file that is not valid YAML or JSON, an unknown or missing key, a value of the wrong kind, a
        label or group defined twice, a label of a several-labels group containing ``,``: the
        message names the file, the line (YAML) and the key path, and what is allowed.
    """
    if isinstance(path, str) and path == "default":
        return default_codebook()
    path = require_file(path, "codebook")
    if path.suffix.lower() not in (".yaml", ".yml", ".json"):
        raise DataError(f"cannot tell the format of the codebook {path} from its suffix {path.suffix!r}; use one "
                        "of: .yaml, .yml, .json")
    return _Reader(path).book(_read(path))
