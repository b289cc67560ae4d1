"""``agents history AGENT``: the versions of the agent's branch this environment reads, oldest first (id,
time, description), marking the one state says the last sync produced."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.engine.errors import NotSynced
from agents_cli.engine.workspace import Workspace
from agents_cli.kinds import AGENT
from agents_cli.project.errors import NotDeclared
from agents_cli.remote.errors import UnexpectedAnswer


@dataclass(frozen=True)
class HistoryRequest:
    agent: str
    env: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class History:
    agent: str
    environment: str
    agent_id: str
    branch_id: str
    current: str | None  # the version the branch is at
    synced: str | None  # the version state says the last sync produced
    versions: list[dict[str, Any]] = field(default_factory=list)  # id, time, description; oldest first

    @property
    def exit_code(self) -> int:
        return 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.agent,
            "environment": self.environment,
            "id": self.agent_id,
            "branch_id": self.branch_id,
            "current_version_id": self.current,
            "synced_version_id": self.synced,
            "versions": self.versions,
        }


def _versions(branch: Any) -> list[dict[str, Any]]:
    listed = branch.get("most_recent_versions") if isinstance(branch, dict) else None
    versions = [
        {
            "id": item.get("id"),
            "time": item.get("time_committed_secs"),
            "description": item.get("version_description") or "",
            "seq": item.get("seq_no_in_branch"),
        }
        for item in listed or []
        if isinstance(item, dict) and isinstance(item.get("id"), str)
    ]
    return sorted(versions, key=lambda item: (item["seq"] or 0, item["time"] or 0))


def history(app: AppContext, request: HistoryRequest) -> History:
    workspace = Workspace.open(app.cwd, request.env, environ=app.host.environ)
    name = request.agent
    declared = workspace.project.resources[AGENT.name]
    if name not in declared:
        raise NotDeclared(AGENT.name, [name], list(declared))
    entry = workspace.state.get(AGENT.name, name)
    if entry is None:
        raise NotSynced(name, workspace.environment.name)
    client = shared.workspace_client(app, workspace, base_url=request.base_url, concurrency=None)

    async def read() -> History:
        async with client as api:
            agent = await workspace.directory(api).get(AGENT.name, entry.id)
            branch_id = agent.get("branch_id") if isinstance(agent, dict) else None
            if not isinstance(branch_id, str):
                raise UnexpectedAnswer(f"GET {AGENT.routes.item(entry.id)}", "branch_id")
            branch = await api.get(f"{AGENT.routes.branches(entry.id)}/{branch_id}")
            current = agent.get("version_id") if isinstance(agent, dict) else None
            return History(
                name,
                workspace.environment.name,
                entry.id,
                branch_id,
                current,
                entry.version_id,
                _versions(branch),
            )

    return asyncio.run(read())
