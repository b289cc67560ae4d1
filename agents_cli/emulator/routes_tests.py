"""Agent tests (``llm``, ``tool``, ``simulation``): create, get, PUT (full replace), delete, list, summaries.

Deleting a test that agents attach (``platform_settings.testing.attached_tests``) succeeds and detaches it
from those agents: the spec's delete has no ``force`` flag and there is no dependent-agents endpoint for
tests, so nothing can block the delete, and a dangling attachment could never be run.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response
from agents_cli.emulator.records import TEST
from agents_cli.emulator.routes_common import delete_route, get_route

CREATE = "/v1/convai/agent-testing/create"
ONE = "/v1/convai/agent-testing/{test_id}"
LIST = "/v1/convai/agent-testing"
SUMMARIES = "/v1/convai/agent-testing/summaries"


def test_summary(ctx: EmulatorContext, record: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": record["id"],
        "name": record.get("name", ""),
        "access_info": records.access_info(ctx),
        "created_at_unix_secs": record["created_at_unix_secs"],
        "last_updated_at_unix_secs": record["last_updated_at_unix_secs"],
        "type": record.get("type", "llm"),
        "entity_type": "test",
        "folder_parent_id": record.get("parent_folder_id"),
        "folder_path": [],
        "children_count": None,
        "conversation_initiation_source": record.get("conversation_initiation_source"),
    }


async def create(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", CREATE)
    test_id = new_id("test")
    stamp = records.now()
    record = {**body, "id": test_id, "created_at_unix_secs": stamp, "last_updated_at_unix_secs": stamp}
    ctx.store.put(TEST, test_id, record)
    return ctx.respond("post", CREATE, {"id": test_id})


async def put(request: Request) -> Response:
    ctx = context_of(request)
    test_id = request.path_params["test_id"]
    body = await ctx.body(request, "put", ONE)
    with ctx.store.transaction():
        previous = records.get_or_404(ctx, TEST, test_id)
        record = {
            **body,
            "id": test_id,
            "created_at_unix_secs": previous["created_at_unix_secs"],
            "last_updated_at_unix_secs": records.now(),
        }
        ctx.store.put(TEST, test_id, record)
    return ctx.respond("put", ONE, record)


async def list_tests(request: Request) -> Response:
    ctx = context_of(request)
    search = (request.query_params.get("search") or "").lower()
    types = set(request.query_params.getlist("types"))
    items = [
        (seq, ident, record)
        for seq, ident, record in ctx.store.list(TEST)
        if (not search or search in str(record.get("name", "")).lower())
        and (not types or record.get("type") in types)
    ]
    return page_response(ctx, request, LIST, "tests", items, lambda record: test_summary(ctx, record))


async def summaries(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", SUMMARIES)
    found: dict[str, Any] = {}
    for test_id in body["test_ids"]:
        record = ctx.store.get(TEST, test_id)
        if record is not None:
            found[test_id] = test_summary(ctx, record)
    return ctx.respond("post", SUMMARIES, {"tests": found})


ROUTES: list[BaseRoute] = [
    Route(CREATE, create, methods=["POST"]),
    Route(SUMMARIES, summaries, methods=["POST"]),
    Route(LIST, list_tests, methods=["GET"]),
    get_route(ONE, TEST, "test_id"),
    Route(ONE, put, methods=["PUT"]),
    # Detaching instead of refusing: see the module docstring.
    delete_route(ONE, TEST, "test_id", "test", in_use_status=None),
]
