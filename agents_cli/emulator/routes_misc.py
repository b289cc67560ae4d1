"""Workspace environment variables and ``GET /v1/user`` (secrets: routes_secrets; knowledge base:
routes_knowledge_base).

- Environment variables: ``values`` must contain ``production`` (400 otherwise), labels are unique (409);
  a PATCH merges ``values`` and ``null`` removes an environment (never ``production``: 400). The spec
  has no DELETE for them; the official SDK sends one, answered as a delete.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page_response
from agents_cli.emulator.records import ENV_VAR
from agents_cli.emulator.routes_common import get_route

USER = "/v1/user"
ENV_VARS = "/v1/convai/environment-variables"
ENV_VAR_ONE = "/v1/convai/environment-variables/{env_var_id}"


def _user(ctx: EmulatorContext) -> dict[str, Any]:
    settings = ctx.settings
    return {
        "user_id": settings.user_id,
        "subscription": {
            "tier": "emulator",
            "character_count": 0,
            "character_limit": 1_000_000,
            "max_character_limit_extension": None,
            "max_credit_limit_extension": 0,
            "can_extend_character_limit": False,
            "allowed_to_extend_character_limit": False,
            "next_character_count_reset_unix": None,
            "voice_slots_used": 0,
            "professional_voice_slots_used": 0,
            "professional_voice_slots_used_in_workspace": 0,
            "voice_limit": 10,
            "max_voice_add_edits": None,
            "voice_add_edit_counter": 0,
            "professional_voice_limit": 0,
            "can_extend_voice_limit": False,
            "can_use_instant_voice_cloning": False,
            "can_use_professional_voice_cloning": False,
            "currency": None,
            "current_overage": {"amount": "0", "currency": "usd"},
            "status": "free",
            "billing_period": None,
            "character_refresh_period": None,
        },
        "is_new_user": False,
        "can_use_delayed_payment_methods": False,
        "is_onboarding_completed": True,
        "is_onboarding_checklist_completed": True,
        "first_name": settings.user_name.split(" ")[0],
        "xi_api_key_preview": None,
        "created_at": 0,
        "seat_type": "workspace_admin",
    }


def _check_env_values(values: dict[str, Any], *, creating: bool) -> None:
    if creating and not values.get("production"):
        raise ApiError.of(400, "invalid_parameters", "values must include a 'production' value.")
    if "production" in values and values["production"] is None:
        raise ApiError.of(400, "invalid_parameters", "the 'production' value cannot be removed.")


async def user(request: Request) -> Response:
    ctx = context_of(request)
    return ctx.respond("get", USER, _user(ctx))


async def create_env_var(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", ENV_VARS)
    _check_env_values(body["values"], creating=True)
    with ctx.store.transaction():
        if any(record["label"] == body["label"] for _, _, record in ctx.store.list(ENV_VAR)):
            raise ApiError.of(
                409, "already_exists", f"Environment variable {body['label']!r} already exists."
            )
        stamp = records.now()
        record = {
            "id": new_id("env_var"),
            "label": body["label"],
            "type": body["type"],
            "values": body["values"],
            "created_at_unix_secs": stamp,
            "updated_at_unix_secs": stamp,
            "created_by_user_id": ctx.settings.user_id,
            "workspace_id": ctx.settings.workspace_id,
        }
        ctx.store.put(ENV_VAR, record["id"], record)
    return ctx.respond("post", ENV_VARS, record)


async def list_env_vars(request: Request) -> Response:
    ctx = context_of(request)
    label = request.query_params.get("label")
    environment = request.query_params.get("environment")
    kind = request.query_params.get("type")
    items = [
        (seq, ident, record)
        for seq, ident, record in ctx.store.list(ENV_VAR)
        if (not label or record["label"] == label)
        and (not environment or environment in record["values"])
        and (not kind or record["type"] == kind)
    ]
    return page_response(ctx, request, ENV_VARS, "environment_variables", items)


async def patch_env_var(request: Request) -> Response:
    ctx = context_of(request)
    env_var_id = request.path_params["env_var_id"]
    body = await ctx.body(request, "patch", ENV_VAR_ONE)
    _check_env_values(body["values"], creating=False)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, ENV_VAR, env_var_id)
        for environment, value in body["values"].items():
            if value is None:
                record["values"].pop(environment, None)
                continue
            if isinstance(value, str) != (record["type"] == "string"):
                raise ApiError.of(
                    400,
                    "type_mismatch",
                    f"Value for {environment!r} does not fit a {record['type']} variable.",
                )
            record["values"][environment] = value
        record["updated_at_unix_secs"] = records.now()
        ctx.store.put(ENV_VAR, env_var_id, record)
    return ctx.respond("patch", ENV_VAR_ONE, record)


async def delete_env_var(request: Request) -> Response:
    ctx = context_of(request)
    env_var_id = request.path_params["env_var_id"]
    with ctx.store.transaction():
        records.get_or_404(ctx, ENV_VAR, env_var_id)
        ctx.store.delete(ENV_VAR, env_var_id)
    return Response(status_code=204)


ROUTES: list[BaseRoute] = [
    Route(USER, user, methods=["GET"]),
    Route(ENV_VARS, create_env_var, methods=["POST"]),
    Route(ENV_VARS, list_env_vars, methods=["GET"]),
    get_route(ENV_VAR_ONE, ENV_VAR, "env_var_id"),
    Route(ENV_VAR_ONE, patch_env_var, methods=["PATCH"]),
    Route(ENV_VAR_ONE, delete_env_var, methods=["DELETE"]),
]
