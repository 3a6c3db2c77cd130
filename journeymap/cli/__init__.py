"""The ``cx`` command line: a thin layer over both packages, every command a library call.

:mod:`~journeymap.cli.main` holds the app and the journey commands; :mod:`~journeymap.cli.analytics`,
:mod:`~journeymap.cli.report` and :mod:`~journeymap.cli.feedback` (nlp's commands) register theirs on
it. Only the standard library and Typer are imported at start-up, so ``cx --help`` is instant.
"""

from .main import app, main

__all__ = ["app", "main"]
