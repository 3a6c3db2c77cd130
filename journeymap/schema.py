"""The published JSON Schema of journey files, for editor autocompletion."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ._schema import JourneySpec

__all__ = ["SCHEMA_PATH", "journey_json_schema", "journey_json_schema_text"]

SCHEMA_PATH = Path(__file__).resolve().parent / "journey.schema.json"


def journey_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a journey file.

    Examples
    --------
    >>> schema = journey_json_schema()
    >>> schema["required"]
    ['journey', 'stages', 'touchpoints']
    """
    schema = JourneySpec.model_json_schema(by_alias=True)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def journey_json_schema_text() -> str:
    return json.dumps(journey_json_schema(), ensure_ascii=False, indent=2) + "\n"
