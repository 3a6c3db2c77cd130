"""The canvas's public functions: :func:`journey_canvas`, :func:`render_canvas`, :func:`canvas_svg`."""

from __future__ import annotations

import dataclasses
import io
from pathlib import Path
from typing import TYPE_CHECKING

from ...compare import side_labels
from ...feedback import feedback_numbers
from ...journey import Journey
from ._page import _draw
from ._panels import _diff_panel, _output_format, _save_options, _single_panel
from ._style import _RC, CanvasLayout
from ._text import _Painter

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure



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
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

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

    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(4, 3), dpi=72)
        FigureCanvasAgg(figure)
        painter = _Painter(figure)
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
        _draw(painter, panels, diff=layout == "diff")
    return figure


def render_canvas(
    journey: Journey,
    path: str | Path,
    *,
    feedback: pd.DataFrame | None = None,
    compare_to: Journey | None = None,
    layout: CanvasLayout = "single",
    persona: str | None = None,
    persona_cards: bool = True,
) -> Path:
    """Draw the canvas to ``path``; the suffix (``.svg``, ``.png``, ``.pdf``) picks the format.

    PNG is written at 150 dpi, readable when projected; a canvas so large that this would pass
    50 million pixels (about 60 touchpoints) gets the highest dpi that stays under it. SVG keeps
    text as text; PDF embeds DejaVu Sans as TrueType, so its text is selectable too.

    Parameters
    ----------
    journey, feedback, compare_to, layout, persona, persona_cards
        As for :func:`journey_canvas`.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    ValueError
        A suffix other than ``.svg``, ``.png`` or ``.pdf`` (a :class:`~nlp.errors.DataError`); a
        journey file suffix (``.yaml``, ``.yml``, ``.json``) is refused with its own message, so a
        journey is never overwritten by its picture.

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
    ValueError: 'canvas.yaml' has a journey file suffix (...); ... use .svg, .png or .pdf
    """
    import matplotlib

    from nlp.output import atomic_path

    path = Path(path)
    fmt = _output_format(path)
    figure = journey_canvas(journey, feedback=feedback, compare_to=compare_to, layout=layout, persona=persona,
                            persona_cards=persona_cards)
    with matplotlib.rc_context(_RC), atomic_path(path) as temp:  # a failed save leaves no truncated file
        figure.savefig(temp, format=fmt, **_save_options(figure, fmt))
    return path


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
