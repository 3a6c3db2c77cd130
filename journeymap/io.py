"""Reading and writing journeys: YAML/JSON journey files, networkx node-link JSON and GraphML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx
import yaml

from nlp.errors import require_file
from nlp.output import atomic_path, write_text

from ._parse import Format, format_for, parse_document, read_text
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
_JSON_ENCODED = ("stages", "experience", "aliases", "pain_points", "opportunities", "metrics")


def load_journey(path: str | Path) -> Journey:
    """Load and validate a journey file (``.yaml``, ``.yml`` or ``.json``).

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
    return loads_journey(read_text(path), fmt, source=str(path))


def loads_journey(text: str, fmt: Format = "yaml", *, source: str | None = None) -> Journey:
    """Parse and validate journey text in ``fmt`` (``"yaml"`` or ``"json"``)."""
    document = parse_document(text, fmt, source=source)
    spec = validate_journey_data(document.data, document=document, source=source)
    return Journey.from_spec(spec)


def dumps_journey(journey: Journey, fmt: Format = "yaml") -> str:
    """The journey as file text; loading it back gives an equal journey."""
    journey.validate()
    data = journey.to_dict()
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_JourneyDumper, allow_unicode=True, sort_keys=False, width=100)


def save_journey(journey: Journey, path: str | Path) -> Path:
    """Validate and write the journey as YAML or JSON, chosen by the file suffix.

    Like every writer of cx, it writes a temporary file beside ``path`` and renames it when done
    (no half-written file, ever) and creates missing folders.
    """
    path = Path(path)
    text = dumps_journey(journey, format_for(path))
    return write_text(path, text)


def write_node_link(journey: Journey, path: str | Path) -> Path:
    """Write networkx node-link JSON (``networkx.node_link_data``)."""
    data = nx.node_link_data(journey.graph, edges="edges")
    return write_text(path, json.dumps(data, ensure_ascii=False, indent=2))


def read_node_link(path: str | Path) -> Journey:
    """Read node-link JSON written by :func:`write_node_link` (or networkx) and validate it."""
    data = json.loads(read_text(require_file(path, "node-link file")))
    return Journey.from_graph(nx.node_link_graph(data, edges="edges"))


def write_graphml(journey: Journey, path: str | Path) -> Path:
    """Write GraphML (Gephi, yEd, Cytoscape); list and mapping attributes are stored as JSON text."""
    path = Path(path)
    graph = journey.graph.copy()
    for attrs in [graph.graph, *(a for _, a in graph.nodes(data=True))]:
        for key in _JSON_ENCODED:
            if key in attrs:
                attrs[key] = json.dumps(attrs[key], ensure_ascii=False)
    with atomic_path(path) as temp:
        nx.write_graphml(graph, temp, encoding="utf-8")
    return path


def read_graphml(path: str | Path) -> Journey:
    """Read GraphML written by :func:`write_graphml` and validate it."""
    graph = nx.read_graphml(require_file(path, "GraphML file"))
    for attrs in [graph.graph, *(a for _, a in graph.nodes(data=True))]:
        for key in _JSON_ENCODED:
            if isinstance(attrs.get(key), str):
                attrs[key] = json.loads(attrs[key])
    return Journey.from_graph(graph)


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
