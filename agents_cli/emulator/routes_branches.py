"""Agent branches, versions and deployments: create / list / get / PATCH (archive) branches, merge and
rebase (with previews that find real conflicts), version metadata, and the traffic split."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import branching, records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import AGENT

BRANCHES = "/v1/convai/agents/{agent_id}/branches"
BRANCH = "/v1/convai/agents/{agent_id}/branches/{branch_id}"
VERSION = "/v1/convai/agents/{agent_id}/versions/{version_id}"
MERGE_PREVIEW = "/v1/convai/agents/{agent_id}/branches/{source_branch_id}/merge-preview"
MERGE = "/v1/convai/agents/{agent_id}/branches/{source_branch_id}/merge"
REBASE_PREVIEW = "/v1/convai/agents/{agent_id}/branches/{branch_id}/rebase-preview"
REBASE = "/v1/convai/agents/{agent_id}/branches/{branch_id}/rebase"
DEPLOYMENTS = "/v1/convai/agents/{agent_id}/deployments"
CREATE_BODY = "Body_Create_a_new_branch_v1_convai_agents__agent_id__branches_post"
UPDATE_BODY = "Body_Update_agent_branch_v1_convai_agents__agent_id__branches__branch_id__patch"
MERGE_BODY = "Body_Merge_a_branch_into_a_target_branch_v1_convai_agents__agent_id__branches__source_branch_id__merge_post"  # noqa: E501 (the spec's name)
DEPLOY_BODY = "Body_Create_or_update_deployments_v1_convai_agents__agent_id__deployments_post"
RECENT_VERSIONS = 20


def _agent(ctx: EmulatorContext, request: Request) -> dict[str, Any]:
    return records.get_or_404(ctx, AGENT, request.path_params["agent_id"])


def _summary(ctx: EmulatorContext, agent: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    live = branching.traffic(ctx, agent).get(branch["id"], 0.0)
    return {
        "id": branch["id"],
        "name": branch["name"],
        "agent_id": agent["agent_id"],
        "description": branch.get("description") or "",
        "created_at": branch["created_at"],
        "last_committed_at": branch["last_committed_at"],
        "is_archived": bool(branch.get("is_archived")),
        "protection_status": branch.get("protection_status") or "writer_perms_required",
        "access_info": records.access_info(ctx),
        "current_live_percentage": live,
        "parent_branch_id": branch.get("parent_branch_id"),
        "merged_into_branch_id": branch.get("merged_into_branch_id"),
    }


def _detail(ctx: EmulatorContext, agent: dict[str, Any], branch: dict[str, Any]) -> dict[str, Any]:
    data = _summary(ctx, agent, branch)
    parent_id = data.pop("parent_branch_id")
    data.pop("merged_into_branch_id")
    parent = branching.branch_of(ctx, agent, parent_id) if parent_id else None
    data["parent_branch"] = {"id": parent["id"], "name": parent["name"]} if parent else None
    data["most_recent_versions"] = branching.branch_versions(ctx, branch["id"])[:RECENT_VERSIONS]
    return data


async def create_branch(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", BRANCHES)
    with ctx.store.transaction():
        agent = _agent(ctx, request)
        version = branching.version_of(ctx, agent["agent_id"], body["parent_version_id"])
        taken = {b["name"] for b in branching.branches(ctx, agent) if not b.get("is_archived")}
        if body["name"] in taken:
            raise ApiError.of(409, "branch_already_exists", f"A branch named {body['name']!r} exists.")
        record = dict(version["record"])
        for section in branching.SECTIONS:
            if body.get(section) is not None:
                record[section] = records.deep_merge(record.get(section) or {}, body[section])
        stamp = records.now()
        branch = {
            "id": new_id("branch"),
            "agent_id": agent["agent_id"],
            "name": body["name"],
            "description": body["description"],
            "created_at": stamp,
            "last_committed_at": stamp,
            "is_archived": False,
            "protection_status": "writer_perms_required",
            "parent_branch_id": version.get("branch_id") or agent["main_branch_id"],
            "base_version_id": body["parent_version_id"],
            "record": record,
        }
        parents = {"in_branch_parent_id": None, "out_of_branch_parent_id": body["parent_version_id"]}
        version_id = branching.commit(ctx, record, body["description"], branch=branch, parents=parents)
    return ctx.respond(
        "post", BRANCHES, {"created_branch_id": branch["id"], "created_version_id": version_id}
    )


async def list_branches(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", BRANCHES)
    include_archived = ctx.query_param(request, "get", BRANCHES, "include_archived")
    limit = ctx.query_param(request, "get", BRANCHES, "limit")
    agent = _agent(ctx, request)
    found = [b for b in branching.branches(ctx, agent) if include_archived or not b.get("is_archived")]
    results = [_summary(ctx, agent, branch) for branch in found[:limit]]
    return ctx.respond("get", BRANCHES, {"meta": {"total": len(found)}, "results": results})


async def get_branch(request: Request) -> Response:
    ctx = context_of(request)
    agent = _agent(ctx, request)
    branch = branching.branch_of(ctx, agent, request.path_params["branch_id"])
    return ctx.respond("get", BRANCH, _detail(ctx, agent, branch))


async def update_branch(request: Request) -> Response:
    ctx = context_of(request)
    raw = await ctx.raw_body(request, required=False)
    body = ctx.validate(UPDATE_BODY, raw if raw is not None else {}, fill_defaults=False)
    with ctx.store.transaction():
        agent = _agent(ctx, request)
        branch = branching.branch_of(ctx, agent, request.path_params["branch_id"])
        if body.get("is_archived"):
            if branch.get("main"):
                raise ApiError.of(400, "cannot_archive_main_branch", "The main branch cannot be archived.")
            if branching.traffic(ctx, agent).get(branch["id"], 0.0) > 0:
                raise ApiError.of(400, "branch_has_traffic", f"Branch {branch['id']} still serves traffic.")
        changed = {key: value for key, value in body.items() if value is not None}
        branch = {**branch, **changed}
        ctx.store.put(branching.BRANCH, branch["id"], branch)
    return ctx.respond("patch", BRANCH, _detail(ctx, agent, branch))


async def get_version(request: Request) -> Response:
    ctx = context_of(request)
    agent = _agent(ctx, request)
    version_id = request.path_params["version_id"]
    version = branching.version_of(ctx, agent["agent_id"], version_id)
    return ctx.respond("get", VERSION, branching.version_metadata(version_id, version))


def _merge(
    ctx: EmulatorContext, agent: dict[str, Any], source_id: str, target_id: str, force: bool
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """Source branch, target branch, the merged target record, and the conflicts."""
    source = branching.branch_of(ctx, agent, source_id)
    target = branching.branch_of(ctx, agent, target_id)
    if source["id"] == target["id"]:
        raise ApiError.of(400, "same_branch", "A branch cannot be merged into itself.")
    merged, conflicts = branching.merge_records(
        branching.base_record(ctx, agent, source),
        branching.tip(ctx, agent, source),
        branching.tip(ctx, agent, target),
        force=force,
    )
    return source, target, merged, conflicts


def _preview(
    ctx: EmulatorContext, merged: dict[str, Any], target: dict[str, Any], conflicts: list[dict[str, Any]]
) -> dict[str, Any]:
    current = branching.tip(ctx, records.get_or_404(ctx, AGENT, merged["agent_id"]), target)
    view = records.agent_view(ctx, {**merged, "branch_id": target["id"]})
    view["overridden_fields"] = sorted(
        f"{c['section']}.{c['path']}" if c["path"] else c["section"] for c in conflicts
    )
    view["conflicts"] = conflicts
    view["source_identical_to_target"] = all(
        merged.get(key) == current.get(key) for key in (*branching.SECTIONS, "name", "tags")
    )
    return view


async def merge_preview(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", MERGE_PREVIEW)
    target_id = ctx.query_param(request, "get", MERGE_PREVIEW, "target_branch_id")
    if target_id is None:
        raise ApiError.validation([_missing("target_branch_id")])
    force = bool(ctx.query_param(request, "get", MERGE_PREVIEW, "force"))
    agent = _agent(ctx, request)
    _source, target, merged, conflicts = _merge(
        ctx, agent, request.path_params["source_branch_id"], target_id, force
    )
    return ctx.respond("get", MERGE_PREVIEW, _preview(ctx, merged, target, conflicts))


def _missing(name: str) -> dict[str, Any]:
    return {"type": "missing", "loc": ["query", name], "msg": "Field required", "input": None}


def _refuse_conflicts(conflicts: list[dict[str, Any]]) -> None:
    if conflicts:
        fields = ", ".join(sorted(f"{c['section']}.{c['path']}" for c in conflicts))
        raise ApiError.of(409, "merge_conflict", f"Both branches changed: {fields}.")


async def merge(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "post", MERGE)
    target_id = ctx.query_param(request, "post", MERGE, "target_branch_id")
    if target_id is None:
        raise ApiError.validation([_missing("target_branch_id")])
    raw = await ctx.raw_body(request, required=False)
    body = ctx.validate(MERGE_BODY, {} if raw is None else raw)
    with ctx.store.transaction():
        agent = _agent(ctx, request)
        source, target, merged, conflicts = _merge(
            ctx, agent, request.path_params["source_branch_id"], target_id, body["force"]
        )
        if not body["force"]:
            _refuse_conflicts(conflicts)
        source_tip = branching.tip(ctx, agent, source)
        parents = {"merged_from_branch_id": source["id"], "merged_from_version_id": source_tip["version_id"]}
        described = branching.version_of(ctx, agent["agent_id"], source_tip["version_id"])
        description = f"Merge branch '{source['name']}' into '{target['name']}'"
        if described.get("version_description"):  # what was merged, as its last commit said
            description = f"{description}: {described['version_description']}"
        version_id = branching.commit(ctx, merged, description, branch=target, parents=parents)
        source = branching.branch_of(ctx, agent, source["id"])  # its tip may be what was just saved
        source = {**source, "base_version_id": version_id}
        if body["archive_source_branch"] and not source.get("main"):
            if branching.traffic(ctx, agent).get(source["id"], 0.0) > 0:
                raise ApiError.of(400, "branch_has_traffic", f"Branch {source['id']} still serves traffic.")
            source.update(is_archived=True, merged_into_branch_id=target["id"])
        ctx.store.put(branching.BRANCH, source["id"], source)
    return ctx.respond("post", MERGE, {"version_id": version_id, "branch_id": target["id"]})


def _rebase(
    ctx: EmulatorContext, agent: dict[str, Any], branch_id: str
) -> tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]]:
    """The branch with main's changes since its base merged in (main's side is the source)."""
    branch = branching.branch_of(ctx, agent, branch_id)
    if branch.get("main"):
        raise ApiError.of(400, "cannot_rebase_main_branch", "The main branch cannot be rebased.")
    merged, conflicts = branching.merge_records(
        branching.base_record(ctx, agent, branch), agent, branching.tip(ctx, agent, branch), force=False
    )
    return branch, merged, conflicts


async def rebase_preview(request: Request) -> Response:
    ctx = context_of(request)
    agent = _agent(ctx, request)
    branch, merged, conflicts = _rebase(ctx, agent, request.path_params["branch_id"])
    return ctx.respond("get", REBASE_PREVIEW, _preview(ctx, merged, branch, conflicts))


async def rebase(request: Request) -> Response:
    ctx = context_of(request)
    with ctx.store.transaction():
        agent = _agent(ctx, request)
        branch, merged, conflicts = _rebase(ctx, agent, request.path_params["branch_id"])
        _refuse_conflicts(conflicts)
        parents = {"rebased_from_version_id": agent["version_id"]}
        description = f"Rebase branch '{branch['name']}' onto '{branching.MAIN_NAME}'"
        version_id = branching.commit(ctx, merged, description, branch=branch, parents=parents)
        branch = branching.branch_of(ctx, agent, branch["id"])
        ctx.store.put(branching.BRANCH, branch["id"], {**branch, "base_version_id": agent["version_id"]})
    return ctx.respond("post", REBASE, {"version_id": version_id, "branch_id": branch["id"]})


async def deploy(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", DEPLOYMENTS)
    with ctx.store.transaction():
        agent = _agent(ctx, request)
        split: dict[str, float] = {}
        for item in body["deployment_request"]["requests"]:
            branch = branching.branch_of(ctx, agent, item["branch_id"])
            if branch.get("is_archived"):
                raise ApiError.of(400, "branch_archived", f"Branch {branch['id']} is archived.")
            split[branch["id"]] = float(item["deployment_strategy"]["traffic_percentage"])
        if abs(sum(split.values()) - 100.0) > 1e-6:
            total = f"{sum(split.values()):g}"
            raise ApiError.of(400, "invalid_traffic_split", f"Traffic percentages sum to {total}, not 100.")
        split = {branch_id: share for branch_id, share in split.items() if share > 0}
        branching.set_traffic(ctx, agent["agent_id"], split)
    return ctx.respond("post", DEPLOYMENTS, {"traffic_percentage_branch_id_map": split})


ROUTES: list[BaseRoute] = [
    Route(BRANCHES, create_branch, methods=["POST"]),
    Route(BRANCHES, list_branches, methods=["GET"]),
    Route(BRANCH, get_branch, methods=["GET"]),
    Route(BRANCH, update_branch, methods=["PATCH"]),
    Route(VERSION, get_version, methods=["GET"]),
    Route(MERGE_PREVIEW, merge_preview, methods=["GET"]),
    Route(MERGE, merge, methods=["POST"]),
    Route(REBASE_PREVIEW, rebase_preview, methods=["GET"]),
    Route(REBASE, rebase, methods=["POST"]),
    Route(DEPLOYMENTS, deploy, methods=["POST"]),
]
