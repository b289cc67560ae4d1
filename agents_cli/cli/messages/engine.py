"""Words for the errors of ``agents_cli.engine``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.engine import errors as engine
from agents_cli.errors import AgentsError

Words = tuple[str, str | None]


def _replace_refused(error: engine.ReplaceRefused) -> Words:
    if error.why == "not_selected":
        return f"--replace {error.name}: the agent is not selected", f"add --only {error.name}"
    known = ", ".join(error.agents) or "none"
    return (
        f"--replace {error.name}: no agent of that name in agents.json (agents: {known})",
        "--replace takes an agent's local name; tools and tests are always written whole",
    )


def _replace_referenced(error: engine.ReplaceReferenced) -> Words:
    verb = "references" if len(error.users) == 1 else "reference"
    users = ", ".join(error.users)
    return (
        f"--replace {error.name}: {users} {verb} @agent:{error.name}, whose id a replace changes",
        "remove the reference, replace and sync, then add it back (it then gets the new id)",
    )


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    engine.ReplaceRefused: _replace_refused,
    engine.ReplaceReferenced: _replace_referenced,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
