"""Drawing on 16:9 slides with python-pptx: titles, fitted text boxes, native tables, pictures, footers.

Everything is placed in points on a 960 × 540 pt slide (13,333 × 7,5 inches). Text is real text in
Arial, tagged Vietnamese (so PowerPoint's spelling check and screen readers treat it as such); every
box's font size comes from :func:`journeymap.deck._fit.fit`, and every table row's height from the
wrapped text of its cells, so nothing spills out of its box or off the slide.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from ._fit import FONT, LINE, Para, block_height, cut_to, fit, sizes

if TYPE_CHECKING:
    from PIL.Image import Image

SLIDE_W, SLIDE_H = 960.0, 540.0
MARGIN = 30.0
CONTENT_TOP = 84.0
CONTENT_BOTTOM = 506.0
CONTENT_W = SLIDE_W - 2 * MARGIN
SUBTITLE_TOP, SUBTITLE_H = 62.0, 48.0
SUBTITLE_PT = (14.0, 11.0)  # largest, smallest

INK = "263238"
MUTED = "607D8B"
HEADER_FILL = "34495E"
ROW_FILL = "FFFFFF"
ALT_FILL = "F4F6F8"
CARD_FILL = "F4F6F8"
CARD_EDGE = "A3B1BA"
ACCENT = "1F6F8B"

BOX_PAD = 6.0  # a text box's inner margin, every side
CELL_PAD_X, CELL_PAD_Y = 5.0, 3.0

TABLE_LARGEST, TABLE_SMALLEST = 14.0, 10.0
TABLE_SPLIT_AT = 11.0  # below this a table goes on to a second slide rather than shrink further


def _pt(value: float) -> int:
    from pptx.util import Pt

    return int(Pt(value))


def _rgb(hex_color: str) -> Any:
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#").upper())


def _fill_paragraphs(frame: Any, paras: Sequence[Para], size: float, color: str, *, align: str = "left") -> None:
    """Write ``paras`` into a text frame at ``size`` pt (each paragraph scaled by its ``scale``)."""
    from pptx.enum.lang import MSO_LANGUAGE_ID
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Pt

    alignment = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}[align]
    for index, para in enumerate(paras or [Para("")]):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = alignment
        paragraph.line_spacing = 1.0
        own = size * para.scale
        if para.space_before:
            paragraph.space_before = Pt(round(para.space_before * own * LINE, 1))
        run = paragraph.add_run()
        run.text = para.text
        font = run.font
        font.name = FONT
        font.size = Pt(round(own * 2) / 2)
        font.bold = para.bold
        font.italic = para.italic
        font.color.rgb = _rgb(para.color or color)
        font.language_id = MSO_LANGUAGE_ID.VIETNAMESE


def _frame_setup(frame: Any, pad_x: float, pad_y: float, anchor: str = "top") -> None:
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE
    from pptx.util import Pt

    frame.word_wrap = True
    frame.auto_size = MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Pt(pad_x)
    frame.margin_top = frame.margin_bottom = Pt(pad_y)
    frame.vertical_anchor = {"top": MSO_ANCHOR.TOP, "middle": MSO_ANCHOR.MIDDLE, "bottom": MSO_ANCHOR.BOTTOM}[anchor]


@dataclass
class Cell:
    """A table cell: its paragraphs, and its fill when it differs from the row's."""

    paras: tuple[Para, ...]
    fill: str | None = None
    align: str = "left"

    @classmethod
    def of(cls, *paras: Para | str, fill: str | None = None, align: str = "left") -> Cell:
        return cls(tuple(Para(p) if isinstance(p, str) else p for p in paras if (p.text if isinstance(p, Para) else p)),
                   fill, align)


@dataclass
class TablePage:
    """Rows of a table that go on one slide, at one font size, with each row's height."""

    size: float
    rows: list[list[Cell]]
    heights: list[float]
    header_height: float
    cut: bool = False


def _row_height(row: Sequence[Cell], widths: Sequence[float], size: float) -> float:
    return max(block_height(cell.paras, w - 2 * CELL_PAD_X, size) for cell, w in zip(row, widths)) + 2 * CELL_PAD_Y


