"""The sample journeys and data bundled with the project."""

from __future__ import annotations

from pathlib import Path

from nlp.text import data_dir

__all__ = ["data_dir", "sample_journey_paths"]


def sample_journey_paths() -> list[Path]:
    """Paths of the bundled sample journey files, sorted by name."""
    return sorted((data_dir() / "journeys").glob("*.yaml"))
