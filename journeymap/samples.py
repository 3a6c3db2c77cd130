"""The sample journeys and data bundled with the project."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "sample_journey_paths"]


def data_dir() -> Path:
    """The project's ``data/`` folder (inside the wheel, or the source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "journeys").is_dir():
            return candidate
    raise FileNotFoundError(
        f"the bundled sample data was not found next to {here}; reinstall the package "
        "(pip install -e . from a source checkout)"
    )


def sample_journey_paths() -> list[Path]:
    """Paths of the bundled sample journey files, sorted by name."""
    return sorted((data_dir() / "journeys").glob("*.yaml"))
