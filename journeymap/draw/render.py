"""Draw a journey to a file: Graphviz (system ``dot``, else the bundled one), or Mermaid for ``.mmd``."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Literal

from nlp.output import write_bytes

from .._formats import DRAWING_FORMATS, drawing_format
from ..errors import DataError, GraphvizNotFoundError, RenderError
from ..journey import Journey
from .dot import LEGEND_PT, ColorBy, journey_dot_and_layout, journey_to_dot
from .layout import CHIP_PT, EDGE_PT, EXIT_PT, LANE_PT, META_PT, MIN_PRINT_PT, NAME_PT, VISIBILITY_PT, JourneyLayout
from .mermaid import write_mermaid

__all__ = ["ColorBy", "Engine", "OutputFormat", "journey_page_svgs", "journey_to_svg", "render_dot", "render_journey"]

OutputFormat = Literal["svg", "png", "pdf", "dot", "mmd"]
Engine = Literal["auto", "system", "bundled"]
FORMATS: tuple[str, ...] = tuple(DRAWING_FORMATS.values())
PNG_DPI = 144


def render_journey(
    journey: Journey,
    out: str | Path,
    *,
    color_by: ColorBy = "emotion",
    engine: Engine = "auto",
    backstage: bool = False,
    persona: str | None = None,
) -> Path:
    """Draw ``journey`` to ``out``; the suffix (``.svg``, ``.png``, ``.pdf``, ``.dot``, ``.mmd``) picks the format.

    ``.mmd`` writes a Mermaid ``journey`` diagram (:func:`journeymap.draw.mermaid.write_mermaid`) and
    needs no Graphviz: its task scores come from the CES when ``color_by="ces"``, else from the
    emotion.

    Parameters
    ----------
    journey
        The journey to draw.
    out
        Output path.
    color_by
        Fill touchpoints by ``"emotion"``, ``"ces"`` or ``"none"``.
    engine
        ``"system"`` runs the ``dot`` program on ``PATH``; ``"bundled"`` uses the Graphviz inside
        the pygraphviz wheel; ``"auto"`` (default) prefers the system one.
    backstage
        For ``.mmd`` only: add the backstage touchpoints in a last section (the flow diagram
        always shows them).
    persona
        For ``.mmd`` only: score the tasks as this persona lives the journey (their ``by_persona``
        values; see :func:`journeymap.draw.mermaid.journey_to_mermaid`). The flow diagram draws the
        touchpoints' own values, so another format with ``persona`` is a ``DataError``.

    Returns
    -------
    Path
        The file written (through a temporary file renamed when complete; missing folders created).

    Raises
    ------
    DataError
        A suffix that names no drawing format (checked before anything is drawn), or ``out``
        naming a folder.
    """
    out = Path(out)
    fmt = drawing_format(out)
    if fmt == "mmd":
        return write_mermaid(journey, out, score="ces" if color_by == "ces" else "emotion", backstage=backstage,
                             persona=persona)
    if persona is not None:
        raise DataError(f"{out}: a persona's view (persona={persona!r}) is drawn in the Mermaid journey (.mmd) and on "
                        "the canvas (render_canvas / cx canvas --persona); the flow diagram (.svg, .png, .pdf, .dot) "
                        "shows the touchpoints' own values: write .mmd, or leave persona out")
    source = journey_to_dot(journey, color_by=color_by)
    data = source.encode("utf-8") if fmt == "dot" else render_dot(source, fmt, engine=engine)  # type: ignore[arg-type]
    return write_bytes(out, data)


def journey_to_svg(journey: Journey, *, color_by: ColorBy = "emotion", engine: Engine = "auto",
                   max_width: float | None = None) -> str:
    """The journey drawn as SVG text (what Jupyter shows for a :class:`Journey`); ``max_width`` (points)
    draws it narrow and tall, for pages (see :func:`journeymap.draw.dot.journey_to_dot`)."""
    return render_dot(journey_to_dot(journey, color_by=color_by, max_width=max_width), "svg",
                      engine=engine).decode("utf-8")


SMALLEST_PT = min(CHIP_PT, META_PT, EDGE_PT, EXIT_PT, NAME_PT, LANE_PT, VISIBILITY_PT, LEGEND_PT)
"""The smallest font size of the flow diagram, in points at its natural size."""

_SVG_NS = "http://www.w3.org/2000/svg"
_TRANSLATE = re.compile(r"translate\(([-\d.]+) ([-\d.]+)\)")
_PAIR_Y = re.compile(r"[-\d.]+,(-?[\d.]+)")


def journey_page_svgs(journey: Journey, *, width_mm: float, height_mm: float, first_height_mm: float | None = None,
                      color_by: ColorBy = "emotion", engine: Engine = "auto") -> list[str]:
    """The flow diagram for printing: drawn narrow enough for pages ``width_mm`` wide with its text at
    least :data:`~journeymap.draw.layout.MIN_PRINT_PT` (two touchpoint columns a row on A4
    landscape; see ``max_width`` of :func:`journeymap.draw.layout.layout_journey`), then cut into
    pages at most ``height_mm`` tall (``first_height_mm`` for the first, under a heading).

    A page ends between two rows of stages when that fills at least three quarters of it, else at
    the lowest height that crosses no touchpoint, label or stage header (only the lines of
    transitions run on to the next page).
    Each page is one SVG document, ``width_mm`` wide at print size: its ``viewBox`` shows its
    band of the whole drawing, so its font sizes times ``width / viewBox width`` are the printed sizes.
    Any journey drawn as a flow prints this way, among them the design and an event log on one
    diagram (:meth:`journeymap.compare.JourneyComparison.to_journey`, with its transitions labelled
    "thiết kế, không thấy" and "thực tế, ngoài thiết kế"), as the report prints it.
    """
    for name, value in (("width_mm", width_mm), ("height_mm", height_mm), ("first_height_mm", first_height_mm)):
        if value is not None and not value > 0:
            raise ValueError(f"{name} must be a positive number of millimetres; got {value!r}")
    page_w = width_mm / 25.4 * 72
    max_width = page_w * SMALLEST_PT / MIN_PRINT_PT - 40.0  # Graphviz's pad and rounding around the drawing
    source, layout = journey_dot_and_layout(journey, color_by=color_by, max_width=max_width)
    svg = render_dot(source, "svg", engine=engine).decode("utf-8")
    ET.register_namespace("", _SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    drawing = ET.fromstring(svg)
    graph = drawing.find(f"{{{_SVG_NS}}}g")
    shift = _TRANSLATE.search(graph.get("transform", "")) if graph is not None else None
    box = (drawing.get("viewBox") or "").split()
    if graph is None or shift is None or len(box) != 4:
        raise RenderError(f"Graphviz drew an SVG without the expected root and graph transform: {svg[:200]!r}")
    x0, y0, view_w, view_h = (float(v) for v in box)
    shift_y = float(shift.group(2))
    offset = shift_y - layout.height  # the SVG's y of the layout's y = 0
    scale = page_w / view_w
    cuts = _page_cuts(layout, [(h / 25.4 * 72) / scale for h in (first_height_mm or height_mm, height_mm)],
                      start=y0 - offset, end=y0 + view_h - offset)
    extents = [(child, _y_extent(child)) for child in graph]
    pages = []
    for top, bottom in itertools.pairwise(cuts):
        # each page holds only what reaches into its band (the report embeds every page)
        for child in list(graph):
            graph.remove(child)
        for child, extent in extents:
            if extent is None or (extent[0] + shift_y <= bottom + offset and extent[1] + shift_y >= top + offset):
                graph.append(child)
        drawing.set("width", f"{page_w:.2f}pt")
        drawing.set("height", f"{(bottom - top) * scale:.2f}pt")
        drawing.set("viewBox", f"{x0:.2f} {top + offset:.2f} {view_w:.2f} {bottom - top:.2f}")
        pages.append(ET.tostring(drawing, encoding="unicode"))
    return pages


def _y_extent(element: ET.Element) -> tuple[float, float] | None:
    """The lowest and highest y an element of Graphviz's SVG draws at (``None``: it draws nothing)."""
    ys: list[float] = []
    for part in element.iter():
        for name in ("points", "d"):
            ys += [float(y) for y in _PAIR_Y.findall(part.get(name, ""))]
        for name in ("y", "cy", "y1", "y2"):
            if part.get(name) is not None:
                ys.append(float(part.get(name, "0")))
    return (min(ys) - 20, max(ys) + 20) if ys else None  # 20: a text's height above its baseline, a stroke


