"""Shared plumbing of the everyday commands (auth, list, delete, widget): project, environment, API client.

Kept apart from the command modules so each of them stays about one thing. Only imported by commands, so
importing ``httpx`` (through ``api``) here does not slow down ``agents --help``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agents_cli.context import AppContext
from agents_cli.errors import ConfirmationRequired, UsageError
from agents_cli.project.manifest import Environment, Project, load_project
from agents_cli.remote.credentials import ResolvedKey, resolve_api_key

if TYPE_CHECKING:
    from agents_cli.remote.client import ApiClient

BASE_URL_VARIABLE = "ELEVENLABS_BASE_URL"


@dataclass(frozen=True)
class Target:
    """One environment of one project, with the base URL and key the command will use."""

    project: Project | None
    environment: Environment
    base_url: str
    key: ResolvedKey | None  # None for emulator environments, which need no key


def load(app: AppContext) -> Project:
    return load_project(app.cwd)


def effective_base_url(environment: Environment, override: str | None) -> str:
    """``--base-url``, else ``ELEVENLABS_BASE_URL``, else the environment's own (residency or explicit)."""
    chosen = override or os.environ.get(BASE_URL_VARIABLE) or ""
    if chosen.strip():
        return chosen.strip().rstrip("/")
    if environment.emulator:
        return "emulator:"
    return environment.resolved_base_url()


def target(project: Project | None, environment: Environment, base_url: str | None) -> Target:
    url = effective_base_url(environment, base_url)
    uses_emulator = environment.emulator and not (base_url or os.environ.get(BASE_URL_VARIABLE))
    key = None if uses_emulator else resolve_api_key(environment, project.root if project else None)
    return Target(project=project, environment=environment, base_url=url, key=key)


def client(chosen: Target, *, concurrency: int | None = None) -> ApiClient:
    """An ``ApiClient`` for the target; use as ``async with``. Emulator environments run in-process."""
    from agents_cli.remote.client import DEFAULT_CONCURRENCY, ApiClient

    if chosen.key is None:
        from agents_cli.remote.directory import build_client

        if chosen.project is None:
            raise UsageError("the embedded emulator needs a project", hint="run 'agents init' first")
        return build_client(chosen.project, chosen.environment, concurrency=concurrency)
    # The key already resolved (and shown, by whoami) is the one used: no second lookup that could differ.
    return ApiClient(
        chosen.base_url,
        chosen.key.value,
        api_key_env=chosen.environment.api_key_env,
        environment=chosen.environment.name,
        concurrency=concurrency or DEFAULT_CONCURRENCY,
    )


def confirm(app: AppContext, question: str, *, action: str, yes: bool) -> bool:
    """True to go ahead. ``--yes`` skips the question; off a terminal we refuse instead of hanging."""
    if yes:
        return True
    if not app.out.stdin_is_tty:
        raise ConfirmationRequired(action)
    import typer

    return bool(typer.confirm(question, default=False, err=True))
