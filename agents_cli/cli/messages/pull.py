"""Words for the errors of ``agents_cli.pull``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError
from agents_cli.pull import errors as pull

Words = tuple[str, str | None]


def _nothing_to_pull(error: pull.NothingToPull) -> Words:
    return (
        f"--only names nothing to pull: {', '.join(error.unknown)}",
        f"candidates: {', '.join(error.candidates) or 'none'}",
    )


def _not_official(error: pull.NotAnOfficialProject) -> Words:
    return (
        f"{error.folder} is not a project of the official ElevenLabs CLI: none of "
        f"{', '.join(error.expected)} lists configs there",
        "pass the folder that holds the official CLI's agents.json (agents import official PATH)",
    )


def _import_conflict(error: pull.ImportConflict) -> Words:
    taken = [*error.files, *error.names]
    shown = ", ".join(taken[:8]) + (f" and {len(taken) - 8} more" if len(taken) > 8 else "")
    return (
        f"import would overwrite or re-register what the project already has: {shown}; nothing was written",
        "import into a project without them, or remove or rename them first",
    )


def _version_not_found(error: pull.VersionNotFound) -> Words:
    return (
        f"no agent this environment tracks has a version {error.version!r}",
        f"'agents history AGENT' lists an agent's versions (tracked: {', '.join(error.agents) or 'none'})",
    )


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    pull.VersionNotFound: _version_not_found,
    pull.NothingToPull: _nothing_to_pull,
    pull.NotAnOfficialProject: _not_official,
    pull.ImportConflict: _import_conflict,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
