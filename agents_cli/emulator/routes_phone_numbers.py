"""Phone numbers: import (``twilio``, ``sip_trunk``), get, list, PATCH (agent assignment), delete.

An imported number keeps its provider credentials server-side: no response contains the Twilio token or a
SIP password. ``assigned_agent`` is derived from the stored ``agent_id`` (with the agent's current name);
an ``agent_id`` naming no agent is refused as the API does (400 ``agent_not_found``). Deleting an agent
leaves its numbers unassigned (``routes_agents`` does not know them; the view drops a dangling id).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.records import AGENT, PHONE_NUMBER

PHONE_NUMBERS = "/v1/convai/phone-numbers"
PHONE_NUMBER_ONE = "/v1/convai/phone-numbers/{phone_number_id}"
PROVIDERS = ("twilio", "sip_trunk")
# What a stored number keeps of an import request besides credentials.
_KEPT = ("phone_number", "label", "supports_inbound", "supports_outbound", "provider")


def _check_agent(ctx: EmulatorContext, agent_id: object) -> None:
    if agent_id is not None and ctx.store.get(AGENT, str(agent_id)) is None:
        raise ApiError.of(400, "agent_not_found", f"Agent {agent_id} does not exist.")


def phone_view(ctx: EmulatorContext, record: dict[str, Any]) -> dict[str, Any]:
    """The GET shape: ``assigned_agent`` from the stored ids, trunk configs without their credentials."""
    view = {key: record[key] for key in (*_KEPT, "phone_number_id") if key in record}
    agent = ctx.store.get(AGENT, record["agent_id"]) if record.get("agent_id") else None
    view["assigned_agent"] = (
        {
            "agent_id": record["agent_id"],
            "agent_name": str(agent.get("name") or ""),
            "environment": record.get("environment"),
            "branch_id": record.get("branch_id"),
        }
        if agent is not None
        else None
    )
    if record["provider"] == "sip_trunk":
        view["livekit_stack"] = record.get("livekit_stack", "standard")
        view["store_sip_messages"] = bool(record.get("store_sip_messages", False))
        outbound = record.get("outbound_trunk_config") or {}
        view["outbound_trunk"] = (
            {
                "address": outbound.get("address", ""),
                "transport": outbound.get("transport", "auto"),
                "media_encryption": outbound.get("media_encryption", "allowed"),
                "headers": outbound.get("headers") or {},
                "has_auth_credentials": bool(outbound.get("credentials")),
                "username": (outbound.get("credentials") or {}).get("username"),
                "has_outbound_trunk": True,
            }
            if outbound
            else None
        )
    return view


async def create_phone_number(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", PHONE_NUMBERS)
    provider = body.get("provider", "twilio")
    if provider not in PROVIDERS:
        raise ApiError.of(400, "unsupported_provider", f"Importing {provider!r} numbers is not supported.")
    with ctx.store.transaction():
        _check_agent(ctx, body.get("agent_id"))
        if any(r["phone_number"] == body["phone_number"] for _, _, r in ctx.store.list(PHONE_NUMBER)):
            message = f"Phone number {body['phone_number']} is already imported."
            raise ApiError.of(409, "already_exists", message)
        phone_id = new_id("phone_number")
        record = {key: body[key] for key in _KEPT if key in body}
        record.update(provider=provider, phone_number_id=phone_id, agent_id=body.get("agent_id"))
        record.setdefault("supports_inbound", True)
        record.setdefault("supports_outbound", True)
        if provider == "sip_trunk":
            record["outbound_trunk_config"] = body.get("outbound_trunk_config")
            record["inbound_trunk_config"] = body.get("inbound_trunk_config")
        ctx.store.put(PHONE_NUMBER, phone_id, record)
    return ctx.respond("post", PHONE_NUMBERS, {"phone_number_id": phone_id})


async def list_phone_numbers(request: Request) -> Response:
    ctx = context_of(request)
    ctx.check_query(request, "get", PHONE_NUMBERS)
    wanted = {key: request.query_params.get(key) for key in ("provider", "agent_id", "branch_id")}
    found = []
    for _, _, record in ctx.store.list(PHONE_NUMBER, newest_first=False):
        if all(value is None or record.get(key) == value for key, value in wanted.items()):
            found.append(phone_view(ctx, record))
    return ctx.respond("get", PHONE_NUMBERS, found)


async def get_phone_number(request: Request) -> Response:
    ctx = context_of(request)
    record = records.get_or_404(ctx, PHONE_NUMBER, request.path_params["phone_number_id"])
    return ctx.respond("get", PHONE_NUMBER_ONE, phone_view(ctx, record))


async def patch_phone_number(request: Request) -> Response:
    ctx = context_of(request)
    phone_id = request.path_params["phone_number_id"]
    body = await ctx.body(request, "patch", PHONE_NUMBER_ONE, fill_defaults=False)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, PHONE_NUMBER, phone_id)
        if "agent_id" in body:
            _check_agent(ctx, body["agent_id"])
        for key, value in body.items():
            if value is not None or key in ("agent_id", "branch_id", "environment"):
                record[key] = value
        ctx.store.put(PHONE_NUMBER, phone_id, record)
    return ctx.respond("patch", PHONE_NUMBER_ONE, phone_view(ctx, record))


async def delete_phone_number(request: Request) -> Response:
    ctx = context_of(request)
    phone_id = request.path_params["phone_number_id"]
    with ctx.store.transaction():
        records.get_or_404(ctx, PHONE_NUMBER, phone_id)
        ctx.store.delete(PHONE_NUMBER, phone_id)
    return JSONResponse({})


ROUTES: list[BaseRoute] = [
    Route(PHONE_NUMBERS, create_phone_number, methods=["POST"]),
    Route(PHONE_NUMBERS, list_phone_numbers, methods=["GET"]),
    Route(PHONE_NUMBER_ONE, get_phone_number, methods=["GET"]),
    Route(PHONE_NUMBER_ONE, patch_phone_number, methods=["PATCH"]),
    Route(PHONE_NUMBER_ONE, delete_phone_number, methods=["DELETE"]),
]
