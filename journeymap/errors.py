"""Exceptions raised by :mod:`journeymap`.

They share one hierarchy with :mod:`nlp` (defined in :mod:`nlp.errors`, the lower layer): every
error cx raises on purpose is a :class:`CxError`; input problems are :class:`DataError` (a
``ValueError``), a missing input file is :class:`InputNotFoundError` (also a ``FileNotFoundError``),
a journey that breaks the contract is :class:`JourneyValidationError` (a ``DataError`` listing every
problem), and drawing failures are ``RuntimeError`` subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nlp.errors import CxError, DataError, InputNotFoundError, ModelFileError, excerpt

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
