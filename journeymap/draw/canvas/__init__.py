"""The journey-map canvas for workshops: stages as columns, one row per kind of annotation.

The Graphviz diagram (:func:`journeymap.render_journey`) shows how customers flow; the canvas is
the classic journey-map poster. Stages are columns and each frontstage touchpoint gets a column
inside its stage, in journey order. The rows, top to bottom, are the stage headers, the
touchpoints (name, channel), the experience types, an emotion curve, CES, drop-off, pain points,
opportunities, metrics and, when comments are attached, their main causes. Below a dashed line
of visibility the backstage touchpoints sit in their stage columns with their own rows. A row
that no touchpoint has data for is left out. A journey's ``lanes`` list picks the rows and their
order, rows of the team's own included; its personas get cards under the title, its stage goals,
KPIs and durations a row under the stage headers, and a moment of truth a gold card and a diamond
on the emotion curve. ``persona=`` draws one persona's view (see :func:`journey_canvas`).

Drawing uses matplotlib's object API only (a :class:`matplotlib.figure.Figure` with an Agg canvas,
never :mod:`matplotlib.pyplot`), so notebooks and servers keep their own figures and backend.
Colours are those of the diagram (:mod:`journeymap.draw.dot`), so both speak the same visual language.

Text is set in DejaVu Sans (bundled with matplotlib, with every Vietnamese glyph) and measured
with its own glyph advances, so wrapping, row heights and column widths come from the text
itself and no two texts overlap. Lines break at spaces only. A single word wider than the widest
column (a URL, ``VietQR/Momo/ZaloPay``) is broken after ``/`` or ``-``; a part still too wide is
broken between characters, with a hyphen at the end of each line. Each text is clipped to its
cell, so a renderer with a wider font cannot spill text into a neighbouring cell.

The SVG keeps text as text (searchable, selectable, found by a browser test) with the font
family list DejaVu Sans, Noto Sans, Liberation Sans, Arial, Helvetica, sans-serif. The layout is
measured with DejaVu Sans; browsers without it fall back to one of the others, all narrower, so
the text still fits its cell. User text is normalised to NFC (so ``"Hoà"`` typed
with combining marks shows as one glyph per letter) and never read as mathtext: ``"Giá $5"``
shows literally.

SVG elements carry ids: ``title``, ``stage-<i>``, ``tp-<touchpoint id>`` (the touchpoint's name),
``row-<lane>-<row>`` (``row-<lane>-custom-<key>`` for a row of the team's own), ``row-stage-details``,
``stage-<i>-goal`` / ``-kpis`` / ``-duration``, ``moment-<touchpoint id>``, ``persona-<i>`` (a card),
``persona-name-<i>``, ``persona-view``, ``badge-<touchpoint id>`` (``layout="diff"``), ``emotion-curve``,
``visibility-line``, ``visibility-label`` and ``legend``; in ``layout="side_by_side"`` the lower
journey's ids start with ``compare-``.

The modules, one job each: ``_api`` (the three public functions), ``_panels`` (options, inputs and
what each panel shows), ``_page`` (columns, rows, drawing, emotion curve, legend), ``_cells`` (what a
cell holds), ``_text`` (measuring and wrapping text) and ``_style`` (sizes, fonts, colours, row names).
"""


from ._api import (
           canvas_image,
           canvas_page_svgs,
           canvas_slides,
           canvas_svg,
           journey_canvas,
           print_canvas,
           render_canvas,
           slides_folder,
)
from ._sheets import PAPER_MM, paper_size
from ._style import FORMATS, MIN_PRINT_PT, MIN_SLIDE_PX, PNG_DPI, SLIDE_SIZE, SUFFIXES, CanvasLayout

__all__ = ["FORMATS", "MIN_PRINT_PT", "MIN_SLIDE_PX", "PAPER_MM", "PNG_DPI", "SLIDE_SIZE", "SUFFIXES", "CanvasLayout",
           "canvas_image", "canvas_page_svgs", "canvas_slides", "canvas_svg", "journey_canvas", "paper_size", "print_canvas", "render_canvas",
           "slides_folder"]
