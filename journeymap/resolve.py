"""Which touchpoint of a journey a piece of text names: one rule for the whole toolkit.

Comments name their touchpoint in a column, event logs in their activity column, and a lived journey
names the designed one it stands for; all three are read by :class:`TouchpointResolver`, so a
touchpoint that one of them finds is found by the others.

The rule, tried in order, the first step that finds anything deciding:

1. ``id``: the text is a touchpoint id (``gio_hang``);
2. ``name``: its folded text (diacritics and case ignored, spaces collapsed) is a touchpoint's folded
   name (``"GIỎ  HÀNG"``, ``"gio hang"`` → the touchpoint named "Giỏ hàng"); when several names fold
   alike, the one written exactly as the text (after NFC) is taken;
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
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from nlp.text import fold_diacritics

if TYPE_CHECKING:
    from .journey import Journey

__all__ = ["DEFAULT_TOUCHPOINT_COLUMN", "Match", "Rule", "TouchpointResolver", "derived_id", "fill_touchpoint_ids",
           "touchpoint_ids", "touchpoint_key"]

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

    def __init__(self, journey: Journey | None, rules: Iterable[Rule] = RULES) -> None:
        wanted = set(rules)
        unknown = wanted - set(RULES)
        if unknown:
            raise ValueError(f"unknown touchpoint rules {sorted(unknown)}; allowed: {', '.join(RULES)}")
        self.rules: tuple[Rule, ...] = tuple(r for r in RULES if r in wanted)
        self.journey = journey
        self._names: dict[str, str] = {}
        self._exact: dict[str, list[str]] = defaultdict(list)
        self._keys: dict[str, dict[str, list[str]]] = {"name": defaultdict(list), "alias": defaultdict(list)}
        if journey is not None:
            for node, attrs in journey.graph.nodes(data=True):
                self._index(node, attrs.get("name", node), attrs.get("aliases") or [])

    @classmethod
    def of_touchpoints(cls, touchpoints: Iterable[tuple[str, str, Iterable[str]]], rules: Iterable[Rule] = RULES) -> TouchpointResolver:
        """A resolver over ``(id, name, aliases)`` triples, for touchpoints not yet in a journey
        (a journey file being read).

        >>> TouchpointResolver.of_touchpoints([("a", "Giỏ hàng", []), ("b", "Gio hang", [])]).find("Giỏ hàng")
        Match(ids=('a',), by='name')
        """
        resolver = cls(None, rules)
        for node, name, aliases in touchpoints:
            resolver._index(node, name, aliases)
        return resolver

    def _index(self, node: str, name: str, aliases: Iterable[str]) -> None:
        self._names[node] = name
        self._add("name", name, node)
        self._exact[unicodedata.normalize("NFC", str(name).strip())].append(node)
        for alias in aliases:
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
                found = [text] if text in self._names else []
            elif rule == "derived id":
                candidate = derived_id(text)
                found = [candidate] if candidate in self._names else []
            else:
                found = self._keys[rule].get(touchpoint_key(text), [])
                if rule == "name" and len(found) > 1:  # names that fold alike: the one written exactly wins
                    found = self._exact.get(unicodedata.normalize("NFC", text), []) or found
            if found:
                return Match(tuple(found), rule)
        return Match((), None)

    def describe(self, match: Match) -> str:
        """The candidates of an ambiguous match, for an error message: ``'a' (name 'Giỏ hàng'), …``."""
        return ", ".join(f"{node!r} ({self._names.get(node, node)!r})" for node in match.ids)


def touchpoint_ids(touchpoints: Any) -> list[str | None]:
    """The id of each touchpoint of a journey file, in file order: the one written, else a slug of its name.

    The slug is :func:`derived_id` of the name (diacritics folded, ``đ`` → ``d``, lower case, ``_``
    between words), made unique with ``_2``, ``_3`` … in file order; ids written in the file are kept
    and never taken by a slug. ``None`` for an entry that is not a mapping, or has neither id nor name.

    >>> touchpoint_ids([{"name": "Trả kỳ đầu"}, {"name": "Trả-kỳ-đầu"}, {"id": "tra_ky_dau_2", "name": "X"}])
    ['tra_ky_dau', 'tra_ky_dau_3', 'tra_ky_dau_2']
    """
    items = touchpoints if isinstance(touchpoints, list) else []
    taken = {tp["id"] for tp in items if isinstance(tp, dict) and isinstance(tp.get("id"), str)}
    ids: list[str | None] = []
    for tp in items:
        given = tp.get("id") if isinstance(tp, dict) else None
        name = tp.get("name") if isinstance(tp, dict) else None
        if given is not None or not isinstance(name, str) or not name.strip():
            ids.append(given if isinstance(given, str) else None)
            continue
        base = derived_id(unicodedata.normalize("NFC", name))
        candidate, number = base, 2
        while candidate in taken:
            candidate, number = f"{base}_{number}", number + 1
        taken.add(candidate)
        ids.append(candidate)
    return ids


def fill_touchpoint_ids(data: Any) -> Any:
    """A journey file's data with every touchpoint's id written out and transitions naming touchpoints by id.

    Touchpoints without an ``id`` get :func:`touchpoint_ids`; a transition's ``from`` / ``to`` that is not
    an id is looked up with :class:`TouchpointResolver` (name, alias, derived id). What cannot be found,
    or names two touchpoints, is left as written for validation to report. ``data`` is not changed;
    anything that is not a journey mapping is returned as it is.

    >>> data = {"touchpoints": [{"name": "Tư vấn"}, {"name": "Ký hợp đồng"}],
    ...         "transitions": [{"from": "Tư vấn", "to": "ky hop dong"}]}
    >>> filled = fill_touchpoint_ids(data)
    >>> [tp["id"] for tp in filled["touchpoints"]], filled["transitions"]
    (['tu_van', 'ky_hop_dong'], [{'from': 'tu_van', 'to': 'ky_hop_dong'}])
    """
    if not isinstance(data, dict) or not isinstance(data.get("touchpoints"), list):
        return data
    touchpoints = data["touchpoints"]
    ids = touchpoint_ids(touchpoints)
    if all(isinstance(tp, dict) and "id" in tp for tp in touchpoints):
        filled = touchpoints
    else:
        filled = [
            {"id": ids[i], **tp} if isinstance(tp, dict) and "id" not in tp and ids[i] is not None else tp
            for i, tp in enumerate(touchpoints)
        ]
    out = {**data, "touchpoints": filled}
    transitions = data.get("transitions")
    if isinstance(transitions, list):
        known = {i for i in ids if i is not None}
        resolver: TouchpointResolver | None = None
        resolved = []
        for tr in transitions:
            if isinstance(tr, dict) and any(isinstance(tr.get(k), str) and tr[k] not in known for k in ("from", "to")):
                if resolver is None:
                    resolver = resolver_of_entries(filled, ids)
                tr = {**tr}
                for key in ("from", "to"):
                    ref = tr.get(key)
                    if isinstance(ref, str) and ref not in known:
                        found = resolver.find(ref).id
                        if found is not None:
                            tr[key] = found
            resolved.append(tr)
        out["transitions"] = resolved
    return out


def resolver_of_entries(touchpoints: list[Any], ids: list[str | None]) -> TouchpointResolver:
    """A :class:`TouchpointResolver` over a journey file's touchpoint entries and their :func:`touchpoint_ids`."""
    return TouchpointResolver.of_touchpoints(
        (node, tp["name"] if isinstance(tp.get("name"), str) else node,
         [a for a in tp.get("aliases") or [] if isinstance(a, str)] if isinstance(tp.get("aliases"), list) else [])
        for node, tp in zip(ids, touchpoints)
        if node is not None and isinstance(tp, dict)
    )
