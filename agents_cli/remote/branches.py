"""Agent branches as a branch environment reaches them: the id of its branch of each agent (from state,
else found by name among the agent's branches), created from the main branch's current version on the
first write, and the live traffic split of an agent by branch name."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from agents_cli.errors import RemoteError
from agents_cli.kinds.base import ResourceKind, valid_remote_id
from agents_cli.project.environments import MAIN_BRANCH
from agents_cli.remote.client import ApiClient
from agents_cli.remote.errors import UnexpectedAnswer


def _results(answer: Any) -> list[dict[str, Any]]:
    results = answer.get("results") if isinstance(answer, dict) else None
    return [item for item in results or [] if isinstance(item, dict) and valid_remote_id(item.get("id"))]


async def list_branches(
    api: ApiClient, kind: ResourceKind, remote_id: str, *, archived: bool = False
) -> list[dict[str, Any]]:
    """The agent's branches (summaries), archived ones only when asked for."""
    params = {"include_archived": "true"} if archived else None
    return _results(await api.get(kind.routes.branches(remote_id), params=params))


def branch_names(branches: list[dict[str, Any]], main_branch_id: str | None) -> dict[str, str]:
    """Branch id → the name configs use for it (``main`` for the main branch)."""
    return {
        str(item["id"]): MAIN_BRANCH if item["id"] == main_branch_id else str(item.get("name") or item["id"])
        for item in branches
    }


def live_split(branches: list[dict[str, Any]], main_branch_id: str | None) -> dict[str, float]:
    """Branch name → live percentage, of the branches serving any traffic."""
    names = branch_names(branches, main_branch_id)
    split = {}
    for item in branches:
        share = item.get("current_live_percentage")
        if isinstance(share, int | float) and share > 0:
            split[names[str(item["id"])]] = float(share)
    return split


@dataclass
class BranchFinder:
    """One branch environment's branch of each agent: ``ids`` holds agent id → branch id (None: there is
    no such branch yet, reads show the main branch), seeded from state and found or created as needed."""

    api: ApiClient
    branch: str
    ids: dict[str, str | None] = field(default_factory=dict)
    _locks: dict[str, asyncio.Lock] = field(default_factory=dict)

    async def find(self, kind: ResourceKind, remote_id: str, *, fresh: bool = False) -> str | None:
        async with self._locks.setdefault(remote_id, asyncio.Lock()):
            if fresh or remote_id not in self.ids:
                listed = await list_branches(self.api, kind, remote_id)
                found = [item for item in listed if item.get("name") == self.branch]
                self.ids[remote_id] = str(found[0]["id"]) if found else None
            return self.ids[remote_id]

    async def get(self, kind: ResourceKind, remote_id: str) -> Any:
        """The agent as this environment's branch has it (the main branch's while there is none)."""
        branch_id = await self.find(kind, remote_id)
        if branch_id is not None:
            try:
                return await self.api.get(kind.routes.item(remote_id), params={"branch_id": branch_id})
            except RemoteError as exc:
                if exc.status != 404:
                    raise
            branch_id = await self.find(kind, remote_id, fresh=True)  # the recorded branch is gone
        params = {"branch_id": branch_id} if branch_id else None
        return await self.api.get(kind.routes.item(remote_id), params=params)

    async def archive(self, kind: ResourceKind, remote_id: str) -> None:
        """This environment's branch archived (``kind``s that are not branched: nothing; the main
        environment owns them)."""
        if not kind.branched:
            return
        branch_id = await self.find(kind, remote_id)
        if branch_id is not None:
            await self.api.patch(f"{kind.routes.branches(remote_id)}/{branch_id}", {"is_archived": True})
            self.ids[remote_id] = None

    async def ensure(self, kind: ResourceKind, remote_id: str, description: str) -> str:
        """The branch id, the branch cut from the main branch's current version when it does not exist."""
        branch_id = await self.find(kind, remote_id)
        if branch_id is not None:
            return branch_id
        async with self._locks.setdefault(remote_id, asyncio.Lock()):
            main = await self.api.get(kind.routes.item(remote_id))
            version_id = main.get("version_id") if isinstance(main, Mapping) else None
            body = {"parent_version_id": version_id, "name": self.branch, "description": description}
            created = await self.api.post(kind.routes.branches(remote_id), body)
            new_id = created.get("created_branch_id") if isinstance(created, Mapping) else None
            if not valid_remote_id(new_id):
                raise UnexpectedAnswer(f"POST {kind.routes.branches(remote_id)}", "created_branch_id")
            self.ids[remote_id] = str(new_id)
            return str(new_id)


async def merge_preview(
    api: ApiClient, kind: ResourceKind, remote_id: str, source: str, target: str, *, force: bool
) -> dict[str, Any]:
    """What merging branch ``source`` into ``target`` would make the target (with its conflicts)."""
    params = {"target_branch_id": target, **({"force": "true"} if force else {})}
    answer = await api.get(f"{kind.routes.branches(remote_id)}/{source}/merge-preview", params=params)
    if not isinstance(answer, dict):
        raise UnexpectedAnswer(f"GET {kind.routes.branches(remote_id)}/{source}/merge-preview", "an object")
    return answer


async def merge(
    api: ApiClient, kind: ResourceKind, remote_id: str, source: str, target: str, *, force: bool
) -> None:
    """Merge branch ``source`` into ``target``, keeping the source (an environment goes on using it)."""
    path = f"{kind.routes.branches(remote_id)}/{source}/merge"
    body = {"archive_source_branch": False, "force": force}
    await api.request("POST", path, params={"target_branch_id": target}, json=body, idempotent=False)


async def rebase_preview(api: ApiClient, kind: ResourceKind, remote_id: str, branch: str) -> dict[str, Any]:
    """What rebasing ``branch`` onto the main branch would make it (with its conflicts)."""
    path = f"{kind.routes.branches(remote_id)}/{branch}/rebase-preview"
    answer = await api.get(path)
    if not isinstance(answer, dict):
        raise UnexpectedAnswer(f"GET {path}", "an object")
    return answer


async def rebase(api: ApiClient, kind: ResourceKind, remote_id: str, branch: str) -> None:
    """Rebase ``branch`` onto the main branch's current version (its own changes kept)."""
    await api.request("POST", f"{kind.routes.branches(remote_id)}/{branch}/rebase", idempotent=False)
