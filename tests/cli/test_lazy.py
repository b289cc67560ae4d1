"""The lazily built command tree (``agents_cli/cli/lazy.py``): a run builds only the command it names, and
everything a user sees — help listings, each command's help, usage errors — is what typer's eager tree gives
(speed: benchmarks/startup.py)."""

from __future__ import annotations

from typing import Any

import pytest
import typer

from agents_cli.cli.lazy import LazyCommands, root_command
from agents_cli.cli.main import app


def _help(command: Any, path: list[str]) -> str:
    ctx = command.context_class(command, info_name="agents", **command.context_settings)
    for name in path:
        command = command.get_command(ctx, name)
        ctx = command.context_class(command, info_name=name, parent=ctx, **command.context_settings)
    text: str = command.get_help(ctx)
    return text


def _lazy_commands(root: Any) -> LazyCommands:
    assert isinstance(root.commands, LazyCommands)
    return root.commands


def test_the_root_help_lists_every_command_and_builds_none() -> None:
    root = root_command(app)
    lazy = _help(root, [])
    assert lazy == _help(typer.main.get_command(app), [])
    assert _lazy_commands(root).built == ()
    assert "validate" in lazy and "sync" in lazy


def test_the_tree_has_the_eager_trees_commands_in_the_same_order() -> None:
    root = root_command(app)
    eager = typer.main.get_command(app)
    ctx = root.context_class(root, info_name="agents")
    assert root.list_commands(ctx) == eager.list_commands(ctx)  # type: ignore[attr-defined]
    assert [param.name for param in root.params] == [param.name for param in eager.params]


@pytest.mark.parametrize("path", [["plan"], ["sync"], ["auth"], ["templates", "show"], ["emulator"]])
def test_a_commands_help_is_the_eager_trees(path: list[str]) -> None:
    root = root_command(app)
    assert _help(root, path) == _help(typer.main.get_command(app), path)
    assert _lazy_commands(root).built == (path[0],)  # only the command looked up was built


def test_an_unknown_command_builds_nothing_and_is_not_found() -> None:
    root = root_command(app)
    ctx = root.context_class(root, info_name="agents")
    assert root.get_command(ctx, "no-such-command") is None
    assert "no-such-command" not in root.commands
    assert _lazy_commands(root).built == ()
