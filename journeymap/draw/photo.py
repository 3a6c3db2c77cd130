"""A persona's photo, read for the canvas and the report: square, small, never a failure."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..text import normalise_text

if TYPE_CHECKING:
    from PIL.Image import Image

    from ..journey import Journey

__all__ = ["initials", "persona_photo"]


def persona_photo(journey: Journey, photo: str | None, *, size: int = 192) -> Image | None:
    """The photo as a ``size`` × ``size`` RGBA picture (the middle square of the photo), or ``None``.

    A relative path is read from the journey file's folder (:attr:`journeymap.Journey.folder`; the
    working folder for a journey built in code). ``None`` when there is no photo, when it is a web
    address (nothing is downloaded), or when the file is missing or not a readable picture: the
    persona then shows the initials of their name, and a drawing never fails over a photo.
    """
    if not photo or "://" in photo:
        return None
    path = Path(photo).expanduser()
    if not path.is_absolute():
        path = (journey.folder or Path.cwd()) / path
    from PIL import Image as _Image
    from PIL import ImageOps

    try:
        with _Image.open(path) as opened:
            picture = ImageOps.exif_transpose(opened).convert("RGBA")
    except (OSError, ValueError, SyntaxError, _Image.DecompressionBombError):
        return None  # missing, a folder, not a picture, truncated or absurdly large
    side = min(picture.size)
    left, top = (picture.width - side) // 2, (picture.height - side) // 2
    return picture.crop((left, top, left + side, top + side)).resize((size, size))


def initials(name: str) -> str:
    """The first letters of the first and last words before any comma: ``Chị Mai`` → ``CM``.

    >>> initials("Chị Mai"), initials("Lan, nhân viên văn phòng"), initials("Nguyễn Thị Ánh")
    ('CM', 'L', 'NÁ')
    """
    text = normalise_text(name)
    words = text.split(",")[0].split() or text.split()
    letters = [words[0][0]] + ([words[-1][0]] if len(words) > 1 else [])
    return "".join(letters).upper()
