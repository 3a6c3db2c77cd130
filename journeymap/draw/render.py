"""Draw a journey to a file: Graphviz (system ``dot``, else the bundled one), or Mermaid for ``.mmd``."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Literal

from nlp.output import write_bytes

from .._formats import DRAWING_FORMATS, drawing_format
from ..errors import DataError, GraphvizNotFoundError, RenderError
from ..journey import Journey
from .dot import ColorBy, journey_to_dot
from .mermaid import write_mermaid

__all__ = ["ColorBy", "Engine", "OutputFormat", "journey_to_svg", "render_dot", "render_journey"]

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


def journey_to_svg(journey: Journey, *, color_by: ColorBy = "emotion", engine: Engine = "auto") -> str:
    """The journey drawn as SVG text (what Jupyter shows for a :class:`Journey`)."""
    return render_dot(journey_to_dot(journey, color_by=color_by), "svg", engine=engine).decode("utf-8")


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
