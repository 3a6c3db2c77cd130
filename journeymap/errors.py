"""Exceptions raised by :mod:`journeymap`.

They share one hierarchy with :mod:`nlp` (defined in :mod:`nlp.errors`, the lower layer): every
error cx raises on purpose is a :class:`CxError`; input problems are :class:`DataError` (a
``ValueError``), a missing input file is :class:`InputNotFoundError` (also a ``FileNotFoundError``),
a journey that breaks the contract is :class:`JourneyValidationError` (a ``DataError`` listing every
problem), and drawing failures are ``RuntimeError`` subclasses.
"""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.errors import CxError, DataError, InputNotFoundError, ModelFileError

__all__ = [
    "CxError",
    "DataError",
    "GraphvizNotFoundError",
    "InputNotFoundError",
    "JourneyValidationError",
    "ModelFileError",
    "Problem",
    "RenderError",
    "excerpt",
]

_UNSET: Any = object()
EXCERPT_CHARS = 60
"""How much of a long text a message quotes."""

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = EXCERPT_CHARS, EXCERPT_CHARS, 40


def excerpt(value: Any) -> str:
    """A short, printable quote of ``value`` for a message, with the size of what was left out.

    Texts longer than 60 characters are cut, lists and mappings show their first items; control
    characters show as escapes (``repr``), so a message never carries them to the terminal.

    >>> excerpt("Nhận biết")
    "'Nhận biết'"
    >>> excerpt("x" * 1000)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…' (1,000 characters)"
    >>> excerpt(list(range(2_000_000)))
    '[0, 1, 2, 3, ...] (a list of 2,000,000 items)'
    """
    if isinstance(value, str):
        if len(value) <= EXCERPT_CHARS:
            return repr(value)
        quoted = repr(value[:EXCERPT_CHARS])
        return f"{quoted[:-1]}…{quoted[-1]} ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int) and value.bit_length() > 128:  # str() of a huge integer is slow, or refused
        return f"a whole number of about {int(value.bit_length() * 0.30103) + 1:,} digits"
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        shown = _REPR.repr(value)
        if len(value) > 4 or "..." in shown:
            kind = {list: "list", tuple: "tuple", dict: "mapping"}.get(type(value), "collection")
            return f"{shown} (a {kind} of {len(value):,} items)"
        return shown
    return _REPR.repr(value)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a journey, and where it is.

    Parameters
    ----------
    message
        What is wrong and what is allowed.
    location
        Where in the document, e.g. ``touchpoints[2] (id 'ekyc') → ces``.
    line
        1-based line in the source file, when the parser gives one.
    value
        The offending value, when there is one.
    """

    message: str
    location: str = ""
    line: int | None = None
    value: Any = field(default=_UNSET, compare=False)

    @property
    def has_value(self) -> bool:
        return self.value is not _UNSET

    def __str__(self) -> str:
        where = []
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.location:
            where.append(self.location)
        prefix = ", ".join(where)
        text = self.message
        if self.has_value:
            text = f"{text} (found {excerpt(self.value)})"
        return f"{prefix}: {text}" if prefix else text


class JourneyValidationError(DataError):
    """A journey file or object breaks the journey contract.

    Carries **every** problem found, not only the first, in :attr:`problems`.
    """

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(self._format())

    def _format(self) -> str:
        n = len(self.problems)
        head = f"{self.source}: " if self.source else ""
        head += f"{n} problem{'s' if n != 1 else ''} in journey"
        return "\n".join([head, *(f"  - {p}" for p in self.problems)])


class GraphvizNotFoundError(CxError, RuntimeError):
    """Neither the system Graphviz ``dot`` nor the bundled one (pygraphviz) is available."""


class RenderError(CxError, RuntimeError):
    """Graphviz ran but failed to draw the journey."""