def paginate(header: Sequence[Cell], rows: Sequence[Sequence[Cell]], widths: Sequence[float],
             height: float) -> list[TablePage]:
    """The table's rows on as few slides as they fit at a readable size.

    All rows on one slide at the largest size from 14 down to 11 pt that fits ``height``; else as
    many rows per slide as fit at 11 pt (each slide then at its own largest size); a single row
    that does not fit even at 10 pt has its longest cells cut with an ellipsis, the last resort.
    """
    def layout(chunk: Sequence[Sequence[Cell]], smallest: float) -> TablePage | None:
        for size in sizes(TABLE_LARGEST, smallest):
            head = _row_height(header, widths, size)
            heights = [_row_height(row, widths, size) for row in chunk]
            if head + sum(heights) <= height:
                return TablePage(size, [list(r) for r in chunk], heights, head)
        return None

    whole = layout(rows, TABLE_SPLIT_AT)
    if whole is not None or not rows:
        return [whole or TablePage(TABLE_LARGEST, [], [], _row_height(header, widths, TABLE_LARGEST))]
    pages: list[TablePage] = []
    chunk: list[Sequence[Cell]] = []
    for row in rows:
        if layout([*chunk, row], TABLE_SPLIT_AT) is None and chunk:
            pages.append(_page(chunk, header, widths, height, layout))
            chunk = []
        chunk.append(row)
    if chunk:
        pages.append(_page(chunk, header, widths, height, layout))
    return pages


def _page(chunk: Sequence[Sequence[Cell]], header: Sequence[Cell], widths: Sequence[float], height: float,
          layout: Any) -> TablePage:
    page = layout(chunk, TABLE_SMALLEST)
    if page is not None:
        return page
    # One row too tall even at the smallest size (a chunk of several rows always fits at 11 pt): cut its cells.
    size = TABLE_SMALLEST
    head = _row_height(header, widths, size)
    room = height - head - 2 * CELL_PAD_Y
    row = [replace(cell, paras=cut_to(cell.paras, w - 2 * CELL_PAD_X, room, size)) for cell, w in zip(chunk[0], widths)]
    return TablePage(size, [row], [_row_height(row, widths, size)], head, cut=True)


