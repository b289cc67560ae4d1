"""Agents: create, get (``branch_id``/``version_id``), list, patch, delete, duplicate, widget."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import branching, records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response, query_order
from agents_cli.emulator.records import AGENT, AGENT_VERSION, TEST, TOOL

CREATE = "/v1/convai/agents/create"
ONE = "/v1/convai/agents/{agent_id}"
LIST = "/v1/convai/agents"
SUMMARIES = "/v1/convai/agents/summaries"
DUPLICATE = "/v1/convai/agents/{agent_id}/duplicate"
WIDGET = "/v1/convai/agents/{agent_id}/widget"
CREATE_BODY = "Body_Create_Agent_v1_convai_agents_create_post"
PATCH_BODY = "Body_Patches_an_Agent_settings_v1_convai_agents__agent_id__patch"
PLATFORM_SETTINGS = "AgentPlatformSettingsRequestModel"
# What a list summary needs from a stored agent, extracted by SQLite (no whole record decoded per item).
SUMMARY_FIELDS = {
    "name": "$.name",
    "tags": "$.tags",
    "created_at_unix_secs": "$.created_at_unix_secs",
    "archived": "$.platform_settings.archived",
    "voice_id": "$.conversation_config.tts.voice_id",
}


def _raw_prompt(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict):
        return {}
    config = raw.get("conversation_config")
    return records.prompt_of(config) if isinstance(config, dict) else {}


def _reject_tools_with_tool_ids(raw: object) -> None:
    """The deprecated ``prompt.tools`` and ``prompt.tool_ids`` are exclusive (a model validator upstream)."""
    prompt = _raw_prompt(raw)
    if prompt.get("tools") and prompt.get("tool_ids"):
        raise ApiError.validation(
            [
                {
                    "type": "value_error",
                    "loc": ["body", "conversation_config", "agent", "prompt"],
                    "msg": "Value error, Both 'tools' and 'tool_ids' were given: send only 'tool_ids' "
                    "('tools' is deprecated and echoed back from 'tool_ids').",
                    "input": prompt,
                    "ctx": {"error": "tools and tool_ids are mutually exclusive"},
                }
            ]
        )


def _settle_config(ctx: EmulatorContext, config: dict[str, Any], platform_settings: dict[str, Any]) -> None:
    """Turn inline deprecated ``tools`` into tool records, drop the echo, and check references exist."""
    prompt = records.prompt_of(config)
    inline_tools = prompt.pop("tools", None) or []
    if inline_tools and not prompt.get("tool_ids"):
        created: list[str] = []
        for tool_config in inline_tools:
            tool_id = new_id("tool")
            ctx.store.put(TOOL, tool_id, records.tool_record(ctx, tool_id, tool_config))
            created.append(tool_id)
        prompt["tool_ids"] = created
    for tool_id in prompt.get("tool_ids", []):
        if ctx.store.get(TOOL, tool_id) is None:
            raise ApiError.of(400, "tool_not_found", f"Tool {tool_id} referenced in tool_ids does not exist.")
    for document in prompt.get("knowledge_base", []):
        if ctx.store.get(records.KNOWLEDGE, document.get("id", "")) is None:
            raise ApiError.of(
                400, "document_not_found", f"Knowledge base document {document.get('id')} does not exist."
            )
    for server_id in prompt.get("mcp_server_ids", []):
        if ctx.store.get(records.MCP, server_id) is None:
            raise ApiError.of(
                400,
                "mcp_server_not_found",
                f"MCP server {server_id} referenced in mcp_server_ids does not exist.",
            )
    testing = platform_settings.get("testing") or {}
    for attached in testing.get("attached_tests", []):
        if ctx.store.get(TEST, attached.get("test_id", "")) is None:
            raise ApiError.of(
                400, "test_not_found", f"Test {attached.get('test_id')} attached to the agent does not exist."
            )


def _build_record(ctx: EmulatorContext, body: dict[str, Any], agent_id: str) -> dict[str, Any]:
    platform_settings = body.get("platform_settings")
    if platform_settings is None:
        platform_settings = ctx.validate(PLATFORM_SETTINGS, {})
    config = body["conversation_config"]
    _settle_config(ctx, config, platform_settings)
    stamp = records.now()
    return {
        "agent_id": agent_id,
        "name": body.get("name") or "",
        "conversation_config": config,
        "platform_settings": platform_settings,
        "workflow": body.get("workflow") or {},
        "tags": body.get("tags") or [],
        "created_at_unix_secs": stamp,
        "updated_at_unix_secs": stamp,
        "main_branch_id": new_id("branch"),
        "version_id": None,
    }


def _summary(ctx: EmulatorContext, fields: dict[str, Any]) -> dict[str, Any]:
    """A list entry from the ``SUMMARY_FIELDS`` of a stored agent."""
    return {
        "agent_id": fields["agent_id"],
        "name": fields["name"] or "",
        "voice_id": fields["voice_id"] or "",
        "tags": fields["tags"] or [],
        "created_at_unix_secs": fields["created_at_unix_secs"],
        "access_info": records.access_info(ctx),
        "last_call_time_unix_secs": None,
        "archived": fields["archived"],
    }


async def create(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "post", CREATE)
    raw = await ctx.raw_body(request)
    body = ctx.validate(CREATE_BODY, raw)
    _reject_tools_with_tool_ids(raw)
    with ctx.store.transaction():
        records.check_transfer_targets(ctx, body)
        record = _build_record(ctx, body, new_id("agent"))
        branching.commit(ctx, record, None)
    return ctx.respond("post", CREATE, {"agent_id": record["agent_id"]})


def _branch(ctx: EmulatorContext, request: Request, agent: dict[str, Any]) -> dict[str, Any] | None:
    """The branch ``?branch_id=`` names (None: main), 404 when it is not one of the agent's."""
    branch_id = request.query_params.get("branch_id")
    if not branch_id or branch_id == agent.get("main_branch_id"):
        return None
    return branching.branch_of(ctx, agent, branch_id)


