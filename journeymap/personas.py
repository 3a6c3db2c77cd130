"""One persona's view of a journey: the touchpoints as they meet them (the persona a name means is
:meth:`journeymap.Journey.persona_named`).

Shared by the canvas (:mod:`journeymap.draw.canvas`, ``persona=``) and the deck
(:mod:`journeymap.deck`), so both show one persona the same way.
"""

from __future__ import annotations

from typing import Any

from ._schema import PersonaSpec
from .journey import Journey

__all__ = ["persona_view"]


def persona_view(
    journey: Journey, persona: str | None
) -> tuple[dict[str, dict[str, Any]], frozenset[str], tuple[PersonaSpec, ...], str | None]:
    """The touchpoints as ``persona`` meets them, who does not meet which, the cards, the subtitle.

    What the canvas, its slides and the deck's stage slides draw for one persona (or for all).

    Without ``persona``: the touchpoints' own values, and a card for each declared persona. With it:
    the persona's ``by_persona`` values replace the touchpoint's own (a value not given keeps the
    touchpoint's), touchpoints whose ``personas`` list leaves the persona out are excluded (drawn
    greyed in their column, so columns still line up with the all-persona canvas), and only the
    persona's card is drawn.
    """
    nodes = {n: dict(attrs) for n, attrs in journey.graph.nodes(data=True)}
    declared = tuple(journey.personas) if journey.graph.graph.get("personas") else ()
    if persona is None:
        return nodes, frozenset(), declared, None
    chosen = journey.persona_named(persona)
    excluded = set()
    for node, attrs in nodes.items():
        meets = attrs.get("personas") or []
        if meets and chosen.name not in meets:
            excluded.add(node)
            for key in list(attrs):
                if key not in ("name", "stage", "lane", "channel", "goal", "moment_of_truth"):
                    del attrs[key]
            continue
        variant = (attrs.get("by_persona") or {}).get(chosen.name) or {}
        attrs.update({k: v for k, v in variant.items() if v is not None and v != []})
    return nodes, frozenset(excluded), (chosen,), f"Góc nhìn của persona: {chosen.name}"

