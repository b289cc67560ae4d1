"""Knowledge-base routes around documents: summaries, content search, bulk move/delete, RAG indexes, chunks,
dependent agents, URL refresh and an agent's knowledge-base size.

Their static paths (``/summaries``, ``/search``, ``/rag-index``, ``/bulk-*``, ``/dependent-agents``) are
listed before ``routes_knowledge_base``'s ``/{documentation_id}`` in ``app.ROUTES``, so they are not taken
for document ids. A RAG index is computed in steps, as on the real API: created, then processing at 50%,
then succeeded, one step per status read — a client polls until it is done.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.pagination import page_response
from agents_cli.emulator.records import AGENT, KNOWLEDGE
from agents_cli.emulator.routes_knowledge_base import BASE, CONTENT_KIND, content_of, move_one, summary

SUMMARIES = f"{BASE}/summaries"
SEARCH = f"{BASE}/search"
BULK_MOVE = f"{BASE}/bulk-move"
BULK_DELETE = f"{BASE}/bulk-delete"
RAG_BATCH = f"{BASE}/rag-index"
DEPENDENTS_BATCH = f"{BASE}/dependent-agents"
ONE = f"{BASE}/{{documentation_id}}"
RAG = f"{ONE}/rag-index"
RAG_ONE = f"{ONE}/rag-index/{{rag_index_id}}"
CHUNKS = f"{ONE}/chunks"
CHUNK = f"{ONE}/chunk/{{chunk_id}}"
DEPENDENTS = f"{ONE}/dependent-agents"
REFRESH = f"{ONE}/refresh"
AGENT_SIZE = "/v1/convai/agent/{agent_id}/knowledge-base/size"
RAG_KIND = "rag_index"
STEPS = ("created", "processing", "succeeded")
CHUNK_CHARS = 500
MAX_RAG_BYTES = 1_000_000_000


def _failure(status: int, code: str, message: str) -> dict[str, Any]:
    return {"status": "failure", "error_code": status, "error_status": code, "error_message": message}


async def bulk_delete(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", BULK_DELETE)
    answer: dict[str, Any] = {}
    for ident in body["document_ids"]:
        with ctx.store.transaction():
            if ctx.store.get(KNOWLEDGE, ident) is None:
                answer[ident] = _failure(404, "document_not_found", f"Document with id {ident} not found.")
                continue
            users = records.agents_referencing(ctx, "kb", ident)
            if users and not body.get("force"):
                answer[ident] = _failure(409, "document_in_use", f"Document {ident} is used by agents.")
                continue
            for agent in users:
                records.detach(ctx, agent, "kb", ident)
            ctx.store.delete(KNOWLEDGE, ident)
            ctx.store.delete(CONTENT_KIND, ident)
            answer[ident] = {"status": "success", "data": {"id": ident}}
    return ctx.respond("post", BULK_DELETE, answer)


async def summaries(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", SUMMARIES)
    answer: dict[str, Any] = {}
    for ident in request.query_params.getlist("document_ids"):
        record = ctx.store.get(KNOWLEDGE, ident)
        if record is None:
            answer[ident] = _failure(404, "document_not_found", f"Document with id {ident} not found.")
        else:
            answer[ident] = {"status": "success", "data": summary(ctx, record)}
    return ctx.respond("get", SUMMARIES, answer)


async def search(request: Request) -> Response:
    """Documents whose content or name holds the query (case-insensitive), best (most hits) first."""
    ctx = context_of(request)
    ctx.check_query(request, "get", SEARCH)
    query = (request.query_params.get("query") or "").lower()
    types = set(request.query_params.getlist("types"))
    results: list[dict[str, Any]] = []
    for _, ident, record in ctx.store.list(KNOWLEDGE):
        if record.get("type") == "folder" or (types and record.get("type") not in types):
            continue
        text = content_of(ctx, ident).decode("utf-8", "replace")
        hits = text.lower().count(query) + str(record.get("name", "")).lower().count(query)
        if query and hits:
            at = max(text.lower().find(query), 0)
            end = at + len(query)
            snippet = [
                {"value": text[max(at - 40, 0) : at], "is_hit": False},
                {"value": text[at:end], "is_hit": True},
                {"value": text[end : end + 80], "is_hit": False},
            ]
            results.append(
                {"document": summary(ctx, record), "score": float(hits), "search_snippet": snippet}
            )
    results.sort(key=lambda result: -float(result["score"]))
    size = int(request.query_params.get("page_size") or 30)
    return ctx.respond("get", SEARCH, {"results": results[:size], "next_cursor": None})


async def delete_content(request: Request, response: Response) -> Response:
    return response


async def bulk_move(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", BULK_MOVE)
    with ctx.store.transaction():
        for ident in body["document_ids"]:
            move_one(ctx, ident, body.get("move_to"))
    return Response(status_code=200)  # the spec documents no body


def _document(ctx: EmulatorContext, request: Request) -> tuple[str, dict[str, Any]]:
    ident = request.path_params["documentation_id"]
    return ident, records.get_or_404(ctx, KNOWLEDGE, ident)


def _indexes(ctx: EmulatorContext, ident: str) -> list[dict[str, Any]]:
    return list((ctx.store.get(RAG_KIND, ident) or {}).get("indexes", []))


def _index(
    ctx: EmulatorContext, ident: str, record: dict[str, Any], model: str, create: bool
) -> dict[str, Any]:
    """The document's index for ``model``: each read moves a computing index one step on."""
    if record.get("type") == "folder":
        raise ApiError.of(400, "cannot_index_folder", f"{ident} is a folder.")
    indexes = _indexes(ctx, ident)
    found = next((index for index in indexes if index["model"] == model), None)
    if found is None:
        if not create:
            raise ApiError.of(404, "rag_index_not_found", f"Document {ident} has no {model} index.")
        found = {
            "id": f"{ident}_{model}"[:64],
            "model": model,
            "status": STEPS[0],
            "progress_percentage": 0.0,
        }
        found["document_model_index_usage"] = {"used_bytes": 0}
        indexes.append(found)
    elif found["status"] in STEPS[:-1]:
        step = STEPS.index(found["status"]) + 1
        found["status"] = STEPS[step]
        found["progress_percentage"] = 100.0 * step / (len(STEPS) - 1)
        size = len(content_of(ctx, ident)) if found["status"] == "succeeded" else 0
        found["document_model_index_usage"] = {"used_bytes": size}
    ctx.store.put(RAG_KIND, ident, {"indexes": indexes})
    return found


