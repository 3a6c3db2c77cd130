"""Which touchpoint of a journey a piece of text names: one rule for the whole toolkit.

Comments name their touchpoint in a column, event logs in their activity column, and a lived journey
names the designed one it stands for; all three are read by :class:`TouchpointResolver`, so a
touchpoint that one of them finds is found by the others.

The rule, tried in order, the first step that finds anything deciding:

1. ``id``: the text is a touchpoint id (``gio_hang``);
2. ``name``: its folded text (diacritics and case ignored, spaces collapsed) is a touchpoint's folded
   name (``"GIỎ  HÀNG"``, ``"gio hang"`` → the touchpoint named "Giỏ hàng");
3. ``alias``: its folded text is one of a touchpoint's folded ``aliases``;
4. ``derived id``: the id the text would get as a new touchpoint (``"Giỏ-hàng"`` → ``gio_hang``) is
   a touchpoint id.

When the deciding step finds more than one touchpoint (two touchpoints share a name or an alias), the
text is **ambiguous**: callers raise :class:`~nlp.errors.DataError` naming the candidates, never pick
one silently.

>>> import journeymap as jm
>>> j = jm.Journey("Mua hàng", stages=["Mua"])
>>> j.add_touchpoint("gio_hang", name="Giỏ hàng", stage="Mua", aliases=["cart", "voucher"])
>>> j.add_touchpoint("thanh_toan", name="Thanh toán", stage="Mua", aliases=["voucher"])
>>> resolver = TouchpointResolver(j)
>>> [resolver.find(t) for t in ("gio_hang", "GIO HANG", "Cart", "thanh-toán", "kho")]
[Match(ids=('gio_hang',), by='id'), Match(ids=('gio_hang',), by='name'), Match(ids=('gio_hang',), by='alias'), \
Match(ids=('thanh_toan',), by='derived id'), Match(ids=(), by=None)]
>>> resolver.find("voucher").ambiguous
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, NamedTuple

from nlp.text import fold_diacritics

if TYPE_CHECKING:
    from .journey import Journey

__all__ = ["DEFAULT_TOUCHPOINT_COLUMN", "Match", "Rule", "TouchpointResolver", "derived_id", "touchpoint_key"]

Rule = Literal["id", "name", "alias", "derived id"]
RULES: tuple[Rule, ...] = ("id", "name", "alias", "derived id")

DEFAULT_TOUCHPOINT_COLUMN = "touchpoint"
"""The column that names each row's touchpoint in comments, surveys, tickets and event logs."""

_ID_RE = re.compile(r"^[a-z0-9_]+$")
_NOT_ID_CHARS = re.compile(r"[^a-z0-9]+")


def touchpoint_key(text: str) -> str:
    """The form two names are compared in: diacritics and case folded, runs of spaces made one.

    >>> touchpoint_key("  Giỏ   HÀNG ")
    'gio hang'
    """
    return " ".join(fold_diacritics(str(text)).split())


def derived_id(text: str) -> str:
    """The id a touchpoint named ``text`` gets when none is given: folded, non-letters as ``_``.

    A text that already is an id is kept as it is.

    >>> derived_id("Giỏ hàng (app)"), derived_id("gio_hang_2"), derived_id("???")
    ('gio_hang_app', 'gio_hang_2', 'touchpoint')
    """
    text = str(text)
    if _ID_RE.match(text):
        return text
    return _NOT_ID_CHARS.sub("_", fold_diacritics(text)).strip("_") or "touchpoint"


class Match(NamedTuple):
    """The touchpoints a text names, and the rule that found them (``None`` when none did)."""

    ids: tuple[str, ...]
    by: Rule | None

    @property
    def ambiguous(self) -> bool:
        """More than one touchpoint answers to the text at the deciding rule."""
        return len(self.ids) > 1

    @property
    def id(self) -> str | None:
        """The one touchpoint found, or ``None`` when there is none or the text is ambiguous."""
        return self.ids[0] if len(self.ids) == 1 else None


class TouchpointResolver:
    """Finds the touchpoints of ``journey`` that a text names (see the module's rule).

    Parameters
    ----------
    journey : Journey
        The journey whose touchpoints are looked up. Its touchpoints are indexed once, so build one
        resolver and call :meth:`find` for every row.
    rules : iterable of str, optional
        The rules to try, a subset of ``("id", "name", "alias", "derived id")`` kept in that order;
        default all of them.
    """

    def __init__(self, journey: Journey, rules: Iterable[Rule] = RULES) -> None:
        wanted = set(rules)
        unknown = wanted - set(RULES)
        if unknown:
            raise ValueError(f"unknown touchpoint rules {sorted(unknown)}; allowed: {', '.join(RULES)}")
        self.rules: tuple[Rule, ...] = tuple(r for r in RULES if r in wanted)
        self.journey = journey
        graph = journey.graph
        self._ids = set(graph.nodes)
        self._keys: dict[str, dict[str, list[str]]] = {"name": defaultdict(list), "alias": defaultdict(list)}
        for node, attrs in graph.nodes(data=True):
            self._add("name", attrs.get("name", node), node)
            for alias in attrs.get("aliases") or []:
                self._add("alias", alias, node)

    def _add(self, rule: str, text: str, node: str) -> None:
        nodes = self._keys[rule][touchpoint_key(text)]
        if node not in nodes:
            nodes.append(node)

    def find(self, text: str) -> Match:
        """The touchpoints ``text`` names under the first rule that finds any."""
        text = str(text).strip()
        for rule in self.rules:
            if rule == "id":
                found = [text] if text in self._ids else []
            elif rule == "derived id":
                candidate = derived_id(text)
                found = [candidate] if candidate in self._ids else []
            else:
                found = self._keys[rule].get(touchpoint_key(text), [])
            if found:
                return Match(tuple(found), rule)
        return Match((), None)

    def describe(self, match: Match) -> str:
        """The candidates of an ambiguous match, for an error message: ``'a' (name 'Giỏ hàng'), …``."""
        graph = self.journey.graph
        return ", ".join(f"{node!r} ({graph.nodes[node].get('name', node)!r})" for node in match.ids)
