"""The names of ``import journeymap as jm``: imported on first use (see ``__init__.py``)."""

from ._schema import CustomLaneSpec, JourneySpec, PersonaSpec, StageSpec, TouchpointSpec, TransitionSpec
from .checks import JourneyWarning, validate_journey
from .compare import JourneyComparison, compare_journeys
from .deck import journey_deck
from .discover import discover_journey, path_variants
from .display import comments_table, show
from .draw.canvas import canvas_svg, journey_canvas, render_canvas
from .draw.dot import journey_to_dot
from .draw.mermaid import journey_to_mermaid, write_mermaid
from .draw.render import render_journey
from .errors import (
    CxError,
    DataError,
    GraphvizNotFoundError,
    InputNotFoundError,
    JourneyValidationError,
    ModelFileError,
    Problem,
    RenderError,
)
from .experience import ExperienceType
from .feedback import attach_feedback, set_feedback, summarize_feedback
from .io import (
    dumps_journey,
    load_journey,
    loads_journey,
    read_graphml,
    read_node_link,
    save_journey,
    write_graphml,
    write_node_link,
)
from .journey import Journey
from .markov import conversion, removal_effects, transition_probabilities, what_if
from .metrics import MetricResult, WorkingCalendar, ces, csat, nps, set_metrics, survey_metrics, ttr
from .pain import pain_ranking
from .report import build_report, report_sections, write_report
from .samples import sample_journey_paths
from .schema import journey_json_schema
from .simulate import simulate_events
from .spreadsheet import read_journey_csv, read_journey_xlsx, write_journey_csv, write_journey_xlsx
from .starter import write_starter_journey
from .validation import validate_journey_data

__version__: str

__all__ = [
    "CustomLaneSpec",
    "CxError",
    "DataError",
    "ExperienceType",
    "GraphvizNotFoundError",
    "InputNotFoundError",
    "Journey",
    "JourneyComparison",
    "JourneySpec",
    "JourneyValidationError",
    "JourneyWarning",
    "MetricResult",
    "ModelFileError",
    "PersonaSpec",
    "Problem",
    "RenderError",
    "StageSpec",
    "TouchpointSpec",
    "TransitionSpec",
    "WorkingCalendar",
    "__version__",
    "attach_feedback",
    "build_report",
    "canvas_svg",
    "ces",
    "comments_table",
    "compare_journeys",
    "conversion",
    "csat",
    "discover_journey",
    "dumps_journey",
    "journey_canvas",
    "journey_deck",
    "journey_json_schema",
    "journey_to_dot",
    "journey_to_mermaid",
    "load_journey",
    "loads_journey",
    "nps",
    "pain_ranking",
    "path_variants",
    "read_graphml",
    "read_journey_csv",
    "read_journey_xlsx",
    "read_node_link",
    "removal_effects",
    "render_canvas",
    "render_journey",
    "report_sections",
    "sample_journey_paths",
    "save_journey",
    "set_feedback",
    "set_metrics",
    "show",
    "simulate_events",
    "summarize_feedback",
    "survey_metrics",
    "transition_probabilities",
    "ttr",
    "validate_journey",
    "validate_journey_data",
    "what_if",
    "write_graphml",
    "write_journey_csv",
    "write_journey_xlsx",
    "write_mermaid",
    "write_node_link",
    "write_report",
    "write_starter_journey",
]
