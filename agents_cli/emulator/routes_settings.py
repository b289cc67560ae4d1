"""The workspace's convai settings: ``GET``/``PATCH /v1/convai/settings`` (webhooks and workspace options).

One document per workspace, starting from the response model's defaults; a PATCH merges what it sends
(objects key by key, ``null`` clears a nullable section such as the conversation-initiation webhook).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.records import SETTINGS

SETTINGS_PATH = "/v1/convai/settings"
_ONE = "workspace"
_INITIAL: dict[str, Any] = {
    "conversation_initiation_client_data_webhook": None,
    "webhooks": {
        "post_call_webhook_id": None,
        "events": [],
        "transcript_format": "json",
        "send_audio": None,
    },
    "can_use_mcp_servers": False,
    "rag_retention_period_days": 10,
    "conversation_embedding_retention_days": None,
    "default_livekit_stack": "standard",
}


def _current(ctx: EmulatorContext) -> dict[str, Any]:
    stored = ctx.store.get(SETTINGS, _ONE)
    return stored if stored is not None else records.deep_merge({}, _INITIAL)


async def get_settings(request: Request) -> Response:
    ctx = context_of(request)
    return ctx.respond("get", SETTINGS_PATH, _current(ctx))


async def patch_settings(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "patch", SETTINGS_PATH, fill_defaults=False)
    with ctx.store.transaction():
        merged = records.deep_merge(_current(ctx), body)
        ctx.store.put(SETTINGS, _ONE, merged)
    return ctx.respond("patch", SETTINGS_PATH, merged)


ROUTES: list[BaseRoute] = [
    Route(SETTINGS_PATH, get_settings, methods=["GET"]),
    Route(SETTINGS_PATH, patch_settings, methods=["PATCH"]),
]
