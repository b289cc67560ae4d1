"""Tools: ``/v1/convai/tools``, sent and stored as ``{tool_config: …}``; a config file may hold just the
``tool_config``. Found again by ``tool_config.name``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agents_cli.kinds.base import ResourceKind, Routes


class ToolKind(ResourceKind):
    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(config)
        return body if "tool_config" in body else {"tool_config": body}

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        if set(body) == {"tool_config"} and isinstance(body["tool_config"], dict):
            return dict(body["tool_config"])
        return body

    def api_name(self, body: Mapping[str, Any]) -> str | None:
        config = body.get("tool_config")
        name = config.get("name") if isinstance(config, dict) else None
        return name if isinstance(name, str) else None

    def discriminator(self, body: Mapping[str, Any]) -> str:
        config = body.get("tool_config")
        return str(config.get("type")) if isinstance(config, dict) else ""

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"tool_config": {"type": discriminator}}

    def template_name(self, display_name: str, slug: str) -> str:
        # The tool name is what the LLM sees as a function name: letters, digits, _ and - only.
        return re.sub(r"[^a-zA-Z0-9_-]", "_", slug)[:64]


KIND = ToolKind(
    name="tool",
    section="tools",
    folder="tools",
    routes=Routes(collection="/v1/convai/tools", create="/v1/convai/tools", list_key="tools", id_field="id"),
    model="ToolRequestModel",
    found_by="name",
    default_template="webhook",
    listing_order=1,
    server_owned=(("id",), ("access_info",), ("usage_stats",)),
    create_returns_resource=True,
    list_returns_resources=True,
    reference_slots=(("tool_ids", int), ("referenced_tool", "id")),
    credential_maps=(("tool_config", "api_schema", "request_headers"),),
)
