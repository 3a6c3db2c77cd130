"""The report's inputs: each table read once, the event log described without loading it, the journey."""

from __future__ import annotations

from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.errors import require_file

from .. import fmt
from ..journey import Journey

if TYPE_CHECKING:

    from nlp.tables import Table




# -- inputs ------------------------------------------------------------------------------------------


@dataclass
class _Input:
    """One data input: where it came from (for the footer), its columns, and the table read once."""

    label: str
    origin: str
    columns: list[str]
    table: Table | None = None


def _as_path(data: Any, parameter: str) -> Path | None:
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        return None
    if isinstance(data, (str, PathLike)):
        return require_file(data, parameter)
    raise TypeError(f"{parameter} must be a pandas DataFrame or the path of a file; got {type(data).__name__}")


def _describe_table(data: Any, parameter: str, label: str) -> _Input:
    """A small table input (comments, survey, tickets), read once: every section gets this table."""
    from nlp.tables import load_table

    table = load_table(data, parameter)
    origin = "DataFrame" if table.path is None else table.path.name
    return _Input(label, f"{origin}, {fmt.number(len(table.frame))} dòng", [str(c) for c in table.frame.columns], table)


def describe_events(events: Any) -> _Input:
    """Columns of an event log without loading it (it may hold millions of rows)."""
    path = _as_path(events, "events")
    if path is None:
        return _Input("Nhật ký sự kiện", f"DataFrame, {fmt.number(len(events))} dòng", [str(c) for c in events.columns])
    from .._eventlog import log_columns

    return _Input("Nhật ký sự kiện", path.name, log_columns(path))


def _load_journey(journey: Journey | str | PathLike[str]) -> tuple[Journey, str]:
    if isinstance(journey, Journey):
        return journey, "tạo trực tiếp trong Python (không đọc từ tệp)"
    if isinstance(journey, (str, PathLike)):
        from ..convert import read_any

        path = require_file(journey, "journey")
        return read_any(path), path.name
    raise TypeError(f"journey must be a journeymap.Journey or the path of a journey file; got {type(journey).__name__}")


def _names(journey: Journey) -> dict[str, str]:
    return {node: attrs["name"] for node, attrs in journey.graph.nodes(data=True)}
