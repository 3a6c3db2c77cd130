"""Draw the README's picture, docs/canvas.png: the canvas of the e-commerce sample with its comments.

    python docs/readme_images.py                 # rewrites docs/canvas.png
    python docs/readme_images.py --output DIR    # writes DIR/canvas.png instead

The picture is what ``cx canvas data/journeys/mua_hang_va_doi_tra.yaml -f data/analytics/comments.csv
-o canvas.png`` draws (150 dpi), scaled to 60 % (pixels averaged) and stored with a palette of 256
colours (octree, no dithering, so text stays crisp and the small emotion dots keep their colours), so
that it stays well under 400 KB and GitHub shows it quickly. tests/test_readme_images.py draws it again and fails,
naming this command, when the committed picture no longer matches what the code draws.

The script draws with the code of the checkout it sits in, whatever ``journeymap`` is installed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
JOURNEY = ROOT / "data" / "journeys" / "mua_hang_va_doi_tra.yaml"
COMMENTS = ROOT / "data" / "analytics" / "comments.csv"
NAME = "canvas.png"
SCALE = 0.6  # of the 150 dpi canvas: 3,047 px wide, body text about 8 px high
COLOURS = 256


def draw_canvas_png(path: Path) -> Path:
    """Write the README's canvas picture to ``path`` (a PNG with a palette) and return ``path``."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from PIL import Image

    from journeymap import load_journey, summarize_feedback
    from journeymap.draw.canvas import render_canvas
    from nlp.output import atomic_path

    journey = load_journey(JOURNEY)
    feedback = summarize_feedback(journey, COMMENTS)
    with tempfile.TemporaryDirectory() as folder:
        full = render_canvas(journey, Path(folder) / NAME, feedback=feedback)
        with Image.open(full) as image:
            width, height = image.size
            small = image.convert("RGB").resize((round(width * SCALE), round(height * SCALE)), Image.Resampling.BOX)
    # Median cut would merge a few-pixel colour (the green +2 emotion dot) into grey; the octree keeps it.
    picture = small.quantize(colors=COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    _keep_white(picture, small)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as temp:
        picture.save(temp, format="png", optimize=True)
    return path


def _keep_white(picture: Image.Image, original: Image.Image) -> None:
    """Make the palette entry the page's white falls into pure white again (the octree averages it with
    the near-white cell backgrounds), so the picture has no grey edge on GitHub's white page."""
    index = picture.getpixel((0, 0))
    if original.getpixel((0, 0)) != (255, 255, 255) or not isinstance(index, int):
        return
    palette = picture.getpalette() or []
    palette[3 * index:3 * index + 3] = [255, 255, 255]
    picture.putpalette(palette)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=Path(__file__).resolve().parent,
                        help="folder to write canvas.png into (default: docs/)")
    args = parser.parse_args(argv)
    path = draw_canvas_png(args.output / NAME)
    print(f"wrote {path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
