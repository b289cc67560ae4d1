"""Agents: ``/v1/convai/agents``, updated by a deep-merge PATCH, found again by our hidden tags."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import agents_cli.kinds.tags as tags
from agents_cli.kinds.base import ResourceKind, Routes


class AgentKind(ResourceKind):
    def complete(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        # Without a name the server invents one, which would show as a change on every plan.
        if not body.get("name"):
            body["name"] = name
        return body

    def canonical(self, body: dict[str, Any]) -> dict[str, Any]:
        # No tags and an empty tag list are the same thing; our own tags are not the user's.
        body["tags"] = tags.user_tags(body.get("tags") or [])
        return body

    def send_body(self, name: str, environment: str, body: Mapping[str, Any]) -> dict[str, Any]:
        out = dict(body)  # only the top-level tags change
        out["tags"] = [*tags.user_tags(out.get("tags") or []), *tags.managed(environment, name)]
        return out

    def minimal_body(self, discriminator: str) -> dict[str, Any]:
        return {"conversation_config": {}}

    def list_params(self, environment: str) -> dict[str, str] | None:
        return {"tags": tags.env_tag(environment)}

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        found = tags.of(item)
        return tags.env_tag(environment) in found and tags.name_tag(name) in found

    def tagged_names(self, item: Mapping[str, Any], environment: str) -> list[str]:
        return tags.names(item) if environment in tags.environments(item) else []

    def foreign(self, item: Mapping[str, Any], environment: str) -> bool:
        envs = tags.environments(item)
        return bool(envs) and environment not in envs

    def managed_tags(self, item: Mapping[str, Any]) -> list[str] | None:
        return tags.ours(item)

    def expected_tags(self, environment: str, name: str) -> list[str]:
        return tags.managed(environment, name)


ROUTES = Routes(
    collection="/v1/convai/agents", create="/v1/convai/agents/create", list_key="agents", id_field="agent_id"
)

KIND = AgentKind(
    name="agent",
    section="agents",
    folder="agents",
    routes=ROUTES,
    model="Body_Create_Agent_v1_convai_agents_create_post",
    found_by="tags",
    default_template="default",
    listing_order=0,
    # notes/api.md; most are also dropped by the Input model, listed so intent is explicit. The deprecated
    # prompt.tools is echoed back expanded from tool_ids (sending both is rejected).
    server_owned=(
        ("agent_id",),
        ("metadata",),
        ("access_info",),
        ("phone_numbers",),
        ("whatsapp_accounts",),
        ("version_id",),
        ("branch_id",),
        ("main_branch_id",),
        ("procedures",),
        ("default_hold_audio_url",),
        ("platform_settings", "safety"),
        ("conversation_config", "agent", "prompt", "tools"),
    ),
    server_filled=("platform_settings",),
    update_merges=True,
    placeholder_in_cycles=True,
    branched=True,
    reference_slots=(("agent_id",),),
)
