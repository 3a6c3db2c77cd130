"""``cx demo``: the bundled sample journeys validated and drawn, to show what the toolkit does."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .io import load_journey
from .render import render_journey
from .samples import sample_journey_paths

__all__ = ["DemoOutput", "run_demo", "run_feedback_demo"]


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


@dataclass
class FeedbackDemo:
    source: Path
    output: Path
    rows: int
    sentiment: dict[str, int]
    causes: dict[str, int]


def run_feedback_demo(out_dir: str | Path = "cx-demo") -> FeedbackDemo:
    """Classify the held-out comments of the bundled corpus with the shipped model into ``out_dir``."""
    from nlp.batch import classify_file
    from nlp.corpus import corpus_path
    from nlp.tables import read_table

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = corpus_path()
    comments = read_table(source)
    comments = comments.loc[comments["split"] == "test", ["id", "domain", "text"]]
    sample = out_dir / "feedback_sample.csv"
    comments.to_csv(sample, index=False, encoding="utf-8-sig")
    result = classify_file(sample, text_column="text")
    classified = read_table(result.output)
    causes = classified["causes"].str.get_dummies(",").sum().sort_values(ascending=False)
    return FeedbackDemo(
        source=sample,
        output=result.output,
        rows=result.rows,
        sentiment=classified["sentiment"].value_counts().to_dict(),
        causes={str(k): int(v) for k, v in causes.items()},
    )