def _page_cuts(layout: JourneyLayout, heights: list[float], *, start: float, end: float) -> list[float]:
    """Where the pages of a drawing begin and end (layout coordinates): the first page at most
    ``heights[0]`` tall, the others ``heights[1]``."""
    between = [(a.bottom + b.top) / 2 for a, b in itertools.pairwise(layout.blocks)]
    if layout.legend is not None and layout.legend.h and layout.blocks:
        between.append((layout.blocks[-1].bottom + layout.legend.rect[1]) / 2)
    busy: list[tuple[float, float]] = []
    rects = [box.rect for box in layout.nodes.values()]
    rects += [label.rect for label in layout.exit_labels.values()]
    rects += [(x - 3, y, x + 3, y + 22) for x, y in layout.exits.values()]  # the arrow to an exit's label
    rects += [route.label.rect for route in layout.edges if route.label is not None]
    for b, block in enumerate(layout.blocks):  # a stage header stays with the touchpoints under it
        tops = [box.rect[1] for box in layout.nodes.values() if box.block == b]
        rects.append((0.0, block.header_y - 17, 0.0, min(tops, default=block.header_y + 17)))
    for block in layout.blocks:
        rects += [label.rect for label in block.lane_labels.values()]
        if block.visibility_label is not None:
            rects.append(block.visibility_label.rect)
    for label in (layout.title, layout.legend):
        if label is not None:
            rects.append(label.rect)
    for _, y0, _, y1 in rects:
        busy.append((y0 - 4, y1 + 4))
    busy.sort()

    def free(y: float) -> bool:
        return not any(a < y < b for a, b in busy)

    cuts = [start]
    while end - cuts[-1] > heights[len(cuts) > 1]:
        top = cuts[-1]
        limit = top + heights[len(cuts) > 1]
        # between two rows of stages if that fills most of the page, else between touchpoints
        fits = [y for y in between if top + 0.75 * (limit - top) <= y <= limit]
        if not fits:
            edges = {b for _, b in busy if top + 20 < b <= limit} | ({limit} if free(limit) else set())
            fits = [y for y in edges if free(y)] or [y for y in between if top + 20 < y <= limit]
        cuts.append(max(fits) if fits else limit)
    cuts.append(end)
    return cuts


