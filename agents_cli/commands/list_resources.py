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
from agents_cli.project.manifest import MANIFEST_SECTIONS, RESOURCE_KINDS, Environment, Project, ResourceKind


def _kinds(kind: str | None) -> tuple[ResourceKind, ...]:
    return tuple(k for k in RESOURCE_KINDS if kind is None or k == kind)


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
        for name in sorted(project.resources[resource_kind]):
            resource = project.resources[resource_kind][name]
            entry = state.get(resource_kind, name) if state else None
            rows.append(
                {
                    "kind": resource_kind,
                    "name": name,
                    "file": resource.config.as_posix(),
                    "overlays": {env: path.as_posix() for env, path in sorted(resource.overlays.items())},
                    "remote_id": entry.id if entry else None,
                }
            )
    return rows


def _remote_name(kind: ResourceKind, item: dict[str, Any]) -> str:
    if kind == "tool":
        config = item.get("tool_config")
        return str(config.get("name", "")) if isinstance(config, dict) else ""
    return str(item.get("name") or "")


async def _fetch_remote(
    app: AppContext, chosen: _everyday.Target, kinds: tuple[ResourceKind, ...]
) -> dict[ResourceKind, list[dict[str, Any]]]:
    from agents_cli.remote.directory import COLLECTIONS

    async with _everyday.client(chosen) as api:
        pages = await asyncio.gather(*(api.list_all(COLLECTIONS[k][0], COLLECTIONS[k][1]) for k in kinds))
    return dict(zip(kinds, pages, strict=True))


def remote_rows(
    project: Project, chosen: _everyday.Target, listed: dict[ResourceKind, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    from agents_cli.project.state import load_state
    from agents_cli.remote.directory import remote_id_of

    state = load_state(project.root, chosen.environment.name)
    rows: list[dict[str, Any]] = []
    for kind, items in listed.items():
        managed_by_id = {remote_id: name for name, remote_id in state.ids(kind).items()}
        for item in items:
            if kind == "test" and item.get("entity_type") == "folder":
                continue
            remote_id = remote_id_of(kind, item) or ""
            local_name = managed_by_id.get(remote_id)
            rows.append(
                {
                    "kind": kind,
                    "remote_id": remote_id,
                    "name": _remote_name(kind, item),
                    "managed": local_name is not None,
                    "local_name": local_name,
                }
            )
    rows.sort(key=lambda row: (RESOURCE_KINDS.index(row["kind"]), row["name"], row["remote_id"]))
    return rows


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
            what = "resources" if kind is None else MANIFEST_SECTIONS[_kinds(kind)[0]]
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
    chosen = _everyday.target(project, environment, base_url)
    listed = asyncio.run(_fetch_remote(app, chosen, _kinds(kind)))
    rows = remote_rows(project, chosen, listed)
    if as_json:
        out.json({"environment": environment.name, "resources": rows})
        return 0
    if not rows:
        what = "agents, tools or tests" if kind is None else MANIFEST_SECTIONS[_kinds(kind)[0]]
        out.info(f"environment {environment.name!r} holds no {what}")
        return 0
    out.table(
        ["KIND", "NAME", "REMOTE ID", "MANAGED"],
        [(row["kind"], row["name"], row["remote_id"], row["local_name"] or "-") for row in rows],
    )
    managed = sum(1 for row in rows if row["managed"])
    out.info(f"{len(rows)} remote resources, {managed} managed by this project in {environment.name!r}")
    return 0
