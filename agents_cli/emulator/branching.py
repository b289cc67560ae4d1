"""Agent branches and versions in the emulator: where each branch's tip lives, every commit a version.

The agent record (``AGENT``) is the tip of the main branch, as before branches existed; every other branch
is a ``BRANCH`` document holding its tip record. Each write commits a version (``AGENT_VERSION``): the
record as it then was, with the branch, a sequence number in the branch and its parents. A branch
remembers ``base_version_id``, the version it was cut from (or last merged with / rebased onto): the base
of the three-way merges that find real conflicts, fields both sides changed since then.
"""

from __future__ import annotations

from typing import Any

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import AGENT, AGENT_VERSION
from agents_cli.emulator.store import encode

BRANCH = "agent_branch"
DEPLOYMENT = "agent_deployment"
MAIN_NAME = "Main"
# What a merge carries over, section by section (``ConflictSection`` of the spec, procedures aside).
SECTIONS = ("conversation_config", "platform_settings", "workflow")
_ABSENT = object()


def main_branch(ctx: EmulatorContext, agent: dict[str, Any]) -> dict[str, Any]:
    """The main branch's document, made on first use (agents created before it have one implicitly)."""
    branch_id = agent["main_branch_id"]
    found = ctx.store.get(BRANCH, branch_id)
    if found is not None:
        return found
    branch = {
        "id": branch_id,
        "agent_id": agent["agent_id"],
        "name": MAIN_NAME,
        "description": "",
        "created_at": agent["created_at_unix_secs"],
        "last_committed_at": agent["updated_at_unix_secs"],
        "is_archived": False,
        "protection_status": "writer_perms_required",
        "parent_branch_id": None,
        "base_version_id": None,
        "main": True,
    }
    ctx.store.put(BRANCH, branch_id, branch)
    return branch


def branch_of(ctx: EmulatorContext, agent: dict[str, Any], branch_id: str) -> dict[str, Any]:
    """One branch of ``agent`` (404 ``branch_not_found`` for another agent's or a made-up id)."""
    if branch_id == agent["main_branch_id"]:
        return main_branch(ctx, agent)
    branch = ctx.store.get(BRANCH, branch_id)
    if branch is None or branch.get("agent_id") != agent["agent_id"]:
        raise ApiError.not_found("branch", branch_id)
    return branch


def branches(ctx: EmulatorContext, agent: dict[str, Any]) -> list[dict[str, Any]]:
    """Every branch of the agent, main first, then in creation order."""
    main = main_branch(ctx, agent)
    others = [doc for _seq, _id, doc in ctx.store.list(BRANCH, newest_first=False)]
    return [
        main,
        *(doc for doc in others if doc.get("agent_id") == agent["agent_id"] and not doc.get("main")),
    ]


