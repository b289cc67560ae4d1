"""Plumbing the commands share: the project, the client of a workspace's environment, and questions.

Only imported by commands, so nothing here slows down ``agents --help``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from agents_cli.context import AppContext
from agents_cli.errors import ConfirmationRequired
from agents_cli.project.manifest import Project, load_project

if TYPE_CHECKING:
    from agents_cli.engine.workspace import Workspace
    from agents_cli.remote.client import ApiClient


def load(app: AppContext) -> Project:
    return load_project(app.cwd)


def workspace_client(
    app: AppContext, workspace: Workspace, *, base_url: str | None, concurrency: int | None
) -> ApiClient:
    """The one client of a command run, for the workspace's environment (base URL, concurrency)."""
    from agents_cli.remote.connect import build_client

    return build_client(
        workspace.root, workspace.environment, base_url=base_url, concurrency=concurrency, host=app.host
    )


def confirm(app: AppContext, question: str, *, action: str, yes: bool) -> bool:
    """True to go ahead. ``--yes`` skips the question; off a terminal we refuse instead of hanging."""
    if yes:
        return True
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(action)
    import typer

    return bool(typer.confirm(question, default=False, err=True))
