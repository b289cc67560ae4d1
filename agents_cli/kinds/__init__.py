"""The resource-kind registry: every kind of remote resource the project manages, in dependency order.

A kind is one module (``kinds/<kind>.py``) declaring a ``ResourceKind``; adding a kind is that module, one
line here, and its emulator routes (see docs/ARCHITECTURE.md). Everything else — manifest sections, state
sections, references, the plan/sync engine, pull, status, list, validate and completion — iterates
``REGISTRY``; no other module names a kind. Dependency order: a kind comes after every kind its configs may
reference, so creates go in this order and deletes in the reverse one.
"""

from __future__ import annotations

from collections.abc import Iterator

from agents_cli.kinds import (
    agent,
    environment_variable,
    knowledge_base,
    mcp_server,
    phone_number,
    secret,
    test,
    tool,
    webhook,
    workspace_settings,
)
from agents_cli.kinds.base import Attachment, FoundBy, ResourceKind, Routes, Slot


class Registry:
    """The kinds, in dependency order, looked up by name or by manifest/state section."""

    def __init__(self, kinds: tuple[ResourceKind, ...]) -> None:
        self._kinds = kinds
        self._by_name = {kind.name: kind for kind in kinds}
        self._by_section = {kind.section: kind for kind in kinds}

    def __iter__(self) -> Iterator[ResourceKind]:
        return iter(self._kinds)

    def __len__(self) -> int:
        return len(self._kinds)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> ResourceKind:
        return self._by_name[name]

    def get(self, name: str) -> ResourceKind | None:
        return self._by_name.get(name)

    def by_section(self, section: str) -> ResourceKind | None:
        return self._by_section.get(section)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._by_name)

    @property
    def sections(self) -> tuple[str, ...]:
        return tuple(self._by_section)

    def rank(self, name: str) -> int:
        """Position in dependency order (for sorting (kind, name) keys)."""
        return self._kinds.index(self._by_name[name])

    def listed(self) -> tuple[ResourceKind, ...]:
        """The kinds in the order people see them (``ResourceKind.listing_order``)."""
        return tuple(sorted(self._kinds, key=lambda kind: kind.listing_order))

    def reversed(self) -> tuple[ResourceKind, ...]:
        """Delete order: what references others goes first."""
        return tuple(reversed(self._kinds))

    def order_key(self, key: tuple[str, str]) -> tuple[int, str]:
        """Sort key of a (kind, local name) key: dependency order, then name."""
        return (self.rank(key[0]), key[1])


KB = knowledge_base.KIND
MCP = mcp_server.KIND
TOOL = tool.KIND
TEST = test.KIND
AGENT = agent.KIND
SECRET = secret.KIND
ENVIRONMENT_VARIABLE = environment_variable.KIND
PHONE_NUMBER = phone_number.KIND
WEBHOOK = webhook.KIND
WORKSPACE_SETTINGS = workspace_settings.KIND
# Secrets first (tools, variables, settings name them); documents and MCP servers before the tools and agents
# that use them; phone numbers after the agents they route to; webhooks before the settings that name them.
REGISTRY = Registry(
    (SECRET, ENVIRONMENT_VARIABLE, KB, MCP, TOOL, TEST, AGENT, PHONE_NUMBER, WEBHOOK, WORKSPACE_SETTINGS)
)

__all__ = [
    "AGENT",
    "KB",
    "MCP",
    "REGISTRY",
    "TEST",
    "TOOL",
    "Attachment",
    "FoundBy",
    "Registry",
    "ResourceKind",
    "Routes",
    "Slot",
]
