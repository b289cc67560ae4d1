"""Stored records and their API views: what the server owns, echoes and computes.

Agents are stored with their request-model (``-Input``) config, defaults filled, without the deprecated
``prompt.tools``; the GET view adds server-owned fields and echoes ``prompt.tools`` expanded from
``tool_ids`` (the tools' current configs). Other modules build responses from these views.

The references between records live here too (which agents use a tool, test or document; which agents a
transfer rule names), because both the agent and the tool routes check and detach them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.errors import ApiError

AGENT = "agent"
AGENT_VERSION = "agent_version"
TOOL = "tool"
TEST = "test"
INVOCATION = "invocation"
KNOWLEDGE = "knowledge_base"
SECRET = "secret"
MCP = "mcp_server"
ENV_VAR = "env_var"
PHONE_NUMBER = "phone_number"
SETTINGS = "convai_settings"
WEBHOOK = "workspace_webhook"
CONVERSATION = "conversation"
SIGNATURE = "conversation_signature"
# What a 404 calls a missing record of each kind (``tool_not_found``, "Tool with id ... not found.").
NOT_FOUND_NAMES = {
    AGENT: "agent",
    TOOL: "tool",
    TEST: "test",
    INVOCATION: "test_invocation",
    KNOWLEDGE: "document",
    SECRET: "secret",
    MCP: "mcp_server",
    ENV_VAR: "environment_variable",
    PHONE_NUMBER: "phone_number",
    CONVERSATION: "conversation",
    WEBHOOK: "webhook",
}


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


def get_or_404(ctx: EmulatorContext, kind: str, ident: str) -> dict[str, Any]:
    """The stored record, or 404 ``<what>_not_found`` in the API's shape."""
    record = ctx.store.get(kind, ident)
    if record is None:
        raise ApiError.not_found(NOT_FOUND_NAMES[kind], ident)
    return record


def tool_record(
    ctx: EmulatorContext, tool_id: str, tool_config: dict[str, Any], response_mocks: object = None
) -> dict[str, Any]:
    """A new tool (created by the tools route, or from an agent's deprecated inline ``tools``)."""
    stamp = now()
    return {
        "id": tool_id,
        "tool_config": tool_config,
        "access_info": access_info(ctx),
        "usage_stats": {"total_calls": 0, "avg_latency_secs": 0.0},
        "response_mocks": response_mocks,
        "created_at_unix_secs": stamp,
        "updated_at_unix_secs": stamp,
    }


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
        "branch_id": record.get("branch_id") or record.get("main_branch_id"),
        "main_branch_id": record.get("main_branch_id"),
    }


def _references(
    record: Mapping[str, Any], reference: str
) -> tuple[dict[str, Any], str, Callable[[Any], object]]:
    """Where an agent lists references of one kind: the object holding the list, its key, an entry's id."""
    if reference == "test":
        testing = (record.get("platform_settings") or {}).get("testing") or {}
        return testing, "attached_tests", _entry_id("test_id")
    prompt = prompt_of(record.get("conversation_config") or {})
    if reference == "kb":
        return prompt, "knowledge_base", _entry_id("id")
    if reference == "mcp":
        return prompt, "mcp_server_ids", lambda entry: entry
    return prompt, "tool_ids", lambda entry: entry


def _entry_id(key: str) -> Callable[[Any], object]:
    return lambda entry: entry.get(key) if isinstance(entry, dict) else None


def agents_referencing(ctx: EmulatorContext, reference: str, ident: str) -> list[dict[str, Any]]:
    """Agents whose config references ``ident`` as a tool (``tool``), test (``test``) or document (``kb``)."""
    found: list[dict[str, Any]] = []
    for _, _, record in ctx.store.list(AGENT, newest_first=False):
        holder, key, id_of = _references(record, reference)
        if any(id_of(entry) == ident for entry in holder.get(key, [])):
            found.append(record)
    return found


def detach(ctx: EmulatorContext, agent: dict[str, Any], reference: str, ident: str) -> None:
    """Remove a reference (see ``agents_referencing``) from a stored agent and save it."""
    holder, key, id_of = _references(agent, reference)
    holder[key] = [entry for entry in holder.get(key, []) if id_of(entry) != ident]
    agent["updated_at_unix_secs"] = now()
    ctx.store.put(AGENT, agent["agent_id"], agent)


def dependent_agent(record: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "referenced_resource_ids": [],  # only transitive dependents name what they depend on
        "id": record["agent_id"],
        "name": record.get("name") or "",
        "type": "available",
        "created_at_unix_secs": record["created_at_unix_secs"],
        "access_level": "admin",
    }


def transfer_targets(value: object) -> Iterator[str]:
    """Agent ids a config transfers to: ``transfer_to_agent`` rules and standalone-agent workflow nodes."""
    if isinstance(value, dict):
        if value.get("system_tool_type") == "transfer_to_agent":
            for rule in value.get("transfers") or []:
                if isinstance(rule, dict) and isinstance(rule.get("agent_id"), str):
                    yield rule["agent_id"]
        elif value.get("type") == "standalone_agent" and isinstance(value.get("agent_id"), str):
            yield value["agent_id"]
        for item in value.values():
            yield from transfer_targets(item)
    elif isinstance(value, list):
        for item in value:
            yield from transfer_targets(item)


def check_transfer_targets(ctx: EmulatorContext, sent: dict[str, Any]) -> None:
    """The agents a request's transfer rules name must exist (the server checks access to targets).

    Only what the request sends is checked: a rule left pointing at an agent deleted since (deleting an
    agent does not touch others' configs) does not block unrelated updates of the agent that holds it.
    Agent configs and system tools (``tool_config``) both hold such rules.
    """
    for section in ("conversation_config", "workflow", "tool_config"):
        for target in transfer_targets(sent.get(section)):
            if ctx.store.get(AGENT, target) is None:
                raise ApiError.of(
                    400, "agent_not_found", f"Agent {target} named in a transfer rule does not exist."
                )
