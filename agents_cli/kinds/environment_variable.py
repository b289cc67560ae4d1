"""Workspace environment variables: ``/v1/convai/environment-variables``. ``values`` are keyed by *server*
environment (``production`` required; our environments map to them with ``server_environment``). A
``secret`` variable's values name secrets: ``{production: "@secret:crm-token"}`` is sent as
``{production: {secret_id: <id>}}``. A value removed locally is sent as ``null`` (the PATCH merges)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agents_cli.kinds.base import ResourceKind, Routes

if TYPE_CHECKING:
    from agents_cli.keypath import KeyPath

MODELS = {
    "string": "CreateStringEnvironmentVariableRequest",
    "secret": "CreateSecretEnvironmentVariableRequest",
}


class EnvironmentVariableKind(ResourceKind):
    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(config)
        body.setdefault("type", "string")
        values = body.get("values")
        if body["type"] == "secret" and isinstance(values, dict):
            body["values"] = {
                env: {"secret_id": value} if isinstance(value, str) else value
                for env, value in values.items()
            }
        return body

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        out = dict(body)
        values = out.get("values")
        if out.get("type") == "secret" and isinstance(values, dict):
            out["values"] = {
                env: value["secret_id"] if isinstance(value, dict) and "secret_id" in value else value
                for env, value in values.items()
            }
        return out

    def api_name(self, body: Mapping[str, Any]) -> str | None:
        label = body.get("label")
        return label if isinstance(label, str) else None

    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("label"):
            body["label"] = name
        return body

    def model_for(self, body: Mapping[str, Any]) -> str:
        return MODELS.get(str(body.get("type")), MODELS["string"])

    def discriminator(self, body: Mapping[str, Any]) -> str:
        return str(body.get("type") or "string")

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        # Without ``label`` in the config the API knows it by its local name (``complete``).
        return self.api_name(item) == (api_name or name)

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"type": discriminator or "string", "label": "", "values": {}}

    def sensitive_paths(self, body: Mapping[str, Any]) -> set[KeyPath]:
        return {("values",)} if body.get("type") == "secret" else set()

    def update_body(self, body: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
        # Only ``values`` can change; a server environment the config no longer has is removed by null.
        values = dict(body.get("values") or {})
        for env in remote.get("values") or {}:
            values.setdefault(env, None)
        return {"values": values}


KIND = EnvironmentVariableKind(
    name="environment_variable",
    section="environment_variables",
    folder="environment_variables",
    routes=Routes(
        collection="/v1/convai/environment-variables",
        create="/v1/convai/environment-variables",
        list_key="environment_variables",
        id_field="id",
    ),
    model=MODELS["string"],
    found_by="name",
    default_template="string",
    listing_order=6,
    server_owned=(
        ("id",),
        ("created_at_unix_secs",),
        ("updated_at_unix_secs",),
        ("created_by_user_id",),
        ("workspace_id",),
    ),
    create_returns_resource=True,
    list_returns_resources=True,
    inline=True,
    shared=True,
)
