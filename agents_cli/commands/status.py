"""``agents status``: where every resource of one environment stands, read from the remote concurrently.

One of: in sync, local changes, remote drift, not yet created, missing remotely (deleted in the dashboard),
untracked remote (carries this environment's tag, or is in its state, but is not in the manifest). It is the
plan (``Workspace.plan`` with prune) read as a state per resource instead of a list of changes.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

from agents_cli.context import AppContext

IN_SYNC = "in sync"
LOCAL_CHANGES = "local changes"
REMOTE_DRIFT = "remote drift"
NOT_CREATED = "not yet created"
MISSING_REMOTELY = "missing remotely"
UNTRACKED_REMOTE = "untracked remote"
STATUSES = (IN_SYNC, LOCAL_CHANGES, REMOTE_DRIFT, NOT_CREATED, MISSING_REMOTELY, UNTRACKED_REMOTE)
_BY_ACTION = {"no-op": IN_SYNC, "update": LOCAL_CHANGES, "drift": REMOTE_DRIFT, "delete": UNTRACKED_REMOTE}
_STYLES = {
    IN_SYNC: "green",
    LOCAL_CHANGES: "yellow",
    REMOTE_DRIFT: "magenta",
    NOT_CREATED: "cyan",
    MISSING_REMOTELY: "red",
    UNTRACKED_REMOTE: "red",
}


def _blocked_note(row: dict[str, Any]) -> str:
    """`` (1 cannot be applied by sync)`` — or ``(1 of 3 …)`` when sync can apply the others."""
    blocked = row.get("cannot_apply")
    if not blocked:
        return ""
    of = f" of {row['differences']}" if row["differences"] != blocked else ""
    return f" ({blocked}{of} cannot be applied by sync)"


def _also_local(row: dict[str, Any]) -> str:
    """`` + 2 local changes`` for a drifted resource that was edited locally too."""
    count = row.get("local_changes")
    return f" + {count} local change{'s' if count != 1 else ''}" if count else ""


def run(
    app: AppContext,
    *,
    env: str | None,
    as_json: bool,
    base_url: str | None = None,
    concurrency: int | None = None,
) -> int:
    from agents_cli.commands.validate import print_errors
    from agents_cli.engine.plan import PlanOptions
    from agents_cli.engine.workspace import PlanResult, Workspace
    from agents_cli.remote.connect import build_client

    workspace = Workspace.open(app.cwd, env)
    report = workspace.validation()
    workspace.load()
    client = build_client(workspace.root, workspace.environment, base_url=base_url, concurrency=concurrency)

    async def read() -> PlanResult:
        async with client as api:
            return await workspace.plan(api, PlanOptions(prune=True))

    result = asyncio.run(read())
    for warning in result.warnings:
        app.out.warn(warning)
    # Status only reads, so invalid configs do not stop it; but a typo'd key is dropped by the API and by
    # the comparison alike, so such a resource would look "in sync" without this warning.
    errors = print_errors(app, report)
    environment = workspace.environment.name
    if errors:
        app.out.warn(
            f"{errors} validation error(s) in the configs of {environment!r} (listed above): "
            "a state may not mean what the file says until they are fixed"
        )
    stale = result.snapshot.stale
    rows: list[dict[str, Any]] = []
    for item in result.plan.resources:
        key = (item.kind, item.name)
        if item.action == "create":
            status = MISSING_REMOTELY if key in stale else NOT_CREATED
        else:
            status = _BY_ACTION[item.action]
        remote_id = item.remote_id
        if status == MISSING_REMOTELY:
            entry = workspace.state.get(item.kind, item.name)
            remote_id = entry.id if entry else None
        row: dict[str, Any] = {"kind": item.kind, "name": item.name, "status": status, "remote_id": remote_id}
        if item.action == "drift" and item.changes:
            # Both sides moved: the state is drift, but sync would also write these local edits.
            row["local_changes"] = len(item.changes)
        if item.cannot_apply:
            # Differences sync cannot write (a map key the agent PATCH cannot remove): 'agents sync' would
            # not bring this resource in sync, so say so rather than promise it.
            row["cannot_apply"] = len(item.cannot_apply)
            row["differences"] = len(item.changes) + len(item.drifted)
        rows.append(row)
    counts = Counter(row["status"] for row in rows)
    summary = {status: counts.get(status, 0) for status in STATUSES}
    out = app.out
    if as_json:
        out.json({"environment": environment, "summary": summary, "resources": rows})
        return 0
    if not rows:
        out.info(f"nothing declared or tracked in environment {environment!r}")
        return 0
    width = max(len(f"{row['kind']} {row['name']}") for row in rows)
    for row in rows:
        label = f"{row['kind']} {row['name']}".ljust(width)
        status = row["status"]
        suffix = f"  ({row['remote_id']})" if row["remote_id"] else ""
        out.console.print(
            f"{label}  [{_STYLES[status]}]{status}{_also_local(row)}{_blocked_note(row)}[/]{suffix}",
            highlight=False,
            markup=True,
        )
    shown = ", ".join(f"{count} {status}" for status, count in summary.items() if count)
    out.info(f"{environment}: {shown}")
    return 0
