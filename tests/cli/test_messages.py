"""Core raises structured errors and the CLI words them: every structured error class has words in
``cli/messages``, and no core module spells a command line or a flag."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

import agents_cli
from agents_cli import errors
from agents_cli.cli.messages import WORDING
from agents_cli.errors import AgentsError, use_wording
from agents_cli.project.errors import NotDeclared

PACKAGE = Path(agents_cli.__file__).parent
CORE = ("kinds", "project", "spec", "remote", "engine", "pull", "testing", "keypath")
# The bases a raiser may still give a message of its own (the commands layer does).
MESSAGE_BASES = {
    errors.AgentsError,
    errors.UsageError,
    errors.ConfigError,
    errors.ValidationFailed,
    errors.CredentialsMissing,
    errors.RemoteError,
    errors.Aborted,
}
CLI_WORDS = re.compile(
    r"'agents [a-z]|\bagents (init|add|validate|plan|sync|test|pull|status|list|delete|widget|watch|rename"
    r"|auth|templates|emulator)\b|(^|\s|\()--[a-z][a-z-]+"
)
# The JUnit report's suite is named after the command that made it: a name, not advice.
ALLOWED_WORDS = {("testing/reports.py", "agents test")}


def _structured_classes() -> list[type[AgentsError]]:
    modules = [errors] + [
        importlib.import_module(f"agents_cli.{package}.errors")
        for package in CORE
        if (PACKAGE / package / "errors.py").exists()
    ]
    found = []
    for module in modules:
        for _name, value in inspect.getmembers(module, inspect.isclass):
            defined_here = value.__module__ == module.__name__
            if defined_here and issubclass(value, AgentsError) and value not in MESSAGE_BASES:
                found.append(value)
    return found


def test_there_are_structured_errors_in_every_core_package_with_an_errors_module() -> None:
    modules = {kind.__module__ for kind in _structured_classes()}
    assert {"agents_cli.errors", "agents_cli.remote.errors", "agents_cli.engine.errors"} <= modules
    assert {"agents_cli.project.errors", "agents_cli.pull.errors", "agents_cli.testing.errors"} <= modules


@pytest.mark.parametrize("kind", _structured_classes(), ids=lambda kind: f"{kind.__module__}.{kind.__name__}")
def test_every_structured_error_has_the_clis_words(kind: type[AgentsError]) -> None:
    assert kind in WORDING, f"add {kind.__name__} to cli/messages/"


def _strings(path: Path) -> list[tuple[int, str]]:
    """Every string constant of a module that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def test_no_core_module_spells_a_command_line_or_a_flag() -> None:
    found = []
    for package in CORE:
        for path in sorted((PACKAGE / package).rglob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            for line, text in _strings(path):
                if CLI_WORDS.search(text) and (relative, text) not in ALLOWED_WORDS:
                    found.append(f"{relative}:{line}: {text[:80]!r}")
    assert not found, "core code words for the CLI (raise a structured error instead):\n" + "\n".join(found)


def test_a_structured_error_reads_as_the_clis_words_and_as_its_fields_without_the_cli() -> None:
    error = NotDeclared("agent", ["suport-bot"], ["support-bot", "faq-bot"])
    assert error.message == "no agent named 'suport-bot' in agents.json (did you mean 'support-bot'?)"
    assert error.hint == "declared: faq-bot, support-bot"
    use_wording(None)
    try:
        assert error.message.startswith("NotDeclared(what='agent', names=['suport-bot']")
        assert error.hint is None
    finally:
        from agents_cli.cli.wording import words

        use_wording(words)
