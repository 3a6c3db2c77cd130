"""The workshop deck: a 16:9 PowerPoint file (.pptx) of the journey, for the meeting room.

:func:`journey_deck` writes, in order:

1. the title slide: the journey, its stages and touchpoints, its description and the persona cards
   (name, photo when the journey gives a readable one, quote, description, goals, frustrations);
   more than three personas continue on a second slide;
2. the canvas overview (:func:`journeymap.draw.canvas.render_canvas`), a picture fitted to the slide —
   the only picture of the deck;
3. one slide per stage: a native table of its touchpoints (name, channel in Vietnamese, CES,
   drop-off, emotion, pain points, opportunities; a moment of truth on a gold row marked
   "◆ khoảnh khắc quyết định", a goal and a backstage touchpoint named as such). A stage whose
   rows do not fit one slide at 11 pt goes on to more slides titled "(tiếp)";
4. conversion and where customers leave (the report's numbers: :func:`journeymap.markov.conversion`),
   then the largest what-if gains: halving the drop-off at one touchpoint at a time
   (:func:`journeymap.markov.what_if`);
5. the pain ranking (:func:`journeymap.pain.pain_ranking`, as the report ranks it), with a line saying
   where its numbers come from: designed values or measured ones, and who labelled the comments
   (the file's own labels, or the classifier);
6. with ``feedback``: the causes customers name (:data:`nlp.labels.CAUSES`, in Vietnamese) and one
   slide of quotes per cause, chosen as :func:`journeymap.feedback.summarize_feedback` chooses them;
7. with ``events`` or ``compare_to``: designed versus lived (or current versus future), from
   :func:`journeymap.compare.compare_journeys`.

All text is real text (text boxes and native tables, searchable and editable), in Arial, tagged as
Vietnamese. Every box's font size is chosen from the measured text so that nothing overflows: long
text shrinks down to a floor (10 pt in tables), then a table continues on another slide, and only as
the last resort is a text cut with "…". Numbers are written the Vietnamese way (:mod:`journeymap.fmt`).
The file is written through a temporary file renamed when complete, so a failure leaves nothing
half-written and an older deck untouched. ``SOURCE_DATE_EPOCH`` fixes the date printed and stored.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from nlp.errors import DataError, require_file
from nlp.output import atomic_path, check_output, format_of

if TYPE_CHECKING:
    import pandas as pd

    from nlp.tables import Table

    from ..journey import Journey
    from ._content import FeedbackInput, LivedInput

__all__ = ["DECK_FORMATS", "journey_deck"]

DECK_FORMATS = {".pptx": "pptx"}
"""What :func:`journey_deck` writes: PowerPoint (opens in PowerPoint, Keynote, LibreOffice, Google Slides)."""

TableInput = Union["Table", "pd.DataFrame", str, "PathLike[str]"]


def journey_deck(
    journey: Journey | str | PathLike[str],
    path: str | PathLike[str],
    *,
    feedback: TableInput | None = None,
    events: TableInput | None = None,
    compare_to: Journey | str | PathLike[str] | None = None,
    persona: str | None = None,
    text_column: str = "text",
    touchpoint_column: str = "touchpoint",
    case_column: str = "case_id",
    timestamp_column: str = "timestamp",
) -> Path:
    """Write the workshop deck of ``journey`` to ``path`` (.pptx) and return the path.

    Parameters
    ----------
    journey : Journey or path
        The designed journey, or its file (.yaml, .json, .xlsx, .graphml, .node-link.json).
    path : path
        The deck to write; its name must end in ``.pptx`` and it must not be one of the inputs.
    feedback : pandas.DataFrame or path, optional
        Customer comments (.csv, .tsv, .xlsx, .jsonl), classified or not: adds the comments to the
        canvas and the pain ranking, and the slides of causes and quotes. Comments without
        ``sentiment``/``causes`` columns are classified by the shipped model, and the slides say so.
    events : pandas.DataFrame or path, optional
        An event log (.csv or .parquet): the journey as lived is discovered from it
        (:func:`journeymap.discover.discover_journey`, with ``journey`` as reference and the log's
        ``stage`` column when it has one) and compared with the design.
    compare_to : Journey or path, optional
        Another journey to compare with instead: the lived one (from ``cx discover``), or a future state.
        Give ``events`` or ``compare_to``, not both.
    persona : str, optional
        A persona of the journey (its name): the title slide shows only their card, and the canvas
        and the stage tables show the journey as they live it (their ``by_persona`` values;
        touchpoints they do not meet greyed). Conversion and pain stay those of all customers, as the
        slides say.
    text_column, touchpoint_column, case_column, timestamp_column : str
        The comments' text column; the column naming the touchpoint in the comments and the event
        log; the event log's case and time columns.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataError
        ``path`` not ending in ``.pptx``, naming a folder or one of the inputs; ``persona`` not a
        persona of the journey (the message lists them); both ``events`` and ``compare_to``; bad
        data in an input (the message names the file, the rows and the columns). All but the last
        are found before anything is read or drawn.
    InputNotFoundError
        An input path that does not exist.
    TypeError
        An input of the wrong type.

    Examples
    --------
    >>> import tempfile
    >>> from pptx import Presentation
    >>> from journeymap import Journey
    >>> j = Journey("Mở thẻ tín dụng", stages=["Đăng ký", "Kích hoạt"], persona="Nhân viên văn phòng")
    >>> j.add_touchpoint("form", name="Điền đơn trực tuyến", stage="Đăng ký", channel="web", ces=3, drop_off=0.4)
    >>> j.add_touchpoint("kich_hoat", name="Kích hoạt thẻ", stage="Kích hoạt", channel="app", goal=True)
    >>> j.add_transition("form", "kich_hoat")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     deck = Presentation(journey_deck(j, Path(folder) / "hoi_thao.pptx"))
    >>> [slide.shapes.title.text for slide in deck.slides][:4]
    ['Mở thẻ tín dụng', 'Bản đồ hành trình', 'Giai đoạn 1/2: Đăng ký', 'Giai đoạn 2/2: Kích hoạt']
    """
    format_of(path, DECK_FORMATS)
    out = check_output(path, journey, feedback, events, compare_to)
    if events is not None and compare_to is not None:
        raise DataError("give the lived journey either as an event log (events) or as a journey (compare_to), "
                        "not both")
    for value, name in ((text_column, "text_column"), (touchpoint_column, "touchpoint_column"),
                        (case_column, "case_column"), (timestamp_column, "timestamp_column")):
        if not isinstance(value, str):
            raise TypeError(f"{name} must be a column name (text); got {type(value).__name__}")
    designed = _journey(journey, "journey")
    other = None if compare_to is None else _journey(compare_to, "compare_to")
    chosen = None
    if persona is not None:
        chosen = designed.persona_named(persona)  # an unknown persona stops here, before any work

    try:
        import pptx  # noqa: F401
    except ImportError as error:  # pragma: no cover - a core dependency
        raise ImportError("the deck needs python-pptx, a dependency of cx-vn: pip install 'python-pptx>=1.0'") from error

    comments = _feedback(designed, feedback, text_column, touchpoint_column) if feedback is not None else None
    lived = _lived(designed, events, other, case_column, touchpoint_column, timestamp_column)
    slides = _build(designed, comments, lived, None if chosen is None else chosen.name)
    with atomic_path(out) as temp:
        slides.save(temp)
    return out


def _journey(value: Any, parameter: str) -> Journey:
    from ..convert import read_any
    from ..journey import Journey

    if isinstance(value, Journey):
        return value
    if isinstance(value, (str, PathLike)):
        return read_any(require_file(value, "journey file" if parameter == "journey" else f"{parameter} journey file"))
    raise TypeError(f"{parameter} must be a journeymap.Journey or the path of a journey file; got {type(value).__name__}")


def _feedback(journey: Journey, data: Any, text_column: str, touchpoint_column: str) -> FeedbackInput:
    from nlp.tables import load_table

    from ..feedback import attach_feedback, summarize_feedback
    from ._content import FeedbackInput

    table = load_table(data, "feedback")
    columns = set(map(str, table.frame.columns))
    if {"sentiment", "causes"} <= columns:
        labels = ("do mô hình phân loại gán (có sẵn trong tệp)" if "sentiment_confidence" in columns
                  else "theo nhãn có sẵn trong tệp (do người gán)")
    else:
        labels = "do mô hình phân loại của cx gán"
    attached = attach_feedback(journey, table, text_column=text_column,
                               touchpoint_column=touchpoint_column if touchpoint_column in columns else None)
    summary = summarize_feedback(journey, attached, text_column=text_column)
    origin = "DataFrame" if table.path is None else table.path.name
    return FeedbackInput(attached, summary, labels, origin, text_column)


def _lived(designed: Journey, events: Any, other: Journey | None, case_column: str, touchpoint_column: str,
           timestamp_column: str) -> LivedInput | None:
    from ..compare import compare_journeys
    from ..markov import conversion
    from ._content import LivedInput

    if events is None and other is None:
        return None
    if events is not None:
        from ..discover import discover_journey
        from ..report.inputs import describe_events

        described = describe_events(events)
        other = discover_journey(events, case_column=case_column, touchpoint_column=touchpoint_column,
                                 timestamp_column=timestamp_column, reference=designed,
                                 stage_column="stage" if "stage" in described.columns else None)
        origin = f"nhật ký sự kiện {described.origin}"
    else:
        assert other is not None
        origin = f"hành trình “{other.title}”"
    comparison = compare_journeys(designed, other)

    def converts(journey: Journey) -> float | None:
        try:
            return conversion(journey).probability
        except DataError:
            return None  # no goal, or nobody reaches one

    return LivedInput(comparison, converts(designed), converts(other), origin)


def _build(journey: Journey, comments: FeedbackInput | None, lived: LivedInput | None, persona: str | None) -> Any:
    from ..pain import pain_ranking
    from ..personas import persona_view
    from ..report.build import report_date
    from ..report.sections import conversion_section, pain_section
    from . import _content
    from ._pptx import Slides

    summary = None if comments is None else comments.summary
    nodes, excluded, cards, view = persona_view(journey, persona)
    date = report_date()
    slides = Slides(f"{journey.title} · cx-vn")
    slides.prs.core_properties.title = journey.title
    slides.prs.core_properties.author = "cx-vn"
    slides.prs.core_properties.language = "vi-VN"
    import datetime as _dt

    stamp = _dt.datetime(date.year, date.month, date.day)
    slides.prs.core_properties.created = slides.prs.core_properties.modified = stamp
    slides.prs.core_properties.last_modified_by = "cx-vn"
    slides.prs.core_properties.revision = 1

    _content.title_slides(slides, journey, cards, persona, date.strftime("%d/%m/%Y"))
    _content.canvas_slide(slides, journey, summary, persona)
    _content.stage_slides(slides, journey, nodes, excluded, view)
    notes: list[str] = []
    section = conversion_section(journey, notes)
    _content.conversion_slides(slides, journey, section, notes, persona)
    _content.what_if_slide(slides, journey, section, persona)
    pain = pain_section(journey, summary)
    ranking = pain_ranking(journey, summary) if pain is not None else None
    _content.pain_slides(slides, journey, pain, ranking, comments, persona)
    if comments is not None:
        _content.feedback_slides(slides, journey, comments)
    if lived is not None:
        _content.lived_slides(slides, journey, lived)
    slides.finish()
    return slides