def render_dot(source: str, fmt: Literal["svg", "png", "pdf"], *, engine: Engine = "auto") -> bytes:
    """Render DOT text that carries its own positions (``layout=nop2``) to SVG, PNG or PDF bytes."""
    if engine not in ("auto", "system", "bundled"):
        raise ValueError(f"engine must be 'auto', 'system' or 'bundled'; got {engine!r}")
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(f"format must be 'svg', 'png' or 'pdf'; got {fmt!r}")
    if engine == "auto":
        engine = os.environ.get("CX_GRAPHVIZ", "auto")  # type: ignore[assignment]
        if engine not in ("auto", "system", "bundled"):
            raise ValueError(f"environment variable CX_GRAPHVIZ must be auto, system or bundled; got {engine!r}")
    dot = shutil.which("dot")
    if engine == "system" or (engine == "auto" and dot):
        if not dot:
            raise GraphvizNotFoundError(
                "engine='system' but no 'dot' program is on PATH; install Graphviz "
                "(apt install graphviz / brew install graphviz) or use engine='bundled'"
            )
        return _render_system(dot, source, fmt)
    return _render_bundled(source, fmt)


def _render_system(dot: str, source: str, fmt: str) -> bytes:
    args = [dot, f"-T{fmt}"] + ([f"-Gdpi={PNG_DPI}"] if fmt == "png" else [])
    result = subprocess.run(args, input=source.encode("utf-8"), capture_output=True, check=False)
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip()
        raise RenderError(f"Graphviz ({dot}) failed to draw the journey as {fmt}: {message}")
    return result.stdout


def _render_bundled(source: str, fmt: str) -> bytes:
    try:
        import pygraphviz
    except ImportError:
        raise GraphvizNotFoundError(
            "no Graphviz found: install the bundled one with 'pip install pygraphviz' "
            "or the system package (apt install graphviz)"
        ) from None
    graph = pygraphviz.AGraph(string=source)
    args = "-n2" + (f" -Gdpi={PNG_DPI}" if fmt == "png" else "")
    try:
        data = graph.draw(format=fmt, prog="neato", args=args)
    except (OSError, ValueError) as exc:
        raise RenderError(f"Graphviz (bundled with pygraphviz) failed to draw the journey as {fmt}: {exc}") from exc
    if not data:
        raise RenderError(f"Graphviz (bundled with pygraphviz) produced no {fmt} output")
    return data
