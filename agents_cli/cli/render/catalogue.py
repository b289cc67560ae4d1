"""Which renderer each result type gets, by the result type's qualified name: rendering a result imports
only its own renderer module (a validate run never loads the plan renderer, hence the engine and httpx)."""

from __future__ import annotations

import importlib
from typing import Any

from agents_cli.cli.render.base import Renderer

# "module.Class" of the result -> (renderer module, renderer name)
RENDERERS: dict[str, tuple[str, str]] = {
    "agents_cli.commands.templates.TemplateList": ("agents_cli.cli.render.project", "TEMPLATE_LIST"),
    "agents_cli.commands.templates.TemplateShown": ("agents_cli.cli.render.project", "TEMPLATE_SHOWN"),
    "agents_cli.commands.validate.ValidationResult": ("agents_cli.cli.render.project", "VALIDATION"),
    "agents_cli.commands.widget.Widget": ("agents_cli.cli.render.resources", "WIDGET"),
    "agents_cli.commands.list_resources.ResourceList": ("agents_cli.cli.render.resources", "RESOURCE_LIST"),
    "agents_cli.commands.status.Status": ("agents_cli.cli.render.resources", "STATUS"),
    "agents_cli.commands.delete.Deletion": ("agents_cli.cli.render.resources", "DELETION"),
    "agents_cli.commands.auth.Whoami": ("agents_cli.cli.render.resources", "WHOAMI"),
    "agents_cli.commands.pull.PullListing": ("agents_cli.cli.render.resources", "PULL_LISTING"),
    "agents_cli.commands.pull.Pulled": ("agents_cli.cli.render.resources", "PULLED"),
    # The plan renderer with its markdown form (--format markdown).
    "agents_cli.commands.plan.PlanReport": ("agents_cli.cli.render.markdown", "PLAN"),
    "agents_cli.commands.sync.SyncReport": ("agents_cli.cli.render.sync", "SYNC"),
    "agents_cli.commands.test.TestRun": ("agents_cli.cli.render.tests", "TEST_RUN"),
    "agents_cli.commands.chat.ChatResult": ("agents_cli.cli.render.conversations", "CHAT"),
    "agents_cli.commands.conversations.ConversationList": (
        "agents_cli.cli.render.conversations",
        "CONVERSATION_LIST",
    ),
    "agents_cli.commands.import_official.ImportResult": ("agents_cli.cli.render.importing", "IMPORTED"),
    "agents_cli.commands.render.Rendered": ("agents_cli.cli.render.effective", "RENDERED"),
    "agents_cli.commands.history.History": ("agents_cli.cli.render.branches", "HISTORY"),
    "agents_cli.commands.promote.PromotionPlan": ("agents_cli.cli.render.branches", "PROMOTION"),
    "agents_cli.commands.rebase.RebasePlan": ("agents_cli.cli.render.branches", "REBASE"),
}


def renderer_named(kind: type) -> Renderer[Any] | None:
    entry = RENDERERS.get(f"{kind.__module__}.{kind.__qualname__}")
    if entry is None:
        return None
    found: Renderer[Any] = getattr(importlib.import_module(entry[0]), entry[1])
    return found
