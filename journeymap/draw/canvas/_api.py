"""The canvas's public functions: :func:`journey_canvas`, :func:`render_canvas`, :func:`print_canvas`,
:func:`canvas_slides`, :func:`canvas_image`, :func:`canvas_svg`."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

from ...compare import side_labels
from ...feedback import feedback_numbers
from ...journey import Journey
from ._panels import _diff_panel, _output_format, _save_options, _single_panel
from ._sheets import Orientation, Paper, _Canvas, paper_sheets, paper_size, slide_sheets
from ._style import _RC, MARGIN, PNG_DPI, CanvasLayout

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure
    from PIL import Image



def journey_canvas(
    journey: Journey,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
    persona_cards: bool = True,
) -> Figure:
    """Draw the journey-map canvas as a matplotlib figure (never registered with pyplot).

    The figure is laid out in points at 72 dpi and grows with its content: about 150 pt per
    touchpoint column, row heights from the wrapped text. Body text is 9.5–10.5 pt at that size.

    Parameters
    ----------
    journey : Journey
        The journey to draw (with ``layout="diff"``: the journey *after* the change).
    feedback : pandas.DataFrame, optional
        The output of :func:`journeymap.summarize_feedback` for ``journey``; adds a row with each
        touchpoint's number of comments, negative share and top causes (Vietnamese names). Without
        it the row is drawn from the numbers :func:`journeymap.set_feedback` wrote into the
        touchpoints' ``metrics``, when there are any.
    compare_to : Journey, optional
        A second journey (the state *before*), for ``layout="side_by_side"`` or ``"diff"``.
    layout : {"single", "side_by_side", "diff"}
        ``"single"`` draws ``journey``. ``"side_by_side"`` stacks ``journey`` above ``compare_to``
        (stacked reads better when projected than two narrow canvases side by side), both over the
        union of their stages with the same column widths, so shared stages line up.
        ``"diff"`` draws ``journey`` once and marks, by touchpoint id, what changed since
        ``compare_to``: added touchpoints ("mới", green), removed ones ("bỏ", grey, drawn from
        ``compare_to`` in their old stage), and changed ones ("đổi", orange: any annotation
        differs) with the list of changes (e.g. ``CES 3 → 5 · điểm đau``) under the name.
        The two states are named as :func:`journeymap.compare.side_labels` names them: "hiện tại" and
        "tương lai" (current, future) for two designed journeys, "thực tế" for one discovered from an
        event log (e.g. "Tương lai so với hiện tại: …" above a diff).
    persona : str, optional
        Draw the journey as this persona (a name from the journey's ``personas``) lives it: their
        ``by_persona`` values (emotion, drop-off, CES, pain points, thinks / says / does) replace the
        touchpoint's own, and a touchpoint whose ``personas`` list leaves them out stays in its
        column, greyed with a dashed card and "không áp dụng cho persona này", with its rows empty
        (so the columns line up with the canvas of every persona, and the emotion curve runs on to
        the next touchpoint they meet). Only their persona card is drawn. Without it, the
        touchpoints' own values and a card for every persona. With ``compare_to``, both journeys
        are drawn as that persona.
    persona_cards : bool
        Draw the persona cards under the title (the default). ``False`` leaves them to the page the
        canvas sits in: the HTML report shows them once, above the canvas.

    What a designer adds to the journey file shows too: the rows follow the journey's ``lanes``
    (built-in rows and rows of the team's own, in that order; without ``lanes`` the default rows,
    with ``owner`` and ``does`` / ``thinks`` / ``says`` among them, each only when some touchpoint
    fills it in); a ``moment_of_truth`` touchpoint has a gold card, "◆ khoảnh khắc quyết định" under its
    name and a diamond on the emotion curve; stage goals, KPIs and durations make a row under the
    stage headers; the personas' cards (photo or initials, quote, goals, frustrations, facts) sit
    under the title. A photo path is read relative to the journey file's folder
    (:attr:`Journey.folder`); a missing or unreadable photo, or a web address, shows the initials.

    Returns
    -------
    matplotlib.figure.Figure
        A figure with an Agg canvas. Save it with :func:`render_canvas` or :func:`canvas_svg`, which
        keep the SVG text as text.

    Raises
    ------
    ValueError
        ``layout`` not one of the three; ``compare_to`` missing for ``"side_by_side"``/``"diff"``
        or given with ``"single"``; ``persona`` not a persona of the journey (a
        :class:`~nlp.errors.DataError` listing the journey's personas).
    TypeError
        ``persona`` not text.
    DataError
        ``feedback`` without the columns of :func:`journeymap.summarize_feedback`, with rows for
        touchpoints not in the journey, or with impossible numbers.
    JourneyValidationError
        A journey whose graph was edited into an invalid state.

    Examples
    --------
    >>> from matplotlib.text import Text
    >>> from journeymap import Journey
    >>> j = Journey("Mở tài khoản", stages=["Nhận biết", "Đăng ký"], persona="Sinh viên năm cuối")
    >>> j.add_touchpoint("fb_ad", name="Quảng cáo Facebook", stage="Nhận biết", emotion=1, ces=6)
    >>> j.add_touchpoint("ekyc", name="Xác thực eKYC", stage="Đăng ký", emotion=-1, ces=3,
    ...                  pain_points=["Ảnh CCCD bị lóa"])
    >>> fig = journey_canvas(j)
    >>> [t.get_text() for t in fig.findobj(Text) if t.get_gid() == "tp-ekyc"]
    ['Xác thực eKYC']
    >>> sorted(t.get_gid() for t in fig.findobj(Text) if (t.get_gid() or "").startswith("row-"))
    ['row-frontstage-ces', 'row-frontstage-emotion', 'row-frontstage-name', 'row-frontstage-pain_points', 'row-stage']
    """
    canvas = _prepare(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                      persona_cards=persona_cards)
    painter, _ = canvas.draw()
    return painter.figure


def _prepare(
    journey: Journey,
    *,
    feedback: pd.DataFrame | None,
    compare_to: Journey | None,
    layout: CanvasLayout,
    persona: str | None,
    persona_cards: bool,
) -> _Canvas:
    """Check the arguments of :func:`journey_canvas` and decide what each panel shows."""
    if layout not in ("single", "side_by_side", "diff"):
        raise ValueError(f"layout must be 'single', 'side_by_side' or 'diff'; got {layout!r}")
    if layout == "single" and compare_to is not None:
        raise ValueError(
            "compare_to is only used with layout='side_by_side' or layout='diff'; got layout='single'"
        )
    if layout != "single" and compare_to is None:
        raise ValueError(f"layout={layout!r} needs compare_to=<the other journey>; got compare_to=None")
    journey.validate()
    if compare_to is not None:
        compare_to.validate()
    numbers = feedback_numbers(journey, feedback)
    if layout == "single":
        panels = [_single_panel(journey, numbers, prefix="", persona=persona)]
    elif layout == "side_by_side":
        assert compare_to is not None
        panels = [
            _single_panel(journey, numbers, prefix="", persona=persona),
            _single_panel(compare_to, feedback_numbers(compare_to, None), prefix="compare-",
                          caption=f"So sánh với {side_labels(compare_to, journey)[0]}: {compare_to.title}",
                          persona=persona),
        ]
    else:
        assert compare_to is not None
        panels = [_diff_panel(compare_to, journey, numbers, persona=persona)]
    if not persona_cards:
        panels = [dataclasses.replace(panel, cards=()) for panel in panels]
    return _Canvas(panels, diff=layout == "diff")


def render_canvas(
    journey: Journey,
    path: str | Path,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
    persona_cards: bool = True,
    paper: Paper | None = None,
    orientation: Orientation | None = None,
) -> Path:
    """Draw the canvas to ``path``; the suffix (``.svg``, ``.png``, ``.pdf``, ``.jpg``/``.jpeg``) picks the format.

    PNG and JPEG are written at 150 dpi, readable when projected (JPEG on white, quality 92); a
    canvas so large that this would pass 50 million pixels (about 60 touchpoints) gets the highest
    dpi that stays under it. SVG keeps text as text; PDF embeds DejaVu Sans as TrueType, so its text
    is selectable too.

    Without ``paper`` the page is as large as the canvas (about 86 × 50 cm for 15 touchpoints), with
    body text of 9.5 pt. With ``paper`` (``"A4"`` … ``"A0"``) each page is that ISO size and the
    canvas is scaled to fit it, as long as its smallest text prints at
    :data:`~journeymap.draw.canvas.MIN_PRINT_PT` (6 pt) or more; when it would be smaller the canvas is
    tiled onto several pages, all at one scale: whole stages per page, left to right (a stage wider
    than a page is split, its header saying "(còn tiếp)" / "(tiếp)"), and rows split into bands, top
    to bottom, when they do not fit a page's height. Every page repeats the row headers and its stage
    headers and carries a marker line ("… · trang 2/6 · giai đoạn 3–4 · phần 1/2"); the title is on
    page 1 and the legend once, at the foot of the first column of pages with room for it (else of
    the last column), rather than a page of its own under every column. A PDF holds every page; PNG, JPEG
    and SVG write one file per page when there are several: ``name-1.png``, ``name-2.png`` …, and
    this returns the first (:func:`print_canvas` returns them all).

    Parameters
    ----------
    journey, feedback, compare_to, layout, persona, persona_cards
        As for :func:`journey_canvas`.
    path : str or Path
        The file to write.
    paper : {"A4", "A3", "A2", "A1", "A0"}, optional
        The paper size (case does not matter).
    orientation : {"landscape", "portrait"}, optional
        With ``paper``; landscape when not given.

    Returns
    -------
    Path
        The file written (the first page's, when several image files are written).

    Raises
    ------
    ValueError
        A suffix other than ``.svg``, ``.png``, ``.pdf``, ``.jpg`` or ``.jpeg`` (a
        :class:`~nlp.errors.DataError`); a journey file suffix (``.yaml``, ``.yml``, ``.json``) is
        refused with its own message, so a journey is never overwritten by its picture; an unknown
        paper size or orientation, or ``orientation`` without ``paper``.

    The canvas is saved to a temporary file beside ``path`` and renamed when complete: a failure
    while saving leaves no truncated file (and an older canvas untouched). Missing folders are created.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    >>> j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     render_canvas(j, Path(folder) / "canvas.png").read_bytes()[:4]
    b'\\x89PNG'
    >>> render_canvas(j, "canvas.yaml")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'canvas.yaml' has a journey file suffix (...); ... use .svg, .png, .pdf, .jpg or .jpeg
    """
    import matplotlib

    from nlp.output import atomic_path

    path = Path(path)
    fmt = _output_format(path)
    if paper is not None or orientation is not None:
        return print_canvas(journey, path, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                            persona_cards=persona_cards, paper=paper, orientation=orientation)[0]
    figure = journey_canvas(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                            persona_cards=persona_cards)
    with matplotlib.rc_context(_RC), atomic_path(path) as temp:  # a failed save leaves no truncated file
        figure.savefig(temp, format=fmt, **_save_options(figure, fmt))
    return path


def print_canvas(
    journey: Journey,
    path: str | Path,
    *,
    paper: Paper | None,
    orientation: Orientation | None = None,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
    persona_cards: bool = True,
) -> list[Path]:
    """The canvas on ISO paper, as :func:`render_canvas` with ``paper`` draws it; returns every file written.

    A PDF is one file of one or more pages; PNG, JPEG and SVG are one file per page, ``name.png``
    for a single page and ``name-1.png``, ``name-2.png`` … for several (each written completely, or
    not at all).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ"])
    >>> j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in print_canvas(j, Path(folder) / "canvas.pdf", paper="A4")]
    ['canvas.pdf']
    """
    import matplotlib

    from nlp.output import atomic_path

    path = Path(path)
    fmt = _output_format(path)
    if paper is None:
        raise ValueError(f"orientation={orientation!r} needs paper=: one of A4, A3, A2, A1, A0")
    size = paper_size(paper, orientation or "landscape")  # checked before drawing
    del size
    canvas = _prepare(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                      persona_cards=persona_cards)
    sheets = paper_sheets(canvas, paper, orientation or "landscape")
    with matplotlib.rc_context(_RC):
        if fmt == "pdf":
            from matplotlib.backends.backend_pdf import PdfPages

            with atomic_path(path) as temp, PdfPages(temp, metadata={"CreationDate": None}) as pdf:
                for sheet in sheets:
                    pdf.savefig(sheet.figure, facecolor="white", dpi=72)
            return [path]
        paths = [path] if len(sheets) == 1 else \
            [path.with_name(f"{path.stem}-{k}{path.suffix}") for k in range(1, len(sheets) + 1)]
        for sheet, name in zip(sheets, paths):
            with atomic_path(name) as temp:
                sheet.figure.savefig(temp, format=fmt, **_save_options(sheet.figure, fmt))
    return paths


def canvas_page_svgs(
    journey: Journey,
    *,
    width_mm: float,
    height_mm: float,
    first_height_mm: float | None = None,
    feedback: pd.DataFrame | None = None,
    persona_cards: bool = True,
    title: bool = True,
) -> list[str]:
    """The canvas as :func:`print_canvas` tiles it, for pages of ``width_mm`` × ``height_mm`` with no
    margin of their own: one SVG document per page, each that size (text as text, at least
    :data:`~journeymap.draw.canvas.MIN_PRINT_PT` when printed at that size). ``first_height_mm``
    makes the first page shorter, to leave room for a heading above it; ``title=False`` leaves out the
    canvas's title and persona cards (a page that has its own). The HTML report prints these instead
    of the one wide canvas.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt chỗ"])
    >>> j.add_touchpoint("zalo", name="Zalo", stage="Đặt chỗ")
    >>> [svg.count('width="773.') for svg in canvas_page_svgs(j, width_mm=273, height_mm=170)]
    [1]
    """
    import matplotlib

    from ._sheets import MM, page_sheets

    canvas = _prepare(journey, feedback=feedback, compare_to=None, layout="single", persona=None,
                      persona_cards=persona_cards)
    pages = []
    with matplotlib.rc_context(_RC):
        first = None if first_height_mm is None else first_height_mm * MM
        for sheet in page_sheets(canvas, (width_mm * MM, height_mm * MM), margin=0.0, first_height=first,
                                 titles=title, trim=True):
            buffer = io.BytesIO()
            sheet.figure.savefig(buffer, format="svg", **_save_options(sheet.figure, "svg"))
            pages.append(buffer.getvalue().decode("utf-8"))
    return pages


def canvas_slides(
    journey: Journey,
    folder: str | Path,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
) -> list[Path]:
    """The canvas as 16:9 slides (1920 × 1080 PNG) in ``folder``: an overview, then one per stage.

    ``00-tong-quan.png`` shows the title, the stage headers, the touchpoint names and the emotion
    curve (stages wrapped onto up to four lines). Each stage then has its own slide,
    ``01-nhan-biet.png``, ``02-dang-ky.png`` … (the stage's name with diacritics folded): its
    touchpoint columns and the row headers, with only the rows that have something to show for that
    stage (a stage without a backstage touchpoint has no backstage rows; the overview keeps its
    rows), each as high as its cells need. The rows are split into up to four bands side by side and
    the columns widened so that the bands fill the slide's width (text wraps wider), at the largest
    scale that fits, at most 3 times the canvas's size. The smallest text on a stage slide is at least
    :data:`~journeymap.draw.canvas.MIN_SLIDE_PX` (12 px); a stage with too many touchpoints for that
    goes on two or more slides (``03-thanh-toan.png``, ``03-thanh-toan-2.png``). The persona cards and
    the legend are left to the printed canvas.

    Parameters
    ----------
    journey, feedback, compare_to, layout, persona
        As for :func:`journey_canvas`.
    folder : str or Path
        The folder to write into (created when missing); a name with a file suffix (``slides.png``)
        is refused.

    Returns
    -------
    list of Path
        The slides written, overview first.

    Examples
    --------
    >>> import tempfile
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ", "Xử lý"])
    >>> j.add_touchpoint("ivr", name="Tổng đài tự động", stage="Liên hệ", ces=2)
    >>> j.add_touchpoint("agent", name="Tư vấn viên", stage="Xử lý", ces=5)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     [p.name for p in canvas_slides(j, folder)]
    ['00-tong-quan.png', '01-lien-he.png', '02-xu-ly.png']
    """
    import matplotlib

    from nlp.output import atomic_path

    folder = slides_folder(folder)
    canvas = _prepare(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                      persona_cards=False)
    paths = []
    with matplotlib.rc_context(_RC):
        for sheet in slide_sheets(canvas):
            path = folder / f"{sheet.name}.png"
            with atomic_path(path) as temp:
                sheet.figure.savefig(temp, format="png", dpi=72, facecolor="white",
                                     pil_kwargs={"compress_level": 3})
            paths.append(path)
    return paths


def slides_folder(folder: str | Path) -> Path:
    """``folder`` as a Path, refused (a :class:`~nlp.errors.DataError`) when it names a file, not a folder."""
    from ...errors import DataError

    folder = Path(folder)
    if folder.is_file() or (re.fullmatch(r"\.[A-Za-z]+", folder.suffix) and not folder.is_dir()):
        raise DataError(
            f"slides are written into a folder, one PNG per slide; {str(folder)!r} names a file "
            f"(suffix {folder.suffix!r}): give a folder, e.g. {str(folder.with_suffix(''))!r}/"
        )
    return folder


def canvas_image(
    journey: Journey,
    size: tuple[float, float],
    *,
    feedback: pd.DataFrame | None = None,
    persona: str | None = None,
    persona_cards: bool = True,
) -> Image.Image:
    """The canvas as an RGB picture that fills a box of ``size`` pixels (width, height) as far as its
    aspect allows, drawn at the resolution that gives that size (never above 150 dpi) and without its
    white border: for a slide, where drawing at 150 dpi and shrinking would be slow and heavy.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Gọi tổng đài", stages=["Liên hệ", "Xử lý"])
    >>> for i in range(6):
    ...     j.add_touchpoint(f"b{i}", name=f"Bước {i + 1}", stage=["Liên hệ", "Xử lý"][i // 3], ces=2)
    >>> image = canvas_image(j, (1600, 700))
    >>> image.mode, image.width <= 1600 and image.height <= 700, 1598 <= image.width or 698 <= image.height
    ('RGB', True, True)

    A canvas too small to fill the box at 150 dpi stays at 150 dpi (one touchpoint: about 590 × 690).
    """
    import matplotlib
    from PIL import Image

    figure = journey_canvas(journey, feedback=feedback, persona=persona, persona_cards=persona_cards)
    width, height = (x * 72 for x in figure.get_size_inches())
    inner_w, inner_h = width - 2 * MARGIN, height - 2 * MARGIN
    dpi = 72 * min(size[0] / inner_w, size[1] / inner_h, PNG_DPI / 72)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="png", dpi=dpi, facecolor="white", pil_kwargs={"compress_level": 1})
    buffer.seek(0)
    with Image.open(buffer) as opened:
        image = opened.convert("RGB")
    border = MARGIN * dpi / 72
    box = (round(border), round(border), min(image.width, round(border + inner_w * dpi / 72)),
           min(image.height, round(border + inner_h * dpi / 72)))
    return image.crop(box)


def canvas_svg(
    journey: Journey,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
    persona_cards: bool = True,
) -> str:
    """The canvas as SVG text, with text kept as ``<text>`` elements (for HTML reports).

    Parameters
    ----------
    journey, feedback, compare_to, layout, persona, persona_cards
        As for :func:`journey_canvas`.

    Returns
    -------
    str
        A standalone SVG document; user text is XML-escaped.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt chỗ"])
    >>> j.add_touchpoint("zalo", name="<Zalo> & cọc", stage="Đặt chỗ")
    >>> svg = canvas_svg(j)
    >>> "&lt;Zalo&gt; &amp; cọc" in svg
    True
    """
    import matplotlib

    figure = journey_canvas(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                            persona_cards=persona_cards)
    buffer = io.BytesIO()
    with matplotlib.rc_context(_RC):
        figure.savefig(buffer, format="svg", **_save_options(figure, "svg"))
    return buffer.getvalue().decode("utf-8")
