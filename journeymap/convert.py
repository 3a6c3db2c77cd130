"""Convert journeys between journey files, networkx node-link JSON and GraphML, by file suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from nlp.errors import refuse_overwrite

from .journey import Journey

__all__ = ["convert_journey", "kind_of", "read_any", "write_any"]

Kind = Literal["journey", "node-link", "graphml"]
_SUFFIXES = ".yaml, .yml, .json (journey file), .node-link.json (networkx node-link), .graphml"


def kind_of(path: Path) -> Kind:
    """What a path holds, from its name (``x.node-link.json`` is node-link, ``x.json`` a journey)."""
    name = path.name.lower()
    if name.endswith((".node-link.json", ".nodelink.json")):
        return "node-link"
    if name.endswith(".graphml"):
        return "graphml"
    if name.endswith((".yaml", ".yml", ".json")):
        return "journey"
    raise ValueError(f"cannot tell the journey format of {path.name!r}; use one of {_SUFFIXES}")


def read_any(path: str | Path) -> Journey:
    """Load a journey from any supported format."""
    from nlp.errors import require_file

    from .io import load_journey, read_graphml, read_node_link

    path = Path(path)
    reader = {"journey": load_journey, "node-link": read_node_link, "graphml": read_graphml}[kind_of(path)]
    return reader(require_file(path, "journey file"))


def write_any(journey: Journey, path: str | Path) -> Path:
    """Write a journey in the format its suffix names."""
    from .io import save_journey, write_graphml, write_node_link

    path = Path(path)
    writer = {"journey": save_journey, "node-link": write_node_link, "graphml": write_graphml}[kind_of(path)]
    return writer(journey, path)


def convert_journey(source: str | Path, target: str | Path) -> Path:
    """Read ``source`` and write it to ``target``; refuses to overwrite the input."""
    source, target = Path(source), refuse_overwrite(target, source)
    return write_any(read_any(source), target)
