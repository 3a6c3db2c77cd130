"""Which format a file name means: journeys and drawings (tables: :func:`nlp.tables.table_suffix`).

One mapping per kind of file, read by :func:`nlp.output.format_of`, so every reader, writer and
command tells a format from a suffix the same way and says the same thing when it cannot:
``cannot tell the format of X from its suffix '.foo'; use one of: ...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from os import PathLike
from typing import Literal

from nlp.output import format_of

__all__ = ["DRAWING_FORMATS", "JOURNEY_FILE_FORMATS", "JOURNEY_FORMATS", "REPORT_FORMATS", "drawing_format",
           "journey_format"]

JourneyFormat = Literal["yaml", "json", "xlsx", "csv", "node-link", "graphml"]

#: Journey files proper: what :func:`journeymap.load_journey` reads and :func:`journeymap.save_journey` writes
#: (the workbook and the CSV files: :mod:`journeymap.spreadsheet`).
JOURNEY_FILE_FORMATS: Mapping[str, JourneyFormat] = {
    ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".xlsx": "xlsx", ".touchpoints.csv": "csv",
}
#: Every file a journey can be read from or written to (:func:`journeymap.convert.read_any`).
JOURNEY_FORMATS: Mapping[str, JourneyFormat] = {
    **JOURNEY_FILE_FORMATS, ".node-link.json": "node-link", ".nodelink.json": "node-link", ".graphml": "graphml",
}
#: Every file a journey can be drawn into (:func:`journeymap.draw.render.render_journey`); the canvas
#: takes the first three.
DRAWING_FORMATS: Mapping[str, str] = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".mmd": "mmd"}
#: The HTML report.
REPORT_FORMATS: Mapping[str, str] = {".html": "html", ".htm": "html"}


def journey_format(path: str | PathLike[str], formats: Mapping[str, JourneyFormat] = JOURNEY_FORMATS) -> JourneyFormat:
    """The journey format of ``path`` (``x.node-link.json`` is node-link, ``x.json`` a journey file);
    ``formats`` narrows the choice (e.g. :data:`JOURNEY_FILE_FORMATS`). Else a :class:`~nlp.errors.DataError`.

    >>> journey_format("hanh_trinh.YML"), journey_format("g.node-link.json")
    ('yaml', 'node-link')
    """
    return format_of(path, formats)


def drawing_format(path: str | PathLike[str], formats: tuple[str, ...] = tuple(DRAWING_FORMATS.values())) -> str:
    """The drawing format of ``path`` (``"svg"``, ``"png"``, ``"pdf"``, ``"dot"``, ``"mmd"``), among
    ``formats``; else a :class:`~nlp.errors.DataError`.

    >>> drawing_format("ban_do.PDF", ("svg", "png", "pdf"))
    'pdf'
    """
    return format_of(path, {suffix: fmt for suffix, fmt in DRAWING_FORMATS.items() if fmt in formats})
