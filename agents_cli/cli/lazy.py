"""The click command tree, each command built when it is first looked up.

typer turns every declared function into a click command up front: it reads each signature and evaluates
its annotations (≈25 ms for our ~30 commands, a third of ``agents --help``). A run needs one command — or,
for ``agents --help``, only the names and first sentences, which the declarations carry without building
anything. ``root_command(app)`` is typer's root group (its own callback and options, built by typer) whose
``commands`` mapping builds a subcommand with typer's own builder on first access, so what a command is
and how it parses stay exactly typer's. The eager tree (``typer.main.get_command``) is what tests and the
CLI reference read; tests/cli/test_lazy.py checks that both print the same help.
"""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator, MutableMapping
from typing import Any

import typer
from typer import main as typer_main
from typer.core import TyperCommand


class LazyCommands(MutableMapping[str, Any]):
    """name → click command, built on first ``[name]`` / ``get(name)``; iterates in declaration order
    without building. ``summary(name)`` is the built command if there is one, else a parameterless
    stand-in carrying what the group's help listing reads (help, short help, hidden, deprecated)."""

    def __init__(self) -> None:
        self._builders: dict[str, Callable[[], Any]] = {}
        self._summaries: dict[str, Callable[[], Any]] = {}
        self._built: dict[str, Any] = {}

    def declare(self, name: str, build: Callable[[], Any], summary: Callable[[], Any]) -> None:
        self._builders[name] = build
        self._summaries[name] = summary

    @property
    def built(self) -> tuple[str, ...]:
        """The names built so far (tests pin that a run builds only its own command)."""
        return tuple(self._built)

    def summary(self, name: str) -> Any:
        if name in self._built:
            return self._built[name]
        return self._summaries[name]()

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._builders[name]()  # KeyError: no such command
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command
        self._builders.setdefault(name, lambda: command)
        self._summaries.setdefault(name, lambda: command)

    def __delitem__(self, name: str) -> None:
        del self._builders[name]
        del self._summaries[name]
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._builders

    def __iter__(self) -> Iterator[str]:
        return iter(self._builders)

    def __len__(self) -> int:
        return len(self._builders)


def _stand_in(name: str, *, help: str | None, short_help: str | None, hidden: bool, deprecated: Any) -> Any:
    return TyperCommand(name=name, help=help, short_help=short_help, hidden=hidden, deprecated=deprecated)


def _command_entry(app: typer.Typer, info: Any) -> tuple[str, Callable[[], Any], Callable[[], Any]]:
    name = info.name or typer_main.get_command_name(info.callback.__name__)

    def build() -> Any:
        return typer_main.get_command_from_info(
            info, pretty_exceptions_short=app.pretty_exceptions_short, rich_markup_mode=app.rich_markup_mode
        )

    def summary() -> Any:
        text = inspect.cleandoc(info.help) if info.help is not None else inspect.getdoc(info.callback)
        return _stand_in(
            name, help=text, short_help=info.short_help, hidden=info.hidden, deprecated=info.deprecated
        )

    return name, build, summary


def _group_entry(app: typer.Typer, info: Any) -> tuple[str, Callable[[], Any], Callable[[], Any]]:
    def build() -> Any:
        return typer_main.get_group_from_info(
            info,
            pretty_exceptions_short=app.pretty_exceptions_short,
            suggest_commands=app.suggest_commands,
            rich_markup_mode=app.rich_markup_mode,
        )

    def summary() -> Any:
        solved = typer_main.solve_typer_info_defaults(info)
        return _stand_in(
            info.name,
            help=solved.help,
            short_help=solved.short_help,
            hidden=solved.hidden,
            deprecated=solved.deprecated,
        )

    return info.name, build, summary


def root_command(app: typer.Typer) -> Any:
    """``app`` as a click group whose subcommands are built on first use (see the module's docstring).
    An app this cannot express lazily (a group added without a name merges its commands into ours) gets
    typer's eager tree."""
    if any(not info.name for info in app.registered_groups):
        return typer_main.get_command(app)
    bare = copy.copy(app)
    bare.registered_commands = []
    bare.registered_groups = []
    root: Any = typer_main.get_command(bare)  # the group itself: its callback, global and completion options
    commands = LazyCommands()
    for command_info in app.registered_commands:
        commands.declare(*_command_entry(app, command_info))
    for group_info in app.registered_groups:
        commands.declare(*_group_entry(app, group_info))
    root.commands = commands
    return root
