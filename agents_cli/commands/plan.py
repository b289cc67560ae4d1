"""``agents plan`` (alias ``diff``): what sync would change, field by field, against the deployed state."""

from __future__ import annotations

import asyncio
from pathlib import Path

from agents_cli.cli.render_plan import plan_json, render_plan, undeclared_note
from agents_cli.context import AppContext
from agents_cli.engine.plan import PlanOptions
from agents_cli.engine.workspace import PlanResult, Workspace, check_replacements
from agents_cli.errors import ExitCode
from agents_cli.remote.connect import build_client


def open_workspace(app: AppContext, env: str | None, only: list[str] | None, *, action: str) -> Workspace:
    """The environment's workspace with its configs validated and loaded. Schema and reference errors stop
    plan and sync before any request, listed as file:line (warnings pass): a typo'd key would be sent,
    dropped by the API, and then compare equal forever."""
    from agents_cli.commands.validate import require_valid

    workspace = Workspace.open(app.cwd, env)
    require_valid(app, workspace.validation(), workspace.environment.name, action=action)
    workspace.load(only)
    return workspace


def plan_options(
    workspace: Workspace, *, prune: bool, force: bool, replace: list[str] | None, only: list[str] | None
) -> PlanOptions:
    desired = workspace.configs()
    return PlanOptions(
        prune=prune,
        force=force,
        replace=check_replacements(desired, list(replace or [])),
        only=tuple(only or ()),
    )


def report_notes(app: AppContext, workspace: Workspace, result: PlanResult, *, prune: bool) -> None:
    for warning in result.warnings:
        app.out.warn(warning)
    note = None if prune else undeclared_note(workspace.environment.name, workspace.undeclared())
    if note:
        app.out.info(note)


def save_plan(app: AppContext, workspace: Workspace, result: PlanResult, target: Path) -> None:
    from agents_cli.engine.planfile import write_plan
    from agents_cli.project.files import file_digest
    from agents_cli.project.state import state_path

    write_plan(
        app.cwd / target,
        result.plan,
        root=workspace.root,
        files=workspace.project.files.digests(),
        state_digest=file_digest(state_path(workspace.root, workspace.environment.name)),
        environ=workspace.configs().environ,
    )
    app.out.info(f"saved the plan to {target}; 'agents sync {target}' applies exactly it")


def run(
    app: AppContext,
    *,
    env: str | None = None,
    as_json: bool = False,
    detailed_exitcode: bool = False,
    only: list[str] | None = None,
    prune: bool = False,
    replace: list[str] | None = None,
    force: bool = False,
    base_url: str | None = None,
    concurrency: int | None = None,
    out: Path | None = None,
) -> int:
    workspace = open_workspace(app, env, only, action="nothing was planned")
    options = plan_options(workspace, prune=prune, force=force, replace=replace, only=only)
    client = build_client(workspace.root, workspace.environment, base_url=base_url, concurrency=concurrency)

    async def read_and_plan() -> PlanResult:
        async with client as api:
            return await workspace.plan(api, options)

    result = asyncio.run(read_and_plan())
    report_notes(app, workspace, result, prune=prune)
    if out is not None:
        save_plan(app, workspace, result, out)
    if as_json:
        app.out.json(plan_json(result.plan))
    else:
        render_plan(app.out, result.plan)
    if detailed_exitcode and result.plan.has_changes:
        return int(ExitCode.CHANGES_PRESENT)
    return int(ExitCode.OK)
