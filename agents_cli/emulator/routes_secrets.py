"""Workspace secrets: create, list, get, patch, delete, with ``used_by`` derived from what references them.

A secret is referenced as ``{"secret_id": "<id>"}`` (the spec's ``ConvAISecretLocator``) wherever a config
takes one: a webhook tool's ``request_headers``, an agent's custom LLM ``api_key`` or conversation-initiation
webhook headers, MCP settings... ``used_by`` lists the tools and agents whose stored config contains such a
locator for the secret; an agent that uses it only through an attached tool is a transitive dependent
(``referenced_resource_ids`` names those tools). The spec's delete is "Delete a workspace secret if it's not
in use": deleting a secret that anything references is refused with 409 ``secret_in_use``.

Values are write-only: no response contains them, and the store keeps only their digest.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from agents_cli.emulator import records
from agents_cli.emulator.context import EmulatorContext, context_of
from agents_cli.emulator.errors import ApiError
from agents_cli.emulator.ids import new_id
from agents_cli.emulator.pagination import page
from agents_cli.emulator.records import AGENT, SECRET, TOOL

SECRETS = "/v1/convai/secrets"
SECRET_ONE = "/v1/convai/secrets/{secret_id}"
SECRET_DEPENDENCIES = "/v1/convai/secrets/{secret_id}/dependencies/{resource_type}"
DEFAULT_DEPENDENCY_LIMIT = 100


def secret_ids_in(value: object) -> Iterator[str]:
    """Every ``{"secret_id": ...}`` locator inside a stored config."""
    if isinstance(value, dict):
        locator = value.get("secret_id")
        if isinstance(locator, str) and len(value) == 1:
            yield locator
            return
        for item in value.values():
            yield from secret_ids_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from secret_ids_in(item)


class SecretUsage:
    """Who references which secret, read once per request from the stored tools and agents."""

    def __init__(self, ctx: EmulatorContext) -> None:
        self.tools: dict[str, list[dict[str, Any]]] = {}
        self.agents: dict[str, list[dict[str, Any]]] = {}
        tool_secrets: dict[str, set[str]] = {}
        for _, tool_id, tool in ctx.store.list(TOOL):
            found = set(secret_ids_in(tool.get("tool_config")))
            tool_secrets[tool_id] = found
            for secret_id in found:
                self.tools.setdefault(secret_id, []).append(_dependent_tool(tool))
        for _, _, agent in ctx.store.list(AGENT):
            direct = set(secret_ids_in(agent.get("conversation_config"))) | set(
                secret_ids_in(agent.get("platform_settings"))
            )
            via_tools: dict[str, list[str]] = {}
            for tool_id in records.prompt_of(agent.get("conversation_config") or {}).get("tool_ids", []):
                for secret_id in tool_secrets.get(tool_id, ()):
                    via_tools.setdefault(secret_id, []).append(tool_id)
            for secret_id in direct | set(via_tools):
                entry = records.dependent_agent(agent)
                if secret_id not in direct:
                    entry["referenced_resource_ids"] = via_tools[secret_id]
                self.agents.setdefault(secret_id, []).append(entry)

    def in_use(self, secret_id: str) -> bool:
        return bool(self.tools.get(secret_id) or self.agents.get(secret_id))

    def used_by(self, secret_id: str, limit: int = DEFAULT_DEPENDENCY_LIMIT) -> dict[str, Any]:
        tools, agents = self.tools.get(secret_id, []), self.agents.get(secret_id, [])
        return {
            "tools": tools[:limit],
            "tools_has_more": len(tools) > limit,
            "agents": agents[:limit],
            "agents_has_more": len(agents) > limit,
            "phone_numbers": [],
            "others": [],
        }


def _dependent_tool(tool: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": tool["id"],
        "name": str((tool.get("tool_config") or {}).get("name", "")),
        "type": "available",
        "created_at_unix_secs": tool.get("created_at_unix_secs", 0),
        "access_level": "admin",
    }


def _digest(body: dict[str, Any]) -> str:
    """What the store keeps of a secret's value: its digest. The API never returns a value, so the emulator
    needs none, and its database (``.agents/emulator.db`` in a project) must not hold one in the clear."""
    return hashlib.sha256(str(body["value"]).encode("utf-8")).hexdigest()


async def create_secret(request: Request) -> Response:
    ctx = context_of(request)
    body = await ctx.body(request, "post", SECRETS)
    secret_id = new_id("secret")
    record = {"secret_id": secret_id, "name": body["name"], "value_sha256": _digest(body), "type": "stored"}
    ctx.store.put(SECRET, secret_id, record)
    return ctx.respond("post", SECRETS, record)


async def list_secrets(request: Request) -> Response:
    ctx = context_of(request)
    search = request.query_params.get("search") or ""
    limit = ctx.query_param(request, "get", SECRETS, "dependency_limit") or DEFAULT_DEPENDENCY_LIMIT
    items = [item for item in ctx.store.list(SECRET) if str(item[2].get("name", "")).startswith(search)]
    # Without page_size the spec returns every secret.
    found, next_cursor, _ = page(ctx, request, ("get", SECRETS), items, unset_size=None)
    usage = SecretUsage(ctx)
    secrets = [{**record, "used_by": usage.used_by(ident, limit)} for ident, record in found]
    return ctx.respond("get", SECRETS, {"secrets": secrets, "next_cursor": next_cursor})


async def get_secret(request: Request) -> Response:
    ctx = context_of(request)
    secret_id = request.path_params["secret_id"]
    record = records.get_or_404(ctx, SECRET, secret_id)
    return ctx.respond("get", SECRET_ONE, {**record, "used_by": SecretUsage(ctx).used_by(secret_id)})


async def patch_secret(request: Request) -> Response:
    ctx = context_of(request)
    secret_id = request.path_params["secret_id"]
    body = await ctx.body(request, "patch", SECRET_ONE)
    with ctx.store.transaction():
        record = records.get_or_404(ctx, SECRET, secret_id)
        record.update(name=body["name"], value_sha256=_digest(body))
        ctx.store.put(SECRET, secret_id, record)
    return ctx.respond("patch", SECRET_ONE, record)


async def secret_dependencies(request: Request) -> Response:
    """One kind of dependents (``tools``, ``agents``, ``phone_numbers``), paginated; numbers use no secret
    here (their credentials are the provider's), so that page is always empty."""
    ctx = context_of(request)
    secret_id = request.path_params["secret_id"]
    resource_type = request.path_params["resource_type"]
    if resource_type not in ("tools", "agents", "phone_numbers"):
        raise ApiError.of(422, "invalid_resource_type", f"Unknown resource type {resource_type!r}.")
    records.get_or_404(ctx, SECRET, secret_id)
    usage = SecretUsage(ctx)
    dependents = {"tools": usage.tools, "agents": usage.agents}.get(resource_type, {}).get(secret_id, [])
    items = [(index, str(item["id"]), item) for index, item in enumerate(dependents)]
    found, next_cursor, _ = page(ctx, request, ("get", SECRET_DEPENDENCIES), items)
    return ctx.respond(
        "get", SECRET_DEPENDENCIES, {"dependencies": [item for _, item in found], "next_cursor": next_cursor}
    )


async def delete_secret(request: Request) -> Response:
    ctx = context_of(request)
    secret_id = request.path_params["secret_id"]
    with ctx.store.transaction():
        records.get_or_404(ctx, SECRET, secret_id)
        usage = SecretUsage(ctx)
        if usage.in_use(secret_id):
            users = [t["id"] for t in usage.tools.get(secret_id, [])]
            users += [a["id"] for a in usage.agents.get(secret_id, [])]
            raise ApiError.of(
                409,
                "secret_in_use",
                f"Secret {secret_id} is used by {', '.join(users[:5])}; remove those references first.",
            )
        ctx.store.delete(SECRET, secret_id)
    return Response(status_code=204)


ROUTES: list[BaseRoute] = [
    Route(SECRETS, create_secret, methods=["POST"]),
    Route(SECRETS, list_secrets, methods=["GET"]),
    Route(SECRET_ONE, get_secret, methods=["GET"]),
    Route(SECRET_ONE, patch_secret, methods=["PATCH"]),
    Route(SECRET_ONE, delete_secret, methods=["DELETE"]),
    Route(SECRET_DEPENDENCIES, secret_dependencies, methods=["GET"]),
]
