"""MCP servers: CRUD, the server's tools, approval policy, per-tool approvals and per-tool config overrides.

- The emulator never connects to an MCP server (it is offline): ``/tools`` lists the tools the server's
  config names (approvals and overrides), each with an empty input schema.
- A tool approval's ``tool_hash`` is the sha256 of the tool's description and input schema, as the API
  computes it from what the request sends.
- Deleting a server an agent lists in ``mcp_server_ids`` is refused with 409 ``mcp_server_in_use`` (the
  spec gives this delete no ``force``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import unquote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import MCP

COLLECTION = "/v1/convai/mcp-servers"
ONE = f"{COLLECTION}/{{mcp_server_id}}"
TOOLS = f"{ONE}/tools"
APPROVAL_POLICY = f"{ONE}/approval-policy"
APPROVALS = f"{ONE}/tool-approvals"
APPROVAL_ONE = f"{ONE}/tool-approvals/{{tool_name}}"
CONFIGS = f"{ONE}/tool-configs"
CONFIG_ONE = f"{ONE}/tool-configs/{{tool_name}}"
CONFIG_INPUT = "MCPServerConfig-Input"


def _view(ctx: EmulatorContext, record: dict[str, Any]) -> dict[str, Any]:
    users = records.agents_referencing(ctx, "mcp", record["id"])
    return {**record, "dependent_agents": [records.dependent_agent(agent) for agent in users]}


def _server(ctx: EmulatorContext, request: Request) -> tuple[str, dict[str, Any]]:
    ident = request.path_params["mcp_server_id"]
    return ident, records.get_or_404(ctx, MCP, ident)


def _tool_name(request: Request) -> str:
    return unquote(request.path_params["tool_name"])


def _check_url(config: dict[str, Any]) -> None:
    url = config.get("url")
    if isinstance(url, str) and not url.startswith("https://"):
        raise ApiError.of(400, "invalid_url", "The MCP server URL must use https.")


def _save(ctx: EmulatorContext, ident: str, record: dict[str, Any], path: str, method: str) -> Response:
    record["config"] = ctx.validate(CONFIG_INPUT, record["config"])
    ctx.store.put(MCP, ident, record)
    return ctx.respond(method, path, _view(ctx, record))


async def create(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", COLLECTION)
    _check_url(body["config"])
    ident = new_id("mcp_server")
    record = {
        "id": ident,
        "config": body["config"],
        "access_info": records.access_info(ctx),
        "metadata": {"created_at": records.now(), "owner_user_id": ctx.settings.user_id},
    }
    ctx.store.put(MCP, ident, record)
    return ctx.respond("post", COLLECTION, _view(ctx, record))


async def list_servers(request: Request) -> Response:
    ctx = context_of(request)
    servers = [_view(ctx, record) for _, _, record in ctx.store.list(MCP)]
    return ctx.respond("get", COLLECTION, {"mcp_servers": servers})


async def get(request: Request) -> Response:
    ctx = context_of(request)
    _ident, record = _server(ctx, request)
    return ctx.respond("get", ONE, _view(ctx, record))


async def patch(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "patch", ONE, fill_defaults=False)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        record["config"].update({key: value for key, value in body.items() if value is not None})
        return _save(ctx, ident, record, ONE, "patch")


async def delete(request: Request) -> Response:
    ctx = context_of(request)
    with ctx.store.transaction():
        ident, _record = _server(ctx, request)
        users = records.agents_referencing(ctx, "mcp", ident)
        if users:
            names = ", ".join(agent["agent_id"] for agent in users[:5])
            raise ApiError.of(
                409, "mcp_server_in_use", f"MCP server {ident} is used by {len(users)} agent(s) ({names})."
            )
        ctx.store.delete(MCP, ident)
    return ctx.respond("delete", ONE, {})


async def tools(request: Request) -> Response:
    ctx = context_of(request)
    _ident, record = _server(ctx, request)
    config = record["config"]
    named = [item.get("tool_name") for item in config.get("tool_approval_hashes") or []]
    named += [item.get("tool_name") for item in config.get("tool_config_overrides") or []]
    listed = [{"name": name, "inputSchema": {}} for name in dict.fromkeys(n for n in named if n)]
    return ctx.respond("get", TOOLS, {"success": True, "tools": listed, "error_message": None})


async def approval_policy(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "patch", APPROVAL_POLICY)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        record["config"]["approval_policy"] = body["approval_policy"]
        return _save(ctx, ident, record, APPROVAL_POLICY, "patch")


async def add_approval(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", APPROVALS)
    schema = json.dumps(body.get("input_schema") or {}, sort_keys=True)
    digest = hashlib.sha256(f"{body['tool_description']}\n{schema}".encode()).hexdigest()
    entry = {"tool_name": body["tool_name"], "tool_hash": digest, "approval_policy": body["approval_policy"]}
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        kept = [
            a
            for a in record["config"].get("tool_approval_hashes") or []
            if a["tool_name"] != entry["tool_name"]
        ]
        record["config"]["tool_approval_hashes"] = [*kept, entry]
        return _save(ctx, ident, record, APPROVALS, "post")


async def remove_approval(request: Request) -> Response:
    ctx = context_of(request)
    name = _tool_name(request)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        approvals = record["config"].get("tool_approval_hashes") or []
        if not any(approval["tool_name"] == name for approval in approvals):
            raise ApiError.of(404, "tool_approval_not_found", f"Tool {name} has no approval.")
        record["config"]["tool_approval_hashes"] = [a for a in approvals if a["tool_name"] != name]
        return _save(ctx, ident, record, APPROVAL_ONE, "delete")


def _override(record: dict[str, Any], name: str) -> dict[str, Any]:
    for override in record["config"].get("tool_config_overrides") or []:
        if override.get("tool_name") == name:
            return dict(override)
    raise ApiError.of(404, "tool_config_not_found", f"Tool {name} has no config override.")


async def add_config(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", CONFIGS, fill_defaults=False)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        overrides = record["config"].get("tool_config_overrides") or []
        if any(override.get("tool_name") == body["tool_name"] for override in overrides):
            raise ApiError.of(
                409, "tool_config_exists", f"Tool {body['tool_name']} already has a config override."
            )
        record["config"]["tool_config_overrides"] = [*overrides, body]
        return _save(ctx, ident, record, CONFIGS, "post")


async def get_config(request: Request) -> Response:
    ctx = context_of(request)
    _ident, record = _server(ctx, request)
    return ctx.respond("get", CONFIG_ONE, _override(record, _tool_name(request)))


async def patch_config(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "patch", CONFIG_ONE, fill_defaults=False)
    name = _tool_name(request)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        updated = {
            **_override(record, name),
            **{key: value for key, value in body.items() if value is not None},
        }
        others = [
            o for o in record["config"].get("tool_config_overrides") or [] if o.get("tool_name") != name
        ]
        record["config"]["tool_config_overrides"] = [*others, updated]
        return _save(ctx, ident, record, CONFIG_ONE, "patch")


async def delete_config(request: Request) -> Response:
    ctx = context_of(request)
    name = _tool_name(request)
    with ctx.store.transaction():
        ident, record = _server(ctx, request)
        _override(record, name)
        others = [
            o for o in record["config"].get("tool_config_overrides") or [] if o.get("tool_name") != name
        ]
        record["config"]["tool_config_overrides"] = others
        return _save(ctx, ident, record, CONFIG_ONE, "delete")


ROUTES: list[BaseRoute] = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_servers, methods=["GET"]),
    Route(ONE, get, methods=["GET"]),
    Route(ONE, patch, methods=["PATCH"]),
    Route(ONE, delete, methods=["DELETE"]),
    Route(TOOLS, tools, methods=["GET"]),
    Route(APPROVAL_POLICY, approval_policy, methods=["PATCH"]),
    Route(APPROVALS, add_approval, methods=["POST"]),
    Route(APPROVAL_ONE, remove_approval, methods=["DELETE"]),
    Route(CONFIGS, add_config, methods=["POST"]),
    Route(CONFIG_ONE, get_config, methods=["GET"]),
    Route(CONFIG_ONE, patch_config, methods=["PATCH"]),
    Route(CONFIG_ONE, delete_config, methods=["DELETE"]),
]
