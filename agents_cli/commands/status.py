"""``agents status``: where every resource of one environment stands, read from the remote concurrently.

One of: in sync, local changes, remote drift, not yet created, missing remotely (deleted in the dashboard),
untracked remote (carries this environment's tag, or is in its state, but is not in the manifest). It is the
plan (``Workspace.plan`` with prune) read as a state per resource instead of a list of changes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agents_cli.context import AppContext
from agents_cli.engine.plan import Key, Plan, ResourcePlan
from agents_cli.kinds import AGENT, REGISTRY
from agents_cli.project.state import State
from agents_cli.project.validation import ValidationReport

if TYPE_CHECKING:
    from agents_cli.engine.workspace import Workspace

IN_SYNC = "in sync"
LOCAL_CHANGES = "local changes"
REMOTE_DRIFT = "remote drift"
NOT_CREATED = "not yet created"
MISSING_REMOTELY = "missing remotely"
UNTRACKED_REMOTE = "untracked remote"
NOT_MANAGED = "not managed"  # in the workspace, in no state file of the project and no config's
STATUSES = (
    IN_SYNC,
    LOCAL_CHANGES,
    REMOTE_DRIFT,
    NOT_CREATED,
    MISSING_REMOTELY,
    UNTRACKED_REMOTE,
    NOT_MANAGED,
)
_BY_ACTION = {
    "no-op": IN_SYNC,
    "update": LOCAL_CHANGES,
    "replace": LOCAL_CHANGES,
    "drift": REMOTE_DRIFT,
    "delete": UNTRACKED_REMOTE,
}


@dataclass(frozen=True)
class StatusRequest:
    env: str | None = None
    base_url: str | None = None
    concurrency: int | None = None


@dataclass(frozen=True)
class Status:
    environment: str
    rows: list[dict[str, Any]]
    # Status only reads, so invalid configs do not stop it; but a typo'd key is dropped by the API and by
    # the comparison alike, so such a resource would look "in sync": the report is shown with it.
    validation: ValidationReport

    @property
    def summary(self) -> dict[str, int]:
        counts = Counter(row["status"] for row in self.rows)
        return {status: counts.get(status, 0) for status in STATUSES}

    @property
    def exit_code(self) -> int:
        return 0


def status_row(item: ResourcePlan, stale: set[Key], state: State) -> dict[str, Any]:
    if item.action == "create":
        status = MISSING_REMOTELY if item.key in stale else NOT_CREATED
    else:
        status = _BY_ACTION[item.action]
    remote_id = item.remote_id
    if status == MISSING_REMOTELY:
        entry = state.get(item.kind, item.name)
        remote_id = entry.id if entry else None
    row: dict[str, Any] = {"kind": item.kind, "name": item.name, "status": status, "remote_id": remote_id}
    if item.version_id:
        row["version_id"] = item.version_id
    if item.action == "drift" and item.changes:
        # Both sides moved: the state is drift, but sync would also write these local edits.
        row["local_changes"] = len(item.changes)
    conflicts = [change.path for change in item.drifted if change.conflict]
    if conflicts:
        # The same field changed on both sides: neither value is simply "the" change; say which fields.
        row["conflicts"] = conflicts
    if item.cannot_apply:
        # Differences sync cannot write (a map key the agent PATCH cannot remove): 'agents sync' would not
        # bring this resource in sync, so say so rather than promise it.
        row["cannot_apply"] = len(item.cannot_apply)
        row["differences"] = len(item.changes) + len(item.drifted)
    return row


def status(app: AppContext, request: StatusRequest) -> Status:
    from agents_cli.commands.shared import workspace_client
    from agents_cli.engine.plan import PlanOptions
    from agents_cli.engine.workspace import PlanResult, Workspace
    from agents_cli.remote.client import gather_or_cancel
    from agents_cli.remote.directory import list_remote

    workspace = Workspace.open(app.cwd, request.env, environ=app.host.environ)
    report = workspace.validation()
    workspace.load()
    client = workspace_client(app, workspace, base_url=request.base_url, concurrency=request.concurrency)

    async def read() -> tuple[PlanResult, dict[str, list[dict[str, Any]]]]:
        async with client as api:
            # The lists (for unmanaged resources) go out with the reads, not after them: they take the
            # slots the last round of reads leaves free instead of a round trip of their own.
            listing = asyncio.ensure_future(gather_or_cancel(*(list_remote(api, kind) for kind in REGISTRY)))
            try:
                with app.reading() as reading:
                    planned = await workspace.plan(api, PlanOptions(prune=True), reading=reading)
            except BaseException:
                listing.cancel()
                await asyncio.gather(listing, return_exceptions=True)
                raise
            pages = await listing
        return planned, dict(zip(REGISTRY.names, pages, strict=True))

    result, listed = asyncio.run(read())
    for warning in result.warnings:
        app.out.warn(warning)
    plan: Plan = result.plan
    rows = [status_row(item, result.snapshot.stale, workspace.state) for item in plan.resources]
    _add_traffic(rows, plan, workspace.environment.deployments)
    rows += unmanaged_rows(listed, plan, workspace)
    return Status(workspace.environment.name, rows, report)


def _add_traffic(rows: list[dict[str, Any]], plan: Plan, deployments: Mapping[str, Any]) -> None:
    """Each agent's live traffic split (``deployments``): the plan's read of it where it differs from the
    desired one (also shown), the desired one where it does not."""
    changed = {change.agent: change for change in plan.splits}
    for row in rows:
        if row["kind"] != AGENT.name or row["name"] not in deployments:
            continue
        change = changed.get(row["name"])
        row["traffic"] = dict(change.before if change else deployments[row["name"]])
        if change:
            row["traffic_desired"] = dict(change.after)


def unmanaged_rows(
    listed: dict[str, list[dict[str, Any]]], plan: Plan, workspace: Workspace
) -> list[dict[str, Any]]:
    """Remote resources of the workspace the project does not manage: in no environment's state, not
    planned here (found by tag or name), not another environment's (by its tag)."""
    known = {item.remote_id for item in plan.resources if item.remote_id}
    known |= {rid for ids in workspace.claimed.values() for rid in ids}
    known |= {rid for kind in REGISTRY.names for rid in workspace.state.ids(kind).values()}
    rows = []
    for kind in REGISTRY:
        for item in listed.get(kind.name, []):
            remote_id = kind.remote_id(item)
            if not kind.listed(item) or remote_id is None or remote_id in known:
                continue
            if kind.foreign(item, workspace.environment.name):
                continue  # another environment's (its tag), though no state file holds it here
            if kind.singleton_id is not None:
                continue  # the workspace's settings always exist: managed or not is the manifest's say
            name = kind.api_name(item) or remote_id
            rows.append({"kind": kind.name, "name": name, "status": NOT_MANAGED, "remote_id": remote_id})
    return rows
