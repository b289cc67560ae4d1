"""The words for errors: core code raises errors with fields; the CLI turns them into a message and a hint
for people (and, for some, detail lines printed before them), from the tables in ``messages``. An error
class without an entry is shown with its own ``message`` and ``hint``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from agents_cli.errors import AgentsError

Words = tuple[str, str | None]


def _entry(
    table: Mapping[type[AgentsError], Callable[..., Any]], error: AgentsError
) -> Callable[..., Any] | None:
    """The entry of the error's class, or of the nearest base class that has one."""
    for kind in type(error).__mro__:
        if kind in table:
            return table[kind]
    return None


def words(error: AgentsError) -> Words:
    """(message, hint): the CLI's words for a structured error, else what the raiser wrote."""
    from agents_cli.cli.messages import WORDING

    message, hint = error.given()
    function = _entry(WORDING, error) if message is None else None
    if function is not None:
        worded: Words = function(error)
        return worded
    return message or type(error).__name__, hint


def details(error: AgentsError, cwd: Path) -> list[str]:
    """Lines shown before the message (validation errors, one per problem); paths relative to ``cwd``."""
    from agents_cli.cli.messages import DETAILS

    function = _entry(DETAILS, error)
    return list(function(error, cwd)) if function is not None else []
