"""Pictures and tables in Jupyter that a designer can read: :func:`show` and :func:`comments_table`.

A journey-map canvas is about 2,400 pt wide. Displayed as a bare SVG, JupyterLab shows it at its
natural size and clips it (one or two of seven stages visible). :func:`show` wraps a picture in a
container that fits the cell's width, with a **Phóng to** (zoom) switch that shows it at full size
with scroll bars, and, when the picture is a file next to the notebook, a link that opens it in
its own browser tab. On request (``preview=True``, or ``JOURNEYMAP_PREVIEW=1``) a drawn journey
also carries a small PNG preview, which front-ends without HTML use, and which
``python -m journeymap._notebooks`` keeps in the committed notebooks so a repository's preview
shows the picture.

:func:`comments_table` styles classified comments: the comment first and wrapped, probabilities
with two decimals, Vietnamese headers and label names.

Both are for display only: they never change the data handed to them.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import os
import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from .errors import DataError, InputNotFoundError

if TYPE_CHECKING:
    import pandas as pd
    from pandas.io.formats.style import Styler

    from .journey import Journey

__all__ = ["PREVIEW_WIDTH", "Picture", "comments_table", "show"]

#: Width in pixels of the PNG preview that goes with a drawn journey (what a repository's notebook
#: preview shows; Jupyter shows the zoomable SVG).
PREVIEW_WIDTH = 1400

#: The metadata key that marks :func:`show`'s outputs in a notebook (``python -m journeymap._notebooks``
#: keeps only their PNG preview when it saves the notebooks).
OUTPUT_MARK = "journeymap_show"

#: The environment variable that turns on :func:`show`'s PNG previews by default.
PREVIEW_VARIABLE = "JOURNEYMAP_PREVIEW"

_IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
_SHOWABLE = (".svg", *_IMAGE_TYPES, ".html", ".htm")
_counter = itertools.count(1)
_LENGTH = re.compile(r"^\s*([0-9.]+)\s*(pt|px)?\s*$")


@dataclass(frozen=True)
class Picture:
    """A picture ready for Jupyter: returned by :func:`show`; Jupyter displays it.

    Attributes
    ----------
    html : str
        The HTML Jupyter shows: the picture in a container as wide as the cell, a zoom switch and,
        for a file, a link that opens it.
    preview : bytes or None
        A PNG of the picture (a drawn journey's preview, or the PNG file shown), for front-ends
        and repository previews that do not show HTML.
    description : str
        One line of plain text: what is shown, and where the file is.
    """

    html: str
    preview: bytes | None
    description: str

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> tuple[dict[str, Any], dict[str, Any]]:
        bundle: dict[str, Any] = {"text/plain": self.description, "text/html": self.html}
        if self.preview is not None:
            bundle["image/png"] = base64.b64encode(self.preview).decode("ascii")
        return bundle, {OUTPUT_MARK: {"preview": self.preview is not None}}

    def __repr__(self) -> str:
        return self.description


def show(
    picture: Any,
    *,
    kind: Literal["canvas", "flow"] = "canvas",
    height: int = 640,
    preview: bool | None = None,
    **options: Any,
) -> Picture:
    """Show a canvas, a diagram, an image or an HTML report in Jupyter, fitted to the cell's width.

    Parameters
    ----------
    picture : Journey, str or path
        - a :class:`~journeymap.Journey`: drawn as its canvas (``kind="canvas"``, with ``options``
          passed to :func:`journeymap.canvas_svg`: ``feedback``, ``compare_to``, ``layout``,
          ``persona``, ``persona_cards``) or as its flow diagram (``kind="flow"``; ``options``:
          ``color_by``);
        - SVG text (what :func:`journeymap.canvas_svg` returns);
        - the path of a file: ``.svg``, ``.png``, ``.jpg``/``.jpeg`` (shown fitted to the cell and
          zoomable) or ``.html``/``.htm`` (a report, shown in a frame ``height`` pixels tall).
          A file under the notebook's folder gets a link that opens it in its own browser tab.
    kind : {"canvas", "flow"}
        For a journey: the journey-map canvas or the flow diagram.
    height : int
        Height in pixels of the frame an HTML file is shown in.
    preview : bool, optional
        Also make a PNG preview at most :data:`PREVIEW_WIDTH` pixels wide (of a drawn journey or an
        image file), for front-ends without HTML and a repository's notebook preview. It takes a few
        seconds per canvas, so by default it is made only when the environment variable
        ``JOURNEYMAP_PREVIEW`` is ``1`` (``python -m journeymap._notebooks`` sets it).

    Returns
    -------
    Picture
        Jupyter displays it (the last line of a cell, or ``display(show(...))``). Its ``html`` is
        a ``<div>`` holding the SVG (or ``<img>``/``<iframe>``) with ``max-width: 100%`` and
        ``height: auto``; the **Phóng to** switch shows the picture at its natural size, with
        scroll bars.

    Raises
    ------
    TypeError
        ``picture`` of another type, or options for something other than a journey.
    InputNotFoundError
        A path that does not exist.
    DataError
        A file of a kind that cannot be shown, or text that is not SVG.

    Examples
    --------
    >>> from journeymap import Journey
    >>> j = Journey("Đặt bàn", stages=["Đặt chỗ"])
    >>> j.add_touchpoint("zalo", name="Nhắn Zalo", stage="Đặt chỗ")
    >>> shown = show(j, preview=False)
    >>> "max-width:100%" in shown.html and "Nhắn Zalo" in shown.html
    True
    """
    from .journey import Journey

    preview = _previews(preview)
    if isinstance(picture, Journey):
        return _journey(picture, kind, preview, options)
    if options:
        raise TypeError(f"show() takes {', '.join(sorted(options))} only for a journey; got {type(picture).__name__}")
    if isinstance(picture, str) and picture.lstrip().startswith("<"):
        return _svg_picture(_check_svg(picture, "the text given to show()"), None, "SVG", None)
    if isinstance(picture, (str, os.PathLike)):
        return _file(Path(picture), height, preview)
    raise TypeError(
        "show() takes a Journey, SVG text or the path of a .svg, .png, .jpg or .html file; "
        f"got {type(picture).__name__}"
    )


def _journey(journey: Journey, kind: str, preview: bool, options: dict[str, Any]) -> Picture:
    if kind == "canvas":
        svg, png = _canvas(journey, preview, options)
        what = "canvas"
    elif kind == "flow":
        from .draw.dot import journey_to_dot
        from .draw.render import render_dot

        source = journey_to_dot(journey, **options)
        svg = render_dot(source, "svg").decode("utf-8")
        png = _preview_png(render_dot(source, "png")) if preview else None
        what = "flow diagram"
    else:
        raise ValueError(f"kind must be 'canvas' or 'flow'; got {kind!r}")
    return _svg_picture(svg, None, f"{journey.title} ({what})", png)


def _canvas(journey: Journey, preview: bool, options: dict[str, Any]) -> tuple[str, bytes | None]:
    """The canvas as SVG (as :func:`journeymap.canvas_svg` writes it) and a PNG preview, drawn once."""
    import matplotlib

    from .draw.canvas import journey_canvas
    from .draw.canvas._style import _RC

    figure = journey_canvas(journey, **options)
    with matplotlib.rc_context(_RC):
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", facecolor="white", dpi=72, metadata={"Date": None})
        svg = buffer.getvalue().decode("utf-8")
        png = None
        if preview:
            buffer = io.BytesIO()
            width_in = figure.get_size_inches()[0]
            figure.savefig(buffer, format="png", facecolor="white", dpi=PREVIEW_WIDTH / width_in,
                           pil_kwargs={"compress_level": 1})
            png = _preview_png(buffer.getvalue())
    return svg, png


def _preview_png(data: bytes) -> bytes:
    """``data`` as a small PNG: at most :data:`PREVIEW_WIDTH` pixels wide, 256 colours (a third of the bytes)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        picture = image.convert("RGB")
    if picture.width > PREVIEW_WIDTH:
        size = (PREVIEW_WIDTH, max(1, round(picture.height * PREVIEW_WIDTH / picture.width)))
        picture = picture.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.quantize(256).save(out, format="PNG", compress_level=9)
    return out.getvalue()


def _previews(preview: bool | None) -> bool:
    """``preview``, or by default whether the environment variable ``JOURNEYMAP_PREVIEW`` is ``1``."""
    return os.environ.get(PREVIEW_VARIABLE, "") == "1" if preview is None else bool(preview)


def _file(path: Path, height: int, preview: bool) -> Picture:
    suffix = path.suffix.lower()
    if suffix not in _SHOWABLE:
        raise DataError(f"show() cannot show {path.name!r} ({path}): the file's suffix {path.suffix or '(none)'!r} "
                        f"is none of {', '.join(_SHOWABLE)}")
    if not path.is_file():
        raise InputNotFoundError(f"show(): no such file: {path}")
    link = _link(path)
    if suffix == ".svg":
        svg = path.read_text(encoding="utf-8")
        return _svg_picture(svg, link, f"{path.name} ({path})", None)
    if suffix in (".html", ".htm"):
        return _frame(path, link, height)
    data = path.read_bytes()
    width = _image_width(data)
    source = f"data:{_IMAGE_TYPES[suffix]};base64,{base64.b64encode(data).decode('ascii')}"
    body = f'<img src="{source}" alt="{html.escape(path.name)}" style="display:block;width:100%;height:auto">'
    return Picture(_zoomable(body, width, link, "img"), _preview_png(data) if preview else None, f"{path.name} ({path})")


def _image_width(data: bytes) -> int | None:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return int(image.width)


def _check_svg(text: str, where: str) -> str:
    start = re.search(r"<svg[\s>]", text)
    if start is None:
        raise DataError(f"show(): {where} is not SVG: no <svg> element in its first "
                        f"{min(len(text), 200)} characters ({text[:80]!r}…, {len(text):,} characters); "
                        "give SVG text, a Journey or a file path")
    return text[start.start():]  # no XML declaration or DOCTYPE inside HTML


def _natural_width(svg: str) -> int | None:
    """The SVG's own width in CSS pixels (``2438pt`` → 3251), from its root element."""
    root = re.match(r"<svg\b[^>]*>", svg)
    width = re.search(r'\swidth="([^"]+)"', root.group(0)) if root else None
    found = _LENGTH.match(width.group(1)) if width else None
    if found is None:
        return None
    value = float(found.group(1))
    return round(value * 4 / 3 if found.group(2) == "pt" else value)


def _svg_picture(svg: str, link: str | None, description: str, preview: bytes | None) -> Picture:
    svg = _check_svg(svg, description)
    return Picture(_zoomable(svg, _natural_width(svg), link, "svg"), preview, description)


def _uid(body: str) -> str:
    """An element id unique within a notebook and the same on every run (diffable outputs)."""
    return f"cx-show-{next(_counter)}-{hashlib.sha1(body.encode('utf-8')).hexdigest()[:8]}"


def _zoomable(body: str, natural_width: int | None, link: str | None, element: str) -> str:
    """``body`` (an ``<svg>`` or ``<img>``) fitted to the width, with a zoom switch and an open link."""
    uid = _uid(body)
    zoomed = f"width:{natural_width}px;max-width:none" if natural_width else "width:auto;max-width:none"
    style = (
        f"#{uid} .cx-frame{{max-width:100%;overflow:auto;border:1px solid #d0d4da;background:#fff}}"
        f"#{uid} .cx-frame {element}{{display:block;width:100%;max-width:100%;height:auto}}"
        f"#{uid} input:checked~.cx-frame{{max-height:85vh}}"
        f"#{uid} input:checked~.cx-frame {element}{{{zoomed}}}"
        f"#{uid} .cx-bar{{font:13px sans-serif;margin:0 0 4px 0;color:#444}}"
        f"#{uid} .cx-bar label,#{uid} .cx-bar a{{cursor:pointer;margin-right:1.2em;color:#1a5fb4}}"
        f"#{uid} .cx-out{{display:none}}#{uid} input:checked~.cx-bar .cx-in{{display:none}}"
        f"#{uid} input:checked~.cx-bar .cx-out{{display:inline}}"
    )
    opener = (f' <a href="{html.escape(link)}" target="_blank" rel="noopener">↗ Mở tệp ở thẻ mới (open the file)</a>'
              if link else "")
    return (
        f'<div class="cx-show" id="{uid}" style="max-width:100%">'
        f"<style>{style}</style>"
        f'<input type="checkbox" id="{uid}-zoom" style="display:none">'
        f'<div class="cx-bar"><label for="{uid}-zoom"><span class="cx-in">⊕ Phóng to (zoom: natural size)</span>'
        f'<span class="cx-out">⊖ Vừa khung (fit to width)</span></label>{opener}</div>'
        f'<div class="cx-frame">{body}</div></div>'
    )


def _link(path: Path) -> str | None:
    """``path`` relative to the working folder (a notebook's kernel runs in the notebook's folder), as
    a URL Jupyter serves; ``None`` for a file outside it (a browser cannot open it from there)."""
    try:
        relative = path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return None
    from urllib.parse import quote

    return quote(relative.as_posix())


def _frame(path: Path, link: str | None, height: int) -> Picture:
    if link is not None:
        source = f'src="{html.escape(link)}"'
    else:  # outside the notebook's folder: the document itself, in the frame's srcdoc
        source = f'srcdoc="{html.escape(path.read_text(encoding="utf-8"), quote=True)}"'
    opener = (f'<p style="font:13px sans-serif;margin:0 0 4px 0"><a href="{html.escape(link)}" target="_blank" '
              f'rel="noopener">↗ Mở {html.escape(path.name)} ở thẻ mới (open in a new tab)</a></p>' if link else "")
    body = (f'<div class="cx-show" style="max-width:100%">{opener}'
            f'<iframe {source} title="{html.escape(path.name)}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #d0d4da;background:#fff"></iframe></div>')
    return Picture(body, None, f"{path.name} ({path})")


# -- tables ----------------------------------------------------------------------------------------

_TEXT_COLUMNS = ("text", "binh_luan", "comment", "comments", "noi_dung", "feedback")
_LABEL_SEPARATORS = re.compile(r"\s*[,;]\s*")


def comments_table(
    frame: pd.DataFrame,
    *,
    text: str | None = None,
    columns: Sequence[str] | None = None,
    names: Literal["vi", "ids"] = "vi",
    digits: int = 2,
    width: str = "30em",
) -> Styler:
    """Classified comments as a table a person reads: the comment first and wrapped, numbers rounded.

    Parameters
    ----------
    frame : pandas.DataFrame
        Comments with the classifier's columns (:func:`nlp.classify_feedback`, a file written by
        :func:`nlp.classify_file` or ``cx classify``, :func:`journeymap.attach_feedback`), or any
        table with a text column. It is not changed.
    text : str, optional
        The comment column; by default the first of ``text``, ``binh_luan``, ``comment``,
        ``comments``, ``noi_dung``, ``feedback``.
    columns : list of str, optional
        The other columns to show, in order (default: all).
    names : {"vi", "ids"}
        ``"vi"``: Vietnamese headers (:func:`journeymap.terms.column_name`) and Vietnamese names
        of the sentiment and cause labels (a ``<label>_vi`` column written by
        ``names="vi"``/``--names vi`` stands in for its id column). ``"ids"``: as in the frame.
    digits : int
        Decimals of every number that is not a whole number (probabilities: 0.87).
    width : str
        The widest the comment column grows (a CSS length); its text wraps at spaces.

    Returns
    -------
    pandas.io.formats.style.Styler
        Jupyter shows it as an HTML table; ``.data`` is the table shown.

    Raises
    ------
    DataError
        No text column found, or ``columns`` naming a column the frame lacks (the message lists
        the frame's columns).

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"sentiment": ["negative"], "sentiment_confidence": [0.8765],
    ...                    "causes": ["wait_time,rude_staff"], "text": ["Chờ 2 tiếng"]})
    >>> comments_table(df).data.to_dict("records")
    [{'Bình luận': 'Chờ 2 tiếng', 'Cảm xúc chung': 'Tiêu cực', 'Độ tin cậy: Cảm xúc chung': 0.8765, 'Nguyên nhân': 'Thời gian chờ lâu; Nhân viên thô lỗ/giận dữ'}]
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"comments_table() takes a pandas DataFrame; got {type(frame).__name__}")
    if names not in ("vi", "ids"):
        raise ValueError(f"names must be 'vi' or 'ids'; got {names!r}")
    present = [str(c) for c in frame.columns]
    if text is None:
        text = next((c for c in _TEXT_COLUMNS if c in present), None)
        if text is None:
            raise DataError(f"comments_table(): no comment column among the columns {present}; "
                            f"name it with text= (looked for {', '.join(_TEXT_COLUMNS)})")
    order = [text, *(columns if columns is not None else [c for c in present if c != text])]
    missing = [c for c in order if c not in present]
    if missing:
        raise DataError(f"comments_table(): no column {', '.join(map(repr, missing))}; the table's columns are {present}")
    shown = frame.loc[:, order].copy()
    for column in shown.columns:  # a list (the touchpoints a comment names) reads as text
        shown[column] = shown[column].map(lambda v: "; ".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
    if names == "vi":
        shown = _vietnamese(shown)
    text_header = shown.columns[0]
    numbers: list[Hashable] = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c])]
    styler = shown.style.format(precision=digits, na_rep="", subset=numbers or None)
    styler = styler.set_table_styles([
        {"selector": "td", "props": "white-space:normal;text-align:left;vertical-align:top;max-width:16em"},
        {"selector": "th", "props": "white-space:normal;text-align:left;vertical-align:bottom;max-width:12em"},
    ], overwrite=False)
    styler = styler.set_properties(subset=[text_header],
                                   **{"white-space": "normal", "min-width": "14em", "max-width": width})
    return styler


def _vietnamese(shown: pd.DataFrame) -> pd.DataFrame:
    """Vietnamese label names and headers; ``x_vi`` columns stand in for ``x``."""
    from nlp.labels import CAUSES, SENTIMENTS

    from .terms import column_name

    for column in list(shown.columns):
        if column.endswith("_vi") and column[:-3] in shown.columns:
            shown = shown.drop(columns=column[:-3])
    renamed = {c: c[:-3] for c in shown.columns if c.endswith("_vi") and c[:-3] not in shown.columns}
    shown = shown.rename(columns=renamed)
    sentiments = {s.id: s.vi for s in SENTIMENTS}
    causes = {c.id: c.vi for c in CAUSES}
    for column, mapping in (("sentiment", sentiments), ("causes", causes)):
        if column in shown.columns and column not in renamed.values():
            shown[column] = shown[column].map(lambda value, m=mapping: _named(value, m))
    headers = {"text": "Bình luận", "binh_luan": "Bình luận", "comment": "Bình luận", "id": "Mã",
               "sentiment_evidence": "Cụm từ dẫn đến cảm xúc", "causes_evidence": "Cụm từ dẫn đến nguyên nhân"}
    shown.columns = [headers.get(c) or column_name(c) for c in shown.columns]
    return shown


def _named(value: Any, mapping: Mapping[str, str]) -> Any:
    if isinstance(value, (list, tuple)):
        return "; ".join(mapping.get(str(v), str(v)) for v in value)
    if not isinstance(value, str) or not value:
        return value
    return "; ".join(mapping.get(part, part) for part in _LABEL_SEPARATORS.split(value) if part)
