"""``agents rebase AGENT… --env ENV``: a branch environment's branch brought up to date with main.

The API's rebase preview is shown as a field-level plan (what main changed since the branch was cut or
last rebased, as the branch would take it), conflicts field by field (fields both changed); after a yes
(or ``--yes``) the branch is rebased onto main's current version and the environment's state records the
rebased agent (its version id), so the next plan judges the branch as it now is. Conflicts refuse the
rebase unless ``--force``: then main's values win (a described PATCH of the branch takes them first, the
API's rebase has no force of its own).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from agents_cli.commands import shared
from agents_cli.commands.promote import record_target
from agents_cli.context import AppContext
from agents_cli.engine.errors import NotSynced, RebaseRefused
from agents_cli.engine.promote import Promotion
from agents_cli.engine.rebase import rebasing, resolution
from agents_cli.engine.workspace import Workspace
from agents_cli.errors import Aborted
from agents_cli.kinds import AGENT
from agents_cli.project.errors import NotDeclared
from agents_cli.project.state import load_state, save_state
from agents_cli.remote import branches
from agents_cli.remote.client import ApiClient
from agents_cli.worktree import version_description


@dataclass(frozen=True)
class RebaseRequest:
    agents: tuple[str, ...]
    env: str | None = None
    yes: bool = False
    force: bool = False
    base_url: str | None = None
    concurrency: int | None = None
    message: str | None = None  # --force: the description of the version that takes main's values


@dataclass(frozen=True)
class RebasePlan:
    """The rebases of one run (shown before asking, returned after rebasing). Each is a ``Promotion`` of
    main's branch (source) into the environment's (target)."""

    environment: str
    branch: str
    rebases: tuple[Promotion, ...]
    rebased: bool = False
    forced: bool = False

    @property
    def has_changes(self) -> bool:
        return any(item.has_changes for item in self.rebases)

    @property
    def exit_code(self) -> int:
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "branch": self.branch,
            "rebased": self.rebased,
            "forced": self.forced,
            "has_changes": self.has_changes,
            "rebases": [
                {**item.as_dict(), "main_branch_id": item.source_branch, "branch_id": item.target_branch}
                for item in self.rebases
            ],
        }


def rebase(app: AppContext, request: RebaseRequest) -> RebasePlan:
    workspace = Workspace.open(app.cwd, request.env, environ=app.host.environ)
    environment = workspace.environment
    if environment.branch is None:
        raise RebaseRefused("not_branch", environment=environment.name)
    declared = workspace.project.resources[AGENT.name]
    unknown = [name for name in request.agents if name not in declared]
    if unknown:
        raise NotDeclared(AGENT.name, unknown, list(declared))
    client = shared.workspace_client(
        app, workspace, base_url=request.base_url, concurrency=request.concurrency
    )
    with workspace.locked():
        return asyncio.run(_rebase_all(app, workspace, client, request))


def _agent_id(workspace: Workspace, name: str) -> tuple[str, str | None]:
    """The agent's id and the branch id state knows (this environment's state, else its main's)."""
    entry = workspace.state.get(AGENT.name, name)
    if entry is not None:
        return entry.id, entry.branch_id
    main = workspace.project.main_of(workspace.environment).name
    recorded = (
        load_state(workspace.root, main).get(AGENT.name, name)
        if main != workspace.state.environment
        else None
    )
    if recorded is None:
        raise NotSynced(name, workspace.environment.name)
    return recorded.id, None


async def _plan_one(api: ApiClient, workspace: Workspace, name: str, force: bool) -> Promotion:
    environment = workspace.environment
    assert environment.branch is not None
    agent_id, known = _agent_id(workspace, name)
    finder = branches.BranchFinder(api, environment.branch, {agent_id: known} if known else {})
    branch_id = await finder.find(AGENT, agent_id)
    if branch_id is None:
        raise RebaseRefused("no_branch", name=name, environment=environment.name)
    main = await api.get(AGENT.routes.item(agent_id))
    main_branch = str(main.get("main_branch_id") or "") if isinstance(main, dict) else ""
    branch = await api.get(AGENT.routes.item(agent_id), params={"branch_id": branch_id})
    preview = await branches.rebase_preview(api, AGENT, agent_id, branch_id)
    return rebasing(name, agent_id, (main_branch, branch_id), branch, preview, force=force)


async def _rebase_one(api: ApiClient, workspace: Workspace, item: Promotion, description: str) -> Promotion:
    if item.conflicts:  # forced: main's values first, so the rebase has nothing to refuse
        body = {**resolution(item.conflicts), "version_description": description}
        await api.patch(AGENT.routes.item(item.agent_id), body, params={"branch_id": item.target_branch})
    await branches.rebase(api, AGENT, item.agent_id, item.target_branch)
    return await record_target(api, workspace, item)


async def _rebase_all(
    app: AppContext, workspace: Workspace, client: ApiClient, request: RebaseRequest
) -> RebasePlan:
    environment = workspace.environment.name
    branch = str(workspace.environment.branch)
    async with client as api:
        planned = await asyncio.gather(
            *(_plan_one(api, workspace, name, request.force) for name in request.agents)
        )
        plan = RebasePlan(environment, branch, tuple(planned), forced=request.force)
        app.show(plan)
        conflicted = [item.name for item in planned if item.conflicts]
        if conflicted and not request.force:
            raise RebaseRefused("conflicts", names=conflicted)
        moving = [item for item in planned if item.has_changes]
        if not moving:
            return plan
        question = f"Rebase {environment!r}'s branch onto main for {len(moving)} agent(s)?"
        if not shared.confirm(app, question, action=f"rebasing {environment!r}", yes=request.yes):
            raise Aborted("nothing was rebased")
        description = version_description(workspace.root, request.message)
        done = [
            await _rebase_one(api, workspace, item, description) if item.has_changes else item
            for item in planned
        ]
        save_state(workspace.root, workspace.state)
    return RebasePlan(environment, branch, tuple(done), rebased=True, forced=request.force)
