"""Check journey data against the contract and report every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from ._parse import MAX_DEPTH, Document
from ._schema import JourneySpec, TouchpointSpec, TransitionSpec
from .errors import JourneyValidationError, Problem, excerpt
from .experience import ExperienceType
from .text import fold_diacritics, normalise_text, text_problem

__all__ = ["problem_from_pydantic", "validate_journey_data"]

# What each field allows, in words a CX designer reads without knowing pydantic.
_ALLOWED: dict[str, str] = {
    "ces": "a number from 1 (very hard) to 7 (very easy)",
    "drop_off": "a share from 0 to 1 (0.4 means 40% leave here)",
    "probability": "a share from 0 to 1",
    "emotion": "a number from -2 (very negative) to +2 (very positive)",
    "volume": "a number of customers, 0 or more",
    "lane": "'frontstage' or 'backstage'",
    "origin": "'designed' (the default) or 'discovered' (made from an event log)",
    "experience": "a list drawn from " + ", ".join(t.value for t in ExperienceType),
    "id": "lowercase letters, digits and underscores, e.g. 'fb_ad'",
    "from": "a touchpoint id",
    "to": "a touchpoint id",
    "csat": "a percentage from 0 to 100",
    "nps": "a score from -100 to 100",
    "ttr_hours": "a number of hours, 0 or more",
    "goal": "true or false",
    "stages": "a non-empty list of stage names, in order",
    "touchpoints": "a non-empty list of touchpoints",
}
_RANGE_ERRORS = {
    "greater_than_equal",
    "less_than_equal",
    "greater_than",
    "less_than",
    "float_parsing",
    "float_type",
    "int_parsing",
    "literal_error",
    "enum",
    "string_pattern_mismatch",
    "bool_parsing",
    "bool_type",
    "too_short",
}
_OWN_MESSAGES = {"text_character", "number_too_large"}  # raised by journeymap._schema, worded for authors
_KEYS = {
    (): list(JourneySpec.model_fields),
    ("touchpoints",): list(TouchpointSpec.model_fields),
    ("transitions",): [f.alias or name for name, f in TransitionSpec.model_fields.items()],
}


def validate_journey_data(
    data: Any, *, document: Document | None = None, source: str | None = None
) -> JourneySpec:
    """Validate parsed journey data, raising one error that lists every problem.

    Parameters
    ----------
    data
        The parsed YAML/JSON document (a mapping).
    document
        The parsed document, for line numbers and syntax-level problems such as duplicate keys.
    source
        File name used in messages.

    Raises
    ------
    JourneyValidationError
        With one :class:`Problem` per violation.

    Examples
    --------
    >>> spec = validate_journey_data({"journey": "Mua hàng", "stages": ["Mua"],
    ...     "touchpoints": [{"id": "app", "name": "Ứng dụng", "stage": "Mua"}]})
    >>> spec.touchpoints[0].name
    'Ứng dụng'
    >>> validate_journey_data({"journey": "X", "stages": ["A"],
    ...     "touchpoints": [{"id": "a", "name": "A", "stage": "A", "ces": 9}]})
    Traceback (most recent call last):
    ...
    journeymap.errors.JourneyValidationError: 1 problem in journey
      - touchpoints[0] (id 'a') → ces: must be a number from 1 (very hard) to 7 (very easy) (found 9)
    """
    document = document or Document(data)
    if not document.normalised:
        data = _normalised(data, 0)
    problems = list(document.problems)
    if data is None:
        problems.append(Problem("the file is empty; a journey needs 'journey', 'stages' and 'touchpoints'"))
        raise JourneyValidationError(problems, source=source)
    if not isinstance(data, dict):
        problems.append(
            Problem(f"a journey must be a mapping of keys, not a {type(data).__name__}", line=document.line_of(()))
        )
        raise JourneyValidationError(problems, source=source)

    spec: JourneySpec | None = None
    try:
        spec = JourneySpec.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(problem_from_pydantic(error, data, document))
    problems.extend(_cross_references(data, document))
    problems.sort(key=lambda p: (p.line is None, p.line or 0))
    if problems or spec is None:
        raise JourneyValidationError(problems, source=source)
    return spec


def problem_from_pydantic(
    error: Mapping[str, Any],
    data: dict[str, Any],
    document: Document,
    *,
    prefix: str = "",
    keys: Sequence[str] | None = None,
) -> Problem:
    """Turn one pydantic error into a :class:`Problem` worded for journey authors.

    ``prefix`` names what ``data`` is (e.g. ``touchpoint 'ekyc'``) when it is not a whole journey,
    and ``keys`` are then the keys ``data`` may hold, listed when an unknown key is found.
    """
    loc: tuple[int | str, ...] = tuple(error["loc"])  # pydantic's ErrorDetails["loc"]

    def where(path: Sequence[Hashable]) -> str:
        if prefix and not path:
            return prefix
        described = _describe(path, data)
        return f"{prefix} → {described}" if prefix else described

    kind = error["type"]
    line = document.line_of(loc)
    if kind == "missing":
        parent, key = loc[:-1], loc[-1]
        what = f"required key {key!r} is missing"
        if key in _ALLOWED:
            what += f"; it must be {_ALLOWED[key]}"
        return Problem(what, where(parent), line)
    if kind == "extra_forbidden":
        parent, key = loc[:-1], loc[-1]
        allowed = list(keys) if keys is not None and not parent else _KEYS.get(tuple(p for p in parent if not isinstance(p, int)), [])
        what = f"unknown key {key!r}" + (_suggest(str(key), allowed) or ".")
        what += f" Allowed keys: {', '.join(allowed)}" if allowed else ""
        return Problem(what, where(parent), line)
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    value = error.get("input")
    if kind == "string_type":
        hint = _quote_hint(value, document.scalars.get(loc))
        if hint is not None:
            return Problem(hint, where(loc), line)
    if kind == "string_unicode" and isinstance(value, str) and text_problem(value):  # a lone surrogate
        return Problem(str(text_problem(value)), where(loc), line, value)
    if kind == "finite_number":
        message = "must be a finite number, not infinity or NaN" + (f": {_ALLOWED[field]}" if field in _ALLOWED else "")
    elif kind in _RANGE_ERRORS and field in _ALLOWED:
        message = f"must be {_ALLOWED[field]}"
    elif kind in _OWN_MESSAGES:
        message = error["msg"]
    else:
        message = error["msg"][0].lower() + error["msg"][1:]
    return Problem(message, where(loc), line, value)


def _quote_hint(value: Any, written: str | None) -> str | None:
    """For text that YAML read as something else: what it became and how to keep it as text."""
    if value is None:
        return "is empty; write the text" if written is None else f"{written!r} was read as empty (null); write it in quotes: \"{written}\""
    if isinstance(value, bool):
        what, text = f"the boolean {str(value).lower()}", written or str(value).lower()
    elif isinstance(value, (int, float)):
        what, text = f"the number {value!r}", written or repr(value)
        if written is not None and ":" in written:
            what += " (YAML 1.1 reads digits separated by ':' as minutes and seconds)"
    elif isinstance(value, date):
        what, text = f"the date {value.isoformat()}", written or value.isoformat()
    else:
        return None
    return f"{text!r} was read as {what}; write it in quotes: \"{text}\""


def _normalised(value: Any, depth: int) -> Any:
    """``value`` with every text NFC-normalised and every line break as ``\\n`` (see :func:`normalise_text`)."""
    if isinstance(value, str):
        return normalise_text(value)
    if depth > MAX_DEPTH:
        return value
    if isinstance(value, list):
        return [_normalised(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_normalised(k, depth + 1): _normalised(v, depth + 1) for k, v in value.items()}
    return value


def _describe(loc: Sequence[Hashable], data: dict[str, Any]) -> str:
    """Human location such as ``touchpoints[2] (id 'ekyc') → ces``."""
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int) and parts:
            parts[-1] += f"[{key}]"
            item = node[key] if isinstance(node, list) and key < len(node) else None
            if isinstance(item, dict) and parts[-1].startswith("touchpoints") and "id" in item:
                parts[-1] += f" (id {excerpt(item['id'])})"
            elif isinstance(item, dict) and parts[-1].startswith("transitions"):
                parts[-1] += f" ({_short(item.get('from', '?'))} → {_short(item.get('to', '?'))})"
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return " → ".join(parts) if parts else "top level"


def _cross_references(data: dict[str, Any], document: Document) -> list[Problem]:
    """Checks that span several keys: unique ids and stages, known stages and endpoints."""
    problems: list[Problem] = []
    stages_raw = data.get("stages")
    stages = [s for s in stages_raw if isinstance(s, str)] if isinstance(stages_raw, list) else None
    if isinstance(stages_raw, list):
        seen_stage: dict[str, int] = {}
        for index, stage in enumerate(stages_raw):
            if not isinstance(stage, str):
                continue
            if stage in seen_stage:
                problems.append(
                    Problem(
                        f"stage {excerpt(stage)} is listed twice (also stages[{seen_stage[stage]}]); stage names must be unique",
                        f"stages[{index}]",
                        document.line_of(("stages", index)),
                    )
                )
            seen_stage.setdefault(stage, index)

    ids: dict[str, int] = {}
    touchpoints = data.get("touchpoints")
    for index, tp in enumerate(touchpoints if isinstance(touchpoints, list) else []):
        if not isinstance(tp, dict):
            continue
        tp_id = tp.get("id")
        where = _describe(("touchpoints", index), data)
        if isinstance(tp_id, str):
            if tp_id in ids:
                first = ids[tp_id]
                problems.append(
                    Problem(
                        f"duplicate touchpoint id {excerpt(tp_id)}; first used by touchpoints[{first}]"
                        + _at_line(document.line_of(("touchpoints", first, "id"))),
                        where,
                        document.line_of(("touchpoints", index, "id")),
                    )
                )
            else:
                ids[tp_id] = index
        stage = tp.get("stage")
        if stages is not None and isinstance(stage, str) and stage not in stages:
            problems.append(
                Problem(
                    f"stage {excerpt(stage)} is not one of the journey's stages"
                    + (_suggest(stage, stages) or ".")
                    + f" Stages: {_listed(stages)}",
                    f"{where} → stage",
                    document.line_of(("touchpoints", index, "stage")),
                )
            )

    transitions = data.get("transitions")
    if isinstance(transitions, list) and ids:
        known = list(ids)
        for index, tr in enumerate(transitions):
            if not isinstance(tr, dict):
                continue
            for key in ("from", "to"):
                ref = tr.get(key)
                if isinstance(ref, str) and ref not in ids:
                    shown = _listed(known)
                    problems.append(
                        Problem(
                            f"transition {'from' if key == 'from' else 'to'} unknown touchpoint {excerpt(ref)}"
                            + (_suggest(ref, known) or ".")
                            + f" Known ids: {shown}",
                            f"{_describe(('transitions', index), data)} → {key}",
                            document.line_of(("transitions", index, key)),
                        )
                    )
    return problems


def _suggest(value: str, options: Sequence[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest option (ignoring case and diacritics), else ``""``."""
    if len(value) > 200:  # difflib is quadratic; nobody misspells a 200-character name
        return ""
    folded = {fold_diacritics(o): o for o in options if len(o) <= 200}
    hit = difflib.get_close_matches(fold_diacritics(value), list(folded), n=1, cutoff=0.6)
    return f"; did you mean {folded[hit[0]]!r}?" if hit else ""


def _short(value: Any) -> str:
    return value if isinstance(value, str) and len(value) <= 40 and value.isprintable() else excerpt(value)


def _listed(names: Sequence[str], most: int = 12) -> str:
    shown = ", ".join(_short(n) for n in names[:most])
    return shown + (f", … ({len(names):,} in all)" if len(names) > most else "")


def _at_line(line: int | None) -> str:
    return f" on line {line}" if line is not None else ""
