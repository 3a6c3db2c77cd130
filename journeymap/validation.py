"""Check journey data against the contract and report every problem at once."""

from __future__ import annotations

import difflib
from collections.abc import Hashable, Mapping, Sequence
from datetime import date
from typing import Any

from pydantic import ValidationError

from ._parse import MAX_DEPTH, Document
from ._schema import (
    BUILTIN_LANES,
    UNION_TAGS,
    CustomLaneSpec,
    JourneySpec,
    PersonaSpec,
    PersonaVariantSpec,
    StageSpec,
    TouchpointSpec,
    TransitionSpec,
)
from .errors import JourneyValidationError, Problem, excerpt
from .experience import ExperienceType
from .resolve import fill_touchpoint_ids, resolver_of_entries, touchpoint_ids
from .text import fold_diacritics, normalise_text, text_problem

__all__ = ["problem_from_pydantic", "validate_journey_data"]

# What each field allows, in words a CX designer reads without knowing pydantic.
_ALLOWED: dict[str, str] = {
    "ces": "a number from 1 (very hard) to 7 (very easy)",
    "drop_off": "a share from 0 to 1 (0.4 means 40% leave here), or a percentage such as '40%'",
    "probability": "a share from 0 to 1, or a percentage such as '25%'",
    "emotion": "a number from -2 (very negative) to +2 (very positive)",
    "volume": "a number of customers, 0 or more",
    "lane": "'frontstage' or 'backstage'",
    "origin": "'designed' (the default) or 'discovered' (made from an event log)",
    "experience": "a list drawn from " + ", ".join(t.value for t in ExperienceType),
    "id": "lowercase letters, digits and underscores, e.g. 'fb_ad'",
    "from": "a touchpoint id or name",
    "to": "a touchpoint id or name",
    "csat": "a percentage from 0 to 100 (85 or '85%')",
    "nps": "a score from -100 to 100",
    "ttr_hours": "a number of hours, 0 or more",
    "goal": "true or false",
    "moment_of_truth": "true or false",
    "duration": "text such as '1–2 ngày', or a number of hours (0 or more)",
    "key": "lowercase letters, digits and underscores, e.g. 'chinh_sach'",
    "lanes": "a list of canvas rows: a built-in row (" + ", ".join(BUILTIN_LANES) + ") or {title: ..., key: ...}",
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
    ("stages",): list(StageSpec.model_fields),
    ("personas",): list(PersonaSpec.model_fields),
    ("lanes",): list(CustomLaneSpec.model_fields),
}
_VARIANT_KEYS = list(PersonaVariantSpec.model_fields)


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
    data = fill_touchpoint_ids(data)
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
    # pydantic's ErrorDetails["loc"], without the tags of the schema's unions (not written in the file)
    loc: tuple[int | str, ...] = tuple(p for p in error["loc"] if p not in UNION_TAGS)

    def where(path: Sequence[Hashable]) -> str:
        if prefix and not path:
            return prefix
        described = describe_path(path, data)
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
        named = tuple(p for p in parent if not isinstance(p, int))
        if keys is not None and not parent:
            allowed = list(keys)
        else:
            allowed = _VARIANT_KEYS if named[-2:-1] == ("by_persona",) else _KEYS.get(named, [])
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
    elif isinstance(value, dict) and len(value) == 1 and all(isinstance(v, (str, int, float)) for v in value.values()):
        key, rest = next(iter(value.items()))
        text = f"{key}: {rest}"
        return (f"{excerpt(text)} was read as a mapping, because a colon followed by a space starts a key in YAML; "
                f"write the text in quotes: \"{text}\"")
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