async def summaries(request: Request) -> Response:
    """``GET /agents/summaries?agent_ids=…``: a summary or failure per id (routed before ``/{agent_id}``)."""
    ctx = context_of(request)
    ctx.check_query(request, "get", SUMMARIES)
    answer: dict[str, Any] = {}
    for agent_id in request.query_params.getlist("agent_ids"):
        record = ctx.store.get(AGENT, agent_id)
        if record is None:
            message = f"Agent with id {agent_id} not found."
            answer[agent_id] = {
                "status": "failure",
                "error_code": 404,
                "error_status": "agent_not_found",
                "error_message": message,
            }
            continue
        tts = (record.get("conversation_config") or {}).get("tts") or {}
        data = {
            "agent_id": agent_id,
            "name": record.get("name") or "",
            "voice_id": str(tts.get("voice_id") or ""),
            "tags": list(record.get("tags") or []),
            "created_at_unix_secs": record["created_at_unix_secs"],
            "access_info": records.access_info(ctx),
            "archived": bool((record.get("platform_settings") or {}).get("archived")),
        }
        answer[agent_id] = {"status": "success", "data": data}
    return ctx.respond("get", SUMMARIES, answer)


async def get(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.path_params["agent_id"]
    agent = records.get_or_404(ctx, AGENT, agent_id)
    branch = _branch(ctx, request, agent)
    record = branching.tip(ctx, agent, branch) if branch is not None else agent
    version_id = request.query_params.get("version_id")
    if version_id:
        record = branching.version_of(ctx, agent_id, version_id)["record"]
    return ctx.respond("get", ONE, records.agent_view(ctx, record))


async def list_agents(request: Request) -> Response:
    ctx = context_of(request)
    search = (request.query_params.get("search") or "").lower()
    tags = set(request.query_params.getlist("tags"))
    # The spec's default is archived=false: archived agents are listed only when asked for.
    archived = ctx.query_param(request, "get", LIST, "archived")
    items = []
    for seq, ident, values in ctx.store.list_fields(AGENT, list(SUMMARY_FIELDS.values())):
        summary = dict(zip(SUMMARY_FIELDS, values, strict=True))
        summary["archived"] = bool(summary["archived"])
        if search and search not in (summary["name"] or "").lower():
            continue
        if tags and not tags.intersection(summary["tags"] or []):
            continue
        if archived is not None and summary["archived"] != archived:
            continue
        summary["agent_id"] = ident
        items.append((seq, ident, summary))
    # No calls are ever made to an emulated agent, so call_count_7d orders like created_at.
    order = query_order(ctx, request, LIST, lambda summary: summary["name"] or "")
    return page_response(
        ctx, request, LIST, "agents", items, lambda summary: _summary(ctx, summary), order=order
    )


def _merged(record: dict[str, Any], patch_body: dict[str, Any], raw: object) -> dict[str, Any]:
    """The create body a PATCH leads to: objects deep-merged, lists and scalars replaced, null ignored."""
    merged: dict[str, Any] = {
        "conversation_config": record["conversation_config"],
        "platform_settings": record.get("platform_settings"),
        "workflow": record.get("workflow"),
        "name": record.get("name"),
        "tags": record.get("tags"),
    }
    for key in merged:
        if key in patch_body and patch_body[key] is not None:
            merged[key] = records.deep_merge(merged[key], patch_body[key])
    raw_prompt = _raw_prompt(raw)
    if "tools" in raw_prompt and "tool_ids" not in raw_prompt:
        # Deprecated inline tools replace the attached ones (they become tool records when settled).
        records.prompt_of(merged["conversation_config"])["tool_ids"] = []
    return merged


async def patch(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.path_params["agent_id"]
    raw = await ctx.raw_body(request, required=False)
    patch_body = ctx.validate(PATCH_BODY, raw if raw is not None else {}, fill_defaults=False)
    _reject_tools_with_tool_ids(raw)
    with ctx.store.transaction():
        agent = records.get_or_404(ctx, AGENT, agent_id)
        branch = _branch(ctx, request, agent)
        if branch is not None and branch.get("is_archived"):
            raise ApiError.of(400, "branch_archived", f"Branch {branch['id']} is archived.")
        record = branching.tip(ctx, agent, branch) if branch is not None else agent
        records.check_transfer_targets(ctx, patch_body)
        full = ctx.validate(CREATE_BODY, _merged(record, patch_body, raw))
        updated = _build_record(ctx, full, agent_id)
        updated["created_at_unix_secs"] = record["created_at_unix_secs"]
        updated["main_branch_id"] = record["main_branch_id"]
        updated["version_id"] = record.get("version_id")
        branching.commit(ctx, updated, patch_body.get("version_description"), branch=branch)
    return ctx.respond("patch", ONE, records.agent_view(ctx, updated))


async def delete(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.path_params["agent_id"]
    with ctx.store.transaction():
        records.get_or_404(ctx, AGENT, agent_id)
        ctx.store.delete(AGENT, agent_id)
        ctx.store.delete_matching(AGENT_VERSION, "agent_id", agent_id)
        ctx.store.delete_matching(branching.BRANCH, "agent_id", agent_id)
        ctx.store.delete(branching.DEPLOYMENT, agent_id)
    return Response(status_code=204)


async def duplicate(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.path_params["agent_id"]
    raw = await ctx.raw_body(request, required=False)
    # No body (or an empty one) means no options; any other body, falsy ones like [] too, must be the object.
    body = ctx.validate(
        "Body_Duplicate_Agent_v1_convai_agents__agent_id__duplicate_post", {} if raw is None else raw
    )
    with ctx.store.transaction():
        source = records.get_or_404(ctx, AGENT, agent_id)
        copy = dict(source)
        copy["agent_id"] = new_id("agent")
        copy["name"] = body.get("name") or f"{source.get('name') or 'Agent'} (copy)"
        copy["created_at_unix_secs"] = copy["updated_at_unix_secs"] = records.now()
        copy["main_branch_id"] = new_id("branch")
        copy["version_id"] = None
        branching.commit(ctx, copy, None)
    return ctx.respond("post", DUPLICATE, {"agent_id": copy["agent_id"]})


async def widget(request: Request) -> Response:
    ctx = context_of(request)
    record = records.get_or_404(ctx, AGENT, request.path_params["agent_id"])
    widget_config = dict((record.get("platform_settings") or {}).get("widget") or {})
    widget_config.setdefault(
        "language", (record["conversation_config"].get("agent") or {}).get("language", "en")
    )
    body = {"agent_id": record["agent_id"], "widget_config": widget_config}
    return ctx.respond("get", WIDGET, body)


ROUTES: list[BaseRoute] = [
    Route(CREATE, create, methods=["POST"]),
    Route(LIST, list_agents, methods=["GET"]),
    Route(SUMMARIES, summaries, methods=["GET"]),  # before ONE: "summaries" is no agent id
    Route(ONE, get, methods=["GET"]),
    Route(ONE, patch, methods=["PATCH"]),
    Route(ONE, delete, methods=["DELETE"]),
    Route(DUPLICATE, duplicate, methods=["POST"]),
    Route(WIDGET, widget, methods=["GET"]),
]
