"""Tools: create, list, get, patch (full ``tool_config``), delete (``force``), dependent agents.

A ``transfer_to_agent`` system tool's rules must name existing agents, as in an agent's config.

Deleting a tool that an agent still lists in ``tool_ids`` is refused with 409 ``tool_in_use`` unless
``?force=true``, which also removes it from those agents: the spec's ``force`` parameter says the tool is
"deleted regardless of whether it is used by any agents and ... removed from the dependent agents".
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.app import ApiError, EmulatorContext
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import AGENT, TOOL
from agents_cli.emulator.routes_agents import check_transfer_targets

COLLECTION = "/v1/convai/tools"
ONE = "/v1/convai/tools/{tool_id}"
DEPENDENTS = "/v1/convai/tools/{tool_id}/dependent-agents"


def _flag(request: Request, name: str) -> bool:
    return (request.query_params.get(name) or "").lower() in {"true", "1", "yes"}


def routes(ctx: EmulatorContext) -> list[BaseRoute]:
    async def create(request: Request) -> Response:
        body = await ctx.body(request, "post", COLLECTION)
        check_transfer_targets(ctx, body)
        tool_id = new_id("tool")
        stamp = records.now()
        record = {
            "id": tool_id,
            "tool_config": body["tool_config"],
            "access_info": records.access_info(ctx),
            "usage_stats": {"total_calls": 0, "avg_latency_secs": 0.0},
            "response_mocks": body.get("response_mocks"),
            "created_at_unix_secs": stamp,
            "updated_at_unix_secs": stamp,
        }
        ctx.store.put(TOOL, tool_id, record)
        return ctx.respond("post", COLLECTION, record)

    async def list_tools(request: Request) -> Response:
        search = request.query_params.get("search") or ""
        types = set(request.query_params.getlist("types"))
        used_by = request.query_params.get("used_by_agent_id")
        used_ids: set[str] | None = None
        if used_by:
            agent = records.get_agent(ctx, used_by)
            used_ids = set(records.prompt_of(agent["conversation_config"]).get("tool_ids", []))
        items = []
        for seq, ident, record in ctx.store.list(TOOL):
            config = record.get("tool_config") or {}
            if search and not str(config.get("name", "")).startswith(search):
                continue
            if types and config.get("type") not in types:
                continue
            if used_ids is not None and ident not in used_ids:
                continue
            items.append((seq, ident, record))
        sort_by = ctx.query_param(request, "get", COLLECTION, "sort_by") or "created_at"
        direction = ctx.query_param(request, "get", COLLECTION, "sort_direction") or "desc"
        page, next_cursor, has_more = ctx.page(
            request,
            ("get", COLLECTION),
            items,
            sort_key=(
                (lambda item: [str(item[2]["tool_config"].get("name", "")).lower(), item[0]])
                if sort_by == "name"
                else None
            ),
            descending=direction == "desc",
        )
        body = {"tools": [record for _, record in page], "next_cursor": next_cursor, "has_more": has_more}
        return ctx.respond("get", COLLECTION, body)

    async def get(request: Request) -> Response:
        return ctx.respond("get", ONE, records.get_tool(ctx, request.path_params["tool_id"]))

    async def patch(request: Request) -> Response:
        tool_id = request.path_params["tool_id"]
        body = await ctx.body(request, "patch", ONE)
        with ctx.store.transaction():
            record = records.get_tool(ctx, tool_id)
            check_transfer_targets(ctx, body)
            record["tool_config"] = body["tool_config"]
            if "response_mocks" in body:
                record["response_mocks"] = body["response_mocks"]
            record["updated_at_unix_secs"] = records.now()
            ctx.store.put(TOOL, tool_id, record)
        return ctx.respond("patch", ONE, record)

    async def delete(request: Request) -> Response:
        tool_id = request.path_params["tool_id"]
        with ctx.store.transaction():
            records.get_tool(ctx, tool_id)
            dependents = records.agents_referencing(ctx, "tool", tool_id)
            if dependents and not _flag(request, "force"):
                names = ", ".join(agent["agent_id"] for agent in dependents[:5])
                raise ApiError.of(
                    409,
                    "tool_in_use",
                    f"Tool {tool_id} is used by {len(dependents)} agent(s) ({names}); detach it first or "
                    "delete with force=true.",
                )
            for agent in dependents:
                prompt = records.prompt_of(agent["conversation_config"])
                prompt["tool_ids"] = [t for t in prompt.get("tool_ids", []) if t != tool_id]
                agent["updated_at_unix_secs"] = records.now()
                ctx.store.put(AGENT, agent["agent_id"], agent)
            ctx.store.delete(TOOL, tool_id)
        return ctx.respond("delete", ONE, {})

    async def dependents(request: Request) -> Response:
        tool_id = request.path_params["tool_id"]
        records.get_tool(ctx, tool_id)
        oldest_first = records.agents_referencing(ctx, "tool", tool_id)
        items = [(index, agent["agent_id"], agent) for index, agent in enumerate(oldest_first)][::-1]
        page, next_cursor, has_more = ctx.page(request, ("get", DEPENDENTS), items)
        body = {
            "agents": [records.dependent_agent(agent) for _, agent in page],
            "branches": [],
            "next_cursor": next_cursor,
            "has_more": has_more,
        }
        return ctx.respond("get", DEPENDENTS, body)

    return [
        Route(COLLECTION, create, methods=["POST"]),
        Route(COLLECTION, list_tools, methods=["GET"]),
        Route(ONE, get, methods=["GET"]),
        Route(ONE, patch, methods=["PATCH"]),
        Route(ONE, delete, methods=["DELETE"]),
        Route(DEPENDENTS, dependents, methods=["GET"]),
    ]
