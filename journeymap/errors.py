"""Exceptions raised by :mod:`journeymap`.

Each subclasses the builtin a caller would naturally catch, so ``except ValueError`` still
works for validation problems and ``except RuntimeError`` for rendering failures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "DataError",
    "GraphvizNotFoundError",
    "JourneyValidationError",
    "Problem",
    "RenderError",
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
            text = f"{text} (found {self.value!r})"
        return f"{prefix}: {text}" if prefix else text


class JourneyValidationError(ValueError):
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


class GraphvizNotFoundError(RuntimeError):
    """Neither the system Graphviz ``dot`` nor the bundled one (pygraphviz) is available."""


class RenderError(RuntimeError):
    """Graphviz ran but failed to draw the journey."""


class DataError(ValueError):
    """Customer data (an event log, survey answers, ticket times, comments) cannot be used as given.

    The message says what is wrong, where and what is allowed. Rows are named as the user sees
    them: in a file, by spreadsheet row number (the header is row 1, the first data row is row 2);
    in a DataFrame, by its index label.
    """
