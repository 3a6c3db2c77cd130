"""Reading and writing journeys: YAML/JSON journey files, networkx node-link JSON and GraphML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from nlp.errors import require_file
from nlp.output import atomic_path, write_text

from ._parse import Format, format_for, parse_document, read_bytes, read_text
from .errors import JourneyValidationError, Problem, excerpt
from .journey import Journey
from .validation import validate_journey_data

__all__ = [
    "dumps_journey",
    "load_journey",
    "loads_journey",
    "read_graphml",
    "read_node_link",
    "save_journey",
    "write_graphml",
    "write_node_link",
]

# Attributes that GraphML cannot hold natively (lists and mappings) travel as JSON text.
_JSON_ENCODED = ("stages", "experience", "aliases", "pain_points", "opportunities", "metrics", "personas", "lanes",
                 "stage_info", "by_persona")


def load_journey(path: str | Path) -> Journey:
    """Load and validate a journey file (``.yaml``, ``.yml``, ``.json``, a workbook ``.xlsx`` or the CSV
    files ``X.touchpoints.csv`` …; see :mod:`journeymap.spreadsheet` for the last two).

    The file must be a regular file of at most 50 MB, in UTF-8 (or UTF-16/UTF-32 with a
    byte-order mark), nested at most 64 levels deep; YAML aliases and merge keys work, within a
    budget that refuses alias bombs. Every text is NFC-normalised with ``\\n`` line breaks, and may
    not hold control characters, non-characters or invisible format characters such as U+FEFF;
    every number must be finite. See :mod:`journeymap._parse` and :mod:`journeymap._schema`.

    Raises
    ------
    JourneyValidationError
        Listing every problem in the file with its line, location, value and what is allowed.
    InputNotFoundError
        When the file does not exist (a ``FileNotFoundError`` and a ``DataError``).

    Examples
    --------
    >>> from journeymap import sample_journey_paths
    >>> path = next(p for p in sample_journey_paths() if p.stem == "mo_tai_khoan_ngan_hang")
    >>> load_journey(path).stages[0]
    'Nhận biết'
    """
    path = require_file(path, "journey file")
    fmt = format_for(path)
    if fmt == "xlsx" or fmt == "csv":
        from .spreadsheet import read_journey_csv, read_journey_xlsx

        journey = read_journey_xlsx(path) if fmt == "xlsx" else read_journey_csv(path)
    else:
        journey = loads_journey(read_text(path), "json" if fmt == "json" else "yaml", source=str(path))
    journey.folder = Path(path).resolve().parent  # persona photos are read relative to the file
    return journey


def loads_journey(text: str, fmt: Format = "yaml", *, source: str | None = None) -> Journey:
    """Parse and validate journey text in ``fmt`` (``"yaml"`` or ``"json"``)."""
    document = parse_document(text, fmt, source=source)
    spec = validate_journey_data(document.data, document=document, source=source)
    journey = Journey.from_spec(spec)
    if document.split_lists:
        from .validation import describe_path

        journey.split_lists = tuple((describe_path(path, document.data), line, tuple(items))
                                    for path, line, items in document.split_lists)
    return journey


def dumps_journey(journey: Journey, fmt: Format = "yaml") -> str:
    """The journey as file text; loading it back gives an equal journey."""
    journey.validate()
    data = journey.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_JourneyDumper, allow_unicode=True, sort_keys=False, width=100)


def save_journey(journey: Journey, path: str | Path) -> Path:
    """Validate and write the journey as YAML, JSON, a workbook (``.xlsx``) or the CSV files
    (``X.touchpoints.csv``), chosen by the file suffix.

    Like every writer of cx, it writes a temporary file beside ``path`` and renames it when done
    (no half-written file, ever) and creates missing folders.
    """
    path = Path(path)
    fmt = format_for(path)
    if fmt == "xlsx" or fmt == "csv":
        from .spreadsheet import write_journey_csv, write_journey_xlsx

        return write_journey_xlsx(journey, path) if fmt == "xlsx" else write_journey_csv(journey, path)
    text = dumps_journey(journey, "json" if fmt == "json" else "yaml")
    return write_text(path, text)


def write_node_link(journey: Journey, path: str | Path) -> Path:
    """Validate and write networkx node-link JSON (``networkx.node_link_data``)."""
    journey.validate()  # a graph edited by hand must not put what the contract refuses into the file
    data = nx.node_link_data(journey.graph, edges="edges")
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2))


def read_node_link(path: str | Path) -> Journey:
    """Read node-link JSON written by :func:`write_node_link` (or networkx) and validate it.

    The file is read under the journey files' rules (size, nesting, NFC text; see
    :mod:`journeymap._parse`); a file that is not node-link JSON (no ``nodes`` list, a node
    without ``id``, an edge without ``source``/``target``) raises :class:`JourneyValidationError`
    naming the place.
    """
    path = require_file(path, "node-link file")
    source = str(path)
    document = parse_document(read_text(path), "json", source=source)
    data = document.data
    problems = _node_link_problems(data)
    if problems:
        raise JourneyValidationError(
            [Problem(what, where, document.line_of(at)) for what, where, at in problems], source=source
        )
    try:
        graph = nx.node_link_graph(data, edges="edges")
    except (KeyError, TypeError, ValueError, nx.NetworkXError) as exc:  # shapes checked above; kept as a guard
        raise JourneyValidationError([Problem(f"not networkx node-link JSON: {exc}")], source=source) from None
    return Journey.from_graph(graph, source=source)


_NODE_LINK = "networkx node-link JSON: an object with a 'nodes' list and an 'edges' list"


def _node_link_problems(data: Any) -> list[tuple[str, str, tuple[Any, ...]]]:
    """``(what, where, path)`` for every way ``data`` is not node-link JSON a journey can come from."""
    if not isinstance(data, dict):
        return [(f"expected {_NODE_LINK}, found {type(data).__name__} {excerpt(data)}", "top level", ())]
    problems: list[tuple[str, str, tuple[Any, ...]]] = []
    for key, needed in (("nodes", ("id",)), ("edges", ("source", "target"))):
        items = data.get(key)
        if not isinstance(items, list):
            found = "nothing" if items is None else f"{type(items).__name__} {excerpt(items)}"
            problems.append((f"expected {_NODE_LINK}; '{key}' is {found}", key, (key,)))
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                problems.append((f"expected an object, found {excerpt(item)}", f"{key}[{index}]", (key, index)))
                continue
            for field in needed:
                value = item.get(field)
                if not isinstance(value, (str, int)) or isinstance(value, bool):
                    problems.append((f"'{field}' must be a touchpoint id (text), found {excerpt(value)}", f"{key}[{index}]", (key, index, field)))
    if not isinstance(data.get("graph", {}), dict):
        problems.append((f"'graph' must be an object of journey attributes, found {excerpt(data['graph'])}", "graph", ("graph",)))
    return problems[:50]


def write_graphml(journey: Journey, path: str | Path) -> Path:
    """Validate and write GraphML (Gephi, yEd, Cytoscape); list and mapping attributes are stored as
    JSON text. Validation first: text the contract refuses (control characters, …) would make
    malformed XML."""
    path = Path(path)
    journey.validate()
    graph = journey.graph.copy()
    for attrs in [graph.graph, *(a for _, a in graph.nodes(data=True))]:
        for key in _JSON_ENCODED:
            if key in attrs:
                attrs[key] = json.dumps(attrs[key], ensure_ascii=False)
    with atomic_path(path) as temp:
        nx.write_graphml(graph, temp, encoding="utf-8")
    return path


def read_graphml(path: str | Path) -> Journey:
    """Read GraphML written by :func:`write_graphml` and validate it.

    The file must be a regular file of at most 50 MB (as journey files). Malformed XML, a file
    without a graph and attributes that should hold JSON but do not raise
    :class:`JourneyValidationError` with the file and the place.
    """
    from xml.etree.ElementTree import ParseError

    path = require_file(path, "GraphML file")
    source = str(path)
    raw = read_bytes(path)
    try:
        graph = nx.parse_graphml(raw)
    except ParseError as exc:
        line, column = exc.position
        raise JourneyValidationError(
            [Problem(f"not well-formed GraphML (XML): {_xml_reason(exc)}", f"column {column + 1}", line)], source=source
        ) from None
    except (nx.NetworkXError, KeyError, TypeError, ValueError) as exc:
        raise JourneyValidationError([Problem(f"cannot read the file as GraphML: {excerpt(str(exc))}")], source=source) from None
    for owner, attrs in [("the graph", graph.graph), *((f"node {excerpt(n)}", a) for n, a in graph.nodes(data=True))]:
        for key in _JSON_ENCODED:
            if isinstance(attrs.get(key), str):
                try:
                    attrs[key] = json.loads(attrs[key])
                except (ValueError, RecursionError):
                    raise JourneyValidationError(
                        [Problem(f"attribute {key!r} of {owner} must be JSON text (as cx writes it), found {excerpt(attrs[key])}")],
                        source=source,
                    ) from None
    return Journey.from_graph(graph, source=source)


def _xml_reason(exc: Exception) -> str:
    """ElementTree's reason without its own "line 3, column 4" (the place is given separately)."""
    return str(exc).split(": line ", 1)[0]


class _JourneyDumper(yaml.SafeDumper):
    """Short lists and transitions in flow style, the way people write journey files by hand."""


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    short = all(isinstance(v, (int, float)) or (isinstance(v, str) and len(v) < 40) for v in data)
    flow = short and sum(len(str(v)) + 2 for v in data) < 90
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flow = "from" in data or ("csat" in data or "nps" in data or "ttr_hours" in data)
    flow = flow and all(isinstance(v, (str, int, float)) for v in data.values())
    return dumper.represent_mapping("tag:yaml.org,2002:map", data.items(), flow_style=flow)


_JourneyDumper.add_representer(list, _represent_list)
_JourneyDumper.add_representer(dict, _represent_dict)
