"""Stored records and their API views: what the server owns, echoes and computes.

Agents are stored with their request-model (``-Input``) config, defaults filled, without the deprecated
``prompt.tools``; the GET view adds server-owned fields and echoes ``prompt.tools`` expanded from
``tool_ids`` (the tools' current configs). Other modules build responses from these views.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from agents_cli.emulator.app import ApiError, EmulatorContext

AGENT = "agent"
AGENT_VERSION = "agent_version"
TOOL = "tool"
TEST = "test"
INVOCATION = "invocation"
KNOWLEDGE = "knowledge_base"
SECRET = "secret"
ENV_VAR = "env_var"


def now() -> int:
    return int(time.time())


def deep_merge(base: Any, patch: Any) -> Any:
    """PATCH semantics: objects merge key by key, everything else (lists, scalars, null) replaces."""
    if isinstance(base, dict) and isinstance(patch, dict):
        merged = dict(base)
        for key, value in patch.items():
            merged[key] = deep_merge(base.get(key), value) if key in base else value
        return merged
    return patch


def access_info(ctx: EmulatorContext) -> dict[str, Any]:
    return {
        "is_creator": True,
        "creator_name": ctx.settings.user_name,
        "creator_email": ctx.settings.user_email,
        "role": "admin",
    }


def prompt_of(config: Mapping[str, Any]) -> dict[str, Any]:
    agent = config.get("agent")
    prompt = agent.get("prompt") if isinstance(agent, dict) else None
    return prompt if isinstance(prompt, dict) else {}


def get_agent(ctx: EmulatorContext, agent_id: str) -> dict[str, Any]:
    record = ctx.store.get(AGENT, agent_id)
    if record is None:
        raise ApiError.not_found("agent", agent_id)
    return record


def get_tool(ctx: EmulatorContext, tool_id: str) -> dict[str, Any]:
    record = ctx.store.get(TOOL, tool_id)
    if record is None:
        raise ApiError.not_found("tool", tool_id)
    return record


def get_test(ctx: EmulatorContext, test_id: str) -> dict[str, Any]:
    record = ctx.store.get(TEST, test_id)
    if record is None:
        raise ApiError.not_found("test", test_id)
    return record


def tools_by_id(ctx: EmulatorContext, tool_ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for tool_id in tool_ids:
        record = ctx.store.get(TOOL, tool_id)
        if record is not None:
            found[tool_id] = record
    return found


def agent_view(ctx: EmulatorContext, record: Mapping[str, Any]) -> dict[str, Any]:
    """The agent as GET returns it, before the response model fills output defaults.

    The view shares the record's nested values (callers shape or merge it into new objects, never mutate
    it); only the path to ``prompt`` is copied, because the echoed ``tools`` are added there.
    """
    config = dict(record["conversation_config"])
    agent = config.get("agent")
    if isinstance(agent, dict) and isinstance(agent.get("prompt"), dict):
        prompt = dict(agent["prompt"])
        config["agent"] = {**agent, "prompt": prompt}
        tool_ids = [t for t in prompt.get("tool_ids", []) if isinstance(t, str)]
        tools = tools_by_id(ctx, tool_ids)
        # The deprecated `tools` list is echoed, expanded from `tool_ids` (what older clients read).
        prompt["tools"] = [tools[t]["tool_config"] for t in tool_ids if t in tools]
    return {
        "agent_id": record["agent_id"],
        "name": record.get("name") or "",
        "conversation_config": config,
        "metadata": {
            "created_at_unix_secs": record["created_at_unix_secs"],
            "updated_at_unix_secs": record["updated_at_unix_secs"],
        },
        "platform_settings": record.get("platform_settings") or {},
        "phone_numbers": [],
        "whatsapp_accounts": [],
        "workflow": record.get("workflow") or {},
        "access_info": access_info(ctx),
        "tags": list(record.get("tags") or []),
        "version_id": record.get("version_id"),
        "branch_id": record.get("main_branch_id"),
        "main_branch_id": record.get("main_branch_id"),
    }


def agents_referencing(ctx: EmulatorContext, predicate_key: str, ident: str) -> list[dict[str, Any]]:
    """Agents whose config references ``ident`` as a tool (``tool``), test (``test``) or document (``kb``)."""
    found: list[dict[str, Any]] = []
    for _, _, record in ctx.store.list(AGENT, newest_first=False):
        prompt = prompt_of(record.get("conversation_config", {}))
        if predicate_key == "tool":
            hit = ident in prompt.get("tool_ids", [])
        elif predicate_key == "kb":
            hit = any(isinstance(d, dict) and d.get("id") == ident for d in prompt.get("knowledge_base", []))
        else:
            testing = (record.get("platform_settings") or {}).get("testing") or {}
            hit = any(
                t.get("test_id") == ident for t in testing.get("attached_tests", []) if isinstance(t, dict)
            )
        if hit:
            found.append(record)
    return found


def dependent_agent(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "referenced_resource_ids": [],  # only transitive dependents name what they depend on
        "id": record["agent_id"],
        "name": record.get("name") or "",
        "type": "available",
        "created_at_unix_secs": record["created_at_unix_secs"],
        "access_level": "admin",
    }
