"""The README's picture, docs/canvas.png, is what the code draws now (docs/readme_images.py makes it).

The same code, matplotlib and Pillow draw the same pixels, so the check is close to exact: a changed
label, colour or row shows as far more differing pixels than the tolerance allows. A new matplotlib
or Pillow that draws text edges differently fails it too; the picture is then out of date as well.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "docs" / "readme_images.py"
PICTURE = ROOT / "docs" / "canvas.png"
README = ROOT / "README.md"
REGENERATE = "python docs/readme_images.py"
# Pixels allowed to differ by more than STRONG in a channel: changing one drop-off from 70% to 71%
# on the canvas changes 90 such pixels (and 595 in all).
STRONG = 48
ALLOWED = 40


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("readme_images", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pixels(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


def test_the_committed_picture_is_what_the_canvas_code_draws_now(script, tmp_path):
    drawn = script.draw_canvas_png(tmp_path / "canvas.png")
    committed, now = _pixels(PICTURE), _pixels(drawn)
    stale = f"docs/canvas.png is out of date: run `{REGENERATE}` and commit docs/canvas.png"
    assert committed.shape == now.shape, (
        f"{stale} (it is {committed.shape[1]}×{committed.shape[0]} px; the canvas now draws "
        f"{now.shape[1]}×{now.shape[0]} px)"
    )
    differing = int((np.abs(committed - now).max(axis=2) > STRONG).sum())
    assert differing <= ALLOWED, f"{stale} ({differing:,} pixels differ from what the code draws now)"


def test_the_picture_is_light_enough_for_the_readme():
    assert PICTURE.stat().st_size < 400 * 1024, f"docs/canvas.png is {PICTURE.stat().st_size // 1024} KB: keep it under 400"
    with Image.open(PICTURE) as image:
        width, height = image.size
    assert 2000 <= width <= 3500 and height < width, (width, height)  # readable when opened, not a poster


def test_the_readme_shows_the_picture_first_and_says_how_to_redraw_it():
    text = README.read_text(encoding="utf-8")
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if "docs/canvas.png" in line), len(lines))
    assert first < 15, f"README.md shows docs/canvas.png on line {first + 1}; it belongs near the top"
    assert REGENERATE in text
