"""``agents list``: local resources with their remote ids, or (``--remote``) what an environment holds.

Local listing is offline. ``--remote`` reads every page of the agents, tools and tests lists concurrently and
marks the resources this project manages in that environment (their ids are in ``state/<env>.json``).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.errors import AgentsError
from agents_cli.kinds import REGISTRY, ResourceKind
from agents_cli.project.manifest import Environment, Project
from agents_cli.remote.connect import Connection, open_client, resolve


def _kinds(kind: str | None) -> tuple[ResourceKind, ...]:
    return tuple(k for k in REGISTRY if kind is None or k.name == kind)


def _optional_environment(project: Project, env: str | None) -> Environment | None:
    """The named or default environment; a local listing still works when neither exists."""
    if env is not None:
        return project.environment(env)
    try:
        return project.environment(None)
    except AgentsError:
        return None


def local_rows(project: Project, environment: Environment | None, kind: str | None) -> list[dict[str, Any]]:
    from agents_cli.project.state import load_state

    state = load_state(project.root, environment.name) if environment else None
    rows: list[dict[str, Any]] = []
    for resource_kind in _kinds(kind):
        declared = project.resources[resource_kind.name]
        for name in sorted(declared):
            resource = declared[name]
            entry = state.get(resource_kind.name, name) if state else None
            rows.append(
                {
                    "kind": resource_kind.name,
                    "name": name,
                    "file": resource.config.as_posix(),
                    "overlays": {env: path.as_posix() for env, path in sorted(resource.overlays.items())},
                    "remote_id": entry.id if entry else None,
                }
            )
    return rows


async def _fetch_remote(
    app: AppContext, chosen: Connection, kinds: tuple[ResourceKind, ...]
) -> dict[ResourceKind, list[dict[str, Any]]]:
    from agents_cli.remote.directory import list_remote

    async with open_client(chosen) as api:
        pages = await asyncio.gather(*(list_remote(api, k) for k in kinds))
    return dict(zip(kinds, pages, strict=True))


def remote_rows(
    project: Project, chosen: Connection, listed: dict[ResourceKind, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    from agents_cli.project.state import load_other_states, load_state

    state = load_state(project.root, chosen.environment.name)
    others = load_other_states(project.root, chosen.environment.name)
    rows: list[dict[str, Any]] = []
    for kind, items in listed.items():
        managed_by_id = {remote_id: name for name, remote_id in state.ids(kind.name).items()}
        # Copies another environment of the project owns (environments sharing a workspace).
        owners = {
            rid: f"{other.environment}:{name}"
            for other in others
            for name, rid in other.ids(kind.name).items()
        }
        for item in items:
            if not kind.listed(item):
                continue
            remote_id = kind.remote_id(item) or ""
            local_name = managed_by_id.get(remote_id)
            if kind.singleton_id is not None and local_name is None:
                continue  # the workspace's settings always exist: listed once the project manages them
            rows.append(
                {
                    "kind": kind.name,
                    "remote_id": remote_id,
                    "name": kind.api_name(item) or "",
                    "managed": local_name is not None,
                    "local_name": local_name,
                    "owned_by": None if local_name is not None else owners.get(remote_id),
                }
            )
    rows.sort(key=lambda row: (REGISTRY.rank(row["kind"]), row["name"], row["remote_id"]))
    return rows


@dataclass(frozen=True)
class ListRequest:
    env: str | None = None
    remote: bool = False  # what the environment holds, instead of the local resources
    kind: str | None = None
    base_url: str | None = None


@dataclass(frozen=True)
class ResourceList:
    environment: str | None
    rows: list[dict[str, Any]]
    remote: bool
    kind: str | None

    @property
    def what(self) -> str:
        """What was listed, in words: ``tools``, or every section."""
        if self.kind is not None:
            return REGISTRY[self.kind].section
        if not self.remote:
            return "resources"
        sections = [each.section for each in REGISTRY.listed()]
        return f"{', '.join(sections[:-1])} or {sections[-1]}"


def list_resources(app: AppContext, request: ListRequest) -> ResourceList:
    project = shared.load(app)
    if not request.remote:
        environment = _optional_environment(project, request.env)
        rows = local_rows(project, environment, request.kind)
        return ResourceList(environment.name if environment else None, rows, False, request.kind)
    environment = project.environment(request.env)
    chosen = resolve(project.root, environment, base_url=request.base_url, host=app.host)
    listed = asyncio.run(_fetch_remote(app, chosen, _kinds(request.kind)))
    return ResourceList(environment.name, remote_rows(project, chosen, listed), True, request.kind)
