"""journeymap — customer journeys as graphs: files, validation, analysis and rendering.

Names are imported lazily so ``import journeymap`` (and the ``cx`` command's help) stays fast.

Examples
--------
>>> import journeymap as jm
>>> j = jm.Journey("Đặt bàn nhà hàng", stages=["Tìm quán", "Đặt bàn"])
>>> j.add_touchpoint("zalo", name="Nhắn Zalo đặt bàn", stage="Đặt bàn", experience=["act"])
>>> j.touchpoint("zalo").experience
[<ExperienceType.ACT: 'act'>]
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    "ExperienceType": ".experience",
    "Journey": ".journey",
    "JourneySpec": "._schema",
    "TouchpointSpec": "._schema",
    "TransitionSpec": "._schema",
    "JourneyValidationError": ".errors",
    "GraphvizNotFoundError": ".errors",
    "DataError": ".errors",
    "CxError": ".errors",
    "InputNotFoundError": ".errors",
    "ModelFileError": ".errors",
    "RenderError": ".errors",
    "Problem": ".errors",
    "load_journey": ".io",
    "loads_journey": ".io",
    "dumps_journey": ".io",
    "save_journey": ".io",
    "read_node_link": ".io",
    "write_node_link": ".io",
    "read_graphml": ".io",
    "write_graphml": ".io",
    "validate_journey_data": ".validation",
    "journey_json_schema": ".schema",
    "render_journey": ".render",
    "journey_to_dot": ".dot",
    "sample_journey_paths": ".samples",
    "discover_journey": ".discover",
    "path_variants": ".discover",
    "conversion": ".markov",
    "removal_effects": ".markov",
    "what_if": ".markov",
    "transition_probabilities": ".markov",
    "simulate_events": ".simulate",
    "nps": ".metrics",
    "csat": ".metrics",
    "ces": ".metrics",
    "ttr": ".metrics",
    "survey_metrics": ".metrics",
    "set_metrics": ".metrics",
    "WorkingCalendar": ".metrics",
    "MetricResult": ".metrics",
    "attach_feedback": ".feedback",
    "summarize_feedback": ".feedback",
    "set_feedback": ".feedback",
    "pain_ranking": ".pain",
    "compare_journeys": ".compare",
    "journey_to_mermaid": ".mermaid",
    "journey_canvas": ".canvas",
    "render_canvas": ".canvas",
    "canvas_svg": ".canvas",
    "build_report": ".report",
    "write_report": ".report",
    "report_sections": ".report",
    "write_mermaid": ".mermaid",
    "JourneyComparison": ".compare",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'journeymap' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:
    from ._schema import JourneySpec, TouchpointSpec, TransitionSpec
    from .dot import journey_to_dot
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
    from .canvas import canvas_svg, journey_canvas, render_canvas
    from .compare import JourneyComparison, compare_journeys
    from .discover import discover_journey, path_variants
    from .feedback import attach_feedback, set_feedback, summarize_feedback
    from .journey import Journey
    from .markov import conversion, removal_effects, transition_probabilities, what_if
    from .mermaid import journey_to_mermaid, write_mermaid
    from .metrics import MetricResult, WorkingCalendar, ces, csat, nps, set_metrics, survey_metrics, ttr
    from .pain import pain_ranking
    from .render import render_journey
    from .report import build_report, write_report
    from .simulate import simulate_events
    from .samples import sample_journey_paths
    from .schema import journey_json_schema
    from .validation import validate_journey_data
