"""``cx demo``: the bundled sample journeys validated and drawn, to show what the toolkit does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fmt
from .draw.render import render_journey
from .io import load_journey
from .samples import sample_journey_paths

if TYPE_CHECKING:
    from collections.abc import Hashable, Mapping

    import pandas as pd

    from .journey import Journey

__all__ = ["AnalyticsDemo", "DemoOutput", "run_analytics_demo", "run_deliverables_demo", "run_demo", "run_feedback_demo"]


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
    from nlp.tables import TableWriter, read_table

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    source = corpus_path()
    comments = read_table(source)
    comments = comments.loc[comments["split"] == "test", ["id", "domain", "text"]]
    sample = out_dir / "feedback_sample.csv"
    with TableWriter(sample) as writer:
        writer.write(comments)
    result = classify_file(sample, text_column="text", headers="vi")  # as cx classify writes it
    classified = read_table(result.output)
    from collections import Counter

    # a comment without a cause has an empty cell: it counts for no cause (never as a cause named "")
    causes = dict(Counter(c for cell in classified["causes"].fillna("") for c in str(cell).split(",") if c).most_common())
    return FeedbackDemo(
        source=sample,
        output=result.output,
        rows=result.rows,
        sentiment={str(k): int(v) for k, v in classified["sentiment"].value_counts().items()},
        causes={str(k): int(v) for k, v in causes.items()},
    )


@dataclass
class AnalyticsDemo:
    """What :func:`run_analytics_demo` wrote, and the headline figures it printed."""

    files: list[Path]
    cases: int
    events: int
    designed_conversion: float
    lived_conversion: float
    undesigned_transitions: int
    pain_top: list[str]
    summary: str
    findings: list[str] = field(default_factory=list)


@dataclass
class _Workshop:
    """The e-commerce sample as the report reads it: one set of inputs for every figure of the demo."""

    designed: Journey
    measured: Journey
    survey: pd.DataFrame
    tickets: pd.DataFrame
    feedback: pd.DataFrame
    source: Path


def _workshop() -> _Workshop:
    """The designed journey with the survey and ticket metrics measured on its touchpoints
    (:func:`journeymap.metrics.measured_journey`, as the report does) and the comments summarised
    with the labels they carry (the model fills in only missing ones, as in the report)."""
    from .feedback import summarize_feedback
    from .metrics import measured_journey, survey_metrics
    from .samples import data_dir

    source = data_dir() / "analytics"
    designed = load_journey(data_dir() / "journeys" / "mua_hang_va_doi_tra.yaml")
    survey = survey_metrics(source / "survey.csv", by="touchpoint", journey=designed)
    tickets = survey_metrics(source / "tickets.csv", by="touchpoint", journey=designed)
    return _Workshop(designed, measured_journey(designed, survey, tickets), survey, tickets,
                     summarize_feedback(designed, source / "comments.csv"), source)


def run_analytics_demo(out_dir: str | Path = "cx-demo") -> AnalyticsDemo:
    """From the bundled event log, survey, tickets and comments of the e-commerce sample journey:
    the discovered journey, designed versus lived, conversion, metrics per touchpoint, comments
    per touchpoint and the pain ranking, written into ``out_dir/analytics``.

    The tables hold the figures the workshop report (:func:`run_deliverables_demo`) shows, from the
    same inputs read the same way: metrics measured per touchpoint, comments with the labels they
    carry, the pain ranking of the designed journey with its measured metrics; ``findings`` are the
    report's executive summary. Each table has Vietnamese headers (:func:`journeymap.fmt.table`)
    and the pain ranking a column saying where its figures come from.
    """
    import pandas as pd

    from .compare import compare_journeys
    from .discover import discover_journey
    from .feedback import set_feedback, summarize_feedback
    from .io import save_journey
    from .markov import conversion
    from .metrics import set_metrics
    from .pain import pain_ranking
    from .report.build import report_findings

    workshop = _workshop()
    source, designed = workshop.source, workshop.designed
    out = Path(out_dir) / "analytics"
    out.mkdir(parents=True, exist_ok=True)
    events = source / "events.csv"
    lived = discover_journey(events, stage_column="stage", reference=designed)
    files = [save_journey(lived, out / "hanh_trinh_thuc_te.yaml"), render_journey(lived, out / "hanh_trinh_thuc_te.svg")]

    comparison = compare_journeys(designed, lived)
    files.append(render_journey(comparison.to_journey(), out / "thiet_ke_va_thuc_te.svg"))

    metrics = workshop.survey.merge(workshop.tickets, on="touchpoint", how="outer")
    files.append(_write_csv(metrics, out / "chi_so_theo_diem_cham.csv"))
    files.append(_write_csv(workshop.feedback.reset_index(), out / "binh_luan_theo_diem_cham.csv"))
    ranking = pain_ranking(workshop.measured, workshop.feedback)
    files.append(_write_csv(ranking, out / "xep_hang_diem_dau.csv"))
    # The lived journey file carries what was measured on its own touchpoints.
    set_metrics(lived, workshop.survey[workshop.survey["touchpoint"].isin(list(lived.graph))].reset_index(drop=True))
    set_metrics(lived, workshop.tickets[workshop.tickets["touchpoint"].isin(list(lived.graph))].reset_index(drop=True))
    set_feedback(lived, summarize_feedback(lived, source / "comments.csv"))
    files.append(save_journey(lived, out / "hanh_trinh_thuc_te_co_chi_so.yaml"))

    cases = pd.read_csv(events, usecols=["case_id"], dtype=str, index_col=False)
    return AnalyticsDemo(
        files=files,
        cases=cases["case_id"].nunique(),
        events=len(cases),
        designed_conversion=conversion(designed).probability,
        lived_conversion=conversion(lived).probability,
        undesigned_transitions=len(comparison.observed_not_designed),
        pain_top=[_pain_line(row, workshop.measured) for row in ranking.head(3).to_dict(orient="records")],
        summary=comparison.summary(),
        findings=report_findings(designed, feedback=source / "comments.csv", survey=source / "survey.csv",
                                 tickets=source / "tickets.csv", events=events),
    )


def _pain_line(row: Mapping[Hashable, Any], journey: Journey) -> str:
    """A ranked touchpoint as the console prints it: name, pain score, the measured CSAT and NPS."""
    measured = journey.graph.nodes[row["touchpoint"]].get("metrics") or {}
    figures = [f"điểm đau {fmt.number(row['score'], 2)}"]
    if "csat_n" in measured:
        figures.append(f"CSAT {fmt.number(measured['csat'], 1, trim=True)}%")
    if "nps_n" in measured:
        figures.append(f"NPS {fmt.signed(measured['nps'], 1)}")
    return f"{row['name']} ({', '.join(figures)}; {row['source']})"


def _write_csv(frame: pd.DataFrame, path: Path) -> Path:
    # UTF-8 with a BOM (TableWriter's CSV): Excel, where consultants open these, shows Vietnamese correctly.
    return fmt.write_table(frame, path)


def run_deliverables_demo(out_dir: str | Path = "cx-demo") -> list[Path]:
    """The workshop set for the e-commerce sample into ``out_dir/workshop``: the canvas (SVG, PNG,
    PDF), the flow diagram, the Mermaid file and the HTML report built from the bundled survey,
    tickets, event log and comments.

    The canvas and the flow diagram show what the report's canvas shows: the designed journey with
    the metrics measured on its touchpoints and the comments' causes (the same figures, tagged with
    their answer counts), not the figures typed into the journey file."""
    from .draw.canvas import render_canvas
    from .draw.mermaid import write_mermaid
    from .report.build import write_report

    workshop = _workshop()
    source = workshop.source
    out = Path(out_dir) / "workshop"
    out.mkdir(parents=True, exist_ok=True)
    journey = workshop.measured
    files = [render_canvas(journey, out / f"ban_do_hanh_trinh.{fmt}", feedback=workshop.feedback)
             for fmt in ("svg", "png", "pdf")]
    files.append(render_journey(journey, out / "so_do_luong.svg"))
    files.append(write_mermaid(journey, out / "hanh_trinh.mmd"))
    files.append(write_report(workshop.designed, out / "bao_cao.html", feedback=source / "comments.csv",
                              survey=source / "survey.csv", tickets=source / "tickets.csv", events=source / "events.csv"))
    return files