def describe_path(loc: Sequence[Hashable], data: dict[str, Any]) -> str:
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
    """Checks that span several keys: unique ids, stages, personas and rows; known stages, endpoints,
    personas and rows."""
    problems: list[Problem] = []
    stages_raw = data.get("stages")
    stage_names = [_entry_name(s) for s in stages_raw] if isinstance(stages_raw, list) else []
    stages = [s for s in stage_names if s is not None] if isinstance(stages_raw, list) else None
    problems += _unique(stage_names, "stages", "stage", document, data)

    personas_raw = data.get("personas")
    persona_names = [_entry_name(p) for p in personas_raw] if isinstance(personas_raw, list) else []
    problems += _unique(persona_names, "personas", "persona", document, data)
    declared = [p for p in persona_names if p is not None]
    if declared and isinstance(data.get("persona"), str):
        problems.append(Problem(
            "give either 'persona' (one persona, as text) or 'personas' (a list), not both; "
            "move this text into 'personas' (e.g. as a persona's name or description)",
            "persona", document.line_of(("persona",)),
        ))
    elif isinstance(data.get("persona"), str):
        declared = [data["persona"]]

    lanes_raw = data.get("lanes")
    lane_keys = [_lane_key(lane) for lane in lanes_raw] if isinstance(lanes_raw, list) else []
    problems += _unique(lane_keys, "lanes", "canvas row", document, data)
    custom_lanes = [k for lane in lanes_raw if isinstance(lane, dict) and (k := _lane_key(lane)) is not None] \
        if isinstance(lanes_raw, list) else []
    for index, lane in enumerate(lanes_raw if isinstance(lanes_raw, list) else []):
        key = _lane_key(lane)
        if isinstance(lane, dict) and key in BUILTIN_LANES:
            problems.append(Problem(
                f"the key {excerpt(key)} of this row of your own is a built-in row's; give the row another key, "
                f"or write just {key} in the list to use the built-in row",
                f"lanes[{index}] → key", document.line_of(("lanes", index, "key")),
            ))

    ids: dict[str, int] = {}
    touchpoints = data.get("touchpoints")
    for index, tp in enumerate(touchpoints if isinstance(touchpoints, list) else []):
        if not isinstance(tp, dict):
            continue
        tp_id = tp.get("id")
        where = describe_path(("touchpoints", index), data)
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
        problems += _persona_references(tp, index, where, declared, document)
        lanes = tp.get("lanes")
        for key in lanes if isinstance(lanes, dict) else []:
            if isinstance(key, str) and key not in custom_lanes:
                rows = f" Rows of your own: {_listed(custom_lanes)}" if custom_lanes else ""
                problems.append(Problem(
                    f"{excerpt(key)} is not the key of a row of your own in the journey's 'lanes' list"
                    + (_suggest(key, custom_lanes) or ".")
                    + (rows or " Declare it first, e.g. lanes: [name, {title: 'Chính sách', key: chinh_sach}, emotion]"),
                    f"{where} → lanes", document.line_of(("touchpoints", index, "lanes", key)),
                ))

    transitions = data.get("transitions")
    if isinstance(transitions, list) and isinstance(touchpoints, list) and ids:
        known = list(ids)
        resolver = None
        for index, tr in enumerate(transitions):
            if not isinstance(tr, dict):
                continue
            for key in ("from", "to"):
                ref = tr.get(key)
                if not isinstance(ref, str) or ref in ids:
                    continue
                if resolver is None:
                    resolver = resolver_of_entries(touchpoints, touchpoint_ids(touchpoints))
                match = resolver.find(ref)
                if match.ambiguous:
                    what = (f"transition {key} {excerpt(ref)} names {len(match.ids)} touchpoints ({match.by}): "
                            f"{resolver.describe(match)}; write the id of the one meant")
                else:
                    what = (f"transition {key} unknown touchpoint {excerpt(ref)} (no touchpoint has this id or name)"
                            + (_suggest(ref, known) or ".") + f" Known ids: {_listed(known)}")
                problems.append(Problem(what, f"{describe_path(('transitions', index), data)} → {key}",
                                        document.line_of(("transitions", index, key))))
    return problems


def _entry_name(entry: Any) -> str | None:
    """The name of a stage or persona written as text or as a mapping with ``name``."""
    if isinstance(entry, dict):
        entry = entry.get("name")
    return entry if isinstance(entry, str) else None


def _lane_key(lane: Any) -> str | None:
    """The key of a canvas row: a built-in row's name, or a row of one's own's key (or folded title)."""
    if isinstance(lane, dict):
        from ._schema import CustomLaneSpec

        key = lane.get("key")
        if key is None and isinstance(lane.get("title"), str):
            return CustomLaneSpec.model_validate({"title": lane["title"]}).key if lane["title"].strip() else None
        return key if isinstance(key, str) else None
    return lane if isinstance(lane, str) else None


def _unique(names: Sequence[str | None], key: str, what: str, document: Document, data: dict[str, Any]) -> list[Problem]:
    """A problem for each name listed a second time under ``key``."""
    problems = []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name is None:
            continue
        if name in seen:
            problems.append(Problem(
                f"{what} {excerpt(name)} is listed twice (also {key}[{seen[name]}]); {what} names must be unique",
                f"{key}[{index}]", document.line_of((key, index)),
            ))
        seen.setdefault(name, index)
    return problems


def _persona_references(tp: dict[str, Any], index: int, where: str, declared: list[str], document: Document) -> list[Problem]:
    """A touchpoint's ``personas`` and ``by_persona`` must name the journey's personas."""
    problems = []
    named = [(("personas", i), p) for i, p in enumerate(tp["personas"])] if isinstance(tp.get("personas"), list) else []
    named += [(("by_persona", p), p) for p in tp["by_persona"]] if isinstance(tp.get("by_persona"), dict) else []
    for path, name in named:
        if not isinstance(name, str) or name in declared:
            continue
        if declared:
            allowed = _suggest(name, declared) or "."
            allowed += f" Personas: {_listed(declared)}"
        else:
            allowed = ". The journey declares no persona: list them under 'personas' first"
        problems.append(Problem(f"{excerpt(name)} is not one of the journey's personas{allowed}",
                                f"{where} → {path[0]}", document.line_of(("touchpoints", index, *path))))
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
