"""The Agent WebSocket (text mode), signed URLs, and the conversations it records (list, get, delete).

``wss://…/v1/convai/conversation?agent_id=…``: a public agent needs nothing; an agent whose
``platform_settings.auth.enable_auth`` is true needs a ``conversation_signature`` from
``GET /v1/convai/conversation/get-signed-url`` (single use) or an accepted ``xi-api-key`` header, else the
handshake is refused (403). The first client event may be
``conversation_initiation_client_data``; the server then sends ``conversation_initiation_metadata``, a
``ping`` and the agent's first message. Every session is stored as a conversation when it ends.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.conversation_session import ConversationSession
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response
from agents_cli.emulator.records import AGENT, CONVERSATION, SIGNATURE
from agents_cli.emulator.responses import json_response

SOCKET = "/v1/convai/conversation"
SIGNED_URL = "/v1/convai/conversation/get-signed-url"
LIST = "/v1/convai/conversations"
ONE = "/v1/convai/conversations/{conversation_id}"
# How long the server waits for a client's conversation_initiation_client_data before starting without it.
CLIENT_DATA_WAIT_S = 1.0


def _requires_auth(agent: dict[str, Any]) -> bool:
    auth = (agent.get("platform_settings") or {}).get("auth") or {}
    return bool(isinstance(auth, dict) and auth.get("enable_auth"))


async def signed_url(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.query_params.get("agent_id") or ""
    records.get_or_404(ctx, AGENT, agent_id)
    signature = secrets.token_urlsafe(24)
    ctx.store.put(SIGNATURE, signature, {"agent_id": agent_id, "created_at": records.now()})
    scheme = "wss" if request.url.scheme == "https" else "ws"
    url = f"{scheme}://{request.url.netloc}{SOCKET}?agent_id={agent_id}&conversation_signature={signature}"
    return ctx.respond("get", SIGNED_URL, {"signed_url": url})


def _admitted(ctx: EmulatorContext, socket: WebSocket, agent_id: str, agent: dict[str, Any]) -> bool:
    if not _requires_auth(agent):
        return True
    signature = socket.query_params.get("conversation_signature") or ""
    if signature:
        found = ctx.store.get(SIGNATURE, signature)
        ctx.store.delete(SIGNATURE, signature)  # single use
        return bool(found and found.get("agent_id") == agent_id)
    return ctx.settings.key_accepted(socket.headers.get("xi-api-key"))


async def conversation_socket(socket: WebSocket) -> None:
    ctx: EmulatorContext = socket.app.state.emulator
    agent_id = socket.query_params.get("agent_id") or ""
    record = ctx.store.get(AGENT, agent_id)
    if record is None or not _admitted(ctx, socket, agent_id, record):
        await socket.close(code=1008, reason="agent not found" if record is None else "authorization needed")
        return
    await socket.accept()
    agent = records.agent_view(ctx, record)
    tool_ids = list(records.prompt_of(agent.get("conversation_config") or {}).get("tool_ids", []))

    async def receive() -> dict[str, Any] | None:
        try:
            event = await socket.receive_json()
        except (WebSocketDisconnect, RuntimeError):
            return None
        return event if isinstance(event, dict) else {}

    async def send(event: dict[str, Any]) -> None:
        await socket.send_json(event)

    session = ConversationSession(
        new_id("conversation"), agent, records.tools_by_id(ctx, tool_ids), receive, send
    )
    name = str(record["name"])
    session.on_turn = lambda: ctx.store.put(
        CONVERSATION, session.conversation_id, session.record(agent_id, name, "in-progress")
    )
    first: dict[str, Any] | None = None
    try:
        try:
            first = await asyncio.wait_for(receive(), CLIENT_DATA_WAIT_S)
        except TimeoutError:
            first = None
        if first is not None and first.get("type") == "conversation_initiation_client_data":
            session.apply_client_data(first)
            first = None
        await session.start()
        await session.run(first)
    except WebSocketDisconnect:
        pass
    finally:
        # A conversation deleted while its socket was open stays deleted (every turn stored it before).
        if not session.transcript or ctx.store.get(CONVERSATION, session.conversation_id) is not None:
            ctx.store.put(CONVERSATION, session.conversation_id, session.record(agent_id, name))
    if session.ended_by_agent:
        await socket.close(code=1000, reason="end_call")


def _summary(conversation: dict[str, Any]) -> dict[str, Any]:
    metadata = conversation.get("metadata") or {}
    transcript = conversation.get("transcript") or []
    tool_names = sorted(
        {call.get("tool_name") for turn in transcript for call in turn.get("tool_calls") or []} - {None}
    )
    return {
        "agent_id": conversation["agent_id"],
        "agent_name": conversation.get("agent_name"),
        "conversation_id": conversation["conversation_id"],
        "start_time_unix_secs": metadata.get("start_time_unix_secs", 0),
        "call_duration_secs": metadata.get("call_duration_secs", 0),
        "message_count": sum(1 for turn in transcript if turn.get("message")),
        "status": conversation.get("status", "done"),
        "call_successful": "success",
        "tool_names": tool_names,
    }


async def list_conversations(request: Request) -> Response:
    ctx = context_of(request)
    agent_id = request.query_params.get("agent_id")
    items = [
        (seq, ident, conversation)
        for seq, ident, conversation in ctx.store.list(CONVERSATION)
        if not agent_id or conversation.get("agent_id") == agent_id
    ]
    return page_response(ctx, request, LIST, "conversations", items, _summary)


async def get_conversation(request: Request) -> Response:
    ctx = context_of(request)
    conversation = records.get_or_404(ctx, CONVERSATION, request.path_params["conversation_id"])
    return ctx.respond("get", ONE, conversation)


async def delete_conversation(request: Request) -> Response:
    ctx = context_of(request)
    if not ctx.store.delete(CONVERSATION, request.path_params["conversation_id"]):
        raise ApiError.not_found("conversation", request.path_params["conversation_id"])
    return json_response({})


def store_conversation(
    ctx: EmulatorContext, agent: dict[str, Any], transcript: list[dict[str, Any]], source: str
) -> str:
    """Record a conversation held outside a socket (a simulation or a test run); its id."""
    conversation_id = new_id("conversation")
    stamp = records.now()
    ctx.store.put(
        CONVERSATION,
        conversation_id,
        {
            "conversation_id": conversation_id,
            "agent_id": agent.get("agent_id", ""),
            "agent_name": agent.get("name"),
            "status": "done",
            "transcript": transcript,
            "metadata": {"start_time_unix_secs": stamp, "call_duration_secs": 0, "cost_fiat": None},
            "has_audio": False,
            "has_user_audio": False,
            "has_response_audio": False,
            "has_auxiliary_audio": False,
            "source": source,
        },
    )
    return conversation_id


ROUTES: list[BaseRoute] = [
    WebSocketRoute(SOCKET, conversation_socket),
    Route(SIGNED_URL, signed_url, methods=["GET"]),
    Route(LIST, list_conversations, methods=["GET"]),
    Route(ONE, get_conversation, methods=["GET"]),
    Route(ONE, delete_conversation, methods=["DELETE"]),
]
