"""``agents promote AGENT… --from X --to Y``: what is tested in one environment goes to another.

Branch environments of one agent (``branch`` in agents.json, one workspace): the API's merge preview is
shown as a field-level plan, conflicts (fields the target changed too since the branch was cut) field by
field; after a yes (or ``--yes``) the source branch is merged into the target's, and the target's state
records the merged agent, so its next plan is clean. Conflicts refuse the promotion unless ``--force``
(the source's values win). Environments on separate workspaces: the source environment's effective configs
are synced to the target through the normal plan and sync path.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from typing import Any

from agents_cli.commands import shared
from agents_cli.commands.sync import Progress, SyncReport
from agents_cli.context import AppContext
from agents_cli.engine.drift import field_hashes, salt_for
from agents_cli.engine.errors import NotSynced, PromoteRefused
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.plan import PlanOptions
from agents_cli.engine.promote import Promotion, promotion
from agents_cli.engine.workspace import PlanResult, Workspace
from agents_cli.errors import Aborted
from agents_cli.kinds import AGENT
from agents_cli.project.environments import Environment, same_agents
from agents_cli.project.errors import NotDeclared
from agents_cli.project.state import ResourceState, State, fingerprint, load_state, save_state
from agents_cli.remote import branches
from agents_cli.remote.client import ApiClient
from agents_cli.worktree import version_description


@dataclass(frozen=True)
class PromoteRequest:
    agents: tuple[str, ...]
    source: str
    target: str
    yes: bool = False
    force: bool = False
    base_url: str | None = None
    concurrency: int | None = None
    message: str | None = None  # separate workspaces: the description of the versions the sync makes


@dataclass(frozen=True)
class PromotionPlan:
    """The promotions of one run (shown before asking, returned after merging)."""

    source: str
    target: str
    promotions: tuple[Promotion, ...]
    merged: bool = False

    @property
    def has_changes(self) -> bool:
        return any(item.has_changes for item in self.promotions)

    @property
    def exit_code(self) -> int:
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "merged": self.merged,
            "has_changes": self.has_changes,
            "promotions": [item.as_dict() for item in self.promotions],
        }


def promote(app: AppContext, request: PromoteRequest) -> PromotionPlan | SyncReport:
    if request.source == request.target:
        raise PromoteRefused("same")
    workspace = Workspace.open(app.cwd, request.target, environ=app.host.environ)
    project = workspace.project
    source = project.environment(request.source)
    declared = project.resources[AGENT.name]
    unknown = [name for name in request.agents if name not in declared]
    if unknown:
        raise NotDeclared(AGENT.name, unknown, list(declared))
    client = shared.workspace_client(
        app, workspace, base_url=request.base_url, concurrency=request.concurrency
    )
    if workspace.environment.name not in same_agents(project.environments, source):
        return _promote_configs(app, workspace, source, client, request)
    with workspace.locked():
        return asyncio.run(_promote_branches(app, workspace, source, client, request))


def _agent_id(name: str, source: State, target: State) -> str:
    ids = {
        state.environment: entry.id for state in (source, target) if (entry := state.get(AGENT.name, name))
    }
    if not ids:
        raise NotSynced(name, source.environment)
    if len(set(ids.values())) > 1:
        raise PromoteRefused("other_agent", name=name)
    return next(iter(ids.values()))


async def _branch_id(
    api: ApiClient, env: Environment, state: State, name: str, agent_id: str, main: dict[str, Any]
) -> str:
    """The environment's branch of the agent: main's id for a main environment."""
    if env.branch is None:
        return str(main.get("main_branch_id") or main.get("branch_id"))
    entry = state.get(AGENT.name, name)
    finder = branches.BranchFinder(api, env.branch)
    if entry is not None and entry.branch_id:
        finder.ids[agent_id] = entry.branch_id
    found = await finder.find(AGENT, agent_id)
    if found is None:
        raise PromoteRefused("no_branch", name=name, environment=env.name)
    return found


async def _plan_one(
    api: ApiClient, workspace: Workspace, source: Environment, name: str, force: bool
) -> Promotion:
    source_state = load_state(workspace.root, source.name)
    agent_id = _agent_id(name, source_state, workspace.state)
    main = await api.get(AGENT.routes.item(agent_id))
    source_branch = await _branch_id(api, source, source_state, name, agent_id, main)
    target_branch = await _branch_id(api, workspace.environment, workspace.state, name, agent_id, main)
    target = await api.get(AGENT.routes.item(agent_id), params={"branch_id": target_branch})
    preview = await branches.merge_preview(api, AGENT, agent_id, source_branch, target_branch, force=force)
    return promotion(name, agent_id, (source_branch, target_branch), target, preview)


async def record_target(api: ApiClient, workspace: Workspace, item: Promotion) -> Promotion:
    """The target's state after the merge: the agent as the target branch now has it."""
    document = await api.get(AGENT.routes.item(item.agent_id), params={"branch_id": item.target_branch})
    remote = normalise_remote(AGENT.name, document)
    state = workspace.state
    previous = state.get(AGENT.name, item.name)
    salt = salt_for(state.environment, AGENT.name, item.agent_id)
    version = document.get("version_id") if isinstance(document.get("version_id"), str) else None
    entry = ResourceState(
        item.agent_id,
        previous.fingerprint if previous else None,
        fingerprint(remote),
        field_hashes(AGENT.name, remote, salt),
        branch_id=item.target_branch if workspace.environment.branch else None,
        version_id=version,
    )
    state.set(AGENT.name, item.name, entry)
    return dataclasses.replace(item, merged_version=version)


