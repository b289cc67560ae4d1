"""Shared plumbing of the everyday commands (auth, list, delete, widget, pull): the project and questions.

Only imported by commands, so nothing here slows down ``agents --help``.
"""

from __future__ import annotations

from agents_cli.context import AppContext
from agents_cli.errors import ConfirmationRequired
from agents_cli.project.manifest import Project, load_project


def load(app: AppContext) -> Project:
    return load_project(app.cwd)


def confirm(app: AppContext, question: str, *, action: str, yes: bool) -> bool:
    """True to go ahead. ``--yes`` skips the question; off a terminal we refuse instead of hanging."""
    if yes:
        return True
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(action)
    import typer

    return bool(typer.confirm(question, default=False, err=True))
