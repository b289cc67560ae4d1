"""``agents delete NAME``: delete a resource in one environment, then (unless kept) locally.

Remote first, then state, then the manifest entry and the files, so an interruption leaves something the next
run can finish. A resource still deployed in another environment is kept locally (its config is what manages
it there); delete it in that environment too, and the last delete removes the files.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agents_cli.commands import shared
from agents_cli.context import AppContext
from agents_cli.errors import Aborted, RemoteError
from agents_cli.kinds import REGISTRY
from agents_cli.project.manifest import MANIFEST_NAME, Environment, Project, Resource
from agents_cli.remote.connect import Connection, open_client, resolve


@dataclass
class Deletion:
    kind: str
    name: str
    environment: str
    remote_id: str | None
    remote_deleted: bool = False
    local_removed: bool = False
    files_removed: list[str] = field(default_factory=list)
    kept_locally_because: str | None = None

    @property
    def exit_code(self) -> int:
        return 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def referencing_files(project: Project, resource: Resource) -> list[str]:
    """Config files of other resources that still reference ``@kind:name`` (they will fail validation)."""
    needle = f"@{resource.kind}:{resource.name}"
    found: list[str] = []
    for other in project.all():
        if other.kind == resource.kind and other.name == resource.name:
            continue
        for relative in [other.config, *other.overlays.values()]:
            try:
                text = project.path(relative).read_text(encoding="utf-8")
            except OSError:
                continue
            if needle in text:
                found.append(relative.as_posix())
    return found


def unregister(project: Project, resource: Resource) -> None:
    """Remove the manifest entry (atomic rewrite; other entries keep their order)."""
    from agents_cli.project.loader import dump_json, write_atomic
    from agents_cli.project.manifest import load_manifest_document

    data = load_manifest_document(project.root).data
    section = data.get(REGISTRY[resource.kind].section)
    if isinstance(section, dict) and resource.name in section:
        del section[resource.name]
        write_atomic(project.root / MANIFEST_NAME, dump_json(data))


def remove_files(project: Project, resource: Resource) -> list[str]:
    if resource.inline:  # declared in agents.json itself: the entry was all there was
        return []
    removed: list[str] = []
    for relative in [resource.config, *resource.overlays.values()]:
        path = project.path(relative)
        if _inside(project.root, path) and path.is_file():
            path.unlink()
            removed.append(relative.as_posix())
    return removed


def _inside(root: Path, path: Path) -> bool:
    # A manifest entry pointing outside the project is never ours to delete.
    return path.resolve().is_relative_to(root.resolve())


async def _delete_remote(chosen: Connection, kind: str, remote_id: str) -> None:
    if REGISTRY[kind].singleton_id is not None:
        return  # the workspace's settings are never deleted: the project only stops managing them
    async with open_client(chosen) as api:
        await api.delete(REGISTRY[kind].routes.item(remote_id))


@dataclass(frozen=True)
class DeleteRequest:
    name: str
    env: str | None = None
    kind: str | None = None
    yes: bool = False
    keep_local: bool = False  # delete only remotely; keep the files and the manifest entry
    base_url: str | None = None


def _announce(
    app: AppContext, project: Project, resource: Resource, outcome: Deletion, entry_id: str | None
) -> list[str]:
    """Say what will happen (stderr); the files that still reference the resource."""
    label = f"{resource.kind} {resource.name!r}"
    environment = outcome.environment
    app.out.info(
        f"delete {label} ({entry_id}) in environment {environment!r}"
        if entry_id
        else f"{label} is not deployed in {environment!r}: nothing to delete remotely"
    )
    if outcome.kept_locally_because is None and resource.inline:
        app.out.info(f"remove it from {MANIFEST_NAME}")
    elif outcome.kept_locally_because is None:
        files = ", ".join(p.as_posix() for p in [resource.config, *resource.overlays.values()])
        app.out.info(f"remove it from {MANIFEST_NAME} and delete {files}")
    referencing = referencing_files(project, resource)
    for path in referencing:
        app.out.warn(f"{path} references @{resource.kind}:{resource.name}; update it before the next sync")
    return referencing


def _delete_in_environment(
    app: AppContext,
    project: Project,
    environment: Environment,
    resource: Resource,
    remote_id: str,
    request: DeleteRequest,
    referencing: list[str],
) -> None:
    from agents_cli.project.state import load_state, save_state, state_lock

    chosen = resolve(project.root, environment, base_url=request.base_url, host=app.host)
    with state_lock(project.root, environment.name):
        try:
            asyncio.run(_delete_remote(chosen, resource.kind, remote_id))
        except RemoteError as exc:
            if exc.status != 409:
                raise
            # In use remotely (a tool attached to an agent, a test attached to one): detach first.
            where = ", ".join(referencing) or "the configs that reference it"
            raise RemoteError(
                exc.message,
                status=exc.status,
                hint=f"remove @{resource.kind}:{resource.name} from {where}, run 'agents sync --env "
                f"{environment.name}', then delete it again",
            ) from exc
        state = load_state(project.root, environment.name)
        state.remove(resource.kind, resource.name)
        save_state(project.root, state)


def delete(app: AppContext, request: DeleteRequest) -> Deletion:
    from agents_cli.project.state import load_other_states, load_state

    out = app.out
    project = shared.load(app)
    resource = project.find(request.name, request.kind)
    environment = project.environment(request.env)
    entry = load_state(project.root, environment.name).get(resource.kind, resource.name)
    outcome = Deletion(resource.kind, resource.name, environment.name, entry.id if entry else None)
    elsewhere = [
        other.environment
        for other in load_other_states(project.root, environment.name)
        if other.get(resource.kind, resource.name) is not None
    ]
    if request.keep_local:
        outcome.kept_locally_because = "--keep-local"
    elif elsewhere:
        outcome.kept_locally_because = f"still deployed in {', '.join(sorted(elsewhere))}"
    label = f"{resource.kind} {resource.name!r}"
    referencing = _announce(app, project, resource, outcome, entry.id if entry else None)
    if not shared.confirm(app, f"Delete {label}?", action=f"deleting {label}", yes=request.yes):
        raise Aborted("nothing deleted")
    if entry is not None:
        _delete_in_environment(app, project, environment, resource, entry.id, request, referencing)
        outcome.remote_deleted = True
        out.success(f"deleted {label} in {environment.name!r}")
    if outcome.kept_locally_because is None:
        unregister(project, resource)
        outcome.files_removed = remove_files(project, resource)
        outcome.local_removed = True
        deleted = ", ".join(outcome.files_removed) or "no files"
        out.success(f"removed {label} from {MANIFEST_NAME} and deleted {deleted}")
    elif not request.keep_local:
        out.warn(f"kept {label} locally: {outcome.kept_locally_because}")
    if outcome.kept_locally_because is not None and outcome.remote_deleted:
        # Still declared for every environment: say so before a routine sync quietly brings it back.
        out.info(
            f"note: {label} is still declared in {MANIFEST_NAME}, so the next 'agents sync --env "
            f"{environment.name}' creates it again"
        )
    return outcome
