"""Workspace webhooks: ``/v1/workspace/webhooks`` (list with ``include_usages``, create, PATCH, DELETE).

The spec has no GET of one webhook: the list is the only read. A create takes ``{"settings": {auth_type:
"hmac", name, webhook_url, request_headers}}`` and answers ``{webhook_id, webhook_secret}`` — the HMAC
signing secret, returned once and never again. The URL cannot change (the PATCH takes ``name``,
``is_disabled``, ``retry_enabled``, ``request_headers``, ``events``). Request headers are never returned.
``usage`` names what is configured to call a webhook: ``ConvAI Settings`` when the workspace's convai
settings name it as ``webhooks.post_call_webhook_id``; deleting a webhook in use is refused with 409
``webhook_in_use`` (as a secret in use or a tool an agent uses is).

Request headers may carry credentials and are never returned: the store keeps only their digest (the
embedded emulator's database is a file in the project, ``.agents/emulator.db``).
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import SETTINGS, WEBHOOK

WEBHOOKS = "/v1/workspace/webhooks"
WEBHOOK_ONE = "/v1/workspace/webhooks/{webhook_id}"
SETTINGS_USAGE = "ConvAI Settings"
_VIEW = (
    "name",
    "webhook_id",
    "webhook_url",
    "is_disabled",
    "is_auto_disabled",
    "created_at_unix",
    "auth_type",
)


def _headers_digest(headers: object) -> str | None:
    """What the store keeps of a webhook's request headers: their digest, never the values."""
    if headers is None:
        return None
    canonical = json.dumps(headers, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _usages(ctx: EmulatorContext, webhook_id: str) -> list[dict[str, Any]]:
    settings = ctx.store.get(SETTINGS, "workspace") or {}
    hooks = settings.get("webhooks")
    if isinstance(hooks, dict) and hooks.get("post_call_webhook_id") == webhook_id:
        return [{"usage_type": SETTINGS_USAGE}]
    return []


def _view(ctx: EmulatorContext, record: dict[str, Any], include_usages: bool) -> dict[str, Any]:
    view = {key: record[key] for key in _VIEW}
    view["most_recent_failure_error_code"] = None
    view["most_recent_failure_timestamp"] = None
    if include_usages:
        view["usage"] = _usages(ctx, record["webhook_id"])
        view["events"] = list(record.get("events") or [])
    return view


async def create_webhook(request: Request) -> Response:
    ctx = context_of(request)
    settings = (await ctx.body(request, "post", WEBHOOKS))["settings"]
    webhook_id = new_id("webhook")
    record = {
        "webhook_id": webhook_id,
        "name": settings["name"],
        "webhook_url": settings["webhook_url"],
        "auth_type": settings["auth_type"],
        "request_headers_sha256": _headers_digest(settings.get("request_headers")),
        "is_disabled": False,
        "is_auto_disabled": False,
        "retry_enabled": None,
        "events": [],
        "created_at_unix": records.now(),
    }
    ctx.store.put(WEBHOOK, webhook_id, record)
    # The signing secret exists only in this answer: nothing stores or returns it again.
    return ctx.respond("post", WEBHOOKS, {"webhook_id": webhook_id, "webhook_secret": secrets.token_hex(16)})


async def list_webhooks(request: Request) -> Response:
    ctx = context_of(request)
    include_usages = bool(ctx.query_param(request, "get", WEBHOOKS, "include_usages"))
    found = [_view(ctx, record, include_usages) for _, _, record in ctx.store.list(WEBHOOK)]
    return ctx.respond("get", WEBHOOKS, {"webhooks": found})


async def patch_webhook(request: Request) -> Response:
    ctx = context_of(request)
    webhook_id = request.path_params["webhook_id"]
    body = await ctx.body(request, "patch", WEBHOOK_ONE, fill_defaults=False)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, WEBHOOK, webhook_id)
        record.update(name=body["name"], is_disabled=body["is_disabled"])
        if "request_headers" in body:
            record["request_headers_sha256"] = _headers_digest(body["request_headers"])
        for key in ("retry_enabled", "events"):
            if key in body and (key != "events" or body[key] is not None):  # null events: unchanged
                record[key] = body[key]
        ctx.store.put(WEBHOOK, webhook_id, record)
    return ctx.respond("patch", WEBHOOK_ONE, {"status": "ok"})


async def delete_webhook(request: Request) -> Response:
    ctx = context_of(request)
    webhook_id = request.path_params["webhook_id"]
    with ctx.store.transaction():
        records.get_or_404(ctx, WEBHOOK, webhook_id)
        if _usages(ctx, webhook_id):
            raise ApiError.of(
                409,
                "webhook_in_use",
                f"Webhook {webhook_id} is the workspace's post-call webhook; "
                "point the settings elsewhere first.",
            )
        ctx.store.delete(WEBHOOK, webhook_id)
    return ctx.respond("delete", WEBHOOK_ONE, {"status": "ok"})


ROUTES: list[BaseRoute] = [
    Route(WEBHOOKS, list_webhooks, methods=["GET"]),
    Route(WEBHOOKS, create_webhook, methods=["POST"]),
    Route(WEBHOOK_ONE, patch_webhook, methods=["PATCH"]),
    Route(WEBHOOK_ONE, delete_webhook, methods=["DELETE"]),
]