async def compute_index(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", RAG)
    ident, record = _document(ctx, request)
    with ctx.store.transaction():
        return ctx.respond("post", RAG, _index(ctx, ident, record, body["model"], True))


async def list_indexes(request: Request) -> Response:
    """The document's indexes; reading them moves each one being computed a step on."""
    ctx = context_of(request)
    ident, record = _document(ctx, request)
    with ctx.store.transaction():
        for index in _indexes(ctx, ident):
            if index["status"] in STEPS[:-1]:
                _index(ctx, ident, record, index["model"], False)
        return ctx.respond("get", RAG, {"indexes": _indexes(ctx, ident)})


async def delete_index(request: Request) -> Response:
    ctx = context_of(request)
    ident, _record = _document(ctx, request)
    wanted = request.path_params["rag_index_id"]
    with ctx.store.transaction():
        indexes = _indexes(ctx, ident)
        found = next((index for index in indexes if index["id"] == wanted), None)
        if found is None:
            raise ApiError.of(404, "rag_index_not_found", f"RAG index {wanted} not found.")
        ctx.store.put(RAG_KIND, ident, {"indexes": [index for index in indexes if index is not found]})
    return ctx.respond("delete", RAG_ONE, found)


async def compute_batch(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", RAG_BATCH)
    answer: dict[str, Any] = {}
    for item in body["items"]:
        ident = item["document_id"]
        record = ctx.store.get(KNOWLEDGE, ident)
        try:
            if record is None:
                raise ApiError.not_found("document", ident)
            with ctx.store.transaction():
                index = _index(ctx, ident, record, item["model"], bool(item.get("create_if_missing")))
            answer[ident] = {"status": "success", "data": index}
        except ApiError as exc:
            detail = exc.detail if isinstance(exc.detail, dict) else {}
            answer[ident] = _failure(exc.status, str(detail.get("status")), str(detail.get("message")))
    return ctx.respond("post", RAG_BATCH, answer)


async def overview(request: Request) -> Response:
    ctx = context_of(request)
    used: dict[str, int] = {}
    for _, _, stored in ctx.store.list(RAG_KIND):
        for index in stored.get("indexes", []):
            used[index["model"]] = (
                used.get(index["model"], 0) + index["document_model_index_usage"]["used_bytes"]
            )
    models = [{"model": model, "used_bytes": size} for model, size in sorted(used.items())]
    body = {"total_used_bytes": sum(used.values()), "total_max_bytes": MAX_RAG_BYTES, "models": models}
    return ctx.respond("get", RAG_BATCH, body)


def _chunks(ctx: EmulatorContext, ident: str, record: dict[str, Any]) -> list[dict[str, Any]]:
    text = content_of(ctx, ident).decode("utf-8", "replace")
    pieces = [text[at : at + CHUNK_CHARS] for at in range(0, len(text), CHUNK_CHARS)] or [""]
    return [
        {"id": f"chunk_{n}", "name": f"{record['name']} #{n}", "content": c} for n, c in enumerate(pieces)
    ]


async def chunks(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", CHUNKS)
    ident, record = _document(ctx, request)
    size = int(request.query_params.get("page_size") or 20)
    start = (
        int(request.query_params.get("cursor") or 0)
        if (request.query_params.get("cursor") or "0").isdigit()
        else 0
    )
    found = _chunks(ctx, ident, record)
    more = start + size < len(found)
    return ctx.respond(
        "get",
        CHUNKS,
        {"chunks": found[start : start + size], "next_cursor": str(start + size) if more else None},
    )


async def chunk(request: Request) -> Response:
    ctx = context_of(request)
    ident, record = _document(ctx, request)
    wanted = request.path_params["chunk_id"]
    for found in _chunks(ctx, ident, record):
        if found["id"] == wanted:
            return ctx.respond("get", CHUNK, found)
    raise ApiError.of(404, "chunk_not_found", f"Chunk {wanted} not found.")


async def dependents(request: Request) -> Response:
    ctx = context_of(request)
    ident, _record = _document(ctx, request)
    oldest_first = records.agents_referencing(ctx, "kb", ident)
    items = [(index, agent["agent_id"], agent) for index, agent in enumerate(oldest_first)][::-1]
    return page_response(
        ctx, request, DEPENDENTS, "agents", items, records.dependent_agent, extra={"branches": []}
    )


async def dependents_batch(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", DEPENDENTS_BATCH)
    found: dict[str, dict[str, Any]] = {}
    for ident in body["document_ids"]:
        for agent in records.agents_referencing(ctx, "kb", ident):
            entry = found.setdefault(agent["agent_id"], records.dependent_agent(agent))
            entry["referenced_resource_ids"] = [*entry["referenced_resource_ids"], ident]
    agents = list(found.values())
    return ctx.respond(
        "post", DEPENDENTS_BATCH, {"agents": agents, "branches": [], "next_cursor": None, "has_more": False}
    )


async def refresh(request: Request) -> Response:
    ctx = context_of(request)
    ident, record = _document(ctx, request)
    if record.get("type") != "url":
        raise ApiError.of(400, "invalid_document_type", f"Document {ident} is not a URL document.")
    record["metadata"]["last_updated_at_unix_secs"] = records.now()
    ctx.store.put(KNOWLEDGE, ident, record)
    return ctx.respond("post", REFRESH, record)


async def agent_size(request: Request) -> Response:
    ctx = context_of(request)
    agent = records.get_or_404(ctx, AGENT, request.path_params["agent_id"])
    entries = records.prompt_of(agent.get("conversation_config") or {}).get("knowledge_base", [])
    size = sum(len(content_of(ctx, str(entry.get("id")))) for entry in entries if isinstance(entry, dict))
    return ctx.respond("get", AGENT_SIZE, {"number_of_pages": round(size / 3000, 2)})


ROUTES: list[BaseRoute] = [
    Route(SUMMARIES, summaries, methods=["GET"]),
    Route(SEARCH, search, methods=["GET"]),
    Route(BULK_MOVE, bulk_move, methods=["POST"]),
    Route(BULK_DELETE, bulk_delete, methods=["POST"]),
    Route(RAG_BATCH, compute_batch, methods=["POST"]),
    Route(RAG_BATCH, overview, methods=["GET"]),
    Route(DEPENDENTS_BATCH, dependents_batch, methods=["POST"]),
    Route(RAG, compute_index, methods=["POST"]),
    Route(RAG, list_indexes, methods=["GET"]),
    Route(RAG_ONE, delete_index, methods=["DELETE"]),
    Route(CHUNKS, chunks, methods=["GET"]),
    Route(CHUNK, chunk, methods=["GET"]),
    Route(DEPENDENTS, dependents, methods=["GET"]),
    Route(REFRESH, refresh, methods=["POST"]),
    Route(AGENT_SIZE, agent_size, methods=["GET"]),
]
