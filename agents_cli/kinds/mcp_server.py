"""MCP servers: ``/v1/convai/mcp-servers``, sent and stored as ``{config: …}``; a config file may hold just
the ``config``. Found again by ``config.name``.

An update is split over the API's endpoints, each sent only when its part differs: the settings PATCH
(headers, secret token, timeouts…), ``approval-policy``, ``tool-approvals`` (added or removed per tool) and
``tool-configs`` (per-tool overrides created, updated or removed). URL, name, transport and description
have no update: a change there replaces the server. Header values are credentials: write ``${VAR}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from agents_cli.kinds.base import ResourceKind, Routes

# The fields of MCPServerConfigUpdateRequestModel the settings PATCH carries (approval has its endpoint).
PATCHED = (
    "force_pre_tool_speech",
    "pre_tool_speech",
    "disable_interruptions",
    "interruption_mode",
    "tool_call_sound",
    "tool_call_sound_behavior",
    "execution_mode",
    "response_timeout_secs",
    "request_headers",
    "request_meta",
    "disable_compression",
    "secret_token",
    "auth_connection",
)


def _config(body: Mapping[str, Any] | None) -> dict[str, Any]:
    config = (body or {}).get("config")
    return config if isinstance(config, dict) else {}


def _by_tool(items: object) -> dict[str, dict[str, Any]]:
    listed = items if isinstance(items, list) else []
    return {str(item.get("tool_name")): item for item in listed if isinstance(item, dict)}


class McpServerKind(ResourceKind):
    def request_shape(self, config: Mapping[str, Any]) -> dict[str, Any]:
        body = dict(config)
        return body if "config" in body else {"config": body}

    def file_shape(self, body: dict[str, Any]) -> dict[str, Any]:
        if set(body) == {"config"} and isinstance(body["config"], dict):
            return dict(body["config"])
        return body

    def api_name(self, body: Mapping[str, Any]) -> str | None:
        name = _config(body).get("name")
        return name if isinstance(name, str) else None

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        config = _config(body)
        for key in ("tool_approval_hashes", "tool_config_overrides"):
            if isinstance(config.get(key), list):
                config[key] = sorted(config[key], key=lambda item: str(item.get("tool_name")))
        return body

    async def users(self, api: Any, remote_id: str) -> list[str]:
        found = await api.get(self.routes.item(remote_id))
        agents = found.get("dependent_agents") if isinstance(found, dict) else None
        return [
            f"agent {a.get('name') or ''} ({a['id']})"
            for a in agents or []
            if isinstance(a, dict) and a.get("id")
        ]

    def update_requests(
        self, remote_id: str, body: Mapping[str, Any], remote: Mapping[str, Any] | None
    ) -> list[tuple[str, str, Any]]:
        item = self.routes.item(remote_id)
        want, have = _config(body), _config(remote)
        calls: list[tuple[str, str, Any]] = []
        settings = {key: want.get(key) for key in PATCHED if want.get(key) != have.get(key)}
        if settings or remote is None:
            calls.append(("PATCH", item, settings))
        if want.get("approval_policy") != have.get("approval_policy"):
            calls.append(
                ("PATCH", f"{item}/approval-policy", {"approval_policy": want.get("approval_policy")})
            )
        calls += _approvals(
            item, _by_tool(want.get("tool_approval_hashes")), _by_tool(have.get("tool_approval_hashes"))
        )
        calls += _overrides(
            item, _by_tool(want.get("tool_config_overrides")), _by_tool(have.get("tool_config_overrides"))
        )
        return calls


def _approvals(
    item: str, want: dict[str, dict[str, Any]], have: dict[str, dict[str, Any]]
) -> list[tuple[str, str, Any]]:
    calls: list[tuple[str, str, Any]] = []
    for name in sorted(set(have) - set(want)):
        calls.append(("DELETE", f"{item}/tool-approvals/{quote(name, safe='')}", None))
    for name in sorted(want):
        if want[name] != have.get(name):
            approval = {
                "tool_name": name,
                "tool_description": str(want[name].get("tool_description") or ""),
                "approval_policy": want[name].get("approval_policy", "requires_approval"),
            }
            calls.append(("POST", f"{item}/tool-approvals", approval))
    return calls


def _overrides(
    item: str, want: dict[str, dict[str, Any]], have: dict[str, dict[str, Any]]
) -> list[tuple[str, str, Any]]:
    calls: list[tuple[str, str, Any]] = []
    for name in sorted(set(have) - set(want)):
        calls.append(("DELETE", f"{item}/tool-configs/{quote(name, safe='')}", None))
    for name in sorted(want):
        if name not in have:
            calls.append(("POST", f"{item}/tool-configs", want[name]))
        elif want[name] != have[name]:
            update = {key: value for key, value in want[name].items() if key != "tool_name"}
            calls.append(("PATCH", f"{item}/tool-configs/{quote(name, safe='')}", update))
    return calls


KIND = McpServerKind(
    name="mcp",
    section="mcp_servers",
    folder="mcp_servers",
    routes=Routes(
        collection="/v1/convai/mcp-servers",
        create="/v1/convai/mcp-servers",
        list_key="mcp_servers",
        id_field="id",
    ),
    model="MCPServerRequestModel",
    found_by="name",
    default_template="mcp-server",
    listing_order=4,
    server_owned=(("id",), ("access_info",), ("dependent_agents",), ("metadata",)),
    create_returns_resource=True,
    list_returns_resources=True,
    reference_slots=(("mcp_server_ids", int), ("mcp_server_id",)),
    credential_maps=(("config", "request_headers"),),
    splits_updates=True,
    replace_on=(("config", "url"), ("config", "name"), ("config", "transport"), ("config", "description")),
)
