from __future__ import annotations

import json

import jsonschema
import yaml

from journeymap.schema import SCHEMA_PATH, journey_json_schema


def test_published_schema_is_up_to_date():
    assert json.loads(SCHEMA_PATH.read_text(encoding="utf-8")) == journey_json_schema(), (
        "regenerate with: cx schema -o journeymap/journey.schema.json"
    )


def test_samples_satisfy_the_json_schema(sample_path):
    jsonschema.validate(yaml.safe_load(sample_path.read_text(encoding="utf-8")), journey_json_schema())


def test_schema_rejects_what_the_validator_rejects():
    bad = {"journey": "x", "stages": ["A"], "touchpoints": [{"id": "a", "name": "A", "stage": "A", "ces": 8}]}
    errors = list(jsonschema.Draft202012Validator(journey_json_schema()).iter_errors(bad))
    assert errors and "8" in errors[0].message
