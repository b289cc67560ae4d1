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
from agents_cli.emulator.context import context_of
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response, query_order
from agents_cli.emulator.records import AGENT, TOOL
from agents_cli.emulator.routes_common import delete_route, get_route

COLLECTION = "/v1/convai/tools"
ONE = "/v1/convai/tools/{tool_id}"
DEPENDENTS = "/v1/convai/tools/{tool_id}/dependent-agents"


async def create(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", COLLECTION)
    records.check_transfer_targets(ctx, body)
    tool_id = new_id("tool")
    record = records.tool_record(ctx, tool_id, body["tool_config"], body.get("response_mocks"))
    ctx.store.put(TOOL, tool_id, record)
    return ctx.respond("post", COLLECTION, record)


async def list_tools(request: Request) -> Response:
    ctx = context_of(request)
    search = request.query_params.get("search") or ""
    types = set(request.query_params.getlist("types"))
    used_by = request.query_params.get("used_by_agent_id")
    used_ids: set[str] | None = None
    if used_by:
        agent = records.get_or_404(ctx, AGENT, used_by)
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
    order = query_order(ctx, request, COLLECTION, lambda record: str(record["tool_config"].get("name", "")))
    return page_response(ctx, request, COLLECTION, "tools", items, order=order)


async def patch(request: Request) -> Response:
    ctx = context_of(request)
    tool_id = request.path_params["tool_id"]
    body = await ctx.body(request, "patch", ONE)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, TOOL, tool_id)
        records.check_transfer_targets(ctx, body)
        record["tool_config"] = body["tool_config"]
        if "response_mocks" in body:
            record["response_mocks"] = body["response_mocks"]
        record["updated_at_unix_secs"] = records.now()
        ctx.store.put(TOOL, tool_id, record)
    return ctx.respond("patch", ONE, record)


async def dependents(request: Request) -> Response:
    ctx = context_of(request)
    tool_id = request.path_params["tool_id"]
    records.get_or_404(ctx, TOOL, tool_id)
    oldest_first = records.agents_referencing(ctx, "tool", tool_id)
    items = [(index, agent["agent_id"], agent) for index, agent in enumerate(oldest_first)][::-1]
    return page_response(
        ctx, request, DEPENDENTS, "agents", items, records.dependent_agent, extra={"branches": []}
    )


ROUTES: list[BaseRoute] = [
    Route(COLLECTION, create, methods=["POST"]),
    Route(COLLECTION, list_tools, methods=["GET"]),
    get_route(ONE, TOOL, "tool_id"),
    Route(ONE, patch, methods=["PATCH"]),
    delete_route(ONE, TOOL, "tool_id", "tool", in_use_status="tool_in_use"),
    Route(DEPENDENTS, dependents, methods=["GET"]),
]
