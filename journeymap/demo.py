"""``cx demo``: the bundled sample journeys validated and drawn, to show what the toolkit does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .io import load_journey
from .render import render_journey
from .samples import sample_journey_paths

__all__ = ["DemoOutput", "run_demo"]


@dataclass
class DemoOutput:
    journey: str
    source: Path
    files: list[Path]


def run_demo(out_dir: str | Path = "cx-demo", *, formats: tuple[str, ...] = ("svg", "png", "pdf")) -> list[DemoOutput]:
    """Validate every sample journey and render it into ``out_dir`` in each of ``formats``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for path in sample_journey_paths():
        journey = load_journey(path)
        files = [render_journey(journey, out_dir / f"{path.stem}.{fmt}") for fmt in formats]
        results.append(DemoOutput(journey.title, path, files))
    return results
