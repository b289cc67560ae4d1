"""What ``agents pull`` adds for branches and versions: the GET query of each resource (a branch
environment reads its branch; ``--version`` one agent's older version), the agent a version belongs to,
and ``--all-branches``: an environment for each branch of the tracked agents that has none."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from agents_cli.context import AppContext
from agents_cli.errors import RemoteError
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.project.environments import MAIN_BRANCH, Environment
from agents_cli.project.manifest import MANIFEST_NAME, Project, slugify
from agents_cli.pull.errors import VersionNotFound
from agents_cli.pull.selection import Candidate
from agents_cli.remote.branches import BranchFinder, list_branches
from agents_cli.remote.client import ApiClient

Query = Callable[[ApiClient, Candidate], Awaitable[dict[str, str] | None]]


def query_of(branch: str | None, version: str | None) -> Query | None:
    """The query of each GET: ``version_id`` for the agent of ``version``, else ``branch_id`` of the
    environment's branch (none while it has no such branch: the main branch's is shown)."""
    finders: dict[int, BranchFinder] = {}

    async def query(api: ApiClient, candidate: Candidate) -> dict[str, str] | None:
        kind = REGISTRY[candidate.kind]
        if not kind.branched:
            return None
        if version is not None:
            return {"version_id": version}
        assert branch is not None
        finder = finders.setdefault(id(api), BranchFinder(api, branch))
        found = await finder.find(kind, candidate.remote_id)
        return {"branch_id": found} if found else None

    return query if version is not None or branch is not None else None


async def agent_of_version(api: ApiClient, tracked: Mapping[str, Mapping[str, str]], version: str) -> str:
    """The local name of the tracked agent ``version`` is a version of (``api``: an open client)."""
    agents = dict(tracked.get(AGENT.name, {}))

    async def owns(api: ApiClient, remote_id: str) -> bool:
        try:
            await api.get(f"{AGENT.routes.item(remote_id)}/versions/{version}")
        except RemoteError as exc:
            if exc.status in (404, 422):
                return False
            raise
        return True

    found = await asyncio.gather(*(owns(api, remote_id) for remote_id in agents.values()))
    owners = [name for name, owned in zip(agents, found, strict=True) if owned]
    if not owners:
        raise VersionNotFound(version, sorted(agents))
    return owners[0]


async def owner_of_version(client: ApiClient, tracked: Mapping[str, Mapping[str, str]], version: str) -> str:
    async with client as api:
        return await agent_of_version(api, tracked, version)


def _needs_main(project: Project, main: Environment, name: str, entry: dict[str, Any]) -> bool:
    """Whether the new environment's connection alone would not single out ``main`` (two environments
    without a branch on it): then agents.json names it."""
    from agents_cli.project.environments import main_environment, parse_environment

    environments = {**project.environments, name: parse_environment(name, entry)}
    return main_environment(environments, environments[name]).name != main.name


def _connection(project: Project, environment: Environment) -> dict[str, Any]:
    spec = (project.manifest.get("environments") or {}).get(environment.name) or {}
    keep = ("api_key_env", "residency", "base_url", "emulator", "concurrency")
    return {key: spec[key] for key in keep if key in spec}


def add_branch_environments(
    app: AppContext, project: Project, environment: Environment, *, base_url: str | None
) -> list[str]:
    """An environment (named after the branch) for each branch of the agents ``environment`` tracks that
    no environment targets yet; agents.json rewritten once. The names of the environments added."""
    from agents_cli.project.loader import dump_json, write_atomic
    from agents_cli.project.manifest import load_manifest_document
    from agents_cli.project.state import load_state
    from agents_cli.remote.connect import build_client

    main = project.main_of(environment)
    ids = load_state(project.root, main.name).ids(AGENT.name)
    client = build_client(project.root, main, base_url=base_url, concurrency=None, host=app.host)

    async def read() -> list[list[dict[str, Any]]]:
        async with client as api:
            return await asyncio.gather(*(list_branches(api, AGENT, remote_id) for remote_id in ids.values()))

    # The root branch (no parent) is main.
    listed = [item for items in asyncio.run(read()) for item in items if item.get("parent_branch_id")]
    names = {str(item.get("name")) for item in listed}
    targeted = {env.branch for env in project.environments.values() if env.branch}
    data = load_manifest_document(project.root).data
    added = []
    for branch in sorted(names - targeted - {MAIN_BRANCH, ""}):
        name = slugify(branch)
        if not name or name in data["environments"]:
            continue
        entry = {**_connection(project, main), "branch": branch}
        if _needs_main(project, main, name, entry):
            entry["main"] = main.name
        data["environments"][name] = entry
        added.append(name)
    if added:
        write_atomic(project.root / MANIFEST_NAME, dump_json(data))
        for name in added:
            app.out.info(f"added environment {name!r} (branch {data['environments'][name]['branch']!r})")
    return added