async def _promote_branches(
    app: AppContext, workspace: Workspace, source: Environment, client: ApiClient, request: PromoteRequest
) -> PromotionPlan:
    target = workspace.environment.name
    async with client as api:
        planned = await asyncio.gather(
            *(_plan_one(api, workspace, source, name, request.force) for name in request.agents)
        )
        plan = PromotionPlan(source.name, target, tuple(planned))
        app.show(plan)
        conflicted = [item.name for item in planned if item.conflicts]
        if conflicted and not request.force:
            raise PromoteRefused("conflicts", names=conflicted)
        moving = [item for item in planned if item.has_changes]
        if not moving:
            return plan
        question = f"Merge {source.name!r} into {target!r} for {len(moving)} agent(s)?"
        if not shared.confirm(app, question, action=f"promoting to {target!r}", yes=request.yes):
            raise Aborted("nothing was promoted")
        done = []
        for item in planned:
            if item.has_changes:
                ends = (item.source_branch, item.target_branch)
                await branches.merge(api, AGENT, item.agent_id, *ends, force=request.force)
                item = await record_target(api, workspace, item)
            done.append(item)
        save_state(workspace.root, workspace.state)
    return PromotionPlan(source.name, target, tuple(done), merged=True)


def _promote_configs(
    app: AppContext, workspace: Workspace, source: Environment, client: ApiClient, request: PromoteRequest
) -> SyncReport:
    """Separate workspaces: the source environment's configs (base + its overlays) synced to the target."""
    from agents_cli.engine.desired import load_desired

    workspace.desired = load_desired(
        workspace.project, source.name, list(request.agents), environ=workspace.environ
    )
    workspace.version_description = version_description(workspace.root, request.message)
    options = PlanOptions(force=request.force, only=request.agents)
    progress = Progress(app)

    async def approve(computed: PlanResult) -> None:
        from agents_cli.commands.plan import PlanReport

        app.show(PlanReport(computed.plan))
        progress.release()
        target = workspace.environment.name
        question = f"Apply {source.name!r}'s configs to {target!r}?"
        if computed.plan.has_changes and not shared.confirm(
            app, question, action=f"promoting to {target!r}", yes=request.yes
        ):
            raise Aborted("nothing was promoted")

    async def run() -> SyncReport:
        async with client as api:
            try:
                computed, result = await workspace.sync(
                    api, options, approve=approve, on_outcome=progress, stream=False
                )
            finally:
                progress.release()
            return SyncReport(computed.plan, result, api.stats.as_dict())

    with workspace.locked():
        return asyncio.run(run())
