"""Workspace secrets: ``/v1/convai/secrets``, write-only. A secret is declared in agents.json
(``secrets: {crm-token: {value: "${CRM_TOKEN}"}}``) and referenced as ``@secret:crm-token`` wherever the API
takes a secret id (``{secret_id: "@secret:crm-token"}``). Its value is never read back: state keeps a salted
hash of what was last written. Found again by its API ``name`` (the local name unless ``name`` is given)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from agents_cli.kinds.base import ResourceKind, Routes

if TYPE_CHECKING:
    from agents_cli.keypath import KeyPath


class SecretKind(ResourceKind):
    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        if not body.get("name"):
            body["name"] = name
        body["type"] = "new"  # the create model's; not compared (``canonical``)
        return body

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        return {key: body[key] for key in ("name", "value") if key in body}

    def create_body(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {**body, "type": "new"}

    def update_body(self, body: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
        # The PATCH model takes the whole secret: its name and value, as an ``update``.
        return {**body, "type": "update"}

    def new_entry(self, name: str, config: dict[str, Any]) -> dict[str, Any]:
        api_name = str(config.get("name") or name)
        out = {
            key: value for key, value in config.items() if key != "type" and (key, value) != ("name", name)
        }
        return {**out, "value": placeholder_for(api_name)}

    async def users(self, api: Any, remote_id: str) -> list[str]:
        from urllib.parse import quote

        found = []
        for resource_type in ("tools", "agents", "phone_numbers"):
            path = f"{self.routes.item(remote_id)}/dependencies/{quote(resource_type)}"
            answer = await api.get(path, params={"page_size": 100})
            for item in answer.get("dependencies", []) if isinstance(answer, dict) else []:
                if isinstance(item, dict):
                    ident = item.get("id") or item.get("phone_number_id") or "?"
                    label = item.get("name") or item.get("phone_number") or ""
                    found.append(
                        f"{resource_type[:-1].replace('_', ' ')} {label} ({ident})".replace("  ", " ")
                    )
        return found

    def literal_secrets(self, config: Mapping[str, Any]) -> list[tuple[KeyPath, str]]:
        value = config.get("value")
        if isinstance(value, str) and "${" not in value:
            return [(("value",), "a secret's value must be a ${VAR} placeholder, not the secret itself")]
        return []

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        # Without ``name`` in the config the API knows it by its local name (``complete``).
        return self.api_name(item) == (api_name or name)

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"type": "new", "name": "", "value": ""}


def placeholder_for(name: str) -> str:
    """The ``${VAR}`` pull writes for a secret's value: its name in upper snake case."""
    return "${" + "".join(ch if ch.isalnum() else "_" for ch in name).upper() + "}"


KIND = SecretKind(
    name="secret",
    section="secrets",
    folder="secrets",
    routes=Routes(
        collection="/v1/convai/secrets", create="/v1/convai/secrets", list_key="secrets", id_field="secret_id"
    ),
    model="PostWorkspaceSecretRequest",
    found_by="name",
    default_template="secret",
    listing_order=5,
    server_owned=(("secret_id",), ("used_by",)),
    list_returns_resources=True,
    reference_slots=(("secret_id",),),
    inline=True,
    shared=True,
    write_only=("value",),
)
