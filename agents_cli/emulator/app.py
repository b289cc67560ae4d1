"""The Starlette application of the emulator, assembled from its parts.

Each ``routes_*`` module holds a module-level route table of module-level handlers; the shared parts live
in ``context`` (store, settings, models, request/response helpers), ``errors`` (error shapes and handlers),
``pagination`` and ``middleware``. This module only puts them together, so nothing imports it but the
callers that want an app.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from agents_cli.emulator import (
    routes_agents,
    routes_branches,
    routes_conversations,
    routes_knowledge_base,
    routes_knowledge_rag,
    routes_mcp,
    routes_misc,
    routes_phone_numbers,
    routes_runs,
    routes_secrets,
    routes_settings,
    routes_tests,
    routes_tools,
    routes_webhooks,
)
from agents_cli.emulator.context import EmulatorContext
from agents_cli.emulator.errors import EXCEPTION_HANDLERS
from agents_cli.emulator.middleware import ApiKeyMiddleware, FaultLayer
from agents_cli.emulator.settings import EmulatorSettings
from agents_cli.emulator.store import Store
from agents_cli.spec.model import models

ROUTES: list[BaseRoute] = [
    *routes_agents.ROUTES,
    *routes_branches.ROUTES,
    *routes_tools.ROUTES,
    *routes_tests.ROUTES,
    *routes_runs.ROUTES,
    *routes_misc.ROUTES,
    *routes_secrets.ROUTES,
    *routes_conversations.ROUTES,
    *routes_phone_numbers.ROUTES,
    *routes_settings.ROUTES,
    # Knowledge base: the static paths (/summaries, /search…) before /{documentation_id}.
    *routes_knowledge_rag.ROUTES,
    *routes_knowledge_base.ROUTES,
    *routes_mcp.ROUTES,
    *routes_webhooks.ROUTES,
]


def create_app(settings: EmulatorSettings | None = None, store: Store | None = None) -> Starlette:
    """The emulator as an ASGI app over ``store`` (in memory when omitted)."""
    store = store if store is not None else Store(None)
    ctx = EmulatorContext(settings or EmulatorSettings(), store, models())
    app = Starlette(
        routes=ROUTES,
        middleware=[Middleware(ApiKeyMiddleware, ctx)],
        exception_handlers=EXCEPTION_HANDLERS,
    )
    # Faults wrap the whole stack, error handling included, like a proxy in front of the server: they hit
    # every request (unauthorised and unknown routes too) and a dropped connection is not an app error.
    app.middleware_stack = FaultLayer(app.build_middleware_stack(), ctx)
    app.state.emulator = ctx
    return app
