"""What every ``cx`` command shares: one way to fail, to read a journey, and the common defaults."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from ..journey import Journey

# The default of every --touchpoint-column: journeymap.resolve.DEFAULT_TOUCHPOINT_COLUMN, written out
# so that `cx --help` does not import the resolver (tests/test_resolve.py checks that they agree).
TOUCHPOINT_COLUMN = "touchpoint"


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` in red on standard error and exit with status 1.

    The same line :class:`~journeymap.cli.main` prints for any :class:`nlp.errors.CxError` a command
    lets through, so a user reads every failure of ``cx`` the same way.
    """
    typer.secho(message if message.startswith("error") else f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def read_journey(path: Path) -> Journey:
    """The journey in ``path`` (any format :func:`journeymap.convert.read_any` reads), or :func:`fail`."""
    from nlp.errors import require_file

    from ..convert import read_any

    require_file(path, "journey file")
    try:
        return read_any(path)
    except ValueError as exc:  # JourneyValidationError and DataError are ValueErrors
        fail(str(exc))


def not_an_input(output: Path, *inputs: Path | None) -> None:
    """Stop, before any work, when ``output`` is one of the command's ``inputs``, names an existing
    folder or lies under a file (:func:`nlp.output.check_output`). Missing folders are fine: every
    writer creates them."""
    from nlp.output import check_output

    check_output(output, *inputs)


MasterOption = Annotated[str | None, typer.Option(
    help="With --engine spark: the Spark master (local[*], local[N], spark://HOST:PORT, yarn, k8s://…); default "
         "local[*], or spark-submit's when run under spark-submit.", show_default=False)]
"""``--master`` of the commands that run on Spark (``cx discover``, ``cx classify``)."""
