"""The emulator package is layered: shared parts in their own modules, route modules with module-level
handlers and route tables, no import cycle (lazy imports included), and within the size limits."""

from __future__ import annotations

import importlib
import inspect
from functools import partial

import pytest
from starlette.applications import Starlette

from tests.support.layout import import_cycles, imports_within, oversized

PACKAGE = "agents_cli.emulator"
ROUTE_MODULES = [
    "routes_agents",
    "routes_branches",
    "routes_tools",
    "routes_tests",
    "routes_runs",
    "routes_misc",
    "routes_secrets",
    "routes_conversations",
    "routes_phone_numbers",
    "routes_settings",
    "routes_knowledge_rag",
    "routes_knowledge_base",
    "routes_mcp",
    "routes_webhooks",
]
# Only the callers that want an app import the module that assembles it.
APP_IMPORTERS = {"agents_cli.emulator.server", "agents_cli.emulator.transport"}


def test_the_emulator_has_no_import_cycle() -> None:
    assert import_cycles(PACKAGE) == []


def test_only_the_callers_that_want_an_app_import_it() -> None:
    importers = {module for module, targets in imports_within(PACKAGE).items() if f"{PACKAGE}.app" in targets}
    assert importers == APP_IMPORTERS


@pytest.mark.parametrize("name", ROUTE_MODULES)
def test_route_modules_have_a_table_of_module_level_handlers(name: str) -> None:
    module = importlib.import_module(f"{PACKAGE}.{name}")
    assert module.ROUTES, f"{name}.ROUTES is empty"
    for route in module.ROUTES:
        handler = route.endpoint
        while isinstance(handler, partial):
            handler = handler.func
        assert inspect.iscoroutinefunction(handler), route.path
        assert "<locals>" not in handler.__qualname__, f"{route.path}: {handler.__qualname__} is nested"
        assert handler.__module__ in (module.__name__, f"{PACKAGE}.routes_common"), route.path


def test_the_app_serves_exactly_the_route_tables(emulator_app: Starlette) -> None:
    modules = [importlib.import_module(f"{PACKAGE}.{name}") for name in ROUTE_MODULES]
    assert emulator_app.routes == [route for module in modules for route in module.ROUTES]


def test_the_emulator_is_within_the_size_limits() -> None:
    assert oversized(PACKAGE) == []
