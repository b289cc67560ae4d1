"""The words for errors: core code raises errors with fields; this is where they become a message and a
hint for people (and, for some, detail lines printed before them). An error class without an entry here
is shown with its own ``message`` and ``hint``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from agents_cli.errors import AgentsError

E = TypeVar("E", bound=AgentsError)
Words = tuple[str, str | None]
_WORDING: dict[type[AgentsError], Callable[[AgentsError], Words]] = {}
_DETAILS: dict[type[AgentsError], Callable[[AgentsError, Path], list[str]]] = {}


def words_for(kind: type[E]) -> Callable[[Callable[[E], Words]], Callable[[E], Words]]:
    def register(function: Callable[[E], Words]) -> Callable[[E], Words]:
        _WORDING[kind] = function  # type: ignore[assignment]
        return function

    return register


def details_for(kind: type[E]) -> Callable[[Callable[[E, Path], list[str]]], Callable[[E, Path], list[str]]]:
    def register(function: Callable[[E, Path], list[str]]) -> Callable[[E, Path], list[str]]:
        _DETAILS[kind] = function  # type: ignore[assignment]
        return function

    return register


def _lookup(
    table: dict[type[AgentsError], Callable[..., object]], error: AgentsError
) -> Callable[..., object] | None:
    from agents_cli.cli import messages  # noqa: F401  (registers the wording of every error class)

    for kind in type(error).__mro__:
        if kind in table:
            return table[kind]
    return None


def words(error: AgentsError) -> Words:
    """(message, hint) for ``error``: the entry of its class (or the nearest base class that has one)."""
    function = _lookup(_WORDING, error)  # type: ignore[arg-type]
    return function(error) if function is not None else (error.message, error.hint)  # type: ignore[return-value]


def details(error: AgentsError, cwd: Path) -> list[str]:
    """Lines shown before the message (validation errors, one per problem); paths relative to ``cwd``."""
    function = _lookup(_DETAILS, error)  # type: ignore[arg-type]
    return function(error, cwd) if function is not None else []  # type: ignore[return-value]
