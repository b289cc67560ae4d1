"""Words for the errors every package shares (``agents_cli.errors``): environments, the project, confirmations
and saved plans."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from agents_cli.errors import (
    AgentsError,
    ConfirmationRequired,
    PlanOutdated,
    ProjectNotFound,
    UnknownEnvironment,
)

Words = tuple[str, str | None]
_SHOWN_MOVES = 10


def _unknown_environment(error: UnknownEnvironment) -> Words:
    choices = ", ".join(error.known) if error.known else "none defined"
    hint = "add it under 'environments' in agents.json"
    return f"unknown environment {error.name!r} (known: {choices})", hint


def _project_not_found(error: ProjectNotFound) -> Words:
    hint = "run 'agents init' to create a project"
    return f"no agents.json found in {error.start} or any parent folder", hint


def _confirmation_required(error: ConfirmationRequired) -> Words:
    return f"{error.action} needs confirmation and stdin is not a terminal", "use --yes"


def _plan_outdated(error: PlanOutdated) -> Words:
    moved = error.moved
    shown = "; ".join(moved[:_SHOWN_MOVES])
    if len(moved) > _SHOWN_MOVES:
        shown += f"; and {len(moved) - _SHOWN_MOVES} more"
    return (
        f"{error.plan_file} is out of date, nothing was applied: {shown}",
        f"make the plan again ('agents plan --out {error.plan_file}'), review it, then apply that one",
    )


WORDING: dict[type[AgentsError], Callable[[Any], Words]] = {
    UnknownEnvironment: _unknown_environment,
    ProjectNotFound: _project_not_found,
    ConfirmationRequired: _confirmation_required,
    PlanOutdated: _plan_outdated,
}
DETAILS: dict[type[AgentsError], Callable[[Any, Path], list[str]]] = {}
