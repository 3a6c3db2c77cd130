"""Convert journeys between journey files, networkx node-link JSON and GraphML, by file suffix."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from nlp.output import check_output

from ._formats import journey_format
from .journey import Journey

__all__ = ["convert_journey", "kind_of", "read_any", "write_any"]

Kind = Literal["journey", "node-link", "graphml"]


def kind_of(path: str | Path) -> Kind:
    """What a path holds, from its name (``x.node-link.json`` is node-link, ``x.json`` a journey);
    else a :class:`~nlp.errors.DataError` (a ``ValueError``) listing the suffixes allowed."""
    fmt = journey_format(path)
    return "journey" if fmt in ("yaml", "json", "xlsx", "csv") else fmt  # type: ignore[return-value]


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
    """Read ``source`` and write it to ``target`` (its missing folders created).

    Refused before anything is read: a ``target`` that is the input, names a folder, or has a
    suffix that names no journey format.
    """
    source, target = Path(source), check_output(target, source)
    kind_of(target)
    return write_any(read_any(source), target)