class Slides:
    """A 16:9 presentation being built: one method per kind of thing on a slide."""

    def __init__(self, footer: str) -> None:
        from pptx import Presentation
        from pptx.util import Pt

        self.prs = Presentation()
        self.prs.slide_width = Pt(SLIDE_W)
        self.prs.slide_height = Pt(SLIDE_H)
        self.footer = footer
        self.cut = 0  # texts cut with an ellipsis (the last resort)

    # -- slides and titles -------------------------------------------------------------------------

    def slide(self, title: str, subtitle: str | None = None, *, title_size: float = 28.0) -> tuple[Any, float]:
        """A new slide with ``title`` (the slide's title placeholder) and an optional subtitle line;
        returns the slide and where its content may start."""
        layout = self.prs.slide_layouts[5]  # "Title Only": the title stays a real title (outline, screen readers)
        slide = self.prs.slides.add_slide(layout)
        title_h = 46.0
        fitted = fit([Para(title, bold=True)], CONTENT_W - 2 * BOX_PAD, title_h - 2 * BOX_PAD, title_size, 18.0)
        self.cut += fitted.cut
        shape = slide.shapes.title
        shape.left, shape.top, shape.width, shape.height = _pt(MARGIN), _pt(18), _pt(CONTENT_W), _pt(title_h)
        frame = shape.text_frame
        frame.clear()
        _frame_setup(frame, BOX_PAD, BOX_PAD, "bottom")
        _fill_paragraphs(frame, fitted.paras, fitted.size, HEADER_FILL)
        if subtitle:
            self.text(slide, [Para(subtitle, color=MUTED)], MARGIN, SUBTITLE_TOP, CONTENT_W, SUBTITLE_H, *SUBTITLE_PT)
        return slide, self.top_after(subtitle)

    @staticmethod
    def top_after(subtitle: str | None) -> float:
        """Where a slide's content starts under its title and ``subtitle`` (known before drawing,
        so a table can be split over slides for the height it will have)."""
        if not subtitle:
            return CONTENT_TOP
        fitted = fit([Para(subtitle)], CONTENT_W - 2 * BOX_PAD, SUBTITLE_H - 2 * BOX_PAD, *SUBTITLE_PT)
        used = min(SUBTITLE_H, block_height(fitted.paras, CONTENT_W - 2 * BOX_PAD, fitted.size) + 2 * BOX_PAD)
        return SUBTITLE_TOP + used + 8

    def finish(self) -> None:
        """Footers on every slide: the journey on the left, the page number on the right."""
        total = len(self.prs.slides)
        for number, slide in enumerate(self.prs.slides, start=1):
            self.text(slide, [Para(self.footer, color=MUTED)], MARGIN, 514, CONTENT_W - 90, 20, 9, 8, pad=2)
            self.text(slide, [Para(f"{number}/{total}", color=MUTED)], SLIDE_W - MARGIN - 80, 514, 80, 20, 9, 8,
                      align="right", pad=2)

    # -- text ---------------------------------------------------------------------------------------

    def text(self, slide: Any, paras: Sequence[Para], x: float, y: float, w: float, h: float, largest: float,
             smallest: float, *, color: str = INK, fill: str | None = None, edge: str | None = None,
             align: str = "left", anchor: str = "top", shrink_box: bool = True, pad: float = BOX_PAD) -> float:
        """A text box at (x, y) of at most w × h pt, its text at the largest size that fits; returns
        the height used (the box shrinks to its text unless ``shrink_box`` is false)."""
        fitted = fit(paras, w - 2 * pad, h - 2 * pad, largest, smallest)
        self.cut += fitted.cut
        used = min(h, block_height(fitted.paras, w - 2 * pad, fitted.size) + 2 * pad)
        box_h = used if shrink_box else h
        shape = slide.shapes.add_textbox(_pt(x), _pt(y), _pt(w), _pt(box_h))
        if fill is not None:
            shape.fill.solid()
            shape.fill.fore_color.rgb = _rgb(fill)
        if edge is not None:
            shape.line.color.rgb = _rgb(edge)
            shape.line.width = _pt(0.75)
        frame = shape.text_frame
        _frame_setup(frame, pad, pad, anchor)
        _fill_paragraphs(frame, fitted.paras, fitted.size, color, align=align)
        return box_h

    def box(self, slide: Any, x: float, y: float, w: float, h: float, *, fill: str = CARD_FILL,
            edge: str | None = CARD_EDGE) -> None:
        """A plain rectangle (a card's background)."""
        from pptx.enum.shapes import MSO_SHAPE

        shape = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, _pt(x), _pt(y), _pt(w), _pt(h))
        shape.fill.solid()
        shape.fill.fore_color.rgb = _rgb(fill)
        if edge is None:
            shape.line.fill.background()
        else:
            shape.line.color.rgb = _rgb(edge)
            shape.line.width = _pt(0.75)
        shape.shadow.inherit = False

    # -- tables -------------------------------------------------------------------------------------

    def table(self, slide: Any, header: Sequence[Cell], page: TablePage, widths: Sequence[float], x: float,
              y: float) -> float:
        """A native table: the header row and the page's rows; returns its height."""
        from pptx.enum.text import MSO_ANCHOR
        from pptx.util import Pt

        self.cut += page.cut
        rows = [list(header), *page.rows]
        heights = [page.header_height, *page.heights]
        shape = slide.shapes.add_table(len(rows), len(widths), _pt(x), _pt(y), _pt(sum(widths)), _pt(sum(heights)))
        table = shape.table
        table.first_row = True
        table.horz_banding = False
        for index, width in enumerate(widths):
            table.columns[index].width = _pt(width)
        for r, (row, height) in enumerate(zip(rows, heights)):
            table.rows[r].height = _pt(height)
            for c, cell in enumerate(row):
                target = table.cell(r, c)
                target.margin_left = target.margin_right = Pt(CELL_PAD_X)
                target.margin_top = target.margin_bottom = Pt(CELL_PAD_Y)
                target.vertical_anchor = MSO_ANCHOR.TOP
                target.fill.solid()
                fill = HEADER_FILL if r == 0 else cell.fill or (ROW_FILL if r % 2 else ALT_FILL)
                target.fill.fore_color.rgb = _rgb(fill)
                frame = target.text_frame
                frame.word_wrap = True
                _fill_paragraphs(frame, [replace(p, bold=True) for p in cell.paras] if r == 0 else cell.paras,
                                 page.size, "FFFFFF" if r == 0 else INK, align=cell.align)
        return sum(heights)

    # -- pictures -----------------------------------------------------------------------------------

    def picture(self, slide: Any, image: Image, x: float, y: float, w: float, h: float, *,
                centre: bool = True) -> tuple[float, float, float, float]:
        """``image`` fitted into the w × h box keeping its aspect (centred); returns where it went."""
        scale = min(w / image.width, h / image.height)
        shown_w, shown_h = image.width * scale, image.height * scale
        left = x + (w - shown_w) / 2 if centre else x
        top = y + (h - shown_h) / 2 if centre else y
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=False, compress_level=6)
        buffer.seek(0)
        slide.shapes.add_picture(buffer, _pt(left), _pt(top), _pt(shown_w), _pt(shown_h))
        return left, top, shown_w, shown_h

    def save(self, path: Any) -> None:
        self.prs.save(path)
