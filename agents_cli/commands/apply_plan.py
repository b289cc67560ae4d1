"""``agents sync PLANFILE``: apply a plan saved by ``agents plan --out`` exactly, or nothing.

Before any write, under the environment's state lock: every file the plan was made from must be as it
was (same digest), the state file too, every planned resource's remote must still have the fingerprint the
plan saw (a create must still find nothing to adopt), and every ``${VAR}`` placeholder must resolve to what
it did. Anything that moved is named and nothing is applied (exit 1).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping
from typing import Any

from agents_cli.commands.plan import PlanReport
from agents_cli.commands.shared import workspace_client
from agents_cli.commands.sync import Progress, SyncReport, SyncRequest
from agents_cli.context import AppContext
from agents_cli.engine.desired import environ_with_dotenv
from agents_cli.engine.normalise import normalise_remote
from agents_cli.engine.plan import KeyPath, Plan, ResourcePlan, Write
from agents_cli.engine.planfile import (
    PLACEHOLDER_MARK,
    REMOTE_MARK,
    SavedPlan,
    marked_places,
    read_plan_file,
    resolve_templates,
    secrets_digest,
)
from agents_cli.engine.workspace import Workspace
from agents_cli.errors import PlanOutdated, UsageError
from agents_cli.keypath import get, with_values
from agents_cli.project.files import file_digest
from agents_cli.project.manifest import MANIFEST_NAME
from agents_cli.project.references import find_placeholders
from agents_cli.project.state import remote_fingerprint, state_digest
from agents_cli.remote.client import ApiClient, gather_or_cancel
from agents_cli.remote.directory import Directory
from agents_cli.worktree import version_description


def _moved_files(workspace: Workspace, saved: SavedPlan) -> list[str]:
    users: dict[str, list[str]] = {}
    env = saved.plan.environment
    for resource in workspace.project.all():
        for used in resource.files_for(env):
            users.setdefault(used.as_posix(), []).append(f"{resource.kind} {resource.name}")
    moved = []
    for relative, digest in saved.files.items():
        if file_digest(workspace.root / relative) != digest:
            whose = ", ".join(users.get(relative, [])) or (
                "the manifest" if relative == MANIFEST_NAME else ""
            )
            moved.append(f"{relative} changed since the plan was made" + (f" ({whose})" if whose else ""))
    return moved


async def _remote_check(directory: Directory, item: ResourcePlan) -> tuple[str | None, dict[str, Any] | None]:
    """(what moved, the normalised remote now) for one planned resource."""
    operation = item.write.operation if item.write else None
    label = f"{item.kind} {item.name}"
    if operation == "create":
        found = await directory.find(item.kind, item.name, item.api_name)
        if found is not None:
            return f"{label} now exists remotely, the plan would create it again", None
        return None, None
    if operation in (None, "delete") or item.remote_id is None:
        return None, None
    document = await directory.get(item.kind, item.remote_id)
    if document is None:
        return f"{label} ({item.remote_id}) was deleted remotely since the plan was made", None
    body = normalise_remote(item.kind, document)
    if remote_fingerprint(item.kind, body) != item.remote_fingerprint:
        return f"{label} ({item.remote_id}) changed remotely since the plan was made", None
    return None, body


def _restored_write(write: Write, values: Mapping[KeyPath, Any], remote: Mapping[str, Any] | None) -> Write:
    def fill(document: Any) -> Any:
        if document is None:
            return None
        found: dict[KeyPath, Any] = {}
        for path, mark, _value in marked_places(document):
            if mark == PLACEHOLDER_MARK:
                found[path] = values[path]
            elif mark == REMOTE_MARK:
                found[path] = get(remote, path)  # the remote was checked unchanged: the kept value is there
        return with_values(document, found)

    return dataclasses.replace(write, body=fill(write.body), expect=fill(write.expect))


def _restored(
    saved: SavedPlan, environ: Mapping[str, str], remote: Mapping[tuple[str, str], dict[str, Any]]
) -> tuple[Plan, list[str]]:
    """The plan with secrets resolved again and kept remote values filled in; what no longer resolves."""
    moved = []
    resources = []
    for item in saved.plan.resources:
        values = resolve_templates(item.templates, environ)
        if item.templates and secrets_digest(saved.nonce, values) != saved.secrets.get(item.key):
            names = sorted(
                {found.name for _path, text in item.templates for found in find_placeholders(text)}
            )
            moved.append(f"{item.kind} {item.name}: ${{{'}, ${'.join(names)}}} resolve to other values now")
        write = item.write
        if write is not None:
            write = _restored_write(write, dict(values), remote.get(item.key))
        resources.append(dataclasses.replace(item, write=write, remote_body=remote.get(item.key)))
    return dataclasses.replace(saved.plan, resources=tuple(resources)), moved


async def _apply(
    app: AppContext, workspace: Workspace, saved: SavedPlan, api: ApiClient, *, label: str
) -> SyncReport:
    directory = workspace.directory(api)
    checks = await gather_or_cancel(*(_remote_check(directory, item) for item in saved.plan.resources))
    moved = [what for what, _body in checks if what]
    remote = {
        item.key: body for item, (_what, body) in zip(saved.plan.resources, checks, strict=True) if body
    }
    the_plan, unresolved = _restored(saved, environ_with_dotenv(workspace.root, app.host.environ), remote)
    if moved or unresolved:
        raise PlanOutdated(label, moved + unresolved)
    app.show(PlanReport(the_plan))
    progress = Progress(app)
    progress.release()
    result = await workspace.applier(api, directory, progress).run(the_plan)
    return SyncReport(the_plan, result, api.stats.as_dict())


def apply_saved_plan(app: AppContext, request: SyncRequest) -> SyncReport:
    if request.plan_file is None:
        raise UsageError("no plan file given", hint="'agents plan --out FILE' saves one")
    if request.dry_run or request.prune or request.only or request.force or request.replace:
        raise UsageError(
            "a saved plan is applied with the options it was made with",
            hint="leave out --dry-run, --prune, --only, --force and --replace",
        )
    saved = read_plan_file(app.cwd / request.plan_file)
    label = str(request.plan_file)
    env = request.env
    if env is not None and env != saved.plan.environment:
        raise UsageError(
            f"{label} is a plan for environment {saved.plan.environment!r}, not {env!r}",
            hint="leave out --env: a plan file names its environment",
        )
    workspace = Workspace.open(app.cwd, saved.plan.environment, environ=app.host.environ)
    moved = _moved_files(workspace, saved)
    if moved:
        raise PlanOutdated(label, moved)
    client = workspace_client(app, workspace, base_url=request.base_url, concurrency=request.concurrency)
    workspace.version_description = version_description(workspace.root, request.message)
    with workspace.locked():
        if state_digest(workspace.root, workspace.environment.name) != saved.state:
            raise PlanOutdated(
                label, [f"state/{workspace.environment.name}.json changed since the plan was made"]
            )

        async def main() -> SyncReport:
            async with client as api:
                return await _apply(app, workspace, saved, api, label=label)

        return asyncio.run(main())
