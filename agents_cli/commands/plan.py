"""``agents plan`` (alias ``diff``): what sync would change, field by field, against the deployed state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from agents_cli.commands.shared import workspace_client
from agents_cli.context import AppContext
from agents_cli.engine.plan import Key, Plan, PlanOptions
from agents_cli.engine.workspace import PlanResult, Workspace, check_replacements
from agents_cli.errors import ExitCode, UsageError
from agents_cli.remote.client import ApiClient


@dataclass(frozen=True)
class PlanRequest:
    env: str | None = None
    detailed_exitcode: bool = False  # exit 2 when there are changes
    only: tuple[str, ...] = ()
    prune: bool = False
    replace: tuple[str, ...] = ()
    force: bool = False
    base_url: str | None = None
    concurrency: int | None = None
    out: Path | None = None  # also save the plan here (``agents sync FILE`` applies it)
    against_version: str | None = None  # compare with this older version of an agent, not the live one


@dataclass(frozen=True)
class PlanReport:
    plan: Plan
    detailed_exitcode: bool = False
    dry_run: bool = False  # shown by 'sync --dry-run': said to have written nothing

    @property
    def exit_code(self) -> int:
        if self.detailed_exitcode and self.plan.has_changes:
            return int(ExitCode.CHANGES_PRESENT)
        return int(ExitCode.OK)


def open_workspace(app: AppContext, env: str | None, only: tuple[str, ...], *, action: str) -> Workspace:
    """The environment's workspace with its configs validated and loaded. Schema and reference errors stop
    plan and sync before any request, listed as file:line (warnings pass): a typo'd key would be sent,
    dropped by the API, and then compare equal forever."""
    from agents_cli.commands.validate import require_valid

    workspace = Workspace.open(app.cwd, env, environ=app.host.environ)
    require_valid(workspace.validation(), workspace.environment.name, action=action)
    workspace.load(list(only) or None)
    return workspace


def plan_options(workspace: Workspace, request: PlanRequest) -> PlanOptions:
    replace: frozenset[Key] = check_replacements(workspace.configs(), list(request.replace))
    return PlanOptions(prune=request.prune, force=request.force, replace=replace, only=request.only)


def report_notes(app: AppContext, workspace: Workspace, result: PlanResult, *, prune: bool) -> None:
    """Normalisation warnings, and (without --prune) what prune would delete."""
    for warning in result.warnings:
        app.out.warn(warning)
    undeclared = [] if prune else workspace.undeclared()
    if undeclared:
        names = ", ".join(f"{kind} {name}" for kind, name in undeclared)
        app.out.info(
            f"note: state/{workspace.environment.name}.json records {len(undeclared)} resource(s) no longer "
            f"in agents.json ({names}); add --prune to delete them remotely"
        )


def plan(app: AppContext, request: PlanRequest) -> PlanReport:
    workspace = open_workspace(app, request.env, request.only, action="nothing was planned")
    options = plan_options(workspace, request)
    client = workspace_client(app, workspace, base_url=request.base_url, concurrency=request.concurrency)

    async def read_and_plan() -> PlanResult:
        async with client as api:
            directory = workspace.directory(api)
            if request.against_version is not None:
                directory.pinned = await _pinned(api, workspace, request.against_version)
            with app.reading() as reading:
                return await workspace.plan(api, options, reading=reading, directory=directory)

    if request.against_version is not None and request.out is not None:
        raise UsageError(
            "a plan against an older version is for reading, not for applying",
            hint="leave out --out (plain 'agents sync' writes the files' config over the live version)",
        )
    result = asyncio.run(read_and_plan())
    report_notes(app, workspace, result, prune=request.prune)
    if request.out is not None:
        save_plan(app, workspace, result, request.out)
    return PlanReport(result.plan, request.detailed_exitcode)


async def _pinned(api: ApiClient, workspace: Workspace, version: str) -> dict[str, str]:
    """Remote id → ``version`` for the tracked agent it is a version of."""
    from agents_cli.commands.pull_branches import agent_of_version
    from agents_cli.kinds import AGENT
    from agents_cli.project.state import ResourceState

    tracked = {AGENT.name: workspace.state.ids(AGENT.name)}
    name = await agent_of_version(api, tracked, version)
    # Compared as it is, not judged against the last sync: every difference shows as a change (this state
    # is never written: plan does not save it).
    workspace.state.resources[AGENT.name][name] = ResourceState(tracked[AGENT.name][name])
    return {tracked[AGENT.name][name]: version}


def save_plan(app: AppContext, workspace: Workspace, result: PlanResult, target: Path) -> None:
    from agents_cli.engine.planfile import write_plan
    from agents_cli.project.state import state_digest

    write_plan(
        app.cwd / target,
        result.plan,
        root=workspace.root,
        files=workspace.project.files.digests(),
        state_digest=state_digest(workspace.root, workspace.environment.name),
        environ=workspace.configs().environ,
    )
    app.out.info(f"saved the plan to {target}; 'agents sync {target}' applies exactly it")
