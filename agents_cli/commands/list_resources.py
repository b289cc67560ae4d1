"""``agents list``: local resources with their remote ids, or (``--remote``) what an environment holds.

Local listing is offline. ``--remote`` reads every page of the agents, tools and tests lists concurrently and
marks the resources this project manages in that environment (their ids are in ``state/<env>.json``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from agents_cli.commands import _everyday
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
    async with open_client(chosen) as api:
        pages = await asyncio.gather(*(api.list_all(k.routes.collection, k.routes.list_key) for k in kinds))
    return dict(zip(kinds, pages, strict=True))


def remote_rows(
    project: Project, chosen: Connection, listed: dict[ResourceKind, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    from agents_cli.project.state import load_state

    state = load_state(project.root, chosen.environment.name)
    rows: list[dict[str, Any]] = []
    for kind, items in listed.items():
        managed_by_id = {remote_id: name for name, remote_id in state.ids(kind.name).items()}
        for item in items:
            if not kind.listed(item):
                continue
            remote_id = kind.remote_id(item) or ""
            local_name = managed_by_id.get(remote_id)
            rows.append(
                {
                    "kind": kind.name,
                    "remote_id": remote_id,
                    "name": kind.api_name(item) or "",
                    "managed": local_name is not None,
                    "local_name": local_name,
                }
            )
    rows.sort(key=lambda row: (REGISTRY.rank(row["kind"]), row["name"], row["remote_id"]))
    return rows


def _what(kind: str | None, everything: str) -> str:
    return everything if kind is None else REGISTRY[kind].section


def run(
    app: AppContext, *, env: str | None, remote: bool, kind: str | None, as_json: bool, base_url: str | None
) -> int:
    project = _everyday.load(app)
    out = app.out
    if not remote:
        environment = _optional_environment(project, env)
        rows = local_rows(project, environment, kind)
        if as_json:
            out.json({"environment": environment.name if environment else None, "resources": rows})
        elif not rows:
            what = _what(kind, "resources")
            out.info(f"no {what} in agents.json yet (add one with 'agents add')")
        else:
            out.table(
                ["KIND", "NAME", "FILE", f"REMOTE ID ({environment.name})" if environment else "REMOTE ID"],
                [
                    (row["kind"], row["name"], row["file"], row["remote_id"] or "-" if environment else "")
                    for row in rows
                ],
            )
        return 0
    environment = project.environment(env)
    chosen = resolve(project.root, environment, base_url=base_url)
    listed = asyncio.run(_fetch_remote(app, chosen, _kinds(kind)))
    rows = remote_rows(project, chosen, listed)
    if as_json:
        out.json({"environment": environment.name, "resources": rows})
        return 0
    if not rows:
        sections = [each.section for each in REGISTRY.listed()]
        what = _what(kind, f"{', '.join(sections[:-1])} or {sections[-1]}")
        out.info(f"environment {environment.name!r} holds no {what}")
        return 0
    out.table(
        ["KIND", "NAME", "REMOTE ID", "MANAGED"],
        [(row["kind"], row["name"], row["remote_id"], row["local_name"] or "-") for row in rows],
    )
    managed = sum(1 for row in rows if row["managed"])
    out.info(f"{len(rows)} remote resources, {managed} managed by this project in {environment.name!r}")
    return 0