def tip(ctx: EmulatorContext, agent: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    """The branch's current agent record."""
    if branch.get("main"):
        return agent
    record: dict[str, Any] = branch["record"]
    return record


def version_of(ctx: EmulatorContext, agent_id: str, version_id: str) -> dict[str, Any]:
    version = ctx.store.get(AGENT_VERSION, version_id)
    if version is None or version.get("agent_id") != agent_id:
        raise ApiError.not_found("version", version_id)
    return version


def commit(
    ctx: EmulatorContext,
    record: dict[str, Any],
    description: str | None,
    *,
    branch: dict[str, Any] | None = None,
    parents: dict[str, Any] | None = None,
) -> str:
    """Save ``record`` as the new tip of ``branch`` (main when omitted) and as a version of it."""
    branch_id = branch["id"] if branch is not None else record["main_branch_id"]
    previous = record.get("version_id")
    record["version_id"] = new_id("version")
    record["branch_id"] = branch_id
    stamp = records.now()
    header = {
        "agent_id": record["agent_id"],
        "branch_id": branch_id,
        "version_description": description or "",
        "seq_no_in_branch": ctx.store.next_value(f"branch-seq:{branch_id}"),
        "time_committed_secs": stamp,
        "parents": {"in_branch_parent_id": previous, **(parents or {})},
    }
    # The record is encoded once: the version document embeds the same text.
    record_text = encode(record)
    ctx.store.put_text(AGENT_VERSION, record["version_id"], f'{encode(header)[:-1]},"record":{record_text}}}')
    if branch is None or branch.get("main"):
        ctx.store.put_text(AGENT, record["agent_id"], record_text)
        if branch is not None:
            ctx.store.put(BRANCH, branch_id, {**branch, "last_committed_at": stamp})
    else:
        ctx.store.put(BRANCH, branch_id, {**branch, "record": record, "last_committed_at": stamp})
    return str(record["version_id"])


def version_metadata(version_id: str, version: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": version_id,
        "agent_id": version["agent_id"],
        "branch_id": version.get("branch_id") or "",
        "version_description": version.get("version_description") or "",
        "seq_no_in_branch": version.get("seq_no_in_branch") or 0,
        "time_committed_secs": version.get("time_committed_secs") or 0,
        "parents": version.get("parents") or {},
    }


def branch_versions(ctx: EmulatorContext, branch_id: str) -> list[dict[str, Any]]:
    """The branch's versions as metadata, newest first."""
    found = [
        version_metadata(ident, doc)
        for _seq, ident, doc in ctx.store.list(AGENT_VERSION)
        if doc.get("branch_id") == branch_id
    ]
    return sorted(found, key=lambda meta: -int(meta["seq_no_in_branch"]))


def traffic(ctx: EmulatorContext, agent: dict[str, Any]) -> dict[str, float]:
    """Branch id → live percentage; all of it on main until a deployment says otherwise."""
    found = ctx.store.get(DEPLOYMENT, agent["agent_id"])
    if found is None:
        return {agent["main_branch_id"]: 100.0}
    split: dict[str, float] = found["traffic"]
    return split


def set_traffic(ctx: EmulatorContext, agent_id: str, split: dict[str, float]) -> None:
    ctx.store.put(DEPLOYMENT, agent_id, {"agent_id": agent_id, "traffic": split})


def three_way(
    base: Any, source: Any, target: Any, *, force: bool, path: tuple[str, ...] = ()
) -> tuple[Any, list[dict[str, Any]]]:
    """``target`` with the changes ``source`` made since ``base``; a leaf both changed, differently, is
    a conflict: kept as the target has it, or the source's with ``force``."""
    if source in (base, target):
        return target, []
    if target == base:
        return source, []
    if all(isinstance(side, dict) for side in (base, source, target)) or (
        base is _ABSENT and isinstance(source, dict) and isinstance(target, dict)
    ):
        merged: dict[str, Any] = {}
        conflicts: list[dict[str, Any]] = []
        base_map = base if isinstance(base, dict) else {}
        for key in sorted({*base_map, *source, *target}):
            value, found = three_way(
                base_map.get(key, _ABSENT),
                source.get(key, _ABSENT),
                target.get(key, _ABSENT),
                force=force,
                path=(*path, key),
            )
            conflicts.extend(found)
            if value is not _ABSENT:
                merged[key] = value
        return merged, conflicts
    conflict = {
        "section": path[0],
        "path": ".".join(path[1:]),
        "base_value": None if base is _ABSENT else base,
        "source_value": None if source is _ABSENT else source,
        "target_value": None if target is _ABSENT else target,
    }
    return (source if force else target), [conflict]


def merge_records(
    base: dict[str, Any], source: dict[str, Any], target: dict[str, Any], *, force: bool
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The target record with the source's changes since ``base`` merged in, and the conflicts."""
    merged = dict(target)
    conflicts: list[dict[str, Any]] = []
    for section in SECTIONS:
        value, found = three_way(
            base.get(section) or {},
            source.get(section) or {},
            target.get(section) or {},
            force=force,
            path=(section,),
        )
        merged[section] = value
        conflicts.extend(found)
    for key in ("name", "tags"):  # agent-wide, never a conflict: the source's if it changed them
        if source.get(key) != base.get(key):
            merged[key] = source.get(key)
    return merged, conflicts


def base_record(ctx: EmulatorContext, agent: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    """The record ``branch`` was cut from (or last merged with): the base of its merges."""
    base_id = branch.get("base_version_id")
    if not base_id:
        return tip(ctx, agent, branch)
    record: dict[str, Any] = version_of(ctx, agent["agent_id"], base_id)["record"]
    return record
