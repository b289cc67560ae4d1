"""The workspace's convai settings (``GET``/``PATCH /v1/convai/settings``): the post-call webhook, the
conversation-initiation webhook (its headers may name secrets: ``{secret_id: "@secret:hook-token"}``) and
the workspace options the spec exposes. Declared once, as ``workspace: {settings: {…}}`` in agents.json;
it always exists, so sync only ever PATCHes it (a deep merge of the changed fields)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agents_cli.kinds.base import ResourceKind, Routes

SETTINGS_NAME = "settings"


class WorkspaceSettingsKind(ResourceKind):
    def api_name(self, body: Mapping[str, Any]) -> str | None:
        return SETTINGS_NAME

    def matches(self, item: Mapping[str, Any], environment: str, name: str, api_name: str | None) -> bool:
        return True


KIND = WorkspaceSettingsKind(
    name="workspace_settings",
    section="workspace",
    folder="workspace",
    routes=Routes(
        collection="/v1/convai/settings",
        create="/v1/convai/settings",
        list_key="",
        id_field="",
        singleton=True,
    ),
    model="PatchConvAISettingsRequest",
    found_by="name",
    default_template="webhooks",
    listing_order=9,
    update_merges=True,
    inline=True,
    shared=True,
    singleton_id=SETTINGS_NAME,
)
