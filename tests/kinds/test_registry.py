"""The resource-kind registry is the only place that names a kind."""

from __future__ import annotations

import ast
from pathlib import Path

from agents_cli.kinds import REGISTRY

PACKAGE = Path(__file__).resolve().parents[2] / "agents_cli"
# Where a kind's name or section may be written out: the registry itself, and the emulator, which plays the
# server (its record types are the API's resources, not our kinds).
EXEMPT = ("kinds", "emulator")
# String constants that equal a kind or section name but are something else: (module, value) → why.
ALLOWED = {
    ("cli/app.py", "agents"): "the program's name",
    ("cli/commands/testing.py", "test"): "the 'agents test' command",
    ("testing/model.py", "test"): "a case kind of the test report (test | scenario)",
    ("testing/runner.py", "test"): "a case kind of the test report (test | scenario)",
    ("testing/runner.py", "tests"): "the run-tests request's field",
    ("testing/reports.py", "agent"): "a field of the JSON test report",
    ("testing/reports.py", "tests"): "a JUnit testsuite attribute",
    ("testing/scenarios.py", "agents"): "the scenario file's list of agents",
    ("cli/render/tests.py", "agent"): "a column heading",
    ("cli/render/tests.py", "test"): "a column heading",
    ("testing/compare.py", "test"): "a case kind of the test report (test | scenario)",
    ("testing/model.py", "agent"): "a field of the JSON test report's pass rates",
    ("chat/from_conversation.py", "agent"): "a transcript role",
    ("chat/from_conversation.py", "tool"): "the API's test type",
    ("chat/from_conversation.py", "webhook"): "the API's tool type",
    ("chat/socket.py", "agent"): "a transcript role and the override's conversation_config key",
    ("commands/chat.py", "agent"): "conversation_config's key and the transcript file's field",
    ("commands/conversations.py", "agent"): "a field of the conversation list",
    ("cli/render/conversations.py", "agent"): "a field of the chat's JSON",
    ("engine/planfile.py", "secrets"): "the plan file's salted digests of placeholder values",
    ("spec/workspace_schemas.py", "phone_number"): "the API's field of a phone number",
    ("spec/workspace_schemas.py", "agent"): "a phone-number entry's field naming its agent",
    ("spec/workspace_schemas.py", "secret"): "an environment variable's type",
}


def _docstrings(tree: ast.AST) -> set[int]:
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def kind_literals() -> list[tuple[str, int, str]]:
    names = {kind.name for kind in REGISTRY} | {kind.section for kind in REGISTRY}
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.split("/")[0] in EXEMPT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and node.value in names
                and id(node) not in docstrings
                and (relative, node.value) not in ALLOWED
            ):
                found.append((relative, node.lineno, node.value))
    return found


def test_no_kind_name_is_written_outside_the_registry() -> None:
    assert kind_literals() == []


def test_every_allowed_literal_is_still_there() -> None:
    """An allowance whose literal is gone is removed, so the list stays the exact set of exceptions."""
    names = {kind.name for kind in REGISTRY} | {kind.section for kind in REGISTRY}
    for module, value in ALLOWED:
        tree = ast.parse((PACKAGE / module).read_text(encoding="utf-8"))
        constants = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant)}
        assert value in names and value in constants, (module, value)


def test_kinds_are_found_by_name_and_section_in_dependency_order() -> None:
    for kind in REGISTRY:
        assert REGISTRY[kind.name] is kind and REGISTRY.by_section(kind.section) is kind
    assert [kind.name for kind in REGISTRY.reversed()] == list(reversed(REGISTRY.names))
    assert sorted(REGISTRY.listed(), key=lambda kind: REGISTRY.rank(kind.name)) == list(REGISTRY)
