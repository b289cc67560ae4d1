"""Workspace webhooks: ``/v1/workspace/webhooks``. Declared in agents.json (``webhooks: {post-call:
{webhook_url: "https://…"}}``) and referenced as ``@webhook:post-call`` where the convai settings take a
webhook id (``webhooks.post_call_webhook_id``), so each environment's settings name its own webhook.

The API has no GET of one webhook: the list (``include_usages=true``, for its ``events``) is the only read.
A create sends ``{settings: {auth_type: "hmac", …}}`` and answers the id with the HMAC signing secret,
which nothing keeps. ``request_headers`` and ``retry_enabled`` are never returned (write-only: compared
through the hash state keeps); ``webhook_url`` cannot change once created (the PATCH has no such field):
a new one replaces the webhook (created again, the settings repointed, the old one deleted last)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agents_cli.kinds.base import ResourceKind, Routes

if TYPE_CHECKING:
    from agents_cli.keypath import KeyPath

COMPARED = ("name", "webhook_url", "is_disabled", "events")
WRITE_ONLY = ("request_headers", "retry_enabled")
# Header names that carry credentials: their values must come from ``${VAR}`` placeholders.
CREDENTIAL_HEADER = re.compile(r"auth|token|key|secret|password|signature|cookie", re.IGNORECASE)


class WebhookKind(ResourceKind):
    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("name"):
            body["name"] = name
        return body

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        out = {key: body.get(key) for key in COMPARED}
        out["is_disabled"] = bool(out["is_disabled"])
        out["events"] = sorted(out["events"] or [])
        out.update((key, body[key]) for key in WRITE_ONLY if body.get(key) is not None)
        return out

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        return {key: body[key] for key in (*COMPARED, *WRITE_ONLY) if body.get(key) not in (None, [], False)}

    def create_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        settings = {"auth_type": "hmac", "name": body.get("name"), "webhook_url": body.get("webhook_url")}
        if body.get("request_headers"):
            settings["request_headers"] = body["request_headers"]
        return {"settings": settings}

    def update_body(self, body: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
        sent = {"name": body.get("name"), "is_disabled": bool(body.get("is_disabled"))}
        sent["events"] = list(body.get("events") or [])
        sent.update((key, body.get(key)) for key in WRITE_ONLY)
        return sent

    def new_entry(self, name: str, config: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in config.items() if (key, value) != ("name", name)}

    def literal_secrets(self, config: Mapping[str, Any]) -> list[tuple[KeyPath, str]]:
        headers = config.get("request_headers")
        return [
            (("request_headers", name), "a credential header's value must be a ${VAR} placeholder")
            for name, value in (headers.items() if isinstance(headers, dict) else ())
            if CREDENTIAL_HEADER.search(str(name)) and isinstance(value, str) and "${" not in value
        ]

    def list_params(self, environment: str) -> dict[str, str] | None:
        return {"include_usages": "true"}  # the list shows ``events`` only then

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        return self.api_name(item) == (api_name or name)

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"name": "", "webhook_url": "", "is_disabled": False, "events": []}


KIND = WebhookKind(
    name="webhook",
    section="webhooks",
    folder="webhooks",
    routes=Routes(
        collection="/v1/workspace/webhooks",
        create="/v1/workspace/webhooks",
        list_key="webhooks",
        id_field="webhook_id",
        item_readable=False,
        paginated=False,
    ),
    model="",  # compared in its own shape (``canonical``): the create body nests it under ``settings``
    found_by="name",
    default_template="hmac",
    listing_order=8,
    server_owned=(("webhook_id",), ("usage",), ("created_at_unix",), ("auth_type",)),
    list_returns_resources=True,
    reference_slots=(("post_call_webhook_id",),),
    inline=True,
    shared=True,
    write_only=WRITE_ONLY,
    replace_on=(("webhook_url",),),  # the PATCH cannot change it: created again, the settings repointed
)
